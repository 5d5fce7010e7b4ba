/*
 * Starting the other CPUs (Linux's arch/x86/kernel/smpboot.c). The boot CPU
 * copies the trampoline (trampoline_64.S) below 1 MiB and, for each
 * processor the MADT lists, makes its idle task and its TSS and IST stacks,
 * then sends INIT and STARTUP IPIs: the CPU wakes in real mode in the
 * trampoline, reaches long mode and start_secondary, sets itself up like the
 * boot CPU (cpu_init_secondary, its local APIC timer) and enters its idle
 * loop, from which it runs whatever task the scheduler gives it.
 *
 * The boot command line's `nosmp` or `maxcpus=N` starts fewer (Linux's).
 */
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/tsc.h>
#include <drivers/acpi.h>
#include <linux/cpumask.h>
#include <linux/gfp.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/smp_lock.h>
#include <linux/string.h>
#include <linux/time.h>

cpumask cpu_present_mask;
cpumask cpu_online_mask;
int smp_max_cpus = NR_CPUS; /* maxcpus= (init/main.cpp) */

extern "C" const u8 trampoline_start[], trampoline_end[], trampoline_params[];
extern "C" u8 early_pml4[];

namespace {

constexpr u64 TRAMPOLINE_PHYS = 0x8000; /* trampoline_64.S assembles for this address */

/* The parameter block at the end of the trampoline. */
struct trampoline_params_t {
    u64 cr3;
    u64 final_cr3;
    u64 stack;
    u32 cpu;
    u32 pad;
};

trampoline_params_t* params()
{
    auto offset = static_cast<size_t>(trampoline_params - trampoline_start);
    return static_cast<trampoline_params_t*>(__va(TRAMPOLINE_PHYS + offset));
}

void* cpu_areas[NR_CPUS]; /* each CPU's TSS and IST stacks, handed to it on its way up */

void delay_us(u64 us)
{
    u64 end = tsc_ns() + us * 1000;
    while (tsc_ns() < end)
        cpu_relax();
}

unsigned order_for(size_t bytes)
{
    unsigned order = 0;
    while ((PAGE_SIZE << order) < bytes)
        order++;
    return order;
}

bool do_boot_cpu(int cpu, u32 apic_id)
{
    task_struct* idle = fork_idle(cpu);
    page* area = alloc_pages(order_for(cpu_area_size()));
    if (!idle || !area) {
        printk("smp: no memory to start CPU %d\n", cpu);
        return false;
    }
    cpu_areas[cpu] = page_address(area);
    percpu& pc = per_cpu(cpu);
    pc.apic_id = apic_id;
    pc.idle = idle;
    pc.current_task = idle;

    trampoline_params_t* p = params();
    p->stack = reinterpret_cast<u64>(idle->stack) + THREAD_SIZE;
    p->cpu = static_cast<u32>(cpu);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);

    /* Intel's MP start-up: INIT, 10 ms, STARTUP, 200 us, STARTUP again if
     * the CPU has not answered. */
    send_init_ipi(apic_id);
    delay_us(10000);
    for (int attempt = 0; attempt < 2 && !READ_ONCE(pc.online); attempt++) {
        send_startup_ipi(apic_id, TRAMPOLINE_PHYS);
        for (int waited = 0; waited < 200 && !READ_ONCE(pc.online); waited++)
            delay_us(1);
    }
    /* TCG may take a while to schedule the new vCPU: a second, at most. */
    u64 until = tsc_ns() + NSEC_PER_SEC;
    while (!READ_ONCE(pc.online) && tsc_ns() < until)
        cpu_relax();
    if (!READ_ONCE(pc.online)) {
        printk("smp: CPU %d (APIC %u) did not start\n", cpu, apic_id);
        return false;
    }
    return true;
}

} // namespace

int nr_cpu_ids()
{
    int last = 0;
    for_each_cpu(cpu, cpu_present_mask)
        last = cpu;
    return last + 1;
}

/* The new CPU, on its idle task's stack, with the kernel's page tables. */
extern "C" [[noreturn]] void start_secondary(int cpu)
{
    cpu_init_secondary(cpu, cpu_areas[cpu]);
    percpu* pc = this_cpu();
    load_sp0(reinterpret_cast<unsigned long>(pc->idle->stack) + THREAD_SIZE);
    asm volatile("fninit");
    u32 mxcsr = 0x1f80; /* the reset value: every exception masked */
    asm volatile("ldmxcsr %0" : : "m"(mxcsr));
    apic_init_secondary();
    sched_init_secondary();
    cpumask_set_cpu(cpu, cpu_online_mask);
    WRITE_ONCE(pc->online, true);
    cpu_idle_loop();
}

void smp_boot_cpus()
{
    u32 boot_apic = read_apic_id();
    per_cpu(0).apic_id = boot_apic;
    cpumask_set_cpu(0, cpu_present_mask);
    cpumask_set_cpu(0, cpu_online_mask);
    WRITE_ONCE(per_cpu(0).online, true);

    memcpy(__va(TRAMPOLINE_PHYS), trampoline_start, static_cast<size_t>(trampoline_end - trampoline_start));
    trampoline_params_t* p = params();
    p->cr3 = __pa(early_pml4);
    p->final_cr3 = init_pgd;

    int next = 1;
    for (int i = 0; i < acpi.nr_present_cpus && next < NR_CPUS; i++) {
        u32 apic_id = acpi.cpu_apic_id[i];
        if (apic_id == boot_apic)
            continue;
        int cpu = next++;
        cpumask_set_cpu(cpu, cpu_present_mask);
        if (cpu >= smp_max_cpus)
            continue; /* present, not started (maxcpus=) */
        kernel_lock_smp = true; /* from now on two CPUs may be in the kernel */
        if (!do_boot_cpu(cpu, apic_id))
            cpumask_clear_cpu(cpu, cpu_present_mask);
    }
    if (num_online_cpus() > 1)
        pr_info("smp: %d CPUs online\n", num_online_cpus());
}
