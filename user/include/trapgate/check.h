/*
 * A small check framework for guest test programs. Every check prints what it
 * observed, always, and a separate FAIL line only on a mismatch:
 *
 *     CHECK_EQ(sys_read(99, buf, 1), EBADF);
 *         sys_read(99, buf, 1) = -9 EBADF
 *     CHECK_EQ(sys_getuid(), 0);
 *         sys_getuid() = 0
 *     CHECK(p[0] == 0);
 *         p[0] == 0: yes
 *     ... on a mismatch, also:
 *         FAIL: sys_getuid(): expected 0
 *
 * The expected value of CHECK_EQ is an error number (trapgate::EBADF: the
 * result must be -EBADF), a SysResult, or a plain integer (the raw result, or
 * the integer compared). CHECK_OK(expr) only requires success and prints "ok"
 * instead of the value (for addresses and other values that differ between
 * runs). Labels are the expressions' text, so the output is the same on every
 * kernel that behaves the same.
 *
 * main ends with `return trapgate::test::summary();`: it prints the counts and
 * gives exit status 1 if anything failed.
 */
#pragma once

#include <trapgate/print.h>
#include <trapgate/start.h>
#include <trapgate/syscall.h>
#include <type_traits>

namespace trapgate::test {

inline int checks;
inline int failures;

inline void section(const char* name) { println("== ", name, " =="); }

/* A label built from strings and integers, for checks made in loops:
 *     expect_eq(label("read(fd, ", name, ", ", n, ")"), r, EFAULT);
 * The text lives in a static buffer until the next label() call. */
namespace detail {
inline char label_buf[256];
inline size_t label_len;
inline void label_put(const char* s)
{
    while (s && *s && label_len < sizeof(label_buf) - 1)
        label_buf[label_len++] = *s++;
}
template <typename T>
    requires std::is_integral_v<T>
inline void label_put(T v)
{
    char tmp[24];
    int n = 0;
    bool neg = std::is_signed_v<T> && v < 0;
    unsigned long u = neg ? 0 - static_cast<unsigned long>(v) : static_cast<unsigned long>(v);
    do {
        tmp[n++] = static_cast<char>('0' + u % 10);
        u /= 10;
    } while (u);
    if (neg)
        tmp[n++] = '-';
    char out[24];
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = 0;
    label_put(static_cast<const char*>(out));
}
} // namespace detail

template <typename... A>
inline const char* label(const A&... parts)
{
    detail::label_len = 0;
    (detail::label_put(parts), ...);
    detail::label_buf[detail::label_len] = 0;
    return detail::label_buf;
}

namespace detail {

/* What a check compares: a raw long, with how to print it. */
struct Observed {
    long raw;
    bool is_result; /* print as a system call result ("-14 EFAULT") */
};

template <typename T>
constexpr Observed observe(const T& v)
{
    if constexpr (std::is_same_v<T, SysResult>)
        return {v.raw(), true};
    else if constexpr (std::is_same_v<T, Errno>)
        return {-static_cast<long>(v), true};
    else if constexpr (std::is_pointer_v<T>)
        return {reinterpret_cast<long>(v), false};
    else if constexpr (std::is_enum_v<T>)
        return {static_cast<long>(static_cast<std::underlying_type_t<T>>(v)), false};
    else
        return {static_cast<long>(v), false};
}

inline void print_observed(Observed o)
{
    if (o.is_result)
        print_one(SysResult(o.raw));
    else
        io::put_dec(o.raw);
}

} // namespace detail

inline void record(bool passed)
{
    checks++;
    if (!passed)
        failures++;
}

/* got == want, printing "label = got" (and a FAIL line on a mismatch). */
template <typename G, typename W>
inline bool expect_eq(const char* label, const G& got, const W& want)
{
    detail::Observed g = detail::observe(got);
    detail::Observed w = detail::observe(want);
    /* An expected errno or SysResult prints the observed value as a result too. */
    if (w.is_result)
        g.is_result = true;
    print(label, " = ");
    detail::print_observed(g);
    io::put_char('\n');
    bool passed = g.raw == w.raw;
    if (!passed) {
        print("FAIL: ", label, ": expected ");
        detail::print_observed(w);
        io::put_char('\n');
    }
    record(passed);
    return passed;
}

/* A successful result, printed as "label = ok" (the value is not shown). */
inline bool expect_ok(const char* label, SysResult got)
{
    if (got.ok())
        println(label, " = ok");
    else
        println(label, " = ", got, "\nFAIL: ", label, ": expected success");
    record(got.ok());
    return got.ok();
}

/* A condition: "label: yes", or "label: no" and a FAIL line. */
inline bool expect_true(const char* label, bool cond)
{
    println(label, cond ? ": yes" : ": no");
    if (!cond)
        println("FAIL: ", label);
    record(cond);
    return cond;
}

/* Two strings equal: "label = "got"". */
inline bool expect_str(const char* label, const char* got, const char* want)
{
    bool passed = got && want && streq(got, want);
    println(label, " = \"", got, "\"");
    if (!passed)
        println("FAIL: ", label, ": expected \"", want, "\"");
    record(passed);
    return passed;
}

/* Prints the counts; the exit status for main (1 if any check failed). */
inline int summary()
{
    println(checks, " checks, ", failures, " failed");
    io::flush();
    return failures ? 1 : 0;
}

} // namespace trapgate::test

#define CHECK_EQ(expr, expected) ::trapgate::test::expect_eq(#expr, (expr), (expected))
#define CHECK_ERR(expr, err) ::trapgate::test::expect_eq(#expr, (expr), ::trapgate::SysResult::from_errno(err))
#define CHECK_OK(expr) ::trapgate::test::expect_ok(#expr, (expr))
#define CHECK(cond) ::trapgate::test::expect_true(#cond, (cond))
#define CHECK_STR(expr, expected) ::trapgate::test::expect_str(#expr, (expr), (expected))
