/* statfs, fstatfs: what the file system says of itself (Linux's simple_statfs values). */
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/string.h>
#include <linux/syscalls.h>

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

Result<void> fill_statfs(const path& p, user_out_ptr<statfs_user> buf)
{
    statfs_user st;
    sb_statfs(p.dentry->d_sb ? p.dentry->d_sb : p.mnt->mnt_sb, st);
    /* Linux's ST_VALID, ST_RDONLY and ST_RELATIME (every mount(2) is
     * relatime, as /proc/mounts shows; the initramfs's root is not). */
    constexpr long ST_RDONLY = 1, ST_VALID = 0x20, ST_RELATIME = 0x400;
    st.f_flags = ST_VALID | (__mnt_is_readonly(p.mnt) ? ST_RDONLY : 0) | (p.mnt != root_mnt ? ST_RELATIME : 0);
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

} // namespace

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
