/* Mounts: one tree of vfsmounts, rooted at the ramfs the initramfs fills. */
#include <linux/fs.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

vfsmount* root_mnt;
list_head mount_list;

Result<vfsmount*> vfs_mount(super_block* sb, const path* mountpoint, const char* devname)
{
    auto* m = static_cast<vfsmount*>(kzalloc(sizeof(vfsmount)));
    if (!m)
        return Errno::ENOMEM;
    m->mnt_sb = sb;
    m->mnt_root = dget(sb->s_root);
    m->mnt_list.init();
    strscpy(m->mnt_devname, devname, sizeof(m->mnt_devname));
    if (mountpoint) {
        if (mountpoint->dentry->d_mounted) {
            kfree(m);
            return Errno::EBUSY;
        }
        m->mnt_parent = mountpoint->mnt;
        m->mnt_mountpoint = dget(mountpoint->dentry);
        mountpoint->dentry->d_mounted = m;
    } else {
        m->mnt_parent = m;
        m->mnt_mountpoint = m->mnt_root;
    }
    mount_list.add_tail(&m->mnt_list);
    return m;
}

Result<void> mnt_want_write(const vfsmount* m)
{
    if (__mnt_is_readonly(m))
        return Errno::EROFS;
    return {};
}

bool follow_mount(path& p)
{
    bool crossed = false;
    while (p.dentry->d_mounted) {
        vfsmount* m = p.dentry->d_mounted;
        dentry* root = dget(m->mnt_root);
        dput(p.dentry);
        p = path{m, root};
        crossed = true;
    }
    return crossed;
}

void init_rootfs()
{
    super_block* sb = ramfs_get_sb();
    if (!sb)
        panic("no memory for the root file system");
    ramfs_make_tmpfs(sb, "tmpfs"); /* Linux's rootfs is a tmpfs */
    auto m = vfs_mount(sb, nullptr, "rootfs");
    if (!m.ok())
        panic("cannot mount the root file system");
    root_mnt = m.value();
}

/* ---- mount, umount2 ---- */

#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/syscalls.h>

namespace {

constexpr unsigned long MS_RDONLY = 1, MS_REMOUNT = 32, MS_BIND = 4096, MS_MOVE = 8192, MS_REC = 16384,
                        MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19, MS_SHARED = 1 << 20, MS_UNBINDABLE = 1 << 17;
constexpr int MNT_FORCE = 1, MNT_DETACH = 2, MNT_EXPIRE = 4, UMOUNT_NOFOLLOW = 8;

Result<super_block*> get_sb_by_type(const char* type, const char* data)
{
    if (!get_fs_type(type))
        return Errno::ENODEV;
    super_block* sb = nullptr;
    if (!strcmp(type, "proc"))
        sb = proc_get_sb();
    else if (!strcmp(type, "sysfs"))
        sb = sysfs_get_sb();
    else if (!strcmp(type, "ramfs") || !strcmp(type, "tmpfs") || !strcmp(type, "devtmpfs")) {
        sb = ramfs_get_sb();
        if (sb && strcmp(type, "ramfs"))
            ramfs_make_tmpfs(sb, !strcmp(type, "tmpfs") ? "tmpfs" : "devtmpfs");
        if (sb && !strcmp(type, "tmpfs")) {
            if (auto r = shmem_parse_options(sb, data, false); !r.ok())
                return r.error(); /* the unused super block stays: nothing else refers to it */
        }
    } else {
        return Errno::ENODEV;
    }
    if (!sb)
        return Errno::ENOMEM;
    return sb;
}

Result<void> do_mount(const char* source, const char* target, const char* type, unsigned long flags,
                      const char* data)
{
    path mp = TRY(kern_path(target, LOOKUP_FOLLOW));
    Result<void> r;
    if (!S_ISDIR(mp.dentry->d_inode->i_mode)) {
        r = Errno::ENOTDIR;
    } else if ((flags & MS_REMOUNT) && !(flags & MS_BIND)) {
        /* New options for the file system mounted there (tmpfs's limits),
         * and read-only or read-write for all its mounts. */
        super_block* sb = mp.mnt->mnt_sb;
        if (mp.dentry != mp.mnt->mnt_root)
            r = Errno::EINVAL;
        else if (sb->s_limits)
            r = shmem_parse_options(sb, data, true);
        if (r.ok())
            sb->s_flags = (flags & MS_RDONLY) ? sb->s_flags | SB_RDONLY : sb->s_flags & ~SB_RDONLY;
    } else if ((flags & MS_REMOUNT) && (flags & MS_BIND)) {
        /* MS_BIND | MS_REMOUNT: the flags of this one mount (Linux's
         * do_reconfigure_mnt), read-only the one that matters here. */
        if (mp.dentry != mp.mnt->mnt_root)
            r = Errno::EINVAL;
        else
            mp.mnt->mnt_flags = (flags & MS_RDONLY) ? mp.mnt->mnt_flags | MNT_READONLY
                                                    : mp.mnt->mnt_flags & ~MNT_READONLY;
    } else if (flags & (MS_PRIVATE | MS_SLAVE | MS_SHARED | MS_UNBINDABLE)) {
        r = {}; /* nothing to change on these file systems */
    } else if (flags & (MS_BIND | MS_MOVE)) {
        r = Errno::EINVAL; /* not supported */
    } else {
        auto sb = get_sb_by_type(type, data);
        if (!sb.ok())
            r = sb.error();
        else if (auto m = vfs_mount(sb.value(), &mp, source); !m.ok())
            r = m.error();
        else if (flags & MS_RDONLY)
            sb.value()->s_flags |= SB_RDONLY; /* each mount(2) makes a new super block */
    }
    path_put(mp);
    return r;
}

Result<char*> copy_mount_string(user_in_ptr<const char> user)
{
    if (!user)
        return static_cast<char*>(nullptr);
    return getname(user);
}

} // namespace

