/*
 * The virtual file system: inodes (files), dentries (names in a tree), mounts,
 * open files and the operations each file system provides. The shapes and
 * names are Linux's, simplified: the dentry tree is also where ramfs keeps its
 * directories (as Linux's ramfs does), and file I/O goes through an iterator
 * (linux/uio.h) that hides whether the other side is user or kernel memory
 * and whose type says which way the data goes.
 */
#pragma once
#include <linux/abi.h>
#include <linux/spinlock.h>
#include <linux/list.h>
#include <linux/result.h>
#include <linux/time64.h>
#include <linux/types.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/wait.h>
#include "../../lib/bitmap.h"
#include "../../lib/hashtable.h"
#include "../../lib/rbtree.h"
#include <uapi/linux/fcntl.h>
#include <uapi/linux/stat.h>

struct inode;
struct dentry;
struct file;
struct super_block;
struct vfsmount;
struct page;
struct poll_table;
struct path;
struct kstat;

constexpr int NAME_MAX = 255;
constexpr int PATH_MAX = 4096;
constexpr int MAXSYMLINKS = 40;
constexpr size_t MAX_RW_COUNT = 0x7ffff000; /* INT_MAX & PAGE_MASK: the most one read/write moves */

/* ---- I/O buffers ---- */

struct compat_iovec; /* linux/compat.h */
/* An iovec array in the caller's layout (readv and the others are native
 * handlers on both ABIs, as on Linux: import_iovec reads either). */
using user_iovec_ptr = UserAbiPtr<const iovec, const compat_iovec, UserDir::In>;
/* Copies and checks a user iovec array into out (iovcnt entries): the total
 * length, trimmed to MAX_RW_COUNT; EINVAL, EFAULT (fs/read_write.cpp). */
[[nodiscard]] Result<size_t> import_iovec(user_in_ptr<const iovec> uvec, int iovcnt, iovec* out);
[[nodiscard]] Result<size_t> compat_import_iovec(user_in_ptr<const compat_iovec> uvec, int iovcnt, iovec* out);
/* Either, by the ABI the current call entered by. */
[[nodiscard]] Result<size_t> import_iovec(user_iovec_ptr uvec, int iovcnt, iovec* out);

/* ---- readiness (poll, select; fs/select.cpp) ---- */

constexpr unsigned POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20,
                   POLLRDNORM = 0x40, POLLRDBAND = 0x80, POLLWRNORM = 0x100, POLLWRBAND = 0x200,
                   POLLRDHUP = 0x2000;

/* A file's poll() returns its POLL* readiness; given a table it also calls
 * poll_wait() for each wait queue that will be woken when that changes. */
void poll_wait(file* f, wait_queue_head* wq, poll_table* pt);

/* ---- operations ---- */

using fmode_t = unsigned int;
constexpr fmode_t FMODE_READ = 1;
constexpr fmode_t FMODE_WRITE = 2;
constexpr fmode_t FMODE_LSEEK = 4;
constexpr fmode_t FMODE_PATH = 8;
/* An open flag of the kernel's own (above every O_* bit): open for execve,
 * which needs execute permission, not read. */
constexpr unsigned __FMODE_EXEC = 0x80000000u;

struct dir_context;

namespace procfs {
struct seqbuf;
}

