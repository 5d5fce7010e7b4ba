/* Found by the fuzzer (seed 1022): pid 1 died of SIGKILL. A worker had
 * taken all memory (a read MAP_POPULATE of 1 TiB brings in a page per
 * page), and the page-fault handler killed whoever faulted next when no
 * page was left: pid 1, writing its stack after a fork (copy-on-write).
 * Linux's OOM killer chooses the process with the most memory and never
 * init. Here the child takes the memory, pid 1 then needs pages. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int p[2];
    if (pipe(p))
        return 1;
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        /* MAP_POPULATE brings in pages until none is left, and the mmap
         * still succeeds (or Linux's OOM killer ends us in it). */
        mmap(0, 1UL << 40, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_POPULATE, -1, 0);
        write(p[1], "x", 1);
        for (;;)
            pause();
    }
    close(p[1]);
    char c;
    read(p[0], &c, 1); /* the child holds all it could get, or is dead */
    /* pid 1 needs memory now: fresh pages it writes. */
    size_t n = 4 << 20;
    char *mine = mmap(0, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mine == MAP_FAILED) {
        printf("FAIL: mmap\n");
        return 1;
    }
    memset(mine, 7, n);
    printf("pid 1 wrote %zu MiB of fresh memory\n", n >> 20);
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    printf("child: %s %d\n", WIFSIGNALED(status) ? "killed by signal" : "exited", WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    return 0;
}
