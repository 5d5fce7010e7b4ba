/*
 * Exceptions. From user mode a fault becomes a signal to the process (Linux's
 * table: #DE -> SIGFPE, #UD -> SIGILL, #GP -> SIGSEGV ...); from the kernel it is
 * either a user copy that recovers through the exception table or a bug that
 * stops the machine with a register dump and a backtrace.
 */
#include <asm/debugreg.h>
#include <asm/entry.h>
#include <asm/ioport.h>
#include <asm/processor.h>
#include <asm/traps.h>
#include <linux/kallsyms.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/smp_lock.h>

namespace {

const char* const trap_names[32] = {
    "divide error", "debug", "NMI", "int3", "overflow", "bounds", "invalid opcode", "device not available",
    "double fault", "coprocessor segment overrun", "invalid TSS", "segment not present", "stack segment",
    "general protection fault", "page fault", "reserved", "x87 FPU error", "alignment check", "machine check",
    "SIMD exception", "virtualization exception", "control protection",
};

struct trap_signal {
    int signo;
    int code;
};

trap_signal signal_for_trap(unsigned long vector)
{
    switch (vector) {
    case X86_TRAP_DE:
        return {SIGFPE, FPE_INTDIV};
    case X86_TRAP_DB:
        return {SIGTRAP, TRAP_BRKPT};
    case X86_TRAP_BP:
        return {SIGTRAP, SI_KERNEL}; /* int3: Linux's do_int3 sends a plain kernel SIGTRAP */
    case X86_TRAP_UD:
        return {SIGILL, ILL_ILLOPN};
    case X86_TRAP_MF:
    case X86_TRAP_XF:
        return {SIGFPE, 0};
    case X86_TRAP_AC:
        return {SIGBUS, BUS_ADRALN};
    case X86_TRAP_NP:
    case X86_TRAP_SS:
        return {SIGBUS, SI_KERNEL}; /* segment not present, stack segment */
    default:
        return {SIGSEGV, SI_KERNEL};
    }
}

} // namespace

void exit_to_user_mode(pt_regs* regs);

extern "C" char iret_to_user[];

/* The fault of the iretq that returns to user mode (a CS or SS that
 * sigreturn accepted but the CPU refuses), taken in kernel mode with the
 * user's registers still loaded: the exception's pt_regs hold the user's
 * general registers, and the five words iretq was loading are at its saved
 * sp. Rebuild the user state at the stack's top and handle the fault as if
 * user mode had raised it there (Linux's fixup_bad_iret): the handler sees
 * the CS and SS that could not be loaded. */
[[noreturn]] static void bad_iret(pt_regs* regs, unsigned long vector, unsigned long error_code)
{
    struct iret_frame {
        unsigned long ip, cs, flags, sp, ss;
    };
    pt_regs user = *regs;
    const auto* frame = reinterpret_cast<const iret_frame*>(regs->sp);
    user.ip = frame->ip, user.cs = frame->cs, user.flags = frame->flags;
    user.sp = frame->sp, user.ss = frame->ss;
    user.orig_ax = static_cast<unsigned long>(-1);
    pt_regs* top = task_pt_regs(current); /* overlaps *regs: copied through `user` */
    *top = user;
    current->thread.trap_nr = vector;
    current->thread.error_code = error_code;
    local_irq_enable();
    lock_kernel(); /* the way out had dropped it */
    force_sig_fault(vector == X86_TRAP_GP ? SIGSEGV : SIGBUS, SI_KERNEL, 0, vector, error_code);
    local_irq_disable();
    exit_to_user_mode(top);
    unlock_kernel();
    return_to_user_mode(top);
}

static void handle_exception(pt_regs* regs, unsigned long vector, unsigned long error_code)
{
    if (vector == X86_TRAP_PF) {
        do_page_fault(*regs, error_code, read_cr2());
        return;
    }
    if (user_mode(*regs)) {
        if (vector == X86_TRAP_GP && fixup_iopl_exception(regs))
            return;
        if (vector == X86_TRAP_DB) { /* a step or a tracer's breakpoint (hw_breakpoint.cpp) */
            exc_debug_user(regs);
            return;
        }
        auto [signo, code] = signal_for_trap(vector);
        if (vector != X86_TRAP_BP) { /* Linux's do_int3 leaves them */
            current->thread.trap_nr = vector;
            current->thread.error_code = error_code;
        }
        local_irq_enable();
        /* Linux gives si_addr only where the code says where (SI_KERNEL: none). */
        force_sig_fault(signo, code, code == SI_KERNEL || vector == X86_TRAP_AC ? 0 : regs->ip, vector, error_code);
        return;
    }
    if (regs->ip == reinterpret_cast<unsigned long>(iret_to_user) &&
        (vector == X86_TRAP_GP || vector == X86_TRAP_NP || vector == X86_TRAP_SS))
        bad_iret(regs, vector, error_code);
    if (fixup_exception(*regs))
        return;
    die(vector < 32 && trap_names[vector] ? trap_names[vector] : "exception", *regs, error_code);
}

extern "C" void do_exception(pt_regs* regs, unsigned long vector)
{
    /* NMI, #DF and #MC arrive on their own IST stacks, at any point, even
     * inside a critical section with interrupts off: nothing here may
     * schedule, take a lock or deliver a signal (no exit_to_user_mode).
     * An NMI has nothing to do (no watchdog, no NMI IPIs); a double fault
     * or a machine check stops the machine, from user mode too. */
    if (vector == X86_TRAP_NMI)
        return;
    if (vector == X86_TRAP_DF || vector == X86_TRAP_MC)
        die(trap_names[vector], *regs, regs->orig_ax);

    /* The stubs of vectors without an error code push -1; Linux counts it 0. */
    unsigned long error_code = regs->orig_ax == ~0UL ? 0 : regs->orig_ax;
    regs->orig_ax = static_cast<unsigned long>(-1); /* not a system call: nothing to restart */
    /* From user mode the exception runs in process context like a system
     * call, under the kernel lock; from the kernel the task has it already
     * (a user copy's fault) or the fault is a kernel bug. */
    bool from_user = user_mode(*regs);
    if (from_user)
        lock_kernel();
    handle_exception(regs, vector, error_code);
    /* A signal the fault raised is delivered before user code runs again. */
    if (from_user) {
        local_irq_disable();
        exit_to_user_mode(regs);
        unlock_kernel();
    }
}
