/*
 * Defining system calls.
 *
 *     SYSCALL_DEFINE3(read, unsigned int, fd, user_out_ptr<char>, buf, size_t, count)
 *     {
 *         ...body returning a value, an Errno or a Result<T>...
 *     }
 *
 * produces, as Linux's macro does, the body __do_sys_read(unsigned int fd, ...)
 * and two stubs that take only the saved registers:
 *   __x64_sys_read(const pt_regs&)   arguments from rdi, rsi, rdx, r10, r8, r9
 *   __ia32_sys_read(const pt_regs&)  arguments from ebx, ecx, edx, esi, edi, ebp
 * The stubs are what the tables generated from syscall_64.tbl / syscall_32.tbl
 * point at. Instead of Linux's __MAP macro chain, a variadic template reads the
 * parameter types off the body's signature and converts each register to its
 * declared type (decode_arg below); the macros only pair types with names.
 * A descriptor in section "syscall_meta" lets the tracer print the arguments
 * by type.
 */
#pragma once
#include <asm/ptrace.h>
#include <linux/compiler.h>
#include <linux/result.h>
#if __STDC_HOSTED__
/* Host unit tests (tests/host) decode arguments; there is no kernel lock. */
static inline void syscall_lock_kernel() {}
static inline void syscall_unlock_kernel() {}
#else
#include <linux/sched.h> /* the lock depth is in task_struct */
#include <linux/smp_lock.h>
#endif
#include <linux/uaccess.h>
#include <linux/syscall_args.h>
#include <type_traits>
#include <utility>

/* What a handler body returns: Linux's long, a value or -errno. */
class SyscallResult {
public:
    template <typename I>
        requires std::is_integral_v<I>
    constexpr SyscallResult(I v) : value(static_cast<long>(v)) {}
    constexpr SyscallResult(Errno e) : value(errno_return(e)) {}
    template <typename I>
    constexpr SyscallResult(const TracedInt<I>& v) : value(static_cast<long>(v.value)) {}
    template <typename T>
    constexpr SyscallResult(const Result<T>& r) : value(r.ok() ? static_cast<long>(r.value()) : errno_return(r.error())) {}
    constexpr SyscallResult(const Result<void>& r) : value(r.ok() ? 0 : errno_return(r.error())) {}

    long value;
};

using sys_call_ptr_t = long (*)(const pt_regs&);

enum class SyscallAbi { X64, IA32 };

/* The raw value of argument i (0-5) under each ABI. */
template <SyscallAbi Abi>
__always_inline unsigned long syscall_arg(const pt_regs& r, unsigned i)
{
    if constexpr (Abi == SyscallAbi::X64) {
        switch (i) {
        case 0: return r.di;
        case 1: return r.si;
        case 2: return r.dx;
        case 3: return r.r10;
        case 4: return r.r8;
        default: return r.r9;
        }
    } else {
        /* i386 arguments are 32 bits: the upper halves of the registers are not ours. */
        switch (i) {
        case 0: return static_cast<u32>(r.bx);
        case 1: return static_cast<u32>(r.cx);
        case 2: return static_cast<u32>(r.dx);
        case 3: return static_cast<u32>(r.si);
        case 4: return static_cast<u32>(r.di);
        default: return static_cast<u32>(r.bp);
        }
    }
}

/*
 * One register to one declared type, as Linux converts them: narrower integer
 * types take the low bits; under the i386 ABI a 64-bit signed type is the
 * sign-extended 32-bit value (compat long) and everything else is zero-extended.
 * Class types (user pointers, flag types) are built from the register value.
 */
template <typename T, SyscallAbi Abi>
__always_inline T decode_arg(unsigned long raw)
{
    if constexpr (Abi == SyscallAbi::IA32 && std::is_integral_v<T> && std::is_signed_v<T> && sizeof(T) == 8)
        return static_cast<T>(static_cast<s32>(raw));
    else if constexpr (std::is_integral_v<T> || std::is_enum_v<T>)
        return static_cast<T>(raw);
    else
        return T(raw);
}

template <SyscallAbi Abi, typename... Params, size_t... I>
__always_inline long syscall_invoke_impl(SyscallResult (*body)(Params...), const pt_regs& regs,
                                         std::index_sequence<I...>)
{
    return body(decode_arg<std::remove_cvref_t<Params>, Abi>(syscall_arg<Abi>(regs, I))...).value;
}

