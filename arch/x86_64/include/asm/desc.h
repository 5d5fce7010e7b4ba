/* GDT, TSS and IDT: the descriptor tables the CPU consults on every privilege change. */
#pragma once
#include <linux/compiler.h>
#include <linux/types.h>

/* The 64-bit TSS: only the stack pointers matter in long mode. */
struct tss_struct {
    u32 reserved0;
    u64 sp0; /* kernel stack for interrupts and int 0x80 from user mode */
    u64 sp1;
    u64 sp2;
    u64 reserved1;
    u64 ist[7]; /* separate stacks for double fault, NMI and machine check */
    u64 reserved2;
    u16 reserved3;
    u16 io_bitmap_base;
} __packed;
static_assert(sizeof(tss_struct) == 104);

enum ist_index { IST_DOUBLE_FAULT = 1, IST_NMI = 2, IST_MACHINE_CHECK = 3, IST_DEBUG = 4 };

/* Sets up GDT, TSS, IDT, per-CPU data and the syscall MSRs of the boot CPU. */
void cpu_init();
/* The same for another CPU on its way up: `area` (cpu_area_size() bytes,
 * page-aligned) holds its TSS and IST stacks. */
void cpu_init_secondary(int cpu, void* area);
size_t cpu_area_size();
/* The stack interrupts from user mode land on: the running task's. */
void load_sp0(unsigned long sp0);

/* Vectors, as Linux numbers them where it has them. */
constexpr int FIRST_EXTERNAL_VECTOR = 0x20;
constexpr int IA32_SYSCALL_VECTOR = 0x80;
constexpr int LOCAL_TIMER_VECTOR = 0xec;
constexpr int CALL_FUNCTION_VECTOR = 0xfb; /* a TLB flush another CPU asked for */
constexpr int RESCHEDULE_VECTOR = 0xfd;    /* another CPU made a task runnable here */
constexpr int SPURIOUS_APIC_VECTOR = 0xff;
