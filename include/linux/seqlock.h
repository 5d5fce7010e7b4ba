/*
 * Sequence counts (Linux's seqcount_t): readers that take no lock and retry
 * if a writer was at work meanwhile. The writer holds a lock of its own
 * (the count does not exclude writers from each other) and makes the count
 * odd while it changes the data, even again after; a reader that saw an odd
 * count, or a different one at the end, reads again. A reader may see the
 * data half-changed, or an object the writer has since freed (slab memory
 * stays mapped, so the read does not fault): it must only load, never act
 * on what it read before read_seqcount_retry says it was consistent.
 */
#pragma once
#include <linux/compiler.h>
#include <linux/types.h>

struct seqcount_t {
    volatile u32 sequence = 0;
};

[[nodiscard]] static __always_inline u32 read_seqcount_begin(const seqcount_t* s)
{
    for (;;) {
        u32 seq = __atomic_load_n(&s->sequence, __ATOMIC_ACQUIRE);
        if (likely(!(seq & 1)))
            return seq;
        __builtin_ia32_pause(); /* a writer is at work */
    }
}

[[nodiscard]] static __always_inline bool read_seqcount_retry(const seqcount_t* s, u32 start)
{
    __atomic_thread_fence(__ATOMIC_ACQUIRE); /* the data loads come before the count's */
    return __atomic_load_n(&s->sequence, __ATOMIC_RELAXED) != start;
}

static __always_inline void write_seqcount_begin(seqcount_t* s)
{
    __atomic_store_n(&s->sequence, s->sequence + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE); /* odd before the data changes */
}

static __always_inline void write_seqcount_end(seqcount_t* s)
{
    __atomic_store_n(&s->sequence, s->sequence + 1, __ATOMIC_RELEASE);
}
