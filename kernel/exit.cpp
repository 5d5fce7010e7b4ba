/*
 * Ending a task: release its resources, become a zombie for the parent to
 * reap (wait4, kernel/wait.cpp), hand children to init. When init itself ends,
 * the machine powers off and reports init's status to the host.
 */
#include <asm/pgtable.h>
#include <asm/reboot.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include <linux/trace.h>

namespace {

/* The exit status as a shell shows it: the code, or 128 + the signal. */
int shell_status(int wait_status)
{
    int sig = wait_status & 0x7f;
    return sig ? 128 + sig : (wait_status >> 8) & 0xff;
}

void exit_mm(task_struct* t)
{
    mm_struct* mm = t->mm;
    if (!mm)
        return;
    t->mm = nullptr;
    switch_pgd(init_pgd);
    mmput(mm);
}

/* Children of a dying process go to init (pid 1). */
void reparent_children(task_struct* dying)
{
    task_struct* reaper = init_task_ptr;
    bool zombies = false;
    list_for_each_safe(pos, n, &dying->children) {
        task_struct* child = list_entry(pos, task_struct, sibling);
        list_head::del(&child->sibling);
        child->real_parent = reaper;
        reaper->children.add_tail(&child->sibling);
        zombies |= child->exit_state == EXIT_ZOMBIE;
    }
    if (zombies)
        wake_up(&reaper->signal->wait_chldexit);
}

} // namespace

void do_exit(int code)
{
    task_struct* t = current;
    trace_task_exit();
    t->flags |= PF_EXITING;

    /* CLONE_CHILD_CLEARTID: tell a joining thread, as glibc/musl expect. */
    if (t->clear_child_tid) {
        int zero = 0;
        (void)raw_copy_to_user(t->clear_child_tid, &zero, sizeof(zero));
        futex_wake_address(t->clear_child_tid);
    }
    if (t->vfork_done_pending) {
        t->vfork_done_pending = false;
        wake_up(&t->vfork_wait);
    }
    exit_mm(t);
    if (t->files) {
        put_files(t->files);
        t->files = nullptr;
    }
    if (t->fs) {
        put_fs_struct(t->fs);
        t->fs = nullptr;
    }
    t->exit_code = code;

    if (t->tgid == 1 && thread_group_leader(t)) {
        int status = shell_status(code);
        pr_info("trapgate: init exited with status %d\n", status);
        machine_power_off(status);
    }

    local_irq_disable();
    signal_struct* sig = t->signal;
    bool last_thread = --sig->live == 0;
    reparent_children(t);
    if (thread_group_leader(t) && last_thread) {
        t->exit_state = EXIT_ZOMBIE;
        do_notify_parent(t, t->exit_signal);
    } else if (!thread_group_leader(t)) {
        /* Threads are reaped at once; the leader waits for the last one. */
        t->exit_state = EXIT_DEAD;
        task_struct* leader = t->group_leader;
        if (last_thread && leader->exit_state == EXIT_ZOMBIE)
            do_notify_parent(leader, leader->exit_signal);
    } else {
        t->exit_state = EXIT_ZOMBIE; /* leader waits for its threads */
    }
    t->state = TASK_UNINTERRUPTIBLE; /* never to run again */
    schedule();
    panic("a dead task ran again");
}

void do_group_exit(int exit_code)
{
    signal_struct* sig = current->signal;
    if (sig->group_exit) {
        exit_code = sig->group_exit_code;
    } else if (sig->live > 1) {
        sig->group_exit = true;
        sig->group_exit_code = exit_code;
        /* Every other thread dies at its next return to user mode. */
        list_for_each(pos, &sig->thread_head) {
            task_struct* t = list_entry(pos, task_struct, thread_node);
            if (t != current) {
                t->pending.signal.add(SIGKILL);
                set_tsk_thread_flag(t, TIF_SIGPENDING);
                wake_up_process(t);
            }
        }
    }
    do_exit(exit_code);
}

SYSCALL_DEFINE1(exit, int, error_code)
{
    do_exit((error_code & 0xff) << 8);
}

SYSCALL_DEFINE1(exit_group, int, error_code)
{
    do_group_exit((error_code & 0xff) << 8);
}
