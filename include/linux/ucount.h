/*
 * Per-user counts (Linux's ucounts, kernel/ucount.cpp): how many signals
 * are queued for each real user id, which RLIMIT_SIGPENDING bounds and
 * /proc/PID/status shows as SigQ. Under tasklist_lock, which protects the
 * signal queues the counts follow.
 */
#pragma once
#include <linux/types.h>

struct ucounts;

/* One more signal queued for uid: its entry (to give back to
 * dec_sigpending), or null if that would pass limit (unless override) or
 * there is no memory. */
[[nodiscard]] ucounts* inc_sigpending(uid_t uid, unsigned long limit, bool override);
void dec_sigpending(ucounts* uc);
/* The signals queued for uid now. */
[[nodiscard]] long sigpending_count(uid_t uid);
