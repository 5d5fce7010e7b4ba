/*
 * POSIX message queues from i386 (Linux's compat_sys_mq_open, _notify and
 * _getsetattr, sys_mq_timedsend_time32 and _timedreceive_time32): the
 * 32-bit compat_mq_attr, compat_sigevent and old_timespec32 read and written,
 * the work done by ipc/mqueue.cpp's bodies. mq_unlink and the *_time64 calls
 * take the native entries.
 */
#include <linux/compat.h>
#include <linux/syscalls.h>
#include <uapi/linux/time32.h>
#include "mqueue.h"

/* i386: compat_mq_attr, compat_sigevent and old_timespec32 (Linux's
 * compat_sys_mq_* and sys_mq_*_time32). */
namespace {

mq_attr from_compat(const compat_mq_attr& c)
{
    mq_attr a{};
    a.mq_flags = c.mq_flags;
    a.mq_maxmsg = c.mq_maxmsg;
    a.mq_msgsize = c.mq_msgsize;
    a.mq_curmsgs = c.mq_curmsgs;
    return a;
}

} // namespace

COMPAT_SYSCALL_DEFINE4(mq_open, user_in_ptr<const char>, u_name, int, oflag, compat_mode_t, mode,
                       user_in_ptr<const compat_mq_attr>, u_attr)
{
    if (u_attr) {
        mq_attr attr = from_compat(TRY(get_user(u_attr)));
        return do_mq_open(u_name, oflag, mode, &attr);
    }
    return do_mq_open(u_name, oflag, mode, nullptr);
}

COMPAT_SYSCALL_DEFINE2(mq_notify, int, mqdes, user_in_ptr<const compat_mq_sigevent>, u_notification)
{
    if (!u_notification)
        return do_mq_notify(mqdes, nullptr);
    compat_mq_sigevent c = TRY(get_user(u_notification));
    mq_sigevent n{};
    n.sigev_value = c.sigev_value; /* sival_ptr = compat_ptr(sival_ptr): zero-extended */
    n.sigev_signo = c.sigev_signo;
    n.sigev_notify = c.sigev_notify;
    return do_mq_notify(mqdes, &n);
}

COMPAT_SYSCALL_DEFINE3(mq_getsetattr, int, mqdes, user_in_ptr<const compat_mq_attr>, u_mqstat,
                       user_out_ptr<compat_mq_attr>, u_omqstat)
{
    mq_attr n{};
    if (u_mqstat)
        n = from_compat(TRY(get_user(u_mqstat)));
    mq_attr old = TRY(do_mq_getsetattr(mqdes, u_mqstat ? &n : nullptr));
    if (u_omqstat) {
        compat_mq_attr c{};
        c.mq_flags = static_cast<compat_long_t>(old.mq_flags);
        c.mq_maxmsg = static_cast<compat_long_t>(old.mq_maxmsg);
        c.mq_msgsize = static_cast<compat_long_t>(old.mq_msgsize);
        c.mq_curmsgs = static_cast<compat_long_t>(old.mq_curmsgs);
        TRY(put_user(c, u_omqstat));
    }
    return 0;
}

SYSCALL_DEFINE5(mq_timedsend_time32, int, mqdes, user_in_ptr<const char>, u_msg_ptr, unsigned int, msg_len,
                unsigned int, msg_prio, user_in_ptr<const old_timespec32>, u_abs_timeout)
{
    u64 deadline = TRY(prepare_timeout32(u_abs_timeout));
    return do_mq_timedsend(mqdes, u_msg_ptr, msg_len, msg_prio, deadline);
}

SYSCALL_DEFINE5(mq_timedreceive_time32, int, mqdes, user_out_ptr<char>, u_msg_ptr, unsigned int, msg_len,
                user_out_ptr<unsigned int>, u_msg_prio, user_in_ptr<const old_timespec32>, u_abs_timeout)
{
    u64 deadline = TRY(prepare_timeout32(u_abs_timeout));
    return do_mq_timedreceive(mqdes, u_msg_ptr, msg_len, u_msg_prio, deadline);
}
