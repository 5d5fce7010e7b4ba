/* Descriptor tables (files_struct) and the fs context (root, cwd, umask). */
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/resource.h>

files_struct* files_alloc()
{
    auto* files = static_cast<files_struct*>(kzalloc(sizeof(files_struct)));
    if (files)
        files->count = 1;
    return files;
}

files_struct* dup_files(files_struct* old)
{
    files_struct* files = files_alloc();
    if (!files)
        return nullptr;
    for (int fd = 0; fd < files_struct::NR_OPEN_MAX; fd++)
        if (old->fd[fd])
            files->fd[fd] = get_file(old->fd[fd]);
    memcpy(files->close_on_exec, old->close_on_exec, sizeof(files->close_on_exec));
    return files;
}

void put_files(files_struct* files)
{
    if (--files->count > 0)
        return;
    for (int fd = 0; fd < files_struct::NR_OPEN_MAX; fd++)
        if (files->fd[fd])
            fput(files->fd[fd]);
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
    for (int fd = 0; fd < files_struct::NR_OPEN_MAX; fd++) {
        if (files->fd[fd] && (files->close_on_exec[fd / 64] & (1ULL << (fd % 64)))) {
            fput(files->fd[fd]);
            files->fd[fd] = nullptr;
            set_cloexec(files, fd, false);
        }
    }
}

file* fget(int fd)
{
    files_struct* files = current->files;
    if (fd < 0 || fd >= files_struct::NR_OPEN_MAX || !files->fd[fd])
        return nullptr;
    return get_file(files->fd[fd]);
}

Result<int> get_unused_fd_flags(unsigned flags, int start)
{
    files_struct* files = current->files;
    int limit = static_cast<int>(min<unsigned long>(rlimit(RLIMIT_NOFILE), files_struct::NR_OPEN_MAX));
    for (int fd = start; fd < limit; fd++) {
        if (!files->fd[fd]) {
            set_cloexec(files, fd, flags & O_CLOEXEC);
            return fd;
        }
    }
    return Errno::EMFILE;
}

void fd_install(int fd, file* f) { current->files->fd[fd] = f; }

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
    if (fd < 0 || fd >= files_struct::NR_OPEN_MAX || !files->fd[fd])
        return Errno::EBADF;
    file* f = files->fd[fd];
    files->fd[fd] = nullptr;
    set_cloexec(files, fd, false);
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
