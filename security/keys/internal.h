/*
 * Keyrings internals (security/keys/ only; Linux's security/keys/internal.h
 * and include/linux/key.h): keys, their types, the per-user quota records,
 * key references that remember possession, and the search context.
 *
 * A key has a random positive serial (key.cpp), a type (user, logon,
 * keyring: user_defined.cpp, keyring.cpp), an owner, a group and a
 * permission mask checked by key_task_permission (permission.cpp). A keyring
 * holds references to the keys linked into it, one per (type, description).
 * A task reaches keys through the keyrings in its credentials (thread,
 * process, session) and its user's keyrings (process_keys.cpp); a key found
 * by searching those is "possessed", which adds the mask's top byte.
 */
#pragma once
#include <linux/cred.h>
#include <linux/list.h>
#include <linux/result.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <uapi/linux/keyctl.h>
#include "../../lib/rbtree.h"

namespace procfs { struct seqbuf; }

/*
 * key_lock protects every key and keyring (fields, state, payload, links,
 * usage), the serial tree, the key_user tree and their quota counts, the
 * named keyrings, the garbage collector's schedule and the keyring pointers
 * in credentials while they are taken or dropped. It may be taken again by
 * the CPU holding it (put_cred from commit_creds drops key references), is
 * held with interrupts off and never across a user copy: the calls copy
 * into kernel buffers first. Order: kernel lock -> tasklist_lock -> key_lock
 * -> slab_lock (kmalloc).
 */
extern rec_spinlock_t key_lock;

constexpr s64 TIME64_MAX = 0x7fffffffffffffffLL;
constexpr size_t KEY_MAX_DESC_SIZE = 4096;
constexpr unsigned KEYQUOTA_LINK_BYTES = 4; /* what a link in a keyring costs its owner */
constexpr int KEYRING_SEARCH_MAX_DEPTH = 6;

/* key::flags bits (Linux's KEY_FLAG_*). */
enum : int {
    KEY_FLAG_DEAD = 0,
    KEY_FLAG_REVOKED = 1,
    KEY_FLAG_IN_QUOTA = 2,
    KEY_FLAG_USER_CONSTRUCT = 3,
    KEY_FLAG_ROOT_CAN_CLEAR = 4,
    KEY_FLAG_INVALIDATED = 5,
    KEY_FLAG_BUILTIN = 6,
    KEY_FLAG_ROOT_CAN_INVAL = 7,
    KEY_FLAG_KEEP = 8,
    KEY_FLAG_UID_KEYRING = 9,
};

/* key_alloc's flags (Linux's KEY_ALLOC_*). */
enum : unsigned {
    KEY_ALLOC_IN_QUOTA = 0x0000,
    KEY_ALLOC_QUOTA_OVERRUN = 0x0001,
    KEY_ALLOC_NOT_IN_QUOTA = 0x0002,
    KEY_ALLOC_UID_KEYRING = 0x0010,
};

/* key::state: not yet instantiated, positive, or negative (-errno). */
constexpr short KEY_IS_UNINSTANTIATED = 0, KEY_IS_POSITIVE = 1;

/* What a caller needs of a key (Linux's enum key_need_perm). */
enum class key_need : u8 { UNSPECIFIED, VIEW, READ, WRITE, SEARCH, LINK, SETATTR, UNLINK, SYSADMIN_OVERRIDE,
                           AUTHTOKEN_OVERRIDE, DEFER_PERM_CHECK };

/* One user's keys and quota (Linux's key_user), in a tree by uid. */
struct key_user {
    rb_node node;
    uid_t uid;
    int usage;        /* a reference per key it owns, and lookups' */
    int nkeys;        /* keys owned */
    int nikeys;       /* of them instantiated */
    unsigned qnkeys;  /* keys counted in the quota */
    unsigned qnbytes; /* bytes counted in the quota */
};

struct key;

/* A new key's or an update's payload, checked and prepared by the type. */
struct key_preparsed_payload {
    const char* description; /* the caller's */
    const void* data;
    size_t datalen;
    size_t quotalen;
    void* payload; /* the type's, given to the key by instantiate/update */
    s64 expiry;
};

struct key_type {
    const char* name;
    size_t def_datalen;
    Result<void> (*vet_description)(const char* description);
    Result<void> (*preparse)(key_preparsed_payload* prep);
    void (*free_preparse)(key_preparsed_payload* prep);
    Result<void> (*instantiate)(key* k, key_preparsed_payload* prep);
    Result<void> (*update)(key* k, key_preparsed_payload* prep); /* null: EOPNOTSUPP, add_key makes a new key */
    void (*revoke)(key* k);
    void (*destroy)(key* k);
    void (*describe)(const key* k, procfs::seqbuf& m);
    /* The payload into buf (up to buflen bytes); returns its whole length. Null: EOPNOTSUPP. */
    long (*read)(const key* k, char* buf, size_t buflen);
};

extern const key_type key_type_keyring, key_type_user, key_type_logon;

struct key {
    int usage; /* links from keyrings, credentials, lookups in progress */
    key_serial_t serial;
    rb_node serial_node;
    const key_type* type;
    char* description;
    key_user* user;
    uid_t uid;
    gid_t gid; /* (gid_t)-1: none */
    key_perm_t perm;
    s64 expiry;     /* TIME64_MAX: never */
    s64 revoked_at; /* 0: not revoked */
    unsigned long flags;
    short state;
    unsigned datalen;  /* the payload's length (a keyring: its links' quota bytes) */
    unsigned quotalen; /* what it counts in its owner's byte quota */
    void* payload;     /* the type's: user_key_payload for user and logon */
    /* keyring: the keys linked in, each with a reference */
    key** links;
    unsigned nr_links, cap_links;
    bool restricted;    /* KEYCTL_RESTRICT_KEYRING with no type: every link refused */
    list_head name_link; /* a named keyring, in keyring_name_list (join by name) */
};