struct file_operations {
    /* A read fills the destination, a write drains the source (linux/uio.h). */
    Result<size_t> (*read_iter)(file*, iter_dest&, loff_t* pos);
    Result<size_t> (*write_iter)(file*, iter_source&, loff_t* pos);
    Result<loff_t> (*llseek)(file*, loff_t offset, int whence);
    Result<long> (*ioctl)(file*, unsigned int cmd, unsigned long arg);
    /* Readiness: POLLIN etc.; registers on wait queues through pt if given. */
    unsigned int (*poll)(file*, poll_table* pt);
    Result<void> (*iterate)(file*, dir_context&);
    Result<void> (*open)(inode*, file*);
    void (*release)(inode*, file*);
    /* read_iter and write_iter need no big kernel lock: what they touch has
     * locks of its own (a pipe's mutex) or is nobody else's (/dev/zero).
     * read, write, readv and writev then run without it (fs/read_write.cpp),
     * and may be preempted anywhere (kernel/sched/core.cpp). */
    bool no_bkl = false;
    /* O_ASYNC turned on or off for the file (F_SETFL; -1 at the last close):
     * the object puts it on or takes it off its fasync list, or null. */
    Result<void> (*fasync)(int fd, file* f, bool on) = nullptr;
    /* More lines for /proc/PID/fdinfo/N (inotify's watches), or null. */
    void (*show_fdinfo)(procfs::seqbuf& m, file* f) = nullptr;
};

struct inode_operations {
    /* Finds name in dir; Errno::ENOENT if absent. Only file systems whose
     * directories are not all in the dentry tree (procfs) provide it. */
    Result<inode*> (*lookup)(inode* dir, const char* name, dentry* parent);
    Result<inode*> (*create)(inode* dir, umode_t mode, dev_t rdev);
    Result<void> (*unlink)(inode* dir, dentry* d);
    /* The target of a symlink, into buf (not terminated); returns its length. */
    Result<size_t> (*readlink)(dentry* d, char* buf, size_t size);
    Result<void> (*setsize)(inode*, loff_t size);
    /* A magic link (procfs's fd/N): its target itself, referenced, where
     * walking the name readlink gives would not reach it (an unlinked
     * file); a null path: walk the name. */
    Result<path> (*get_link)(dentry* d);
    /* A cached name still right? False: what it named is gone (procfs's
     * /proc/<pid> of a process that exited, its pid perhaps reused), and
     * the walk drops it from the cache and looks again (Linux's
     * d_revalidate); whoever holds it keeps the old one. */
    bool (*revalidate)(dentry* d);
};

struct super_block {
    dev_t s_dev;
    unsigned long s_next_ino;
    dentry* s_root;
    const char* s_type; /* "ramfs", "proc", ... */
    unsigned long s_magic;
    bool s_xattr; /* its inodes keep extended attributes (tmpfs, the root: fs/xattr.cpp) */
    /* tmpfs's limits (fs/shmem.cpp), Linux's shmem_sb_info: the most pages
     * and inodes (0: none), the pages in use and the inodes still free.
     * Under the kernel lock, as the page cache and dentries they count. */
    unsigned long s_max_blocks, s_used_blocks;
    unsigned long s_max_inodes, s_free_inodes;
    umode_t s_root_mode; /* mode= */
    bool s_limits;       /* a tmpfs mounted by mount(2): the limits apply */
    unsigned long s_flags; /* SB_RDONLY: mounted or remounted read-only */
};

/* super_block::s_flags (Linux's values). */
constexpr unsigned long SB_RDONLY = 1;
inline bool sb_rdonly(const super_block* sb) { return sb->s_flags & SB_RDONLY; }

struct inode {
    int i_count;
    unsigned long i_ino;
    umode_t i_mode;
    unsigned int i_nlink;
    uid_t i_uid;
    gid_t i_gid;
    dev_t i_rdev;
    loff_t i_size;
    timespec64 i_atime, i_mtime, i_ctime;
    super_block* i_sb;
    const inode_operations* i_op;
    const file_operations* i_fop;
    /* The page cache: data pages of a regular file (ramfs keeps its files here). */
    page** i_pages;
    unsigned long i_pages_cap;
    bool i_mapping_ok; /* can be mmap()ed */
    char* i_link;      /* symlink target (ramfs) */
    int i_writecount;  /* > 0: open for writing; < 0: a running program (writes: ETXTBSY) */
    void* i_private;
    wait_queue_head i_wait; /* pipes and FIFOs */
    const struct vm_operations_struct* i_vm_ops; /* hooks for its mappings (linux/mm.h), or null */
    struct simple_xattr* i_xattrs; /* extended attributes, newest first (fs/xattr.cpp) */
    list_head* i_flock; /* its flock and record locks (fs/locks.cpp), allocated at the first */
    u64 i_task_start;   /* procfs: the start time of the process a /proc/<pid> directory is (Linux's proc_inode pid) */
    /* Memory files (tmpfs, memfd): F_SEAL_* (mm/memfd.cpp); F_SEAL_SEAL
     * alone unless memfd_create(MFD_ALLOW_SEALING) made it. */
    unsigned int i_seals;
    /* Its inotify watches (fsnotify_mark::i_list, fs/notify/), under the
     * kernel lock; empty for nearly every inode, which is all a hook checks. */
    hlist_head i_fsnotify_marks;
};

