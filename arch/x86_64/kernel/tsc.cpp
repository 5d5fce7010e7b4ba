/*
 * The TSC is the clock: calibrated once against the PIT (channel 2, gated by
 * port 0x61, the classic way), then read with rdtsc. Under QEMU's -icount the
 * TSC advances one tick per instruction, so the calibration comes out at
 * 1 GHz and guest nanoseconds are instruction counts.
 */
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/tsc.h>
#include <linux/printk.h>

u64 tsc_khz;
u64 tsc_at_boot;
u64 tsc_to_ns_mult; /* ns = (tsc * mult) >> 32 */

namespace {

constexpr u32 PIT_HZ = 1193182;
constexpr u32 CALIBRATE_TICKS = PIT_HZ / 1000; /* 1 ms */

} // namespace

void tsc_init()
{
    /* PIT channel 2, mode 0 (count down once), gate on, speaker off. */
    outb(0x61, (inb(0x61) & ~0x02) | 0x01);
    outb(0x43, 0xb0);
    outb(0x42, CALIBRATE_TICKS & 0xff);
    outb(0x42, CALIBRATE_TICKS >> 8);
    /* Counting starts with the last byte; the output goes high at zero. */
    u64 start = rdtsc();
    while (!(inb(0x61) & 0x20))
        ;
    u64 ticks = rdtsc() - start;
    u64 khz = ticks * PIT_HZ / CALIBRATE_TICKS / 1000;
    /* Round to a whole MHz: real TSCs run at one, and the 1 ms window's error
     * is far below that. */
    tsc_khz = (khz + 500) / 1000 * 1000;
    if (!tsc_khz)
        tsc_khz = khz ? khz : 1000000;
    tsc_to_ns_mult = (1000000ULL << 32) / tsc_khz;
    tsc_at_boot = start;
    pr_info("tsc: %lu.%03lu MHz\n", tsc_khz / 1000, tsc_khz % 1000);
}