[[nodiscard]] static inline bool test_bit(int bit, unsigned long flags) { return flags & (1UL << bit); }
static inline void set_bit(int bit, unsigned long& flags) { flags |= 1UL << bit; }

/* A key and whether the caller possesses it (Linux's key_ref_t). */
struct key_ref {
    key* k = nullptr;
    bool possessed = false;
};

/* key.cpp */
s64 key_now(); /* seconds since the epoch */
key* key_get(key* k);
void key_put(key* k);
[[nodiscard]] key* key_lookup(key_serial_t id); /* with a reference, or null */
key_user* key_user_lookup(uid_t uid);           /* with a reference, or null (ENOMEM) */
void key_user_put(key_user* u);
[[nodiscard]] Result<key*> key_alloc(const key_type* type, const char* desc, uid_t uid, gid_t gid, key_perm_t perm,
                                     unsigned flags);
[[nodiscard]] Result<void> key_payload_reserve(key* k, size_t datalen);
void mark_key_instantiated(key* k, int reject_error);
void key_revoke(key* k);
void key_invalidate(key* k);
void key_set_timeout(key* k, unsigned timeout);
[[nodiscard]] Result<void> key_validate(const key* k);
[[nodiscard]] Result<key_ref> key_create_or_update(key_ref keyring, const char* type, const char* description,
                                                   const void* payload, size_t plen, unsigned flags);
[[nodiscard]] Result<void> key_update(key_ref ref, const void* payload, size_t plen);
extern rb_root key_serial_tree;
extern rb_root key_user_tree;
extern unsigned key_quota_maxkeys, key_quota_maxbytes, key_quota_root_maxkeys, key_quota_root_maxbytes;
extern unsigned key_gc_delay, persistent_keyring_expiry;
const key_type* key_type_lookup(const char* name); /* null: no such type */

/* permission.cpp */
[[nodiscard]] Result<void> key_task_permission(key_ref ref, const cred* c, key_need need);
[[nodiscard]] static inline Result<void> key_permission(key_ref ref, key_need need)
{
    return key_task_permission(ref, current_cred(), need);
}

/* keyring.cpp */
struct keyring_search_context {
    const key_type* type;
    const char* description;
    const key* raw;        /* match this very key (possession) rather than type and description */
    const cred* c;
    bool state_check;      /* skip revoked, expired and negative keys (with their errors) */
    bool skip_expired;     /* ...and expired ones without EKEYEXPIRED */
    bool no_check_perm;
    bool recurse;
    bool possessed;
    s64 now;
    Errno error;           /* what a failed search returns: EAGAIN when nothing matched */
};
[[nodiscard]] Result<key*> keyring_alloc(const char* desc, uid_t uid, gid_t gid, key_perm_t perm, unsigned flags,
                                         key* dest);
[[nodiscard]] Result<key_ref> keyring_search_rcu(key_ref keyring, keyring_search_context& ctx);
[[nodiscard]] Result<key_ref> keyring_search(key_ref keyring, const key_type* type, const char* desc, bool recurse);
[[nodiscard]] Result<void> key_link(key* keyring, key* k);
[[nodiscard]] Result<void> key_unlink(key* keyring, key* k);
[[nodiscard]] Result<void> key_move(key* k, key* from, key* to, unsigned flags);
[[nodiscard]] Result<void> keyring_clear(key* keyring);
[[nodiscard]] Result<void> keyring_restrict(key_ref keyring, const char* type, const char* restriction);
key* find_keyring_by_name(const char* name, bool uid_keyring); /* with a reference, or null */
key_ref find_key_to_update(key_ref keyring, const key_type* type, const char* desc);
[[nodiscard]] Result<void> link_new_key(key* keyring, key* k); /* quota and replacement, no permission checks */
void keyring_gc(key* keyring, s64 now, s64 limit);
long keyring_read_ids(const key* keyring, key_serial_t* buf, size_t buflen);

/* process_keys.cpp */
constexpr unsigned KEY_LOOKUP_CREATE = 0x01, KEY_LOOKUP_PARTIAL = 0x02;
[[nodiscard]] Result<key_ref> lookup_user_key(key_serial_t id, unsigned lflags, key_need need);
[[nodiscard]] Result<key_ref> search_process_keyrings(keyring_search_context& ctx);
[[nodiscard]] Result<void> look_up_user_keyrings(key** user_keyring, key** user_session_keyring);
[[nodiscard]] Result<long> join_session_keyring(const char* name);
[[nodiscard]] Result<void> install_thread_keyring_to_cred(cred* c);
[[nodiscard]] Result<void> install_process_keyring_to_cred(cred* c);
[[nodiscard]] Result<long> keyctl_session_to_parent();

/* request_key.cpp */
[[nodiscard]] Result<key*> request_key_and_link(const key_type* type, const char* description,
                                                const char* callout_info, key* dest);

/* gc.cpp */
void key_schedule_gc(s64 gc_at);
void key_schedule_gc_links();
void key_gc_maybe(); /* the collection, if one is due */

/* keyctl.cpp's helpers for the compat entry */
[[nodiscard]] long keyctl_dispatch(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4,
                                   unsigned long arg5);
