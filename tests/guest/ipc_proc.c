/*
 * System V IPC in /proc against Linux: the limits in /proc/sys/kernel
 * (msgmax, msgmnb, msgmni, sem, shmmax, shmmni, shmall), written by root and
 * obeyed by the calls, and /proc/sysvipc/{msg,sem,shm}: the header lines
 * byte for byte, and each object's line with its id and times left out.
 */
#define _GNU_SOURCE
#include "musl_check.h"
#include "ipc_common.h"
#include <stdlib.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

/* Reads the file into buf (a string); a failure is a FAIL line and false. */
static int slurp(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    long n = fd >= 0 ? read(fd, buf, size - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (n < 0) {
        printf("FAIL: %s: %s\n", path, ipc_ename(errno));
        failures++;
        return 0;
    }
    buf[n] = 0;
    return 1;
}

static void cat(const char *path)
{
    char buf[4096];
    if (slurp(path, buf, sizeof(buf)))
        printf("%s: %s", path, buf);
}

static int put(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        return -1;
    long n = write(fd, text, strlen(text));
    close(fd);
    return n < 0 ? -1 : (int)n;
}

/* Prints the file's rows for the ids in ids[] (the tests of a batch share
 * Linux's IPC namespace: another test's objects are not ours to show), with
 * the fields in skip (1-based, a bit each) as '*'. */
static void table(const char *path, unsigned skip, const int *ids, int nids)
{
    char buf[4096];
    if (!slurp(path, buf, sizeof(buf)))
        return;
    char *line = buf, *end = strchr(line, '\n');
    printf("%s header: [%.*s]\n", path, end ? (int)(end - line) : (int)strlen(line), line);
    for (line = end ? end + 1 : NULL; line && *line; line = end ? end + 1 : NULL) {
        end = strchr(line, '\n');
        if (end)
            *end = 0;
        int key, id, ours = 0;
        if (sscanf(line, "%d %d", &key, &id) == 2)
            for (int i = 0; i < nids; i++)
                ours |= ids[i] == id;
        if (!ours)
            continue;
        printf("%s row (%zu chars):", path, strlen(line));
        int field = 0;
        for (char *tok = strtok(line, " "); tok; tok = strtok(NULL, " "))
            printf(" %s", (skip >> ++field) & 1 ? "*" : tok);
        printf("\n");
    }
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    mount_proc();
    SECTION("limits");
    const char *names[] = {"msgmax", "msgmnb", "msgmni", "sem", "shmmax", "shmmni", "shmall"};
    char path[64];
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(path, sizeof(path), "/proc/sys/kernel/%s", names[i]);
        cat(path);
    }
    EQ(put("/proc/sys/kernel/msgmax", "100\n"), 4);
    cat("/proc/sys/kernel/msgmax");
    int q = msgget(IPC_PRIVATE, 0600);
    struct { long t; char m[200]; } m = {1, ""};
    IERR(msgsnd(q, &m, 101, IPC_NOWAIT), EINVAL);
    EQ(msgsnd(q, &m, 100, IPC_NOWAIT), 0);
    EQ(put("/proc/sys/kernel/msgmax", "8192"), 4);
    IERR(put("/proc/sys/kernel/msgmax", "abc"), EINVAL);
    IERR(put("/proc/sys/kernel/msgmni", "40000"), EINVAL);
    EQ(put("/proc/sys/kernel/sem", "250 32000 32 128"), 16);
    cat("/proc/sys/kernel/sem");
    IERR(semget(IPC_PRIVATE, 251, 0600), EINVAL);
    EQ(put("/proc/sys/kernel/sem", "32000 1024000000 500 32000"), 26);
    cat("/proc/sys/kernel/sem");
    EQ(put("/proc/sys/kernel/shmmax", "8192"), 4);
    IERR(shmget(IPC_PRIVATE, 8193, 0600), EINVAL);
    EQ(put("/proc/sys/kernel/shmmax", "18446744073692774399"), 20);
    cat("/proc/sys/kernel/shmmax");

    SECTION("/proc/sysvipc");
    int q2 = msgget(0x51, IPC_CREAT | 0620);
    msgsnd(q2, &m, 7, 0);
    int s = semget(0x52, 3, IPC_CREAT | 0444);
    int sh = shmget(0x53, 5000, IPC_CREAT | 0666);
    char *p = shmat(sh, NULL, 0);
    p[0] = 1;
    /* Left out: the ids and the times. */
    int msgs[] = {q, q2};
    table("/proc/sysvipc/msg", 1u << 2 | 1u << 12 | 1u << 13 | 1u << 14, msgs, 2);
    table("/proc/sysvipc/sem", 1u << 2 | 1u << 9 | 1u << 10, &s, 1);
    table("/proc/sysvipc/shm", 1u << 2 | 1u << 12 | 1u << 13 | 1u << 14, &sh, 1);
    EQ(shmdt(p), 0);
    EQ(msgctl(q, IPC_RMID, NULL), 0);
    EQ(msgctl(q2, IPC_RMID, NULL), 0);
    EQ(semctl(s, 0, IPC_RMID), 0);
    EQ(shmctl(sh, IPC_RMID, NULL), 0);
    table("/proc/sysvipc/shm", 0, &sh, 1); /* gone */
    return summary();
}
