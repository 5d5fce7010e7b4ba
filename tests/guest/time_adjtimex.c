/* adjtimex and clock_adjtime, compared with Linux: the NTP state as Linux
 * boots it, its checks (EFAULT, EINVAL, EPERM without CAP_SYS_TIME), the
 * fields a write keeps (status, errors, time constant, TAI, frequency, the
 * PLL's offset), ADJ_SETOFFSET's step of CLOCK_REALTIME, adjtime's slew at
 * 500 us per second, the clocks clock_adjtime refuses, and i386's
 * adjtimex (old_timex32) by int $0x80. Times are printed as ranges only. */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "musl_check.h"

static struct timex tx;

static long adj(unsigned modes)
{
    memset(&tx, 0, sizeof tx);
    tx.modes = modes;
    return syscall(SYS_adjtimex, &tx);
}

static long long ns_of(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* CLOCK_REALTIME - CLOCK_MONOTONIC_RAW, in ns (Linux slews CLOCK_MONOTONIC
 * with CLOCK_REALTIME; the raw clock is the hardware's on both kernels) */
static long long real_minus_mono(void)
{
    long long a = ns_of(CLOCK_MONOTONIC_RAW), r = ns_of(CLOCK_REALTIME), b = ns_of(CLOCK_MONOTONIC_RAW);
    return r - (a + (b - a) / 2);
}

/* i386's old_timex32 */
struct timex32 {
    uint32_t modes;
    int32_t offset, freq, maxerror, esterror, status, constant, precision, tolerance;
    int32_t time_sec, time_usec;
    int32_t tick, ppsfreq, jitter, shift, stabil, jitcnt, calcnt, errcnt, stbcnt, tai;
    int32_t pad[11];
};
static struct timex32 tx32;

static long int80(long nr, long a, long b)
{
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b) : "memory");
    return r;
}

