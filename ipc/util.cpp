/*
 * System V IPC: the id namespaces and permission checks shared by message
 * queues (msg.cpp), semaphores (sem.cpp) and shared memory (shm.cpp), as
 * Linux's ipc/util.c. Each kind has an ipc_ids: a tree of its objects by
 * index and a hash by key; both are intrusive (kern_ipc_perm holds the
 * nodes), so nothing here allocates. docs/ipc.md has the design.
 */
#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/time.h>
#include <uapi/linux/stat.h>
#include "util.h"

spinlock_t ipc_lock("ipc_lock");

ipc_ids msg_ids{.limit = MSGMNI, .last_idx = -1};
ipc_ids sem_ids{.limit = SEMMNI, .last_idx = -1};
ipc_ids shm_ids{.limit = SHMMNI, .last_idx = -1};

ipc_namespace_limits ipc_ns{
    .shm_ctlmax = SHMMAX,
    .shm_ctlall = SHMALL,
    .shm_ctlmni = SHMMNI,
    .shm_tot = 0,
    .msg_ctlmax = MSGMAX,
    .msg_ctlmnb = MSGMNB,
    .msg_ctlmni = MSGMNI,
    .msg_bytes = 0,
    .msg_hdrs = 0,
    .sem_ctls = {SEMMSL, SEMMNS, SEMOPM, SEMMNI},
    .used_sems = 0,
};

namespace {

/* ipc_min_cycle: the cyclic allocation spans at least this many indexes. */
constexpr int IPC_MIN_CYCLE = 64;

kern_ipc_perm* idx_entry(rb_node* n) { return rb_entry(n, kern_ipc_perm, idx_node); }

hlist_head* key_bucket(ipc_ids& ids, key_t key)
{
    return &ids.by_key[hash_64(static_cast<u32>(key), IPC_KEY_HASH_BITS)];
}

kern_ipc_perm* find_key(ipc_ids& ids, key_t key)
{
    hlist_for_each_safe(pos, key_bucket(ids, key)) {
        auto* p = hlist_entry(pos, kern_ipc_perm, key_node);
        if (p->key == key)
            return p;
    }
    return nullptr;
}

kern_ipc_perm* find_idx(ipc_ids& ids, int idx)
{
    rb_node* n = ids.by_idx.node;
    while (n) {
        kern_ipc_perm* p = idx_entry(n);
        if (idx == p->idx)
            return p;
        n = idx < p->idx ? n->left : n->right;
    }
    return nullptr;
}

/* The first free index >= from and < max, or -1. */
int free_idx_from(ipc_ids& ids, int from, int max)
{
    kern_ipc_perm* p = ipc_next_from(ids, from);
    int idx = from;
    for (rb_node* n = p ? &p->idx_node : nullptr; n && idx < max; n = rb_next(n)) {
        if (idx_entry(n)->idx != idx)
            break;
        idx++;
    }
    return idx < max ? idx : -1;
}

} // namespace

s64 ipc_now() { return ktime_get_real_ns() / 1000000000LL; }

kern_ipc_perm* ipc_next_from(ipc_ids& ids, int idx)
{
    rb_node* n = ids.by_idx.node;
    kern_ipc_perm* best = nullptr;
    while (n) {
        kern_ipc_perm* p = idx_entry(n);
        if (p->idx >= idx) {
            best = p;
            n = n->left;
        } else {
            n = n->right;
        }
    }
    return best;
}

Result<int> ipc_addid(ipc_ids& ids, kern_ipc_perm* perm, key_t key, int mode)
{
    if (ids.in_use >= ids.limit)
        return Errno::ENOSPC;
    /* Linux's idr_alloc_cyclic below max(in_use * 3 / 2, ipc_min_cycle). */
    int max = ids.in_use * 3 / 2;
    if (max < IPC_MIN_CYCLE)
        max = IPC_MIN_CYCLE;
    if (max > ids.limit)
        max = ids.limit;
    int start = ids.next_idx < max ? ids.next_idx : 0;
    int idx = free_idx_from(ids, start, max);
    if (idx < 0 && start > 0)
        idx = free_idx_from(ids, 0, start);
    if (idx < 0)
        return Errno::ENOSPC;
    if (idx <= ids.last_idx) {
        ids.seq++;
        if (ids.seq >= static_cast<unsigned>(IPCID_SEQ_MAX))
            ids.seq = 0;
    }
    ids.last_idx = idx;
    ids.next_idx = idx + 1;

    const cred* c = current_cred();
    perm->key = key;
    perm->uid = perm->cuid = c->euid;
    perm->gid = perm->cgid = c->egid;
    perm->mode = mode;
    perm->seq = ids.seq;
    perm->idx = idx;
    perm->id = static_cast<int>(perm->seq << IPCMNI_SHIFT) + idx;
    perm->deleted = false;
    perm->refcount = 1;
    rb_add(&perm->idx_node, &ids.by_idx,
           [](const rb_node* a, const rb_node* b) { return idx_entry(const_cast<rb_node*>(a))->idx <
                                                           idx_entry(const_cast<rb_node*>(b))->idx; });
    if (key != IPC_PRIVATE)
        hlist_add_head(&perm->key_node, key_bucket(ids, key));
    ids.in_use++;
    return perm->id;
}

