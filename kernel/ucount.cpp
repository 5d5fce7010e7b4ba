/*
 * Per-user counts (Linux's kernel/ucount.c, its UCOUNT_RLIMIT_SIGPENDING
 * in particular): an entry per real user id with signals queued, in a hash
 * table by uid, made at the first and freed with the last. Every function
 * runs under tasklist_lock (the signal queues' lock; kernel/signal.cpp),
 * which protects the table and the counts; kmalloc is safe there, in
 * interrupt context too.
 */
#include <linux/slab.h>
#include <linux/smp_lock.h>
#include <linux/ucount.h>
#include "../lib/hashtable.h"

struct ucounts {
    hlist_node node; /* in ucount_table */
    uid_t uid;
    long sigpending; /* signals queued for uid, with their siginfo */
};

namespace {

constexpr unsigned UCOUNT_HASH_BITS = 6;
hlist_head ucount_heads[1u << UCOUNT_HASH_BITS];
hash_table ucount_table{ucount_heads, UCOUNT_HASH_BITS};

ucounts* find_ucounts(uid_t uid)
{
    hlist_for_each_safe(pos, ucount_table.bucket(uid)) {
        auto* uc = hlist_entry(pos, ucounts, node);
        if (uc->uid == uid)
            return uc;
    }
    return nullptr;
}

} // namespace

ucounts* inc_sigpending(uid_t uid, unsigned long limit, bool override)
{
    ucounts* uc = find_ucounts(uid);
    long now = uc ? uc->sigpending : 0;
    /* Linux's inc_rlimit_get_ucounts: the new count may not exceed the limit. */
    if (!override && static_cast<unsigned long>(now + 1) > limit)
        return nullptr;
    if (!uc) {
        uc = static_cast<ucounts*>(kzalloc(sizeof(ucounts)));
        if (!uc)
            return nullptr;
        uc->uid = uid;
        ucount_table.add(&uc->node, uid);
    }
    uc->sigpending++;
    return uc;
}

void dec_sigpending(ucounts* uc)
{
    if (--uc->sigpending == 0) {
        hash_table::del(&uc->node);
        kfree(uc);
    }
}

long sigpending_count(uid_t uid)
{
    ucounts* uc = find_ucounts(uid);
    return uc ? uc->sigpending : 0;
}
