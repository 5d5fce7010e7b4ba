/*
 * Per-CPU data, reached through %gs in the kernel (swapgs on every entry from
 * user mode). The entry assembly uses the PCPU_* offsets; static_asserts in
 * arch/x86_64/kernel/cpu.cpp keep them true. Each CPU owns its entry; other
 * CPUs read it (the scheduler's `curr`, `online`) but only the owner writes
 * its first four fields.
 */
#pragma once

#define PCPU_SELF		0
#define PCPU_USER_RSP		8	/* syscall entry parks the user stack pointer here */
#define PCPU_TOP_OF_STACK	16	/* kernel stack top of the running task */
#define PCPU_CURRENT		24
#define PCPU_CPU		32

#define NR_CPUS			64	/* CPUs the kernel can start; a MADT may list fewer */

#ifndef __ASSEMBLER__
#include <linux/compiler.h>
#include <linux/types.h>

struct task_struct;
struct tss_struct;

struct percpu {
    percpu* self;
    unsigned long user_rsp;
    unsigned long top_of_stack;
    task_struct* current_task;
    int cpu;                /* this CPU's number, 0 for the boot CPU */
    u32 apic_id;            /* its local APIC's id (the MADT's) */
    tss_struct* tss;
    u64* gdt;               /* GDT_ENTRIES descriptors: each CPU needs its own TSS descriptor */
    task_struct* idle;      /* the task that runs when nothing else can */
    volatile bool online;   /* runs tasks (set by the CPU itself at the end of its start-up) */
    /* Cross-CPU work (arch/x86_64/kernel/smp.cpp): requests other CPUs post,
     * done in this CPU's IPI handler or wherever it spins on a lock. */
    volatile u64 tlb_flush_requested; /* generation asked for by the last flusher */
    volatile u64 tlb_flush_done;      /* generation this CPU has flushed up to */
    u64 irq_count;          /* interrupts taken, for /proc/stat */
    /* Time by kind, a tick at a time (kernel/time/timer.cpp), for /proc/stat. */
    u64 cpustat_user_ns, cpustat_system_ns, cpustat_idle_ns;
    u64 nr_switches;        /* context switches (/proc/stat's ctxt) */
    const struct ldt_struct* ldt_loaded; /* the LDT LDTR names (arch/x86_64/kernel/ldt.cpp), or null */
    bool syscall_work_entry; /* MSR_LSTAR is entry_SYSCALL_64_work (switch_to) */
    /* What switch_to last set this CPU up for: the incoming task's
     * TIF_SYSCALL_WORK and TIF_DEBUGREGS bits, with SWITCH_DEBUGREGS_LOADED
     * while a task's breakpoints are in the debug registers. */
    unsigned long switch_extra;
};

extern percpu cpu_data[NR_CPUS];
static inline percpu& per_cpu(int cpu) { return cpu_data[cpu]; }

/* volatile: a task that sleeps may wake on another CPU, so the answer
 * must not be reused across a call that can schedule. */
static inline percpu* this_cpu()
{
    percpu* p;
    asm volatile("movq %%gs:0, %0" : "=r"(p));
    return p;
}

/* Linux's smp_processor_id(): meaningful while the caller can't migrate
 * (interrupts off, a spinlock held, or the kernel lock: a task holding it
 * only changes CPU across schedule()). */
static __attribute__((always_inline)) inline int smp_processor_id()
{
    int cpu;
    asm volatile("movl %%gs:" __stringify(PCPU_CPU) ", %0" : "=r"(cpu));
    return cpu;
}

static __attribute__((always_inline)) inline task_struct* get_current()
{
    task_struct* t;
    asm("movq %%gs:" __stringify(PCPU_CURRENT) ", %0" : "=r"(t));
    return t;
}
#define current get_current()
#endif
