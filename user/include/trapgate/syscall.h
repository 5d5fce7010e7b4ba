/*
 * Trapgate's user-side system-call library: header-only, no libc, usable from
 * freestanding C++20.
 *
 *     auto r = trapgate::syscall(trapgate::x64::nr_getpid);          // `syscall`
 *     auto s = trapgate::syscall<trapgate::Gate::Int80>(20);          // `int $0x80`
 *     auto w = trapgate::x64::sys_write(1, "hi\n", 3);               // by name
 *     if (!w.ok()) ... w.error() == 14, w.errno_name() == "EFAULT"
 *
 * glibc's INLINE_SYSCALL_CALL counts its arguments and pastes the count into
 * internal_syscallN, and the old _syscall0.._syscall6 macros expanded to inline
 * asm per arity. Here the count is the size of a parameter pack: every argument
 * (any integer, enum or pointer type) is converted to long and overload
 * resolution picks one small inline-asm function per arity (0..6).
 *
 * The two gates:
 *   Gate::Syscall  the `syscall` instruction, x86-64 ABI: number in rax,
 *                  arguments in rdi, rsi, rdx, r10, r8, r9; the CPU overwrites
 *                  rcx (return address) and r11 (rflags).
 *   Gate::Int80    `int $0x80`, the i386 ABI and the i386 numbers (on Linux also
 *                  from 64-bit programs, with CONFIG_IA32_EMULATION): number in
 *                  eax, arguments in ebx, ecx, edx, esi, edi, ebp. The kernel
 *                  uses only the low 32 bits of each, so pointers must lie
 *                  below 4 GiB (static non-PIE code and data do; the stack
 *                  does not).
 *
 * ebp as the sixth int $0x80 argument: rbp may be the frame pointer, and GCC
 * refuses a register variable in rbp then. The asm therefore swaps the
 * argument into rbp with `xchg` just around the trap and swaps it back (the
 * argument sits in a register of the compiler's choosing; only the kernel runs
 * while rbp holds it). No stack is touched, so this is safe with or without a
 * red zone and with or without -fomit-frame-pointer.
 *
 * int $0x80 also declares r8-r11 clobbered: Linux before 4.17 zeroed them on
 * that path (the register test in tests/guest checks that current kernels
 * preserve them; the library stays correct on old ones).
 *
 * The other headers of the library:
 *   trapgate/start.h  _start, memset/memcpy/memmove/memcmp, argv/envp/auxv, exit
 *   trapgate/print.h  print()/println() of strings, numbers, Hex{}, SysResult
 *   trapgate/check.h  CHECK_EQ/CHECK_OK/CHECK/CHECK_STR and a summary
 *   trapgate/uapi.h   the Linux constants and structures the tests need
 * All are for programs without libc.
 */
#pragma once

#include <type_traits>

namespace trapgate {

enum class Gate { Syscall, Int80 };

/* ---- error numbers ---- */

/* Linux's errno values as constants (trapgate::EFAULT ...), from the kernel's
 * own list. Left out if a libc's <errno.h> has already made them macros. */
#ifndef EPERM
#define ERRNO(name, nr) name = nr,
enum Errno : int {
#include "../../../include/uapi/linux/errno_list.h"
};
#undef ERRNO
#endif

/* "ENOENT" for 2; nullptr for a number the list does not have. */
constexpr const char* errno_name(long e)
{
    switch (e) {
#define ERRNO(name, nr) \
    case nr:            \
        return #name;
#include "../../../include/uapi/linux/errno_list.h"
#undef ERRNO
    }
    return nullptr;
}

/* ---- results ---- */

/*
 * A system call's raw return value, typed. Linux's rule: a raw value in
 * [-4095, -1] is -errno, anything else (including other negative values and
 * addresses in the upper half) is a result.
 */
class SysResult {
public:
    static constexpr long MAX_ERRNO = 4095;

    constexpr SysResult() = default;
    constexpr explicit SysResult(long raw) : raw_(raw) {}
    static constexpr SysResult from_errno(int e) { return SysResult(-static_cast<long>(e)); }

