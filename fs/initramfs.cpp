/* Unpacking the initramfs (a newc cpio archive from the loader) into the root ramfs. */
#include "../lib/cpio.h"
#include <asm/bootparam.h>
#include <linux/fs.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

namespace {

/* The entry's absolute path into full; false for the archive's own ".". */
Result<bool> entry_path(const cpio_entry& e, char (&full)[PATH_MAX])
{
    const char* name = e.name;
    while (name[0] == '.' && name[1] == '/')
        name += 2;
    while (*name == '/')
        name++;
    if (!*name || !strcmp(name, "."))
        return false;
    if (static_cast<size_t>(snprintf(full, sizeof(full), "/%s", name)) >= sizeof(full))
        return Errno::ENAMETOOLONG;
    return true;
}

Result<void> unpack_entry(const cpio_entry& e)
{
    char full[PATH_MAX];
    if (!TRY(entry_path(e, full)))
        return {};

    umode_t mode = static_cast<umode_t>(e.mode);
    dev_t rdev = MKDEV(e.rdev_major, e.rdev_minor);
    auto created = vfs_mknodat(AT_FDCWD, full, mode, rdev);
    if (!created.ok()) {
        if (created.error() == Errno::EEXIST && S_ISDIR(mode))
            return {};
        return created.error();
    }
    inode* i = created.value();
    if (S_ISREG(mode) && e.size) {
        auto it = iter_source::kernel(e.data, e.size);
        auto written = filemap_write(i, it, 0);
        if (!written.ok())
            return written.error();
    } else if (S_ISLNK(mode)) {
        i->i_link = static_cast<char*>(kmalloc(e.size + 1));
        if (!i->i_link)
            return Errno::ENOMEM;
        memcpy(i->i_link, e.data, e.size);
        i->i_link[e.size] = 0;
        i->i_size = e.size;
    }
    i->i_uid = e.uid;
    i->i_gid = e.gid;
    i->i_mtime = i->i_ctime = i->i_atime = timespec64{e.mtime, 0};
    return {};
}

} // namespace

void populate_rootfs()
{
    auto& rd = boot_params.initrd;
    if (!rd.size) {
        printk("initramfs: none given\n");
        return;
    }
    CpioReader reader(__va(rd.base), rd.size);
    cpio_entry e;
    int files = 0;
    CpioStatus st;
    while ((st = reader.next(e)) == CpioStatus::Entry) {
        auto r = unpack_entry(e);
        if (!r.ok())
            printk("initramfs: %s: error %d\n", e.name, static_cast<int>(r.error()));
        files++;
    }
    if (st == CpioStatus::Malformed)
        printk("initramfs: archive is malformed after %d entries\n", files);
}

void initramfs_dir_times()
{
    /* What was made inside a directory changed its times; the archive's
     * come back last, as Linux applies them (its dir_utime). */
    auto& rd = boot_params.initrd;
    if (!rd.size)
        return;
    CpioReader reader(__va(rd.base), rd.size);
    cpio_entry e;
    char full[PATH_MAX];
    while (reader.next(e) == CpioStatus::Entry) {
        auto named = entry_path(e, full);
        if (!S_ISDIR(e.mode) || !named.ok() || !named.value())
            continue;
        auto p = kern_path(full, 0);
        if (!p.ok())
            continue;
        inode* i = p.value().dentry->d_inode;
        i->i_mtime = i->i_atime = timespec64{e.mtime, 0};
        path_put(p.value());
    }
}
