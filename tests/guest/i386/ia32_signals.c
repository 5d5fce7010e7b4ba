/*
 * Signals in an i386 program: rt frames (SA_SIGINFO: the compat siginfo and
 * ucontext_ia32, a handler changing the saved eip to step over a fault),
 * plain frames and sigreturn (glibc's restorer for a handler without
 * SA_SIGINFO), the masks while and after a handler, the FPU state kept,
 * sigaltstack's 12-byte stack_t, the old one-word calls (sigprocmask,
 * sigpending, sigaction, signal), sigqueue's value, sigtimedwait, and a
 * child killed by SIGSEGV with the status Linux gives.
 */
#define _GNU_SOURCE
#include "check32.h"
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

static volatile int got_sig, got_code, got_pid, got_value, got_trapno, got_err, got_cs, got_fpmagic;
static volatile uintptr_t got_addr;
static volatile int usr2_blocked_inside, on_altstack, altstack_flags;
static char altstack[65536];

extern char fault_insn[], fault_resume[];

static void info_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    got_sig = sig;
    got_code = si->si_code;
    got_pid = si->si_pid;
    got_value = si->si_value.sival_int;
    got_cs = uc->uc_mcontext.gregs[REG_CS];
    const unsigned short *fp = (const unsigned short *)uc->uc_mcontext.fpregs;
    got_fpmagic = fp ? fp[55] : -1; /* _fpstate_32.magic, 0 (X86_FXSR_MAGIC): an fxsave image follows */
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    usr2_blocked_inside = sigismember(&now, SIGUSR2) && sigismember(&now, sig);
    volatile double x = 1.0;
    for (int i = 0; i < 10; i++)
        x = x * 3.0 + 0.5; /* the handler's own FPU work */
}

static void segv_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    got_sig = sig;
    got_code = si->si_code;
    got_addr = (uintptr_t)si->si_addr;
    got_trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
    got_err = uc->uc_mcontext.gregs[REG_ERR];
    got_cs = uc->uc_mcontext.gregs[REG_CS];
    uc->uc_mcontext.gregs[REG_EIP] = (greg_t)(uintptr_t)fault_resume; /* step over the fault */
    uc->uc_mcontext.gregs[REG_EAX] = 1234;
}

static void plain_handler(int sig)
{
    got_sig = sig;
    int local;
    on_altstack = (char *)&local >= altstack && (char *)&local < altstack + sizeof altstack;
    stack_t cur;
    sigaltstack(NULL, &cur);
    altstack_flags = cur.ss_flags;
}

static long raw(long nr, long a, long b, long c) { return syscall(nr, a, b, c); }

