/*
 * proc_exec: execve, vfork, clone(CLONE_VM|CLONE_VFORK) and posix_spawn as
 * Linux does them (fs/exec.c, fs/binfmt_script.c, kernel/fork.c; execve(2)).
 * The program re-executes itself: argv[1] (or $MODE) picks what the new
 * image reports.
 *   - argv and envp arrive as given (empty strings too); pid and parent stay;
 *     a NULL argv gives argc 1 with argv[0] "" (fs/exec.c, Linux 5.18+).
 *   - close-on-exec: O_CLOEXEC and FD_CLOEXEC descriptors are closed in the
 *     new image, plain ones stay open (FD_CLOEXEC clear).
 *   - signals across exec: a caught signal goes back to SIG_DFL, an ignored
 *     one stays ignored, the blocked mask is kept.
 *   - errors, each returning to the caller: E2BIG for one string longer than
 *     MAX_ARG_STRLEN (131072 with its NUL; 131071 characters still work) and
 *     for argv+envp above a quarter of RLIMIT_STACK; ENOEXEC for a file that
 *     is neither ELF nor #!, an empty file, a bad ELF header and a #! line
 *     without a newline in the first 256 bytes; EACCES for a file without
 *     execute bits (even for root) and for a directory; ENOENT for a missing
 *     file, an empty path and a script whose interpreter is missing; ENOTDIR
 *     for a path through a file; ETXTBSY while the file is open for writing;
 *     ELOOP for #! scripts nested more than 4 deep (exec_binprm: depth > 5).
 *   - #! scripts: the interpreter gets argv = interpreter, the optional
 *     argument (the rest of the line, trimmed, spaces kept inside), the script
 *     path, then the caller's argv[1..] (argv[0] is dropped); a script may
 *     name another script as its interpreter.
 *   - execveat with a path and with AT_EMPTY_PATH on a descriptor.
 *   - vfork: the parent waits until the child exits or execs, and sees the
 *     child's writes to memory; a clone(CLONE_VM|CLONE_VFORK) child on its
 *     own stack too; posix_spawn (musl uses that clone) runs the program with
 *     dup2 file actions and reports ENOENT for a missing file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "musl_check.h"

extern char **environ;
static const char *self;

static void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- what the re-executed image does ---- */

