/*
 * Keyrings against Linux: add_key, request_key and keyctl on user, logon and
 * keyring keys; the answers to bad input; permissions and possession;
 * revocation, expiry and invalidation; request_key with no /sbin/request-key
 * (a negative key); the special keyrings across fork and exec and
 * KEYCTL_SESSION_TO_PARENT; the quota as another user; /proc/keys and
 * /proc/sys/kernel/keys. Serial numbers are random: they are compared, never
 * printed.
 */
#define _GNU_SOURCE
#include "musl_check.h"
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define KEY_SPEC_THREAD_KEYRING -1
#define KEY_SPEC_PROCESS_KEYRING -2
#define KEY_SPEC_SESSION_KEYRING -3
#define KEY_SPEC_USER_KEYRING -4
#define KEY_SPEC_USER_SESSION_KEYRING -5
#define KEY_SPEC_GROUP_KEYRING -6
#define KEY_SPEC_REQKEY_AUTH_KEY -7

static long add_key(const char *type, const char *desc, const void *p, size_t n, long ring)
{
    return syscall(SYS_add_key, type, desc, p, n, ring);
}
static long request_key(const char *type, const char *desc, const char *info, long ring)
{
    return syscall(SYS_request_key, type, desc, info, ring);
}
static long keyctl(long op, long a2, long a3, long a4, long a5) { return syscall(SYS_keyctl, op, a2, a3, a4, a5); }

static const char *kename(int e)
{
    switch (e) {
    case ENOKEY: return "ENOKEY";
    case EKEYREVOKED: return "EKEYREVOKED";
    case EKEYEXPIRED: return "EKEYEXPIRED";
    case EDQUOT: return "EDQUOT";
    case EDEADLK: return "EDEADLK";
    }
    return ename(e);
}