/*
 * The big kernel lock around a handler (include/linux/smp_lock.h): taken by
 * the stub, so the entry code and the handlers that need no lock never touch
 * it. A handler that is safe without it (it touches only its own task, or
 * data with a lock of its own) says so before its definition:
 *
 *     SYSCALL_NO_BKL(getpid);
 *     SYSCALL_DEFINE0(getpid) { ... }
 *
 * The tag type is declared by both macros; the overload SYSCALL_NO_BKL adds
 * beats the catch-all below, so the stub knows at compile time. docs/locking.md
 * lists the calls that run without the lock and why each may.
 */
constexpr bool syscall_no_bkl(...) { return false; }
#define SYSCALL_NO_BKL(name)                                                                            \
    struct __bkl_tag_##name;                                                                           \
    constexpr bool syscall_no_bkl(__bkl_tag_##name*) { return true; }

template <SyscallAbi Abi, bool NoBkl = false, typename... Params>
__always_inline long syscall_invoke(SyscallResult (*body)(Params...), const pt_regs& regs)
{
    static_assert(sizeof...(Params) <= 6, "a system call takes at most six arguments, all in registers");
    if constexpr (NoBkl) {
        return syscall_invoke_impl<Abi>(body, regs, std::index_sequence_for<Params...>{});
    } else {
        syscall_lock_kernel();
        long ret = syscall_invoke_impl<Abi>(body, regs, std::index_sequence_for<Params...>{});
        syscall_unlock_kernel();
        return ret;
    }
}

/* ---- Tracer descriptors ---- */

#include <linux/trace_decoders.h>

using trace_format_fn = void (*)(TraceBuffer&, const TraceArgs&);
/* An argument strace leaves out in some calls (open's mode without O_CREAT)
 * says so through a static trace_omit(args, index). */
using trace_omit_fn = bool (*)(const unsigned long* args, int index);

struct syscall_metadata {
    const char* name;
    int nb_args;
    trace_format_fn format[6];
    trace_omit_fn omit[6];
    /* Bit i: argument i is an output, printed when the call returns
     * (read's buffer, fstat's struct stat), as strace does. */
    u8 at_exit;
    /* What strace adds after the return value (poll's revents), or null. */
    trace_format_fn result;
    sys_call_ptr_t x64;
    sys_call_ptr_t ia32;
    bool no_bkl; /* runs without the big kernel lock (SYSCALL_NO_BKL) */
};

/* Printers for the tracer (kernel/trace_format.cpp). */
void trace_print_signed(TraceBuffer& out, long v);
void trace_print_unsigned(TraceBuffer& out, unsigned long v);
void trace_print_octal(TraceBuffer& out, unsigned long v);
void trace_print_pointer(TraceBuffer& out, unsigned long addr);
void trace_print_user_string(TraceBuffer& out, unsigned long addr);
/* len bytes of user memory as a quoted string, cut at 32 bytes with "...". */
void trace_print_user_buffer(TraceBuffer& out, unsigned long addr, unsigned long len);

template <typename T>
struct is_user_ptr : std::false_type {};
template <typename T, UserDir D>
struct is_user_ptr<UserPtr<T, D>> : std::true_type {};

template <typename E>
constexpr bool is_byte_type = std::is_same_v<std::remove_const_t<E>, char> || std::is_same_v<std::remove_const_t<E>, u8>;

/* A pointer whose layout follows the caller's ABI (UserAbiPtr) is traced as
 * its native pointer; from an i386 caller only its address is shown. */
template <typename T>
struct is_user_abi_ptr : std::false_type {};
template <typename N, typename C, UserDir D>
struct is_user_abi_ptr<UserAbiPtr<N, C, D>> : std::true_type {};
template <typename T>
struct trace_view {
    using type = T;
};
template <typename N, typename C, UserDir D>
struct trace_view<UserAbiPtr<N, C, D>> {
    using type = UserPtr<N, D>;
};

/* Where an argument is printed: at entry, or at exit for what the call writes. */
template <typename T0, typename Next>
constexpr bool trace_arg_at_exit()
{
    using T = typename trace_view<T0>::type;
    if constexpr (is_user_ptr<T>::value) {
        using E = std::remove_const_t<typename T::element_type>;
        if constexpr (is_byte_type<E>)
            return T::direction == UserDir::Out && std::is_same_v<Next, size_t>;
        else if constexpr (trace_decoder<E>::exists)
            return T::direction == UserDir::Out || trace_decoder<E>::at_exit;
        else
            return false;
    } else if constexpr (requires { T::trace_at_exit; })
        return T::trace_at_exit;
    else
        return false;
}

/*
 * One argument by its declared type: strings are quoted (a byte pointer
 * followed by a size is a buffer of that size: write's, or read's at exit),
 * structures with a decoder (linux/trace_decoders.h) are shown as strace
 * shows them, other pointers in hex, modes in octal, numbers in decimal, and
 * argument types of our own print themselves (trace()).
 */
template <typename T, typename Next>
void trace_format_arg(TraceBuffer& out, T value, const TraceArgs& a)
{
    if constexpr (is_user_ptr<T>::value) {
        using E = std::remove_const_t<typename T::element_type>;
        if constexpr (is_byte_type<E> && std::is_same_v<Next, size_t>) {
            if (T::direction == UserDir::Out && a.ret < 0)
                trace_print_pointer(out, user_addr(value));
            else
                trace_print_user_buffer(out, user_addr(value),
                                        T::direction == UserDir::Out ? a.ret : a.raw[a.index + 1]);
        } else if constexpr (std::is_same_v<E, char> && T::direction == UserDir::In)
            trace_print_user_string(out, user_addr(value));
        else if constexpr (trace_decoder<E>::exists) {
            if (T::direction == UserDir::Out && (a.ret < 0 || !value))
                trace_print_pointer(out, user_addr(value));
            else
                trace_decoder<E>::print(out, user_addr(value), a);
        }
        else
            trace_print_pointer(out, user_addr(value));
    } else if constexpr (std::is_same_v<T, umode_t>)
        trace_print_octal(out, value);
    else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>)
        trace_print_signed(out, value);
    else if constexpr (std::is_integral_v<T>)
        trace_print_unsigned(out, value);
    else if constexpr (requires { value.trace(out, a); })
        value.trace(out, a);
    else
        value.trace(out);
}

