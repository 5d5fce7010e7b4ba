/*
 * kern_prctl: the prctl options Trapgate accepts remember what they are told
 * and act as Linux's do (kernel/sys.c, fs/exec.c, kernel/exit.c, kernel/cred.c):
 *   - PR_SET/GET_NO_NEW_PRIVS: only 1 can be set, never unset, unused
 *     arguments must be 0; inherited by fork and exec; exec then ignores a
 *     set-user-ID bit; /proc/PID/status says "NoNewPrivs:\t1".
 *   - PR_SET/GET_DUMPABLE: 0 and 1 (2 is EINVAL); inherited by fork; exec
 *     resets it to 1, or to 0 for a set-user-ID program; a change of uid
 *     resets it to 0.
 *   - PR_SET/GET_PDEATHSIG: a signal number up to 64; not inherited; sent when
 *     the parent *thread* exits (even if its process lives on); cleared by a
 *     change of uid.
 *   - PR_SET/GET_CHILD_SUBREAPER: orphaned descendants are re-parented to the
 *     nearest subreaper, which can wait for them; not inherited.
 *   - options Trapgate doesn't have: EINVAL.
 * Run as "kern_prctl report" (by the tests' execs) it prints its ids and state.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "musl_check.h"

static const char *self;
static const char *suid_copy = "/tmp/prctl_suid";

static int print_state(void)
{
    int nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
    int dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
    int pdeath = -1;
    prctl(PR_GET_PDEATHSIG, &pdeath, 0, 0, 0);
    printf("  exec'd: uid=%d euid=%d gid=%d egid=%d nnp=%d dumpable=%d pdeathsig=%d\n", (int)getuid(), (int)geteuid(),
           (int)getgid(), (int)getegid(), nnp, dumpable, pdeath);
    printf("  auxv: AT_UID=%lu AT_EUID=%lu AT_GID=%lu AT_EGID=%lu AT_SECURE=%lu\n", getauxval(AT_UID),
           getauxval(AT_EUID), getauxval(AT_GID), getauxval(AT_EGID), getauxval(AT_SECURE));
    /* The status line, as Linux prints it. */
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "NoNewPrivs:", 11))
            printf("  status: %s", line);
    if (f)
        fclose(f);
    return 0;
}

/* Runs fn in a child and returns its exit status (or 100 + signal). */
static int in_child(int (*fn)(void))
{
    fflush(stdout);
    pid_t p = fork();
    if (p == 0)
        _exit(fn());
    int st;
    if (waitpid(p, &st, 0) != p)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

static int exec_report(void)
{
    fflush(stdout);
    execl(suid_copy, suid_copy, "report", (char *)NULL);
    return 99;
}

static int exec_self_report(void)
{
    fflush(stdout);
    execl(self, self, "report", (char *)NULL);
    return 99;
}

static int pdeath_then_exec_self(void)
{
    prctl(PR_SET_PDEATHSIG, SIGUSR2, 0, 0, 0);
    return exec_self_report();
}

static int pdeath_then_exec_suid(void)
{
    prctl(PR_SET_PDEATHSIG, SIGUSR2, 0, 0, 0);
    return exec_report();
}

static void copy_self(void)
{
    int in = open(self, O_RDONLY), out = open(suid_copy, O_CREAT | O_WRONLY | O_TRUNC, 0755);
    char buf[4096];
    ssize_t n;
    while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
        write(out, buf, n);
    close(in);
    close(out);
}

static int drop_to_1000_and_exec(void)
{
    if (setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000))
        return 98;
    return exec_report();
}

static int nnp_drop_and_exec(void)
{
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
        return 97;
    return drop_to_1000_and_exec();
}

static int child_nnp(void) { return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0); }
static int child_dumpable(void) { return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0); }
static int child_pdeath(void)
{
    int s = -1;
    prctl(PR_GET_PDEATHSIG, &s, 0, 0, 0);
    return s;
}
static int child_subreaper(void)
{
    int s = -1;
    prctl(PR_GET_CHILD_SUBREAPER, &s, 0, 0, 0);
    return s;
}

static int setuid_resets(void)
{
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    prctl(PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0);
    if (setresuid(1000, 1000, 1000))
        return 98;
    return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) * 10 + child_pdeath();
}

/* ---- pdeath_signal delivery ---- */

static int result_pipe[2];
static void on_usr1(int sig)
{
    (void)sig;
    char c = 'U';
    write(result_pipe[1], &c, 1);
    _exit(0);
}

/* C: asks for SIGUSR1 at its parent thread's death, says so, and waits. */
static void pdeath_child(int ready)
{
    signal(SIGUSR1, on_usr1);
    prctl(PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0);
    char c = 'r';
    write(ready, &c, 1);
    for (;;)
        pause();
}

static int ready_pipe[2];
static void *thread_forks_child(void *arg)
{
    (void)arg;
    pid_t c = fork();
    if (c == 0)
        pdeath_child(ready_pipe[1]);
    char r;
    read(ready_pipe[0], &r, 1);
    return NULL; /* the thread ends; its process lives on */
}

/* P: one thread forks C and exits; P itself stays until C reports. */
static int pdeath_thread_parent(void)
{
    pthread_t th;
    if (pthread_create(&th, NULL, thread_forks_child, NULL))
        return 90;
    pthread_join(th, NULL);
    char c = 0;
    read(result_pipe[0], &c, 1);
    return c == 'U' ? 0 : 91;
}

