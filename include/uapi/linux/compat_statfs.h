/* i386's statfs structures (Linux's compat_statfs and compat_statfs64). */
#pragma once
#include <linux/types.h>

/* statfs, fstatfs from an i386 caller: 32-bit counts (EOVERFLOW beyond). */
struct compat_statfs {
    s32 f_type;
    s32 f_bsize;
    s32 f_blocks;
    s32 f_bfree;
    s32 f_bavail;
    s32 f_files;
    s32 f_ffree;
    s32 f_fsid[2];
    s32 f_namelen;
    s32 f_frsize;
    s32 f_flags;
    s32 f_spare[4];
};
static_assert(sizeof(compat_statfs) == 64);
static_assert(__builtin_offsetof(compat_statfs, f_fsid) == 28);

/* statfs64, fstatfs64: 64-bit counts at 4-byte alignment, and the size of
 * the structure as an argument (84). */
struct compat_statfs64 {
    u32 f_type;
    u32 f_bsize;
    u64 f_blocks;
    u64 f_bfree;
    u64 f_bavail;
    u64 f_files;
    u64 f_ffree;
    s32 f_fsid[2];
    u32 f_namelen;
    u32 f_frsize;
    u32 f_flags;
    u32 f_spare[4];
} __attribute__((packed));
static_assert(sizeof(compat_statfs64) == 84);
static_assert(__builtin_offsetof(compat_statfs64, f_blocks) == 8);
static_assert(__builtin_offsetof(compat_statfs64, f_fsid) == 48);
