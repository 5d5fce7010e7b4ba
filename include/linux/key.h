/*
 * The keyrings' hooks for the rest of the kernel (security/keys/): the
 * keyring references credentials hold, and what fork, exec and the return
 * to user mode do with them. docs/keys.md describes the subsystem.
 */
#pragma once
#include <linux/result.h>

struct cred;
struct key;

/* prepare_creds copied c from another: take its keyring references. */
void key_cred_get_refs(cred* c);
/* put_cred frees c: drop them. */
void key_cred_put_refs(cred* c);
/* fork/clone: the child's credentials. A new thread gets no thread keyring
 * (a new one if the parent had one, as Linux's copy_creds), a new process
 * neither the thread nor the process keyring; the session and the rest are
 * shared. */
[[nodiscard]] Result<cred*> key_fork_cred(cred* parent, unsigned long clone_flags);
/* execve's new credentials lose the thread and process keyrings. */
void key_exec_cred(cred* c);
/* On the way back to user mode: a session keyring a child gave this task
 * (KEYCTL_SESSION_TO_PARENT) is installed. */
void key_change_session_keyring();
/* A task is freed: a session keyring still pending for it goes. */
struct task_struct;
void exit_keys(task_struct* t);
