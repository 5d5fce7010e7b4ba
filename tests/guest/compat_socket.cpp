/*
 * compat_socket: the socket calls through int $0x80 with i386 layouts.
 *   - socketcall (102): the arguments as 32-bit words in memory; SYS_SEND
 *     and SYS_RECV; call numbers outside 1..20 are EINVAL.
 *   - sendmsg (370) and recvmsg (372): the 28-byte compat_msghdr, compat_iovec
 *     and the 12-byte compat_cmsghdr, its data 4-byte aligned: SCM_RIGHTS
 *     passes a descriptor both ways; a control buffer with no room for it
 *     gives MSG_CTRUNC; msg_controllen and msg_flags written back.
 *   - the same through socketcall's SYS_SENDMSG / SYS_RECVMSG.
 */
#include <trapgate/check.h>
#include <trapgate/uapi.h>

using namespace trapgate;

struct compat_iovec {
    uint32_t base, len;
};
struct compat_msghdr {
    uint32_t name;
    int32_t namelen;
    uint32_t iov, iovlen, control, controllen, flags;
};
static_assert(sizeof(compat_msghdr) == 28);
struct cmsg32 {
    uint32_t len;
    int32_t level, type;
    int32_t data[4];
};

constexpr int AF_UNIX = 1, SOCK_STREAM = 1, SOL_SOCKET = 1, SCM_RIGHTS = 1, MSG_CTRUNC = 8;
constexpr int SYS_SOCKETPAIR = 8, SYS_SEND = 9, SYS_RECV = 10, SYS_SENDMSG = 16, SYS_RECVMSG = 17;

static uint32_t args[6];
static int sv[2], pp[2];
static char out1[] = "hello ", out2[] = "world";
static char in1[8], in2[16];
static compat_iovec iov[2];
static compat_msghdr m;
static cmsg32 ctl;

static uint32_t a32(const void* p) { return static_cast<uint32_t>(reinterpret_cast<unsigned long>(p)); }

static void set_send(int fd_to_pass)
{
    iov[0] = {a32(out1), 6};
    iov[1] = {a32(out2), 5};
    ctl = {16, SOL_SOCKET, SCM_RIGHTS, {fd_to_pass, 0, 0, 0}};
    m = {0, 0, a32(iov), 2, a32(&ctl), 16, 0};
}

static void set_recv(uint32_t controllen)
{
    for (auto& c : in1)
        c = 0;
    for (auto& c : in2)
        c = 0;
    iov[0] = {a32(in1), 6};
    iov[1] = {a32(in2), 16};
    ctl = {0, 0, 0, {-1, -1, -1, -1}};
    m = {0, 0, a32(iov), 2, a32(&ctl), controllen, 0xffff};
}

/* The passed descriptor is the pipe's read end: a byte written to the pipe
 * comes out of it. */
static void check_passed(int fd)
{
    char c = 0;
    CHECK_EQ(x64::sys_write(pp[1], "p", 1), 1);
    CHECK_EQ(x64::sys_read(fd, &c, 1), 1);
    CHECK_EQ(c, 'p');
    CHECK_EQ(x64::sys_close(fd), 0);
}

int main(int, char**, char**)
{
    CHECK_EQ(x64::sys_pipe(pp), 0);

    test::section("socketcall");
    args[0] = AF_UNIX, args[1] = SOCK_STREAM, args[2] = 0, args[3] = a32(sv);
    CHECK_EQ(ia32::sys_socketcall(SYS_SOCKETPAIR, args), 0);
    CHECK(sv[0] > 0 && sv[1] > 0);
    args[0] = sv[0], args[1] = a32(out2), args[2] = 5, args[3] = 0;
    CHECK_EQ(ia32::sys_socketcall(SYS_SEND, args), 5);
    args[0] = sv[1], args[1] = a32(in2), args[2] = sizeof(in2), args[3] = 0;
    CHECK_EQ(ia32::sys_socketcall(SYS_RECV, args), 5);
    CHECK_STR(in2, "world");
    CHECK_EQ(ia32::sys_socketcall(0, args), EINVAL);
    CHECK_EQ(ia32::sys_socketcall(21, args), EINVAL);
    CHECK_EQ(ia32::sys_socketcall(SYS_SEND, 0xfffff000UL), EFAULT);

    test::section("sendmsg, recvmsg: compat_msghdr, SCM_RIGHTS");
    set_send(pp[0]);
    CHECK_EQ(ia32::sys_sendmsg(sv[0], &m, 0), 11);
    set_recv(sizeof(ctl));
    CHECK_EQ(ia32::sys_recvmsg(sv[1], &m, 0), 11);
    CHECK_STR(in1, "hello ");
    CHECK_STR(in2, "world");
    CHECK_EQ(m.controllen, 16);
    CHECK_EQ(m.flags, 0);
    CHECK(ctl.len == 16 && ctl.level == SOL_SOCKET && ctl.type == SCM_RIGHTS);
    CHECK(ctl.data[0] > 0 && ctl.data[1] == -1);
    check_passed(ctl.data[0]);

    test::section("a control buffer with room for the header only");
    set_send(pp[0]);
    CHECK_EQ(ia32::sys_sendmsg(sv[0], &m, 0), 11);
    set_recv(12);
    CHECK_EQ(ia32::sys_recvmsg(sv[1], &m, 0), 11);
    CHECK_EQ(m.flags, MSG_CTRUNC);
    CHECK_EQ(m.controllen, 0);
    CHECK_EQ(ctl.data[0], -1);

    test::section("malformed control data");
    set_send(pp[0]);
    ctl.len = 8;
    CHECK_EQ(ia32::sys_sendmsg(sv[0], &m, 0), EINVAL);
    set_send(pp[0]);
    ctl.len = 40;
    CHECK_EQ(ia32::sys_sendmsg(sv[0], &m, 0), EINVAL);
    set_send(99);
    CHECK_EQ(ia32::sys_sendmsg(sv[0], &m, 0), EBADF);
    CHECK_EQ(ia32::sys_sendmsg(sv[0], 0xfffff000UL, 0), EFAULT);

    test::section("through socketcall");
    set_send(pp[0]);
    args[0] = sv[0], args[1] = a32(&m), args[2] = 0;
    CHECK_EQ(ia32::sys_socketcall(SYS_SENDMSG, args), 11);
    set_recv(sizeof(ctl));
    args[0] = sv[1], args[1] = a32(&m), args[2] = 0;
    CHECK_EQ(ia32::sys_socketcall(SYS_RECVMSG, args), 11);
    CHECK(m.controllen == 16 && ctl.len == 16 && ctl.type == SCM_RIGHTS);
    check_passed(ctl.data[0]);
    return test::summary();
}