template <typename T, typename Next>
void trace_format_raw(TraceBuffer& out, const TraceArgs& a)
{
    using U = std::remove_cvref_t<T>;
    using N = std::remove_cvref_t<Next>;
    unsigned long raw = a.raw[a.index];
    if constexpr (is_user_abi_ptr<U>::value) {
        if (a.abi == SyscallAbi::X64)
            trace_format_arg<typename U::native_ptr, N>(out, typename U::native_ptr(raw), a);
        else
            trace_print_pointer(out, user_addr(decode_arg<U, SyscallAbi::IA32>(raw).compat()));
    } else if (a.abi == SyscallAbi::X64)
        trace_format_arg<U, N>(out, decode_arg<U, SyscallAbi::X64>(raw), a);
    else
        trace_format_arg<U, N>(out, decode_arg<U, SyscallAbi::IA32>(raw), a);
}

template <typename T>
constexpr trace_omit_fn trace_omit_for()
{
    if constexpr (requires { &std::remove_cvref_t<T>::trace_omit; })
        return &std::remove_cvref_t<T>::trace_omit;
    else
        return nullptr;
}

template <typename T>
constexpr bool trace_has_result()
{
    using U = typename trace_view<std::remove_cvref_t<T>>::type;
    if constexpr (is_user_ptr<U>::value) {
        using E = std::remove_const_t<typename U::element_type>;
        if constexpr (!is_byte_type<E> && trace_decoder<E>::exists)
            return trace_decoder<E>::has_result;
    }
    return false;
}

/* The first argument whose type adds to the return value (poll's pollfd array). */
template <typename T>
constexpr trace_format_fn trace_result_for()
{
    using U = typename trace_view<std::remove_cvref_t<T>>::type;
    if constexpr (is_user_ptr<U>::value) {
        using E = std::remove_const_t<typename U::element_type>;
        if constexpr (!is_byte_type<E> && trace_decoder<E>::exists) {
            if constexpr (trace_decoder<E>::has_result)
                return &trace_decoder<E>::result;
        }
    }
    return nullptr;
}

