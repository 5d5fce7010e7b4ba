/*
 * add_key, request_key and keyctl (Linux's security/keys/keyctl.c): each
 * call copies its strings and payload in first, with Linux's order of
 * checks, then works on kernel copies. keyctl_attr.cpp has the commands on
 * one key's attributes, compat.cpp the i386 entry.
 */
#include <linux/compat.h>
#include <linux/cred.h>
#include <linux/syscalls.h>
#include "keyctl_util.h"

Result<kbuf> strndup_user(user_in_ptr<const char> s, size_t n)
{
    kbuf b(static_cast<char*>(kmalloc(n)));
    if (!b.p)
        return Errno::ENOMEM;
    Result<size_t> r = strncpy_from_user(b.p, s, n);
    if (!r.ok())
        return r.error() == Errno::ENAMETOOLONG ? Errno::EINVAL : r.error();
    return b;
}

Result<void> key_get_type_from_user(char (&type)[32], user_in_ptr<const char> src)
{
    Result<size_t> r = strncpy_from_user(type, src, sizeof(type));
    if (!r.ok())
        return r.error() == Errno::ENAMETOOLONG ? Errno::EINVAL : r.error();
    if (r.value() == 0)
        return Errno::EINVAL;
    if (type[0] == '.')
        return Errno::EPERM;
    return {};
}

