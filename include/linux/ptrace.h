/* Who may look into another process, and ptrace(2) (kernel/ptrace.cpp,
 * arch/x86_64/kernel/ptrace.cpp; docs/ptrace.md): Linux's
 * ptrace_may_access, used by /proc/PID files, pidfd_getfd, kcmp and
 * process_vm_readv/writev, and the hooks through which a traced task stops
 * for its tracer. */
#pragma once
#include <linux/result.h>
#include <linux/types.h>
#include <uapi/linux/ptrace.h>

struct task_struct;
struct pt_regs;
struct siginfo_t;

/* Linux's PTRACE_MODE_* bits: read or attach, and whose ids are compared,
 * the caller's file-system ids (FSCREDS: /proc) or its real ids (REALCREDS:
 * system calls). */
constexpr unsigned PTRACE_MODE_READ = 0x01, PTRACE_MODE_ATTACH = 0x02, PTRACE_MODE_FSCREDS = 0x08,
                   PTRACE_MODE_REALCREDS = 0x10;
constexpr unsigned PTRACE_MODE_READ_FSCREDS = PTRACE_MODE_READ | PTRACE_MODE_FSCREDS;
constexpr unsigned PTRACE_MODE_READ_REALCREDS = PTRACE_MODE_READ | PTRACE_MODE_REALCREDS;
constexpr unsigned PTRACE_MODE_ATTACH_REALCREDS = PTRACE_MODE_ATTACH | PTRACE_MODE_REALCREDS;

/* The caller may: it is the same process, or its ids are all of the
 * target's and the target is dumpable, or it has CAP_SYS_PTRACE. */
[[nodiscard]] bool ptrace_may_access(task_struct* t, unsigned mode);

/* task_struct::ptrace: traced, attached by SEIZE, and the options, each
 * PTRACE_O_* bit shifted by PT_OPT_FLAG_SHIFT (Linux's PT_* values). */
constexpr unsigned int PT_PTRACED = 0x1, PT_SEIZED = 0x10000, PT_OPT_FLAG_SHIFT = 3;
constexpr unsigned int PT_TRACESYSGOOD = PTRACE_O_TRACESYSGOOD << PT_OPT_FLAG_SHIFT;
constexpr unsigned int PT_EXITKILL = PTRACE_O_EXITKILL << PT_OPT_FLAG_SHIFT;
constexpr unsigned int pt_event_flag(int event) { return 1U << (PT_OPT_FLAG_SHIFT + event); }

/* task_struct::jobctl. */
constexpr unsigned int JOBCTL_TRACED = 1U << 0,    /* in ptrace_stop: its tracer may act on it */
    JOBCTL_TRAP_STOP = 1U << 1,                    /* PTRACE_INTERRUPT (or a SEIZE of a stopped task): stop */
    JOBCTL_PTRACE_FROZEN = 1U << 2,                /* a request is at work on it: SIGKILL waits */
    JOBCTL_FORCED_TF = 1U << 3;                    /* PTRACE_SINGLESTEP set TF, not the program */

/* The tracer, if t is traced (else nullptr). */
[[nodiscard]] task_struct* ptrace_parent(const task_struct* t);
/* The tracer's pid for /proc/PID/status (0: not traced). */
[[nodiscard]] int tracer_pid(const task_struct* t);

/* ---- the hooks (kernel/ptrace.cpp) ---- */

/* Syscall work (TIF_SYSCALL_WORK), around a traced task's system call:
 * the entry stop returns the number to run, -1 to skip it. */
[[nodiscard]] long syscall_trace_enter(pt_regs* regs);
void syscall_exit_work(pt_regs* regs);
/* A signal current is about to act on: its signal-delivery-stop. Returns
 * the signal to deliver instead (0: none), info updated. */
