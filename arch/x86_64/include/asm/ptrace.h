/*
 * struct pt_regs: the user registers saved at the top of the kernel stack on
 * every entry (syscall, int 0x80, exception, interrupt). Field order and
 * offsets are Linux's (arch/x86/include/asm/ptrace.h); entry_64.S builds it by
 * pushing in reverse order, and the offsets below are what it relies on.
 */
#pragma once
#include <asm/boot.h>

#define PTREGS_R15	0
#define PTREGS_R14	8
#define PTREGS_R13	16
#define PTREGS_R12	24
#define PTREGS_BP	32
#define PTREGS_BX	40
#define PTREGS_R11	48
#define PTREGS_R10	56
#define PTREGS_R9	64
#define PTREGS_R8	72
#define PTREGS_AX	80
#define PTREGS_CX	88
#define PTREGS_DX	96
#define PTREGS_SI	104
#define PTREGS_DI	112
#define PTREGS_ORIG_AX	120
#define PTREGS_IP	128
#define PTREGS_CS	136
#define PTREGS_FLAGS	144
#define PTREGS_SP	152
#define PTREGS_SS	160
#define PTREGS_SIZE	168

#ifndef __ASSEMBLER__
#include <linux/types.h>
#include <stddef.h>

struct pt_regs {
    /* Callee-saved registers: saved only because user space may look at them. */
    unsigned long r15;
    unsigned long r14;
    unsigned long r13;
    unsigned long r12;
    unsigned long bp;
    unsigned long bx;
    /* Caller-saved registers. */
    unsigned long r11;
    unsigned long r10;
    unsigned long r9;
    unsigned long r8;
    unsigned long ax;
    unsigned long cx;
    unsigned long dx;
    unsigned long si;
    unsigned long di;
    /* The system call number on entry (ax holds the result); the error code for exceptions. */
    unsigned long orig_ax;
    /* The hardware interrupt frame. */
    unsigned long ip;
    unsigned long cs;
    unsigned long flags;
    unsigned long sp;
    unsigned long ss;
};

static_assert(offsetof(pt_regs, r15) == PTREGS_R15);
static_assert(offsetof(pt_regs, r14) == PTREGS_R14);
static_assert(offsetof(pt_regs, r13) == PTREGS_R13);
static_assert(offsetof(pt_regs, r12) == PTREGS_R12);
static_assert(offsetof(pt_regs, bp) == PTREGS_BP);
static_assert(offsetof(pt_regs, bx) == PTREGS_BX);
static_assert(offsetof(pt_regs, r11) == PTREGS_R11);
static_assert(offsetof(pt_regs, r10) == PTREGS_R10);
static_assert(offsetof(pt_regs, r9) == PTREGS_R9);
static_assert(offsetof(pt_regs, r8) == PTREGS_R8);
static_assert(offsetof(pt_regs, ax) == PTREGS_AX);
static_assert(offsetof(pt_regs, cx) == PTREGS_CX);
static_assert(offsetof(pt_regs, dx) == PTREGS_DX);
static_assert(offsetof(pt_regs, si) == PTREGS_SI);
static_assert(offsetof(pt_regs, di) == PTREGS_DI);
static_assert(offsetof(pt_regs, orig_ax) == PTREGS_ORIG_AX);
static_assert(offsetof(pt_regs, ip) == PTREGS_IP);
static_assert(offsetof(pt_regs, cs) == PTREGS_CS);
static_assert(offsetof(pt_regs, flags) == PTREGS_FLAGS);
static_assert(offsetof(pt_regs, sp) == PTREGS_SP);
static_assert(offsetof(pt_regs, ss) == PTREGS_SS);
static_assert(sizeof(pt_regs) == PTREGS_SIZE);

static inline bool user_mode(const pt_regs& regs) { return (regs.cs & 3) == 3; }

/* Linux's rule for returning with sysret (arch/x86/entry/common.c): only when
 * iret would restore exactly the same state. */
bool sysret_is_safe(const pt_regs& regs);
#endif