    constexpr long raw() const { return raw_; }
    constexpr bool ok() const { return static_cast<unsigned long>(raw_) < static_cast<unsigned long>(-MAX_ERRNO); }
    /* The result; meaningful when ok(). */
    constexpr long value() const { return raw_; }
    /* The positive errno, 0 if none. */
    constexpr int error() const { return ok() ? 0 : static_cast<int>(-raw_); }
    /* "ENOENT"; "" if ok(); "E?" for an error number Linux does not name. */
    constexpr const char* errno_name() const
    {
        if (ok())
            return "";
        const char* n = trapgate::errno_name(error());
        return n ? n : "E?";
    }
    constexpr bool operator==(const SysResult&) const = default;

private:
    long raw_ = 0;
};

/* ---- arguments ---- */

namespace detail {

/* What may be passed: integers, enums and pointers (arrays and string literals
 * decay to pointers), and nullptr. */
template <typename T>
concept SyscallArg = std::is_integral_v<T> || std::is_enum_v<T> || std::is_pointer_v<T> || std::is_null_pointer_v<T>;

/* One argument as the register value: integers by C++'s conversion to long
 * (signed types sign-extend, unsigned zero-extend), pointers by address. */
template <typename T>
constexpr long to_long(T v)
{
    if constexpr (std::is_pointer_v<T>)
        return reinterpret_cast<long>(v);
    else if constexpr (std::is_null_pointer_v<T>)
        return 0;
    else if constexpr (std::is_enum_v<T>)
        return static_cast<long>(static_cast<std::underlying_type_t<T>>(v));
    else
        return static_cast<long>(v);
}

/* ---- the `syscall` instruction, one function per arity ---- */

inline long syscall_insn(long n)
{
    long ret;
    asm volatile("syscall" : "=a"(ret) : "a"(n) : "rcx", "r11", "memory");
    return ret;
}

inline long syscall_insn(long n, long a1)
{
    long ret;
    asm volatile("syscall" : "=a"(ret) : "a"(n), "D"(a1) : "rcx", "r11", "memory");
    return ret;
}

inline long syscall_insn(long n, long a1, long a2)
{
    long ret;
    asm volatile("syscall" : "=a"(ret) : "a"(n), "D"(a1), "S"(a2) : "rcx", "r11", "memory");
    return ret;
}

inline long syscall_insn(long n, long a1, long a2, long a3)
{
    long ret;
    asm volatile("syscall" : "=a"(ret) : "a"(n), "D"(a1), "S"(a2), "d"(a3) : "rcx", "r11", "memory");
    return ret;
}

inline long syscall_insn(long n, long a1, long a2, long a3, long a4)
{
    long ret;
    register long r10 asm("r10") = a4;
    asm volatile("syscall" : "=a"(ret) : "a"(n), "D"(a1), "S"(a2), "d"(a3), "r"(r10) : "rcx", "r11", "memory");
    return ret;
}

inline long syscall_insn(long n, long a1, long a2, long a3, long a4, long a5)
{
    long ret;
    register long r10 asm("r10") = a4;
    register long r8 asm("r8") = a5;
    asm volatile("syscall"
                 : "=a"(ret)
                 : "a"(n), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8)
                 : "rcx", "r11", "memory");
    return ret;
}

inline long syscall_insn(long n, long a1, long a2, long a3, long a4, long a5, long a6)
{
    long ret;
    register long r10 asm("r10") = a4;
    register long r8 asm("r8") = a5;
    register long r9 asm("r9") = a6;
    asm volatile("syscall"
                 : "=a"(ret)
                 : "a"(n), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
                 : "rcx", "r11", "memory");
    return ret;
}

/* ---- int $0x80, one function per arity ---- */

#define TRAPGATE_INT80_CLOBBERS "r8", "r9", "r10", "r11", "memory"

inline long int80(long n)
{
    long ret;
    asm volatile("int $0x80" : "=a"(ret) : "a"(n) : TRAPGATE_INT80_CLOBBERS);
    return ret;
}

inline long int80(long n, long a1)
{
    long ret;
    asm volatile("int $0x80" : "=a"(ret) : "a"(n), "b"(a1) : TRAPGATE_INT80_CLOBBERS);
    return ret;
}

inline long int80(long n, long a1, long a2)
{
    long ret;
    asm volatile("int $0x80" : "=a"(ret) : "a"(n), "b"(a1), "c"(a2) : TRAPGATE_INT80_CLOBBERS);
    return ret;
}

inline long int80(long n, long a1, long a2, long a3)
{
    long ret;
    asm volatile("int $0x80" : "=a"(ret) : "a"(n), "b"(a1), "c"(a2), "d"(a3) : TRAPGATE_INT80_CLOBBERS);
    return ret;
}

inline long int80(long n, long a1, long a2, long a3, long a4)
{
    long ret;
    asm volatile("int $0x80" : "=a"(ret) : "a"(n), "b"(a1), "c"(a2), "d"(a3), "S"(a4) : TRAPGATE_INT80_CLOBBERS);
    return ret;
}

inline long int80(long n, long a1, long a2, long a3, long a4, long a5)
{
    long ret;
    asm volatile("int $0x80"
                 : "=a"(ret)
                 : "a"(n), "b"(a1), "c"(a2), "d"(a3), "S"(a4), "D"(a5)
                 : TRAPGATE_INT80_CLOBBERS);
    return ret;
}

/* The sixth argument goes in ebp: swapped in and out around the trap (see the
 * comment at the top). a6 is "+r" because the asm writes its register; the
 * second xchg leaves the original value there again. The register is r12
 * (not rax..rdi, all taken; not r8-r11, clobbered). */
inline long int80(long n, long a1, long a2, long a3, long a4, long a5, long a6)
{
    long ret;
    /* An explicit register: with a plain "+r" GCC may give a6 the register
     * of an input holding the same value (rdi when a5 == a6), and the xchg
     * then moves rbp into the fifth argument. */
    register long r6 asm("r12") = a6;
    asm volatile("xchg %%rbp, %[a6]\n\t"
                 "int $0x80\n\t"
                 "xchg %%rbp, %[a6]"
                 : "=a"(ret), [a6] "+r"(r6)
                 : "a"(n), "b"(a1), "c"(a2), "d"(a3), "S"(a4), "D"(a5)
                 : TRAPGATE_INT80_CLOBBERS);
    return ret;
}

#undef TRAPGATE_INT80_CLOBBERS

} // namespace detail

