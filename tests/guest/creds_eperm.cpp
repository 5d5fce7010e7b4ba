/*
 * creds_eperm: what root may do and what an unprivileged process may not.
 * The first process runs as root (uid 0, all capabilities):
 *   - sethostname works and uname shows the name; len > 64 or < 0 is EINVAL;
 *     sethostname(NULL, 0) sets the empty name (Linux copies len bytes).
 *   - reboot checks CAP_SYS_BOOT first, then the magic numbers (kernel/reboot.c):
 *     as root a bad magic is EINVAL, an unknown command EINVAL, CAD_OFF is 0.
 *   - the setuid family follows kernel/sys.c and the capability rules of
 *     security/commoncap.c (cap_emulate_setxuid): leaving euid 0 clears the
 *     effective capabilities, returning to euid 0 restores the permitted ones,
 *     and losing uid 0 from all of ruid/euid/suid clears everything.
 * Then, as nobody (65534 in all three uids), everything privileged is EPERM:
 * sethostname, setdomainname, reboot (even with bad magic: the capability
 * check comes first), setuid(0), setresuid/setreuid to 0, setgroups.
 * setuid(-1) is EINVAL (invalid uid) whoever calls it.
 */
#include <trapgate/check.h>
#include <trapgate/uapi.h>

using namespace trapgate;
using namespace trapgate::x64;

static unsigned int r, e, s;

/* "ruid euid suid" as a number-free label check. */
static void check_resuid(unsigned int wr, unsigned int we, unsigned int ws)
{
    CHECK_EQ(sys_getresuid(&r, &e, &s), 0);
    test::expect_eq(test::label("ruid (want ", wr, ")"), r, wr);
    test::expect_eq(test::label("euid (want ", we, ")"), e, we);
    test::expect_eq(test::label("suid (want ", ws, ")"), s, ws);
}

static const unsigned int NOBODY = 65534, NOGROUP = 65534;
static const unsigned int KEEP = static_cast<unsigned int>(-1);

