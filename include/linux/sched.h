/*
 * Tasks. A task is a thread of execution with its own kernel stack; a process is
 * a thread group sharing an address space (mm), files, fs context and signal
 * handlers. The scheduler (kernel/sched/core.cpp) runs a task on every online
 * CPU, preempting at the return to user mode; a system call runs in process
 * context (`current`), holding the big kernel lock (linux/smp_lock.h), and
 * may sleep.
 */
#pragma once
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <linux/cpumask.h>
#include <linux/list.h>
#include <linux/result.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>
#include <linux/signal_types.h>
#include <linux/types.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include "../../lib/hashtable.h"
#include "../../lib/rbtree.h"

struct mm_struct;
struct files_struct;
struct fs_struct;
struct cred;
struct signal_struct;
struct sighand_struct;
struct file;
struct rseq_user;        /* kernel/rseq.cpp */
struct robust_list_head;        /* user space's (uapi/linux/futex.h); walked at exit and exec */
struct compat_robust_list_head; /* its i386 layout */

/* Task states, Linux's values. */
enum : long {
    TASK_RUNNING = 0,
    TASK_INTERRUPTIBLE = 1,
    TASK_UNINTERRUPTIBLE = 2,
    TASK_STOPPED = 4,
    TASK_TRACED = 8, /* in a ptrace stop (Linux's __TASK_TRACED): only its tracer resumes it */
    TASK_WAKEKILL = 128,                                   /* a fatal signal wakes it */
    TASK_KILLABLE = TASK_WAKEKILL | TASK_UNINTERRUPTIBLE, /* only a fatal signal ends the sleep */
};
enum : int {
    EXIT_DEAD = 16,
    EXIT_ZOMBIE = 32,
};

/* Work to do before returning to user mode (thread_flags). */
enum : unsigned long {
    TIF_SIGPENDING = 1UL << 0,    /* a signal may be deliverable */
    TIF_NEED_RESCHED = 1UL << 1,  /* another task should run */
    TIF_NOTIFY_RESUME = 1UL << 2, /* e.g. a stop or rseq work */
    TIF_WORK_MASK = TIF_SIGPENDING | TIF_NEED_RESCHED | TIF_NOTIFY_RESUME,
    /* Syscall work (Linux's SYSCALL_WORK_*): the gates test these once and
     * take the slow path (arch/x86_64/entry/common.cpp, docs/ptrace.md). */
    TIF_SYSCALL_TRACE = 1UL << 3, /* PTRACE_SYSCALL: syscall-entry and -exit stops */
    TIF_SINGLESTEP = 1UL << 4,    /* PTRACE_SINGLESTEP: a system call ends in a SIGTRAP */
    TIF_SYSCALL_EMU = 1UL << 5,   /* PTRACE_SYSEMU: an entry stop, and the call is not made */
    TIF_SYSCALL_WORK = TIF_SYSCALL_TRACE | TIF_SINGLESTEP | TIF_SYSCALL_EMU,
    /* A tracer's hardware breakpoint is enabled (thread_struct::hw_dr7):
     * switch_to loads the debug registers (arch/x86_64/kernel/hw_breakpoint.cpp). */
    TIF_DEBUGREGS = 1UL << 6,
};

/* Per-task system-call state (status). */
enum : unsigned int {
    TS_COMPAT = 1U << 1, /* in a 32-bit (i386) system call */
};

/* Per-task flags (flags). */
enum : unsigned long {
    PF_EXITING = 1UL << 2,
    PF_KTHREAD = 1UL << 21,
    PF_IDLE = 1UL << 1,
};

constexpr int TASK_COMM_LEN = 16;
constexpr size_t FPU_STATE_SIZE = 512; /* fxsave area */

