#pragma once

constexpr int __NEW_UTS_LEN = 64;

struct new_utsname {
    char sysname[__NEW_UTS_LEN + 1];
    char nodename[__NEW_UTS_LEN + 1];
    char release[__NEW_UTS_LEN + 1];
    char version[__NEW_UTS_LEN + 1];
    char machine[__NEW_UTS_LEN + 1];
    char domainname[__NEW_UTS_LEN + 1];
};
static_assert(sizeof(new_utsname) == 390);

/* i386's olduname (109): the first five fields, and oldolduname (59): 8
 * characters and a NUL each. The same on both ABIs (bytes only). */
struct old_utsname {
    char sysname[__NEW_UTS_LEN + 1];
    char nodename[__NEW_UTS_LEN + 1];
    char release[__NEW_UTS_LEN + 1];
    char version[__NEW_UTS_LEN + 1];
    char machine[__NEW_UTS_LEN + 1];
};
static_assert(sizeof(old_utsname) == 325);

constexpr int __OLD_UTS_LEN = 8;
struct oldold_utsname {
    char sysname[__OLD_UTS_LEN + 1];
    char nodename[__OLD_UTS_LEN + 1];
    char release[__OLD_UTS_LEN + 1];
    char version[__OLD_UTS_LEN + 1];
    char machine[__OLD_UTS_LEN + 1];
};
static_assert(sizeof(oldold_utsname) == 45);
