/* Linux's intrusive doubly linked list, as a small C++ template. */
#pragma once
#include <stddef.h>

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
    static void del(list_head* n)
    {
        n->prev->next = n->next;
        n->next->prev = n->prev;
        n->next = n->prev = n;
    }

private:
    static void insert(list_head* n, list_head* prev, list_head* next)
    {
        next->prev = n;
        n->next = next;
        n->prev = prev;
        prev->next = n;
    }
};

/* The object of type T whose member `member` is the list_head at p. */
#define list_entry(p, T, member) \
    reinterpret_cast<T*>(reinterpret_cast<char*>(p) - offsetof(T, member))

#define list_for_each(pos, head) for (list_head* pos = (head)->next; pos != (head); pos = pos->next)
#define list_for_each_safe(pos, n, head) \
    for (list_head *pos = (head)->next, *n = pos->next; pos != (head); pos = n, n = pos->next)
