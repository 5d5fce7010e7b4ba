/*
 * AF_INET SOCK_STREAM over lo: socket()'s errors, bind (EADDRINUSE,
 * SO_REUSEADDR, port 0 from 32768-60999, EADDRNOTAVAIL, EINVAL twice),
 * listen and accept/accept4, connect (blocking; non-blocking EINPROGRESS,
 * then writable, EALREADY/0/EISCONN; ECONNREFUSED with no listener), the
 * byte stream (MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL across writes from a
 * child, sendto/recvfrom/sendmsg/recvmsg), names, half-close (EOF, EPIPE
 * and SIGPIPE), a reset (ECONNRESET after closing with unread data), poll
 * readiness, and the TCP and socket options.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "inet_lo.h"
#include "musl_check.h"

static struct sockaddr_in sin4(const char *ip, int port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, ip, &a.sin_addr);
    return a;
}

static int revents(int fd)
{
    struct pollfd p = {fd, POLLIN | POLLOUT | POLLRDHUP, 0};
    poll(&p, 1, 0);
    return p.revents;
}

static int port_of(int fd, int peer)
{
    struct sockaddr_in a;
    socklen_t l = sizeof(a);
    if ((peer ? getpeername(fd, (struct sockaddr *)&a, &l) : getsockname(fd, (struct sockaddr *)&a, &l)) < 0)
        return -1;
    return ntohs(a.sin_port);
}

static const char *addr_of(int fd, int peer)
{
    static char s[32];
    struct sockaddr_in a;
    socklen_t l = sizeof(a);
    if ((peer ? getpeername(fd, (struct sockaddr *)&a, &l) : getsockname(fd, (struct sockaddr *)&a, &l)) < 0)
        return "error";
    inet_ntop(AF_INET, &a.sin_addr, s, sizeof(s));
    return s;
}

static int sigpipes;
static void on_sigpipe(int sig) { (void)sig; sigpipes++; }

static int getint(int fd, int level, int name)
{
    int v = -12345;
    socklen_t l = sizeof(v);
    if (getsockopt(fd, level, name, &v, &l) < 0)
        return -errno;
    return v;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    lo_up();
    signal(SIGPIPE, on_sigpipe);
    char buf[256];
    int one = 1;

    SECTION("socket");
    ERR(socket(AF_INET, SOCK_SEQPACKET, 0), ESOCKTNOSUPPORT);
    ERR(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
    ERR(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), EPROTONOSUPPORT);
    ERR(socket(AF_INET, SOCK_STREAM, -1), EINVAL);
    int sv[2];
    ERR(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP);
    int s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    TRUE(s >= 0);
    EQ(getint(s, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
    EQ(getint(s, SOL_SOCKET, SO_DOMAIN), AF_INET);
    EQ(getint(s, SOL_SOCKET, SO_PROTOCOL), IPPROTO_TCP);
    EQ(getint(s, SOL_SOCKET, SO_SNDBUF), 16384);
    EQ(getint(s, SOL_SOCKET, SO_RCVBUF), 131072);
    EQ(getint(s, SOL_SOCKET, SO_ACCEPTCONN), 0);
    EQ(port_of(s, 0), 0);
    EQ(port_of(s, 1), -1);
    ERR(getpeername(s, (struct sockaddr *)buf, &(socklen_t){16}), ENOTCONN);
    EQ(revents(s), POLLOUT | POLLHUP);
    ERR(recv(s, buf, 1, 0), ENOTCONN);
    ERR(send(s, "x", 1, 0), EPIPE);
    EQ(sigpipes, 1);
    ERR(send(s, "x", 1, MSG_NOSIGNAL), EPIPE);
    EQ(sigpipes, 1);
    ERR(shutdown(s, SHUT_RDWR), ENOTCONN);
    ERR(shutdown(s, 7), EINVAL);
    ERR(accept(s, NULL, NULL), EINVAL);
    close(s);

    SECTION("bind");
    s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = sin4("127.0.0.1", 0);
    ERR(bind(s, (struct sockaddr *)&a, sizeof(a) - 1), EINVAL);
    a.sin_family = AF_INET6;
    ERR(bind(s, (struct sockaddr *)&a, sizeof(a)), EAFNOSUPPORT);
    a = sin4("10.1.2.3", 0);
    ERR(bind(s, (struct sockaddr *)&a, sizeof(a)), EADDRNOTAVAIL);
    a = sin4("127.0.0.1", 0);
    EQ(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
    int p = port_of(s, 0);
    TRUE(p >= 32768 && p <= 60999);
    printf("local %s\n", addr_of(s, 0));
    ERR(bind(s, (struct sockaddr *)&a, sizeof(a)), EINVAL);
    EQ(listen(s, 5), 0);
    EQ(getint(s, SOL_SOCKET, SO_ACCEPTCONN), 1);
    EQ(revents(s), 0);
    int t = socket(AF_INET, SOCK_STREAM, 0);
    a = sin4("0.0.0.0", p);
    ERR(bind(t, (struct sockaddr *)&a, sizeof(a)), EADDRINUSE);
    a = sin4("127.0.0.2", p);
    EQ(bind(t, (struct sockaddr *)&a, sizeof(a)), 0); /* another address of lo: no overlap */
    close(t);
    t = socket(AF_INET, SOCK_STREAM, 0);
    a = sin4("127.0.0.1", p);
    EQ(setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
    EQ(getint(t, SOL_SOCKET, SO_REUSEADDR), 1);
    ERR(bind(t, (struct sockaddr *)&a, sizeof(a)), EADDRINUSE); /* s listens */
    close(t);
    /* Two with SO_REUSEADDR share a port until one listens. */
    int r1 = socket(AF_INET, SOCK_STREAM, 0), r2 = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(r1, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    setsockopt(r2, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    a = sin4("127.0.0.1", 0);
    EQ(bind(r1, (struct sockaddr *)&a, sizeof(a)), 0);
    a = sin4("127.0.0.1", port_of(r1, 0));
    EQ(bind(r2, (struct sockaddr *)&a, sizeof(a)), 0);
    EQ(listen(r1, 1), 0);
    ERR(listen(r2, 1), EADDRINUSE);
    close(r1);
    close(r2);

    SECTION("connect and accept");
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in to = sin4("127.0.0.1", p);
    ERR(connect(c, (struct sockaddr *)&to, sizeof(to) - 1), EINVAL);
    EQ(connect(c, (struct sockaddr *)&to, sizeof(to)), 0);
    ERR(connect(c, (struct sockaddr *)&to, sizeof(to)), EISCONN);
    TRUE(port_of(c, 1) == p);
    TRUE(port_of(c, 0) >= 32768 && port_of(c, 0) <= 60999);
    printf("client %s -> %s\n", addr_of(c, 0), addr_of(c, 1));
    EQ(revents(s), POLLIN);
    struct sockaddr_in peer;
    socklen_t plen = sizeof(peer);
    int d = accept4(s, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
    TRUE(d >= 0);
    EQ(plen, sizeof(peer));
    TRUE(ntohs(peer.sin_port) == port_of(c, 0));
    EQ(fcntl(d, F_GETFD), FD_CLOEXEC);
    TRUE(port_of(d, 0) == p);
    printf("server %s <- %s\n", addr_of(d, 0), addr_of(d, 1));
    EQ(getint(d, SOL_SOCKET, SO_ACCEPTCONN), 0);
    EQ(revents(c), POLLOUT);
    ERR(syscall(SYS_accept4, s, NULL, NULL, SOCK_NONBLOCK | 0x1000), EINVAL); /* musl's accept4 would fall back to accept */
    fcntl(s, F_SETFL, O_NONBLOCK);
    ERR(accept(s, NULL, NULL), EAGAIN);
    fcntl(s, F_SETFL, 0);

    SECTION("data");
    EQ(write(c, "hello", 5), 5);
    EQ(revents(d), POLLIN | POLLOUT);
    EQ(recv(d, buf, 3, MSG_PEEK), 3);
    EQ(recv(d, buf, sizeof(buf), MSG_PEEK), 5);
    EQ(read(d, buf, 2), 2);
    EQ(memcmp(buf, "he", 2), 0);
    EQ(send(c, " world", 6, 0), 6);
    EQ(recv(d, buf, sizeof(buf), 0), 9);
    EQ(memcmp(buf, "llo world", 9), 0);
    ERR(recv(d, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
    struct sockaddr_in from;
    socklen_t flen = sizeof(from);
    EQ(sendto(d, "abc", 3, 0, (struct sockaddr *)&to, sizeof(to)), 3);
    EQ(recvfrom(c, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen), 3);
    EQ(flen, 0);
    struct iovec iov[2] = {{"ab", 2}, {"cdef", 4}};
    struct msghdr mh = {0};
    mh.msg_iov = iov;
    mh.msg_iovlen = 2;
    EQ(sendmsg(c, &mh, 0), 6);
    char b1[3], b2[10];
    struct iovec riov[2] = {{b1, 3}, {b2, 10}};
    struct msghdr rh = {0};
    rh.msg_iov = riov;
    rh.msg_iovlen = 2;
    EQ(recvmsg(d, &rh, 0), 6);
    EQ(memcmp(b1, "abc", 3) || memcmp(b2, "def", 3), 0);
    EQ(rh.msg_flags, 0);
    /* MSG_WAITALL gathers a child's three writes. */
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < 3; i++) {
            usleep(20000);
            write(c, "0123456789", 10);
        }
        _exit(0);
    }
    EQ(recv(d, buf, 30, MSG_WAITALL), 30);
    waitpid(pid, NULL, 0);
    EQ(memcmp(buf + 20, "0123456789", 10), 0);
    /* A big write is read back whole and in order. */
    static char big[100000], back[100000];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)(i * 7);
    pid = fork();
    if (pid == 0) {
        size_t n = 0;
        while (n < sizeof(big)) {
            ssize_t w = write(c, big + n, sizeof(big) - n);
            if (w <= 0)
                _exit(1);
            n += w;
        }
        _exit(0);
    }
    EQ(recv(d, back, sizeof(back), MSG_WAITALL), sizeof(back));
    int st;
    waitpid(pid, &st, 0);
    EQ(st, 0);
    EQ(memcmp(big, back, sizeof(big)), 0);
    int n = 0;
    EQ(ioctl(d, FIONREAD, &n), 0);
    EQ(n, 0);
    write(c, "xyz", 3);
    EQ(ioctl(d, FIONREAD, &n), 0);
    EQ(n, 3);
    EQ(read(d, buf, 3), 3);

    SECTION("half-close");
    EQ(shutdown(c, SHUT_WR), 0);
    EQ(read(d, buf, sizeof(buf)), 0);
    EQ(revents(d), POLLIN | POLLOUT | POLLRDHUP);
    ERR(write(c, "x", 1), EPIPE);
    EQ(sigpipes, 2);
    EQ(write(d, "back", 4), 4); /* the other way still works */
    EQ(read(c, buf, sizeof(buf)), 4);
    EQ(close(d), 0);
    EQ(read(c, buf, sizeof(buf)), 0);
    EQ(revents(c), POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
    close(c);

    SECTION("peer gone");
    c = socket(AF_INET, SOCK_STREAM, 0);
    EQ(connect(c, (struct sockaddr *)&to, sizeof(to)), 0);
    d = accept(s, NULL, NULL);
    EQ(close(d), 0);
    EQ(read(c, buf, sizeof(buf)), 0);
    EQ(write(c, "one", 3), 3); /* the peer answers it with a reset */
    ERR(write(c, "two", 3), EPIPE);
    EQ(sigpipes, 3);
    EQ(getint(c, SOL_SOCKET, SO_ERROR), 0);
    close(c);

    SECTION("reset");
    c = socket(AF_INET, SOCK_STREAM, 0);
    EQ(connect(c, (struct sockaddr *)&to, sizeof(to)), 0);
    d = accept(s, NULL, NULL);
    EQ(write(c, "unread", 6), 6);
    EQ(close(d), 0); /* with unread data: RST */
    ERR(read(c, buf, sizeof(buf)), ECONNRESET);
    EQ(read(c, buf, sizeof(buf)), 0);
    ERR(write(c, "x", 1), EPIPE);
    close(c);
    /* SO_LINGER 0 resets too; the error is pending until SO_ERROR reads it. */
    c = socket(AF_INET, SOCK_STREAM, 0);
    EQ(connect(c, (struct sockaddr *)&to, sizeof(to)), 0);
    d = accept(s, NULL, NULL);
    struct linger lg = {1, 0};
    EQ(setsockopt(d, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
    EQ(close(d), 0);
    EQ(revents(c) & POLLERR, POLLERR);
    EQ(getint(c, SOL_SOCKET, SO_ERROR), ECONNRESET);
    EQ(getint(c, SOL_SOCKET, SO_ERROR), 0);
    close(c);

    SECTION("refused");
    c = socket(AF_INET, SOCK_STREAM, 0);
    int q = socket(AF_INET, SOCK_STREAM, 0);
    a = sin4("127.0.0.1", 0);
    bind(q, (struct sockaddr *)&a, sizeof(a));
    struct sockaddr_in nobody = sin4("127.0.0.1", port_of(q, 0)); /* bound, not listening */
    ERR(connect(c, (struct sockaddr *)&nobody, sizeof(nobody)), ECONNREFUSED);
    TRUE(port_of(c, 0) >= 32768); /* a reset connection keeps showing its port */
    ERR(connect(c, (struct sockaddr *)&nobody, sizeof(nobody)), ECONNREFUSED);
    close(c);
    c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ERR(connect(c, (struct sockaddr *)&nobody, sizeof(nobody)), EINPROGRESS);
    struct pollfd pf = {c, POLLOUT, 0};
    EQ(poll(&pf, 1, 1000), 1);
    EQ(pf.revents & (POLLOUT | POLLERR | POLLHUP), POLLOUT | POLLERR | POLLHUP);
    EQ(getint(c, SOL_SOCKET, SO_ERROR), ECONNREFUSED);
    close(c);
    close(q);
    struct sockaddr_in far = sin4("10.9.8.7", 80);
    c = socket(AF_INET, SOCK_STREAM, 0);
    ERR(connect(c, (struct sockaddr *)&far, sizeof(far)), ENETUNREACH);
    close(c);

    SECTION("non-blocking connect");
    c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ERR(connect(c, (struct sockaddr *)&to, sizeof(to)), EINPROGRESS);
    pf.fd = c;
    pf.events = POLLOUT;
    EQ(poll(&pf, 1, 1000), 1);
    EQ(pf.revents, POLLOUT);
    EQ(getint(c, SOL_SOCKET, SO_ERROR), 0);
    EQ(connect(c, (struct sockaddr *)&to, sizeof(to)), 0);
    ERR(connect(c, (struct sockaddr *)&to, sizeof(to)), EISCONN);
    d = accept(s, NULL, NULL);
    TRUE(d >= 0);
    /* A full send buffer: EAGAIN, and not writable. */
    long total = 0;
    for (;;) {
        ssize_t w = send(c, big, sizeof(big), MSG_DONTWAIT);
        if (w < 0)
            break;
        total += w;
    }
    ERR(send(c, big, 1, MSG_DONTWAIT), EAGAIN);
    TRUE(total >= 16384);
    EQ(revents(c) & POLLOUT, 0);
    EQ(revents(d) & POLLIN, POLLIN);
    close(c);
    close(d);
    /* connect to 0.0.0.0 reaches this host. */
    c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in zero = sin4("0.0.0.0", p);
    EQ(connect(c, (struct sockaddr *)&zero, sizeof(zero)), 0);
    printf("peer of 0.0.0.0: %s\n", addr_of(c, 1));
    close(c);
    close(accept(s, NULL, NULL));

    SECTION("listener close");
    c = socket(AF_INET, SOCK_STREAM, 0);
    EQ(connect(c, (struct sockaddr *)&to, sizeof(to)), 0);
    EQ(close(s), 0); /* the connection it never accepted is reset */
    ERR(read(c, buf, 1), ECONNRESET);
    close(c);
    c = socket(AF_INET, SOCK_STREAM, 0);
    ERR(connect(c, (struct sockaddr *)&to, sizeof(to)), ECONNREFUSED);
    close(c);

    SECTION("options");
    s = socket(AF_INET, SOCK_STREAM, 0);
    EQ(getint(s, SOL_TCP, TCP_NODELAY), 0);
    EQ(setsockopt(s, SOL_TCP, TCP_NODELAY, &one, sizeof(one)), 0);
    EQ(getint(s, SOL_TCP, TCP_NODELAY), 1);
    ERR(setsockopt(s, SOL_TCP, TCP_NODELAY, &one, 2), EINVAL);
    EQ(getint(s, SOL_TCP, TCP_MAXSEG), 536);
    int mss = 1000;
    EQ(setsockopt(s, SOL_TCP, TCP_MAXSEG, &mss, sizeof(mss)), 0);
    EQ(getint(s, SOL_TCP, TCP_MAXSEG), 1000);
    mss = 10;
    ERR(setsockopt(s, SOL_TCP, TCP_MAXSEG, &mss, sizeof(mss)), EINVAL);
    EQ(getint(s, SOL_TCP, TCP_KEEPIDLE), 7200);
    EQ(getint(s, SOL_TCP, TCP_KEEPINTVL), 75);
    EQ(getint(s, SOL_TCP, TCP_KEEPCNT), 9);
    int zero_v = 0;
    ERR(setsockopt(s, SOL_TCP, TCP_KEEPIDLE, &zero_v, sizeof(zero_v)), EINVAL);
    EQ(getint(s, SOL_SOCKET, SO_KEEPALIVE), 0);
    EQ(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)), 0);
    EQ(getint(s, SOL_SOCKET, SO_KEEPALIVE), 1);
    int sz = 65536;
    EQ(setsockopt(s, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz)), 0);
    EQ(getint(s, SOL_SOCKET, SO_SNDBUF), 131072);
    EQ(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz)), 0);
    EQ(getint(s, SOL_SOCKET, SO_RCVBUF), 131072);
    EQ(getint(s, SOL_IP, IP_TTL), 64);
    int ttl = 7;
    EQ(setsockopt(s, SOL_IP, IP_TTL, &ttl, sizeof(ttl)), 0);
    EQ(getint(s, SOL_IP, IP_TTL), 7);
    ttl = 256;
    ERR(setsockopt(s, SOL_IP, IP_TTL, &ttl, sizeof(ttl)), EINVAL);
    EQ(getint(s, SOL_IP, IP_TOS), 0);
    ERR(setsockopt(s, SOL_TCP, 9999, &one, sizeof(one)), ENOPROTOOPT);
    EQ(getint(s, SOL_TCP, 9999), -ENOPROTOOPT);
    ERR(setsockopt(s, 999, 1, &one, sizeof(one)), ENOPROTOOPT);
    EQ(getint(s, SOL_IP, IP_MTU), -ENOTCONN);
    close(s);
    return summary();
}
