/* Process ids: allocated in increasing order, wrapping at pid_max, as Linux does. */
#include <linux/sched.h>
#include <linux/signal.h>

task_struct* init_task_ptr;

namespace {
int last_pid;
}

task_struct* find_task_by_pid(pid_t pid)
{
    if (pid <= 0)
        return nullptr;
    list_for_each(pos, &task_list) {
        task_struct* t = list_entry(pos, task_struct, tasks);
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

void free_pid(pid_t) {}
