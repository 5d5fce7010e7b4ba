/*
 * Keys in /proc (Linux's security/keys/proc.c and sysctl.c): /proc/keys,
 * the keys the reader may view (possession counted), one line each in
 * serial order; /proc/key-users, each user's key counts and quota; and the
 * quota and collector settings in /proc/sys/kernel/keys (0 to INT_MAX,
 * writable by root). The entries are in fs/proc/generic.cpp's table.
 */
#include <linux/printk.h>
#include "../../fs/proc/internal.h"
#include "internal.h"

namespace procfs {

Result<void> show_keys(seqbuf& m)
{
    key_gc_maybe();
    const cred* c = current_cred();
    s64 now = key_now();
    rec_spin_guard g(&key_lock);
    for (rb_node* n = rb_first(&key_serial_tree); n; n = rb_next(n)) {
        key* k = rb_entry(n, key, serial_node);
        key_ref ref{k, false};
        if (k->perm & KEY_POS_VIEW) {
            keyring_search_context ctx = {};
            ctx.raw = k;
            ctx.c = c;
            ctx.recurse = true;
            ctx.error = Errno::EAGAIN;
            Result<key_ref> s = search_process_keyrings(ctx);
            if (s.ok()) {
                key_put(s.value().k);
                ref.possessed = true;
            }
        }
        if (!key_task_permission(ref, c, key_need::VIEW).ok())
            continue;
        char xbuf[24];
        if (k->expiry == TIME64_MAX) {
            snprintf(xbuf, sizeof(xbuf), "perm");
        } else if (now >= k->expiry) {
            snprintf(xbuf, sizeof(xbuf), "expd");
        } else {
            s64 t = k->expiry - now;
            if (t < 60)
                snprintf(xbuf, sizeof(xbuf), "%llds", static_cast<long long>(t));
            else if (t < 60 * 60)
                snprintf(xbuf, sizeof(xbuf), "%lldm", static_cast<long long>(t / 60));
            else if (t < 60 * 60 * 24)
                snprintf(xbuf, sizeof(xbuf), "%lldh", static_cast<long long>(t / (60 * 60)));
            else if (t < 60 * 60 * 24 * 7)
                snprintf(xbuf, sizeof(xbuf), "%lldd", static_cast<long long>(t / (60 * 60 * 24)));
            else
                snprintf(xbuf, sizeof(xbuf), "%lldw", static_cast<long long>(t / (60 * 60 * 24 * 7)));
        }
        auto flag = [&](int bit, char letter) { return test_bit(bit, k->flags) ? letter : '-'; };
        auto munged = [](u32 id) { return id == static_cast<u32>(-1) ? 65534 : static_cast<int>(id); };
        m.printf("%08x %c%c%c%c%c%c%c %5d %4s %08x %5d %5d %-9.9s ", static_cast<unsigned>(k->serial),
                 k->state != KEY_IS_UNINSTANTIATED ? 'I' : '-', flag(KEY_FLAG_REVOKED, 'R'), flag(KEY_FLAG_DEAD, 'D'),
                 flag(KEY_FLAG_IN_QUOTA, 'Q'), flag(KEY_FLAG_USER_CONSTRUCT, 'U'), k->state < 0 ? 'N' : '-',
                 flag(KEY_FLAG_INVALIDATED, 'i'), k->usage, xbuf, k->perm, munged(k->uid), munged(k->gid),
                 k->type->name);
        if (k->type->describe)
            k->type->describe(k, m);
        m.putc('\n');
    }
    return {};
}

Result<void> show_key_users(seqbuf& m)
{
    rec_spin_guard g(&key_lock);
    for (rb_node* n = rb_first(&key_user_tree); n; n = rb_next(n)) {
        key_user* u = rb_entry(n, key_user, node);
        unsigned maxkeys = u->uid == 0 ? key_quota_root_maxkeys : key_quota_maxkeys;
        unsigned maxbytes = u->uid == 0 ? key_quota_root_maxbytes : key_quota_maxbytes;
        m.printf("%5u: %5d %d/%d %u/%u %u/%u\n", u->uid, u->usage, u->nkeys, u->nikeys, u->qnkeys, maxkeys,
                 u->qnbytes, maxbytes);
    }
    return {};
}

} // namespace procfs
