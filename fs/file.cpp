/* Descriptor tables (files_struct) and the fs context (root, cwd, umask). */
#include <linux/fs.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

files_struct* files_alloc()
{
    auto* files = static_cast<files_struct*>(kzalloc(sizeof(files_struct)));
    if (files) {
        files->count = 1;
        files->max_fds = files_struct::NR_OPEN_DEFAULT;
        files->fd = files->fd_array;
        files->close_on_exec = files->close_on_exec_init;
        files->open_fds = files->open_fds_init;
        files->full_fds_bits = files->full_fds_bits_init;
        files->file_lock.name = "file_lock"; /* zeroed memory: what the initializer says */
        files->file_lock.owner_cpu = -1;
    }
    return files;
}

unsigned int sysctl_nr_open = files_struct::NR_OPEN_MAX; /* Linux's default, 1024 * 1024 */

Result<void> expand_files(files_struct* files, int nr)
{
    if (nr < files->max_fds)
        return {};
    int nr_open = static_cast<int>(READ_ONCE(sysctl_nr_open));
    if (nr >= nr_open)
        return Errno::EMFILE;
    int size = files->max_fds;
    while (size <= nr)
        size *= 2;
    /* No bigger than nr_open needs, in whole words of the bitmaps (Linux's alloc_fdtable). */
    int cap = (nr_open + 63) & ~63;
    if (size > cap)
        size = cap;
    size_t words = static_cast<size_t>(size) / 64, old_words = static_cast<size_t>(files->max_fds) / 64;
    size_t summary_words = BITS_TO_LONGS(words), old_summary = BITS_TO_LONGS(old_words);
    auto** fds = static_cast<file**>(kzalloc(size * sizeof(file*)));
    /* One allocation for the bitmaps: close_on_exec, open_fds, then open_fds' summary. */
    auto* bits = static_cast<u64*>(kzalloc((2 * words + summary_words) * sizeof(u64)));
    if (!fds || !bits) {
        kfree(fds);
        kfree(bits);
        return Errno::ENOMEM;
    }
    memcpy(fds, files->fd, files->max_fds * sizeof(file*));
    memcpy(bits, files->close_on_exec, old_words * sizeof(u64));
    memcpy(bits + words, files->open_fds, old_words * sizeof(u64));
    memcpy(bits + 2 * words, files->full_fds_bits, old_summary * sizeof(u64));
    file** old_fds = files->fd != files->fd_array ? files->fd : nullptr;
    u64* old_bits = files->fd != files->fd_array ? files->close_on_exec : nullptr;
    {
        spin_guard g(&files->file_lock); /* a lock-free FdRef reads fd and max_fds */
        files->fd = fds;
        files->max_fds = size;
    }
    files->close_on_exec = bits;
    files->open_fds = bits + words;
    files->full_fds_bits = bits + 2 * words;
    kfree(old_fds);
    kfree(old_bits);
    return {};
}

static int highest_fd(const files_struct* files)
{
    for (int n = files->max_fds - 1; n >= 0; n--)
        if (files->fd[n])
            return n;
    return -1;
}

Result<files_struct*> dup_files(files_struct* old)
{
    files_struct* files = files_alloc();
    if (!files)
        return Errno::ENOMEM;
    int last = highest_fd(old);
    if (auto room = expand_files(files, last); !room.ok()) {
        put_files(files);
        return room.error();
    }
    /* Installed descriptors only: a slot reserved by an open under way in
     * another thread stays free in the copy, as in Linux's dup_fd. */
    for (int n = 0; n <= last; n++) {
        if (old->fd[n]) {
            files->fd[n] = get_file(old->fd[n]);
            files->set_open_fd(n);
        }
    }
    memcpy(files->close_on_exec, old->close_on_exec, (last / 64 + 1) * sizeof(u64));
    return files;
}

void put_files(files_struct* files)
{
    if (--files->count > 0)
        return;
    for (int n = 0; n < files->max_fds; n++)
        if (files->fd[n]) {
            locks_remove_posix(files->fd[n], files);
            fput(files->fd[n]);
        }
    if (files->fd != files->fd_array) {
        kfree(files->fd);
        kfree(files->close_on_exec);
    }
    kfree(files);
}

static void set_cloexec(files_struct* files, int fd, bool on)
{
    if (on)
        files->close_on_exec[fd / 64] |= 1ULL << (fd % 64);
    else
        files->close_on_exec[fd / 64] &= ~(1ULL << (fd % 64));
}

