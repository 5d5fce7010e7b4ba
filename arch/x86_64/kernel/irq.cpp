/* Interrupt dispatch: the timer and device handlers by vector. */
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/entry.h>
#include <asm/percpu.h>
#include <asm/pgtable.h>
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
    this_cpu()->irq_count++;
    if (vector == LOCAL_TIMER_VECTOR)
        timer_tick(user_mode(*regs));
    else if (vector == RESCHEDULE_VECTOR)
        set_tsk_thread_flag(current, TIF_NEED_RESCHED); /* the idle loop and the way out look */
    else if (vector == CALL_FUNCTION_VECTOR)
        smp_do_pending_work();
    else if (handlers[vector])
        handlers[vector]();
    apic_eoi();
    if (user_mode(*regs))
        exit_to_user_mode(regs);
    else if (preemptible_irq(*regs))
        preempt_schedule_irq(); /* kernel preemption: kernel/sched/core.cpp says when */
}
