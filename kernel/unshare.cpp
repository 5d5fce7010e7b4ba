/*
 * unshare(2) (Linux's ksys_unshare in kernel/fork.c): the caller stops
 * sharing its descriptor table (CLONE_FILES), its root, working directory and
 * umask (CLONE_FS), or its System V semaphore undo list (CLONE_SYSVSEM: as if
 * it exited). CLONE_VM, CLONE_SIGHAND and CLONE_THREAD ask for what a
 * single-threaded process already has: accepted then, EINVAL otherwise.
 * Namespaces do not exist here: a CLONE_NEW* flag is EPERM without
 * CAP_SYS_ADMIN and, for root, EINVAL, the answer of a Linux built without
 * that namespace type (clone's answer too, kernel/fork.cpp).
 */
#include <uapi/linux/capability.h>
#include <uapi/linux/sched.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/ipc.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/syscalls.h>

namespace {

constexpr unsigned long CLONE_NEW_ANY = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUSER |
                                        CLONE_NEWPID | CLONE_NEWCGROUP | CLONE_NEWTIME;

/* Linux's check_unshare_flags. */
Result<void> check_unshare_flags(unsigned long flags)
{
    if (flags & ~(CLONE_THREAD | CLONE_FS | CLONE_SIGHAND | CLONE_VM | CLONE_FILES | CLONE_SYSVSEM | CLONE_NEW_ANY))
        return Errno::EINVAL;
    task_struct* t = current;
    if ((flags & (CLONE_THREAD | CLONE_SIGHAND | CLONE_VM)) && t->signal->live > 1)
        return Errno::EINVAL; /* other threads share what they would unshare */
    if ((flags & (CLONE_SIGHAND | CLONE_VM)) && t->sighand->count > 1)
        return Errno::EINVAL;
    if ((flags & CLONE_VM) && t->mm && t->mm->users > 1)
        return Errno::EINVAL; /* another process (a vfork parent) has this memory */
    return {};
}

} // namespace

SYSCALL_DEFINE1(unshare, unsigned long, unshare_flags)
{
    unsigned long flags = unshare_flags;
    /* what each flag implies, as Linux widens them */
    if (flags & CLONE_NEWUSER)
        flags |= CLONE_THREAD | CLONE_FS;
    if (flags & CLONE_VM)
        flags |= CLONE_SIGHAND;
    if (flags & CLONE_SIGHAND)
        flags |= CLONE_THREAD;
    if (flags & CLONE_NEWNS)
        flags |= CLONE_FS;
    TRY(check_unshare_flags(flags));
    if (flags & CLONE_NEW_ANY)
        return capable(CAP_SYS_ADMIN) ? Errno::EINVAL : Errno::EPERM; /* no namespaces here */

    task_struct* t = current;
    fs_struct* new_fs = nullptr;
    files_struct* new_fd = nullptr;
    if ((flags & CLONE_FS) && t->fs && t->fs->users > 1) {
        new_fs = copy_fs_struct(t->fs);
        if (!new_fs)
            return Errno::ENOMEM;
    }
    if ((flags & CLONE_FILES) && t->files && t->files->count > 1) {
        auto copy = dup_files(t->files);
        if (!copy.ok()) {
            if (new_fs)
                put_fs_struct(new_fs);
            return copy.error(); /* ENOMEM, or EMFILE past nr_open */
        }
        new_fd = copy.value();
    }
    if (flags & CLONE_SYSVSEM)
        exit_sem(t); /* as exit does: the undo list is applied and left */
    if (new_fs) {
        fs_struct* old = t->fs;
        t->fs = new_fs;
        put_fs_struct(old);
    }
    if (new_fd) {
        files_struct* old = t->files;
        t->files = new_fd;
        put_files(old);
    }
    return 0;
}
