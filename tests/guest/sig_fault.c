/*
 * sig_fault: signals from faults, caught, as Linux reports them
 * (arch/x86/mm/fault.c, arch/x86/kernel/traps.c, kernel/signal.c
 * force_sig_info_to_task; sigaction(2) "siginfo_t", setjmp(3)).
 *   - SIGSEGV: an unmapped address gives SEGV_MAPERR with si_addr the
 *     address; a write to a read-only page SEGV_ACCERR; the handler can
 *     mprotect the page and return, and the write is retried and succeeds.
 *   - siglongjmp out of a SIGSEGV handler, twice (the mask saved by
 *     sigsetjmp comes back, so SIGSEGV is not left blocked).
 *   - SIGBUS past the end of a file mapping: BUS_ADRERR, si_addr.
 *   - SIGILL from ud2: ILL_ILLOPN, si_addr and the saved rip at the
 *     instruction; the handler moves rip past it and execution goes on.
 *   - SIGFPE from an integer division by zero: FPE_INTDIV, si_addr at the div.
 *   - SIGTRAP from int3: SI_KERNEL (do_int3_user sends it without siginfo,
 *     force_sig), the saved rip after the int3.
 *   - a fault while SIGSEGV is blocked or ignored kills (the kernel forces the
 *     default action): WTERMSIG 11; the handler does not run.
 *   - stack overflow caught on a sigaltstack.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "musl_check.h"

static volatile int got_sig, got_code;
static volatile int *volatile bad_ptr = (volatile int *)0x10;
static void *volatile got_addr;
static volatile unsigned long got_rip;
static sigjmp_buf jb;
static char *ro_page;

static void record(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    got_sig = sig;
    got_code = si->si_code;
    got_addr = si->si_addr;
    got_rip = uc->uc_mcontext.gregs[REG_RIP];
}

static void on_segv_jump(int sig, siginfo_t *si, void *uc)
{
    record(sig, si, uc);
    siglongjmp(jb, 1);
}

static void on_segv_fix(int sig, siginfo_t *si, void *uc)
{
    record(sig, si, uc);
    mprotect(ro_page, 4096, PROT_READ | PROT_WRITE);
}

static void on_skip2(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    record(sig, si, ucv);
    uc->uc_mcontext.gregs[REG_RIP] += 2; /* past ud2 / the 2-byte div */
}

static void on_trap(int sig, siginfo_t *si, void *ucv) { record(sig, si, ucv); }

static void handle(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigaction(sig, &sa, NULL);
}

extern char ud2_at[], div_at[], int3_after[];

__attribute__((noinline)) static void do_ud2(void)
{
    asm volatile(".globl ud2_at\nud2_at: ud2\n");
}

__attribute__((noinline)) static long do_div(long a, long b)
{
    long q;
    /* a 2-byte idiv (idivl %ecx = f7 f9), so the handler can step over it */
    asm volatile(".globl div_at\ndiv_at: idivl %%ecx\n"
                 : "=a"(q)
                 : "a"(a), "d"(0L), "c"(b)
                 : "cc");
    return q;
}

__attribute__((noinline)) static void do_int3(void)
{
    asm volatile("int3\n.globl int3_after\nint3_after: nop\n");
}

static volatile int depth_reached;
__attribute__((noinline)) static int recurse(int n)
{
    volatile char pad[1024];
    pad[0] = (char)n;
    depth_reached = n;
    if (n > 1000000) /* never: the stack ends long before */
        return pad[0];
    return recurse(n + 1) + pad[0];
}

