/*
 * struct statx (Linux keeps it in uapi/linux/stat.h; here apart from the
 * S_* macros so that the guest library, user/include/trapgate/uapi.h, can
 * share it: it needs only <stdint.h>).
 */
#pragma once
#include <stdint.h>

struct statx_timestamp {
    int64_t tv_sec;
    uint32_t tv_nsec;
    int32_t __reserved;
};
static_assert(sizeof(statx_timestamp) == 16);

struct statx {
    uint32_t stx_mask;
    uint32_t stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink;
    uint32_t stx_uid;
    uint32_t stx_gid;
    uint16_t stx_mode;
    uint16_t __spare0;
    uint64_t stx_ino;
    uint64_t stx_size;
    uint64_t stx_blocks;
    uint64_t stx_attributes_mask;
    statx_timestamp stx_atime;
    statx_timestamp stx_btime;
    statx_timestamp stx_ctime;
    statx_timestamp stx_mtime;
    uint32_t stx_rdev_major;
    uint32_t stx_rdev_minor;
    uint32_t stx_dev_major;
    uint32_t stx_dev_minor;
    uint64_t stx_mnt_id;
    uint32_t stx_dio_mem_align;
    uint32_t stx_dio_offset_align;
    uint64_t __spare3[12];
};
static_assert(sizeof(struct statx) == 256);
static_assert(__builtin_offsetof(struct statx, stx_mode) == 28);
static_assert(__builtin_offsetof(struct statx, stx_ino) == 32);
static_assert(__builtin_offsetof(struct statx, stx_atime) == 64);
static_assert(__builtin_offsetof(struct statx, stx_mtime) == 112);
static_assert(__builtin_offsetof(struct statx, stx_rdev_major) == 128);
static_assert(__builtin_offsetof(struct statx, stx_mnt_id) == 144);
