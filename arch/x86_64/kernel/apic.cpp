/*
 * Interrupt controllers. The legacy 8259 PICs are remapped and masked; the
 * local APIC's timer ticks HZ times a second (calibrated against the TSC) and
 * the I/O APIC delivers device interrupts (the serial port's).
 */
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/io.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/tsc.h>
#include <drivers/acpi.h>
#include <linux/printk.h>
#include <linux/time.h>

namespace {

enum lapic_reg : u32 {
    APIC_ID = 0x20,
    APIC_TPR = 0x80,
    APIC_EOI = 0xb0,
    APIC_SVR = 0xf0,
    APIC_ICR_LOW = 0x300,
    APIC_ICR_HIGH = 0x310,
    APIC_LVT_TIMER = 0x320,
    APIC_LVT_LINT0 = 0x350,
    APIC_LVT_LINT1 = 0x360,
    APIC_LVT_ERROR = 0x370,
    APIC_TIMER_INIT = 0x380,
    APIC_TIMER_CURRENT = 0x390,
    APIC_TIMER_DIVIDE = 0x3e0,
};
constexpr u32 APIC_LVT_MASKED = 1 << 16;
constexpr u32 APIC_TIMER_PERIODIC = 1 << 17;
constexpr u32 APIC_ICR_BUSY = 1 << 12;
constexpr u32 APIC_DM_INIT = 0x500, APIC_DM_STARTUP = 0x600;
constexpr u32 APIC_INT_ASSERT = 1 << 14;
constexpr u32 APIC_INT_LEVELTRIG = 1 << 15;

u32 lapic_timer_per_ms; /* measured once, on the boot CPU: every CPU's timer runs at the bus clock */

volatile u32* lapic;

u32 lapic_read(u32 reg) { return lapic[reg / 4]; }
void lapic_write(u32 reg, u32 v) { lapic[reg / 4] = v; }

void disable_8259()
{
    /* Remap first so a stray interrupt can't look like an exception, then mask all. */
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, 0x20);
    outb(0xa1, 0x28);
    outb(0x21, 0x04);
    outb(0xa1, 0x02);
    outb(0x21, 0x01);
    outb(0xa1, 0x01);
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

/* APIC timer ticks per millisecond, measured against the (calibrated) TSC
 * over a quarter of a millisecond: tens of thousands of ticks, plenty for a
 * timer tick's accuracy. */
u32 calibrate_lapic_timer()
{
    lapic_write(APIC_TIMER_DIVIDE, 0x3); /* divide by 16 */
    lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
    lapic_write(APIC_TIMER_INIT, 0xffffffff);
    u64 end = tsc_ns() + 250000;
    while (tsc_ns() < end)
        ;
    u32 ticks = 0xffffffff - lapic_read(APIC_TIMER_CURRENT);
    lapic_write(APIC_TIMER_INIT, 0);
    return ticks * 4;
}

volatile u32* ioapic;

void ioapic_write(u32 reg, u32 v)
{
    ioapic[0] = reg;
    ioapic[4] = v;
}

} // namespace

namespace {

void lapic_enable_and_start_timer()
{
    lapic_write(APIC_SVR, 0x100 | SPURIOUS_APIC_VECTOR);
    lapic_write(APIC_TPR, 0);
    lapic_write(APIC_LVT_ERROR, APIC_LVT_MASKED);
    lapic_write(APIC_TIMER_DIVIDE, 0x3);
    lapic_write(APIC_LVT_TIMER, APIC_TIMER_PERIODIC | LOCAL_TIMER_VECTOR);
    lapic_write(APIC_TIMER_INIT, lapic_timer_per_ms * 1000 / HZ);
}

/* Waits until the previous command left the ICR (xAPIC: the delivery status bit). */
void wait_icr_idle()
{
    while (lapic_read(APIC_ICR_LOW) & APIC_ICR_BUSY)
        cpu_relax();
}

void send_icr(u32 apic_id, u32 low)
{
    u64 flags = local_irq_save(); /* the two halves of one command */
    wait_icr_idle();
    lapic_write(APIC_ICR_HIGH, apic_id << 24);
    lapic_write(APIC_ICR_LOW, low);
    wait_icr_idle();
    local_irq_restore(flags);
}

} // namespace

void apic_init()
{
    disable_8259();
    lapic = static_cast<volatile u32*>(__va(acpi.lapic_phys));
    if (acpi.ioapic_phys)
        ioapic = static_cast<volatile u32*>(__va(acpi.ioapic_phys));
    lapic_write(APIC_SVR, 0x100 | SPURIOUS_APIC_VECTOR);
    lapic_timer_per_ms = calibrate_lapic_timer();
    lapic_enable_and_start_timer();
}

void apic_init_secondary() { lapic_enable_and_start_timer(); }

u32 read_apic_id() { return lapic_read(APIC_ID) >> 24; }

void send_IPI(int cpu, int vector) { send_icr(per_cpu(cpu).apic_id, static_cast<u32>(vector)); }

void send_init_ipi(u32 apic_id)
{
    send_icr(apic_id, APIC_DM_INIT | APIC_INT_ASSERT | APIC_INT_LEVELTRIG);
    send_icr(apic_id, APIC_DM_INIT | APIC_INT_LEVELTRIG); /* de-assert, for old APICs */
}

void send_startup_ipi(u32 apic_id, u64 trampoline_phys)
{
    send_icr(apic_id, APIC_DM_STARTUP | static_cast<u32>(trampoline_phys >> 12));
}

void apic_eoi() { lapic_write(APIC_EOI, 0); }

void ioapic_route_isa_irq(int irq, int vector)
{
    if (!ioapic)
        return;
    u32 gsi = acpi.isa_irq_gsi[irq] - acpi.ioapic_gsi_base;
    u16 flags = acpi.isa_irq_flags[irq];
    u32 low = static_cast<u32>(vector);
    if ((flags & 3) == 3)
        low |= 1 << 13; /* active low */
    if (((flags >> 2) & 3) == 3)
        low |= 1 << 15; /* level triggered */
    ioapic_write(0x10 + 2 * gsi + 1, 0); /* to APIC 0 */
    ioapic_write(0x10 + 2 * gsi, low);
}
