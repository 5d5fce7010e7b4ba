/*
 * mm_ranges: every memory call that takes an address range refuses one
 * outside user space as Linux 6.1 does (mm/mmap.c get_unmapped_area and
 * do_mas_munmap, mm/mremap.c mremap_to, mm/mprotect.c, mm/madvise.c,
 * mm/msync.c, mm/mincore.c, brk): a kernel address (the direct map, the
 * kernel text), a non-canonical address, a range ending past TASK_SIZE
 * (0x7ffffffff000 with 4-level paging), a length that wraps around. The answers are Linux's: ENOMEM for mmap
 * MAP_FIXED, mprotect, madvise, msync, mincore; EINVAL for munmap and mremap's
 * destination; brk keeps the old break. mremap with MREMAP_FIXED or
 * MREMAP_DONTUNMAP into the kernel half used to move pages there; the process
 * then forks, and parent and child still see their memory.
 * System calls are made with syscall() so that no libc check gets in first.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "musl_check.h"

#define PG 4096UL
/* TASK_SIZE, the first address past user space: 0x7ffffffff000 with 4-level
 * page tables (Trapgate), (1 << 56) - 4096 where the kernel turns on 5-level
 * paging (Linux under QEMU's -cpu max). main() finds out which. */
static unsigned long TOP;
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

/* The addresses no call may reach. */
static struct {
    const char *name;
    unsigned long addr;
} bad[] = {
    {"direct map", 0xffff888000000000UL},
    {"kernel text", 0xffffffff81000000UL},
    {"last page", 0xfffffffffffff000UL},
    {"non-canonical (bit 56)", 0x0100000000000000UL},
    {"non-canonical (bit 60)", 0x1000000000000000UL},
    {"TASK_SIZE", 0}, /* TOP, set in main() */
};
#define NBAD (sizeof(bad) / sizeof(bad[0]))

static long sys(long nr, long a, long b, long c, long d, long e, long f)
{
    long r = syscall(nr, a, b, c, d, e, f);
    return r == -1 ? -errno : r;
}

/* Prints a result as an errno name, or as "ok"/"the same address". */
static void show(const char *what, long r, long want)
{
    checks++;
    if (r < 0 && r >= -4095)
        printf("%s = -%s\n", what, ename((int)-r));
    else
        printf("%s = %s\n", what, r == want ? "expected" : "another value");
    if (r != want) {
        failures++;
        if (want < 0)
            printf("FAIL: %s: expected -%s\n", what, ename((int)-want));
        else
            printf("FAIL: %s: expected %s\n", what, want ? "that value" : "0");
    }
}

/* A check whose line would differ between the kernels (it runs on one of
 * them only): silent unless it fails. */
static void quiet(int cond, const char *what)
{
    if (!cond) {
        failures++;
        printf("FAIL: %s\n", what);
    }
}

static int in_user_space(long r, unsigned long len)
{
    return r > 0 && (unsigned long)r < TOP && (unsigned long)r + len <= TOP;
}

static char *map_pages(unsigned long n)
{
    char *p = mmap(NULL, n * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        printf("FAIL: mmap: %s\n", ename(errno));
        return NULL;
    }
    return p;
}

