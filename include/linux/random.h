#pragma once
#include <linux/types.h>

/* Random bytes: RDRAND when the CPU has it, mixed with the TSC, through a ChaCha-free xorshift. */
void get_random_bytes(void* buf, size_t n);
u64 get_random_u64();
