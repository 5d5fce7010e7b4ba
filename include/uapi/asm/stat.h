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

/* The oldest stat (i386's oldstat, oldfstat, oldlstat): 16-bit ids and
 * devices, 32-bit sizes and seconds; one layout on both ABIs, as Linux's
 * x86-64 declaration makes it. */
struct __old_kernel_stat {
    unsigned short st_dev;
    unsigned short st_ino;
    unsigned short st_mode;
    unsigned short st_nlink;
    unsigned short st_uid;
    unsigned short st_gid;
    unsigned short st_rdev;
    unsigned int st_size;
    unsigned int st_atime;
    unsigned int st_mtime;
    unsigned int st_ctime;
};
static_assert(sizeof(struct __old_kernel_stat) == 32);
static_assert(__builtin_offsetof(struct __old_kernel_stat, st_size) == 16);
