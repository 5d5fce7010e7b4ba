/*
 * compat_resource: resource limits and usage, wait4 and uname through
 * int $0x80 with i386 layouts.
 *   - getrlimit/ugetrlimit (191, compat_sys_getrlimit): 32-bit values,
 *     infinity 0xffffffff; old getrlimit (76): infinity 0x7fffffff;
 *     setrlimit (75) maps 0xffffffff back to infinity; prlimit64 (340) is
 *     the 64-bit rlimit64 on both ABIs.
 *   - getrusage (77) and wait4 (114): the 72-byte compat_rusage.
 *   - sysinfo (116): the 64-byte compat_sysinfo, figures as x86-64's.
 *   - getgroups (80) and setgroups (81): 16-bit group ids.
 *   - uname (122, new_utsname, the same layout), olduname (109) and
 *     oldolduname (59, 9-byte fields).
 */
#include <trapgate/check.h>
#include <trapgate/uapi.h>

using namespace trapgate;

struct rlimit32 {
    uint32_t cur, max;
};
struct rlimit64_ {
    uint64_t cur, max;
};
struct rusage32 {
    int32_t utime_sec, utime_usec, stime_sec, stime_usec;
    int32_t rest[14];
};
static_assert(sizeof(rusage32) == 72);
struct sysinfo32 {
    int32_t uptime;
    uint32_t loads[3];
    uint32_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    uint16_t procs, pad;
    uint32_t totalhigh, freehigh, mem_unit;
    char f[8];
};
static_assert(sizeof(sysinfo32) == 64);
struct sysinfo64 {
    long uptime;
    unsigned long loads[3];
    unsigned long totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    unsigned short procs, pad;
    unsigned long totalhigh, freehigh;
    unsigned int mem_unit;
    char f[0];
};
struct utsname65 {
    char f[6][65];
};
struct utsname9 {
    char f[5][9];
};

constexpr int RLIMIT_CORE = 4;

static rlimit32 r32;
static rlimit64_ r64;
static rusage32 ru;
static sysinfo32 si32;
static sysinfo64 si64;
static utsname65 un, un64;
static utsname9 un9;
static int status;

static bool same(const char* a, const char* b, int n)
{
    for (int i = 0; i < n; i++) {
        if (a[i] != b[i])
            return false;
        if (!a[i])
            return true;
    }
    return true;
}

