/*
 * The big kernel lock (Linux's lock_kernel/unlock_kernel, as Linux had it
 * until 2.6.39): the first step of SMP. A task holds it whenever it runs
 * kernel code in process context, from the system-call, exception and
 * return-to-user paths (arch/x86_64/entry/common.cpp, traps.cpp), so the
 * subsystems written for one CPU (the VFS, mm, pipes, futexes ...) see one
 * task at a time in the kernel as before, while user code runs on every CPU
 * at once. schedule() drops it for the task that sleeps and takes it back
 * when the task runs again, so a sleeping task never blocks the others.
 * Interrupt handlers never take it: what they share with process context has
 * its own spinlock (docs/locking.md lists them and the order).
 *
 * The depth is per task (0: not held); the lock itself is a test-and-set
 * lock whose waiters do the cross-CPU work other CPUs ask of them (TLB
 * flushes) while they spin, so a holder waiting for that work never waits on
 * a waiter. Not a ticket lock: in a virtual machine whose CPUs outnumber the
 * host's (4 guest CPUs on this 2-core host), a ticket hands the lock to the
 * next waiter in line even when the host is not running that CPU, and every
 * CPU then waits for it (a few handoffs a second, measured); whoever runs
 * takes a test-and-set lock. Linux's virt_spin_lock falls back to the same in
 * a guest without paravirtual spinlocks. The fast paths are inline: every
 * system call takes it.
 *
 * With one CPU online nothing can contend, and the lock is skipped
 * altogether (kernel_lock_smp stays false), as Linux's SMP alternatives
 * patch out lock prefixes on a uniprocessor: the single-CPU kernel is the
 * one-CPU kernel it was. smp_boot_cpus sets the flag before it starts the
 * first other CPU, while no task holds or waits for anything.
 */
#pragma once
#include <asm/percpu.h>
#include <linux/compiler.h>
#include <linux/types.h>

struct task_struct;

struct kernel_flag_t {
    volatile u32 locked;  /* 1 while a task holds it */
    volatile u32 waiters; /* CPUs spinning for it (kernel_lock_contended) */
};
extern kernel_flag_t kernel_flag;
extern bool kernel_lock_smp;

/* Spins until the lock is ours (kernel/kernel_lock.cpp). */
void kernel_flag_wait();

static __always_inline void acquire_kernel_flag()
{
    if (unlikely(__atomic_exchange_n(&kernel_flag.locked, 1u, __ATOMIC_ACQUIRE)))
        kernel_flag_wait();
}

static __always_inline void release_kernel_flag()
{
    __atomic_store_n(&kernel_flag.locked, 0u, __ATOMIC_RELEASE);
}

void lock_kernel();
void unlock_kernel();
/* The task holds it (at any depth). */
[[nodiscard]] bool kernel_locked();
/* Another CPU waits for it. */
[[nodiscard]] bool kernel_lock_contended();
/* In a long loop: if another CPU waits, let it have the lock once
 * (cond_resched does this; Linux's lock-break). */
void cond_resched_kernel_lock();

/* schedule()'s halves: drop the lock for the task switched away from, take
 * it back for the task switched to (each at its own depth). Inline: every
 * switch runs them (a template, for the task_struct this header can't see). */
template <class Task> static __always_inline void release_kernel_lock(Task* t)
{
    if (kernel_lock_smp && t->kernel_lock_depth > 0)
        release_kernel_flag();
}
template <class Task> static __always_inline void reacquire_kernel_lock(Task* t)
{
    if (kernel_lock_smp && t->kernel_lock_depth > 0)
        acquire_kernel_flag();
}

/* lock_kernel/unlock_kernel inline, for the system-call stubs (SYSCALL_DEFINE
 * in linux/syscalls.h): every call that needs the lock runs these, and
 * lock_kernel/unlock_kernel are these with their checks. The depth
 * is kept with one CPU too, where the word is not used: it is what says a
 * task may be preempted (kernel code under the lock never is). */
template <class Task = task_struct> static __always_inline void syscall_lock_kernel()
{
    Task* t = current;
    int depth = t->kernel_lock_depth;
    t->kernel_lock_depth = depth + 1;
    barrier(); /* the depth before the word: see syscall_unlock_kernel */
    if (depth == 0 && kernel_lock_smp)
        acquire_kernel_flag();
}
template <class Task = task_struct> static __always_inline void syscall_unlock_kernel()
{
    Task* t = current;
    int depth = t->kernel_lock_depth;
    /* The word first, the depth after: at depth 0 an interrupt may preempt
     * the task, and a task preempted still holding the word would keep the
     * kernel from every CPU. */
    if (depth == 1 && kernel_lock_smp)
        release_kernel_flag();
    barrier();
    t->kernel_lock_depth = depth - 1;
}
