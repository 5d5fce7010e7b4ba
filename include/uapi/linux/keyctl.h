/*
 * The keyrings ABI (Linux's include/uapi/linux/keyctl.h): the special key
 * ids, the request-key default keyrings, the keyctl commands and the one
 * structure the implemented commands read (keyctl_pkey_params). The key
 * permission bits are Linux's include/linux/key.h (part of the ABI through
 * KEYCTL_SETPERM and KEYCTL_DESCRIBE).
 */
#pragma once
#include <linux/types.h>

using key_serial_t = s32;
using key_perm_t = u32;

/* Special ids: the caller's keyrings, resolved by lookup_user_key. */
constexpr key_serial_t KEY_SPEC_THREAD_KEYRING = -1;
constexpr key_serial_t KEY_SPEC_PROCESS_KEYRING = -2;
constexpr key_serial_t KEY_SPEC_SESSION_KEYRING = -3;
constexpr key_serial_t KEY_SPEC_USER_KEYRING = -4;
constexpr key_serial_t KEY_SPEC_USER_SESSION_KEYRING = -5;
constexpr key_serial_t KEY_SPEC_GROUP_KEYRING = -6;
constexpr key_serial_t KEY_SPEC_REQKEY_AUTH_KEY = -7;
constexpr key_serial_t KEY_SPEC_REQUESTOR_KEYRING = -8;

/* KEYCTL_SET_REQKEY_KEYRING: where request_key puts what it constructs. */
constexpr int KEY_REQKEY_DEFL_NO_CHANGE = -1;
constexpr int KEY_REQKEY_DEFL_DEFAULT = 0;
constexpr int KEY_REQKEY_DEFL_THREAD_KEYRING = 1;
constexpr int KEY_REQKEY_DEFL_PROCESS_KEYRING = 2;
constexpr int KEY_REQKEY_DEFL_SESSION_KEYRING = 3;
constexpr int KEY_REQKEY_DEFL_USER_KEYRING = 4;
constexpr int KEY_REQKEY_DEFL_USER_SESSION_KEYRING = 5;
constexpr int KEY_REQKEY_DEFL_GROUP_KEYRING = 6;
constexpr int KEY_REQKEY_DEFL_REQUESTOR_KEYRING = 7;

enum : int {
    KEYCTL_GET_KEYRING_ID = 0,
    KEYCTL_JOIN_SESSION_KEYRING = 1,
    KEYCTL_UPDATE = 2,
    KEYCTL_REVOKE = 3,
    KEYCTL_CHOWN = 4,
    KEYCTL_SETPERM = 5,
    KEYCTL_DESCRIBE = 6,
    KEYCTL_CLEAR = 7,
    KEYCTL_LINK = 8,
    KEYCTL_UNLINK = 9,
    KEYCTL_SEARCH = 10,
    KEYCTL_READ = 11,
    KEYCTL_INSTANTIATE = 12,
    KEYCTL_NEGATE = 13,
    KEYCTL_SET_REQKEY_KEYRING = 14,
    KEYCTL_SET_TIMEOUT = 15,
    KEYCTL_ASSUME_AUTHORITY = 16,
    KEYCTL_GET_SECURITY = 17,
    KEYCTL_SESSION_TO_PARENT = 18,
    KEYCTL_REJECT = 19,
    KEYCTL_INSTANTIATE_IOV = 20,
    KEYCTL_INVALIDATE = 21,
    KEYCTL_GET_PERSISTENT = 22,
    KEYCTL_DH_COMPUTE = 23,
    KEYCTL_PKEY_QUERY = 24,
    KEYCTL_PKEY_ENCRYPT = 25,
    KEYCTL_PKEY_DECRYPT = 26,
    KEYCTL_PKEY_SIGN = 27,
    KEYCTL_PKEY_VERIFY = 28,
    KEYCTL_RESTRICT_KEYRING = 29,
    KEYCTL_MOVE = 30,
    KEYCTL_CAPABILITIES = 31,
    KEYCTL_WATCH_KEY = 32,
};

constexpr unsigned KEYCTL_MOVE_EXCL = 0x00000001;

/* KEYCTL_CAPABILITIES: byte 0 and byte 1. */
constexpr u8 KEYCTL_CAPS0_CAPABILITIES = 0x01, KEYCTL_CAPS0_PERSISTENT_KEYRINGS = 0x02,
             KEYCTL_CAPS0_DIFFIE_HELLMAN = 0x04, KEYCTL_CAPS0_PUBLIC_KEY = 0x08, KEYCTL_CAPS0_BIG_KEY = 0x10,
             KEYCTL_CAPS0_INVALIDATE = 0x20, KEYCTL_CAPS0_RESTRICT_KEYRING = 0x40, KEYCTL_CAPS0_MOVE = 0x80;
constexpr u8 KEYCTL_CAPS1_NS_KEYRING_NAME = 0x01, KEYCTL_CAPS1_NS_KEY_TAG = 0x02, KEYCTL_CAPS1_NOTIFICATIONS = 0x04;

/* Permissions: possessor, user (owner), group, other; a byte each. */
constexpr key_perm_t KEY_POS_VIEW = 0x01000000, KEY_POS_READ = 0x02000000, KEY_POS_WRITE = 0x04000000,
                     KEY_POS_SEARCH = 0x08000000, KEY_POS_LINK = 0x10000000, KEY_POS_SETATTR = 0x20000000,
                     KEY_POS_ALL = 0x3f000000;
constexpr key_perm_t KEY_USR_VIEW = 0x00010000, KEY_USR_READ = 0x00020000, KEY_USR_WRITE = 0x00040000,
                     KEY_USR_SEARCH = 0x00080000, KEY_USR_LINK = 0x00100000, KEY_USR_SETATTR = 0x00200000,
                     KEY_USR_ALL = 0x003f0000;
constexpr key_perm_t KEY_GRP_ALL = 0x00003f00;
constexpr key_perm_t KEY_OTH_VIEW = 0x01, KEY_OTH_READ = 0x02, KEY_OTH_WRITE = 0x04, KEY_OTH_SEARCH = 0x08,
                     KEY_OTH_LINK = 0x10, KEY_OTH_SETATTR = 0x20, KEY_OTH_ALL = 0x3f;

/* KEYCTL_PKEY_ENCRYPT/DECRYPT/SIGN/VERIFY's second argument. */
struct keyctl_pkey_params {
    s32 key_id;
    u32 in_len;
    u32 out_len; /* in2_len for VERIFY */
    u32 __spare[7];
};
static_assert(sizeof(keyctl_pkey_params) == 40);
static_assert(__builtin_offsetof(keyctl_pkey_params, out_len) == 8);
