/*
 * An intrusive red-black tree, with Linux's names (rb_node, rb_root,
 * rb_link_node, rb_insert_color, rb_erase, rb_first, rb_next, rb_add,
 * rb_find) so code reads as it does beside include/linux/rbtree.h.
 *
 * The tree allocates nothing: a node lives inside the object it orders (a
 * vm_area_struct, a timer...), found again with rb_entry(). Rebalancing is
 * O(log n) for insert and erase.
 *
 * Augmented trees keep a value per node computed from the node and its two
 * children (the largest free gap below a mapping, a subtree's size...). The
 * template parameter Aug supplies
 *
 *     static void recompute(rb_node* n);   // n's value from n and its children
 *
 * and the tree calls it wherever a subtree's contents change: on the nodes a
 * rotation moves, and on the path from a changed leaf to the root. A node's
 * children are always recomputed before the node. rb_no_augment does nothing.
 * After changing a node's own contribution in place (a mapping that grew),
 * call rb_propagate<Aug>(node).
 *
 * Colour and parent are two fields rather than one packed word: the tree is
 * meant to be read.
 */
#pragma once
#include <stddef.h>

struct rb_node {
    rb_node* parent = nullptr;
    rb_node* left = nullptr;
    rb_node* right = nullptr;
    bool red = false;
};

struct rb_root {
    rb_node* node = nullptr;
    bool empty() const { return node == nullptr; }
};

/* The object of type T whose member `member` is the rb_node at p (p may be null). */
#define rb_entry(p, T, member) \
    ((p) ? reinterpret_cast<T*>(reinterpret_cast<char*>(p) - offsetof(T, member)) : nullptr)

struct rb_no_augment {
    static void recompute(rb_node*) {}
};

/* In-order walks. */
inline rb_node* rb_first(const rb_root* root)
{
    rb_node* n = root->node;
    if (!n)
        return nullptr;
    while (n->left)
        n = n->left;
    return n;
}

inline rb_node* rb_last(const rb_root* root)
{
    rb_node* n = root->node;
    if (!n)
        return nullptr;
    while (n->right)
        n = n->right;
    return n;
}

inline rb_node* rb_next(const rb_node* n)
{
    if (n->right) {
        rb_node* m = n->right;
        while (m->left)
            m = m->left;
        return m;
    }
    while (n->parent && n == n->parent->right)
        n = n->parent;
    return n->parent;
}

inline rb_node* rb_prev(const rb_node* n)
{
    if (n->left) {
        rb_node* m = n->left;
        while (m->right)
            m = m->right;
        return m;
    }
    while (n->parent && n == n->parent->left)
        n = n->parent;
    return n->parent;
}

/* Puts node at *link (a null child pointer of parent, or the root's) as a red leaf. */
inline void rb_link_node(rb_node* node, rb_node* parent, rb_node** link)
{
    node->parent = parent;
    node->left = node->right = nullptr;
    node->red = true;
    *link = node;
}

namespace rb_detail {

/* The pointer that holds `old` (its parent's child field or the root) now holds `now`. */
inline void replace_child(rb_root* root, rb_node* parent, rb_node* old, rb_node* now)
{
    if (!parent)
        root->node = now;
    else if (parent->left == old)
        parent->left = now;
    else
        parent->right = now;
}

/* x's right child y takes x's place; x becomes y's left child. */
template <class Aug>
void rotate_left(rb_root* root, rb_node* x)
{
    rb_node* y = x->right;
    x->right = y->left;
    if (y->left)
        y->left->parent = x;
    y->parent = x->parent;
    replace_child(root, x->parent, x, y);
    y->left = x;
    x->parent = y;
    Aug::recompute(x);
    Aug::recompute(y);
}

/* x's left child y takes x's place; x becomes y's right child. */
template <class Aug>
void rotate_right(rb_root* root, rb_node* x)
{
    rb_node* y = x->left;
    x->left = y->right;
    if (y->right)
        y->right->parent = x;
    y->parent = x->parent;
    replace_child(root, x->parent, x, y);
    y->right = x;
    x->parent = y;
    Aug::recompute(x);
    Aug::recompute(y);
}

inline bool is_red(const rb_node* n) { return n && n->red; }

} // namespace rb_detail

/* Recomputes the augmented values from n up to the root. */
template <class Aug>
void rb_propagate(rb_node* n)
{
    for (; n; n = n->parent)
        Aug::recompute(n);
}

/* Rebalances after rb_link_node(node, ...). */
template <class Aug = rb_no_augment>
void rb_insert_color(rb_node* node, rb_root* root)
{
    using namespace rb_detail;
    rb_propagate<Aug>(node);
    rb_node* n = node;
    while (is_red(n->parent)) {
        rb_node* p = n->parent;
        rb_node* g = p->parent; /* exists: the root is black */
        bool p_is_left = g->left == p;
        rb_node* uncle = p_is_left ? g->right : g->left;
        if (is_red(uncle)) {
            /* Recolour and continue from the grandparent. */
            p->red = false;
            uncle->red = false;
            g->red = true;
            n = g;
            continue;
        }
        if (p_is_left) {
            if (n == p->right) {
                rotate_left<Aug>(root, p);
                n = p;
                p = n->parent;
            }
            p->red = false;
            g->red = true;
            rotate_right<Aug>(root, g);
        } else {
            if (n == p->left) {
                rotate_right<Aug>(root, p);
                n = p;
                p = n->parent;
            }
            p->red = false;
            g->red = true;
            rotate_left<Aug>(root, g);
        }
        break;
    }
    root->node->red = false;
}

