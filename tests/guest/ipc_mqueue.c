/*
 * POSIX message queues against Linux: mq_open's names, flags and attribute
 * checks, priority order then FIFO, EMSGSIZE, EBADF for the wrong direction,
 * O_NONBLOCK's EAGAIN, timeouts (ETIMEDOUT, EINVAL), mq_getsetattr, the
 * QSIZE line a read of the descriptor shows, poll readiness, mq_notify
 * (SIGEV_SIGNAL's siginfo, signal 0, EBUSY, removal, bad sigevents, SIGEV_THREAD's
 * descriptor checks by the raw call), a receiver woken by another process's
 * send and one interrupted by a signal, mq_unlink, RLIMIT_MSGQUEUE.
 */
#define _GNU_SOURCE
#include "musl_check.h"
#include "ipc_common.h"
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static volatile int got_sig, got_code, got_value, got_pid_ok;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    got_sig = sig;
    got_code = si->si_code;
    got_value = si->si_value.sival_int;
    got_pid_ok = si->si_pid == getpid();
}

static void on_alarm(int sig) { (void)sig; }

static void show_file(const char *path)
{
    char buf[128];
    int fd = open(path, O_RDONLY);
    long n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
    if (fd >= 0)
        close(fd);
    buf[n > 0 ? n : 0] = 0;
    printf("%s: %s", path, n > 0 ? buf : "(none)\n");
}

static void show_queue(mqd_t q)
{
    char buf[128];
    long n = pread(q, buf, sizeof(buf) - 1, 0);
    buf[n > 0 ? n : 0] = 0;
    printf("read: %ld '%s'\n", n, buf);
}

static void recv_show(mqd_t q)
{
    char buf[64];
    unsigned prio = 99;
    long n = mq_receive(q, buf, sizeof(buf), &prio);
    if (n >= 0)
        printf("  got prio %u '%.*s'\n", prio, (int)n, buf);
    else
        printf("  receive = -1 %s\n", ename(errno));
}

static struct timespec in_ms(long ms)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_nsec += (ms % 1000) * 1000000L;
    t.tv_sec += ms / 1000 + t.tv_nsec / 1000000000L;
    t.tv_nsec %= 1000000000L;
    return t;
}

