/* utime(2)'s argument (Linux's include/uapi/linux/utime.h); i386's is
 * old_utimbuf32 (time32.h). */
#pragma once
#include <linux/abi.h>

struct utimbuf {
    long actime;
    long modtime;
};
static_assert(sizeof(utimbuf) == 16);
ABI_LAYOUT_DIFFERS(utimbuf); /* old_utimbuf32 */
