/*
 * Spinlocks, Linux's names. Every lock here may be taken from interrupt
 * context, so the usual form is spin_lock_irqsave: interrupts go off on this
 * CPU first, then the lock is taken, spinning while another CPU holds it.
 * The lock records the CPU that holds it: finding it held by this very CPU,
 * with interrupts off, can only be recursion, and debug builds panic with the
 * lock's name instead of hanging. While it spins, a CPU does the cross-CPU
 * work other CPUs ask of it (TLB flushes), so a flusher never waits on it.
 * With one CPU online the lock word is not touched at all: interrupts off is
 * all the exclusion one CPU needs (Linux's uniprocessor spinlocks), and the
 * single-CPU kernel pays nothing for SMP; kernel_lock_smp (linux/smp_lock.h)
 * turns the words on before a second CPU starts, while no lock is held.
 * docs/locking.md lists the locks, what each protects, and their order.
 */
#pragma once
#include <asm/percpu.h>
#include <asm/processor.h>
#include <linux/compiler.h>
#include <linux/lockdep.h>
#include <linux/types.h>

struct spinlock_t {
    const char* name;
    volatile u32 locked = 0;
    volatile int owner_cpu = -1;
    u8 lockdep_class = 0; /* 1 + its class in the order checker (linux/lockdep.h), 0 until first taken */
    constexpr explicit spinlock_t(const char* n) : name(n) {}
    spinlock_t(const spinlock_t&) = delete;
    spinlock_t& operator=(const spinlock_t&) = delete;
};

[[noreturn]] void spin_lock_recursion(const spinlock_t* lock);
void smp_do_pending_work();
extern bool kernel_lock_smp; /* more than one CPU may run: the lock words are used */

/* One CPU: the critical section is the interrupts-off region; debug builds
 * still record the owner, for the recursion check and lockdep. */
static __always_inline void spin_lock_up(spinlock_t* lock)
{
    __asm__ volatile("" ::: "memory");
#ifdef CONFIG_DEBUG_KERNEL
    /* The word says held (a zeroed lock's owner_cpu is 0, not an owner). */
    if (lock->locked && lock->owner_cpu == smp_processor_id())
        spin_lock_recursion(lock);
    lock->locked = 1;
    lock->owner_cpu = smp_processor_id();
    lockdep_acquired(lock, false);
#else
    (void)lock;
#endif
}

/* Takes the lock; interrupts must already be off. */
static inline void spin_lock(spinlock_t* lock)
{
    if (likely(!kernel_lock_smp)) {
        spin_lock_up(lock);
        return;
    }
    while (__atomic_exchange_n(&lock->locked, 1u, __ATOMIC_ACQUIRE)) {
#ifdef CONFIG_DEBUG_KERNEL
        if (lock->owner_cpu == smp_processor_id())
            spin_lock_recursion(lock); /* this CPU holds it: nobody will release it */
#endif
        do {
            cpu_relax();
            smp_do_pending_work();
        } while (READ_ONCE(lock->locked));
    }
    lock->owner_cpu = smp_processor_id();
    lockdep_acquired(lock, false);
}

/* Takes the lock if it is free; interrupts must already be off. */
[[nodiscard]] static inline bool spin_trylock(spinlock_t* lock)
{
    if (likely(!kernel_lock_smp)) {
        spin_lock_up(lock);
        return true;
    }
    if (__atomic_exchange_n(&lock->locked, 1u, __ATOMIC_ACQUIRE))
        return false;
    lock->owner_cpu = smp_processor_id();
    lockdep_acquired(lock, true);
    return true;
}

static inline void spin_unlock(spinlock_t* lock)
{
    if (likely(!kernel_lock_smp)) {
#ifdef CONFIG_DEBUG_KERNEL
        lockdep_release(lock);
        lock->owner_cpu = -1;
        lock->locked = 0;
#endif
        __asm__ volatile("" ::: "memory");
        return;
    }
    lockdep_release(lock);
    lock->owner_cpu = -1;
    __atomic_store_n(&lock->locked, 0u, __ATOMIC_RELEASE);
}

[[nodiscard]] static inline u64 spin_lock_irqsave(spinlock_t* lock)
{
    u64 flags = local_irq_save();
    spin_lock(lock);
    return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t* lock, u64 flags)
{
    spin_unlock(lock);
    local_irq_restore(flags);
}

static inline bool spin_is_locked(const spinlock_t* lock) { return READ_ONCE(lock->locked) != 0; }

/* Holds the lock for the scope: `spin_guard g(&lock);`. */
class [[nodiscard]] spin_guard {
public:
    explicit spin_guard(spinlock_t* lock) : lock_(lock), flags_(spin_lock_irqsave(lock)) {}
    ~spin_guard() { spin_unlock_irqrestore(lock_, flags_); }
    spin_guard(const spin_guard&) = delete;
    spin_guard& operator=(const spin_guard&) = delete;

private:
    spinlock_t* lock_;
    u64 flags_;
};

/*
 * A lock the CPU holding it may take again (a depth count): for the one lock
 * whose users call each other in every order, tasklist_lock (sending a
 * signal may notify a parent, which sends a signal). Always irqsave.
 */
struct rec_spinlock_t {
    spinlock_t lock;
    int depth = 0;
    constexpr explicit rec_spinlock_t(const char* n) : lock(n) {}
};

[[nodiscard]] static inline u64 rec_spin_lock_irqsave(rec_spinlock_t* l)
{
    u64 flags = local_irq_save();
    if (!kernel_lock_smp || l->lock.owner_cpu == smp_processor_id()) {
        l->depth++; /* one CPU: the depth is all (the word is not used) */
        return flags;
    }
    spin_lock(&l->lock); /* not ours (checked above): spin as for any lock */
    l->depth = 1;
    return flags;
}

static inline void rec_spin_unlock_irqrestore(rec_spinlock_t* l, u64 flags)
{
    if (--l->depth == 0 && kernel_lock_smp)
        spin_unlock(&l->lock);
    local_irq_restore(flags);
}

class [[nodiscard]] rec_spin_guard {
public:
    explicit rec_spin_guard(rec_spinlock_t* lock) : lock_(lock), flags_(rec_spin_lock_irqsave(lock)) {}
    ~rec_spin_guard() { rec_spin_unlock_irqrestore(lock_, flags_); }
    rec_spin_guard(const rec_spin_guard&) = delete;
    rec_spin_guard& operator=(const rec_spin_guard&) = delete;

private:
    rec_spinlock_t* lock_;
    u64 flags_;
};
