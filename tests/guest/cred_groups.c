/*
 * Supplementary groups: setgroups takes up to NGROUPS_MAX (65536; EINVAL
 * past it, EFAULT for a bad list at it), getgroups returns them sorted,
 * membership counts for permissions, and /proc/self/status lists them.
 */
#define _GNU_SOURCE
#include "musl_check.h"
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, 0);
    gid_t few[5] = {700, 3, 500, 42, 9};
    EQ(setgroups(5, few), 0);
    gid_t got[8];
    EQ(getgroups(8, got), 5);
    printf("sorted: %u %u %u %u %u\n", got[0], got[1], got[2], got[3], got[4]);
    ERR(getgroups(2, got), EINVAL);
    EQ(getgroups(0, NULL), 5);
    char buf[4096] = {0};
    int fd = open("/proc/self/status", O_RDONLY);
    read(fd, buf, sizeof buf - 1);
    close(fd);
    char *g = strstr(buf, "Groups:");
    printf("%.*s\n", (int)(strchr(g, '\n') - g), g);

    /* More than the old fixed 32. */
    static gid_t many[65537];
    for (int i = 0; i < 1000; i++)
        many[i] = 5000 - i * 3;
    EQ(setgroups(1000, many), 0);
    static gid_t back[1000];
    EQ(getgroups(1000, back), 1000);
    int sorted = 1;
    for (int i = 1; i < 1000; i++)
        sorted &= back[i - 1] < back[i];
    TRUE(sorted);
    printf("first %u last %u\n", back[0], back[999]);
    ERR(setgroups(65537, many), EINVAL);
    ERR(setgroups(65536, (gid_t *)8), EFAULT);
    ERR(setgroups(-1, many), EINVAL);

    /* Membership: a file of group 2002 (one of the 1000), mode 070. */
    EQ(close(open("/grpfile", O_CREAT | O_WRONLY, 0070)), 0);
    EQ(chown("/grpfile", 0, 2003), 0); /* 5000 - 999 * 3 = 2003 is the smallest */
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        if (setgid(1) || setuid(1000))
            _exit(9);
        fd = open("/grpfile", O_RDONLY);
        printf("member opens: %s\n", fd >= 0 ? "yes" : ename(errno));
        fflush(stdout);
        _exit(0);
    }
    int st;
    EQ(waitpid(c, &st, 0), c);
    EQ(setgroups(0, NULL), 0);
    c = fork();
    if (c == 0) {
        if (setgid(1) || setuid(1000))
            _exit(9);
        fd = open("/grpfile", O_RDONLY);
        printf("non-member opens: %s\n", fd >= 0 ? "yes" : ename(errno));
        fflush(stdout);
        _exit(0);
    }
    EQ(waitpid(c, &st, 0), c);
    return summary();
}
