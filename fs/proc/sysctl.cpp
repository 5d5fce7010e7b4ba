/*
 * /proc/sys files of the file system and the kernel that have a variable
 * behind them (Linux's kernel/sysctl.c entries): fs/pipe-max-size,
 * kernel/tainted, kernel/core_pattern, kernel/ns_last_pid; and the number
 * parser every writable /proc/sys file uses. Writes need root (the files
 * are 0644, as Linux's), and take Linux's formats.
 */
#include "internal.h"

#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/string.h>

unsigned int pipe_max_size = 1048576; /* fs/pipe.cpp: F_SETPIPE_SZ's limit without CAP_SYS_RESOURCE */

namespace procfs {

/* Linux's proc_dointvec / proc_doulongvec: numbers separated by blanks;
 * EINVAL for anything else or a value out of [min, max]. */
Result<int> parse_numbers(const char* data, size_t len, unsigned long* out, int max_count)
{
    int n = 0;
    size_t i = 0;
    while (i < len && n < max_count) {
        while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n'))
            i++;
        if (i >= len || !data[i])
            break;
        if (data[i] < '0' || data[i] > '9')
            return Errno::EINVAL;
        unsigned long v = 0;
        while (i < len && data[i] >= '0' && data[i] <= '9') {
            unsigned long d = static_cast<unsigned long>(data[i] - '0');
            if (v > (~0UL - d) / 10)
                return Errno::EINVAL;
            v = v * 10 + d;
            i++;
        }
        if (i < len && data[i] && data[i] != ' ' && data[i] != '\t' && data[i] != '\n')
            return Errno::EINVAL;
        out[n++] = v;
    }
    if (!n)
        return Errno::EINVAL;
    return n;
}

namespace {

unsigned long tainted_mask;     /* nothing taints this kernel unless root says so */
char core_pattern[128] = "core"; /* what a core dump would be called (none is written) */

/* One unsigned number, at most max. */
Result<unsigned long> parse_uint(const char* data, size_t len, unsigned long max)
{
    unsigned long v;
    TRY(parse_numbers(data, len, &v, 1));
    if (v > max)
        return Errno::EINVAL;
    return v;
}

} // namespace

Result<void> show_pipe_max_size(seqbuf& m)
{
    m.printf("%u\n", READ_ONCE(pipe_max_size));
    return {};
}

/* Rounded up to a power of two pages, as Linux's round_pipe_size. */
Result<size_t> write_pipe_max_size(const char* data, size_t len)
{
    unsigned long v = TRY(parse_uint(data, len, 0xffffffffUL));
    if (v > (1UL << 31))
        return Errno::EINVAL;
    unsigned long size = PAGE_SIZE;
    while (size < v)
        size <<= 1;
    WRITE_ONCE(pipe_max_size, static_cast<unsigned int>(size));
    return len;
}

Result<void> show_tainted(seqbuf& m)
{
    m.printf("%lu\n", READ_ONCE(tainted_mask));
    return {};
}

/* A write adds taint flags; none is ever removed (Linux's proc_taint). */
Result<size_t> write_tainted(const char* data, size_t len)
{
    if (!capable(CAP_SYS_ADMIN))
        return Errno::EPERM;
    unsigned long v = TRY(parse_uint(data, len, ~0UL));
    WRITE_ONCE(tainted_mask, tainted_mask | v);
    return len;
}

Result<void> show_core_pattern(seqbuf& m)
{
    m.printf("%s\n", core_pattern);
    return {};
}

/* The pattern, without its last newline; at most 127 bytes. */
Result<size_t> write_core_pattern(const char* data, size_t len)
{
    size_t n = len;
    if (n && data[n - 1] == '\n')
        n--;
    if (n >= sizeof(core_pattern))
        return Errno::EINVAL;
    memcpy(core_pattern, data, n);
    core_pattern[n] = 0;
    return len;
}

Result<void> show_ns_last_pid(seqbuf& m)
{
    m.printf("%d\n", last_pid_allocated());
    return {};
}

/* 0 to pid_max - 1, for CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE (Linux's pid_ns_ctl_handler). */
Result<size_t> write_ns_last_pid(const char* data, size_t len)
{
    if (!capable(CAP_SYS_ADMIN) && !capable(CAP_CHECKPOINT_RESTORE))
        return Errno::EPERM;
    unsigned long v = TRY(parse_uint(data, len, PID_MAX_DEFAULT - 1));
    set_last_pid(static_cast<pid_t>(v));
    return len;
}


} // namespace procfs
