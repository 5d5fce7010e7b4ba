/*
 * Sleeping locks (Linux's struct mutex), for process context only: a task
 * that finds the mutex held sleeps on its wait queue instead of spinning, so
 * the holder may copy to and from user memory (and fault), sleep, or be
 * preempted while it holds it. Code that runs without the big kernel lock
 * (SYSCALL_NO_BKL) protects what it shares with these: pipes first
 * (fs/pipe.cpp). Never taken from an interrupt, never with interrupts off
 * or a spinlock held.
 *
 * With the big kernel lock the order is free in both directions: a task
 * holding the kernel lock that sleeps here drops it in schedule(), so a
 * mutex holder that needs the kernel lock (a user copy's page fault) gets
 * it. docs/locking.md has the order.
 */
#pragma once
#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <asm/percpu.h>

struct task_struct;

struct mutex {
    task_struct* owner = nullptr;  /* the holder, or nullptr (exchanged atomically) */
    volatile u32 sleepers = 0;     /* tasks waiting (or about to): unlock wakes them */
    wait_queue_head wait;          /* where they sleep */
    const char* name;
    explicit mutex(const char* n) : name(n) { wait.head.init(); }
    mutex(const mutex&) = delete;
    mutex& operator=(const mutex&) = delete;
};

/* For a mutex inside zeroed memory (kzalloc): what the constructor does. */
void mutex_init(mutex* m, const char* name);

[[nodiscard]] static inline bool mutex_trylock(mutex* m, task_struct* self)
{
    task_struct* expected = nullptr;
    return __atomic_compare_exchange_n(&m->owner, &expected, self, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* The slow paths (kernel/locking/mutex.cpp). */
void mutex_lock_slow(mutex* m);
void mutex_unlock_slow(mutex* m);

/* Sleeps until the mutex is ours (uninterruptible). Inline: every pipe read
 * and write takes one. */
static __always_inline void mutex_lock(mutex* m)
{
    if (unlikely(!mutex_trylock(m, current)))
        mutex_lock_slow(m);
}
/* Frees the mutex and wakes its sleepers, if any. */
static __always_inline void mutex_release(mutex* m)
{
    (void)__atomic_exchange_n(&m->owner, nullptr, __ATOMIC_SEQ_CST); /* a full barrier: before the look at sleepers */
    if (unlikely(__atomic_load_n(&m->sleepers, __ATOMIC_RELAXED)))
        wake_up(&m->wait);
}
static __always_inline void mutex_unlock(mutex* m)
{
#ifdef CONFIG_DEBUG_KERNEL
    mutex_unlock_slow(m); /* checks the holder, then mutex_release */
#else
    mutex_release(m);
#endif
}

/* Holds the mutex for the scope. */
class [[nodiscard]] mutex_guard {
public:
    explicit mutex_guard(mutex* m) : m_(m) { mutex_lock(m); }
    ~mutex_guard() { mutex_unlock(m_); }
    mutex_guard(const mutex_guard&) = delete;
    mutex_guard& operator=(const mutex_guard&) = delete;

private:
    mutex* m_;
};