int main(int, char**, char**)
{
    test::section("getrlimit, ugetrlimit, old getrlimit, setrlimit");
    r64 = {1000, ~0UL};
    CHECK_EQ(x64::sys_setrlimit(RLIMIT_CORE, &r64), 0);
    CHECK_EQ(ia32::sys_ugetrlimit(RLIMIT_CORE, &r32), 0);
    CHECK(r32.cur == 1000 && r32.max == 0xffffffffu);
    CHECK_EQ(ia32::sys_getrlimit(RLIMIT_CORE, &r32), 0);
    CHECK(r32.cur == 1000 && r32.max == 0x7fffffffu);
    r64 = {0x100000000UL, 0x200000000UL};
    CHECK_EQ(x64::sys_setrlimit(RLIMIT_CORE, &r64), 0);
    CHECK_EQ(ia32::sys_ugetrlimit(RLIMIT_CORE, &r32), 0);
    CHECK(r32.cur == 0xffffffffu && r32.max == 0xffffffffu);
    r32 = {2000, 0xffffffffu};
    CHECK_EQ(ia32::sys_setrlimit(RLIMIT_CORE, &r32), 0);
    CHECK_EQ(x64::sys_getrlimit(RLIMIT_CORE, &r64), 0);
    CHECK(r64.cur == 2000 && r64.max == ~0UL);
    r32 = {3000, 0xfffffffeu};
    CHECK_EQ(ia32::sys_setrlimit(RLIMIT_CORE, &r32), 0);
    CHECK_EQ(x64::sys_getrlimit(RLIMIT_CORE, &r64), 0);
    CHECK(r64.cur == 3000 && r64.max == 0xfffffffeUL);
    r32 = {5, 4};
    CHECK_EQ(ia32::sys_setrlimit(RLIMIT_CORE, &r32), EINVAL);
    CHECK_EQ(ia32::sys_ugetrlimit(99, &r32), EINVAL);
    CHECK_EQ(ia32::sys_ugetrlimit(RLIMIT_NOFILE, 0xfffff000UL), EFAULT);
    CHECK_EQ(ia32::sys_setrlimit(RLIMIT_NOFILE, 0xfffff000UL), EFAULT);
    r64 = {0, 0};
    CHECK_EQ(ia32::sys_prlimit64(0, RLIMIT_STACK, 0, &r64), 0);
    rlimit64_ stack{};
    CHECK_EQ(x64::sys_prlimit64(0, RLIMIT_STACK, 0, &stack), 0);
    CHECK(r64.cur == stack.cur && r64.max == stack.max);

    test::section("getrusage, wait4: compat_rusage");
    for (auto& v : ru.rest)
        v = -1;
    CHECK_EQ(ia32::sys_getrusage(0, &ru), 0);
    CHECK(ru.utime_usec >= 0 && ru.utime_usec < 1000000 && ru.stime_usec >= 0 && ru.stime_usec < 1000000);
    CHECK(ru.rest[0] > 0); /* maxrss, KiB */
    CHECK(ru.rest[1] == 0 && ru.rest[2] == 0 && ru.rest[3] == 0);
    CHECK_EQ(ia32::sys_getrusage(5, &ru), EINVAL);
    CHECK_EQ(ia32::sys_getrusage(0, 0xfffff000UL), EFAULT);
    SysResult pid = x64::sys_fork();
    if (pid.value() == 0)
        x64::sys_exit_group(3);
    for (auto& v : ru.rest)
        v = -1;
    CHECK(ia32::sys_wait4(pid.value(), &status, 0, &ru) == pid);
    CHECK_EQ(status, 0x300);
    CHECK(ru.utime_usec >= 0 && ru.utime_usec < 1000000);
    CHECK(ru.rest[4] >= 0 && ru.rest[1] == 0);
    CHECK_EQ(ia32::sys_wait4(-1, &status, 0, &ru), ECHILD);

    test::section("sysinfo: compat_sysinfo");
    CHECK_EQ(x64::sys_sysinfo(&si64), 0);
    CHECK_EQ(ia32::sys_sysinfo(&si32), 0);
    CHECK(si32.totalram == si64.totalram && si32.mem_unit == si64.mem_unit && si32.mem_unit == 1);
    CHECK(si32.procs == si64.procs && si32.totalswap == si64.totalswap);
    CHECK(si32.uptime >= si64.uptime && si32.uptime <= si64.uptime + 1);
    CHECK_EQ(ia32::sys_sysinfo(0xfffff000UL), EFAULT);

    test::section("getgroups16, setgroups16: 16-bit group lists");
    static uint16_t g16[4] = {5, 70000 & 0xffff, 0xffff, 0};
    CHECK_EQ(ia32::sys_setgroups(3, g16), EINVAL); /* 0xffff is -1: no group */
    CHECK_EQ(ia32::sys_setgroups(2, g16), 0);
    static uint32_t g32[4];
    CHECK_EQ(x64::sys_getgroups(4, g32), 2);
    CHECK(g32[0] == 5 && g32[1] == (70000 & 0xffff));
    g32[0] = 70000 & 0xffff, g32[1] = 100000;
    CHECK_EQ(x64::sys_setgroups(2, g32), 0);
    g16[0] = g16[1] = 1;
    CHECK_EQ(ia32::sys_getgroups(0, g16), 2);
    CHECK_EQ(ia32::sys_getgroups(1, g16), EINVAL);
    CHECK_EQ(ia32::sys_getgroups(4, g16), 2);
    CHECK(g16[0] == (70000 & 0xffff) && g16[1] == 65534);
    CHECK_EQ(ia32::sys_getgroups(4, 0xfffff000UL), EFAULT);
    CHECK_EQ(ia32::sys_setgroups(1, 0xfffff000UL), EFAULT);
    CHECK_EQ(ia32::sys_setgroups(0, 0), 0);

    test::section("uname, olduname, oldolduname");
    CHECK_EQ(x64::sys_uname(&un64), 0);
    CHECK_EQ(ia32::sys_uname(&un), 0);
    CHECK(same(un.f[0], un64.f[0], 65) && same(un.f[1], un64.f[1], 65) && same(un.f[4], un64.f[4], 65));
    println("machine: ", un.f[4]);
    static utsname65 old;
    CHECK_EQ(ia32::sys_olduname(&old), 0);
    CHECK(same(old.f[0], un64.f[0], 65) && same(old.f[2], un64.f[2], 65) && same(old.f[4], un64.f[4], 65));
    CHECK_EQ(ia32::sys_oldolduname(&un9), 0);
    CHECK(same(un9.f[0], un64.f[0], 8) && un9.f[0][8] == 0);
    CHECK(same(un9.f[4], un64.f[4], 8) && un9.f[4][8] == 0);
    println("oldolduname machine: ", un9.f[4]);
    CHECK_EQ(ia32::sys_oldolduname(0), EFAULT);
    CHECK_EQ(ia32::sys_olduname(0xfffff000UL), EFAULT);
    return test::summary();
}
