/*
 * The register save and restore every gate shares (Linux's calling.h):
 * entry_64.S and entry_64_compat.S build struct pt_regs (asm/ptrace.h) with
 * these.
 */
#pragma once

#ifdef __ASSEMBLER__
#include <asm/boot.h>
#include <asm/percpu.h>

#define ENOSYS 38

/* The start of a SYSCALL gate, 64-bit or from compatibility mode: the
 * kernel's gs and stack, then what an interrupt would have pushed (ss, the
 * user's rsp by way of this CPU's slot, rflags from r11, \cs, rip from rcx)
 * and orig_ax. Interrupts are off (MSR_SYSCALL_MASK). */
.macro SYSCALL_FRAME cs
	swapgs
	movq	%rsp, %gs:PCPU_USER_RSP
	movq	%gs:PCPU_TOP_OF_STACK, %rsp
	pushq	$__USER_DS			/* pt_regs->ss */
	pushq	%gs:PCPU_USER_RSP		/* pt_regs->sp */
	pushq	%r11				/* pt_regs->flags */
	pushq	$\cs				/* pt_regs->cs */
	pushq	%rcx				/* pt_regs->ip */
	pushq	%rax				/* pt_regs->orig_ax */
.endm

/* Pushes pt_regs from di down to r15; ax is \rax (the syscall paths preset -ENOSYS). */
.macro PUSH_REGS rax=%rax
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	\rax
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
.endm

/* The reverse: leaves %rsp at pt_regs->orig_ax. */
.macro POP_REGS
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rax
	popq	%rcx
	popq	%rdx
	popq	%rsi
	popq	%rdi
.endm
#endif
