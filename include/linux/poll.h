/*
 * Waiting for file readiness, shared by poll/select (fs/select.cpp) and
 * epoll (fs/eventpoll.cpp): a file's poll() reports its state and, given a
 * poll_table, puts the caller on the wait queues that announce changes.
 */
#pragma once
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include <linux/time.h>

struct poll_table {
    static constexpr int MAX_ENTRIES = 256;
    struct entry {
        wait_queue_entry wait;
        wait_queue_head* head;
    };
    entry entries[MAX_ENTRIES];
    int count;
};

constexpr u64 POLL_NO_DEADLINE = ~0ULL;

void poll_table_free(poll_table* pt);

/* Repeats `scan` (which returns how many are ready) until one is ready, the
 * deadline passes or a signal arrives (ERESTARTNOHAND). scan(pt) registers
 * on the first pass only. */
template <typename Scan>
Result<int> poll_loop(u64 deadline, Scan scan)
{
    auto* pt = static_cast<poll_table*>(kmalloc(sizeof(poll_table)));
    if (!pt)
        return Errno::ENOMEM;
    pt->count = 0;
    bool first = true;
    Result<int> result = 0;
    for (;;) {
        /* Asleep before looking: a wake-up during the scan is never lost. */
        set_current_state(TASK_INTERRUPTIBLE);
        auto ready = scan(first ? pt : nullptr);
        first = false;
        if (!ready.ok() || ready.value() > 0) {
            result = ready;
            break;
        }
        if (deadline != POLL_NO_DEADLINE && ktime_get_ns() >= deadline)
            break;
        if (signal_pending(current)) {
            result = Errno::ERESTARTNOHAND;
            break;
        }
        if (deadline == POLL_NO_DEADLINE)
            schedule();
        else
            schedule_timeout_until(deadline);
    }
    set_current_state(TASK_RUNNING);
    poll_table_free(pt);
    return result;
}

/* ppoll/pselect6/epoll_pwait: the signal mask for the duration, restored on
 * the way out (after a handler runs, if one does). */
[[nodiscard]] Result<void> set_temporary_sigmask(unsigned long umask, size_t size);
void end_temporary_sigmask(const SyscallResult& r);
