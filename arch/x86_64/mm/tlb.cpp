/*
 * Address-space switches and TLB shootdowns (Linux's arch/x86/mm/tlb.c).
 * Each mm records the CPUs that have it loaded (mm->cpu_bitmap): a CPU sets
 * its bit before it loads the mm's page tables and clears it after it has
 * loaded others, so a CPU outside the set holds no TLB entry of the mm that
 * a flush would have to remove (a CR3 load drops every non-global entry).
 *
 * Changing a present page-table entry (unmap, mprotect, mremap, copy-on-write,
 * fork's write protection) is done by the task holding the kernel lock; the
 * CPU itself invalidates its own entries (invlpg) and then calls
 * flush_tlb_mm_others, which asks every other CPU in the set to flush its TLB
 * and waits until each has: only then may the pages be reused. The flusher
 * holds no spinlock while it waits (a CPU spinning for one with interrupts off
 * could not answer), and CPUs spinning for the kernel lock answer from their
 * spin loop (kernel/kernel_lock.cpp).
 */
#include <asm/apic.h>
#include <asm/ia32.h>
#include <asm/desc.h>
#include <asm/percpu.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/sched.h>

namespace {

/* The generation of the last flush asked for; written by the kernel lock's
 * holder only (every caller of flush_tlb_mm_others holds it). */
u64 flush_generation;

} // namespace

void switch_mm(mm_struct* prev, mm_struct* next)
{
    int cpu = smp_processor_id();
    if (next)
        cpumask_set_cpu(cpu, next->cpu_bitmap);
    switch_pgd(next ? next->pgd : init_pgd);
    if (prev && prev != next)
        cpumask_clear_cpu(cpu, prev->cpu_bitmap);
    /* Only once some program has made an LDT: one load until then. */
    if (unlikely(READ_ONCE(ldt_ever_used)))
        load_mm_ldt(next);
}

void smp_do_pending_work()
{
    percpu* pc = this_cpu();
    u64 want = READ_ONCE(pc->tlb_flush_requested);
    if (want == READ_ONCE(pc->tlb_flush_done))
        return;
    flush_tlb_all();
    /* The request also stands for "mm->ldt changed" (modify_ldt). */
    if (READ_ONCE(ldt_ever_used)) {
        task_struct* t = pc->current_task;
        load_mm_ldt(t ? t->mm : nullptr);
    }
    __atomic_store_n(&pc->tlb_flush_done, want, __ATOMIC_RELEASE);
}

void flush_tlb_mm_others(mm_struct* mm)
{
    if (!mm || num_online_cpus() == 1)
        return;
    int self = smp_processor_id();
    cpumask targets{mm->cpu_bitmap.bits & ~(1ULL << self)};
    if (cpumask_empty(targets))
        return;
    u64 gen = ++flush_generation;
    for_each_cpu(cpu, targets) {
        __atomic_store_n(&per_cpu(cpu).tlb_flush_requested, gen, __ATOMIC_RELEASE);
        send_IPI(cpu, CALL_FUNCTION_VECTOR);
    }
    for_each_cpu(cpu, targets) {
        while (__atomic_load_n(&per_cpu(cpu).tlb_flush_done, __ATOMIC_ACQUIRE) < gen) {
            cpu_relax();
            smp_do_pending_work();
        }
    }
}
