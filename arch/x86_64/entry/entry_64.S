/*
 * The gates into the kernel. Every entry from user mode builds a struct pt_regs
 * (asm/ptrace.h) at the top of the task's kernel stack and calls C++:
 *   syscall      -> entry_SYSCALL_64   -> do_syscall_64       (arch/x86_64/entry/common.cpp)
 *   int $0x80    -> entry_INT80_compat -> do_int80_syscall_32 (same file)
 *   exceptions   -> exception_N        -> do_exception        (arch/x86_64/kernel/traps.cpp)
 *   interrupts   -> irq_N              -> do_irq              (arch/x86_64/kernel/irq.cpp)
 * and leaves through sysretq (syscall, when Linux's conditions hold) or iretq.
 *
 * The kernel runs with DF and AC clear whatever user mode left in them (C++
 * code assumes string instructions go forward, and AC set would open SMAP's
 * window): syscall clears both through MSR_SYSCALL_MASK; every other gate
 * starts with clac and cld, as Linux's does. iretq gives user mode its own
 * flags back.
 */
#include <asm/boot.h>
#include <asm/calling.h>
#include <asm/percpu.h>
#include <asm/processor-flags.h>
#include <asm/ptrace.h>
#include <asm/smap.h>

	.section .text.entry, "ax"

/*
 * 64-bit system call. The CPU has put the return address in rcx and the flags in
 * r11, cleared the flags in MSR_SYSCALL_MASK (interrupts are off) and loaded the
 * kernel CS; rsp is still the user's. Number in rax, arguments in
 * rdi, rsi, rdx, r10, r8, r9. \handler returns true when sysret is safe.
 */
.macro SYSCALL_ENTRY name, handler
	.globl \name
	.balign 16
\name:
	SYSCALL_FRAME __USER_CS
	PUSH_REGS rax=$-ENOSYS
	movq	%rsp, %rdi
	call	\handler
	testb	%al, %al
	jz	return_via_iret
	POP_REGS				/* rcx = ip, r11 = flags: the handler checked */
	movq	PTREGS_SP - PTREGS_ORIG_AX(%rsp), %rsp
	swapgs
	sysretq
.endm

	SYSCALL_ENTRY entry_SYSCALL_64, do_syscall_64
	/* A CPU running a task with syscall work (ptrace's stops) points
	 * MSR_LSTAR here instead (switch_to): the fast path never tests for it. */
	SYSCALL_ENTRY entry_SYSCALL_64_work, do_syscall_64_work
	/* With --trace, MSR_LSTAR points here instead: tracing costs nothing when off. */
	SYSCALL_ENTRY entry_SYSCALL_64_traced, do_syscall_64_traced

/* The i386 gates (int $0x80, SYSCALL and SYSENTER from compatibility mode)
 * are in entry_64_compat.S. */


/* Leaves a kernel stack whose top holds pt_regs for user mode. */
	.globl return_to_user_mode
return_to_user_mode:
	movq	%rdi, %rsp
	.globl return_via_iret
return_via_iret:
	POP_REGS
	addq	$8, %rsp			/* orig_ax */
	swapgs
	/* iretq may fault on a bad user CS or SS (sigreturn lets user space choose
	 * them): #GP, #NP or #SS in kernel mode here, with the user's %gs loaded.
	 * Their stubs check for this address, swapgs, and do_exception turns the
	 * fault into the user's signal (Linux's fixup_bad_iret). */
	.globl iret_to_user
iret_to_user:
	iretq

/* A new task's first return: schedule_tail() finishes the switch, then the
 * child's pt_regs (at its stack top) go back to user mode. */
/* The first switch to a kernel task (pid 1 before it runs a program):
 * schedule_tail(), then the function in %rbx. */
	.globl ret_from_kernel_thread
ret_from_kernel_thread:
	movq	%rax, %rdi			/* the previous task, from __switch_to */
	call	schedule_tail
	call	*%rbx
	ud2					/* it never returns */

	.globl ret_from_fork
ret_from_fork:
	movq	%rax, %rdi			/* the previous task, from __switch_to */
	call	schedule_tail
	movq	%gs:PCPU_TOP_OF_STACK, %rbx
	subq	$PTREGS_SIZE, %rbx		/* rbx: pt_regs (restored from them on the way out) */
	movq	%rbx, %rdi
	call	ret_from_fork_work		/* a signal pending from birth: a traced child's SIGSTOP */
	movq	%rbx, %rdi
	jmp	return_to_user_mode

/*
 * Exceptions and interrupts. Each stub makes the stack look the same (an error
 * code or a dummy in orig_ax), then interrupt_common saves the registers. swapgs
 * only when we came from user mode.
 */
.macro INTERRUPT_STUB vector, has_error_code, handler, bad_iret=0
	.balign 16
