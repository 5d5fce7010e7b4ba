/*
 * The first instructions: from a 32-bit loader to 64-bit C++.
 *
 * Two loaders reach startup_32, both in 32-bit protected mode with paging off:
 *  - QEMU's -kernel finds the PVH ELF note below (eax undefined, ebx -> hvm_start_info);
 *  - GRUB finds the Multiboot2 header (eax = 0x36d76289, ebx -> multiboot2 info).
 * We build just enough page tables to enter long mode, jump to the higher half and
 * call start_kernel(magic, info). Everything here runs at physical addresses
 * (section .boot is linked with VMA == LMA); the rest of the kernel is linked at
 * __START_KERNEL_map and reached through the early mappings made below.
 */
#include <asm/boot.h>

#define MULTIBOOT2_MAGIC	0xe85250d6
#define MULTIBOOT2_ARCH_I386	0
#define XEN_ELFNOTE_PHYS32_ENTRY 18

#define PHYS(sym)	((sym) - __START_KERNEL_map)

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long	MULTIBOOT2_MAGIC
	.long	MULTIBOOT2_ARCH_I386
	.long	mb2_header_end - mb2_header
	.long	-(MULTIBOOT2_MAGIC + MULTIBOOT2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* entry address tag: our ELF entry is 64-bit, so tell GRUB the 32-bit one */
	.balign 8
	.short	3, 0
	.long	12
	.long	startup_32
	/* end tag */
	.balign 8
	.short	0, 0
	.long	8
mb2_header_end:

	/* PVH: QEMU's -kernel jumps here in 32-bit mode for an ELF with this note. */
	.section .note.Xen, "a"
	.balign 4
	.long	4				/* name size: "Xen\0" */
	.long	8				/* descriptor size */
	.long	XEN_ELFNOTE_PHYS32_ENTRY
	.asciz	"Xen"
	.balign 4
	.quad	startup_32

	.section .boot.text, "ax"
	.code32
	.globl startup_32
startup_32:
	cli
	cld
	movl	%eax, boot_magic
	movl	%ebx, boot_info

	/* Zero .bss: loaders are not required to, and the page tables live there. */
	movl	$PHYS(__bss_start), %edi
	movl	$PHYS(__bss_stop), %ecx
	subl	%edi, %ecx
	shrl	$2, %ecx
	xorl	%eax, %eax
	rep stosl

	/*
	 * One page directory of 2 MiB pages maps physical 0..1 GiB three times:
	 * identity (to survive the paging switch), at the direct map (PAGE_OFFSET)
	 * and at the kernel image map. arch/x86_64/mm/init.cpp replaces all of it.
	 */
	movl	$PHYS(early_pd), %edi
	movl	$(PTE_PRESENT | PTE_WRITE | PTE_HUGE), %eax
	movl	$512, %ecx
1:	movl	%eax, (%edi)
	addl	$0x200000, %eax
	addl	$8, %edi
	loop	1b

	movl	$PHYS(early_pd) + (PTE_PRESENT | PTE_WRITE), %eax
	movl	%eax, PHYS(early_pdpt_low)
	movl	%eax, PHYS(early_pdpt_high) + 8 * 510
	movl	$PHYS(early_pdpt_low) + (PTE_PRESENT | PTE_WRITE), %eax
	movl	%eax, PHYS(early_pml4)
	movl	%eax, PHYS(early_pml4) + 8 * PML4_INDEX_PAGE_OFFSET
	movl	$PHYS(early_pdpt_high) + (PTE_PRESENT | PTE_WRITE), %eax
	movl	%eax, PHYS(early_pml4) + 8 * 511

	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$PHYS(early_pml4), %eax
	movl	%eax, %cr3

	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$(EFER_LME | EFER_NXE | EFER_SCE), %eax
	wrmsr

	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_PE | CR0_WP), %eax
	movl	%eax, %cr0

	lgdt	boot_gdt_desc
	ljmp	$0x10, $startup_64

	.code64
startup_64:
	xorl	%eax, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	movabsq	$high_entry, %rax
	jmp	*%rax

	.section .boot.data, "aw"
	.balign 8
boot_gdt:
	.quad	0
	.quad	0
	.quad	0x00af9a000000ffff	/* 0x10: 64-bit code, as Linux's __KERNEL_CS */
boot_gdt_end:
boot_gdt_desc:
	.short	boot_gdt_end - boot_gdt - 1
	.long	boot_gdt
boot_magic:	.long 0
boot_info:	.long 0

	.text
high_entry:
	leaq	boot_stack_top(%rip), %rsp
	xorl	%ebp, %ebp
	movl	boot_magic, %edi
	movl	boot_info, %esi
	call	start_kernel
1:	hlt
	jmp	1b

	.bss
	.balign 4096
	.globl early_pml4
early_pml4:	.skip 4096
early_pdpt_low:	.skip 4096
early_pdpt_high: .skip 4096
early_pd:	.skip 4096
	.globl boot_stack, boot_stack_top
boot_stack:	.skip 16384
boot_stack_top:
