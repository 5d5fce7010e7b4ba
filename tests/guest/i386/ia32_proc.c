/*
 * Files and processes in an i386 program: open/write/read/lseek/close,
 * pipes and dup2, fork and waitpid, execve of another i386 program and of a
 * 64-bit one that execs an i386 one again (32 -> 64 -> 32), the exit status
 * carried through each.
 */
#define _GNU_SOURCE
#include "check32.h"
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long waitpid_raw(pid_t pid, int *status) { return syscall(SYS_waitpid, pid, status, 0); }

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "child32")) {
        unsigned short cs;
        __asm__ volatile("movw %%cs, %0" : "=r"(cs));
        printf("i386 child: cs %#x, sizeof(void *) %zu, argc %d, last %s\n", cs, sizeof(void *), argc,
               argv[argc - 1]);
        return 7;
    }

    int fd = open("/tmp/ia32_file", O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK_TRUE("open", fd >= 0);
    CHECK(write(fd, "hello, i386\n", 12), 12);
    /* lseek (19): glibc's lseek uses _llseek, whose compat entry is the other branch's (wip-compat). */
    CHECK(syscall(SYS_lseek, fd, 7, SEEK_SET), 7);
    char buf[32] = {0};
    CHECK(read(fd, buf, sizeof buf), 5);
    CHECK_TRUE("read back", !memcmp(buf, "i386\n", 5));
    CHECK(close(fd), 0);
    CHECK_ERR(open("/tmp/nonexistent/x", O_RDONLY), ENOENT);
    CHECK_ERR(close(fd), EBADF);
    CHECK_ERR(read(99, buf, 1), EBADF);
    void *volatile bad = (void *)0x10;
    CHECK_ERR(write(1, bad, 1), EFAULT);
    CHECK(unlink("/tmp/ia32_file"), 0);

    int p[2];
    CHECK(pipe(p), 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        printf("from the child %d\n", 42);
        fflush(stdout);
        _exit(5);
    }
    close(p[1]);
    memset(buf, 0, sizeof buf);
    CHECK(read(p[0], buf, sizeof buf - 1), 18);
    printf("pipe: %s", buf);
    int status = 0;
    CHECK(waitpid_raw(pid, &status), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 5, 1);
    close(p[0]);

    /* execve of an i386 program (this one). */
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        char *args[] = {"/ia32_proc", "child32", "direct", NULL};
        execv("/ia32_proc", args);
        _exit(99);
    }
    CHECK(waitpid_raw(pid, &status), pid);
    CHECK(WEXITSTATUS(status), 7);

    /* execve of a 64-bit program, which execs this one again. */
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        char *args[] = {"/ia32_exec64", "/ia32_proc", "child32", "via 64", NULL};
        char *env[] = {"FROM=ia32", NULL};
        execve("/ia32_exec64", args, env);
        _exit(99);
    }
    CHECK(waitpid_raw(pid, &status), pid);
    CHECK(WEXITSTATUS(status), 7);

    CHECK_ERR(execv("/nonexistent", argv), ENOENT);
    return summary();
}