struct thread_struct {
    unsigned long sp;     /* kernel stack pointer while switched out (offset 0: the switch code uses it) */
    unsigned long fsbase; /* user TLS bases, saved when switched out (the MSRs are live) */
    unsigned long gsbase;
    unsigned short fsindex; /* the user's %fs and %gs selectors, saved when switched out */
    unsigned short gsindex;
    unsigned short ds, es;  /* and %ds, %es: a 32-bit program addresses memory through them */
    /* An i386 program runs in compatibility mode (Linux's TIF_ADDR32 with
     * TIF_IA32): its address space ends at 4 GiB, it starts with __USER32_CS. */
    bool ia32;
    /* set_thread_area's descriptors, copied into the CPU's GDT slots
     * GDT_ENTRY_TLS_MIN.. when the task runs (arch/x86_64/kernel/tls.cpp). */
    u64 tls_array[GDT_ENTRY_TLS_ENTRIES];
    bool tls_used; /* a slot of tls_array is set: the switch must load them */
    struct io_bitmap* io_bitmap; /* ioperm's ports (arch/x86_64/kernel/ioport.cpp), or null */
    u8 iopl_emul;                /* iopl's level: 3 allows every port */
    bool iopl_warn;              /* the cli/sti warning was printed */
    /* The last user fault (Linux's thread.trap_nr, error_code, cr2): the
     * signal frame's sigcontext reports them. */
    unsigned long trap_nr;
    unsigned long error_code;
    unsigned long cr2;
    /* ptrace's hardware breakpoints (arch/x86_64/kernel/hw_breakpoint.cpp):
     * each of DR0-DR3 once the tracer set it (Linux's ptrace_bps: address,
     * arch length and type, enabled or not), the DR7 the tracer wrote, the
     * DR6 it reads (positive polarity), and hw_dr7, what the CPU's DR7
     * holds while the task runs: 0 for a task without any, for which
     * switch_to does nothing. Written by the tracer while the task is
     * stopped and off its CPU, by the task itself at #DB and exec. */
    struct hw_breakpoint {
        unsigned long addr;
        u8 len, type;
        bool registered, disabled;
    } ptrace_bps[4];
    unsigned long ptrace_dr7;
    unsigned long virtual_dr6;
    unsigned long hw_dr7;
    alignas(16) u8 fpu[FPU_STATE_SIZE];
};

struct task_struct {
    thread_struct thread;
    long state;
    unsigned long thread_flags;
    unsigned long flags;
    /* TS_* (Linux's thread_info.status): TS_COMPAT while the task is in a
     * system call it entered by int $0x80 (in_compat_syscall(), linux/compat.h).
     * Only the task itself writes it. */
    unsigned int status;
    void* stack; /* THREAD_SIZE bytes; pt_regs sit at the top */

    pid_t pid;  /* this thread */
    pid_t tgid; /* the process: the group leader's pid */
    char comm[TASK_COMM_LEN];

    mm_struct* mm;
    files_struct* files;
    fs_struct* fs;
    struct cred* cred;
    struct key* key_session_pending; /* KEYCTL_SESSION_TO_PARENT's keyring, installed on return to user (key_lock) */
    signal_struct* signal;
    sighand_struct* sighand;
    struct sem_undo_list* sysvsem_undo; /* SEM_UNDO adjustments, shared by CLONE_SYSVSEM (ipc/sem.cpp) */
    sigset_t blocked;
    sigset_t saved_sigmask; /* restored after rt_sigsuspend/ppoll handlers */
    sigset_t real_blocked;  /* rt_sigtimedwait's caller's mask while it waits with some unblocked */
    bool restore_sigmask;
    sigpending pending; /* signals for this thread only */
    user_inout_ptr<void> sas_ss_sp; /* sigaltstack: signal frames are written there and read back */
    size_t sas_ss_size;
    int sas_ss_flags;

