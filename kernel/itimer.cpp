/* ITIMER_REAL and alarm(): SIGALRM when the process's real timer expires. */
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/syscalls.h>
#include <linux/time.h>

void itimer_tick(u64 now)
{
    list_for_each(pos, &task_list) {
        task_struct* t = list_entry(pos, task_struct, tasks);
        signal_struct* sig = t->signal;
        if (!thread_group_leader(t) || t->exit_state || !sig || !sig->real_timer_expires ||
            sig->real_timer_expires > now)
            continue;
        sig->real_timer_expires = sig->real_timer_interval ? now + sig->real_timer_interval : 0;
        send_sig_info(SIGALRM, nullptr, t, true);
    }
}

SYSCALL_DEFINE1(alarm, unsigned int, seconds)
{
    signal_struct* sig = current->signal;
    u64 now = ktime_get_ns();
    unsigned int left = 0;
    if (sig->real_timer_expires > now) {
        u64 ns = sig->real_timer_expires - now;
        left = static_cast<unsigned int>((ns + NSEC_PER_SEC / 2) / NSEC_PER_SEC);
        if (!left)
            left = 1;
    }
    sig->real_timer_expires = seconds ? now + seconds * static_cast<u64>(NSEC_PER_SEC) : 0;
    sig->real_timer_interval = 0;
    return left;
}
