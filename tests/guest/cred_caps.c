/* Capabilities: capget/capset with each header version, the bounding and
 * ambient sets and keepcaps through prctl, the sets across setuid, setfsuid
 * and exec, and /proc/self/status's Cap lines, compared with Linux. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "musl_check.h"

/* Linux's uapi linux/capability.h, as a program's headers give it. */
#define _LINUX_CAPABILITY_VERSION_1 0x19980330
#define _LINUX_CAPABILITY_VERSION_3 0x20080522
struct __user_cap_header_struct {
    uint32_t version;
    int pid;
};
struct __user_cap_data_struct {
    uint32_t effective, permitted, inheritable;
};
enum { CAP_CHOWN = 0, CAP_KILL = 5, CAP_NET_BIND_SERVICE = 10, CAP_NET_RAW = 13, CAP_SYS_ADMIN = 21, CAP_MKNOD = 27 };

static long capget_(uint32_t version, int pid, struct __user_cap_data_struct *d)
{
    struct __user_cap_header_struct h = {version, pid};
    return syscall(SYS_capget, &h, d);
}

static long capset_(int pid, uint64_t eff, uint64_t prm, uint64_t inh)
{
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, pid};
    struct __user_cap_data_struct d[2] = {
        {(uint32_t)eff, (uint32_t)prm, (uint32_t)inh},
        {(uint32_t)(eff >> 32), (uint32_t)(prm >> 32), (uint32_t)(inh >> 32)},
    };
    return syscall(SYS_capset, &h, d);
}

/* effective, permitted, inheritable of this process. */
static void sets(uint64_t *eff, uint64_t *prm, uint64_t *inh)
{
    struct __user_cap_data_struct d[2];
    capget_(_LINUX_CAPABILITY_VERSION_3, 0, d);
    *eff = d[0].effective | (uint64_t)d[1].effective << 32;
    *prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
    *inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
}

static void show(const char *when)
{
    uint64_t e, p, i;
    sets(&e, &p, &i);
    printf("%s: eff %llx prm %llx inh %llx\n", when, (unsigned long long)e, (unsigned long long)p,
           (unsigned long long)i);
}

static void status_caps(const char *when)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    printf("%s /proc/self/status:", when);
    while (f && fgets(line, sizeof(line), f))
        if (!strncmp(line, "Cap", 3)) {
            line[strcspn(line, "\n")] = 0;
            printf(" %s", line);
        }
    printf("\n");
    if (f)
        fclose(f);
}

#define BIT(c) (1ULL << (c))

