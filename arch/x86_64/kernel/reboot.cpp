/*
 * Leaving the machine. The exit status of the first program goes to the host
 * on QEMU's debug console (port 0xe9), one line, "exit_status=N", which
 * tools/qemu_run.py reads; then ACPI S5 powers off (QEMU exits 0). A panic
 * instead writes to QEMU's isa-debug-exit device, which ends QEMU with status 3.
 */
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/reboot.h>
#include <drivers/acpi.h>
#include <linux/printk.h>

namespace {

constexpr u16 QEMU_DEBUGCON = 0xe9;
constexpr u16 QEMU_DEBUG_EXIT = 0xf4;

void debugcon_write(const char* s)
{
    while (*s)
        outb(QEMU_DEBUGCON, static_cast<u8>(*s++));
}

[[noreturn]] void halt_forever()
{
    local_irq_disable();
    for (;;)
        halt();
}

} // namespace

void machine_power_off(int exit_status)
{
    char line[32];
    snprintf(line, sizeof(line), "exit_status=%d\n", exit_status);
    debugcon_write(line);
    acpi_power_off();
    /* QEMU acts on the request between instructions, a moment later. */
    for (int i = 0; i < 1000000; i++)
        cpu_relax();
    /* No ACPI: QEMU's exit device, status (0 << 1) | 1 = 1. */
    outb(QEMU_DEBUG_EXIT, 0);
    halt_forever();
}

void machine_restart()
{
    /* The keyboard controller's reset line, then a triple fault. */
    outb(0x64, 0xfe);
    struct [[gnu::packed]] {
        u16 limit = 0;
        u64 base = 0;
    } null_idt;
    asm volatile("lidt %0; int3" : : "m"(null_idt));
    halt_forever();
}

void machine_panic_exit()
{
    debugcon_write("kernel_panic\n");
    outb(QEMU_DEBUG_EXIT, 1); /* QEMU exits with (1 << 1) | 1 = 3 */
    halt_forever();
}
