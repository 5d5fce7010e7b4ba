/*
 * The i386 gates (Linux's entry_64_compat.S): 32-bit system calls enter by
 *   int $0x80  -> entry_INT80_compat    -> do_int80_syscall_32 (common.cpp)
 *   SYSCALL    -> entry_SYSCALL_compat  -> the fast path below, else
 *   SYSENTER   -> entry_SYSENTER_compat    do_fast_syscall_32 (common.cpp)
 * SYSCALL and SYSENTER come from the i386 vDSO's __kernel_vsyscall
 * (arch/x86_64/entry/vdso/vdso32/system_call.S) and return to its landing
 * pad. Each builds struct pt_regs as int $0x80 would have it, so signals,
 * restarts, ptrace and fork see the i386 registers.
 */
#include <asm-offsets.h> /* generated (cmake/kernel.cmake) */
#include <asm/boot.h>
#include <asm/calling.h>
#include <asm/extable.h>
#include <asm/percpu.h>
#include <asm/processor-flags.h>
#include <asm/ptrace.h>
#include <asm/smap.h>
#include <vdso32-offsets.h>

#define EFAULT 14

	.section .text.entry, "ax"

/* pt_regs are built: the fast path, or with --trace \handler's C, which
 * says whether sysretl may return (else iretq). */
.macro COMPAT_DISPATCH handler=
	.ifb \handler
	jmp	entry_compat_fast
	.else
	movq	%rsp, %rdi
	call	\handler
	testb	%al, %al
	jz	return_via_iret
	jmp	sysret32_from_system_call
	.endif
.endm

/*
 * int $0x80: the i386 system call gate, also usable from 64-bit programs (as on
 * Linux, it then uses the i386 table and 32-bit arguments).
 * Number in eax, arguments in ebx, ecx, edx, esi, edi, ebp.
 */
.macro INT80_ENTRY name, handler
	.globl \name
	.balign 16
\name:
	ASM_CLAC
	cld
	pushq	%rax				/* pt_regs->orig_ax */
	swapgs
	PUSH_REGS rax=$-ENOSYS
	movq	%rsp, %rdi
	call	\handler
	jmp	return_via_iret
.endm

	INT80_ENTRY entry_INT80_compat, do_int80_syscall_32
	INT80_ENTRY entry_INT80_compat_traced, do_int80_syscall_32_traced

/*
 * SYSCALL from compatibility mode: the i386 vDSO's __kernel_vsyscall. As for
 * the 64-bit gate, the CPU put the return address in ecx and the flags in
 * r11 and masked interrupts; the second argument came in ebp (ecx was
 * taken) and goes to pt_regs->cx here, the sixth is on the user stack,
 * where __kernel_vsyscall pushed ebp. The call then takes the fast path
 * (entry_compat_fast), or with --trace \handler's C. The way back is
 * sysretl to the vDSO's landing pad when that is safe, else iretq.
 */
.macro SYSCALL_COMPAT_ENTRY name, handler=
	.globl \name
	.balign 16
\name:
	SYSCALL_FRAME __USER32_CS		/* pt_regs->ip: the landing pad replaces it */
	movl	%ebp, %ecx			/* pt_regs->cx: the second argument */
	PUSH_REGS rax=$-ENOSYS
	COMPAT_DISPATCH \handler
.endm

	SYSCALL_COMPAT_ENTRY entry_SYSCALL_compat
	SYSCALL_COMPAT_ENTRY entry_SYSCALL_compat_traced, do_fast_syscall_32_traced

/*
 * SYSENTER from compatibility mode: Intel's __kernel_vsyscall (and any
 * program that executes the instruction itself, as Linux's selftests do).
 * The CPU loaded CS from MSR_IA32_SYSENTER_CS, rip and rsp from the other
 * two MSRs (rsp: this CPU's small sysenter_stack), cleared IF and VM, and
 * nothing else: the user's eip and esp are not saved (__kernel_vsyscall
 * left esp in ebp; the return goes to its landing pad), ecx still holds the
 * second argument, and every other flag is the user's, TF included. With
 * TF set, each instruction up to the popfq below traps; exception_1 leaves
 * TF set for those steps (Linux's is_sysenter_singlestep), pt_regs->flags keeps it,
 * and the iret back gives the program its trap after the call. From
 * pt_regs on, the call is the SYSCALL one's (as in Linux's do_SYSENTER_32):
 * sp is the ebp __kernel_vsyscall left, and the saved flags get back the
 * IF the CPU cleared.
 */
.macro SYSENTER_COMPAT_ENTRY name, handler=
	.globl \name
	.balign 16
\name:
	swapgs
	movq	%gs:PCPU_TOP_OF_STACK, %rsp
	pushq	$__USER_DS			/* pt_regs->ss */
	pushq	$0				/* pt_regs->sp: set from bp below */
	pushfq					/* pt_regs->flags (IF clear: set below) */
	pushq	$__USER32_CS			/* pt_regs->cs */
	pushq	$0				/* pt_regs->ip: the landing pad goes there */
	pushq	%rax				/* pt_regs->orig_ax */
	PUSH_REGS rax=$-ENOSYS
	/* The user's DF, AC, NT and TF are still live: clear them all before
	 * any C code runs (and before interrupts could come in with NT set). */
	testl	$(X86_EFLAGS_DF | X86_EFLAGS_AC | X86_EFLAGS_NT | X86_EFLAGS_TF), PTREGS_FLAGS(%rsp)
	jnz	1f
