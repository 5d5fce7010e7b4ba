/*
 * AF_INET and AF_INET6 SOCK_DGRAM over lo: datagrams keep their boundaries
 * and sources (sendto/recvfrom, sendmsg/recvmsg), MSG_TRUNC both ways,
 * MSG_PEEK, MSG_DONTWAIT, FIONREAD, connect() fixing the peer (EDESTADDRREQ
 * without one, AF_UNSPEC to dissolve it), autobind on the first send, the
 * address errors, EMSGSIZE, SO_REUSEADDR sharing, poll, shutdown's
 * ENOTCONN, IPv4-mapped peers of an AF_INET6 socket.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
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

static int port_of(int fd)
{
    struct sockaddr_in6 a;
    socklen_t l = sizeof(a);
    if (getsockname(fd, (struct sockaddr *)&a, &l) < 0)
        return -1;
    return ntohs(a.sin6_port); /* sin_port sits at the same place */
}

static int revents(int fd)
{
    struct pollfd p = {fd, POLLIN | POLLOUT, 0};
    poll(&p, 1, 0);
    return p.revents;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    lo_up();
    char buf[256];
    int one = 1;

    SECTION("ipv4");
    int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
    int v = 0;
    socklen_t vl = sizeof(v);
    EQ(getsockopt(a, SOL_SOCKET, SO_PROTOCOL, &v, &vl), 0);
    EQ(v, IPPROTO_UDP);
    EQ(getsockopt(a, SOL_SOCKET, SO_SNDBUF, &v, &vl), 0);
    EQ(v, 212992);
    struct sockaddr_in sa = sin4("127.0.0.1", 0);
    EQ(bind(a, (struct sockaddr *)&sa, sizeof(sa)), 0);
    int pa = port_of(a);
    TRUE(pa >= 32768 && pa <= 60999);
    struct sockaddr_in to = sin4("127.0.0.1", pa);
    EQ(revents(b), POLLOUT);
    EQ(port_of(b), 0);
    ERR(send(b, "x", 1, 0), EDESTADDRREQ);
    TRUE(port_of(b) >= 32768); /* bound by the send, even one that fails */
    EQ(sendto(b, "first", 5, 0, (struct sockaddr *)&to, sizeof(to)), 5);
    EQ(sendto(b, "second!", 7, 0, (struct sockaddr *)&to, sizeof(to)), 7);
    EQ(sendto(b, "", 0, 0, (struct sockaddr *)&to, sizeof(to)), 0);
    EQ(revents(a), POLLIN | POLLOUT);
    int n = 0;
    EQ(ioctl(a, FIONREAD, &n), 0);
    EQ(n, 5);
    struct sockaddr_in from;
    socklen_t fl = sizeof(from);
    EQ(recvfrom(a, buf, sizeof(buf), MSG_PEEK, (struct sockaddr *)&from, &fl), 5);
    EQ(fl, sizeof(from));
    TRUE(ntohs(from.sin_port) == port_of(b));
    TRUE(from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    EQ(recv(a, buf, 3, 0), 3); /* the rest of "first" is gone */
    EQ(recv(a, buf, 3, MSG_TRUNC), 7);
    EQ(recv(a, buf, sizeof(buf), 0), 0);
    ERR(recv(a, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
    EQ(sendto(b, "0123456789", 10, 0, (struct sockaddr *)&to, sizeof(to)), 10);
    struct iovec iov = {buf, 4};
    struct msghdr mh = {0};
    mh.msg_name = &from;
    mh.msg_namelen = sizeof(from);
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    EQ(recvmsg(a, &mh, 0), 4);
    EQ(mh.msg_flags, MSG_TRUNC);
    EQ(mh.msg_namelen, sizeof(from));
    /* Errors of the destination. */
    ERR(sendto(b, "x", 1, 0, (struct sockaddr *)&to, sizeof(to) - 1), EINVAL);
    struct sockaddr_in bad = to;
    bad.sin_family = AF_INET6;
    ERR(sendto(b, "x", 1, 0, (struct sockaddr *)&bad, sizeof(bad)), EAFNOSUPPORT);
    bad = to;
    bad.sin_port = 0;
    ERR(sendto(b, "x", 1, 0, (struct sockaddr *)&bad, sizeof(bad)), EINVAL);
    struct sockaddr_in far = sin4("192.0.2.1", 9);
    ERR(sendto(b, "x", 1, 0, (struct sockaddr *)&far, sizeof(far)), ENETUNREACH);
    static char big[70000];
    ERR(sendto(b, big, 65508, 0, (struct sockaddr *)&to, sizeof(to)), EMSGSIZE);
    EQ(sendto(b, big, 65507, 0, (struct sockaddr *)&to, sizeof(to)), 65507);
    EQ(recv(a, big, sizeof(big), 0), 65507);
    /* Nobody on the port: the datagram is dropped. */
    struct sockaddr_in none = sin4("127.0.0.1", pa == 60999 ? 60998 : pa + 1);
    int z = socket(AF_INET, SOCK_DGRAM, 0);
    EQ(bind(z, (struct sockaddr *)&none, sizeof(none)), 0);
    close(z);
    EQ(sendto(b, "lost", 4, 0, (struct sockaddr *)&none, sizeof(none)), 4);

    SECTION("sendmmsg and recvmmsg");
    struct mmsghdr mm[3];
    struct iovec mv[3] = {{"one", 3}, {"three", 5}, {"seven!!", 7}};
    memset(mm, 0, sizeof(mm));
    for (int i = 0; i < 3; i++) {
        mm[i].msg_hdr.msg_iov = &mv[i];
        mm[i].msg_hdr.msg_iovlen = 1;
        mm[i].msg_hdr.msg_name = &to;
        mm[i].msg_hdr.msg_namelen = sizeof(to);
    }
    EQ(sendmmsg(b, mm, 3, 0), 3);
    EQ(mm[2].msg_len, 7);
    ERR(sendmmsg(-1, mm, 3, 0), EBADF);
    EQ(sendmmsg(b, mm, 0, 0), 0);
    char rb[3][8];
    struct iovec rv[3] = {{rb[0], 8}, {rb[1], 8}, {rb[2], 4}};
    memset(mm, 0, sizeof(mm));
    for (int i = 0; i < 3; i++) {
        mm[i].msg_hdr.msg_iov = &rv[i];
        mm[i].msg_hdr.msg_iovlen = 1;
    }
    EQ(recvmmsg(a, mm, 3, 0, NULL), 3);
    EQ(mm[0].msg_len, 3);
    EQ(mm[1].msg_len, 5);
    EQ(mm[2].msg_len, 4);
    EQ(mm[2].msg_hdr.msg_flags, MSG_TRUNC);
    EQ(sendto(b, "lone", 4, 0, (struct sockaddr *)&to, sizeof(to)), 4);
    EQ(recvmmsg(a, mm, 3, MSG_WAITFORONE, NULL), 1);
    ERR(recvmmsg(a, mm, 3, MSG_DONTWAIT, NULL), EAGAIN);
    struct timespec bad_ts = {0, 1000000000};
    ERR(recvmmsg(a, mm, 3, 0, &bad_ts), EINVAL);

    SECTION("connect");
    ERR(shutdown(b, SHUT_RD), ENOTCONN);
    EQ(connect(b, (struct sockaddr *)&to, sizeof(to)), 0);
    struct sockaddr_in pn;
    socklen_t pl = sizeof(pn);
    EQ(getpeername(b, (struct sockaddr *)&pn, &pl), 0);
    TRUE(ntohs(pn.sin_port) == pa);
    EQ(send(b, "conn", 4, 0), 4);
    EQ(recv(a, buf, sizeof(buf), 0), 4);
    EQ(write(b, "w", 1), 1);
    EQ(read(a, buf, sizeof(buf)), 1);
    struct sockaddr_in unspec = {0};
    unspec.sin_family = AF_UNSPEC;
    EQ(connect(b, (struct sockaddr *)&unspec, sizeof(unspec)), 0);
    ERR(getpeername(b, (struct sockaddr *)&pn, &pl), ENOTCONN);
    ERR(send(b, "x", 1, 0), EDESTADDRREQ);
    EQ(connect(b, (struct sockaddr *)&to, sizeof(to)), 0);
    EQ(shutdown(b, SHUT_RD), 0);
    ERR(listen(b, 1), EOPNOTSUPP);
    ERR(accept(b, NULL, NULL), EOPNOTSUPP);
    close(b);

    SECTION("reuse");
    int r1 = socket(AF_INET, SOCK_DGRAM, 0), r2 = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in any = sin4("0.0.0.0", pa);
    ERR(bind(r1, (struct sockaddr *)&any, sizeof(any)), EADDRINUSE);
    EQ(setsockopt(a, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
    EQ(setsockopt(r1, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
    EQ(bind(r1, (struct sockaddr *)&any, sizeof(any)), 0);
    ERR(bind(r2, (struct sockaddr *)&any, sizeof(any)), EADDRINUSE);
    close(r1);
    close(r2);

    SECTION("ipv6");
    int s6 = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 a6 = {0};
    a6.sin6_family = AF_INET6;
    a6.sin6_addr = in6addr_any;
    EQ(bind(s6, (struct sockaddr *)&a6, sizeof(a6)), 0);
    int p6 = port_of(s6);
    /* An AF_INET sender reaches it through IPv4. */
    int c4 = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in t4 = sin4("127.0.0.1", p6);
    EQ(sendto(c4, "v4", 2, 0, (struct sockaddr *)&t4, sizeof(t4)), 2);
    struct sockaddr_in6 f6;
    socklen_t f6l = sizeof(f6);
    EQ(recvfrom(s6, buf, sizeof(buf), 0, (struct sockaddr *)&f6, &f6l), 2);
    EQ(f6l, sizeof(f6));
    EQ(f6.sin6_family, AF_INET6);
    inet_ntop(AF_INET6, &f6.sin6_addr, buf, sizeof(buf));
    printf("from %s\n", buf);
    TRUE(ntohs(f6.sin6_port) == port_of(c4));
    /* And it answers to the mapped address. */
    EQ(sendto(s6, "back", 4, 0, (struct sockaddr *)&f6, sizeof(f6)), 4);
    EQ(recv(c4, buf, sizeof(buf), 0), 4);
    /* Over IPv6 proper. */
    int c6 = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 t6 = {0};
    t6.sin6_family = AF_INET6;
    t6.sin6_addr = in6addr_loopback;
    t6.sin6_port = htons(p6);
    ERR(sendto(c6, "x", 1, 0, (struct sockaddr *)&t6, 20), EINVAL);
    EQ(sendto(c6, "six", 3, 0, (struct sockaddr *)&t6, sizeof(t6)), 3);
    f6l = sizeof(f6);
    EQ(recvfrom(s6, buf, sizeof(buf), 0, (struct sockaddr *)&f6, &f6l), 3);
    inet_ntop(AF_INET6, &f6.sin6_addr, buf, sizeof(buf));
    printf("from %s\n", buf);
    ERR(sendto(c6, big, 65528, 0, (struct sockaddr *)&t6, sizeof(t6)), EMSGSIZE);
    EQ(connect(c6, (struct sockaddr *)&t6, sizeof(t6)), 0);
    EQ(send(c6, "c", 1, 0), 1);
    EQ(recv(s6, buf, sizeof(buf), 0), 1);
    struct sockaddr_in6 me;
    socklen_t ml = sizeof(me);
    EQ(getsockname(c6, (struct sockaddr *)&me, &ml), 0);
    EQ(ml, sizeof(me));
    inet_ntop(AF_INET6, &me.sin6_addr, buf, sizeof(buf));
    printf("connected from %s\n", buf);
    close(c6);
    close(c4);
    close(s6);
    close(a);
    return summary();
}