int main(void)
{
    mount_proc();
    SECTION("limits");
    show_file("/proc/sys/fs/mqueue/queues_max");
    show_file("/proc/sys/fs/mqueue/msg_max");
    show_file("/proc/sys/fs/mqueue/msgsize_max");
    show_file("/proc/sys/fs/mqueue/msg_default");
    show_file("/proc/sys/fs/mqueue/msgsize_default");

    SECTION("open");
    struct mq_attr a = {.mq_maxmsg = 4, .mq_msgsize = 16}, got;
    ERR(mq_open("/tq", O_RDWR), ENOENT);
    ERR(mq_open("/a/b", O_RDWR | O_CREAT, 0600, NULL), EACCES);
    char longname[300];
    memset(longname, 'x', sizeof(longname));
    longname[0] = '/';
    longname[257] = 0;
    ERR(mq_open(longname, O_RDWR | O_CREAT, 0600, NULL), ENAMETOOLONG);
    longname[256] = 0;
    mqd_t l = mq_open(longname, O_RDWR | O_CREAT, 0600, NULL);
    TRUE(l >= 0);
    EQ(mq_unlink(longname), 0);
    close(l);
    struct mq_attr bad = {.mq_maxmsg = 0, .mq_msgsize = 16};
    ERR(mq_open("/tq", O_RDWR | O_CREAT, 0600, &bad), EINVAL);
    bad.mq_maxmsg = 65537;
    ERR(mq_open("/tq", O_RDWR | O_CREAT, 0600, &bad), EINVAL);
    bad.mq_maxmsg = 4, bad.mq_msgsize = -1;
    ERR(mq_open("/tq", O_RDWR | O_CREAT, 0600, &bad), EINVAL);
    ERR(syscall(SYS_mq_open, "tq", O_RDWR | O_CREAT, 0600, (void *)8), EFAULT);
    ERR(syscall(SYS_mq_open, (void *)8, O_RDWR, 0600, NULL), EFAULT);
    mqd_t q = mq_open("/tq", O_RDWR | O_CREAT | O_EXCL, 0600, &a);
    TRUE(q >= 0);
    ERR(mq_open("/tq", O_RDWR | O_CREAT | O_EXCL, 0600, &a), EEXIST);
    EQ(fcntl(q, F_GETFD), FD_CLOEXEC);
    mqd_t def = mq_open("/tdef", O_RDWR | O_CREAT, 0600, NULL);
    EQ(mq_getattr(def, &got), 0);
    printf("default: maxmsg %ld msgsize %ld\n", got.mq_maxmsg, got.mq_msgsize);
    EQ(mq_unlink("/tdef"), 0);
    close(def);
    mqd_t ro = mq_open("/tq", O_RDONLY);
    mqd_t wo = mq_open("/tq", O_WRONLY | O_NONBLOCK);
    TRUE(ro >= 0 && wo >= 0);
    ERR(mq_open("/tq", O_RDWR | O_WRONLY), EINVAL);

    SECTION("send and receive");
    EQ(mq_getattr(q, &got), 0);
    printf("attr: flags %ld maxmsg %ld msgsize %ld curmsgs %ld\n", got.mq_flags, got.mq_maxmsg, got.mq_msgsize,
           got.mq_curmsgs);
    EQ(mq_send(q, "one", 3, 1), 0);
    EQ(mq_send(q, "five", 4, 5), 0);
    EQ(mq_send(q, "uno", 3, 1), 0);
    EQ(mq_send(wo, "three", 5, 3), 0);
    ERR(mq_send(wo, "full", 4, 3), EAGAIN);
    struct timespec past = {1, 0};
    ERR(mq_timedsend(q, "full", 4, 3, &past), ETIMEDOUT);
    struct timespec badts = {0, 1000000000L};
    ERR(mq_timedsend(q, "full", 4, 3, &badts), EINVAL);
    ERR(mq_send(q, "x", 1, 32768), EINVAL);
    ERR(mq_send(q, "seventeen bytes!!", 17, 0), EMSGSIZE);
    ERR(mq_send(ro, "x", 1, 0), EBADF);
    ERR(mq_send(0, "x", 1, 0), EBADF);
    ERR(mq_send(-1, "x", 1, 0), EBADF);
    show_queue(q);
    EQ(mq_getattr(q, &got), 0);
    printf("curmsgs %ld\n", got.mq_curmsgs);
    struct pollfd p = {.fd = q, .events = POLLIN | POLLOUT};
    EQ(poll(&p, 1, 0), 1);
    printf("poll full: %#x\n", p.revents);
    char small[15];
    ERR(mq_receive(q, small, sizeof(small), NULL), EMSGSIZE);
    ERR(mq_receive(wo, small, 64, NULL), EBADF);
    for (int i = 0; i < 4; i++)
        recv_show(ro);
    p.revents = 0;
    EQ(poll(&p, 1, 0), 1);
    printf("poll empty: %#x\n", p.revents);
    char buf[64];
    ERR(mq_timedreceive(q, buf, sizeof(buf), NULL, &past), ETIMEDOUT);
    struct timespec soon = in_ms(100);
    ERR(mq_timedreceive(q, buf, sizeof(buf), NULL, &soon), ETIMEDOUT);
    ERR(mq_timedreceive(q, buf, sizeof(buf), NULL, &badts), EINVAL);
    EQ(mq_send(q, "lost", 4, 2), 0);
    ERR(mq_receive(q, (char *)8, sizeof(buf), NULL), EFAULT);
    EQ(mq_getattr(q, &got), 0);
    printf("after EFAULT: curmsgs %ld\n", got.mq_curmsgs);

    SECTION("getsetattr");
    struct mq_attr na = {.mq_flags = O_NONBLOCK}, old;
    EQ(mq_setattr(q, &na, &old), 0);
    printf("old flags %ld\n", old.mq_flags);
    EQ(mq_getattr(q, &got), 0);
    printf("new flags %#lx maxmsg %ld\n", got.mq_flags, got.mq_maxmsg);
    ERR(mq_receive(q, buf, sizeof(buf), NULL), EAGAIN);
    na.mq_flags = O_NONBLOCK | O_APPEND;
    ERR(mq_setattr(q, &na, &old), EINVAL);
    na.mq_flags = 0;
    na.mq_maxmsg = 100;
    EQ(mq_setattr(q, &na, NULL), 0);
    EQ(mq_getattr(q, &got), 0);
    printf("flags %ld maxmsg %ld\n", got.mq_flags, got.mq_maxmsg);
    ERR(mq_getattr(0, &got), EBADF);

    SECTION("notify");
    struct sigaction sa = {.sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO};
    sigaction(SIGUSR1, &sa, NULL);
    struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
    ev.sigev_value.sival_int = 42;
    EQ(mq_notify(q, &ev), 0);
    show_queue(q);
    ERR(mq_notify(q, &ev), EBUSY);
    pid_t c = fork();
    if (c == 0) {
        errno = 0;
        int r = mq_notify(q, &ev);
        _exit(r == -1 && errno == EBUSY ? 0 : 1);
    }
    int st;
    waitpid(c, &st, 0);
    printf("child's mq_notify EBUSY: %s\n", WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "yes" : "no");
    EQ(mq_send(q, "hi", 2, 0), 0);
    printf("signal %d code %d value %d pid ok %d\n", got_sig, got_code, got_value, got_pid_ok);
    show_queue(q);
    recv_show(q);
    got_sig = 0;
    EQ(mq_notify(q, &ev), 0);
    EQ(mq_notify(q, NULL), 0);
    EQ(mq_send(q, "hi", 2, 0), 0);
    printf("after removal: signal %d\n", got_sig);
    recv_show(q);
    struct sigevent none = {.sigev_notify = SIGEV_NONE};
    EQ(mq_notify(q, &none), 0);
    show_queue(q);
    EQ(mq_notify(q, NULL), 0);
    struct sigevent zero = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = 0};
    EQ(mq_notify(q, &zero), 0);
    show_queue(q);
    EQ(mq_send(q, "z", 1, 0), 0);
    show_queue(q);
    recv_show(q);
    struct sigevent badev = {.sigev_notify = 99};
    ERR(mq_notify(q, &badev), EINVAL);
    badev.sigev_notify = SIGEV_SIGNAL;
    badev.sigev_signo = 65;
    ERR(mq_notify(q, &badev), EINVAL);
    ERR(mq_notify(0, &none), EBADF);
    ERR(syscall(SYS_mq_notify, q, (void *)8), EFAULT);
    /* SIGEV_THREAD by the raw call: the cookie, then a netlink socket in sigev_signo */
    char cookie[32] = {0};
    int pfd[2];
    pipe(pfd);
    int us = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sigevent th = {.sigev_notify = SIGEV_THREAD};
    th.sigev_value.sival_ptr = cookie;
    th.sigev_signo = pfd[0];
    ERR(syscall(SYS_mq_notify, q, &th), ENOTSOCK);
    th.sigev_signo = us;
    ERR(syscall(SYS_mq_notify, q, &th), EINVAL);
    th.sigev_signo = 1000;
    ERR(syscall(SYS_mq_notify, q, &th), EBADF);
    th.sigev_value.sival_ptr = (void *)8;
    ERR(syscall(SYS_mq_notify, q, &th), EFAULT);

    SECTION("sleepers");
    c = fork();
    if (c == 0) {
        char b[64];
        unsigned pr;
        long n = mq_receive(ro, b, sizeof(b), &pr);
        _exit(n == 5 && pr == 7 && memcmp(b, "wake!", 5) == 0 ? 0 : 1);
    }
    TRUE(wait_sleeping(c));
    EQ(mq_send(q, "wake!", 5, 7), 0);
    waitpid(c, &st, 0);
    printf("receiver woken: %s\n", WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "yes" : "no");
    struct sigaction al = {.sa_handler = on_alarm};
    sigaction(SIGALRM, &al, NULL);
    alarm(1);
    ERR(mq_receive(ro, buf, sizeof(buf), NULL), EINTR);
    for (int i = 0; i < 4; i++)
        EQ(mq_send(q, "f", 1, 0), 0);
    alarm(1);
    ERR(mq_send(q, "f", 1, 0), EINTR);
    soon = in_ms(100);
    ERR(mq_timedsend(q, "f", 1, 0, &soon), ETIMEDOUT);

    SECTION("unlink");
    EQ(mq_unlink("/tq"), 0);
    ERR(mq_unlink("/tq"), ENOENT);
    ERR(mq_open("/tq", O_RDWR), ENOENT);
    recv_show(q);
    mqd_t q2 = mq_open("/tq", O_RDWR | O_CREAT | O_EXCL, 0600, &a);
    TRUE(q2 >= 0);
    EQ(mq_getattr(q2, &got), 0);
    printf("new queue curmsgs %ld, old %ld\n", got.mq_curmsgs, (mq_getattr(q, &old), old.mq_curmsgs));
    ERR(syscall(SYS_mq_unlink, (void *)8), EFAULT);
    ERR(mq_unlink("/"), ENOENT);
    EQ(mq_unlink("/tq"), 0);

    SECTION("rlimit");
    struct rlimit rl = {2000, 2000};
    EQ(setrlimit(RLIMIT_MSGQUEUE, &rl), 0);
    struct mq_attr big = {.mq_maxmsg = 10, .mq_msgsize = 100};
    ERR(mq_open("/tr", O_RDWR | O_CREAT, 0600, &big), EMFILE);
    big.mq_maxmsg = 1;
    big.mq_msgsize = 800;
    mqd_t r1 = mq_open("/tr", O_RDWR | O_CREAT, 0600, &big);
    TRUE(r1 >= 0);
    ERR(mq_open("/tr2", O_RDWR | O_CREAT, 0600, &big), EMFILE);
    EQ(mq_unlink("/tr"), 0);
    close(r1);
    r1 = mq_open("/tr2", O_RDWR | O_CREAT, 0600, &big);
    TRUE(r1 >= 0);
    EQ(mq_unlink("/tr2"), 0);
    return summary();
}
