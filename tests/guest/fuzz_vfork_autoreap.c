/* Found by the fuzzer (seed 310): the parent of vfork slept on a wait queue
 * in the child's task_struct and re-read the child's "vfork pending" flag
 * there after every wake-up; a child reaped at once when it exits (SIGCHLD
 * ignored, SA_NOCLDWAIT, a CLONE_THREAD child) was already freed by then:
 * UBSan stopped the kernel on a poisoned bool. Linux's parent waits on a
 * completion of its own. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* clone(flags) whose child exits at once without touching memory (with
 * CLONE_VM and no new stack it runs on ours while we are suspended). */
static long clone_exit_at_once(unsigned long flags)
{
    long ret;
    asm volatile("syscall\n\t"
                 "test %%rax, %%rax\n\t"
                 "jnz 1f\n\t"
                 "movl $60, %%eax\n\t"
                 "xorl %%edi, %%edi\n\t"
                 "syscall\n\t"
                 "ud2\n"
                 "1:"
                 : "=a"(ret)
                 : "a"((long)SYS_clone), "D"(flags), "S"(0L), "d"(0L)
                 : "rcx", "r11", "r10", "r8", "r9", "memory");
    return ret;
}

static void reap(const char *what)
{
    int status = 0;
    errno = 0;
    pid_t w = waitpid(-1, &status, __WALL);
    if (w > 0)
        printf("%s: waitpid: a child, status %d\n", what, status);
    else
        printf("%s: waitpid: %s\n", what, strerror(errno));
}

int main(void)
{
    /* 1. vfork with SIGCHLD ignored: the child is reaped when it exits. */
    signal(SIGCHLD, SIG_IGN);
    for (int i = 0; i < 8; i++) {
        long pid = clone_exit_at_once(CLONE_VM | CLONE_VFORK | SIGCHLD);
        if (pid <= 0) {
            printf("FAIL: vfork: %ld\n", pid);
            return 1;
        }
    }
    printf("vfork x8 with SIGCHLD ignored: returned\n");
    reap("SIGCHLD ignored");

    /* 2. SA_NOCLDWAIT: the same. */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    sa.sa_flags = SA_NOCLDWAIT;
    sigaction(SIGCHLD, &sa, 0);
    for (int i = 0; i < 8; i++)
        if (clone_exit_at_once(CLONE_VM | CLONE_VFORK | SIGCHLD) <= 0) {
            printf("FAIL: vfork with SA_NOCLDWAIT\n");
            return 1;
        }
    printf("vfork x8 with SA_NOCLDWAIT: returned\n");
    reap("SA_NOCLDWAIT");

    /* 3. A CLONE_VFORK thread: threads are reaped when they exit. */
    signal(SIGCHLD, SIG_DFL);
    for (int i = 0; i < 8; i++)
        if (clone_exit_at_once(CLONE_VM | CLONE_VFORK | CLONE_THREAD | CLONE_SIGHAND) <= 0) {
            printf("FAIL: CLONE_VFORK thread\n");
            return 1;
        }
    printf("CLONE_VFORK thread x8: returned\n");

    /* 4. An ordinary vfork child stays a zombie for waitpid. */
    if (clone_exit_at_once(CLONE_VM | CLONE_VFORK | SIGCHLD) <= 0) {
        printf("FAIL: vfork\n");
        return 1;
    }
    reap("SIGCHLD default");
    reap("again");
    return 0;
}
