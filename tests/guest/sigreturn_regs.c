/*
 * sigreturn_regs: what rt_sigreturn takes from the frame, as Linux's
 * restore_sigcontext (arch/x86/kernel/signal.c) does.
 *   - a frame taken in 64-bit mode has UC_SIGCONTEXT_SS and
 *     UC_STRICT_RESTORE_SS in uc_flags, CS 0x33 and SS 0x2b.
 *   (MXCSR's reserved bits are not tested: QEMU's TCG loads them without the
 *   #GP a CPU raises, and Linux, which relies on that fault, then keeps them.)
 *   - a bogus SS in the sigcontext (GDT index 6, 0x33, a code segment): the
 *     iretq to user mode refuses it and the program gets SIGSEGV, with trapno
 *     13 (#GP) and err 0x30 in the handler's sigcontext, and the frame shows
 *     the SS that could not be loaded.
 *   - a SIGSEGV from a page fault: trapno 14, err with the user bit, cr2 the
 *     address.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "musl_check.h"

#ifndef UC_SIGCONTEXT_SS
#define UC_SIGCONTEXT_SS 0x2
#endif
#ifndef UC_STRICT_RESTORE_SS
#define UC_STRICT_RESTORE_SS 0x4
#endif

struct selectors {
    unsigned short cs, gs, fs, ss;
};

static volatile unsigned long seen_uc_flags;
static volatile unsigned short seen_cs, seen_ss;

static struct selectors *sels(ucontext_t *uc) { return (struct selectors *)&uc->uc_mcontext.gregs[REG_CSGSFS]; }

static void on_usr1(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    (void)sig, (void)si;
    seen_uc_flags = uc->uc_flags;
    seen_cs = sels(uc)->cs;
    seen_ss = sels(uc)->ss;
}

static gregset_t saved;
static volatile int segv_trapno = -1, segv_err = -1, segv_sig;
static volatile unsigned short segv_ss;
static volatile unsigned long segv_cr2;

static void on_usr1_bad_ss(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    (void)sig, (void)si;
    memcpy(saved, uc->uc_mcontext.gregs, sizeof(saved));
    sels(uc)->ss = 0x33;
}

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    (void)si;
    segv_sig = sig;
    segv_trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
    segv_err = uc->uc_mcontext.gregs[REG_ERR];
    segv_ss = sels(uc)->ss;
    segv_cr2 = uc->uc_mcontext.gregs[REG_CR2];
    /* Back to where raise() was, with the good registers. */
    memcpy(uc->uc_mcontext.gregs, saved, sizeof(saved));
}

static volatile int *volatile bad_ptr = (volatile int *)0x1238;

static void on_segv_pf(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    (void)si;
    segv_sig = sig;
    segv_trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
    segv_err = uc->uc_mcontext.gregs[REG_ERR];
    segv_cr2 = uc->uc_mcontext.gregs[REG_CR2];
    bad_ptr = (volatile int *)&segv_sig; /* the load is retried through the register: skip it instead */
    uc->uc_mcontext.gregs[REG_RIP] += 2; /* mov (%rax), %eax is 2 bytes */
}

static void catch(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigaction(sig, &sa, 0);
}

int main(void)
{
    SECTION("frame from 64-bit mode");
    catch(SIGUSR1, on_usr1, 0);
    raise(SIGUSR1);
    TRUE((seen_uc_flags & UC_SIGCONTEXT_SS) != 0);
    TRUE((seen_uc_flags & UC_STRICT_RESTORE_SS) != 0);
    EQ(seen_cs, 0x33);
    EQ(seen_ss, 0x2b);

    SECTION("bogus SS in the frame");
    catch(SIGUSR1, on_usr1_bad_ss, 0);
    catch(SIGSEGV, on_segv, 0);
    raise(SIGUSR1);
    EQ(segv_sig, SIGSEGV);
    EQ(segv_trapno, 13);
    EQ(segv_err, 0x30);
    EQ(segv_ss, 0x33);

    SECTION("page fault");
    catch(SIGSEGV, on_segv_pf, 0);
    segv_sig = 0;
    int v;
    asm volatile("mov (%1), %0" : "=a"(v) : "a"(bad_ptr) : "memory");
    (void)v;
    EQ(segv_sig, SIGSEGV);
    EQ(segv_trapno, 14);
    EQ(segv_err, 4 /* user, read, not present */);
    EQ(segv_cr2, 0x1238);
    return summary();
}
