/*
 * The numbers assembly needs from C++ structures (Linux's asm-offsets.c):
 * each DEFINE puts a "#define NAME value" line into the object's
 * .asm_offsets section, which cmake/kernel.cmake copies out as
 * generated/<kernel>/asm-offsets.h, once per kernel flavour (the checked
 * and unchecked kernels may lay task_struct out differently). This file is
 * compiled only for that; it is not linked into the kernel. The fast i386
 * entry (arch/x86_64/entry/entry_64_compat.S) is its user.
 */
#include <asm/syscall.h>
#include <linux/mm.h>
#include <linux/sched.h>

#define DEFINE(name, value)                                                                  \
    asm volatile(".pushsection .asm_offsets, \"a\"\n\t.ascii \"#define " #name " %c0\\n\"\n\t" \
                 ".popsection" ::"i"(value))

void asm_offsets()
{
    asm volatile(".pushsection .asm_offsets, \"a\"\n\t"
                 ".ascii \"/* generated from arch/x86_64/kernel/asm-offsets.cpp */\\n#pragma once\\n\"\n\t"
                 ".popsection");
    DEFINE(TASK_thread_flags, offsetof(task_struct, thread_flags));
    DEFINE(TASK_status, offsetof(task_struct, status));
    DEFINE(TASK_mm, offsetof(task_struct, mm));
    DEFINE(MM_vdso, offsetof(mm_struct, vdso));
    DEFINE(TIF_WORK_MASK, TIF_WORK_MASK);
    DEFINE(TIF_SYSCALL_WORK, TIF_SYSCALL_WORK);
    DEFINE(TS_COMPAT, TS_COMPAT);
    DEFINE(IA32_NR_syscalls, NR_syscalls_32);
}
