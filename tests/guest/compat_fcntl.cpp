/*
 * compat_fcntl: record locks through int $0x80's fcntl64 (221) and fcntl (55),
 * both compat_sys_fcntl64 as in Linux's table.
 *   - F_GETLK/F_SETLK/F_SETLKW: the 16-byte compat_flock, 32-bit offsets; a
 *     conflicting lock past 2 GiB - 1 is EOVERFLOW for F_GETLK.
 *   - F_GETLK64/F_SETLK64/F_SETLKW64 (12-14) and F_OFD_*: the packed 24-byte
 *     compat_flock64.
 *   - other commands are fcntl's own.
 * The conflicting locks are OFD locks on another open of the same file, so
 * one process sees them (their l_pid is -1).
 */
#include <trapgate/check.h>
#include <trapgate/uapi.h>

using namespace trapgate;

struct flock64_native {
    short l_type, l_whence;
    long l_start, l_len;
    int l_pid;
};
struct flock32 {
    short l_type, l_whence;
    int32_t l_start, l_len, l_pid;
};
static_assert(sizeof(flock32) == 16);
struct __attribute__((packed)) flock64_32 {
    short l_type, l_whence;
    int64_t l_start, l_len;
    int32_t l_pid;
};
static_assert(sizeof(flock64_32) == 24);

constexpr int F_GETFD = 1, F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7, F_GETLK64 = 12, F_SETLK64 = 13,
              F_OFD_GETLK = 36, F_OFD_SETLK = 37;
constexpr short F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;

static flock32 l32;
static flock64_32 l64;
static const char file[] = "/tmp/compat_fcntl";

int main(int, char**, char**)
{
    SysResult a = x64::sys_open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
    SysResult b = x64::sys_open(file, O_RDWR, 0);
    CHECK_EQ(a, 3);
    CHECK_EQ(b, 4);
    long fa = a.value(), fb = b.value();
    flock64_native n{F_WRLCK, SEEK_SET, 10, 20, 0};
    CHECK_EQ(x64::sys_fcntl(fa, F_OFD_SETLK, &n), 0);

    test::section("F_GETLK, F_SETLK: compat_flock");
    l32 = {F_WRLCK, SEEK_SET, 0, 0, 0};
    CHECK_EQ(ia32::sys_fcntl64(fb, F_GETLK, &l32), 0);
    CHECK(l32.l_type == F_WRLCK && l32.l_whence == SEEK_SET && l32.l_start == 10 && l32.l_len == 20 &&
          l32.l_pid == -1);
    l32 = {F_WRLCK, SEEK_SET, 15, 1, 0};
    CHECK_EQ(ia32::sys_fcntl64(fb, F_SETLK, &l32), EAGAIN);
    l32 = {F_RDLCK, SEEK_SET, 40, 5, 0};
    CHECK_EQ(ia32::sys_fcntl64(fb, F_SETLK, &l32), 0);
    n = {F_WRLCK, SEEK_SET, 0, 0, 0};
    CHECK_EQ(x64::sys_fcntl(fa, F_OFD_GETLK, &n), 0);
    CHECK(n.l_type == F_RDLCK && n.l_start == 40 && n.l_len == 5 && n.l_pid == x64::sys_getpid().value());
    l32 = {F_UNLCK, SEEK_SET, 40, 5, 0};
    CHECK_EQ(ia32::sys_fcntl64(fb, F_SETLKW, &l32), 0);
    l32 = {9, SEEK_SET, 0, 0, 0};
    CHECK_EQ(ia32::sys_fcntl64(fb, F_SETLK, &l32), EINVAL);
    CHECK_EQ(ia32::sys_fcntl64(fb, F_GETLK, 0xfffff000UL), EFAULT);
    CHECK_EQ(ia32::sys_fcntl64(99, F_GETLK, &l32), EBADF);

    test::section("F_GETLK64, F_SETLK64, F_OFD_GETLK: compat_flock64");
    l64 = {F_WRLCK, SEEK_SET, 0, 0, 0};
    CHECK_EQ(ia32::sys_fcntl64(fb, F_GETLK64, &l64), 0);
    CHECK(l64.l_type == F_WRLCK && l64.l_start == 10 && l64.l_len == 20 && l64.l_pid == -1);
    l64 = {F_WRLCK, SEEK_SET, 0, 0, 0};
    CHECK_EQ(ia32::sys_fcntl64(fb, F_OFD_GETLK, &l64), 0);
    CHECK(l64.l_type == F_WRLCK && l64.l_start == 10 && l64.l_len == 20 && l64.l_pid == -1);
    l64 = {F_WRLCK, SEEK_SET, 0, 0, 5};
    CHECK_EQ(ia32::sys_fcntl64(fb, F_OFD_GETLK, &l64), EINVAL); /* l_pid must be 0 */
    l64 = {F_WRLCK, SEEK_SET, 0x200000000L, 5, 0};
    CHECK_EQ(ia32::sys_fcntl64(fb, F_SETLK64, &l64), 0);
    n = {F_WRLCK, SEEK_SET, 0x100000000L, 0, 0};
    CHECK_EQ(x64::sys_fcntl(fa, F_OFD_GETLK, &n), 0);
    CHECK(n.l_type == F_WRLCK && n.l_start == 0x200000000L && n.l_len == 5);
    CHECK_EQ(ia32::sys_fcntl(fb, F_GETLK64, &l64), 0); /* fcntl (55) is fcntl64 too */

    l64 = {F_UNLCK, SEEK_SET, 0x200000000L, 5, 0};
    CHECK_EQ(ia32::sys_fcntl64(fb, F_SETLK64, &l64), 0);

    test::section("locks past 32 bits through the narrow form");
    n = {F_WRLCK, SEEK_SET, 0x100000000L, 0, 0};
    CHECK_EQ(x64::sys_fcntl(fa, F_OFD_SETLK, &n), 0);
    l32 = {F_WRLCK, SEEK_SET, 0x7ffffff0, 0, 0};
    CHECK_EQ(ia32::sys_fcntl64(fb, F_GETLK, &l32), EOVERFLOW);
    l64 = {F_WRLCK, SEEK_SET, 0x7ffffff0, 0, 0};
    CHECK_EQ(ia32::sys_fcntl64(fb, F_GETLK64, &l64), 0);
    CHECK(l64.l_start == 0x100000000L && l64.l_len == 0 && l64.l_pid == -1);

    test::section("other commands");
    CHECK_EQ(ia32::sys_fcntl64(fb, F_GETFD, 0), 0);
    CHECK_EQ(ia32::sys_fcntl64(fb, 9999, 0), EINVAL);
    return test::summary();
}
