/*
 * Keys (Linux's security/keys/key.c): serial numbers, the per-user quota
 * records, allocation and release, instantiation, update, revocation,
 * invalidation and expiry, and add_key's create-or-update.
 *
 * Serials are random positive numbers of 31 bits, at least 3, as Linux's
 * key_alloc_serial: a random draw shifted right once, moved up past the
 * serials in use on a collision. A key is freed when its last reference
 * goes (keyring links, credentials, calls in progress): its quota goes back
 * to its owner at once (Linux's collector does it moments later).
 */
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/time.h>
#include "internal.h"

rec_spinlock_t key_lock("key_lock");
rb_root key_serial_tree;
rb_root key_user_tree;

/* /proc/sys/kernel/keys (proc.cpp). Linux's defaults. */
unsigned key_quota_maxkeys = 200, key_quota_maxbytes = 20000;
unsigned key_quota_root_maxkeys = 1000000, key_quota_root_maxbytes = 25000000;

s64 key_now() { return ktime_get_real_ns() / 1000000000LL; }

namespace {

key* serial_entry(rb_node* n) { return rb_entry(n, key, serial_node); }
key_user* user_entry(rb_node* n) { return rb_entry(n, key_user, node); }

void key_alloc_serial(key* k)
{
    do {
        u32 r;
        get_random_bytes(&r, sizeof(r));
        k->serial = static_cast<key_serial_t>(r >> 1); /* never negative */
    } while (k->serial < 3);
    for (;;) {
        rb_node** link = &key_serial_tree.node;
        rb_node* parent = nullptr;
        key* clash = nullptr;
        while (*link) {
            parent = *link;
            key* x = serial_entry(parent);
            if (k->serial < x->serial)
                link = &parent->left;
            else if (k->serial > x->serial)
                link = &parent->right;
            else {
                clash = x;
                break;
            }
        }
        if (!clash) {
            rb_link_node(&k->serial_node, parent, link);
            rb_insert_color(&k->serial_node, &key_serial_tree);
            return;
        }
        /* taken: the next number not in use after it */
        for (rb_node* n = &clash->serial_node;;) {
            k->serial++;
            if (k->serial < 3) {
                k->serial = 3;
                break;
            }
            n = rb_next(n);
            if (!n || k->serial < serial_entry(n)->serial)
                break;
        }
    }
}

unsigned maxkeys_for(uid_t uid) { return uid == 0 ? key_quota_root_maxkeys : key_quota_maxkeys; }
unsigned maxbytes_for(uid_t uid) { return uid == 0 ? key_quota_root_maxbytes : key_quota_maxbytes; }

void key_destroy(key* k)
{
    rb_erase(&k->serial_node, &key_serial_tree);
    if (k->type->destroy)
        k->type->destroy(k);
    key_user* u = k->user;
    if (test_bit(KEY_FLAG_IN_QUOTA, k->flags)) {
        u->qnkeys--;
        u->qnbytes -= k->quotalen;
    }
    u->nkeys--;
    if (k->state != KEY_IS_UNINSTANTIATED)
        u->nikeys--;
    key_user_put(u);
    kfree(k->description);
    kfree(k);
}

} // namespace

key* key_get(key* k)
{
    rec_spin_guard g(&key_lock);
    k->usage++;
    return k;
}

void key_put(key* k)
{
    if (!k)
        return;
    rec_spin_guard g(&key_lock);
    if (--k->usage == 0)
        key_destroy(k);
}

key* key_lookup(key_serial_t id)
{
    rec_spin_guard g(&key_lock);
    for (rb_node* n = key_serial_tree.node; n;) {
        key* k = serial_entry(n);
        if (id < k->serial)
            n = n->left;
        else if (id > k->serial)
            n = n->right;
        else
            return key_get(k);
    }
    return nullptr;
}

key_user* key_user_lookup(uid_t uid)
{
    rec_spin_guard g(&key_lock);
    rb_node** link = &key_user_tree.node;
    rb_node* parent = nullptr;
    while (*link) {
        parent = *link;
        key_user* u = user_entry(parent);
        if (uid < u->uid)
            link = &parent->left;
        else if (uid > u->uid)
            link = &parent->right;
        else {
            u->usage++;
            return u;
        }
    }
    auto* u = static_cast<key_user*>(kzalloc(sizeof(key_user)));
    if (!u)
        return nullptr;
    u->uid = uid;
    u->usage = 1;
    rb_link_node(&u->node, parent, link);
    rb_insert_color(&u->node, &key_user_tree);
    return u;
}

