/*
 * kmalloc. Sizes up to 2 KiB come from one cache per power of two; each cache
 * carves whole pages into equal objects and keeps freed ones on a per-page list,
 * so kfree finds the cache from the object's struct page. Bigger requests get
 * their own block of pages.
 */
#include <linux/gfp.h>
#include <linux/printk.h>
#include <linux/slab.h>
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

kmem_cache* cache_for(size_t size)
{
    for (auto& c : caches)
        if (size <= c.object_size)
            return &c;
    return nullptr;
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
        list = base + off;
        if (off == 0)
            break;
    }
    p->freelist = list;
    p->next = cache->partial;
    cache->partial = p;
    return true;
}

void* cache_alloc(kmem_cache* cache)
{
    if (!cache->partial && !grow(cache))
        return nullptr;
    page* p = cache->partial;
    void* obj = p->freelist;
    p->freelist = *static_cast<void**>(obj);
    p->inuse++;
    if (!p->freelist)
        cache->partial = p->next; /* full: off the partial list until something is freed */
    return obj;
}

void cache_free(page* p, void* obj)
{
    kmem_cache* cache = p->slab;
    bool was_full = !p->freelist;
    *static_cast<void**>(obj) = p->freelist;
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
    if (kmem_cache* cache = cache_for(size))
        return cache_alloc(cache);
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
    if (p->flags & PG_slab)
        cache_free(p, const_cast<void*>(ptr));
    else
        __free_pages(p, p->order);
}

void* operator new(size_t size) { return kmalloc(size); }
void* operator new[](size_t size) { return kmalloc(size); }
void operator delete(void* p) noexcept { kfree(p); }
void operator delete[](void* p) noexcept { kfree(p); }
void operator delete(void* p, size_t) noexcept { kfree(p); }
void operator delete[](void* p, size_t) noexcept { kfree(p); }
