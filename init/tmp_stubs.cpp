#include <asm/entry.h>
#include <asm/traps.h>
extern "C" bool do_syscall_64(pt_regs*) { return false; }
extern "C" void do_int80_syscall_32(pt_regs*) {}
extern "C" void do_exception(pt_regs* regs, unsigned long v) { die("exception", *regs, v); }
extern "C" void do_irq(pt_regs*, unsigned long) {}
extern "C" void schedule_tail() {}
