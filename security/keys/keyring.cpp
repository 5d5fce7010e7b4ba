/*
 * Keyrings (Linux's security/keys/keyring.c): the "keyring" key type, whose
 * payload is the set of keys linked into it, at most one per type and
 * description (linking another replaces it, as Linux's associative array
 * does); each link costs its owner KEYQUOTA_LINK_BYTES of quota. Searching
 * is depth first, at most KEYRING_SEARCH_MAX_DEPTH keyrings deep, through
 * keyrings the caller may search; the errors of the keys it passed over say
 * why nothing was found. Named keyrings (a description not starting with
 * '.') can be joined as session keyrings by name.
 */
#include <linux/slab.h>
#include <linux/string.h>
#include "../../fs/proc/internal.h"
#include "internal.h"

namespace {

list_head keyring_name_list; /* named keyrings, under key_lock */

bool index_match(const key* k, const key_type* type, const char* desc)
{
    return k->type == type && strcmp(k->description, desc) == 0;
}

/* The slot holding the link with k's type and description, or -1. */
int find_slot(const key* keyring, const key_type* type, const char* desc)
{
    for (unsigned i = 0; i < keyring->nr_links; i++)
        if (index_match(keyring->links[i], type, desc))
            return static_cast<int>(i);
    return -1;
}

void drop_slot(key* keyring, unsigned i)
{
    key* k = keyring->links[i];
    keyring->links[i] = keyring->links[--keyring->nr_links];
    key_put(k);
}

void keyring_drop_all(key* keyring)
{
    while (keyring->nr_links)
        drop_slot(keyring, keyring->nr_links - 1);
}

Result<void> keyring_preparse(key_preparsed_payload* prep) { return prep->datalen ? Errno::EINVAL : Result<void>{}; }

Result<void> keyring_instantiate(key* keyring, key_preparsed_payload*)
{
    rec_spin_guard g(&key_lock);
    if (keyring->description[0] && keyring->description[0] != '.') {
        if (!keyring_name_list.next)
            keyring_name_list.init();
        keyring_name_list.add_tail(&keyring->name_link);
    }
    return {};
}

void keyring_revoke(key* keyring)
{
    keyring_drop_all(keyring);
    (void)key_payload_reserve(keyring, 0);
}

void keyring_destroy(key* keyring)
{
    if (!keyring->name_link.empty())
        list_head::del(&keyring->name_link);
    keyring_drop_all(keyring);
    kfree(keyring->links);
    keyring->links = nullptr;
}

void keyring_describe(const key* keyring, procfs::seqbuf& m)
{
    m.puts(keyring->description[0] ? keyring->description : "[anon]");
    if (keyring->state == KEY_IS_POSITIVE) {
        if (keyring->nr_links)
            m.printf(": %u", keyring->nr_links);
        else
            m.puts(": empty");
    }
}

long keyring_read(const key* keyring, char* buf, size_t buflen)
{
    if (buflen & (sizeof(key_serial_t) - 1))
        return errno_return(Errno::EINVAL); /* whole serials only */
    if (buf && buflen) {
        size_t n = 0;
        for (unsigned i = 0; i < keyring->nr_links && n + sizeof(key_serial_t) <= buflen; i++, n += 4)
            memcpy(buf + n, &keyring->links[i]->serial, sizeof(key_serial_t));
    }
    return static_cast<long>(keyring->nr_links * sizeof(key_serial_t));
}

/* One candidate of a search (Linux's keyring_search_iterator): 1 found, 0 no
 * match, skipped: the error is kept in ctx. */
int search_iterator(key* k, keyring_search_context& ctx, int skipped_ret)
{
    if (ctx.raw) {
        if (k != ctx.raw)
            return 0;
    } else if (!index_match(k, ctx.type, ctx.description)) {
        return 0;
    }
    if (ctx.state_check) {
        if (test_bit(KEY_FLAG_INVALIDATED, k->flags) || test_bit(KEY_FLAG_REVOKED, k->flags)) {
            ctx.error = Errno::EKEYREVOKED;
            return skipped_ret;
        }
        if (k->expiry != TIME64_MAX && ctx.now >= k->expiry) {
            if (!ctx.skip_expired)
                ctx.error = Errno::EKEYEXPIRED;
            return skipped_ret;
        }
    }
    if (!ctx.no_check_perm && !key_task_permission(key_ref{k, ctx.possessed}, ctx.c, key_need::SEARCH).ok()) {
        ctx.error = Errno::EACCES;
        return skipped_ret;
    }
    if (ctx.state_check && k->state < 0) {
        ctx.error = static_cast<Errno>(-k->state);
        return skipped_ret;
    }
    return 1;
}

key* search_nested(key* keyring, keyring_search_context& ctx, int depth)
{
    /* the keyring itself may be what is sought */
    switch (search_iterator(keyring, ctx, 2)) {
    case 1: return keyring;
    case 2: return nullptr;
    default: break;
    }
    for (unsigned i = 0; i < keyring->nr_links; i++) {
        key* k = keyring->links[i];
        if (search_iterator(k, ctx, 0) == 1)
            return k;
    }
    if (!ctx.recurse)
        return nullptr;
    for (unsigned i = 0; i < keyring->nr_links; i++) {
        key* k = keyring->links[i];
        if (k->type != &key_type_keyring)
            continue;
        if (depth + 1 >= KEYRING_SEARCH_MAX_DEPTH)
            continue;
        if (!ctx.no_check_perm && !key_task_permission(key_ref{k, ctx.possessed}, ctx.c, key_need::SEARCH).ok())
            continue;
        if (key* found = search_nested(k, ctx, depth + 1))
            return found;
    }
    return nullptr;
}

/* Is `target` reachable from `from` (linking from into target would close a
 * loop)? EDEADLK if so, ELOOP if the keyrings below go too deep. */
Result<void> detect_cycle(const key* from, const key* target, int depth)
{
    if (from == target)
        return Errno::EDEADLK;
    if (depth >= KEYRING_SEARCH_MAX_DEPTH)
        return Errno::ELOOP;
    for (unsigned i = 0; i < from->nr_links; i++)
        if (from->links[i]->type == &key_type_keyring)
            TRY(detect_cycle(from->links[i], target, depth + 1));
    return {};
}

/* Room for one more link: its quota and the array. */
Result<void> reserve_link(key* keyring)
{
    if (keyring->nr_links == keyring->cap_links) {
        unsigned cap = keyring->cap_links ? keyring->cap_links * 2 : 8;
        auto* links = static_cast<key**>(kmalloc(cap * sizeof(key*)));
        if (!links)
            return Errno::ENOMEM;
        if (keyring->nr_links)
            memcpy(links, keyring->links, keyring->nr_links * sizeof(key*));
        kfree(keyring->links);
        keyring->links = links;
        keyring->cap_links = cap;
    }
    return key_payload_reserve(keyring, keyring->datalen + KEYQUOTA_LINK_BYTES);
}

/* The checks of key_link and key_move before the change (Linux's
 * __key_link_begin, restriction and live-key checks); *slot is the link it
 * replaces, or -1. */
Result<void> link_begin(key* keyring, key* k, int* slot)
{
    if (keyring->type != &key_type_keyring)
        return Errno::ENOTDIR;
    if (test_bit(KEY_FLAG_REVOKED, keyring->flags))
        return Errno::EKEYREVOKED;
    *slot = find_slot(keyring, k->type, k->description);
    if (*slot < 0) {
        unsigned maxbytes = keyring->user->uid == 0 ? key_quota_root_maxbytes : key_quota_maxbytes;
        if (test_bit(KEY_FLAG_IN_QUOTA, keyring->flags) &&
            keyring->user->qnbytes + KEYQUOTA_LINK_BYTES > maxbytes)
            return Errno::EDQUOT;
    }
    if (keyring->restricted)
        return Errno::EPERM;
    if (k->type == &key_type_keyring)
        TRY(detect_cycle(k, keyring, 0));
    return {};
}

void link_commit(key* keyring, key* k, int slot)
{
    key_get(k);
    if (slot >= 0) {
        key* old = keyring->links[slot];
        keyring->links[slot] = k;
        key_put(old);
    } else {
        keyring->links[keyring->nr_links++] = k;
    }
}

} // namespace

