/*
 * epoll on pipes, an eventfd and a nested epoll: readiness as poll(2) sees
 * it, EPOLLONESHOT, EPOLLHUP/EPOLLERR always reported, items leaving when
 * their file's last descriptor closes (not before), a wait that sleeps until
 * a child writes, timeouts, epoll_pwait's mask, and epoll_ctl's errors.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "musl_check.h"

static struct epoll_event ev(unsigned events, unsigned long data)
{
    struct epoll_event e;
    memset(&e, 0, sizeof(e));
    e.events = events;
    e.data.u64 = data;
    return e;
}

static struct epoll_event out[8];

/* One wait's result, as "n: data:events ...". */
static void wait_show(const char *what, int ep, int timeout)
{
    int n = epoll_wait(ep, out, 8, timeout);
    printf("%s: %d", what, n);
    for (int i = 0; i < n; i++)
        printf(" %lu:%#x", (unsigned long)out[i].data.u64, out[i].events);
    printf("\n");
}

static void on_usr1(int sig) { (void)sig; }

int main(void)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    TRUE(ep >= 0);
    EQ(fcntl(ep, F_GETFD), FD_CLOEXEC);
    int p[2], q[2];
    pipe(p);
    pipe(q);
    int efd = eventfd(0, 0);
    struct epoll_event e;

    e = ev(EPOLLIN, 1);
    EQ(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e), 0);
    e = ev(EPOLLOUT, 2);
    EQ(epoll_ctl(ep, EPOLL_CTL_ADD, q[1], &e), 0);
    e = ev(EPOLLIN | EPOLLONESHOT, 3);
    EQ(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &e), 0);
    wait_show("write end only", ep, 0);

    write(p[1], "x", 1);
    uint64_t one = 1;
    write(efd, &one, 8);
    wait_show("all three", ep, 0);
    wait_show("oneshot gone", ep, 0);
    e = ev(EPOLLIN, 3);
    EQ(epoll_ctl(ep, EPOLL_CTL_MOD, efd, &e), 0);
    wait_show("oneshot back", ep, 0);
    EQ(epoll_ctl(ep, EPOLL_CTL_DEL, efd, 0), 0);
    EQ(epoll_ctl(ep, EPOLL_CTL_DEL, q[1], 0), 0);
    char c;
    read(p[0], &c, 1);
    wait_show("drained", ep, 0);

    /* The writer goes: EPOLLHUP, asked for or not. */
    e = ev(0, 4);
    EQ(epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &e), 0);
    close(q[1]);
    wait_show("hangup", ep, 0);
    EQ(epoll_ctl(ep, EPOLL_CTL_DEL, q[0], 0), 0);

    /* A sleeping wait, woken by a child's write. */
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        usleep(100000);
        write(p[1], "y", 1);
        _exit(0);
    }
    wait_show("woken", ep, 5000);
    waitpid(child, 0, 0);
    read(p[0], &c, 1);
    wait_show("timeout", ep, 50);

    /* Nested: an epoll in an epoll is readable when its items are. */
    int outer = epoll_create(1);
    e = ev(EPOLLIN, 9);
    EQ(epoll_ctl(outer, EPOLL_CTL_ADD, ep, &e), 0);
    wait_show("outer idle", outer, 0);
    write(p[1], "z", 1);
    wait_show("outer ready", outer, 0);
    read(p[0], &c, 1);
    ERR(epoll_ctl(ep, EPOLL_CTL_ADD, outer, &e), ELOOP);

    /* Items follow the file, not the descriptor. */
    int dup_fd = dup(p[0]);
    close(p[0]);
    write(p[1], "w", 1);
    wait_show("after closing one of two", ep, 0);
    close(dup_fd);
    wait_show("after closing the last", ep, 0);
    ERR(epoll_ctl(ep, EPOLL_CTL_DEL, dup_fd, 0), EBADF);

    /* Errors. */
    int r[2];
    pipe(r);
    e = ev(EPOLLIN, 5);
    EQ(epoll_ctl(ep, EPOLL_CTL_ADD, r[0], &e), 0);
    ERR(epoll_ctl(ep, EPOLL_CTL_ADD, r[0], &e), EEXIST);
    ERR(epoll_ctl(ep, EPOLL_CTL_MOD, r[1], &e), ENOENT);
    ERR(epoll_ctl(ep, EPOLL_CTL_DEL, r[1], 0), ENOENT);
    ERR(epoll_ctl(ep, 7, r[0], &e), EINVAL);
    ERR(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &e), EINVAL);
    ERR(epoll_ctl(r[0], EPOLL_CTL_ADD, r[1], &e), EINVAL);
    ERR(epoll_ctl(99, EPOLL_CTL_ADD, r[0], &e), EBADF);
    ERR(epoll_ctl(ep, EPOLL_CTL_ADD, 99, &e), EBADF);
    ERR(epoll_ctl(ep, EPOLL_CTL_ADD, r[1], (struct epoll_event *)8), EFAULT);
    int file = open("/tmp/f", O_CREAT | O_RDWR, 0644);
    ERR(epoll_ctl(ep, EPOLL_CTL_ADD, file, &e), EPERM);
    e = ev(EPOLLIN | EPOLLEXCLUSIVE, 6);
    ERR(epoll_ctl(ep, EPOLL_CTL_MOD, r[0], &e), EINVAL);
    ERR(epoll_ctl(outer, EPOLL_CTL_ADD, ep, &e), EINVAL);
    e = ev(EPOLLIN | EPOLLEXCLUSIVE | EPOLLPRI, 6);
    ERR(epoll_ctl(ep, EPOLL_CTL_ADD, r[1], &e), EINVAL);
    e = ev(EPOLLIN | EPOLLEXCLUSIVE, 6);
    EQ(epoll_ctl(ep, EPOLL_CTL_ADD, r[1], &e), 0);
    ERR(epoll_ctl(ep, EPOLL_CTL_MOD, r[1], &e), EINVAL);
    ERR(epoll_wait(ep, out, 0, 0), EINVAL);
    EQ(epoll_wait(ep, (struct epoll_event *)8, 1, 0), 0); /* nothing to copy */
    write(r[1], "v", 1);
    ERR(epoll_wait(ep, (struct epoll_event *)8, 1, 0), EFAULT);
    ERR(epoll_wait(ep, (struct epoll_event *)0x800000000000UL, 1, 0), EFAULT);
    read(r[0], &c, 1);
    ERR(epoll_wait(r[0], out, 1, 0), EINVAL);
    ERR(epoll_wait(99, out, 1, 0), EBADF);
    ERR(syscall(SYS_epoll_create, 0), EINVAL);
    ERR(epoll_create1(1), EINVAL);

    /* epoll_pwait: a signal blocked outside is let in for the wait. */
    signal(SIGUSR1, on_usr1);
    sigset_t block, none;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, 0);
    kill(getpid(), SIGUSR1);
    sigemptyset(&none);
    ERR(epoll_pwait(ep, out, 8, 1000, &none), EINTR);
    sigset_t now;
    sigprocmask(SIG_BLOCK, 0, &now);
    TRUE(sigismember(&now, SIGUSR1));
    return summary();
}