static int child_done(pid_t pid)
{
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "show")) {
        /* After an exec: what the new program got. */
        show("after exec");
        status_caps("after exec");
        return 0;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    mkdir("/proc", 0555);
    if (mount("proc", "/proc", "proc", 0, NULL) < 0)
        perror("mount /proc");

    /* The version probe: an unknown version is answered with the kernel's. */
    struct __user_cap_header_struct h = {0, 0};
    EQ(syscall(SYS_capget, &h, NULL), 0);
    printf("version answered: %x\n", h.version);
    struct __user_cap_data_struct d[2];
    ERR(capget_(0x12345678, 0, d), EINVAL);
    ERR(capget_(_LINUX_CAPABILITY_VERSION_3, -1, d), EINVAL);
    ERR(capget_(_LINUX_CAPABILITY_VERSION_3, 999999, d), ESRCH);
    ERR(syscall(SYS_capget, (void *)8, d), EFAULT);
    ERR(capget_(_LINUX_CAPABILITY_VERSION_3, 0, (void *)8), EFAULT);
    memset(d, 0xaa, sizeof(d));
    EQ(capget_(_LINUX_CAPABILITY_VERSION_1, 0, d), 0);
    printf("v1: eff %x prm %x inh %x; second word untouched: %s\n", d[0].effective, d[0].permitted,
           d[0].inheritable, d[1].effective == 0xaaaaaaaa ? "yes" : "no");
    pid_t other = fork();
    if (other == 0) {
        pause();
        _exit(0);
    }
    EQ(capget_(_LINUX_CAPABILITY_VERSION_3, other, d), 0);
    show("root");
    status_caps("root");

    /* capset: only one's own, never more than permitted, effective within permitted. */
    uint64_t e, p, i;
    sets(&e, &p, &i);
    ERR(capset_(other, e, p, i), EPERM);
    kill(other, SIGKILL);
    child_done(other);
    /* Bits above the last capability are dropped, not refused. */
    EQ(capset_(0, e | BIT(45), p | BIT(45), i), 0);
    EQ(capset_(0, e & ~BIT(CAP_NET_RAW), p, i), 0);
    show("without CAP_NET_RAW effective");
    EQ(capset_(0, e, p, i | BIT(CAP_NET_BIND_SERVICE)), 0);
    show("inheritable CAP_NET_BIND_SERVICE");
    EQ(capset_(0, e & ~BIT(CAP_SYS_ADMIN), p & ~BIT(CAP_SYS_ADMIN), i), 0);
    ERR(capset_(0, e, p, i), EPERM);
    show("without CAP_SYS_ADMIN permitted");

    /* The bounding set. */
    EQ(prctl(PR_CAPBSET_READ, CAP_CHOWN, 0, 0, 0), 1);
    ERR(prctl(PR_CAPBSET_READ, 41, 0, 0, 0), EINVAL);
    EQ(prctl(PR_CAPBSET_DROP, CAP_MKNOD, 0, 0, 0), 0);
    EQ(prctl(PR_CAPBSET_READ, CAP_MKNOD, 0, 0, 0), 0);
    ERR(prctl(PR_CAPBSET_DROP, 64, 0, 0, 0), EINVAL);
    /* An inheritable bit outside the bounding set needs it there or already inheritable. */
    sets(&e, &p, &i);
    ERR(capset_(0, e, p, i | BIT(CAP_MKNOD)), EPERM);

    /* The ambient set: a bit must be permitted and inheritable. */
    i |= BIT(CAP_NET_BIND_SERVICE);
    EQ(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_BIND_SERVICE, 0, 0), 0);
    ERR(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE, 0, 0), EPERM);
    EQ(capset_(0, e, p, i), 0);
    ERR(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_KILL, 0, 0), EPERM);
    EQ(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE, 0, 0), 0);
    EQ(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_BIND_SERVICE, 0, 0), 1);
    ERR(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 1, 0, 0), EINVAL);
    ERR(prctl(PR_CAP_AMBIENT, 9, CAP_KILL, 0, 0), EINVAL);
    ERR(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, 99, 0, 0), EINVAL);
    status_caps("ambient");
    /* Dropping the inheritable bit drops the ambient one. */
    EQ(capset_(0, e, p, i & ~BIT(CAP_NET_BIND_SERVICE)), 0);
    EQ(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_BIND_SERVICE, 0, 0), 0);
    EQ(capset_(0, e, p, i), 0);
    EQ(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE, 0, 0), 0);

    /* keepcaps and the securebits. */
    EQ(prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0), 0);
    ERR(prctl(PR_SET_KEEPCAPS, 2, 0, 0, 0), EINVAL);
    EQ(prctl(PR_GET_SECUREBITS, 0, 0, 0, 0), 0);
    ERR(prctl(PR_SET_SECUREBITS, 0x100, 0, 0, 0), EPERM);

    /* A root exec: permitted = bounding | inheritable, all effective; ambient kept. */
    pid_t pid = fork();
    if (pid == 0) {
        execl("/proc/self/exe", argv[0], "show", (char *)NULL);
        _exit(127);
    }
    EQ(child_done(pid), 0);

    /* Leaving root without keepcaps: everything goes. */
    pid = fork();
    if (pid == 0) {
        setresuid(1000, 1000, 1000);
        show("uid 1000");
        status_caps("uid 1000");
        _exit(0);
    }
    EQ(child_done(pid), 0);

    /* With keepcaps: permitted stays, effective and ambient go; the ambient
     * set raised again is what an exec of an ordinary program keeps. */
    pid = fork();
    if (pid == 0) {
        prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
        printf("keepcaps: %d\n", prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
        setresuid(1000, 1000, 1000);
        show("uid 1000, keepcaps");
        status_caps("uid 1000, keepcaps");
        uint64_t e2, p2, i2;
        sets(&e2, &p2, &i2);
        int r = (int)capset_(0, p2, p2, i2 | BIT(CAP_NET_BIND_SERVICE));
        printf("capset effective again: %d\n", r);
        r = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE, 0, 0);
        printf("ambient raise: %d\n", r);
        /* seteuid(0) is refused: the saved uid is not 0 any more. */
        printf("seteuid(0): %d\n", seteuid(0));
        execl("/proc/self/exe", argv[0], "show", (char *)NULL);
        _exit(127);
    }
    EQ(child_done(pid), 0);

    /* Effective root and back: the effective set follows euid. */
    pid = fork();
    if (pid == 0) {
        setresuid(1000, 1000, 0);
        show("euid 1000, saved 0");
        seteuid(0);
        show("euid 0 again");
        _exit(0);
    }
    EQ(child_done(pid), 0);

    /* setfsuid: the file-system capabilities follow the file-system uid. */
    EQ(syscall(SYS_setfsuid, 1000), 0);
    show("fsuid 1000");
    EQ(syscall(SYS_setfsuid, -1), 1000);
    EQ(syscall(SYS_setfsuid, 0), 1000);
    show("fsuid 0");
    EQ(syscall(SYS_setfsgid, 1000), 0);
    EQ(syscall(SYS_setfsgid, 0), 1000);
    pid = fork();
    if (pid == 0) {
        setresuid(1000, 1000, 1000);
        /* Not one of its ids, no CAP_SETUID: refused, the answer is the old id anyway. */
        printf("setfsuid(0) as uid 1000: %ld\n", syscall(SYS_setfsuid, 0));
        printf("setfsuid(0) again: %ld\n", syscall(SYS_setfsuid, 0));
        printf("setfsgid(5) as uid 1000: %ld then %ld\n", syscall(SYS_setfsgid, 5), syscall(SYS_setfsgid, 5));
        _exit(0);
    }
    EQ(child_done(pid), 0);
    return summary();
}
