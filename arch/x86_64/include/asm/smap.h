/*
 * stac/clac for assembly: each use is recorded in .smap_sites so that
 * smap_init() (arch/x86_64/kernel/cpu.cpp) can turn it into a 3-byte NOP on a
 * CPU without SMAP, where both instructions would be #UD.
 */
#pragma once

#ifdef __ASSEMBLER__
.macro ASM_STAC
	.pushsection .smap_sites, "a"
	.quad	771f
	.popsection
771:	stac
.endm
.macro ASM_CLAC
	.pushsection .smap_sites, "a"
	.quad	772f
	.popsection
772:	clac
.endm
#endif
