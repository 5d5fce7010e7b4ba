/*
 * Minimal output for programs without libc, on the write system call.
 *
 *     trapgate::println("read(bad fd) = ", r);     // "read(bad fd) = -9 EBADF"
 *     trapgate::println("value ", 42, " at ", trapgate::Hex{0x1000});
 *
 * print() takes any mix of strings, characters, bools, integers, Hex{...} and
 * SysResult (a value in decimal, or "-errno NAME"). Output is buffered per
 * line: each '\n' (and a full buffer) writes it out, so a program that dies
 * has written every complete line before the fault.
 */
#pragma once

#include <stddef.h>
#include <trapgate/syscall.h>
#include <type_traits>

namespace trapgate {

/* An unsigned value printed as 0x..., lowercase, without leading zeros. */
struct Hex {
    unsigned long value;
};

namespace io {

inline int out_fd = 1;
inline char buf[1024];
inline size_t len;

inline void write_all(int fd, const char* p, size_t n)
{
    while (n) {
        SysResult r = x64::sys_write(fd, p, n);
        if (!r.ok() || r.value() == 0)
            return;
        p += r.value();
        n -= static_cast<size_t>(r.value());
    }
}

inline void flush()
{
    write_all(out_fd, buf, len);
    len = 0;
}

inline void put_char(char c)
{
    if (len == sizeof(buf))
        flush();
    buf[len++] = c;
    if (c == '\n')
        flush();
}

inline void put_str(const char* s)
{
    if (!s)
        s = "(null)";
    while (*s)
        put_char(*s++);
}

inline void put_udec(unsigned long v)
{
    char tmp[20];
    int n = 0;
    do {
        tmp[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        put_char(tmp[--n]);
}

inline void put_dec(long v)
{
    if (v < 0) {
        put_char('-');
        put_udec(0 - static_cast<unsigned long>(v));
    } else {
        put_udec(static_cast<unsigned long>(v));
    }
}

inline void put_hex(unsigned long v)
{
    char tmp[16];
    int n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    put_str("0x");
    while (n)
        put_char(tmp[--n]);
}

} // namespace io

inline void print_one(const char* s) { io::put_str(s); }
inline void print_one(char c) { io::put_char(c); }
inline void print_one(bool b) { io::put_str(b ? "true" : "false"); }
inline void print_one(Hex h) { io::put_hex(h.value); }
inline void print_one(SysResult r)
{
    io::put_dec(r.raw());
    if (!r.ok()) {
        io::put_char(' ');
        io::put_str(r.errno_name());
    }
}
template <typename T>
    requires((std::is_integral_v<T> || std::is_enum_v<T>) && !std::is_same_v<T, char> && !std::is_same_v<T, bool>)
inline void print_one(T v)
{
    if constexpr (std::is_enum_v<T>)
        print_one(static_cast<std::underlying_type_t<T>>(v));
    else if constexpr (std::is_signed_v<T>)
        io::put_dec(static_cast<long>(v));
    else
        io::put_udec(static_cast<unsigned long>(v));
}

template <typename... A>
inline void print(const A&... a)
{
    (print_one(a), ...);
}

template <typename... A>
inline void println(const A&... a)
{
    (print_one(a), ...);
    io::put_char('\n');
}

} // namespace trapgate
