/*
 * The legacy vsyscall page at 0xffffffffff600000, in the kernel's mode:
 * vsyscall=none (Debian's default, compared with Linux) or vsyscall=xonly
 * (argument "xonly", booted with that option). It checks what a program
 * sees: the [vsyscall] line of /proc/self/maps, a read of the page, calls to
 * its three entry points (gettimeofday +0x0, time +0x400, getcpu +0x800)
 * against the system calls, a call elsewhere in the page, bad pointers (out
 * of user space, unmapped, read-only) and a bad stack. Each fault prints its
 * signal, si_code, si_addr, the error code and where it was delivered: all
 * fixed addresses.
 */
#define _GNU_SOURCE
#include "musl_check.h"
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define VSYS 0xffffffffff600000UL

static sigjmp_buf jump;
static volatile int got_sig;
static volatile long got_code, got_err, got_trapno;
static volatile unsigned long got_addr, got_rip;

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    got_sig = sig;
    got_code = si->si_code;
    got_addr = (unsigned long)si->si_addr;
    got_err = uc->uc_mcontext.gregs[REG_ERR];
    got_trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
    got_rip = uc->uc_mcontext.gregs[REG_RIP];
    siglongjmp(jump, 1);
}

static void report_fault(const char *what)
{
    printf("%s: signal %d code %#lx addr %#lx err %#lx trapno %ld rip %#lx\n", what, got_sig, got_code, got_addr,
           got_err, got_trapno, got_rip);
}

/* Runs f(a, b) at VSYS + off: its result, or -999 after a signal (reported). */
static long vcall(const char *what, unsigned long off, void *a, void *b)
{
    long (*f)(void *, void *) = (long (*)(void *, void *))(VSYS + off);
    got_sig = 0;
    if (sigsetjmp(jump, 1)) {
        report_fault(what);
        return -999;
    }
    return f(a, b);
}

static unsigned long saved_sp;
/* time() through the page with the stack pointer at bad_sp (the handler runs on the alternate stack). */
static void call_with_stack(unsigned long bad_sp)
{
    got_sig = 0;
    if (sigsetjmp(jump, 1)) {
        report_fault("time with a bad stack");
        return;
    }
    __asm__ volatile("mov %%rsp, %0\n\t"
                     "mov %1, %%rsp\n\t"
                     "xor %%edi, %%edi\n\t"
                     "jmp *%2\n\t"
                     : "=m"(saved_sp)
                     : "r"(bad_sp), "r"(VSYS + 0x400)
                     : "rdi", "memory");
}

int main(int argc, char **argv)
{
    int xonly = argc > 1 && !strcmp(argv[1], "xonly");
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, 0);
    setvbuf(stdout, 0, _IONBF, 0);

    static char altstack[65536];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
    sigaltstack(&ss, 0);
    struct sigaction sa = {0};
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigaction(SIGSEGV, &sa, 0);
    sigaction(SIGBUS, &sa, 0);

    /* The maps line. */
    char line[256];
    int found = 0;
    FILE *f = fopen("/proc/self/maps", "r");
    while (f && fgets(line, sizeof line, f))
        if (strstr(line, "[vsyscall]")) {
            printf("maps: %s", line);
            found = 1;
        }
    if (f)
        fclose(f);
    truth("[vsyscall] in /proc/self/maps as the mode says", found == xonly);

    /* A read: never allowed in these modes. */
    got_sig = 0;
    if (sigsetjmp(jump, 1))
        report_fault("read");
    else
        printf("read: %#x\n", *(volatile unsigned char *)VSYS);
    truth("a read faults", got_sig == SIGSEGV);

    struct timeval tv = {0}, tv2 = {0};
    long r = vcall("gettimeofday", 0, &tv, 0);
    gettimeofday(&tv2, 0);
    if (xonly) {
        EQ(r, 0);
        truth("gettimeofday agrees with the system call", tv.tv_sec && tv2.tv_sec - tv.tv_sec <= 2 && tv2.tv_sec >= tv.tv_sec);
        EQ(vcall("gettimeofday(NULL, NULL)", 0, 0, 0), 0);
        long t = 0;
        r = vcall("time", 0x400, &t, 0);
        long now = time(0);
        truth("time returns the time and stores it", r == t && now - r <= 2 && now >= r);
        unsigned cpu = 77, node = 77;
        EQ(vcall("getcpu", 0x800, &cpu, &node), 0);
        truth("getcpu: cpu 0, node 0", cpu == 0 && node == 0);
        EQ(vcall("getcpu(NULL, NULL)", 0x800, 0, 0), 0);
    } else {
        truth("gettimeofday faults", r == -999 && got_sig == SIGSEGV);
        r = vcall("time", 0x400, 0, 0);
        truth("time faults", r == -999 && got_sig == SIGSEGV);
    }

    /* Not an entry point. */
    r = vcall("call at +0x100", 0x100, 0, 0);
    truth("a call at +0x100 faults", r == -999 && got_sig == SIGSEGV);
    r = vcall("call at +0xc00", 0xc00, 0, 0);
    truth("a call at +0xc00 faults", r == -999 && got_sig == SIGSEGV);

    if (xonly) {
        /* Pointers the call cannot write. */
        r = vcall("time(kernel pointer)", 0x400, (void *)0xffff800000001000UL, 0);
        truth("time(kernel pointer) faults", r == -999 && got_sig == SIGSEGV);
        r = vcall("gettimeofday(NULL, kernel pointer)", 0, 0, (void *)0xffff800000001000UL);
        truth("gettimeofday(NULL, kernel pointer) faults", r == -999 && got_sig == SIGSEGV);
        char *page = mmap((void *)0x200000000UL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        munmap(page + 4096, 4096);
        mprotect(page, 4096, PROT_READ);
        r = vcall("time(unmapped)", 0x400, page + 4096, 0);
        truth("time(unmapped) faults", r == -999 && got_sig == SIGSEGV);
        r = vcall("time(read-only)", 0x400, page + 8, 0);
        truth("time(read-only) faults", r == -999 && got_sig == SIGSEGV);
        unsigned cpu;
        r = vcall("getcpu(&cpu, unmapped)", 0x800, &cpu, page + 4096);
        truth("getcpu(&cpu, unmapped) faults", r == -999 && got_sig == SIGSEGV);
        /* A return address that cannot be read. */
        call_with_stack(0x10);
        truth("a bad stack faults", got_sig == SIGSEGV);
    }
    return summary();
}
