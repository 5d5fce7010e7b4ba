/*
 * ptrace(2), the tracer's requests on a stopped tracee: TRACEME, the
 * errors (ESRCH, EPERM, EIO, EINVAL), PEEK/POKE of data and of read-only
 * memory (copy-on-write: the tracer's copy stays), PEEKUSER/POKEUSER,
 * GETREGS/SETREGS, GETFPREGS/SETFPREGS, GETREGSET, GETSIGINFO,
 * SYSCALL stops (TRACESYSGOOD, GET_SYSCALL_INFO, skipping a call with
 * orig_rax -1, changing a return value), signal injection and
 * suppression, SINGLESTEP, KILL, waitid's CLD_TRAPPED, TracerPid.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include "musl_check.h"

#ifndef PTRACE_GET_SYSCALL_INFO
#define PTRACE_GET_SYSCALL_INFO 0x420e
#endif
struct syscall_info {
    unsigned char op, pad[3];
    unsigned arch;
    unsigned long ip, sp;
    union {
        struct { unsigned long nr, args[6]; } entry;
        struct { long rval; unsigned char is_error; } exit;
    };
};

static volatile long shared_word = 0x1122334455667788;
static const long rodata_word = 0x0badc0de;
static volatile int got_usr1, got_usr2;
static void on_usr1(int s) { (void)s; got_usr1++; }
static void on_usr2(int s) { (void)s; got_usr2++; }

static long raw_ptrace(long req, long pid, unsigned long addr, unsigned long data)
{
    return syscall(SYS_ptrace, req, pid, addr, data);
}

/* Waits for pid and prints what the status says. */
static int wait_stop(pid_t pid, const char *what)
{
    int st = 0;
    pid_t r = waitpid(pid, &st, 0);
    if (r != pid)
        printf("FAIL: %s: waitpid = %d errno %d\n", what, r, errno);
    else if (WIFSTOPPED(st))
        printf("%s: stopped sig %d event %d%s\n", what, WSTOPSIG(st) & 0x7f, st >> 16,
               (WSTOPSIG(st) & 0x80) ? " sysgood" : "");
    else if (WIFEXITED(st))
        printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        printf("%s: killed by %d\n", what, WTERMSIG(st));
    return st;
}

/* The tracee: stops, then does what the tracer checks, and exits with a
 * bit per thing that went as expected. */
static int child(void)
{
    signal(SIGUSR1, on_usr1);
    signal(SIGUSR2, on_usr2);
    if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0)
        return 100;
    if (ptrace(PTRACE_TRACEME, 0, 0, 0) != -1 || errno != EPERM)
        return 101;
    long r = syscall(SYS_kill, getpid(), SIGSTOP); /* the tracer sets rax to 1234 here */
    int bits = 0;
    if (r == 1234)
        bits |= 1;
    if (shared_word == 0x55aa)
        bits |= 2;
    if (*(volatile const long *)&rodata_word == 0x600d)
        bits |= 4;
    raise(SIGUSR1); /* the tracer suppresses it and injects SIGUSR2 */
    if (!got_usr1 && got_usr2 == 1)
        bits |= 8;
    errno = 0;
    long skipped = syscall(SYS_getppid); /* the tracer skips it: ENOSYS */
    if (skipped == -1 && errno == ENOSYS)
        bits |= 16;
    long changed = syscall(SYS_getppid); /* the tracer makes it 777 */
    if (changed == 777)
        bits |= 32;
    raise(SIGSTOP); /* single steps from here */
    for (volatile int i = 0; i < 3; i++)
        ;
    return bits;
}

