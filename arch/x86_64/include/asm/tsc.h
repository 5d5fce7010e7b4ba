#pragma once
#include <asm/processor.h>
#include <linux/types.h>

extern u64 tsc_khz;
extern u64 tsc_at_boot;
extern u64 tsc_to_ns_mult;

void tsc_init();

/* Nanoseconds since tsc_init(). */
static inline u64 tsc_ns()
{
    unsigned __int128 t = static_cast<unsigned __int128>(rdtsc() - tsc_at_boot) * tsc_to_ns_mult;
    return static_cast<u64>(t >> 32);
}
