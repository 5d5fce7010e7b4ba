/*
 * ptrace from an i386 tracer of an i386 child (compat_sys_ptrace,
 * arch/x86_64/kernel/ptrace_32.cpp, hw_breakpoint.cpp): GETREGS in
 * user_regs_struct32 and PEEKUSR at i386 struct user offsets agree, the
 * errors of both, PEEKDATA/POKEDATA in 32-bit words, the FPU views,
 * GETREGSET's i386 layouts, GETSIGINFO's compat siginfo, syscall stops with
 * i386 numbers and GET_SYSCALL_INFO's AUDIT_ARCH_I386, and hardware
 * breakpoints: DR7's refusals, a write watchpoint and an instruction
 * breakpoint reported as SIGTRAP (TRAP_HWBKPT) with DR6 telling which.
 */
#define _GNU_SOURCE
#include "check32.h"
#include <elf.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <asm/ldt.h>
#include <unistd.h>

#define AUDIT_ARCH_I386 0x40000003
#define DR(n) (offsetof(struct user, u_debugreg) + (n) * 4)

static volatile int watched = 1;
static volatile int marker = 0x1234;

__attribute__((noinline)) static int target(int x)
{
    asm volatile("" ::: "memory");
    return x + 1;
}

static long praw(int req, pid_t pid, unsigned long addr, unsigned long data)
{
    return syscall(SYS_ptrace, req, pid, addr, data);
}

static void child(void)
{
    if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0)
        _exit(90);
    raise(SIGSTOP);
    syscall(SYS_getpid);   /* the syscall stops */
    raise(SIGSTOP);        /* the tracer sets the breakpoints */
    watched = 2;           /* the watchpoint */
    int r = target(41);    /* the instruction breakpoint */
    _exit(r == 42 && marker == 0x5678 && watched == 2 ? 7 : 8);
}

static int wait_stop(pid_t pid)
{
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFSTOPPED(status) ? WSTOPSIG(status) : -2;
}

/* The tracee of tests/guest/ptrace_ia32_tracee.c (a 64-bit tracer): it
 * passes the watched address as getpid's argument, then writes there. */
