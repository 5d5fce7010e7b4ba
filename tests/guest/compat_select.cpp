/*
 * compat_select: select and poll through int $0x80.
 *   - _newselect (142, compat_sys_select): fd_sets of 32-bit words (read and
 *     written rounded to 4 bytes: the word after a 20-descriptor set is left
 *     alone), an old_timeval32 timeout (whole seconds of tv_usec carry), the
 *     time left written back.
 *   - select (82, compat_sys_old_select): the arguments in a struct of five
 *     32-bit words.
 *   - pselect6_time32 (308) / pselect6_time64 (413): old_timespec32 or
 *     __kernel_timespec, the sigset as {32-bit pointer, 32-bit size}.
 *   - poll (168), ppoll_time32 (309), ppoll_time64 (414): pollfd is the same
 *     on both ABIs.
 */
#include <trapgate/check.h>
#include <trapgate/uapi.h>

using namespace trapgate;

struct tv32 {
    int32_t tv_sec, tv_usec;
};
struct ts32 {
    int32_t tv_sec, tv_nsec;
};
struct ts64 {
    long tv_sec, tv_nsec;
};
struct sel_args {
    uint32_t n, inp, outp, exp, tvp;
};
struct argpack {
    uint32_t p, size;
};
struct pfd {
    int fd;
    short events, revents;
};

constexpr short POLLIN = 1, POLLOUT = 4;

static uint32_t rset[2], wset[2];
static tv32 tv;
static ts32 t32;
static ts64 t64;
static sel_args args;
static uint64_t mask;
static argpack pack;
static pfd fds[2];
static int pipefd[2];

static uint32_t addr32(const void* p) { return static_cast<uint32_t>(reinterpret_cast<unsigned long>(p)); }

int main(int, char**, char**)
{
    CHECK_EQ(x64::sys_pipe(pipefd), 0);
    int r = pipefd[0], w = pipefd[1]; /* 3 and 4 */

    test::section("_newselect: 32-bit fd_set words");
    rset[0] = 1u << r;
    rset[1] = 0xdeadbeef; /* past a 20-descriptor set: not ours */
    wset[0] = 1u << w;
    wset[1] = 0xdeadbeef;
    tv = {0, 0};
    CHECK_EQ(ia32::sys__newselect(20, rset, wset, 0, &tv), 1);
    CHECK(rset[0] == 0 && wset[0] == (1u << w));
    CHECK(rset[1] == 0xdeadbeef && wset[1] == 0xdeadbeef);
    CHECK_EQ(x64::sys_write(w, "x", 1), 1);
    rset[0] = 1u << r;
    wset[0] = 1u << w;
    CHECK_EQ(ia32::sys__newselect(20, rset, wset, 0, &tv), 2);
    CHECK(rset[0] == (1u << r) && wset[0] == (1u << w) && rset[1] == 0xdeadbeef);
    char c;
    CHECK_EQ(x64::sys_read(r, &c, 1), 1);
    rset[0] = 1u << r;
    tv = {0, 20000};
    CHECK_EQ(ia32::sys__newselect(20, rset, 0, 0, &tv), 0);
    CHECK(rset[0] == 0 && tv.tv_sec == 0 && tv.tv_usec == 0);
    tv = {0, -1};
    CHECK_EQ(ia32::sys__newselect(20, rset, 0, 0, &tv), EINVAL);
    tv = {-1, 0};
    CHECK_EQ(ia32::sys__newselect(20, rset, 0, 0, &tv), EINVAL);
    tv = {-1, 1000000}; /* the microseconds carry: zero */
    CHECK_EQ(ia32::sys__newselect(20, rset, 0, 0, &tv), 0);
    rset[0] = 1u << 30;
    tv = {0, 0};
    CHECK_EQ(ia32::sys__newselect(31, rset, 0, 0, &tv), EBADF);
    CHECK_EQ(ia32::sys__newselect(20, 0xfffff000UL, 0, 0, &tv), EFAULT);

    test::section("select: the arguments in a struct");
    wset[0] = 1u << w;
    tv = {0, 0};
    args = {20, 0, addr32(wset), 0, addr32(&tv)};
    CHECK_EQ(ia32::sys_select(&args), 1);
    CHECK(wset[0] == (1u << w));
    CHECK_EQ(ia32::sys_select(0xfffff000UL), EFAULT);

    test::section("pselect6_time32, pselect6_time64");
    mask = 0;
    pack = {addr32(&mask), 8};
    wset[0] = 1u << w;
    t32 = {0, 0};
    CHECK_EQ(ia32::sys_pselect6(20, 0, wset, 0, &t32, &pack), 1);
    CHECK(wset[0] == (1u << w) && wset[1] == 0xdeadbeef);
    pack.size = 4;
    CHECK_EQ(ia32::sys_pselect6(20, 0, wset, 0, &t32, &pack), EINVAL);
    rset[0] = 1u << r;
    t32 = {0, 1000000000};
    CHECK_EQ(ia32::sys_pselect6(20, rset, 0, 0, &t32, 0), EINVAL);
    wset[0] = 1u << w;
    t64 = {0, static_cast<long>(0x7700000000000000UL)};
    CHECK_EQ(ia32::sys_pselect6_time64(20, 0, wset, 0, &t64, 0), 1);

    test::section("poll, ppoll_time32, ppoll_time64");
    fds[0] = {r, POLLIN, -1};
    fds[1] = {w, POLLOUT, -1};
    CHECK_EQ(ia32::sys_poll(fds, 2, 0), 1);
    CHECK(fds[0].revents == 0 && fds[1].revents == POLLOUT);
    t32 = {0, 0};
    CHECK_EQ(ia32::sys_ppoll(fds, 2, &t32, &mask, 8), 1);
    CHECK_EQ(ia32::sys_ppoll(fds, 2, &t32, &mask, 4), EINVAL);
    t32 = {0, -1};
    CHECK_EQ(ia32::sys_ppoll(fds, 2, &t32, 0, 0), EINVAL);
    t64 = {0, 0};
    CHECK_EQ(ia32::sys_ppoll_time64(fds, 2, &t64, &mask, 8), 1);
    CHECK(fds[1].revents == POLLOUT);
    return test::summary();
}
