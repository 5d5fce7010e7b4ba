/*
 * Sets of CPUs (Linux's cpumask), one bit per CPU number; NR_CPUS is 64, so
 * a set is one word and every operation is one instruction or an atomic one.
 * cpu_present_mask: the CPUs the firmware lists (ACPI's MADT);
 * cpu_online_mask: those that run tasks (set by each CPU when it is up).
 */
#pragma once
#include <asm/percpu.h>
#include <linux/types.h>

struct cpumask {
    u64 bits = 0;
};

[[nodiscard]] static inline bool cpumask_test_cpu(int cpu, const cpumask& m) { return (m.bits >> cpu) & 1; }
static inline void cpumask_set_cpu(int cpu, cpumask& m) { __atomic_or_fetch(&m.bits, 1ULL << cpu, __ATOMIC_SEQ_CST); }
static inline void cpumask_clear_cpu(int cpu, cpumask& m) { __atomic_and_fetch(&m.bits, ~(1ULL << cpu), __ATOMIC_SEQ_CST); }
[[nodiscard]] static inline int cpumask_weight(const cpumask& m)
{
    int n = 0;
    for (u64 b = m.bits; b; b &= b - 1) /* no popcnt in the baseline x86-64 */
        n++;
    return n;
}
[[nodiscard]] static inline bool cpumask_empty(const cpumask& m) { return m.bits == 0; }
/* The first CPU in m at or after `from`, or NR_CPUS. */
[[nodiscard]] static inline int cpumask_next(int from, const cpumask& m)
{
    if (from >= NR_CPUS)
        return NR_CPUS;
    u64 rest = m.bits & (~0ULL << from);
    return rest ? __builtin_ctzll(rest) : NR_CPUS;
}
#define for_each_cpu(cpu, mask) for (int cpu = cpumask_next(0, mask); cpu < NR_CPUS; cpu = cpumask_next(cpu + 1, mask))

extern cpumask cpu_present_mask;
extern cpumask cpu_online_mask;
#define for_each_online_cpu(cpu) for_each_cpu(cpu, cpu_online_mask)

[[nodiscard]] static inline int num_online_cpus() { return cpumask_weight(cpu_online_mask); }
[[nodiscard]] static inline int num_present_cpus() { return cpumask_weight(cpu_present_mask); }
/* One past the highest CPU number present (Linux's nr_cpu_ids). */
[[nodiscard]] int nr_cpu_ids();
