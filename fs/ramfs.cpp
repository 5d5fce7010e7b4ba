/*
 * ramfs: files in memory. Directories are nothing but the dentry tree; a
 * regular file's data is its page cache; a symlink keeps its target string.
 * The root file system is one, filled from the initramfs.
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/string.h>

namespace {

constexpr unsigned long RAMFS_MAGIC = 0x858458f6, TMPFS_MAGIC = 0x01021994;
unsigned next_anon_dev = 1;

Result<inode*> ramfs_create(inode* dir, umode_t mode, dev_t rdev);

Result<size_t> ramfs_readlink(dentry* d, char* buf, size_t size)
{
    const char* target = d->d_inode->i_link;
    size_t len = min(strlen(target), size);
    memcpy(buf, target, len);
    return len;
}

Result<void> ramfs_setsize(inode* i, loff_t size)
{
    TRY(memfd_resize_allowed(i, size));
    return filemap_set_size(i, size);
}

const inode_operations ramfs_dir_inode_operations = {
    .lookup = nullptr,
    .create = ramfs_create,
    .unlink = nullptr,
    .readlink = nullptr,
    .setsize = nullptr,
};

const inode_operations ramfs_file_inode_operations = {
    .lookup = nullptr,
    .create = nullptr,
    .unlink = nullptr,
    .readlink = nullptr,
    .setsize = ramfs_setsize,
};

const inode_operations ramfs_symlink_inode_operations = {
    .lookup = nullptr,
    .create = nullptr,
    .unlink = nullptr,
    .readlink = ramfs_readlink,
    .setsize = nullptr,
};

Result<size_t> ramfs_read(file* f, iter_dest& to, loff_t* pos)
{
    size_t n = TRY(filemap_read(f->f_inode, to, *pos));
    *pos += n;
    return n;
}

Result<size_t> ramfs_write(file* f, iter_source& from, loff_t* pos)
{
    inode* i = f->f_inode;
    if ((i->i_mode & (S_ISUID | S_ISGID)) && !capable(CAP_FSETID))
        kill_suid(i);
    /* RLIMIT_FSIZE: a write stops at the limit; one starting past it raises
     * SIGXFSZ and fails with EFBIG (Linux's generic_write_check_limits). */
    unsigned long limit = rlimit(RLIMIT_FSIZE);
    if (limit != RLIM_INFINITY && from.count()) {
        if (static_cast<unsigned long>(*pos) >= limit) {
            send_sig_info(SIGXFSZ, nullptr, current, false);
            return Errno::EFBIG;
        }
        if (from.count() > limit - *pos) {
            iter_source head = from;
            head.truncate(limit - *pos);
            size_t n = TRY(filemap_write(i, head, *pos));
            from.advance(n);
            *pos += n;
            return n;
        }
    }
    size_t allowed = TRY(memfd_write_allowed(i, *pos, from.count()));
    if (allowed < from.count()) {
        iter_source head = from;
        head.truncate(allowed);
        size_t n = TRY(filemap_write(i, head, *pos));
        from.advance(n);
        *pos += n;
        return n;
    }
    size_t n = TRY(filemap_write(f->f_inode, from, *pos));
    *pos += n;
    return n;
}

Result<inode*> ramfs_create(inode* dir, umode_t mode, dev_t rdev)
{
    TRY(shmem_reserve_inode(dir->i_sb)); /* ENOSPC past a tmpfs's nr_inodes; iput gives it back */
    inode* i = new_inode(dir->i_sb, mode);
    if (!i) {
        shmem_free_inode(dir->i_sb);
        return Errno::ENOMEM;
    }
    i->i_rdev = rdev;
    switch (mode & S_IFMT) {
    case S_IFDIR:
        i->i_op = &ramfs_dir_inode_operations;
        i->i_fop = &ramfs_dir_operations;
        i->i_size = 40; /* tmpfs's size of an empty directory */
        dir->i_nlink++;
        break;
    case S_IFREG:
        i->i_op = &ramfs_file_inode_operations;
        i->i_fop = &ramfs_file_operations;
        i->i_mapping_ok = true;
        i->i_seals = F_SEAL_SEAL; /* a tmpfs file takes no seals (Linux's shmem_get_inode) */
        break;
    case S_IFLNK:
        i->i_op = &ramfs_symlink_inode_operations;
        break;
    default:
        break; /* devices, FIFOs, sockets: their operations come at open */
    }
    dir->i_mtime = dir->i_ctime = current_time();
    return i;
}

} // namespace

