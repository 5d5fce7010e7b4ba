// Tests of the pure parts of include/linux/uaccess.h: access_ok() as x86-64
// Linux 6.1 makes it (the range must not wrap and must end below the kernel
// half, bit 63), and the UserPtr type (arithmetic, and the direction rules
// checked at compile time). The copy routines themselves are not called.
#include "kernel_host.h"
#include <linux/uio.h>

namespace {

constexpr unsigned long kKernelHalf = 1UL << 63;

static_assert(TASK_SIZE_MAX == (1UL << 47) - 4096);

// Empty ranges pass anywhere below the kernel half, even in the non-canonical
// hole (the copy would fault there; with nothing to copy, nothing does).
TEST(AccessOk, ZeroSize)
{
    EXPECT_TRUE(access_ok(0, 0));
    EXPECT_TRUE(access_ok(0x400000, 0));
    EXPECT_TRUE(access_ok(TASK_SIZE_MAX, 0));
    EXPECT_TRUE(access_ok(1UL << 47, 0));
    EXPECT_TRUE(access_ok(kKernelHalf - 1, 0));
    EXPECT_FALSE(access_ok(kKernelHalf, 0));
}

// The end of the range (addr + size) must itself lie below 2^63.
TEST(AccessOk, TopBoundary)
{
    EXPECT_TRUE(access_ok(kKernelHalf - 2, 1));
    EXPECT_FALSE(access_ok(kKernelHalf - 1, 1));
    EXPECT_TRUE(access_ok(kKernelHalf - 4097, 4096));
    EXPECT_FALSE(access_ok(kKernelHalf - 4096, 4096));
    EXPECT_TRUE(access_ok(0, kKernelHalf - 1));
    EXPECT_FALSE(access_ok(0, kKernelHalf));
    EXPECT_TRUE(access_ok(TASK_SIZE_MAX - 4096, 8192)); /* the guard page: faults in the copy */
}

// Sizes or addresses near 2^64 never wrap into a passing range.
TEST(AccessOk, WrapAround)
{
    EXPECT_FALSE(access_ok(1, ~0UL));
    EXPECT_FALSE(access_ok(0x1000, ~0UL - 0xfff)); // 0x1000 + size wraps to 0
    EXPECT_FALSE(access_ok(~0UL, 1));
    EXPECT_FALSE(access_ok(~0UL - 0xfff, 0x2000));
    EXPECT_FALSE(access_ok(0, ~0UL));
}

// Kernel addresses (direct map, kernel image) are never user memory.
TEST(AccessOk, KernelAddresses)
{
    EXPECT_FALSE(access_ok(PAGE_OFFSET, 0));
    EXPECT_FALSE(access_ok(PAGE_OFFSET, 8));
    EXPECT_FALSE(access_ok(START_KERNEL_MAP, 1));
    EXPECT_FALSE(access_ok(0xffff'8000'0000'0000, 1)); // the lowest canonical kernel address
    EXPECT_FALSE(access_ok(0x8000'0000'0000'0000, 1)); // the first address with bit 63 set
}

// Pointer arithmetic steps by the element size (bytes for void) and keeps direction.
TEST(UserPtr, Arithmetic)
{
    user_in_ptr<int> p(0x1000);
    EXPECT_EQ(user_addr(p + 3), 0x100cUL);
    EXPECT_EQ(user_addr(user_out_ptr<void>(0x1000) + 3), 0x1003UL);
    EXPECT_EQ(user_addr(UserPtr<long[4], UserDir::InOut>(0) + 2), 64UL);
    EXPECT_EQ(user_addr(p.cast<char>()), 0x1000UL);
    EXPECT_TRUE(user_in_ptr<int>().is_null());
    EXPECT_FALSE(static_cast<bool>(user_in_ptr<int>()));
    EXPECT_TRUE(static_cast<bool>(p));
    // Arithmetic wraps silently; access_ok is what catches it.
    user_in_ptr<char> top(~0UL);
    EXPECT_EQ(user_addr(top + 2), 1UL);
}

// Direction is part of the type: reads need In/InOut, writes Out/InOut; no dereference.
static_assert(UserReadable<user_in_ptr<int>> && UserReadable<user_inout_ptr<int>>);
static_assert(!UserReadable<user_out_ptr<int>>);
static_assert(UserWritable<user_out_ptr<int>> && UserWritable<user_inout_ptr<int>>);
static_assert(!UserWritable<user_in_ptr<int>>);
template <typename P>
concept CanRead = requires(P p, int* d) { copy_from_user(d, p); };
template <typename P>
concept CanWrite = requires(P p, const int* s) { copy_to_user(p, s); };
template <typename P>
concept Dereferences = requires(P p) { *p; } || requires(P p) { p.operator->(); } || requires(P p) { p[0]; };
static_assert(CanRead<user_in_ptr<int>> && CanRead<user_inout_ptr<int>> && !CanRead<user_out_ptr<int>>);
static_assert(CanWrite<user_out_ptr<int>> && CanWrite<user_inout_ptr<int>> && !CanWrite<user_in_ptr<int>>);
static_assert(!Dereferences<user_inout_ptr<int>> && Dereferences<int*>);
static_assert(!std::is_convertible_v<unsigned long, user_in_ptr<int>>); // explicit only
static_assert(!std::is_constructible_v<user_out_ptr<int>, user_in_ptr<int>>);
static_assert(std::is_same_v<decltype(user_out_ptr<int>().cast<char>()), user_out_ptr<char>>);
static_assert(user_in_ptr<double>::element_size() == 8 && user_in_ptr<void>::element_size() == 1);

} // namespace

// A member by its offset, comparison, alignment.
TEST(UserPtr, FieldsAndComparison)
{
    struct pair {
        u32 a;
        u64 b;
    };
    user_inout_ptr<pair> p(0x2000);
    auto b = p.field<u64>(offsetof(pair, b));
    static_assert(std::is_same_v<decltype(b), user_inout_ptr<u64>>);
    EXPECT_EQ(user_addr(b), 0x2008UL);
    EXPECT_TRUE(p == user_inout_ptr<pair>(0x2000));
    EXPECT_FALSE(p == user_inout_ptr<pair>(0x2004));
    EXPECT_TRUE(p.is_aligned(8) && p.is_aligned(4096));
    EXPECT_FALSE(user_in_ptr<u32>(0x1002).is_aligned(4));
    EXPECT_TRUE(user_in_ptr<u32>(0x1002).is_aligned(2));
}

// Narrowing is implicit (InOut to In or Out, T to const T), widening is not.
static_assert(std::is_convertible_v<user_inout_ptr<int>, user_in_ptr<const int>>);
static_assert(std::is_convertible_v<user_inout_ptr<int>, user_out_ptr<int>>);
static_assert(std::is_convertible_v<user_in_ptr<int>, user_in_ptr<const int>>);
static_assert(!std::is_convertible_v<user_out_ptr<int>, user_inout_ptr<int>>);
static_assert(!std::is_convertible_v<user_in_ptr<int>, user_inout_ptr<int>>);
static_assert(!std::is_convertible_v<user_in_ptr<const int>, user_in_ptr<int>>);
static_assert(!std::is_convertible_v<user_inout_ptr<int>, user_in_ptr<long>>);
// No integer out of a pointer but user_addr: no addr(), no conversion.
template <typename P>
concept HasAddr = requires(P p) { p.addr(); };
static_assert(!HasAddr<user_in_ptr<int>> && !std::is_convertible_v<user_in_ptr<int>, unsigned long>);

// The I/O iterators: the direction is the type's (a read's destination is
// only written, a write's source only read), and none is built from a raw
// address or from a pointer of the wrong direction.
template <typename I>
concept CopiesTo = requires(I& i, const void* s) { i.copy_to_iter(s, 1); };
template <typename I>
concept CopiesFrom = requires(I& i, void* d) { i.copy_from_iter(d, 1); };
template <typename I>
concept Zeroes = requires(I& i) { i.zero_iter(1); };
static_assert(CopiesTo<iter_dest> && Zeroes<iter_dest> && !CopiesFrom<iter_dest>);
static_assert(CopiesFrom<iter_source> && !CopiesTo<iter_source> && !Zeroes<iter_source>);
template <typename I, typename Arg>
concept SingleFrom = requires(Arg a) { I::user_single(a, 1); };
static_assert(SingleFrom<iter_dest, user_out_ptr<void>> && !SingleFrom<iter_dest, user_in_ptr<const void>>);
static_assert(SingleFrom<iter_source, user_in_ptr<const void>> && !SingleFrom<iter_source, user_out_ptr<void>>);
static_assert(!SingleFrom<iter_dest, unsigned long> && !SingleFrom<iter_source, unsigned long>);
static_assert(!std::is_default_constructible_v<iov_iter> && !std::is_constructible_v<iov_iter, iter_dir, const iovec*,
                                                                                        size_t, size_t, bool>);

