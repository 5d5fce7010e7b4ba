/*
 * compat_time: the time calls through int $0x80 with i386's 32-bit layouts
 * (old_timespec32, old_timeval32, old_itimerspec32, old_itimerval32,
 * compat_tms, a 32-bit time_t), and the *_time64 entries that keep the 64-bit
 * timespec but, from an i386 caller, ignore the upper half of tv_nsec.
 * Values that differ between kernels and runs (the time itself) are compared
 * with what the x86-64 calls say, not printed.
 */
#include <trapgate/check.h>
#include <trapgate/uapi.h>

using namespace trapgate;

struct ts32 {
    int32_t tv_sec, tv_nsec;
};
struct tv32 {
    int32_t tv_sec, tv_usec;
};
struct its32 {
    ts32 it_interval, it_value;
};
struct itv32 {
    tv32 it_interval, it_value;
};
struct tms32 {
    int32_t utime, stime, cutime, cstime;
};
struct ts64 {
    long tv_sec, tv_nsec;
};

constexpr int TIMER_ABSTIME = 1, ITIMER_REAL = 0;
constexpr long UTIME_OMIT = (1L << 30) - 2;

static ts32 t32, t32b;
static ts32 times2[2];
static tv32 tv;
static int tz[2];
static its32 its, oits;
static itv32 itv, oitv;
static tms32 tms;
static ts64 t64;
static int32_t tloc;
static uint32_t futex_word = 7;
static int timer_id;
static const char file[] = "/tmp/compat_time";

