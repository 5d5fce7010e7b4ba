/*
 * The kernel's page allocator: one buddy allocator over all of RAM. It may be
 * called from interrupt context (through kmalloc): zone_lock, taken with
 * interrupts off, covers every change to the free lists. In debug builds a
 * freed page is filled with PAGE_POISON and allocation checks it, so a write
 * to a page after its last put_page panics; so does a reference count that
 * goes below zero.
 */
#include "buddy.h"
#include <asm/bootparam.h>
#include <linux/gfp.h>
#include <linux/poison.h>
#include <linux/printk.h>
#include <linux/compiler.h>
#include <linux/spinlock.h>
#include <linux/string.h>

extern "C" char _phys_start[], _end[];

namespace {

BuddyAllocator buddy;
/* Protects buddy (its free lists and free count) and total_pages. */
spinlock_t zone_lock("zone_lock");
u64 total_pages;
constexpr u64 EARLY_MAPPED = 1ULL << 30;
memory_region reserved[5];

bool overlaps(u64 a_start, u64 a_end, u64 b_start, u64 b_end) { return a_start < b_end && b_start < a_end; }

bool is_reserved(u64 start, u64 end)
{
    for (auto& r : reserved)
        if (r.size && overlaps(start, end, r.base, r.base + r.size))
            return true;
    return false;
}

/* Hands every free RAM page in [lo, hi) to the allocator, in maximal runs:
 * each RAM region minus the reserved ranges, by arithmetic on the ranges. */
void free_ram(u64 lo, u64 hi)
{
    for (int i = 0; i < boot_params.nr_ram; i++) {
        auto& r = boot_params.ram[i];
        u64 start = max(PAGE_ALIGN(r.base), PAGE_ALIGN(lo));
        u64 end = min(r.base + r.size, hi) & PAGE_MASK;
        while (start < end) {
            /* The first reserved range that overlaps what is left. */
            const memory_region* first = nullptr;
            for (auto& res : reserved)
                if (res.size && overlaps(start, end, res.base, res.base + res.size) && (!first || res.base < first->base))
                    first = &res;
            u64 run_end = first ? max(start, first->base & PAGE_MASK) : end;
            if (run_end > start) {
                spin_guard guard(&zone_lock);
                buddy.free_range(start >> PAGE_SHIFT, (run_end - start) >> PAGE_SHIFT);
                total_pages += (run_end - start) >> PAGE_SHIFT;
            }
            if (!first)
                break;
            start = PAGE_ALIGN(first->base + first->size);
        }
    }
}

} // namespace

void page_alloc_init()
{
    u64 max_pfn = 0;
    for (int i = 0; i < boot_params.nr_ram; i++) {
        auto& r = boot_params.ram[i];
        u64 end_pfn = (r.base + r.size) >> PAGE_SHIFT;
        if (end_pfn > max_pfn)
            max_pfn = end_pfn;
    }

    /* Ranges that are not ours to hand out. */
    reserved[0] = {0, 0x100000}; /* real-mode area, BIOS, loader structures */
    reserved[1] = {reinterpret_cast<u64>(_phys_start), __pa(_end) - reinterpret_cast<u64>(_phys_start)};
    reserved[2] = boot_params.initrd;
    reserved[3] = boot_params.loader_data;

    /* The struct page array goes in the first RAM gap big enough for it. */
    u64 array_bytes = PAGE_ALIGN(max_pfn * sizeof(page));
    u64 array_phys = 0;
    for (int i = 0; i < boot_params.nr_ram && !array_phys; i++) {
        auto& r = boot_params.ram[i];
        for (u64 at = PAGE_ALIGN(r.base); at + array_bytes <= r.base + r.size; at += PAGE_SIZE) {
            if (!is_reserved(at, at + array_bytes) && at + array_bytes <= (1ULL << 30)) {
                array_phys = at;
                break;
            }
        }
    }
    if (!array_phys)
        panic("no room for the page array (%lu bytes)", array_bytes);
    reserved[4] = {array_phys, array_bytes};

    buddy.init(static_cast<page*>(__va(array_phys)), 0, max_pfn);
    /* Only what the boot mapping covers for now: paging_init() takes its page
     * tables from here, and page_alloc_init_late() adds the rest. */
    free_ram(0, EARLY_MAPPED);
}

