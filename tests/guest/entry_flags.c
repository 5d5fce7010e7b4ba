/*
 * entry_flags: the kernel runs with DF and AC clear whatever user mode left in
 * them, at every gate, and user mode gets its own flags back (Linux's entry
 * code does cld and clac first; syscall gets both from MSR_SYSCALL_MASK).
 *   - int $0x80 write(2) of 36 bytes to a pipe with DF set: the bytes read
 *     back are the bytes written (a kernel copy run with the user's DF would
 *     go backwards), and DF is still set after the call returns.
 *   - the same with AC set (and through syscall, for comparison).
 *   - a signal sent through int $0x80 with DF set: the handler runs with DF
 *     clear (the ABI's promise), and sigreturn gives back the DF set.
 *   - an exception (ud2) with DF set: the SIGILL handler runs with DF clear,
 *     and DF is set again after the handler's return.
 *   - a timer signal delivered on return from an interrupt that hit a loop
 *     running with DF set: the handler sees DF clear, the loop DF set.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

#include "musl_check.h"

#define DF 0x400UL
#define AC 0x40000UL

static const char msg[] = "0123456789abcdefghijklmnopqrstuvwxyz"; /* 36 bytes */

static unsigned long read_flags(void)
{
    unsigned long f;
    asm volatile("pushfq; popq %0" : "=r"(f));
    return f;
}

/* i386 write (4) through int $0x80 with the flags in `set` raised; returns the
 * result and, in *after, the flags right after the int $0x80. */
static long int80_write_flags(int fd, const void *buf, long n, unsigned long set, unsigned long *after)
{
    long ret;
    unsigned long f;
    asm volatile("pushfq\n\t"
                 "orq %[set], (%%rsp)\n\t"
                 "popfq\n\t"
                 "int $0x80\n\t"
                 "pushfq\n\t"
                 "popq %[f]\n\t"
                 "pushfq\n\t"
                 "andq %[clear], (%%rsp)\n\t"
                 "popfq"
                 : "=a"(ret), [f] "=&r"(f)
                 : "a"(4L), "b"((long)fd), "c"(buf), "d"(n), [set] "r"(set), [clear] "r"(~(DF | AC))
                 : "memory", "cc", "r8", "r9", "r10", "r11");
    *after = f;
    return ret;
}

/* The same through syscall (x86-64 write, 1). */
static long syscall_write_flags(int fd, const void *buf, long n, unsigned long set, unsigned long *after)
{
    long ret;
    unsigned long f;
    asm volatile("pushfq\n\t"
                 "orq %[set], (%%rsp)\n\t"
                 "popfq\n\t"
                 "syscall\n\t"
                 "pushfq\n\t"
                 "popq %[f]\n\t"
                 "pushfq\n\t"
                 "andq %[clear], (%%rsp)\n\t"
                 "popfq"
                 : "=a"(ret), [f] "=&r"(f)
                 : "a"(1L), "D"((long)fd), "S"(buf), "d"(n), [set] "r"(set), [clear] "r"(~(DF | AC))
                 : "memory", "cc", "rcx", "r11");
    *after = f;
    return ret;
}

static void pipe_write(const char *what, int gate80, unsigned long set)
{
    int p[2];
    char got[64];
    unsigned long after = 0;
    char line[160];
    if (pipe(p)) {
        printf("FAIL: pipe\n");
        failures++;
        return;
    }
    memset(got, 0, sizeof(got));
    long n = gate80 ? int80_write_flags(p[1], msg, 36, set, &after) : syscall_write_flags(p[1], msg, 36, set, &after);
    snprintf(line, sizeof(line), "%s: write returns", what);
    report(line, n, 0, 0, 36);
    long r = read(p[0], got, sizeof(got));
    snprintf(line, sizeof(line), "%s: read back", what);
    report(line, r, 0, 0, 36);
    snprintf(line, sizeof(line), "%s: the bytes read are the bytes written", what);
    truth(line, r == 36 && memcmp(got, msg, 36) == 0);
    snprintf(line, sizeof(line), "%s: the flags set before are set after", what);
    truth(line, (after & set) == set);
    close(p[0]);
    close(p[1]);
}

static volatile unsigned long handler_flags;
static volatile int handled;

static void on_signal(int sig, siginfo_t *si, void *ucv)
{
    (void)si, (void)ucv;
    handler_flags = read_flags();
    handled = sig;
}

static void on_sigill(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    (void)si;
    handler_flags = read_flags();
    handled = sig;
    uc->uc_mcontext.gregs[REG_RIP] += 2; /* past the ud2 */
}

static void on_alarm(int sig, siginfo_t *si, void *ucv)
{
    (void)si, (void)ucv;
    handler_flags = read_flags();
    handled = sig;
}

static void catch(int sig, void (*fn)(int, siginfo_t *, void *))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO;
    sigaction(sig, &sa, 0);
}

int main(void)
{
    SECTION("write with DF or AC set");
    pipe_write("int $0x80, DF set", 1, DF);
    pipe_write("int $0x80, AC set", 1, AC);
    pipe_write("int $0x80, DF and AC set", 1, DF | AC);
    pipe_write("syscall, DF set", 0, DF);
    pipe_write("syscall, AC set", 0, AC);

    SECTION("signal raised through int $0x80 with DF set");
    catch(SIGUSR1, on_signal);
    handled = 0;
    handler_flags = 0;
    unsigned long after;
    long r;
    /* i386 kill (37) of ourselves */
    asm volatile("std\n\t"
                 "int $0x80\n\t"
                 "pushfq\n\t"
                 "popq %[f]\n\t"
                 "cld"
                 : "=a"(r), [f] "=&r"(after)
                 : "a"(37L), "b"((long)getpid()), "c"((long)SIGUSR1)
                 : "memory", "cc", "r8", "r9", "r10", "r11");
    EQ(r, 0);
    EQ(handled, SIGUSR1);
    TRUE(!(handler_flags & DF));
    TRUE((after & DF) != 0);

    SECTION("exception with DF set");
    catch(SIGILL, on_sigill);
    handled = 0;
    handler_flags = 0;
    asm volatile("std\n\t"
                 "ud2\n\t"
                 "pushfq\n\t"
                 "popq %[f]\n\t"
                 "cld"
                 : [f] "=r"(after)
                 :
                 : "memory", "cc");
    EQ(handled, SIGILL);
    TRUE(!(handler_flags & DF));
    TRUE((after & DF) != 0);

    SECTION("interrupt with DF set");
    catch(SIGALRM, on_alarm);
    handled = 0;
    handler_flags = 0;
    struct itimerval it = {{0, 0}, {0, 20000}};
    setitimer(ITIMER_REAL, &it, 0);
    /* Spin with DF set until the timer's signal has been handled. */
    asm volatile("std\n\t"
                 "1: cmpl $0, %[h]\n\t"
                 "je 1b\n\t"
                 "pushfq\n\t"
                 "popq %[f]\n\t"
                 "cld"
                 : [f] "=r"(after)
                 : [h] "m"(handled)
                 : "memory", "cc");
    EQ(handled, SIGALRM);
    TRUE(!(handler_flags & DF));
    TRUE((after & DF) != 0);
    return summary();
}
