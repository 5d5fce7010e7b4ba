/*
 * execve in a process with several threads (Linux's de_thread, fs/exec.c):
 * the new program runs in a process of one thread. Every other thread is
 * killed and waited for; when the thread that execs is not the leader, it
 * takes the leader's place once the leader is a zombie: its pid (the
 * process's), its parent, its children, its start time, while the old
 * leader is released under the exec'ing thread's old thread id. The parent
 * sees nothing: the same pid goes on, running the new program.
 */
#include <linux/binfmts.h>
#include <linux/sched.h>
#include <linux/signal.h>

Result<void> de_thread(task_struct* t)
{
    signal_struct* sig = t->signal;
    if (sig->live == 1 && thread_group_leader(t))
        return {}; /* one thread already: the common case */

    u64 flags = rec_spin_lock_irqsave(&tasklist_lock); /* the thread list, the group's exit */
    if (sig->group_exit) {
        /* Another thread is ending the process: exec loses, as on Linux. */
        rec_spin_unlock_irqrestore(&tasklist_lock, flags);
        return Errno::EAGAIN;
    }
    /* The others die at their next return to user mode (do_signal sees
     * group_exit); do_exit wakes us when only we are left. */
    sig->group_exit = true;
    sig->group_exit_code = 0;
    sig->group_exit_task = t;
    list_for_each(pos, &sig->thread_head) {
        task_struct* o = list_entry(pos, task_struct, thread_node);
        if (o == t || o->exit_state)
            continue;
        o->pending.signal.add(SIGKILL);
        set_tsk_thread_flag(o, TIF_SIGPENDING);
        wake_up_state(o, TASK_INTERRUPTIBLE | TASK_WAKEKILL | TASK_STOPPED);
    }
    rec_spin_unlock_irqrestore(&tasklist_lock, flags);

    /* Wait until we are the only live thread and the leader, if another, a
     * zombie. The state is set under the lock do_exit wakes us under, so the
     * wake-up can't come between the test and the sleep. */
    for (;;) {
        flags = rec_spin_lock_irqsave(&tasklist_lock);
        bool alone = sig->live == 1 && (thread_group_leader(t) || t->group_leader->exit_state == EXIT_ZOMBIE);
        if (!alone)
            set_current_state(TASK_UNINTERRUPTIBLE);
        rec_spin_unlock_irqrestore(&tasklist_lock, flags);
        if (alone)
            break;
        schedule();
    }

    flags = rec_spin_lock_irqsave(&tasklist_lock);
    sig->group_exit = false;
    sig->group_exit_task = nullptr;
    task_struct* leader = t->group_leader;
    if (leader != t) {
        write_seqcount_begin(&parent_seq); /* getppid: real_parent and group_leader change */
        /* The pids change hands: we become the process's pid, the old leader
         * leaves with our thread id. */
        detach_pid(t);
        detach_pid(leader);
        pid_t tid = t->pid;
        t->pid = leader->pid;
        leader->pid = tid;
        attach_pid(t);
        attach_pid(leader);
        t->start_time = leader->start_time;
        t->real_parent = leader->real_parent;
        t->parent_thread = leader->parent_thread;
        t->pdeath_signal = leader->pdeath_signal;
        /* The process's children, on its leader, are ours now (every
         * thread is in the parent's children already; the old leader leaves
         * that list in release_task). */
        while (!leader->children.empty()) {
            list_head* pos = leader->children.next;
            list_entry(pos, task_struct, sibling)->real_parent = t;
            list_head::del(pos);
            t->children.add_tail(pos);
        }
        t->group_leader = t;
        leader->group_leader = t;
        t->exit_signal = SIGCHLD;
        t->autoreap = false;
        leader->exit_signal = -1;
        leader->exit_state = EXIT_DEAD; /* released below, by us: never by its switch */
        write_seqcount_end(&parent_seq);
    }
    recalc_sigpending_tsk(t);
    rec_spin_unlock_irqrestore(&tasklist_lock, flags);
    if (leader != t)
        release_task(leader); /* waits for it to be off its CPU */
    return {};
}
