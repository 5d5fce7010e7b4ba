/*
 * System V IPC as the rest of the kernel sees it (ipc/): the hooks fork and
 * exit call for semaphore undo lists. The ABI is in uapi/linux/ipc.h; the
 * ids, permissions and objects are ipc/util.h's.
 */
#pragma once
#include <linux/result.h>

struct task_struct;
struct sem_undo_list;

/* fork/clone: CLONE_SYSVSEM shares the parent's undo list, else the child
 * starts with none (Linux's copy_semundo). ENOMEM if a list must be made. */
[[nodiscard]] Result<void> copy_semundo(unsigned long clone_flags, task_struct* p);
/* exit: applies and frees the task's semaphore adjustments when it is the
 * last user of its undo list (Linux's exit_sem). */
void exit_sem(task_struct* t);
