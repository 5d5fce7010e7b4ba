/*
 * compat_stat: the stat family through int $0x80 with i386 layouts.
 *   - stat, lstat, fstat (106-108, compat_sys_newstat...) fill the 64-byte
 *     compat_stat: 32-bit inode, size and times, 16-bit mode, nlink, uid and
 *     gid; a size past 2 GiB - 1 is EOVERFLOW.
 *   - stat64, lstat64, fstat64, fstatat64 (195-197, 300) fill the 96-byte
 *     packed stat64, the inode twice; its padding is left as it was.
 * open and openat (5, 295) leave out the O_LARGEFILE x86-64's open adds.
 * Every field is compared with the x86-64 stat of the same file (inode and
 * device numbers differ between kernels; their equality does not).
 */
#include <trapgate/check.h>
#include <trapgate/uapi.h>

using namespace trapgate;

struct compat_stat {
    uint32_t st_dev, st_ino;
    uint16_t st_mode, st_nlink, st_uid, st_gid;
    uint32_t st_rdev, st_size, st_blksize, st_blocks;
    uint32_t st_atime, st_atime_nsec, st_mtime, st_mtime_nsec, st_ctime, st_ctime_nsec;
    uint32_t unused4, unused5;
};
static_assert(sizeof(compat_stat) == 64);

struct __attribute__((packed)) stat64_32 {
    uint64_t st_dev;
    uint8_t pad0[4];
    uint32_t st_ino32;
    uint32_t st_mode, st_nlink, st_uid, st_gid;
    uint64_t st_rdev;
    uint8_t pad3[4];
    int64_t st_size;
    uint32_t st_blksize;
    int64_t st_blocks;
    uint32_t st_atime, st_atime_nsec, st_mtime, st_mtime_nsec, st_ctime, st_ctime_nsec;
    uint64_t st_ino;
};
static_assert(sizeof(stat64_32) == 96);

static compat_stat cs;
static stat64_32 s64;
static struct stat ns;
static const char file[] = "/tmp/compat_stat";
static const char link[] = "/tmp/compat_stat_link";
static const char missing[] = "/tmp/no_such_file";
static const char empty[] = "";

static void fill(void* p, unsigned long n)
{
    auto* b = static_cast<unsigned char*>(p);
    for (unsigned long i = 0; i < n; i++)
        b[i] = 0xee;
}

static void check_compat(const char* what)
{
    println("-- ", what);
    CHECK(cs.st_dev == static_cast<uint32_t>(ns.st_dev));
    CHECK(cs.st_ino == static_cast<uint32_t>(ns.st_ino));
    CHECK_EQ(cs.st_mode, static_cast<int>(ns.st_mode));
    CHECK_EQ(cs.st_nlink, static_cast<int>(ns.st_nlink));
    CHECK_EQ(cs.st_uid, 0);
    CHECK_EQ(cs.st_gid, 0);
    CHECK_EQ(cs.st_size, static_cast<long>(ns.st_size));
    CHECK_EQ(cs.st_blksize, static_cast<long>(ns.st_blksize));
    CHECK_EQ(cs.st_blocks, static_cast<long>(ns.st_blocks));
    CHECK(cs.st_mtime == static_cast<uint32_t>(ns.st_mtime) && cs.st_mtime_nsec == ns.st_mtime_nsec);
    CHECK(cs.st_ctime == static_cast<uint32_t>(ns.st_ctime) && cs.st_atime == static_cast<uint32_t>(ns.st_atime));
    CHECK(cs.unused4 == 0 && cs.unused5 == 0);
}

static void check_64(const char* what)
{
    println("-- ", what);
    CHECK(s64.st_dev == ns.st_dev);
    CHECK(s64.st_ino == ns.st_ino);
    CHECK(s64.st_ino32 == static_cast<uint32_t>(ns.st_ino));
    CHECK_EQ(s64.st_mode, static_cast<int>(ns.st_mode));
    CHECK_EQ(s64.st_nlink, static_cast<int>(ns.st_nlink));
    CHECK_EQ(s64.st_uid, 0);
    CHECK_EQ(s64.st_size, static_cast<long>(ns.st_size));
    CHECK_EQ(s64.st_blksize, static_cast<long>(ns.st_blksize));
    CHECK_EQ(s64.st_blocks, static_cast<long>(ns.st_blocks));
    CHECK(s64.st_rdev == ns.st_rdev);
    CHECK(s64.st_mtime == static_cast<uint32_t>(ns.st_mtime) && s64.st_mtime_nsec == ns.st_mtime_nsec);
    CHECK(s64.pad0[0] == 0xee && s64.pad0[3] == 0xee && s64.pad3[0] == 0xee && s64.pad3[3] == 0xee);
}