/* Frees an inode's extended attributes (when the inode goes). */
void simple_xattrs_free(inode* i);

/*
 * A name. Linked names (an inode, not unlinked, under a parent) are in two
 * places (fs/dcache.cpp): the hash of (parent, name) that lookups use, and
 * their parent's d_children tree, ordered newest first as Linux's
 * d_subdirs list is, which is what readdir walks. Nothing locks them yet:
 * the kernel runs one task at a time and never in interrupt context here.
 */
struct dentry {
    int d_count;
    char* d_name;
    u32 d_name_len;
    u64 d_name_hash;     /* full_name_hash(parent, name) */
    inode* d_inode;      /* nullptr: a negative dentry (no such name) */
    dentry* d_parent;
    hlist_node d_hash;   /* in the dentry hash while linked */
    rb_node d_child;     /* in d_parent->d_children while linked */
    u64 d_offset;        /* when it was linked in its parent: larger is newer */
    u32 d_rb_count;      /* linked dentries in this one's d_child subtree (readdir seeks) */
    rb_root d_children;  /* linked children, newest first */
    u64 d_next_offset;   /* the next d_offset a child of this directory gets */
    super_block* d_sb;
    vfsmount* d_mounted; /* the mount covering this dentry, if any */
    bool d_transient;    /* procfs: forget when unused */
    bool d_unlinked;     /* removed from its directory, alive while still used */

    bool d_linked() const { return !d_hash.unhashed(); }
};

struct vfsmount {
    dentry* mnt_root;
    super_block* mnt_sb;
    vfsmount* mnt_parent;
    dentry* mnt_mountpoint;
    list_head mnt_list;
    char mnt_devname[32];
    int mnt_flags; /* MNT_READONLY: this mount alone is read-only (a bind remount) */
};

/* vfsmount::mnt_flags (Linux's values). */
constexpr int MNT_READONLY = 0x40;
/* Writes through this mount are refused: the mount or its file system is
 * read-only (fs/namespace.cpp). */
inline bool __mnt_is_readonly(const vfsmount* m) { return (m->mnt_flags & MNT_READONLY) || sb_rdonly(m->mnt_sb); }
/* What every call that changes a file system asks first: EROFS on a
 * read-only mount (Linux also counts writers here, to refuse a remount to
 * read-only while one is at work; Trapgate does not yet). */
[[nodiscard]] Result<void> mnt_want_write(const vfsmount* m);

struct path {
    vfsmount* mnt;
    struct dentry* dentry;
};

