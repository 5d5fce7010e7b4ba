/*
 * SOL_SOCKET options on AF_UNIX sockets: SO_SNDBUF and SO_RCVBUF (doubled,
 * capped, floored), SO_RCVTIMEO and SO_SNDTIMEO (a receive and a send that
 * time out with EAGAIN; the value read back in the kernel's ticks; EDOM,
 * EINVAL), boolean options (SO_REUSEADDR, SO_KEEPALIVE, SO_PASSCRED), SO_LINGER,
 * SO_PRIORITY, SO_RCVLOWAT, SO_TYPE/SO_DOMAIN/SO_PROTOCOL, SO_PEERNAME, the
 * errors (ENOPROTOOPT, EOPNOTSUPP for other levels, EINVAL for short or
 * negative lengths), a write blocked on a full buffer woken by the reader,
 * and epoll on a socket.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "musl_check.h"

static int geti(int fd, int opt)
{
    int v = -12345;
    socklen_t len = sizeof(v);
    if (getsockopt(fd, SOL_SOCKET, opt, &v, &len) != 0)
        return -999;
    return v;
}

static long elapsed_ms(struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    int sv[2];
    EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    int a = sv[0], b = sv[1];

    SECTION("buffers");
    EQ(geti(a, SO_SNDBUF), 212992);
    EQ(geti(a, SO_RCVBUF), 212992);
    int v = 10000;
    EQ(setsockopt(a, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)), 0);
    EQ(geti(a, SO_SNDBUF), 20000);
    v = 1;
    EQ(setsockopt(a, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)), 0);
    EQ(geti(a, SO_SNDBUF), 4608);
    EQ(setsockopt(a, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)), 0);
    EQ(geti(a, SO_RCVBUF), 2304);
    v = 1 << 30;
    EQ(setsockopt(a, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)), 0);
    EQ(geti(a, SO_RCVBUF), 425984);
    v = -1;
    EQ(setsockopt(a, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)), 0);
    EQ(geti(a, SO_SNDBUF), 425984);
    short sh = 1;
    ERR(setsockopt(a, SOL_SOCKET, SO_SNDBUF, &sh, sizeof(sh)), EINVAL);
    ERR(setsockopt(a, SOL_SOCKET, SO_SNDBUF, &v, -1), EINVAL);

    SECTION("flags");
    EQ(geti(a, SO_REUSEADDR), 0);
    v = 5;
    EQ(setsockopt(a, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)), 0);
    EQ(geti(a, SO_REUSEADDR), 1);
    EQ(setsockopt(a, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof(v)), 0);
    EQ(geti(a, SO_KEEPALIVE), 1);
    EQ(geti(a, SO_PASSCRED), 0);
    EQ(setsockopt(a, SOL_SOCKET, SO_PASSCRED, &v, sizeof(v)), 0);
    EQ(geti(a, SO_PASSCRED), 1);
    v = 0;
    EQ(setsockopt(a, SOL_SOCKET, SO_PASSCRED, &v, sizeof(v)), 0);
    EQ(geti(a, SO_PASSCRED), 0);
    v = 6;
    EQ(setsockopt(a, SOL_SOCKET, SO_PRIORITY, &v, sizeof(v)), 0);
    EQ(geti(a, SO_PRIORITY), 6);
    EQ(geti(a, SO_RCVLOWAT), 1);
    v = 0;
    EQ(setsockopt(a, SOL_SOCKET, SO_RCVLOWAT, &v, sizeof(v)), 0);
    EQ(geti(a, SO_RCVLOWAT), 1);
    struct linger lg = {1, 7}, lg2;
    EQ(setsockopt(a, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
    socklen_t len = sizeof(lg2);
    EQ(getsockopt(a, SOL_SOCKET, SO_LINGER, &lg2, &len), 0);
    TRUE(lg2.l_onoff == 1 && lg2.l_linger == 7 && len == sizeof(lg2));
    ERR(setsockopt(a, SOL_SOCKET, SO_LINGER, &lg, 4), EINVAL);
    EQ(geti(a, SO_TYPE), SOCK_STREAM);
    EQ(geti(a, SO_DOMAIN), AF_UNIX);
    EQ(geti(a, SO_PROTOCOL), 0);
    EQ(geti(a, SO_ERROR), 0);
    ERR(setsockopt(a, SOL_SOCKET, SO_TYPE, &v, sizeof(v)), ENOPROTOOPT);
    ERR(setsockopt(a, SOL_SOCKET, 9999, &v, sizeof(v)), ENOPROTOOPT);
    ERR(setsockopt(a, 6, 1, &v, sizeof(v)), EOPNOTSUPP);
    len = 2;
    v = 0;
    EQ(getsockopt(a, SOL_SOCKET, SO_TYPE, &v, &len), 0);
    TRUE(len == 2 && v == SOCK_STREAM);
    len = -1;
    ERR(getsockopt(a, SOL_SOCKET, SO_TYPE, &v, &len), EINVAL);
    struct sockaddr_un name;
    len = sizeof(name);
    ERR(getsockopt(a, SOL_SOCKET, SO_PEERNAME, &name, &len), EINVAL); /* longer than the name */
    len = 2;
    EQ(getsockopt(a, SOL_SOCKET, SO_PEERNAME, &name, &len), 0);
    EQ(name.sun_family, AF_UNIX);

    SECTION("timeouts");
    struct timeval tv = {0, 50000}, tv2;
    EQ(setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
    len = sizeof(tv2);
    EQ(getsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &tv2, &len), 0);
    TRUE(tv2.tv_sec == 0 && tv2.tv_usec == 52000 && len == sizeof(tv2));
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char buf[64];
    ERR(read(b, buf, sizeof(buf)), EAGAIN);
    long ms = elapsed_ms(&t0);
    TRUE(ms >= 40 && ms < 2000);
    tv.tv_usec = 1000001;
    ERR(setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), EDOM);
    ERR(setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &tv, 8), EINVAL);
    tv.tv_sec = 1;
    tv.tv_usec = 1;
    EQ(setsockopt(b, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), 0);
    EQ(getsockopt(b, SOL_SOCKET, SO_SNDTIMEO, &tv2, &len), 0);
    TRUE(tv2.tv_sec == 1 && tv2.tv_usec == 4000);
    tv.tv_sec = 0;
    tv.tv_usec = 0;
    EQ(setsockopt(b, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), 0);
    EQ(getsockopt(b, SOL_SOCKET, SO_SNDTIMEO, &tv2, &len), 0);
    TRUE(tv2.tv_sec == 0 && tv2.tv_usec == 0);
    /* A send that times out: a's buffer full, nobody reading. */
    tv.tv_usec = 30000;
    EQ(setsockopt(a, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), 0);
    v = 4096;
    EQ(setsockopt(a, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)), 0);
    static char big[65536];
    long total = 0, r;
    while ((r = send(a, big, sizeof(big), 0)) > 0)
        total += r;
    TRUE(r == -1 && errno == EAGAIN && total > 0);
    /* The reader makes room: a blocked writer goes on. */
    tv.tv_usec = 0;
    EQ(setsockopt(a, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), 0);
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        struct timespec d = {0, 100000000};
        nanosleep(&d, NULL);
        long got = 0, n;
        while (got < total + 1000 && (n = read(b, big, sizeof(big))) > 0)
            got += n;
        _exit(got == total + 1000 ? 0 : 1);
    }
    EQ(send(a, big, 1000, 0), 1000);
    int status;
    waitpid(child, &status, 0);
    TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    SECTION("epoll");
    int ep = epoll_create1(0);
    struct epoll_event ev = {EPOLLIN, {.fd = b}}, out[2];
    EQ(epoll_ctl(ep, EPOLL_CTL_ADD, b, &ev), 0);
    EQ(epoll_wait(ep, out, 2, 0), 0);
    EQ(write(a, "e", 1), 1);
    EQ(epoll_wait(ep, out, 2, 100), 1);
    TRUE(out[0].data.fd == b && out[0].events == EPOLLIN);
    EQ(read(b, buf, sizeof(buf)), 1);
    EQ(fcntl(b, F_SETFL, O_NONBLOCK), 0);
    ERR(read(b, buf, sizeof(buf)), EAGAIN);
    EQ(close(a), 0);
    EQ(epoll_wait(ep, out, 2, 100), 1);
    EQ(read(b, buf, sizeof(buf)), 0);
    close(ep);
    close(b);
    return summary();
}
