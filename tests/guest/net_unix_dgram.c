/*
 * AF_UNIX SOCK_DGRAM and SOCK_SEQPACKET: message boundaries, sendto and
 * recvfrom with names (a bound sender's, an unbound one's: none), MSG_PEEK,
 * MSG_TRUNC both ways, MSG_DONTWAIT, empty datagrams, connect and its EPERM
 * (the receiver takes datagrams from its own peer only), AF_UNSPEC, the
 * receive queue's limit (EAGAIN), a gone receiver (ECONNREFUSED, then
 * ENOTCONN), EMSGSIZE, SOCK_RAW taken as SOCK_DGRAM, FIONREAD; seqpacket's
 * listen/accept, boundaries, EOF and EPIPE.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "musl_check.h"

static socklen_t mkaddr(struct sockaddr_un *a, const char *path)
{
    memset(a, 0, sizeof(*a));
    a->sun_family = AF_UNIX;
    strcpy(a->sun_path, path);
    return offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1;
}

static int revents(int fd)
{
    struct pollfd p = {fd, POLLIN | POLLOUT | POLLRDHUP, 0};
    poll(&p, 1, 0);
    return p.revents;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    struct sockaddr_un a, b, from;
    socklen_t len;
    char buf[256];

    SECTION("datagrams");
    int r = socket(AF_UNIX, SOCK_DGRAM, 0);
    socklen_t alen = mkaddr(&a, "/tmp/dg.sock");
    EQ(bind(r, (struct sockaddr *)&a, alen), 0);
    EQ(revents(r), POLLOUT);
    int s = socket(AF_UNIX, SOCK_DGRAM, 0);
    ERR(send(s, "x", 1, 0), ENOTCONN);
    EQ(sendto(s, "one", 3, 0, (struct sockaddr *)&a, alen), 3);
    EQ(sendto(s, "two!", 4, 0, (struct sockaddr *)&a, alen), 4);
    EQ(sendto(s, "", 0, 0, (struct sockaddr *)&a, alen), 0);
    EQ(revents(r), POLLIN | POLLOUT);
    int n = -1;
    EQ(ioctl(r, FIONREAD, &n), 0);
    EQ(n, 3);
    len = sizeof(from);
    memset(&from, 0x55, sizeof(from));
    EQ(recvfrom(r, buf, sizeof(buf), MSG_PEEK, (struct sockaddr *)&from, &len), 3);
    EQ(len, 0); /* an unbound sender has no name */
    EQ(recv(r, buf, 2, 0), 2);                 /* the rest of "one" is gone */
    struct iovec iov = {buf, 2};
    struct msghdr m;
    memset(&m, 0, sizeof(m));
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    EQ(recvmsg(r, &m, MSG_TRUNC), 4);          /* its real length */
    EQ(m.msg_flags, MSG_TRUNC);
    TRUE(!memcmp(buf, "tw", 2));
    EQ(recv(r, buf, sizeof(buf), 0), 0);       /* the empty one */
    ERR(recv(r, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);

    /* A bound sender: its name comes with the datagram. */
    mkaddr(&b, "/tmp/dg2.sock");
    EQ(bind(s, (struct sockaddr *)&b, sizeof(b)), 0);
    EQ(sendto(s, "named", 5, 0, (struct sockaddr *)&a, alen), 5);
    len = sizeof(from);
    EQ(recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len), 5);
    TRUE(len == offsetof(struct sockaddr_un, sun_path) + 14 && !strcmp(from.sun_path, "/tmp/dg2.sock"));

    SECTION("connect");
    int o = socket(AF_UNIX, SOCK_DGRAM, 0);
    EQ(connect(r, (struct sockaddr *)&b, sizeof(b)), 0); /* r takes only s's datagrams now */
    ERR(sendto(o, "x", 1, 0, (struct sockaddr *)&a, alen), EPERM);
    ERR(send(s, "ok", 2, 0), ENOTCONN); /* s is not connected */
    EQ(connect(s, (struct sockaddr *)&a, alen), 0);
    EQ(send(s, "ok", 2, 0), 2);
    EQ(recv(r, buf, sizeof(buf), 0), 2);
    len = sizeof(from);
    EQ(getpeername(s, (struct sockaddr *)&from, &len), 0);
    TRUE(len == alen && !strcmp(from.sun_path, "/tmp/dg.sock"));
    struct sockaddr unspec = {AF_UNSPEC};
    EQ(connect(r, &unspec, sizeof(unspec)), 0);
    len = sizeof(from);
    ERR(getpeername(r, (struct sockaddr *)&from, &len), ENOTCONN);
    EQ(sendto(o, "x", 1, 0, (struct sockaddr *)&a, alen), 1);
    EQ(recv(r, buf, sizeof(buf), 0), 1);

    SECTION("the queue's limit");
    int i, sent = 0;
    for (i = 0; i < 20; i++)
        if (sendto(o, "q", 1, MSG_DONTWAIT, (struct sockaddr *)&a, alen) == 1)
            sent++;
    EQ(sent, 11);
    ERR(sendto(o, "q", 1, MSG_DONTWAIT, (struct sockaddr *)&a, alen), EAGAIN);
    EQ(revents(s) & POLLOUT, 0); /* s's peer is r, whose queue is full */
    EQ(recv(r, buf, sizeof(buf), 0), 1);
    EQ(sendto(o, "q", 1, MSG_DONTWAIT, (struct sockaddr *)&a, alen), 1);
    while (recv(r, buf, sizeof(buf), MSG_DONTWAIT) > 0)
        ;

    SECTION("a gone receiver");
    EQ(close(r), 0);
    ERR(send(s, "x", 1, 0), ECONNREFUSED);
    ERR(send(s, "x", 1, 0), ENOTCONN);
    ERR(sendto(o, "x", 1, 0, (struct sockaddr *)&a, alen), ECONNREFUSED);
    mkaddr(&from, "/tmp/nothing");
    ERR(sendto(o, "x", 1, 0, (struct sockaddr *)&from, sizeof(from)), ENOENT);
    ERR(sendto(o, "x", 1, 0, (struct sockaddr *)&from, 1), EINVAL);
    close(s);

    SECTION("sizes and types");
    int sv[2];
    EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
    static char big[300000];
    ERR(send(sv[0], big, 212992, 0), EMSGSIZE);
    EQ(send(sv[0], big, 100000, 0), 100000);
    EQ(recv(sv[1], big, sizeof(big), 0), 100000);
    EQ(shutdown(sv[1], SHUT_RD), 0);
    EQ(revents(sv[1]), POLLIN | POLLRDHUP | POLLOUT);
    ERR(recv(sv[1], buf, 1, MSG_DONTWAIT), EAGAIN);
    EQ(recv(sv[1], buf, 1, 0), 0);
    ERR(send(sv[0], "x", 1, 0), EPIPE);
    close(sv[0]);
    close(sv[1]);
    int raw = socket(AF_UNIX, SOCK_RAW, 0);
    int v = 0;
    len = sizeof(v);
    EQ(getsockopt(raw, SOL_SOCKET, SO_TYPE, &v, &len), 0);
    EQ(v, SOCK_DGRAM);
    close(raw);

    SECTION("seqpacket");
    int l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    alen = mkaddr(&a, "/tmp/seq.sock");
    EQ(bind(l, (struct sockaddr *)&a, alen), 0);
    int c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    ERR(send(c, "x", 1, 0), ENOTCONN);
    ERR(recv(c, buf, 1, 0), ENOTCONN);
    ERR(connect(c, (struct sockaddr *)&a, alen), ECONNREFUSED);
    EQ(listen(l, 4), 0);
    EQ(revents(l), 0);
    EQ(connect(c, (struct sockaddr *)&a, alen), 0);
    EQ(revents(l), POLLIN);
    int t = accept(l, NULL, NULL);
    TRUE(t >= 0);
    EQ(send(c, "first", 5, 0), 5);
    EQ(write(c, "second", 6), 6);
    EQ(ioctl(t, FIONREAD, &n), 0);
    EQ(n, 11);
    EQ(recv(t, buf, 3, 0), 3);
    memset(&m, 0, sizeof(m));
    iov.iov_base = buf;
    iov.iov_len = sizeof(buf);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    EQ(recvmsg(t, &m, 0), 6);
    EQ(m.msg_flags, 0);
    EQ(send(t, "back", 4, MSG_NOSIGNAL), 4);
    EQ(close(t), 0);
    EQ(revents(c), POLLIN | POLLRDHUP | POLLHUP | POLLOUT);
    EQ(recv(c, buf, sizeof(buf), 0), 4);
    EQ(recv(c, buf, sizeof(buf), 0), 0);
    EQ(recv(c, buf, sizeof(buf), MSG_DONTWAIT), 0);
    ERR(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
    close(c);
    close(l);
    return summary();
}