    task_struct* real_parent;
    /* ptrace (kernel/ptrace.cpp, docs/ptrace.md), all under tasklist_lock:
     * PT_* (traced, seized, the options), the tracer (Linux's parent: a
     * thread), the tasks this one traces and its place in its tracer's
     * list, JOBCTL_* (in a ptrace stop, an INTERRUPT asked), the stop's code
     * for the tracer's wait (sig | event << 8; 0 once reported), then the
     * signal the tracer resumes it with, GETEVENTMSG's value, and the stop's
     * siginfo (on the tracee's own stack while it is stopped). */
    unsigned int ptrace;
    unsigned int jobctl;
    task_struct* parent;
    list_head ptraced;
    list_head ptrace_entry;
    int ptrace_code;
    unsigned long ptrace_message;
    siginfo_t* last_siginfo;
    task_struct* parent_thread; /* the thread that created it (Linux's real_parent), for pdeath_signal */
    int pdeath_signal;          /* sent to this task's process when parent_thread exits (prctl) */
    bool no_new_privs;          /* exec grants no privileges (prctl PR_SET_NO_NEW_PRIVS); sticky, inherited */
    list_head children; /* of this process (on the group leader) */
    list_head sibling;  /* in real_parent's children */
    task_struct* group_leader;
    list_head thread_node; /* in signal->thread_head */
    list_head tasks;       /* all tasks */
    hlist_node pid_link;   /* in the pid hash (kernel/pid.cpp) */
    rb_node run_node;      /* in the run queue's tree while runnable and not running */
    int on_rq;             /* runnable (queued, or running) */
    int on_cpu;            /* running on a CPU, or being switched away from (until finish_task_switch) */
    int cpu;               /* the CPU it runs or last ran on */
    cpumask cpus_mask;     /* where it may run (sched_setaffinity) */
    int kernel_lock_depth; /* the big kernel lock, held this deep (include/linux/smp_lock.h) */
    task_struct* next_dead; /* in the scheduler's list of dead tasks to free */
    bool migrate_pending;  /* leaving its CPU for one its affinity allows (finish_task_switch) */
    u64 vruntime;          /* ns run, scaled by NICE_0_LOAD / se_weight */
    u64 exec_start;        /* when vruntime was last charged */
    u64 slice_start_runtime; /* vruntime when it was last picked */
    unsigned long se_weight; /* from nice */
    unsigned long nvcsw, nivcsw; /* switches away: to sleep, and preempted (getrusage, /proc/PID/status) */

    int exit_state;
    bool autoreap;   /* nobody will wait: its parent ignores SIGCHLD, or it is a thread */
    /* Set by the task itself in do_exit, never by another: it is its own
     * releaser, so finish_task_switch queues it to be freed after its last
     * switch. A zombie leader released by its last thread or its parent
     * never has it, even once that releaser made it EXIT_DEAD and autoreap:
     * deciding from those fields, which another CPU may be writing while the
     * leader is in its last schedule(), freed such a leader twice (the lost
     * wake-up the fuzzer found on two CPUs: a freed task left at the head of
     * the sleepers list; docs/smp.md). */
    bool release_on_switch;
    bool did_exec;   /* for setpgid's EACCES */
    int exit_code;   /* wait status */
    int exit_signal; /* sent to the parent at exit (SIGCHLD, or 0 for threads) */
    /* vfork: the child's link to the parent suspended until it execs or
     * exits, and the parent's to that child; the parent sleeps on its own
     * vfork_wait (never on the child's task_struct, which may be freed as
     * soon as the child exits). Changed with interrupts off (vfork_release). */
    task_struct* vfork_parent;
    task_struct* vfork_child;
    wait_queue_head vfork_wait;

    user_out_ptr<int> set_child_tid;     /* CLONE_CHILD_SETTID */
    user_inout_ptr<int> clear_child_tid; /* zeroed and futex-woken at exit */
    /* set_robust_list's heads, one per ABI as on Linux (kernel/futex_robust.cpp). */
    user_in_ptr<const robust_list_head> robust_list;
    user_in_ptr<const compat_robust_list_head> compat_robust_list;
    user_inout_ptr<rseq_user> rseq; /* registered struct rseq (kernel/rseq.cpp), or null */
    u32 rseq_len;
    u32 rseq_sig;

