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

void kernel_flag_wait(u32 ticket)
{
    while (__atomic_load_n(&kernel_flag.owner, __ATOMIC_ACQUIRE) != ticket) {
        cpu_relax();
        smp_do_pending_work(); /* a holder may be waiting for our TLB flush */
    }
}

void lock_kernel()
{
    if (!kernel_lock_smp)
        return;
    task_struct* t = current;
    if (t->kernel_lock_depth++ == 0) {
        lockdep_assert_no_spinlocks("lock_kernel");
        acquire_kernel_flag();
    }
}

void unlock_kernel()
{
    if (!kernel_lock_smp)
        return;
    task_struct* t = current;
    if (unlikely(t->kernel_lock_depth <= 0))
        panic("unlock_kernel: %s (pid %d) does not hold the kernel lock", t->comm, t->pid);
    if (--t->kernel_lock_depth == 0)
        release_kernel_flag();
}

bool kernel_locked() { return !kernel_lock_smp || current->kernel_lock_depth > 0; }

bool kernel_lock_contended()
{
    return __atomic_load_n(&kernel_flag.next, __ATOMIC_RELAXED) != kernel_flag.owner + 1;
}

void cond_resched_kernel_lock()
{
    task_struct* t = current;
    if (t->kernel_lock_depth > 0 && kernel_lock_contended()) {
        release_kernel_flag();
        acquire_kernel_flag(); /* behind every CPU that was waiting */
    }
}

void release_kernel_lock(task_struct* t)
{
    if (t->kernel_lock_depth > 0)
        release_kernel_flag();
}

void reacquire_kernel_lock(task_struct* t)
{
    if (t->kernel_lock_depth > 0)
        acquire_kernel_flag();
}
