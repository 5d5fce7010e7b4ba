// Tests of include/linux/result.h: Result<T> holds a value or an Errno (and
// constructs, copies and destroys the value exactly once each), Result<void>
// holds success or an Errno, and TRY returns the error or yields the value.
#include "kernel_host.h"

namespace {

// A value that counts its live copies, to catch leaks and double destruction.
struct Counted {
    static inline int live = 0;
    static inline int copies = 0;
    int v;
    explicit Counted(int x) : v(x) { live++; }
    Counted(const Counted& o) : v(o.v) { live++, copies++; }
    Counted(Counted&& o) noexcept : v(o.v) { o.v = -1, live++; }
    Counted& operator=(const Counted&) = default;
    ~Counted() { live--; }
};

// A value is ok, converts to true and reads back.
TEST(Result, Value)
{
    Result<int> r(7);
    EXPECT_TRUE(r.ok());
    EXPECT_TRUE(static_cast<bool>(r));
    EXPECT_EQ(r.value(), 7);
    EXPECT_EQ(r.value_or(9), 7);
    r.value() = 8;
    EXPECT_EQ(r.release_value(), 8);
}

// An error is not ok, converts to false and reports its Errno.
TEST(Result, Error)
{
    Result<int> r(Errno::ENOENT);
    EXPECT_FALSE(r.ok());
    EXPECT_FALSE(static_cast<bool>(r));
    EXPECT_EQ(r.error(), Errno::ENOENT);
    EXPECT_EQ(r.value_or(9), 9);
}

// Class values: constructed once, copied with the Result, destroyed once.
TEST(Result, Lifetime)
{
    Counted::live = Counted::copies = 0;
    {
        Result<Counted> a(Counted(1));
        EXPECT_EQ(Counted::live, 1);
        Result<Counted> b = a;
        EXPECT_EQ(Counted::live, 2);
        EXPECT_EQ(b.value().v, 1);
        Result<Counted> e(Errno::ENOMEM);
        EXPECT_EQ(Counted::live, 2); // an error holds no value
        Result<Counted> e2 = e;
        EXPECT_EQ(e2.error(), Errno::ENOMEM);
        EXPECT_EQ(Counted::live, 2);
    }
    EXPECT_EQ(Counted::live, 0);
}

// Assignment between value and error states destroys and creates exactly what it must.
TEST(Result, Assignment)
{
    Counted::live = 0;
    {
        Result<Counted> a(Counted(1));
        Result<Counted> b(Counted(2));
        Result<Counted> e(Errno::EIO);
        a = b; // value over value
        EXPECT_EQ(a.value().v, 2);
        EXPECT_EQ(Counted::live, 2);
        a = e; // error over value
        EXPECT_FALSE(a.ok());
        EXPECT_EQ(a.error(), Errno::EIO);
        EXPECT_EQ(Counted::live, 1);
        a = b; // value over error
        EXPECT_TRUE(a.ok());
        EXPECT_EQ(a.value().v, 2);
        EXPECT_EQ(Counted::live, 2);
        auto& self = a;
        a = self; // self-assignment keeps the value
        EXPECT_EQ(a.value().v, 2);
        EXPECT_EQ(Counted::live, 2);
        e = Result<Counted>(Errno::EAGAIN); // error over error
        EXPECT_EQ(e.error(), Errno::EAGAIN);
    }
    EXPECT_EQ(Counted::live, 0);
}

// release_value moves the value out rather than copying it.
TEST(Result, ReleaseMoves)
{
    Counted::copies = 0;
    Result<Counted> r(Counted(5));
    Counted c = r.release_value();
    EXPECT_EQ(c.v, 5);
    EXPECT_EQ(r.value().v, -1); // moved from
    EXPECT_EQ(Counted::copies, 0);
    Result<std::string> s(std::string(100, 'x'));
    std::string t = s.release_value();
    EXPECT_EQ(t.size(), 100u);
}

// Result<void>: success by default, or an Errno.
TEST(Result, Void)
{
    Result<void> ok;
    EXPECT_TRUE(ok.ok());
    EXPECT_TRUE(static_cast<bool>(ok));
    Result<void> bad(Errno::EFAULT);
    EXPECT_FALSE(bad.ok());
    EXPECT_FALSE(static_cast<bool>(bad));
    EXPECT_EQ(bad.error(), Errno::EFAULT);
    Result<void> copy = bad;
    EXPECT_EQ(copy.error(), Errno::EFAULT);
    copy = ok;
    EXPECT_TRUE(copy.ok());
}

// ---- TRY ----

int evaluations;

Result<int> parse(int x)
{
    evaluations++;
    if (x < 0)
        return Errno::EINVAL;
    return x;
}

Result<void> check(int x)
{
    if (x > 100)
        return Errno::ERANGE;
    return {};
}

int reached;

Result<int> twice(int x)
{
    int v = TRY(parse(x));
    reached++;
    return v * 2;
}

Result<long> sum(int a, int b)
{
    TRY(check(a));
    TRY(check(b));
    return static_cast<long>(TRY(parse(a))) + TRY(parse(b));
}

Result<void> both(int a, int b)
{
    TRY(parse(a));
    TRY(check(b));
    return {};
}

Errno first_error(int a)
{
    TRY(check(a));
    return Errno::ENOSYS;
}

// TRY yields the value and carries on.
TEST(Try, Value)
{
    reached = evaluations = 0;
    Result<int> r = twice(21);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value(), 42);
    EXPECT_EQ(reached, 1);
    EXPECT_EQ(evaluations, 1); // the expression is evaluated once
}

