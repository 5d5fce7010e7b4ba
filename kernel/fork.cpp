/*
 * Creating tasks: fork, vfork, clone. The child gets a copy (or, by flag, a
 * share) of the parent's address space, files, fs context and signal
 * handlers, and starts life returning 0 from the same system call.
 */
#include <linux/key.h>
#include <asm/ioport.h>
#include <linux/binfmts.h>
#include <linux/cred.h>
#include <linux/ipc.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/refcount.h>
#include <linux/resource.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscalls.h>
#include <linux/time.h>
#include <uapi/linux/sched.h>

namespace {

constexpr unsigned STACK_ORDER = 2; /* THREAD_SIZE = 16 KiB */
static_assert((PAGE_SIZE << STACK_ORDER) == THREAD_SIZE);

int nr_threads;

/* Linux's max_threads: an eighth of memory may go to kernel stacks. */
int max_threads()
{
    u64 limit = totalram_pages() * PAGE_SIZE / (8 * THREAD_SIZE);
    return static_cast<int>(max<u64>(20, limit));
}

int count_user_processes(uid_t uid)
{
    int n = 0;
    list_for_each(pos, &task_list) {
        task_struct* t = list_entry(pos, task_struct, tasks);
        if (t->cred && t->cred->uid == uid && t->exit_state == 0)
            n++;
    }
    return n;
}

} // namespace

task_struct* alloc_task_struct()
{
    auto* t = static_cast<task_struct*>(kzalloc(sizeof(task_struct)));
    if (!t)
        return nullptr;
    page* stack = alloc_pages(STACK_ORDER);
    if (!stack) {
        kfree(t);
        return nullptr;
    }
    t->stack = page_address(stack);
    t->children.init();
    t->ptraced.init();
    t->ptrace_entry.init();
    t->sibling.init();
    t->thread_node.init();
    t->tasks.init();
    t->timer_list.init();
    t->pending.list.init();
    t->vfork_wait.head.init();
    t->sas_ss_flags = SS_DISABLE;
    return t;
}

void free_task_struct(task_struct* t)
{
    io_bitmap_exit(t);
    __free_pages(virt_to_page(t->stack), STACK_ORDER);
    kfree(t);
}

void set_task_comm(task_struct* t, const char* name) { strscpy(t->comm, name, sizeof(t->comm)); }

/* Protects task_list, every thread list and children list, and every task's
 * and process's pending signals, stop and continue state and interval timers:
 * what interrupt handlers (the tick's itimers, the terminal's ^C) share with
 * process context. Recursive, because signals nest (a stop notifies the
 * parent with SIGCHLD). Linux splits it into tasklist_lock and each
 * sighand's siglock. Outside the run-queue lock; docs/locking.md. */
rec_spinlock_t tasklist_lock("tasklist_lock");
/* Every change of a live task's real_parent (reparenting at exit, de_thread)
 * is also inside this count, under tasklist_lock: getppid reads without a
 * lock and retries if it changed (the parent it read may have been freed). */
seqcount_t parent_seq;

void release_task(task_struct* t)
{
    /* Exactly one releaser per task (the task itself, its last thread or its
     * parent: include/linux/sched.h, release_on_switch), and always of a dead
     * one: anything else is a kernel bug that would free a live task. */
    if (t->exit_state != EXIT_DEAD)
        panic("release_task: task %d is not dead (exit_state %d): released twice?", t->pid, t->exit_state);
    /* A zombie may still be in its last schedule() on another CPU. */
    wait_task_inactive(t);
    {
        /* The timer walks task_list (itimer_tick) and the terminal's
         * interrupt signals process groups (kill_pgrp). */
        rec_spin_guard g(&tasklist_lock);
        list_del(&t->tasks);
        list_head::del(&t->sibling);
        list_del(&t->thread_node);
        __ptrace_unlink(t); /* a traced thread released at once, or a tracee its parent reaped */
        flush_sigqueue_of(t->pending, ~0ULL); /* what it never took: its user's count back */
        t->signal->nvcsw += t->nvcsw; /* the process's count keeps the thread's */
        t->signal->nivcsw += t->nivcsw;
    }
    nr_threads--;
    signal_struct* sig = t->signal;
    if (refcount_dec_and_test(sig->count, "signal_struct", sig)) {
        {
            rec_spin_guard g(&tasklist_lock); /* the signal queues */
            flush_sigqueue_of(sig->shared_pending, ~0ULL); /* a timer's entry stays its timer's */
        }
        exit_itimers(sig); /* the POSIX timers go with the process */
        kfree(sig);
    }
    if (refcount_dec_and_test(t->sighand->count, "sighand_struct", t->sighand))
        kfree(t->sighand);
    put_cred(t->cred);
    exit_keys(t);
    detach_pid(t);
    free_task_struct(t);
}