    u64 start_time;  /* ns since boot */
    u64 utime_ns;    /* time in user mode */
    u64 stime_ns;    /* time in the kernel */
    u64 last_switch; /* ns, when it last started running */
    u64 sum_exec_runtime; /* ns on the CPU before last_switch (CLOCK_*_CPUTIME_ID) */
    int nice;        /* -20..19: the weight in the scheduler (set_user_nice) */
    /* The scheduling class (kernel/sched/rt.h; sched_setscheduler): its
     * policy, the real-time priority (1..99 for FIFO and RR, else 0),
     * whether a child starts as SCHED_OTHER, an RR task's time left, and its
     * place in the run queue's list while queued (the run queue's lock). */
    int policy;
    int rt_priority;
    bool sched_reset_on_fork;
    bool rt_requeue_tail; /* behind its peers at its next switch (yield, RR slice over) */
    u64 rt_time_slice;
    list_head rt_run_list;
    /* SCHED_DEADLINE (kernel/sched/deadline.h): its parameters (ns), the
     * current absolute deadline and budget, whether it waits for its next
     * period, the bandwidth admitted for it, its place in the queue. */
    u64 dl_runtime, dl_deadline, dl_period;
    u64 dl_abs_deadline;
    s64 dl_budget;
    bool dl_throttled;
    u64 dl_bw;
    list_head dl_run_list;
    int ioprio;      /* ioprio_set's class and level (0: none set); no block I/O to order yet */
    unsigned int personality; /* personality(2)'s domain and flags: inherited, kept by exec (linux/personality.h) */

    /* Whatever the task sleeps on with a timeout. */
    u64 sleep_deadline;
    list_head timer_list;
    bool timer_queued;
};

/* Linux's task_pt_regs: the user registers at the top of the kernel stack. */
static inline pt_regs* task_pt_regs(task_struct* t)
{
    return reinterpret_cast<pt_regs*>(static_cast<u8*>(t->stack) + THREAD_SIZE) - 1;
}

static inline bool signal_pending(const task_struct* t) { return t->thread_flags & TIF_SIGPENDING; }
static inline void set_tsk_thread_flag(task_struct* t, unsigned long f) { __atomic_or_fetch(&t->thread_flags, f, __ATOMIC_RELAXED); }
static inline void clear_tsk_thread_flag(task_struct* t, unsigned long f) { __atomic_and_fetch(&t->thread_flags, ~f, __ATOMIC_RELAXED); }
/* For code that rewrote the user registers in pt_regs wholesale (exec,
 * sigreturn, a tracer during a stop): the way back to user mode goes
 * through the exit work, which leaves by iretq and so restores them all.
 * The i386 fast path (arch/x86_64/entry/entry_64_compat.S) returns by
 * sysretl with only what a system call changes. Linux's old force_iret(). */
static inline void force_iret() { set_tsk_thread_flag(current, TIF_NOTIFY_RESUME); }
/* SIGKILL is pending (or the group is exiting): the task will die on its way out. */
[[nodiscard]] bool fatal_signal_pending(const task_struct* t);
static inline bool need_resched() { return current->thread_flags & TIF_NEED_RESCHED; }
/* A full barrier after the store (Linux's smp_store_mb): the condition the
 * caller reads next can't be read before the state is seen by a waker. */
static inline void set_current_state(long state) { __atomic_exchange_n(&current->state, state, __ATOMIC_SEQ_CST); }
static inline bool thread_group_leader(const task_struct* t) { return t->group_leader == t; }

/* All tasks, for procfs and signals to groups. */
extern list_head task_list;
/* Guards task_list, the thread and children lists and the signal state that
 * interrupts touch (kernel/fork.cpp says what exactly). */
extern rec_spinlock_t tasklist_lock;
/* real_parent changes, for lock-free readers (kernel/fork.cpp). */
extern seqcount_t parent_seq;
/* pid 1: orphans are re-parented to it. */
extern task_struct* init_task_ptr;

/* Scheduler. */
void sched_init();
/* A CPU on its way up, on its idle task: ready to be scheduled on. */
void sched_init_secondary();
/* The idle task of another CPU (kernel/fork.cpp). */
task_struct* fork_idle(int cpu);
/* Where t may run; it moves at its next schedule() if it must. */
void set_cpus_allowed(task_struct* t, cpumask mask);
/* Waits until t is off every CPU (after its last switch): before freeing it. */
void wait_task_inactive(task_struct* t);
/* Changes t's nice value and so its weight in the run queue. */
void set_user_nice(task_struct* t, int nice);
/* Changes t's class (sched_setscheduler's checks done): policy, real-time
 * priority, nice, reset-on-fork; it takes its new place at once. */
struct sched_dl_params {
    u64 runtime, deadline, period; /* SCHED_DEADLINE's, ns; zeros for the others */
};
void sched_set_policy(task_struct* t, int policy, int rt_priority, int nice, bool reset_on_fork,
                      const sched_dl_params& dl = {});