namespace {

Result<long> do_add_key(user_in_ptr<const char> _type, user_in_ptr<const char> _description,
                        user_in_ptr<const void> _payload, size_t plen, key_serial_t ringid)
{
    if (plen > 1024 * 1024 - 1)
        return Errno::EINVAL;
    char type[32];
    TRY(key_get_type_from_user(type, _type));
    kbuf description;
    if (_description) {
        description = TRY(strndup_user(_description, KEY_MAX_DESC_SIZE));
        if (!description.p[0]) {
            kfree(description.p);
            description.p = nullptr;
        } else if (description.p[0] == '.' && strncmp(type, "keyring", 7) == 0) {
            return Errno::EPERM;
        }
    }
    kbuf payload;
    if (plen) {
        payload.p = static_cast<char*>(kmalloc(plen));
        if (!payload.p)
            return Errno::ENOMEM;
        if (copyin(payload.p, _payload, plen))
            return Errno::EFAULT;
    }
    key_ref keyring = TRY(lookup_user_key(ringid, KEY_LOOKUP_CREATE, key_need::WRITE));
    Result<key_ref> k = key_create_or_update(keyring, type, description.p, payload.p, plen, KEY_ALLOC_IN_QUOTA);
    key_put(keyring.k);
    key_ref ref = TRY(k);
    long serial = ref.k->serial;
    key_put(ref.k);
    return serial;
}

Result<long> do_request_key(user_in_ptr<const char> _type, user_in_ptr<const char> _description,
                            user_in_ptr<const char> _callout_info, key_serial_t destringid)
{
    char type[32];
    TRY(key_get_type_from_user(type, _type));
    kbuf description = TRY(strndup_user(_description, KEY_MAX_DESC_SIZE));
    kbuf callout;
    if (_callout_info)
        callout = TRY(strndup_user(_callout_info, 4096));
    key_ref dest;
    if (destringid)
        dest = TRY(lookup_user_key(destringid, KEY_LOOKUP_CREATE, key_need::WRITE));
    const key_type* ktype = key_type_lookup(type);
    Result<key*> k = ktype ? request_key_and_link(ktype, description.p, callout.p, dest.k) : Errno::ENOKEY;
    key_put(dest.k);
    key* found = TRY(k);
    long ret = found->state < 0 ? errno_return(static_cast<Errno>(-found->state)) : found->serial;
    key_put(found);
    if (ret < 0)
        return static_cast<Errno>(-ret);
    return ret;
}

Result<long> keyctl_get_keyring_ID(key_serial_t id, int create)
{
    key_ref ref = TRY(lookup_user_key(id, create ? KEY_LOOKUP_CREATE : 0, key_need::SEARCH));
    long serial = ref.k->serial;
    key_put(ref.k);
    return serial;
}

Result<long> keyctl_join_session_keyring(user_in_ptr<const char> _name)
{
    kbuf name;
    if (_name) {
        name = TRY(strndup_user(_name, KEY_MAX_DESC_SIZE));
        if (name.p[0] == '.')
            return Errno::EPERM; /* no joining the system's keyrings (CVE-2016-9604) */
    }
    key_gc_maybe();
    return join_session_keyring(name.p);
}

Result<long> keyctl_update_key(key_serial_t id, user_in_ptr<const void> _payload, size_t plen)
{
    if (plen > 4096)
        return Errno::EINVAL;
    kbuf payload;
    if (plen) {
        payload.p = static_cast<char*>(kmalloc(plen));
        if (!payload.p)
            return Errno::ENOMEM;
        if (copyin(payload.p, _payload, plen))
            return Errno::EFAULT;
    }
    key_ref ref = TRY(lookup_user_key(id, 0, key_need::WRITE));
    Result<void> r = key_update(ref, payload.p, plen);
    key_put(ref.k);
    TRY(r);
    return 0;
}

Result<long> keyctl_revoke_key(key_serial_t id)
{
    Result<key_ref> r = lookup_user_key(id, 0, key_need::WRITE);
    if (!r.ok() && r.error() == Errno::EACCES)
        r = lookup_user_key(id, 0, key_need::SETATTR);
    key_ref ref = TRY(r);
    long ret = 0;
    if (test_bit(KEY_FLAG_KEEP, ref.k->flags))
        ret = errno_return(Errno::EPERM);
    else
        key_revoke(ref.k);
    key_put(ref.k);
    if (ret)
        return Errno::EPERM;
    return 0;
}

/* INVALIDATE and CLEAR: root may also act on special keyrings that say so. */
Result<key_ref> lookup_or_override(key_serial_t id, unsigned lflags, key_need need, int root_flag)
{
    Result<key_ref> r = lookup_user_key(id, lflags, need);
    if (r.ok() || !capable(CAP_SYS_ADMIN))
        return r;
    key_ref ref = TRY(lookup_user_key(id, 0, key_need::SYSADMIN_OVERRIDE));
    if (test_bit(root_flag, ref.k->flags))
        return ref;
    key_put(ref.k);
    return r.error();
}

Result<long> keyctl_invalidate_key(key_serial_t id)
{
    key_ref ref = TRY(lookup_or_override(id, 0, key_need::SEARCH, KEY_FLAG_ROOT_CAN_INVAL));
    bool keep = test_bit(KEY_FLAG_KEEP, ref.k->flags);
    if (!keep)
        key_invalidate(ref.k);
    key_put(ref.k);
    if (keep)
        return Errno::EPERM;
    key_gc_maybe(); /* an invalidated key goes from its keyrings at once */
    return 0;
}

Result<long> keyctl_keyring_clear(key_serial_t ringid)
{
    key_ref ref = TRY(lookup_or_override(ringid, KEY_LOOKUP_CREATE, key_need::WRITE, KEY_FLAG_ROOT_CAN_CLEAR));
    Result<void> r = keyring_clear(ref.k);
    key_put(ref.k);
    TRY(r);
    return 0;
}

Result<long> keyctl_keyring_link(key_serial_t id, key_serial_t ringid)
{
    key_ref keyring = TRY(lookup_user_key(ringid, KEY_LOOKUP_CREATE, key_need::WRITE));
    Result<key_ref> k = lookup_user_key(id, KEY_LOOKUP_CREATE, key_need::LINK);
    Result<void> r = k.ok() ? key_link(keyring.k, k.value().k) : Result<void>(k.error());
    if (k.ok())
        key_put(k.value().k);
    key_put(keyring.k);
    TRY(r);
    return 0;
}

Result<long> keyctl_keyring_unlink(key_serial_t id, key_serial_t ringid)
{
    key_ref keyring = TRY(lookup_user_key(ringid, 0, key_need::WRITE));
    Result<key_ref> k = lookup_user_key(id, KEY_LOOKUP_PARTIAL, key_need::UNLINK);
    Result<void> r = k.error();
    if (k.ok()) {
        if (test_bit(KEY_FLAG_KEEP, keyring.k->flags) && test_bit(KEY_FLAG_KEEP, k.value().k->flags))
            r = Errno::EPERM;
        else
            r = key_unlink(keyring.k, k.value().k);
        key_put(k.value().k);
    }
    key_put(keyring.k);
    TRY(r);
    return 0;
}

Result<long> keyctl_keyring_move(key_serial_t id, key_serial_t from, key_serial_t to, unsigned flags)
{
    if (flags & ~KEYCTL_MOVE_EXCL)
        return Errno::EINVAL;
    key_ref k = TRY(lookup_user_key(id, KEY_LOOKUP_CREATE, key_need::LINK));
    Result<key_ref> f = lookup_user_key(from, 0, key_need::WRITE);
    Result<key_ref> t = f.ok() ? lookup_user_key(to, KEY_LOOKUP_CREATE, key_need::WRITE) : f.error();
    Result<void> r = t.ok() ? key_move(k.k, f.value().k, t.value().k, flags) : Result<void>(t.error());
    if (t.ok())
        key_put(t.value().k);
    if (f.ok())
        key_put(f.value().k);
    key_put(k.k);
    TRY(r);
    return 0;
}

Result<long> keyctl_keyring_search(key_serial_t ringid, user_in_ptr<const char> _type,
                                   user_in_ptr<const char> _description, key_serial_t destringid)
{
    char type[32];
    TRY(key_get_type_from_user(type, _type));
    kbuf description = TRY(strndup_user(_description, KEY_MAX_DESC_SIZE));
    key_ref keyring = TRY(lookup_user_key(ringid, 0, key_need::SEARCH));
    key_ref dest;
    if (destringid) {
        Result<key_ref> d = lookup_user_key(destringid, KEY_LOOKUP_CREATE, key_need::WRITE);
        if (!d.ok()) {
            key_put(keyring.k);
            return d.error();
        }
        dest = d.value();
    }
    const key_type* ktype = key_type_lookup(type);
    Result<key_ref> found = ktype ? keyring_search(keyring, ktype, description.p, true) : Errno::ENOKEY;
    long ret;
    if (!found.ok()) {
        ret = errno_return(found.error() == Errno::EAGAIN ? Errno::ENOKEY : found.error());
    } else {
        ret = found.value().k->serial;
        if (dest.k) {
            Result<void> r = key_permission(found.value(), key_need::LINK);
            if (r.ok())
                r = key_link(dest.k, found.value().k);
            if (!r.ok())
                ret = errno_return(r.error());
        }
        key_put(found.value().k);
    }
    key_put(dest.k);
    key_put(keyring.k);
    if (ret < 0)
        return static_cast<Errno>(-ret);
    return ret;
}

Result<long> keyctl_read_key(key_serial_t id, user_out_ptr<char> buffer, size_t buflen)
{
    Result<key_ref> r = lookup_user_key(id, 0, key_need::DEFER_PERM_CHECK);
    if (!r.ok())
        return Errno::ENOKEY;
    key_ref ref = r.value();
    key* k = ref.k;
    auto done = [&](long ret) -> Result<long> {
        key_put(k);
        if (ret < 0)
            return static_cast<Errno>(-ret);
        return ret;
    };
    if (k->state < 0)
        return done(k->state); /* negatively instantiated */
    Result<void> p = key_permission(ref, key_need::READ);
    if (!p.ok() && (p.error() != Errno::EACCES || !ref.possessed))
        return done(errno_return(p.error()));
    if (!k->type->read)
        return done(errno_return(Errno::EOPNOTSUPP));
    size_t data_len = buffer && buflen ? (buflen <= 4096 ? buflen : 0) : 0;
    for (;;) {
        kbuf data;
        if (data_len && !(data.p = static_cast<char*>(kmalloc(data_len))))
            return done(errno_return(Errno::ENOMEM));
        long ret;
        {
            rec_spin_guard g(&key_lock);
            Result<void> v = key_validate(k);
            ret = v.ok() ? k->type->read(k, data.p, data_len) : errno_return(v.error());
        }
        if (!buffer || !buflen || ret <= 0 || static_cast<size_t>(ret) > buflen)
            return done(ret); /* only the length when it does not all fit, as Linux */
        if (static_cast<size_t>(ret) > data_len) {
            data_len = static_cast<size_t>(ret);
            continue;
        }
        if (!copy_to_user(buffer, data.p, static_cast<size_t>(ret)).ok())
            ret = errno_return(Errno::EFAULT);
        return done(ret);
    }
}

/* The construction calls need the authorisation key an upcall would hold:
 * there is none here (no /sbin/request-key), so EPERM after Linux's checks. */
Result<long> keyctl_instantiate(unsigned long payload, size_t plen)
{
    if (payload && plen && !access_ok(user_in_ptr<const void>(payload), plen))
        return Errno::EFAULT;
    return Errno::EPERM;
}

Result<long> keyctl_instantiate_iov(unsigned long iov, unsigned ioc)
{
    if (!iov)
        ioc = 0;
    if (ioc > 1024)
        return Errno::EINVAL;
    for (unsigned i = 0; i < ioc; i++) {
        if (in_compat_syscall()) {
            u32 v[2];
            TRY(copy_from_user(v, user_in_ptr<const u32>(iov) + 2 * i, 2));
            if (static_cast<s32>(v[1]) < 0)
                return Errno::EINVAL;
        } else {
            u64 v[2];
            TRY(copy_from_user(v, user_in_ptr<const u64>(iov) + 2 * i, 2));
            if (static_cast<s64>(v[1]) < 0)
                return Errno::EINVAL;
        }
    }
    return Errno::EPERM;
}

Result<long> keyctl_reject(int error)
{
    if (error <= 0 || error >= 4096 || error == static_cast<int>(Errno::ERESTARTSYS) ||
        error == static_cast<int>(Errno::ERESTARTNOINTR) || error == static_cast<int>(Errno::ERESTARTNOHAND) ||
        error == static_cast<int>(Errno::ERESTART_RESTARTBLOCK))
        return Errno::EINVAL;
    return Errno::EPERM;
}

Result<long> keyctl_assume_authority(key_serial_t id)
{
    if (id < 0)
        return Errno::EINVAL;
    if (id == 0)
        return 0; /* no authority held: nothing to drop */
    return Errno::ENOKEY; /* no authorisation key for it among the caller's keyrings */
}

} // namespace