static int child_main(const char *mode, int argc, char **argv)
{
    if (strcmp(mode, "args") == 0) {
        static const char *want_argv[] = {"args", "", "two words", "x=y"};
        static const char *want_envp[] = {"FOO=bar", "EMPTY=", ""};
        int ok = argc == 5 && argv[argc] == NULL;
        printf("  [exec] argc = %d\n", argc);
        for (int i = 1; i < argc; i++) {
            printf("  [exec] argv[%d] = \"%s\"\n", i, argv[i]);
            ok &= i <= 4 && strcmp(argv[i], want_argv[i - 1]) == 0;
        }
        printf("  [exec] argv[argc] == NULL: %s\n", argv[argc] == NULL ? "yes" : "no");
        int n = 0;
        for (char **e = environ; *e; e++, n++) {
            if (strncmp(*e, "PID=", 4) && strncmp(*e, "PPID=", 5)) /* numbers: not printed */
                printf("  [exec] envp[%d] = \"%s\"\n", n, *e);
            if (n < 3)
                ok &= strcmp(*e, want_envp[n]) == 0;
        }
        printf("  [exec] envc = %d\n", n);
        const char *pid = getenv("PID"), *ppid = getenv("PPID");
        int same_pid = pid && atoi(pid) == getpid(), same_parent = ppid && atoi(ppid) == getppid();
        printf("  [exec] same pid: %s\n", same_pid ? "yes" : "no");
        printf("  [exec] same parent: %s\n", same_parent ? "yes" : "no");
        ok &= n == 5 && same_pid && same_parent;
        if (!ok)
            printf("  [exec] FAIL: argv or envp not as passed\n");
        return ok ? 0 : 1;
    }
    if (strcmp(mode, "nullargv") == 0) {
        int ok = argc == 1 && argv[0][0] == 0 && argv[1] == NULL;
        printf("  [exec] argc = %d, argv[0] = \"%s\", argv[1] == NULL: %s\n", argc, argc > 0 ? argv[0] : "(none)",
               argc > 0 && argv[1] == NULL ? "yes" : "no");
        if (!ok)
            printf("  [exec] FAIL: expected argc 1 and argv[0] \"\"\n");
        return ok ? 0 : 1;
    }
    if (strcmp(mode, "fds") == 0) {
        int ok = 1;
        for (int i = 2; i < argc; i++) {
            int fd = atoi(argv[i]);
            errno = 0;
            int r = fcntl(fd, F_GETFD);
            printf("  [exec] fd %s: %s\n", i == 2 ? "O_CLOEXEC" : i == 3 ? "FD_CLOEXEC" : "plain",
                   r == -1 ? ename(errno) : r == 0 ? "open, FD_CLOEXEC clear" : "open, FD_CLOEXEC set");
            ok &= i < 4 ? (r == -1 && errno == EBADF) : r == 0;
        }
        if (!ok)
            printf("  [exec] FAIL: close-on-exec not honoured\n");
        return ok ? 0 : 1;
    }
    if (strcmp(mode, "signals") == 0) {
        struct sigaction sa;
        sigset_t mask;
        int ok = 1;
        sigaction(SIGUSR1, NULL, &sa);
        printf("  [exec] SIGUSR1 (was caught): %s\n", sa.sa_handler == SIG_DFL ? "SIG_DFL" : "not SIG_DFL");
        ok &= sa.sa_handler == SIG_DFL;
        sigaction(SIGUSR2, NULL, &sa);
        printf("  [exec] SIGUSR2 (was ignored): %s\n", sa.sa_handler == SIG_IGN ? "SIG_IGN" : "not SIG_IGN");
        ok &= sa.sa_handler == SIG_IGN;
        sigprocmask(SIG_BLOCK, NULL, &mask);
        printf("  [exec] SIGHUP still blocked: %s\n", sigismember(&mask, SIGHUP) ? "yes" : "no");
        printf("  [exec] SIGUSR1 not blocked: %s\n", !sigismember(&mask, SIGUSR1) ? "yes" : "no");
        ok &= sigismember(&mask, SIGHUP) && !sigismember(&mask, SIGUSR1);
        if (!ok)
            printf("  [exec] FAIL: dispositions or mask not as execve(2) says\n");
        return ok ? 0 : 1;
    }
    if (strcmp(mode, "long") == 0) {
        printf("  [exec] strlen(argv[2]) = %zu\n", strlen(argv[2]));
        return 0;
    }
    if (strcmp(mode, "script") == 0 || strcmp(mode, "script arg  with spaces") == 0) {
        /* $EXPECT: the expected argv[1..], separated by '|' */
        char want[1024];
        snprintf(want, sizeof want, "%s", getenv("EXPECT") ? getenv("EXPECT") : "?");
        char got[1024] = "";
        size_t len = 0;
        printf("  [interp] argc = %d\n", argc);
        int self_ok = getenv("SELF") && strcmp(argv[0], getenv("SELF")) == 0;
        printf("  [interp] argv[0] is the #! path: %s\n", self_ok ? "yes" : "no");
        for (int i = 1; i < argc; i++) {
            printf("  [interp] argv[%d] = \"%s\"\n", i, argv[i]);
            len += snprintf(got + len, sizeof got - len, "%s%s", i > 1 ? "|" : "", argv[i]);
        }
        int ok = self_ok && strcmp(got, want) == 0;
        if (!ok)
            printf("  [interp] FAIL: expected argv[1..] %s\n", want);
        return ok ? 0 : 1;
    }
    if (strcmp(mode, "exit") == 0)
        return atoi(argv[2]);
    printf("FAIL: unknown mode %s\n", mode);
    return 1;
}

