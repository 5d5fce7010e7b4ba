/*
 * Control messages on AF_UNIX: SCM_RIGHTS (a pipe's end passed to a forked
 * child and used there; several descriptors; MSG_CTRUNC when the buffer
 * holds fewer; MSG_CMSG_CLOEXEC; MSG_PEEK installs copies; a stream read
 * stops after the message that carried files; EBADF, EINVAL for a bad
 * cmsg_len), SCM_CREDENTIALS with SO_PASSCRED (the sender's own, claimed
 * ones, EPERM for a pid not its own when unprivileged), and what a receive
 * without a control buffer reports.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "musl_check.h"

static long send_fds(int sock, const char *data, size_t len, const int *fds, int nfds)
{
    char cbuf[CMSG_SPACE(sizeof(int) * 8)];
    memset(cbuf, 0, sizeof(cbuf));
    struct iovec iov = {(void *)data, len};
    struct msghdr m;
    memset(&m, 0, sizeof(m));
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    if (nfds) {
        m.msg_control = cbuf;
        m.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
        memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
    }
    return sendmsg(sock, &m, 0);
}

/* Receives into buf; the descriptors that came into fds (count in *nfds). */
static long recv_fds(int sock, char *buf, size_t len, int *fds, int *nfds, size_t clen, int flags, int *mflags)
{
    char cbuf[256];
    struct iovec iov = {buf, len};
    struct msghdr m;
    memset(&m, 0, sizeof(m));
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = clen ? cbuf : NULL;
    m.msg_controllen = clen;
    long r = recvmsg(sock, &m, flags);
    *nfds = 0;
    *mflags = m.msg_flags;
    if (r < 0)
        return r;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            memcpy(fds + *nfds, CMSG_DATA(c), k * sizeof(int));
            *nfds += k;
        }
    return r;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    int sv[2], p[2], fds[8], nfds, mflags;
    char buf[64];

    SECTION("SCM_RIGHTS across fork");
    EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    EQ(pipe(p), 0);
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        close(sv[0]);
        int got[8], k, fl;
        long r = recv_fds(sv[1], buf, sizeof(buf), got, &k, 64, 0, &fl);
        if (r != 4 || k != 1)
            _exit(1);
        _exit(write(got[0], "via passed fd", 13) == 13 ? 0 : 2);
    }
    close(sv[1]);
    EQ(send_fds(sv[0], "pipe", 4, &p[1], 1), 4);
    close(p[1]);
    int status;
    waitpid(child, &status, 0);
    TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    EQ(read(p[0], buf, sizeof(buf)), 13);
    EQ(read(p[0], buf, sizeof(buf)), 0); /* the child's copy went with it */
    close(p[0]);
    close(sv[0]);

    SECTION("several, truncated, cloexec, peek");
    EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
    int three[3];
    EQ(pipe(p), 0);
    three[0] = p[0];
    three[1] = p[1];
    three[2] = p[0];
    EQ(send_fds(sv[0], "3", 1, three, 3), 1);
    EQ(recv_fds(sv[1], buf, sizeof(buf), fds, &nfds, CMSG_SPACE(sizeof(int) * 3), MSG_PEEK, &mflags), 1);
    EQ(nfds, 3);
    EQ(mflags, 0);
    for (int i = 0; i < nfds; i++)
        close(fds[i]);
    EQ(recv_fds(sv[1], buf, sizeof(buf), fds, &nfds, CMSG_LEN(sizeof(int) * 2), MSG_CMSG_CLOEXEC, &mflags), 1);
    EQ(nfds, 2);
    EQ(mflags, MSG_CTRUNC | MSG_CMSG_CLOEXEC);
    EQ(fcntl(fds[0], F_GETFD), FD_CLOEXEC);
    struct stat st1, st2;
    EQ(fstat(fds[0], &st1), 0);
    EQ(fstat(p[0], &st2), 0);
    TRUE(st1.st_ino == st2.st_ino && S_ISFIFO(st1.st_mode));
    close(fds[0]);
    close(fds[1]);
    EQ(send_fds(sv[0], "x", 1, three, 1), 1);
    EQ(recv_fds(sv[1], buf, sizeof(buf), fds, &nfds, 0, 0, &mflags), 1);
    EQ(nfds, 0);
    EQ(mflags, MSG_CTRUNC);
    int bad = 99;
    ERR(send_fds(sv[0], "x", 1, &bad, 1), EBADF);
    struct iovec iov = {"x", 1};
    struct msghdr m;
    char cbuf[CMSG_SPACE(sizeof(int))];
    memset(&m, 0, sizeof(m));
    memset(cbuf, 0, sizeof(cbuf));
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = cbuf;
    m.msg_controllen = sizeof(cbuf);
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = sizeof(cbuf) + 8;
    ERR(sendmsg(sv[0], &m, 0), EINVAL);
    c->cmsg_type = 77;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    ERR(sendmsg(sv[0], &m, 0), EINVAL);
    c->cmsg_level = 6; /* another level's: ignored */
    EQ(sendmsg(sv[0], &m, 0), 1);
    EQ(recv(sv[1], buf, sizeof(buf), 0), 1);
    close(sv[0]);
    close(sv[1]);

    SECTION("a stream stops after files");
    EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    EQ(send_fds(sv[0], "ab", 2, &p[0], 1), 2);
    EQ(write(sv[0], "cd", 2), 2);
    EQ(recv_fds(sv[1], buf, sizeof(buf), fds, &nfds, 64, 0, &mflags), 2);
    EQ(nfds, 1);
    close(fds[0]);
    EQ(recv(sv[1], buf, sizeof(buf), 0), 2);
    close(p[0]);
    close(p[1]);

    SECTION("SCM_CREDENTIALS");
    int on = 1;
    EQ(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)), 0);
    EQ(write(sv[0], "cred", 4), 4);
    char cb[CMSG_SPACE(sizeof(struct ucred))];
    iov.iov_base = buf;
    iov.iov_len = sizeof(buf);
    memset(&m, 0, sizeof(m));
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = cb;
    m.msg_controllen = sizeof(cb);
    EQ(recvmsg(sv[1], &m, 0), 4);
    c = CMSG_FIRSTHDR(&m);
    TRUE(c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
         c->cmsg_len == CMSG_LEN(sizeof(struct ucred)));
    struct ucred uc;
    memcpy(&uc, CMSG_DATA(c), sizeof(uc));
    TRUE(uc.pid == getpid() && uc.uid == 0 && uc.gid == 0);
    EQ(m.msg_controllen, CMSG_SPACE(sizeof(struct ucred)));
    /* A short buffer: MSG_CTRUNC. */
    EQ(write(sv[0], "cred", 4), 4);
    m.msg_controllen = sizeof(struct cmsghdr) + 4;
    EQ(recvmsg(sv[1], &m, 0), 4);
    EQ(m.msg_flags, MSG_CTRUNC);
    /* Claimed credentials: root may claim any uid; a pid must exist. */
    memset(&m, 0, sizeof(m));
    iov.iov_base = "c";
    iov.iov_len = 1;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = cb;
    m.msg_controllen = sizeof(cb);
    c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_CREDENTIALS;
    c->cmsg_len = CMSG_LEN(sizeof(struct ucred));
    uc.pid = getpid();
    uc.uid = 1234;
    uc.gid = 0;
    memcpy(CMSG_DATA(c), &uc, sizeof(uc));
    EQ(sendmsg(sv[0], &m, 0), 1);
    memset(&m, 0, sizeof(m));
    iov.iov_base = buf;
    iov.iov_len = sizeof(buf);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = cb;
    m.msg_controllen = sizeof(cb);
    EQ(recvmsg(sv[1], &m, 0), 1);
    memcpy(&uc, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(uc));
    EQ(uc.uid, 1234);
    fflush(stdout);
    child = fork();
    if (child == 0) {
        if (setuid(1000) != 0)
            _exit(3);
        struct msghdr mm;
        memset(&mm, 0, sizeof(mm));
        struct iovec io = {"c", 1};
        char cc[CMSG_SPACE(sizeof(struct ucred))];
        mm.msg_iov = &io;
        mm.msg_iovlen = 1;
        mm.msg_control = cc;
        mm.msg_controllen = sizeof(cc);
        struct cmsghdr *h = CMSG_FIRSTHDR(&mm);
        h->cmsg_level = SOL_SOCKET;
        h->cmsg_type = SCM_CREDENTIALS;
        h->cmsg_len = CMSG_LEN(sizeof(struct ucred));
        struct ucred u2 = {1, 1000, 0};
        memcpy(CMSG_DATA(h), &u2, sizeof(u2));
        long r = sendmsg(sv[0], &mm, 0);
        _exit(r == -1 && errno == EPERM ? 0 : 1);
    }
    waitpid(child, &status, 0);
    TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(sv[0]);
    close(sv[1]);
    return summary();
}
