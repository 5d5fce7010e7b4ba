/*
 * Address-space layout randomization at exec, as Linux x86-64 does it
 * (mm/aslr.cpp): the stack's top and its start inside the page, the mmap
 * base, a PIE program's load bias, the vDSO's place and the heap's start.
 */
#pragma once
#include <linux/types.h>

/* /proc/sys/kernel/randomize_va_space: 0 none, 1 all but brk, 2 all (the
 * default; "norandmaps" on the command line makes it 0). An exec reads it once. */
extern int randomize_va_space;

/* Linux's figures: 28 bits of pages for mmap and a PIE's base, 22 for the stack. */
constexpr unsigned MMAP_RND_BITS = 28;
constexpr unsigned long STACK_RND_MASK = 0x3fffff;
/* Where a PIE program with an interpreter goes before randomization: 2/3 of the address space. */
constexpr unsigned long ELF_ET_DYN_BASE = ((1UL << 47) - 4096) / 3 * 2;

/* Whether an exec with this personality (the one the program will run with)
 * randomizes, Linux's PF_RANDOMIZE: randomize_va_space is set and the
 * personality lacks ADDR_NO_RANDOMIZE. */
[[nodiscard]] bool exec_randomizes(unsigned int personality);
/* Random pages of mmap_rnd_bits, in bytes (0 when not randomizing). */
[[nodiscard]] unsigned long arch_mmap_rnd(bool randomize);
/* The same for an i386 program: 8 bits of pages (Linux's mmap_rnd_compat_bits). */
[[nodiscard]] unsigned long arch_mmap_rnd_ia32(bool randomize);
/* The stack's top: stack_top less up to 2^22 pages. */
[[nodiscard]] unsigned long randomize_stack_top(unsigned long stack_top, bool randomize);
/* An i386 program's: IA32_PAGE_OFFSET less up to 2^11 pages. */
[[nodiscard]] unsigned long randomize_stack_top_ia32(bool randomize);
/* The first byte under the strings: less up to 8 KiB, 16-byte aligned. */
[[nodiscard]] unsigned long arch_align_stack(unsigned long sp, bool randomize);
/* The top of the mmap area, below the stack's room and its random range. */
[[nodiscard]] unsigned long mmap_base(unsigned long stack_rlimit, bool randomize);
/* The same in an i386 program's 4 GiB (Linux's mmap_base with task_size_32bit()). */
[[nodiscard]] unsigned long mmap_base_ia32(unsigned long stack_rlimit, bool randomize);
/* A page in [start, start + range), start rounded up to a page. */
[[nodiscard]] unsigned long randomize_page(unsigned long start, unsigned long range);
/* The heap's start: a random page in the gigabyte above brk. */
[[nodiscard]] unsigned long arch_randomize_brk(unsigned long brk);
/* An i386 program's: a random page in the 32 MiB above brk. */
[[nodiscard]] unsigned long arch_randomize_brk_ia32(unsigned long brk);
