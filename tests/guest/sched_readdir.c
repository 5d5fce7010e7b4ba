/*
 * A directory read that gives others their turn (fs/dcache.cpp: every 64
 * entries, if another task is due) must still list every entry exactly
 * once. One CPU: a reader lists a directory of 5,000 files again and again
 * with getdents64 and a buffer for all of them, while a sleeper wakes every
 * millisecond (so the reader is often due to give way inside the call).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "musl_check.h"

enum { FILES = 5000, PASSES = 40 };

struct linux_dirent64 {
    unsigned long long d_ino;
    long long d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

int main(void)
{
    mkdir("/tmp", 01777);
    mkdir("/tmp/many", 0755);
    char name[64];
    for (int i = 0; i < FILES; i++) {
        snprintf(name, sizeof(name), "/tmp/many/f%05d", i);
        int fd = open(name, O_CREAT | O_WRONLY, 0644);
        if (fd < 0)
            return 2;
        close(fd);
    }
    pid_t sleeper = fork();
    if (sleeper == 0) {
        struct timespec ms = {0, 1000000};
        for (;;)
            nanosleep(&ms, NULL);
    }
    static char buf[1 << 20];
    static unsigned char seen[FILES];
    int bad_passes = 0, dups = 0;
    int dir = open("/tmp/many", O_RDONLY | O_DIRECTORY);
    for (int pass = 0; pass < PASSES; pass++) {
        memset(seen, 0, sizeof(seen));
        int count = 0;
        lseek(dir, 0, SEEK_SET);
        for (;;) {
            long n = syscall(SYS_getdents64, dir, buf, sizeof(buf));
            if (n <= 0)
                break;
            for (long off = 0; off < n;) {
                struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
                int k;
                if (sscanf(d->d_name, "f%d", &k) == 1 && k >= 0 && k < FILES) {
                    dups += seen[k];
                    seen[k] = 1;
                    count++;
                }
                off += d->d_reclen;
            }
        }
        bad_passes += count != FILES;
    }
    kill(sleeper, SIGKILL);
    waitpid(sleeper, NULL, 0);
    EQ(bad_passes, 0);
    EQ(dups, 0);
    return summary();
}
