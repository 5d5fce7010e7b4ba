/*
 * The i386 ABI on the 64-bit kernel (Linux's CONFIG_IA32_EMULATION).
 *
 * A 32-bit caller (int $0x80, from a 32-bit or a 64-bit program) reaches
 * ia32_sys_call_table; its entry points are the native handlers where the
 * arguments and structures have the same layout on both ABIs, and the
 * COMPAT_SYSCALL_DEFINEn handlers (compat_sys_*) where they differ. Code
 * shared by both (a native handler Linux makes ABI-aware, like readv's
 * import_iovec) asks in_compat_syscall().
 *
 * The compat_* scalar types are i386's; the structures live beside the
 * native ones they mirror (include/uapi/linux/compat_*.h), each with its
 * size and offsets asserted.
 */
#pragma once
#include <linux/types.h>
#include <linux/uaccess.h>

using compat_long_t = s32;
using compat_ulong_t = u32;
using compat_uptr_t = u32; /* a 32-bit user address */
using compat_size_t = u32;
using compat_ssize_t = s32;
using compat_off_t = s32;
using compat_loff_t = s64; /* 4-byte aligned inside i386 structures: see compat_s64 */
using compat_time_t = s32;
using compat_clock_t = s32;
using compat_pid_t = s32;
using compat_uid_t = u32;
using compat_gid_t = u32;
using old_uid16_t = u16;
using old_gid16_t = u16;
using compat_mode_t = u16;
using compat_dev_t = u16;
using compat_ino_t = u32;
using compat_nlink_t = u16;
using compat_key_t = s32;
using compat_timer_t = s32;
using compat_int_t = s32;
using compat_uint_t = u32;

/* i386 aligns 64-bit integers to 4 bytes inside structures. */
using compat_u64 = u64 __attribute__((aligned(4)));
using compat_s64 = s64 __attribute__((aligned(4)));

#if __STDC_HOSTED__
/* Host unit tests: no task, always the native ABI. */
static inline bool in_compat_syscall() { return false; }
#else
#include <linux/sched.h>
/* Linux's in_compat_syscall(): the current system call came through int $0x80
 * (TS_COMPAT, set by do_int80_syscall_32 until the return to user mode). */
static inline bool in_compat_syscall() { return current->status & TS_COMPAT; }
#endif

/* A uid or gid as the 16-bit calls and structures give it: 65534 when it
 * does not fit (Linux's high2lowuid, kernel/sys.cpp). */
unsigned int high2lowuid(uid_t uid);
/* The other way: 0xffff, the 16-bit -1, is -1 ("leave it") in 32 bits. */
static inline uid_t low2highuid(unsigned int uid) { return uid == 0xffff ? static_cast<uid_t>(-1) : uid; }

/* A struct rusage's figures as i386's compat_rusage (kernel/resource.cpp). */
struct compat_rusage;
compat_rusage to_compat_rusage(long utime_sec, long utime_usec, long stime_sec, long stime_usec, const long* rest);

/* A siginfo_t to and from i386's compat_siginfo_t (kernel/signal_compat.cpp:
 * Linux's copy_siginfo_to_user32 and copy_siginfo_from_user32). */
struct siginfo_t;
struct compat_siginfo_t;
compat_siginfo_t to_compat_siginfo(const siginfo_t& info);
siginfo_t from_compat_siginfo(const compat_siginfo_t& c);

/* An i386 sigset (two 4-byte words, low first) as the 64-bit mask
 * (Linux's get_compat_sigset; kernel/signal_compat.cpp). */
[[nodiscard]] Result<u64> get_compat_sigset(user_in_ptr<const u32> u);

/* A 32-bit user address as a typed pointer (Linux's compat_ptr). */
template <typename T, UserDir D = UserDir::In>
constexpr UserPtr<T, D> compat_ptr(compat_uptr_t uptr)
{
    return UserPtr<T, D>(static_cast<unsigned long>(uptr));
}

/* A 64-bit value an i386 caller passes in two registers, low half first
 * (Linux's ia32 wrappers join them, arch/x86/kernel/sys_ia32.c). */
constexpr u64 compat_arg_u64(u32 lo, u32 hi) { return (static_cast<u64>(hi) << 32) | lo; }

/* i386's struct iovec (readv, writev, the p- and 2-variants, sendmsg). */
struct compat_iovec {
    compat_uptr_t iov_base;
    compat_size_t iov_len;
};
static_assert(sizeof(compat_iovec) == 8);
static_assert(__builtin_offsetof(compat_iovec, iov_len) == 4);