/* ---- subreaper ---- */

/* S: a subreaper whose grandchild is orphaned; it gets the orphan and reaps it. */
static int subreaper(void)
{
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
        return 80;
    int p2c[2];
    pipe(p2c);
    pid_t p = fork();
    if (p == 0) {
        pid_t s = getppid();
        pid_t c = fork();
        if (c == 0) {
            close(p2c[1]);
            char x;
            read(p2c[0], &x, 1); /* until P is gone */
            _exit(getppid() == s ? 5 : 6); /* 5: S adopted it, 6: someone else */
        }
        _exit(0);
    }
    int st;
    if (waitpid(p, &st, 0) != p || !WIFEXITED(st))
        return 81;
    close(p2c[0]);
    close(p2c[1]); /* C reads EOF now: its parent P has exited */
    pid_t c = wait(&st);
    if (c <= 0)
        return 82; /* the orphan did not come to us */
    return WIFEXITED(st) ? WEXITSTATUS(st) : 83;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    self = argv[0];
    if (argc > 1 && !strcmp(argv[1], "report"))
        return print_state();
    mkdir("/tmp", 0777);
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, NULL);

    SECTION("no_new_privs");
    EQ(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0);
    ERR(prctl(PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0), EINVAL);
    ERR(prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0), EINVAL);
    ERR(prctl(PR_SET_NO_NEW_PRIVS, 2, 0, 0, 0), EINVAL);
    ERR(prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0), EINVAL);
    copy_self();
    OK(chown(suid_copy, 2000, 2000));
    OK(chmod(suid_copy, 04755 | 02010));
    printf("a set-user-ID program owned by 2000, run by uid 1000:\n");
    EQ(in_child(drop_to_1000_and_exec), 0);
    printf("the same with no_new_privs:\n");
    EQ(in_child(nnp_drop_and_exec), 0);
    EQ(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0);

    SECTION("dumpable");
    EQ(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 1);
    ERR(prctl(PR_SET_DUMPABLE, 2, 0, 0, 0), EINVAL);
    ERR(prctl(PR_SET_DUMPABLE, -1L, 0, 0, 0), EINVAL);
    EQ(prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), 0);
    EQ(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
    EQ(in_child(child_dumpable), 0);
    printf("exec resets it:\n");
    EQ(in_child(exec_self_report), 0);
    printf("root runs the set-user-ID program (its ids differ then):\n");
    EQ(in_child(exec_report), 0);
    EQ(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), 0);
    EQ(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 1);
    /* dumpable * 10 + pdeathsig after setresuid(1000): both reset. */
    EQ(in_child(setuid_resets), 0);

    SECTION("pdeathsig");
    int sig = -1;
    EQ(prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0), 0);
    EQ(sig, 0);
    ERR(prctl(PR_SET_PDEATHSIG, 65, 0, 0, 0), EINVAL);
    ERR(prctl(PR_SET_PDEATHSIG, -1L, 0, 0, 0), EINVAL);
    EQ(prctl(PR_SET_PDEATHSIG, 64, 0, 0, 0), 0);
    EQ(prctl(PR_SET_PDEATHSIG, SIGUSR2, 0, 0, 0), 0);
    EQ(prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0), 0);
    EQ(sig, SIGUSR2);
    ERR(prctl(PR_GET_PDEATHSIG, (int *)8, 0, 0, 0), EFAULT);
    EQ(in_child(child_pdeath), 0);
    EQ(prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0), 0);
    printf("an exec keeps it, a set-user-ID exec clears it:\n");
    EQ(in_child(pdeath_then_exec_self), 0);
    EQ(in_child(pdeath_then_exec_suid), 0);
    /* C's parent thread exits while its process (P) lives: C gets SIGUSR1,
     * and tells P through the pipe. */
    OK(pipe(result_pipe));
    OK(pipe(ready_pipe));
    EQ(in_child(pdeath_thread_parent), 0);

    SECTION("subreaper");
    int sr = -1;
    EQ(prctl(PR_GET_CHILD_SUBREAPER, &sr, 0, 0, 0), 0);
    EQ(sr, 0);
    EQ(prctl(PR_SET_CHILD_SUBREAPER, 7, 0, 0, 0), 0);
    EQ(prctl(PR_GET_CHILD_SUBREAPER, &sr, 0, 0, 0), 0);
    EQ(sr, 1);
    EQ(in_child(child_subreaper), 0);
    EQ(prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0), 0);
    EQ(prctl(PR_GET_CHILD_SUBREAPER, &sr, 0, 0, 0), 0);
    EQ(sr, 0);
    /* S's orphaned grandchild is S's child now, and S reaps it (status 5). */
    EQ(in_child(subreaper), 5);

    SECTION("options Trapgate does not have");
    ERR(prctl(0x7fff, 0, 0, 0, 0), EINVAL);
    ERR(prctl(-1, 0, 0, 0, 0), EINVAL);

    SECTION("no_new_privs is inherited, and sticks");
    EQ(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
    EQ(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 1);
    EQ(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
    EQ(in_child(child_nnp), 1);
    printf("root's exec with no_new_privs:\n");
    EQ(in_child(exec_report), 0);
    return summary();
}
