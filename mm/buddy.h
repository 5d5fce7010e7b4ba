/*
 * The buddy allocator over one contiguous range of page frames: blocks of 2^order
 * pages, split on allocation and merged with their buddy on free. Pure logic (no
 * kernel dependencies), so the host unit tests drive it directly.
 */
#pragma once
#include <linux/mm_types.h>

class BuddyAllocator {
public:
    static constexpr unsigned MAX_ORDER = 11; /* up to 4 MiB blocks */

    /* pages[i] describes frame first_pfn + i; all start reserved. */
    void init(page* pages, u64 first_pfn, u64 nr_pages);
    /* Hands frames [pfn, pfn + count) to the allocator. */
    void free_range(u64 pfn, u64 count);

    page* alloc(unsigned order);
    void free(page* p, unsigned order);

    u64 pfn(const page* p) const { return first_pfn_ + static_cast<u64>(p - pages_); }
    page* pfn_to_page(u64 pfn) const { return contains(pfn) ? &pages_[pfn - first_pfn_] : nullptr; }
    bool contains(u64 pfn) const { return pfn >= first_pfn_ && pfn < first_pfn_ + nr_pages_; }
    u64 nr_free() const { return nr_free_; }
    u64 nr_pages() const { return nr_pages_; }

private:
    void push(page* p, unsigned order);
    void unlink(page* p, unsigned order);

    page* pages_ = nullptr;
    u64 first_pfn_ = 0;
    u64 nr_pages_ = 0;
    u64 nr_free_ = 0;
    page* free_area_[MAX_ORDER] = {};
};
