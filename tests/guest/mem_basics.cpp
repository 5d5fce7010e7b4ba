/*
 * mem_basics: brk, mmap, munmap and mprotect, as Linux does them
 * (mm/mmap.c, mm/mprotect.c, arch/x86/kernel/sys_x86_64.c):
 *   - brk(0) returns the break; brk(x) returns x on success and the unchanged
 *     break on any failure (below the start, or running into other mappings).
 *     Memory the break grows over is zero; shrinking unmaps it, so growing
 *     again gives zero pages.
 *   - anonymous mmap memory is zero; MAP_FIXED replaces what was there, and
 *     only that; MAP_FIXED_NOREPLACE fails with EEXIST over a mapping; a free
 *     page-aligned hint is used as is.
 *   - mmap errors: unaligned offset EINVAL (checked first, in sys_mmap);
 *     length 0 EINVAL; neither MAP_PRIVATE nor MAP_SHARED EINVAL; MAP_FIXED at
 *     an unaligned address EINVAL; a length that rounds up to 0 ENOMEM; a file
 *     mapping of a closed descriptor EBADF, of a file not open for reading
 *     EACCES, and MAP_SHARED + PROT_WRITE of a read-only file EACCES.
 *   - MAP_PRIVATE file mappings copy on write (the file is unchanged);
 *     MAP_SHARED ones write through to the file. A file mapping shows the
 *     file, and zeroes after its end in the last page.
 *   - munmap: unaligned address or length 0 EINVAL; unmapping nothing is 0.
 *   - mprotect: unaligned start EINVAL; length 0 is 0; a range with a hole is
 *     ENOMEM; prot bits other than READ, WRITE, EXEC and SEM (0x8, accepted by
 *     the generic arch_validate_prot x86 uses) are EINVAL.
 * Faults after munmap/mprotect are in fault.cpp.
 */
#include <trapgate/check.h>
#include <trapgate/uapi.h>

using namespace trapgate;
using namespace trapgate::x64;

static bool all_bytes(unsigned long addr, unsigned long len, unsigned char v)
{
    auto* p = reinterpret_cast<const volatile unsigned char*>(addr);
    for (unsigned long i = 0; i < len; i++)
        if (p[i] != v)
            return false;
    return true;
}

static void fill(unsigned long addr, unsigned long len, unsigned char v) { memset(reinterpret_cast<void*>(addr), v, len); }

static const unsigned long PG = PAGE_SIZE;
static const int ANON = MAP_PRIVATE | MAP_ANONYMOUS;
static const int RW = PROT_READ | PROT_WRITE;

