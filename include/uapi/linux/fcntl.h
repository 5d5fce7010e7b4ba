/* open flags and *at() constants, x86-64 Linux's values (octal, as Linux writes them). */
#pragma once
#include <linux/abi.h>
#include <linux/types.h>

#define O_ACCMODE 00000003
#define O_RDONLY 00000000
#define O_WRONLY 00000001
#define O_RDWR 00000002
#define O_CREAT 00000100
#define O_EXCL 00000200
#define O_NOCTTY 00000400
#define O_TRUNC 00001000
#define O_APPEND 00002000
#define O_NONBLOCK 00004000
#define O_DSYNC 00010000
#define FASYNC 00020000
#define O_DIRECT 00040000
#define O_LARGEFILE 00100000
#define O_DIRECTORY 00200000
#define O_NOFOLLOW 00400000
#define O_NOATIME 01000000
#define O_CLOEXEC 02000000
#define __O_SYNC 04000000
#define O_PATH 010000000
#define __O_TMPFILE 020000000

#define AT_FDCWD -100
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_EACCESS 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define AT_NO_AUTOMOUNT 0x800
#define AT_EMPTY_PATH 0x1000
#define AT_STATX_SYNC_TYPE 0x6000

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38
#define F_SETOWN 8
#define F_GETOWN 9
#define F_DUPFD_CLOEXEC 1030
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#define FD_CLOEXEC 1

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define SEEK_DATA 3
#define SEEK_HOLE 4

#define R_OK 4
#define W_OK 2
#define X_OK 1
#define F_OK 0

#define RENAME_NOREPLACE (1 << 0)
#define RENAME_EXCHANGE (1 << 1)
#define RENAME_WHITEOUT (1 << 2)

#define F_GETLK64 12 /* i386: struct compat_flock64 */
#define F_SETLK64 13
#define F_SETLKW64 14

/* fcntl's struct flock, x86-64's layout. */
struct flock_user {
    short l_type;
    short l_whence;
    long l_start;
    long l_len;
    int l_pid;
};
static_assert(sizeof(flock_user) == 32);
ABI_LAYOUT_DIFFERS(flock_user);

/* i386's struct flock (F_GETLK, F_SETLK, F_SETLKW through fcntl64): 32-bit
 * offsets. */
struct compat_flock {
    short l_type;
    short l_whence;
    s32 l_start;
    s32 l_len;
    s32 l_pid;
};
static_assert(sizeof(compat_flock) == 16);

/* i386's struct flock64 (F_GETLK64..., and the F_OFD_ commands): 64-bit
 * offsets at 4-byte alignment. */
struct compat_flock64 {
    short l_type;
    short l_whence;
    s64 l_start;
    s64 l_len;
    s32 l_pid;
} __attribute__((packed));
static_assert(sizeof(compat_flock64) == 24);
static_assert(__builtin_offsetof(compat_flock64, l_start) == 4);
static_assert(__builtin_offsetof(compat_flock64, l_pid) == 20);
