/* statfs, fstatfs: what the file system says of itself (Linux's simple_statfs values). */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/string.h>
#include <linux/syscalls.h>
#include <uapi/linux/compat_statfs.h>

namespace {

struct statfs_user {
    long f_type;
    long f_bsize;
    u64 f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int f_fsid[2];
    long f_namelen;
    long f_frsize;
    long f_flags;
    long f_spare[4];
};
static_assert(sizeof(statfs_user) == 120);

/* What a file system says of itself (Linux's simple_statfs and
 * shmem_statfs values); the flags come from the mount. */
void sb_statfs(const super_block* sb, statfs_user& st)
{
    memset(&st, 0, sizeof(st));
    st.f_type = static_cast<long>(sb->s_magic);
    st.f_bsize = PAGE_SIZE;
    st.f_frsize = PAGE_SIZE;
    st.f_namelen = NAME_MAX;
    st.f_fsid[0] = static_cast<int>(sb->s_dev);
    if (sb->s_limits) {
        /* A tmpfs: its size= and nr_inodes= (0, unlimited, reports 0), as Linux's shmem_statfs. */
        st.f_blocks = sb->s_max_blocks;
        st.f_bfree = st.f_bavail = sb->s_max_blocks - min(sb->s_used_blocks, sb->s_max_blocks);
        st.f_files = sb->s_max_inodes;
        st.f_ffree = sb->s_free_inodes;
    } else if (is_ramfs_sb(sb)) {
        /* Memory file systems may use all free memory. */
        st.f_blocks = totalram_pages();
        st.f_bfree = st.f_bavail = nr_free_pages();
    }
}

/* A path's: its file system's figures, with the mount's flags (Linux's
 * ST_VALID, ST_RDONLY and ST_RELATIME: every mount(2) is relatime, as
 * /proc/mounts shows; the initramfs's root is not). */
statfs_user kstatfs(const path& p)
{
    statfs_user st;
    sb_statfs(p.dentry->d_sb ? p.dentry->d_sb : p.mnt->mnt_sb, st);
    constexpr long ST_RDONLY = 1, ST_VALID = 0x20, ST_RELATIME = 0x400;
    st.f_flags = ST_VALID | (__mnt_is_readonly(p.mnt) ? ST_RDONLY : 0) | (p.mnt != root_mnt ? ST_RELATIME : 0);
    return st;
}

Result<void> fill_statfs(const path& p, user_out_ptr<statfs_user> buf)
{
    statfs_user st = kstatfs(p);
    return copy_to_user(buf, &st);
}

/* The old ustat(2)'s answer (x86-64 layout; i386's is compat_sys_ustat). */
struct ustat_user {
    int f_tfree;            /* free blocks */
    unsigned long f_tinode; /* free inodes */
    char f_fname[6];
    char f_fpack[6];
};
static_assert(sizeof(ustat_user) == 32);

/* i386's compat_statfs (Linux's put_compat_statfs): EOVERFLOW for a count
 * past 32 bits, but f_files and f_ffree may be -1. */
Result<void> fill_compat_statfs(const path& p, user_out_ptr<compat_statfs> buf)
{
    statfs_user st = kstatfs(p);
    constexpr u64 HIGH = 0xffffffff00000000ULL;
    if ((st.f_blocks | st.f_bfree | st.f_bavail | static_cast<u64>(st.f_bsize) | static_cast<u64>(st.f_frsize)) & HIGH)
        return Errno::EOVERFLOW;
    if ((st.f_files != ~0ULL && (st.f_files & HIGH)) || (st.f_ffree != ~0ULL && (st.f_ffree & HIGH)))
        return Errno::EOVERFLOW;
    compat_statfs c;
    memset(&c, 0, sizeof(c));
    c.f_type = static_cast<s32>(st.f_type);
    c.f_bsize = static_cast<s32>(st.f_bsize);
    c.f_blocks = static_cast<s32>(st.f_blocks);
    c.f_bfree = static_cast<s32>(st.f_bfree);
    c.f_bavail = static_cast<s32>(st.f_bavail);
    c.f_files = static_cast<s32>(st.f_files);
    c.f_ffree = static_cast<s32>(st.f_ffree);
    c.f_namelen = static_cast<s32>(st.f_namelen);
    c.f_fsid[0] = st.f_fsid[0];
    c.f_fsid[1] = st.f_fsid[1];
    c.f_frsize = static_cast<s32>(st.f_frsize);
    c.f_flags = static_cast<s32>(st.f_flags);
    return copy_to_user(buf, &c);
}

/* compat_statfs64 (put_compat_statfs64): only the block sizes must fit. */
Result<void> fill_compat_statfs64(const path& p, user_out_ptr<compat_statfs64> buf)
{
    statfs_user st = kstatfs(p);
    if ((static_cast<u64>(st.f_bsize) | static_cast<u64>(st.f_frsize)) & 0xffffffff00000000ULL)
        return Errno::EOVERFLOW;
    compat_statfs64 c;
    memset(&c, 0, sizeof(c));
    c.f_type = static_cast<u32>(st.f_type);
    c.f_bsize = static_cast<u32>(st.f_bsize);
    c.f_blocks = st.f_blocks;
    c.f_bfree = st.f_bfree;
    c.f_bavail = st.f_bavail;
    c.f_files = st.f_files;
    c.f_ffree = st.f_ffree;
    c.f_namelen = static_cast<u32>(st.f_namelen);
    c.f_fsid[0] = st.f_fsid[0];
    c.f_fsid[1] = st.f_fsid[1];
    c.f_frsize = static_cast<u32>(st.f_frsize);
    c.f_flags = static_cast<u32>(st.f_flags);
    return copy_to_user(buf, &c);
}

} // namespace
ABI_LAYOUT_DIFFERS(statfs_user);