void page_alloc_init_late() { free_ram(EARLY_MAPPED, ~0ULL); }

namespace {

/* Debug builds: a freed block is poisoned page by page (PG_poisoned says which
 * pages hold the pattern; pages that never went through __free_pages don't). */
void poison_pages(page* p, unsigned order)
{
    for (u64 i = 0; i < (1ULL << order); i++) {
        memset(page_address(p + i), PAGE_POISON, PAGE_SIZE);
        p[i].flags |= PG_poisoned;
    }
}

void check_page_poison(page* p, unsigned order)
{
    for (u64 i = 0; i < (1ULL << order); i++) {
        if (!(p[i].flags & PG_poisoned))
            continue;
        p[i].flags &= ~PG_poisoned;
        auto* base = static_cast<const u8*>(page_address(p + i));
        if (const u8* bad = memchr_inv(base, PAGE_POISON, PAGE_SIZE))
            panic("page_alloc: use after free: page 0x%lx written at offset 0x%lx (0x%02x) after it was freed",
                  page_to_phys(p + i), static_cast<unsigned long>(bad - base), *bad);
    }
}

} // namespace

page* alloc_pages(unsigned order)
{
    page* p;
    {
        spin_guard guard(&zone_lock);
        p = buddy.alloc(order);
    }
    if (p) {
        if (poisoning())
            check_page_poison(p, order);
        p->flags = PG_head;
        p->refcount = 1;
        p->order = static_cast<u8>(order);
    }
    return p;
}

page* alloc_zeroed_page()
{
    page* p = alloc_page();
    if (p)
        memset(page_address(p), 0, PAGE_SIZE);
    return p;
}

void __free_pages(page* p, unsigned order)
{
    if (debug_kernel && (p->flags & (PG_buddy | PG_reserved)))
        panic("page_alloc: freeing page 0x%lx that is %s", page_to_phys(p),
              (p->flags & PG_buddy) ? "already free (double free)" : "reserved");
    p->flags = 0;
    p->slab = nullptr;
    if (poisoning())
        poison_pages(p, order);
    spin_guard guard(&zone_lock);
    buddy.free(p, order);
}

void put_page(page* p)
{
    int left = __atomic_sub_fetch(&p->refcount, 1, __ATOMIC_ACQ_REL);
    if (debug_kernel && unlikely(left < 0))
        panic("refcount underflow: put_page on page 0x%lx with no references", page_to_phys(p));
    if (left == 0)
        __free_pages(p, p->order);
}

phys_addr_t page_to_phys(const page* p) { return buddy.pfn(p) << PAGE_SHIFT; }
page* phys_to_page(phys_addr_t pa) { return buddy.pfn_to_page(pa >> PAGE_SHIFT); }
u64 nr_free_pages() { return buddy.nr_free(); }
u64 totalram_pages() { return total_pages; }

void free_initrd_mem()
{
    auto& rd = boot_params.initrd;
    u64 first = PAGE_ALIGN(rd.base) >> PAGE_SHIFT;
    u64 last = (rd.base + rd.size) >> PAGE_SHIFT;
    if (rd.size && last > first) {
        spin_guard guard(&zone_lock);
        buddy.free_range(first, last - first);
        total_pages += last - first;
    }
    rd.size = 0;
}

void get_page(page* p)
{
    int now = __atomic_add_fetch(&p->refcount, 1, __ATOMIC_RELAXED);
    if (debug_kernel && unlikely(now <= 1))
        panic("refcount %s: get_page on page 0x%lx", now == 1 ? "use after free" : "overflow", page_to_phys(p));
}
