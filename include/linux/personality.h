/*
 * Execution domains: personality(2)'s flags, as Linux numbers them
 * (include/uapi/linux/personality.h). PER_LINUX is the only domain; the flag
 * bits are kept as set and reported back.
 */
#pragma once
#include <linux/types.h>

enum : unsigned int {
    PER_LINUX = 0x0000000,
    UNAME26 = 0x0020000,
    ADDR_NO_RANDOMIZE = 0x0040000, /* the next exec lays the address space out without randomization */
    FDPIC_FUNCPTRS = 0x0080000,
    MMAP_PAGE_ZERO = 0x0100000,
    ADDR_COMPAT_LAYOUT = 0x0200000,
    READ_IMPLIES_EXEC = 0x0400000,
    ADDR_LIMIT_32BIT = 0x0800000,
    SHORT_INODE = 0x1000000,
    WHOLE_SECONDS = 0x2000000,
    STICKY_TIMEOUTS = 0x4000000,
    ADDR_LIMIT_3GB = 0x8000000,
};

/* What an exec that raises privileges (set-user-ID, set-group-ID) drops. */
constexpr unsigned int PER_CLEAR_ON_SETID = READ_IMPLIES_EXEC | ADDR_NO_RANDOMIZE | ADDR_COMPAT_LAYOUT | MMAP_PAGE_ZERO;
