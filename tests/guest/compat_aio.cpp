/*
 * compat_aio: native AIO through int $0x80.
 *   - io_setup (245, compat_sys_io_setup): a 32-bit aio_context_t, the ring
 *     below 4 GiB with Linux's header.
 *   - io_submit (248, compat_sys_io_submit): an array of 32-bit iocb
 *     addresses (iocb itself has one layout).
 *   - io_getevents (247, sys_io_getevents_time32): an old_timespec32 timeout.
 *   - io_pgetevents (385, compat_sys_io_pgetevents) and io_pgetevents_time64
 *     (416, compat_sys_io_pgetevents_time64): the sigset as {32-bit pointer,
 *     32-bit size}.
 *   - io_destroy (246): the same on both ABIs.
 */
#include <trapgate/check.h>
#include <trapgate/uapi.h>

using namespace trapgate;

struct iocb_ {
    uint64_t data;
    uint32_t key;
    int32_t rw_flags;
    uint16_t opcode;
    int16_t reqprio;
    uint32_t fildes;
    uint64_t buf, nbytes;
    int64_t offset;
    uint64_t reserved2;
    uint32_t flags, resfd;
};
struct event_ {
    uint64_t data, obj;
    int64_t res, res2;
};
struct ts32 {
    int32_t tv_sec, tv_nsec;
};
struct ts64 {
    long tv_sec, tv_nsec;
};
struct sigset32 {
    uint32_t p, size;
};

constexpr uint16_t CMD_PREAD = 0, CMD_PWRITE = 1;

static uint32_t ctx32;
static iocb_ cb, cb2;
static uint32_t cbs[2];
static event_ ev[2];
static ts32 t32;
static ts64 t64;
static uint64_t mask;
static sigset32 ss;
static char buf[16];

static uint32_t addr32(const void* p) { return static_cast<uint32_t>(reinterpret_cast<unsigned long>(p)); }

int main(int, char**, char**)
{
    test::section("io_setup: a 32-bit context");
    ctx32 = 7;
    CHECK_EQ(ia32::sys_io_setup(1, &ctx32), EINVAL);
    ctx32 = 0;
    CHECK_EQ(ia32::sys_io_setup(1, 0xfffff000UL), EFAULT);
    CHECK_EQ(ia32::sys_io_setup(1, &ctx32), 0);
    CHECK(ctx32 != 0 && (ctx32 & 4095) == 0);
    const uint32_t* ring = reinterpret_cast<const uint32_t*>(static_cast<unsigned long>(ctx32));
    CHECK(ring[4] == 0xa10a10a1 && ring[5] == 1 && ring[6] == 0 && ring[7] == 32);

    test::section("io_submit: 32-bit iocb addresses");
    SysResult fd = x64::sys_open("/tmp/compat_aio", O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK_OK(fd);
    cb = {};
    cb.opcode = CMD_PWRITE;
    cb.fildes = static_cast<uint32_t>(fd.value());
    cb.buf = addr32("abc");
    cb.nbytes = 3;
    cb.data = 42;
    cbs[0] = addr32(&cb);
    cbs[1] = 0;
    CHECK_EQ(ia32::sys_io_submit(ctx32, 1, cbs), 1);
    CHECK_EQ(ia32::sys_io_submit(ctx32, 2, cbs), 1); /* the second is NULL: EFAULT after one */
    CHECK_EQ(ia32::sys_io_submit(ctx32, 1, 0xfffff000UL), EFAULT);
    CHECK_EQ(ia32::sys_io_submit(ctx32, -1, cbs), EINVAL);
    CHECK_EQ(ia32::sys_io_submit(0, 1, cbs), EINVAL);

    test::section("io_getevents: old_timespec32");
    t32 = {1, 0};
    CHECK_EQ(ia32::sys_io_getevents(ctx32, 1, 1, ev, &t32), 1);
    CHECK(ev[0].obj == addr32(&cb) && ev[0].data == 42 && ev[0].res == 3);
    CHECK_EQ(ia32::sys_io_getevents(ctx32, 1, 2, ev, &t32), 1);
    t32 = {0, 10000000};
    CHECK_EQ(ia32::sys_io_getevents(ctx32, 1, 1, ev, &t32), 0);
    CHECK_EQ(ia32::sys_io_getevents(ctx32, 1, 1, ev, 0xfffff000UL), EFAULT);
    CHECK_EQ(ia32::sys_io_getevents(ctx32, 2, 1, ev, &t32), EINVAL);

    test::section("io_pgetevents: the compat sigset");
    cb2 = {};
    cb2.opcode = CMD_PREAD;
    cb2.fildes = static_cast<uint32_t>(fd.value());
    cb2.buf = addr32(buf);
    cb2.nbytes = sizeof(buf);
    cbs[0] = addr32(&cb2);
    CHECK_EQ(ia32::sys_io_submit(ctx32, 1, cbs), 1);
    mask = 0;
    ss = {addr32(&mask), 4};
    t32 = {1, 0};
    CHECK_EQ(ia32::sys_io_pgetevents(ctx32, 1, 1, ev, &t32, &ss), EINVAL);
    CHECK_EQ(ia32::sys_io_pgetevents(ctx32, 1, 1, ev, &t32, 0xfffff000UL), EFAULT);
    ss.size = 8;
    CHECK_EQ(ia32::sys_io_pgetevents(ctx32, 1, 1, ev, &t32, &ss), 1);
    CHECK(ev[0].res == 3 && buf[0] == 'a' && buf[2] == 'c');
    CHECK_EQ(ia32::sys_io_submit(ctx32, 1, cbs), 1);
    t64 = {1, 0};
    CHECK_EQ(ia32::sys_io_pgetevents_time64(ctx32, 1, 1, ev, &t64, &ss), 1);
    CHECK(ev[0].obj == addr32(&cb2) && ev[0].res == 3);
    t64 = {0, 0};
    CHECK_EQ(ia32::sys_io_pgetevents_time64(ctx32, 0, 1, ev, &t64, 0), 0);

    test::section("io_destroy");
    CHECK_EQ(ia32::sys_io_destroy(ctx32), 0);
    CHECK_EQ(ia32::sys_io_destroy(ctx32), EINVAL);
    CHECK_EQ(x64::sys_unlink("/tmp/compat_aio"), 0);
    return test::summary();
}
