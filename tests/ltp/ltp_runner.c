/*
 * The first process of an LTP boot (tools/ltp.py): mounts what LTP expects
 * (proc, sysfs, tmpfs on /tmp and /dev/shm) and brings the loopback device
 * up (Trapgate's is up from boot, the reference Linux's minimal init leaves
 * it down, where LTP's socket tests need 127.0.0.1), then runs each test of a list
 * in turn, in a process group of its own under a time limit, between markers
 * the host splits the console on:
 *
 *     @@LTP-BEGIN name@@
 *     ... the test's output ...
 *     @@LTP-END name exit=N@@        (or signal=N, or timeout)
 *
 * The list has one test a line, "name<TAB>command line", as runtest/syscalls
 * gives them; a command with shell syntax runs under /bin/sh -c. The same
 * program runs on Trapgate and on Linux (tools/linux_ref.py), so both kernels
 * see the same environment. Usage: ltp_runner LIST SECONDS
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t alarmed;
static void on_alarm(int sig) { (void)sig; alarmed = 1; }

static void lo_up(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, "lo");
    if (fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP)) {
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) == 0)
            usleep(100000); /* ::1 comes with it; give it a moment */
    }
    if (fd >= 0)
        close(fd);
}

static void setup(void)
{
    mkdir("/proc", 0555);
    mkdir("/sys", 0555);
    mkdir("/tmp", 01777);
    mkdir("/dev/shm", 01777);
    mount("proc", "/proc", "proc", 0, NULL);
    mount("sysfs", "/sys", "sysfs", 0, NULL);
    mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
    mount("tmpfs", "/dev/shm", "tmpfs", 0, NULL);
    chmod("/tmp", 01777);
    chmod("/dev/shm", 01777);
    lo_up();
    setenv("PATH", "/opt/ltp/testcases/bin:/bin:/sbin:/usr/bin:/usr/sbin", 1);
    setenv("LTPROOT", "/opt/ltp", 1);
    setenv("TMPDIR", "/tmp", 1);
    setenv("HOME", "/root", 1);
    setenv("LTP_COLORIZE_OUTPUT", "0", 1);
}

static int needs_shell(const char *cmd) { return strpbrk(cmd, "|&;<>()$`\\\"'*?[]#~=%{}") != NULL; }

/* Kills what is left of the test (its group) and collects every child, ours and orphans'. */
static void reap_all(pid_t group)
{
    kill(-group, SIGKILL);
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
}

static void run_one(const char *name, char *cmd, int seconds)
{
    printf("@@LTP-BEGIN %s@@\n", name);
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        printf("@@LTP-END %s fork-failed@@\n", name);
        return;
    }
    if (pid == 0) {
        setpgid(0, 0);
        if (chdir("/tmp"))
            _exit(126);
        signal(SIGALRM, SIG_DFL);
        if (needs_shell(cmd)) {
            execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        } else {
            char *argv[64];
            int argc = 0;
            for (char *w = strtok(cmd, " \t"); w && argc < 63; w = strtok(NULL, " \t"))
                argv[argc++] = w;
            argv[argc] = NULL;
            execvp(argv[0], argv);
        }
        printf("ltp_runner: cannot run %s: %s\n", name, strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid);
    alarmed = 0;
    alarm(seconds);
    int status = 0;
    pid_t got;
    while ((got = waitpid(pid, &status, 0)) < 0 && errno == EINTR && !alarmed)
        ;
    alarm(0);
    if (got != pid) {
        reap_all(pid);
        printf("\n@@LTP-END %s timeout@@\n", name);
    } else {
        reap_all(pid);
        if (WIFEXITED(status))
            printf("\n@@LTP-END %s exit=%d@@\n", name, WEXITSTATUS(status));
        else
            printf("\n@@LTP-END %s signal=%d@@\n", name, WTERMSIG(status));
    }
    fflush(stdout);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: ltp_runner LIST SECONDS\n");
        return 2;
    }
    int seconds = atoi(argv[2]);
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: waitpid returns EINTR */
    setup();
    FILE *list = fopen(argv[1], "r");
    if (!list) {
        printf("ltp_runner: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    char line[4096];
    while (fgets(line, sizeof line, list)) {
        line[strcspn(line, "\n")] = 0;
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = 0;
        run_one(line, tab + 1, seconds);
    }
    fclose(list);
    printf("@@LTP-DONE@@\n");
    return 0;
}
