/*
 * The caller's keyrings (Linux's security/keys/process_keys.c): the thread,
 * process and session keyrings in its credentials, made on first use; the
 * user keyrings "_uid.N" and "_uid_ses.N" of its real uid, kept in the
 * register keyring ".user_reg" (so a keyring of that name made by someone
 * else is never taken for them); lookup_user_key, which turns a serial or a
 * special id into a key with the caller's permission checked; the search
 * through the caller's keyrings that decides possession; and what fork,
 * exec and KEYCTL_SESSION_TO_PARENT do with credentials.
 */
#include <linux/key.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/string.h>
#include <linux/printk.h>
#include <uapi/linux/sched.h>
#include "internal.h"

namespace {

key* user_keyring_register; /* ".user_reg", under key_lock */

Result<key*> get_user_register()
{
    rec_spin_guard g(&key_lock);
    if (!user_keyring_register)
        user_keyring_register = TRY(keyring_alloc(".user_reg", 0, static_cast<gid_t>(-1),
                                                  KEY_POS_WRITE | KEY_POS_SEARCH | KEY_USR_VIEW | KEY_USR_READ, 0,
                                                  nullptr));
    return user_keyring_register;
}

/* The register's keyring of that name, with a reference; EAGAIN if none. */
Result<key*> find_in_register(key* reg, const char* name)
{
    key_ref r = TRY(keyring_search(key_ref{reg, true}, &key_type_keyring, name, false));
    return r.k;
}

void set_keyring(key*& slot, key* k)
{
    rec_spin_guard g(&key_lock);
    key* old = slot;
    slot = k;
    key_put(old);
}

Result<void> install_session_keyring_to_cred(cred* c, key* keyring)
{
    if (!keyring) {
        unsigned flags = c->session_keyring ? KEY_ALLOC_IN_QUOTA : KEY_ALLOC_QUOTA_OVERRUN;
        keyring = TRY(keyring_alloc("_ses", c->uid, c->gid, KEY_POS_ALL | KEY_USR_VIEW | KEY_USR_READ, flags, nullptr));
    } else {
        key_get(keyring);
    }
    set_keyring(c->session_keyring, keyring);
    return {};
}

/* prepare_creds, install, commit_creds. */
template <typename F>
Result<void> change_creds(F install)
{
    cred* n = prepare_creds();
    if (!n)
        return Errno::ENOMEM;
    Result<void> r = install(n);
    if (!r.ok()) {
        put_cred(n);
        return r;
    }
    commit_creds(n);
    return {};
}

/* Linux's wait_for_key_construction: nothing is ever under construction
 * here, so the key's state is final. */
Result<void> key_state_check(const key* k)
{
    if (k->state < 0)
        return static_cast<Errno>(-k->state);
    return key_validate(k);
}

} // namespace

Result<void> install_thread_keyring_to_cred(cred* c)
{
    if (c->thread_keyring)
        return {};
    key* k = TRY(keyring_alloc("_tid", c->uid, c->gid, KEY_POS_ALL | KEY_USR_VIEW, KEY_ALLOC_QUOTA_OVERRUN, nullptr));
    c->thread_keyring = k;
    return {};
}

Result<void> install_process_keyring_to_cred(cred* c)
{
    if (c->process_keyring)
        return {};
    key* k = TRY(keyring_alloc("_pid", c->uid, c->gid, KEY_POS_ALL | KEY_USR_VIEW, KEY_ALLOC_QUOTA_OVERRUN, nullptr));
    c->process_keyring = k;
    return {};
}

Result<void> look_up_user_keyrings(key** user_keyring, key** user_session_keyring)
{
    const cred* c = current_cred();
    uid_t uid = c->uid;
    key* reg = TRY(get_user_register());
    constexpr key_perm_t user_keyring_perm = (KEY_POS_ALL & ~KEY_POS_SETATTR) | KEY_USR_ALL;
    char buf[24];
    snprintf(buf, sizeof(buf), "_uid.%u", uid);
    Result<key*> u = find_in_register(reg, buf);
    if (!u.ok() && u.error() == Errno::EAGAIN)
        u = keyring_alloc(buf, uid, static_cast<gid_t>(-1), user_keyring_perm,
                          KEY_ALLOC_UID_KEYRING | KEY_ALLOC_IN_QUOTA, reg);
    key* uid_keyring = TRY(u);
    snprintf(buf, sizeof(buf), "_uid_ses.%u", uid);
    Result<key*> s = find_in_register(reg, buf);
    if (!s.ok() && s.error() == Errno::EAGAIN) {
        s = keyring_alloc(buf, uid, static_cast<gid_t>(-1), user_keyring_perm,
                          KEY_ALLOC_UID_KEYRING | KEY_ALLOC_IN_QUOTA, nullptr);
        if (s.ok()) {
            Result<void> r = key_link(s.value(), uid_keyring);
            if (r.ok())
                r = key_link(reg, s.value());
            if (!r.ok()) {
                key_put(s.value());
                s = r.error();
            }
        }
    }
    if (!s.ok()) {
        key_put(uid_keyring);
        return s.error();
    }
    if (user_keyring)
        *user_keyring = uid_keyring;
    else
        key_put(uid_keyring);
    if (user_session_keyring)
        *user_session_keyring = s.value();
    else
        key_put(s.value());
    return {};
}