int main(int, char**, char**)
{
    test::section("brk");
    unsigned long cur = static_cast<unsigned long>(sys_brk(0).value());
    unsigned long top = cur + 3 * PG + 100;
    CHECK(sys_brk(top).value() == static_cast<long>(top));
    CHECK(sys_brk(0).value() == static_cast<long>(top));
    CHECK(all_bytes(cur, top - cur, 0));
    fill(cur, top - cur, 0xab);
    unsigned long probe = ((cur + PG - 1) & ~(PG - 1)) + PG; /* a whole page above the old break */
    CHECK(sys_brk(cur).value() == static_cast<long>(cur));
    CHECK(sys_brk(top).value() == static_cast<long>(top));
    CHECK(all_bytes(probe, PG, 0)); /* shrinking unmapped it */
    CHECK(sys_brk(1).value() == static_cast<long>(top));                  /* below the start: unchanged */
    CHECK(sys_brk(0x7ffffffff000UL).value() == static_cast<long>(top));   /* into the stack: unchanged */
    CHECK(sys_brk(cur).value() == static_cast<long>(cur));

    test::section("anonymous mmap");
    SysResult m = sys_mmap(0, 3 * PG, RW, ANON, -1, 0);
    CHECK_OK(m);
    unsigned long p = static_cast<unsigned long>(m.value());
    CHECK((p & (PG - 1)) == 0);
    CHECK(all_bytes(p, 3 * PG, 0));
    fill(p, 3 * PG, 0x5a);
    CHECK(sys_mmap(p + PG, PG, RW, ANON | MAP_FIXED, -1, 0).value() == static_cast<long>(p + PG));
    CHECK(all_bytes(p + PG, PG, 0));
    CHECK(all_bytes(p, PG, 0x5a) && all_bytes(p + 2 * PG, PG, 0x5a));
    CHECK_EQ(sys_mmap(p, PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0), EEXIST);
    CHECK(all_bytes(p, PG, 0x5a));
    CHECK_EQ(sys_munmap(p + PG, PG), 0);
    CHECK(sys_mmap(p + PG, PG, RW, ANON, -1, 0).value() == static_cast<long>(p + PG)); /* a free hint is used */
    CHECK(sys_mmap(p + PG, PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0) == SysResult::from_errno(EEXIST));

    test::section("mmap errors");
    CHECK_EQ(sys_mmap(0, PG, RW, ANON, -1, 1), EINVAL);
    CHECK_EQ(sys_mmap(0, PG, RW, ANON, -1, PG + 1), EINVAL);
    CHECK_EQ(sys_mmap(0, 0, RW, ANON, -1, 0), EINVAL);
    CHECK_EQ(sys_mmap(0, PG, RW, MAP_ANONYMOUS, -1, 0), EINVAL);
    CHECK_EQ(sys_mmap(p + 1, PG, RW, ANON | MAP_FIXED, -1, 0), EINVAL);
    CHECK_EQ(sys_mmap(0, ~0UL, RW, ANON, -1, 0), ENOMEM);
    CHECK_EQ(sys_mmap(0, PG, PROT_READ, MAP_PRIVATE, 99, 0), EBADF);
    CHECK_EQ(sys_mmap(0, PG, PROT_READ, MAP_PRIVATE, -1, 0), EBADF);

    test::section("file mappings");
    int fd = static_cast<int>(sys_open("/tmp/mem_basics", O_RDWR | O_CREAT | O_TRUNC, 0600).value());
    CHECK_EQ(fd, 3);
    CHECK_EQ(sys_write(fd, "hello, file", 11), 11);
    SysResult fm = sys_mmap(0, PG, RW, MAP_PRIVATE, fd, 0);
    CHECK_OK(fm);
    auto* fp = reinterpret_cast<char*>(fm.value());
    CHECK(memcmp(fp, "hello, file", 11) == 0);
    CHECK(all_bytes(reinterpret_cast<unsigned long>(fp) + 11, PG - 11, 0));
    fp[0] = 'J';
    static char back[16];
    CHECK_EQ(sys_pread64(fd, back, 11, 0), 11);
    CHECK(memcmp(back, "hello, file", 11) == 0); /* private: the file is unchanged */
    CHECK_EQ(sys_munmap(fm.value(), PG), 0);
    SysResult sm = sys_mmap(0, PG, RW, MAP_SHARED, fd, 0);
    CHECK_OK(sm);
    auto* sp = reinterpret_cast<char*>(sm.value());
    sp[0] = 'J';
    CHECK_EQ(sys_pread64(fd, back, 11, 0), 11);
    CHECK(memcmp(back, "Jello, file", 11) == 0); /* shared: written through */
    CHECK_EQ(sys_pwrite64(fd, "Y", 1, 0), 1);
    CHECK(sp[0] == 'Y'); /* and the other way */
    CHECK_EQ(sys_munmap(sm.value(), PG), 0);
    int ro = static_cast<int>(sys_open("/tmp/mem_basics", O_RDONLY).value());
    int wo = static_cast<int>(sys_open("/tmp/mem_basics", O_WRONLY).value());
    CHECK_EQ(sys_mmap(0, PG, PROT_READ, MAP_PRIVATE, wo, 0), EACCES);
    CHECK_EQ(sys_mmap(0, PG, RW, MAP_SHARED, ro, 0), EACCES);
    SysResult rp = sys_mmap(0, PG, RW, MAP_PRIVATE, ro, 0); /* private + write on a read-only file: fine */
    CHECK_OK(rp);
    if (rp.ok())
        sys_munmap(rp.value(), PG);
    sys_close(ro);
    sys_close(wo);
    sys_close(fd);

    test::section("munmap");
    CHECK_EQ(sys_munmap(p + 1, PG), EINVAL);
    CHECK_EQ(sys_munmap(p, 0), EINVAL);
    CHECK_EQ(sys_munmap(p, 3 * PG), 0);
    CHECK_EQ(sys_munmap(p, 3 * PG), 0); /* nothing left there: still 0 */

    test::section("mprotect");
    unsigned long q = static_cast<unsigned long>(sys_mmap(0, 2 * PG, RW, ANON, -1, 0).value());
    CHECK_EQ(sys_mprotect(q + 1, PG, PROT_READ), EINVAL);
    CHECK_EQ(sys_mprotect(q, 0, PROT_READ), 0);
    CHECK_EQ(sys_mprotect(q, PG, 0x10), EINVAL);
    CHECK_EQ(sys_mprotect(q, PG, PROT_READ | 0x8), 0); /* PROT_SEM */
    CHECK_EQ(sys_mprotect(q, 2 * PG, PROT_READ), 0);
    CHECK(all_bytes(q, 2 * PG, 0)); /* still readable */
    CHECK_EQ(sys_mprotect(q, 2 * PG, RW), 0);
    fill(q, 2 * PG, 1);
    CHECK_EQ(sys_munmap(q + PG, PG), 0);
    CHECK_EQ(sys_mprotect(q, 2 * PG, PROT_READ), ENOMEM); /* a hole in the range */
    CHECK_EQ(sys_mprotect(q + PG, PG, PROT_READ), ENOMEM);
    CHECK(all_bytes(q, PG, 1));
    CHECK_EQ(sys_munmap(q, PG), 0);
    return test::summary();
}
