// Tests of include/linux/syscalls.h: which register each argument comes from
// under the x86-64 and i386 ABIs, how a register becomes the declared type
// (truncation, sign and zero extension), how a handler's return becomes the
// long user space sees, and the tracer descriptor SYSCALL_DEFINEx emits.
#include "kernel_host.h"

#include <climits>

// ---- Test doubles for the tracer's printers (kernel/trace.cpp) ----

namespace {
// What the last trace_print_* call printed: which printer and its value.
std::string printed;
} // namespace

void trace_print_signed(TraceBuffer&, long v) { printed = "signed " + std::to_string(v); }
void trace_print_unsigned(TraceBuffer&, unsigned long v) { printed = "unsigned " + std::to_string(v); }
void trace_print_octal(TraceBuffer&, unsigned long v) { printed = "octal " + std::to_string(v); }
void trace_print_pointer(TraceBuffer&, unsigned long addr) { printed = "pointer " + std::to_string(addr); }
void trace_print_user_string(TraceBuffer&, unsigned long addr) { printed = "string " + std::to_string(addr); }
void trace_print_user_buffer(TraceBuffer&, unsigned long addr, unsigned long len)
{
    printed = "buffer " + std::to_string(addr) + " " + std::to_string(len);
}

// ---- A handler defined with the real macro ----

namespace {
struct MixArgs {
    int fd;
    long off;
    unsigned long addr;
    umode_t mode;
} mix;
} // namespace

SYSCALL_DEFINE4(tgtest_mix, int, fd, long, off, user_in_ptr<const char>, path, umode_t, mode)
{
    mix = {fd, off, user_addr(path), mode};
    if (fd < 0)
        return Errno::EBADF;
    return off + 1;
}

