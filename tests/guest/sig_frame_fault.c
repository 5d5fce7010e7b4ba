/*
 * sig_frame_fault: a signal whose frame cannot be written (Linux's
 * signal_setup_done -> force_sigsegv, kernel/signal.c).
 *   - SIGSEGV handled, and the stack pointer on a read-only page when a fault
 *     raises SIGSEGV: the frame cannot be written, so the kernel resets
 *     SIGSEGV to SIG_DFL and the process dies of SIGSEGV (it does not try
 *     for ever).
 *   - SIGUSR1 and SIGSEGV both handled, the stack unwritable, SIGUSR1 sent:
 *     its frame fails, SIGSEGV is forced, whose frame fails too: SIGSEGV kills.
 *   - the same with the stack pointer non-canonical.
 *   - SIGSEGV handled on a sigaltstack (SA_ONSTACK): the frame goes there, the
 *     handler runs and exits with status 42.
 *   - SIGUSR1 handled, SIGSEGV not: SIGUSR1's frame fails and SIGSEGV kills.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "musl_check.h"

static char *ro_page;

static void handler_exit42(int sig)
{
    (void)sig;
    _exit(42);
}

static void handler_exit43(int sig)
{
    (void)sig;
    _exit(43);
}

static void catch(int sig, void (*fn)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    sigaction(sig, &sa, 0);
}

/* With rsp at sp, write to address 0 (SIGSEGV). Never returns. */
__attribute__((noreturn)) static void fault_on_stack(unsigned long sp)
{
    asm volatile("movq %0, %%rsp\n\t"
                 "movl $0, 0\n\t"
                 "1: jmp 1b" : : "r"(sp) : "memory");
    __builtin_unreachable();
}

/* With rsp at sp, kill(getpid(), sig) through syscall (no stack use). */
__attribute__((noreturn)) static void kill_on_stack(unsigned long sp, int sig)
{
    long pid = getpid();
    asm volatile("movq %0, %%rsp\n\t"
                 "syscall\n\t"
                 "1: jmp 1b" : : "r"(sp), "a"((long)SYS_kill), "D"(pid), "S"((long)sig) : "memory", "rcx", "r11");
    __builtin_unreachable();
}

static void status_of(const char *what, pid_t pid)
{
    int st = 0;
    char line[200];
    if (waitpid(pid, &st, 0) != pid) {
        printf("FAIL: %s: waitpid\n", what);
        failures++;
        return;
    }
    if (WIFSIGNALED(st))
        snprintf(line, sizeof(line), "%s: killed by signal %d", what, WTERMSIG(st));
    else
        snprintf(line, sizeof(line), "%s: exit status %d", what, WEXITSTATUS(st));
    printf("%s\n", line);
}

int main(void)
{
    ro_page = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ro_page == MAP_FAILED) {
        printf("FAIL: mmap\n");
        return 1;
    }
    unsigned long ro_top = (unsigned long)ro_page + 4096;
    pid_t pid;

    SECTION("SIGSEGV handled, stack read-only");
    if ((pid = fork()) == 0) {
        catch(SIGSEGV, handler_exit42, 0);
        fault_on_stack(ro_top);
    }
    status_of("fault", pid);

    SECTION("SIGUSR1 and SIGSEGV handled, stack read-only");
    if ((pid = fork()) == 0) {
        catch(SIGSEGV, handler_exit42, 0);
        catch(SIGUSR1, handler_exit43, 0);
        kill_on_stack(ro_top, SIGUSR1);
    }
    status_of("SIGUSR1", pid);

    SECTION("SIGUSR1 and SIGSEGV handled, stack pointer non-canonical");
    if ((pid = fork()) == 0) {
        catch(SIGSEGV, handler_exit42, 0);
        catch(SIGUSR1, handler_exit43, 0);
        kill_on_stack(0x8000000000000000UL, SIGUSR1);
    }
    status_of("SIGUSR1", pid);

    SECTION("SIGUSR1 handled, SIGSEGV default, stack read-only");
    if ((pid = fork()) == 0) {
        catch(SIGUSR1, handler_exit43, 0);
        kill_on_stack(ro_top, SIGUSR1);
    }
    status_of("SIGUSR1", pid);

    SECTION("SIGSEGV handled on a sigaltstack, stack read-only");
    if ((pid = fork()) == 0) {
        stack_t ss;
        memset(&ss, 0, sizeof(ss));
        ss.ss_sp = malloc(65536);
        ss.ss_size = 65536;
        sigaltstack(&ss, 0);
        catch(SIGSEGV, handler_exit42, SA_ONSTACK);
        fault_on_stack(ro_top);
    }
    status_of("fault", pid);
    return 0;
}
