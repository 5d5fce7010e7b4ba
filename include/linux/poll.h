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

/*
 * A waiter's registrations. While it waits it is on the list of active
 * tables (the kernel lock protects it), so that a file going away takes its
 * entries off the wait queues it is about to free (poll_release_file), as
 * Linux's POLLFREE does for epoll: a pipe closed by another thread while
 * poll, select or epoll_wait sleeps on it.
 */
struct poll_table {
    static constexpr int MAX_ENTRIES = 256;
    struct entry {
        wait_queue_entry wait;
        wait_queue_head* head; /* nullptr once taken off (its file went) */
        file* f;               /* whose poll() registered it */
    };
    list_head active;
    entry entries[MAX_ENTRIES];
    int count;
};

constexpr u64 POLL_NO_DEADLINE = ~0ULL;

poll_table* poll_table_alloc();
void poll_table_free(poll_table* pt);

/* Repeats `scan` (which returns how many are ready) until one is ready, the
 * deadline passes or a signal arrives (ERESTARTNOHAND). scan(pt) registers
 * on the first pass only. */
template <typename Scan>
Result<int> poll_loop(u64 deadline, Scan scan)
{
    poll_table* pt = poll_table_alloc();
    if (!pt)
        return Errno::ENOMEM;
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