namespace {

using enum SyscallAbi;

// Registers with a different, recognisable value in every slot.
pt_regs marked()
{
    pt_regs r{};
    r.r15 = 0x1515;
    r.r14 = 0x1414;
    r.r13 = 0x1313;
    r.r12 = 0x1212;
    r.bp = 0xb0b0;
    r.bx = 0xbbbb;
    r.r11 = 0x1111;
    r.r10 = 0x1010;
    r.r9 = 0x0909;
    r.r8 = 0x0808;
    r.ax = 0xaaaa;
    r.cx = 0xcccc;
    r.dx = 0xdddd;
    r.si = 0x5151;
    r.di = 0xd1d1;
    r.orig_ax = 0x0a0a;
    r.ip = 0x1b1b;
    r.cs = 0x33;
    r.flags = 0x202;
    r.sp = 0x5b5b;
    r.ss = 0x2b;
    return r;
}

unsigned long got[6];
int calls;

SyscallResult six(unsigned long a, unsigned long b, unsigned long c, unsigned long d, unsigned long e,
                  unsigned long f)
{
    unsigned long v[6] = {a, b, c, d, e, f};
    std::copy(v, v + 6, got);
    calls++;
    return 0;
}

// x86-64 passes rdi, rsi, rdx, r10, r8, r9 (r10, not rcx, which syscall clobbers).
TEST(SyscallArgs, X64Registers)
{
    pt_regs r = marked();
    r.di = 0xffff'ffff'0000'0001; // all 64 bits are the argument's
    EXPECT_EQ(syscall_invoke<X64>(six, r), 0);
    EXPECT_EQ(std::vector<unsigned long>(got, got + 6),
              (std::vector<unsigned long>{0xffff'ffff'0000'0001, 0x5151, 0xdddd, 0x1010, 0x0808, 0x0909}));
}

// i386 passes ebx, ecx, edx, esi, edi, ebp and only their low 32 bits.
TEST(SyscallArgs, Ia32Registers)
{
    pt_regs r = marked();
    for (unsigned long* reg : {&r.bx, &r.cx, &r.dx, &r.si, &r.di, &r.bp})
        *reg |= 0xdead'beef'0000'0000;
    r.bp = 0x1234'5678'ffff'fff0;
    EXPECT_EQ(syscall_invoke<IA32>(six, r), 0);
    EXPECT_EQ(std::vector<unsigned long>(got, got + 6),
              (std::vector<unsigned long>{0xbbbb, 0xcccc, 0xdddd, 0x5151, 0xd1d1, 0xffff'fff0}));
}

// A handler with fewer parameters takes the first registers; one with none is still called.
TEST(SyscallArgs, FewerArguments)
{
    static unsigned long first, second;
    auto two = +[](unsigned long a, unsigned long b) -> SyscallResult {
        first = a;
        second = b;
        return 0;
    };
    pt_regs r = marked();
    (void)syscall_invoke<X64>(two, r);
    EXPECT_EQ(first, 0xd1d1u);
    EXPECT_EQ(second, 0x5151u);
    (void)syscall_invoke<IA32>(two, r);
    EXPECT_EQ(first, 0xbbbbu);
    EXPECT_EQ(second, 0xccccu);
    calls = 0;
    auto none = +[]() -> SyscallResult {
        calls++;
        return 7;
    };
    EXPECT_EQ(syscall_invoke<X64>(none, r), 7);
    EXPECT_EQ(calls, 1);
}

// x86-64: types narrower than 64 bits take the register's low bits.
TEST(SyscallArgs, X64Narrowing)
{
    EXPECT_EQ((decode_arg<int, X64>(0x1'0000'0005)), 5);
    EXPECT_EQ((decode_arg<int, X64>(0xffff'ffff)), -1);
    EXPECT_EQ((decode_arg<int, X64>(0x8000'0000)), INT_MIN);
    EXPECT_EQ((decode_arg<unsigned int, X64>(0x1'2345'6789)), 0x2345'6789u);
    EXPECT_EQ((decode_arg<umode_t, X64>(0x7'01ed)), 0x01ed);
    EXPECT_EQ((decode_arg<char, X64>(0x141)), 'A');
    EXPECT_EQ((decode_arg<long, X64>(0xffff'ffff)), 0xffff'ffffL);
    EXPECT_EQ((decode_arg<long, X64>(~0UL)), -1L);
    EXPECT_EQ((decode_arg<unsigned long, X64>(~0UL)), ~0UL);
}

// i386: long and long long are sign-extended from 32 bits; unsigned types are zero-extended.
TEST(SyscallArgs, Ia32Extension)
{
    EXPECT_EQ((decode_arg<long, IA32>(0xffff'ffff)), -1L);
    EXPECT_EQ((decode_arg<long, IA32>(0x8000'0000)), -2147483648L);
    EXPECT_EQ((decode_arg<long, IA32>(0x7fff'ffff)), 2147483647L);
    EXPECT_EQ((decode_arg<long long, IA32>(0xffff'ff9c)), -100LL);
    EXPECT_EQ((decode_arg<s64, IA32>(0xffff'fffe)), -2);
    EXPECT_EQ((decode_arg<ssize_t, IA32>(0xffff'ffff)), -1);
    EXPECT_EQ((decode_arg<unsigned long, IA32>(0xffff'ffff)), 0xffff'ffffUL);
    EXPECT_EQ((decode_arg<size_t, IA32>(0x8000'0000)), 0x8000'0000UL);
    EXPECT_EQ((decode_arg<u64, IA32>(0xffff'ffff)), 0xffff'ffffUL);
    EXPECT_EQ((decode_arg<int, IA32>(0xffff'ffff)), -1);
    EXPECT_EQ((decode_arg<unsigned int, IA32>(0xffff'ffff)), 0xffff'ffffu);
}

// User pointers are zero-extended under i386 and whole under x86-64.
TEST(SyscallArgs, UserPointers)
{
    EXPECT_EQ(user_addr(decode_arg<user_in_ptr<const char>, IA32>(0xffff'f000)), 0xffff'f000UL);
    EXPECT_EQ(user_addr(decode_arg<user_out_ptr<int>, X64>(0xffff'8880'0000'0000)), 0xffff'8880'0000'0000UL);
    static unsigned long seen;
    auto body = +[](user_out_ptr<void> p) -> SyscallResult {
        seen = user_addr(p);
        return 0;
    };
    pt_regs r = marked();
    r.bx = 0xffff'ffff'ffff'f000;
    (void)syscall_invoke<IA32>(body, r);
    EXPECT_EQ(seen, 0xffff'f000UL);
}

// Argument classes are built from the register (AT_FDCWD from a 32-bit -100, a 16-bit mode).
TEST(SyscallArgs, ArgumentClasses)
{
    EXPECT_EQ((decode_arg<DirFd, X64>(static_cast<unsigned long>(-100L))).value, -100);
    EXPECT_EQ((decode_arg<DirFd, IA32>(0xffff'ff9c)).value, -100);
    EXPECT_EQ((decode_arg<OpenFlags, X64>(0x1'0008'0241)).value, 0x0008'0241u);
    EXPECT_EQ((decode_arg<OpenMode, X64>(0x3'81a4)).value, 0x81a4);
}

// Under i386 the sign extension happens per declared type, through the whole invoke path.
TEST(SyscallArgs, Ia32InvokeByType)
{
    static long as_long;
    static unsigned long as_ulong;
    static int as_int;
    auto body = +[](long a, unsigned long b, const int c) -> SyscallResult {
        as_long = a;
        as_ulong = b;
        as_int = c;
        return 0;
    };
    pt_regs r = marked();
    r.bx = 0x1234'5678'ffff'ff9c;
    r.cx = 0x1234'5678'ffff'ff9c;
    r.dx = 0x1234'5678'8000'0000;
    (void)syscall_invoke<IA32>(body, r);
    EXPECT_EQ(as_long, -100);
    EXPECT_EQ(as_ulong, 0xffff'ff9cUL);
    EXPECT_EQ(as_int, INT_MIN);
    r.di = 0x1234'5678'ffff'ff9c;
    r.si = 5;
    (void)syscall_invoke<X64>(body, r);
    EXPECT_EQ(as_long, 0x1234'5678'ffff'ff9cL);
    EXPECT_EQ(as_ulong, 5u);
    EXPECT_EQ(as_int, INT_MIN); // x86-64 takes dx's low 32 bits
}

// Errno becomes -errno; Result<T> its value or -errno; plain values pass through.
TEST(SyscallArgs, ReturnValues)
{
    pt_regs r = marked();
    EXPECT_EQ(syscall_invoke<X64>(+[]() -> SyscallResult { return Errno::ENOENT; }, r), -2);
    EXPECT_EQ(syscall_invoke<IA32>(+[]() -> SyscallResult { return Errno::EFAULT; }, r), -14);
    EXPECT_EQ(syscall_invoke<X64>(+[]() -> SyscallResult { return Result<int>(Errno::EBADF); }, r), -9);
    EXPECT_EQ(syscall_invoke<X64>(+[]() -> SyscallResult { return Result<int>(42); }, r), 42);
    EXPECT_EQ(syscall_invoke<X64>(+[]() -> SyscallResult { return Result<size_t>(size_t{1} << 40); }, r),
              1L << 40);
    EXPECT_EQ(syscall_invoke<X64>(+[]() -> SyscallResult { return Result<void>(); }, r), 0);
    EXPECT_EQ(syscall_invoke<X64>(+[]() -> SyscallResult { return Result<void>(Errno::EINVAL); }, r), -22);
    EXPECT_EQ(syscall_invoke<X64>(+[]() -> SyscallResult { return -5; }, r), -5);
    // An unsigned int result is a value, not an error: zero-extended.
    EXPECT_EQ(syscall_invoke<X64>(+[]() -> SyscallResult { return 0xffff'ffffu; }, r), 0xffff'ffffL);
    EXPECT_EQ(syscall_invoke<X64>(+[]() -> SyscallResult { return 0x7fff'ffff'f000UL; }, r), 0x7fff'ffff'f000L);
}

// What a handler may return is checked at compile time.
static_assert(SyscallResult(Errno::ENOENT).value == -2);
static_assert(SyscallResult(Errno::ERESTARTSYS).value == -512);
static_assert(SyscallResult(0xffff'ffffu).value == 0xffff'ffffL);
static_assert(SyscallResult(static_cast<short>(-3)).value == -3);
static_assert(!std::is_constructible_v<SyscallResult, const char*>);
static_assert(!std::is_constructible_v<SyscallResult, void*>);
static_assert(!std::is_constructible_v<SyscallResult, double>);
static_assert(!std::is_constructible_v<SyscallResult, user_in_ptr<char>>);
static_assert(std::is_same_v<decltype(decode_arg<int, SyscallAbi::X64>(0)), int>);
static_assert(std::is_same_v<decltype(decode_arg<DirFd, SyscallAbi::IA32>(0)), DirFd>);
static_assert(is_user_ptr<user_inout_ptr<int>>::value && !is_user_ptr<unsigned long>::value);
static_assert(trace_omit_for<OpenMode>() == &OpenMode::trace_omit);
static_assert(trace_omit_for<int>() == nullptr && trace_omit_for<const DirFd&>() == nullptr);

// SYSCALL_DEFINEx: both stubs decode their ABI's registers and return the body's result.
TEST(SyscallDefine, Stubs)
{
    pt_regs r = marked();
    r.di = 0xffff'ffff'0000'0003; // fd 3
    r.si = static_cast<unsigned long>(-8L);
    r.dx = 0x7000'0000'1000;
    r.r10 = 0x1'81a4;
    EXPECT_EQ(__x64_sys_tgtest_mix(r), -7);
    EXPECT_EQ(mix.fd, 3);
    EXPECT_EQ(mix.off, -8);
    EXPECT_EQ(mix.addr, 0x7000'0000'1000UL);
    EXPECT_EQ(mix.mode, 0x81a4);

    r.bx = 0xffff'ffff'ffff'ffff; // fd -1: EBADF
    r.cx = 0xffff'ffff'0000'0010;
    r.dx = 0x1234'5678'0000'2000;
    r.si = 0x1ed;
    EXPECT_EQ(__ia32_sys_tgtest_mix(r), -9);
    EXPECT_EQ(mix.fd, -1);
    EXPECT_EQ(mix.off, 16);
    EXPECT_EQ(mix.addr, 0x2000UL);
    EXPECT_EQ(mix.mode, 0x1ed);
}

// The descriptor names the call, counts its arguments and points at both stubs.
TEST(SyscallDefine, Metadata)
{
    EXPECT_STREQ(__meta_tgtest_mix.name, "tgtest_mix");
    EXPECT_EQ(__meta_tgtest_mix.nb_args, 4);
    EXPECT_EQ(__meta_tgtest_mix.x64, &__x64_sys_tgtest_mix);
    EXPECT_EQ(__meta_tgtest_mix.ia32, &__ia32_sys_tgtest_mix);
    for (int i = 0; i < 6; i++) {
        EXPECT_EQ(__meta_tgtest_mix.format[i] != nullptr, i < 4) << i;
        EXPECT_EQ(__meta_tgtest_mix.omit[i], nullptr) << i;
    }
}

// The tracer decodes each argument by its type and ABI and picks the printer for it.
TEST(SyscallDefine, TraceFormats)
{
    char text[64];
    TraceBuffer out(text, sizeof text);
    auto fmt = [&](int i, unsigned long raw, SyscallAbi abi) {
        printed.clear();
        unsigned long args[6] = {};
        args[i] = raw;
        __meta_tgtest_mix.format[i](out, TraceArgs{args, i, abi, false, 0});
        return printed;
    };
    EXPECT_EQ(fmt(0, 0xffff'ffff, X64), "signed -1");
    EXPECT_EQ(fmt(1, 0xffff'ffff, X64), "signed 4294967295");
    EXPECT_EQ(fmt(1, 0xffff'ffff, IA32), "signed -1");
    EXPECT_EQ(fmt(2, 4096, X64), "string 4096");
    EXPECT_EQ(fmt(3, 0x1'01a4, X64), "octal 420");

    auto other = make_syscall_metadata("other", +[](unsigned int, user_out_ptr<char>, size_t) -> SyscallResult {
        return 0;
    }, nullptr, nullptr);
    EXPECT_EQ(other.nb_args, 3);
    EXPECT_EQ(other.at_exit, 1u << 1); // read's buffer is printed when the call returns
    EXPECT_EQ(other.result, nullptr);
    unsigned long args[6] = {0x1'0000'0007, 0x5000, 0xffff'ffff};
    printed.clear();
    other.format[0](out, TraceArgs{args, 0, X64, false, 0});
    EXPECT_EQ(printed, "unsigned 7");
    other.format[1](out, TraceArgs{args, 1, X64, true, 12});
    EXPECT_EQ(printed, "buffer 20480 12"); // the bytes the call returned
    other.format[1](out, TraceArgs{args, 1, X64, true, -14});
    EXPECT_EQ(printed, "pointer 20480"); // a failed call shows the address
    other.format[2](out, TraceArgs{args, 2, IA32, false, 0});
    EXPECT_EQ(printed, "unsigned 4294967295");
}

} // namespace
