/* Addresses and bits shared by the boot assembly and the C++ kernel. */
#pragma once

/* Where the kernel image is mapped (Linux's __START_KERNEL_map) and where all of
 * physical memory is mapped (Linux's PAGE_OFFSET, the direct map). */
#define __START_KERNEL_map	0xffffffff80000000
#define PAGE_OFFSET_VALUE	0xffff888000000000
#define PML4_INDEX_PAGE_OFFSET	273	/* (PAGE_OFFSET >> 39) & 511 */

/* Physical address the loaders put the image at. */
#define KERNEL_LOAD_PHYS	0x100000

#define PTE_PRESENT	0x001
#define PTE_WRITE	0x002
#define PTE_USER	0x004
#define PTE_PWT		0x008
#define PTE_PCD		0x010
#define PTE_ACCESSED	0x020
#define PTE_DIRTY	0x040
#define PTE_HUGE	0x080
#define PTE_GLOBAL	0x100

#define CR0_PE		(1 << 0)
#define CR0_MP		(1 << 1)
#define CR0_EM		(1 << 2)
#define CR0_TS		(1 << 3)
#define CR0_WP		(1 << 16)
#define CR0_AM		(1 << 18)
#define CR0_PG		(1 << 31)
#define CR4_PAE		(1 << 5)
#define CR4_PGE		(1 << 7)
#define CR4_OSFXSR	(1 << 9)
#define CR4_OSXMMEXCPT	(1 << 10)
#define CR4_UMIP	(1 << 11)
#define CR4_FSGSBASE	(1 << 16)
#define CR4_SMEP	(1 << 20)
#define CR4_SMAP	(1 << 21)

#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SYSCALL_MASK	0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_APIC_BASE		0x1b
#define MSR_IA32_SYSENTER_CS	0x174
#define MSR_IA32_SYSENTER_ESP	0x175
#define MSR_IA32_SYSENTER_EIP	0x176
#define MSR_TSC_DEADLINE	0x6e0
#define MSR_TSC_AUX		0xc0000103
#define EFER_SCE	(1 << 0)
#define EFER_LME	(1 << 8)
#define EFER_NXE	(1 << 11)

/* Segment selectors, the same numbers as Linux's (asm/segment.h), so user
 * programs see cs = 0x33 and ss = 0x2b as they do on Linux. */
#define GDT_ENTRY_KERNEL32_CS	1
#define GDT_ENTRY_KERNEL_CS	2
#define GDT_ENTRY_KERNEL_DS	3
#define GDT_ENTRY_USER32_CS	4
#define GDT_ENTRY_USER_DS	5
#define GDT_ENTRY_USER_CS	6
#define GDT_ENTRY_TSS		8
#define GDT_ENTRY_LDT		10	/* 16 bytes, 10 and 11: this CPU's LDT (its task's mm's) */
/* The three thread-local-storage slots set_thread_area fills (Linux's
 * GDT_ENTRY_TLS_MIN..MAX on x86-64: entries 12-14, selectors 0x63-0x73). */
#define GDT_ENTRY_TLS_MIN	12
#define GDT_ENTRY_TLS_ENTRIES	3
#define GDT_ENTRY_TLS_MAX	(GDT_ENTRY_TLS_MIN + GDT_ENTRY_TLS_ENTRIES - 1)
#define GDT_ENTRIES		16
#define __KERNEL_CS	(GDT_ENTRY_KERNEL_CS * 8)
#define __KERNEL_DS	(GDT_ENTRY_KERNEL_DS * 8)
#define __USER32_CS	(GDT_ENTRY_USER32_CS * 8 + 3)
#define __USER_DS	(GDT_ENTRY_USER_DS * 8 + 3)
#define __USER_CS	(GDT_ENTRY_USER_CS * 8 + 3)
#define __TSS_SEL	(GDT_ENTRY_TSS * 8)

#define THREAD_SIZE	16384	/* kernel stack per task */
