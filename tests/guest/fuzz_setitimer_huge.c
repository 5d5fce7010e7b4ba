/* Found by the fuzzer (seed 100): setitimer with tv_sec = LONG_MAX
 * multiplied it by 10^9 (signed overflow; UBSan stopped the kernel). Linux
 * takes the time as a ktime that saturates at KTIME_MAX (about 292 years):
 * the call succeeds and the timer reads back as that long. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

static const char *names[] = {"ITIMER_REAL", "ITIMER_VIRTUAL", "ITIMER_PROF"};

static void set(int which, long isec, long iusec, long vsec, long vusec)
{
    struct itimerval v = {{isec, iusec}, {vsec, vusec}};
    errno = 0;
    int r = setitimer(which, &v, 0);
    printf("setitimer(%s, interval %ld.%06ld, value %ld.%06ld) = %d %s\n", names[which], isec, iusec, vsec, vusec,
           r, r ? strerror(errno) : "");
}

static void get(int which)
{
    struct itimerval v;
    memset(&v, 0, sizeof(v));
    int r = getitimer(which, &v);
    /* The exact figures depend on the clock: print how large they are. A
     * CPU-time timer's value only says whether it is armed (Linux 6.1 reads a
     * KTIME_MAX one back past the signed range, as a negative time). */
    int armed = v.it_value.tv_sec || v.it_value.tv_usec;
    printf("getitimer(%s) = %d: interval %s, value %s\n", names[which], r,
           v.it_interval.tv_sec >= 9000000000L ? ">= 9e9 s" : v.it_interval.tv_sec || v.it_interval.tv_usec ? "short" : "0",
           which != ITIMER_REAL ? (armed ? "armed" : "0")
           : v.it_value.tv_sec >= 9000000000L ? ">= 9e9 s" : armed ? "short" : "0");
}

int main(void)
{
    for (int which = 0; which < 3; which++) {
        set(which, 0, 0, LONG_MAX, 0);
        get(which);
        set(which, LONG_MAX, 999999, LONG_MAX, 999999);
        get(which);
        set(which, LONG_MAX, 0, 100, 0);
        get(which);
        set(which, 9223372036L, 854775, 9223372036L, 854775);
        get(which);
        set(which, -1, 0, 1, 0);
        set(which, 0, 1000000, 1, 0);
        set(which, 0, 0, 0, 0);
        get(which);
    }
    return 0;
}
