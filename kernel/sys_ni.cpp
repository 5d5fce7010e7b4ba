/*
 * sys_ni_syscall: "not implemented". Every table slot without a handler ends
 * here and returns -ENOSYS, as on Linux; the first call of each number is
 * logged by name, the quickest way to see what a new program needs.
 */
#include <asm/syscall.h>
#include <linux/printk.h>
#include <linux/sched.h>

namespace {

u64 logged_64[(NR_syscalls_64 + 63) / 64];
u64 logged_32[(NR_syscalls_32 + 63) / 64];

long not_implemented(const pt_regs& regs, SyscallAbi abi, u64* logged, unsigned int size)
{
    unsigned int nr = static_cast<unsigned int>(regs.orig_ax);
    if (nr < size && !(logged[nr / 64] & (1ULL << (nr % 64)))) {
        logged[nr / 64] |= 1ULL << (nr % 64);
        const char* name = syscall_name(nr, abi);
        printk("trapgate: %s system call %u (%s) is not implemented: -ENOSYS [%s]\n",
               abi == SyscallAbi::X64 ? "x86-64" : "i386", nr, name ? name : "unnamed", current->comm);
    }
    return errno_return(Errno::ENOSYS);
}

} // namespace

long sys_ni_syscall(const pt_regs& regs, SyscallAbi abi)
{
    return abi == SyscallAbi::X64 ? not_implemented(regs, abi, logged_64, NR_syscalls_64)
                                  : not_implemented(regs, abi, logged_32, NR_syscalls_32);
}

namespace {
#define __SYSCALL_NAME(nr, name) {nr, name},
struct numbered_name {
    unsigned int nr;
    const char* name;
};
constexpr numbered_name names_64[] = {
#include <asm/syscall_names_64.h>
};
constexpr numbered_name names_32[] = {
#include <asm/syscall_names_32.h>
};
#undef __SYSCALL_NAME
} // namespace

const char* syscall_name(unsigned int nr, SyscallAbi abi)
{
    /* The generated lists are in number order: binary search. */
    const numbered_name* list = abi == SyscallAbi::X64 ? names_64 : names_32;
    size_t lo = 0, hi = abi == SyscallAbi::X64 ? ARRAY_SIZE(names_64) : ARRAY_SIZE(names_32);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (list[mid].nr == nr)
            return list[mid].name;
        if (list[mid].nr < nr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return nullptr;
}
