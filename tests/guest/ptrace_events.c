/*
 * ptrace(2)'s events and the links between tracer, tracee and parent:
 * TRACEFORK/TRACECLONE (the new child is traced and starts stopped),
 * TRACEEXEC and exec's legacy SIGTRAP, TRACEEXIT with its message, SEIZE
 * with options and INTERRUPT (PTRACE_EVENT_STOP), ATTACH to a process one
 * is not the parent of (the tracer sees the stops and the exit first; the
 * parent sees the exit after), DETACH with a signal, the tracer's exit
 * (its tracee goes on, or dies with EXITKILL), and EPERM for a second
 * tracer.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "musl_check.h"

static const char *self;

static int wait_stop(pid_t pid, const char *what)
{
    int st = 0;
    pid_t r = waitpid(pid, &st, __WALL);
    if (r != pid)
        printf("FAIL: %s: waitpid = %d errno %d\n", what, r, errno);
    else if (WIFSTOPPED(st))
        printf("%s: stopped sig %d event %d\n", what, WSTOPSIG(st) & 0x7f, st >> 16);
    else if (WIFEXITED(st))
        printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        printf("%s: killed by %d\n", what, WTERMSIG(st));
    return st;
}

/* Waits for an event stop of pid, passing over its signal stops (a
 * SIGCHLD from its own child), which are suppressed. */
static int wait_event(pid_t pid, const char *what)
{
    int st = 0;
    for (int i = 0; i < 10; i++) {
        if (waitpid(pid, &st, __WALL) != pid)
            break;
        if (!WIFSTOPPED(st) || (st >> 16) || WSTOPSIG(st) == SIGTRAP)
            break;
        ptrace(PTRACE_CONT, pid, 0, 0);
    }
    printf("%s: status 0x%x\n", what, st);
    return st;
}

static void nap(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

static int thread_fn(void *arg)
{
    (void)arg;
    return 0;
}

static void fork_and_clone(void)
{
    SECTION("TRACEFORK, TRACECLONE");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        raise(SIGSTOP);
        pid_t c = fork();
        if (c == 0)
            _exit(5);
        int st;
        waitpid(c, &st, 0);
        static char stack[16384];
        pid_t t = clone(thread_fn, stack + sizeof stack, CLONE_VM, 0);
        waitpid(t, &st, __WALL);
        _exit(WEXITSTATUS(st) == 0 ? 9 : 1);
    }
    wait_stop(pid, "child");
    EQ(ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACEFORK | PTRACE_O_TRACECLONE), 0);
    EQ(ptrace(PTRACE_CONT, pid, 0, 0), 0);
    int st = wait_event(pid, "fork event");
    TRUE(st >> 8 == (SIGTRAP | PTRACE_EVENT_FORK << 8));
    unsigned long gc = 0;
    EQ(ptrace(PTRACE_GETEVENTMSG, pid, 0, &gc), 0);
    st = wait_stop(gc, "grandchild");
    TRUE(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
    EQ(ptrace(PTRACE_CONT, gc, 0, 0), 0);
    EQ(ptrace(PTRACE_CONT, pid, 0, 0), 0);
    /* The grandchild's exit is ours to see first; the child's wait sees it after. */
    st = wait_stop(gc, "grandchild");
    TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 5);
    st = wait_event(pid, "clone event"); /* an exit signal other than SIGCHLD: a "clone" */
    TRUE(st >> 8 == (SIGTRAP | PTRACE_EVENT_CLONE << 8));
    unsigned long tc = 0;
    EQ(ptrace(PTRACE_GETEVENTMSG, pid, 0, &tc), 0);
    st = wait_stop(tc, "clone child");
    EQ(ptrace(PTRACE_CONT, tc, 0, 0), 0);
    st = wait_stop(tc, "clone child");
    EQ(ptrace(PTRACE_CONT, pid, 0, 0), 0);
    st = wait_event(pid, "child");
    TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 9);
}

static void exec_events(void)
{
    SECTION("exec: legacy SIGTRAP, TRACEEXEC, TRACEEXIT");
    for (int mode = 0; mode < 2; mode++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            ptrace(PTRACE_TRACEME, 0, 0, 0);
            raise(SIGSTOP);
            execl(self, self, "exit7", (char *)0);
            _exit(100);
        }
        wait_stop(pid, "exec child");
        if (mode)
            EQ(ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT), 0);
        EQ(ptrace(PTRACE_CONT, pid, 0, 0), 0);
        int st = wait_stop(pid, mode ? "exec event" : "after exec");
        unsigned long msg = 0;
        if (mode) {
            TRUE(st >> 8 == (SIGTRAP | PTRACE_EVENT_EXEC << 8));
            EQ(ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg), 0);
            TRUE(msg == (unsigned long)pid);
        } else {
            siginfo_t si;
            EQ(ptrace(PTRACE_GETSIGINFO, pid, 0, &si), 0);
            TRUE(si.si_signo == SIGTRAP && si.si_code == SI_USER);
        }
        EQ(ptrace(PTRACE_CONT, pid, 0, 0), 0);
        if (mode) {
            st = wait_stop(pid, "exit event");
            TRUE(st >> 8 == (SIGTRAP | PTRACE_EVENT_EXIT << 8));
            EQ(ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg), 0);
            TRUE(msg == 7 << 8);
            EQ(ptrace(PTRACE_CONT, pid, 0, 0), 0);
        }
        st = wait_stop(pid, "exec child");
        TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 7);
    }
}

