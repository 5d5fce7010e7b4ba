/*
 * The keyctl commands on one key's attributes and the caller's settings
 * (Linux's security/keys/keyctl.c and persistent.c): chown with its quota
 * transfer, setperm, describe, timeouts, the security label (none: no LSM
 * labels keys here, so the empty string, as Linux without one), the
 * request-key default keyring, keyring restrictions, the capability bytes,
 * the public-key operations (no key here has them: EOPNOTSUPP after Linux's
 * checks) and the persistent keyrings.
 */
#include <linux/cred.h>
#include <linux/printk.h>
#include <linux/string.h>
#include "keyctl_util.h"

Result<long> keyctl_chown_key(key_serial_t id, uid_t user, gid_t group)
{
    constexpr uid_t none = static_cast<uid_t>(-1);
    if (user == none && group == none)
        return 0;
    key_ref ref = TRY(lookup_user_key(id, KEY_LOOKUP_CREATE | KEY_LOOKUP_PARTIAL, key_need::SETATTR));
    key* k = ref.k;
    Errno err = Errno(0);
    {
        rec_spin_guard g(&key_lock);
        bool privileged = (user != none && k->uid != user) || (group != none && group != k->gid && !in_group_p(group));
        if (privileged && !capable(CAP_SYS_ADMIN)) {
            err = Errno::EACCES;
        } else if (user != none && user != k->uid) {
            key_user* newowner = key_user_lookup(user);
            if (!newowner) {
                err = Errno::ENOMEM;
            } else {
                if (test_bit(KEY_FLAG_IN_QUOTA, k->flags)) {
                    unsigned maxkeys = user == 0 ? key_quota_root_maxkeys : key_quota_maxkeys;
                    unsigned maxbytes = user == 0 ? key_quota_root_maxbytes : key_quota_maxbytes;
                    if (newowner->qnkeys + 1 > maxkeys || newowner->qnbytes + k->quotalen > maxbytes ||
                        newowner->qnbytes + k->quotalen < newowner->qnbytes)
                        err = Errno::EDQUOT;
                    else {
                        newowner->qnkeys++;
                        newowner->qnbytes += k->quotalen;
                        k->user->qnkeys--;
                        k->user->qnbytes -= k->quotalen;
                    }
                }
                if (err == Errno(0)) {
                    k->user->nkeys--;
                    newowner->nkeys++;
                    if (k->state != KEY_IS_UNINSTANTIATED) {
                        k->user->nikeys--;
                        newowner->nikeys++;
                    }
                    key_user* old = k->user;
                    k->user = newowner;
                    k->uid = user;
                    key_user_put(old);
                } else {
                    key_user_put(newowner);
                }
            }
        }
        if (err == Errno(0) && group != none)
            k->gid = group;
    }
    key_put(k);
    if (err != Errno(0))
        return err;
    return 0;
}

Result<long> keyctl_setperm_key(key_serial_t id, key_perm_t perm)
{
    if (perm & ~(KEY_POS_ALL | KEY_USR_ALL | KEY_GRP_ALL | KEY_OTH_ALL))
        return Errno::EINVAL;
    key_ref ref = TRY(lookup_user_key(id, KEY_LOOKUP_CREATE | KEY_LOOKUP_PARTIAL, key_need::SETATTR));
    bool ok;
    {
        rec_spin_guard g(&key_lock);
        ok = ref.k->uid == current_cred()->fsuid || capable(CAP_SYS_ADMIN);
        if (ok)
            ref.k->perm = perm;
    }
    key_put(ref.k);
    if (!ok)
        return Errno::EACCES;
    return 0;
}

namespace {

/* Linux's from_kuid_munged/from_kgid_munged: no id shows as the overflow id. */
int munged(u32 id) { return id == static_cast<u32>(-1) ? 65534 : static_cast<int>(id); }

} // namespace