const key_type key_type_keyring = {
    .name = "keyring",
    .def_datalen = 0,
    .vet_description = nullptr,
    .preparse = keyring_preparse,
    .free_preparse = nullptr,
    .instantiate = keyring_instantiate,
    .update = nullptr,
    .revoke = keyring_revoke,
    .destroy = keyring_destroy,
    .describe = keyring_describe,
    .read = keyring_read,
};

Result<key*> keyring_alloc(const char* desc, uid_t uid, gid_t gid, key_perm_t perm, unsigned flags, key* dest)
{
    rec_spin_guard g(&key_lock);
    key* k = TRY(key_alloc(&key_type_keyring, desc, uid, gid, perm, flags));
    (void)keyring_instantiate(k, nullptr);
    mark_key_instantiated(k, 0);
    if (dest) {
        Result<void> r = link_new_key(dest, k);
        if (!r.ok()) {
            key_put(k);
            return r.error();
        }
    }
    return k;
}

Result<void> link_new_key(key* keyring, key* k)
{
    rec_spin_guard g(&key_lock);
    if (keyring->type != &key_type_keyring)
        return Errno::ENOTDIR;
    if (test_bit(KEY_FLAG_REVOKED, keyring->flags))
        return Errno::EKEYREVOKED;
    int slot = find_slot(keyring, k->type, k->description);
    if (slot < 0)
        TRY(reserve_link(keyring));
    link_commit(keyring, k, slot);
    return {};
}

