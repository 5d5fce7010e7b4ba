/*
 * request_key (Linux's security/keys/request_key.c): a search of the
 * caller's keyrings, the found key linked into the destination; when none
 * is found and call-out information is given, Linux constructs the key by
 * running /sbin/request-key. There is no such upcall here, which is what a
 * Linux without the program does: the key is made, linked into the
 * destination keyring, and negated for key_negative_timeout (60 s), and
 * request_key fails with ENOENT, the upcall's error, as Linux 6.1 does;
 * meanwhile searches for it find the negative key and fail with ENOKEY.
 */
#include "internal.h"

namespace {

constexpr unsigned key_negative_timeout = 60;

/* Where a constructed key goes (Linux's construct_get_dest_keyring). */
Result<key*> construct_get_dest_keyring(key* dest)
{
    if (dest)
        return key_get(dest);
    const cred* c = current_cred();
    key* k = nullptr;
    switch (c->jit_keyring) {
    case KEY_REQKEY_DEFL_DEFAULT:
    case KEY_REQKEY_DEFL_REQUESTOR_KEYRING:
    case KEY_REQKEY_DEFL_THREAD_KEYRING:
        if ((k = c->thread_keyring))
            break;
        [[fallthrough]];
    case KEY_REQKEY_DEFL_PROCESS_KEYRING:
        if ((k = c->process_keyring))
            break;
        [[fallthrough]];
    case KEY_REQKEY_DEFL_SESSION_KEYRING:
        if ((k = c->session_keyring))
            break;
        [[fallthrough]];
    case KEY_REQKEY_DEFL_USER_SESSION_KEYRING:
        TRY(look_up_user_keyrings(nullptr, &k));
        goto check;
    case KEY_REQKEY_DEFL_USER_KEYRING:
        TRY(look_up_user_keyrings(&k, nullptr));
        goto check;
    default: return Errno::EINVAL;
    }
    key_get(k);
check:
    /* Write permission: the default may be a session keyring joined with
     * only Search permission. */
    if (Result<void> r = key_permission(key_ref{k, true}, key_need::WRITE); !r.ok()) {
        key_put(k);
        return r.error();
    }
    return k;
}

Result<key*> construct_key_and_link(const key_type* type, const char* description, key* dest)
{
    if (type == &key_type_keyring)
        return Errno::EPERM;
    key* keyring = TRY(construct_get_dest_keyring(dest));
    key_perm_t perm = KEY_POS_VIEW | KEY_POS_SEARCH | KEY_POS_LINK | KEY_POS_SETATTR | KEY_USR_VIEW;
    if (type->read)
        perm |= KEY_POS_READ;
    if (type->update)
        perm |= KEY_POS_WRITE;
    const cred* c = current_cred();
    Result<key*> nk = key_alloc(type, description, c->fsuid, c->fsgid, perm, KEY_ALLOC_IN_QUOTA);
    Result<void> r = nk.ok() ? link_new_key(keyring, nk.value()) : Result<void>(nk.error());
    key_put(keyring);
    if (!r.ok()) {
        if (nk.ok())
            key_put(nk.value());
        return r.error();
    }
    key* k = nk.value();
    {
        /* the upcall found no /sbin/request-key: negated (key_negate_and_link) */
        rec_spin_guard g(&key_lock);
        mark_key_instantiated(k, -static_cast<int>(Errno::ENOKEY));
        key_set_timeout(k, key_negative_timeout);
    }
    key_put(k);
    /* The upcall's own failure is what the caller sees: Linux 6.1 in the
     * reference QEMU answers ENOENT (no /sbin/request-key); a second request
     * finds the negative key: ENOKEY. */
    return Errno::ENOENT;
}

} // namespace

Result<key*> request_key_and_link(const key_type* type, const char* description, const char* callout_info,
                                  key* dest)
{
    key_gc_maybe();
    keyring_search_context ctx = {};
    ctx.type = type;
    ctx.description = description;
    ctx.c = current_cred();
    ctx.state_check = true;
    ctx.skip_expired = true;
    ctx.recurse = true;
    ctx.error = Errno::EAGAIN;
    Result<key_ref> found = search_process_keyrings(ctx);
    if (found.ok()) {
        key* k = found.value().k;
        if (dest) {
            Result<void> r = key_permission(found.value(), key_need::LINK);
            if (r.ok())
                r = key_link(dest, k);
            if (!r.ok()) {
                key_put(k);
                return r.error();
            }
        }
        return k;
    }
    if (found.error() != Errno::EAGAIN)
        return found.error();
    if (!callout_info)
        return Errno::ENOKEY;
    return construct_key_and_link(type, description, dest);
}
