// lib/bitmap.h and lib/hashtable.h against reference models (std::set,
// std::multimap) under random operations, invariants checked at every step.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <vector>

#include "lib/bitmap.h"
#include "lib/hashtable.h"

namespace {

TEST(Bitmap, FindNextOnEdges)
{
    unsigned long w[3] = {0, 0, 0};
    EXPECT_EQ(find_next_bit(w, 150, 0), 150u);
    EXPECT_EQ(find_next_zero_bit(w, 150, 0), 0u);
    __set_bit(63, w);
    __set_bit(64, w);
    __set_bit(149, w);
    EXPECT_EQ(find_next_bit(w, 150, 0), 63u);
    EXPECT_EQ(find_next_bit(w, 150, 64), 64u);
    EXPECT_EQ(find_next_bit(w, 150, 65), 149u);
    EXPECT_EQ(find_next_bit(w, 149, 65), 149u);  // bit 149 is past a size of 149
    EXPECT_EQ(find_next_zero_bit(w, 150, 63), 65u);
    EXPECT_EQ(find_next_bit(w, 150, 150), 150u);
    __clear_bit(64, w);
    EXPECT_FALSE(test_bit(64, w));
    EXPECT_TRUE(test_bit(63, w));
}

// The summary bitmap as an fd table uses it: lowest free slot at or after a
// start, against a std::set of used slots.
TEST(SummaryBitmap, LowestFreeMatchesTheModel)
{
    for (size_t nbits : {1u, 63u, 64u, 65u, 1000u, 4096u, 4097u, 70000u}) {
        std::vector<unsigned long> bits(BITS_TO_LONGS(nbits)), full(BITS_TO_LONGS(BITS_TO_LONGS(nbits)));
        summary_bitmap b{bits.data(), full.data(), nbits};
        std::set<size_t> used;
        std::mt19937 rng{unsigned(nbits)};
        auto model_next_free = [&](size_t from) {
            for (size_t i = from; i < nbits; i++)
                if (!used.count(i))
                    return i;
            return nbits;
        };
        int steps = nbits > 10000 ? 3000 : 20000;
        for (int step = 0; step < steps; step++) {
            int op = rng() % 3;
            if (op == 0) {
                // Allocate the lowest free slot at or after a start (dup2-like or 0).
                size_t from = rng() % 4 ? 0 : rng() % nbits;
                size_t got = b.find_next_zero(from);
                ASSERT_EQ(got, model_next_free(from)) << "nbits " << nbits << " step " << step;
                if (got < nbits) {
                    b.set(got);
                    used.insert(got);
                }
            } else if (op == 1 && !used.empty()) {
                auto it = used.begin();
                std::advance(it, rng() % used.size());
                b.clear(*it);
                used.erase(it);
            } else {
                size_t i = rng() % nbits;
                ASSERT_EQ(b.test(i), used.count(i) > 0);
            }
            // The summary marks exactly the full words.
            if (step % 64 == 0) {
                for (size_t w = 0; w < bits.size(); w++)
                    ASSERT_EQ(test_bit(w, full.data()), bits[w] == ~0UL) << "word " << w;
            }
        }
    }
}

TEST(SummaryBitmap, FullTableAndRefill)
{
    size_t nbits = 4096;
    std::vector<unsigned long> bits(BITS_TO_LONGS(nbits)), full(BITS_TO_LONGS(BITS_TO_LONGS(nbits)));
    summary_bitmap b{bits.data(), full.data(), nbits};
    for (size_t i = 0; i < nbits; i++) {
        ASSERT_EQ(b.find_next_zero(0), i);
        b.set(i);
    }
    EXPECT_EQ(b.find_next_zero(0), nbits);
    b.clear(4000);
    EXPECT_EQ(b.find_next_zero(0), 4000u);
    EXPECT_EQ(b.find_next_zero(4001), nbits);
    b.clear(5);
    EXPECT_EQ(b.find_next_zero(0), 5u);
    EXPECT_EQ(b.find_next_zero(6), 4000u);
}

struct Entry {
    uint64_t key;
    hlist_node node;
};

TEST(HashTable, ChainsMatchTheModel)
{
    for (unsigned bits : {0u, 1u, 4u, 10u}) {
        std::vector<hlist_head> heads(size_t(1) << bits);
        hash_table t{heads.data(), bits};
        std::vector<Entry> entries(2000);
        std::vector<bool> in(entries.size());
        std::multimap<uint64_t, Entry*> model;
        std::mt19937_64 rng(bits + 1);
        for (int step = 0; step < 20000; step++) {
            size_t i = rng() % entries.size();
            Entry& e = entries[i];
            if (!in[i]) {
                e.key = rng() % 700;
                t.add(&e.node, e.key);
                in[i] = true;
                model.emplace(e.key, &e);
                ASSERT_FALSE(e.node.unhashed());
            } else if (rng() % 2) {
                hash_table::del(&e.node);
                ASSERT_TRUE(e.node.unhashed());
                in[i] = false;
                for (auto it = model.lower_bound(e.key); it != model.end(); ++it)
                    if (it->second == &e) {
                        model.erase(it);
                        break;
                    }
            }
            // A lookup finds exactly the model's entries with the key.
            uint64_t k = rng() % 700;
            std::multiset<Entry*> found, want;
            hlist_for_each_safe(pos, t.bucket(k)) {
                Entry* x = hlist_entry(pos, Entry, node);
                if (x->key == k)
                    found.insert(x);
            }
            auto [lo, hi] = model.equal_range(k);
            for (auto it = lo; it != hi; ++it)
                want.insert(it->second);
            ASSERT_EQ(found, want) << "bits " << bits << " step " << step;
        }
        // Every chain's back links are consistent, and the counts add up.
        size_t total = 0;
        for (auto& h : heads) {
            hlist_node** expect = &h.first;
            for (hlist_node* n = h.first; n; n = n->next) {
                ASSERT_EQ(n->pprev, expect);
                expect = &n->next;
                total++;
            }
        }
        EXPECT_EQ(total, model.size());
    }
}

TEST(HashTable, HashesSpreadAndDependOnTheSalt)
{
    int a = 0, b = 0;
    EXPECT_NE(full_name_hash(&a, "name", 4), full_name_hash(&b, "name", 4));
    EXPECT_NE(full_name_hash(&a, "name", 4), full_name_hash(&a, "namf", 4));
    EXPECT_EQ(full_name_hash(&a, "name", 4), full_name_hash(&a, "name", 4));
    // Sequential keys (pids, inode numbers) fill a 10-bit table evenly.
    std::vector<int> count(1024);
    for (uint64_t k = 0; k < 1024 * 8; k++)
        count[hash_64(k, 10)]++;
    for (int c : count)
        EXPECT_LE(c, 24);
    EXPECT_EQ(hash_64(12345, 0), 0u);
}

} // namespace
