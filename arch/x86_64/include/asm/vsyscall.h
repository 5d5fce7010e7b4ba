/*
 * The legacy vsyscall page at 0xffffffffff600000 (arch/x86_64/entry/vsyscall_64.cpp).
 * Modes as Linux's vsyscall= option: none (Debian's default: no page, calls
 * there get SIGSEGV) and xonly (execute-only: a call to one of its three
 * entry points is emulated from the page fault). Linux's emulate mode (a
 * readable page) is not there.
 */
#pragma once
#include <linux/types.h>

struct pt_regs;

constexpr unsigned long VSYSCALL_ADDR = 0xffffffffff600000UL;

enum class vsyscall_mode_t { NONE, XONLY };
extern vsyscall_mode_t vsyscall_mode;

/* "vsyscall=MODE" on the command line; false for a mode that is not known here. */
bool vsyscall_setup(const char* mode);

[[nodiscard]] constexpr bool is_vsyscall_vaddr(unsigned long addr) { return (addr & ~0xfffUL) == VSYSCALL_ADDR; }

/* A user-mode page fault at the page: true if handled (emulated, or a signal
 * is on its way); false for the ordinary fault's SIGSEGV. */
bool emulate_vsyscall(unsigned long error_code, pt_regs& regs, unsigned long address);
