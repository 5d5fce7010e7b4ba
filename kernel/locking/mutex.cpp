/* Sleeping locks: include/linux/mutex.h says what they are for. */
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/signal.h>

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
static long mutex_wait(mutex* m, bool interruptible)
{
    task_struct* self = current;
    if (unlikely(m->owner == self))
        panic("mutex %s: taken again by its holder %s (pid %d)", m->name, self->comm, self->pid);
    lockdep_assert_no_spinlocks("mutex_lock");
    __atomic_add_fetch(&m->sleepers, 1u, __ATOMIC_SEQ_CST);
    long err = interruptible ? wait_event_interruptible(m->wait, mutex_trylock(m, self))
                             : (wait_event(m->wait, mutex_trylock(m, self)), 0L);
    __atomic_sub_fetch(&m->sleepers, 1u, __ATOMIC_RELAXED);
    return err;
}

void mutex_lock_slow(mutex* m) { (void)mutex_wait(m, false); }

Result<void> mutex_lock_interruptible_slow(mutex* m)
{
    if (mutex_wait(m, true))
        return Errno::ERESTARTSYS;
    return {};
}

void mutex_unlock_slow(mutex* m)
{
#ifdef CONFIG_DEBUG_KERNEL
    if (unlikely(m->owner != current))
        panic("mutex %s: unlocked by %s (pid %d), not its holder", m->name, current->comm, current->pid);
#endif
    mutex_release(m);
}

bool mutex_is_locked(const mutex* m) { return __atomic_load_n(&m->owner, __ATOMIC_RELAXED) != nullptr; }