unsigned dt_type(umode_t mode) { return (mode >> 12) & 15; }

const file_operations ramfs_file_operations = {
    .read_iter = ramfs_read,
    .write_iter = ramfs_write,
    .llseek = generic_file_llseek,
    .ioctl = nullptr,
    .poll = nullptr,
    .iterate = nullptr,
    .open = nullptr,
    .release = nullptr,
};

const file_operations ramfs_dir_operations = {
    .read_iter = nullptr,
    .write_iter = nullptr,
    .llseek = dcache_dir_lseek,
    .ioctl = nullptr,
    .poll = nullptr,
    .iterate = dcache_readdir,
    .open = nullptr,
    .release = nullptr,
};

void ramfs_make_tmpfs(super_block* sb, const char* type)
{
    sb->s_type = type;
    sb->s_magic = TMPFS_MAGIC;
    sb->s_xattr = true;
}

bool is_ramfs_sb(const super_block* sb) { return sb->s_magic == RAMFS_MAGIC || sb->s_magic == TMPFS_MAGIC; }
bool is_tmpfs_sb(const super_block* sb) { return sb->s_magic == TMPFS_MAGIC; }

super_block* ramfs_get_sb()
{
    auto* sb = static_cast<super_block*>(kzalloc(sizeof(super_block)));
    if (!sb)
        return nullptr;
    sb->s_dev = MKDEV(0, next_anon_dev++);
    sb->s_type = "ramfs";
    sb->s_magic = RAMFS_MAGIC;
    inode* root = new_inode(sb, S_IFDIR | 0755);
    dentry* d = d_alloc(nullptr, "/", 1);
    if (!root || !d)
        return nullptr;
    root->i_op = &ramfs_dir_inode_operations;
    root->i_fop = &ramfs_dir_operations;
    root->i_size = 40;
    d->d_sb = sb;
    d_instantiate(d, root);
    sb->s_root = d;
    return sb;
}

namespace {

/* Linux's internal shm mount: the unnamed memory files' tmpfs, mounted
 * nowhere (it is in no mount list), made on first use. */
super_block* shm_sb;
vfsmount* shm_mnt;

Result<void> shm_init()
{
    if (shm_mnt)
        return {};
    if (!shm_sb) {
        if (!(shm_sb = ramfs_get_sb()))
            return Errno::ENOMEM;
        ramfs_make_tmpfs(shm_sb, "tmpfs"); /* Linux's shm and memfd files are shmem's */
    }
    auto* m = static_cast<vfsmount*>(kzalloc(sizeof(vfsmount)));
    if (!m)
        return Errno::ENOMEM;
    m->mnt_sb = shm_sb;
    m->mnt_root = dget(shm_sb->s_root);
    m->mnt_parent = m;
    m->mnt_mountpoint = m->mnt_root;
    m->mnt_list.init();
    shm_mnt = m;
    return {};
}

} // namespace

Result<file*> shmem_file_open(const char* name, unsigned flags)
{
    TRY(shm_init());
    inode* i = TRY(shmem_file_setup(0));
    i->i_mode = S_IFREG | 0777; /* Linux's memfd: S_IRWXUGO, no link */
    i->i_nlink = 0;
    /* A name in the mount's root but not linked there: /proc shows
     * "/NAME (deleted)", as Linux's unlinked shm files. */
    dentry* d = d_alloc(shm_sb->s_root, name, strlen(name));
    if (!d) {
        iput(i);
        return Errno::ENOMEM;
    }
    d->d_inode = i;
    d->d_sb = shm_sb;
    d->d_unlinked = true;
    file* f = alloc_file(path{shm_mnt, d}, flags, i->i_fop);
    dput(d); /* the file holds it, and the dentry the inode */
    if (!f)
        return Errno::ENOMEM;
    return f;
}

Result<inode*> shmem_file_setup(size_t size)
{
    if (!shm_sb) {
        if (!(shm_sb = ramfs_get_sb()))
            return Errno::ENOMEM;
        ramfs_make_tmpfs(shm_sb, "tmpfs"); /* Linux's shm and memfd files are shmem's */
    }
    inode* i = new_inode(shm_sb, S_IFREG | 0600);
    if (!i)
        return Errno::ENOMEM;
    i->i_op = &ramfs_file_inode_operations;
    i->i_fop = &ramfs_file_operations;
    i->i_mapping_ok = true;
    i->i_seals = F_SEAL_SEAL;
    i->i_size = size;
    return i;
}
