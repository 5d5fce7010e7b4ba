/*
 * CPU set-up: features, control registers, GDT/TSS, IDT, per-CPU data and
 * the MSRs that make the syscall instruction enter entry_SYSCALL_64. The boot
 * CPU runs cpu_init(); every other CPU runs cpu_init_secondary() on its way
 * up (arch/x86_64/kernel/smpboot.cpp). The IDT is shared; each CPU has its
 * own GDT (its TSS descriptor differs), TSS with I/O bitmap, and IST stacks.
 */
#include <asm/desc.h>
#include <asm/entry.h>
#include <asm/ioport.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/trace.h>
#include <stddef.h>

static_assert(offsetof(percpu, self) == PCPU_SELF);
static_assert(offsetof(percpu, user_rsp) == PCPU_USER_RSP);
static_assert(offsetof(percpu, top_of_stack) == PCPU_TOP_OF_STACK);
static_assert(offsetof(percpu, current_task) == PCPU_CURRENT);
static_assert(offsetof(percpu, cpu) == PCPU_CPU);

cpu_features boot_cpu;
percpu cpu_data[NR_CPUS];

namespace {

/* The TSS, followed by the I/O permission bitmap the CPU checks for in/out
 * from user mode (and the byte of ones it reads past the last port). */
struct tss_full {
    tss_struct x86_tss;
    u8 io_bitmap[IO_BITMAP_BYTES + 1];
} __packed;
tss_full boot_tss_full __aligned(64);
/* An offset past the TSS's limit: every port is denied. */
constexpr u16 IO_BITMAP_OFFSET_VALID = offsetof(tss_full, io_bitmap);
constexpr u16 IO_BITMAP_OFFSET_INVALID = sizeof(tss_full);
u64 cpu_gdt[NR_CPUS][GDT_ENTRIES] __aligned(16);

struct idt_entry {
    u16 offset_low;
    u16 selector;
    u8 ist;
    u8 type_attr;
    u16 offset_mid;
    u32 offset_high;
    u32 reserved;
} __packed;
static_assert(sizeof(idt_entry) == 16);
idt_entry idt[256] __aligned(16);

struct [[gnu::packed]] table_pointer {
    u16 limit;
    u64 base;
};

/* Stacks for exceptions that must not trust the current stack (the boot
 * CPU's; the others get theirs from the page allocator). */
constexpr size_t IST_STACK_SIZE = 8192;
constexpr int IST_STACKS = 4; /* #DF, NMI, #MC, #DB */
u8 boot_ist_stacks[IST_STACKS][IST_STACK_SIZE] __aligned(16);

constexpr u64 segment(bool code, bool long_mode, int dpl)
{
    /* limit 0xfffff, base 0, present, S=1, granularity 4K */
    u64 d = 0x00000000'0000ffffULL | (0xfULL << 48) | (1ULL << 55) | (1ULL << 47) | (1ULL << 44);
    d |= static_cast<u64>(dpl) << 45;
    if (code) {
        d |= 0xaULL << 40; /* execute/read */
        d |= long_mode ? (1ULL << 53) : (1ULL << 54);
    } else {
        d |= 0x2ULL << 40 | (1ULL << 54); /* read/write, 32-bit */
    }
    return d;
}

void set_gate(int vector, void (*handler)(), int dpl, int ist)
{
    auto addr = reinterpret_cast<u64>(handler);
    idt[vector] = idt_entry{
        .offset_low = static_cast<u16>(addr),
        .selector = __KERNEL_CS,
        .ist = static_cast<u8>(ist),
        .type_attr = static_cast<u8>(0x8e | (dpl << 5)), /* present, 64-bit interrupt gate */
        .offset_mid = static_cast<u16>(addr >> 16),
        .offset_high = static_cast<u32>(addr >> 32),
        .reserved = 0,
    };
}

void detect_features()
{
    auto leaf1 = cpuid(1);
    auto leaf7 = cpuid(7, 0);
    auto ext = cpuid(0x80000001);
    boot_cpu.tsc_deadline = leaf1.ecx & (1u << 24);
    boot_cpu.x2apic = leaf1.ecx & (1u << 21);
    boot_cpu.rdrand = leaf1.ecx & (1u << 30);
    boot_cpu.fsgsbase = leaf7.ebx & (1u << 0);
    boot_cpu.smep = leaf7.ebx & (1u << 7);
    boot_cpu.smap = leaf7.ebx & (1u << 20);
    boot_cpu.umip = leaf7.ecx & (1u << 2);
    boot_cpu.pdpe1gb = ext.edx & (1u << 26);
}

/* ist_stacks: IST_STACKS stacks of IST_STACK_SIZE, one after the other. */
void setup_gdt_tss(int cpu, percpu& pc, tss_full& tss, u8* ist_stacks)
{
    /* By number, not pc.cpu: setup_percpu sets that later, and a secondary
     * CPU that took pc.cpu (still 0) shared the boot CPU's GDT, so each
     * CPU's switch overwrote the other's TLS slots. */
    u64* gdt = cpu_gdt[cpu];
    pc.gdt = gdt;
    pc.tss = &tss.x86_tss;
    gdt[GDT_ENTRY_KERNEL32_CS] = segment(true, false, 0);
    gdt[GDT_ENTRY_KERNEL_CS] = segment(true, true, 0);
    gdt[GDT_ENTRY_KERNEL_DS] = segment(false, false, 0);
    gdt[GDT_ENTRY_USER32_CS] = segment(true, false, 3);
    gdt[GDT_ENTRY_USER_DS] = segment(false, false, 3);
    gdt[GDT_ENTRY_USER_CS] = segment(true, true, 3);

    for (int i = 0; i < IST_STACKS; i++)
        tss.x86_tss.ist[i] = reinterpret_cast<u64>(ist_stacks + (i + 1) * IST_STACK_SIZE);
    memset(tss.io_bitmap, 0xff, sizeof(tss.io_bitmap));
    tss.x86_tss.io_bitmap_base = IO_BITMAP_OFFSET_INVALID; /* until a task has ioperm/iopl: all ports denied */
    auto base = reinterpret_cast<u64>(&tss);
    u64 limit = sizeof(tss_full) - 1;
    gdt[GDT_ENTRY_TSS] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) | ((base >> 24 & 0xff) << 56);
    gdt[GDT_ENTRY_TSS + 1] = base >> 32;

