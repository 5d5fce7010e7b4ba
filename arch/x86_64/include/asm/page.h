/* Pages and the two kernel mappings of physical memory. */
#pragma once
#include <asm/boot.h>
#include <linux/types.h>

constexpr unsigned PAGE_SHIFT = 12;
constexpr unsigned long PAGE_SIZE = 1UL << PAGE_SHIFT;
constexpr unsigned long PAGE_MASK = ~(PAGE_SIZE - 1);
constexpr unsigned long PAGE_OFFSET = PAGE_OFFSET_VALUE;
constexpr unsigned long START_KERNEL_MAP = __START_KERNEL_map;

/* Lowest address user mappings may use, and the end of user space: one page
 * short of 2^47, so a syscall at the very top can never make sysret return to
 * a non-canonical address (Linux's TASK_SIZE_MAX). */
constexpr unsigned long MMAP_MIN_ADDR = 0x10000;
constexpr unsigned long TASK_SIZE_MAX = (1UL << 47) - PAGE_SIZE;

static inline void* __va(phys_addr_t pa) { return reinterpret_cast<void*>(pa + PAGE_OFFSET); }
static inline phys_addr_t __pa(const void* va)
{
    auto v = reinterpret_cast<unsigned long>(va);
    return v >= START_KERNEL_MAP ? v - START_KERNEL_MAP : v - PAGE_OFFSET;
}

constexpr unsigned long PAGE_ALIGN(unsigned long x) { return (x + PAGE_SIZE - 1) & PAGE_MASK; }
constexpr bool PAGE_ALIGNED(unsigned long x) { return (x & (PAGE_SIZE - 1)) == 0; }