struct kernel_clone_args {
    unsigned long flags;
    int exit_signal;
    unsigned long stack;
    unsigned long tls;
    user_out_ptr<int> parent_tid;
    user_inout_ptr<int> child_tid; /* CLONE_CHILD_SETTID writes it, CLONE_CHILD_CLEARTID at exit */
    user_out_ptr<int> pidfd;       /* CLONE_PIDFD: where the child's pidfd's number goes */
};

/* The PTRACE_EVENT_* a traced parent's clone reports (0: none), as Linux's
 * kernel_clone chooses it: vfork, a clone whose exit signal is not
 * SIGCHLD, or fork; only if the tracer asked for that event. */
static int clone_trace_event(const kernel_clone_args& args)
{
    if (args.flags & CLONE_UNTRACED)
        return 0;
    int event = (args.flags & CLONE_VFORK)       ? PTRACE_EVENT_VFORK
                : args.exit_signal != SIGCHLD    ? PTRACE_EVENT_CLONE
                                                 : PTRACE_EVENT_FORK;
    return ptrace_event_enabled(current, event) ? event : 0;
}

static Result<task_struct*> copy_process(const kernel_clone_args& args, int trace)
{
    unsigned long flags = args.flags;
    task_struct* parent = current;
    if ((flags & (CLONE_NEWNS | CLONE_FS)) == (CLONE_NEWNS | CLONE_FS))
        return Errno::EINVAL;
    if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
        return Errno::EINVAL;
    if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
        return Errno::EINVAL;
    /* A pidfd names a process, not a thread (6.1 has no PIDFD_THREAD). */
    if ((flags & CLONE_PIDFD) && (flags & (CLONE_DETACHED | CLONE_THREAD)))
        return Errno::EINVAL;
    if (flags & (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET |
                 CLONE_NEWCGROUP))
        return capable(CAP_SYS_ADMIN) ? Errno::EINVAL : Errno::EPERM; /* no namespaces here */

    if (nr_threads >= max_threads())
        return Errno::EAGAIN;
    const cred* c = parent->cred;
    if (count_user_processes(c->uid) >= static_cast<long>(rlimit(RLIMIT_NPROC)) &&
        !capable(CAP_SYS_RESOURCE) && !capable(CAP_SYS_ADMIN))
        return Errno::EAGAIN;

    task_struct* p = alloc_task_struct();
    if (!p)
        return Errno::ENOMEM;
    pid_t pid = alloc_pid();
    if (pid < 0) {
        free_task_struct(p);
        return Errno::EAGAIN;
    }
    p->pid = pid;
    memcpy(&p->thread, &parent->thread, sizeof(p->thread));
    io_bitmap_share(p); /* the child shares the parent's I/O port permissions */
    asm volatile("fxsave64 %0" : "=m"(p->thread.fpu)); /* the parent's live FPU state */
    memcpy(p->comm, parent->comm, sizeof(p->comm));
    auto child_cred = key_fork_cred(parent->cred, flags);
    if (!child_cred.ok()) {
        free_task_struct(p); /* as the failures below: the pid was never attached */
        return child_cred.error();
    }
    p->cred = child_cred.value();
    p->blocked = parent->blocked;
    sched_fork(p, parent);
    p->ioprio = parent->ioprio;
    p->personality = parent->personality;
    p->cpus_mask = parent->cpus_mask; /* affinity is inherited */
    p->cpu = parent->cpu;
    p->exit_signal = (flags & CLONE_THREAD) ? -1 : args.exit_signal;
    p->start_time = ktime_get_ns();
    p->sas_ss_sp = parent->sas_ss_sp;
    p->sas_ss_size = parent->sas_ss_size;
    p->sas_ss_flags = parent->sas_ss_flags;
    if (flags & CLONE_VM) {
        p->sas_ss_flags = SS_DISABLE, p->sas_ss_sp = {}, p->sas_ss_size = 0;
        p->rseq = {}; /* a thread registers its own */
    } else {
        p->rseq = parent->rseq, p->rseq_len = parent->rseq_len, p->rseq_sig = parent->rseq_sig;
    }

    Errno err = Errno::ENOMEM;
    int pidfd = -1;
    file* pidfile = nullptr;
    if (flags & CLONE_VM) {
        p->mm = parent->mm;
        p->mm->users++;
    } else if (!(p->mm = dup_mm(parent->mm))) {
        goto fail;
    }
    if (flags & CLONE_FILES) {
        p->files = parent->files;
        p->files->count++;
    } else if (auto files = dup_files(parent->files); !files.ok()) {
        err = files.error();
        goto fail;
    } else {
        p->files = files.value();
    }
    if (flags & CLONE_FS) {
        p->fs = parent->fs;
        p->fs->users++;
    } else if (!(p->fs = copy_fs_struct(parent->fs))) {
        goto fail;
    }
    if (flags & CLONE_SIGHAND) {
        p->sighand = parent->sighand;
        p->sighand->count++;
    } else if (!(p->sighand = sighand_alloc())) {
        goto fail;
    } else {
        memcpy(p->sighand->action, parent->sighand->action, sizeof(p->sighand->action));
    }
    if (flags & CLONE_THREAD) {
        p->signal = parent->signal;
        p->signal->count++;
        p->signal->live++;
        p->tgid = parent->tgid;
        p->group_leader = parent->group_leader;
    } else {
        if (!(p->signal = signal_alloc()))
            goto fail;
        signal_struct* ps = parent->signal;
        p->signal->pgrp = ps->pgrp;
        p->signal->session = ps->session;
        p->signal->tty = ps->tty;
        memcpy(p->signal->rlim, ps->rlim, sizeof(ps->rlim));
        p->signal->dumpable = ps->dumpable; /* is_child_subreaper is not inherited */
        p->tgid = pid;
        p->group_leader = p;
    }

    /* The registers first: an i386 CLONE_SETTLS may fail (a bad user_desc). */
    if (auto r = copy_thread(p, *current_pt_regs(), args.stack, args.tls, flags & CLONE_SETTLS); !r.ok()) {
        err = r.error();
        goto fail;
    }
    /* The TF a tracer set to single-step the parent is not the child's. */
    if (parent->jobctl & JOBCTL_FORCED_TF)
        task_pt_regs(p)->flags &= ~X86_EFLAGS_TF;
    /* CLONE_PIDFD: a descriptor in the parent's table (after the child's
     * copy of it), its number written before the point of no return, so a
     * bad address fails the clone with EFAULT (Linux's copy_process).
     * Before the undo list's reference, the last step that can fail. */
    if (flags & CLONE_PIDFD) {
        auto fd = get_unused_fd_flags(O_CLOEXEC);
        if (!fd.ok()) {
            err = fd.error();
            goto fail;
        }
        pidfd = fd.value();
        auto f = pidfd_file(p, 0);
        if (!f.ok()) {
            err = f.error();
            goto fail;
        }
        pidfile = f.value();
        if (!put_user(pidfd, args.pidfd).ok()) {
            err = Errno::EFAULT;
            goto fail;
        }
    }
    if (!copy_semundo(flags, p).ok())
        goto fail;
    if (flags & CLONE_CHILD_CLEARTID)
        p->clear_child_tid = args.child_tid;
    if (flags & CLONE_CHILD_SETTID)
        p->set_child_tid = args.child_tid;

    p->real_parent = (flags & (CLONE_PARENT | CLONE_THREAD)) ? parent->group_leader->real_parent
                                                               : parent->group_leader;
    p->parent_thread = (flags & (CLONE_PARENT | CLONE_THREAD)) ? parent->parent_thread : parent;
    p->pdeath_signal = 0;                    /* not inherited */
    p->no_new_privs = parent->no_new_privs;  /* inherited, for good */
    {
        rec_spin_guard g(&tasklist_lock); /* task_list and thread lists: see release_task */
        p->signal->thread_head.add_tail(&p->thread_node);
        if (p->real_parent)
            p->real_parent->children.add_tail(&p->sibling);
        task_list.add_tail(&p->tasks);
        attach_pid(p);
        /* A traced parent's child is traced too when the tracer asked for
         * the event (or the caller said CLONE_PTRACE). */
        ptrace_init_task(p, trace || (flags & CLONE_PTRACE));
    }
    nr_threads++;
    if (pidfile)
        fd_install(pidfd, pidfile);
    return p;

fail:
    if (pidfile)
        fput(pidfile);
    if (pidfd >= 0)
        put_unused_fd(pidfd);
    if (p->fs)
        put_fs_struct(p->fs);
    if (p->files)
        put_files(p->files);
    if (p->mm)
        mmput(p->mm);
    if (p->sighand && --p->sighand->count == 0)
        kfree(p->sighand);
    if (p->signal) {
        if (flags & CLONE_THREAD)
            p->signal->count--, p->signal->live--; /* the process's, shared: its counts back */
        else
            kfree(p->signal); /* its own, not yet seen by anyone */
    }
    put_cred(p->cred);
    free_task_struct(p);
    return err;
}