static void test_mmap(void)
{
    char what[160];
    SECTION("mmap");
    int fixed[] = {MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_FIXED | MAP_FIXED_NOREPLACE};
    const char *fixed_name[] = {"MAP_FIXED", "MAP_FIXED_NOREPLACE", "MAP_FIXED|MAP_FIXED_NOREPLACE"};
    for (unsigned f = 0; f < 3; f++) {
        for (unsigned i = 0; i < NBAD; i++) {
            snprintf(what, sizeof what, "mmap(%s, 1 page, %s)", bad[i].name, fixed_name[f]);
            show(what, sys(SYS_mmap, bad[i].addr, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | fixed[f], -1, 0),
                 -ENOMEM);
        }
        snprintf(what, sizeof what, "mmap(TOP - 1 page, 2 pages, %s)", fixed_name[f]);
        show(what, sys(SYS_mmap, TOP - PG, 2 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | fixed[f], -1, 0), -ENOMEM);
        snprintf(what, sizeof what, "mmap(0x10000, -1 page, %s)", fixed_name[f]);
        show(what, sys(SYS_mmap, 0x10000, -PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | fixed[f], -1, 0), -ENOMEM);
    }
    /* Linux looks at the range before the alignment and the map type. */
    show("mmap(direct map + 1, MAP_FIXED)",
         sys(SYS_mmap, 0xffff888000000001L, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), -ENOMEM);
    show("mmap(0x10001, MAP_FIXED)", sys(SYS_mmap, 0x10001, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
         -EINVAL);
    show("mmap(direct map, MAP_FIXED, no map type)",
         sys(SYS_mmap, 0xffff888000000000L, PG, PROT_READ, MAP_ANONYMOUS | MAP_FIXED, -1, 0), -ENOMEM);
    show("mmap(NULL, -1, hint)", sys(SYS_mmap, 0, -1L, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), -ENOMEM);
    show("mmap(NULL, TOP + 1 page, hint)", sys(SYS_mmap, 0, TOP + PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), -ENOMEM);

    /* The last page of user space is user space. Trapgate's stack ends there
     * (as Linux's does without address randomisation): then it is in use. */
    long r = sys(SYS_mmap, TOP - PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    truth("mmap(TOP - 1 page, 1 page, MAP_FIXED_NOREPLACE) maps it or finds it in use",
          r == (long)(TOP - PG) || r == -EEXIST);
    if (r == (long)(TOP - PG)) {
        *(volatile char *)(TOP - 1) = 7;
        quiet(*(volatile char *)(TOP - 1) == 7, "the last page keeps what is written");
        quiet(sys(SYS_munmap, TOP - PG, PG, 0, 0, 0, 0) == 0, "munmap(TOP - 1 page, 1 page)");
    }

    /* Below mmap_min_addr takes CAP_SYS_RAWIO, which root has. */
    r = sys(SYS_mmap, 0x1000, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    show("mmap(0x1000, 1 page, MAP_FIXED) as root", r, 0x1000);
    if (r == 0x1000) {
        *(volatile char *)0x1000 = 1;
        show("munmap(0x1000, 1 page)", sys(SYS_munmap, 0x1000, PG, 0, 0, 0, 0), 0);
    }
    r = sys(SYS_mmap, 0x1000, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    show("mmap(hint 0x1000) is mmap_min_addr", r, 0x10000);
    if (r > 0)
        munmap((void *)r, PG);

    /* A hint outside user space is only a hint. */
    for (unsigned i = 0; i < NBAD; i++) {
        r = sys(SYS_mmap, bad[i].addr, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        snprintf(what, sizeof what, "mmap(hint %s) lands in user space", bad[i].name);
        truth(what, in_user_space(r, PG));
        if (r > 0)
            munmap((void *)r, PG);
    }
    r = sys(SYS_mmap, TOP - PG, 2 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    truth("mmap(hint TOP - 1 page, 2 pages) lands in user space", in_user_space(r, 2 * PG));
    if (r > 0)
        munmap((void *)r, 2 * PG);

    /* MAP_FIXED_NOREPLACE wins over MAP_FIXED: the mapping stays. */
    char *p = map_pages(1);
    if (p) {
        p[0] = 'k';
        show("mmap(over a mapping, MAP_FIXED|MAP_FIXED_NOREPLACE)",
             sys(SYS_mmap, (long)p, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_FIXED_NOREPLACE, -1, 0),
             -EEXIST);
        TRUE(p[0] == 'k');
        munmap(p, PG);
    }
}

static void test_munmap_mprotect_madvise_msync(void)
{
    char what[160];
    char *p = map_pages(1);
    if (!p)
        return;
    SECTION("munmap");
    for (unsigned i = 0; i < NBAD; i++) {
        snprintf(what, sizeof what, "munmap(%s, 1 page)", bad[i].name);
        show(what, sys(SYS_munmap, bad[i].addr, PG, 0, 0, 0, 0), -EINVAL);
    }
    show("munmap(TOP - 1 page, 2 pages)", sys(SYS_munmap, TOP - PG, 2 * PG, 0, 0, 0, 0), -EINVAL);
    show("munmap(TOP - 1 page, 1 page + 1)", sys(SYS_munmap, TOP - PG, PG + 1, 0, 0, 0, 0), -EINVAL);
    show("munmap(page, -1 page)", sys(SYS_munmap, (long)p, -PG, 0, 0, 0, 0), -EINVAL);
    show("munmap(page, -1)", sys(SYS_munmap, (long)p, -1L, 0, 0, 0, 0), -EINVAL);
    char *hole = map_pages(1);
    if (hole) {
        munmap(hole, PG);
        show("munmap(a free page)", sys(SYS_munmap, (long)hole, PG, 0, 0, 0, 0), 0);
    }

    SECTION("mprotect");
    for (unsigned i = 0; i < NBAD; i++) {
        snprintf(what, sizeof what, "mprotect(%s, 1 page)", bad[i].name);
        show(what, sys(SYS_mprotect, bad[i].addr, PG, PROT_READ, 0, 0, 0), -ENOMEM);
    }
    show("mprotect(TOP - 1 page, 2 pages)", sys(SYS_mprotect, TOP - PG, 2 * PG, PROT_READ, 0, 0, 0), -ENOMEM);
    show("mprotect(page, -1 page)", sys(SYS_mprotect, (long)p, -PG, PROT_READ, 0, 0, 0), -ENOMEM);
    show("mprotect(page, -1)", sys(SYS_mprotect, (long)p, -1L, PROT_READ, 0, 0, 0), -ENOMEM);
    show("mprotect(direct map, 0)", sys(SYS_mprotect, 0xffff888000000000L, 0, PROT_READ, 0, 0, 0), 0);
    show("mprotect(page, 1 page)", sys(SYS_mprotect, (long)p, PG, PROT_READ | PROT_WRITE, 0, 0, 0), 0);

    SECTION("madvise");
    for (unsigned i = 0; i < NBAD; i++) {
        long want = bad[i].addr + PG == 0 ? -EINVAL : -ENOMEM; /* the end wraps to 0 */
        snprintf(what, sizeof what, "madvise(%s, 1 page, MADV_DONTNEED)", bad[i].name);
        show(what, sys(SYS_madvise, bad[i].addr, PG, MADV_DONTNEED, 0, 0, 0), want);
        snprintf(what, sizeof what, "madvise(%s, 1 page, MADV_NORMAL)", bad[i].name);
        show(what, sys(SYS_madvise, bad[i].addr, PG, MADV_NORMAL, 0, 0, 0), want);
    }
    /* (not MADV_DONTNEED: Trapgate's stack is the last page) */
    show("madvise(TOP - 1 page, 2 pages, MADV_NORMAL)", sys(SYS_madvise, TOP - PG, 2 * PG, MADV_NORMAL, 0, 0, 0),
         -ENOMEM);
    show("madvise(page, -1 page, MADV_DONTNEED)", sys(SYS_madvise, (long)p, -PG, MADV_DONTNEED, 0, 0, 0), -EINVAL);
    show("madvise(page, -1, MADV_DONTNEED)", sys(SYS_madvise, (long)p, -1L, MADV_DONTNEED, 0, 0, 0), -EINVAL);
    show("madvise(direct map, 0, MADV_DONTNEED)", sys(SYS_madvise, 0xffff888000000000L, 0, MADV_DONTNEED, 0, 0, 0), 0);
    p[0] = 'm';
    show("madvise(page and the page after, MADV_DONTNEED)", sys(SYS_madvise, (long)p, 2 * PG, MADV_DONTNEED, 0, 0, 0),
         -ENOMEM);
    TRUE(p[0] == 0); /* the mapped part was still dropped */
    show("madvise(page, 1 page, MADV_NORMAL)", sys(SYS_madvise, (long)p, PG, MADV_NORMAL, 0, 0, 0), 0);

    SECTION("msync");
    for (unsigned i = 0; i < NBAD; i++) {
        snprintf(what, sizeof what, "msync(%s, 1 page, MS_SYNC)", bad[i].name);
        show(what, sys(SYS_msync, bad[i].addr, PG, MS_SYNC, 0, 0, 0), -ENOMEM);
    }
    show("msync(TOP - 1 page, 2 pages)", sys(SYS_msync, TOP - PG, 2 * PG, MS_SYNC, 0, 0, 0), -ENOMEM);
    show("msync(page, -1 page)", sys(SYS_msync, (long)p, -PG, MS_SYNC, 0, 0, 0), -ENOMEM);
    show("msync(page, -1)", sys(SYS_msync, (long)p, -1L, MS_SYNC, 0, 0, 0), 0);
    show("msync(page, 1 page)", sys(SYS_msync, (long)p, PG, MS_SYNC, 0, 0, 0), 0);
    munmap(p, PG);
}

static void test_mincore(void)
{
    char what[160];
    unsigned char vec[4];
    SECTION("mincore");
    for (unsigned i = 0; i < NBAD; i++) {
        snprintf(what, sizeof what, "mincore(%s, 1 page)", bad[i].name);
        show(what, sys(SYS_mincore, bad[i].addr, PG, (long)vec, 0, 0, 0), -ENOMEM);
    }
    show("mincore(TOP - 1 page, 2 pages)", sys(SYS_mincore, TOP - PG, 2 * PG, (long)vec, 0, 0, 0), -ENOMEM);
    char *p = map_pages(2);
    if (!p)
        return;
    munmap(p + PG, PG); /* a hole after the first page */
    show("mincore(page + 1, 1 page)", sys(SYS_mincore, (long)p + 1, PG, (long)vec, 0, 0, 0), -EINVAL);
    show("mincore(page, 0)", sys(SYS_mincore, (long)p, 0, (long)vec, 0, 0, 0), 0);
    show("mincore(page, -1)", sys(SYS_mincore, (long)p, -1L, (long)vec, 0, 0, 0), -ENOMEM);
    show("mincore(page, 1 page, direct map)", sys(SYS_mincore, (long)p, PG, 0xffff888000000000L, 0, 0, 0), -EFAULT);
    vec[0] = 7;
    show("mincore(page, 1 page) untouched", sys(SYS_mincore, (long)p, PG, (long)vec, 0, 0, 0), 0);
    TRUE(vec[0] == 0);
    p[0] = 1;
    show("mincore(page, 1) touched", sys(SYS_mincore, (long)p, 1, (long)vec, 0, 0, 0), 0);
    TRUE(vec[0] == 1);
    vec[0] = vec[1] = 7;
    show("mincore(page and the hole after it)", sys(SYS_mincore, (long)p, 2 * PG, (long)vec, 0, 0, 0), -ENOMEM);
    TRUE(vec[0] == 1 && vec[1] == 7); /* the part before the hole is written */
    munmap(p, PG);

    /* A file mapping: resident when the page cache has the page, mapped or not. */
    mkdir("/tmp", 01777);
    int f = open("/tmp/mincore", O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (f < 0 || write(f, "data", 4) != 4 || ftruncate(f, 2 * PG) != 0)
        printf("FAIL: making /tmp/mincore\n");
    char *m = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, f, 0);
    if (m != MAP_FAILED) {
        vec[0] = vec[1] = 7;
        show("mincore(file mapping, 2 pages)", sys(SYS_mincore, (long)m, 2 * PG, (long)vec, 0, 0, 0), 0);
        TRUE(vec[0] == 1 && vec[1] == 0); /* written, and a hole */
        munmap(m, 2 * PG);
    }
    close(f);
    unlink("/tmp/mincore");
}

static char data_marker[64] = "program data";

static void test_brk(void)
{
    char what[160];
    SECTION("brk");
    long old = sys(SYS_brk, 0, 0, 0, 0, 0, 0);
    for (unsigned i = 0; i < NBAD; i++) {
        snprintf(what, sizeof what, "brk(%s) keeps the break", bad[i].name);
        truth(what, sys(SYS_brk, bad[i].addr, 0, 0, 0, 0, 0) == old);
    }
    truth("brk(-1) keeps the break", sys(SYS_brk, -1L, 0, 0, 0, 0, 0) == old);
    truth("brk(-1 page) keeps the break", sys(SYS_brk, -(long)PG, 0, 0, 0, 0, 0) == old);
    truth("brk(TOP - 1) keeps the break", sys(SYS_brk, TOP - 1, 0, 0, 0, 0, 0) == old);
    truth("brk(0) is the break", sys(SYS_brk, 0, 0, 0, 0, 0, 0) == old);
    TRUE(strcmp(data_marker, "program data") == 0); /* the program is still mapped */
    long grown = sys(SYS_brk, old + 2 * PG, 0, 0, 0, 0, 0);
    truth("brk(+2 pages) grows", grown == old + (long)(2 * PG));
    if (grown == old + (long)(2 * PG)) {
        ((volatile char *)old)[PG] = 1;
        truth("brk(back) shrinks", sys(SYS_brk, old, 0, 0, 0, 0, 0) == old);
    }
}

static void test_mremap(void)
{
    char what[160];
    SECTION("mremap");
    char *p = map_pages(1);
    char *dest = map_pages(1);
    if (!p || !dest)
        return;
    munmap(dest, PG); /* a free place in user space */
    memset(p, 'p', PG);
    for (unsigned i = 0; i < NBAD; i++) {
        snprintf(what, sizeof what, "mremap(page, 1 page, 1 page, MAYMOVE|FIXED, %s)", bad[i].name);
        show(what, sys(SYS_mremap, (long)p, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, bad[i].addr, 0), -EINVAL);
        snprintf(what, sizeof what, "mremap(page, 1 page, 1 page, MAYMOVE|FIXED|DONTUNMAP, %s)", bad[i].name);
        show(what, sys(SYS_mremap, (long)p, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, bad[i].addr, 0),
             -EINVAL);
        snprintf(what, sizeof what, "mremap(%s, 1 page, 1 page, MAYMOVE|FIXED, free page)", bad[i].name);
        show(what, sys(SYS_mremap, bad[i].addr, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, (long)dest, 0), -EFAULT);
        snprintf(what, sizeof what, "mremap(%s, 1 page, 2 pages, MAYMOVE)", bad[i].name);
        show(what, sys(SYS_mremap, bad[i].addr, PG, 2 * PG, MREMAP_MAYMOVE, 0, 0), -EFAULT);
        snprintf(what, sizeof what, "mremap(%s, 1 page, 1 page, 0)", bad[i].name);
        show(what, sys(SYS_mremap, bad[i].addr, PG, PG, 0, 0, 0), -EFAULT);
        snprintf(what, sizeof what, "mremap(%s, 2 pages, 1 page, 0)", bad[i].name);
        show(what, sys(SYS_mremap, bad[i].addr, 2 * PG, PG, 0, 0, 0), -EFAULT);
        snprintf(what, sizeof what, "mremap(%s, 1 page, 1 page, MAYMOVE|FIXED, %s)", bad[i].name, bad[i].name);
        show(what, sys(SYS_mremap, bad[i].addr, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, bad[i].addr, 0), -EFAULT);
    }
    show("mremap(page, 1 page, 2 pages, MAYMOVE|FIXED, TOP - 1 page)",
         sys(SYS_mremap, (long)p, PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, TOP - PG, 0), -EINVAL);
    show("mremap(page, 1 page, 1 page, MAYMOVE|FIXED, itself)",
         sys(SYS_mremap, (long)p, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, (long)p, 0), -EINVAL);
    show("mremap(page, 1 page, TOP + 1 page, MAYMOVE)", sys(SYS_mremap, (long)p, PG, TOP + PG, MREMAP_MAYMOVE, 0, 0),
         -ENOMEM);
    show("mremap(page, 1 page, -1 page, MAYMOVE)", sys(SYS_mremap, (long)p, PG, -PG, MREMAP_MAYMOVE, 0, 0), -ENOMEM);
    show("mremap(page, 1 page, -1, MAYMOVE)", sys(SYS_mremap, (long)p, PG, -1L, MREMAP_MAYMOVE, 0, 0), -EINVAL);
    show("mremap(page, -1 page, 1 page, 0)", sys(SYS_mremap, (long)p, -PG, PG, 0, 0, 0), -EINVAL);
    show("mremap(page, 1 page, 1 page, MAYMOVE|FIXED, unaligned)",
         sys(SYS_mremap, (long)p, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, (long)dest + 1, 0), -EINVAL);
    show("mremap(page, 1 page, 2 pages, MAYMOVE|DONTUNMAP)",
         sys(SYS_mremap, (long)p, PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0, 0), -EINVAL);
    show("mremap(page, 1 page, 1 page, DONTUNMAP)", sys(SYS_mremap, (long)p, PG, PG, MREMAP_DONTUNMAP, 0, 0), -EINVAL);
    TRUE(p[0] == 'p' && p[PG - 1] == 'p');

    /* The last page of user space cannot grow in place (Trapgate's is the
     * stack's, see test_mmap). */
    long top = sys(SYS_mmap, TOP - PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
                   -1, 0);
    truth("mmap(TOP - 1 page, MAP_FIXED_NOREPLACE) maps it or finds it in use", top == (long)(TOP - PG) || top == -EEXIST);
    show("mremap(TOP - 1 page, 1 page, 2 pages, 0)", sys(SYS_mremap, TOP - PG, PG, 2 * PG, 0, 0, 0), -ENOMEM);
    if (top == (long)(TOP - PG)) {
        *(volatile char *)top = 't';
        long moved = sys(SYS_mremap, top, PG, 2 * PG, MREMAP_MAYMOVE, 0, 0);
        quiet(in_user_space(moved, 2 * PG), "mremap(TOP - 1 page, 1 page, 2 pages, MAYMOVE) moves it within user space");
        if (in_user_space(moved, 2 * PG)) {
            quiet(*(char *)moved == 't', "the moved page keeps its contents");
            munmap((void *)moved, 2 * PG);
        }
    }

    /* A legal MREMAP_DONTUNMAP: the pages move, the old range stays mapped and empty. */
    long moved = sys(SYS_mremap, (long)p, PG, PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0, 0);
    truth("mremap(page, MAYMOVE|DONTUNMAP) moves it within user space", in_user_space(moved, PG));
    if (in_user_space(moved, PG)) {
        TRUE(((char *)moved)[0] == 'p');
        TRUE(p[0] == 0);
    }

    /* Both processes keep their memory after fork. */
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        int ok = in_user_space(moved, PG) && ((char *)moved)[PG - 1] == 'p' && strcmp(data_marker, "program data") == 0;
        _exit(ok ? 0 : 1);
    }
    int st = 0;
    EQ(waitpid(c, &st, 0) == c, 1);
    truth("the child sees its memory and exits 0", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    if (in_user_space(moved, PG))
        TRUE(((char *)moved)[PG - 1] == 'p');
}

/* 5-level paging: the page at 1 << 47 is user space. */
static void find_task_size(void)
{
    long r = sys(SYS_mmap, 1L << 47, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    TOP = r == 1L << 47 ? (1UL << 56) - PG : (1UL << 47) - PG;
    if (r > 0)
        munmap((void *)r, PG);
    bad[NBAD - 1].addr = TOP;
}

int main(void)
{
    find_task_size();
    test_mmap();
    test_munmap_mprotect_madvise_msync();
    test_mincore();
    test_brk();
    test_mremap();
    return summary();
}
