#include <drivers/serial.h>
#include <linux/printk.h>
#include <asm/reboot.h>
#include <asm/traps.h>
#include <asm/processor.h>
#include <linux/spinlock.h>

/* Protects the log buffer and keeps one message's bytes together on the
 * log port when several CPUs print; innermost of all locks. */
spinlock_t logbuf_lock("logbuf_lock");

namespace {

/* The kernel log, kept for dmesg (syslog(2)) as well as sent to the log port. */
constexpr size_t LOG_BUF_LEN = 16384;
char log_buf[LOG_BUF_LEN];
u64 log_end;   /* bytes ever logged; the buffer holds the last LOG_BUF_LEN */
u64 log_start; /* where SYSLOG_ACTION_CLEAR left the readable part */

void log_store(const char* s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        log_buf[log_end++ % LOG_BUF_LEN] = s[i];
}

} // namespace

void console_write(const char* s, size_t len)
{
    u64 flags = local_irq_save();
    /* A panic or fault report while this CPU holds it (a fault inside
     * printk) writes anyway rather than deadlock. */
    bool nested = logbuf_lock.owner_cpu == smp_processor_id();
    if (!nested)
        spin_lock(&logbuf_lock);
    log_store(s, len);
    serial_log_write(s, len);
    if (!nested)
        spin_unlock(&logbuf_lock);
    local_irq_restore(flags);
}

size_t log_buf_copy(char* dst, size_t size, bool clear)
{
    spin_guard g(&logbuf_lock);
    u64 first = max(log_start, log_end > LOG_BUF_LEN ? log_end - LOG_BUF_LEN : 0);
    size_t n = min<u64>(log_end - first, size);
    first = log_end - n; /* the newest n bytes */
    for (size_t i = 0; i < n; i++)
        dst[i] = log_buf[(first + i) % LOG_BUF_LEN];
    if (clear)
        log_start = log_end;
    return n;
}

size_t log_buf_unread() { return log_end - max(log_start, log_end > LOG_BUF_LEN ? log_end - LOG_BUF_LEN : 0); }

void log_buf_clear() { log_start = log_end; }

bool printk_quiet;

static void vprintk(const char* fmt, va_list args)
{
    char buf[512];
    int n = vsnprintf(buf, sizeof(buf), fmt, args);
    console_write(buf, n < static_cast<int>(sizeof(buf)) ? n : sizeof(buf) - 1);
}

void printk(const char* fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vprintk(fmt, args);
    va_end(args);
}

void pr_info(const char* fmt, ...)
{
    /* "quiet" keeps informational messages off the console, not out of the log (dmesg). */
    va_list args;
    va_start(args, fmt);
    if (printk_quiet) {
        char buf[512];
        int n = vsnprintf(buf, sizeof(buf), fmt, args);
        spin_guard g(&logbuf_lock);
        log_store(buf, min<size_t>(n, sizeof(buf) - 1));
    } else {
        vprintk(fmt, args);
    }
    va_end(args);
}

void panic(const char* fmt, ...)
{
    local_irq_disable();
    char buf[512];
    va_list args;
    va_start(args, fmt);
    vsnprintf(buf, sizeof(buf), fmt, args);
    va_end(args);
    printk("Kernel panic: %s\n", buf);
    dump_stack(reinterpret_cast<u64>(__builtin_frame_address(0)));
    machine_panic_exit();
}

/* ---- syslog(2), what dmesg uses ---- */

#include <linux/cred.h>
#include <linux/slab.h>
#include <linux/syscalls.h>

SYSCALL_DEFINE3(syslog, int, type, user_out_ptr<char>, buf, int, len)
{
    enum { CLOSE, OPEN, READ, READ_ALL, READ_CLEAR, CLEAR, CONSOLE_OFF, CONSOLE_ON, CONSOLE_LEVEL, SIZE_UNREAD,
           SIZE_BUFFER };
    if (type != CLOSE && type != OPEN && type != SIZE_BUFFER && !capable(CAP_SYSLOG) && !capable(CAP_SYS_ADMIN))
        return Errno::EPERM;
    switch (type) {
    case CLOSE:
    case OPEN:
    case CONSOLE_OFF:
    case CONSOLE_ON:
        return 0;
    case CONSOLE_LEVEL:
        return len < 1 || len > 8 ? SyscallResult(Errno::EINVAL) : SyscallResult(0);
    case CLEAR:
        log_buf_clear();
        return 0;
    case SIZE_UNREAD:
        return log_buf_unread();
    case SIZE_BUFFER:
        return 16384;
    case READ:
    case READ_ALL:
    case READ_CLEAR: {
        if (!buf || len < 0)
            return Errno::EINVAL;
        if (!len)
            return 0;
        auto* tmp = static_cast<char*>(kmalloc(static_cast<size_t>(len)));
        if (!tmp)
            return Errno::ENOMEM;
        size_t n = log_buf_copy(tmp, static_cast<size_t>(len), type != READ_ALL);
        auto r = copy_to_user(buf, tmp, n);
        kfree(tmp);
        return r.ok() ? SyscallResult(n) : SyscallResult(r.error());
    }
    default:
        return Errno::EINVAL;
    }
}