void do_close_on_exec(files_struct* files)
{
    for (int fd = 0; fd < files->max_fds; fd++) {
        if (files->fd[fd] && (files->close_on_exec[fd / 64] & (1ULL << (fd % 64)))) {
            file* f = files->fd[fd];
            {
                spin_guard g(&files->file_lock);
                files->fd[fd] = nullptr;
            }
            locks_remove_posix(f, files);
            fput(f);
            files->clear_open_fd(fd);
            set_cloexec(files, fd, false);
        }
    }
}

file* fget_raw(int fd)
{
    file* f = current->files->get(fd);
    return f ? get_file(f) : nullptr;
}

file* fget(int fd)
{
    file* f = current->files->get(fd);
    return f && !(f->f_mode & FMODE_PATH) ? get_file(f) : nullptr;
}

/* Without the kernel lock (read and write call it so): a table nobody else
 * uses can't change meanwhile, and its file can't go; in a shared one
 * another thread may close the descriptor, so the file is taken with a
 * reference under file_lock. */
/* Out of line, so the common case above needs no saved registers. */
__attribute__((noinline)) static file* fdget_shared(files_struct* files, int fd)
{
    spin_guard g(&files->file_lock);
    file* f = files->get(fd);
    return f ? get_file(f) : nullptr;
}

FdRef::FdRef(int fd, Raw)
{
    files_struct* files = current->files;
    counted_ = files->count > 1;
    f_ = likely(!counted_) ? files->get(fd) : fdget_shared(files, fd);
}

FdRef::FdRef(int fd) : FdRef(fd, raw)
{
    if (f_ && (f_->f_mode & FMODE_PATH)) {
        if (counted_)
            fput(f_);
        f_ = nullptr;
    }
}

Result<int> get_unused_fd_flags(unsigned flags, int start)
{
    files_struct* files = current->files;
    int limit = static_cast<int>(min<unsigned long>(rlimit(RLIMIT_NOFILE), READ_ONCE(sysctl_nr_open)));
    if (start >= limit)
        return Errno::EMFILE;
    /* The lowest free slot at or after start: the summary skips full words. */
    int fd = static_cast<int>(files->open_map().find_next_zero(static_cast<size_t>(start)));
    if (fd >= files->max_fds)
        fd = max(files->max_fds, start); /* all taken: the first slot past the table */
    if (fd >= limit)
        return Errno::EMFILE;
    if (fd >= files->max_fds)
        TRY(expand_files(files, fd));
    files->set_open_fd(fd);
    set_cloexec(files, fd, flags & O_CLOEXEC);
    return fd;
}

void put_unused_fd(int fd)
{
    files_struct* files = current->files;
    files->clear_open_fd(fd);
    set_cloexec(files, fd, false);
}

void fd_install(int fd, file* f)
{
    files_struct* files = current->files;
    files->set_open_fd(fd); /* reserved already, except for the boot console */
    spin_guard g(&files->file_lock);
    files->fd[fd] = f;
}

Result<int> open_file_install(file* f, unsigned flags)
{
    auto fd = get_unused_fd_flags(flags);
    if (!fd.ok()) {
        fput(f);
        return fd.error();
    }
    fd_install(fd.value(), f);
    return fd.value();
}

Result<void> close_fd(int fd)
{
    files_struct* files = current->files;
    file* f = files->get(fd);
    if (!f)
        return Errno::EBADF;
    {
        spin_guard g(&files->file_lock);
        files->fd[fd] = nullptr;
    }
    files->clear_open_fd(fd);
    set_cloexec(files, fd, false);
    locks_remove_posix(f, files);
    fput(f);
    return {};
}

bool get_close_on_exec(int fd) { return current->files->close_on_exec[fd / 64] & (1ULL << (fd % 64)); }
void set_close_on_exec(int fd, bool on) { set_cloexec(current->files, fd, on); }

fs_struct* copy_fs_struct(fs_struct* old)
{
    auto* fs = new fs_struct{1, old->root, old->pwd, old->umask};
    if (fs) {
        path_get(fs->root);
        path_get(fs->pwd);
    }
    return fs;
}

void put_fs_struct(fs_struct* fs)
{
    if (--fs->users > 0)
        return;
    path_put(fs->root);
    path_put(fs->pwd);
    delete fs;
}
