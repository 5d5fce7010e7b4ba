/*
 * proc_pgrp: process groups and sessions as Linux keeps them (kernel/sys.c
 * ksys_setpgid, ksys_setsid, getpgid, getsid; setpgid(2), setsid(2)).
 *   - the first process starts in session 0 and group 0 (the kernel's own),
 *     is not a group leader, so setsid() works for it: sid = pgid = 1.
 *   - getpgid/getsid: 0 means the caller; ESRCH for a missing process; a
 *     child's group and session are readable whatever they are.
 *   - setpgid: a child into a group of its own and back, into a sibling's
 *     group; EINVAL for a negative pgid; ESRCH for a process that is neither
 *     the caller nor its child (a grandchild, a missing pid); EPERM for a
 *     session leader, for a child in another session, for a group in another
 *     session or one that does not exist; EACCES once the child has exec'd.
 *   - setsid: makes a new session and group (sid = pgid = pid); EPERM for a
 *     group leader, and for a process whose pid is still some group's id after
 *     it left that group.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "musl_check.h"

/* A child that runs fn (if any), then waits for a byte or EOF on a pipe and
 * exits with fn's result. */
struct kid {
    pid_t pid;
    int go;    /* write end: closing it lets the child exit */
    int ready; /* read end: one byte when fn has run */
};

static struct kid spawn(int (*fn)(void))
{
    int a[2], b[2];
    struct kid k;
    pipe(a);
    pipe(b);
    fflush(stdout);
    k.pid = fork();
    if (k.pid == 0) {
        for (int fd = 3; fd < 64; fd++) /* other children's pipes too */
            if (fd != a[0] && fd != b[1])
                close(fd);
        int r = fn ? fn() : 0;
        char c = 'r';
        write(b[1], &c, 1);
        read(a[0], &c, 1);
        _exit(r);
    }
    close(a[0]);
    close(b[1]);
    k.go = a[1];
    k.ready = b[0];
    char c;
    read(k.ready, &c, 1);
    return k;
}

static int finish(struct kid k)
{
    int st = -1;
    close(k.go);
    close(k.ready);
    waitpid(k.pid, &st, 0);
    return st;
}