void key_user_put(key_user* u)
{
    rec_spin_guard g(&key_lock);
    if (--u->usage == 0) {
        rb_erase(&u->node, &key_user_tree);
        kfree(u);
    }
}

Result<key*> key_alloc(const key_type* type, const char* desc, uid_t uid, gid_t gid, key_perm_t perm, unsigned flags)
{
    if (!desc || !*desc)
        return Errno::EINVAL;
    if (type->vet_description)
        TRY(type->vet_description(desc));
    rec_spin_guard g(&key_lock);
    size_t desclen = strlen(desc);
    size_t quotalen = desclen + 1 + type->def_datalen;
    key_user* u = key_user_lookup(uid);
    if (!u)
        return Errno::ENOMEM;
    if (!(flags & KEY_ALLOC_NOT_IN_QUOTA)) {
        if (!(flags & KEY_ALLOC_QUOTA_OVERRUN) &&
            (u->qnkeys + 1 > maxkeys_for(uid) || u->qnbytes + quotalen > maxbytes_for(uid) ||
             u->qnbytes + quotalen < u->qnbytes)) {
            key_user_put(u);
            return Errno::EDQUOT;
        }
        u->qnkeys++;
        u->qnbytes += static_cast<unsigned>(quotalen);
    }
    auto* k = static_cast<key*>(kzalloc(sizeof(key)));
    char* d = static_cast<char*>(kmalloc(desclen + 1));
    if (!k || !d) {
        kfree(k);
        kfree(d);
        if (!(flags & KEY_ALLOC_NOT_IN_QUOTA)) {
            u->qnkeys--;
            u->qnbytes -= static_cast<unsigned>(quotalen);
        }
        key_user_put(u);
        return Errno::ENOMEM;
    }
    memcpy(d, desc, desclen + 1);
    k->name_link.init();
    k->usage = 1;
    k->type = type;
    k->description = d;
    k->user = u;
    k->uid = uid;
    k->gid = gid;
    k->perm = perm;
    k->expiry = TIME64_MAX;
    k->quotalen = static_cast<unsigned>(quotalen);
    k->datalen = static_cast<unsigned>(type->def_datalen);
    if (!(flags & KEY_ALLOC_NOT_IN_QUOTA))
        set_bit(KEY_FLAG_IN_QUOTA, k->flags);
    if (flags & KEY_ALLOC_UID_KEYRING)
        set_bit(KEY_FLAG_UID_KEYRING, k->flags);
    u->nkeys++;
    key_alloc_serial(k);
    return k;
}

Result<void> key_payload_reserve(key* k, size_t datalen)
{
    rec_spin_guard g(&key_lock);
    long delta = static_cast<long>(datalen) - static_cast<long>(k->datalen);
    if (delta != 0 && test_bit(KEY_FLAG_IN_QUOTA, k->flags)) {
        key_user* u = k->user;
        if (delta > 0 && (u->qnbytes + delta > maxbytes_for(u->uid) || u->qnbytes + delta < u->qnbytes))
            return Errno::EDQUOT;
        u->qnbytes += static_cast<unsigned>(delta);
        k->quotalen += static_cast<unsigned>(delta);
    }
    k->datalen = static_cast<unsigned>(datalen);
    return {};
}

void mark_key_instantiated(key* k, int reject_error)
{
    rec_spin_guard g(&key_lock);
    if (k->state == KEY_IS_UNINSTANTIATED)
        k->user->nikeys++;
    k->state = reject_error ? static_cast<short>(reject_error) : KEY_IS_POSITIVE;
}

void key_revoke(key* k)
{
    rec_spin_guard g(&key_lock);
    if (test_bit(KEY_FLAG_REVOKED, k->flags))
        return;
    set_bit(KEY_FLAG_REVOKED, k->flags);
    if (k->type->revoke)
        k->type->revoke(k);
    /* it expires now, unless it did already: /proc/keys says "expd" and the
     * collector unlinks it as an expired key, as Linux's */
    s64 now = key_now();
    if (k->revoked_at == 0 || k->revoked_at > now)
        k->revoked_at = now;
    if (k->expiry > now) {
        k->expiry = now;
        key_schedule_gc(now + key_gc_delay);
    }
}

void key_invalidate(key* k)
{
    rec_spin_guard g(&key_lock);
    if (!test_bit(KEY_FLAG_INVALIDATED, k->flags)) {
        set_bit(KEY_FLAG_INVALIDATED, k->flags);
        key_schedule_gc_links();
    }
}

