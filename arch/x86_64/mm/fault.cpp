/*
 * The page-fault exception. A fault on a user address is resolved through the
 * process's areas (mm/memory.cpp); if it can't be, user code gets SIGSEGV (or
 * SIGBUS) and a kernel user-copy resumes at its exception-table fixup, which
 * makes the system call return -EFAULT. Any other kernel fault is a bug.
 */
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/traps.h>
#include <asm/vsyscall.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/smp_lock.h>
#include <linux/signal.h>

namespace {

void user_fault_signal(FaultResult result, pt_regs& regs, unsigned long address, unsigned long error_code)
{
    (void)regs;
    if (result == FaultResult::Bus)
        force_sig_fault(SIGBUS, BUS_ADRERR, address, X86_TRAP_PF, error_code);
    else if (result == FaultResult::OutOfMemory)
        out_of_memory(); /* kills the process with the most memory; then this fault comes again */
    else
        force_sig_fault(SIGSEGV, result == FaultResult::SegvAccess ? SEGV_ACCERR : SEGV_MAPERR, address, X86_TRAP_PF,
                        error_code);
}

} // namespace

void do_page_fault(pt_regs& regs, unsigned long error_code, unsigned long address)
{
    bool from_user = user_mode(regs);
    if (from_user && is_vsyscall_vaddr(address)) {
        /* The vsyscall page has no area: a call there is emulated first. */
        local_irq_enable();
        if (emulate_vsyscall(error_code, regs, address))
            return;
        local_irq_disable();
    }
    if (!from_user && address < TASK_SIZE_MAX && !(regs.flags & X86_EFLAGS_AC) && !fixup_exception_lookup(regs))
        die("kernel access to user memory outside a user copy (SMAP)", regs, error_code);

    FaultResult result = FaultResult::Segv;
    if (address < TASK_SIZE_MAX && current->mm) {
        /* The address space is under the kernel lock. A fault from user mode
         * holds it already (do_exception); a user copy's fault in a handler
         * that runs without it (SYSCALL_NO_BKL) takes it here. */
        bool took_lock = false;
        if (regs.flags & X86_EFLAGS_IF) {
            local_irq_enable();
            took_lock = !kernel_locked();
            if (took_lock)
                lock_kernel();
        }
        result = handle_mm_fault(current->mm, address, error_code & X86_PF_WRITE, error_code & X86_PF_INSTR);
        if (took_lock)
            unlock_kernel();
        local_irq_disable();
    }
    if (result == FaultResult::Handled)
        return;
    if (from_user) {
        /* A user access to a kernel address is reported as a protection
         * fault, whatever the kernel's page tables hold there (Linux's
         * sanitize_error_code: they are not to be probed). */
        if (address >= TASK_SIZE_MAX)
            error_code |= X86_PF_PROT;
        /* What the signal frame's sigcontext reports (Linux's set_signal_archinfo). */
        current->thread.trap_nr = X86_TRAP_PF;
        current->thread.error_code = error_code | X86_PF_USER;
        current->thread.cr2 = address;
        local_irq_enable();
        user_fault_signal(result, regs, address, error_code);
        return;
    }
    if (fixup_exception(regs))
        return;
    printk("BUG: unable to handle page fault for address %016lx\n", address);
    die("page fault", regs, error_code);
}
