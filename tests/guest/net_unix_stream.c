/*
 * AF_UNIX SOCK_STREAM through socket(): bind to a path (an S_IFSOCK inode,
 * umask applied, EADDRINUSE, EINVAL when bound twice) and to the abstract
 * namespace, listen and its backlog (a non-blocking connect's EAGAIN),
 * accept and accept4, connect's errors (ENOENT, ECONNREFUSED, EPROTOTYPE,
 * EISCONN, EACCES without write permission), names of both ends, the
 * descriptor's view (/proc/self/fd, fstat, open() of the path: ENXIO),
 * SO_PEERCRED and SO_ACCEPTCONN, data before accept, a listener's poll,
 * the peer's death (ECONNRESET after the data, EPIPE and SIGPIPE), and
 * calls on unconnected sockets.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
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

static int sigpipes;
static void on_sigpipe(int sig) { (void)sig; sigpipes++; }

int main(void)
{
    signal(SIGPIPE, on_sigpipe);
    struct sockaddr_un a, b;
    socklen_t len;
    char buf[256];

    SECTION("bind");
    umask(022);
    int srv = socket(AF_UNIX, SOCK_STREAM, 0);
    TRUE(srv >= 0);
    socklen_t alen = mkaddr(&a, "/tmp/srv.sock");
    EQ(bind(srv, (struct sockaddr *)&a, alen), 0);
    struct stat st;
    EQ(stat("/tmp/srv.sock", &st), 0);
    TRUE(S_ISSOCK(st.st_mode) && (st.st_mode & 0777) == 0755);
    ERR(bind(srv, (struct sockaddr *)&a, alen), EADDRINUSE); /* the name is looked at first */
    mkaddr(&b, "/tmp/other.sock");
    ERR(bind(srv, (struct sockaddr *)&b, sizeof(b)), EINVAL);
    ERR(access("/tmp/other.sock", F_OK), ENOENT);
    int s2 = socket(AF_UNIX, SOCK_STREAM, 0);
    ERR(bind(s2, (struct sockaddr *)&a, alen), EADDRINUSE);
    mkaddr(&b, "/nonexistent/x.sock");
    ERR(bind(s2, (struct sockaddr *)&b, sizeof(b)), ENOENT);
    ERR(bind(s2, (struct sockaddr *)&b, 2 + sizeof(b.sun_path) + 1), EINVAL);
    ERR(bind(s2, (struct sockaddr *)&b, 1), EINVAL);
    b.sun_family = AF_INET;
    ERR(bind(s2, (struct sockaddr *)&b, sizeof(b)), EINVAL);
    ERR(open("/tmp/srv.sock", O_RDWR), ENXIO);
    len = sizeof(b);
    EQ(getsockname(srv, (struct sockaddr *)&b, &len), 0);
    EQ(len, alen);
    TRUE(!strcmp(b.sun_path, "/tmp/srv.sock"));

    SECTION("listen and connect");
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    ERR(connect(c, (struct sockaddr *)&a, alen), ECONNREFUSED);
    ERR(listen(s2, 5), EINVAL); /* not bound */
    int v = -1;
    len = sizeof(v);
    EQ(getsockopt(srv, SOL_SOCKET, SO_ACCEPTCONN, &v, &len), 0);
    EQ(v, 0);
    EQ(listen(srv, 1), 0);
    EQ(getsockopt(srv, SOL_SOCKET, SO_ACCEPTCONN, &v, &len), 0);
    EQ(v, 1);
    EQ(revents(srv), 0);
    EQ(revents(c), POLLOUT | POLLHUP);
    mkaddr(&b, "/tmp/none.sock");
    ERR(connect(c, (struct sockaddr *)&b, sizeof(b)), ENOENT);
    mkaddr(&b, "/tmp");
    ERR(connect(c, (struct sockaddr *)&b, sizeof(b)), ECONNREFUSED);
    int d = socket(AF_UNIX, SOCK_DGRAM, 0);
    ERR(connect(d, (struct sockaddr *)&a, alen), EPROTOTYPE);
    ERR(listen(d, 1), EOPNOTSUPP);
    ERR(accept(d, NULL, NULL), EOPNOTSUPP);
    close(d);
    ERR(accept(s2, NULL, NULL), EINVAL);
    ERR(send(c, "x", 1, 0), ENOTCONN);
    ERR(recv(c, buf, 1, MSG_DONTWAIT), EINVAL);
    len = sizeof(b);
    ERR(getpeername(c, (struct sockaddr *)&b, &len), ENOTCONN);
    EQ(connect(c, (struct sockaddr *)&a, alen), 0);
    ERR(connect(c, (struct sockaddr *)&a, alen), EISCONN);
    EQ(revents(srv), POLLIN);
    EQ(send(c, "early", 5, 0), 5); /* before accept */
    len = sizeof(b);
    EQ(getpeername(c, (struct sockaddr *)&b, &len), 0);
    TRUE(len == alen && !strcmp(b.sun_path, "/tmp/srv.sock"));

    /* The backlog (1): one more waits; the next one finds it full. */
    int c2 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    EQ(connect(c2, (struct sockaddr *)&a, alen), 0);
    int c3 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ERR(connect(c3, (struct sockaddr *)&a, alen), EAGAIN);

    SECTION("accept");
    len = sizeof(b);
    memset(&b, 0x55, sizeof(b));
    int s = accept(srv, (struct sockaddr *)&b, &len);
    TRUE(s >= 0);
    EQ(len, 2);
    EQ(b.sun_family, AF_UNIX);
    EQ(recv(s, buf, sizeof(buf), 0), 5);
    TRUE(!memcmp(buf, "early", 5));
    len = sizeof(b);
    EQ(getsockname(s, (struct sockaddr *)&b, &len), 0);
    TRUE(len == alen && !strcmp(b.sun_path, "/tmp/srv.sock"));
    len = sizeof(b);
    EQ(getsockname(c, (struct sockaddr *)&b, &len), 0);
    EQ(len, 2);
    struct ucred cr;
    len = sizeof(cr);
    EQ(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &len), 0);
    TRUE(cr.pid == getpid() && cr.uid == 0 && cr.gid == 0);
    len = sizeof(cr);
    EQ(getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &len), 0);
    TRUE(cr.pid == getpid() && len == sizeof(cr));
    len = sizeof(cr);
    EQ(getsockopt(s2, SOL_SOCKET, SO_PEERCRED, &cr, &len), 0);
    TRUE(cr.pid == 0 && cr.uid == (uid_t)-1 && cr.gid == (gid_t)-1);
    int s3 = accept4(srv, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    TRUE(s3 >= 0);
    EQ(fcntl(s3, F_GETFD), FD_CLOEXEC);
    EQ(fcntl(s3, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
    ERR(syscall(SYS_accept4, srv, NULL, NULL, 0x1234), EINVAL); /* musl's accept4 would fall back to accept */
    EQ(fcntl(srv, F_SETFL, O_NONBLOCK), 0);
    ERR(accept(srv, NULL, NULL), EAGAIN);
    EQ(connect(c3, (struct sockaddr *)&a, alen), 0); /* room again */
    EQ(revents(srv), POLLIN);
    close(c3);

    SECTION("the descriptor");
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, NULL);
    snprintf(buf, sizeof(buf), "/proc/self/fd/%d", s);
    char link[64] = "";
    TRUE(readlink(buf, link, sizeof(link)) > 0 && !strncmp(link, "socket:[", 8));
    struct stat fst;
    EQ(fstat(s, &fst), 0);
    TRUE(S_ISSOCK(fst.st_mode) && (fst.st_mode & 0777) == 0777);
    ERR(open(buf, O_RDWR), ENXIO);
    ERR(lseek(s, 0, SEEK_SET), ESPIPE);
    EQ(write(s, "abc", 3), 3);
    EQ(read(c, buf, sizeof(buf)), 3);

    SECTION("the peer goes");
    /* Closing with unread data: the peer reads what it was sent, then ECONNRESET, then 0. */
    EQ(write(c, "unread", 6), 6);
    EQ(write(s, "tail", 4), 4);
    EQ(close(s), 0);
    EQ(revents(c), POLLIN | POLLRDHUP | POLLHUP | POLLOUT | POLLERR);
    EQ(read(c, buf, sizeof(buf)), 4);
    ERR(read(c, buf, sizeof(buf)), ECONNRESET);
    EQ(read(c, buf, sizeof(buf)), 0);
    ERR(write(c, "x", 1), EPIPE);
    EQ(sigpipes, 1);
    ERR(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
    EQ(sigpipes, 1);
    /* Closing with nothing unread: just the end. */
    EQ(close(s3), 0);
    EQ(read(c2, buf, sizeof(buf)), 0);
    close(c);
    close(c2);

    SECTION("the listener goes");
    int c4 = socket(AF_UNIX, SOCK_STREAM, 0);
    EQ(connect(c4, (struct sockaddr *)&a, alen), 0);
    EQ(close(srv), 0);
    ERR(read(c4, buf, sizeof(buf)), ECONNRESET);
    EQ(read(c4, buf, sizeof(buf)), 0);
    close(c4);
    int c5 = socket(AF_UNIX, SOCK_STREAM, 0);
    ERR(connect(c5, (struct sockaddr *)&a, alen), ECONNREFUSED);
    EQ(unlink("/tmp/srv.sock"), 0);
    ERR(connect(c5, (struct sockaddr *)&a, alen), ENOENT);

    SECTION("abstract");
    struct sockaddr_un ab;
    memset(&ab, 0, sizeof(ab));
    ab.sun_family = AF_UNIX;
    memcpy(ab.sun_path, "\0trapgate-test", 14);
    socklen_t ablen = offsetof(struct sockaddr_un, sun_path) + 14;
    int as = socket(AF_UNIX, SOCK_STREAM, 0);
    EQ(bind(as, (struct sockaddr *)&ab, ablen), 0);
    ERR(bind(s2, (struct sockaddr *)&ab, ablen), EADDRINUSE);
    EQ(bind(s2, (struct sockaddr *)&ab, ablen - 1), 0); /* a different name: one byte shorter */
    int ad = socket(AF_UNIX, SOCK_DGRAM, 0);
    EQ(bind(ad, (struct sockaddr *)&ab, ablen), 0); /* the same name, another type */
    EQ(listen(as, 0), 0);
    ERR(connect(c5, (struct sockaddr *)&ab, ablen + 1), ECONNREFUSED);
    EQ(connect(c5, (struct sockaddr *)&ab, ablen), 0);
    int at = accept(as, NULL, NULL);
    TRUE(at >= 0);
    len = sizeof(b);
    EQ(getpeername(c5, (struct sockaddr *)&b, &len), 0);
    TRUE(len == ablen && !memcmp(b.sun_path, ab.sun_path, 14));
    /* autobind: the family alone */
    int au = socket(AF_UNIX, SOCK_STREAM, 0);
    EQ(bind(au, (struct sockaddr *)&ab, 2), 0);
    len = sizeof(b);
    EQ(getsockname(au, (struct sockaddr *)&b, &len), 0);
    TRUE(len == 8 && b.sun_path[0] == 0);
    EQ(bind(au, (struct sockaddr *)&ab, 2), 0);
    close(at);
    close(as);
    close(ad);
    close(au);
    close(c5);
    close(s2);

    SECTION("write permission");
    int ps = socket(AF_UNIX, SOCK_STREAM, 0);
    alen = mkaddr(&a, "/tmp/perm.sock");
    EQ(bind(ps, (struct sockaddr *)&a, alen), 0);
    EQ(listen(ps, 5), 0);
    EQ(chmod("/tmp/perm.sock", 0555), 0);
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        if (setuid(1000) != 0)
            _exit(2);
        int cc = socket(AF_UNIX, SOCK_STREAM, 0);
        int r = connect(cc, (struct sockaddr *)&a, alen);
        _exit(r == -1 && errno == EACCES ? 0 : 1);
    }
    int status;
    waitpid(child, &status, 0);
    TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(ps);

    SECTION("errors");
    ERR(socket(AF_UNIX, SOCK_STREAM, 2), EPROTONOSUPPORT);
    ERR(socket(AF_UNIX, 11, 0), EINVAL);
    ERR(socket(AF_UNIX, SOCK_RDM, 0), ESOCKTNOSUPPORT);
    ERR(socket(99, SOCK_STREAM, 0), EAFNOSUPPORT);
    ERR(socket(-1, SOCK_STREAM, 0), EAFNOSUPPORT);
    ERR(socket(AF_UNIX, SOCK_STREAM | 0x100, 0), EINVAL);
    ERR(bind(0, (struct sockaddr *)&a, alen), ENOTSOCK);
    ERR(listen(99, 1), EBADF);
    return summary();
}
