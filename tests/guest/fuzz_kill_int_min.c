/* Found by the fuzzer (seed 1): kill(INT_MIN, sig) negated INT_MIN to find
 * the process group (undefined behaviour; UBSan stopped the kernel). Linux
 * answers ESRCH, whatever the signal, as wait4 does for INT_MIN. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    int sigs[] = {0, SIGKILL, SIGUSR1, 65};
    for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        long r = syscall(SYS_kill, (long)INT_MIN, (long)sigs[i]);
        printf("kill(INT_MIN, %d) = %ld %s\n", sigs[i], r, r < 0 ? strerror(errno) : "");
    }
    long r = syscall(SYS_kill, (long)INT_MIN + 1, 0L);
    printf("kill(INT_MIN + 1, 0) = %ld %s\n", r, r < 0 ? strerror(errno) : "");
    return 0;
}