/* The I-th of a list of types, void past its end. */
template <size_t I, typename... Ts>
struct nth_type {
    using type = void;
};
template <typename T, typename... Ts>
struct nth_type<0, T, Ts...> {
    using type = T;
};
template <size_t I, typename T, typename... Ts>
struct nth_type<I, T, Ts...> {
    using type = typename nth_type<I - 1, Ts...>::type;
};
template <typename... Params>
struct trace_param_list {
    template <size_t I>
    using at = typename nth_type<I, Params...>::type;
};

template <typename... Params, size_t... I>
constexpr syscall_metadata make_syscall_metadata_impl(const char* name, sys_call_ptr_t x64, sys_call_ptr_t ia32,
                                                      bool no_bkl, std::index_sequence<I...>)
{
    using L = trace_param_list<std::remove_cvref_t<Params>...>;
    trace_format_fn result = nullptr;
    bool found = false;
    ((found = found || (trace_has_result<Params>() ? (result = trace_result_for<Params>(), true) : false)), ...);
    (void)found;
    unsigned at_exit = 0;
    ((at_exit |= trace_arg_at_exit<typename L::template at<I>, typename L::template at<I + 1>>() ? 1u << I : 0u), ...);
    return syscall_metadata{name,
                            sizeof...(Params),
                            {&trace_format_raw<typename L::template at<I>, typename L::template at<I + 1>>...},
                            {trace_omit_for<Params>()...},
                            static_cast<u8>(at_exit),
                            result,
                            x64,
                            ia32,
                            no_bkl};
}

template <typename... Params>
constexpr syscall_metadata make_syscall_metadata(const char* name, SyscallResult (*)(Params...), sys_call_ptr_t x64,
                                                 sys_call_ptr_t ia32, bool no_bkl = false)
{
    return make_syscall_metadata_impl<Params...>(name, x64, ia32, no_bkl, std::index_sequence_for<Params...>{});
}

/*
 * The i386 layout check. A native handler serves an i386 table line that has
 * no compat entry (syscall_32.tbl's 5th column); it decodes 32-bit registers
 * but reads and writes the 64-bit structures. So it must not take a pointer
 * to a structure whose layout differs (abi_layout_differs, linux/uaccess.h),
 * a raw UserPtr array, or a 64-bit integer argument (long long: two
 * registers on i386).
 *
 * Made a link error: every SYSCALL_DEFINE defines
 *     ia32_native_entry<__abi_tag_sys_NAME, DIFFERS>::layout_differs_give_it_a_compat_entry
 * with DIFFERS true when its parameters fail the check, and syscall_32.cpp
 * defines the <..., true> one for each entry point the i386 table serves
 * natively (generated/kernel/asm/syscalls_32_native.h). Both at once are two
 * definitions of one symbol, and the link fails naming the handler.
 */
template <typename Entry, bool LayoutDiffers>
struct ia32_native_entry {
    static const bool layout_differs_give_it_a_compat_entry;
};

template <typename T>
constexpr bool ia32_param_same_layout()
{
    using U = std::remove_cvref_t<T>;
    if constexpr (is_user_ptr<U>::value)
        return abi_same_layout<typename U::element_type>();
    else if constexpr (std::is_same_v<U, long long> || std::is_same_v<U, unsigned long long>)
        return false;
    else
        return true;
}

template <typename... Params>
constexpr bool ia32_params_same_layout(SyscallResult (*)(Params...))
{
    return (ia32_param_same_layout<Params>() && ...);
}

/* The stubs only decode registers and call the body: without a frame of
 * their own a lock-free stub is a jump to it (the null call's path). */
#define SYSCALL_STUB_ATTRS __attribute__((optimize("omit-frame-pointer")))

