/*
 * System V message queues against Linux: msgget's keys and flags, msgsnd and
 * msgrcv (msgtyp 0, > 0, < 0, MSG_EXCEPT, MSG_NOERROR, MSG_COPY, IPC_NOWAIT),
 * msgctl (IPC_STAT, IPC_SET, IPC_RMID, IPC_INFO, MSG_INFO, MSG_STAT), a full
 * queue, permissions as another user, and the sleeps: a receiver woken by
 * another process's send, a sender woken by a receive, a receiver
 * interrupted by a signal (EINTR) and one whose queue is removed (EIDRM).
 */
#define _GNU_SOURCE
#include "musl_check.h"
#include "ipc_common.h"
#include <signal.h>
#include <stdlib.h>
#include <sys/msg.h>
#include <sys/wait.h>

#ifndef MSG_COPY
#define MSG_COPY 040000
#endif
#ifndef MSG_STAT_ANY
#define MSG_STAT_ANY 13
#endif

struct mbuf {
    long mtype;
    char mtext[64];
};

static int snd(int q, long type, const char *text, int flags)
{
    struct mbuf m;
    m.mtype = type;
    size_t n = strlen(text);
    memcpy(m.mtext, text, n);
    return msgsnd(q, &m, n, flags);
}

/* Receives and prints what came: "type N 'text'". */
static long rcv(int q, size_t size, long type, int flags)
{
    struct mbuf m;
    memset(&m, 0, sizeof(m));
    long n = msgrcv(q, &m, size, type, flags);
    if (n >= 0)
        printf("  got type %ld '%.*s'\n", m.mtype, (int)n, m.mtext);
    return n;
}

static void on_alarm(int sig) { (void)sig; }

