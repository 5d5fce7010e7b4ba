/*
 * pidfds (Linux's kernel/pid.c and pidfd_send_signal in kernel/signal.c): a
 * descriptor for a process. It names the process by its pid and start time,
 * so once the process is gone and its pid reused it names nothing (ESRCH),
 * never the new one. poll says POLLIN once the process has exited (all its
 * threads); pidfd_send_signal signals it, pidfd_getfd copies one of its
 * descriptors, waitid(P_PIDFD) waits for it.
 */
#include <linux/ptrace.h>
#include <linux/anon_inodes.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include <linux/uaccess.h>

wait_queue_head pidfd_wait; /* pollers of every pidfd: woken when a process exits (do_notify_parent) */

pid_t proc_pid_dir_pid(const file* f, u64* start_time); /* fs/proc/root.cpp */

namespace {

constexpr unsigned PIDFD_NONBLOCK = O_NONBLOCK;

struct pidfd_ref {
    pid_t nr;
    u64 start_time; /* with nr: this process and no later one */
};

bool pidfd_wait_ready;

pidfd_ref* ref_of(file* f) { return static_cast<pidfd_ref*>(f->private_data); }

/* The process, if it is still there (a zombie included). */
task_struct* ref_task(const pidfd_ref* r)
{
    task_struct* t = find_task_by_pid(r->nr);
    if (!t || t->start_time != r->start_time || t->exit_state == EXIT_DEAD || !thread_group_leader(t))
        return nullptr;
    return t;
}

bool exited(const pidfd_ref* r)
{
    task_struct* t = ref_task(r);
    return !t || (t->exit_state && t->signal->live == 0);
}

unsigned int pidfd_poll(file* f, poll_table* pt)
{
    poll_wait(f, &pidfd_wait, pt);
    return exited(ref_of(f)) ? POLLIN | POLLRDNORM : 0;
}

void pidfd_release(inode*, file* f)
{
    kfree(f->private_data);
    f->private_data = nullptr;
}

Result<loff_t> pidfd_llseek(file*, loff_t, int) { return Errno::ESPIPE; }

const file_operations pidfd_fops = {
    .read_iter = nullptr,
    .write_iter = nullptr,
    .llseek = pidfd_llseek,
    .ioctl = nullptr,
    .poll = pidfd_poll,
    .iterate = nullptr,
    .open = nullptr,
    .release = pidfd_release,
};

} // namespace

/* The process a pidfd names; EBADF if fd is no pidfd, ESRCH if it is gone. */
Result<task_struct*> pidfd_get_task(int fd, pid_t* nr, unsigned int* f_flags)
{
    FdRef f(fd);
    if (!f)
        return Errno::EBADF;
    if (f_flags)
        *f_flags = f->f_flags;
    if (f->f_op != &pidfd_fops) {
        /* A /proc/<pid> directory serves as a pidfd too (pidfd_send_signal, waitid). */
        pidfd_ref r{};
        r.nr = proc_pid_dir_pid(f.get(), &r.start_time);
        if (!r.nr)
            return Errno::EBADF;
        if (nr)
            *nr = r.nr;
        task_struct* t = ref_task(&r);
        if (!t)
            return Errno::ESRCH;
        return t;
    }
    if (nr)
        *nr = ref_of(f.get())->nr;
    task_struct* t = ref_task(ref_of(f.get()));
    if (!t)
        return Errno::ESRCH;
    return t;
}

void pidfd_notify()
{
    if (pidfd_wait_ready)
        wake_up(&pidfd_wait);
}

/* A pidfd's file for the process t leads, not installed yet (Linux's
 * pidfd_prepare): pidfd_open's, and clone's with CLONE_PIDFD. */
Result<file*> pidfd_file(const task_struct* t, unsigned int flags)
{
    if (!pidfd_wait_ready) {
        pidfd_wait.head.init();
        pidfd_wait_ready = true;
    }
    auto* r = static_cast<pidfd_ref*>(kmalloc(sizeof(pidfd_ref)));
    if (!r)
        return Errno::ENOMEM;
    r->nr = t->pid;
    r->start_time = t->start_time;
    auto f = anon_inode_getfile("[pidfd]", &pidfd_fops, r, flags);
    if (!f.ok())
        kfree(r);
    return f;
}

SYSCALL_DEFINE2(pidfd_open, pid_t, pid, unsigned int, flags)
{
    if (flags & ~PIDFD_NONBLOCK)
        return Errno::EINVAL;
    if (pid <= 0)
        return Errno::EINVAL;
    task_struct* t = find_task_by_pid(pid);
    if (!t || t->exit_state == EXIT_DEAD)
        return Errno::ESRCH;
    if (!thread_group_leader(t))
        return Errno::EINVAL; /* a thread: 6.1 has no PIDFD_THREAD */
    int fd = TRY(get_unused_fd_flags(O_CLOEXEC));
    auto f = pidfd_file(t, flags);
    if (!f.ok()) {
        put_unused_fd(fd);
        return f.error();
    }
    fd_install(fd, f.value());
    return fd;
}

/* A copy of the process's descriptor targetfd, close-on-exec, for a caller
 * that could ptrace it. */
SYSCALL_DEFINE3(pidfd_getfd, int, pidfd, int, fd, unsigned int, flags)
{
    if (flags)
        return Errno::EINVAL;
    task_struct* t = TRY(pidfd_get_task(pidfd, nullptr));
    if (t->exit_state || !t->files)
        return Errno::ESRCH;
    if (!ptrace_may_access(t, PTRACE_MODE_ATTACH_REALCREDS))
        return Errno::EPERM;
    file* f;
    {
        spin_guard g(&t->files->file_lock); /* its slot, against the owner's own changes */
        f = t->files->get(fd);
        if (f)
            get_file(f);
    }
    if (!f)
        return Errno::EBADF;
    return TRY(open_file_install(f, O_CLOEXEC));
}
