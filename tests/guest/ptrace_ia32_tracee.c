/*
 * A 64-bit tracer of an i386 tracee (docs/ptrace.md): the tracee's
 * breakpoints are dropped at its exec; then GETREGS and PEEKUSER show the
 * i386 program through the 64-bit user_regs_struct, GETREGSET through the
 * i386 layouts (68, 108 and 512 bytes), its syscall stops carry i386
 * numbers with GET_SYSCALL_INFO's AUDIT_ARCH_I386 and the arguments from
 * ebx.., and a watchpoint set through the 64-bit u_debugreg fires in it.
 * The tracee is build/guest/i386/ia32_ptrace in its "tracee" mode.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include "musl_check.h"

#define AUDIT_ARCH_I386 0x40000003u
#define DR(n) (offsetof(struct user, u_debugreg) + (n) * 8)
#define NR32_GETPID 20
#define PTRACE_GET_SYSCALL_INFO_ 0x420e

/* Linux's struct ptrace_syscall_info (entry and exit). */
struct syscall_info {
    uint8_t op;
    uint8_t pad[3];
    uint32_t arch;
    uint64_t instruction_pointer, stack_pointer;
    union {
        struct { uint64_t nr, args[6]; } entry;
        struct { int64_t rval; uint8_t is_error; } exit;
    };
};

static volatile long here;

static int wait_stop(pid_t pid)
{
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFSTOPPED(status) ? WSTOPSIG(status) : -2;
}

int main(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        raise(SIGSTOP);
        execl("/ia32_ptrace", "ia32_ptrace", "tracee", (char *)0);
        _exit(99);
    }
    EQ(wait_stop(pid), SIGSTOP);
    /* A breakpoint in the 64-bit program, which its exec drops. */
    EQ(ptrace(PTRACE_POKEUSER, pid, DR(0), &here), 0);
    EQ(ptrace(PTRACE_POKEUSER, pid, DR(7), 1 | (1 << 16) | (3 << 18)), 0);
    EQ(ptrace(PTRACE_PEEKUSER, pid, DR(7), 0), 1 | (1 << 16) | (3 << 18));
    EQ(ptrace(PTRACE_CONT, pid, 0, 0), 0);
    EQ(wait_stop(pid), SIGTRAP);  /* the exec */
    EQ(ptrace(PTRACE_PEEKUSER, pid, DR(7), 0), 0);
    EQ(ptrace(PTRACE_PEEKUSER, pid, DR(0), 0), 0);

    struct user_regs_struct regs;
    EQ(ptrace(PTRACE_GETREGS, pid, 0, &regs), 0);
    EQ(regs.cs, 0x23);
    EQ(regs.ss, 0x2b);
    EQ(regs.rip < 0x100000000ul, 1);
    EQ(ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user_regs_struct, cs), 0), 0x23);
    char buf[1024];
    struct iovec iov = {buf, sizeof(regs)};
    EQ(ptrace(PTRACE_GETREGSET, pid, NT_PRSTATUS, &iov), 0);
    EQ(iov.iov_len, 68);
    uint32_t eip;
    memcpy(&eip, buf + 48, 4);
    EQ(eip == regs.rip, 1);
    iov.iov_len = sizeof(buf);
    EQ(ptrace(PTRACE_GETREGSET, pid, NT_PRFPREG, &iov), 0);
    EQ(iov.iov_len, 108);
    iov.iov_len = sizeof(buf);
    EQ(ptrace(PTRACE_GETREGSET, pid, NT_PRXFPREG, &iov), 0);
    EQ(iov.iov_len, 512);
    iov.iov_len = 6;
    ERR(ptrace(PTRACE_GETREGSET, pid, NT_PRSTATUS, &iov), EINVAL);

    /* Its syscall stops, up to getpid's entry. */
    EQ(ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD), 0);
    struct syscall_info info;
    int found = 0;
    for (int i = 0; i < 400 && !found; i++) {
        if (ptrace(PTRACE_SYSCALL, pid, 0, 0) != 0 || wait_stop(pid) != (SIGTRAP | 0x80))
            break;
        memset(&info, 0, sizeof(info));
        if (syscall(SYS_ptrace, PTRACE_GET_SYSCALL_INFO_, pid, sizeof(info), &info) <= 0)
            break;
        found = info.op == 1 && info.entry.nr == NR32_GETPID;
    }
    EQ(found, 1);
    EQ(info.arch == AUDIT_ARCH_I386, 1);
    EQ(info.entry.args[0] != 0 && info.entry.args[0] < 0x100000000ul, 1);
    EQ(ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user_regs_struct, orig_rax), 0), NR32_GETPID);
    EQ(ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user_regs_struct, rbx), 0) == (long)info.entry.args[0], 1);
    unsigned long watched = info.entry.args[0];
    EQ(ptrace(PTRACE_SYSCALL, pid, 0, 0), 0);
    EQ(wait_stop(pid), SIGTRAP | 0x80);
    EQ(ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user_regs_struct, rax), 0) == pid, 1);
    memset(&info, 0, sizeof(info));
    EQ(syscall(SYS_ptrace, PTRACE_GET_SYSCALL_INFO_, pid, sizeof(info), &info) > 0, 1);
    EQ(info.op, 2);
    EQ(info.arch == AUDIT_ARCH_I386, 1);
    EQ(info.exit.rval == pid, 1);

    /* A watchpoint through the 64-bit u_debugreg. */
    EQ(ptrace(PTRACE_POKEUSER, pid, DR(0), watched), 0);
    EQ(ptrace(PTRACE_POKEUSER, pid, DR(7), 1 | (1 << 16) | (3 << 18)), 0);
    EQ(ptrace(PTRACE_CONT, pid, 0, 0), 0);
    EQ(wait_stop(pid), SIGTRAP);
    siginfo_t si;
    EQ(ptrace(PTRACE_GETSIGINFO, pid, 0, &si), 0);
    EQ(si.si_code, 4); /* TRAP_HWBKPT */
    EQ(ptrace(PTRACE_PEEKUSER, pid, DR(6), 0), 0xffff0ff1);
    EQ(ptrace(PTRACE_CONT, pid, 0, 0), 0);
    int status;
    EQ(waitpid(pid, &status, 0) == pid, 1);
    EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 5);
    return summary();
}
