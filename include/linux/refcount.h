/*
 * Checked reference counts for the kernel's plain int counters. In debug builds
 * (CONFIG_DEBUG_KERNEL) taking a reference on an object whose count is zero or
 * below (it was freed: a use after free) or at INT_MAX, and dropping one below
 * zero, panic with the object's kind and address; otherwise they are ++ and --.
 * They run in process context only (no object counted this way is touched
 * from an interrupt).
 */
#pragma once
#include <linux/compiler.h>
#include <linux/types.h>

[[noreturn]] void refcount_error(const char* what, const void* obj, const char* how, long count);

/* The checks, on the count as it was before the change. */
static __always_inline void refcount_check_get(int old, const char* what, const void* obj)
{
#ifdef CONFIG_DEBUG_KERNEL
    if (unlikely(old <= 0 || old == 0x7fffffff))
        refcount_error(what, obj, old <= 0 ? "get on a freed object (use after free)" : "overflow", old);
#else
    (void)old, (void)what, (void)obj;
#endif
}
static __always_inline void refcount_check_put(int old, const char* what, const void* obj)
{
#ifdef CONFIG_DEBUG_KERNEL
    if (unlikely(old <= 0))
        refcount_error(what, obj, "underflow (put without a reference)", old);
#else
    (void)old, (void)what, (void)obj;
#endif
}

/* A new reference. */
static inline void refcount_inc(int& count, const char* what, const void* obj)
{
    refcount_check_get(count, what, obj);
    count++;
}

/* Drops a reference; true when it was the last. */
[[nodiscard]] static inline bool refcount_dec_and_test(int& count, const char* what, const void* obj)
{
    refcount_check_put(count, what, obj);
    return --count == 0;
}

/* The same for a counter that tasks running without the big kernel lock
 * share (a file's f_count: a lock-free read's fdget against a close in
 * another thread): atomic, with the same checks. */
static inline void refcount_inc_atomic(int& count, const char* what, const void* obj)
{
    refcount_check_get(__atomic_fetch_add(&count, 1, __ATOMIC_RELAXED), what, obj);
}

[[nodiscard]] static inline bool refcount_dec_and_test_atomic(int& count, const char* what, const void* obj)
{
    int old = __atomic_fetch_sub(&count, 1, __ATOMIC_ACQ_REL);
    refcount_check_put(old, what, obj);
    return old == 1;
}