SYSCALL_DEFINE2(statfs, user_in_ptr<const char>, pathname, user_out_ptr<statfs_user>, buf)
{
    path p = TRY(user_path_at(AT_FDCWD, pathname, LOOKUP_FOLLOW));
    auto r = fill_statfs(p, buf);
    path_put(p);
    return r;
}

SYSCALL_DEFINE2(fstatfs, unsigned int, fd, user_out_ptr<statfs_user>, buf)
{
    FdRef f(static_cast<int>(fd), FdRef::raw);
    if (!f)
        return Errno::EBADF;
    return fill_statfs(f->f_path, buf);
}

/* ustat(dev): the free blocks and inodes of the mounted file system on that
 * device (EINVAL when none is), from the same figures as statfs. */
SYSCALL_DEFINE2(ustat, unsigned int, dev, user_out_ptr<ustat_user>, ubuf)
{
    /* Linux's new_decode_dev. */
    dev_t want = MKDEV((dev & 0xfff00) >> 8, (dev & 0xff) | ((dev >> 12) & 0xfff00));
    list_for_each(pos, &mount_list) {
        vfsmount* m = list_entry(pos, vfsmount, mnt_list);
        if (m->mnt_sb->s_dev != want)
            continue;
        statfs_user st;
        sb_statfs(m->mnt_sb, st);
        ustat_user u;
        memset(&u, 0, sizeof(u));
        u.f_tfree = static_cast<int>(st.f_bfree);
        u.f_tinode = st.f_ffree;
        return copy_to_user(ubuf, &u);
    }
    return Errno::EINVAL;
}

COMPAT_SYSCALL_DEFINE2(statfs, user_in_ptr<const char>, pathname, user_out_ptr<compat_statfs>, buf)
{
    path p = TRY(user_path_at(AT_FDCWD, pathname, LOOKUP_FOLLOW));
    auto r = fill_compat_statfs(p, buf);
    path_put(p);
    return r;
}

COMPAT_SYSCALL_DEFINE2(fstatfs, unsigned int, fd, user_out_ptr<compat_statfs>, buf)
{
    FdRef f(static_cast<int>(fd), FdRef::raw);
    if (!f)
        return Errno::EBADF;
    return fill_compat_statfs(f->f_path, buf);
}

/* The size argument must be compat_statfs64's own (EINVAL before the lookup). */
COMPAT_SYSCALL_DEFINE3(statfs64, user_in_ptr<const char>, pathname, compat_size_t, sz,
                       user_out_ptr<compat_statfs64>, buf)
{
    if (sz != sizeof(compat_statfs64))
        return Errno::EINVAL;
    path p = TRY(user_path_at(AT_FDCWD, pathname, LOOKUP_FOLLOW));
    auto r = fill_compat_statfs64(p, buf);
    path_put(p);
    return r;
}

COMPAT_SYSCALL_DEFINE3(fstatfs64, unsigned int, fd, compat_size_t, sz, user_out_ptr<compat_statfs64>, buf)
{
    if (sz != sizeof(compat_statfs64))
        return Errno::EINVAL;
    FdRef f(static_cast<int>(fd), FdRef::raw);
    if (!f)
        return Errno::EBADF;
    return fill_compat_statfs64(f->f_path, buf);
}
