// Tests of mm/buddy (BuddyAllocator): free_range hands frames over in aligned
// blocks, alloc returns naturally aligned blocks of the requested order, free
// merges buddies back, nr_free stays exact, and a seeded random stress run
// never hands out one frame twice. Frames need not start at pfn 0.
#include "kernel_host.h"

namespace {

// An allocator over frames [first, first + n).
struct Pool {
    std::vector<page> pages;
    BuddyAllocator b;
    Pool(u64 first, u64 n) : pages(n) { b.init(pages.data(), first, n); }
};

// Allocates blocks greedily, largest order first, until nothing is left:
// the (pfn, order) blocks the allocator held, a fingerprint of its free lists.
std::vector<std::pair<u64, unsigned>> drain(BuddyAllocator& b)
{
    std::vector<std::pair<u64, unsigned>> out;
    for (int order = BuddyAllocator::MAX_ORDER - 1; order >= 0; order--)
        while (page* p = b.alloc(static_cast<unsigned>(order)))
            out.emplace_back(b.pfn(p), order);
    std::sort(out.begin(), out.end());
    return out;
}

// After init every frame is reserved and nothing can be allocated.
TEST(Buddy, InitReservesAll)
{
    Pool pool(0, 64);
    EXPECT_EQ(pool.b.nr_free(), 0u);
    EXPECT_EQ(pool.b.nr_pages(), 64u);
    for (auto& p : pool.pages)
        EXPECT_TRUE(p.flags & PG_reserved);
    EXPECT_EQ(pool.b.alloc(0), nullptr);
}

// pfn, pfn_to_page and contains agree about the range [first, first + n).
TEST(Buddy, PfnMapping)
{
    Pool pool(1000, 24);
    EXPECT_FALSE(pool.b.contains(999));
    EXPECT_TRUE(pool.b.contains(1000));
    EXPECT_TRUE(pool.b.contains(1023));
    EXPECT_FALSE(pool.b.contains(1024));
    EXPECT_EQ(pool.b.pfn_to_page(999), nullptr);
    EXPECT_EQ(pool.b.pfn_to_page(1024), nullptr);
    EXPECT_EQ(pool.b.pfn_to_page(1005), &pool.pages[5]);
    EXPECT_EQ(pool.b.pfn(&pool.pages[23]), 1023u);
}

// Freeing a whole 2^10 range gives one top-order block; nothing is left after it.
TEST(Buddy, WholeRangeIsOneBlock)
{
    Pool pool(0, 1024);
    pool.b.free_range(0, 1024);
    EXPECT_EQ(pool.b.nr_free(), 1024u);
    for (auto& p : pool.pages)
        EXPECT_FALSE(p.flags & PG_reserved);
    page* p = pool.b.alloc(10);
    ASSERT_EQ(p, &pool.pages[0]);
    EXPECT_EQ(pool.b.nr_free(), 0u);
    EXPECT_EQ(pool.b.alloc(0), nullptr);
    pool.b.free(p, 10);
    EXPECT_EQ(pool.b.nr_free(), 1024u);
}

// There is no block of order MAX_ORDER or more, however much is free.
TEST(Buddy, OrderLimit)
{
    Pool pool(0, 4096);
    pool.b.free_range(0, 4096);
    EXPECT_EQ(pool.b.alloc(BuddyAllocator::MAX_ORDER), nullptr);
    EXPECT_EQ(pool.b.alloc(BuddyAllocator::MAX_ORDER + 5), nullptr);
    EXPECT_EQ(pool.b.nr_free(), 4096u);
    // 4096 pages are four top-order blocks, no more.
    auto blocks = drain(pool.b);
    ASSERT_EQ(blocks.size(), 4u);
    for (auto& [pfn, order] : blocks)
        EXPECT_EQ(order, BuddyAllocator::MAX_ORDER - 1);
}

// free_range of an unaligned, odd-sized range: the largest aligned blocks that fit.
TEST(Buddy, FreeRangeDecomposition)
{
    Pool pool(3, 3000); // frames 3..3002
    pool.b.free_range(3, 3000);
    EXPECT_EQ(pool.b.nr_free(), 3000u);
    std::vector<std::pair<u64, unsigned>> want = {
        {3, 0}, {4, 2}, {8, 3}, {16, 4}, {32, 5}, {64, 6}, {128, 7}, {256, 8}, {512, 9},
        {1024, 10}, {2048, 9}, {2560, 8}, {2816, 7}, {2944, 5}, {2976, 4}, {2992, 3}, {3000, 1}, {3002, 0}};
    EXPECT_EQ(drain(pool.b), want);
    EXPECT_EQ(pool.b.nr_free(), 0u);
}

// Every block alloc returns is aligned to its size in absolute pfns, even when the range starts unaligned.
TEST(Buddy, NaturalAlignment)
{
    Pool pool(0x12345, 5000);
    pool.b.free_range(0x12345, 5000);
    for (unsigned order = 0; order < BuddyAllocator::MAX_ORDER; order++) {
        page* p = pool.b.alloc(order);
        if (!p)
            continue;
        u64 pfn = pool.b.pfn(p);
        EXPECT_EQ(pfn % (1ULL << order), 0u) << "order " << order;
        EXPECT_TRUE(pool.b.contains(pfn) && pool.b.contains(pfn + (1ULL << order) - 1)) << "order " << order;
        EXPECT_FALSE(p->flags & PG_buddy);
    }
}

// Splitting a block and freeing the halves merges it back into one block.
TEST(Buddy, SplitAndMerge)
{
    Pool pool(0, 16);
    pool.b.free_range(0, 16);
    std::vector<page*> ones;
    for (int i = 0; i < 16; i++) {
        page* p = pool.b.alloc(0);
        ASSERT_NE(p, nullptr);
        ones.push_back(p);
        EXPECT_EQ(pool.b.nr_free(), 15u - static_cast<u64>(i));
    }
    EXPECT_EQ(pool.b.alloc(0), nullptr);
    std::set<u64> pfns;
    for (page* p : ones)
        pfns.insert(pool.b.pfn(p));
    EXPECT_EQ(pfns.size(), 16u);
    // Free in an order that merges only at the end.
    for (int i : {0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15})
        pool.b.free(&pool.pages[static_cast<size_t>(i)], 0);
    EXPECT_EQ(pool.b.nr_free(), 16u);
    EXPECT_EQ(drain(pool.b), (std::vector<std::pair<u64, unsigned>>{{0, 4}}));
}

// Blocks of mixed orders come from disjoint frames and free back to the original state.
TEST(Buddy, MixedOrders)
{
    Pool pool(0, 64);
    pool.b.free_range(0, 64);
    page* a = pool.b.alloc(0);
    page* c = pool.b.alloc(3);
    page* d = pool.b.alloc(1);
    page* e = pool.b.alloc(4);
    ASSERT_TRUE(a && c && d && e);
    EXPECT_EQ(pool.b.nr_free(), 64u - 1 - 8 - 2 - 16);
    std::vector<std::pair<u64, u64>> spans = {{pool.b.pfn(a), 1}, {pool.b.pfn(c), 8}, {pool.b.pfn(d), 2},
                                              {pool.b.pfn(e), 16}};
    std::sort(spans.begin(), spans.end());
    for (size_t i = 1; i < spans.size(); i++)
        EXPECT_LE(spans[i - 1].first + spans[i - 1].second, spans[i].first);
    pool.b.free(d, 1);
    pool.b.free(a, 0);
    pool.b.free(e, 4);
    pool.b.free(c, 3);
    EXPECT_EQ(pool.b.nr_free(), 64u);
    EXPECT_EQ(drain(pool.b), (std::vector<std::pair<u64, unsigned>>{{0, 6}}));
}

// Frames 1 and 2 are not buddies: a two-frame range starting at pfn 1 has no order-1 block.
TEST(Buddy, NoMergeAcrossAlignment)
{
    Pool pool(1, 2);
    pool.b.free_range(1, 2);
    EXPECT_EQ(pool.b.alloc(1), nullptr);
    page* x = pool.b.alloc(0);
    page* y = pool.b.alloc(0);
    ASSERT_TRUE(x && y);
    pool.b.free(x, 0);
    pool.b.free(y, 0);
    EXPECT_EQ(pool.b.alloc(1), nullptr);
    EXPECT_EQ(pool.b.nr_free(), 2u);
}

// Frames never handed over stay out: no allocation from them, no merging with them.
TEST(Buddy, ReservedFramesStayOut)
{
    Pool pool(0, 64);
    pool.b.free_range(8, 8); // frames 8..15 only
    EXPECT_EQ(pool.b.nr_free(), 8u);
    EXPECT_EQ(pool.b.alloc(4), nullptr);
    page* p = pool.b.alloc(3);
    ASSERT_EQ(p, &pool.pages[8]);
    pool.b.free(p, 3);
    EXPECT_EQ(drain(pool.b), (std::vector<std::pair<u64, unsigned>>{{8, 3}}));
    for (size_t i = 0; i < 64; i++)
        EXPECT_EQ(static_cast<bool>(pool.pages[i].flags & PG_reserved), i < 8 || i >= 16) << i;
}

// Two free_range calls on adjacent halves merge into the full block.
TEST(Buddy, AdjacentRangesMerge)
{
    Pool pool(0, 32);
    pool.b.free_range(16, 16);
    pool.b.free_range(0, 16);
    EXPECT_EQ(drain(pool.b), (std::vector<std::pair<u64, unsigned>>{{0, 5}}));
}

// Seeded random alloc/free over an odd range: no frame is handed out twice,
// blocks are aligned and inside the range, nr_free is exact, and freeing
// everything restores the state free_range left.
TEST(Buddy, RandomStress)
{
    const u64 first = 777, n = 4321;
    Pool pool(first, n);
    pool.b.free_range(first, n);
    Pool fresh(first, n);
    fresh.b.free_range(first, n);

    std::mt19937 rng(20240607);
    std::vector<int> owner(n, -1); // which live allocation holds each frame
    struct Live {
        page* p;
        unsigned order;
    };
    std::vector<Live> live;
    u64 used = 0;
    int failures = 0;
    for (int step = 0; step < 20000; step++) {
        bool do_alloc = live.empty() || std::uniform_int_distribution<int>(0, 99)(rng) < 55;
        if (do_alloc) {
            unsigned order = std::uniform_int_distribution<unsigned>(0, 6)(rng);
            if (order == 6)
                order = std::uniform_int_distribution<unsigned>(7, BuddyAllocator::MAX_ORDER - 1)(rng);
            page* p = pool.b.alloc(order);
            if (!p) {
                // With every buddy merged, failure means no free, aligned 2^order span is left.
                failures++;
                u64 size = 1ULL << order;
                for (u64 base = (first + size - 1) / size * size; base + size <= first + n; base += size)
                    ASSERT_FALSE(std::all_of(&owner[base - first], &owner[base - first] + size,
                                             [](int o) { return o < 0; }))
                        << "alloc(" << order << ") failed but pfn " << base << " starts a free span";
                continue;
            }
            u64 pfn = pool.b.pfn(p);
            ASSERT_EQ(pfn % (1ULL << order), 0u);
            ASSERT_TRUE(pool.b.contains(pfn) && pool.b.contains(pfn + (1ULL << order) - 1));
            for (u64 i = 0; i < (1ULL << order); i++) {
                ASSERT_EQ(owner[pfn - first + i], -1) << "frame " << pfn + i << " handed out twice";
                owner[pfn - first + i] = step;
            }
            live.push_back({p, order});
            used += 1ULL << order;
        } else {
            size_t k = std::uniform_int_distribution<size_t>(0, live.size() - 1)(rng);
            Live l = live[k];
            live[k] = live.back();
            live.pop_back();
            u64 pfn = pool.b.pfn(l.p);
            for (u64 i = 0; i < (1ULL << l.order); i++)
                owner[pfn - first + i] = -1;
            pool.b.free(l.p, l.order);
            used -= 1ULL << l.order;
        }
        ASSERT_EQ(pool.b.nr_free(), n - used) << "step " << step;
    }
    EXPECT_GT(failures, 0) << "the run should reach exhaustion at some point";
    for (auto& l : live)
        pool.b.free(l.p, l.order);
    EXPECT_EQ(pool.b.nr_free(), n);
    EXPECT_EQ(drain(pool.b), drain(fresh.b));
}

// Order-0 allocations exhaust exactly nr_free frames, all distinct, then fail.
TEST(Buddy, Exhaustion)
{
    Pool pool(5, 100);
    pool.b.free_range(5, 100);
    std::set<u64> got;
    while (page* p = pool.b.alloc(0))
        got.insert(pool.b.pfn(p));
    EXPECT_EQ(got.size(), 100u);
    EXPECT_EQ(*got.begin(), 5u);
    EXPECT_EQ(*got.rbegin(), 104u);
    EXPECT_EQ(pool.b.nr_free(), 0u);
    EXPECT_EQ(pool.b.alloc(0), nullptr);
}

} // namespace
