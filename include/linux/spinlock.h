/*
 * Spinlocks, Linux's names. Every lock here may be taken from interrupt
 * context, so the only form is spin_lock_irqsave: interrupts go off on this
 * CPU first, then the lock is taken (on a uniprocessor the flag is all that
 * excludes; it is spun on anyway, so the code is right as it stands when a
 * second CPU runs kernel code). A lock already held when taken with interrupts
 * off can only mean recursion on one CPU: debug builds panic with the lock's
 * name instead of hanging. docs/locking.md lists the locks and what each
 * protects.
 */
#pragma once
#include <asm/processor.h>
#include <linux/compiler.h>
#include <linux/types.h>

struct spinlock_t {
    const char* name;
    volatile u32 locked = 0;
    constexpr explicit spinlock_t(const char* n) : name(n) {}
    spinlock_t(const spinlock_t&) = delete;
    spinlock_t& operator=(const spinlock_t&) = delete;
};

[[noreturn]] void spin_lock_recursion(const spinlock_t* lock);

[[nodiscard]] static inline u64 spin_lock_irqsave(spinlock_t* lock)
{
    u64 flags = local_irq_save();
    while (__atomic_exchange_n(&lock->locked, 1u, __ATOMIC_ACQUIRE)) {
#ifdef CONFIG_DEBUG_KERNEL
        spin_lock_recursion(lock); /* one CPU: nobody else can release it */
#endif
        cpu_relax();
    }
    return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t* lock, u64 flags)
{
    __atomic_store_n(&lock->locked, 0u, __ATOMIC_RELEASE);
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