#define KERR(expr, e) do { errno = 0; long r_ = (long)(expr); int e_ = errno; checks++; \
        if (r_ == -1) printf("%s = -1 %s\n", #expr, kename(e_)); else printf("%s = %ld\n", #expr, r_); \
        if (!(r_ == -1 && e_ == (e))) { failures++; printf("FAIL: %s: expected -1 %s\n", #expr, kename(e)); } \
    } while (0)

static void describe(const char *what, long key)
{
    char buf[256];
    long n = keyctl(6 /* DESCRIBE */, key, (long)buf, sizeof(buf), 0);
    if (n < 0)
        printf("describe %s = -1 %s\n", what, kename(errno));
    else
        printf("describe %s = %ld \"%s\"\n", what, n, buf);
}

static void read_text(const char *what, long key)
{
    char buf[64] = {0};
    long n = keyctl(11 /* READ */, key, (long)buf, sizeof(buf) - 1, 0);
    if (n < 0)
        printf("read %s = -1 %s\n", what, kename(errno));
    else
        printf("read %s = %ld \"%.*s\"\n", what, n, (int)(n < 63 ? n : 63), buf);
}

static void cat_line(const char *path)
{
    char buf[64] = {0};
    int fd = open(path, O_RDONLY);
    long n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
    if (fd >= 0)
        close(fd);
    printf("%s: %s", path, n > 0 ? buf : "(none)\n");
}

static void put(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY);
    if (fd < 0 || write(fd, text, strlen(text)) < 0) {
        printf("FAIL: write %s: %s\n", path, ename(errno));
        failures++;
    }
    if (fd >= 0)
        close(fd);
}

/* The /proc/keys line of a key, without its serial and usage count. */
static void proc_keys_line(const char *what, long key)
{
    static char buf[65536];
    int fd = open("/proc/keys", O_RDONLY);
    long n = 0, r;
    while (fd >= 0 && (r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
        n += r;
    if (fd >= 0)
        close(fd);
    buf[n] = 0;
    char id[16];
    snprintf(id, sizeof(id), "%08lx ", key);
    for (char *line = buf; line && *line;) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        if (strncmp(line, id, 9) == 0 && strlen(line) > 23) {
            printf("/proc/keys %s: %.7s %s\n", what, line + 9, line + 23);
            return;
        }
        line = next;
    }
    printf("/proc/keys %s: (absent)\n", what);
}

static long thread_ids[3];
static void *thread_main(void *arg)
{
    (void)arg;
    thread_ids[0] = keyctl(0, KEY_SPEC_THREAD_KEYRING, 0, 0, 0);
    thread_ids[1] = keyctl(0, KEY_SPEC_PROCESS_KEYRING, 0, 0, 0);
    thread_ids[2] = keyctl(0, KEY_SPEC_SESSION_KEYRING, 0, 0, 0);
    return 0;
}

static int exec_mode(long session)
{
    SECTION("after exec");
    KERR(keyctl(0, KEY_SPEC_THREAD_KEYRING, 0, 0, 0), ENOKEY);
    KERR(keyctl(0, KEY_SPEC_PROCESS_KEYRING, 0, 0, 0), ENOKEY);
    TRUE(keyctl(0, KEY_SPEC_SESSION_KEYRING, 0, 0, 0) == session);
    return summary();
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "exec") == 0)
        return exec_mode(atol(argv[2]));
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, 0);

    SECTION("add_key");
    long k1 = add_key("user", "k1", "hello", 5, KEY_SPEC_SESSION_KEYRING);
    TRUE(k1 > 2);
    long session = keyctl(0, KEY_SPEC_SESSION_KEYRING, 0, 0, 0);
    TRUE(session > 2 && session != k1);
    describe("k1", k1);
    read_text("k1", k1);
    EQ(keyctl(11, k1, 0, 0, 0), 5);
    char small[2] = {'x', 'x'};
    EQ(keyctl(11, k1, (long)small, 2, 0), 5);
    TRUE(small[0] == 'x'); /* too small a buffer gets nothing */
    EQ(keyctl(2 /* UPDATE */, k1, (long)"world!", 6, 0), 0);
    read_text("k1 updated", k1);
    TRUE(add_key("user", "k1", "again", 5, KEY_SPEC_SESSION_KEYRING) == k1);
    read_text("k1 re-added", k1);
    proc_keys_line("k1", k1);
    long lg = add_key("logon", "svc:x", "secret", 6, KEY_SPEC_SESSION_KEYRING);
    TRUE(lg > 2);
    describe("logon", lg);
    KERR(keyctl(11, lg, 0, 0, 0), EOPNOTSUPP);
    KERR(add_key("logon", "nocolon", "s", 1, KEY_SPEC_SESSION_KEYRING), EINVAL);
    KERR(add_key("logon", ":x", "s", 1, KEY_SPEC_SESSION_KEYRING), EINVAL);
    KERR(add_key("nosuch", "d", "s", 1, KEY_SPEC_SESSION_KEYRING), ENODEV);
    KERR(add_key(".user", "d", "s", 1, KEY_SPEC_SESSION_KEYRING), EPERM);
    KERR(add_key("", "d", "s", 1, KEY_SPEC_SESSION_KEYRING), EINVAL);
    KERR(add_key("user", "", "s", 1, KEY_SPEC_SESSION_KEYRING), EINVAL);
    KERR(add_key("user", "d", "", 0, KEY_SPEC_SESSION_KEYRING), EINVAL);
    KERR(add_key("user", "d", "s", 1 << 20, KEY_SPEC_SESSION_KEYRING), EINVAL);
    KERR(add_key("user", "d", (void *)8, 4, KEY_SPEC_SESSION_KEYRING), EFAULT);
    KERR(add_key((char *)8, "d", "s", 1, KEY_SPEC_SESSION_KEYRING), EFAULT);
    KERR(add_key("user", (char *)8, "s", 1, KEY_SPEC_SESSION_KEYRING), EFAULT);
    KERR(add_key("keyring", "r", "s", 1, KEY_SPEC_SESSION_KEYRING), EINVAL);
    KERR(add_key("keyring", ".r", 0, 0, KEY_SPEC_SESSION_KEYRING), EPERM);
    KERR(add_key("user", "d", "s", 1, k1), ENOTDIR);
    KERR(add_key("user", "d", "s", 1, 0), EINVAL);
    KERR(add_key("user", "d", "s", 1, KEY_SPEC_GROUP_KEYRING), EINVAL);
    KERR(add_key("user", "d", "s", 1, KEY_SPEC_REQKEY_AUTH_KEY), ENOKEY);
    KERR(add_key("user", "d", "s", 1, 2), ENOKEY);

    SECTION("keyrings");
    long r1 = add_key("keyring", "ring1", 0, 0, KEY_SPEC_SESSION_KEYRING);
    TRUE(r1 > 2);
    describe("ring1", r1);
    EQ(keyctl(11, r1, 0, 0, 0), 0);
    EQ(keyctl(8 /* LINK */, k1, r1, 0, 0), 0);
    int ids[2] = {0, 0};
    EQ(keyctl(11, r1, (long)ids, sizeof(ids), 0), 4);
    TRUE(ids[0] == k1);
    KERR(keyctl(11, r1, (long)ids, 5, 0), EINVAL);
    KERR(keyctl(8, r1, r1, 0, 0), EDEADLK);
    KERR(keyctl(8, KEY_SPEC_SESSION_KEYRING, r1, 0, 0), EDEADLK);
    KERR(keyctl(8, k1, k1, 0, 0), ENOTDIR);
    TRUE(keyctl(10 /* SEARCH */, r1, (long)"user", (long)"k1", 0) == k1);
    TRUE(keyctl(10, KEY_SPEC_SESSION_KEYRING, (long)"user", (long)"k1", 0) == k1);
    TRUE(keyctl(10, KEY_SPEC_SESSION_KEYRING, (long)"keyring", (long)"ring1", 0) == r1);
    KERR(keyctl(10, r1, (long)"user", (long)"none", 0), ENOKEY);
    KERR(keyctl(10, r1, (long)"nosuch", (long)"k1", 0), ENOKEY);
    TRUE(request_key("user", "k1", 0, 0) == k1);
    TRUE(request_key("keyring", "ring1", 0, 0) == r1);
    KERR(request_key("user", "none", 0, 0), ENOKEY);
    KERR(request_key("nosuch", "none", 0, 0), ENOKEY);
    KERR(request_key(".x", "none", 0, 0), EPERM);
    KERR(request_key("keyring", "none", "info", 0), EPERM);
    EQ(keyctl(9 /* UNLINK */, k1, r1, 0, 0), 0);
    KERR(keyctl(9, k1, r1, 0, 0), ENOENT);
    long r2 = add_key("keyring", "ring2", 0, 0, KEY_SPEC_SESSION_KEYRING);
    long k4 = add_key("user", "k4", "x", 1, r1);
    EQ(keyctl(30 /* MOVE */, k4, r1, r2, 0), 0);
    EQ(keyctl(11, r1, 0, 0, 0), 0);
    EQ(keyctl(11, r2, 0, 0, 0), 4);
    KERR(keyctl(30, k4, r1, r2, 0), ENOENT);
    KERR(keyctl(30, k4, r2, r1, 2), EINVAL);
    EQ(keyctl(7 /* CLEAR */, r2, 0, 0, 0), 0);
    EQ(keyctl(11, r2, 0, 0, 0), 0);
    KERR(keyctl(7, k1, 0, 0, 0), ENOTDIR);
    EQ(keyctl(29 /* RESTRICT_KEYRING */, r2, 0, 0, 0), 0);
    KERR(add_key("user", "k5", "x", 1, r2), EPERM);
    KERR(keyctl(8, k1, r2, 0, 0), EPERM);
    KERR(keyctl(29, r2, 0, 0, 0), EEXIST);
    KERR(keyctl(29, r1, (long)"user", (long)"x", 0), ENOENT);
    KERR(keyctl(29, r1, 0, (long)"x", 0), EINVAL);

    SECTION("permissions");
    long k2 = add_key("user", "k2", "two", 3, KEY_SPEC_SESSION_KEYRING);
    EQ(keyctl(5 /* SETPERM */, k2, 0x29000000, 0, 0), 0); /* possessor: view, search, setattr */
    describe("k2 view, search", k2);
    read_text("k2 possessed, no read", k2); /* possession is enough to read */
    KERR(keyctl(2, k2, (long)"x", 1, 0), EACCES);
    TRUE(keyctl(10, KEY_SPEC_SESSION_KEYRING, (long)"user", (long)"k2", 0) == k2);
    EQ(keyctl(5, k2, 0x21000000, 0, 0), 0); /* no search: no longer possessed */
    KERR(keyctl(6, k2, 0, 0, 0), EACCES);
    KERR(keyctl(11, k2, 0, 0, 0), EACCES);
    KERR(keyctl(10, KEY_SPEC_SESSION_KEYRING, (long)"user", (long)"k2", 0), EACCES);
    KERR(keyctl(5, k2, 0x3f010000, 0, 0), EACCES); /* locked out, root too */
    KERR(keyctl(5, k2, 0x40000000, 0, 0), EINVAL);
    long k7 = add_key("user", "k7", "seven", 5, KEY_SPEC_SESSION_KEYRING);
    EQ(keyctl(4 /* CHOWN */, k7, 1000, 1000, 0), 0);
    describe("k7 chowned", k7);
    EQ(keyctl(4, k7, -1, -1, 0), 0);
    read_text("k7 possessed", k7);
    EQ(keyctl(5, k7, 0x003f0000, 0, 0), 0); /* root may setperm another's key */
    KERR(keyctl(6, k7, 0, 0, 0), EACCES);

    SECTION("revoke, expire, invalidate");
    long k3 = add_key("user", "k3", "three", 5, KEY_SPEC_SESSION_KEYRING);
    EQ(keyctl(3 /* REVOKE */, k3, 0, 0, 0), 0);
    KERR(keyctl(11, k3, 0, 0, 0), EKEYREVOKED);
    KERR(keyctl(6, k3, 0, 0, 0), EKEYREVOKED);
    KERR(keyctl(2, k3, (long)"x", 1, 0), EKEYREVOKED);
    KERR(request_key("user", "k3", 0, 0), EKEYREVOKED);
    proc_keys_line("k3 revoked", k3);
    long rv = add_key("keyring", "revring", 0, 0, KEY_SPEC_SESSION_KEYRING);
    EQ(keyctl(3, rv, 0, 0, 0), 0);
    KERR(add_key("user", "d", "s", 1, rv), EKEYREVOKED);
    KERR(request_key("keyring", "x", 0, rv), EKEYREVOKED);
    long k5 = add_key("user", "k5", "five", 4, KEY_SPEC_SESSION_KEYRING);
    EQ(keyctl(15 /* SET_TIMEOUT */, k5, 1, 0, 0), 0);
    sleep(2);
    KERR(keyctl(11, k5, 0, 0, 0), EKEYEXPIRED);
    KERR(request_key("user", "k5", 0, 0), ENOKEY);
    KERR(keyctl(10, KEY_SPEC_SESSION_KEYRING, (long)"user", (long)"k5", 0), EKEYEXPIRED);
    proc_keys_line("k5 expired", k5);
    long k6 = add_key("user", "k6", "six", 3, KEY_SPEC_SESSION_KEYRING);
    EQ(keyctl(21 /* INVALIDATE */, k6, 0, 0, 0), 0);
    /* (a read now is EACCES or ENOKEY on Linux, as its collector has
     * unlinked or freed the key: not compared) */
    KERR(keyctl(21, k6, 0, 0, 0), ENOKEY);

    SECTION("request_key without an upcall");
    KERR(request_key("user", "missing", "info", 0), ENOENT); /* the upcall's failure */
    KERR(request_key("user", "missing", "info", 0), ENOKEY); /* the negative key */
    KERR(keyctl(10, KEY_SPEC_SESSION_KEYRING, (long)"user", (long)"missing", 0), ENOKEY);
    KERR(request_key("user", (char *)8, 0, 0), EFAULT);
    KERR(request_key("user", "x", (char *)8, 0), EFAULT);

    SECTION("special keyrings");
    KERR(keyctl(0, KEY_SPEC_THREAD_KEYRING, 0, 0, 0), ENOKEY);
    long tk = keyctl(0, KEY_SPEC_THREAD_KEYRING, 1, 0, 0);
    TRUE(tk > 2 && keyctl(0, KEY_SPEC_THREAD_KEYRING, 0, 0, 0) == tk);
    describe("thread", tk);
    long pk = keyctl(0, KEY_SPEC_PROCESS_KEYRING, 1, 0, 0);
    TRUE(pk > 2 && pk != tk);
    describe("process", pk);
    describe("session", session);
    long uk = keyctl(0, KEY_SPEC_USER_KEYRING, 0, 0, 0);
    long usk = keyctl(0, KEY_SPEC_USER_SESSION_KEYRING, 0, 0, 0);
    TRUE(uk > 2 && usk > 2 && uk != usk);
    describe("user", uk);
    describe("user session", usk);
    KERR(keyctl(0, KEY_SPEC_GROUP_KEYRING, 0, 0, 0), EINVAL);
    KERR(keyctl(0, KEY_SPEC_REQKEY_AUTH_KEY, 0, 0, 0), ENOKEY);
    KERR(keyctl(0, 0, 0, 0, 0), EINVAL);
    KERR(keyctl(0, -9, 0, 0, 0), EINVAL);
    EQ(keyctl(14 /* SET_REQKEY_KEYRING */, -1, 0, 0, 0), 0);
    EQ(keyctl(14, 3, 0, 0, 0), 0);
    EQ(keyctl(14, -1, 0, 0, 0), 3);
    KERR(keyctl(14, 6, 0, 0, 0), EINVAL);
    KERR(keyctl(14, 8, 0, 0, 0), EINVAL);
    EQ(keyctl(14, 0, 0, 0, 0), 3);
    EQ(keyctl(17 /* GET_SECURITY */, k1, 0, 0, 0), 1);
    KERR(keyctl(12 /* INSTANTIATE */, k1, 0, 0, 0), EPERM);
    KERR(keyctl(13 /* NEGATE */, k1, 0, 0, 0), EPERM);
    KERR(keyctl(19 /* REJECT */, k1, 0, 0, 0), EINVAL);
    EQ(keyctl(16 /* ASSUME_AUTHORITY */, 0, 0, 0, 0), 0);
    KERR(keyctl(16, -1, 0, 0, 0), EINVAL);
    KERR(keyctl(32 /* WATCH_KEY */, k1, -1, 0, 0), EOPNOTSUPP);
    KERR(keyctl(999, 0, 0, 0, 0), EOPNOTSUPP);
    KERR(keyctl(1, (long)".builtin_trusted_keys", 0, 0, 0), EPERM);

    SECTION("a new thread");
    pthread_t th;
    if (pthread_create(&th, 0, thread_main, 0) == 0)
        pthread_join(th, 0);
    TRUE(thread_ids[0] > 2 && thread_ids[0] != tk); /* a thread keyring of its own, the parent having one */
    TRUE(thread_ids[1] == pk);                        /* the process keyring shared */
    TRUE(thread_ids[2] == session);

    SECTION("fork");
    pid_t pid = fork();
    if (pid == 0) {
        KERR(keyctl(0, KEY_SPEC_THREAD_KEYRING, 0, 0, 0), ENOKEY);
        KERR(keyctl(0, KEY_SPEC_PROCESS_KEYRING, 0, 0, 0), ENOKEY);
        TRUE(keyctl(0, KEY_SPEC_SESSION_KEYRING, 0, 0, 0) == session);
        TRUE(keyctl(11, k1, 0, 0, 0) == 5);
        /* a grandchild hands its new session keyring to this child */
        int fds[2];
        if (pipe(fds))
            _exit(2);
        pid_t g = fork();
        if (g == 0) {
            long s = keyctl(1, 0, 0, 0, 0);
            long r = keyctl(18 /* SESSION_TO_PARENT */, 0, 0, 0, 0);
            if (write(fds[1], &s, sizeof(s)) < 0)
                _exit(3);
            _exit(r == 0 ? 0 : 1);
        }
        int st;
        waitpid(g, &st, 0);
        long s = 0;
        if (read(fds[0], &s, sizeof(s)) < 0)
            _exit(4);
        EQ(WEXITSTATUS(st), 0);
        TRUE(keyctl(0, KEY_SPEC_SESSION_KEYRING, 0, 0, 0) == s);
        /* quota: a user's 5 keys, its thread keyring among them */
        if (setuid(1000))
            _exit(5);
        int n = 0;
        char desc[16];
        for (int i = 0; i < 10; i++) {
            snprintf(desc, sizeof(desc), "q%d", i);
            if (add_key("user", desc, "x", 1, KEY_SPEC_THREAD_KEYRING) < 0)
                break;
            n++;
        }
        printf("keys added as uid 1000 under maxkeys 5: %d (then %s)\n", n, kename(errno));
        KERR(keyctl(11, k1, 0, 0, 0), EACCES); /* not ours, not possessed now: no search */
        _exit(summary());
    }
    put("/proc/sys/kernel/keys/maxkeys", "5");
    int status;
    waitpid(pid, &status, 0);
    EQ(WIFEXITED(status) && WEXITSTATUS(status) == 0, 1);
    put("/proc/sys/kernel/keys/maxkeys", "200");
    TRUE(keyctl(0, KEY_SPEC_SESSION_KEYRING, 0, 0, 0) == session);

    SECTION("/proc");
    cat_line("/proc/sys/kernel/keys/maxkeys");
    cat_line("/proc/sys/kernel/keys/maxbytes");
    cat_line("/proc/sys/kernel/keys/root_maxkeys");
    cat_line("/proc/sys/kernel/keys/root_maxbytes");
    cat_line("/proc/sys/kernel/keys/gc_delay");
    cat_line("/proc/sys/kernel/keys/persistent_keyring_expiry");
    proc_keys_line("ring1", r1);
    proc_keys_line("thread", tk);
    proc_keys_line("logon", lg);

    SECTION("exec");
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        char arg[24];
        snprintf(arg, sizeof(arg), "%ld", session);
        execl("/proc/self/exe", "keys_basic", "exec", arg, (char *)0);
        _exit(127);
    }
    waitpid(pid, &status, 0);
    EQ(WIFEXITED(status) && WEXITSTATUS(status) == 0, 1);

    SECTION("session to parent (this process, pid 1)");
    pid = fork();
    if (pid == 0) {
        long s = keyctl(1, 0, 0, 0, 0);
        long r = keyctl(18, 0, 0, 0, 0);
        _exit(r == 0 && s > 2 ? (int)(s & 0x7f) : 255);
    }
    waitpid(pid, &status, 0);
    long now = keyctl(0, KEY_SPEC_SESSION_KEYRING, 0, 0, 0);
    TRUE(now != session && WEXITSTATUS(status) == (int)(now & 0x7f));

    SECTION("garbage collection (gc_delay 1)");
    put("/proc/sys/kernel/keys/gc_delay", "1");
    long g1 = add_key("user", "g1", "x", 1, KEY_SPEC_SESSION_KEYRING);
    long g2 = add_key("user", "g2", "x", 1, KEY_SPEC_SESSION_KEYRING);
    EQ(keyctl(11, KEY_SPEC_SESSION_KEYRING, 0, 0, 0), 8);
    EQ(keyctl(3, g1, 0, 0, 0), 0);
    EQ(keyctl(15, g2, 1, 0, 0), 0);
    sleep(2);
    EQ(keyctl(11, KEY_SPEC_SESSION_KEYRING, 0, 0, 0), 4); /* the revoked key went */
    sleep(3);
    EQ(keyctl(11, KEY_SPEC_SESSION_KEYRING, 0, 0, 0), 0); /* the expired one too */
    KERR(keyctl(11, g1, 0, 0, 0), ENOKEY);
    put("/proc/sys/kernel/keys/gc_delay", "300");
    return summary();
}