[[nodiscard]] int ptrace_signal(int sig, siginfo_t& info);
/* A group stop (or PTRACE_INTERRUPT) of a traced task: stops for the tracer. */
void ptrace_group_stop(int sig);
void do_jobctl_trap();
/* A PTRACE_EVENT_* stop, if the tracer asked for it (and exec's legacy SIGTRAP). */
void ptrace_event(int event, unsigned long message);
/* fork/clone: whether the event is wanted, and the child's tracing from it. */
[[nodiscard]] bool ptrace_event_enabled(const task_struct* t, int event);
void ptrace_init_task(task_struct* child, bool trace);
/* The tracer thread t exits: its tracees go (killed with PTRACE_O_EXITKILL). */
void exit_ptrace(task_struct* t);
/* t leaves its tracer's list (its release, or its tracer reaping it). */
void __ptrace_unlink(task_struct* t);
/* A traced process t exited: the tracer hears of it first. True if the
 * tracer was told (then the real parent hears when the tracer waits). */
[[nodiscard]] bool ptrace_notify_exit(task_struct* t);

/* ---- the steps of a request, shared by ptrace and the i386 compat_sys_ptrace
 * (kernel/ptrace.cpp, kernel/ptrace_compat.cpp) ---- */
[[nodiscard]] Result<long> ptrace_traceme();
[[nodiscard]] Result<long> ptrace_attach(task_struct* t, long request, unsigned long addr, unsigned long flags);
/* The tracee is the caller's and stopped (unless ignore_state): frozen for
 * the request, off its CPU; ptrace_unfreeze ends that unless the request
 * resumed it (ptrace_resumes). */
[[nodiscard]] Result<void> ptrace_check_attach(task_struct* child, bool ignore_state);
void ptrace_unfreeze(task_struct* child);
[[nodiscard]] bool ptrace_resumes(long request);
/* The requests of both ABIs (data and addr as the native call has them). */
[[nodiscard]] Result<long> ptrace_request(task_struct* child, long request, unsigned long addr, unsigned long data);

/* ---- the architecture's part (arch/x86_64/kernel/ptrace.cpp, ptrace_32.cpp) ---- */
/* An i386 tracer's requests on registers (Linux's compat_arch_ptrace):
 * the i386 struct user, user_regs_struct32, user_i387_ia32_struct and the
 * fxsave area; the others go to compat_ptrace_request. */
[[nodiscard]] Result<long> compat_arch_ptrace(task_struct* child, long request, u32 addr, u32 data);
[[nodiscard]] Result<long> compat_ptrace_request(task_struct* child, long request, u32 addr, u32 data);
/* GETREGSET/SETREGSET of len bytes at base, in the tracee's view (the i386
 * layouts for a tracee in compatibility mode, as Linux's
 * task_user_regset_view): the length moved (EINVAL for an unknown type or
 * a length not a multiple of the set's unit). */
[[nodiscard]] Result<size_t> ptrace_regset(task_struct* child, long request, unsigned long type, unsigned long base,
                                           size_t len);
/* The 64-bit view's pieces the i386 one is made of: a user_regs_struct
 * word (the flags without a tracer's TF, the selectors from thread_struct)
 * and its checked write; the fxsave area. */
[[nodiscard]] unsigned long ptrace_getreg(task_struct* child, unsigned long offset);
[[nodiscard]] Result<void> ptrace_putreg(task_struct* child, unsigned long offset, unsigned long value);
struct user_fpregs_struct;
void ptrace_get_fxregs(task_struct* child, user_fpregs_struct& f);
[[nodiscard]] Result<void> ptrace_set_fxregs(task_struct* child, const user_fpregs_struct& f);
/* The i386 view's regsets (ptrace_32.cpp). */
[[nodiscard]] Result<size_t> ptrace_regset32(task_struct* child, long request, unsigned long type, unsigned long base,
                                             size_t len);


/* The requests on registers and single-stepping; EIO for any other. */
[[nodiscard]] Result<long> arch_ptrace(task_struct* child, long request, unsigned long addr, unsigned long data);
void user_enable_single_step(task_struct* child);
void user_disable_single_step(task_struct* child);