void ipc_set_key_private(ipc_ids&, kern_ipc_perm* perm)
{
    hlist_del_init(&perm->key_node);
    perm->key = IPC_PRIVATE;
}

void ipc_rmid(ipc_ids& ids, kern_ipc_perm* perm)
{
    rb_erase(&perm->idx_node, &ids.by_idx);
    hlist_del_init(&perm->key_node);
    ids.in_use--;
    perm->deleted = true;
}

Result<kern_ipc_perm*> ipc_obtain_object_idr(ipc_ids& ids, int id)
{
    kern_ipc_perm* p = find_idx(ids, id % SEQ_MULTIPLIER);
    if (!p)
        return Errno::EINVAL;
    return p;
}

Result<kern_ipc_perm*> ipc_obtain_object_check(ipc_ids& ids, int id)
{
    kern_ipc_perm* p = TRY(ipc_obtain_object_idr(ids, id));
    if (static_cast<unsigned>(id) / SEQ_MULTIPLIER != p->seq)
        return Errno::EINVAL;
    return p;
}

int ipc_get_maxidx(const ipc_ids& ids)
{
    if (ids.in_use == 0)
        return -1;
    if (ids.in_use == ids.limit)
        return ids.limit - 1;
    return idx_entry(rb_last(&ids.by_idx))->idx;
}

bool ipcperms(const kern_ipc_perm* perm, int flag)
{
    const cred* c = current_cred();
    int requested = (flag >> 6) | (flag >> 3) | flag;
    unsigned granted = perm->mode;
    if (c->euid == perm->cuid || c->euid == perm->uid)
        granted >>= 6;
    else if (in_group_p(perm->cgid) || in_group_p(perm->gid))
        granted >>= 3;
    return (requested & ~granted & 0007) && !capable(CAP_IPC_OWNER);
}

Result<kern_ipc_perm*> ipcctl_obtain_check(ipc_ids& ids, int id)
{
    kern_ipc_perm* p = TRY(ipc_obtain_object_check(ids, id));
    uid_t euid = current_cred()->euid;
    if (euid == p->cuid || euid == p->uid || capable(CAP_SYS_ADMIN))
        return p;
    return Errno::EPERM;
}

Result<void> ipc_update_perm(const ipc64_perm& in, kern_ipc_perm* out)
{
    /* (uid_t)-1 is no user in any namespace: make_kuid fails on it. */
    if (in.uid == static_cast<u32>(-1) || in.gid == static_cast<u32>(-1))
        return Errno::EINVAL;
    out->uid = in.uid;
    out->gid = in.gid;
    out->mode = (out->mode & ~S_IRWXUGO) | (in.mode & S_IRWXUGO);
    return {};
}

void kernel_to_ipc64_perm(const kern_ipc_perm* in, ipc64_perm* out)
{
    out->key = in->key;
    out->uid = in->uid;
    out->gid = in->gid;
    out->cuid = in->cuid;
    out->cgid = in->cgid;
    out->mode = in->mode;
    out->seq = static_cast<u16>(in->seq);
}

Result<int> ipcget(ipc_ids& ids, const ipc_ops& ops, const ipc_params& p)
{
    if (p.key != IPC_PRIVATE) {
        u64 flags = spin_lock_irqsave(&ipc_lock);
        kern_ipc_perm* perm = find_key(ids, p.key);
        if (perm) {
            Result<int> r = Errno::EEXIST;
            if (!((p.flg & IPC_CREAT) && (p.flg & IPC_EXCL))) {
                Result<void> more = ops.more_checks ? ops.more_checks(perm, p) : Result<void>{};
                if (!more.ok())
                    r = more.error();
                else if (ipcperms(perm, p.flg))
                    r = Errno::EACCES;
                else
                    r = perm->id;
            }
            spin_unlock_irqrestore(&ipc_lock, flags);
            return r;
        }
        spin_unlock_irqrestore(&ipc_lock, flags);
        if (!(p.flg & IPC_CREAT))
            return Errno::ENOENT;
    }
    /* The kernel lock keeps a second creator of the same key out between
     * the lookup above and the creation (every caller holds it). */
    return ops.create(p);
}