/* ---- helpers for the tests ---- */

static int run_and_wait(char *const argv[], char *const envp[])
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execve(self, argv, envp);
        printf("FAIL: execve: %s\n", ename(errno));
        _exit(127);
    }
    int st = -1;
    waitpid(pid, &st, 0);
    return st;
}

static void write_file(const char *path, const char *data, size_t len, mode_t mode)
{
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    write(fd, data, len);
    close(fd);
    chmod(path, mode);
}

static void write_script(const char *path, const char *first_line_rest)
{
    char buf[512];
    int n = snprintf(buf, sizeof buf, "#!%s\n", first_line_rest);
    write_file(path, buf, n, 0755);
}

/* execve in a child; the errno it failed with, or 0 with *status. */
static int exec_errno(const char *path, char *const argv[], char *const envp[], int *status)
{
    int p[2];
    pipe2(p, O_CLOEXEC);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execve(path, argv, envp);
        int e = errno;
        write(p[1], &e, sizeof e);
        _exit(127);
    }
    close(p[1]);
    int e = 0;
    if (read(p[0], &e, sizeof e) != sizeof e)
        e = 0;
    close(p[0]);
    waitpid(pid, status, 0);
    return e;
}

#define EXEC_ERR(path, argv, envp, want) do { int st_; int e_ = exec_errno(path, argv, envp, &st_); checks++; \
        printf("execve(%s) = %s\n", #path, e_ ? ename(e_) : "success"); \
        if (e_ != (want)) { failures++; printf("FAIL: execve(%s): expected %s\n", #path, ename(want)); } } while (0)

static volatile int shared_word;
static char clone_stack[64 * 1024] __attribute__((aligned(16)));

static int clone_fn(void *arg)
{
    (void)arg;
    msleep(30);
    shared_word = 77;
    return 4;
}

static void on_usr1(int sig) { (void)sig; }

int main(int argc, char **argv)
{
    const char *mode = getenv("MODE");
    if (mode)
        return child_main(mode, argc, argv);
    if (argc >= 2)
        return child_main(argv[1], argc, argv);
    setvbuf(stdout, NULL, _IOLBF, 0);
    self = argv[0];
    int status;
    char pidenv[32], ppidenv[32], selfenv[300];
    snprintf(pidenv, sizeof pidenv, "PID=%d", getpid());
    snprintf(ppidenv, sizeof ppidenv, "PPID=%d", getppid());
    snprintf(selfenv, sizeof selfenv, "SELF=%s", self);
    char *plain_env[] = {selfenv, NULL};

    SECTION("argv and envp");
    {
        /* exec in the current process is tested from a child */
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            snprintf(pidenv, sizeof pidenv, "PID=%d", getpid());
            snprintf(ppidenv, sizeof ppidenv, "PPID=%d", getppid());
            char *av[] = {"renamed", "args", "", "two words", "x=y", NULL};
            char *ev[] = {"FOO=bar", "EMPTY=", "", pidenv, ppidenv, NULL};
            execve(self, av, ev);
            _exit(127);
        }
        waitpid(pid, &status, 0);
        EQ(status, 0);
        char *ev[] = {"MODE=nullargv", NULL};
        pid = fork();
        if (pid == 0) {
            execve(self, NULL, ev);
            _exit(127);
        }
        waitpid(pid, &status, 0);
        EQ(status, 0);
        char *av[] = {"x", "exit", "201", NULL};
        status = run_and_wait(av, plain_env);
        TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 201);
    }

    SECTION("close-on-exec");
    {
        int a = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int b = open("/tmp", O_RDONLY | O_DIRECTORY);
        int c = open("/tmp", O_RDONLY | O_DIRECTORY);
        EQ(fcntl(a, F_GETFD), FD_CLOEXEC);
        EQ(fcntl(b, F_SETFD, FD_CLOEXEC), 0);
        EQ(fcntl(c, F_GETFD), 0);
        char sa[8], sb[8], sc[8];
        snprintf(sa, 8, "%d", a);
        snprintf(sb, 8, "%d", b);
        snprintf(sc, 8, "%d", c);
        char *av[] = {"x", "fds", sa, sb, sc, NULL};
        EQ(run_and_wait(av, plain_env), 0);
        close(a);
        close(b);
        close(c);
    }

    SECTION("signal dispositions across exec");
    {
        signal(SIGUSR1, on_usr1);
        signal(SIGUSR2, SIG_IGN);
        sigset_t m, old;
        sigemptyset(&m);
        sigaddset(&m, SIGHUP);
        sigprocmask(SIG_BLOCK, &m, &old);
        char *av[] = {"x", "signals", NULL};
        EQ(run_and_wait(av, plain_env), 0);
        sigprocmask(SIG_SETMASK, &old, NULL);
        signal(SIGUSR1, SIG_DFL);
        signal(SIGUSR2, SIG_DFL);
    }

    SECTION("E2BIG");
    {
        size_t big = 131072;
        char *s = malloc(big + 1);
        memset(s, 'a', big);
        s[big] = 0;
        char *av[] = {"x", "long", s, NULL};
        EXEC_ERR(self, av, plain_env, E2BIG);          /* 131073 bytes with the NUL */
        s[big - 1] = 0;
        EXEC_ERR(self, av, plain_env, 0);              /* exactly MAX_ARG_STRLEN */
        char *ev_long[] = {s, NULL};
        s[big - 1] = 'a';
        char *av2[] = {"x", "exit", "0", NULL};
        EXEC_ERR(self, av2, ev_long, E2BIG);           /* an environment string too */
        s[100000] = 0;
        /* 24 strings of 100000 bytes: 2.4 MB, more than 8 MiB / 4 */
        char *many[27] = {"x", "exit", "0"};
        for (int i = 3; i < 26; i++)
            many[i] = s;
        many[26] = NULL;
        EXEC_ERR(self, many, plain_env, E2BIG);
        many[12] = NULL; /* 9 of them: 900 KB is fine */
        EXEC_ERR(self, many, plain_env, 0);
        free(s);
    }

    SECTION("ENOEXEC, EACCES, ENOENT, ENOTDIR, ETXTBSY");
    {
        char *av[] = {"x", "exit", "0", NULL};
        write_file("/tmp/text", "just text\n", 10, 0755);
        EXEC_ERR("/tmp/text", av, plain_env, ENOEXEC);
        write_file("/tmp/empty", "", 0, 0755);
        EXEC_ERR("/tmp/empty", av, plain_env, ENOEXEC);
        char elf[128] = "\177ELF";
        write_file("/tmp/badelf", elf, sizeof elf, 0755);
        EXEC_ERR("/tmp/badelf", av, plain_env, ENOEXEC);
        char longline[400] = "#!";
        memset(longline + 2, 'a', 300);
        write_file("/tmp/longline", longline, 302, 0755);
        EXEC_ERR("/tmp/longline", av, plain_env, ENOEXEC);
        write_file("/tmp/noexec", "#!/bin/sh\n", 10, 0644);
        EXEC_ERR("/tmp/noexec", av, plain_env, EACCES);
        mkdir("/tmp/adir", 0755);
        EXEC_ERR("/tmp/adir", av, plain_env, EACCES);
        EXEC_ERR("/tmp/missing", av, plain_env, ENOENT);
        EXEC_ERR("", av, plain_env, ENOENT);
        EXEC_ERR("/tmp/text/x", av, plain_env, ENOTDIR);
        write_script("/tmp/badinterp", "/nonexistent/interp");
        EXEC_ERR("/tmp/badinterp", av, plain_env, ENOENT);
        write_file("/tmp/emptyinterp", "#!\n", 3, 0755);
        EXEC_ERR("/tmp/emptyinterp", av, plain_env, ENOEXEC);

        /* a copy of this program, open for writing while we exec it */
        int in = open(self, O_RDONLY);
        int out = open("/tmp/copy", O_WRONLY | O_CREAT | O_TRUNC, 0755);
        char buf[4096];
        ssize_t n;
        while ((n = read(in, buf, sizeof buf)) > 0)
            write(out, buf, n);
        close(in);
        EXEC_ERR("/tmp/copy", av, plain_env, ETXTBSY);
        close(out);
        EXEC_ERR("/tmp/copy", av, plain_env, 0);
        /* root still needs some execute bit */
        chmod("/tmp/copy", 0644);
        EXEC_ERR("/tmp/copy", av, plain_env, EACCES);
        chmod("/tmp/copy", 0744);
        EXEC_ERR("/tmp/copy", av, plain_env, 0);
        /* a failed execve leaves the caller running */
        ERR(execve("/tmp/missing", av, plain_env), ENOENT);
        ERR(execve("/tmp/text", av, plain_env), ENOEXEC);
        TRUE(getpid() == 1);
    }

    SECTION("#! scripts");
    {
        char line[400], expect[512];
        char *sev[] = {selfenv, expect, NULL};
#define EXPECTING(...) snprintf(expect, sizeof expect, "EXPECT=" __VA_ARGS__)
        snprintf(line, sizeof line, "%s script", self);
        write_script("/tmp/s1", line);
        char *av[] = {"ignored", "one", "two", NULL};
        EXPECTING("script|/tmp/s1|one|two");
        EQ(exec_errno("/tmp/s1", av, sev, &status), 0);
        EQ(status, 0);
        snprintf(line, sizeof line, " \t%s   script arg  with spaces  \t", self);
        write_script("/tmp/s2", line);
        EXPECTING("script arg  with spaces|/tmp/s2|one|two");
        EQ(exec_errno("/tmp/s2", av, sev, &status), 0);
        EQ(status, 0);
        /* no argument: the mode comes from the environment */
        snprintf(line, sizeof line, "%s", self);
        write_script("/tmp/s3", line);
        char modeenv[] = "MODE=script";
        char *ev[] = {selfenv, modeenv, expect, NULL};
        char *av1[] = {"ignored", "only", NULL};
        EXPECTING("/tmp/s3|only");
        EQ(exec_errno("/tmp/s3", av1, ev, &status), 0);
        EQ(status, 0);
        /* a script as the interpreter of a script */
        write_script("/tmp/n1", "/tmp/s1");
        EXPECTING("script|/tmp/s1|/tmp/n1|only");
        EQ(exec_errno("/tmp/n1", av1, sev, &status), 0);
        EQ(status, 0);
        /* depth: up to five scripts in a chain work (n4 -> n3 -> n2 -> n1 -> s1 ->
         * the program: exec_binprm allows depth 0..5), a sixth is ELOOP */
        write_script("/tmp/n2", "/tmp/n1");
        write_script("/tmp/n3", "/tmp/n2");
        write_script("/tmp/n4", "/tmp/n3");
        write_script("/tmp/n5", "/tmp/n4");
        write_script("/tmp/n6", "/tmp/n5");
        char chain[256] = "script|/tmp/s1|/tmp/n1";
        for (int d = 2; d <= 6; d++) {
            char path[16];
            snprintf(path, sizeof path, "/tmp/n%d", d);
            snprintf(chain + strlen(chain), sizeof chain - strlen(chain), "|%s", path);
            EXPECTING("%s|only", chain);
            status = 0;
            int e = exec_errno(path, av1, sev, &status);
            printf("execve(%s) = %s\n", path, e ? ename(e) : "success");
            checks++;
            if (e != (d <= 4 ? 0 : ELOOP) || (d <= 4 && status != 0)) {
                failures++;
                printf("FAIL: execve(%s): expected %s\n", path, d <= 4 ? "success" : "ELOOP");
            }
        }
    }

    SECTION("execveat");
    {
        char *av[] = {"x", "exit", "5", NULL};
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            syscall(SYS_execveat, AT_FDCWD, self, av, plain_env, 0);
            _exit(127);
        }
        waitpid(pid, &status, 0);
        TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 5);
        int fd = open(self, O_RDONLY);
        pid = fork();
        if (pid == 0) {
            syscall(SYS_execveat, fd, "", av, plain_env, AT_EMPTY_PATH);
            _exit(127);
        }
        waitpid(pid, &status, 0);
        TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 5);
        /* relative to a directory descriptor */
        char *slash = strrchr(self, '/');
        char dir[256];
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - self), self);
        int dfd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY);
        pid = fork();
        if (pid == 0) {
            syscall(SYS_execveat, dfd, slash + 1, av, plain_env, 0);
            _exit(127);
        }
        waitpid(pid, &status, 0);
        TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 5);
        close(dfd);
        /* "" without AT_EMPTY_PATH: the name is looked at first (getname_uflags) */
        ERR(syscall(SYS_execveat, fd, "", av, plain_env, 0), ENOENT);
        ERR(syscall(SYS_execveat, fd, "", av, plain_env, 0x8000), ENOENT);
        close(fd);
        pid = fork();
        if (pid == 0) {
            syscall(SYS_execveat, AT_FDCWD, self, av, plain_env, 0x8000);
            _exit(errno == EINVAL ? 22 : 127);
        }
        waitpid(pid, &status, 0);
        TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 22); /* unknown flag: EINVAL */
    }

    SECTION("vfork");
    {
        shared_word = 0;
        fflush(stdout);
        pid_t pid = vfork();
        if (pid == 0) {
            msleep(30);
            shared_word = 42; /* the parent is suspended until we exit */
            _exit(6);
        }
        TRUE(shared_word == 42);
        EQ(waitpid(pid, &status, 0) == pid, 1);
        TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 6);

        shared_word = 0;
        char *av[] = {"x", "exit", "9", NULL};
        pid = vfork();
        if (pid == 0) {
            shared_word = 43;
            execve(self, av, plain_env);
            _exit(127);
        }
        TRUE(shared_word == 43); /* resumed after the child's exec */
        EQ(waitpid(pid, &status, 0) == pid, 1);
        TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 9);
    }

    SECTION("clone(CLONE_VM | CLONE_VFORK)");
    {
        shared_word = 0;
        fflush(stdout);
        pid_t pid = clone(clone_fn, clone_stack + sizeof clone_stack, CLONE_VM | CLONE_VFORK | SIGCHLD, NULL);
        TRUE(pid > 0);
        TRUE(shared_word == 77);
        EQ(waitpid(pid, &status, 0) == pid, 1);
        TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 4);
    }

    SECTION("posix_spawn");
    {
        int p[2];
        pipe(p);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, p[1], 1);
        posix_spawn_file_actions_addclose(&fa, p[0]);
        char *av[] = {"spawned", "long", "spawned-output", NULL};
        pid_t pid = -1;
        fflush(stdout);
        EQ(posix_spawn(&pid, self, &fa, NULL, av, plain_env), 0);
        close(p[1]);
        char buf[128] = {0};
        ssize_t n, total = 0;
        while ((n = read(p[0], buf + total, sizeof buf - 1 - total)) > 0)
            total += n;
        close(p[0]);
        printf("spawned child wrote: %s", buf);
        TRUE(strcmp(buf, "  [exec] strlen(argv[2]) = 14\n") == 0);
        EQ(waitpid(pid, &status, 0) == pid, 1);
        EQ(status, 0);
        EQ(posix_spawn(&pid, "/tmp/missing", NULL, NULL, av, plain_env), ENOENT);
        EQ(posix_spawn(&pid, "/tmp/text", NULL, NULL, av, plain_env), ENOEXEC);
        ERR(waitpid(-1, &status, 0), ECHILD); /* the failed children were reaped by posix_spawn */
        posix_spawn_file_actions_destroy(&fa);
    }
    return summary();
}