static void basics(void)
{
    SECTION("msgget");
    const key_t key = 0x4d534701;
    IERR(msgget(key, 0600), ENOENT);
    int q = msgget(key, IPC_CREAT | 0640);
    TRUE(q >= 0);
    EQ(msgget(key, 0600) == q, 1);
    EQ(msgget(key, IPC_CREAT | 0600) == q, 1);
    IERR(msgget(key, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    int p1 = msgget(IPC_PRIVATE, 0600), p2 = msgget(IPC_PRIVATE, IPC_CREAT | IPC_EXCL | 0600);
    TRUE(p1 >= 0 && p2 >= 0 && p1 != p2 && p1 != q);
    EQ(msgctl(p1, IPC_RMID, NULL), 0);
    EQ(msgctl(p2, IPC_RMID, NULL), 0);
    IERR(msgctl(p1, IPC_RMID, NULL), EINVAL);
    IERR(msgctl(-1, IPC_STAT, NULL), EINVAL);
    IERR(msgctl(q, 1234, NULL), EINVAL);
    IERR(msgctl(q, IPC_STAT | 0x100, NULL), EINVAL); /* no IPC_64 on x86-64 */

    SECTION("msgsnd errors");
    struct mbuf m = {0, "x"};
    IERR(msgsnd(q, &m, 1, 0), EINVAL); /* mtype 0 */
    m.mtype = -3;
    IERR(msgsnd(q, &m, 1, 0), EINVAL);
    m.mtype = 1;
    IERR(msgsnd(q, &m, 8193, 0), EINVAL); /* above msgmax */
    IERR(msgsnd(q, &m, (size_t)-1, 0), EINVAL);
    IERR(msgsnd(-5, &m, 1, 0), EINVAL);
    IERR(msgsnd(q + 1, &m, 1, 0), EINVAL);
    IERR(msgsnd(q, (void *)8, 1, 0), EFAULT);
    IERR(msgrcv(q, &m, 64, 0, IPC_NOWAIT), ENOMSG);

    SECTION("msgrcv kinds");
    OK(snd(q, 3, "three", 0));
    OK(snd(q, 1, "one", 0));
    OK(snd(q, 2, "two-a", 0));
    OK(snd(q, 2, "two-b", 0));
    OK(snd(q, 5, "five", 0));
    struct msqid_ds ds;
    EQ(msgctl(q, IPC_STAT, &ds), 0);
    EQ(ds.msg_qnum, 5);
    EQ(ds.msg_cbytes, 22);
    EQ(ds.msg_qbytes, 16384);
    EQ(ds.msg_lspid == getpid(), 1);
    EQ(ds.msg_lrpid, 0);
    EQ(ds.msg_perm.mode, 0640);
    EQ(ds.msg_perm.__key, key);
    EQ(ds.msg_perm.uid, 0);
    EQ(ds.msg_perm.cuid, 0);
    TRUE(ds.msg_stime > 0 && ds.msg_ctime > 0 && ds.msg_rtime == 0);
    EQ(rcv(q, 64, 2, 0), 5);               /* the first of type 2 */
    EQ(rcv(q, 64, -4, 0), 3);              /* the lowest type <= 4 */
    EQ(rcv(q, 64, 2, MSG_EXCEPT), 5);      /* the first not of type 2 */
    IERR(rcv(q, 64, 9, IPC_NOWAIT), ENOMSG);
    IERR(rcv(q, 3, 0, 0), E2BIG);
    EQ(rcv(q, 64, 0, MSG_COPY | IPC_NOWAIT), 5);   /* index 0, a copy */
    EQ(rcv(q, 64, 1, MSG_COPY | IPC_NOWAIT), 4);   /* index 1 */
    IERR(rcv(q, 64, 2, MSG_COPY | IPC_NOWAIT), ENOMSG);
    IERR(rcv(q, 64, 0, MSG_COPY), EINVAL);
    IERR(msgrcv(q, (void *)8, 64, 0, MSG_COPY | IPC_NOWAIT), EFAULT); /* the buffer is read first */
    IERR(rcv(q, 64, 0, MSG_COPY | MSG_EXCEPT | IPC_NOWAIT), EINVAL);
    IERR(rcv(q, 2, 0, MSG_COPY | MSG_NOERROR | IPC_NOWAIT), EINVAL); /* the copy must hold it all */
    EQ(rcv(q, 3, 0, MSG_NOERROR), 3);      /* cut to 3 bytes, the rest lost */
    EQ(rcv(q, 64, 0, 0), 4);
    IERR(rcv(q, 64, 0, IPC_NOWAIT), ENOMSG);
    IERR(msgrcv(q, &m, (size_t)-1, 0, IPC_NOWAIT), EINVAL);
    IERR(msgrcv(-1, &m, 8, 0, IPC_NOWAIT), EINVAL);
    OK(snd(q, 7, "seven", 0));
    IERR(msgrcv(q, (void *)8, 64, 0, IPC_NOWAIT), EFAULT);
    IERR(rcv(q, 64, 0, IPC_NOWAIT), ENOMSG); /* the fault lost it, as on Linux */
    EQ(msgctl(q, IPC_STAT, &ds), 0);
    EQ(ds.msg_qnum, 0);
    EQ(ds.msg_lrpid == getpid(), 1);

    SECTION("a full queue");
    memset(&ds, 0, sizeof(ds));
    EQ(msgctl(q, IPC_STAT, &ds), 0);
    ds.msg_qbytes = 10;
    EQ(msgctl(q, IPC_SET, &ds), 0);
    OK(snd(q, 1, "12345", IPC_NOWAIT));
    OK(snd(q, 1, "12345", IPC_NOWAIT));
    IERR(snd(q, 1, "1", IPC_NOWAIT), EAGAIN);
    ds.msg_qbytes = 16384;
    ds.msg_perm.uid = (uid_t)-1;
    IERR(msgctl(q, IPC_SET, &ds), EINVAL);
    ds.msg_perm.uid = 0;
    ds.msg_perm.mode = 0777 | 01000;
    EQ(msgctl(q, IPC_SET, &ds), 0);
    EQ(msgctl(q, IPC_STAT, &ds), 0);
    EQ(ds.msg_perm.mode, 0777);
    ds.msg_qbytes = 1000000; /* above msgmnb: root may */
    EQ(msgctl(q, IPC_SET, &ds), 0);
    ds.msg_qbytes = 10;
    EQ(msgctl(q, IPC_SET, &ds), 0);

    SECTION("a sender sleeps until a receive makes room");
    pid_t pid = fork();
    if (pid == 0) {
        _exit(snd(q, 4, "abc", 0) == 0 ? 0 : 1);
    }
    TRUE(wait_sleeping(pid));
    EQ(rcv(q, 64, 0, 0), 5);
    int st;
    EQ(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, 1);
    EQ(rcv(q, 64, 0, 0), 5);
    EQ(rcv(q, 64, 0, 0), 3);

    SECTION("info");
    struct msginfo mi;
    TRUE(msgctl(0, IPC_INFO, (struct msqid_ds *)&mi) >= 0);
    printf("IPC_INFO: msgmax %d msgmnb %d msgmni %d msgssz %d msgseg %d msgpool %d msgmap %d msgtql %d\n",
           mi.msgmax, mi.msgmnb, mi.msgmni, mi.msgssz, mi.msgseg, mi.msgpool, mi.msgmap, mi.msgtql);
    OK(snd(q, 1, "12345", 0));
    TRUE(msgctl(0, MSG_INFO, (struct msqid_ds *)&mi) >= 0);
    printf("MSG_INFO: queues %d messages %d bytes %d\n", mi.msgpool, mi.msgmap, mi.msgtql);
    int maxidx = msgctl(0, MSG_INFO, (struct msqid_ds *)&mi);
    int sid = msgctl(maxidx, MSG_STAT, &ds);
    EQ(sid == q, 1);
    EQ(msgctl(maxidx, MSG_STAT_ANY, &ds) == q, 1);
    IERR(msgctl(q, IPC_INFO, (struct msqid_ds *)8), EFAULT);
    EQ(msgctl(q, IPC_RMID, NULL), 0);
    IERR(msgctl(q, IPC_STAT, &ds), EINVAL);
    IERR(msgget(key, 0), ENOENT);
}

static void sleepers(void)
{
    int q = msgget(IPC_PRIVATE, 0600);
    int st;
    SECTION("a receiver woken by another process");
    pid_t pid = fork();
    if (pid == 0) {
        struct mbuf m;
        long n = msgrcv(q, &m, sizeof(m.mtext), 6, 0); /* prints nothing: the parent's lines would race it */
        _exit(n == 4 && m.mtype == 6 && !memcmp(m.mtext, "mine", 4) ? 0 : 1);
    }
    TRUE(wait_sleeping(pid));
    OK(snd(q, 5, "not-me", 0)); /* wakes it, but does not match */
    sleep_ms(20);
    OK(snd(q, 6, "mine", 0));
    EQ(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, 1);
    EQ(rcv(q, 64, 0, IPC_NOWAIT), 6);

    SECTION("a receiver interrupted by a signal");
    pid = fork();
    if (pid == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_alarm;
        sigaction(SIGUSR1, &sa, NULL);
        struct mbuf m;
        errno = 0;
        long n = msgrcv(q, &m, 64, 0, 0);
        printf("  child: msgrcv = %ld %s\n", n, n < 0 ? ipc_ename(errno) : "");
        _exit(n == -1 && errno == EINTR ? 0 : 1);
    }
    TRUE(wait_sleeping(pid));
    kill(pid, SIGUSR1);
    EQ(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, 1);

    SECTION("receivers and a sender see the queue removed");
    struct msqid_ds ds;
    EQ(msgctl(q, IPC_STAT, &ds), 0);
    ds.msg_qbytes = 4;
    EQ(msgctl(q, IPC_SET, &ds), 0);
    pid_t kids[2];
    for (int i = 0; i < 2; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            errno = 0;
            struct mbuf m;
            long n = i == 0 ? msgrcv(q, &m, sizeof(m.mtext), 0, 0) : snd(q, 1, "0123456789", 0);
            _exit(n == -1 && errno == EIDRM ? 0 : 1);
        }
    }
    TRUE(wait_sleeping(kids[0]));
    TRUE(wait_sleeping(kids[1]));
    EQ(msgctl(q, IPC_RMID, NULL), 0);
    for (int i = 0; i < 2; i++)
        EQ(waitpid(kids[i], &st, 0) == kids[i] && WIFEXITED(st) && WEXITSTATUS(st) == 0, 1);
}

static void permissions(void)
{
    SECTION("another user");
    int q = msgget(IPC_PRIVATE, 0640);
    int st;
    pid_t pid = fork();
    if (pid == 0) {
        failures = 0;
        if (setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000))
            _exit(2);
        struct mbuf m = {1, "x"};
        struct msqid_ds ds;
        IERR(msgsnd(q, &m, 1, IPC_NOWAIT), EACCES);
        IERR(msgrcv(q, &m, 8, 0, IPC_NOWAIT), EACCES);
        IERR(msgctl(q, IPC_STAT, &ds), EACCES);
        IERR(msgctl(q, IPC_RMID, NULL), EPERM);
        IERR(msgctl(q, IPC_SET, &ds), EPERM);
        int mine = msgget(IPC_PRIVATE, 0600);
        EQ(msgctl(mine, IPC_STAT, &ds), 0);
        EQ(ds.msg_perm.uid, 1000);
        ds.msg_qbytes = 20000; /* above msgmnb without CAP_SYS_RESOURCE */
        IERR(msgctl(mine, IPC_SET, &ds), EPERM);
        EQ(msgctl(mine, IPC_RMID, NULL), 0);
        _exit(failures ? 1 : 0);
    }
    EQ(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, 1);
    EQ(msgctl(q, IPC_RMID, NULL), 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    mount_proc();
    basics();
    sleepers();
    permissions();
    return summary();
}
