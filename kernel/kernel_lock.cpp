/* The big kernel lock: include/linux/smp_lock.h says what it is for. */
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <linux/compiler.h>
#include <linux/printk.h>
#include <linux/lockdep.h>
#include <linux/sched.h>
#include <linux/smp_lock.h>

/* Serialises process-context kernel code (everything not under a spinlock
 * of its own, docs/locking.md). */
kernel_flag_t kernel_flag;
bool kernel_lock_smp;

void kernel_flag_wait()
{
    __atomic_add_fetch(&kernel_flag.waiters, 1u, __ATOMIC_RELAXED);
    do {
        while (__atomic_load_n(&kernel_flag.locked, __ATOMIC_RELAXED)) {
            cpu_relax();
            smp_do_pending_work(); /* a holder may be waiting for our TLB flush */
        }
    } while (__atomic_exchange_n(&kernel_flag.locked, 1u, __ATOMIC_ACQUIRE));
    __atomic_sub_fetch(&kernel_flag.waiters, 1u, __ATOMIC_RELAXED);
}

/* The stubs' inline halves (linux/smp_lock.h: the depth and word order that
 * keeps preemption safe), with the checks. */
void lock_kernel()
{
    if (current->kernel_lock_depth == 0 && kernel_lock_smp)
        lockdep_assert_no_spinlocks("lock_kernel");
    syscall_lock_kernel();
}

void unlock_kernel()
{
    task_struct* t = current;
    if (unlikely(t->kernel_lock_depth <= 0))
        panic("unlock_kernel: %s (pid %d) does not hold the kernel lock", t->comm, t->pid);
    syscall_unlock_kernel();
}

bool kernel_locked() { return current->kernel_lock_depth > 0; }

bool kernel_lock_contended() { return __atomic_load_n(&kernel_flag.waiters, __ATOMIC_RELAXED) != 0; }

void cond_resched_kernel_lock()
{
    task_struct* t = current;
    if (t->kernel_lock_depth > 0 && kernel_lock_contended()) {
        release_kernel_flag();
        /* Give a waiter the chance to take it before we ask again. */
        for (int i = 0; i < 1000 && !__atomic_load_n(&kernel_flag.locked, __ATOMIC_RELAXED); i++)
            cpu_relax();
        acquire_kernel_flag();
    }
}

