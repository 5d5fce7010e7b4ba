/* The i386 signal frame's register image and FPU state, Linux's layout
 * (uapi/asm/sigcontext.h's sigcontext_32 and _fpstate_32, asm/ia32.h's
 * ucontext_ia32, compat's stack_t, sigaction and siginfo). */
#pragma once
#include <linux/types.h>
#include <stddef.h>

struct sigcontext_32 {
    u16 gs, gsh, fs, fsh, es, esh, ds, dsh;
    u32 di, si, bp, sp, bx, dx, cx, ax;
    u32 trapno, err, ip;
    u16 cs, csh;
    u32 flags, sp_at_signal;
    u16 ss, ssh;
    u32 fpstate; /* user address of the _fpstate_32, or 0 */
    u32 oldmask, cr2;
};
static_assert(sizeof(sigcontext_32) == 88);

/* The i387 environment fnsave would write, before the fxsave image (Linux's
 * struct fregs_state / user_i387_ia32_struct, plus status and magic). */
struct fpstate_32_env {
    u32 cw, sw, tag, ipoff, cssel, dataoff, datasel;
    u8 st[8][10];
    u16 status;
    u16 magic; /* X86_FXSR_MAGIC: the fxsave image follows */
};
static_assert(sizeof(fpstate_32_env) == 112);
constexpr u16 X86_FXSR_MAGIC = 0x0000;

struct compat_stack_t {
    u32 ss_sp;
    int ss_flags;
    u32 ss_size;
};
static_assert(sizeof(compat_stack_t) == 12);

struct ucontext_ia32 {
    u32 uc_flags;
    u32 uc_link;
    compat_stack_t uc_stack;
    sigcontext_32 uc_mcontext;
    u32 uc_sigmask[2];
};
static_assert(sizeof(ucontext_ia32) == 116);

/* compat rt_sigaction's struct sigaction; the old sigaction's (67). */
struct compat_sigaction {
    u32 handler;
    u32 flags;
    u32 restorer;
    u32 mask[2];
};
static_assert(sizeof(compat_sigaction) == 20);
struct compat_old_sigaction {
    u32 handler;
    u32 mask;
    u32 flags;
    u32 restorer;
};
static_assert(sizeof(compat_old_sigaction) == 16);

/* compat_siginfo_t: 128 bytes, the union at offset 12 with 4-byte longs and pointers. */
struct compat_siginfo_t {
    int si_signo;
    int si_errno;
    int si_code;
    union {
        struct {
            int pid;
            u32 uid;
            int value; /* sigval, for the rt kinds */
        } kill;
        struct {
            int tid;
            int overrun;
            int value;
        } timer;
        struct {
            int pid;
            u32 uid;
            int status;
            int utime;
            int stime;
        } sigchld;
        struct {
            u32 addr;
            short addr_lsb;
        } sigfault;
        struct {
            int band;
            int fd;
        } sigpoll;
        struct {
            u32 call_addr;
            int syscall;
            u32 arch;
        } sigsys;
        int pad[29];
    };
};
static_assert(sizeof(compat_siginfo_t) == 128);
static_assert(offsetof(compat_siginfo_t, kill.pid) == 12);

struct timespec32_user {
    s32 tv_sec;
    s32 tv_nsec;
};
