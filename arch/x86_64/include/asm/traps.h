/* Exceptions: what user faults become, and how the kernel reports its own. */
#pragma once
#include <asm/ptrace.h>

enum x86_trap : unsigned long {
    X86_TRAP_DE = 0,  /* divide error */
    X86_TRAP_DB = 1,  /* debug */
    X86_TRAP_NMI = 2,
    X86_TRAP_BP = 3,  /* int3 */
    X86_TRAP_OF = 4,
    X86_TRAP_BR = 5,
    X86_TRAP_UD = 6,  /* invalid opcode */
    X86_TRAP_NM = 7,
    X86_TRAP_DF = 8,  /* double fault */
    X86_TRAP_TS = 10,
    X86_TRAP_NP = 11,
    X86_TRAP_SS = 12,
    X86_TRAP_GP = 13, /* general protection */
    X86_TRAP_PF = 14, /* page fault */
    X86_TRAP_MF = 16,
    X86_TRAP_AC = 17,
    X86_TRAP_MC = 18,
    X86_TRAP_XF = 19, /* SIMD floating point */
};

/* Page-fault error code bits. */
constexpr unsigned long X86_PF_PROT = 1 << 0;  /* the page was present */
constexpr unsigned long X86_PF_WRITE = 1 << 1;
constexpr unsigned long X86_PF_USER = 1 << 2;
constexpr unsigned long X86_PF_INSTR = 1 << 4;

/* The kernel's own fault: registers, backtrace, then the machine stops. */
[[noreturn]] void die(const char* what, const pt_regs& regs, unsigned long error_code);
/* Prints the call chain from a frame pointer, with symbol names. */
void dump_stack(unsigned long frame_pointer);

/* If the faulting kernel instruction has an exception-table entry (a user
 * copy), resumes at its fixup and returns true. */
bool fixup_exception(pt_regs& regs);
/* Whether the instruction at regs.ip has a fixup, without taking it. */
bool fixup_exception_lookup(const pt_regs& regs);