// TRY returns the error at once: nothing after it runs.
TEST(Try, Propagates)
{
    reached = 0;
    Result<int> r = twice(-1);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), Errno::EINVAL);
    EXPECT_EQ(reached, 0);
}

// TRY mixes Result<void> and Result<T> and converts the error to the enclosing return type.
TEST(Try, Mixed)
{
    EXPECT_EQ(sum(2, 3).value(), 5);
    EXPECT_EQ(sum(200, 3).error(), Errno::ERANGE);
    evaluations = 0;
    EXPECT_EQ(sum(3, 200).error(), Errno::ERANGE);
    EXPECT_EQ(evaluations, 0);
    EXPECT_EQ(sum(-1, 3).error(), Errno::EINVAL);
    EXPECT_TRUE(both(1, 1).ok());
    EXPECT_EQ(both(-1, 1).error(), Errno::EINVAL);
    EXPECT_EQ(both(1, 101).error(), Errno::ERANGE);
    EXPECT_EQ(first_error(101), Errno::ERANGE);
    EXPECT_EQ(first_error(1), Errno::ENOSYS);
}

// TRY works on move-only values: the value is moved out, never copied.
TEST(Try, MoveOnly)
{
    auto make = [](bool fail) -> Result<std::unique_ptr<int>> {
        if (fail)
            return Errno::ENOMEM;
        return std::make_unique<int>(5);
    };
    auto use = [&](bool fail) -> Result<int> {
        std::unique_ptr<int> p = TRY(make(fail));
        return *p + 1;
    };
    EXPECT_EQ(use(false).value(), 6);
    EXPECT_EQ(use(true).error(), Errno::ENOMEM);
}

// A handler's Result<T> turns into the long a system call returns.
TEST(Try, SyscallReturn)
{
    EXPECT_EQ(SyscallResult(twice(4)).value, 8);
    EXPECT_EQ(SyscallResult(twice(-4)).value, -22);
    EXPECT_EQ(SyscallResult(both(1, 101)).value, -34);
    EXPECT_EQ(SyscallResult(both(1, 1)).value, 0);
}

static_assert(sizeof(Result<void>) == sizeof(int));
static_assert(!std::is_convertible_v<Result<int>, bool>); // operator bool is explicit
static_assert(!std::is_constructible_v<Result<int>, int*>);

} // namespace