long keyctl_dispatch(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)
{
    auto id = [](unsigned long a) { return static_cast<key_serial_t>(a); };
    auto in = [](unsigned long a) { return user_in_ptr<const char>(a); };
    Result<long> r = Errno::EOPNOTSUPP;
    switch (option) {
    case KEYCTL_GET_KEYRING_ID: r = keyctl_get_keyring_ID(id(arg2), static_cast<int>(arg3)); break;
    case KEYCTL_JOIN_SESSION_KEYRING: r = keyctl_join_session_keyring(in(arg2)); break;
    case KEYCTL_UPDATE: r = keyctl_update_key(id(arg2), user_in_ptr<const void>(arg3), arg4); break;
    case KEYCTL_REVOKE: r = keyctl_revoke_key(id(arg2)); break;
    case KEYCTL_DESCRIBE: r = keyctl_describe_key(id(arg2), user_out_ptr<char>(arg3), arg4); break;
    case KEYCTL_CLEAR: r = keyctl_keyring_clear(id(arg2)); break;
    case KEYCTL_LINK: r = keyctl_keyring_link(id(arg2), id(arg3)); break;
    case KEYCTL_UNLINK: r = keyctl_keyring_unlink(id(arg2), id(arg3)); break;
    case KEYCTL_SEARCH: r = keyctl_keyring_search(id(arg2), in(arg3), in(arg4), id(arg5)); break;
    case KEYCTL_READ: r = keyctl_read_key(id(arg2), user_out_ptr<char>(arg3), arg4); break;
    case KEYCTL_CHOWN: r = keyctl_chown_key(id(arg2), static_cast<uid_t>(arg3), static_cast<gid_t>(arg4)); break;
    case KEYCTL_SETPERM: r = keyctl_setperm_key(id(arg2), static_cast<key_perm_t>(arg3)); break;
    case KEYCTL_INSTANTIATE: r = keyctl_instantiate(arg3, arg4); break;
    case KEYCTL_NEGATE: r = Errno::EPERM; break;
    case KEYCTL_SET_REQKEY_KEYRING: r = keyctl_set_reqkey_keyring(static_cast<int>(arg2)); break;
    case KEYCTL_SET_TIMEOUT: r = keyctl_set_timeout(id(arg2), static_cast<unsigned>(arg3)); break;
    case KEYCTL_ASSUME_AUTHORITY: r = keyctl_assume_authority(id(arg2)); break;
    case KEYCTL_GET_SECURITY: r = keyctl_get_security(id(arg2), user_out_ptr<char>(arg3), arg4); break;
    case KEYCTL_SESSION_TO_PARENT: r = keyctl_session_to_parent(); break;
    case KEYCTL_REJECT: r = keyctl_reject(static_cast<int>(arg4)); break;
    case KEYCTL_INSTANTIATE_IOV: r = keyctl_instantiate_iov(arg3, static_cast<unsigned>(arg4)); break;
    case KEYCTL_INVALIDATE: r = keyctl_invalidate_key(id(arg2)); break;
    case KEYCTL_GET_PERSISTENT: r = keyctl_get_persistent(static_cast<uid_t>(arg2), id(arg3)); break;
    case KEYCTL_DH_COMPUTE: r = Errno::EOPNOTSUPP; break; /* not implemented: docs/keys.md */
    case KEYCTL_PKEY_QUERY:
    case KEYCTL_PKEY_ENCRYPT:
    case KEYCTL_PKEY_DECRYPT:
    case KEYCTL_PKEY_SIGN:
    case KEYCTL_PKEY_VERIFY: r = keyctl_pkey(option, arg2, arg3, arg4, arg5); break;
    case KEYCTL_RESTRICT_KEYRING: r = keyctl_restrict_keyring(id(arg2), in(arg3), in(arg4)); break;
    case KEYCTL_MOVE: r = keyctl_keyring_move(id(arg2), id(arg3), id(arg4), static_cast<unsigned>(arg5)); break;
    case KEYCTL_CAPABILITIES: r = keyctl_capabilities(user_out_ptr<u8>(arg2), arg3); break;
    case KEYCTL_WATCH_KEY: r = Errno::EOPNOTSUPP; break; /* no key notifications (CONFIG_KEY_NOTIFICATIONS) */
    default: break;
    }
    return r.ok() ? r.value() : errno_return(r.error());
}