Result<void> key_link(key* keyring, key* k)
{
    rec_spin_guard g(&key_lock);
    int slot;
    TRY(link_begin(keyring, k, &slot));
    if (slot < 0)
        TRY(reserve_link(keyring));
    link_commit(keyring, k, slot);
    return {};
}

Result<void> key_unlink(key* keyring, key* k)
{
    rec_spin_guard g(&key_lock);
    if (keyring->type != &key_type_keyring)
        return Errno::ENOTDIR;
    int slot = find_slot(keyring, k->type, k->description);
    if (slot < 0)
        return Errno::ENOENT;
    drop_slot(keyring, static_cast<unsigned>(slot));
    (void)key_payload_reserve(keyring, keyring->datalen >= KEYQUOTA_LINK_BYTES ? keyring->datalen - KEYQUOTA_LINK_BYTES
                                                                                : 0);
    return {};
}

Result<void> key_move(key* k, key* from, key* to, unsigned flags)
{
    if (from == to)
        return {};
    rec_spin_guard g(&key_lock);
    if (from->type != &key_type_keyring || to->type != &key_type_keyring)
        return Errno::ENOTDIR;
    if (find_slot(from, k->type, k->description) < 0)
        return Errno::ENOENT;
    int slot;
    if (to->type == &key_type_keyring && test_bit(KEY_FLAG_REVOKED, to->flags))
        return Errno::EKEYREVOKED;
    slot = find_slot(to, k->type, k->description);
    if (slot >= 0 && (flags & KEYCTL_MOVE_EXCL))
        return Errno::EEXIST;
    TRY(link_begin(to, k, &slot));
    if (slot < 0)
        TRY(reserve_link(to));
    key_get(k); /* across the unlink */
    Result<void> r = key_unlink(from, k);
    if (r.ok())
        link_commit(to, k, slot);
    key_put(k);
    return r;
}

Result<void> keyring_clear(key* keyring)
{
    rec_spin_guard g(&key_lock);
    if (keyring->type != &key_type_keyring)
        return Errno::ENOTDIR;
    keyring_drop_all(keyring);
    (void)key_payload_reserve(keyring, 0);
    return {};
}

