/*
 * x86-64's struct stat (Linux's arch/x86/include/uapi/asm/stat.h, the 64-bit
 * layout). Shared by the kernel and the guest library (user/include/trapgate/
 * uapi.h), so it needs nothing but the compiler: no kernel types, no macros.
 */
#pragma once

struct stat {
    unsigned long st_dev;
    unsigned long st_ino;
    unsigned long st_nlink;
    unsigned int st_mode;
    unsigned int st_uid;
    unsigned int st_gid;
    unsigned int __pad0;
    unsigned long st_rdev;
    long st_size;
    long st_blksize;
    long st_blocks;
    unsigned long st_atime;
    unsigned long st_atime_nsec;
    unsigned long st_mtime;
    unsigned long st_mtime_nsec;
    unsigned long st_ctime;
    unsigned long st_ctime_nsec;
    long __unused[3];
};
static_assert(sizeof(struct stat) == 144);
static_assert(__builtin_offsetof(struct stat, st_mode) == 24);
static_assert(__builtin_offsetof(struct stat, st_rdev) == 40);
static_assert(__builtin_offsetof(struct stat, st_size) == 48);
static_assert(__builtin_offsetof(struct stat, st_atime) == 72);
static_assert(__builtin_offsetof(struct stat, st_mtime) == 88);
static_assert(__builtin_offsetof(struct stat, st_ctime_nsec) == 112);
