/*
 * The "user" and "logon" key types (Linux's security/keys/user_defined.c):
 * a blob of 1 to 32767 bytes, updatable; a logon key's description must be
 * "service:name" and its payload cannot be read back from user space. The
 * type table key_type_lookup searches is here too.
 */
#include <linux/slab.h>
#include <linux/string.h>
#include "../../fs/proc/internal.h"
#include "internal.h"

namespace {

struct user_key_payload {
    unsigned short datalen;
    char data[];
};

Result<void> user_preparse(key_preparsed_payload* prep)
{
    size_t datalen = prep->datalen;
    if (datalen <= 0 || datalen > 32767 || !prep->data)
        return Errno::EINVAL;
    auto* up = static_cast<user_key_payload*>(kmalloc(sizeof(user_key_payload) + datalen));
    if (!up)
        return Errno::ENOMEM;
    prep->quotalen = datalen;
    up->datalen = static_cast<unsigned short>(datalen);
    memcpy(up->data, prep->data, datalen);
    prep->payload = up;
    return {};
}

void user_free_preparse(key_preparsed_payload* prep)
{
    kfree(prep->payload);
    prep->payload = nullptr;
}

/* generic_key_instantiate: the quota for the payload, then the payload. */
Result<void> user_instantiate(key* k, key_preparsed_payload* prep)
{
    TRY(key_payload_reserve(k, prep->quotalen));
    k->payload = prep->payload;
    prep->payload = nullptr;
    return {};
}

Result<void> user_update(key* k, key_preparsed_payload* prep)
{
    TRY(key_payload_reserve(k, prep->datalen));
    k->expiry = prep->expiry; /* an update makes the key permanent again, as Linux's */
    kfree(k->payload);
    k->payload = prep->payload;
    prep->payload = nullptr;
    return {};
}

void user_revoke(key* k)
{
    (void)key_payload_reserve(k, 0); /* shrinking never fails */
    kfree(k->payload);
    k->payload = nullptr;
}

void user_destroy(key* k)
{
    kfree(k->payload);
    k->payload = nullptr;
}

void user_describe(const key* k, procfs::seqbuf& m)
{
    m.puts(k->description);
    if (k->state == KEY_IS_POSITIVE)
        m.printf(": %u", k->datalen);
}

long user_read(const key* k, char* buf, size_t buflen)
{
    auto* up = static_cast<const user_key_payload*>(k->payload);
    if (!up)
        return 0;
    long ret = up->datalen;
    if (buf && buflen > 0)
        memcpy(buf, up->data, buflen < up->datalen ? buflen : up->datalen);
    return ret;
}

Result<void> logon_vet_description(const char* desc)
{
    const char* p = strchr(desc, ':');
    if (!p || p == desc)
        return Errno::EINVAL; /* "service:" is required, with a service */
    return {};
}

} // namespace

const key_type key_type_user = {
    .name = "user",
    .def_datalen = 0,
    .vet_description = nullptr,
    .preparse = user_preparse,
    .free_preparse = user_free_preparse,
    .instantiate = user_instantiate,
    .update = user_update,
    .revoke = user_revoke,
    .destroy = user_destroy,
    .describe = user_describe,
    .read = user_read,
};

const key_type key_type_logon = {
    .name = "logon",
    .def_datalen = 0,
    .vet_description = logon_vet_description,
    .preparse = user_preparse,
    .free_preparse = user_free_preparse,
    .instantiate = user_instantiate,
    .update = user_update,
    .revoke = user_revoke,
    .destroy = user_destroy,
    .describe = user_describe,
    .read = nullptr,
};

/* The registered types (Linux's key_types_list). Others (asymmetric,
 * encrypted, big_key...) are not here: add_key answers ENODEV. */
const key_type* key_type_lookup(const char* name)
{
    static const key_type* const types[] = {&key_type_keyring, &key_type_user, &key_type_logon};
    for (const key_type* t : types)
        if (strcmp(t->name, name) == 0)
            return t;
    return nullptr;
}
