/* Sleeping locks: include/linux/mutex.h says what they are for. */
#include <linux/lockdep.h>
#include <linux/result.h> /* wait_event's ERESTARTSYS */
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/sched.h>

void mutex_init(mutex* m, const char* name)
{
    m->owner = nullptr;
    m->sleepers = 0;
    m->wait.head.init();
    m->name = name;
}

/*
 * The slow path: count ourselves a sleeper before the last try, so an
 * unlock after that try sees the count and wakes us (the count's atomic
 * add and the unlock's exchange are full barriers: one of the two sees the
 * other). The wait re-tries with the task already queued.
 */
void mutex_lock_slow(mutex* m)
{
    task_struct* self = current;
    if (unlikely(m->owner == self))
        panic("mutex %s: taken again by its holder %s (pid %d)", m->name, self->comm, self->pid);
    lockdep_assert_no_spinlocks("mutex_lock");
    __atomic_add_fetch(&m->sleepers, 1u, __ATOMIC_SEQ_CST);
    wait_event(m->wait, mutex_trylock(m, self));
    __atomic_sub_fetch(&m->sleepers, 1u, __ATOMIC_RELAXED);
}

void mutex_unlock_slow(mutex* m)
{
#ifdef CONFIG_DEBUG_KERNEL
    if (unlikely(m->owner != current))
        panic("mutex %s: unlocked by %s (pid %d), not its holder", m->name, current->comm, current->pid);
#endif
    mutex_release(m);
}
