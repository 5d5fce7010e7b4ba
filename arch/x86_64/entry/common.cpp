/*
 * The C++ half of the system-call gates (entry_64.S is the other half):
 * dispatch through the tables, the tracer's hooks, and the work done before
 * every return to user mode (rescheduling, signals).
 */
#include <linux/key.h>
#include <asm/entry.h>
#include <asm/ia32.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <linux/compiler.h>
#include <linux/mm.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/smp_lock.h>
#include <linux/trace.h>
#include <asm/syscall.h>
#include <vdso32-offsets.h> /* the i386 vDSO's landing pad (cmake/vdso.cmake) */

/* Work before returning to user mode: rescheduling and signals. Called with
 * interrupts off; turns them on to do the work, under the kernel lock (taken
 * here if the way in did not: an interrupt from user mode). */
__attribute__((noinline)) static void exit_to_user_mode_loop(pt_regs* regs)
{
    for (;;) {
        unsigned long work = READ_ONCE(current->thread_flags) & TIF_WORK_MASK;
        if (!work)
            break;
        local_irq_enable();
        /* A switch needs no kernel lock (schedule() would only drop it): taking
         * it for every preemption on the way out made four CPUs queue for it
         * in turn on a 2-core host, a few handoffs a second. */
        if (work & TIF_NEED_RESCHED)
            schedule(); /* a switch asks for the rseq update (TIF_NOTIFY_RESUME) */
        if (READ_ONCE(current->thread_flags) & (TIF_SIGPENDING | TIF_NOTIFY_RESUME)) {
            bool took_lock = !kernel_locked();
            if (took_lock)
                lock_kernel(); /* signal delivery and rseq touch what it protects */
            if (READ_ONCE(current->thread_flags) & TIF_SIGPENDING)
                do_signal(regs);
            if (READ_ONCE(current->thread_flags) & TIF_NOTIFY_RESUME) {
                clear_tsk_thread_flag(current, TIF_NOTIFY_RESUME);
                rseq_handle_notify_resume(regs);
                key_change_session_keyring();
            }
            if (took_lock)
                unlock_kernel();
        }
        local_irq_disable();
    }
}

void exit_to_user_mode(pt_regs* regs)
{
    if (unlikely(READ_ONCE(current->thread_flags) & TIF_WORK_MASK))
        exit_to_user_mode_loop(regs);
}

/* A new task's way to user mode (entry_64.S's ret_from_fork), interrupts
 * off: a signal pending from its birth (the SIGSTOP of a child traced from
 * the start) is taken before its first instruction, as Linux's
 * ret_from_fork does. Only then: doing all the return work here (a
 * reschedule at once) made the main thread of time_cpu_clocks appear to
 * use the CPU time of its new thread's spin (not understood yet). */
extern "C" void ret_from_fork_work(pt_regs* regs)
{
    if (unlikely(READ_ONCE(current->thread_flags) & TIF_SIGPENDING))
        exit_to_user_mode(regs);
}

bool sysret_is_safe(const pt_regs& regs)
{
    /* sysret restores rip from rcx and rflags from r11: only right if they
     * still hold what iret would restore. */
    if (unlikely(regs.cx != regs.ip || regs.r11 != regs.flags))
        return false;
    if (unlikely(regs.cs != __USER_CS || regs.ss != __USER_DS))
        return false;
    /* A non-canonical rip would fault in kernel mode on Intel CPUs, after the
     * stack is already the user's. TASK_SIZE_MAX keeps a guard page below 2^47. */
    if (unlikely(regs.ip >= TASK_SIZE_MAX))
        return false;
    /* sysret can't restore RF, and TF would trap on the first user instruction
     * with kernel state. */
    if (unlikely(regs.flags & (X86_EFLAGS_RF | X86_EFLAGS_TF)))
        return false;
    return true;
}

/*
 * Linux's array_index_nospec: index if index < size, else 0, computed without
 * a branch the CPU could speculate past (the mask is all ones or all zeros).
 */
static __always_inline unsigned long array_index_nospec(unsigned long index, unsigned long size)
{
    unsigned long mask;
    asm("cmp %2, %1; sbb %0, %0" : "=r"(mask) : "r"(index), "i"(size) : "cc");
    return index & mask;
}