static void seize_and_attach(void)
{
    SECTION("SEIZE, INTERRUPT; ATTACH by a sibling; EPERM");
    int ready[2];
    pipe(ready);
    fflush(stdout);
    pid_t a = fork();
    if (a == 0) {
        /* The tracee: sleeps, and exits 3 when woken by SIGUSR1's end of the nap. */
        for (int i = 0; i < 50; i++)
            nap(20);
        _exit(3);
    }
    EQ(ptrace(PTRACE_SEIZE, a, 0, PTRACE_O_TRACESYSGOOD), 0);
    ERR(ptrace(PTRACE_SEIZE, a, 0, 0), EPERM);
    ERR(ptrace(PTRACE_ATTACH, a, 0, 0), EPERM);
    ERR(ptrace(PTRACE_SEIZE, a, 0, 0x80000000UL), EIO);
    ERR(ptrace(PTRACE_GETREGS, a, 0, 0), ESRCH); /* seized, running: no stop */
    EQ(ptrace(PTRACE_INTERRUPT, a, 0, 0), 0);
    int st = wait_stop(a, "interrupted");
    TRUE(WIFSTOPPED(st) && st >> 16 == PTRACE_EVENT_STOP && WSTOPSIG(st) == SIGTRAP);
    EQ(ptrace(PTRACE_DETACH, a, 0, 0), 0);
    ERR(ptrace(PTRACE_CONT, a, 0, 0), ESRCH);

    /* b, a's sibling, attaches to a: a's stops and exit are b's first. */
    fflush(stdout);
    pid_t b = fork();
    if (b == 0) {
        int ok = ptrace(PTRACE_ATTACH, a, 0, 0) == 0;
        int s1 = 0, s2 = 0;
        waitpid(a, &s1, 0);
        ok &= WIFSTOPPED(s1) && WSTOPSIG(s1) == SIGSTOP;
        ok &= ptrace(PTRACE_CONT, a, 0, 0) == 0;
        waitpid(a, &s2, 0);
        ok &= WIFEXITED(s2) && WEXITSTATUS(s2) == 3;
        _exit(ok ? 0 : 1);
    }
    st = wait_stop(b, "sibling tracer");
    TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    st = wait_stop(a, "tracee, for its parent");
    TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 3);
}

static void tracer_exits(void)
{
    SECTION("the tracer exits: detached, or killed with EXITKILL");
    for (int kill = 0; kill < 2; kill++) {
        int p[2];
        pipe(p);
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            close(p[1]);
            char ch;
            read(p[0], &ch, 1); /* the tracer is attached */
            nap(200);
            _exit(4);
        }
        close(p[0]);
        pid_t t = fork();
        if (t == 0) {
            if (ptrace(PTRACE_SEIZE, c, 0, kill ? PTRACE_O_EXITKILL : 0) != 0)
                _exit(1);
            ptrace(PTRACE_INTERRUPT, c, 0, 0);
            int s;
            waitpid(c, &s, 0);
            _exit(WIFSTOPPED(s) ? 0 : 2); /* leaves c in its stop */
        }
        write(p[1], "x", 1);
        close(p[1]);
        int st = wait_stop(t, "tracer");
        st = wait_stop(c, kill ? "EXITKILL tracee" : "detached tracee");
        TRUE(kill ? WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL : WIFEXITED(st) && WEXITSTATUS(st) == 4);
    }
}

static void attach_stopped(void)
{
    SECTION("ATTACH to a stopped process: stopped for us when ATTACH returns");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        raise(SIGSTOP);
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, WUNTRACED);
    TRUE(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
    EQ(ptrace(PTRACE_ATTACH, pid, 0, 0), 0);
    long r = ptrace(PTRACE_PEEKUSER, pid, 8 * 15 /* orig_rax */, 0);
    TRUE(r != -1);
    st = wait_stop(pid, "attached");
    EQ(ptrace(PTRACE_KILL, pid, 0, 0), 0);
    st = wait_stop(pid, "killed");
    TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

static void detach_with_signal(void)
{
    SECTION("DETACH with a signal");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        raise(SIGSTOP);
        nap(100);
        _exit(0);
    }
    wait_stop(pid, "child");
    ERR(ptrace(PTRACE_DETACH, pid, 0, 1000), EIO);
    EQ(ptrace(PTRACE_DETACH, pid, 0, SIGTERM), 0);
    int st = wait_stop(pid, "detached child");
    TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
}

int main(int argc, char **argv)
{
    self = argv[0];
    if (argc > 1 && !strcmp(argv[1], "exit7"))
        return 7;
    fork_and_clone();
    exec_events();
    seize_and_attach();
    tracer_exits();
    attach_stopped();
    detach_with_signal();
    return summary();
}
