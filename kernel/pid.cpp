/*
 * Process ids: allocated in increasing order, wrapping at pid_max, as Linux
 * does; a task is found by its pid through a hash (lib/hashtable.h), not a
 * walk of every task. Allocation still walks the tasks once per fork to skip
 * numbers in use as process groups or sessions whose leaders are gone.
 */
#include <linux/sched.h>
#include <linux/signal.h>
#include "../lib/hashtable.h"

task_struct* init_task_ptr;

namespace {
int last_pid;

/* Every task with a pid, by pid. Changed at fork and at release, with the
 * task list (one CPU, no interrupt touches it). */
constexpr unsigned PID_HASH_BITS = 10;
hlist_head pid_heads[1u << PID_HASH_BITS];
hash_table pid_hash{pid_heads, PID_HASH_BITS};
} // namespace

void attach_pid(task_struct* t) { pid_hash.add(&t->pid_link, static_cast<u64>(t->pid)); }

void detach_pid(task_struct* t) { hash_table::del(&t->pid_link); }

task_struct* find_task_by_pid(pid_t pid)
{
    if (pid <= 0)
        return nullptr;
    hlist_for_each_safe(pos, pid_hash.bucket(static_cast<u64>(pid))) {
        task_struct* t = hlist_entry(pos, task_struct, pid_link);
        if (t->pid == pid && t->exit_state != EXIT_DEAD)
            return t;
    }
    return nullptr;
}

static bool pid_in_use(pid_t pid)
{
    list_for_each(pos, &task_list) {
        task_struct* t = list_entry(pos, task_struct, tasks);
        if (t->pid == pid || t->tgid == pid)
            return true;
        if (t->signal && (t->signal->pgrp == pid || t->signal->session == pid))
            return true;
    }
    return false;
}

pid_t alloc_pid()
{
    for (int tries = 0; tries < PID_MAX_DEFAULT; tries++) {
        last_pid = last_pid + 1 >= PID_MAX_DEFAULT ? 300 : last_pid + 1;
        if (!pid_in_use(last_pid))
            return last_pid;
    }
    return -1;
}

/* /proc/sys/kernel/ns_last_pid: the last pid given; setting it makes the
 * next fork try the one after (checkpoint/restore tools, LTP). */
pid_t last_pid_allocated() { return READ_ONCE(last_pid); }
void set_last_pid(pid_t pid) { WRITE_ONCE(last_pid, pid); }