/* At exit: what the task's class holds back (a deadline task's bandwidth). */
void sched_exit(task_struct* t);
/* A new task's class from its parent's (sched_reset_on_fork: SCHED_OTHER). */
void sched_fork(task_struct* p, const task_struct* parent);
/* The length of t's time slice (sched_rr_get_interval), ns. */
u64 sched_rr_interval(const task_struct* t);
/* sched_yield: the caller goes behind the next runnable task. */
void yield_current();
void schedule();
/* Kernel preemption at the end of an interrupt (kernel/sched/core.cpp). */
struct pt_regs;
[[nodiscard]] bool preemptible_irq(const pt_regs& regs);
void preempt_schedule_irq();
/* Puts a sleeping task back on the run queue; true if it was asleep. */
bool wake_up_process(task_struct* t);
/* Wakes t if its state is one of `states` (e.g. TASK_STOPPED for SIGCONT). */
bool wake_up_state(task_struct* t, long states, bool sync = false);
/* Makes t runnable for the first time. */
void wake_up_new_task(task_struct* t);
/* The timer interrupt's share: accounting and time slices. */
void scheduler_tick();
/* Sleeps until the deadline (ns since boot) or a wake-up; returns true if woken early. */
bool schedule_timeout_until(u64 deadline_ns);
/* Wakes tasks whose deadline has passed (called from the timer interrupt). */
void run_expired_timers(u64 now_ns);
/* Voluntary preemption point for long kernel loops. */
void cond_resched();
/* A process's CPU time, split into user and system (kernel/sched/cputime.cpp). */
void thread_group_cputime(task_struct* t, u64& utime, u64& stime);
void finish_task_switch(task_struct* prev);

/* Keeps a registered rseq area current before returning to user mode. */
void rseq_handle_notify_resume(pt_regs* regs);

/* Wakes one futex waiter on a user address (kernel/futex.cpp). */
void futex_wake_address(user_inout_ptr<u32> uaddr);
/* The robust lists' walk (kernel/futex_robust.cpp): at the thread's exit and
 * at exec, the locks it still holds get FUTEX_OWNER_DIED and one waiter. */
void futex_exit_release(task_struct* t);
void futex_exec_release(task_struct* t);

/* The idle loop of every CPU. */
[[noreturn]] void cpu_idle_loop();

/* pid lookup and allocation (kernel/pid.cpp). */
task_struct* find_task_by_pid(pid_t pid);
pid_t alloc_pid();
pid_t last_pid_allocated();
void set_last_pid(pid_t pid);
/* Makes t findable by its pid (at fork), and no longer (at release). */
void attach_pid(task_struct* t);
void detach_pid(task_struct* t);
constexpr int PID_MAX_DEFAULT = 32768;

/* Process lifetime (kernel/fork.cpp, kernel/exit.cpp). */
task_struct* alloc_task_struct();
void free_task_struct(task_struct* t);
[[noreturn]] void do_exit(int code);
[[noreturn]] void do_group_exit(int exit_code);
void release_task(task_struct* t);
/* A vfork child execs or exits: its parent, if still waiting, goes on. */
void vfork_release(task_struct* t);

/* Architecture parts (arch/x86_64/kernel/process.cpp). */
extern "C" task_struct* __switch_to(task_struct* prev, task_struct* next);
task_struct* switch_to(task_struct* prev, task_struct* next);
/* Prepares a new task's kernel stack so its first switch lands in ret_from_fork
 * with `regs` as its user registers. */
[[nodiscard]] Result<void> copy_thread(task_struct* p, const pt_regs& regs, unsigned long new_sp, unsigned long tls,
                                       bool set_tls);
/* Resets the user registers for a fresh program (execve). */
void start_thread(pt_regs* regs, unsigned long ip, unsigned long sp);
void fpu_init_task(task_struct* t);
/* The MXCSR bits this CPU implements: sigreturn keeps only those. */
u32 mxcsr_feature_mask();
void set_task_comm(task_struct* t, const char* name);

/* The system's names as uname() reports them (kernel/sys.cpp); procfs shows
 * and sets /proc/sys/kernel/hostname etc. through it. */
struct new_utsname;
new_utsname* init_utsname();
