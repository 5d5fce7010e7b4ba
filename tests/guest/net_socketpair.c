/*
 * socketpair(AF_UNIX, SOCK_STREAM): data both ways (read/write, send/recv,
 * sendmsg/recvmsg), MSG_PEEK, MSG_DONTWAIT, SOCK_NONBLOCK, poll, FIONREAD,
 * shutdown and close as each end sees them, names, options, a 200 KB
 * transfer through a child, and the errors (ENOTSOCK on a pipe).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "musl_check.h"

static int revents(int fd)
{
    struct pollfd p = {fd, POLLIN | POLLOUT | POLLRDHUP, 0};
    poll(&p, 1, 0);
    return p.revents;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    int sv[2];
    EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    int a = sv[0], b = sv[1];
    struct stat st;
    EQ(fstat(a, &st), 0);
    TRUE(S_ISSOCK(st.st_mode));
    EQ(fcntl(a, F_GETFD), FD_CLOEXEC);
    EQ(revents(a), POLLOUT);
    EQ(write(a, "hello", 5), 5);
    EQ(revents(b), POLLIN | POLLOUT);
    int n = -1;
    EQ(ioctl(b, FIONREAD, &n), 0);
    EQ(n, 5);
    char buf[64] = "";
    EQ(recv(b, buf, 3, MSG_PEEK), 3);
    EQ(read(b, buf, sizeof(buf)), 5);
    TRUE(!memcmp(buf, "hello", 5));
    ERR(recv(b, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
    EQ(send(b, "back", 4, 0), 4);
    EQ(recv(a, buf, sizeof(buf), 0), 4);

    struct iovec iov[2] = {{"ab", 2}, {"cde", 3}};
    struct msghdr m;
    memset(&m, 0, sizeof(m));
    m.msg_iov = iov;
    m.msg_iovlen = 2;
    EQ(sendmsg(a, &m, 0), 5);
    char x[2], y[8];
    struct iovec in[2] = {{x, 2}, {y, 8}};
    memset(&m, 0, sizeof(m));
    m.msg_iov = in;
    m.msg_iovlen = 2;
    EQ(recvmsg(b, &m, 0), 5);
    TRUE(!memcmp(x, "ab", 2) && !memcmp(y, "cde", 3) && m.msg_flags == 0 && m.msg_namelen == 0);

    struct sockaddr_un addr;
    socklen_t len = sizeof(addr);
    memset(&addr, 0x55, sizeof(addr));
    EQ(getsockname(a, (struct sockaddr *)&addr, &len), 0);
    EQ(len, 2);
    EQ(addr.sun_family, AF_UNIX);
    len = sizeof(addr);
    EQ(getpeername(b, (struct sockaddr *)&addr, &len), 0);
    EQ(len, 2);
    int v = -1;
    len = sizeof(v);
    EQ(getsockopt(a, SOL_SOCKET, SO_TYPE, &v, &len), 0);
    EQ(v, SOCK_STREAM);
    EQ(getsockopt(a, SOL_SOCKET, SO_DOMAIN, &v, &len), 0);
    EQ(v, AF_UNIX);
    EQ(getsockopt(a, SOL_SOCKET, SO_ERROR, &v, &len), 0);
    EQ(v, 0);
    struct ucred cred;
    len = sizeof(cred);
    EQ(getsockopt(a, SOL_SOCKET, SO_PEERCRED, &cred, &len), 0);
    TRUE(cred.pid == getpid() && cred.uid == 0 && cred.gid == 0 && len == sizeof(cred));
    ERR(getsockopt(a, SOL_SOCKET, 9999, &v, &len), ENOPROTOOPT);
    ERR(getsockopt(a, 6 /* IPPROTO_TCP */, 1, &v, &len), EOPNOTSUPP);

    /* A transfer larger than the buffers, from a child. */
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        static char big[200000];
        memset(big, 'z', sizeof(big));
        _exit(write(a, big, sizeof(big)) == sizeof(big) ? 0 : 1);
    }
    long total = 0;
    for (;;) {
        static char chunk[8192];
        if (total == 200000)
            break;
        long got = read(b, chunk, sizeof(chunk));
        if (got <= 0)
            break;
        total += got;
    }
    int status;
    waitpid(child, &status, 0);
    EQ(total, 200000);
    TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* shutdown: the other end reads what is left, then 0. */
    EQ(write(a, "last", 4), 4);
    EQ(shutdown(a, SHUT_WR), 0);
    ERR(write(a, "x", 1), EPIPE);
    ERR(send(a, "x", 1, MSG_NOSIGNAL), EPIPE);
    EQ(revents(b), POLLIN | POLLRDHUP | POLLOUT);
    EQ(read(b, buf, sizeof(buf)), 4);
    EQ(read(b, buf, sizeof(buf)), 0);
    ERR(shutdown(a, 3), EINVAL);
    /* close: the survivor sees both ways shut. */
    EQ(close(b), 0);
    EQ(revents(a), POLLIN | POLLRDHUP | POLLHUP | POLLOUT);
    EQ(read(a, buf, sizeof(buf)), 0);
    ERR(write(a, "x", 1), EPIPE);
    close(a);

    EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    ERR(read(sv[0], buf, 1), EAGAIN);
    EQ(fcntl(sv[0], F_GETFL) & O_NONBLOCK, O_NONBLOCK);
    close(sv[0]);
    close(sv[1]);

    ERR(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP);
    ERR(socketpair(99, SOCK_STREAM, 0, sv), EAFNOSUPPORT);
    ERR(socketpair(AF_UNIX, 99, 0, sv), EINVAL);
    ERR(socketpair(AF_UNIX, SOCK_RDM, 0, sv), ESOCKTNOSUPPORT);
    ERR(socketpair(AF_UNIX, SOCK_STREAM, 5, sv), EPROTONOSUPPORT);
    ERR(socketpair(AF_UNIX, SOCK_STREAM | 0x10000000, 0, sv), EINVAL);
    ERR(syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, 8L), EFAULT);
    int p[2];
    pipe(p);
    len = sizeof(addr);
    ERR(getpeername(p[0], (struct sockaddr *)&addr, &len), ENOTSOCK);
    ERR(recv(p[0], buf, 1, MSG_DONTWAIT), ENOTSOCK);
    ERR(send(p[1], "x", 1, 0), ENOTSOCK);
    ERR(shutdown(p[0], SHUT_RD), ENOTSOCK);
    ERR(getsockopt(p[0], SOL_SOCKET, SO_TYPE, &v, &len), ENOTSOCK);
    ERR(getsockname(99, (struct sockaddr *)&addr, &len), EBADF);
    return summary();
}
