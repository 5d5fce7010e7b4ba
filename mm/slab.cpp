/*
 * kmalloc. Sizes up to 2 KiB come from one cache per power of two; each cache
 * carves whole pages into equal objects and keeps freed ones on a per-page list,
 * so kfree finds the cache from the object's struct page. Bigger requests get
 * their own block of pages.
 *
 * kmalloc and kfree may be called from interrupt context (the timer queues
 * signals): slab_lock, taken with interrupts off, makes every cache operation
 * one critical section. In debug builds (CONFIG_DEBUG_KERNEL) a freed object
 * is filled with POISON_FREE past its free-list link, and allocation checks
 * the pattern: a write after free panics with the object and the offset; a
 * free of an object already free panics too.
 */
#include <linux/gfp.h>
#include <linux/poison.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <new>

struct kmem_cache {
    size_t object_size;
    page* partial; /* pages with free objects, linked through page::next */
};

namespace {

constexpr size_t MIN_SHIFT = 4;  /* 16 bytes */
constexpr size_t MAX_SHIFT = 11; /* 2048 bytes */
kmem_cache caches[MAX_SHIFT - MIN_SHIFT + 1] = {
    {16, nullptr}, {32, nullptr}, {64, nullptr}, {128, nullptr},
    {256, nullptr}, {512, nullptr}, {1024, nullptr}, {2048, nullptr},
};

/* Protects every cache's partial list and, for each slab page, its freelist
 * and inuse count (and, in debug builds, the poison of its free objects). */
spinlock_t slab_lock("slab_lock");

/* Bytes of an object past its free-list link: what poisoning covers. */
constexpr size_t LINK = sizeof(void*);

kmem_cache* cache_for(size_t size)
{
    for (auto& c : caches)
        if (size <= c.object_size)
            return &c;
    return nullptr;
}

void poison_object(kmem_cache* cache, void* obj)
{
    if (poisoning())
        memset(static_cast<u8*>(obj) + LINK, POISON_FREE, cache->object_size - LINK);
}

/* A free object whose poison was overwritten: someone wrote to it after kfree. */
void check_poison(kmem_cache* cache, void* obj)
{
    if (!poisoning())
        return;
    const u8* bad = memchr_inv(static_cast<u8*>(obj) + LINK, POISON_FREE, cache->object_size - LINK);
    if (unlikely(bad))
        panic("slab: use after free: kmalloc-%zu object %p written at offset %zu (0x%02x) after kfree",
              cache->object_size, obj, static_cast<size_t>(bad - static_cast<u8*>(obj)), *bad);
}

void check_double_free(kmem_cache* cache, page* p, void* obj)
{
    if (!poisoning())
        return;
    /* Cheap test first: a live object rarely holds the whole pattern. */
    if (memchr_inv(static_cast<u8*>(obj) + LINK, POISON_FREE, cache->object_size - LINK))
        return;
    for (void* f = p->freelist; f; f = *static_cast<void**>(f))
        if (f == obj)
            panic("slab: double free of kmalloc-%zu object %p", cache->object_size, obj);
}

bool grow(kmem_cache* cache)
{
    page* p = alloc_page();
    if (!p)
        return false;
    p->flags |= PG_slab;
    p->slab = cache;
    p->inuse = 0;
    auto* base = static_cast<u8*>(page_address(p));
    void* list = nullptr;
    for (size_t off = PAGE_SIZE - cache->object_size;; off -= cache->object_size) {
        *reinterpret_cast<void**>(base + off) = list;
        poison_object(cache, base + off);
        list = base + off;
        if (off == 0)
            break;
    }
    p->freelist = list;
    p->next = cache->partial;
    cache->partial = p;
    return true;
}

/* Called with slab_lock held. */
void* cache_alloc(kmem_cache* cache)
{
    if (!cache->partial && !grow(cache))
        return nullptr;
    page* p = cache->partial;
    void* obj = p->freelist;
    check_poison(cache, obj);
    p->freelist = *static_cast<void**>(obj);
    p->inuse++;
    if (!p->freelist)
        cache->partial = p->next; /* full: off the partial list until something is freed */
    return obj;
}

/* Called with slab_lock held. */
void cache_free(page* p, void* obj)
{
    kmem_cache* cache = p->slab;
    check_double_free(cache, p, obj);
    bool was_full = !p->freelist;
    *static_cast<void**>(obj) = p->freelist;
    poison_object(cache, obj);
    p->freelist = obj;
    p->inuse--;
    if (was_full) {
        p->next = cache->partial;
        cache->partial = p;
    }
    /* Empty pages stay with the cache: fork/exit cycles reuse them at once. */
}

unsigned order_for(size_t size)
{
    unsigned order = 0;
    while ((PAGE_SIZE << order) < size)
        order++;
    return order;
}

} // namespace

void* kmalloc(size_t size)
{
    if (size == 0)
        size = 1;
    if (kmem_cache* cache = cache_for(size)) {
        spin_guard guard(&slab_lock);
        return cache_alloc(cache);
    }
    page* p = alloc_pages(order_for(size));
    return p ? page_address(p) : nullptr;
}

void* kzalloc(size_t size)
{
    void* p = kmalloc(size);
    if (p)
        memset(p, 0, size);
    return p;
}

void kfree(const void* ptr)
{
    if (!ptr)
        return;
    page* p = virt_to_page(ptr);
    if (p->flags & PG_slab) {
        spin_guard guard(&slab_lock);
        cache_free(p, const_cast<void*>(ptr));
    } else {
        __free_pages(p, p->order);
    }
}

void* operator new(size_t size) { return kmalloc(size); }
void* operator new[](size_t size) { return kmalloc(size); }
void operator delete(void* p) noexcept { kfree(p); }
void operator delete[](void* p) noexcept { kfree(p); }
void operator delete(void* p, size_t) noexcept { kfree(p); }
void operator delete[](void* p, size_t) noexcept { kfree(p); }
