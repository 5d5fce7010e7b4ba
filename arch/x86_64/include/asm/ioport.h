/* I/O port permissions of user tasks (arch/x86_64/kernel/ioport.cpp). */
#pragma once
#include <asm/ptrace.h>
#include <linux/types.h>

constexpr unsigned long IO_BITMAP_BITS = 65536;
constexpr unsigned long IO_BITMAP_BYTES = IO_BITMAP_BITS / 8;

struct task_struct;

/* This CPU's TSS bitmap, and where its offset field and the two values it takes are. */
struct tss_io_bitmap {
    u8* bits;
    u16* base;
    u16 valid_offset;
    u16 invalid_offset;
};
tss_io_bitmap cpu_tss_io_bitmap();

/* Called by switch_to with interrupts off. */
void switch_io_bitmap(task_struct* prev, task_struct* next);
/* fork: the child shares the parent's bitmap. */
void io_bitmap_share(task_struct* child);
/* The task is freed: drops its bitmap. */
void io_bitmap_exit(task_struct* t);
/* A #GP from user mode on cli/sti under iopl(3): skipped. Returns true if so. */
bool fixup_iopl_exception(pt_regs* regs);
