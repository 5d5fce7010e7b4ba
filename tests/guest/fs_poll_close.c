/*
 * A descriptor closed by another thread while poll() or epoll_wait() sleeps
 * on it: the pipe it waited on goes away, and the waiter must not be left on
 * its freed wait queue (poll: POLLNVAL when it looks again; epoll: the item
 * is gone, the wait times out).
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <unistd.h>
#include "musl_check.h"

static int rfd, ep;
static int poll_n, poll_revents, epoll_n;

static void *poller(void *arg)
{
    (void)arg;
    struct pollfd p = {rfd, POLLIN, 0};
    poll_n = poll(&p, 1, 3000);
    poll_revents = p.revents;
    return 0;
}

static void *epoller(void *arg)
{
    (void)arg;
    struct epoll_event out;
    epoll_n = epoll_wait(ep, &out, 1, 500);
    return 0;
}

int main(void)
{
    for (int round = 0; round < 3; round++) {
        int p[2];
        pipe(p);
        rfd = p[0];
        pthread_t t;
        pthread_create(&t, 0, poller, 0);
        usleep(100000);
        close(p[0]);
        close(p[1]);
        pthread_join(t, 0);
        EQ(poll_n, 1);
        EQ(poll_revents, POLLNVAL);
    }
    for (int round = 0; round < 3; round++) {
        int p[2];
        pipe(p);
        ep = epoll_create1(0);
        struct epoll_event e = {EPOLLIN, {0}};
        epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e);
        pthread_t t;
        pthread_create(&t, 0, epoller, 0);
        usleep(100000);
        close(p[0]);
        close(p[1]);
        pthread_join(t, 0);
        EQ(epoll_n, 0);
        close(ep);
    }
    /* The pages of the freed pipes are used again meanwhile. */
    for (int i = 0; i < 20; i++) {
        int p[2];
        pipe(p);
        write(p[1], "x", 1);
        close(p[0]);
        close(p[1]);
    }
    printf("done\n");
    return summary();
}
