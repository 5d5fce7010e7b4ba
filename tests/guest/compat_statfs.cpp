/*
 * compat_statfs: statfs (99), fstatfs (100), statfs64 (268) and fstatfs64
 * (269) through int $0x80: the 64-byte compat_statfs (32-bit counts) and the
 * packed 84-byte compat_statfs64, whose size is an argument (EINVAL for any
 * other). Compared field by field with x86-64's statfs of the same file
 * system (the figures are each kernel's own).
 */
#include <trapgate/check.h>
#include <trapgate/uapi.h>

using namespace trapgate;

struct statfs64_native {
    long f_type, f_bsize;
    uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int f_fsid[2];
    long f_namelen, f_frsize, f_flags, f_spare[4];
};
static_assert(sizeof(statfs64_native) == 120);
struct statfs32 {
    int32_t f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree, f_fsid[2], f_namelen, f_frsize,
        f_flags, f_spare[4];
};
static_assert(sizeof(statfs32) == 64);
struct __attribute__((packed)) statfs64_32 {
    uint32_t f_type, f_bsize;
    uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int32_t f_fsid[2];
    uint32_t f_namelen, f_frsize, f_flags, f_spare[4];
};
static_assert(sizeof(statfs64_32) == 84);

static statfs64_native n;
static statfs32 c;
static statfs64_32 c64;
static const char dir[] = "/tmp";
static const char missing[] = "/no/such/dir";

static bool close_to(uint64_t a, uint64_t b) { return a > b ? a - b < 4096 : b - a < 4096; }

static void check32(const char* what)
{
    println("-- ", what);
    CHECK(c.f_type == static_cast<int32_t>(n.f_type) && c.f_bsize == n.f_bsize && c.f_frsize == n.f_frsize);
    CHECK(static_cast<uint32_t>(c.f_blocks) == n.f_blocks && close_to(static_cast<uint32_t>(c.f_bfree), n.f_bfree));
    CHECK(static_cast<uint32_t>(c.f_files) == static_cast<uint32_t>(n.f_files) && c.f_namelen == n.f_namelen);
    CHECK(c.f_fsid[0] == n.f_fsid[0] && c.f_fsid[1] == n.f_fsid[1] && c.f_spare[3] == 0);
}

static void check64(const char* what)
{
    println("-- ", what);
    CHECK(c64.f_type == static_cast<uint32_t>(n.f_type) && c64.f_bsize == n.f_bsize && c64.f_frsize == n.f_frsize);
    CHECK(c64.f_blocks == n.f_blocks && close_to(c64.f_bfree, n.f_bfree) && c64.f_files == n.f_files);
    CHECK(c64.f_namelen == n.f_namelen && c64.f_fsid[0] == n.f_fsid[0] && c64.f_fsid[1] == n.f_fsid[1]);
}

int main(int, char**, char**)
{
    CHECK_EQ(x64::sys_statfs(dir, &n), 0);
    SysResult fd = x64::sys_open(dir, O_RDONLY | O_DIRECTORY, 0);
    CHECK_EQ(fd, 3);

    test::section("statfs, fstatfs: compat_statfs");
    CHECK_EQ(ia32::sys_statfs(dir, &c), 0);
    check32("statfs");
    CHECK_EQ(ia32::sys_fstatfs(fd.value(), &c), 0);
    check32("fstatfs");
    CHECK_EQ(ia32::sys_statfs(missing, &c), ENOENT);
    CHECK_EQ(ia32::sys_statfs(dir, 0xfffff000UL), EFAULT);
    CHECK_EQ(ia32::sys_fstatfs(99, &c), EBADF);

    test::section("statfs64, fstatfs64: compat_statfs64");
    CHECK_EQ(ia32::sys_statfs64(dir, 84, &c64), 0);
    check64("statfs64");
    CHECK_EQ(ia32::sys_fstatfs64(fd.value(), 84, &c64), 0);
    check64("fstatfs64");
    CHECK_EQ(ia32::sys_statfs64(dir, 88, &c64), EINVAL);
    CHECK_EQ(ia32::sys_fstatfs64(fd.value(), 120, &c64), EINVAL);
    CHECK_EQ(ia32::sys_statfs64(missing, 84, &c64), ENOENT);
    CHECK_EQ(ia32::sys_fstatfs64(99, 84, &c64), EBADF);
    CHECK_EQ(ia32::sys_fstatfs64(fd.value(), 84, 0xfffff000UL), EFAULT);
    return test::summary();
}