/*
 * The generic call: trapgate::syscall(nr, args...) through `syscall`, or
 * trapgate::syscall<Gate::Int80>(nr, args...) through int $0x80. nr is passed
 * in full in rax (Linux looks at the low 32 bits only).
 */
template <Gate G = Gate::Syscall, typename... Args>
inline SysResult syscall(long nr, Args... args)
{
    static_assert(sizeof...(Args) <= 6, "a system call takes at most six arguments");
    static_assert((detail::SyscallArg<Args> && ...), "system call arguments are integers, enums or pointers");
    if constexpr (sizeof...(Args) > 6 || !(detail::SyscallArg<Args> && ...))
        return SysResult(); /* not reached: the assertions above already failed */
    else if constexpr (G == Gate::Syscall)
        return SysResult(detail::syscall_insn(nr, detail::to_long(args)...));
    else
        return SysResult(detail::int80(nr, detail::to_long(args)...));
}

/* ---- wrappers by name, generated from the tables ---- */

/*
 * For each table line, TRAPGATE_WRAPPER(name, nr) gives, in trapgate::x64
 * (through `syscall`) and trapgate::ia32 (through int $0x80):
 *     inline constexpr long nr_read = 0;
 *     SysResult sys_read(args...);
 * The names are pasted, so C++ keywords in the tables (i386 `break`) are fine.
 */
#define TRAPGATE_WRAPPER(name, nr)                             \
    inline constexpr long nr_##name = nr;                      \
    template <typename... Args>                                \
    inline SysResult sys_##name(Args... args)                  \
    {                                                          \
        return ::trapgate::syscall<gate>(nr_##name, args...); \
    }

namespace x64 {
inline constexpr Gate gate = Gate::Syscall;
}
namespace ia32 {
inline constexpr Gate gate = Gate::Int80;
}

} // namespace trapgate

#include <trapgate/syscalls_x64.h>
#include <trapgate/syscalls_ia32.h>

#undef TRAPGATE_WRAPPER