struct file {
    int f_count; /* references, changed atomically (read and write take them without the kernel lock) */
    const file_operations* f_op;
    path f_path;
    inode* f_inode;
    unsigned int f_flags; /* O_* */
    fmode_t f_mode;
    loff_t f_pos;
    void* private_data;
    /* Directories of the dentry tree: where the last readdir stopped (the
     * d_offset of the last entry it returned, valid while f_pos is still
     * f_dir_cursor_pos), so entries coming and going don't move it. */
    u64 f_dir_cursor;
    loff_t f_dir_cursor_pos;
    struct epitem* f_ep; /* epoll items watching this file (fs/eventpoll.cpp) */
    /* Who gets SIGIO for an O_ASYNC file (F_SETOWN, F_SETSIG; fs/fasync.cpp),
     * under the kernel lock to change, read by kill_fasync under fasync_lock. */
    struct fown_struct {
        pid_t pid;    /* 0: nobody */
        int pid_type; /* PIDTYPE_PID (a thread), PIDTYPE_TGID (a process), PIDTYPE_PGID */
        uid_t uid, euid; /* of whoever set it: the signal's permission */
        int signum;   /* F_SETSIG: 0 is plain SIGIO */
    } f_owner;
};

/* O_ASYNC (fs/fasync.cpp, Linux's fasync_helper and kill_fasync): an object
 * that can become readable or writable keeps a list of the files that asked
 * for SIGIO, and calls kill_fasync when it does. */
struct fasync_struct {
    fasync_struct* fa_next;
    file* fa_file;
    int fa_fd;
};
constexpr int PIDTYPE_PID = 0, PIDTYPE_TGID = 1, PIDTYPE_PGID = 2;
constexpr int POLL_IN = 1, POLL_OUT = 2, POLL_MSG = 3, POLL_ERR = 4, POLL_PRI = 5, POLL_HUP = 6;
/* Adds (on) or removes the file's entry on *list; the list is the object's. */
[[nodiscard]] Result<void> fasync_helper(int fd, file* f, bool on, fasync_struct** list);
/* The owner of every file on the list gets its signal, band a POLL_* reason;
 * inline, as it is called at every pipe read and write: nobody asked, as
 * nearly always, is a test of one pointer. */
void __kill_fasync(fasync_struct** list, int sig, int band);
static inline void kill_fasync(fasync_struct** list, int sig, int band)
{
    if (unlikely(__atomic_load_n(list, __ATOMIC_RELAXED)))
        __kill_fasync(list, sig, band);
}
/* F_GETOWN, F_SETOWN, F_GETOWN_EX, F_SETOWN_EX, F_GETSIG, F_SETSIG. */
[[nodiscard]] Result<long> fcntl_owner(file* f, unsigned int cmd, unsigned long arg);

/* File locks (fs/locks.cpp). A descriptor of f closed by the process with
 * this table: its record locks on the file go. */
struct files_struct;
void locks_remove_posix(file* f, const files_struct* owner);
/* The last reference to f: its flock and OFD locks go. */
void locks_remove_file(file* f);

/* The file's last reference is going: it leaves every epoll interest list. */
void eventpoll_release_file(file* f);
/* ... and every waiter's wait queues it put them on (fs/select.cpp). */
void poll_release_file(file* f);

/* ---- inodes and the page cache (fs/inode.cpp) ---- */

/* Drops set-user-id, and set-group-id when the file is group-executable. */
static inline void kill_suid(inode* i)
{
    i->i_mode &= ~S_ISUID;
    if ((i->i_mode & (S_ISGID | 00010)) == (S_ISGID | 00010))
        i->i_mode &= ~S_ISGID;
}

inode* new_inode(super_block* sb, umode_t mode);
void ihold(inode* i);
void iput(inode* i);
timespec64 current_time();
/* The page at index, with a reference; created (zeroed) inside the size. ENXIO past EOF. */
Result<page*> filemap_get_page(inode* i, unsigned long index);
/* Resizes the page cache to size bytes (truncate/extend). */
Result<void> filemap_set_size(inode* i, loff_t size);
Result<size_t> filemap_read(inode* i, iter_dest& to, loff_t pos);
Result<size_t> filemap_write(inode* i, iter_source& from, loff_t pos);
/* fallocate's work on the page cache: pages for every byte of [pos, end)
 * (zeroed; beyond the size too), all or none (ENOMEM); or, for a hole, those
 * bytes zeroed and the pages wholly inside freed unless something else holds
 * them (a mapping). Neither changes the size. */
