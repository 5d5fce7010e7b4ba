#include "buddy.h"

void BuddyAllocator::init(page* pages, u64 first_pfn, u64 nr_pages)
{
    pages_ = pages;
    first_pfn_ = first_pfn;
    nr_pages_ = nr_pages;
    nr_free_ = 0;
    for (auto& head : free_area_)
        head = nullptr;
    __builtin_memset(static_cast<void*>(pages), 0, nr_pages * sizeof(page));
    for (u64 i = 0; i < nr_pages; i++)
        pages[i].flags = PG_reserved;
}

void BuddyAllocator::free_range(u64 pfn, u64 count)
{
    u64 end = pfn + count;
    while (pfn < end) {
        /* The largest block that is aligned at pfn and fits. */
        unsigned order = 0;
        while (order + 1 < MAX_ORDER && (pfn & ((2ULL << order) - 1)) == 0 && pfn + (2ULL << order) <= end)
            order++;
        page* p = pfn_to_page(pfn);
        for (u64 i = 0; i < (1ULL << order); i++)
            p[i].flags &= ~PG_reserved;
        free(p, order);
        pfn += 1ULL << order;
    }
}

void BuddyAllocator::push(page* p, unsigned order)
{
    p->flags |= PG_buddy;
    p->order = static_cast<u8>(order);
    p->prev = nullptr;
    p->next = free_area_[order];
    if (p->next)
        p->next->prev = p;
    free_area_[order] = p;
}

void BuddyAllocator::unlink(page* p, unsigned order)
{
    if (p->prev)
        p->prev->next = p->next;
    else
        free_area_[order] = p->next;
    if (p->next)
        p->next->prev = p->prev;
    p->flags &= ~PG_buddy;
    p->next = p->prev = nullptr;
}

page* BuddyAllocator::alloc(unsigned order)
{
    unsigned found = order;
    while (found < MAX_ORDER && !free_area_[found])
        found++;
    if (found >= MAX_ORDER)
        return nullptr;
    page* p = free_area_[found];
    unlink(p, found);
    /* Split: the upper halves go back on the smaller lists. */
    while (found > order) {
        found--;
        push(p + (1ULL << found), found);
    }
    p->order = static_cast<u8>(order);
    nr_free_ -= 1ULL << order;
    return p;
}

void BuddyAllocator::free(page* p, unsigned order)
{
    nr_free_ += 1ULL << order;
    u64 frame = pfn(p);
    while (order + 1 < MAX_ORDER) {
        u64 buddy_pfn = frame ^ (1ULL << order);
        page* buddy = pfn_to_page(buddy_pfn);
        if (!buddy || !(buddy->flags & PG_buddy) || buddy->order != order)
            break;
        unlink(buddy, order);
        frame &= ~(1ULL << order);
        order++;
    }
    push(pfn_to_page(frame), order);
}
