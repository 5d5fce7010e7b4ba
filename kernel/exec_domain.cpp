/*
 * personality(2). Linux has one execution domain, PER_LINUX; the other
 * values are stored as given and reported back, and the flags that mean
 * something here act where they are used: ADDR_NO_RANDOMIZE at the next exec
 * (mm/aslr.cpp), READ_IMPLIES_EXEC in mmap and mprotect (mm/mmap.cpp),
 * STICKY_TIMEOUTS in select (fs/select.cpp); the others (UNAME26,
 * ADDR_COMPAT_LAYOUT, MMAP_PAGE_ZERO, ...) do nothing here. Inherited by
 * fork, kept by exec but for what a set-id program drops (fs/exec.cpp).
 */
#include <linux/personality.h>
#include <linux/sched.h>
#include <linux/syscalls.h>

SYSCALL_DEFINE1(personality, unsigned int, personality)
{
    /* Only the calling task changes its own personality: no lock. */
    unsigned int old = current->personality;
    if (personality != 0xffffffff) /* that value only asks */
        current->personality = personality;
    return static_cast<unsigned long>(old);
}