Result<void> filemap_allocate(inode* i, loff_t pos, loff_t end);
void filemap_punch_hole(inode* i, loff_t pos, loff_t end);
/* An unnamed memory file for MAP_SHARED|MAP_ANONYMOUS (reference returned). */
Result<inode*> shmem_file_setup(size_t size);
/* A memory file of its own on the internal shm mount, named NAME but in no
 * directory (memfd_create; fs/ramfs.cpp). */
Result<file*> shmem_file_open(const char* name, unsigned flags);
/* Seals (mm/memfd.cpp, Linux's F_SEAL_*), and what they refuse. */
constexpr unsigned int F_SEAL_SEAL = 0x1, F_SEAL_SHRINK = 0x2, F_SEAL_GROW = 0x4, F_SEAL_WRITE = 0x8,
                       F_SEAL_FUTURE_WRITE = 0x10;
/* A write of len at pos: EPERM if sealed against it; else how much of it may
 * go (a grow seal stops a write at the last page ending within the file). */
[[nodiscard]] Result<size_t> memfd_write_allowed(const inode* i, loff_t pos, size_t len);
/* A new size: EPERM if a shrink or grow seal forbids it. */
[[nodiscard]] Result<void> memfd_resize_allowed(const inode* i, loff_t size);
/* F_ADD_SEALS, F_GET_SEALS. */
[[nodiscard]] Result<long> memfd_fcntl(file* f, unsigned int cmd, unsigned long arg);

/* ---- dentries (fs/dcache.cpp) ---- */

dentry* d_alloc(dentry* parent, const char* name, size_t len);
dentry* dget(dentry* d);
void dput(dentry* d);
/* The child of parent with that name, referenced, or nullptr. */
dentry* d_lookup(dentry* parent, const char* name, size_t len);
void d_instantiate(dentry* d, inode* i);
void d_delete(dentry* d);
/* Takes a linked name out of its parent (for a rename to relink it). */
void d_unlink_name(dentry* d);
/* Sets a dentry's name (and its hash under its parent); ENOMEM. */
Result<void> d_set_name(dentry* d, const char* name, size_t len);
/* Directory reading over the dentry tree (ramfs), with Linux tmpfs's order
 * (newest first) and positions (. is 0, .. is 1, then one per entry). */
Result<void> dcache_readdir(file* f, dir_context& ctx);
Result<loff_t> dcache_dir_lseek(file* f, loff_t offset, int whence);
bool dir_has_children(const dentry* d);
/* The absolute path of p from the root of its tree of mounts, into buf;
 * returns the start. *unreachable (if given) says whether that tree is not
 * the root's (a detached mount's). */
Result<char*> d_path(const path& p, char* buf, size_t size, bool* unreachable = nullptr);

/* ---- path lookup (fs/namei.cpp) ---- */

constexpr unsigned LOOKUP_FOLLOW = 1;    /* follow a symlink in the last component */
constexpr unsigned LOOKUP_DIRECTORY = 2; /* the last component must be a directory */
constexpr unsigned LOOKUP_EMPTY = 8;     /* "" names the starting directory (AT_EMPTY_PATH) */

struct kstat {
    u64 ino;
    dev_t dev;
    umode_t mode;
    unsigned int nlink;
    uid_t uid;
    gid_t gid;
    dev_t rdev;
    loff_t size;
    timespec64 atime, mtime, ctime;
    u64 blocks;
};


