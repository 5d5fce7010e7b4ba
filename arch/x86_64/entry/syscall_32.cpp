/* ia32_sys_call_table: the i386 numbers, reached by int $0x80 (Linux: arch/x86/entry/syscall_32.c). */
#include <asm/syscall.h>

extern "C" long sys_ni_syscall_ia32(const pt_regs& regs) { return sys_ni_syscall(regs, SyscallAbi::IA32); }

/* Every entry point in the table: the handler SYSCALL_DEFINE made, or else
 * (a weak alias, as Linux's COND_SYSCALL) sys_ni_syscall_ia32. An entry point may
 * appear more than once; both directives may be repeated. */
#define __SYSCALL(nr, sym)                                        \
    extern "C" long __ia32_##sym(const pt_regs&);               \
    asm(".weak __ia32_" #sym "\n\t.set __ia32_" #sym ", sys_ni_syscall_ia32");
#include <asm/syscalls_32.h>
#undef __SYSCALL

static constexpr syscall_table<NR_syscalls_32> make_ia32_sys_call_table()
{
    syscall_table<NR_syscalls_32> t{};
    for (auto& e : t.entry)
        e = sys_ni_syscall_ia32;
#define __SYSCALL(nr, sym) t.entry[nr] = __ia32_##sym;
#include <asm/syscalls_32.h>
#undef __SYSCALL
    return t;
}

extern "C" constinit const syscall_table<NR_syscalls_32> ia32_sys_call_table = make_ia32_sys_call_table();

/* The i386 layout check (linux/syscalls.h): each entry point the table serves
 * with a native handler claims the "layout differs" symbol, which the
 * handler's SYSCALL_DEFINE also defines if its structures differ. */
#define __SYSCALL_NATIVE(sym)                                                                         \
    struct __abi_tag_##sym;                                                                            \
    template <>                                                                                        \
    [[gnu::used]] const bool ia32_native_entry<__abi_tag_##sym, true>::layout_differs_give_it_a_compat_entry = true;
#include <asm/syscalls_32_native.h>
#undef __SYSCALL_NATIVE
