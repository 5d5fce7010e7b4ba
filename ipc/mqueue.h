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
