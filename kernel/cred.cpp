/* Credentials: the ids, capable(), and the id-changing system calls' shared rules. */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/key.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>

/* No supplementary groups: every credential without setgroups shares it. */
static group_info init_groups = {.usage = 1, .ngroups = 0};

cred root_cred = {
    .usage = 1,
    .uid = 0, .euid = 0, .suid = 0, .fsuid = 0,
    .gid = 0, .egid = 0, .sgid = 0, .fsgid = 0,
    .group_info = &init_groups,
    .securebits = 0,
    .cap_inheritable = 0,
    .cap_permitted = CAP_FULL_SET,
    .cap_effective = CAP_FULL_SET,
    .cap_bset = CAP_FULL_SET,
    .cap_ambient = 0,
};

const cred* current_cred() { return current->cred; }

cred* prepare_creds()
{
    auto* c = static_cast<cred*>(kmalloc(sizeof(cred)));
    if (c) {
        *c = *current->cred;
        c->usage = 1;
        refcount_inc(c->group_info->usage, "group_info", c->group_info);
        key_cred_get_refs(c);
    }
    return c;
}

group_info* groups_alloc(int n)
{
    auto* gi = static_cast<group_info*>(kmalloc(sizeof(group_info) + sizeof(gid_t) * (n ? n : 1)));
    if (gi) {
        gi->usage = 1;
        gi->ngroups = n;
    }
    return gi;
}

void put_group_info(group_info* gi)
{
    if (refcount_dec_and_test(gi->usage, "group_info", gi) && gi != &init_groups)
        kfree(gi);
}

/* Sorted (Linux's groups_sort; in_group_p searches it), then c's. */
void set_groups(cred* c, group_info* gi)
{
    for (int i = 1; i < gi->ngroups; i++) { /* insertion sort: lists are short, and sorted ones cost n */
        gid_t v = gi->gid[i];
        int j = i;
        for (; j > 0 && gi->gid[j - 1] > v; j--)
            gi->gid[j] = gi->gid[j - 1];
        gi->gid[j] = v;
    }
    put_group_info(c->group_info);
    c->group_info = gi;
}

void commit_creds(cred* new_cred)
{
    task_struct* t = current;
    cred* old = t->cred;
    /* A process whose ids change may not be dumped (nor ptraced) by its old
     * self, and its parent may no longer signal it at death (Linux). */
    if (old->euid != new_cred->euid || old->egid != new_cred->egid || old->fsuid != new_cred->fsuid ||
        old->fsgid != new_cred->fsgid || (new_cred->cap_permitted & ~old->cap_permitted)) {
        t->signal->dumpable = suid_dumpable;
        t->pdeath_signal = 0;
    }
    t->cred = new_cred;
    put_cred(old);
}

cred* get_cred(cred* c)
{
    refcount_inc(c->usage, "cred", c);
    return c;
}

void put_cred(cred* c)
{
    if (refcount_dec_and_test(c->usage, "cred", c) && c != &root_cred) {
        key_cred_put_refs(c);
        put_group_info(c->group_info);
        kfree(c);
    }
}

bool capable(int cap) { return current->cred->cap_effective & (1ULL << cap); }

bool in_group_p(gid_t gid)
{
    const cred* c = current->cred;
    if (c->fsgid == gid)
        return true;
    const group_info* gi = c->group_info;
    int lo = 0, hi = gi->ngroups;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (gi->gid[mid] == gid)
            return true;
        if (gi->gid[mid] < gid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/*
 * execve's new credentials (Linux's bprm_fill_uid, then the capability rules
 * of security/commoncap.cpp for a file without file capabilities), computed
 * into n, a prepared copy of the caller's, once the program's inode i is
 * known; nothing is installed yet. A set-user-ID file makes its owner the
 * effective uid, a set-group-ID file (with group execute) its group the
 * effective gid, unless the task has no_new_privs. Returns whether the exec
 * raises privileges (Linux's secureexec: AT_SECURE).
 */
bool exec_compute_creds(cred* n, const inode* i)
{
    task_struct* t = current;
    if (!t->no_new_privs) {
        if (i->i_mode & S_ISUID)
            n->euid = i->i_uid;
        if ((i->i_mode & (S_ISGID | 00010)) == (S_ISGID | 00010))
            n->egid = i->i_gid;
    }
    return cap_bprm_creds(n, t->cred, t->no_new_privs);
}

/* Installs them at the point of no return: the process becomes dumpable again
 * (suid_dumpable when its ids differ or it could not read the program), and a
 * privilege-raising exec clears pdeath_signal. */
void exec_commit_creds(cred* n, bool secureexec, bool readable)
{
    task_struct* t = current;
    commit_creds(n);
    t->signal->dumpable = (!readable || n->euid != n->uid || n->egid != n->gid) ? suid_dumpable : SUID_DUMP_USER;
    if (secureexec)
        t->pdeath_signal = 0;
}