void path_get(const path& p);
void path_put(const path& p);
/* Resolves name relative to dirfd; the result holds references. */
Result<path> user_path_at(int dirfd, user_in_ptr<const char> name, unsigned flags);
Result<path> kern_path(const char* name, unsigned flags);
Result<path> path_lookupat(int dirfd, const char* name, unsigned flags);
/* Walks name starting at dir (which need not be the cwd). */
Result<path> path_lookup_from(const path& dir, const char* name, unsigned flags);
/* The child called name in dir, crossing mounts but not following a symlink. */
Result<path> lookup_one(const path& dir, const char* name);
/* The parent directory of name's last component, and that component. */
struct parent_path {
    path dir;
    char last[NAME_MAX + 1];
    bool trailing_slash;
};
Result<parent_path> kern_path_parent(int dirfd, const char* name);
/* Creates name (any file type; mode includes S_IF*) after the checks Linux
 * makes: EEXIST, ENOENT/ENOTDIR for the parent, EACCES without write and
 * search permission on it. The umask is applied by the caller. */
Result<inode*> vfs_mknodat(int dirfd, const char* name, umode_t mode, dev_t rdev);
/* The same in a resolved parent (the name is known not to exist). */
Result<dentry*> vfs_create(const parent_path& pp, umode_t mode, dev_t rdev);
Result<file*> do_filp_open(int dirfd, const char* name, unsigned flags, umode_t mode);
/* unlink(2) of a kernel path, with its checks. */
Result<void> kernel_unlink(const char* name);
/* Opens what p names (the caller keeps its reference), with open()'s checks. */
Result<file*> dentry_open(const path& p, unsigned flags);
Result<char*> getname(user_in_ptr<const char> name); /* kmalloc'ed PATH_MAX copy */
/* The file system types (fs/filesystems.cpp): whether one is known, and
 * /proc/filesystems's lines, one call each. */
[[nodiscard]] bool get_fs_type(const char* name);
void show_filesystems_list(void (*line)(void* m, const char* text), void* m);
void putname(char* name);

/* ---- open files (fs/open.cpp, fs/file.cpp) ---- */

file* alloc_file(const path& p, unsigned flags, const file_operations* fops);
file* get_file(file* f);
void fput(file* f);
/* The file of descriptor fd, referenced, or nullptr. An O_PATH file counts
 * as no file for fget (most calls: EBADF), as in Linux; fget_raw takes it
 * (the calls that work on a path: fstat, fchdir, a dirfd, dup, fcntl). */
file* fget(int fd);
file* fget_raw(int fd);
/* Reserves an unused descriptor >= start (EMFILE if none): from here until
 * put_unused_fd or close, no other open can get it, even while this one
 * sleeps before fd_install (Linux's open_fds bit). */
Result<int> get_unused_fd_flags(unsigned flags, int start = 0);
/* Gives back a reserved descriptor that was never installed. */
void put_unused_fd(int fd);
/* Puts f (a reference) in the reserved slot fd. */
void fd_install(int fd, file* f);
Result<void> close_fd(int fd);
Result<int> open_file_install(file* f, unsigned flags);

/* A process's descriptor table: 64 slots inside the structure (most
 * processes never need more), grown on demand up to NR_OPEN_MAX (Linux's
 * /proc/sys/fs/nr_open). The lowest free slot comes from open_fds and its
 * summary full_fds_bits (a bit per word of open_fds that is full, as Linux's
 * fdtable): O(1) amortized however many descriptors are open. */
struct files_struct {
    static constexpr int NR_OPEN_DEFAULT = 64;
    static constexpr int NR_OPEN_MAX = 1 << 20; /* Linux's nr_open */
    int count;
    int max_fds;      /* slots in fd[] */
    file** fd;
    u64* close_on_exec;
    /* A bit per slot in use: installed, or reserved by an open still under
     * way (then fd[n] is nullptr). Only the owner of the table changes it,
     * in process context (no interrupt handler touches descriptors). */
    u64* open_fds;
    u64* full_fds_bits; /* bit w: open_fds[w] is all ones */
    /* Every change of a slot of fd[] and of the fd pointer itself, against a
     * thread that looks a file up without the kernel lock (FdRef, for read
     * and write) while another closes it. Changes happen under the kernel
     * lock too; readers under it need not take this. A leaf lock. */
    spinlock_t file_lock{"file_lock"};
    file* fd_array[NR_OPEN_DEFAULT];
    u64 close_on_exec_init[NR_OPEN_DEFAULT / 64];
    u64 open_fds_init[NR_OPEN_DEFAULT / 64];
    u64 full_fds_bits_init[1];

