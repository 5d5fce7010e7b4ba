/*
 * futex: sleeping on a user address. FUTEX_WAIT sleeps while *uaddr == val;
 * FUTEX_WAKE wakes up to n sleepers on the address; FUTEX_REQUEUE and
 * FUTEX_CMP_REQUEUE wake some and move others to a second address (musl's
 * condition variables hand their waiters to the mutex this way). Enough for
 * thread joins (CLONE_CHILD_CLEARTID), libc locks, and processes meeting in
 * shared memory (futex_key). The waiter list is process-context only, under
 * the kernel lock.
 */
#include <asm/processor.h>
#include <linux/mm.h>
#include <linux/time64.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/compat.h>
#include <linux/syscalls.h>
#include <uapi/linux/time32.h>
#include <linux/time.h>

namespace {

constexpr int FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4, FUTEX_WAIT_BITSET = 9,
              FUTEX_WAKE_BITSET = 10;
constexpr int FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;

/*
 * What a futex is (Linux's futex_key): a private futex (FUTEX_PRIVATE_FLAG,
 * or any in private memory) is an address in one address space; a shared
 * one in a MAP_SHARED area is a place in the mapped object (its inode and
 * the byte offset), so processes that map it at different addresses, or
 * after fork or exec, meet on it.
 */
struct futex_key {
    const void* base;     /* the mm_struct, or the mapped inode */
    unsigned long offset; /* the address, or the offset in the object */
    bool operator==(const futex_key& o) const { return base == o.base && offset == o.offset; }
};

/* A private key is the address alone, whatever is mapped there; a shared
 * one needs readable memory there to name (Linux's get_user_pages_fast in
 * get_futex_key): EFAULT without. */
Result<futex_key> get_futex_key(user_inout_ptr<u32> uptr, bool private_futex)
{
    /* A key is an address (or an offset in the object mapped there). */
    unsigned long uaddr = user_addr(uptr);
    mm_struct* mm = current->mm;
    if (!private_futex) {
        vm_area_struct* v = find_vma(mm, uaddr);
        if (!v || v->vm_start > uaddr || !(v->vm_flags & VM_READ))
            return Errno::EFAULT;
        if ((v->vm_flags & VM_SHARED) && v->vm_file)
            return futex_key{v->vm_file, (v->vm_pgoff << PAGE_SHIFT) + (uaddr - v->vm_start)};
    }
    return futex_key{mm, uaddr};
}

struct futex_waiter {
    list_head node;
    task_struct* task;
    futex_key key;
    bool woken;
};

list_head waiters;

int wake(const futex_key& key, int n)
{
    int woken = 0;
    list_for_each_safe(pos, next, &waiters) {
        auto* w = list_entry(pos, futex_waiter, node);
        if (w->key == key) {
            list_head::del(&w->node);
            w->woken = true;
            wake_up_process(w->task);
            /* Counted after the wake, as Linux's futex_wake: n = 0 wakes one. */
            if (++woken >= n)
                break;
        }
    }
    return woken;
}

/* Wakes up to nr_wake waiters on uaddr, then moves up to nr_requeue of the
 * others to uaddr2; returns how many were woken or moved (Linux's count). */
int requeue(const futex_key& key, const futex_key& key2, int nr_wake, int nr_requeue)
{
    int woken = 0, moved = 0;
    list_for_each_safe(pos, next, &waiters) {
        auto* w = list_entry(pos, futex_waiter, node);
        if (!(w->key == key))
            continue;
        if (woken < nr_wake) {
            list_head::del(&w->node);
            w->woken = true;
            wake_up_process(w->task);
            woken++;
        } else if (moved < nr_requeue) {
            w->key = key2;
            moved++;
        } else {
            break;
        }
    }
    return woken + moved;
}

} // namespace

/* CLONE_CHILD_CLEARTID at a thread's exit: a shared wake, as Linux's. */
void futex_wake_address(user_inout_ptr<u32> uaddr)
{
    if (auto key = get_futex_key(uaddr, false); key.ok())
        wake(key.value(), 1);
}

/* The call on either timeout layout: timespec_user, or i386's
 * old_timespec32 (futex_time32). */