/*
 * A task with syscall work (TIF_SYSCALL_WORK: it is ptraced with
 * PTRACE_SYSCALL or single-stepped), and every call under --trace: the
 * stops and the trace record around the call. The tracer may change the
 * number at the entry stop: -1 skips the call (ax stays what the tracer
 * left, -ENOSYS unless it changed it), another number past the table is
 * -ENOSYS; it may change the value at the exit stop (docs/ptrace.md).
 */
template <unsigned int N>
static void syscall_slow(pt_regs* regs, const syscall_table<N>& table, SyscallAbi abi, bool ktrace)
{
    TraceCall call;
    local_irq_enable();
    lock_kernel();
    bool work = READ_ONCE(current->thread_flags) & TIF_SYSCALL_WORK;
    long nr = work ? syscall_trace_enter(regs) : regs->orig_ax;
    int inr = static_cast<int>(nr);
    bool traced = ktrace && trace_syscall_enter(call, *regs, abi);
    if (static_cast<unsigned int>(inr) < N)
        regs->ax = table[array_index_nospec(static_cast<unsigned int>(inr), N)](*regs);
    else if (inr != -1)
        regs->ax = errno_return(Errno::ENOSYS);
    if (traced)
        trace_syscall_exit(call, *regs);
    if (work || (READ_ONCE(current->thread_flags) & TIF_SYSCALL_WORK))
        syscall_exit_work(regs);
    local_irq_disable();
    exit_to_user_mode(regs);
    unlock_kernel();
}

extern "C" bool do_syscall_64_work(pt_regs* regs)
{
    syscall_slow(regs, sys_call_table, SyscallAbi::X64, false);
    return sysret_is_safe(*regs);
}

/*
 * The hot path of every system call: no frame setup, no test for syscall
 * work (a CPU running a task with ptrace's stops enters by
 * entry_SYSCALL_64_work instead, chosen by switch_to; a separate entry
 * serves --trace), interrupts enabled only around the handler, so the round
 * trip stays short (docs/syscall-trip.md counts its instructions).
 */
extern "C" __attribute__((optimize("omit-frame-pointer"))) bool do_syscall_64(pt_regs* regs)
{
    /* Like Linux, only the low 32 bits of rax select the call; compared
     * unsigned, so -1 and everything past the table is -ENOSYS (preset in ax). */
    unsigned long nr = static_cast<unsigned int>(regs->orig_ax);
    if (likely(nr < NR_syscalls_64)) {
        /* Process context: the handler may sleep or be preempted. The stub
         * takes the kernel lock if the handler needs it (linux/syscalls.h). */
        local_irq_enable();
        regs->ax = sys_call_table[array_index_nospec(nr, NR_syscalls_64)](*regs);
        local_irq_disable();
        exit_to_user_mode(regs);
    } else {
        exit_to_user_mode(regs);
    }
    return sysret_is_safe(*regs);
}

/*
 * The i386 table. The task is marked TS_COMPAT (in_compat_syscall(),
 * linux/compat.h) from here until it returns to user mode, as Linux's
 * syscall_32_enter and arch_exit_to_user_mode_prepare do: code shared by
 * both ABIs (import_iovec, the socket calls' cmsg) asks which layout the
 * caller uses. A child forked here starts without it (kzalloc'd task).
 */
extern "C" void do_int80_syscall_32(pt_regs* regs)
{
    unsigned long nr = static_cast<unsigned int>(regs->orig_ax);
    task_struct* self = current;
    self->status |= TS_COMPAT;
    if (unlikely(READ_ONCE(self->thread_flags) & TIF_SYSCALL_WORK)) {
        syscall_slow(regs, ia32_sys_call_table, SyscallAbi::IA32, false);
    } else if (likely(nr < NR_syscalls_32)) {
        local_irq_enable();
        regs->ax = ia32_sys_call_table[array_index_nospec(nr, NR_syscalls_32)](*regs);
        local_irq_disable();
        exit_to_user_mode(regs);
    } else {
        exit_to_user_mode(regs);
    }
    self->status &= ~TS_COMPAT;
}

/*
 * SYSCALL or SYSENTER from compatibility mode (entry_64_compat.S), when its
 * fast path would not do: a task with syscall work, TF or RF in its flags,
 * no i386 vDSO. __kernel_vsyscall pushed ecx, edx and ebp and moved the
 * second argument to ebp (the entry put it in pt_regs->cx). As Linux's
 * do_fast_syscall_32, the call returns to the vDSO's landing pad (which pops
 * them back), with pt_regs as int $0x80 would have them: bp the sixth
 * argument from the user stack (-EFAULT when that read fails), so a restart
 * (ip - 2: the int $0x80 before the pad) and a signal frame see the i386
 * registers. Returns whether sysretl may go back (else iretq).
 */
