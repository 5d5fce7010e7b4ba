/*
 * /init of the Linux reference image (tools/linux_ref.py): runs programs on
 * Linux the way Trapgate runs its first process, and reports how they ended.
 *
 * Each program runs in a child made with clone(CLONE_NEWPID), so it is pid 1
 * of its own namespace (getpid() == 1, getppid() == 0), chrooted into its own
 * copy of the image Trapgate would get, with Trapgate's argv (argv[0] = the
 * program's path) and environment (HOME=/ TERM=linux), and fds 0-2 on
 * /dev/console, inherited from this process, which the kernel gave them.
 *
 * The plan, /linuxref/plan, one job a line, fields separated by 0x1f:
 *     ID  ROOT  TIMEOUT_SECONDS  PROGRAM  ARG1 ...
 * A first line "markers NONCE" asks for a marker after each program's output
 * on the console: 0x1e "LINUXREF NONCE ID STATUS" 0x1e "\n" (so that many
 * programs can share one boot); without it, this process prints nothing.
 *
 * Port 0xe9 (QEMU's debug console) gets:
 *     boot_tsc=N                 the TSC when this process began (under
 *                                -icount, guest ns = instructions since reset)
 *     job=ID exit_status=N       per program: its status as a shell shows it
 *                                (128+signal if killed; 124 after its timeout;
 *                                126/127 if it could not be executed)
 *     exit_status=N              the first program's status, as Trapgate says
 * The kernel's log (dmesg) is copied to /dev/ttyS1 at the end; then power off.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define MAX_ARGS 64
#define PORT 0xe9

static volatile pid_t running;
static volatile int timed_out;

static unsigned long long rdtsc(void)
{
    unsigned lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (unsigned long long)hi << 32 | lo;
}

/* The port is opened only for the write: a task holding an I/O bitmap pays
 * for it on every return to user mode (tss_update_io_bitmap), and the
 * programs, cloned from this one, would inherit it. */
static void port_write(const char *s)
{
    if (ioperm(PORT, 1, 1))
        return;
    for (; *s; s++)
        outb((unsigned char)*s, PORT);
    ioperm(PORT, 1, 0);
}

static void port_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void port_printf(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    port_write(line);
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static void on_alarm(int sig)
{
    (void)sig;
    if (running > 0) {
        timed_out = 1;
        kill(running, SIGKILL);
    }
}

static char *read_file(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (len + 1 >= cap)
            buf = realloc(buf, cap *= 2);
        ssize_t r = read(fd, buf + len, cap - len - 1);
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    buf[len] = 0;
    return buf;
}

/* Splits s in place at sep; returns the number of fields. */
static int split(char *s, char sep, char **fields, int max)
{
    int n = 0;
    fields[n++] = s;
    for (char *p = s; *p && n < max; p++) {
        if (*p == sep) {
            *p = 0;
            fields[n++] = p + 1;
        }
    }
    return n;
}

static int run_job(const char *root, unsigned timeout, char **argv)
{
    static char *envp[] = {"HOME=/", "TERM=linux", NULL};
    struct termios saved;
    int have_termios = tcgetattr(0, &saved) == 0;

    /* clone with no new stack: the child goes on like fork's child. */
    pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0);
    if (pid == 0) {
        signal(SIGALRM, SIG_DFL);
        if (chroot(root) || chdir("/"))
            _exit(127);
        execve(argv[0], argv, envp);
        _exit(errno == ENOENT ? 127 : 126);
    }
    if (pid < 0)
        return 126;
    running = pid;
    timed_out = 0;
    alarm(timeout);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    alarm(0);
    running = 0;
    /* The namespace's other processes died with its init; let the console drain. */
    tcdrain(1);
    if (have_termios)
        tcsetattr(0, TCSANOW, &saved);
    if (timed_out)
        return 124;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 125;
}

static void copy_kernel_log(void)
{
    int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
    if (size <= 0)
        return;
    char *buf = malloc((size_t)size);
    int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
    int fd = open("/dev/ttyS1", O_WRONLY | O_NOCTTY);
    if (fd >= 0 && n > 0) {
        write_all(fd, buf, (size_t)n);
        tcdrain(fd);
        close(fd);
    }
    free(buf);
}

int main(void)
{
    unsigned long long start = rdtsc();
    port_printf("boot_tsc=%llu\n", start);

    /* The image should bring these; make them if it does not. */
    mkdir("/dev", 0755);
    mknod("/dev/console", S_IFCHR | 0600, makedev(5, 1));
    mknod("/dev/ttyS1", S_IFCHR | 0600, makedev(4, 65));

    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);

    char *plan = read_file("/linuxref/plan");
    char *lines[4096];
    int nlines = plan ? split(plan, '\n', lines, 4096) : 0;
    const char *nonce = NULL;
    int first = 1;
    for (int i = 0; i < nlines; i++) {
        if (!lines[i][0])
            continue;
        if (!strncmp(lines[i], "markers ", 8)) {
            nonce = lines[i] + 8;
            continue;
        }
        char *f[MAX_ARGS + 4];
        int n = split(lines[i], 0x1f, f, MAX_ARGS + 3);
        if (n < 4)
            continue;
        f[n] = NULL;
        int status = run_job(f[1], (unsigned)atoi(f[2]), &f[3]);
        port_printf("job=%s exit_status=%d\n", f[0], status);
        if (first)
            port_printf("exit_status=%d\n", status);
        first = 0;
        if (nonce) {
            char marker[256];
            int len = snprintf(marker, sizeof marker, "\036LINUXREF %s %s %d\036\n", nonce, f[0], status);
            write_all(1, marker, (size_t)len);
            tcdrain(1);
        }
    }
    copy_kernel_log();
    sync();
    reboot(RB_POWER_OFF);
    for (;;)
        pause();
}
