/* The RFLAGS bits the kernel names, as Linux's asm/processor-flags.h: plain
 * numbers, shared by C++ and the entry assembly. */
#pragma once

#define X86_EFLAGS_CF 0x0001
#define X86_EFLAGS_FIXED 0x0002
#define X86_EFLAGS_TF 0x0100
#define X86_EFLAGS_IF 0x0200
#define X86_EFLAGS_DF 0x0400
#define X86_EFLAGS_IOPL 0x3000
#define X86_EFLAGS_NT 0x4000
#define X86_EFLAGS_RF 0x10000
#define X86_EFLAGS_AC 0x40000
