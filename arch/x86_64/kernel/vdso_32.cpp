/*
 * The i386 vDSO. Trapgate has none yet: an i386 program gets neither
 * AT_SYSINFO nor AT_SYSINFO_EHDR, so its C library makes system calls with
 * int $0x80 directly (glibc's and musl's fallback), and /proc/PID/maps shows
 * no [vdso] (docs/ia32.md).
 */
#include <asm/ia32.h>

void ia32_setup_additional_pages(mm_struct*, unsigned long& base, unsigned long& entry)
{
    base = 0;
    entry = 0;
}
