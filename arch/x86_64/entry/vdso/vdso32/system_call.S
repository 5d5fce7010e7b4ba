/*
 * __kernel_vsyscall, the i386 programs' way into the kernel (AT_SYSINFO):
 * number in %eax, arguments in %ebx, %ecx, %edx, %esi, %edi, %ebp, as for
 * int $0x80. It saves %ecx, %edx and %ebp, then enters by SYSCALL from
 * compatibility mode, which clobbers %ecx (the return address) and %r11: so
 * the second argument travels in %ebp, and the kernel reads the sixth from
 * the stack, where %ebp was pushed (arch/x86_64/entry/entry_64_compat.S,
 * entry_compat_fast). The kernel returns to int80_landing_pad, whatever
 * the way in. A CPU without SYSCALL in compatibility mode (Intel's) gets
 * the two instructions replaced at boot by "movl %esp, %ebp; sysenter"
 * (vdso_32.cpp; SYSENTER saves no return address or stack, and the kernel
 * finds esp in ebp). The int $0x80 that follows is the instruction a
 * restarted call re-executes (the kernel moves the return address back by
 * its 2 bytes).
 */
	.text
	.globl	__kernel_vsyscall
	.type	__kernel_vsyscall, @function
	.balign	16
__kernel_vsyscall:
	.cfi_startproc
	pushl	%ecx
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset ecx, 0
	pushl	%edx
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset edx, 0
	pushl	%ebp
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset ebp, 0
	.globl	vdso32_syscall_sequence
	.type	vdso32_syscall_sequence, @notype
vdso32_syscall_sequence:
	movl	%ecx, %ebp
	syscall
	.globl	vdso32_int80
	.type	vdso32_int80, @notype
vdso32_int80:
	int	$0x80
	.globl	int80_landing_pad
	.type	int80_landing_pad, @notype
int80_landing_pad:
	popl	%ebp
	.cfi_adjust_cfa_offset -4
	.cfi_restore ebp
	popl	%edx
	.cfi_adjust_cfa_offset -4
	.cfi_restore edx
	popl	%ecx
	.cfi_adjust_cfa_offset -4
	.cfi_restore ecx
	ret
	.cfi_endproc
	.size	__kernel_vsyscall, . - __kernel_vsyscall

/* The signal return trampolines a handler without SA_RESTORER returns to
 * (arch/x86_64/kernel/signal_32.cpp): sigreturn pops the signal number
 * the frame starts with, rt_sigreturn finds its frame at %esp. The nop
 * before each keeps an unwinder that looks at the return address minus one
 * inside the same symbol's neighbourhood, as Linux's do. */
	.balign	32
	nop
	.globl	__kernel_sigreturn
	.type	__kernel_sigreturn, @function
__kernel_sigreturn:
	popl	%eax
	movl	$119, %eax	/* __NR_sigreturn (i386) */
	int	$0x80
	.size	__kernel_sigreturn, . - __kernel_sigreturn

	.balign	32
	nop
	.globl	__kernel_rt_sigreturn
	.type	__kernel_rt_sigreturn, @function
__kernel_rt_sigreturn:
	movl	$173, %eax	/* __NR_rt_sigreturn (i386) */
	int	$0x80
	.size	__kernel_rt_sigreturn, . - __kernel_rt_sigreturn

	.section .note.GNU-stack, "", @progbits