/* Removes node from the tree (it must be in it) and rebalances. */
template <class Aug = rb_no_augment>
void rb_erase(rb_node* node, rb_root* root)
{
    using namespace rb_detail;
    rb_node* child;        /* the node that moves up into the removed position */
    rb_node* child_parent; /* its parent after the removal (child may be null) */
    bool removed_red;      /* colour of the position that disappeared */

    if (!node->left || !node->right) {
        child = node->left ? node->left : node->right;
        child_parent = node->parent;
        removed_red = node->red;
        replace_child(root, node->parent, node, child);
        if (child)
            child->parent = child_parent;
        rb_propagate<Aug>(child_parent);
    } else {
        /* The successor (leftmost of the right subtree) takes node's place and colour. */
        rb_node* succ = node->right;
        while (succ->left)
            succ = succ->left;
        removed_red = succ->red;
        child = succ->right;
        if (succ->parent == node) {
            child_parent = succ;
        } else {
            child_parent = succ->parent;
            child_parent->left = child;
            if (child)
                child->parent = child_parent;
            succ->right = node->right;
            node->right->parent = succ;
        }
        succ->left = node->left;
        node->left->parent = succ;
        succ->parent = node->parent;
        succ->red = node->red;
        replace_child(root, node->parent, node, succ);
        rb_propagate<Aug>(child_parent);
    }
    node->parent = node->left = node->right = nullptr;
    if (removed_red)
        return;

    /* A black position was removed: the path through `child` is one black short. */
    rb_node* x = child;
    rb_node* p = child_parent;
    while (x != root->node && !is_red(x)) {
        if (x == p->left) {
            rb_node* s = p->right; /* exists: p's right path has a black to spare */
            if (s->red) {
                s->red = false;
                p->red = true;
                rotate_left<Aug>(root, p);
                s = p->right;
            }
            if (!is_red(s->left) && !is_red(s->right)) {
                s->red = true;
                x = p;
                p = x->parent;
                continue;
            }
            if (!is_red(s->right)) {
                s->left->red = false;
                s->red = true;
                rotate_right<Aug>(root, s);
                s = p->right;
            }
            s->red = p->red;
            p->red = false;
            s->right->red = false;
            rotate_left<Aug>(root, p);
        } else {
            rb_node* s = p->left;
            if (s->red) {
                s->red = false;
                p->red = true;
                rotate_right<Aug>(root, p);
                s = p->left;
            }
            if (!is_red(s->left) && !is_red(s->right)) {
                s->red = true;
                x = p;
                p = x->parent;
                continue;
            }
            if (!is_red(s->left)) {
                s->right->red = false;
                s->red = true;
                rotate_left<Aug>(root, s);
                s = p->left;
            }
            s->red = p->red;
            p->red = false;
            s->left->red = false;
            rotate_right<Aug>(root, p);
        }
        x = root->node;
        break;
    }
    if (x)
        x->red = false;
}

/* Puts `old`'s position, colour and children on `now` (same key); old leaves the tree. */
template <class Aug = rb_no_augment>
void rb_replace_node(rb_node* old, rb_node* now, rb_root* root)
{
    *now = *old;
    if (old->left)
        old->left->parent = now;
    if (old->right)
        old->right->parent = now;
    rb_detail::replace_child(root, old->parent, old, now);
    old->parent = old->left = old->right = nullptr;
    rb_propagate<Aug>(now);
}

/*
 * Inserts node in order: less(a, b) says whether a sorts before b. Equal keys
 * go after the ones already there.
 */
template <class Aug = rb_no_augment, class Less>
void rb_add(rb_node* node, rb_root* root, Less less)
{
    rb_node** link = &root->node;
    rb_node* parent = nullptr;
    while (*link) {
        parent = *link;
        link = less(node, parent) ? &parent->left : &parent->right;
    }
    rb_link_node(node, parent, link);
    rb_insert_color<Aug>(node, root);
}

/*
 * The node whose key equals key: cmp(key, node) < 0 when key sorts before
 * node, > 0 after, 0 when equal.
 */
template <class Key, class Cmp>
rb_node* rb_find(const Key& key, const rb_root* root, Cmp cmp)
{
    rb_node* n = root->node;
    while (n) {
        int c = cmp(key, n);
        if (c == 0)
            return n;
        n = c < 0 ? n->left : n->right;
    }
    return nullptr;
}

/* The first node (in order) for which cmp(key, node) <= 0: a lower bound. */
template <class Key, class Cmp>
rb_node* rb_find_first_ge(const Key& key, const rb_root* root, Cmp cmp)
{
    rb_node* n = root->node;
    rb_node* best = nullptr;
    while (n) {
        if (cmp(key, n) <= 0) {
            best = n;
            n = n->left;
        } else {
            n = n->right;
        }
    }
    return best;
}
