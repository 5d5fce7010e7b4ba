/* The big kernel lock: include/linux/smp_lock.h says what it is for. */
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <linux/compiler.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/smp_lock.h>

namespace {

/* A ticket lock: CPUs get it in the order they asked, so a holder that lets
 * go in a long loop (cond_resched) really hands it over. Serialises
 * process-context kernel code (everything not under a spinlock of its own,
 * docs/locking.md). */
struct {
    volatile u32 next;  /* the next ticket to hand out */
    volatile u32 owner; /* the ticket being served */
} kernel_flag;

void acquire_kernel_flag()
{
    u32 ticket = __atomic_fetch_add(&kernel_flag.next, 1u, __ATOMIC_RELAXED);
    while (__atomic_load_n(&kernel_flag.owner, __ATOMIC_ACQUIRE) != ticket) {
        cpu_relax();
        smp_do_pending_work(); /* a holder may be waiting for our TLB flush */
    }
}

void release_kernel_flag() { __atomic_store_n(&kernel_flag.owner, kernel_flag.owner + 1, __ATOMIC_RELEASE); }

} // namespace

void lock_kernel()
{
    task_struct* t = current;
    if (t->kernel_lock_depth++ == 0)
        acquire_kernel_flag();
}

void unlock_kernel()
{
    task_struct* t = current;
    if (unlikely(t->kernel_lock_depth <= 0))
        panic("unlock_kernel: %s (pid %d) does not hold the kernel lock", t->comm, t->pid);
    if (--t->kernel_lock_depth == 0)
        release_kernel_flag();
}

bool kernel_locked() { return current->kernel_lock_depth > 0; }

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