int main(int, char**, char**)
{
    static new_utsname u;
    static char long_name[80];
    memset(long_name, 'x', sizeof(long_name));

    test::section("root: identity");
    CHECK_EQ(sys_getuid(), 0);
    CHECK_EQ(sys_geteuid(), 0);
    CHECK_EQ(sys_getgid(), 0);
    CHECK_EQ(sys_getegid(), 0);
    check_resuid(0, 0, 0);

    test::section("root: sethostname and uname");
    CHECK_EQ(sys_sethostname("trapgate-test", 13), 0);
    CHECK_EQ(sys_uname(&u), 0);
    CHECK_STR(u.nodename, "trapgate-test");
    CHECK_STR(u.sysname, "Linux");
    CHECK_STR(u.machine, "x86_64");
    CHECK_EQ(sys_sethostname("abcdefgh", 3), 0); /* only len bytes count */
    CHECK_EQ(sys_uname(&u), 0);
    CHECK_STR(u.nodename, "abc");
    CHECK_EQ(sys_sethostname(long_name, 65), EINVAL);
    CHECK_EQ(sys_sethostname(long_name, -1), EINVAL);
    CHECK_EQ(sys_sethostname(long_name, 64), 0);
    CHECK_EQ(sys_uname(&u), 0);
    CHECK_EQ(static_cast<long>(strlen(u.nodename)), 64);
    CHECK_EQ(sys_sethostname(nullptr, 0), 0);
    CHECK_EQ(sys_uname(&u), 0);
    CHECK_STR(u.nodename, "");
    CHECK_EQ(sys_sethostname("trapgate-test", 13), 0);
    CHECK_EQ(sys_setdomainname("example", 7), 0);
    CHECK_EQ(sys_uname(&u), 0);
    CHECK_STR(u.domainname, "example");

    test::section("root: reboot without rebooting");
    CHECK_EQ(sys_reboot(0, 0, LINUX_REBOOT_CMD_POWER_OFF, 0), EINVAL);
    CHECK_EQ(sys_reboot(LINUX_REBOOT_MAGIC1, 12345, LINUX_REBOOT_CMD_POWER_OFF, 0), EINVAL);
    CHECK_EQ(sys_reboot(12345, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, 0), EINVAL);
    CHECK_EQ(sys_reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, 0x12345678, 0), EINVAL);
    CHECK_EQ(sys_reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_CAD_OFF, 0), 0);

    test::section("root: the setuid family");
    CHECK_EQ(sys_setuid(KEEP), EINVAL);
    CHECK_EQ(sys_setresuid(KEEP, KEEP, KEEP), 0);
    check_resuid(0, 0, 0);
    /* setresuid as root: anything goes. euid 1000 drops the effective caps. */
    CHECK_EQ(sys_setresuid(1000, 2000, 0), 0);
    check_resuid(1000, 2000, 0);
    CHECK_EQ(sys_sethostname("x", 1), EPERM);  /* no effective CAP_SYS_ADMIN */
    CHECK_EQ(sys_setresuid(3000, KEEP, KEEP), EPERM); /* no effective CAP_SETUID */
    /* setreuid(-1, 0): euid may become the saved uid; as it differs from the
     * real uid, suid follows euid. Back to euid 0: caps effective again. */
    CHECK_EQ(sys_setreuid(KEEP, 0), 0);
    check_resuid(1000, 0, 0);
    /* Privileged again: setreuid may set any real uid, and suid = new euid. */
    CHECK_EQ(sys_setreuid(2000, KEEP), 0);
    check_resuid(2000, 0, 0);
    CHECK_EQ(sys_setresuid(0, 0, 0), 0);
    check_resuid(0, 0, 0);
    /* setreuid(-1, 1000) as root: euid 1000 != ruid 0, so suid = 1000 too;
     * the permitted caps stay (ruid 0), the effective ones go. */
    CHECK_EQ(sys_setreuid(KEEP, 1000), 0);
    check_resuid(0, 1000, 1000);
    /* Unprivileged setuid(0): allowed because 0 is the real uid; sets euid only. */
    CHECK_EQ(sys_setuid(0), 0);
    check_resuid(0, 0, 1000);
    /* Privileged setuid: all three. */
    CHECK_EQ(sys_setuid(0), 0);
    check_resuid(0, 0, 0);
    CHECK_EQ(sys_setgroups(0, nullptr), 0);
    CHECK_EQ(sys_getgroups(0, nullptr), 0);

    test::section("dropping to nobody");
    CHECK_EQ(sys_setresgid(NOGROUP, NOGROUP, NOGROUP), 0);
    CHECK_EQ(sys_setresuid(NOBODY, NOBODY, NOBODY), 0);
    check_resuid(NOBODY, NOBODY, NOBODY);
    CHECK_EQ(sys_getuid(), NOBODY);
    CHECK_EQ(sys_geteuid(), NOBODY);
    CHECK_EQ(sys_getgid(), NOGROUP);
    CHECK_EQ(sys_getegid(), NOGROUP);

    test::section("nobody: EPERM");
    CHECK_EQ(sys_reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, 0), EPERM);
    CHECK_EQ(sys_reboot(0, 0, LINUX_REBOOT_CMD_POWER_OFF, 0), EPERM); /* capability before magic */
    CHECK_EQ(sys_reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_CAD_OFF, 0), EPERM);
    CHECK_EQ(sys_sethostname("nobody", 6), EPERM);
    CHECK_EQ(sys_sethostname(long_name, 65), EPERM); /* capability before length */
    CHECK_EQ(sys_setdomainname("nobody", 6), EPERM);
    CHECK_EQ(sys_setuid(0), EPERM);
    CHECK_EQ(sys_setuid(1000), EPERM);
    CHECK_EQ(sys_setuid(KEEP), EINVAL);
    CHECK_EQ(sys_setresuid(0, KEEP, KEEP), EPERM);
    CHECK_EQ(sys_setresuid(KEEP, 0, KEEP), EPERM);
    CHECK_EQ(sys_setresuid(KEEP, KEEP, 0), EPERM);
    CHECK_EQ(sys_setreuid(0, KEEP), EPERM);
    CHECK_EQ(sys_setreuid(KEEP, 0), EPERM);
    CHECK_EQ(sys_setgid(0), EPERM);
    CHECK_EQ(sys_setgroups(0, nullptr), EPERM);
    CHECK_EQ(sys_uname(&u), 0);
    CHECK_STR(u.nodename, "trapgate-test"); /* unchanged */

    test::section("nobody: what is still allowed");
    CHECK_EQ(sys_setuid(NOBODY), 0);
    CHECK_EQ(sys_setresuid(KEEP, KEEP, KEEP), 0);
    CHECK_EQ(sys_setresuid(NOBODY, NOBODY, NOBODY), 0);
    CHECK_EQ(sys_setreuid(NOBODY, NOBODY), 0);
    CHECK_EQ(sys_setgid(NOGROUP), 0);
    check_resuid(NOBODY, NOBODY, NOBODY);
    return test::summary();
}