\handler\()_\vector:
	ASM_CLAC
	cld
	.if \has_error_code == 0
	pushq	$-1
	.endif
	testb	$3, 16(%rsp)			/* cs: came from user mode? */
	.if \bad_iret
	jnz	2f
	cmpq	$iret_to_user, 8(%rsp)		/* rip: the iretq to user mode faulted? */
	jne	1f
	.else
	jz	1f
	.endif
2:	swapgs
1:	PUSH_REGS
	movl	$\vector, %esi
	jmp	\handler\()_common
.endm

	.balign 16
exception_common:
	movq	%rsp, %rdi
	call	do_exception
	jmp	return_from_interrupt

irq_common:
	movq	%rsp, %rdi
	call	do_irq
return_from_interrupt:
	testb	$3, PTREGS_CS(%rsp)
	jnz	return_via_iret
	POP_REGS
	addq	$8, %rsp
	iretq

/* Vectors that push an error code: #DF 8, #TS 10, #NP 11, #SS 12, #GP 13, #PF 14, #AC 17, #CP 21, #VC 29, #SX 30.
 * #NP, #SS and #GP are the faults a bad iretq to user mode raises. */
.irp v, 0,2,3,4,5,6,7,9,15,16,18,19,20,22,23,24,25,26,27,28,31
	INTERRUPT_STUB \v, 0, exception
.endr

/* #DB arrives on its own IST stack (Linux's IST_INDEX_DB): a data
 * breakpoint that MOV SS or POP SS held back past a SYSCALL or an INT fires
 * on the gate's first instruction, in kernel mode with the user's stack
 * pointer (maybe not canonical) and the user's %gs still loaded. From
 * kernel mode it uses neither: the tracer's breakpoints are for user-mode
 * accesses only (Linux's exclude_kernel), so DR6 is reset, a step's TF
 * cleared (but inside the SYSENTER entry), and the kernel goes on. From user mode the frame moves to the
 * task's stack, where the handler may sleep as any exception's does. */
	.balign 16
exception_1:
	ASM_CLAC
	cld
	pushq	$-1
	testb	$3, 16(%rsp)			/* cs: came from user mode? */
	jz	.Ldb_kernel
	swapgs
	PUSH_REGS
	movq	%gs:PCPU_TOP_OF_STACK, %rdi
	subq	$PTREGS_SIZE, %rdi
	movq	%rsp, %rsi
	movl	$(PTREGS_SIZE / 8), %ecx
	rep movsq
	movq	%gs:PCPU_TOP_OF_STACK, %rsp
	subq	$PTREGS_SIZE, %rsp
	movl	$1, %esi
	jmp	exception_common
.Ldb_kernel:
	pushq	%rax
	movq	%db6, %rax
	btq	$14, %rax			/* DR6.BS: a step in the kernel (none is asked) */
	jnc	1f
	/* Except the steps of a user's TF through the SYSENTER entry (SYSENTER
	 * keeps TF): the entry saves it for the way back and clears it itself
	 * (Linux's is_sysenter_singlestep). */
	movq	16(%rsp), %rax			/* ip (after rax and orig_ax) */
	cmpq	$__begin_entry_SYSENTER_compat, %rax
	jb	2f
	cmpq	$__end_entry_SYSENTER_compat, %rax
	jb	1f
2:	andq	$~0x100, 32(%rsp)		/* TF in the saved flags (after rax, orig_ax, ip, cs) */
1:	movq	$0xffff0ff0, %rax
	movq	%rax, %db6
	popq	%rax
	addq	$8, %rsp			/* orig_ax */
	iretq
.irp v, 8,10,14,17,21,29,30
	INTERRUPT_STUB \v, 1, exception
.endr
.irp v, 11,12,13
	INTERRUPT_STUB \v, 1, exception, 1
.endr

.altmacro
.set vec, 32
.rept 256 - 32
	INTERRUPT_STUB %vec, 0, irq
	.set vec, vec + 1
.endr
.noaltmacro

	.section .rodata
	.balign 8
	.globl exception_entries
exception_entries:
.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad	exception_\v
.endr
	.globl irq_entries
irq_entries:
.macro IRQ_POINTER v
	.quad	irq_\v
.endm
.altmacro
.set vec, 32
.rept 256 - 32
	IRQ_POINTER %vec
	.set vec, vec + 1
.endr
.noaltmacro

/*
 * __switch_to_asm(prev, next): saves prev's callee-saved registers on its stack,
 * switches stacks (thread.sp is at offset 0 of task_struct) and finishes in
 * __switch_to, which returns prev in rax. A new task's stack was built by
 * copy_thread so that this lands in ret_from_fork.
 */
	.text
	.globl __switch_to_asm
__switch_to_asm:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	(%rsi), %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	jmp	__switch_to
