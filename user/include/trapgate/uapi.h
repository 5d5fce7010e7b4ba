/*
 * The Linux x86-64 user ABI constants and structures the guest programs need,
 * for code without libc (values from Linux's include/uapi and
 * arch/x86/include/uapi). The structures the kernel also defines (stat,
 * statx, the reboot numbers, ELF and auxv in trapgate/start.h) are the
 * kernel's own include/uapi headers, named here by using-declarations, so
 * the two sides cannot disagree. In namespace trapgate, so they do not collide with
 * anything; not meant to be mixed with a libc's headers, which define the same
 * names as macros.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
/* The structures the kernel defines, once (include/uapi; -idirafter include). */
#include <uapi/asm/stat.h>
#include <uapi/linux/reboot.h>
#include <uapi/linux/statx.h>

namespace trapgate {

/* ---- fcntl.h ---- */
inline constexpr int O_RDONLY = 00, O_WRONLY = 01, O_RDWR = 02, O_CREAT = 0100, O_EXCL = 0200, O_NOCTTY = 0400,
                     O_TRUNC = 01000, O_APPEND = 02000, O_NONBLOCK = 04000, O_DIRECTORY = 0200000,
                     O_NOFOLLOW = 0400000, O_CLOEXEC = 02000000, O_PATH = 010000000;
inline constexpr int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_EMPTY_PATH = 0x1000;
inline constexpr int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2;

/* ---- mman.h ---- */
inline constexpr int PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
inline constexpr int MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_SHARED_VALIDATE = 0x03, MAP_TYPE = 0x0f,
                     MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_FIXED_NOREPLACE = 0x100000;
inline constexpr unsigned long PAGE_SIZE = 4096;

/* ---- ioctls (asm-generic/ioctls.h) ---- */
inline constexpr unsigned int TCGETS = 0x5401, FIONREAD = 0x541b;

/* ---- futex.h ---- */
inline constexpr int FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10,
                     FUTEX_PRIVATE_FLAG = 128;

/* ---- random.h ---- */
inline constexpr unsigned int GRND_NONBLOCK = 1, GRND_RANDOM = 2, GRND_INSECURE = 4;

/* ---- resource.h ---- */
inline constexpr int RLIMIT_STACK = 3, RLIMIT_NOFILE = 7;
struct rlimit64 {
    uint64_t rlim_cur;
    uint64_t rlim_max;
};

/* ---- time.h ---- */
inline constexpr int CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1;
struct timespec {
    long tv_sec;
    long tv_nsec;
};

/* ---- uio.h ---- */
struct iovec {
    void* iov_base;
    size_t iov_len;
};

/* ---- utsname.h ---- */
struct new_utsname {
    char sysname[65];
    char nodename[65];
    char release[65];
    char version[65];
    char machine[65];
    char domainname[65];
};

/* ---- stat.h (arch/x86/include/uapi/asm/stat.h, 64-bit) ---- */
inline constexpr unsigned int S_IFMT = 0170000, S_IFDIR = 0040000, S_IFCHR = 0020000, S_IFREG = 0100000;
using ::stat; /* the kernel's, include/uapi/asm/stat.h */

inline constexpr unsigned int STATX_TYPE = 0x1, STATX_MODE = 0x2, STATX_BASIC_STATS = 0x7ff;
using ::statx; /* the kernel's, include/uapi/linux/statx.h */
using ::statx_timestamp;

/* ---- reboot.h: the kernel's, include/uapi/linux/reboot.h ---- */
using ::LINUX_REBOOT_MAGIC1, ::LINUX_REBOOT_MAGIC2, ::LINUX_REBOOT_CMD_RESTART, ::LINUX_REBOOT_CMD_HALT,
    ::LINUX_REBOOT_CMD_CAD_ON, ::LINUX_REBOOT_CMD_CAD_OFF, ::LINUX_REBOOT_CMD_POWER_OFF;

} // namespace trapgate
