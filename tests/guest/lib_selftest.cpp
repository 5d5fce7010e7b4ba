/*
 * lib_selftest: the user-side system-call library itself (user/include/trapgate):
 * SysResult's classification (Linux's rule: raw values in [-4095, -1] are
 * -errno, everything else is a result), errno names, how arguments of each
 * type reach the registers, and every arity of both gates, each through a call
 * whose result shows that the last argument arrived:
 *   syscall: lseek (3 args, rdx), prlimit64 (4, r10), statx (5, r8),
 *            mmap of a file at an offset (6, r9), futex FUTEX_WAKE_BITSET (6, r9)
 *   int $0x80: uname (1, ebx), write (3, edx), prlimit64 (4, esi),
 *            statx (5, edi), futex_time64 FUTEX_WAKE_BITSET (6, ebp)
 * Linux's futex_wake: "if (!bitset) return -EINVAL" (kernel/futex/waitwake.c),
 * so a zero val3 shows that the sixth argument got there.
 */
#include <trapgate/check.h>
#include <trapgate/uapi.h>

using namespace trapgate;
using namespace trapgate::x64;

/* Compile-time checks of the result type. */
static_assert(SysResult(0).ok() && SysResult(0).error() == 0);
static_assert(SysResult(-1).error() == EPERM);
static_assert(SysResult(-4095).error() == 4095 && !SysResult(-4095).ok());
static_assert(SysResult(-4096).ok() && SysResult(-4096).error() == 0);
static_assert(SysResult(-0x7fffffffffffffffL - 1).ok());
static_assert(SysResult(static_cast<long>(0xffff888000000000UL)).ok());
static_assert(SysResult::from_errno(ENOENT).raw() == -2);
static_assert(streq(SysResult(-14).errno_name(), "EFAULT"));
static_assert(streq(SysResult(-4095).errno_name(), "E?"));
static_assert(streq(SysResult(3).errno_name(), ""));
static_assert(streq(errno_name(ENOSYS), "ENOSYS") && streq(errno_name(EHWPOISON), "EHWPOISON"));
static_assert(errno_name(0) == nullptr && errno_name(134) == nullptr);
static_assert(detail::to_long(-1) == -1L && detail::to_long(0xffffffffu) == 0xffffffffL);
static_assert(detail::to_long(static_cast<short>(-2)) == -2L && detail::to_long(nullptr) == 0);
static_assert(x64::nr_read == 0 && x64::nr_write == 1 && x64::nr_get_cpus == 1000);
static_assert(ia32::nr_exit == 1 && ia32::nr_break == 17 && ia32::nr_getpid == 20 && ia32::nr_get_cpus == 1000);

/* int $0x80 passes 32-bit values: its buffers must be below 4 GiB, so static. */
static new_utsname uts32, uts64;
static rlimit64 lim32, lim64;
static struct statx stx32, stx64;
static unsigned int futex_word;
static const char msg32[] = "written through int $0x80\n";

static bool same_bytes(const void* a, const void* b, size_t n) { return memcmp(a, b, n) == 0; }

int main(int, char**, char**)
{
    test::section("results and names");
    CHECK_EQ(SysResult(-2), ENOENT);
    CHECK_STR(SysResult(-2).errno_name(), "ENOENT");
    CHECK_STR(SysResult(-133).errno_name(), "EHWPOISON");
    CHECK_EQ(SysResult(-4095).error(), 4095);
    CHECK(SysResult(-4096).ok());

    test::section("arguments: types and conversions");
    CHECK_EQ(sys_write(1, nullptr, 0), 0); /* nullptr, 0 bytes: nothing is read */
    CHECK_EQ(sys_write(1, "", 0u), 0);
    SysResult fd = sys_open("/tmp/lib_selftest", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK_EQ(fd, 3); /* the lowest free descriptor after 0, 1, 2 */
    /* Signed types sign-extend (an int -1 is offset -1: EINVAL), unsigned ones
     * zero-extend (0xffffffffu is offset 4294967295). */
    CHECK_EQ(sys_lseek(fd.value(), -1, SEEK_SET), EINVAL);
    CHECK_EQ(sys_lseek(fd.value(), 0xffffffffu, SEEK_SET), 4294967295L);
    CHECK_EQ(sys_lseek(fd.value(), static_cast<char>(7), SEEK_SET), 7);
    CHECK_EQ(sys_lseek(fd.value(), 0, SEEK_SET), 0);

    test::section("syscall: 4, 5 and 6 arguments");
    CHECK_EQ(sys_prlimit64(0, RLIMIT_NOFILE, nullptr, &lim64), 0);
    CHECK(lim64.rlim_cur > 0 && lim64.rlim_cur <= lim64.rlim_max);
    CHECK_EQ(sys_statx(AT_FDCWD, "/", 0, STATX_BASIC_STATS, &stx64), 0);
    CHECK((stx64.stx_mode & S_IFMT) == S_IFDIR);
    /* Two pages, 'a's then 'b's; mapping at offset 4096 (r9) must show the 'b's. */
    static char page[4096];
    memset(page, 'a', sizeof(page));
    CHECK_EQ(sys_write(fd.value(), page, sizeof(page)), 4096);
    memset(page, 'b', sizeof(page));
    CHECK_EQ(sys_write(fd.value(), page, sizeof(page)), 4096);
    SysResult map = sys_mmap(0, 4096, PROT_READ, MAP_PRIVATE, fd.value(), 4096);
    CHECK_OK(map);
    if (map.ok()) {
        auto* p = reinterpret_cast<const char*>(map.value());
        CHECK(p[0] == 'b' && p[4095] == 'b');
        CHECK_EQ(sys_munmap(map.value(), 4096), 0);
    }
    CHECK_EQ(sys_futex(&futex_word, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0), EINVAL);
    CHECK_EQ(sys_futex(&futex_word, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0xffffffffu), 0);
    CHECK_EQ(sys_uname(&uts64), 0);

    test::section("int $0x80: 1 to 6 arguments");
    CHECK_EQ(ia32::sys_uname(&uts32), 0);
    CHECK(same_bytes(&uts32, &uts64, sizeof(uts32)));
    io::flush(); /* our own line must come first */
    CHECK_EQ(ia32::sys_write(1, msg32, sizeof(msg32) - 1), static_cast<long>(sizeof(msg32) - 1));
    CHECK_EQ(ia32::sys_prlimit64(0, RLIMIT_NOFILE, nullptr, &lim32), 0);
    CHECK(same_bytes(&lim32, &lim64, sizeof(lim32)));
    CHECK_EQ(ia32::sys_statx(AT_FDCWD, "/", 0, STATX_BASIC_STATS, &stx32), 0);
    CHECK(stx32.stx_mode == stx64.stx_mode && stx32.stx_ino == stx64.stx_ino);
    CHECK_EQ(ia32::sys_futex_time64(&futex_word, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0), EINVAL);
    CHECK_EQ(ia32::sys_futex_time64(&futex_word, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0xffffffffu), 0);

    CHECK_EQ(sys_close(fd.value()), 0);
    return test::summary();
}
