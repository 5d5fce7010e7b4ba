/*
 * CPU affinity and the CPU a task runs on: sched_setaffinity moves the caller
 * before it returns to user mode (sched_getcpu, the vDSO's rdtscp, and the
 * getcpu system call and a registered rseq area's cpu_id then agree),
 * children inherit the mask, and the errors
 * are Linux's (empty or offline-only masks, short buffers, other users' tasks,
 * missing tasks).
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "musl_check.h"

/* Linux's struct rseq (uapi/linux/rseq.h), registered by hand: musl does not. */
struct rseq_area {
    unsigned cpu_id_start, cpu_id;
    unsigned long long rseq_cs;
    unsigned flags;
} __attribute__((aligned(32)));
static struct rseq_area rs;

static int cpu_by_syscall(void)
{
    unsigned cpu = 99, node = 99;
    if (syscall(SYS_getcpu, &cpu, &node, NULL) != 0 || node != 0)
        return -1;
    return (int)cpu;
}

int main(void)
{
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    printf("online CPUs: %ld\n", online);
    cpu_set_t set;
    CPU_ZERO(&set);
    EQ(syscall(SYS_sched_getaffinity, 0, sizeof(set), &set), 8);
    EQ(CPU_COUNT(&set), online);

    EQ(syscall(SYS_rseq, &rs, sizeof(rs), 0, 0x53053053), 0);
    int moved = 0, rseq_right = 0;
    for (int round = 0; round < 3; round++) {
        for (int cpu = 0; cpu < online; cpu++) {
            CPU_ZERO(&set);
            CPU_SET(cpu, &set);
            if (sched_setaffinity(0, sizeof(set), &set) != 0)
                continue;
            /* Some work in between: the task must stay where it was put. */
            for (volatile int i = 0; i < 100000; i++)
                ;
            moved += sched_getcpu() == cpu && cpu_by_syscall() == cpu;
            rseq_right += *(volatile unsigned *)&rs.cpu_id == (unsigned)cpu;
        }
    }
    EQ(moved, 3 * online);
    EQ(rseq_right, 3 * online);

    /* A child inherits the mask (the last CPU set above). */
    int last = (int)online - 1;
    pid_t pid = fork();
    if (pid == 0) {
        cpu_set_t c;
        CPU_ZERO(&c);
        sched_getaffinity(0, sizeof(c), &c);
        _exit(CPU_COUNT(&c) == 1 && CPU_ISSET(last, &c) && sched_getcpu() == last ? 0 : 1);
    }
    int st;
    waitpid(pid, &st, 0);
    EQ(WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);

    /* Errors. */
    CPU_ZERO(&set);
    ERR(sched_setaffinity(0, sizeof(set), &set), EINVAL);
    unsigned long high = 1UL << 63; /* a CPU that does not exist */
    ERR(syscall(SYS_sched_setaffinity, 0, sizeof(high), &high), EINVAL);
    unsigned long small;
    ERR(syscall(SYS_sched_getaffinity, 0, 4, &small), EINVAL);
    ERR(syscall(SYS_sched_getaffinity, 0, 12, &set), EINVAL);
    ERR(syscall(SYS_sched_getaffinity, 0, sizeof(set), (void *)1), EFAULT);
    ERR(sched_getaffinity(999999, sizeof(set), &set), ESRCH);
    ERR(sched_setaffinity(999999, sizeof(set), &set), ESRCH);

    /* All CPUs again; a short mask (one byte) is zero-extended. */
    unsigned char one = 1;
    EQ(syscall(SYS_sched_setaffinity, 0, 1, &one), 0);
    EQ(sched_getcpu(), 0);
    CPU_ZERO(&set);
    for (int cpu = 0; cpu < online; cpu++)
        CPU_SET(cpu, &set);
    EQ(sched_setaffinity(0, sizeof(set), &set), 0);

    /* Another user's task: EPERM; reading its mask is allowed. */
    pid = fork();
    if (pid == 0) {
        if (setuid(65534) != 0)
            _exit(2);
        cpu_set_t c;
        CPU_ZERO(&c);
        CPU_SET(0, &c);
        int e1 = sched_setaffinity(getppid(), sizeof(c), &c) == -1 && errno == EPERM;
        int e2 = sched_getaffinity(getppid(), sizeof(c), &c) == 0;
        int e3 = sched_setaffinity(0, sizeof(c), &c) == 0; /* its own: fine */
        _exit(e1 && e2 && e3 ? 0 : 1);
    }
    waitpid(pid, &st, 0);
    EQ(WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    return summary();
}
