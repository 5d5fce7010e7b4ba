/*
 * What keyctl.cpp and keyctl_attr.cpp share: strings from user space the
 * way Linux's keyctl.c takes them, and a kmalloc'd buffer that frees itself.
 */
#pragma once
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "internal.h"

/* A kmalloc'd buffer, freed at the end of the scope. */
struct kbuf {
    char* p = nullptr;
    kbuf() = default;
    explicit kbuf(char* q) : p(q) {}
    kbuf(const kbuf&) = delete;
    kbuf& operator=(const kbuf&) = delete;
    kbuf(kbuf&& o) : p(o.p) { o.p = nullptr; }
    kbuf& operator=(kbuf&& o)
    {
        if (this != &o) {
            kfree(p);
            p = o.p;
            o.p = nullptr;
        }
        return *this;
    }
    ~kbuf() { kfree(p); }
};

/* Linux's strndup_user: EFAULT if unreadable, EINVAL if no NUL within n bytes. */
[[nodiscard]] Result<kbuf> strndup_user(user_in_ptr<const char> s, size_t n);
/* Linux's key_get_type_from_user: EFAULT, EINVAL for "" or 32 bytes and
 * more, EPERM for a type starting with '.'. */
[[nodiscard]] Result<void> key_get_type_from_user(char (&type)[32], user_in_ptr<const char> src);

/* keyctl_attr.cpp: the commands that change or describe one key. */
[[nodiscard]] Result<long> keyctl_chown_key(key_serial_t id, uid_t user, gid_t group);
[[nodiscard]] Result<long> keyctl_setperm_key(key_serial_t id, key_perm_t perm);
[[nodiscard]] Result<long> keyctl_describe_key(key_serial_t id, user_out_ptr<char> buffer, size_t buflen);
[[nodiscard]] Result<long> keyctl_set_timeout(key_serial_t id, unsigned timeout);
[[nodiscard]] Result<long> keyctl_get_security(key_serial_t id, user_out_ptr<char> buffer, size_t buflen);
[[nodiscard]] Result<long> keyctl_set_reqkey_keyring(int reqkey_defl);
[[nodiscard]] Result<long> keyctl_restrict_keyring(key_serial_t id, user_in_ptr<const char> type,
                                                   user_in_ptr<const char> restriction);
[[nodiscard]] Result<long> keyctl_capabilities(user_out_ptr<u8> buffer, size_t buflen);
[[nodiscard]] Result<long> keyctl_pkey(int op, unsigned long arg2, unsigned long arg3, unsigned long arg4,
                                       unsigned long arg5);
[[nodiscard]] Result<long> keyctl_get_persistent(uid_t uid, key_serial_t destid);
