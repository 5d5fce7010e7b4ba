/* Credentials: the ids, capable(), and the id-changing system calls' shared rules. */
#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/slab.h>

cred root_cred = {
    .usage = 1,
    .uid = 0, .euid = 0, .suid = 0, .fsuid = 0,
    .gid = 0, .egid = 0, .sgid = 0, .fsgid = 0,
    .ngroups = 0,
    .groups = {},
    .cap_permitted = CAP_FULL_SET,
    .cap_effective = CAP_FULL_SET,
};

const cred* current_cred() { return current->cred; }

cred* prepare_creds()
{
    auto* c = static_cast<cred*>(kmalloc(sizeof(cred)));
    if (c) {
        *c = *current->cred;
        c->usage = 1;
    }
    return c;
}

void commit_creds(cred* new_cred)
{
    cred* old = current->cred;
    current->cred = new_cred;
    put_cred(old);
}

cred* get_cred(cred* c)
{
    c->usage++;
    return c;
}

void put_cred(cred* c)
{
    if (--c->usage == 0 && c != &root_cred)
        kfree(c);
}

bool capable(int cap) { return current->cred->cap_effective & (1ULL << cap); }

bool in_group_p(gid_t gid)
{
    const cred* c = current->cred;
    if (c->fsgid == gid)
        return true;
    for (int i = 0; i < c->ngroups; i++)
        if (c->groups[i] == gid)
            return true;
    return false;
}
