/*
 * Signals (kernel/signal.cpp) and the per-process state threads share
 * (signal_struct, sighand_struct).
 */
#pragma once
#include <linux/list.h>
#include <linux/result.h>
#include <linux/sched.h>
#include <linux/signal_types.h>
#include <linux/wait.h>
#include <uapi/linux/resource.h>

struct tty_struct;

struct sighand_struct {
    int count;
    k_sigaction action[_NSIG];
    wait_queue_head signalfd_wqh; /* signalfd readers and pollers: woken by every signal queued */
};

struct signal_struct {
    int count;           /* tasks sharing it */
    int live;            /* threads not yet exited */
    list_head thread_head;
    sigpending shared_pending;
    int group_exit_code;
    bool group_exit;
    task_struct* group_exit_task; /* an exec waiting for the other threads to go (de_thread) */
    int group_stop_count;
    unsigned int flags; /* SIGNAL_STOP_STOPPED etc. */
    int stop_signal;    /* the signal that stopped the group, for wait */
    bool stop_reported; /* WUNTRACED has seen the stop */
    bool continued_reported;

    wait_queue_head wait_chldexit; /* parents sleeping in wait4 */

    pid_t pgrp;
    pid_t session;
    tty_struct* tty; /* controlling terminal */
    bool leader;     /* session leader */

    rlimit64 rlim[RLIM_NLIMITS];

    /* prctl PR_SET_CHILD_SUBREAPER: orphaned descendants come here, not to init. */
    bool is_child_subreaper;
    /* prctl PR_SET_DUMPABLE (Linux keeps it in the mm): SUID_DUMP_DISABLE (0)
     * or SUID_DUMP_USER (1); exec and credential changes reset it. */
    int dumpable;

    /* POSIX timers (timer_create), under tasklist_lock: the list, the next
     * id to give, and how many count CPU time (the tick looks if any). */
    list_head posix_timers;
    int next_posix_timer_id;
    int nr_cpu_timers;

    /* ITIMER_REAL / alarm */
    u64 real_timer_expires; /* ns since boot, 0 = off */
    u64 real_timer_interval;
    /* ITIMER_VIRTUAL (user time) and ITIMER_PROF (user + system): ns left, 0 = off */
    u64 virt_timer_left, virt_timer_interval;
    u64 prof_timer_left, prof_timer_interval;

    /* Resources of waited-for children, for times() and getrusage(). */
    u64 cutime_ns, cstime_ns;
    unsigned long maxrss_kib;  /* the largest hiwater_rss of this process, kept past exit */
    unsigned long cmaxrss_kib; /* the largest of the waited-for children */
    /* Context switches (getrusage's ru_nvcsw, ru_nivcsw): of the threads
     * released already, and of the children waited for. */
    unsigned long nvcsw, nivcsw, cnvcsw, cnivcsw;
};

enum : unsigned int {
    SIGNAL_STOP_STOPPED = 1,
    SIGNAL_STOP_CONTINUED = 2,
    SIGNAL_UNKILLABLE = 4, /* init: default-action signals from user space are ignored */
};

/* pidfds (kernel/pidfd.cpp): the process a pidfd names (its pid in *nr),
 * and the wake-up of pollers when a process exits. */
/* f_flags: the descriptor's file flags (O_NONBLOCK), if asked. */
Result<task_struct*> pidfd_get_task(int fd, pid_t* nr, unsigned int* f_flags = nullptr);
void pidfd_notify();
/* Drops the signals of mask from a pending set, with their queued siginfo
 * (a POSIX timer's entry stays its timer's); under tasklist_lock. */
void flush_sigqueue_of(sigpending& p, u64 mask);
struct file;
/* A new pidfd file for the process t leads, not installed (kernel/pidfd.cpp). */
Result<file*> pidfd_file(const task_struct* t, unsigned int flags);

/* POSIX timers (kernel/time/posix-timers.cpp, kernel/signal.cpp). */
bool send_sigqueue(sigqueue* q, task_struct* t, bool group);
void posix_timer_dequeued(sigqueue* q, siginfo_t& info);
void exit_itimers(signal_struct* sig);
void posix_cpu_timers_tick(task_struct* t);
void posix_timers_thread_exit(task_struct* t);