#define SYSCALL_DEFINEx(name, params)                                                                   \
    static inline SyscallResult __do_sys_##name params;                                                 \
    struct __bkl_tag_##name;                                                                           \
    extern "C" SYSCALL_STUB_ATTRS long __x64_sys_##name(const pt_regs& regs)                             \
    {                                                                                                   \
        return syscall_invoke<SyscallAbi::X64, syscall_no_bkl(static_cast<__bkl_tag_##name*>(nullptr))>( \
            __do_sys_##name, regs);                                                                     \
    }                                                                                                   \
    extern "C" SYSCALL_STUB_ATTRS long __ia32_sys_##name(const pt_regs& regs)                            \
    {                                                                                                   \
        return syscall_invoke<SyscallAbi::IA32, syscall_no_bkl(static_cast<__bkl_tag_##name*>(nullptr))>( \
            __do_sys_##name, regs);                                                                     \
    }                                                                                                   \
    [[gnu::used, gnu::section("syscall_meta"), gnu::aligned(8)]] static constinit const syscall_metadata __meta_##name = \
        make_syscall_metadata(#name, __do_sys_##name, __x64_sys_##name, __ia32_sys_##name,             \
                              syscall_no_bkl(static_cast<__bkl_tag_##name*>(nullptr)));                 \
    struct __abi_tag_sys_##name;                                                                       \
    template <>                                                                                        \
    [[gnu::used]] const bool ia32_native_entry<__abi_tag_sys_##name,                                   \
                                               !ia32_params_same_layout(__do_sys_##name)>::            \
        layout_differs_give_it_a_compat_entry = true;                                                  \
    static SyscallResult __do_sys_##name params

#define SYSCALL_DEFINE0(name) SYSCALL_DEFINEx(name, ())
#define SYSCALL_DEFINE1(name, t1, a1) SYSCALL_DEFINEx(name, (t1 a1))
#define SYSCALL_DEFINE2(name, t1, a1, t2, a2) SYSCALL_DEFINEx(name, (t1 a1, t2 a2))
#define SYSCALL_DEFINE3(name, t1, a1, t2, a2, t3, a3) SYSCALL_DEFINEx(name, (t1 a1, t2 a2, t3 a3))
#define SYSCALL_DEFINE4(name, t1, a1, t2, a2, t3, a3, t4, a4) SYSCALL_DEFINEx(name, (t1 a1, t2 a2, t3 a3, t4 a4))
#define SYSCALL_DEFINE5(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5) \
    SYSCALL_DEFINEx(name, (t1 a1, t2 a2, t3 a3, t4 a4, t5 a5))
#define SYSCALL_DEFINE6(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6) \
    SYSCALL_DEFINEx(name, (t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6))

/*
 * COMPAT_SYSCALL_DEFINEn: an i386-only entry point for calls whose 32-bit
 * arguments or structures differ (the 5th column of syscall_32.tbl, e.g.
 * compat_sys_lseek with its 32-bit offset). It makes __ia32_compat_sys_NAME.
 */
#define COMPAT_SYSCALL_DEFINEx(name, params)                                                            \
    static SyscallResult __do_compat_sys_##name params;                                                 \
    extern "C" long __ia32_compat_sys_##name(const pt_regs& regs)                                       \
    {                                                                                                   \
        return syscall_invoke<SyscallAbi::IA32, false>(__do_compat_sys_##name, regs);                   \
    }                                                                                                   \
    [[gnu::used, gnu::section("syscall_meta"), gnu::aligned(8)]] static constinit const syscall_metadata \
        __meta_compat_##name =                                                                          \
            make_syscall_metadata("compat_" #name, __do_compat_sys_##name, nullptr, __ia32_compat_sys_##name); \
    static SyscallResult __do_compat_sys_##name params

#define COMPAT_SYSCALL_DEFINE0(name) COMPAT_SYSCALL_DEFINEx(name, ())
#define COMPAT_SYSCALL_DEFINE1(name, t1, a1) COMPAT_SYSCALL_DEFINEx(name, (t1 a1))
#define COMPAT_SYSCALL_DEFINE2(name, t1, a1, t2, a2) COMPAT_SYSCALL_DEFINEx(name, (t1 a1, t2 a2))
#define COMPAT_SYSCALL_DEFINE3(name, t1, a1, t2, a2, t3, a3) COMPAT_SYSCALL_DEFINEx(name, (t1 a1, t2 a2, t3 a3))
#define COMPAT_SYSCALL_DEFINE4(name, t1, a1, t2, a2, t3, a3, t4, a4) \
    COMPAT_SYSCALL_DEFINEx(name, (t1 a1, t2 a2, t3 a3, t4 a4))
#define COMPAT_SYSCALL_DEFINE5(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5) \
    COMPAT_SYSCALL_DEFINEx(name, (t1 a1, t2 a2, t3 a3, t4 a4, t5 a5))
#define COMPAT_SYSCALL_DEFINE6(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6) \
    COMPAT_SYSCALL_DEFINEx(name, (t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6))

/* The registers of the current system call, at the top of the kernel stack. */
pt_regs* current_pt_regs();