    table_pointer gdtr{GDT_ENTRIES * sizeof(u64) - 1, reinterpret_cast<u64>(gdt)};
    asm volatile("lgdt %0\n\t"
                 "pushq %1\n\t"
                 "leaq 1f(%%rip), %%rax\n\t"
                 "pushq %%rax\n\t"
                 "lretq\n"
                 "1:\n\t"
                 "movl %2, %%eax\n\t"
                 "movl %%eax, %%ss\n\t"
                 "xorl %%eax, %%eax\n\t"
                 "movl %%eax, %%ds\n\t"
                 "movl %%eax, %%es\n\t"
                 "movl %%eax, %%fs\n\t"
                 "movl %%eax, %%gs\n\t"
                 /* A null LDT: out of reset the LDTR still describes 64 KiB at
                  * address 0, and an LDT selector a program puts in SS or CS
                  * (sigreturn) would make the CPU read its descriptor there. */
                 "lldt %%ax\n\t"
                 "ltr %w3"
                 :
                 : "m"(gdtr), "i"(__KERNEL_CS), "i"(__KERNEL_DS), "r"(__TSS_SEL)
                 : "rax", "memory");
}

void load_idt()
{
    table_pointer idtr{sizeof(idt) - 1, reinterpret_cast<u64>(idt)};
    asm volatile("lidt %0" : : "m"(idtr));
}

void setup_idt()
{
    for (int v = 0; v < 32; v++)
        set_gate(v, exception_entries[v], 0, 0);
    set_gate(2, exception_entries[2], 0, IST_NMI);
    /* int3 and into are instructions user code may execute (SIGTRAP, SIGSEGV as on Linux). */
    set_gate(3, exception_entries[3], 3, 0);
    set_gate(4, exception_entries[4], 3, 0);
    set_gate(8, exception_entries[8], 0, IST_DOUBLE_FAULT);
    /* #DB may come on a gate's first instruction, before its stack switch. */
    set_gate(1, exception_entries[1], 0, IST_DEBUG);
    set_gate(18, exception_entries[18], 0, IST_MACHINE_CHECK);
    for (int v = FIRST_EXTERNAL_VECTOR; v < 256; v++)
        set_gate(v, irq_entries[v - FIRST_EXTERNAL_VECTOR], 0, 0);
    /* int 0x80 is the one gate user mode may open with a software interrupt. */
    set_gate(IA32_SYSCALL_VECTOR, syscall_tracing ? entry_INT80_compat_traced : entry_INT80_compat, 3, 0);
    load_idt();
}

void setup_control_registers()
{
    u64 cr0 = read_cr0();
    cr0 &= ~static_cast<u64>(CR0_EM | CR0_TS);
    /* AM: user mode with EFLAGS.AC set gets alignment checks, as on Linux
     * (QEMU's TCG does not emulate them, so no test sees it there). */
    cr0 |= CR0_MP | CR0_WP | CR0_AM;
    write_cr0(cr0);
    u64 cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_PGE;
    if (boot_cpu.smep)
        cr4 |= CR4_SMEP;
    if (boot_cpu.smap)
        cr4 |= CR4_SMAP;
    if (boot_cpu.umip)
        cr4 |= CR4_UMIP;
    /* User code may read and write its TLS bases with rdfsbase/wrfsbase and
     * rdgsbase/wrgsbase, as on Linux (AT_HWCAP2 says so): the context switch
     * saves the bases from the MSRs. */
    if (boot_cpu.fsgsbase)
        cr4 |= CR4_FSGSBASE;
    write_cr4(cr4);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE | EFER_NXE);
}

/* Where SYSENTER puts rsp, per CPU: the entry switches to the task's stack
 * at once, so only the single-step traps a user's TF raises before that
 * (exception_1 returns from each at once) ever land here. */
