/* Found by the fuzzer (seed 208): sendfile from /dev/urandom to /dev/null
 * with a count of 2 GiB loops in the kernel a page at a time for many minutes
 * under QEMU, and the kernel is not preempted: nothing else ran meanwhile, so
 * pid 1 looked hung. The loop must let others run, and then see the SIGKILL
 * they send, as Linux's does. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/sendfile.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
    int in = open("/dev/urandom", O_RDONLY), out = open("/dev/null", O_WRONLY);
    if (in < 0 || out < 0) {
        printf("FAIL: open /dev/urandom, /dev/null\n");
        return 1;
    }
    pid_t child = fork();
    if (child == 0) {
        for (;;)
            sendfile(out, in, 0, 1UL << 31);
    }
    struct timespec t = {0, 200 * 1000 * 1000};
    nanosleep(&t, 0);
    printf("the parent ran while its child was in sendfile\n");
    fflush(stdout);
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    printf("child %s\n", WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ? "killed by SIGKILL" : "ended otherwise");
    return 0;
}
