/*
 * The clocks. CLOCK_MONOTONIC is the calibrated TSC since boot; CLOCK_REALTIME
 * adds the CMOS clock's reading at boot (and settimeofday's adjustments).
 */
#include <asm/tsc.h>
#include <asm/vdso.h>
#include <linux/time.h>

namespace {
s64 realtime_offset_ns; /* CLOCK_REALTIME - CLOCK_MONOTONIC */
}

u64 ktime_get_ns() { return tsc_ns(); }
s64 ktime_get_real_ns() { return realtime_offset_ns + static_cast<s64>(tsc_ns()); }

void timekeeping_init()
{
    tsc_init();
    realtime_offset_ns = rtc_read_seconds() * NSEC_PER_SEC - static_cast<s64>(tsc_ns());
}

void do_settimeofday(s64 ns)
{
    realtime_offset_ns = ns - static_cast<s64>(tsc_ns());
    vdso_update_realtime(realtime_offset_ns); /* the vDSO's copy */
}

s64 realtime_offset() { return realtime_offset_ns; }
