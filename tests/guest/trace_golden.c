/*
 * A fixed set of system calls whose trace (./trapgate exec --trace) is
 * compared with tests/trace/golden.txt: flags, structures, strings with
 * escapes and past 32 bytes, an error, int $0x80, and a child process
 * (pid prefixes, a vfork that blocks while the child runs: unfinished and
 * resumed lines).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void on_usr1(int s) { (void)s; }

int main(void)
{
    static const char text[] = "line one\n\ttab \"quoted\" back\\slash \x01\x7f\xff end\r";
    int fd = open("/tmp/trace.txt", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    write(fd, text, sizeof text - 1);
    close(fd);
    fd = open("/tmp/trace.txt", O_RDONLY | O_CLOEXEC);
    struct stat st;
    fstat(fd, &st);
    char buf[100];
    read(fd, buf, sizeof buf);
    read(fd, buf, sizeof buf);
    close(fd);
    open("/nonexistent", O_RDONLY);
    int p[2];
    pipe2(p, O_CLOEXEC);
    struct winsize ws;
    ioctl(p[0], TIOCGWINSZ, &ws);
    char* m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mprotect(m, 4096, PROT_READ);
    munmap(m, 8192);
    struct sigaction sa = {.sa_handler = on_usr1, .sa_flags = SA_RESTART};
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, NULL);
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
    struct iovec iov[2] = {{"hello, ", 7}, {"world\n", 6}};
    writev(1, iov, 2);
    struct pollfd pfd = {p[0], POLLIN, 0};
    poll(&pfd, 1, 0);
    kill(getpid(), SIGUSR1); /* a signal line, and rt_sigreturn's mask */
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
    sendto(sv[0], "ping", 4, 0, NULL, 0);
    long pid32;
    __asm__ volatile("int $0x80" : "=a"(pid32) : "a"(20) : "memory"); /* i386 getpid */
    /* vfork: the parent's call waits while the child runs, whatever the
     * scheduler does, so the interleaving is fixed. */
    pid_t pid = vfork();
    if (pid == 0) {
        char* argv[] = {"/nonexistent", "an argument longer than thirty-two bytes", NULL};
        char* envp[] = {"A=1", "B=2", NULL};
        write(p[1], "x", 1);
        execve(argv[0], argv, envp);
        _exit(3);
    }
    int status;
    wait4(pid, &status, 0, NULL);
    poll(&pfd, 1, 0);
    read(p[0], buf, 1);
    printf("i386 getpid is getpid: %s\n", pid32 == getpid() ? "yes" : "no");
    printf("child: exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return 0;
}
