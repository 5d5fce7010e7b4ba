/*
 * A tree of disjoint address ranges [start, end) that answers, in O(log n),
 * the two questions an address space asks: which range holds or follows an
 * address (find_vma), and where is the highest (or lowest) free gap of a given
 * size inside a window (get_unmapped_area). Linux kept its VMAs in an
 * augmented rbtree like this one before 6.1's maple tree.
 *
 * It is lib/rbtree.h augmented with, for each subtree, its lowest start, its
 * highest end, and the largest gap between two consecutive ranges inside it:
 * all functions of the subtree alone, so the generic rotations keep them.
 *
 * The object embeds an rb_node and a range_aug; Traits says how to reach them
 * and the range's bounds:
 *
 *     struct Traits {
 *         static unsigned long start(const rb_node*);
 *         static unsigned long end(const rb_node*);
 *         static range_aug& aug(rb_node*);
 *     };
 *
 * A range whose bounds change in place (a mapping split, merged or grown)
 * must be followed by range_tree<Traits>::update(node). The tree allocates
 * nothing and has no lock: its owner's lock covers it (mm_struct's).
 */
#pragma once
#include "rbtree.h"

struct range_aug {
    unsigned long min_start; /* lowest start in the subtree */
    unsigned long max_end;   /* highest end in the subtree */
    unsigned long max_gap;   /* largest free space between two ranges of the subtree */
};

template <class Traits>
struct range_tree {
    rb_root root;

    struct augment {
        static void recompute(rb_node* n)
        {
            range_aug& a = Traits::aug(n);
            a.min_start = Traits::start(n);
            a.max_end = Traits::end(n);
            a.max_gap = 0;
            if (rb_node* l = n->left) {
                const range_aug& la = Traits::aug(l);
                a.min_start = la.min_start;
                a.max_gap = max_of(la.max_gap, Traits::start(n) - la.max_end);
            }
            if (rb_node* r = n->right) {
                const range_aug& ra = Traits::aug(r);
                a.max_end = ra.max_end;
                a.max_gap = max_of(a.max_gap, max_of(ra.max_gap, ra.min_start - Traits::end(n)));
            }
        }
    };

    bool empty() const { return root.empty(); }

    /* Inserts a range that overlaps none in the tree. */
    void insert(rb_node* n)
    {
        rb_add<augment>(n, &root, [](rb_node* a, rb_node* b) { return Traits::start(a) < Traits::start(b); });
    }

    void erase(rb_node* n) { rb_erase<augment>(n, &root); }

    /* After n's bounds changed in place (still disjoint from the others, same order). */
    static void update(rb_node* n) { rb_propagate<augment>(n); }

    /* The first range that ends above addr (holds addr, or is the next one): find_vma. */
    rb_node* find(unsigned long addr) const
    {
        rb_node* n = root.node;
        rb_node* best = nullptr;
        while (n) {
            if (Traits::end(n) > addr) {
                best = n;
                if (Traits::start(n) <= addr)
                    return n;
                n = n->left;
            } else {
                n = n->right;
            }
        }
        return best;
    }

    /* The range holding addr, or null. */
    rb_node* lookup(unsigned long addr) const
    {
        rb_node* n = find(addr);
        return n && Traits::start(n) <= addr ? n : nullptr;
    }

    /* The last range that starts below addr, or null (the one before a gap at addr). */
    rb_node* find_prev(unsigned long addr) const
    {
        rb_node* n = root.node;
        rb_node* best = nullptr;
        while (n) {
            if (Traits::start(n) < addr) {
                best = n;
                n = n->right;
            } else {
                n = n->left;
            }
        }
        return best;
    }

    /* Does any range overlap [start, end)? */
    bool overlaps(unsigned long start, unsigned long end) const
    {
        rb_node* n = find(start);
        return n && Traits::start(n) < end;
    }

    /*
     * The highest address a with low <= a, a + len <= high and [a, a + len)
     * free; false if there is none. Searches the gaps from the top: the one
     * above the last range, then the ones inside the tree (right subtrees
     * first, skipping subtrees whose largest gap is too small or which lie
     * outside the window), then the one below the first range.
     */
    bool gap_topdown(unsigned long len, unsigned long low, unsigned long high, unsigned long* out) const
    {
        return gap_search(len, low, high, true, out);
    }

    /* The lowest such address. */
    bool gap_bottomup(unsigned long len, unsigned long low, unsigned long high, unsigned long* out) const
    {
        return gap_search(len, low, high, false, out);
    }

private:
    static unsigned long max_of(unsigned long a, unsigned long b) { return a > b ? a : b; }
    static unsigned long min_of(unsigned long a, unsigned long b) { return a < b ? a : b; }

    /* One search for both directions: `top` takes the highest fit, visiting
     * gaps from the top down; otherwise the lowest, from the bottom up. */
    bool gap_search(unsigned long len, unsigned long low, unsigned long high, bool top, unsigned long* out) const
    {
        if (len == 0 || high < low || high - low < len)
            return false;
        if (!root.node)
            return fit(low, high, len, low, high, top, out);
        const range_aug& a = Traits::aug(root.node);
        unsigned long below_start = 0, below_end = a.min_start, above_start = a.max_end, above_end = ~0UL;
        /* The outer gap on the side we start from, the tree, then the other outer gap. */
        if (top ? fit(above_start, above_end, len, low, high, top, out)
                : fit(below_start, below_end, len, low, high, top, out))
            return true;
        if (search(root.node, len, low, high, top, out))
            return true;
        return top ? fit(below_start, below_end, len, low, high, top, out)
                   : fit(above_start, above_end, len, low, high, top, out);
    }

    /* The free space [gs, ge) clipped to [low, high]: room for len at its top (or bottom)? */
    static bool fit(unsigned long gs, unsigned long ge, unsigned long len, unsigned long low, unsigned long high,
                    bool top, unsigned long* out)
    {
        unsigned long s = max_of(gs, low), e = min_of(ge, high);
        if (e <= s || e - s < len)
            return false;
        *out = top ? e - len : s;
        return true;
    }

    /* Could the subtree at n hold a gap of len inside [low, high]? */
    static bool worth(const rb_node* n, unsigned long len, unsigned long low, unsigned long high)
    {
        const range_aug& a = Traits::aug(const_cast<rb_node*>(n));
        return a.max_gap >= len && a.max_end > low && a.min_start < high;
    }

    /* The gaps of n's subtree in address order are: those of its left subtree,
     * the one between the left subtree and n, the one between n and the right
     * subtree, those of the right subtree. A top-down search takes them in
     * reverse. */
    static bool search(const rb_node* n, unsigned long len, unsigned long low, unsigned long high, bool top,
                       unsigned long* out)
    {
        if (!n || !worth(n, len, low, high))
            return false;
        rb_node* l = n->left;
        rb_node* r = n->right;
        rb_node* first = top ? r : l;
        rb_node* second = top ? l : r;
        auto left_gap = [&] { return l && fit(Traits::aug(l).max_end, Traits::start(n), len, low, high, top, out); };
        auto right_gap = [&] { return r && fit(Traits::end(n), Traits::aug(r).min_start, len, low, high, top, out); };
        if (first && search(first, len, low, high, top, out))
            return true;
        if (top ? right_gap() : left_gap())
            return true;
        if (top ? left_gap() : right_gap())
            return true;
        return second && search(second, len, low, high, top, out);
    }
};
