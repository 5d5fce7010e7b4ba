/*
 * Per-CPU data, reached through %gs in the kernel (swapgs on every entry from
 * user mode). The entry assembly uses the PCPU_* offsets; static_asserts in
 * arch/x86_64/kernel/cpu.cpp keep them true.
 */
#pragma once

#define PCPU_SELF		0
#define PCPU_USER_RSP		8	/* syscall entry parks the user stack pointer here */
#define PCPU_TOP_OF_STACK	16	/* kernel stack top of the running task */
#define PCPU_CURRENT		24

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
    tss_struct* tss;
    int cpu;
};

extern percpu boot_percpu;

static inline percpu* this_cpu()
{
    percpu* p;
    asm("movq %%gs:0, %0" : "=r"(p));
    return p;
}

static __attribute__((always_inline)) inline task_struct* get_current()
{
    task_struct* t;
    asm("movq %%gs:" __stringify(PCPU_CURRENT) ", %0" : "=r"(t));
    return t;
}
#define current get_current()
#endif