static SyscallResult kernel_clone(const kernel_clone_args& args)
{
    /* A deadline task's bandwidth is its own: no child shares it (Linux's
     * sched_fork), unless the child is to start as SCHED_OTHER. */
    if (current->policy == SCHED_DEADLINE && !current->sched_reset_on_fork)
        return Errno::EAGAIN;
    /* Legacy clone returns the pidfd through parent_tid: not both there. */
    if ((args.flags & CLONE_PIDFD) && (args.flags & CLONE_PARENT_SETTID) &&
        args.pidfd == args.parent_tid)
        return Errno::EINVAL;
    int trace = clone_trace_event(args);
    task_struct* p = TRY(copy_process(args, trace));
    pid_t pid = p->pid;
    if (args.flags & CLONE_PARENT_SETTID)
        (void)put_user(pid, args.parent_tid);
    /* CLONE_CHILD_SETTID writes into the child's memory: with its own mm
     * (fork) the copy-on-write page is the child's, so write through it. */
    if (args.flags & CLONE_CHILD_SETTID) {
        if (args.flags & CLONE_VM)
            (void)put_user(pid, args.child_tid);
        else
            (void)copy_to_new_mm(p->mm, args.child_tid.cast<void>(), &pid, sizeof(pid));
    }
    task_struct* self = current;
    if (args.flags & CLONE_VFORK) {
        p->vfork_parent = self;
        self->vfork_child = p;
    }
    wake_up_new_task(p);
    /* The child runs (to its first stop); the tracer hears of it, with its pid. */
    if (unlikely(trace))
        ptrace_event(trace, static_cast<unsigned long>(pid));
    if (args.flags & CLONE_VFORK) {
        /* The parent sleeps on its own queue until the child execs or exits
         * (vfork_release clears vfork_child), or until it is killed (Linux's
         * wait_for_vfork_done): then it unlinks itself from the child, which
         * is still alive, since it has not released its parent yet. */
        (void)wait_event_killable(self->vfork_wait, !READ_ONCE(self->vfork_child));
        u64 flags = rec_spin_lock_irqsave(&tasklist_lock); /* the vfork links (vfork_release) */
        if (self->vfork_child) {
            self->vfork_child->vfork_parent = nullptr;
            self->vfork_child = nullptr;
        }
        rec_spin_unlock_irqrestore(&tasklist_lock, flags);
    }
    if ((args.flags & CLONE_VFORK) && ptrace_event_enabled(self, PTRACE_EVENT_VFORK_DONE))
        ptrace_event(PTRACE_EVENT_VFORK_DONE, static_cast<unsigned long>(pid));
    return pid;
}

