/*
 * compat_mqueue: POSIX message queues through int $0x80: mq_open (277) and
 * mq_getsetattr (282) with the 32-bit compat_mq_attr, mq_timedsend (279) and
 * mq_timedreceive (280) with old_timespec32, the *_time64 calls (418, 419)
 * with the 64-bit timespec, mq_notify (281) with compat_sigevent, and
 * mq_unlink (278). A queue made one way is used the other way. Everything
 * the calls read or write is in the program's data (below 4 GiB).
 */
#include <trapgate/check.h>
#include <trapgate/uapi.h>

using namespace trapgate;

constexpr long O_RDWR_ = 2, O_CREAT_ = 0100, O_EXCL_ = 0200, O_NONBLOCK_ = 04000;
constexpr long EMSGSIZE_ = 90, ETIMEDOUT_ = 110;

static const char name[] = "cq";
static int attr32[8] = {0, 3, 32, 0, 0, 0, 0, 0};
static int out32[8];
static long attr64[8];
static char buf[64];
static unsigned prio;
static int past32[2] = {1, 0};
static int bad32[2] = {0, 1000000000};
static long past64[2] = {1, 0};
static long bad64hi[2] = {1, 0x100000000L}; /* from i386 only tv_nsec's low half counts */
static int sev32[16] = {0, 0, 1 /* SIGEV_NONE */};
static int sevbad[16] = {0, 65, 0 /* SIGEV_SIGNAL */};

int main(int, char**, char**)
{
    test::section("mq_open and mq_getsetattr from i386");
    SysResult q = ia32::sys_mq_open(name, O_RDWR_ | O_CREAT_ | O_EXCL_, 0600, attr32);
    CHECK(q.value() >= 0);
    long fd = q.value();
    CHECK_EQ(ia32::sys_mq_getsetattr(fd, 0, out32), 0);
    CHECK(out32[0] == 0 && out32[1] == 3 && out32[2] == 32 && out32[3] == 0);
    CHECK_EQ(x64::sys_mq_getsetattr(fd, 0, attr64), 0);
    CHECK(attr64[1] == 3 && attr64[2] == 32);
    attr32[0] = O_NONBLOCK_;
    CHECK_EQ(ia32::sys_mq_getsetattr(fd, attr32, out32), 0);
    CHECK(out32[0] == 0);
    CHECK_EQ(ia32::sys_mq_getsetattr(fd, 0, out32), 0);
    CHECK(out32[0] == O_NONBLOCK_);
    CHECK_EQ(ia32::sys_mq_getsetattr(fd, 0xfffff000UL, out32), EFAULT);
    CHECK_EQ(ia32::sys_mq_open(name, O_RDWR_ | O_CREAT_ | O_EXCL_, 0600, attr32), EEXIST);
    CHECK_EQ(ia32::sys_mq_open(name, O_RDWR_ | O_CREAT_, 0600, 0xfffff000UL), EFAULT);
    attr32[1] = 0;
    CHECK_EQ(ia32::sys_mq_open("cq2", O_RDWR_ | O_CREAT_, 0600, attr32), EINVAL);

    test::section("send and receive from i386");
    CHECK_EQ(ia32::sys_mq_timedsend(fd, "low", 3, 1, 0), 0);
    CHECK_EQ(ia32::sys_mq_timedsend_time64(fd, "high", 4, 9, 0), 0);
    CHECK_EQ(x64::sys_mq_timedsend(fd, "mid", 3, 5, 0), 0);
    CHECK_EQ(ia32::sys_mq_timedsend(fd, "full", 4, 1, 0), EAGAIN);
    CHECK_EQ(ia32::sys_mq_timedsend(fd, "x", 1, 1, bad32), EINVAL);
    CHECK_ERR(ia32::sys_mq_timedreceive(fd, buf, 16, &prio, 0), EMSGSIZE_);
    CHECK_EQ(ia32::sys_mq_timedreceive(fd, buf, sizeof(buf), &prio, 0), 4);
    CHECK(prio == 9 && buf[0] == 'h');
    CHECK_EQ(ia32::sys_mq_timedreceive_time64(fd, buf, sizeof(buf), &prio, 0), 3);
    CHECK(prio == 5 && buf[0] == 'm');
    CHECK_EQ(ia32::sys_mq_timedreceive(fd, buf, sizeof(buf), &prio, past32), 3);
    CHECK(prio == 1 && buf[0] == 'l');
    attr32[0] = 0;
    CHECK_EQ(ia32::sys_mq_getsetattr(fd, attr32, 0), 0);
    CHECK_ERR(ia32::sys_mq_timedreceive(fd, buf, sizeof(buf), &prio, past32), ETIMEDOUT_);
    CHECK_ERR(ia32::sys_mq_timedreceive_time64(fd, buf, sizeof(buf), &prio, past64), ETIMEDOUT_);
    CHECK_ERR(ia32::sys_mq_timedreceive_time64(fd, buf, sizeof(buf), &prio, bad64hi), ETIMEDOUT_);
    CHECK_EQ(x64::sys_mq_timedreceive(fd, buf, sizeof(buf), &prio, bad64hi), EINVAL);
    CHECK_EQ(ia32::sys_mq_timedreceive(fd, buf, sizeof(buf), &prio, 0xfffff000UL), EFAULT);

    test::section("mq_notify and mq_unlink from i386");
    CHECK_EQ(ia32::sys_mq_notify(fd, sev32), 0);
    CHECK_EQ(ia32::sys_mq_notify(fd, sev32), EBUSY);
    CHECK_EQ(ia32::sys_mq_notify(fd, 0), 0);
    CHECK_EQ(ia32::sys_mq_notify(fd, sevbad), EINVAL);
    CHECK_EQ(ia32::sys_mq_notify(fd, 0xfffff000UL), EFAULT);
    CHECK_EQ(ia32::sys_mq_unlink(name), 0);
    CHECK_EQ(ia32::sys_mq_unlink(name), ENOENT);
    return test::summary();
}
