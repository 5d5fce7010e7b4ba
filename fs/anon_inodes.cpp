/*
 * Files that are not in any directory (Linux's fs/anon_inodes.c): eventfd and
 * the other descriptor-only objects. Each gets an inode of mode 0600 with no
 * file type, as Linux's anon inode has, and a dentry named
 * "anon_inode:[NAME]", which /proc/PID/fd shows.
 */
#include <linux/anon_inodes.h>
#include <linux/fs.h>
#include <linux/printk.h>
#include <linux/string.h>

namespace {
super_block* anon_sb; /* a ramfs instance no path reaches, made on first use */
}

Result<file*> anon_inode_getfile(const char* name, const file_operations* fops, void* priv, unsigned flags)
{
    if (!anon_sb && !(anon_sb = ramfs_get_sb()))
        return Errno::ENOMEM;
    char dname[64];
    int len = snprintf(dname, sizeof(dname), "anon_inode:%s", name);
    inode* i = new_inode(anon_sb, 0600);
    dentry* d = d_alloc(nullptr, dname, len);
    if (!i || !d) {
        iput(i);
        if (d)
            dput(d);
        return Errno::ENOMEM;
    }
    d->d_sb = anon_sb;
    d->d_transient = true;
    d_instantiate(d, i);
    i->i_fop = fops;
    path p{root_mnt, d};
    file* f = alloc_file(p, O_RDWR | (flags & O_NONBLOCK), fops);
    dput(d); /* the file holds it now */
    if (!f)
        return Errno::ENOMEM;
    if (!fops->llseek)
        f->f_mode &= ~FMODE_LSEEK; /* ESPIPE, unless the file says otherwise */
    f->private_data = priv;
    return f;
}

Result<int> anon_inode_getfd(const char* name, const file_operations* fops, void* priv, unsigned flags)
{
    /* The descriptor first, as Linux does: with none free (EMFILE) no file is
     * made, so no release ever sees a file without its private data. */
    int fd = TRY(get_unused_fd_flags(flags & O_CLOEXEC));
    auto f = anon_inode_getfile(name, fops, priv, flags);
    if (!f.ok()) {
        put_unused_fd(fd);
        return f.error();
    }
    fd_install(fd, f.value());
    return fd;
}