void vfork_release(task_struct* t)
{
    u64 flags = rec_spin_lock_irqsave(&tasklist_lock); /* the vfork links: the parent may be unlinking itself */
    task_struct* parent = t->vfork_parent;
    if (parent) {
        t->vfork_parent = nullptr;
        parent->vfork_child = nullptr;
        wake_up(&parent->vfork_wait);
    }
    rec_spin_unlock_irqrestore(&tasklist_lock, flags);
}

SYSCALL_DEFINE0(fork)
{
    return kernel_clone({.flags = 0, .exit_signal = SIGCHLD, .stack = 0, .tls = 0, .parent_tid = {}, .child_tid = {}});
}

SYSCALL_DEFINE0(vfork)
{
    return kernel_clone({.flags = CLONE_VFORK | CLONE_VM,
                         .exit_signal = SIGCHLD,
                         .stack = 0,
                         .tls = 0,
                         .parent_tid = {},
                         .child_tid = {}});
}

/* x86-64's argument order: flags, stack, parent_tid, child_tid, tls. */
SYSCALL_DEFINE5(clone, CloneFlags, clone_flags, CloneStack, newsp, CloneParentTid, parent_tidptr,
                CloneChildTid, child_tidptr, CloneTls, tls)
{
    return kernel_clone({.flags = clone_flags & ~CSIGNAL,
                         .exit_signal = static_cast<int>(clone_flags & CSIGNAL),
                         .stack = newsp,
                         .tls = tls,
                         .parent_tid = parent_tidptr,
                         .child_tid = child_tidptr,
                         .pidfd = parent_tidptr});
}