static void tracer_pid_of(pid_t pid)
{
    char path[64], buf[2048];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    int fd = open(path, O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    if (fd >= 0)
        close(fd);
    buf[n > 0 ? n : 0] = 0;
    char *t = strstr(buf, "TracerPid:");
    char *s = strstr(buf, "State:");
    int tp = t ? atoi(t + 10) : -1;
    printf("TracerPid is the tracer: %s\n", tp == getpid() ? "yes" : "no");
    if (tp != getpid())
        printf("FAIL: TracerPid %d\n", tp);
    if (s) {
        char *e = strchr(s, '\n');
        if (e)
            *e = 0;
        printf("%s\n", s);
    }
}

int main(void)
{
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, 0);

    SECTION("errors without a tracee");
    ERR(ptrace(PTRACE_CONT, getpid(), 0, 0), ESRCH);
    ERR(ptrace(PTRACE_ATTACH, getpid(), 0, 0), EPERM);
    ERR(ptrace(PTRACE_ATTACH, 99999, 0, 0), ESRCH);
    ERR(ptrace(PTRACE_PEEKDATA, 99999, 0, 0), ESRCH);

    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        _exit(child());
    int st = wait_stop(pid, "TRACEME child");
    TRUE(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
    tracer_pid_of(pid);

    SECTION("siginfo");
    siginfo_t si;
    EQ(ptrace(PTRACE_GETSIGINFO, pid, 0, &si), 0);
    TRUE(si.si_signo == SIGSTOP && si.si_code == SI_USER && si.si_pid == pid);
    ERR(ptrace(PTRACE_GETSIGINFO, pid, 0, (void *)8), EFAULT);

    SECTION("memory");
    errno = 0;
    long w = ptrace(PTRACE_PEEKDATA, pid, &shared_word, 0);
    TRUE(w == 0x1122334455667788 && errno == 0);
    unsigned long word = 0;
    EQ(raw_ptrace(PTRACE_PEEKTEXT, pid, (unsigned long)&shared_word, (unsigned long)&word), 0);
    TRUE(word == 0x1122334455667788);
    EQ(ptrace(PTRACE_POKEDATA, pid, &shared_word, (void *)0x55aa), 0);
    TRUE(shared_word == 0x1122334455667788); /* ours is untouched */
    EQ(ptrace(PTRACE_POKETEXT, pid, &rodata_word, (void *)0x600d), 0); /* read-only: forced */
    errno = 0;
    TRUE(ptrace(PTRACE_PEEKDATA, pid, &rodata_word, 0) == 0x600d);
    TRUE(rodata_word == 0x0badc0de);
    errno = 0;
    ERR(ptrace(PTRACE_PEEKDATA, pid, (void *)0x10, 0), EIO);
    ERR(ptrace(PTRACE_POKEDATA, pid, (void *)0x10, 0), EIO);
    ERR(ptrace(PTRACE_PEEKDATA, pid, (void *)0xffff800000000000UL, 0), EIO);
    ERR(raw_ptrace(PTRACE_PEEKDATA, pid, (unsigned long)&shared_word, 8), EFAULT);

    SECTION("registers");
    struct user_regs_struct regs;
    EQ(ptrace(PTRACE_GETREGS, pid, 0, &regs), 0);
    TRUE(regs.orig_rax == SYS_kill && regs.rax == 0 && regs.cs == 0x33 && regs.ss == 0x2b);
    errno = 0;
    TRUE(ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user, regs.orig_rax), 0) == SYS_kill);
    TRUE(ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user, regs.rip), 0) == (long)regs.rip);
    TRUE(ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user, u_debugreg), 0) == 0 && errno == 0);
    ERR(ptrace(PTRACE_PEEKUSER, pid, 3, 0), EIO);
    EQ(ptrace(PTRACE_PEEKUSER, pid, sizeof(struct user), 0), 0); /* the kernel's struct user: 2 words more */
    ERR(ptrace(PTRACE_PEEKUSER, pid, sizeof(struct user) + 16, 0), EIO);
    ERR(ptrace(PTRACE_PEEKUSER, pid, -8L, 0), EIO);
    ERR(ptrace(PTRACE_POKEUSER, pid, offsetof(struct user, regs.cs), 0), EIO);
    ERR(ptrace(PTRACE_POKEUSER, pid, offsetof(struct user, regs.ss), 0x28), EIO);
    ERR(ptrace(PTRACE_POKEUSER, pid, offsetof(struct user, regs.fs_base), 0xffff800000000000UL), EIO);
    EQ(ptrace(PTRACE_POKEUSER, pid, offsetof(struct user, regs.r12), 0x12121212), 0);
    errno = 0;
    TRUE(ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user, regs.r12), 0) == 0x12121212);
    regs.rax = 1234;
    EQ(ptrace(PTRACE_SETREGS, pid, 0, &regs), 0);
    struct user_regs_struct again;
    EQ(ptrace(PTRACE_GETREGS, pid, 0, &again), 0);
    TRUE(again.rax == 1234 && again.r12 == regs.r12);
    ERR(ptrace(PTRACE_GETREGS, pid, 0, (void *)8), EFAULT);

    struct user_fpregs_struct fp;
    EQ(ptrace(PTRACE_GETFPREGS, pid, 0, &fp), 0);
    TRUE((fp.mxcsr & 0xffff) == 0x1f80 && fp.cwd == 0x37f);
    struct user_fpregs_struct bad = fp;
    bad.mxcsr = 0xffffffff;
    ERR(ptrace(PTRACE_SETFPREGS, pid, 0, &bad), EINVAL);
    EQ(ptrace(PTRACE_SETFPREGS, pid, 0, &fp), 0);

    struct iovec iov = {&again, sizeof again};
    EQ(ptrace(PTRACE_GETREGSET, pid, NT_PRSTATUS, &iov), 0);
    TRUE(iov.iov_len == sizeof(struct user_regs_struct) && again.rax == 1234);
    unsigned long first = 0;
    iov = (struct iovec){&first, 8};
    EQ(ptrace(PTRACE_GETREGSET, pid, NT_PRSTATUS, &iov), 0);
    TRUE(iov.iov_len == 8 && first == again.r15);
    iov.iov_len = 7;
    ERR(ptrace(PTRACE_GETREGSET, pid, NT_PRSTATUS, &iov), EINVAL);
    iov = (struct iovec){&fp, sizeof fp + 64};
    EQ(ptrace(PTRACE_GETREGSET, pid, NT_PRFPREG, &iov), 0);
    TRUE(iov.iov_len == 512);
    iov = (struct iovec){&again, sizeof again};
    ERR(ptrace(PTRACE_GETREGSET, pid, 0x999, &iov), EINVAL);
    ERR(ptrace(12345, pid, 0, 0), EIO);
    ERR(ptrace(PTRACE_CONT, pid, 0, 100), EIO);

    SECTION("signals");
    EQ(ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD), 0);
    ERR(ptrace(PTRACE_SETOPTIONS, pid, 0, 0x80000000UL), EINVAL);
    EQ(ptrace(PTRACE_CONT, pid, 0, 0), 0);
    st = wait_stop(pid, "raise(SIGUSR1)");
    TRUE(WIFSTOPPED(st) && WSTOPSIG(st) == SIGUSR1);
    EQ(ptrace(PTRACE_GETSIGINFO, pid, 0, &si), 0);
    TRUE(si.si_signo == SIGUSR1 && si.si_code == SI_TKILL);
    EQ(ptrace(PTRACE_SYSCALL, pid, 0, SIGUSR2), 0);
    /* The handler's return (rt_sigreturn) and the rest of raise: stops until getppid. */
    for (int i = 0; i < 20; i++) {
        waitpid(pid, &st, 0);
        struct syscall_info info;
        long size = ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof info, &info);
        if (size == 80 && info.op == 1 && info.entry.nr == SYS_getppid)
            break;
        ptrace(PTRACE_SYSCALL, pid, 0, 0);
    }
    printf("getppid entry: stopped sig %d%s\n", WSTOPSIG(st) & 0x7f, (WSTOPSIG(st) & 0x80) ? " sysgood" : "");
    struct syscall_info info;
    memset(&info, 0, sizeof info);
    EQ(ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof info, &info), 80);
    TRUE(info.op == 1 && info.arch == 0xc000003e && info.entry.nr == SYS_getppid);
    EQ(ptrace(PTRACE_GET_SYSCALL_INFO, pid, 1, &info), 80);
    unsigned long msg = 0;
    EQ(ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg), 0);
    TRUE(msg == 1);
    EQ(ptrace(PTRACE_GETSIGINFO, pid, 0, &si), 0);
    TRUE(si.si_signo == SIGTRAP && si.si_code == (SIGTRAP | 0x80));
    EQ(ptrace(PTRACE_POKEUSER, pid, offsetof(struct user, regs.orig_rax), -1L), 0);
    EQ(ptrace(PTRACE_SYSCALL, pid, 0, 0), 0);
    st = wait_stop(pid, "skipped getppid exit");
    memset(&info, 0, sizeof info);
    EQ(ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof info, &info), 33);
    TRUE(info.op == 2 && info.exit.rval == -ENOSYS && info.exit.is_error == 1);
    EQ(ptrace(PTRACE_SYSCALL, pid, 0, 0), 0);
    st = wait_stop(pid, "getppid entry");
    EQ(ptrace(PTRACE_SYSCALL, pid, 0, 0), 0);
    st = wait_stop(pid, "getppid exit");
    errno = 0;
    TRUE(ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user, regs.rax), 0) == 1);
    memset(&info, 0, sizeof info);
    EQ(ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof info, &info), 33);
    TRUE(info.op == 2 && info.exit.rval == 1 && info.exit.is_error == 0);
    EQ(ptrace(PTRACE_POKEUSER, pid, offsetof(struct user, regs.rax), 777), 0);

    SECTION("waitid");
    EQ(ptrace(PTRACE_CONT, pid, 0, 0), 0);
    siginfo_t wi;
    memset(&wi, 0, sizeof wi);
    EQ(waitid(P_PID, pid, &wi, WEXITED | WNOWAIT), 0);
    TRUE(wi.si_code == CLD_TRAPPED && wi.si_status == SIGSTOP && wi.si_pid == pid);
    st = wait_stop(pid, "raise(SIGSTOP)");

    SECTION("single step");
    EQ(ptrace(PTRACE_GETREGS, pid, 0, &regs), 0);
    unsigned long ip0 = regs.rip;
    EQ(ptrace(PTRACE_SINGLESTEP, pid, 0, 0), 0);
    st = wait_stop(pid, "step");
    EQ(ptrace(PTRACE_GETSIGINFO, pid, 0, &si), 0);
    printf("step: SIGTRAP %s\n", si.si_signo == SIGTRAP ? "yes" : "no");
    EQ(ptrace(PTRACE_GETREGS, pid, 0, &regs), 0);
    TRUE(regs.rip != ip0 && !(regs.eflags & 0x100));
    for (int i = 0; i < 5; i++) {
        ptrace(PTRACE_SINGLESTEP, pid, 0, 0);
        waitpid(pid, &st, 0);
    }
    TRUE(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP);
    EQ(ptrace(PTRACE_CONT, pid, 0, 0), 0);
    st = wait_stop(pid, "tracee");
    TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 63);
    ERR(ptrace(PTRACE_CONT, pid, 0, 0), ESRCH);

    SECTION("PTRACE_KILL");
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        raise(SIGSTOP);
        _exit(0);
    }
    wait_stop(pid, "second child");
    EQ(ptrace(PTRACE_KILL, pid, 0, 0), 0);
    st = wait_stop(pid, "killed child");
    TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    return summary();
}
