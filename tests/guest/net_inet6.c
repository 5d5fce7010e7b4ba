/*
 * AF_INET6 SOCK_STREAM over lo: bind (sockaddr_in6 lengths, EAFNOSUPPORT,
 * EADDRNOTAVAIL, ::1 and ::), IPV6_V6ONLY (EINVAL once bound; a v6-only
 * listener on :: leaves the IPv4 port free, one that is not takes it),
 * connections over ::1 and from AF_INET clients (IPv4-mapped names),
 * connect to a mapped address, getsockname/getpeername with sockaddr_in6,
 * and the SOL_IPV6 options.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "inet_lo.h"
#include "musl_check.h"

static struct sockaddr_in6 sin6(const char *ip, int port)
{
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof(a));
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    inet_pton(AF_INET6, ip, &a.sin6_addr);
    return a;
}

static const char *name_of(int fd, int peer)
{
    static char s[64];
    struct sockaddr_in6 a;
    socklen_t l = sizeof(a);
    if ((peer ? getpeername(fd, (struct sockaddr *)&a, &l) : getsockname(fd, (struct sockaddr *)&a, &l)) < 0)
        return "error";
    if (l != sizeof(a) || a.sin6_family != AF_INET6)
        return "bad length or family";
    inet_ntop(AF_INET6, &a.sin6_addr, s, sizeof(s));
    return s;
}

static int port_of(int fd)
{
    struct sockaddr_in6 a;
    socklen_t l = sizeof(a);
    getsockname(fd, (struct sockaddr *)&a, &l);
    return ntohs(a.sin6_port);
}

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
    char buf[64];
    int one = 1;

    SECTION("bind");
    int s = socket(AF_INET6, SOCK_STREAM, 0);
    EQ(getint(s, SOL_SOCKET, SO_DOMAIN), AF_INET6);
    EQ(getint(s, SOL_IPV6, IPV6_V6ONLY), 0);
    struct sockaddr_in6 a = sin6("::1", 0);
    ERR(bind(s, (struct sockaddr *)&a, 23), EINVAL);
    a.sin6_family = AF_INET;
    ERR(bind(s, (struct sockaddr *)&a, sizeof(a)), EAFNOSUPPORT);
    a = sin6("2001:db8::1", 0);
    ERR(bind(s, (struct sockaddr *)&a, sizeof(a)), EADDRNOTAVAIL);
    a = sin6("::", 0);
    EQ(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
    ERR(setsockopt(s, SOL_IPV6, IPV6_V6ONLY, &one, sizeof(one)), EINVAL);
    printf("bound to %s\n", name_of(s, 0));
    int p = port_of(s);
    TRUE(p >= 32768 && p <= 60999);
    EQ(listen(s, 8), 0);
    /* The IPv4 port is taken by a dual-stack listener on ::. */
    int t4 = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a4 = {0};
    a4.sin_family = AF_INET;
    a4.sin_port = htons(p);
    ERR(bind(t4, (struct sockaddr *)&a4, sizeof(a4)), EADDRINUSE);
    close(t4);

    SECTION("over ::1");
    int c = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 to = sin6("::1", p);
    EQ(connect(c, (struct sockaddr *)&to, sizeof(to)), 0);
    printf("client %s -> %s\n", name_of(c, 0), name_of(c, 1));
    int d = accept(s, NULL, NULL);
    printf("server %s <- %s\n", name_of(d, 0), name_of(d, 1));
    EQ(write(c, "ping", 4), 4);
    EQ(read(d, buf, sizeof(buf)), 4);
    EQ(write(d, "pong!", 5), 5);
    EQ(read(c, buf, sizeof(buf)), 5);
    close(c);
    EQ(read(d, buf, sizeof(buf)), 0);
    close(d);

    SECTION("from AF_INET");
    c = socket(AF_INET, SOCK_STREAM, 0);
    inet_pton(AF_INET, "127.0.0.1", &a4.sin_addr);
    EQ(connect(c, (struct sockaddr *)&a4, sizeof(a4)), 0);
    struct sockaddr_in6 peer;
    socklen_t pl = sizeof(peer);
    d = accept(s, (struct sockaddr *)&peer, &pl);
    TRUE(d >= 0);
    EQ(pl, sizeof(peer));
    inet_ntop(AF_INET6, &peer.sin6_addr, buf, sizeof(buf));
    printf("accepted from %s\n", buf);
    printf("server %s <- %s\n", name_of(d, 0), name_of(d, 1));
    EQ(write(c, "v4", 2), 2);
    EQ(read(d, buf, sizeof(buf)), 2);
    close(c);
    close(d);

    SECTION("to a mapped address");
    c = socket(AF_INET6, SOCK_STREAM, 0);
    to = sin6("::ffff:127.0.0.1", p);
    EQ(connect(c, (struct sockaddr *)&to, sizeof(to)), 0);
    printf("client %s -> %s\n", name_of(c, 0), name_of(c, 1));
    d = accept(s, NULL, NULL);
    printf("server %s <- %s\n", name_of(d, 0), name_of(d, 1));
    close(c);
    close(d);
    c = socket(AF_INET6, SOCK_STREAM, 0);
    EQ(setsockopt(c, SOL_IPV6, IPV6_V6ONLY, &one, sizeof(one)), 0);
    EQ(getint(c, SOL_IPV6, IPV6_V6ONLY), 1);
    ERR(connect(c, (struct sockaddr *)&to, sizeof(to)), ENETUNREACH);
    close(c);
    close(s);

    SECTION("v6only");
    s = socket(AF_INET6, SOCK_STREAM, 0);
    EQ(setsockopt(s, SOL_IPV6, IPV6_V6ONLY, &one, sizeof(one)), 0);
    a = sin6("::", 0);
    EQ(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
    p = port_of(s);
    EQ(listen(s, 1), 0);
    t4 = socket(AF_INET, SOCK_STREAM, 0);
    a4.sin_port = htons(p);
    a4.sin_addr.s_addr = htonl(INADDR_ANY);
    EQ(bind(t4, (struct sockaddr *)&a4, sizeof(a4)), 0); /* the IPv4 port is free */
    close(t4);
    c = socket(AF_INET, SOCK_STREAM, 0);
    inet_pton(AF_INET, "127.0.0.1", &a4.sin_addr);
    ERR(connect(c, (struct sockaddr *)&a4, sizeof(a4)), ECONNREFUSED);
    close(c);
    a = sin6("::ffff:127.0.0.1", 0);
    int u = socket(AF_INET6, SOCK_STREAM, 0);
    setsockopt(u, SOL_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    ERR(bind(u, (struct sockaddr *)&a, sizeof(a)), EINVAL);
    close(u);
    close(s);

    SECTION("options");
    s = socket(AF_INET6, SOCK_STREAM, 0);
    EQ(getint(s, SOL_IPV6, IPV6_UNICAST_HOPS), 64);
    int h = 9;
    EQ(setsockopt(s, SOL_IPV6, IPV6_UNICAST_HOPS, &h, sizeof(h)), 0);
    EQ(getint(s, SOL_IPV6, IPV6_UNICAST_HOPS), 9);
    h = 256;
    ERR(setsockopt(s, SOL_IPV6, IPV6_UNICAST_HOPS, &h, sizeof(h)), EINVAL);
    EQ(getint(s, SOL_IPV6, IPV6_TCLASS), 0);
    EQ(getint(s, SOL_IP, IP_TTL), 64);
    ERR(setsockopt(s, SOL_IPV6, 9999, &one, sizeof(one)), ENOPROTOOPT);
    close(s);
    return summary();
}