Result<long> keyctl_describe_key(key_serial_t id, user_out_ptr<char> buffer, size_t buflen)
{
    key_ref ref = TRY(lookup_user_key(id, KEY_LOOKUP_PARTIAL, key_need::VIEW));
    key* k = ref.k;
    size_t desclen = strlen(k->description);
    kbuf info(static_cast<char*>(kmalloc(desclen + 80)));
    if (!info.p) {
        key_put(k);
        return Errno::ENOMEM;
    }
    int n = snprintf(info.p, desclen + 80, "%s;%d;%d;%08x;%s", k->type->name, munged(k->uid), munged(k->gid),
                     k->perm, k->description);
    key_put(k);
    long ret = n + 1;
    if (buffer && buflen >= static_cast<size_t>(ret))
        TRY(copy_to_user(buffer, info.p, static_cast<size_t>(ret)));
    return ret;
}

Result<long> keyctl_set_timeout(key_serial_t id, unsigned timeout)
{
    key_ref ref = TRY(lookup_user_key(id, KEY_LOOKUP_CREATE | KEY_LOOKUP_PARTIAL, key_need::SETATTR));
    bool keep = test_bit(KEY_FLAG_KEEP, ref.k->flags);
    if (!keep)
        key_set_timeout(ref.k, timeout);
    key_put(ref.k);
    if (keep)
        return Errno::EPERM;
    return 0;
}

Result<long> keyctl_get_security(key_serial_t id, user_out_ptr<char> buffer, size_t buflen)
{
    key_ref ref = TRY(lookup_user_key(id, KEY_LOOKUP_PARTIAL, key_need::VIEW));
    key_put(ref.k);
    if (buffer && buflen > 0)
        TRY(copy_to_user(buffer, "", 1));
    return 1;
}

Result<long> keyctl_set_reqkey_keyring(int reqkey_defl)
{
    int old = current_cred()->jit_keyring;
    if (reqkey_defl == KEY_REQKEY_DEFL_NO_CHANGE)
        return old;
    switch (reqkey_defl) {
    case KEY_REQKEY_DEFL_THREAD_KEYRING:
    case KEY_REQKEY_DEFL_PROCESS_KEYRING:
    case KEY_REQKEY_DEFL_DEFAULT:
    case KEY_REQKEY_DEFL_SESSION_KEYRING:
    case KEY_REQKEY_DEFL_USER_KEYRING:
    case KEY_REQKEY_DEFL_USER_SESSION_KEYRING:
    case KEY_REQKEY_DEFL_REQUESTOR_KEYRING: break;
    default: return Errno::EINVAL; /* the group keyring too */
    }
    cred* n = prepare_creds();
    if (!n)
        return Errno::ENOMEM;
    Result<void> r = {};
    if (reqkey_defl == KEY_REQKEY_DEFL_THREAD_KEYRING)
        r = install_thread_keyring_to_cred(n);
    else if (reqkey_defl == KEY_REQKEY_DEFL_PROCESS_KEYRING)
        r = install_process_keyring_to_cred(n);
    if (!r.ok()) {
        put_cred(n);
        return r.error();
    }
    n->jit_keyring = static_cast<unsigned char>(reqkey_defl);
    commit_creds(n);
    return old;
}

Result<long> keyctl_restrict_keyring(key_serial_t id, user_in_ptr<const char> _type,
                                     user_in_ptr<const char> _restriction)
{
    char type[32];
    if (_type)
        TRY(key_get_type_from_user(type, _type));
    kbuf restriction;
    if (_restriction) {
        if (!_type)
            return Errno::EINVAL;
        restriction = TRY(strndup_user(_restriction, 4096));
    }
    key_ref ref = TRY(lookup_user_key(id, 0, key_need::SETATTR));
    Result<void> r = keyring_restrict(ref, _type ? type : nullptr, restriction.p);
    key_put(ref.k);
    TRY(r);
    return 0;
}

Result<long> keyctl_capabilities(user_out_ptr<u8> buffer, size_t buflen)
{
    /* What is implemented here: no Diffie-Hellman, public-key operations,
     * big keys or notifications (Linux 6.1 also sets DIFFIE_HELLMAN and
     * PUBLIC_KEY: docs/keys.md). */
    static const u8 caps[2] = {
        KEYCTL_CAPS0_CAPABILITIES | KEYCTL_CAPS0_PERSISTENT_KEYRINGS | KEYCTL_CAPS0_INVALIDATE |
            KEYCTL_CAPS0_RESTRICT_KEYRING | KEYCTL_CAPS0_MOVE,
        KEYCTL_CAPS1_NS_KEYRING_NAME | KEYCTL_CAPS1_NS_KEY_TAG,
    };
    if (buflen > 0) {
        size_t size = buflen < sizeof(caps) ? buflen : sizeof(caps);
        TRY(copy_to_user(buffer, caps, size));
        if (size < buflen && clear_user((buffer + size).cast<void>(), buflen - size))
            return Errno::EFAULT; /* the rest zeroed, as Linux */
    }
    return static_cast<long>(sizeof(caps));
}

