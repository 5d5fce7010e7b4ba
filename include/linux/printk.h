/* Kernel messages on the console, and the ways to stop. */
#pragma once
#include <linux/compiler.h>
#include <linux/types.h>
#include <stdarg.h>

/* printf-style formatting into buf (always terminated); returns the length the
 * full output would have. Supports %d %i %u %x %X %o %c %s %p %% with l/ll/z/h
 * modifiers, width, precision (for %s), '-' and '0' flags. */
int vsnprintf(char* buf, size_t size, const char* fmt, va_list args);
int snprintf(char* buf, size_t size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

/* Writes to the kernel log (COM2, or the console). */
void printk(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
/* Informational: silenced by "quiet" on the command line, as on Linux. */
void pr_info(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
extern bool printk_quiet;
void console_write(const char* s, size_t len);

/* The kernel log buffer (what dmesg reads): copies the newest bytes, up to size. */
size_t log_buf_copy(char* dst, size_t size, bool clear);
size_t log_buf_unread();
void log_buf_clear();

/* Prints the message, registers if given, a backtrace, and ends the machine
 * with a failure status. */
[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

#define BUG_ON(cond)                                                          \
    do {                                                                      \
        if (unlikely(cond))                                                   \
            panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, __LINE__);          \
    } while (0)
#define WARN_ON(cond)                                                         \
    ({                                                                        \
        bool _w = (cond);                                                     \
        if (unlikely(_w))                                                     \
            printk("WARNING: %s at %s:%d\n", #cond, __FILE__, __LINE__);      \
        _w;                                                                   \
    })