int main(int, char**, char**)
{
    SysResult fd = x64::sys_open(file, O_RDWR | O_CREAT | O_TRUNC, 0640);
    CHECK_EQ(fd, 3);
    long f = fd.value();
    CHECK_EQ(x64::sys_write(f, "hello", 5), 5);
    CHECK_EQ(x64::sys_symlink(file, link), 0);
    CHECK_EQ(x64::sys_stat(file, &ns), 0);

    test::section("stat, fstat: compat_stat");
    fill(&cs, sizeof(cs));
    CHECK_EQ(ia32::sys_stat(file, &cs), 0);
    check_compat("stat");
    fill(&cs, sizeof(cs));
    CHECK_EQ(ia32::sys_fstat(f, &cs), 0);
    check_compat("fstat");
    CHECK_EQ(ia32::sys_stat(missing, &cs), ENOENT);
    CHECK_EQ(ia32::sys_stat(file, 0xfffff000UL), EFAULT);
    CHECK_EQ(ia32::sys_fstat(99, &cs), EBADF);

    test::section("lstat: the link itself");
    CHECK_EQ(x64::sys_lstat(link, &ns), 0);
    fill(&cs, sizeof(cs));
    CHECK_EQ(ia32::sys_lstat(link, &cs), 0);
    check_compat("lstat");
    CHECK_EQ(cs.st_mode & 0170000, 0120000);

    test::section("stat64, fstat64, fstatat64");
    CHECK_EQ(x64::sys_stat(file, &ns), 0);
    fill(&s64, sizeof(s64));
    CHECK_EQ(ia32::sys_stat64(file, &s64), 0);
    check_64("stat64");
    fill(&s64, sizeof(s64));
    CHECK_EQ(ia32::sys_fstat64(f, &s64), 0);
    check_64("fstat64");
    fill(&s64, sizeof(s64));
    CHECK_EQ(ia32::sys_fstatat64(AT_FDCWD, file, &s64, 0), 0);
    check_64("fstatat64");
    fill(&s64, sizeof(s64));
    CHECK_EQ(ia32::sys_fstatat64(f, empty, &s64, AT_EMPTY_PATH), 0);
    check_64("fstatat64 AT_EMPTY_PATH");
    CHECK_EQ(ia32::sys_fstatat64(AT_FDCWD, file, &s64, 0x10000), EINVAL);
    CHECK_EQ(x64::sys_lstat(link, &ns), 0);
    fill(&s64, sizeof(s64));
    CHECK_EQ(ia32::sys_lstat64(link, &s64), 0);
    check_64("lstat64");
    fill(&s64, sizeof(s64));
    CHECK_EQ(ia32::sys_fstatat64(AT_FDCWD, link, &s64, AT_SYMLINK_NOFOLLOW), 0);
    check_64("fstatat64 AT_SYMLINK_NOFOLLOW");
    CHECK_EQ(ia32::sys_stat64(file, 0xfffff000UL), EFAULT);
    CHECK_EQ(ia32::sys_fstat64(99, &s64), EBADF);

    test::section("open, openat: no O_LARGEFILE added");
    SysResult o32 = ia32::sys_open(file, O_RDONLY, 0);
    CHECK_EQ(o32, 4);
    CHECK_EQ(x64::sys_fcntl(o32.value(), 3 /* F_GETFL */, 0), 0);
    CHECK_EQ(x64::sys_close(o32.value()), 0);
    SysResult o64 = x64::sys_open(file, O_RDONLY, 0);
    CHECK_EQ(x64::sys_fcntl(o64.value(), 3, 0), 0100000);
    CHECK_EQ(x64::sys_close(o64.value()), 0);
    o32 = ia32::sys_openat(AT_FDCWD, file, O_RDONLY | 0100000, 0);
    CHECK_EQ(x64::sys_fcntl(o32.value(), 3, 0), 0100000);
    CHECK_EQ(x64::sys_close(o32.value()), 0);
    CHECK_EQ(ia32::sys_openat(AT_FDCWD, missing, O_RDONLY, 0), ENOENT);

    test::section("sizes past 2 GiB");
    CHECK_EQ(x64::sys_ftruncate(f, 0x80000000L), 0);
    CHECK_EQ(ia32::sys_fstat(f, &cs), EOVERFLOW);
    CHECK_EQ(ia32::sys_stat(file, &cs), EOVERFLOW);
    CHECK_EQ(ia32::sys_fstat64(f, &s64), 0);
    CHECK_EQ(s64.st_size, 0x80000000L);
    CHECK_EQ(x64::sys_ftruncate(f, 0x7fffffffL), 0);
    CHECK_EQ(ia32::sys_fstat(f, &cs), 0);
    CHECK_EQ(cs.st_size, 0x7fffffffL);
    return test::summary();
}
