/* The interval-and-value pair of timerfd_settime and timer_settime (Linux's
 * struct itimerspec, x86-64 layout), in and out of user memory. */
#pragma once
#include <linux/time.h>
#include <linux/uaccess.h>
#include <uapi/linux/time32.h>

struct itimerspec_user {
    timespec_user it_interval;
    timespec_user it_value;
};
static_assert(sizeof(itimerspec_user) == 32);


/* Nanoseconds: the interval and the value (0: disarmed). */
struct itimer_ns {
    s64 interval;
    s64 value;
};

/* Linux's timespec64_valid: seconds not negative, nanoseconds in [0, 1e9). */
static inline bool timespec_user_valid(const timespec_user& t)
{
    return t.tv_sec >= 0 && t.tv_nsec >= 0 && t.tv_nsec < NSEC_PER_SEC;
}

[[nodiscard]] static inline Result<itimer_ns> get_itimerspec(user_in_ptr<const itimerspec_user> u)
{
    itimerspec_user v = TRY(get_user(u));
    if (!timespec_user_valid(v.it_interval) || !timespec_user_valid(v.it_value))
        return Errno::EINVAL;
    return itimer_ns{timespec64_to_ns({v.it_interval.tv_sec, v.it_interval.tv_nsec}),
                     timespec64_to_ns({v.it_value.tv_sec, v.it_value.tv_nsec})};
}

[[nodiscard]] static inline Result<void> put_itimerspec(const itimer_ns& v, user_out_ptr<itimerspec_user> u)
{
    timespec64 i = ns_to_timespec64(v.interval), t = ns_to_timespec64(v.value);
    return put_user(itimerspec_user{{static_cast<long>(i.tv_sec), i.tv_nsec}, {static_cast<long>(t.tv_sec), t.tv_nsec}},
                    u);
}

/* The same for i386's old_itimerspec32 (timer_settime32, timerfd_settime32). */
[[nodiscard]] static inline Result<itimer_ns> get_itimerspec(user_in_ptr<const old_itimerspec32> u)
{
    old_itimerspec32 v = TRY(get_user(u));
    itimerspec_user wide{{v.it_interval.tv_sec, v.it_interval.tv_nsec}, {v.it_value.tv_sec, v.it_value.tv_nsec}};
    if (!timespec_user_valid(wide.it_interval) || !timespec_user_valid(wide.it_value))
        return Errno::EINVAL;
    return itimer_ns{timespec64_to_ns({wide.it_interval.tv_sec, wide.it_interval.tv_nsec}),
                     timespec64_to_ns({wide.it_value.tv_sec, wide.it_value.tv_nsec})};
}

[[nodiscard]] static inline Result<void> put_itimerspec(const itimer_ns& v, user_out_ptr<old_itimerspec32> u)
{
    timespec64 i = ns_to_timespec64(v.interval), t = ns_to_timespec64(v.value);
    return put_user(old_itimerspec32{{static_cast<s32>(i.tv_sec), static_cast<s32>(i.tv_nsec)},
                                     {static_cast<s32>(t.tv_sec), static_cast<s32>(t.tv_nsec)}},
                    u);
}