void key_set_timeout(key* k, unsigned timeout)
{
    rec_spin_guard g(&key_lock);
    k->expiry = timeout > 0 ? key_now() + timeout : TIME64_MAX;
    if (k->expiry != TIME64_MAX)
        key_schedule_gc(k->expiry + key_gc_delay);
}

Result<void> key_validate(const key* k)
{
    if (test_bit(KEY_FLAG_INVALIDATED, k->flags))
        return Errno::ENOKEY;
    if (test_bit(KEY_FLAG_REVOKED, k->flags) || test_bit(KEY_FLAG_DEAD, k->flags))
        return Errno::EKEYREVOKED;
    if (k->expiry != TIME64_MAX && key_now() >= k->expiry)
        return Errno::EKEYEXPIRED;
    return {};
}

namespace {

/* The type's update of a key the caller may write (Linux's __key_update). */
Result<void> do_update(key_ref ref, key_preparsed_payload& prep)
{
    key* k = ref.k;
    TRY(key_permission(ref, key_need::WRITE));
    if (!k->type->update)
        return Errno::EEXIST;
    TRY(k->type->update(k, &prep));
    mark_key_instantiated(k, 0);
    return {};
}

} // namespace

Result<key_ref> key_create_or_update(key_ref keyring_ref, const char* typename_, const char* description,
                                     const void* payload, size_t plen, unsigned flags)
{
    const key_type* type = key_type_lookup(typename_);
    if (!type)
        return Errno::ENODEV;
    key* keyring = keyring_ref.k;
    if (keyring->type != &key_type_keyring)
        return Errno::ENOTDIR;
    key_preparsed_payload prep = {};
    prep.description = description;
    prep.data = payload;
    prep.datalen = plen;
    prep.quotalen = type->def_datalen;
    prep.expiry = TIME64_MAX;
    if (type->preparse) {
        Result<void> r = type->preparse(&prep);
        if (!r.ok()) {
            if (type->free_preparse)
                type->free_preparse(&prep);
            return r.error();
        }
    }
    auto fail = [&](Errno e) -> Result<key_ref> {
        if (type->free_preparse)
            type->free_preparse(&prep);
        return e;
    };
    if (!description)
        return fail(Errno::EINVAL);
    rec_spin_guard g(&key_lock);
    if (keyring->restricted)
        return fail(Errno::EPERM);
    if (test_bit(KEY_FLAG_REVOKED, keyring->flags))
        return fail(Errno::EKEYREVOKED);
    if (auto r = key_permission(keyring_ref, key_need::WRITE); !r.ok())
        return fail(r.error());
    if (type->update) {
        key_ref found = find_key_to_update(keyring_ref, type, description);
        if (found.k) {
            Result<void> r = do_update(found, prep);
            if (!r.ok()) {
                key_put(found.k);
                return fail(r.error());
            }
            if (type->free_preparse)
                type->free_preparse(&prep);
            return found;
        }
    }
    key_perm_t perm = KEY_POS_VIEW | KEY_POS_SEARCH | KEY_POS_LINK | KEY_POS_SETATTR | KEY_USR_VIEW;
    if (type->read)
        perm |= KEY_POS_READ;
    if (type == &key_type_keyring || type->update)
        perm |= KEY_POS_WRITE;
    const cred* c = current_cred();
    Result<key*> nk = key_alloc(type, description, c->fsuid, c->fsgid, perm, flags);
    if (!nk.ok())
        return fail(nk.error());
    key* k = nk.value();
    Result<void> r = type->instantiate(k, &prep);
    if (r.ok()) {
        mark_key_instantiated(k, 0);
        r = link_new_key(keyring, k);
    }
    if (type->free_preparse)
        type->free_preparse(&prep);
    if (!r.ok()) {
        key_put(k);
        return r.error();
    }
    return key_ref{k, keyring_ref.possessed};
}

Result<void> key_update(key_ref ref, const void* payload, size_t plen)
{
    key* k = ref.k;
    TRY(key_permission(ref, key_need::WRITE));
    if (!k->type->update)
        return Errno::EOPNOTSUPP;
    key_preparsed_payload prep = {};
    prep.data = payload;
    prep.datalen = plen;
    prep.quotalen = k->type->def_datalen;
    prep.expiry = TIME64_MAX;
    Result<void> r = k->type->preparse ? k->type->preparse(&prep) : Result<void>{};
    if (r.ok()) {
        rec_spin_guard g(&key_lock);
        r = k->type->update(k, &prep);
        if (r.ok())
            mark_key_instantiated(k, 0);
    }
    if (k->type->free_preparse)
        k->type->free_preparse(&prep);
    return r;
}