static SyscallResult do_futex(user_inout_ptr<u32> uaddr, FutexOp op, FutexVal val, FutexTimeout utime,
                              FutexUaddr2 uaddr2, FutexVal3 val3, bool time32)
{
    int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    bool private_futex = op & FUTEX_PRIVATE_FLAG;
    if (!uaddr.is_aligned(sizeof(u32)))
        return Errno::EINVAL;
    /* The bitset forms need a non-empty bitset (every waiter here matches any). */
    if ((cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_WAKE_BITSET) && !val3)
        return Errno::EINVAL;
    switch (cmd) {
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE: {
        int nr_wake = static_cast<int>(val), nr_requeue = static_cast<int>(utime);
        if (nr_wake < 0 || nr_requeue < 0 || !uaddr2.is_aligned(sizeof(u32)))
            return Errno::EINVAL;
        if (cmd == FUTEX_CMP_REQUEUE) {
            u32 cur = TRY(get_user(uaddr));
            if (cur != val3)
                return Errno::EAGAIN;
        }
        futex_key key1 = TRY(get_futex_key(uaddr, private_futex));
        return requeue(key1, TRY(get_futex_key(uaddr2, private_futex)), nr_wake, nr_requeue);
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
        return wake(TRY(get_futex_key(uaddr, private_futex)), static_cast<int>(val));
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
        u64 deadline = ~0ULL;
        if (utime) {
            timespec_user ts;
            if (time32) {
                old_timespec32 t32 = TRY(get_user(user_in_ptr<const old_timespec32>(utime)));
                ts = {t32.tv_sec, t32.tv_nsec};
            } else {
                ts = TRY(get_user(user_in_ptr<const timespec_user>(utime)));
                if (in_compat_syscall()) /* futex_time64: tv_nsec's low half, as get_timespec64 */
                    ts.tv_nsec = static_cast<long>(static_cast<u32>(ts.tv_nsec));
            }
            if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
                return Errno::EINVAL;
            /* Saturating at KTIME_MAX, as Linux (the fuzzer found the overflow). */
            s64 ns = timespec64_to_ns(timespec64{ts.tv_sec, ts.tv_nsec});
            /* FUTEX_WAIT: relative; the BITSET form: absolute on the chosen clock. */
            if (cmd == FUTEX_WAIT_BITSET)
                ns -= (op & FUTEX_CLOCK_REALTIME) ? ktime_get_real_ns() : static_cast<s64>(ktime_get_ns());
            deadline = static_cast<u64>(ktime_add_safe(static_cast<s64>(ktime_get_ns()), ns > 0 ? ns : 0));
        }
        futex_waiter w{{}, current, TRY(get_futex_key(uaddr, private_futex)), false};
        u64 flags = local_irq_save();
        u32 cur = 0;
        if (!copy_from_user(&cur, uaddr).ok()) {
            local_irq_restore(flags);
            return Errno::EFAULT;
        }
        if (cur != val) {
            local_irq_restore(flags);
            return Errno::EAGAIN;
        }
        waiters.add_tail(&w.node);
        set_current_state(TASK_INTERRUPTIBLE);
        local_irq_restore(flags);
        if (deadline == ~0ULL)
            schedule();
        else
            schedule_timeout_until(deadline);
        set_current_state(TASK_RUNNING);
        flags = local_irq_save();
        if (!w.woken)
            list_head::del(&w.node);
        local_irq_restore(flags);
        if (w.woken)
            return 0;
        if (signal_pending(current))
            return Errno::EINTR;
        return Errno::ETIMEDOUT;
    }
    default:
        return Errno::ENOSYS;
    }
}

SYSCALL_DEFINE6(futex, user_inout_ptr<u32>, uaddr, FutexOp, op, FutexVal, val, FutexTimeout, utime, FutexUaddr2,
                uaddr2, FutexVal3, val3)
{
    return do_futex(uaddr, op, val, utime, uaddr2, val3, false);
}

SYSCALL_DEFINE6(futex_time32, user_inout_ptr<u32>, uaddr, FutexOp, op, FutexVal, val, FutexTimeout, utime,
                FutexUaddr2, uaddr2, FutexVal3, val3)
{
    return do_futex(uaddr, op, val, utime, uaddr2, val3, true);
}
