/* x86-64's struct user and its parts, as PTRACE_PEEKUSER, GETREGS and
 * GETFPREGS show a tracee (Linux's asm/user_64.h layouts). user_regs_struct
 * begins with pt_regs' 21 words in pt_regs' order, then the segment state
 * the task keeps elsewhere (thread_struct). */
#pragma once
#include <linux/types.h>
#include <stddef.h>

struct user_regs_struct {
    unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di, orig_ax;
    unsigned long ip, cs, flags, sp, ss;
    unsigned long fs_base, gs_base;
    unsigned long ds, es, fs, gs;
};
static_assert(sizeof(user_regs_struct) == 27 * 8);
static_assert(offsetof(user_regs_struct, orig_ax) == 120);
static_assert(offsetof(user_regs_struct, ss) == 160);
static_assert(offsetof(user_regs_struct, fs_base) == 168);
static_assert(offsetof(user_regs_struct, gs) == 208);

/* The fxsave area. */
struct user_fpregs_struct {
    u16 cwd, swd, ftw, fop;
    u64 rip, rdp;
    u32 mxcsr, mxcr_mask;
    u32 st_space[32];  /* 8 registers of 16 bytes */
    u32 xmm_space[64]; /* 16 registers of 16 bytes */
    u32 padding[24];
};
static_assert(sizeof(user_fpregs_struct) == 512);

struct user {
    user_regs_struct regs;
    int u_fpvalid;
    int pad0;
    user_fpregs_struct i387;
    unsigned long u_tsize, u_dsize, u_ssize;
    unsigned long start_code, start_stack;
    long signal;
    int reserved;
    int pad1;
    unsigned long u_ar0, u_fpstate; /* pointers in user space */
    unsigned long magic;
    char u_comm[32];
    unsigned long u_debugreg[8];
    /* The kernel's struct user goes on past libc's (912 bytes): PEEKUSER
     * reads these as 0 too. */
    unsigned long error_code, fault_address;
};
static_assert(offsetof(user, i387) == 224);
static_assert(offsetof(user, u_debugreg) == 848);
static_assert(sizeof(user) == 928);
