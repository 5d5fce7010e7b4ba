/*
 * bad_address: system calls given bad user pointers return -EFAULT (and the
 * kernel survives), for every kind of bad pointer:
 *   NULL; kernel-half addresses (0xffffffff81000000: where x86-64 Linux puts
 *   its text, 0xffff888000000000: its direct map); non-canonical addresses
 *   (0x0000800000000000, 0x8000000000000000); a page that was mapped and
 *   unmapped; a PROT_NONE page; and a PROT_READ page for calls that write.
 * The rules pinned down (Linux fs/read_write.c, lib/iov_iter.c, mm/shmem.c,
 * mm/filemap.c, include/linux/uaccess.h):
 *   - vfs_read/vfs_write check access_ok(buf, count) before anything else, so
 *     a kernel or non-canonical buffer is -EFAULT even with count 0;
 *     read(fd, NULL, 0) and write(fd, NULL, 0) are 0 (NULL is a user address).
 *   - a regular-file read copies page by page and returns what it copied
 *     before the fault (a short count), or -EFAULT if that is nothing; so a
 *     buffer whose second half is unmapped or read-only reads the first half.
 *     At end of file nothing is copied, so read(fd, NULL, 8) there is 0.
 *   - readv/writev check every iovec with access_ok in import_iovec (-EFAULT
 *     for the whole call before any I/O); a NULL iov_base passes that check and
 *     faults during the copy, giving a short count.
 *   - paths are copied with strncpy_from_user: -EFAULT if the string cannot be
 *     read up to its NUL; a NUL in the last byte of a page before an unmapped
 *     page is fine.
 *   - struct results (stat, uname, timespec, rlimit, uid triples) are copied
 *     out with copy_to_user/put_user: -EFAULT on any fault.
 * Reading from a PROT_READ page is allowed: write(fd, ro_page, n) succeeds.
 * stat (4) is x86-64's sys_newstat: same struct and rules as newfstatat.
 * Some pointers may be NULL to say "not wanted" (times, clock_getres, time,
 * the old-value pointers of rt_sigaction, rt_sigprocmask and sigaltstack,
 * prlimit64's two, gettimeofday's): those get no NULL case. pipe2 and
 * getcwd copy their result out last: -EFAULT, and pipe2 closes the pipe it
 * made (fs/pipe.c do_pipe2), so no descriptor leaks. getdents64 with a buffer
 * it cannot fill is -EFAULT (fs/readdir.c: buf.error when nothing was put).
 */
#include <trapgate/check.h>
#include <trapgate/uapi.h>

using namespace trapgate;
using namespace trapgate::x64;
using test::label;

namespace {

struct Bad {
    const char* name;
    unsigned long addr;
};

/* Filled in main once the pages exist. */
Bad bad[8];
int nbad;

void add(const char* name, unsigned long addr) { bad[nbad++] = Bad{name, addr}; }

unsigned long map(int prot, unsigned long len = PAGE_SIZE)
{
    SysResult r = sys_mmap(0, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!r.ok()) {
        println("FAIL: mmap: ", r);
        trapgate::exit(1);
    }
    return static_cast<unsigned long>(r.value());
}

} // namespace

