/* The i386 stat structures (Linux's arch/x86/include/asm/compat.h compat_stat,
 * and arch/x86/include/uapi/asm/stat.h's 32-bit struct stat64). */
#pragma once
#include <linux/types.h>

/* stat, lstat, fstat from an i386 caller (compat_sys_newstat...): 32-bit
 * inode and size (EOVERFLOW beyond), 16-bit mode, link count, uid and gid. */
struct compat_stat {
    u32 st_dev;
    u32 st_ino;
    u16 st_mode;
    u16 st_nlink;
    u16 st_uid;
    u16 st_gid;
    u32 st_rdev;
    u32 st_size;
    u32 st_blksize;
    u32 st_blocks;
    u32 st_atime;
    u32 st_atime_nsec;
    u32 st_mtime;
    u32 st_mtime_nsec;
    u32 st_ctime;
    u32 st_ctime_nsec;
    u32 __unused4;
    u32 __unused5;
};
static_assert(sizeof(compat_stat) == 64);
static_assert(__builtin_offsetof(compat_stat, st_mode) == 8);
static_assert(__builtin_offsetof(compat_stat, st_rdev) == 16);
static_assert(__builtin_offsetof(compat_stat, st_atime) == 32);

/* stat64, lstat64, fstat64, fstatat64 (compat_sys_ia32_stat64...): glibc's
 * 2.2 layout, 64-bit fields at 4-byte alignment, the inode twice. */
struct stat64 {
    u64 st_dev;
    u8 __pad0[4];
    u32 __st_ino;
    u32 st_mode;
    u32 st_nlink;
    u32 st_uid;
    u32 st_gid;
    u64 st_rdev;
    u8 __pad3[4];
    s64 st_size;
    u32 st_blksize;
    s64 st_blocks;
    u32 st_atime;
    u32 st_atime_nsec;
    u32 st_mtime;
    u32 st_mtime_nsec;
    u32 st_ctime;
    u32 st_ctime_nsec;
    u64 st_ino;
} __attribute__((packed));
static_assert(sizeof(stat64) == 96);
static_assert(__builtin_offsetof(stat64, __st_ino) == 12);
static_assert(__builtin_offsetof(stat64, st_rdev) == 32);
static_assert(__builtin_offsetof(stat64, st_size) == 44);
static_assert(__builtin_offsetof(stat64, st_blocks) == 56);
static_assert(__builtin_offsetof(stat64, st_atime) == 64);
static_assert(__builtin_offsetof(stat64, st_ino) == 88);
