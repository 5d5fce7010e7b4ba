/* sys_call_table: the x86-64 dispatch table (Linux: arch/x86/entry/syscall_64.c). */
#include <asm/syscall.h>

extern "C" long sys_ni_syscall_x64(const pt_regs& regs) { return sys_ni_syscall(regs, SyscallAbi::X64); }

/* Every entry point in the table: the handler SYSCALL_DEFINE made, or else
 * (a weak alias, as Linux's COND_SYSCALL) sys_ni_syscall_x64. An entry point may
 * appear more than once; both directives may be repeated. */
#define __SYSCALL(nr, sym)                                        \
    extern "C" long __x64_##sym(const pt_regs&);               \
    asm(".weak __x64_" #sym "\n\t.set __x64_" #sym ", sys_ni_syscall_x64");
#include <asm/syscalls_64.h>
#undef __SYSCALL

static constexpr syscall_table<NR_syscalls_64> make_sys_call_table()
{
    syscall_table<NR_syscalls_64> t{};
    for (auto& e : t.entry)
        e = sys_ni_syscall_x64;
#define __SYSCALL(nr, sym) t.entry[nr] = __x64_##sym;
#include <asm/syscalls_64.h>
#undef __SYSCALL
    return t;
}

extern "C" constinit const syscall_table<NR_syscalls_64> sys_call_table = make_sys_call_table();