int main(void)
{
    struct sigaction sa = {0};
    sa.sa_sigaction = info_handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    CHECK(sigaction(SIGUSR1, &sa, NULL), 0);
    struct sigaction old;
    CHECK(sigaction(SIGUSR1, NULL, &old), 0);
    CHECK_TRUE("the handler reads back", old.sa_sigaction == info_handler && (old.sa_flags & SA_SIGINFO) &&
                                             sigismember(&old.sa_mask, SIGUSR2));

    volatile double f = 2.5;
    CHECK(kill(getpid(), SIGUSR1), 0);
    CHECK(got_sig, SIGUSR1);
    CHECK(got_code, SI_USER);
    CHECK_TRUE("si_pid is ours", got_pid == getpid());
    CHECK(got_cs, 0x23);
    CHECK(got_fpmagic, 0);
    CHECK(usr2_blocked_inside, 1);
    CHECK_TRUE("the FPU state survives the handler", f * 2 == 5.0);
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    CHECK_TRUE("the mask is back after the handler", !sigismember(&now, SIGUSR1) && !sigismember(&now, SIGUSR2));

    /* sigqueue: SI_QUEUE and the value, through rt_sigqueueinfo's compat siginfo. */
    union sigval v = {.sival_int = 4321};
    got_sig = 0;
    CHECK(sigqueue(getpid(), SIGUSR1, v), 0);
    CHECK(got_code, SI_QUEUE);
    CHECK(got_value, 4321);

    /* A fault: SEGV_MAPERR at the address, trap 14, a user read (err 4);
     * the handler moves eip past the load and sets eax. */
    sa.sa_sigaction = segv_handler;
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGSEGV, &sa, NULL), 0);
    int eax;
    __asm__ volatile(".globl fault_insn, fault_resume\n"
                     "fault_insn: movl 0x10, %%eax\n"
                     "fault_resume:"
                     : "=a"(eax) : "a"(0) : "memory");
    CHECK(got_sig, SIGSEGV);
    CHECK(got_code, SEGV_MAPERR);
    CHECK(got_addr, 0x10);
    CHECK(got_trapno, 14);
    CHECK(got_err, 4);
    CHECK(eax, 1234);

    /* A handler without SA_SIGINFO, on the alternate stack: glibc's
     * restorer returns through sigreturn (119). */
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    CHECK(sigaltstack(&ss, NULL), 0);
    stack_t back;
    CHECK(sigaltstack(NULL, &back), 0);
    CHECK_TRUE("sigaltstack reads back", back.ss_sp == altstack && back.ss_size == sizeof altstack && back.ss_flags == 0);
    struct sigaction pa = {0};
    pa.sa_handler = plain_handler;
    pa.sa_flags = SA_ONSTACK;
    CHECK(sigaction(SIGUSR2, &pa, NULL), 0);
    got_sig = 0;
    CHECK(raise(SIGUSR2), 0);
    CHECK(got_sig, SIGUSR2);
    CHECK(on_altstack, 1);
    CHECK(altstack_flags, SS_ONSTACK);
    ss.ss_size = 100;
    CHECK_ERR(sigaltstack(&ss, NULL), ENOMEM);

    /* The old one-word calls: sigprocmask (126), sigpending (73), sigaction (67), signal (48). */
    unsigned int set = 1u << (SIGUSR1 - 1), oldset = 99;
    CHECK(raw(SYS_sigprocmask, SIG_BLOCK, (long)&set, (long)&oldset), 0);
    CHECK(oldset, 0);
    CHECK(kill(getpid(), SIGUSR1), 0);
    unsigned int pend = 0;
    CHECK(raw(SYS_sigpending, (long)&pend, 0, 0), 0);
    CHECK(pend, 1u << (SIGUSR1 - 1));
    /* sigtimedwait takes it without the handler (rt_sigtimedwait_time64). */
    sigset_t w;
    sigemptyset(&w);
    sigaddset(&w, SIGUSR1);
    siginfo_t wi;
    got_sig = 0;
    CHECK(sigtimedwait(&w, &wi, NULL), SIGUSR1);
    CHECK(wi.si_code, SI_USER);
    CHECK(got_sig, 0);
    struct timespec zero = {0, 0};
    CHECK_ERR(sigtimedwait(&w, &wi, &zero), EAGAIN);
    CHECK(raw(SYS_sigprocmask, SIG_SETMASK, (long)&oldset, 0), 0);
    struct { unsigned handler, mask, flags, restorer; } oa = {0}, na = {(unsigned)(uintptr_t)SIG_IGN, 0, 0, 0};
    CHECK(raw(SYS_sigaction, SIGUSR1, (long)&na, (long)&oa), 0);
    CHECK_TRUE("the old sigaction shows the SA_SIGINFO handler",
               oa.handler == (unsigned)(uintptr_t)info_handler && (oa.flags & SA_SIGINFO));
    CHECK(raw(SYS_signal, SIGUSR1, (long)SIG_DFL, 0), (long)(uintptr_t)SIG_IGN);
    CHECK(raw(SYS_signal, SIGUSR1, (long)SIG_DFL, 0), (long)(uintptr_t)SIG_DFL);

    /* A child that touches a bad pointer dies of SIGSEGV (no core: RLIMIT_CORE 0). */
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGSEGV, SIG_DFL);
        int *volatile bad = (int *)0x10;
        *bad = 1;
        _exit(0);
    }
    int status = 0;
    CHECK(raw(SYS_waitpid, pid, (long)&status, 0), pid);
    CHECK(WIFSIGNALED(status), 1);
    CHECK(WTERMSIG(status), SIGSEGV);
    /* And one that raises SIGABRT through abort(). */
    pid = fork();
    if (pid == 0)
        abort();
    CHECK(raw(SYS_waitpid, pid, (long)&status, 0), pid);
    CHECK(WTERMSIG(status), SIGABRT);
    return summary();
}
