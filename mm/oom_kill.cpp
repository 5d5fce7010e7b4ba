/*
 * Out of memory on a page fault: Linux's OOM killer, reduced to its choice.
 * The process mapping the most pages gets SIGKILL, never init (pid 1) while
 * another can go; the task that faulted then faults again, by which time the
 * victim may have let its memory go. (Killing whoever faulted killed pid 1
 * when a fuzz worker held all memory through MAP_POPULATE; fuzz_oom_not_init.)
 */
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/signal.h>

void out_of_memory()
{
    task_struct* victim = nullptr;
    unsigned long most = 0;
    {
        rec_spin_guard g(&tasklist_lock); /* task_list (release_task unlinks under it) */
        list_for_each(pos, &task_list) {
            task_struct* t = list_entry(pos, task_struct, tasks);
            if (!thread_group_leader(t) || t->exit_state || !t->mm || t->pid == 1 || (t->flags & PF_EXITING))
                continue;
            if (!victim || t->mm->rss > most) {
                victim = t;
                most = t->mm->rss;
            }
        }
    }
    /* Nobody else holds memory it could free: the one that asked. */
    send_sig_info(SIGKILL, nullptr, victim ? victim : current, true);
}