Result<key_ref> search_process_keyrings(keyring_search_context& ctx)
{
    const cred* c = ctx.c;
    /* success > ENOKEY (a negative key) > EAGAIN (nothing) > another error */
    Errno ret = Errno(0), err = Errno::EAGAIN;
    auto note = [&](Errno e) {
        if (e == Errno::EAGAIN) {
            if (ret == Errno(0))
                ret = e;
        } else if (e == Errno::ENOKEY) {
            ret = e;
        } else {
            err = e;
        }
    };
    for (key* keyring : {c->thread_keyring, c->process_keyring}) {
        if (!keyring)
            continue;
        Result<key_ref> r = keyring_search_rcu(key_ref{keyring, true}, ctx);
        if (r.ok())
            return r;
        note(r.error());
    }
    key* session = c->session_keyring;
    key* user_session = nullptr;
    if (!session) {
        /* the user session keyring, if it exists (never made by a search) */
        rec_spin_guard g(&key_lock);
        if (user_keyring_register) {
            char buf[24];
            snprintf(buf, sizeof(buf), "_uid_ses.%u", c->uid);
            Result<key*> s = find_in_register(user_keyring_register, buf);
            if (s.ok())
                session = user_session = s.value();
        }
    }
    if (session) {
        Result<key_ref> r = keyring_search_rcu(key_ref{session, true}, ctx);
        key_put(user_session);
        if (r.ok())
            return r;
        note(r.error());
    }
    Errno e = ret != Errno(0) ? ret : err;
    return e;
}

Result<key_ref> lookup_user_key(key_serial_t id, unsigned lflags, key_need need)
{
    key_gc_maybe();
    key_ref ref;
    for (;;) {
        const cred* c = current_cred();
        switch (id) {
        case KEY_SPEC_THREAD_KEYRING:
            if (!c->thread_keyring) {
                if (!(lflags & KEY_LOOKUP_CREATE))
                    return Errno::ENOKEY;
                TRY(change_creds([](cred* n) { return install_thread_keyring_to_cred(n); }));
                continue;
            }
            ref = {key_get(c->thread_keyring), true};
            break;
        case KEY_SPEC_PROCESS_KEYRING:
            if (!c->process_keyring) {
                if (!(lflags & KEY_LOOKUP_CREATE))
                    return Errno::ENOKEY;
                TRY(change_creds([](cred* n) { return install_process_keyring_to_cred(n); }));
                continue;
            }
            ref = {key_get(c->process_keyring), true};
            break;
        case KEY_SPEC_SESSION_KEYRING:
            if (!c->session_keyring) {
                key* user_session;
                TRY(look_up_user_keyrings(nullptr, &user_session));
                Result<void> r = {};
                if (lflags & KEY_LOOKUP_CREATE) {
                    Result<long> j = join_session_keyring(nullptr);
                    if (!j.ok())
                        r = j.error();
                } else {
                    r = change_creds([&](cred* n) { return install_session_keyring_to_cred(n, user_session); });
                }
                key_put(user_session);
                TRY(r);
                continue;
            }
            if (test_bit(KEY_FLAG_UID_KEYRING, c->session_keyring->flags) && (lflags & KEY_LOOKUP_CREATE)) {
                TRY(join_session_keyring(nullptr));
                continue;
            }
            ref = {key_get(c->session_keyring), true};
            break;
        case KEY_SPEC_USER_KEYRING:
            TRY(look_up_user_keyrings(&ref.k, nullptr));
            ref.possessed = true;
            break;
        case KEY_SPEC_USER_SESSION_KEYRING:
            TRY(look_up_user_keyrings(nullptr, &ref.k));
            ref.possessed = true;
            break;
        case KEY_SPEC_GROUP_KEYRING:
            return Errno::EINVAL; /* group keyrings are not supported (Linux neither) */
        case KEY_SPEC_REQKEY_AUTH_KEY:
        case KEY_SPEC_REQUESTOR_KEYRING:
            return Errno::ENOKEY; /* no authorisation key: nothing is ever constructed by an upcall */
        default: {
            if (id < 1)
                return Errno::EINVAL;
            key* k = key_lookup(id);
            if (!k)
                return Errno::ENOKEY;
            ref = {k, false};
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
            break;
        }
        }
        break;
    }
    if (need == key_need::UNLINK)
        return ref;
    auto fail = [&](Errno e) -> Result<key_ref> {
        key_put(ref.k);
        return e;
    };
    if (!(lflags & KEY_LOOKUP_PARTIAL)) {
        Result<void> r = key_state_check(ref.k);
        if (!r.ok() && need != key_need::AUTHTOKEN_OVERRIDE && need != key_need::DEFER_PERM_CHECK)
            return fail(r.error());
    } else if (need != key_need::DEFER_PERM_CHECK) {
        if (Result<void> r = key_validate(ref.k); !r.ok())
            return fail(r.error());
    }
    if (Result<void> r = key_task_permission(ref, current_cred(), need); !r.ok())
        return fail(r.error());
    return ref;
}

