/*
 * compat_keyctl: keyrings through int $0x80: add_key (286) and request_key
 * (287) as the native handlers, keyctl (288) as compat_sys_keyctl with its
 * 32-bit arguments. Serials and buffers are in the program's data (below
 * 4 GiB); a serial made one way is found the other way.
 */
#include <trapgate/check.h>
#include <trapgate/uapi.h>

using namespace trapgate;

constexpr long KEY_SPEC_SESSION_KEYRING = -3, KEY_SPEC_THREAD_KEYRING = -1;
constexpr long KEYCTL_GET_KEYRING_ID = 0, KEYCTL_UPDATE = 2, KEYCTL_REVOKE = 3, KEYCTL_DESCRIBE = 6,
               KEYCTL_LINK = 8, KEYCTL_SEARCH = 10, KEYCTL_READ = 11, KEYCTL_SET_TIMEOUT = 15,
               KEYCTL_INSTANTIATE_IOV = 20;
constexpr long ENOKEY_ = 126, EKEYREVOKED_ = 128;

static char buf[64];
static int ids[4];
static const char type[] = "user", desc[] = "k32", payload[] = "payload", ring[] = "keyring", rdesc[] = "r32";
static unsigned iov32[2] = {0, 4};

int main(int, char**, char**)
{
    test::section("add_key and keyctl from i386");
    SysResult k = ia32::sys_add_key(type, desc, payload, 7, KEY_SPEC_SESSION_KEYRING);
    CHECK(k.value() > 2);
    long key = k.value();
    CHECK_EQ(ia32::sys_keyctl(KEYCTL_READ, key, buf, sizeof(buf)), 7);
    CHECK_STR(buf, "payload");
    CHECK_EQ(x64::sys_keyctl(KEYCTL_READ, key, buf, 3), 7);
    CHECK_EQ(ia32::sys_keyctl(KEYCTL_DESCRIBE, key, buf, sizeof(buf)), 22);
    CHECK_STR(buf, "user;0;0;3f010000;k32");
    CHECK_EQ(ia32::sys_keyctl(KEYCTL_UPDATE, key, rdesc, 3), 0);
    CHECK_EQ(x64::sys_keyctl(KEYCTL_READ, key, buf, sizeof(buf)), 3);
    SysResult session = ia32::sys_keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
    CHECK(session.value() > 2);
    CHECK(x64::sys_keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0).value() == session.value());
    CHECK(ia32::sys_keyctl(KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING, type, desc, 0).value() == key);
    CHECK(ia32::sys_request_key(type, desc, 0, 0).value() == key);
    SysResult r = ia32::sys_add_key(ring, rdesc, 0, 0, KEY_SPEC_SESSION_KEYRING);
    CHECK_EQ(ia32::sys_keyctl(KEYCTL_LINK, key, r.value()), 0);
    CHECK_EQ(ia32::sys_keyctl(KEYCTL_READ, r.value(), ids, sizeof(ids)), 4);
    CHECK(ids[0] == key);
    CHECK_EQ(ia32::sys_keyctl(KEYCTL_READ, r.value(), ids, 6), EINVAL);
    CHECK_ERR(ia32::sys_keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_THREAD_KEYRING, 0), ENOKEY_);
    CHECK_EQ(ia32::sys_keyctl(KEYCTL_INSTANTIATE_IOV, key, iov32, 1, 0), EPERM);
    CHECK_EQ(ia32::sys_keyctl(KEYCTL_INSTANTIATE_IOV, key, 0xfffff000UL, 1, 0), EFAULT);
    CHECK_EQ(ia32::sys_keyctl(KEYCTL_SET_TIMEOUT, key, 100), 0);
    CHECK_EQ(ia32::sys_keyctl(KEYCTL_REVOKE, key), 0);
    CHECK_ERR(ia32::sys_keyctl(KEYCTL_READ, key, buf, sizeof(buf)), EKEYREVOKED_);
    CHECK_ERR(ia32::sys_keyctl(KEYCTL_READ, key, 0xfffff000UL, 4), EKEYREVOKED_);
    CHECK_EQ(ia32::sys_add_key(type, 0xfffff000UL, payload, 7, KEY_SPEC_SESSION_KEYRING), EFAULT);
    CHECK_EQ(ia32::sys_keyctl(999), EOPNOTSUPP);
    return test::summary();
}
