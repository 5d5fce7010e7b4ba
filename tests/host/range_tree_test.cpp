// lib/range_tree.h against a reference model (std::map of disjoint ranges):
// random inserts, erases and in-place resizes, with find / lookup /
// find_prev / overlaps and both gap searches compared with brute force, and
// the augmented values checked after every step.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

#include "lib/range_tree.h"

namespace {

struct Area {
    unsigned long start = 0, end = 0;
    rb_node rb;
    range_aug aug{};
    bool in = false;
};

Area* area(const rb_node* n) { return rb_entry(const_cast<rb_node*>(n), Area, rb); }

struct Traits {
    static unsigned long start(const rb_node* n) { return area(n)->start; }
    static unsigned long end(const rb_node* n) { return area(n)->end; }
    static range_aug& aug(rb_node* n) { return area(n)->aug; }
};

using Tree = range_tree<Traits>;
using Model = std::map<unsigned long, unsigned long>;  // start -> end

// Recomputes the augmented values of a subtree from scratch and compares.
range_aug check(const rb_node* n)
{
    range_aug a{Traits::start(n), Traits::end(n), 0};
    if (n->left) {
        range_aug l = check(n->left);
        EXPECT_LT(l.max_end, Traits::start(n) + 1);
        a.min_start = l.min_start;
        a.max_gap = std::max(l.max_gap, Traits::start(n) - l.max_end);
    }
    if (n->right) {
        range_aug r = check(n->right);
        EXPECT_GE(r.min_start, Traits::end(n));
        a.max_end = r.max_end;
        a.max_gap = std::max({a.max_gap, r.max_gap, r.min_start - Traits::end(n)});
    }
    const range_aug& stored = area(n)->aug;
    EXPECT_EQ(stored.min_start, a.min_start);
    EXPECT_EQ(stored.max_end, a.max_end);
    EXPECT_EQ(stored.max_gap, a.max_gap);
    return a;
}

bool model_overlaps(const Model& m, unsigned long s, unsigned long e)
{
    for (auto& [ms, me] : m)
        if (ms < e && s < me)
            return true;
    return false;
}

// Brute force over the free gaps of the model, clipped to [low, high].
bool brute_gap(const Model& m, unsigned long len, unsigned long low, unsigned long high, bool top, unsigned long* out)
{
    std::vector<std::pair<unsigned long, unsigned long>> gaps;
    unsigned long prev = 0;
    for (auto& [s, e] : m) {
        gaps.emplace_back(prev, s);
        prev = e;
    }
    gaps.emplace_back(prev, ~0UL);
    bool found = false;
    for (auto [gs, ge] : gaps) {
        unsigned long s = std::max(gs, low), e = std::min(ge, high);
        if (e <= s || e - s < len)
            continue;
        unsigned long a = top ? e - len : s;
        if (!found || (top ? a > *out : a < *out))
            *out = a;
        found = true;
    }
    return found;
}

TEST(RangeTree, EmptyTreeGaps)
{
    Tree t;
    unsigned long a = 0;
    EXPECT_TRUE(t.gap_topdown(10, 100, 1000, &a));
    EXPECT_EQ(a, 990u);
    EXPECT_TRUE(t.gap_bottomup(10, 100, 1000, &a));
    EXPECT_EQ(a, 100u);
    EXPECT_FALSE(t.gap_topdown(901, 100, 1000, &a));
    EXPECT_FALSE(t.gap_topdown(0, 100, 1000, &a));
    EXPECT_EQ(t.find(5), nullptr);
}

TEST(RangeTree, RandomOperationsMatchTheModel)
{
    for (unsigned seed = 1; seed <= 12; seed++) {
        std::mt19937_64 rng(seed);
        std::vector<Area> areas(400);
        Model model;
        Tree t;
        const unsigned long space = 20000;
        for (int step = 0; step < 4000; step++) {
            Area& a = areas[rng() % areas.size()];
            int op = rng() % 5;
            if (!a.in && op < 3) {
                unsigned long s = rng() % space, e = s + 1 + rng() % 60;
                if (model_overlaps(model, s, e))
                    continue;
                a.start = s;
                a.end = e;
                t.insert(&a.rb);
                a.in = true;
                model[s] = e;
            } else if (a.in && op == 0) {
                t.erase(&a.rb);
                a.in = false;
                model.erase(a.start);
            } else if (a.in && op == 1) {
                // Grow or shrink the end in place, staying disjoint.
                unsigned long e = a.start + 1 + rng() % 80;
                auto next = model.upper_bound(a.start);
                if (next != model.end() && e > next->first)
                    e = next->first;
                a.end = e;
                model[a.start] = e;
                Tree::update(&a.rb);
            } else {
                unsigned long addr = rng() % (space + 100);
                rb_node* f = t.find(addr);
                auto it = model.upper_bound(addr);
                if (it != model.begin() && std::prev(it)->second > addr)
                    --it;
                if (it == model.end()) {
                    EXPECT_EQ(f, nullptr);
                } else {
                    ASSERT_NE(f, nullptr);
                    EXPECT_EQ(area(f)->start, it->first);
                }
                rb_node* l = t.lookup(addr);
                bool inside = it != model.end() && it->first <= addr;
                EXPECT_EQ(l != nullptr, inside);
                rb_node* p = t.find_prev(addr);
                auto pit = model.lower_bound(addr);
                if (pit == model.begin()) {
                    EXPECT_EQ(p, nullptr);
                } else {
                    EXPECT_EQ(p ? area(p)->start : ~0UL, std::prev(pit)->first);
                }
                unsigned long len = rng() % 3 ? 1 + rng() % 40 : 1 + rng() % 400;
                unsigned long low = rng() % space, high = low + rng() % (space / 2);
                EXPECT_EQ(t.overlaps(low, high + 1), model_overlaps(model, low, high + 1));
                for (bool top : {true, false}) {
                    unsigned long got = 0, want = 0;
                    bool g = top ? t.gap_topdown(len, low, high, &got) : t.gap_bottomup(len, low, high, &got);
                    bool w = brute_gap(model, len, low, high, top, &want);
                    ASSERT_EQ(g, w) << "seed " << seed << " step " << step << " top " << top;
                    if (g) {
                        ASSERT_EQ(got, want) << "seed " << seed << " step " << step << " top " << top;
                    }
                }
            }
            if (t.root.node)
                check(t.root.node);
            std::vector<unsigned long> starts;
            for (rb_node* n = rb_first(&t.root); n; n = rb_next(n))
                starts.push_back(area(n)->start);
            ASSERT_EQ(starts.size(), model.size());
            if (testing::Test::HasFailure()) {
                ADD_FAILURE() << "seed " << seed << " step " << step;
                return;
            }
        }
    }
}

// An address space's shape: 10,000 one-page mappings with one-page holes,
// then the top-down search finds the hole nearest the top in few steps.
TEST(RangeTree, ManyMappingsTopDown)
{
    const unsigned long page = 4096, n = 10000, base = 0x10000000;
    std::vector<Area> areas(n);
    Tree t;
    for (unsigned long i = 0; i < n; i++) {
        areas[i].start = base + 2 * i * page;
        areas[i].end = areas[i].start + page;
        t.insert(&areas[i].rb);
    }
    unsigned long a = 0;
    // Below the top of the mappings, a one-page hole: the highest one.
    ASSERT_TRUE(t.gap_topdown(page, base, areas[n - 1].start, &a));
    EXPECT_EQ(a, areas[n - 2].end);
    // Two pages fit only below or above everything.
    EXPECT_FALSE(t.gap_topdown(2 * page, base, areas[n - 1].end, &a));
    ASSERT_TRUE(t.gap_topdown(2 * page, base - 4 * page, areas[n - 1].end, &a));
    EXPECT_EQ(a, base - 2 * page);
    ASSERT_TRUE(t.gap_bottomup(2 * page, base, areas[n - 1].end + 2 * page, &a));
    EXPECT_EQ(a, areas[n - 1].end);
    EXPECT_EQ(t.lookup(areas[5000].start + 10), &areas[5000].rb);
    EXPECT_EQ(t.lookup(areas[5000].end), nullptr);
    EXPECT_EQ(t.find(areas[5000].end), &areas[5001].rb);
}

} // namespace
