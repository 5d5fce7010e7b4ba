/* The signal frame's register image, x86-64 Linux's layout (uapi/asm/sigcontext.h, ucontext.h). */
#pragma once
#include <linux/types.h>

struct sigcontext_64 {
    u64 r8, r9, r10, r11, r12, r13, r14, r15;
    u64 di, si, bp, bx, dx, ax, cx, sp, ip, flags;
    u16 cs, gs, fs, ss;
    u64 err, trapno, oldmask, cr2;
    u64 fpstate; /* user address of the saved FPU state, or 0 */
    u64 reserved1[8];
};
static_assert(sizeof(sigcontext_64) == 256);

struct stack_t_user {
    unsigned long ss_sp;
    int ss_flags;
    int pad;
    unsigned long ss_size;
};
static_assert(sizeof(stack_t_user) == 24);

struct ucontext_64 {
    unsigned long uc_flags;
    unsigned long uc_link;
    stack_t_user uc_stack;
    sigcontext_64 uc_mcontext;
    u64 uc_sigmask; /* the kernel's sigset_t: 64 signals */
};
static_assert(sizeof(ucontext_64) == 304);

constexpr unsigned long UC_FP_XSTATE = 0x1;
constexpr unsigned long UC_SIGCONTEXT_SS = 0x2;
constexpr unsigned long UC_STRICT_RESTORE_SS = 0x4;

/* The kernel's struct sigaction for rt_sigaction on x86-64. */
struct kernel_sigaction_user {
    unsigned long handler;
    unsigned long flags;
    unsigned long restorer;
    u64 mask;
};
static_assert(sizeof(kernel_sigaction_user) == 32);
