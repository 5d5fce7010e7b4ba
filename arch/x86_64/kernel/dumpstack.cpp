/* Reporting a kernel fault: registers and a symbolized backtrace. */
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/reboot.h>
#include <asm/traps.h>
#include <linux/kallsyms.h>
#include <linux/printk.h>

void dump_stack(unsigned long fp)
{
    printk("Call Trace:\n");
    for (int depth = 0; fp && depth < 32; depth++) {
        if (fp < PAGE_OFFSET || (fp & 7))
            break;
        auto* frame = reinterpret_cast<unsigned long*>(fp);
        unsigned long ret = frame[1];
        if (!ret)
            break;
        char sym[128];
        kallsyms_lookup(ret, sym, sizeof(sym));
        printk("  [<%016lx>] %s\n", ret, sym);
        fp = frame[0];
    }
}

void die(const char* what, const pt_regs& regs, unsigned long error_code)
{
    local_irq_disable();
    char sym[128];
    kallsyms_lookup(regs.ip, sym, sizeof(sym));
    printk("\nKernel fault: %s (error code 0x%lx)\n", what, error_code);
    printk("RIP: %04lx:%016lx %s\n", regs.cs, regs.ip, sym);
    printk("RSP: %04lx:%016lx EFLAGS: %08lx CR2: %016lx\n", regs.ss, regs.sp, regs.flags, read_cr2());
    printk("RAX: %016lx RBX: %016lx RCX: %016lx\n", regs.ax, regs.bx, regs.cx);
    printk("RDX: %016lx RSI: %016lx RDI: %016lx\n", regs.dx, regs.si, regs.di);
    printk("RBP: %016lx R08: %016lx R09: %016lx\n", regs.bp, regs.r8, regs.r9);
    printk("R10: %016lx R11: %016lx R12: %016lx\n", regs.r10, regs.r11, regs.r12);
    printk("R13: %016lx R14: %016lx R15: %016lx\n", regs.r13, regs.r14, regs.r15);
    printk("CR0: %016lx CR3: %016lx CR4: %016lx\n", read_cr0(), read_cr3(), read_cr4());
    printk("  [<%016lx>] %s\n", regs.ip, sym);
    dump_stack(regs.bp);
    machine_panic_exit();
}

