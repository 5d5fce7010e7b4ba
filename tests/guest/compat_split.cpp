/*
 * compat_split: the i386 calls that pass a 64-bit offset or length in two
 * registers, low half first (Linux's sys_ia32_* wrappers): truncate64,
 * ftruncate64, fallocate, fadvise64, fadvise64_64, readahead. (pread64,
 * pwrite64 and the preadv family: compat_iovec.)
 */
#include <trapgate/check.h>
#include <trapgate/uapi.h>

using namespace trapgate;

static const char file[] = "/tmp/compat_split";

static long size_of(long fd)
{
    struct stat st;
    return x64::sys_fstat(fd, &st).ok() ? st.st_size : -1;
}

int main(int, char**, char**)
{
    SysResult fd = x64::sys_open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK_EQ(fd, 3);
    long f = fd.value();

    test::section("truncate64, ftruncate64");
    CHECK_EQ(ia32::sys_truncate64(file, 5, 1), 0);
    CHECK_EQ(size_of(f), 4294967301L);
    CHECK_EQ(ia32::sys_ftruncate64(f, 3, 0), 0);
    CHECK_EQ(size_of(f), 3);
    CHECK_EQ(ia32::sys_ftruncate64(f, 0, 0x80000000u), EINVAL);
    CHECK_EQ(ia32::sys_truncate64(file, 0, 0x80000000u), EINVAL);
    CHECK_EQ(ia32::sys_ftruncate64(99, 0, 0), EBADF);

    test::section("truncate, ftruncate: a 32-bit signed length");
    CHECK_EQ(ia32::sys_truncate(file, 7), 0);
    CHECK_EQ(size_of(f), 7);
    CHECK_EQ(ia32::sys_ftruncate(f, 0x100000002UL), 0); /* the upper half is not the caller's */
    CHECK_EQ(size_of(f), 2);
    CHECK_EQ(ia32::sys_ftruncate(f, 0xffffffffUL), EINVAL); /* -1 */
    CHECK_EQ(ia32::sys_truncate(file, 0x80000000UL), EINVAL);

    test::section("fallocate");
    CHECK_EQ(ia32::sys_fallocate(f, 0, 0, 0, 10, 0), 0);
    CHECK_EQ(size_of(f), 10);
    CHECK_EQ(ia32::sys_fallocate(f, 0, 4, 0, 0, 0), EINVAL);
    CHECK_EQ(ia32::sys_fallocate(f, 0, 0, 0x80000000u, 1, 0), EINVAL);

    test::section("fadvise64, fadvise64_64, readahead");
    CHECK_EQ(ia32::sys_fadvise64(f, 0, 1, 100, 0), 0);
    CHECK_EQ(ia32::sys_fadvise64(f, 0, 0, 100, 99), EINVAL);
    CHECK_EQ(ia32::sys_fadvise64_64(f, 0, 1, 100, 0, 0), 0);
    CHECK_EQ(ia32::sys_fadvise64_64(f, 0, 0, 0, 0x80000000u, 0), EINVAL); /* a negative length */
    CHECK_EQ(ia32::sys_fadvise64_64(99, 0, 0, 0, 0, 0), EBADF);
    CHECK_EQ(ia32::sys_readahead(f, 0, 1, 4096), 0);
    int p[2];
    CHECK_EQ(x64::sys_pipe(p), 0);
    CHECK_EQ(ia32::sys_readahead(p[0], 0, 0, 4096), EINVAL);
    CHECK_EQ(ia32::sys_fadvise64(p[0], 0, 0, 0, 0), ESPIPE);
    return test::summary();
}