alignas(16) u64 sysenter_stack[NR_CPUS][16];

void setup_syscall_msrs(int cpu)
{
    /* syscall loads CS = STAR[47:32], SS = +8; sysretq loads CS = STAR[63:48] + 16, SS = +8. */
    wrmsr(MSR_STAR, (static_cast<u64>(__USER32_CS) << 48) | (static_cast<u64>(__KERNEL_CS) << 32));
    wrmsr(MSR_LSTAR, reinterpret_cast<u64>(syscall_tracing ? entry_SYSCALL_64_traced : entry_SYSCALL_64));
    wrmsr(MSR_CSTAR, reinterpret_cast<u64>(syscall_tracing ? entry_SYSCALL_compat_traced : entry_SYSCALL_compat));
    /* SYSENTER (from compatibility mode; Intel's CPUs, and QEMU's whatever
     * they say): CS = SYSENTER_CS, SS = +8, as Linux sets them. */
    wrmsr(MSR_IA32_SYSENTER_CS, __KERNEL_CS);
    wrmsr(MSR_IA32_SYSENTER_ESP, reinterpret_cast<u64>(sysenter_stack[cpu] + 16) /* its top */);
    wrmsr(MSR_IA32_SYSENTER_EIP,
          reinterpret_cast<u64>(syscall_tracing ? entry_SYSENTER_compat_traced : entry_SYSENTER_compat));
    /* Flags cleared on entry: interrupts off until the stack is ours, no single-step,
     * direction forward, and AC clear so SMAP guards the kernel from the first instruction. */
    wrmsr(MSR_SYSCALL_MASK, X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_IF | X86_EFLAGS_IOPL |
                                X86_EFLAGS_AC | X86_EFLAGS_NT);
}

} // namespace

void load_sp0(unsigned long sp0)
{
    percpu* pc = this_cpu();
    pc->tss->sp0 = sp0;
    pc->top_of_stack = sp0;
}

namespace {

void setup_percpu(percpu& pc, int cpu)
{
    pc.self = &pc;
    pc.cpu = cpu;
    wrmsr(MSR_GS_BASE, reinterpret_cast<u64>(&pc));
    wrmsr(MSR_KERNEL_GS_BASE, 0);
    /* The vDSO's getcpu reads it with rdtscp: node 0 in bits 12 and up, as Linux. */
    wrmsr(MSR_TSC_AUX, static_cast<u64>(cpu));
}

} // namespace

/* Per-CPU data is reachable from the first C++ line on: locks record their
 * owner through it. */
void early_percpu_init() { setup_percpu(cpu_data[0], 0); }

void cpu_init()
{
    detect_features();
    setup_control_registers();
    setup_gdt_tss(0, cpu_data[0], boot_tss_full, &boot_ist_stacks[0][0]);
    setup_idt();
    setup_percpu(cpu_data[0], 0);
    setup_syscall_msrs(0);
}

size_t cpu_area_size() { return sizeof(tss_full) + IST_STACKS * IST_STACK_SIZE; }

void cpu_init_secondary(int cpu, void* area)
{
    /* The boot CPU's features are everyone's (QEMU's CPUs are alike). */
    setup_control_registers();
    /* The area (page-aligned): the IST stacks, then the TSS. */
    auto* stacks = static_cast<u8*>(area);
    auto* tss = reinterpret_cast<tss_full*>(stacks + IST_STACKS * IST_STACK_SIZE);
    *tss = tss_full{};
    setup_gdt_tss(cpu, cpu_data[cpu], *tss, stacks);
    load_idt();
    setup_percpu(cpu_data[cpu], cpu);
    setup_syscall_msrs(cpu);
}

/* Without SMAP, stac and clac don't exist: turn each use (listed by
 * arch/x86_64/lib/copy_user.S) into a 3-byte NOP, writing through the
 * direct map because the kernel text itself is read-only. */
extern "C" const unsigned long __start_smap_sites[], __stop_smap_sites[];

void smap_init()
{
    if (boot_cpu.smap)
        return;
    for (auto* site = __start_smap_sites; site < __stop_smap_sites; site++) {
        auto* code = static_cast<u8*>(__va(*site - START_KERNEL_MAP));
        code[0] = 0x0f;
        code[1] = 0x1f;
        code[2] = 0x00;
    }
}

unsigned long elf_hwcap2()
{
    constexpr unsigned long HWCAP2_FSGSBASE = 1UL << 1;
    return boot_cpu.fsgsbase ? HWCAP2_FSGSBASE : 0;
}

tss_io_bitmap cpu_tss_io_bitmap()
{
    /* The field is 2-byte aligned (offset 102 of a 64-byte aligned TSS). */
    auto* tss = reinterpret_cast<tss_full*>(this_cpu()->tss);
    auto* base = reinterpret_cast<u16*>(reinterpret_cast<u8*>(tss) + offsetof(tss_struct, io_bitmap_base));
    return tss_io_bitmap{tss->io_bitmap, base, IO_BITMAP_OFFSET_VALID, IO_BITMAP_OFFSET_INVALID};
}