Result<void> keyring_restrict(key_ref ref, const char* type, const char* restriction)
{
    (void)restriction;
    key* keyring = ref.k;
    if (keyring->type != &key_type_keyring)
        return Errno::ENOTDIR;
    if (type) {
        /* No type here has a restriction scheme (Linux's lookup_restriction:
         * asymmetric keys' "builtin_trusted", "key_or_keyring:"...). */
        if (!key_type_lookup(type))
            return Errno::ENOKEY;
        return Errno::ENOENT;
    }
    rec_spin_guard g(&key_lock);
    if (keyring->restricted)
        return Errno::EEXIST;
    keyring->restricted = true;
    return {};
}

Result<key_ref> keyring_search_rcu(key_ref keyring, keyring_search_context& ctx)
{
    if (keyring.k->type != &key_type_keyring)
        return Errno::ENOTDIR;
    if (!ctx.no_check_perm)
        TRY(key_task_permission(keyring, ctx.c, key_need::SEARCH));
    rec_spin_guard g(&key_lock);
    ctx.possessed = keyring.possessed;
    ctx.now = key_now();
    ctx.error = Errno::EAGAIN;
    if (key* found = search_nested(keyring.k, ctx, 0))
        return key_ref{key_get(found), keyring.possessed};
    return ctx.error;
}

Result<key_ref> keyring_search(key_ref keyring, const key_type* type, const char* desc, bool recurse)
{
    keyring_search_context ctx = {};
    ctx.type = type;
    ctx.description = desc;
    ctx.c = current_cred();
    ctx.state_check = true;
    ctx.recurse = recurse;
    ctx.error = Errno::EAGAIN;
    return keyring_search_rcu(keyring, ctx);
}

key* find_keyring_by_name(const char* name, bool uid_keyring)
{
    rec_spin_guard g(&key_lock);
    if (!keyring_name_list.next)
        return nullptr;
    list_for_each(p, &keyring_name_list) {
        key* k = list_entry(p, key, name_link);
        if (test_bit(KEY_FLAG_REVOKED, k->flags) || strcmp(k->description, name) != 0)
            continue;
        if (uid_keyring ? !test_bit(KEY_FLAG_UID_KEYRING, k->flags)
                        : !key_permission(key_ref{k, false}, key_need::SEARCH).ok())
            continue;
        return key_get(k);
    }
    return nullptr;
}

key_ref find_key_to_update(key_ref keyring, const key_type* type, const char* desc)
{
    rec_spin_guard g(&key_lock);
    int slot = find_slot(keyring.k, type, desc);
    if (slot < 0)
        return {};
    key* k = keyring.k->links[slot];
    if (test_bit(KEY_FLAG_INVALIDATED, k->flags) || test_bit(KEY_FLAG_REVOKED, k->flags))
        return {};
    return key_ref{key_get(k), keyring.possessed};
}

long keyring_read_ids(const key* keyring, key_serial_t* buf, size_t buflen)
{
    return keyring_read(keyring, reinterpret_cast<char*>(buf), buflen);
}

/* Drops the links to dead keys (Linux's key_is_dead): invalidated ones,
 * those revoked gc_delay before now, and those expired gc_delay before limit. */
void keyring_gc(key* keyring, s64 now, s64 limit)
{
    rec_spin_guard g(&key_lock);
    for (unsigned i = 0; i < keyring->nr_links;) {
        key* k = keyring->links[i];
        bool dead = test_bit(KEY_FLAG_INVALIDATED, k->flags) || test_bit(KEY_FLAG_DEAD, k->flags) ||
                    (k->revoked_at && k->revoked_at + key_gc_delay <= now) ||
                    (k->expiry != TIME64_MAX && k->expiry + key_gc_delay <= limit);
        if (!dead) {
            i++;
            continue;
        }
        drop_slot(keyring, i);
        (void)key_payload_reserve(keyring, keyring->datalen >= KEYQUOTA_LINK_BYTES
                                               ? keyring->datalen - KEYQUOTA_LINK_BYTES : 0);
    }
}
