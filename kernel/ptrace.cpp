/* Access checks between processes (Linux's kernel/ptrace.c
 * __ptrace_may_access; there is no ptrace(2) yet). */
#include <linux/cred.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/signal.h>

bool ptrace_may_access(task_struct* t, unsigned mode)
{
    if (t->tgid == current->tgid)
        return true;
    const cred* c = current_cred();
    const cred* tc = t->cred;
    uid_t uid = (mode & PTRACE_MODE_FSCREDS) ? c->fsuid : c->uid;
    gid_t gid = (mode & PTRACE_MODE_FSCREDS) ? c->fsgid : c->gid;
    bool same_ids = tc && uid == tc->uid && uid == tc->euid && uid == tc->suid && gid == tc->gid &&
                    gid == tc->egid && gid == tc->sgid;
    if (!same_ids && !capable(CAP_SYS_PTRACE))
        return false;
    /* A process that changed its ids (or said PR_SET_DUMPABLE 0) is not
     * for its owner to look into either. */
    if (t->signal && t->signal->dumpable != SUID_DUMP_USER && !capable(CAP_SYS_PTRACE))
        return false;
    return true;
}