int main(int, char**, char**)
{
    test::section("time, stime");
    ts64 now{};
    CHECK_EQ(x64::sys_clock_gettime(CLOCK_REALTIME, &now), 0);
    SysResult t = ia32::sys_time(&tloc);
    CHECK(t.value() >= now.tv_sec && t.value() <= now.tv_sec + 2);
    CHECK(tloc == t.value());
    CHECK_EQ(ia32::sys_time(0xfffff000UL), EFAULT);
    CHECK_EQ(ia32::sys_stime(0xfffff000UL), EFAULT);

    test::section("clock_gettime, clock_getres: old_timespec32");
    t32 = {-1, -1};
    CHECK_EQ(ia32::sys_clock_gettime(CLOCK_REALTIME, &t32), 0);
    CHECK(t32.tv_sec >= now.tv_sec && t32.tv_sec <= now.tv_sec + 2 && t32.tv_nsec >= 0 && t32.tv_nsec < 1000000000);
    CHECK_EQ(ia32::sys_clock_gettime(CLOCK_MONOTONIC, &t32), 0);
    CHECK_EQ(x64::sys_clock_gettime(CLOCK_MONOTONIC, &now), 0);
    CHECK(t32.tv_sec <= now.tv_sec && t32.tv_sec + 2 >= now.tv_sec);
    CHECK_EQ(ia32::sys_clock_gettime(99, &t32), EINVAL);
    CHECK_EQ(ia32::sys_clock_gettime(CLOCK_MONOTONIC, 0xfffff000UL), EFAULT);
    t32 = {-1, -1};
    CHECK_EQ(ia32::sys_clock_getres(CLOCK_MONOTONIC, &t32), 0);
    CHECK(t32.tv_sec == 0 && t32.tv_nsec == 1);
    CHECK_EQ(ia32::sys_clock_getres(CLOCK_MONOTONIC, 0), 0);
    CHECK_EQ(ia32::sys_clock_getres(99, &t32), EINVAL);

    test::section("nanosleep, clock_nanosleep: old_timespec32");
    t32 = {0, 1000000};
    CHECK_EQ(ia32::sys_nanosleep(&t32, &t32b), 0);
    t32 = {0, 1000000000};
    CHECK_EQ(ia32::sys_nanosleep(&t32, 0), EINVAL);
    t32 = {-1, 0};
    CHECK_EQ(ia32::sys_nanosleep(&t32, 0), EINVAL);
    t32 = {0, 1000};
    CHECK_EQ(ia32::sys_clock_nanosleep(CLOCK_MONOTONIC, 0, &t32, 0), 0);
    t32 = {1, 0}; /* absolute, long past */
    CHECK_EQ(ia32::sys_clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t32, 0), 0);
    CHECK_EQ(ia32::sys_clock_nanosleep(CLOCK_MONOTONIC, 0, 0xfffff000UL, 0), EFAULT);

    test::section("the time64 entries: __kernel_timespec, tv_nsec's upper half ignored from i386");
    t64 = {0, static_cast<long>(0xffffffff00000005UL)};
    CHECK_EQ(ia32::sys_clock_nanosleep_time64(CLOCK_MONOTONIC, 0, &t64, 0), 0);
    CHECK_EQ(x64::sys_clock_nanosleep(CLOCK_MONOTONIC, 0, &t64, 0), EINVAL);
    t64 = {-1, -1};
    CHECK_EQ(ia32::sys_clock_gettime64(CLOCK_REALTIME, &t64), 0);
    CHECK(t64.tv_sec >= now.tv_sec && t64.tv_nsec >= 0 && t64.tv_nsec < 1000000000);

    test::section("gettimeofday, settimeofday: old_timeval32");
    tv = {-1, -1};
    tz[0] = tz[1] = -1;
    CHECK_EQ(x64::sys_clock_gettime(CLOCK_REALTIME, &now), 0);
    CHECK_EQ(ia32::sys_gettimeofday(&tv, tz), 0);
    CHECK(tv.tv_sec >= now.tv_sec && tv.tv_sec <= now.tv_sec + 2 && tv.tv_usec >= 0 && tv.tv_usec < 1000000);
    CHECK(tz[0] == 0 && tz[1] == 0);
    CHECK_EQ(ia32::sys_gettimeofday(0xfffff000UL, 0), EFAULT);
    CHECK_EQ(ia32::sys_settimeofday(0, 0), 0);
    tv = {tv.tv_sec, -1};
    CHECK_EQ(ia32::sys_settimeofday(&tv, 0), EINVAL);
    tv.tv_usec = 1000000;
    CHECK_EQ(ia32::sys_settimeofday(&tv, 0), EINVAL);
    CHECK_EQ(ia32::sys_settimeofday(0xfffff000UL, 0), EFAULT);

    test::section("times: compat_tms");
    tms = {-1, -1, -1, -1};
    CHECK_OK(ia32::sys_times(&tms));
    CHECK(tms.utime >= 0 && tms.stime >= 0 && tms.cutime == 0 && tms.cstime == 0);
    CHECK_EQ(ia32::sys_times(0xfffff000UL), EFAULT);

    test::section("getitimer, setitimer: old_itimerval32");
    itv = {{0, 0}, {100, 0}};
    CHECK_EQ(ia32::sys_setitimer(ITIMER_REAL, &itv, 0), 0);
    oitv = {{-1, -1}, {-1, -1}};
    CHECK_EQ(ia32::sys_getitimer(ITIMER_REAL, &oitv), 0);
    CHECK(oitv.it_interval.tv_sec == 0 && oitv.it_interval.tv_usec == 0);
    CHECK(oitv.it_value.tv_sec >= 98 && oitv.it_value.tv_sec <= 100);
    itv = {{0, 0}, {0, 0}};
    oitv = {{-1, -1}, {-1, -1}};
    CHECK_EQ(ia32::sys_setitimer(ITIMER_REAL, &itv, &oitv), 0);
    CHECK(oitv.it_value.tv_sec >= 98 && oitv.it_value.tv_sec <= 100);
    CHECK_EQ(ia32::sys_getitimer(ITIMER_REAL, &oitv), 0);
    CHECK(oitv.it_value.tv_sec == 0 && oitv.it_value.tv_usec == 0);
    itv = {{0, 0}, {1, 1000000}};
    CHECK_EQ(ia32::sys_setitimer(ITIMER_REAL, &itv, 0), EINVAL);
    CHECK_EQ(ia32::sys_getitimer(5, &oitv), EINVAL);

    test::section("timer_settime, timer_gettime: old_itimerspec32");
    CHECK_EQ(x64::sys_timer_create(CLOCK_MONOTONIC, 0, &timer_id), 0);
    its = {{0, 0}, {100, 0}};
    CHECK_EQ(ia32::sys_timer_settime(timer_id, 0, &its, 0), 0);
    oits = {{-1, -1}, {-1, -1}};
    CHECK_EQ(ia32::sys_timer_gettime(timer_id, &oits), 0);
    CHECK(oits.it_interval.tv_sec == 0 && oits.it_value.tv_sec >= 98 && oits.it_value.tv_sec <= 100);
    its = {{0, 0}, {0, 0}};
    CHECK_EQ(ia32::sys_timer_settime(timer_id, 0, &its, &oits), 0);
    CHECK(oits.it_value.tv_sec >= 98 && oits.it_value.tv_sec <= 100);
    its = {{0, 0}, {0, 1000000000}};
    CHECK_EQ(ia32::sys_timer_settime(timer_id, 0, &its, 0), EINVAL);
    CHECK_EQ(ia32::sys_timer_gettime(timer_id, 0xfffff000UL), EFAULT);
    CHECK_EQ(x64::sys_timer_delete(timer_id), 0);

    test::section("timerfd_settime, timerfd_gettime: old_itimerspec32");
    SysResult tfd = x64::sys_timerfd_create(CLOCK_MONOTONIC, 0);
    CHECK_EQ(tfd, 3);
    its = {{5, 0}, {50, 0}};
    CHECK_EQ(ia32::sys_timerfd_settime(tfd.value(), 0, &its, 0), 0);
    oits = {{-1, -1}, {-1, -1}};
    CHECK_EQ(ia32::sys_timerfd_gettime(tfd.value(), &oits), 0);
    CHECK(oits.it_interval.tv_sec == 5 && oits.it_interval.tv_nsec == 0);
    CHECK(oits.it_value.tv_sec >= 48 && oits.it_value.tv_sec <= 50);
    its = {{0, -1}, {50, 0}};
    CHECK_EQ(ia32::sys_timerfd_settime(tfd.value(), 0, &its, 0), EINVAL);
    CHECK_EQ(x64::sys_close(tfd.value()), 0);

    test::section("utimensat: old_timespec32");
    SysResult fd = x64::sys_open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK_EQ(fd, 3);
    times2[0] = {1000, 5};
    times2[1] = {2000, 7};
    CHECK_EQ(ia32::sys_utimensat(AT_FDCWD, file, times2, 0), 0);
    struct stat st;
    CHECK_EQ(x64::sys_stat(file, &st), 0);
    CHECK_EQ(st.st_atime, 1000);
    CHECK_EQ(st.st_atime_nsec, 5);
    CHECK_EQ(st.st_mtime, 2000);
    CHECK_EQ(st.st_mtime_nsec, 7);
    times2[0] = {3000, 0};
    times2[1] = {0, static_cast<int32_t>(UTIME_OMIT)};
    CHECK_EQ(ia32::sys_utimensat(fd.value(), 0, times2, 0), 0);
    CHECK_EQ(x64::sys_stat(file, &st), 0);
    CHECK_EQ(st.st_atime, 3000);
    CHECK_EQ(st.st_mtime, 2000);
    times2[0] = {0, 1000000000};
    CHECK_EQ(ia32::sys_utimensat(AT_FDCWD, file, times2, 0), EINVAL);

    test::section("futex: old_timespec32 timeout");
    t32 = {0, 1000000};
    CHECK_EQ(ia32::sys_futex(&futex_word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 7, &t32, 0, 0), ETIMEDOUT);
    CHECK_EQ(ia32::sys_futex(&futex_word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 8, &t32, 0, 0), EAGAIN);
    t32 = {0, 1000000000};
    CHECK_EQ(ia32::sys_futex(&futex_word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 7, &t32, 0, 0), EINVAL);
    t64 = {0, static_cast<long>(0x1000000000100000UL)};
    CHECK_EQ(ia32::sys_futex_time64(&futex_word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 7, &t64, 0, 0), ETIMEDOUT);
    return test::summary();
}