extern "C" void do_int80_syscall_32_traced(pt_regs* regs);

namespace {

/* The landing pad, or 0 for a task without the i386 vDSO (a 64-bit program
 * that switched to compatibility mode itself): that call answers -ENOSYS. */
__always_inline unsigned long fast_syscall_landing(pt_regs* regs)
{
    unsigned long vdso = current->mm->vdso;
    if (unlikely(!vdso))
        return 0;
    regs->ip = vdso + VDSO32_SYM_int80_landing_pad;
    return regs->ip;
}

/* sysretl restores eip from ecx and eflags from r11 (the exit code loads
 * them from pt_regs): only if iret would return there too. */
__always_inline bool sysretl_is_safe(const pt_regs* regs, unsigned long landing)
{
    return regs->cs == __USER32_CS && regs->ss == __USER_DS && regs->ip == landing &&
           !(regs->flags & (X86_EFLAGS_RF | X86_EFLAGS_TF));
}

} // namespace

extern "C" bool do_fast_syscall_32(pt_regs* regs)
{
    unsigned long landing = fast_syscall_landing(regs);
    if (unlikely(!landing)) {
        exit_to_user_mode(regs);
        return false;
    }
    task_struct* self = current;
    unsigned long nr = static_cast<unsigned int>(regs->orig_ax);
    self->status |= TS_COMPAT;
    local_irq_enable();
    /* The sixth argument is where __kernel_vsyscall pushed ebp. */
    auto arg6 = get_user(user_in_ptr<u32>(static_cast<u32>(regs->sp)));
    bool fetched = arg6.ok();
    if (unlikely(!fetched)) {
        regs->ax = errno_return(Errno::EFAULT);
    } else {
        regs->bp = arg6.value();
        if (unlikely(READ_ONCE(self->thread_flags) & TIF_SYSCALL_WORK)) {
            /* Traced: the stops around the call, as for int $0x80. */
            local_irq_disable();
            syscall_slow(regs, ia32_sys_call_table, SyscallAbi::IA32, false);
            self->status &= ~TS_COMPAT;
            return sysretl_is_safe(regs, landing);
        }
        if (likely(nr < NR_syscalls_32))
            regs->ax = ia32_sys_call_table[array_index_nospec(nr, NR_syscalls_32)](*regs);
    }
    local_irq_disable();
    exit_to_user_mode(regs);
    self->status &= ~TS_COMPAT;
    return fetched && sysretl_is_safe(regs, landing);
}

/* The same for --trace (MSR_CSTAR points at its entry then). */
extern "C" bool do_fast_syscall_32_traced(pt_regs* regs)
{
    unsigned long landing = fast_syscall_landing(regs);
    if (unlikely(!landing)) {
        exit_to_user_mode(regs);
        return false;
    }
    local_irq_enable();
    auto arg6 = get_user(user_in_ptr<u32>(static_cast<u32>(regs->sp)));
    local_irq_disable();
    if (unlikely(!arg6.ok())) {
        regs->ax = errno_return(Errno::EFAULT);
        exit_to_user_mode(regs);
        return false;
    }
    regs->bp = arg6.value();
    do_int80_syscall_32_traced(regs);
    return sysretl_is_safe(regs, landing);
}

/* The exit work of the i386 fast path (entry_64_compat.S), which returns by
 * iretq after it; interrupts off. */
extern "C" void syscall_exit_compat_work(pt_regs* regs)
{
    exit_to_user_mode(regs);
    current->status &= ~TS_COMPAT;
}

/* The same, with the tracer's hooks around the call (entered when booted
 * with "trace"): the call's trace record lives on this frame. */
extern "C" bool do_syscall_64_traced(pt_regs* regs)
{
    syscall_slow(regs, sys_call_table, SyscallAbi::X64, true);
    return sysret_is_safe(*regs);
}

extern "C" void do_int80_syscall_32_traced(pt_regs* regs)
{
    task_struct* self = current;
    self->status |= TS_COMPAT;
    syscall_slow(regs, ia32_sys_call_table, SyscallAbi::IA32, true);
    self->status &= ~TS_COMPAT;
}
