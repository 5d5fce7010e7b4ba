/* Privileged CPU instructions: control registers, MSRs, CPUID, interrupts. */
#pragma once
#include <asm/boot.h>
#include <linux/types.h>

struct cpuid_regs {
    u32 eax, ebx, ecx, edx;
};

static inline cpuid_regs cpuid(u32 leaf, u32 subleaf = 0)
{
    cpuid_regs r;
    asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
    return r;
}

static inline u64 rdmsr(u32 msr)
{
    u32 lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (static_cast<u64>(hi) << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
    asm volatile("wrmsr" : : "c"(msr), "a"(static_cast<u32>(v)), "d"(static_cast<u32>(v >> 32)) : "memory");
}

static inline u64 rdtsc()
{
    u32 lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (static_cast<u64>(hi) << 32) | lo;
}

#define DEFINE_CR(n)                                                                    \
    static inline u64 read_cr##n()                                                      \
    {                                                                                   \
        u64 v;                                                                          \
        asm volatile("mov %%cr" #n ", %0" : "=r"(v));                                   \
        return v;                                                                       \
    }                                                                                   \
    static inline void write_cr##n(u64 v) { asm volatile("mov %0, %%cr" #n : : "r"(v) : "memory"); }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline void local_irq_enable() { asm volatile("sti" ::: "memory"); }
static inline void local_irq_disable() { asm volatile("cli" ::: "memory"); }
static inline u64 local_save_flags()
{
    u64 f;
    asm volatile("pushfq; popq %0" : "=r"(f) : : "memory");
    return f;
}
static inline u64 local_irq_save()
{
    u64 f = local_save_flags();
    local_irq_disable();
    return f;
}
static inline void local_irq_restore(u64 flags)
{
    if (flags & 0x200)
        local_irq_enable();
}
static inline void halt() { asm volatile("hlt" ::: "memory"); }
static inline void cpu_relax() { asm volatile("pause" ::: "memory"); }
static inline void invlpg(u64 addr) { asm volatile("invlpg (%0)" : : "r"(addr) : "memory"); }

#include <asm/processor-flags.h>

/* CPU features the kernel uses, read once at boot. */
struct cpu_features {
    bool smep, smap, umip, fsgsbase, tsc_deadline, pdpe1gb, rdrand, x2apic;
};
extern cpu_features boot_cpu;
/* AT_HWCAP2 of a new program: HWCAP2_FSGSBASE when user mode may use rdfsbase & co. */
unsigned long elf_hwcap2();
