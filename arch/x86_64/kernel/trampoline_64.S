/*
 * Where another CPU starts: the STARTUP IPI sends it to a page below 1 MiB in
 * 16-bit real mode (CS = page >> 8, IP = 0). These bytes are copied there by
 * smp_boot_cpus (arch/x86_64/kernel/smpboot.cpp), which also fills the
 * parameter block at the end. The CPU climbs real mode -> 32-bit protected
 * mode -> long mode with the boot page tables of head_64.S (they still map
 * physical 0..1 GiB at 0, which keeps these instructions reachable once
 * paging is on, and the kernel image), then jumps into the kernel image,
 * which takes the kernel's page tables and calls start_secondary on the
 * stack of the CPU's idle task. Everything here is addressed
 * relative to trampoline_start plus TRAMPOLINE_PHYS, where the copy runs.
 */
#include <asm/boot.h>

#define TRAMPOLINE_PHYS	0x8000
#define TR(sym)		(TRAMPOLINE_PHYS + (sym) - trampoline_start)

	.section .rodata, "a"
	.balign 16
	.globl trampoline_start, trampoline_end, trampoline_params
trampoline_start:
	.code16
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	tr_gdt_desc - trampoline_start
	movl	%cr0, %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	$0x08, $TR(tr_protected)

	.code32
tr_protected:
	movl	$0x10, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	TR(tr_cr3), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$(EFER_LME | EFER_NXE | EFER_SCE), %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_WP), %eax
	movl	%eax, %cr0
	ljmpl	$0x18, $TR(tr_long)

	.code64
tr_long:
	xorl	%eax, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	movq	TR(tr_final_cr3), %rdx
	movq	TR(tr_stack), %rsi
	movl	TR(tr_cpu), %edi
	movabsq	$secondary_startup_64, %rax
	jmp	*%rax

	.balign 8
tr_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: 32-bit code, 4 GiB */
	.quad	0x00cf92000000ffff	/* 0x10: 32-bit data, 4 GiB */
	.quad	0x00af9a000000ffff	/* 0x18: 64-bit code */
tr_gdt_end:
tr_gdt_desc:
	.short	tr_gdt_end - tr_gdt - 1
	.long	TR(tr_gdt)

	/* struct trampoline_params (smpboot.cpp) */
	.balign 8
trampoline_params:
tr_cr3:		.quad 0		/* the boot page tables (below 4 GiB, as a 32-bit mov to cr3 needs) */
tr_final_cr3:	.quad 0		/* the kernel's own (init_pgd) */
tr_stack:	.quad 0		/* the idle task's stack top */
tr_cpu:		.long 0		/* the CPU's number */
		.long 0
trampoline_end:

	/*
	 * In the kernel image, reached through the boot page tables: switch to
	 * the kernel's page tables (the boot ones map only the first GiB, and the
	 * idle stack may lie above it), then start_secondary(cpu) on the idle
	 * task's stack.
	 */
	.text
secondary_startup_64:
	movq	%rdx, %cr3
	movq	%rsi, %rsp
	xorl	%ebp, %ebp
	pushq	$0			/* a null return address ends backtraces */
	jmp	start_secondary
