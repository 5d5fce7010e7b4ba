/* Interrupt dispatch: the timer and device handlers by vector. */
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/entry.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/time.h>

namespace {
irq_handler_t handlers[256];
}

void request_irq_vector(int vector, irq_handler_t handler) { handlers[vector] = handler; }

void exit_to_user_mode(pt_regs* regs);

extern "C" void do_irq(pt_regs* regs, unsigned long vector)
{
    if (vector == SPURIOUS_APIC_VECTOR)
        return; /* no EOI for spurious interrupts */
    if (vector == LOCAL_TIMER_VECTOR)
        timer_tick(user_mode(*regs));
    else if (handlers[vector])
        handlers[vector]();
    apic_eoi();
    if (user_mode(*regs))
        exit_to_user_mode(regs);
}
