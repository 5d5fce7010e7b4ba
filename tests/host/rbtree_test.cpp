// lib/rbtree.h against a reference model (std::multiset) under random
// inserts, erases, replacements and lookups, every invariant checked after
// every step: order, parent links, the red-black rules, and two augmented
// values (subtree size and the largest "gap" in the subtree).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <vector>

#include "lib/rbtree.h"

namespace {

struct Item {
    long key = 0;
    long gap = 0;      // this item's own contribution
    rb_node rb;
    size_t size = 1;   // augmented: nodes in the subtree
    long max_gap = 0;  // augmented: largest gap in the subtree
    bool in_tree = false;
};

Item* item(rb_node* n) { return rb_entry(n, Item, rb); }

struct Aug {
    static void recompute(rb_node* n)
    {
        Item* it = item(n);
        it->size = 1;
        it->max_gap = it->gap;
        for (rb_node* c : {n->left, n->right}) {
            if (c) {
                it->size += item(c)->size;
                it->max_gap = std::max(it->max_gap, item(c)->max_gap);
            }
        }
    }
};

bool less(rb_node* a, rb_node* b) { return item(a)->key < item(b)->key; }
int cmp(const long& k, rb_node* n) { return k < item(n)->key ? -1 : k > item(n)->key ? 1 : 0; }

// Checks the subtree at n; returns its black height. Fills keys in order.
int check(rb_node* n, rb_node* parent, std::vector<long>& keys)
{
    if (!n)
        return 1;
    EXPECT_EQ(n->parent, parent);
    if (n->red) {
        EXPECT_FALSE(n->left && n->left->red) << "red node with a red child";
        EXPECT_FALSE(n->right && n->right->red) << "red node with a red child";
    }
    int lh = check(n->left, n, keys);
    keys.push_back(item(n)->key);
    int rh = check(n->right, n, keys);
    EXPECT_EQ(lh, rh) << "black heights differ below key " << item(n)->key;
    size_t size = 1;
    long max_gap = item(n)->gap;
    for (rb_node* c : {n->left, n->right}) {
        if (c) {
            size += item(c)->size;
            max_gap = std::max(max_gap, item(c)->max_gap);
        }
    }
    EXPECT_EQ(item(n)->size, size) << "stale subtree size at key " << item(n)->key;
    EXPECT_EQ(item(n)->max_gap, max_gap) << "stale max gap at key " << item(n)->key;
    return lh + (n->red ? 0 : 1);
}

void check_tree(const rb_root& root, const std::multiset<long>& model, long model_max_gap)
{
    std::vector<long> keys;
    if (root.node) {
        EXPECT_FALSE(root.node->red) << "red root";
        EXPECT_EQ(root.node->parent, nullptr);
    }
    check(root.node, nullptr, keys);
    ASSERT_EQ(keys, std::vector<long>(model.begin(), model.end()));
    // The walks agree with the recursion.
    std::vector<long> forward, backward;
    for (rb_node* n = rb_first(&root); n; n = rb_next(n))
        forward.push_back(item(n)->key);
    for (rb_node* n = rb_last(&root); n; n = rb_prev(n))
        backward.push_back(item(n)->key);
    std::reverse(backward.begin(), backward.end());
    EXPECT_EQ(forward, keys);
    EXPECT_EQ(backward, keys);
    if (root.node) {
        EXPECT_EQ(item(root.node)->size, model.size());
        EXPECT_EQ(item(root.node)->max_gap, model_max_gap);
    }
}

TEST(RbTree, EmptyTree)
{
    rb_root root;
    EXPECT_TRUE(root.empty());
    EXPECT_EQ(rb_first(&root), nullptr);
    EXPECT_EQ(rb_last(&root), nullptr);
    EXPECT_EQ(rb_find(5L, &root, cmp), nullptr);
    EXPECT_EQ(rb_find_first_ge(5L, &root, cmp), nullptr);
}

TEST(RbTree, AscendingAndDescendingInsertsStayBalanced)
{
    for (bool ascending : {true, false}) {
        std::vector<Item> items(4096);
        rb_root root;
        for (size_t i = 0; i < items.size(); i++) {
            items[i].key = ascending ? long(i) : long(items.size() - i);
            rb_add<Aug>(&items[i].rb, &root, less);
        }
        std::vector<long> keys;
        int black_height = check(root.node, nullptr, keys);
        // A red-black tree of n nodes has height at most 2 log2(n + 1).
        EXPECT_LE(black_height, 14);
        EXPECT_EQ(keys.size(), items.size());
        EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
    }
}

TEST(RbTree, RandomOperationsMatchTheModel)
{
    for (unsigned seed = 1; seed <= 20; seed++) {
        std::mt19937 rng(seed);
        std::vector<Item> items(300);
        std::multiset<long> model;
        std::multiset<long> gaps;
        rb_root root;
        auto model_max_gap = [&] { return gaps.empty() ? 0 : *gaps.rbegin(); };
        for (int step = 0; step < 3000; step++) {
            Item& it = items[rng() % items.size()];
            int op = rng() % 4;
            if (!it.in_tree && op != 3) {
                it.key = long(rng() % 500);  // duplicates happen
                it.gap = long(rng() % 100000);
                rb_add<Aug>(&it.rb, &root, less);
                it.in_tree = true;
                model.insert(it.key);
                gaps.insert(it.gap);
            } else if (it.in_tree && op == 0) {
                rb_erase<Aug>(&it.rb, &root);
                it.in_tree = false;
                model.erase(model.find(it.key));
                gaps.erase(gaps.find(it.gap));
            } else if (it.in_tree && op == 1) {
                // Change a node's own value in place, then propagate.
                gaps.erase(gaps.find(it.gap));
                it.gap = long(rng() % 100000);
                gaps.insert(it.gap);
                rb_propagate<Aug>(&it.rb);
            } else if (it.in_tree && op == 2) {
                // Replace the node by a free one with the same key.
                for (Item& spare : items) {
                    if (!spare.in_tree) {
                        spare.key = it.key;
                        spare.gap = it.gap;
                        rb_replace_node<Aug>(&it.rb, &spare.rb, &root);
                        spare.in_tree = true;
                        it.in_tree = false;
                        break;
                    }
                }
            } else {
                long k = long(rng() % 520);
                rb_node* found = rb_find(k, &root, cmp);
                EXPECT_EQ(found != nullptr, model.count(k) > 0);
                if (found) {
                    EXPECT_EQ(item(found)->key, k);
                }
                rb_node* ge = rb_find_first_ge(k, &root, cmp);
                auto want = model.lower_bound(k);
                if (want == model.end()) {
                    EXPECT_EQ(ge, nullptr);
                } else {
                    ASSERT_NE(ge, nullptr);
                    EXPECT_EQ(item(ge)->key, *want);
                    if (rb_node* before = rb_prev(ge)) {
                        EXPECT_LT(item(before)->key, k);
                    }
                }
            }
            check_tree(root, model, model_max_gap());
            if (testing::Test::HasFailure()) {
                ADD_FAILURE() << "seed " << seed << " step " << step;
                return;
            }
        }
    }
}

TEST(RbTree, EraseEverythingInRandomOrder)
{
    std::mt19937 rng(7);
    std::vector<Item> items(2000);
    rb_root root;
    std::multiset<long> model, gaps;
    for (auto& it : items) {
        it.key = long(rng() % 100000);
        it.gap = long(rng() % 1000);
        rb_add<Aug>(&it.rb, &root, less);
        model.insert(it.key);
        gaps.insert(it.gap);
    }
    std::vector<Item*> order;
    for (auto& it : items)
        order.push_back(&it);
    std::shuffle(order.begin(), order.end(), rng);
    for (size_t i = 0; i < order.size(); i++) {
        rb_erase<Aug>(&order[i]->rb, &root);
        model.erase(model.find(order[i]->key));
        gaps.erase(gaps.find(order[i]->gap));
        if (i % 97 == 0 || model.size() < 20)
            check_tree(root, model, gaps.empty() ? 0 : *gaps.rbegin());
    }
    EXPECT_TRUE(root.empty());
}

} // namespace
