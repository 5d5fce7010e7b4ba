/* Entry points defined in arch/x86_64/entry/entry_64.S and entry_64_compat.S. */
#pragma once
#include <asm/ptrace.h>

extern "C" {
void entry_SYSCALL_64();
void entry_SYSCALL_64_traced();
void entry_SYSCALL_64_work();
void entry_SYSCALL_compat();
void entry_SYSCALL_compat_traced();
void entry_SYSENTER_compat();
void entry_SYSENTER_compat_traced();
void entry_INT80_compat();
void entry_INT80_compat_traced();
extern void (*const exception_entries[32])();
extern void (*const irq_entries[256 - 32])();

/* Leaves the kernel for user mode with the registers in regs (on the current
 * kernel stack, at its top), through iret. */
[[noreturn]] void return_to_user_mode(pt_regs* regs);
/* Where a new task starts: finishes the context switch, then returns to user mode. */
void ret_from_fork();

/* Called from the entry code. */
bool do_syscall_64(pt_regs* regs);
void do_int80_syscall_32(pt_regs* regs);
bool do_syscall_64_traced(pt_regs* regs);
void do_int80_syscall_32_traced(pt_regs* regs);
void do_exception(pt_regs* regs, unsigned long vector);
void do_irq(pt_regs* regs, unsigned long vector);
}
