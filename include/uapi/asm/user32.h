/* i386's struct user and its parts, as a 32-bit tracer's PTRACE_PEEKUSER,
 * GETREGS, GETFPREGS and GETFPXREGS show a tracee (Linux's asm/user32.h,
 * the i386 asm/user_32.h layouts). */
#pragma once
#include <linux/types.h>
#include <stddef.h>

/* The 17 registers, each in 32 bits (the data selectors zero-extended). */
struct user_regs_struct32 {
    u32 ebx, ecx, edx, esi, edi, ebp, eax;
    u32 ds, es, fs, gs;
    u32 orig_eax, eip, cs, eflags, esp, ss;
};
static_assert(sizeof(user_regs_struct32) == 68);
static_assert(offsetof(user_regs_struct32, orig_eax) == 44);

/* fnsave's environment and registers (user_i387_ia32_struct). */
struct user_i387_ia32_struct {
    u32 cwd, swd, twd, fip, fcs, foo, fos;
    u32 st_space[20]; /* 8 registers of 10 bytes */
};
static_assert(sizeof(user_i387_ia32_struct) == 108);

struct user32 {
    user_regs_struct32 regs;
    int u_fpvalid;
    user_i387_ia32_struct i387;
    u32 u_tsize, u_dsize, u_ssize;
    u32 start_code, start_stack;
    u32 signal;
    int reserved;
    u32 u_ar0, u_fpstate; /* pointers in user space */
    u32 magic;
    char u_comm[32];
    int u_debugreg[8];
};
static_assert(offsetof(user32, u_debugreg) == 252);
static_assert(sizeof(user32) == 284);
