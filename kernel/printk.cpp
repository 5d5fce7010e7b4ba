#include <drivers/serial.h>
#include <linux/printk.h>
#include <asm/reboot.h>
#include <asm/traps.h>
#include <asm/processor.h>

void console_write(const char* s, size_t len) { serial_log_write(s, len); }

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
    if (printk_quiet)
        return;
    va_list args;
    va_start(args, fmt);
    vprintk(fmt, args);
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
