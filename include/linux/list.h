/*
 * Linux's intrusive doubly linked list, as a small C++ template. Debug builds
 * (CONFIG_DEBUG_KERNEL) check every add and delete against its neighbours, as
 * Linux's CONFIG_DEBUG_LIST: a corrupted list, a node added twice or deleted
 * twice panics with the pointers, at the operation and not later.
 */
#pragma once
#include <stddef.h>

struct list_head;
[[noreturn]] void list_add_corruption(const list_head* n, const list_head* prev, const list_head* next);
[[noreturn]] void list_del_corruption(const list_head* n);

struct list_head {
    list_head* next = this;
    list_head* prev = this;

    list_head() = default;
    /* A list head points at itself: copying one would point at the original. */
    list_head(const list_head&) = delete;
    list_head& operator=(const list_head&) = delete;
    void init() { next = prev = this; }

    bool empty() const { return next == this; }
    void add(list_head* n) { insert(n, this, next); }          /* at the front */
    void add_tail(list_head* n) { insert(n, prev, this); }     /* at the back */
    /* Linux's list_del_init: unlinks n and leaves it an empty list of its own,
     * so deleting it again, or testing empty(), is allowed. */
    static void del(list_head* n)
    {
        unlink(n);
        n->next = n->prev = n;
    }

private:
    friend void list_del(list_head* n);
    static void unlink(list_head* n)
    {
#ifdef CONFIG_DEBUG_KERNEL
        if (__builtin_expect(n->next == reinterpret_cast<list_head*>(0xdead000000000100UL) ||
                                 n->prev == reinterpret_cast<list_head*>(0xdead000000000122UL) ||
                                 n->prev->next != n || n->next->prev != n, 0))
            list_del_corruption(n);
#endif
        n->prev->next = n->next;
        n->next->prev = n->prev;
    }
    static void insert(list_head* n, list_head* prev, list_head* next)
    {
#ifdef CONFIG_DEBUG_KERNEL
        if (__builtin_expect(next->prev != prev || prev->next != next || n == prev || n == next, 0))
            list_add_corruption(n, prev, next);
#endif
        next->prev = n;
        n->next = next;
        n->prev = prev;
        prev->next = n;
    }
};

/* Linux's list_del: for a node that is never used again (about to be freed).
 * It is left pointing at non-canonical addresses, so any use faults, and a
 * second list_del panics in debug builds. */
inline void list_del(list_head* n)
{
    list_head::unlink(n);
    n->next = reinterpret_cast<list_head*>(0xdead000000000100UL); /* LIST_POISON1 */
    n->prev = reinterpret_cast<list_head*>(0xdead000000000122UL); /* LIST_POISON2 */
}

/* The object of type T whose member `member` is the list_head at p. */
#define list_entry(p, T, member) \
    reinterpret_cast<T*>(reinterpret_cast<char*>(p) - offsetof(T, member))

#define list_for_each(pos, head) for (list_head* pos = (head)->next; pos != (head); pos = pos->next)
#define list_for_each_safe(pos, n, head) \
    for (list_head *pos = (head)->next, *n = pos->next; pos != (head); pos = n, n = pos->next)
