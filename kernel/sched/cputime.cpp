/*
 * CPU time as times(), getrusage() and wait report it. The total is exact
 * (sum_exec_runtime, from the TSC at every switch); the ticks only say how to
 * split it between user and system time, as Linux's cputime_adjust does. So a
 * busy process shows its time even when few ticks reached it (under
 * emulation, ticks can be late or merged).
 */
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/time.h>

namespace {

u64 runtime_of(const task_struct* t)
{
    u64 r = t->sum_exec_runtime;
    if (t == current)
        r += ktime_get_ns() - t->last_switch;
    return r;
}

} // namespace

void thread_group_cputime(task_struct* t, u64& utime, u64& stime)
{
    u64 rtime = 0, uticks = 0, sticks = 0;
    list_for_each(pos, &t->signal->thread_head) {
        task_struct* th = list_entry(pos, task_struct, thread_node);
        rtime += runtime_of(th);
        uticks += th->utime_ns;
        sticks += th->stime_ns;
    }
    if (uticks + sticks == 0) {
        utime = rtime;
        stime = 0;
        return;
    }
    /* In ticks the numbers stay small enough to multiply in 64 bits. */
    u64 tick = NSEC_PER_SEC / HZ;
    u64 us = uticks / tick, ss = sticks / tick;
    stime = rtime * ss / (us + ss);
    utime = rtime - stime;
}
