/* struct page: one per physical page frame, as in Linux. */
#pragma once
#include <linux/types.h>

struct kmem_cache;

struct page {
    /* Free-list links while in the buddy allocator; a slab's free objects otherwise. */
    page* next;
    page* prev;
    u32 flags;
    int refcount; /* mappings and references; the page is freed when it drops to 0 */
    u8 order;     /* block size 2^order pages, for free blocks and allocated heads */
    kmem_cache* slab;   /* the cache owning this page, for kmalloc pages */
    union {
        void* freelist; /* free objects of a slab page */
        u64 pt_used;    /* a page-table page: bit g set if entries 8g..8g+7 may be present */
    };
    u32 inuse;          /* allocated objects of a slab page */
};

enum page_flags : u32 {
    PG_buddy = 1 << 0,    /* head of a free block in the buddy allocator */
    PG_reserved = 1 << 1, /* not RAM we manage (firmware, kernel image) */
    PG_slab = 1 << 2,     /* owned by kmalloc */
    PG_head = 1 << 3,     /* first page of an allocated 2^order block */
    PG_poisoned = 1 << 4, /* free, and filled with PAGE_POISON (debug builds) */
};