int main(void)
{
    SECTION("boot state");
    EQ(adj(0), TIME_ERROR);
    EQ(tx.status, STA_UNSYNC);
    EQ(tx.maxerror, 16000000);
    EQ(tx.esterror, 16000000);
    EQ(tx.constant, 2);
    EQ(tx.precision, 1);
    EQ(tx.tolerance, 32768000);
    EQ(tx.tick, 10000);
    EQ(tx.offset, 0);
    EQ(tx.freq, 0);
    EQ(tx.tai, 0);
    EQ(tx.ppsfreq + tx.jitter + tx.shift + tx.stabil + tx.jitcnt + tx.calcnt + tx.errcnt + tx.stbcnt, 0);
    long long now = ns_of(CLOCK_REALTIME) / 1000000000LL;
    TRUE(tx.time.tv_sec >= now - 1 && tx.time.tv_sec <= now && tx.time.tv_usec >= 0 && tx.time.tv_usec < 1000000);
    EQ(adj(ADJ_OFFSET_SS_READ), TIME_ERROR);
    EQ(tx.offset, 0);

    SECTION("checks");
    ERR(syscall(SYS_adjtimex, NULL), EFAULT);
    ERR(syscall(SYS_adjtimex, (void *)1), EFAULT);
    tx.modes = ADJ_TICK;
    tx.tick = 8999;
    ERR(syscall(SYS_adjtimex, &tx), EINVAL);
    tx.modes = ADJ_TICK;
    tx.tick = 11001;
    ERR(syscall(SYS_adjtimex, &tx), EINVAL);
    EQ(tx.tick, 11001); /* copied back unchanged */
    ERR(adj(0x8000), EINVAL); /* ADJ_ADJTIME without the singleshot bit */
    EQ(tx.tai, 0);
    ERR(adj(0x8000 | ADJ_NANO), EINVAL);
    memset(&tx, 0, sizeof tx);
    tx.modes = ADJ_SETOFFSET;
    tx.time.tv_usec = 1000000;
    ERR(syscall(SYS_adjtimex, &tx), EINVAL);
    tx.modes = ADJ_SETOFFSET;
    tx.time.tv_usec = -1;
    ERR(syscall(SYS_adjtimex, &tx), EINVAL);
    tx.modes = ADJ_SETOFFSET | ADJ_NANO;
    tx.time.tv_usec = 1000000000;
    ERR(syscall(SYS_adjtimex, &tx), EINVAL);
    memset(&tx, 0, sizeof tx);
    tx.modes = ADJ_FREQUENCY;
    tx.freq = 0x7fffffffffffffffL / 1000;
    ERR(syscall(SYS_adjtimex, &tx), EINVAL);
    tx.modes = ADJ_FREQUENCY;
    tx.freq = -0x7fffffffffffffffL / 1000;
    ERR(syscall(SYS_adjtimex, &tx), EINVAL);

    SECTION("without CAP_SYS_TIME");
    pid_t pid = fork();
    if (pid == 0) {
        if (setuid(1000) != 0)
            _exit(2);
        EQ(adj(0), TIME_ERROR);
        EQ(adj(ADJ_OFFSET_SS_READ), TIME_ERROR);
        ERR(adj(ADJ_MAXERROR), EPERM);
        ERR(adj(ADJ_OFFSET_SINGLESHOT), EPERM);
        ERR(adj(ADJ_SETOFFSET), EPERM);
        ERR(adj(ADJ_NANO), EPERM);
        ERR(adj(0x8000), EINVAL);
        tx.modes = ADJ_TICK;
        tx.tick = 1;
        ERR(syscall(SYS_adjtimex, &tx), EPERM);
        fflush(stdout);
        _exit(failures ? 1 : 0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    EQ(WIFEXITED(st) ? WEXITSTATUS(st) : 100 + st, 0);

    SECTION("stored and read back");
    memset(&tx, 0, sizeof tx);
    tx.modes = ADJ_STATUS;
    tx.status = STA_NANO | STA_CLOCKERR; /* read-only bits: ignored */
    EQ(syscall(SYS_adjtimex, &tx), TIME_OK);
    EQ(tx.status, 0);
    memset(&tx, 0, sizeof tx);
    tx.modes = ADJ_MAXERROR | ADJ_ESTERROR | ADJ_TIMECONST;
    tx.maxerror = 1000;
    tx.esterror = 2000;
    tx.constant = 3;
    EQ(syscall(SYS_adjtimex, &tx), TIME_OK);
    TRUE(tx.maxerror >= 1000 && tx.maxerror <= 1500); /* grows 500 us a second */
    EQ(tx.esterror, 2000);
    EQ(tx.constant, 7); /* microsecond mode adds 4 */
    tx.modes = ADJ_TIMECONST;
    tx.constant = 20;
    EQ(syscall(SYS_adjtimex, &tx), TIME_OK);
    EQ(tx.constant, 10);
    tx.modes = ADJ_NANO | ADJ_TIMECONST;
    tx.constant = 2;
    EQ(syscall(SYS_adjtimex, &tx), TIME_OK);
    EQ(tx.constant, 2);
    EQ(tx.status, STA_NANO);
    EQ(adj(ADJ_MICRO), TIME_OK);
    EQ(tx.status, 0);
    memset(&tx, 0, sizeof tx);
    tx.modes = ADJ_FREQUENCY;
    tx.freq = 1000 << 16;
    EQ(syscall(SYS_adjtimex, &tx), TIME_OK);
    EQ(tx.freq, 32768000); /* clamped to 500 ppm */
    tx.modes = ADJ_FREQUENCY;
    tx.freq = -(123 << 16) - 4567;
    EQ(syscall(SYS_adjtimex, &tx), TIME_OK);
    printf("freq -123 ppm - 4567: %ld\n", tx.freq);
    tx.modes = ADJ_FREQUENCY;
    tx.freq = 0;
    EQ(syscall(SYS_adjtimex, &tx), TIME_OK);
    tx.modes = ADJ_TICK;
    tx.tick = 9000;
    EQ(syscall(SYS_adjtimex, &tx), TIME_OK);
    EQ(tx.tick, 9000);
    tx.modes = ADJ_TICK;
    tx.tick = 10000;
    EQ(syscall(SYS_adjtimex, &tx), TIME_OK);
    memset(&tx, 0, sizeof tx);
    tx.modes = ADJ_OFFSET; /* without STA_PLL: nothing */
    tx.offset = 1000;
    EQ(syscall(SYS_adjtimex, &tx), TIME_OK);
    EQ(tx.offset, 0);
    tx.modes = ADJ_STATUS;
    tx.status = STA_PLL;
    EQ(syscall(SYS_adjtimex, &tx), TIME_OK);
    tx.modes = ADJ_OFFSET;
    tx.offset = 1000;
    EQ(syscall(SYS_adjtimex, &tx), TIME_OK);
    TRUE(tx.offset > 980 && tx.offset <= 1000);
    EQ(tx.freq, 0);
    tx.modes = ADJ_STATUS; /* leaving PLL mode resets the status, then takes the new one */
    tx.status = 0;
    EQ(syscall(SYS_adjtimex, &tx), TIME_OK);
    EQ(tx.status, 0);

    SECTION("tai");
    memset(&tx, 0, sizeof tx);
    tx.modes = ADJ_TAI;
    tx.constant = 37;
    EQ(syscall(SYS_adjtimex, &tx), TIME_OK);
    EQ(tx.tai, 37);
    long long d = ns_of(CLOCK_TAI) - ns_of(CLOCK_REALTIME);
    TRUE(d > 36900000000LL && d <= 37000000000LL);
    tx.modes = ADJ_TAI;
    tx.constant = -1; /* out of range: kept */
    EQ(syscall(SYS_adjtimex, &tx), TIME_OK);
    EQ(tx.tai, 37);
    tx.modes = ADJ_TAI;
    tx.constant = 0;
    EQ(syscall(SYS_adjtimex, &tx), TIME_OK);
    EQ(tx.tai, 0);

    SECTION("ADJ_SETOFFSET");
    long long before = real_minus_mono();
    memset(&tx, 0, sizeof tx);
    tx.modes = ADJ_SETOFFSET;
    tx.time.tv_sec = 5;
    tx.time.tv_usec = 250000;
    EQ(syscall(SYS_adjtimex, &tx), TIME_ERROR); /* setting the clock clears the NTP state */
    long long step = real_minus_mono() - before;
    TRUE(step > 5240000000LL && step < 5260000000LL);
    EQ(tx.maxerror, 16000000);
    memset(&tx, 0, sizeof tx);
    tx.modes = ADJ_SETOFFSET | ADJ_NANO;
    tx.time.tv_sec = -6;
    tx.time.tv_usec = 750000000; /* -5.25 s */
    EQ(syscall(SYS_adjtimex, &tx), TIME_ERROR);
    step = real_minus_mono() - before;
    TRUE(step > -10000000LL && step < 10000000LL);
    EQ(tx.status, STA_UNSYNC | STA_NANO);
    EQ(adj(ADJ_MICRO), TIME_ERROR);
    memset(&tx, 0, sizeof tx);
    tx.modes = ADJ_SETOFFSET;
    tx.time.tv_sec = -(ns_of(CLOCK_REALTIME) / 1000000000LL) - 10; /* before the epoch */
    ERR(syscall(SYS_adjtimex, &tx), EINVAL);
    memset(&tx, 0, sizeof tx);
    tx.modes = ADJ_SETOFFSET;
    tx.time.tv_sec = 0x7fffffffffffffffL;
    ERR(syscall(SYS_adjtimex, &tx), EINVAL);
    tx.modes = ADJ_SETOFFSET;
    tx.time.tv_sec = -0x7fffffffffffffffL;
    tx.time.tv_usec = 0;
    ERR(syscall(SYS_adjtimex, &tx), EINVAL);
    memset(&tx, 0, sizeof tx);
    tx.modes = ADJ_TIMECONST; /* clamped before the 4 is added */
    tx.constant = 0x7fffffffffffffffL;
    EQ(syscall(SYS_adjtimex, &tx), TIME_ERROR);
    EQ(tx.constant, 10);
    tx.modes = ADJ_TIMECONST;
    tx.constant = -0x7fffffffffffffffL;
    EQ(syscall(SYS_adjtimex, &tx), TIME_ERROR);
    EQ(tx.constant, 4);
    tx.modes = ADJ_NANO | ADJ_TIMECONST;
    tx.constant = 2;
    EQ(syscall(SYS_adjtimex, &tx), TIME_ERROR);
    EQ(adj(ADJ_MICRO), TIME_ERROR);
    EQ(tx.constant, 2);

    SECTION("adjtime's slew");
    /* Linux under emulation may find its TSC unstable and change its clock
     * source, which clears the NTP state, adjtime's offset too: an attempt
     * so cancelled (nothing left to slew after 2.3 s) is made again. */
    struct timespec two = {2, 300000000};
    long r_set = 0, old = 0, r_read = 0, first = 0, r_later = 0;
    int remaining = 0;
    long long slewed = 0;
    for (int attempt = 0; attempt < 3; attempt++) {
        before = real_minus_mono();
        memset(&tx, 0, sizeof tx);
        tx.modes = ADJ_OFFSET_SINGLESHOT;
        tx.offset = 100000; /* 100 ms */
        r_set = syscall(SYS_adjtimex, &tx);
        old = tx.offset; /* the previous one */
        r_read = adj(ADJ_OFFSET_SS_READ);
        first = tx.offset;
        nanosleep(&two, NULL);
        r_later = adj(ADJ_OFFSET_SS_READ);
        remaining = tx.offset; /* 500 us less at each new second */
        slewed = real_minus_mono() - before;
        if (remaining != 0)
            break;
    }
    EQ(r_set, TIME_ERROR);
    EQ(old, 0);
    EQ(r_read, TIME_ERROR);
    TRUE(first >= 99500 && first <= 100000);
    EQ(r_later, TIME_ERROR);
    TRUE(remaining >= 98000 && remaining <= 99500 && remaining % 500 == 0);
    TRUE(slewed >= 200000 && slewed <= 1500000); /* 500 us/s from the first new second on */
    memset(&tx, 0, sizeof tx);
    tx.modes = ADJ_OFFSET_SINGLESHOT;
    tx.offset = -300;
    EQ(syscall(SYS_adjtimex, &tx), TIME_ERROR);
    TRUE(tx.offset >= 97500 && tx.offset <= remaining && tx.offset % 500 == 0);
    nanosleep(&two, NULL);
    EQ(adj(ADJ_OFFSET_SS_READ), TIME_ERROR);
    EQ(tx.offset, 0);

    SECTION("clock_adjtime");
    memset(&tx, 0, sizeof tx);
    EQ(syscall(SYS_clock_adjtime, CLOCK_REALTIME, &tx), TIME_ERROR);
    EQ(tx.constant, 2);
    ERR(syscall(SYS_clock_adjtime, CLOCK_MONOTONIC, &tx), EOPNOTSUPP);
    ERR(syscall(SYS_clock_adjtime, CLOCK_MONOTONIC_RAW, &tx), EOPNOTSUPP);
    ERR(syscall(SYS_clock_adjtime, CLOCK_BOOTTIME, &tx), EOPNOTSUPP);
    ERR(syscall(SYS_clock_adjtime, CLOCK_TAI, &tx), EOPNOTSUPP);
    ERR(syscall(SYS_clock_adjtime, CLOCK_PROCESS_CPUTIME_ID, &tx), EOPNOTSUPP);
    ERR(syscall(SYS_clock_adjtime, -6, &tx), EOPNOTSUPP); /* process 0's CPU clock */
    ERR(syscall(SYS_clock_adjtime, (int)(~3u << 3 | 3), &tx), EINVAL); /* a clock descriptor, fd 3 */
    ERR(syscall(SYS_clock_adjtime, 10, &tx), EINVAL);
    ERR(syscall(SYS_clock_adjtime, 16, &tx), EINVAL);
    ERR(syscall(SYS_clock_adjtime, CLOCK_REALTIME, NULL), EFAULT);
    ERR(syscall(SYS_clock_adjtime, CLOCK_MONOTONIC, NULL), EFAULT);
    tx.modes = ADJ_TICK;
    tx.tick = 100;
    ERR(syscall(SYS_clock_adjtime, CLOCK_REALTIME, &tx), EINVAL);

    SECTION("i386");
    memset(&tx32, 0, sizeof tx32);
    EQ(int80(124, (long)&tx32, 0), TIME_ERROR); /* adjtimex */
    EQ(tx32.status, STA_UNSYNC);
    EQ(tx32.maxerror, 16000000);
    EQ(tx32.constant, 2);
    EQ(tx32.tolerance, 32768000);
    EQ(tx32.tick, 10000);
    now = ns_of(CLOCK_REALTIME) / 1000000000LL;
    TRUE(tx32.time_sec >= now - 1 && tx32.time_sec <= now);
    memset(&tx32, 0, sizeof tx32);
    tx32.modes = ADJ_ESTERROR;
    tx32.esterror = 4321;
    EQ(int80(343, CLOCK_REALTIME, (long)&tx32), TIME_ERROR); /* clock_adjtime */
    EQ(tx32.esterror, 4321);
    EQ(int80(343, CLOCK_MONOTONIC, (long)&tx32), -EOPNOTSUPP);
    EQ(int80(124, 0, 0), -EFAULT);
    tx32.modes = 0x8000;
    EQ(int80(124, (long)&tx32, 0), -EINVAL);
    memset(&tx, 0, sizeof tx);
    EQ(int80(405, CLOCK_REALTIME, (long)&tx), TIME_ERROR); /* clock_adjtime64 */
    EQ(tx.esterror, 4321);
    return summary();
}
