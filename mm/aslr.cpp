/*
 * Address-space layout randomization, with Linux x86-64's ranges and entropy
 * (an i386 program's: 8 bits for mmap, 11 for the stack, 32 MiB for brk, in
 * its 4 GiB)
 * (the semantics of its arch/x86/mm/mmap.c, fs/binfmt_elf.c and mm/util.c):
 *
 *   stack top    STACK_TOP less a random number of pages below 2^22 (16 GiB),
 *                and the strings' end less up to 8 KiB inside that;
 *   mmap base    below the stack's rlimit, its random range and a 1 MiB guard
 *                (at least 128 MiB, at most 5/6 of the space), less 28 bits
 *                of random pages (1 TiB);
 *   PIE base     ELF_ET_DYN_BASE (2/3 of the space) plus 28 bits of pages;
 *   brk          a page after the program's end (ELF_ET_DYN_BASE for a
 *                static PIE) plus a random page in the next gigabyte
 *                (randomize_va_space 2 only; Linux 6.1's reference kernel
 *                spreads it over 1 GiB, as later Linux does);
 *   vDSO         a random page between the stack and the next 2 MiB
 *                boundary (arch/x86_64/kernel/vdso.cpp).
 *
 * Random numbers come from kernel/random.cpp, RDRAND mixed with a generator
 * seeded from it and the TSC.
 */
#include <asm/ia32.h>
#include <linux/elf-randomize.h>
#include <linux/mm.h>
#include <linux/personality.h>
#include <linux/random.h>

/* Written by the sysctl (fs/proc) and read by exec: an int, no lock needed. */
int randomize_va_space = 2;

bool exec_randomizes(unsigned int personality)
{
    return !(personality & ADDR_NO_RANDOMIZE) && READ_ONCE(randomize_va_space);
}

unsigned long arch_mmap_rnd(bool randomize)
{
    if (!randomize)
        return 0;
    return (get_random_u64() & ((1UL << MMAP_RND_BITS) - 1)) << PAGE_SHIFT;
}

unsigned long randomize_stack_top(unsigned long stack_top, bool randomize)
{
    unsigned long r = randomize ? (get_random_u64() & STACK_RND_MASK) << PAGE_SHIFT : 0;
    return PAGE_ALIGN(stack_top) - r;
}

unsigned long arch_align_stack(unsigned long sp, bool randomize)
{
    if (randomize)
        sp -= get_random_u64() % 8192;
    return sp & ~0xfUL;
}

namespace {

/* Linux's mmap_base: the stack's room (its rlimit, the random range of its
 * top and a guard gap of 256 pages), at least 128 MiB and at most 5/6 of
 * the space, below task_size, less the random offset. */
unsigned long mmap_base_of(unsigned long task_size, unsigned long stack_rnd_mask, unsigned long rnd,
                           unsigned long stack_rlimit, bool randomize)
{
    constexpr unsigned long stack_guard_gap = 256UL << PAGE_SHIFT;
    unsigned long pad = (randomize ? stack_rnd_mask << PAGE_SHIFT : 0) + stack_guard_gap;
    unsigned long gap = stack_rlimit;
    if (gap + pad > gap) /* an rlimit near RLIM_INFINITY would overflow */
        gap += pad;
    gap = min(max(gap, 128UL << 20), task_size / 6 * 5);
    return PAGE_ALIGN(task_size - gap - rnd);
}

} // namespace

unsigned long mmap_base(unsigned long stack_rlimit, bool randomize)
{
    return mmap_base_of(TASK_SIZE, STACK_RND_MASK, arch_mmap_rnd(randomize), stack_rlimit, randomize);
}

unsigned long arch_mmap_rnd_ia32(bool randomize)
{
    if (!randomize)
        return 0;
    return (get_random_u64() & ((1UL << IA32_MMAP_RND_BITS) - 1)) << PAGE_SHIFT;
}

unsigned long mmap_base_ia32(unsigned long stack_rlimit, bool randomize)
{
    return mmap_base_of(IA32_PAGE_OFFSET, IA32_STACK_RND_MASK, arch_mmap_rnd_ia32(randomize), stack_rlimit,
                        randomize);
}

unsigned long randomize_stack_top_ia32(bool randomize)
{
    unsigned long r = randomize ? (get_random_u64() & IA32_STACK_RND_MASK) << PAGE_SHIFT : 0;
    return PAGE_ALIGN(IA32_PAGE_OFFSET) - r;
}

unsigned long randomize_page(unsigned long start, unsigned long range)
{
    if (start & ~PAGE_MASK) {
        range -= PAGE_ALIGN(start) - start;
        start = PAGE_ALIGN(start);
    }
    if (start > ~0UL - range)
        range = ~0UL - start;
    range >>= PAGE_SHIFT;
    if (!range)
        return start;
    return start + ((get_random_u64() % range) << PAGE_SHIFT);
}

unsigned long arch_randomize_brk(unsigned long brk) { return randomize_page(brk, 1UL << 30); }

unsigned long arch_randomize_brk_ia32(unsigned long brk) { return randomize_page(brk, 32UL << 20); }