int main(int, char**, char**)
{
    /* All mappings first, the unmapping last: a later mmap could reuse the hole. */
    unsigned long ro = map(PROT_READ);
    unsigned long none = map(PROT_NONE);
    unsigned long rw_then_ro = map(PROT_READ | PROT_WRITE, 2 * PAGE_SIZE);
    unsigned long rw_then_gap = map(PROT_READ | PROT_WRITE, 2 * PAGE_SIZE);
    CHECK_EQ(sys_mprotect(rw_then_ro + PAGE_SIZE, PAGE_SIZE, PROT_READ), 0);
    CHECK_EQ(sys_munmap(rw_then_gap + PAGE_SIZE, PAGE_SIZE), 0);
    unsigned long gap = rw_then_gap + PAGE_SIZE;

    add("NULL", 0);
    add("kernel_text", 0xffffffff81000000UL);
    add("direct_map", 0xffff888000000000UL);
    add("noncanonical_low", 0x0000800000000000UL);
    add("noncanonical_high", 0x8000000000000000UL);
    add("unmapped_page", gap);
    add("prot_none_page", none);

    SysResult fd = sys_open("/tmp/bad_address", O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK_EQ(fd, 3);
    int f = static_cast<int>(fd.value());
    CHECK_EQ(sys_write(f, "ABCDEFGH", 8), 8);

    test::section("read and write");
    for (int i = 0; i < nbad; i++) {
        sys_lseek(f, 0, SEEK_SET);
        test::expect_eq(label("read(fd, ", bad[i].name, ", 8)"), sys_read(f, bad[i].addr, 8), EFAULT);
        test::expect_eq(label("write(fd, ", bad[i].name, ", 8)"), sys_write(f, bad[i].addr, 8), EFAULT);
    }
    sys_lseek(f, 0, SEEK_SET);
    CHECK_EQ(sys_read(f, ro, 8), EFAULT);
    CHECK_EQ(sys_lseek(f, 0, SEEK_CUR), 0); /* nothing was read */
    CHECK_EQ(sys_read(f, nullptr, 0), 0);
    CHECK_EQ(sys_write(f, nullptr, 0), 0);
    CHECK_EQ(sys_read(f, 0xffffffff81000000UL, 0), EFAULT);
    CHECK_EQ(sys_write(f, 0xffff888000000000UL, 0), EFAULT);
    /* Linux's access_ok only rejects the kernel half (bit 63): a zero-length
     * read into the non-canonical hole succeeds. */
    CHECK_EQ(sys_read(f, 0x0000800000000000UL, 0), 0);
    sys_lseek(f, 8, SEEK_SET);
    CHECK_EQ(sys_read(f, nullptr, 8), 0); /* at end of file nothing is copied */
    struct stat st;
    CHECK_EQ(sys_fstat(f, &st), 0);
    CHECK_EQ(st.st_size, 8); /* the failed writes wrote nothing */

    test::section("reading from a read-only page is fine");
    sys_lseek(f, 8, SEEK_SET);
    CHECK_EQ(sys_write(f, ro, 8), 8); /* eight zero bytes */
    CHECK_EQ(sys_fstat(f, &st), 0);
    CHECK_EQ(st.st_size, 16);

    test::section("buffers running into a bad page: short counts");
    char* edge = reinterpret_cast<char*>(gap - 4);
    sys_lseek(f, 0, SEEK_SET);
    CHECK_EQ(sys_read(f, edge, 8), 4);
    CHECK(memcmp(edge, "ABCD", 4) == 0);
    CHECK_EQ(sys_lseek(f, 0, SEEK_CUR), 4);
    char* edge_ro = reinterpret_cast<char*>(rw_then_ro + PAGE_SIZE - 4);
    sys_lseek(f, 0, SEEK_SET);
    CHECK_EQ(sys_read(f, edge_ro, 8), 4);
    CHECK(memcmp(edge_ro, "ABCD", 4) == 0);
    sys_lseek(f, 0, SEEK_SET);
    CHECK_EQ(sys_read(f, gap - 1, 8), 1);

    test::section("readv and writev");
    static char got[8];
    iovec v[2] = {{got, 4}, {nullptr, 4}};
    sys_lseek(f, 0, SEEK_SET);
    CHECK_EQ(sys_readv(f, v, 2), 4); /* the NULL segment faults in the copy */
    CHECK(memcmp(got, "ABCD", 4) == 0);
    for (int i = 1; i < nbad; i++) {
        v[1].iov_base = reinterpret_cast<void*>(bad[i].addr);
        sys_lseek(f, 0, SEEK_SET);
        if (bad[i].addr >= 0x8000000000000000UL) /* kernel half: rejected by access_ok before any I/O */
            test::expect_eq(label("readv(fd, {ok, ", bad[i].name, "}, 2)"), sys_readv(f, v, 2), EFAULT);
        else
            test::expect_eq(label("readv(fd, {ok, ", bad[i].name, "}, 2)"), sys_readv(f, v, 2), 4);
    }
    iovec w[2] = {{const_cast<char*>("xy"), 2}, {reinterpret_cast<void*>(0xffffffff81000000UL), 2}};
    sys_lseek(f, 0, SEEK_SET);
    CHECK_EQ(sys_writev(f, w, 2), EFAULT);
    CHECK_EQ(sys_pread64(f, got, 2, 0), 2);
    CHECK(memcmp(got, "AB", 2) == 0); /* nothing was written */
    for (int i = 0; i < nbad; i++) {
        test::expect_eq(label("readv(fd, ", bad[i].name, ", 1)"), sys_readv(f, bad[i].addr, 1), EFAULT);
        test::expect_eq(label("writev(fd, ", bad[i].name, ", 1)"), sys_writev(f, bad[i].addr, 1), EFAULT);
    }
    CHECK_EQ(sys_writev(f, nullptr, 0), 0);

    test::section("paths");
    for (int i = 0; i < nbad; i++) {
        test::expect_eq(label("openat(AT_FDCWD, ", bad[i].name, ")"), sys_openat(AT_FDCWD, bad[i].addr, O_RDONLY),
                        EFAULT);
        test::expect_eq(label("open(", bad[i].name, ")"), sys_open(bad[i].addr, O_RDONLY), EFAULT);
        test::expect_eq(label("newfstatat(AT_FDCWD, ", bad[i].name, ", &st, 0)"),
                        sys_newfstatat(AT_FDCWD, bad[i].addr, &st, 0), EFAULT);
        test::expect_eq(label("stat(", bad[i].name, ", &st)"), sys_stat(bad[i].addr, &st), EFAULT);
    }
    /* "/tmp" at the very end of the page before the hole, without its NUL. */
    memcpy(edge, "/tmp", 4);
    CHECK_EQ(sys_openat(AT_FDCWD, edge, O_RDONLY), EFAULT);
    CHECK_EQ(sys_stat(edge, &st), EFAULT);
    /* "/" and its NUL in the last two bytes: fine. */
    char* slash = reinterpret_cast<char*>(gap - 2);
    slash[0] = '/';
    slash[1] = 0;
    SysResult dfd = sys_openat(AT_FDCWD, slash, O_RDONLY | O_DIRECTORY);
    CHECK_EQ(dfd, 4);
    CHECK_EQ(sys_close(dfd.value()), 0);
    CHECK_EQ(sys_stat(slash, &st), 0);
    CHECK_EQ(sys_openat(AT_FDCWD, "", O_RDONLY), ENOENT);

    test::section("results written to bad memory");
    add("read_only_page", ro);
    for (int i = 0; i < nbad; i++) {
        const char* n = bad[i].name;
        unsigned long a = bad[i].addr;
        test::expect_eq(label("fstat(fd, ", n, ")"), sys_fstat(f, a), EFAULT);
        test::expect_eq(label("newfstatat(AT_FDCWD, \"/\", ", n, ", 0)"), sys_newfstatat(AT_FDCWD, "/", a, 0), EFAULT);
        test::expect_eq(label("stat(\"/\", ", n, ")"), sys_stat("/", a), EFAULT);
        test::expect_eq(label("uname(", n, ")"), sys_uname(a), EFAULT);
        test::expect_eq(label("clock_gettime(CLOCK_MONOTONIC, ", n, ")"), sys_clock_gettime(CLOCK_MONOTONIC, a),
                        EFAULT);
        test::expect_eq(label("getrandom(", n, ", 16, GRND_INSECURE)"), sys_getrandom(a, 16, GRND_INSECURE), EFAULT);
        test::expect_eq(label("getresuid(", n, ", ", n, ", ", n, ")"), sys_getresuid(a, a, a), EFAULT);
        if (a == 0)
            continue; /* NULL means "not wanted" to prlimit64 and gettimeofday */
        test::expect_eq(label("prlimit64(0, RLIMIT_NOFILE, NULL, ", n, ")"),
                        sys_prlimit64(0, RLIMIT_NOFILE, nullptr, a), EFAULT);
        test::expect_eq(label("gettimeofday(", n, ", NULL)"), sys_gettimeofday(a, nullptr), EFAULT);
    }
    /* A stat buffer whose second half is unmapped or read-only. */
    CHECK_EQ(sys_fstat(f, gap - 72), EFAULT);
    CHECK_EQ(sys_fstat(f, rw_then_ro + PAGE_SIZE - 72), EFAULT);
    CHECK_EQ(sys_uname(gap - 100), EFAULT);
    CHECK_EQ(sys_getrandom(nullptr, 0, GRND_INSECURE), 0);

    test::section("arguments read from bad memory");
    for (int i = 0; i < nbad; i++) {
        const char* n = bad[i].name;
        unsigned long a = bad[i].addr;
        if (a == ro)
            continue; /* readable */
        test::expect_eq(label("nanosleep(", n, ", NULL)"), sys_nanosleep(a, nullptr), EFAULT);
        test::expect_eq(label("execve(", n, ", NULL, NULL)"), sys_execve(a, nullptr, nullptr), EFAULT);
        test::expect_eq(label("sethostname(", n, ", 4)"), sys_sethostname(a, 4), EFAULT);
        if (a != 0) /* a NULL new limit means "do not set" */
            test::expect_eq(label("prlimit64(0, RLIMIT_NOFILE, ", n, ", NULL)"),
                            sys_prlimit64(0, RLIMIT_NOFILE, a, nullptr), EFAULT);
    }

    test::section("more calls: pointers the kernel reads");
    for (int i = 0; i < nbad; i++) {
        const char* n = bad[i].name;
        unsigned long a = bad[i].addr;
        if (a == ro)
            continue; /* readable */
        test::expect_eq(label("mkdir(", n, ", 0700)"), sys_mkdir(a, 0700), EFAULT);
        test::expect_eq(label("unlink(", n, ")"), sys_unlink(a), EFAULT);
        test::expect_eq(label("chdir(", n, ")"), sys_chdir(a), EFAULT);
        test::expect_eq(label("access(", n, ", 0)"), sys_access(a, 0), EFAULT);
        test::expect_eq(label("poll(", n, ", 1, 0)"), sys_poll(a, 1, 0), EFAULT);
        if (a == 0)
            continue; /* a NULL new action, mask or stack means "no change" */
        test::expect_eq(label("rt_sigaction(SIGUSR1, ", n, ", NULL, 8)"), sys_rt_sigaction(10, a, nullptr, 8),
                        EFAULT);
        test::expect_eq(label("rt_sigprocmask(SIG_BLOCK, ", n, ", NULL, 8)"), sys_rt_sigprocmask(0, a, nullptr, 8),
                        EFAULT);
        test::expect_eq(label("sigaltstack(", n, ", NULL)"), sys_sigaltstack(a, nullptr), EFAULT);
    }
    CHECK_EQ(sys_poll(nullptr, 0, 0), 0); /* nothing to read */

    test::section("more calls: results written to bad memory");
    SysResult dir = sys_open("/", O_RDONLY | O_DIRECTORY);
    CHECK_EQ(dir, 4);
    for (int i = 0; i < nbad; i++) {
        const char* n = bad[i].name;
        unsigned long a = bad[i].addr;
        test::expect_eq(label("pipe2(", n, ", 0)"), sys_pipe2(a, 0), EFAULT);
        test::expect_eq(label("getcwd(", n, ", 4096)"), sys_getcwd(a, 4096), EFAULT);
        test::expect_eq(label("sysinfo(", n, ")"), sys_sysinfo(a), EFAULT);
        test::expect_eq(label("getrusage(RUSAGE_SELF, ", n, ")"), sys_getrusage(0, a), EFAULT);
        test::expect_eq(label("statx(AT_FDCWD, \"/\", 0, STATX_BASIC_STATS, ", n, ")"),
                        sys_statx(AT_FDCWD, "/", 0, STATX_BASIC_STATS, a), EFAULT);
        sys_lseek(dir.value(), 0, SEEK_SET);
        test::expect_eq(label("getdents64(dirfd, ", n, ", 4096)"), sys_getdents64(dir.value(), a, 4096), EFAULT);
        if (a == 0)
            continue; /* NULL means "not wanted" to the rest */
        test::expect_eq(label("times(", n, ")"), sys_times(a), EFAULT);
        test::expect_eq(label("clock_getres(CLOCK_MONOTONIC, ", n, ")"), sys_clock_getres(CLOCK_MONOTONIC, a), EFAULT);
        test::expect_eq(label("time(", n, ")"), sys_time(a), EFAULT);
        test::expect_eq(label("rt_sigaction(SIGUSR1, NULL, ", n, ", 8)"), sys_rt_sigaction(10, nullptr, a, 8),
                        EFAULT);
        test::expect_eq(label("rt_sigprocmask(SIG_BLOCK, NULL, ", n, ", 8)"), sys_rt_sigprocmask(0, nullptr, a, 8),
                        EFAULT);
        test::expect_eq(label("sigaltstack(NULL, ", n, ")"), sys_sigaltstack(nullptr, a), EFAULT);
    }
    CHECK_EQ(sys_close(dir.value()), 0);
    /* A failed pipe2 leaves no descriptors behind: the next one is 4 again. */
    dir = sys_open("/", O_RDONLY | O_DIRECTORY);
    CHECK_EQ(dir, 4);
    CHECK_EQ(sys_close(dir.value()), 0);

    test::section("still alive");
    CHECK_EQ(sys_close(f), 0);
    CHECK_EQ(sys_getppid(), 0);
    return test::summary();
}
