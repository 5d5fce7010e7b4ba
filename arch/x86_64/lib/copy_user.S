/*
 * The only code that touches user memory. Each routine opens the SMAP window
 * (stac) just around its access and has an exception-table entry on the
 * instruction that may fault: a fault the page-fault handler cannot resolve
 * resumes at the fixup, which closes the window and reports how much was left.
 * Callers have checked access_ok() first, so no kernel address gets here.
 *
 * STAC/CLAC are patched to NOPs at boot on CPUs without SMAP (see
 * arch/x86_64/kernel/cpu.cpp); asm/smap.h records each site.
 */
#include <asm/extable.h>
#include <asm/smap.h>

	.text

/* unsigned long __copy_user(void *dst, const void *src, unsigned long n):
 * returns the number of bytes NOT copied (0 on success), as Linux's does. */
	.globl __copy_user
__copy_user:
	movq	%rdx, %rcx
	ASM_STAC
1:	rep movsb
	ASM_CLAC
	movq	%rcx, %rax
	ret
2:	ASM_CLAC
	movq	%rcx, %rax
	ret
	_ASM_EXTABLE(1b, 2b)

/* get_user's 4- and 8-byte forms, one load instead of a rep movsb:
 * {value in rax, 0 in rdx} or {0, 1 in rdx} when the load faulted. */
	.globl __get_user_4
__get_user_4:
	xorl	%edx, %edx
	ASM_STAC
1:	movl	(%rdi), %eax
	ASM_CLAC
	ret
2:	ASM_CLAC
	xorl	%eax, %eax
	movl	$1, %edx
	ret
	_ASM_EXTABLE(1b, 2b)

	.globl __get_user_8
__get_user_8:
	xorl	%edx, %edx
	ASM_STAC
1:	movq	(%rdi), %rax
	ASM_CLAC
	ret
2:	ASM_CLAC
	xorl	%eax, %eax
	movl	$1, %edx
	ret
	_ASM_EXTABLE(1b, 2b)

/* The futex word's compare-and-exchange (Linux's futex_atomic_cmpxchg_inatomic):
 * __cmpxchg_user_4(u32 *uaddr, u32 old, u32 new) stores new if *uaddr is old,
 * in one locked instruction; {the value found, 0}, or {0, 1} on a fault. */
	.globl __cmpxchg_user_4
__cmpxchg_user_4:
	movl	%esi, %eax
	ASM_STAC
1:	lock cmpxchgl %edx, (%rdi)
	ASM_CLAC
	xorl	%edx, %edx
	ret
2:	ASM_CLAC
	xorl	%eax, %eax
	movl	$1, %edx
	ret
	_ASM_EXTABLE(1b, 2b)

/* unsigned long __clear_user(void *dst, unsigned long n): bytes NOT cleared. */
	.globl __clear_user
__clear_user:
	movq	%rsi, %rcx
	xorl	%eax, %eax
	ASM_STAC
1:	rep stosb
	ASM_CLAC
	movq	%rcx, %rax
	ret
2:	ASM_CLAC
	movq	%rcx, %rax
	ret
	_ASM_EXTABLE(1b, 2b)

/* long __strncpy_from_user(char *dst, const char *src, long count):
 * copies up to count bytes, stopping after a NUL; returns the length without
 * the NUL, count if none was found, or -1 if a byte could not be read. */
	.globl __strncpy_from_user
__strncpy_from_user:
	xorl	%eax, %eax
	testq	%rdx, %rdx
	jz	3f
	ASM_STAC
1:	movb	(%rsi,%rax), %cl
	movb	%cl, (%rdi,%rax)
	testb	%cl, %cl
	jz	2f
	incq	%rax
	cmpq	%rdx, %rax
	jb	1b
2:	ASM_CLAC
3:	ret
4:	ASM_CLAC
	movq	$-1, %rax
	ret
	_ASM_EXTABLE(1b, 4b)