    file* get(int n) const { return n >= 0 && n < max_fds ? fd[n] : nullptr; }
    bool fd_is_open(int n) const { return n >= 0 && n < max_fds && (open_fds[n / 64] >> (n % 64)) & 1; }
    summary_bitmap open_map() const
    {
        return summary_bitmap{reinterpret_cast<unsigned long*>(open_fds), reinterpret_cast<unsigned long*>(full_fds_bits),
                              static_cast<size_t>(max_fds)};
    }
    void set_open_fd(int n) { open_map().set(static_cast<size_t>(n)); }
    void clear_open_fd(int n) { open_map().clear(static_cast<size_t>(n)); }
};
/* Makes room for descriptor nr (ENOMEM, or EMFILE past NR_OPEN_MAX). */
Result<void> expand_files(files_struct* files, int nr);

/* A program's file can't be written while it runs, nor run while open for
 * writing (ETXTBSY): i_writecount counts writers up and runners down. */
static inline bool deny_write_access(inode* i)
{
    if (i->i_writecount > 0)
        return false;
    i->i_writecount--;
    return true;
}
static inline void allow_write_access(inode* i) { i->i_writecount++; }
files_struct* files_alloc();
/* A copy of a table (fork, unshare): ENOMEM, or EMFILE if a descriptor
 * in it is past sysctl_nr_open (Linux's dup_fd). */
Result<files_struct*> dup_files(files_struct* old);
/* /proc/sys/fs/nr_open: no descriptor reaches it, and no RLIMIT_NOFILE
 * exceeds it; 64 to NR_OPEN_MAX (fs/file.cpp). */
extern unsigned int sysctl_nr_open;
void put_files(files_struct* files);
void do_close_on_exec(files_struct* files);

struct fs_struct {
    int users;
    path root;
    path pwd;
    umode_t umask;
};
fs_struct* copy_fs_struct(fs_struct* old);
void put_fs_struct(fs_struct* fs);

/* A descriptor's file, held for the length of a call (Linux's struct fd).
 * Like Linux's fdget, it only takes a reference when another task shares the
 * descriptor table and could close the file meanwhile, and it finds no file
 * behind an O_PATH descriptor unless asked for the raw one (fdget_raw). */
class FdRef {
public:
    enum Raw { raw };
    explicit FdRef(int fd);
    FdRef(int fd, Raw);
    ~FdRef()
    {
        if (f_ && counted_)
            fput(f_);
    }
    FdRef(const FdRef&) = delete;
    FdRef& operator=(const FdRef&) = delete;
    file* get() const { return f_; }
    explicit operator bool() const { return f_ != nullptr; }
    file* operator->() const { return f_; }

private:
    file* f_;
    bool counted_;
};

bool get_close_on_exec(int fd);
void set_close_on_exec(int fd, bool on);

/* ---- reading and writing ---- */

Result<size_t> vfs_read(file* f, iter_dest& to, loff_t* pos);
Result<size_t> vfs_write(file* f, iter_source& from, loff_t* pos);
Result<size_t> kernel_read(file* f, void* buf, size_t count, loff_t pos);
/* The file has a position to seek (not a pipe, socket or terminal). */
[[nodiscard]] bool seekable(const file* f);
/* Linux's rw_verify_area: [pos, pos + count) of a file with a position
 * starts at 0 or later and ends by LLONG_MAX (EINVAL); pipes and sockets
 * pass. */
[[nodiscard]] Result<void> rw_verify_area(file* f, loff_t pos, size_t count);
/* Up to count bytes from in at *in_pos to out at *out_pos through one kernel
 * page (sendfile, copy_file_range), both positions moved on; ends at a short
 * read or write or a signal. The bytes moved, or the error when none did. */
