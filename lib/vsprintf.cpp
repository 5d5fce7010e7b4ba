/* A small printf for the kernel: enough for messages, the tracer and procfs. */
#include <linux/printk.h>
#include <linux/string.h>

namespace {

struct Output {
    char* buf;
    size_t size;
    size_t len = 0;
    void put(char c)
    {
        if (len + 1 < size)
            buf[len] = c;
        len++;
    }
    void pad(size_t n, char c)
    {
        while (n--)
            put(c);
    }
};

struct Spec {
    bool left = false;
    bool zero = false;
    int width = 0;
    int precision = -1;
};

void put_string(Output& out, const char* s, const Spec& spec)
{
    if (!s)
        s = "(null)";
    size_t n = spec.precision >= 0 ? strnlen(s, spec.precision) : strlen(s);
    size_t fill = spec.width > static_cast<int>(n) ? spec.width - n : 0;
    if (!spec.left)
        out.pad(fill, ' ');
    for (size_t i = 0; i < n; i++)
        out.put(s[i]);
    if (spec.left)
        out.pad(fill, ' ');
}

void put_number(Output& out, unsigned long long v, bool negative, unsigned base, bool upper, const Spec& spec)
{
    char digits[24];
    int n = 0;
    const char* set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        digits[n++] = set[v % base];
        v /= base;
    } while (v);
    int len = n + (negative ? 1 : 0);
    int fill = spec.width > len ? spec.width - len : 0;
    if (!spec.left && !spec.zero)
        out.pad(fill, ' ');
    if (negative)
        out.put('-');
    if (!spec.left && spec.zero)
        out.pad(fill, '0');
    while (n)
        out.put(digits[--n]);
    if (spec.left)
        out.pad(fill, ' ');
}

} // namespace

int vsnprintf(char* buf, size_t size, const char* fmt, va_list args)
{
    Output out{buf, size};
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out.put(*fmt);
            continue;
        }
        Spec spec;
        for (;; fmt++) {
            if (fmt[1] == '-')
                spec.left = true;
            else if (fmt[1] == '0')
                spec.zero = true;
            else
                break;
        }
        fmt++;
        if (*fmt == '*') {
            spec.width = va_arg(args, int);
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            spec.width = spec.width * 10 + (*fmt++ - '0');
        if (*fmt == '.') {
            fmt++;
            spec.precision = 0;
            if (*fmt == '*') {
                spec.precision = va_arg(args, int);
                fmt++;
            }
            while (*fmt >= '0' && *fmt <= '9')
                spec.precision = spec.precision * 10 + (*fmt++ - '0');
        }
        int longs = 0;
        while (*fmt == 'l' || *fmt == 'z' || *fmt == 'h') {
            if (*fmt != 'h')
                longs = 2;
            fmt++;
        }
        switch (*fmt) {
        case 'd':
        case 'i': {
            long long v = longs ? va_arg(args, long long) : va_arg(args, int);
            put_number(out, v < 0 ? -static_cast<unsigned long long>(v) : v, v < 0, 10, false, spec);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            unsigned long long v = longs ? va_arg(args, unsigned long long) : va_arg(args, unsigned);
            unsigned base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
            put_number(out, v, false, base, *fmt == 'X', spec);
            break;
        }
        case 'p': {
            out.put('0');
            out.put('x');
            spec.zero = true;
            spec.width = 16;
            put_number(out, reinterpret_cast<unsigned long>(va_arg(args, void*)), false, 16, false, spec);
            break;
        }
        case 'c':
            out.put(static_cast<char>(va_arg(args, int)));
            break;
        case 's':
            put_string(out, va_arg(args, const char*), spec);
            break;
        case '%':
            out.put('%');
            break;
        default:
            out.put('%');
            if (*fmt)
                out.put(*fmt);
            else
                fmt--;
        }
    }
    if (size)
        buf[out.len < size ? out.len : size - 1] = 0;
    return static_cast<int>(out.len);
}

int snprintf(char* buf, size_t size, const char* fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int n = vsnprintf(buf, size, fmt, args);
    va_end(args);
    return n;
}