static int tracee(void)
{
    syscall(SYS_getpid, &watched);
    watched = 3;
    return watched == 3 ? 5 : 6;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "tracee") == 0)
        return tracee();
    pid_t pid = fork();
    if (pid == 0)
        child();
    CHECK(wait_stop(pid), SIGSTOP);

    /* The registers: GETREGS and PEEKUSR tell the same. */
    struct user_regs_struct regs;
    CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs), 0);
    CHECK(regs.xcs, 0x23);
    CHECK(regs.xss, 0x2b);
    CHECK(regs.xds, 0x2b);
    CHECK(regs.orig_eax, SYS_tgkill);
    CHECK(regs.eax, 0);
    errno = 0;
    CHECK(ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user, regs.eip), 0) == regs.eip, 1);
    CHECK(ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user, regs.esp), 0) == regs.esp, 1);
    CHECK(ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user, regs.orig_eax), 0), SYS_tgkill);
    CHECK(ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user, regs.xgs), 0) == regs.xgs, 1);
    CHECK(ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user, u_fpvalid), 0), 0);
    CHECK(ptrace(PTRACE_PEEKUSER, pid, sizeof(struct user), 0), 0);
    CHECK_ERR(ptrace(PTRACE_PEEKUSER, pid, sizeof(struct user) + 4, 0), EIO);
    CHECK_ERR(ptrace(PTRACE_PEEKUSER, pid, 2, 0), EIO);
    CHECK(ptrace(PTRACE_POKEUSER, pid, offsetof(struct user, u_tsize), 5), 0);
    CHECK_ERR(ptrace(PTRACE_POKEUSER, pid, offsetof(struct user, regs.xcs), 0), EIO);
    CHECK_ERR(ptrace(PTRACE_POKEUSER, pid, offsetof(struct user, regs.xds), 0x2a), EIO);
    CHECK(ptrace(PTRACE_POKEUSER, pid, offsetof(struct user, regs.eax), 0x55), 0);
    CHECK(ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user, regs.eax), 0), 0x55);
    CHECK(ptrace(PTRACE_SETREGS, pid, 0, &regs), 0);
    CHECK(ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user, regs.eax), 0), 0);

    /* The TLS slots: glibc's thread pointer is in slot 12 (%gs 0x63). */
    struct user_desc ud;
    memset(&ud, 0, sizeof(ud));
    CHECK(ptrace(PTRACE_GET_THREAD_AREA, pid, 12, &ud), 0);
    CHECK(ud.entry_number, 12);
    CHECK(ud.base_addr != 0, 1);
    CHECK(ud.limit, 0xfffff);
    CHECK(ud.seg_32bit, 1);
    CHECK(ud.limit_in_pages, 1);
    CHECK(ud.useable, 1);
    CHECK_ERR(ptrace(PTRACE_GET_THREAD_AREA, pid, 11, &ud), EINVAL);
    CHECK_ERR(ptrace(PTRACE_GET_THREAD_AREA, pid, -1, &ud), EIO);
    CHECK_ERR(ptrace(PTRACE_GET_THREAD_AREA, pid, 13, 16), EFAULT);
    memset(&ud, 0, sizeof(ud));
    ud.entry_number = 99;  /* the slot is addr's */
    ud.base_addr = 0x1000;
    ud.limit = 0xff;
    ud.seg_32bit = 1;
    CHECK(ptrace(PTRACE_SET_THREAD_AREA, pid, 14, &ud), 0);
    memset(&ud, 0, sizeof(ud));
    CHECK(ptrace(PTRACE_GET_THREAD_AREA, pid, 14, &ud), 0);
    CHECK(ud.entry_number, 14);
    CHECK(ud.base_addr, 0x1000);
    CHECK(ud.limit, 0xff);
    memset(&ud, 0, sizeof(ud));
    ud.read_exec_only = 1;
    ud.seg_not_present = 1;  /* an empty description clears the slot */
    CHECK(ptrace(PTRACE_SET_THREAD_AREA, pid, 14, &ud), 0);
    CHECK(ptrace(PTRACE_GET_THREAD_AREA, pid, 14, &ud), 0);
    CHECK(ud.base_addr, 0);
    CHECK(ud.seg_not_present, 1);

    /* Memory in 32-bit words. */
    CHECK(ptrace(PTRACE_PEEKDATA, pid, &marker, 0), 0x1234);
    CHECK(ptrace(PTRACE_POKEDATA, pid, &marker, 0x5678), 0);
    CHECK(ptrace(PTRACE_PEEKDATA, pid, &marker, 0), 0x5678);
    CHECK_ERR(ptrace(PTRACE_PEEKDATA, pid, 16, 0), EIO);

    /* The FPU: the i387 view and the fxsave area. */
    struct user_fpregs_struct fp;
    struct user_fpxregs_struct fpx;
    CHECK(ptrace(PTRACE_GETFPREGS, pid, 0, &fp), 0);
    CHECK(fp.cwd, (long)0xffff037f);
    CHECK(fp.twd, (long)0xffffffff);
    CHECK(ptrace(PTRACE_GETFPXREGS, pid, 0, &fpx), 0);
    CHECK(fpx.cwd, 0x37f);
    CHECK(fpx.mxcsr, 0x1f80);
    CHECK(ptrace(PTRACE_SETFPXREGS, pid, 0, &fpx), 0);
    CHECK(ptrace(PTRACE_SETFPREGS, pid, 0, &fp), 0);
    fpx.mxcsr = 0xffffffff;
    CHECK_ERR(ptrace(PTRACE_SETFPXREGS, pid, 0, &fpx), EINVAL);

    /* Regsets in the i386 layouts. */
    struct user_regs_struct rs;
    struct iovec iov = {&rs, sizeof(rs)};
    CHECK(ptrace(PTRACE_GETREGSET, pid, NT_PRSTATUS, &iov), 0);
    CHECK(iov.iov_len, 68);
    CHECK(rs.eip == regs.eip, 1);
    iov.iov_base = &fp;
    iov.iov_len = 200;
    CHECK(ptrace(PTRACE_GETREGSET, pid, NT_PRFPREG, &iov), 0);
    CHECK(iov.iov_len, 108);
    iov.iov_len = 6;
    CHECK_ERR(ptrace(PTRACE_GETREGSET, pid, NT_PRSTATUS, &iov), EINVAL);
    iov.iov_len = 100;  /* the FPU sets are taken only whole */
    CHECK_ERR(ptrace(PTRACE_SETREGSET, pid, NT_PRFPREG, &iov), EINVAL);
    iov.iov_len = 108;
    CHECK(ptrace(PTRACE_SETREGSET, pid, NT_PRFPREG, &iov), 0);
    iov.iov_base = &fpx;
    iov.iov_len = 256;
    CHECK_ERR(ptrace(PTRACE_SETREGSET, pid, NT_PRXFPREG, &iov), EINVAL);

    /* The stop's siginfo. */
    siginfo_t si;
    CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &si), 0);
    CHECK(si.si_signo, SIGSTOP);
    CHECK(si.si_code, SI_TKILL);
    CHECK(si.si_pid == pid, 1);
    unsigned long msg = 99;
    CHECK(ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg), 0);
    CHECK(msg, 0);

    /* Syscall stops: getpid is i386's 20. */
    CHECK(ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD), 0);
    CHECK(ptrace(PTRACE_SYSCALL, pid, 0, 0), 0);
    CHECK(wait_stop(pid), SIGTRAP | 0x80);
    CHECK(ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user, regs.orig_eax), 0), SYS_getpid);
    CHECK(ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user, regs.eax), 0), -ENOSYS);
    struct __ptrace_syscall_info info;
    memset(&info, 0, sizeof(info));
    CHECK(praw(PTRACE_GET_SYSCALL_INFO, pid, sizeof(info), (unsigned long)&info) > 0, 1);
    CHECK(info.op, PTRACE_SYSCALL_INFO_ENTRY);
    CHECK(info.arch == AUDIT_ARCH_I386, 1);
    CHECK(info.entry.nr, SYS_getpid);
    CHECK(ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg), 0);
    CHECK(msg, 1); /* PTRACE_EVENTMSG_SYSCALL_ENTRY */
    CHECK(ptrace(PTRACE_SYSCALL, pid, 0, 0), 0);
    CHECK(wait_stop(pid), SIGTRAP | 0x80);
    CHECK(ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user, regs.eax), 0) == pid, 1);
    memset(&info, 0, sizeof(info));
    CHECK(praw(PTRACE_GET_SYSCALL_INFO, pid, sizeof(info), (unsigned long)&info) > 0, 1);
    CHECK(info.op, PTRACE_SYSCALL_INFO_EXIT);
    CHECK(info.exit.rval == pid, 1);
    CHECK(info.exit.is_error, 0);
    CHECK(ptrace(PTRACE_CONT, pid, 0, 0), 0);
    CHECK(wait_stop(pid), SIGSTOP);

    /* The debug registers: what DR7 refuses, then two breakpoints. */
    CHECK(ptrace(PTRACE_PEEKUSER, pid, DR(7), 0), 0);
    CHECK(ptrace(PTRACE_PEEKUSER, pid, DR(6), 0), (long)0xffff0ff0);  /* nothing hit: the reserved ones */
    CHECK(ptrace(PTRACE_PEEKUSER, pid, DR(4), 0), 0);
    CHECK_ERR(ptrace(PTRACE_POKEUSER, pid, DR(4), 0), EIO);
    CHECK_ERR(ptrace(PTRACE_POKEUSER, pid, DR(5), 0), EIO);
    CHECK(ptrace(PTRACE_POKEUSER, pid, DR(2), 0xc0000000), 0);  /* below a 64-bit kernel's TASK_SIZE_MAX */
    CHECK(ptrace(PTRACE_PEEKUSER, pid, DR(2), 0), (long)0xc0000000);
    CHECK(ptrace(PTRACE_POKEUSER, pid, DR(0), (uintptr_t)&watched + 1), 0);
    CHECK_ERR(ptrace(PTRACE_POKEUSER, pid, DR(7), 1 | (1 << 16) | (3 << 18)), EINVAL);  /* 4 bytes, unaligned */
    CHECK_ERR(ptrace(PTRACE_POKEUSER, pid, DR(7), 1 | (2 << 16)), EINVAL);              /* I/O */
    CHECK_ERR(ptrace(PTRACE_POKEUSER, pid, DR(7), 1 | (1 << 18)), EINVAL);              /* execute, 2 bytes */
    CHECK(ptrace(PTRACE_PEEKUSER, pid, DR(7), 0), 0);
    CHECK(ptrace(PTRACE_POKEUSER, pid, DR(0), (uintptr_t)&watched), 0);
    CHECK(ptrace(PTRACE_POKEUSER, pid, DR(1), (uintptr_t)target), 0);
    long dr7 = 1 | (1 << 16) | (3 << 18) | (1 << 2);  /* DR0: write, 4 bytes; DR1: execute */
    CHECK(ptrace(PTRACE_POKEUSER, pid, DR(7), dr7), 0);
    CHECK(ptrace(PTRACE_PEEKUSER, pid, DR(7), 0), dr7);
    CHECK_ERR(ptrace(PTRACE_POKEUSER, pid, DR(0), (uintptr_t)&watched + 2), EINVAL);
    CHECK(ptrace(PTRACE_PEEKUSER, pid, DR(0), 0) == (long)(uintptr_t)&watched, 1);
    CHECK(ptrace(PTRACE_CONT, pid, 0, 0), 0);

    CHECK(wait_stop(pid), SIGTRAP);
    CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &si), 0);
    CHECK(si.si_code, TRAP_HWBKPT);
    CHECK(ptrace(PTRACE_PEEKUSER, pid, DR(6), 0), (long)0xffff0ff1);
    CHECK(ptrace(PTRACE_PEEKDATA, pid, &watched, 0), 2);
    CHECK(ptrace(PTRACE_CONT, pid, 0, 0), 0);

    CHECK(wait_stop(pid), SIGTRAP);
    CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &si), 0);
    CHECK(si.si_code, TRAP_HWBKPT);
    CHECK(si.si_addr == (void *)target, 1);
    CHECK(ptrace(PTRACE_PEEKUSER, pid, DR(6), 0), (long)0xffff0ff2);
    CHECK(ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user, regs.eip), 0) == (long)(uintptr_t)target, 1);
    CHECK(ptrace(PTRACE_POKEUSER, pid, DR(6), 0), 0);
    CHECK(ptrace(PTRACE_PEEKUSER, pid, DR(6), 0), 0);  /* as written */
    CHECK(ptrace(PTRACE_CONT, pid, 0, 0), 0);  /* RF: the breakpoint lets the instruction run */

    int status;
    CHECK(waitpid(pid, &status, 0) == pid, 1);
    CHECK(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 7);
    return summary();
}