[[nodiscard]] Result<size_t> copy_through_page(file* in, loff_t* in_pos, file* out, loff_t* out_pos, size_t count);
Result<loff_t> generic_file_llseek(file* f, loff_t offset, int whence);
Result<void> vfs_getattr(const path& p, kstat& st);
int inode_permission(inode* i, int mask); /* 0 or -errno */

/* ---- directories ---- */

struct dir_context {
    /* Returns false when the caller's buffer is full. */
    bool (*actor)(dir_context*, const char* name, int len, loff_t pos, u64 ino, unsigned type);
    loff_t pos;
};
enum : unsigned { DT_UNKNOWN = 0, DT_FIFO = 1, DT_CHR = 2, DT_DIR = 4, DT_BLK = 6, DT_REG = 8, DT_LNK = 10, DT_SOCK = 12 };
unsigned dt_type(umode_t mode);

/* ---- mounts (fs/namespace.cpp) ---- */

extern vfsmount* root_mnt;
extern list_head mount_list; /* every vfsmount, in mount order (for /proc/mounts) */
Result<vfsmount*> vfs_mount(super_block* sb, const path* mountpoint, const char* devname);
/* The mount and root dentry that cover p, if something is mounted there. */
bool follow_mount(path& p);
void init_rootfs();

/* ---- character devices (fs/char_dev.cpp) ---- */

constexpr dev_t MKDEV(unsigned major, unsigned minor) { return (static_cast<dev_t>(major) << 8) | minor; }
constexpr unsigned MAJOR(dev_t d) { return static_cast<unsigned>(d >> 8); }
constexpr unsigned MINOR(dev_t d) { return static_cast<unsigned>(d & 0xff); }
void register_chrdev(dev_t dev, const file_operations* fops);
const file_operations* lookup_chrdev(dev_t dev);

/* File systems. */
super_block* ramfs_get_sb();
/* The same files as tmpfs: its name (/proc/mounts), magic (statfs) and
 * extended attributes (fs/ramfs.cpp). */
void ramfs_make_tmpfs(super_block* sb, const char* type);
/* A memory file system's (ramfs, tmpfs)? */
bool is_ramfs_sb(const super_block* sb);
bool is_tmpfs_sb(const super_block* sb);
/* tmpfs's options (fs/shmem.cpp): "size=...,nr_inodes=...,mode=..." at
 * mount (defaults: half of memory each) and at remount (EINVAL for what
 * does not fit what is in use). */
Result<void> shmem_parse_options(super_block* sb, const char* data, bool remount);
/* A page (or n) more or less in a file of sb: ENOSPC past size=. */
Result<void> shmem_acct_blocks(super_block* sb, unsigned long n);
void shmem_unacct_blocks(super_block* sb, unsigned long n);
/* An inode more or less: ENOSPC past nr_inodes=. */
Result<void> shmem_reserve_inode(super_block* sb);
void shmem_free_inode(super_block* sb);
/* The options /proc/mounts shows: ",size=...k,nr_inodes=...,mode=..." where not the default. */
void shmem_show_options(const super_block* sb, char* buf, size_t size);
super_block* proc_get_sb(); /* fs/proc: a new procfs instance */
super_block* sysfs_get_sb(); /* fs/sysfs: a new sysfs instance */
extern const file_operations ramfs_file_operations;
const file_operations* fifo_file_operations(); /* fs/pipe.cpp: FIFOs opened by name */
/* F_GETPIPE_SZ and F_SETPIPE_SZ on a pipe or FIFO (EBADF for another file). */
Result<long> pipe_fcntl(file* f, unsigned int cmd, unsigned long arg);
extern const file_operations ramfs_dir_operations;
void populate_rootfs(); /* unpack the initramfs */
void initramfs_dir_times(); /* its directories' times again, after the last change inside them */
