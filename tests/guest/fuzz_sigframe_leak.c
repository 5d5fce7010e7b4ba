/* Found by the fuzzer (seeds 100 and 310 with SA_ONSTACK handlers): a kernel
 * direct-map pointer in a user buffer that the call before had not written.
 * The buffer held an alternate signal stack, and the signal frame's FPU
 * state was copied from a kernel stack buffer that fxsave fills only in
 * part: bytes 464..511 of the 512-byte area (left to software) kept what the
 * kernel stack held there before. Linux writes every byte of the frame.
 *
 * The test fills an alternate stack, takes signals on it after calls that
 * use the kernel stack, and looks for any word of the kernel half in what
 * the kernel wrote there. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#define FILLB 0xa5
#define STACK_SIZE (64 * 1024)

static unsigned char altstack[STACK_SIZE] __attribute__((aligned(64)));
static volatile int handled;
static volatile uintptr_t fpstate_at;

static void handler(int sig, siginfo_t *info, void *ucv)
{
    (void)sig;
    (void)info;
    ucontext_t *uc = ucv;
    fpstate_at = (uintptr_t)uc->uc_mcontext.fpregs;
    handled++;
}

/* Calls that leave kernel pointers on the kernel stack. */
static void stir_kernel_stack(int round)
{
    struct stat st;
    struct utsname u;
    char buf[512];
    stat("/", &st);
    stat("/nonexistent/x", &st);
    uname(&u);
    int fd = open("/", O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        syscall(SYS_getdents64, fd, buf, sizeof(buf));
        close(fd);
    }
    int p[2];
    if (pipe(p) == 0) {
        write(p[1], buf, (size_t)(round % 64) + 1);
        read(p[0], buf, sizeof(buf));
        close(p[0]);
        close(p[1]);
    }
}

/* Words of the kernel half (>= 0xffff800000000000) in [from, to). */
static int kernel_words(const unsigned char *from, const unsigned char *to)
{
    int n = 0;
    for (const unsigned char *p = from; p + 8 <= to; p += 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        if (v >= 0xffff800000000000ULL)
            n++;
    }
    return n;
}

int main(void)
{
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack), .ss_flags = 0};
    if (sigaltstack(&ss, 0)) {
        perror("sigaltstack");
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGUSR1, &sa, 0);

    int rounds = 32, leaky = 0, fp_leaky = 0, fp_in_stack = 0;
    for (int i = 0; i < rounds; i++) {
        memset(altstack, FILLB, sizeof(altstack));
        stir_kernel_stack(i);
        syscall(SYS_kill, getpid(), SIGUSR1);
        const unsigned char *fp = (const unsigned char *)fpstate_at;
        if (fp >= altstack && fp + 512 <= altstack + sizeof(altstack)) {
            fp_in_stack++;
            if (kernel_words(fp, fp + 512))
                fp_leaky++;
        }
        if (kernel_words(altstack, altstack + sizeof(altstack)))
            leaky++;
    }
    printf("signals handled: %d of %d\n", handled, rounds);
    printf("fpstate on the alternate stack: %d of %d\n", fp_in_stack, rounds);
    printf("frames with a kernel-half word in the FPU state: %d\n", fp_leaky);
    printf("frames with a kernel-half word anywhere: %d\n", leaky);
    if (handled != rounds || fp_in_stack != rounds || leaky || fp_leaky) {
        printf("FAIL: the signal frame holds kernel words\n");
        return 1;
    }
    return 0;
}
