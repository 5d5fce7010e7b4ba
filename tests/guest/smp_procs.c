/*
 * Processes on different CPUs talking: a token passed around a ring of pipes
 * (every pass counted), signals sent back and forth with exact counts
 * (sigwaitinfo), and a storm of fork+exec+wait whose every exit status must
 * come back. Run with 2 and 4 CPUs.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "musl_check.h"

enum { RING = 4, PASSES = 2000, SIGNALS = 2000, STORM = 64 };

static int ring(void)
{
    int p[RING][2];
    for (int i = 0; i < RING; i++)
        pipe(p[i]);
    for (int i = 1; i < RING; i++) {
        if (fork() == 0) {
            long token;
            for (;;) {
                if (read(p[i - 1][0], &token, sizeof(token)) != sizeof(token))
                    _exit(1);
                if (token < 0) {
                    write(p[i][1], &token, sizeof(token));
                    _exit(0);
                }
                token++;
                write(p[i][1], &token, sizeof(token));
            }
        }
    }
    long token = 0;
    for (int n = 0; n < PASSES; n++) {
        write(p[0][1], &token, sizeof(token));
        read(p[RING - 1][0], &token, sizeof(token));
        token++;
    }
    long end = -1;
    write(p[0][1], &end, sizeof(end));
    read(p[RING - 1][0], &end, sizeof(end));
    int ok = 0;
    for (int i = 1; i < RING; i++) {
        int st;
        wait(&st);
        ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
    }
    EQ(ok, RING - 1);
    return (int)token;
}

static void ping_pong_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, NULL);
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        for (int i = 0; i < SIGNALS; i++) {
            siginfo_t si;
            if (sigwaitinfo(&set, &si) != SIGUSR1 || si.si_pid != parent)
                _exit(2);
            kill(parent, SIGUSR2);
        }
        _exit(0);
    }
    int answered = 0;
    for (int i = 0; i < SIGNALS; i++) {
        kill(child, SIGUSR1);
        siginfo_t si;
        if (sigwaitinfo(&set, &si) == SIGUSR2 && si.si_pid == child)
            answered++;
    }
    int st;
    waitpid(child, &st, 0);
    EQ(answered, SIGNALS);
    EQ(WIFEXITED(st) && WEXITSTATUS(st) == 0, 1);
}

static void storm(const char *self)
{
    pid_t pids[STORM];
    for (int i = 0; i < STORM; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            char code[8];
            snprintf(code, sizeof(code), "%d", i);
            execl(self, self, "exit", code, (char *)NULL);
            _exit(127);
        }
    }
    int right = 0;
    for (int i = STORM - 1; i >= 0; i--) {
        int st;
        if (waitpid(pids[i], &st, 0) == pids[i] && WIFEXITED(st) && WEXITSTATUS(st) == i)
            right++;
    }
    EQ(right, STORM);
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "exit"))
        return atoi(argv[2]);
    EQ(ring(), PASSES * RING);
    ping_pong_signals();
    storm(argv[0]);
    return summary();
}