SYSCALL_DEFINE5(add_key, user_in_ptr<const char>, _type, user_in_ptr<const char>, _description,
                user_in_ptr<const void>, _payload, size_t, plen, key_serial_t, ringid)
{
    return do_add_key(_type, _description, _payload, plen, ringid);
}

SYSCALL_DEFINE4(request_key, user_in_ptr<const char>, _type, user_in_ptr<const char>, _description,
                user_in_ptr<const char>, _callout_info, key_serial_t, destringid)
{
    return do_request_key(_type, _description, _callout_info, destringid);
}

SYSCALL_DEFINE5(keyctl, int, option, unsigned long, arg2, unsigned long, arg3, unsigned long, arg4, unsigned long,
                arg5)
{
    long ret = keyctl_dispatch(option, arg2, arg3, arg4, arg5);
    if (is_error_return(ret))
        return static_cast<Errno>(-ret);
    return ret;
}

/* The i386 entry: the same commands with 32-bit arguments (Linux's
 * compat_keyctl); INSTANTIATE_IOV reads compat_iovec entries by
 * in_compat_syscall(). DH_COMPUTE's structure would differ; it is not
 * implemented on either ABI. */
COMPAT_SYSCALL_DEFINE5(keyctl, u32, option, u32, arg2, u32, arg3, u32, arg4, u32, arg5)
{
    long ret = keyctl_dispatch(static_cast<int>(option), arg2, arg3, arg4, arg5);
    if (is_error_return(ret))
        return static_cast<Errno>(-ret);
    return ret;
}
