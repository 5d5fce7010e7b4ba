/*
 * POSIX message queues' limits (ipc/mqueue.cpp uses them, ipc/mqueue_proc.cpp
 * shows and sets them in /proc/sys/fs/mqueue). Linux's defaults; each is one
 * word, read and written under the big kernel lock.
 */
#pragma once

extern unsigned int mq_queues_max;     /* queues in all: ENOSPC beyond, but for CAP_SYS_RESOURCE */
extern unsigned int mq_msg_max;        /* the largest mq_maxmsg without CAP_SYS_RESOURCE */
extern unsigned int mq_msgsize_max;    /* the largest mq_msgsize without CAP_SYS_RESOURCE */
extern unsigned int mq_msg_default;    /* mq_maxmsg when mq_open has no attributes */
extern unsigned int mq_msgsize_default; /* mq_msgsize when mq_open has no attributes */

constexpr long HARD_MSGMAX = 65536;            /* the caps, even with CAP_SYS_RESOURCE */
constexpr long HARD_MSGSIZEMAX = 16 * 1024 * 1024;

/* The calls' bodies on kernel values (ipc/mqueue.cpp), for the native and
 * the i386 entries (ipc/mqueue_compat.cpp); deadline: ktime ns, 0 for none. */
#include <linux/result.h>
#include <linux/types.h>
#include <linux/uaccess.h>
#include <uapi/linux/mqueue.h>
struct timespec_user;
struct old_timespec32;
[[nodiscard]] Result<int> do_mq_open(user_in_ptr<const char> u_name, int oflag, umode_t mode, const mq_attr* attr);
[[nodiscard]] Result<long> do_mq_timedsend(int mqdes, user_in_ptr<const char> u_msg_ptr, size_t msg_len,
                                           unsigned int msg_prio, u64 deadline);
[[nodiscard]] Result<long> do_mq_timedreceive(int mqdes, user_out_ptr<char> u_msg_ptr, size_t msg_len,
                                              user_out_ptr<unsigned int> u_msg_prio, u64 deadline);
[[nodiscard]] Result<long> do_mq_notify(int mqdes, const mq_sigevent* notification);
[[nodiscard]] Result<mq_attr> do_mq_getsetattr(int mqdes, const mq_attr* mqstat);
[[nodiscard]] Result<u64> prepare_timeout32(user_in_ptr<const old_timespec32> u);
