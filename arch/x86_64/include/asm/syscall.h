/*
 * The dispatch tables. Like Linux's syscall_64.c, they are filled from lists
 * generated from arch/x86_64/entry/syscalls/syscall_64.tbl and syscall_32.tbl
 * (tools/syscalltbl): every slot starts as sys_ni_syscall (-ENOSYS) and
 * __SYSCALL(nr, sym) puts the stub of each listed entry point in its slot.
 * Entry points without a handler resolve to sys_ni_syscall through weak
 * aliases, so a table line with no SYSCALL_DEFINE yet is simply -ENOSYS.
 */
#pragma once
#include <linux/syscalls.h>

/* One more than the highest number in a generated list. */
template <size_t N>
constexpr unsigned int table_size(const unsigned int (&list)[N])
{
    unsigned int size = 0;
    for (unsigned int nr : list)
        if (nr + 1 > size)
            size = nr + 1;
    return size;
}

#define __SYSCALL(nr, sym) nr,
constexpr unsigned int syscall_numbers_64[] = {
#include <asm/syscalls_64.h>
};
constexpr unsigned int syscall_numbers_32[] = {
#include <asm/syscalls_32.h>
};
#undef __SYSCALL

constexpr unsigned int NR_syscalls_64 = table_size(syscall_numbers_64);
constexpr unsigned int NR_syscalls_32 = table_size(syscall_numbers_32);

template <unsigned int N>
struct syscall_table {
    sys_call_ptr_t entry[N];
    constexpr sys_call_ptr_t operator[](unsigned int nr) const { return entry[nr]; }
    static constexpr unsigned int size() { return N; }
};

extern "C" const syscall_table<NR_syscalls_64> sys_call_table;
extern "C" const syscall_table<NR_syscalls_32> ia32_sys_call_table;

/* The name of a number ("openat"), or nullptr. */
const char* syscall_name(unsigned int nr, SyscallAbi abi);

/* Where unimplemented entries go: logs the name once, returns -ENOSYS
 * (kernel/sys_ni.cpp). The tables' own stubs for it are sys_ni_syscall_x64 and
 * sys_ni_syscall_ia32. */
long sys_ni_syscall(const pt_regs& regs, SyscallAbi abi);
extern "C" long sys_ni_syscall_x64(const pt_regs& regs);
extern "C" long sys_ni_syscall_ia32(const pt_regs& regs);