static void on_overflow(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)si;
    (void)uc;
    char local;
    stack_t ss;
    sigaltstack(NULL, &ss);
    const char *msg = (ss.ss_flags & SS_ONSTACK) && (char *)&local >= (char *)ss.ss_sp &&
                              (char *)&local < (char *)ss.ss_sp + ss.ss_size
                          ? "  [child] overflow caught on the alternate stack\n"
                          : "  [child] FAIL: overflow handler not on the alternate stack\n";
    write(1, msg, strlen(msg));
    _exit(0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    int st;

    SECTION("SIGSEGV: unmapped address, siglongjmp");
    handle(SIGSEGV, on_segv_jump, 0);
    for (int round = 0; round < 2; round++) {
        got_sig = 0;
        if (sigsetjmp(jb, 1) == 0) {
            *bad_ptr = 1;
            printf("FAIL: no fault\n");
        }
        EQ(got_sig, SIGSEGV);
        EQ(got_code, SEGV_MAPERR);
        TRUE(got_addr == (void *)0x10);
        sigset_t m;
        sigprocmask(SIG_BLOCK, NULL, &m);
        TRUE(!sigismember(&m, SIGSEGV)); /* the mask came back with siglongjmp */
    }

    SECTION("SIGSEGV: read-only page, fixed by the handler");
    ro_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    handle(SIGSEGV, on_segv_fix, 0);
    got_sig = 0;
    ((volatile char *)ro_page)[100] = 42; /* faults once, then retried */
    EQ(got_sig, SIGSEGV);
    EQ(got_code, SEGV_ACCERR);
    TRUE(got_addr == ro_page + 100);
    EQ(ro_page[100], 42);
    munmap(ro_page, 4096);

    SECTION("SIGBUS past the end of a file");
    {
        int fd = open("/tmp/short", O_RDWR | O_CREAT | O_TRUNC, 0644);
        write(fd, "0123456789", 10);
        char *m = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
        TRUE(m != MAP_FAILED);
        EQ(m[5], '5');
        EQ(m[100], 0); /* the rest of the last page reads as zeros */
        handle(SIGBUS, on_segv_jump, 0);
        got_sig = 0;
        if (sigsetjmp(jb, 1) == 0) {
            (void)*(volatile char *)(m + 4096 + 8);
            printf("FAIL: no SIGBUS\n");
        }
        EQ(got_sig, SIGBUS);
        EQ(got_code, BUS_ADRERR);
        TRUE(got_addr == m + 4096 + 8);
        munmap(m, 8192);
        close(fd);
        unlink("/tmp/short");
    }

    SECTION("SIGILL");
    handle(SIGILL, on_skip2, 0);
    got_sig = 0;
    do_ud2();
    EQ(got_sig, SIGILL);
    EQ(got_code, ILL_ILLOPN);
    TRUE(got_addr == (void *)ud2_at);
    TRUE(got_rip == (unsigned long)ud2_at);
    printf("execution went on after the ud2\n");

    SECTION("SIGFPE");
    handle(SIGFPE, on_skip2, 0);
    got_sig = 0;
    do_div(7, 0);
    EQ(got_sig, SIGFPE);
    EQ(got_code, FPE_INTDIV);
    TRUE(got_addr == (void *)div_at);
    TRUE(got_rip == (unsigned long)div_at);
    EQ(do_div(84, 2), 42);

    SECTION("SIGTRAP");
    handle(SIGTRAP, on_trap, 0);
    got_sig = 0;
    do_int3();
    EQ(got_sig, SIGTRAP);
    EQ(got_code, SI_KERNEL);
    TRUE(got_rip == (unsigned long)int3_after);

    SECTION("a blocked or ignored SIGSEGV still kills");
    for (int how = 0; how < 2; how++) {
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            if (how == 0) {
                sigset_t m;
                handle(SIGSEGV, on_segv_jump, 0);
                sigemptyset(&m);
                sigaddset(&m, SIGSEGV);
                sigprocmask(SIG_BLOCK, &m, NULL);
            } else {
                signal(SIGSEGV, SIG_IGN);
            }
            if (sigsetjmp(jb, 1) == 0)
                *bad_ptr = 1;
            _exit(7); /* the handler ran */
        }
        TRUE(waitpid(c, &st, 0) == c);
        TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
    }

    SECTION("stack overflow on a sigaltstack");
    {
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            struct rlimit rl = {512 * 1024, RLIM_INFINITY};
            setrlimit(RLIMIT_STACK, &rl);
            stack_t ss = {.ss_sp = malloc(65536), .ss_size = 65536, .ss_flags = 0};
            sigaltstack(&ss, NULL);
            handle(SIGSEGV, on_overflow, SA_ONSTACK);
            recurse(0);
            _exit(3);
        }
        TRUE(waitpid(c, &st, 0) == c);
        EQ(st, 0);
    }
    return summary();
}
