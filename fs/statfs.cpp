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

Result<void> fill_statfs(const path& p, user_out_ptr<statfs_user> buf)
{
    super_block* sb = p.dentry->d_sb ? p.dentry->d_sb : p.mnt->mnt_sb;
    statfs_user st;
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
    return copy_to_user(buf, &st);
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