namespace {

/* Linux's keyctl_pkey_params_parse: "enc=..." and "hash=..." words. */
Result<void> pkey_params_parse(char* info)
{
    for (char* p = info; *p;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        char* word = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        size_t len = static_cast<size_t>(p - word);
        if (!((len > 4 && strncmp(word, "enc=", 4) == 0) || (len > 5 && strncmp(word, "hash=", 5) == 0)))
            return Errno::EINVAL;
    }
    return {};
}

Result<void> pkey_params_get(key_serial_t id, user_in_ptr<const char> _info)
{
    kbuf info = TRY(strndup_user(_info, 4096));
    TRY(pkey_params_parse(info.p));
    key_ref ref = TRY(lookup_user_key(id, 0, key_need::SEARCH));
    key_put(ref.k);
    return Errno::EOPNOTSUPP; /* no asymmetric key type: no key has asym_query */
}

} // namespace

Result<long> keyctl_pkey(int op, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long)
{
    if (op == KEYCTL_PKEY_QUERY) {
        if (arg3 != 0)
            return Errno::EINVAL;
        TRY(pkey_params_get(static_cast<key_serial_t>(arg2), user_in_ptr<const char>(arg4)));
        return 0;
    }
    keyctl_pkey_params params;
    TRY(copy_from_user(&params, user_in_ptr<const keyctl_pkey_params>(arg2)));
    TRY(pkey_params_get(params.key_id, user_in_ptr<const char>(arg3)));
    return 0;
}

/* Persistent keyrings (Linux's persistent.c): "_persistent.UID" in the
 * register ".persistent_register", linked into the destination, its
 * expiry pushed back on each request. */
Result<long> keyctl_get_persistent(uid_t uid, key_serial_t destid)
{
    const cred* c = current_cred();
    if (uid == static_cast<uid_t>(-1))
        uid = c->uid;
    else if (uid != c->uid && uid != c->euid && !capable(CAP_SETUID))
        return Errno::EPERM;
    key_ref dest = TRY(lookup_user_key(destid, KEY_LOOKUP_CREATE, key_need::WRITE));
    Result<long> ret = Errno::ENOTDIR;
    if (dest.k->type == &key_type_keyring) {
        static key* persistent_register; /* under key_lock */
        rec_spin_guard g(&key_lock);
        Result<key*> reg = persistent_register;
        if (!persistent_register) {
            reg = keyring_alloc(".persistent_register", 0, static_cast<gid_t>(-1),
                                KEY_POS_WRITE | KEY_POS_SEARCH | KEY_USR_VIEW | KEY_USR_READ, KEY_ALLOC_NOT_IN_QUOTA,
                                nullptr);
            if (reg.ok())
                persistent_register = reg.value();
        }
        if (!reg.ok()) {
            ret = reg.error();
        } else {
            char buf[32];
            snprintf(buf, sizeof(buf), "_persistent.%u", uid);
            Result<key_ref> found = keyring_search(key_ref{reg.value(), true}, &key_type_keyring, buf, false);
            Result<key*> p = found.ok() ? Result<key*>(found.value().k) : Result<key*>(found.error());
            if (!found.ok() && found.error() == Errno::EAGAIN)
                p = keyring_alloc(buf, uid, static_cast<gid_t>(-1),
                                  (KEY_POS_ALL & ~KEY_POS_SETATTR) | KEY_USR_VIEW | KEY_USR_READ,
                                  KEY_ALLOC_NOT_IN_QUOTA, reg.value());
            if (!p.ok()) {
                ret = p.error();
            } else {
                Result<void> r = key_link(dest.k, p.value());
                if (r.ok()) {
                    key_set_timeout(p.value(), persistent_keyring_expiry);
                    ret = p.value()->serial;
                } else {
                    ret = r.error();
                }
                key_put(p.value());
            }
        }
    }
    key_put(dest.k);
    return ret;
}