2:	movl	%ebp, %r8d
	movq	%r8, PTREGS_SP(%rsp)
	orl	$X86_EFLAGS_IF, PTREGS_FLAGS(%rsp)
	COMPAT_DISPATCH \handler
1:	pushq	$X86_EFLAGS_FIXED
	popfq
	jmp	2b
.endm

	.globl __begin_entry_SYSENTER_compat
__begin_entry_SYSENTER_compat:
	SYSENTER_COMPAT_ENTRY entry_SYSENTER_compat
	SYSENTER_COMPAT_ENTRY entry_SYSENTER_compat_traced, do_fast_syscall_32_traced
	.globl __end_entry_SYSENTER_compat
__end_entry_SYSENTER_compat:

/*
 * The fast path of a call through __kernel_vsyscall, in assembly because it
 * is the whole of the i386 null call's cost (docs/syscall-trip.md counts
 * it): pt_regs are built, eax holds the number, interrupts are off.
 * Anything unusual goes to do_fast_syscall_32 (common.cpp) before pt_regs
 * is touched: syscall work (ptrace's stops), TF or RF in the user's flags
 * (iret must return them), a task without the i386 vDSO. Then, as
 * do_fast_syscall_32 does it: the landing pad becomes pt_regs->ip, the task
 * is marked TS_COMPAT, the sixth argument is read from the user stack
 * (-EFAULT and iret if that faults), the i386 table's entry runs with
 * interrupts on, and with no work left to do on the way out, sysretl
 * returns. rbx holds current across the call: callee-saved, so the
 * handler keeps it, and it and rbp are reloaded from pt_regs before
 * sysretl, with every caller-saved register (which the handler may have
 * left kernel values in); r12-r15 are the user's still, as C++ code
 * preserves them. A handler that rewrote the user registers wholesale
 * (execve, sigreturn) asked for force_iret(), which is exit work.
 */
	.globl entry_compat_fast
entry_compat_fast:
	movq	%gs:PCPU_CURRENT, %rbx
	testl	$TIF_SYSCALL_WORK, TASK_thread_flags(%rbx)
	jnz	.Lcompat_slow
	testl	$(X86_EFLAGS_TF | X86_EFLAGS_RF), PTREGS_FLAGS(%rsp)
	jnz	.Lcompat_slow
	movq	TASK_mm(%rbx), %rcx
	movq	MM_vdso(%rcx), %rcx
	testq	%rcx, %rcx
	jz	.Lcompat_slow
	addq	$VDSO32_SYM_int80_landing_pad, %rcx
	movq	%rcx, PTREGS_IP(%rsp)
	orl	$TS_COMPAT, TASK_status(%rbx)
	sti
	/* The sixth argument, where __kernel_vsyscall pushed ebp: any 32-bit
	 * address is a user one, so only a fault can stop the read. */
	movl	PTREGS_SP(%rsp), %ebp
	ASM_STAC
1:	movl	(%rbp), %ebp
	ASM_CLAC
	movq	%rbp, PTREGS_BP(%rsp)
	/* Past the table: -ENOSYS. Below it, the mask from the same compare
	 * keeps a mispredicted branch from indexing past the end
	 * (array_index_nospec). */
	cmpl	$IA32_NR_syscalls, %eax
	jae	.Lcompat_nosys
	sbbl	%ecx, %ecx
	andl	%ecx, %eax
	movq	%rsp, %rdi
	call	*ia32_sys_call_table(, %rax, 8)
	movq	%rax, PTREGS_AX(%rsp)
.Lcompat_exit:
	cli
	testl	$TIF_WORK_MASK, TASK_thread_flags(%rbx)
	jnz	.Lcompat_work
	andl	$~TS_COMPAT, TASK_status(%rbx)
	movq	PTREGS_BX(%rsp), %rbx
	movq	PTREGS_BP(%rsp), %rbp
	movq	PTREGS_DX(%rsp), %rdx
	movq	PTREGS_SI(%rsp), %rsi
	movq	PTREGS_DI(%rsp), %rdi
	movq	PTREGS_R8(%rsp), %r8
	movq	PTREGS_R9(%rsp), %r9
	movq	PTREGS_R10(%rsp), %r10
	movl	PTREGS_IP(%rsp), %ecx		/* the landing pad */
	movl	PTREGS_FLAGS(%rsp), %r11d
	movq	PTREGS_SP(%rsp), %rsp
	swapgs
	sysretl

.Lcompat_nosys:
	movq	$-ENOSYS, %rax
	jmp	.Lcompat_exit

	/* The read of the sixth argument faulted. */
2:	ASM_CLAC
	movq	$-EFAULT, PTREGS_AX(%rsp)
	cli
	_ASM_EXTABLE(1b, 2b)
	/* Signals, rescheduling, a forced iret: the C exit work, then iretq
	 * (which restores every register from pt_regs). */
.Lcompat_work:
	movq	%rsp, %rdi
	call	syscall_exit_compat_work
	jmp	return_via_iret

.Lcompat_slow:
	movq	%rsp, %rdi
	call	do_fast_syscall_32
	testb	%al, %al
	jz	return_via_iret
	/* fall through */

/* Back to compatibility mode by sysretl, at pt_regs->ip (the vDSO's landing
 * pad) with pt_regs->flags: the C path checked sysretl may restore them. */
sysret32_from_system_call:
	POP_REGS
	movl	PTREGS_IP - PTREGS_ORIG_AX(%rsp), %ecx	/* the landing pad */
	movl	PTREGS_FLAGS - PTREGS_ORIG_AX(%rsp), %r11d
	movq	PTREGS_SP - PTREGS_ORIG_AX(%rsp), %rsp
	swapgs
	sysretl