Result<long> join_session_keyring(const char* name)
{
    if (!name) {
        long serial = 0;
        TRY(change_creds([&](cred* n) {
            Result<void> r = install_session_keyring_to_cred(n, nullptr);
            if (r.ok())
                serial = n->session_keyring->serial;
            return r;
        }));
        return serial;
    }
    rec_spin_guard g(&key_lock); /* Linux's key_session_mutex: find or make, then join */
    const cred* old = current_cred();
    key* keyring = find_keyring_by_name(name, false);
    if (!keyring) {
        keyring = TRY(keyring_alloc(name, old->uid, old->gid, KEY_POS_ALL | KEY_USR_VIEW | KEY_USR_READ | KEY_USR_LINK,
                                    KEY_ALLOC_IN_QUOTA, nullptr));
    } else if (keyring == old->session_keyring) {
        key_put(keyring);
        return 0;
    }
    Result<void> r = change_creds([&](cred* n) { return install_session_keyring_to_cred(n, keyring); });
    long serial = keyring->serial;
    key_put(keyring);
    TRY(r);
    return serial;
}

Result<long> keyctl_session_to_parent()
{
    key_ref ref = TRY(lookup_user_key(KEY_SPEC_SESSION_KEYRING, 0, key_need::LINK));
    task_struct* me = current;
    Errno ret = Errno::EPERM;
    {
        rec_spin_guard t(&tasklist_lock);
        task_struct* parent = me->real_parent;
        const cred* mycred = current_cred();
        const cred* pcred = parent ? parent->cred : nullptr;
        bool single = parent && parent->signal->thread_head.next == parent->signal->thread_head.prev;
        if (!parent || !parent->mm || !single) {
            /* a kernel thread or a threaded parent: EPERM (init may be given
             * one: Linux 6.1 in the reference QEMU installs it in pid 1) */
        } else if (mycred == pcred || mycred->session_keyring == pcred->session_keyring) {
            ret = Errno(0);
        } else if (pcred->uid != mycred->euid || pcred->euid != mycred->euid || pcred->suid != mycred->euid ||
                   pcred->gid != mycred->egid || pcred->egid != mycred->egid || pcred->sgid != mycred->egid) {
            /* not the same owner, or set-id */
        } else if ((pcred->session_keyring && pcred->session_keyring->uid != mycred->euid) ||
                   mycred->session_keyring->uid != mycred->euid) {
            /* keyrings of another owner */
        } else {
            /* installed by the parent itself on its way back to user mode,
             * replacing one still pending (Linux's task_work) */
            set_keyring(parent->key_session_pending, key_get(mycred->session_keyring));
            set_tsk_thread_flag(parent, TIF_NOTIFY_RESUME);
            ret = Errno(0);
        }
    }
    key_put(ref.k);
    if (ret != Errno(0))
        return ret;
    return 0;
}

void key_change_session_keyring()
{
    key* k;
    {
        rec_spin_guard g(&key_lock);
        k = current->key_session_pending;
        current->key_session_pending = nullptr;
    }
    if (!k)
        return;
    cred* n = prepare_creds();
    if (n) {
        set_keyring(n->session_keyring, k);
        commit_creds(n);
    } else {
        key_put(k);
    }
}

void key_cred_get_refs(cred* c)
{
    rec_spin_guard g(&key_lock);
    for (key* k : {c->thread_keyring, c->process_keyring, c->session_keyring, c->request_key_auth})
        if (k)
            k->usage++;
}

void key_cred_put_refs(cred* c)
{
    rec_spin_guard g(&key_lock);
    for (key* k : {c->thread_keyring, c->process_keyring, c->session_keyring, c->request_key_auth})
        key_put(k);
    c->thread_keyring = c->process_keyring = c->session_keyring = c->request_key_auth = nullptr;
}

Result<cred*> key_fork_cred(cred* parent, unsigned long clone_flags)
{
    bool thread = clone_flags & CLONE_THREAD;
    if (!parent->thread_keyring && (thread || !parent->process_keyring))
        return get_cred(parent);
    cred* n = prepare_creds();
    if (!n)
        return Errno::ENOMEM;
    if (n->thread_keyring) {
        set_keyring(n->thread_keyring, nullptr);
        if (thread) {
            Result<void> r = install_thread_keyring_to_cred(n);
            if (!r.ok()) {
                put_cred(n);
                return r.error();
            }
        }
    }
    if (!thread)
        set_keyring(n->process_keyring, nullptr);
    return n;
}

void key_exec_cred(cred* c)
{
    set_keyring(c->thread_keyring, nullptr);
    set_keyring(c->process_keyring, nullptr);
}

void exit_keys(task_struct* t)
{
    rec_spin_guard g(&key_lock);
    key_put(t->key_session_pending);
    t->key_session_pending = nullptr;
}
