/*
 * A lock-order checker for debug builds (Linux's lockdep, in small): every
 * time a spinlock is taken while others are held, the pair (held, taken) is
 * an edge of a graph of lock classes (a class is a lock's name: the per-CPU
 * run-queue locks are one class). An edge that closes a cycle is an order
 * two CPUs could deadlock on; the checker reports both orders with the stack
 * that first took each, and panics, the first time the order occurs, not
 * the first time it deadlocks. It also reports taking the kernel lock or
 * sleeping with a spinlock held. kernel/locking/lockdep.cpp;
 * debug_selftest=lockdep provokes a report.
 */
#pragma once
#include <linux/types.h>

struct spinlock_t;

#ifdef CONFIG_DEBUG_KERNEL
/* After a spinlock is taken (trylocks are recorded as held, never as an order). */
void lockdep_acquired(spinlock_t* lock, bool trylock);
/* Before it is released. */
void lockdep_release(spinlock_t* lock);
/* Before the kernel lock is taken or schedule() sleeps: no spinlock may be held. */
void lockdep_assert_no_spinlocks(const char* what);
#else
static inline void lockdep_acquired(spinlock_t*, bool) {}
static inline void lockdep_release(spinlock_t*) {}
static inline void lockdep_assert_no_spinlocks(const char*) {}
#endif
