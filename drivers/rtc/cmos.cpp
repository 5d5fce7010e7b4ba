/* The CMOS real-time clock: the wall-clock time at boot. */
#include <asm/io.h>
#include <drivers/acpi.h>
#include <linux/time.h>

namespace {

u8 cmos_read(u8 reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

int bcd(u8 v) { return (v & 15) + (v >> 4) * 10; }

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
s64 days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    s64 era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

} // namespace

s64 rtc_read_seconds()
{
    /* Wait out an update in progress, then read twice until stable. */
    u8 regs[7], again[7];
    const u8 which[7] = {0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0};
    do {
        while (cmos_read(0x0a) & 0x80)
            ;
        for (int i = 0; i < 6; i++)
            regs[i] = cmos_read(which[i]);
        regs[6] = acpi.century_register ? cmos_read(acpi.century_register) : 0;
        for (int i = 0; i < 6; i++)
            again[i] = cmos_read(which[i]);
        again[6] = regs[6];
    } while (regs[0] != again[0] || regs[1] != again[1] || regs[2] != again[2]);

    bool binary = cmos_read(0x0b) & 0x04;
    auto v = [&](int i) { return binary ? regs[i] : bcd(regs[i]); };
    int hour = binary ? (regs[2] & 0x7f) : bcd(regs[2] & 0x7f);
    if (!(cmos_read(0x0b) & 0x02) && (regs[2] & 0x80))
        hour = (hour % 12) + 12; /* 12-hour mode, PM */
    int year = v(5) + (regs[6] ? v(6) * 100 : (v(5) < 70 ? 2000 : 1900));
    return days_from_civil(year, v(4), v(3)) * 86400 + hour * 3600 + v(1) * 60 + v(0);
}