/* Sends sig to a task (a thread) or to its whole thread group. */
int send_sig_info(int sig, const siginfo_t* info, task_struct* t, bool group);
/* A fault the process cannot continue from: delivers sig, unblocking and
 * resetting a handler that would make the fault repeat. */
void force_sig_fault(int sig, int code, unsigned long addr, unsigned long trapno = 0, unsigned long error_code = 0);
void force_sig(int sig);
/* sig's handler is reset to SIG_DFL and unblocked before sig is sent: it kills. */
void force_fatal_sig(int sig);
/* A signal frame for sig could not be written (or read back): SIGSEGV, fatal
 * when sig was SIGSEGV itself, so that delivery cannot fail for ever. */
void force_sigsegv(int sig);
/* Signals a process group; returns 0 or -errno. */
int kill_pgrp(pid_t pgrp, int sig, int si_code);
/* Delivers pending signals on the way back to user mode (called with irqs on). */
void do_signal(pt_regs* regs);
/* Recomputes TIF_SIGPENDING for t. */
void recalc_sigpending_tsk(task_struct* t);
/* Sets current's blocked mask (SIGKILL and SIGSTOP never block). */
void set_current_blocked(u64 mask);
/* Takes the next pending signal among `allowed` for current, or returns 0
 * (kernel/signal.cpp; tasklist_lock held). */
int dequeue_signal_mask(u64 allowed, siginfo_t& info);
void recalc_sigpending();
/* Notifies the parent of a child's exit / stop / continue. */
void do_notify_parent(task_struct* t, int sig);
void do_notify_parent_cldstop(task_struct* t, int why);
/* The default action of a signal. */
bool sig_kernel_ignore(int sig);
bool sig_kernel_stop(int sig);
bool sig_kernel_coredump(int sig);
void flush_signal_handlers(task_struct* t);
bool is_orphaned_pgrp(pid_t pgrp);
bool pgrp_in_session(pid_t pgrp, pid_t session);

/* The bodies of rt_sigaction, sigaltstack, rt_sigqueueinfo and
 * rt_tgsigqueueinfo, shared by the i386 entry points (kernel/signal_compat.cpp),
 * which convert the structures; ia32 marks the handler SA_IA32_ABI. */
[[nodiscard]] Result<void> do_sigaction(int sig, const k_sigaction* act, k_sigaction* oact, bool ia32);
struct stack_t_user;
[[nodiscard]] Result<void> do_sigaltstack(const stack_t_user* ss, stack_t_user* old);
class SyscallResult;
SyscallResult do_rt_sigqueueinfo(pid_t pid, int sig, const siginfo_t& info);
SyscallResult do_rt_tgsigqueueinfo(pid_t tgid, pid_t pid, int sig, const siginfo_t& info);
/* rt_sigtimedwait's wait (kernel/signal_wait.cpp): the signal number, with *info. */
struct timespec64;
[[nodiscard]] Result<int> do_sigtimedwait(u64 these, const timespec64* timeout, siginfo_t& info);
/* i386 frames (arch/x86_64/kernel/signal_32.cpp). */
bool ia32_setup_frame(int sig, const k_sigaction& ka, const siginfo_t& info, sigset_t blocked, pt_regs* regs);

/* Builds the handler's frame on the user stack (arch/x86_64/kernel/signal.cpp);
 * false if the stack can't take it. */
bool setup_rt_frame(int sig, const k_sigaction& ka, const siginfo_t& info, sigset_t blocked, pt_regs* regs);
/* The most stack a signal frame takes (AT_MINSIGSTKSZ, as Linux's get_sigframe_size). */
unsigned long sigframe_size();

constexpr int SUID_DUMP_DISABLE = 0, SUID_DUMP_USER = 1;
/* /proc/sys/fs/suid_dumpable: what a process that changed ids becomes. */
constexpr int suid_dumpable = SUID_DUMP_DISABLE;

sighand_struct* sighand_alloc();
signal_struct* signal_alloc();