SYSCALL_DEFINE5(mount, user_in_ptr<const char>, dev_name, user_in_ptr<const char>, dir_name,
                user_in_ptr<const char>, type, unsigned long, flags, unsigned long, data)
{
    if (!capable(CAP_SYS_ADMIN))
        return Errno::EPERM;
    char* target = TRY(getname(dir_name));
    auto source = copy_mount_string(dev_name);
    auto fstype = copy_mount_string(type);
    auto options = copy_mount_string(user_in_ptr<const char>(data));
    SyscallResult r = 0;
    if (!source.ok())
        r = source.error();
    else if (!fstype.ok())
        r = fstype.error();
    else if (!options.ok())
        r = options.error();
    else if (!fstype.value() && !(flags & (MS_REMOUNT | MS_BIND | MS_MOVE | MS_PRIVATE | MS_SLAVE | MS_SHARED)))
        r = Errno::EINVAL;
    else
        r = do_mount(source.value() ? source.value() : "none", target, fstype.value() ? fstype.value() : "", flags,
                     options.value());
    if (source.ok() && source.value())
        putname(source.value());
    if (fstype.ok() && fstype.value())
        putname(fstype.value());
    if (options.ok() && options.value())
        putname(options.value());
    putname(target);
    return r;
}

static SyscallResult do_umount(user_in_ptr<const char> name, int flags)
{
    if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
        return Errno::EINVAL;
    if (!capable(CAP_SYS_ADMIN))
        return Errno::EPERM;
    path p = TRY(user_path_at(AT_FDCWD, name, (flags & UMOUNT_NOFOLLOW) ? 0 : LOOKUP_FOLLOW));
    vfsmount* m = p.mnt;
    SyscallResult r = 0;
    if (p.dentry != m->mnt_root)
        r = Errno::EINVAL; /* not a mount point */
    else if (m == root_mnt)
        r = Errno::EBUSY;
    else if (m->mnt_mountpoint)
        m->mnt_mountpoint->d_mounted = nullptr;
    path_put(p);
    if (r.value == 0) {
        list_head::del(&m->mnt_list);
        /* The mount stays allocated: open files and cwds may still point into
         * it. It is a tree of its own from now on, as a root mount is (".."
         * stops at its root, getcwd says "(unreachable)"): its old mount
         * point, whose reference goes here, may be freed (fuzz_umount_cwd). */
        dentry* mountpoint = m->mnt_mountpoint;
        m->mnt_parent = m;
        m->mnt_mountpoint = m->mnt_root;
        dput(mountpoint);
    }
    return r;
}

SYSCALL_DEFINE2(umount, user_in_ptr<const char>, name, int, flags)
{
    return do_umount(name, flags);
}

/* i386's umount without flags (Linux's oldumount). */
SYSCALL_DEFINE1(oldumount, user_in_ptr<const char>, name) { return do_umount(name, 0); }
