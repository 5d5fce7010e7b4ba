/*
 * __kernel_vsyscall, the i386 vDSO's way into the kernel, by whichever
 * instruction the kernel chose for this CPU (SYSCALL on AMD's, SYSENTER on
 * Intel's: the manifest boots both vendors): the instruction it holds, all
 * six arguments arriving (the second and sixth travel differently on each
 * way in), a call restarted after a signal (the kernel moves the return
 * address back to the int $0x80 before the landing pad), and a call
 * single-stepped (TF set into the kernel, where its steps are not the
 * program's: the next one comes after the landing pad, in user mode).
 */
#include "check32.h"
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned long vsyscall;

/* A call through __kernel_vsyscall with six arguments, as glibc makes it
 * (ebp saved around the call: it is the sixth argument). */
static long vsys6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
    long ret;
    long args[3] = {a5, a6, (long)vsyscall};
    long *argp = args;
    asm volatile("pushl %%ebp\n\t"
                 "pushl 8(%%edi)\n\t"
                 "movl 4(%%edi), %%ebp\n\t"
                 "movl 0(%%edi), %%edi\n\t"
                 "call *(%%esp)\n\t"
                 "addl $4, %%esp\n\t"
                 "popl %%ebp"
                 : "=a"(ret), "+D"(argp)
                 : "a"(nr), "b"(a1), "c"(a2), "d"(a3), "S"(a4)
                 : "memory", "cc");
    return ret;
}

static const char *instruction(const unsigned char *p)
{
    for (int i = 0; i < 48; i++) {
        if (p[i] == 0x0f && p[i + 1] == 0x05)
            return "syscall";
        if (p[i] == 0x0f && p[i + 1] == 0x34)
            return "sysenter";
        if (p[i] == 0xcd && p[i + 1] == 0x80)
            return "int $0x80";
        if (p[i] == 0xc3)
            break;
    }
    return "none";
}

static int cpu_is_intel(void)
{
    unsigned int a = 0, b, c, d;
    asm volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
    return b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e; /* GenuineIntel */
}

static volatile int alarms, steps_inside, steps_after;
static void on_alarm(int sig) { (void)sig; alarms++; }
/* Single steps through __kernel_vsyscall (how many depends on the vDSO's
 * code, so only whether there were any is printed), then the one after its
 * ret, which ends the stepping. */
static void on_trap(int sig, siginfo_t *si, void *uc)
{
    (void)sig; (void)si;
    ucontext_t *u = uc;
    unsigned long ip = u->uc_mcontext.gregs[REG_EIP];
    if (ip - vsyscall < 64) {
        steps_inside++;
    } else {
        steps_after++;
        u->uc_mcontext.gregs[REG_EFL] &= ~0x100;
    }
}

int main(void)
{
    vsyscall = getauxval(AT_SYSINFO);
    CHECK_TRUE("AT_SYSINFO given", vsyscall != 0);
    if (!vsyscall)
        return summary();
    const char *want = cpu_is_intel() ? "sysenter" : "syscall";
    const char *got = instruction((const unsigned char *)vsyscall);
    printf("__kernel_vsyscall enters by %s\n", strcmp(got, want) ? got : "the CPU's fast instruction");
    CHECK_TRUE("the vendor's instruction", !strcmp(got, want));

    /* Second argument (ecx) and third: a write. */
    static const char hello[] = "through the vDSO\n";
    CHECK(vsys6(4 /* write */, 1, (long)hello, sizeof hello - 1, 0, 0, 0), sizeof hello - 1);
    /* All six: mmap2 of a file's second page at a fixed address. */
    int fd = open("/tmp/vsys", O_RDWR | O_CREAT | O_TRUNC, 0600);
    static char page[8192];
    memset(page, 'A', 4096);
    memset(page + 4096, 'B', 4096);
    CHECK(write(fd, page, sizeof page), 8192);
    long addr = 0x50000000;
    CHECK(vsys6(192 /* mmap2 */, addr, 4096, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 1), addr);
    CHECK(*(volatile char *)addr, 'B');
    CHECK(vsys6(192, addr, 4096, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0), addr);
    CHECK(*(volatile char *)addr, 'A');
    close(fd);

    /* A blocking read restarted under SA_RESTART: the signal arrives while
     * the call sleeps in the kernel, the read resumes and gets the data. */
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    int p[2];
    CHECK(pipe(p), 0);
    pid_t child = fork();
    if (child == 0) {
        usleep(300000);
        write(p[1], "late", 4);
        _exit(0);
    }
    struct itimerval it = {{0, 0}, {0, 50000}};
    setitimer(ITIMER_REAL, &it, NULL);
    char buf[8] = {0};
    CHECK(vsys6(3 /* read */, p[0], (long)buf, sizeof buf, 0, 0, 0), 4);
    CHECK_TRUE("restarted read got the data", !memcmp(buf, "late", 4));
    CHECK(alarms, 1);
    int status;
    CHECK(waitpid(child, &status, 0), child);

    /* TF set across the call: single steps inside the kernel's entry are
     * not the program's; the one it sees comes in user mode after it. */
    struct sigaction st = {0};
    st.sa_sigaction = on_trap;
    st.sa_flags = SA_SIGINFO;
    sigaction(SIGTRAP, &st, NULL);
    long pid = getpid(), r;
    asm volatile("pushfl\n\t"
                 "orl $0x100, (%%esp)\n\t"
                 "popfl\n\t"
                 "call *%%edi"
                 : "=a"(r)
                 : "a"(20 /* getpid */), "D"(vsyscall)
                 : "memory", "cc", "ecx", "edx");
    CHECK(r, pid);
    CHECK_TRUE("stepped through __kernel_vsyscall", steps_inside > 0);
    CHECK(steps_after, 1);
    return summary();
}