static int do_setsid(void) { return setsid() == getpid() ? 0 : 1; }
static int do_own_group(void) { return setpgid(0, 0) == 0 ? 0 : 1; }

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "block") == 0) {
        char c;
        read(0, &c, 1);
        return 0;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    pid_t me = getpid();

    SECTION("init's group and session");
    EQ(getpgrp(), 0);
    EQ(getpgid(0), 0);
    EQ(getsid(0), 0);
    EQ(setsid(), 1);
    EQ(getsid(0), 1);
    EQ(getpgrp(), 1);
    EQ(getpgid(me), 1);
    ERR(setsid(), EPERM); /* now a group leader */
    ERR(setpgid(0, 0), EPERM); /* a session leader cannot change its group */

    SECTION("getpgid and getsid");
    ERR(getpgid(99999), ESRCH);
    ERR(getsid(99999), ESRCH);
    ERR(getpgid(-5), ESRCH);
    {
        struct kid k = spawn(NULL);
        EQ(getpgid(k.pid), 1);
        EQ(getsid(k.pid), 1);
        EQ(finish(k), 0);
    }

    SECTION("setpgid");
    {
        struct kid a = spawn(NULL), b = spawn(NULL);
        EQ(setpgid(a.pid, a.pid), 0);
        TRUE(getpgid(a.pid) == a.pid);
        EQ(setpgid(a.pid, 0), 0); /* 0: the pid itself */
        TRUE(getpgid(a.pid) == a.pid);
        EQ(setpgid(b.pid, a.pid), 0); /* into a sibling's group, same session */
        TRUE(getpgid(b.pid) == a.pid);
        EQ(setpgid(b.pid, getpgrp()), 0); /* back */
        EQ(getpgid(b.pid), 1);
        ERR(setpgid(a.pid, -1), EINVAL);
        ERR(setpgid(0, -1), EINVAL);
        ERR(setpgid(99999, 0), ESRCH);
        ERR(setpgid(b.pid, 99999), EPERM); /* no such group */
        EQ(finish(a), 0);
        EQ(finish(b), 0);
    }

    SECTION("setpgid across sessions");
    {
        struct kid s = spawn(do_setsid); /* a session leader of its own */
        struct kid c = spawn(NULL);
        TRUE(getsid(s.pid) == s.pid);
        TRUE(getpgid(s.pid) == s.pid);
        ERR(setpgid(s.pid, s.pid), EPERM);  /* a session leader */
        ERR(setpgid(s.pid, getpgrp()), EPERM);
        ERR(setpgid(c.pid, s.pid), EPERM);  /* a group of another session */
        EQ(finish(s), 0);
        EQ(finish(c), 0);
    }

    SECTION("setpgid on a grandchild");
    {
        int p[2], q[2];
        pipe(p);
        pipe(q);
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            close(p[0]);
            close(q[1]);
            pid_t g = fork();
            if (g == 0) {
                char x;
                read(q[0], &x, 1);
                _exit(0);
            }
            write(p[1], &g, sizeof g);
            waitpid(g, NULL, 0);
            _exit(0);
        }
        close(p[1]);
        close(q[0]);
        pid_t g = 0;
        read(p[0], &g, sizeof g);
        ERR(setpgid(g, g), ESRCH); /* not our child */
        EQ(getpgid(g), 1);
        close(q[1]);
        close(p[0]);
        waitpid(c, NULL, 0);
    }

    SECTION("setpgid after exec");
    {
        int in[2], sync[2];
        pipe(in);
        pipe2(sync, O_CLOEXEC);
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            dup2(in[0], 0);
            close(in[0]);
            close(in[1]);
            char *av[] = {argv[0], "block", NULL};
            execve(argv[0], av, NULL);
            _exit(127);
        }
        close(in[0]);
        close(sync[1]);
        char x;
        EQ(read(sync[0], &x, 1), 0); /* EOF: the child has exec'd */
        ERR(setpgid(c, c), EACCES);
        ERR(setpgid(c, 0), EACCES);
        EQ(getpgid(c), 1);
        close(in[1]);
        int st;
        waitpid(c, &st, 0);
        EQ(st, 0);
        close(sync[0]);
    }

    SECTION("setsid");
    {
        struct kid s = spawn(do_setsid);
        EQ(finish(s), 0); /* the child saw setsid() == its pid */
        struct kid l = spawn(do_own_group);
        EQ(finish(l), 0);
        /* a group leader cannot start a session */
        int p[2];
        pipe(p);
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            setpgid(0, 0);
            errno = 0;
            int r = setsid();
            int e = errno;
            /* leave the group (to our parent's) while a child keeps it alive */
            pid_t g = fork();
            if (g == 0) {
                char x;
                close(p[1]);
                read(p[0], &x, 1);
                _exit(0);
            }
            setpgid(0, 1);
            int moved = getpgrp() == 1;
            errno = 0;
            int r2 = setsid(); /* our pid is still group g's pgid */
            int e2 = errno;
            char buf[512];
            int n = snprintf(buf, sizeof buf, "  [child] setsid() as group leader = %d %s\n"
                                              "  [child] moved to group 1: %s\n"
                                              "  [child] setsid() while our pid names a group = %d %s\n",
                             r, r == -1 ? ename(e) : "", moved ? "yes" : "no", r2, r2 == -1 ? ename(e2) : "");
            write(1, buf, n);
            close(p[1]);
            waitpid(g, NULL, 0);
            _exit(r == -1 && e == EPERM && moved && r2 == -1 && e2 == EPERM ? 0 : 1);
        }
        close(p[0]);
        close(p[1]);
        int st;
        waitpid(c, &st, 0);
        EQ(st, 0);
    }
    return summary();
}