/* i386's argument order: flags, stack, parent_tid, tls, child_tid; tls is a
 * struct user_desc for one of the child's TLS slots (copy_thread). */
COMPAT_SYSCALL_DEFINE5(ia32_clone, CloneFlags, clone_flags, CloneStack, newsp, CloneParentTid, parent_tidptr,
                       CloneTls, tls, CloneChildTid, child_tidptr)
{
    return kernel_clone({.flags = clone_flags & ~CSIGNAL,
                         .exit_signal = static_cast<int>(clone_flags & CSIGNAL),
                         .stack = newsp,
                         .tls = tls,
                         .parent_tid = parent_tidptr,
                         .child_tid = child_tidptr,
                         .pidfd = parent_tidptr});
}

/* clone3: the arguments in a structure (struct clone_args, at least its first
 * 64 bytes). The stack is given as base and size; the child starts at the top. */
SYSCALL_DEFINE2(clone3, user_in_ptr<const u64>, uargs, size_t, size)
{
    constexpr size_t CLONE_ARGS_SIZE_VER0 = 64, CLONE_ARGS_SIZE_MAX = 88;
    if (size < CLONE_ARGS_SIZE_VER0 || size > PAGE_SIZE)
        return Errno::EINVAL;
    u64 a[CLONE_ARGS_SIZE_MAX / 8];
    TRY(copy_struct_from_user(a, sizeof(a), uargs.cast<const u8>(), size)); /* a longer one: its tail zero */
    enum { FLAGS, PIDFD, CHILD_TID, PARENT_TID, EXIT_SIGNAL, STACK, STACK_SIZE, TLS, SET_TID, SET_TID_SIZE, CGROUP };
    /* Unlike legacy clone's CSIGNAL byte, the exit signal must be a signal (or 0). */
    if (a[EXIT_SIGNAL] & ~CSIGNAL || a[EXIT_SIGNAL] > _NSIG || a[FLAGS] & CSIGNAL)
        return Errno::EINVAL;
    if (a[SET_TID] || a[SET_TID_SIZE])
        return Errno::EINVAL; /* not supported: choosing pids */
    if ((a[STACK] == 0) != (a[STACK_SIZE] == 0))
        return Errno::EINVAL;
    return kernel_clone({.flags = a[FLAGS],
                         .exit_signal = static_cast<int>(a[EXIT_SIGNAL]),
                         .stack = a[STACK] ? a[STACK] + a[STACK_SIZE] : 0,
                         .tls = a[TLS],
                         .parent_tid = user_out_ptr<int>(a[PARENT_TID]),
                         .child_tid = user_inout_ptr<int>(a[CHILD_TID]),
                         .pidfd = user_out_ptr<int>(a[PIDFD])});
}

/* Another CPU's idle task: the boot task's context (root, no mm), on no list. */
task_struct* fork_idle(int cpu)
{
    task_struct* boot = per_cpu(0).idle;
    task_struct* t = alloc_task_struct();
    if (!t)
        return nullptr;
    t->cred = get_cred(boot->cred);
    t->signal = boot->signal;
    t->sighand = boot->sighand;
    t->fs = boot->fs;
    t->group_leader = t;
    t->flags |= PF_IDLE;
    t->state = TASK_RUNNING;
    cpumask_set_cpu(cpu, t->cpus_mask);
    t->cpu = cpu;
    snprintf(t->comm, sizeof(t->comm), "swapper/%d", cpu);
    fpu_init_task(t);
    return t;
}
