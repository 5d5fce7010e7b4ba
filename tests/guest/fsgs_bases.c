/*
 * fsgs_bases: the user's %gs selector and GS base as Linux keeps them
 * (arch/x86/kernel/process_64.c; Linux's fsgsbase selftest checks the same).
 *   - ARCH_SET_GS sets the base and a zero selector; ARCH_GET_GS reads it back.
 *   - loading a null selector into %gs clears the base (the CPU does it),
 *     and ARCH_GET_GS reports the CPU's base, 0, not the one last set.
 *   - a selector (0x2b, the user data segment) and a base written with
 *     wrgsbase survive a switch to another process and back.
 *   - AT_HWCAP2 has HWCAP2_FSGSBASE (bit 1): user mode may use rdgsbase.
 */
#define _GNU_SOURCE
#define ARCH_SET_GS 0x1001
#define ARCH_GET_GS 0x1004
#include <stdio.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "musl_check.h"

static unsigned long get_gs(void)
{
    unsigned long base = 0xdead;
    syscall(SYS_arch_prctl, ARCH_GET_GS, &base);
    return base;
}

static unsigned short gs_sel(void)
{
    unsigned short sel;
    asm volatile("mov %%gs, %0" : "=r"(sel));
    return sel;
}

int main(void)
{
    SECTION("ARCH_SET_GS");
    EQ(syscall(SYS_arch_prctl, ARCH_SET_GS, 0x200000000UL), 0);
    EQ(get_gs(), 0x200000000UL);
    EQ(gs_sel(), 0);

    SECTION("null selector");
    asm volatile("mov %0, %%gs" : : "r"((unsigned short)0));
    EQ(get_gs(), 0);

    SECTION("FSGSBASE");
    TRUE((getauxval(AT_HWCAP2) & 2) != 0);

    SECTION("across a context switch");
    EQ(syscall(SYS_arch_prctl, ARCH_SET_GS, 0), 0);
    asm volatile("mov %0, %%gs" : : "r"((unsigned short)0x2b));
    unsigned long base = 0x123456789UL;
    asm volatile("wrgsbase %0" : : "r"(base));
    int p[2];
    if (pipe(p))
        return 1;
    pid_t child = fork();
    if (child == 0) {
        /* The child changes its own: the parent's must not follow. */
        asm volatile("mov %0, %%gs" : : "r"((unsigned short)0));
        syscall(SYS_arch_prctl, ARCH_SET_GS, 0x5000UL);
        write(p[1], "x", 1);
        _exit(0);
    }
    char c;
    read(p[0], &c, 1);
    waitpid(child, 0, 0);
    EQ(gs_sel(), 0x2b);
    unsigned long now;
    asm volatile("rdgsbase %0" : "=r"(now));
    EQ(now, 0x123456789UL);
    EQ(get_gs(), 0x123456789UL);
    asm volatile("mov %0, %%gs" : : "r"((unsigned short)0));
    return summary();
}
