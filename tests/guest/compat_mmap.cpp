/*
 * compat_mmap: i386's mmap2 (192: the offset in pages) and old mmap (90: the
 * arguments in a struct mmap_arg_struct32, a byte offset that must be
 * page-aligned). Mappings made through int $0x80 are placed below 4 GiB, as
 * Linux places them for a 32-bit system call, where x86-64's mmap places
 * them high.
 */
#include <trapgate/check.h>
#include <trapgate/uapi.h>

using namespace trapgate;

struct mmap_args {
    uint32_t addr, len, prot, flags, fd, offset;
};

static mmap_args args;
static char page[4096];

static bool low(long a) { return a > 0 && static_cast<unsigned long>(a) < 0x100000000UL && !(a & 4095); }

int main(int, char**, char**)
{
    SysResult fd = x64::sys_open("/tmp/compat_mmap", O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK_EQ(fd, 3);
    long f = fd.value();
    for (auto& c : page)
        c = 'A';
    CHECK_EQ(x64::sys_write(f, page, 4096), 4096);
    for (auto& c : page)
        c = 'B';
    CHECK_EQ(x64::sys_write(f, page, 4096), 4096);

    test::section("mmap2: the offset in pages");
    SysResult m = ia32::sys_mmap2(0, 4096, PROT_READ, MAP_PRIVATE, f, 1);
    CHECK(low(m.value()));
    CHECK_EQ(*reinterpret_cast<volatile char*>(m.value()), 'B');
    CHECK_EQ(ia32::sys_munmap(m.value(), 4096), 0);
    SysResult anon = ia32::sys_mmap2(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(low(anon.value()));
    reinterpret_cast<volatile char*>(anon.value())[5000] = 'z';
    CHECK_EQ(reinterpret_cast<volatile char*>(anon.value())[5000], 'z');
    SysResult fixed = ia32::sys_mmap2(anon.value(), 4096, PROT_READ, MAP_PRIVATE | MAP_FIXED, f, 0);
    CHECK(fixed == anon);
    CHECK_EQ(*reinterpret_cast<volatile char*>(anon.value()), 'A');
    SysResult far = ia32::sys_mmap2(0, 4096, PROT_READ, MAP_SHARED, f, 0xfffff); /* 4 GiB - 4 KiB into the file */
    CHECK(low(far.value()));
    CHECK_EQ(ia32::sys_munmap(far.value(), 4096), 0);
    CHECK_EQ(ia32::sys_mmap2(0, 4096, PROT_READ, MAP_PRIVATE, 99, 0), EBADF);
    CHECK_EQ(ia32::sys_mmap2(0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL);

    test::section("old mmap: struct mmap_arg_struct32");
    args = {0, 4096, PROT_READ, MAP_PRIVATE, static_cast<uint32_t>(f), 4096};
    SysResult o = ia32::sys_mmap(&args);
    CHECK(low(o.value()));
    CHECK_EQ(*reinterpret_cast<volatile char*>(o.value()), 'B');
    CHECK_EQ(ia32::sys_munmap(o.value(), 4096), 0);
    args.offset = 100;
    CHECK_EQ(ia32::sys_mmap(&args), EINVAL);
    CHECK_EQ(ia32::sys_mmap(0xfffff000UL), EFAULT);

    test::section("x86-64's mmap still maps high");
    SysResult high = x64::sys_mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(high.ok() && static_cast<unsigned long>(high.value()) >= 0x100000000UL);
    return test::summary();
}
