/*
 * compat_iovec: the iovec calls and the split 64-bit offsets through int $0x80
 * with i386 layouts, as Linux (CONFIG_IA32_EMULATION) serves a 64-bit program
 * that uses the i386 gate.
 *   - readv/writev take 8-byte compat_iovec entries (base, len: 32 bits each);
 *     a length of 2 GiB or more is a negative compat_ssize_t: EINVAL.
 *   - preadv/pwritev/preadv2/pwritev2 take the offset as two registers, low
 *     then high (compat_sys_preadv...); preadv2's -1 is the file position.
 *   - pread64/pwrite64 (sys_ia32_pread64) split the offset the same way.
 *   - _llseek: high and low halves, the result written through a pointer.
 * All buffers are the program's own data, below 4 GiB (a static non-PIE
 * program), so 32-bit addresses reach them.
 */
#include <trapgate/check.h>
#include <trapgate/uapi.h>

using namespace trapgate;

struct compat_iovec {
    uint32_t iov_base;
    uint32_t iov_len;
};
static_assert(sizeof(compat_iovec) == 8);

static char a[8] = "abc";
static char b[8] = "defg";
static char r1[8], r2[8];
static compat_iovec v[4];
static long long result;

static uint32_t addr32(const void* p) { return static_cast<uint32_t>(reinterpret_cast<unsigned long>(p)); }

static void set(compat_iovec& e, const void* p, uint32_t len)
{
    e.iov_base = addr32(p);
    e.iov_len = len;
}

int main(int, char**, char**)
{
    SysResult fd = x64::sys_open("/tmp/compat_iovec", O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK_EQ(fd, 3);
    long f = fd.value();

    test::section("writev");
    set(v[0], a, 3);
    set(v[1], b, 4);
    CHECK_EQ(ia32::sys_writev(f, v, 2), 7);
    char back[16] = {};
    CHECK_EQ(x64::sys_pread64(f, back, sizeof(back), 0), 7);
    CHECK_STR(back, "abcdefg");
    set(v[1], b, 0x80000000u);
    CHECK_EQ(ia32::sys_writev(f, v, 2), EINVAL);
    set(v[1], b, 0);
    set(v[2], b, 1);
    CHECK_EQ(ia32::sys_writev(f, v, 3), 4); /* an empty entry in the middle */
    set(v[0], reinterpret_cast<void*>(0xfffff000UL), 1);
    CHECK_EQ(ia32::sys_writev(f, v, 1), EFAULT);
    CHECK_EQ(ia32::sys_writev(f, 0xfffff000UL, 1), EFAULT);
    CHECK_EQ(ia32::sys_writev(f, v, 1025), EINVAL);

    test::section("readv");
    CHECK_EQ(x64::sys_lseek(f, 1, SEEK_SET), 1);
    set(v[0], r1, 2);
    set(v[1], r2, 3);
    CHECK_EQ(ia32::sys_readv(f, v, 2), 5);
    CHECK_STR(r1, "bc");
    CHECK_STR(r2, "def");
    CHECK_EQ(x64::sys_lseek(f, 0, SEEK_CUR), 6);

    test::section("preadv, pwritev: offset = high << 32 | low");
    for (auto& c : r1)
        c = 0;
    set(v[0], r1, 4);
    CHECK_EQ(ia32::sys_preadv(f, v, 1, 2, 0), 4);
    CHECK_STR(r1, "cdef");
    CHECK_EQ(ia32::sys_preadv(f, v, 1, 2, 1), 0); /* 4 GiB + 2: past the end */
    CHECK_EQ(ia32::sys_preadv(f, v, 1, 0xffffffffu, 0xffffffffu), EINVAL);
    set(v[0], "XY", 2);
    CHECK_EQ(ia32::sys_pwritev(f, v, 1, 0, 0), 2);
    CHECK_EQ(x64::sys_pread64(f, back, 4, 0), 4);
    back[4] = 0;
    CHECK_STR(back, "XYcd");
    CHECK_EQ(x64::sys_lseek(f, 0, SEEK_CUR), 6); /* untouched */

    test::section("preadv2, pwritev2");
    for (auto& c : r1)
        c = 0;
    set(v[0], r1, 2);
    CHECK_EQ(ia32::sys_preadv2(f, v, 1, 1, 0, 0), 2);
    CHECK_STR(r1, "Yc");
    CHECK_EQ(ia32::sys_preadv2(f, v, 1, 0xffffffffu, 0xffffffffu, 0), 2); /* -1: at the position, 6 */
    CHECK_STR(r1, "ga");
    CHECK_EQ(x64::sys_lseek(f, 0, SEEK_CUR), 8);
    set(v[0], "Z", 1);
    CHECK_EQ(ia32::sys_pwritev2(f, v, 1, 3, 0, 0), 1);
    CHECK_EQ(ia32::sys_pwritev2(f, v, 1, 3, 0, 0x100), EOPNOTSUPP);

    test::section("pread64, pwrite64: offset in two registers");
    static char p[4];
    CHECK_EQ(ia32::sys_pread64(f, p, 3, 2, 0), 3);
    CHECK_STR(p, "cZe");
    CHECK_EQ(ia32::sys_pread64(f, p, 3, 2, 1), 0);
    CHECK_EQ(ia32::sys_pwrite64(f, "Q", 1, 0, 0), 1);
    CHECK_EQ(ia32::sys_pread64(f, p, 1, 0, 0), 1);
    CHECK_EQ(p[0], 'Q');
    CHECK_EQ(ia32::sys_pread64(f, p, 1, 0, 0x80000000u), EINVAL); /* negative */

    test::section("_llseek");
    CHECK_EQ(ia32::sys__llseek(f, 0, 5, &result, SEEK_SET), 0);
    CHECK_EQ(result, 5);
    CHECK_EQ(ia32::sys__llseek(f, 1, 2, &result, SEEK_SET), 0);
    CHECK_EQ(result, 4294967298LL);
    CHECK_EQ(x64::sys_lseek(f, 0, SEEK_CUR), 4294967298L);
    CHECK_EQ(ia32::sys__llseek(f, 0xffffffffu, 0xfffffffeu, &result, SEEK_CUR), 0); /* -2 */
    CHECK_EQ(result, 4294967296LL);
    CHECK_EQ(ia32::sys__llseek(f, 0xffffffffu, 0, &result, SEEK_SET), EINVAL);
    CHECK_EQ(ia32::sys__llseek(f, 0, 0, &result, 7), EINVAL);
    CHECK_EQ(ia32::sys__llseek(99, 0, 0, &result, SEEK_SET), EBADF);
    SysResult pipefd = x64::sys_pipe(reinterpret_cast<int*>(&result));
    CHECK_EQ(pipefd, 0);
    CHECK_EQ(ia32::sys__llseek(static_cast<int>(result), 0, 0, &result, SEEK_SET), ESPIPE);
    return test::summary();
}
