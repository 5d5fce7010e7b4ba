/*
 * Intrusive hash chains with Linux's names: hlist_head / hlist_node (a
 * singly headed, doubly linked chain whose head is one pointer, so a table of
 * heads is dense), hash_64() and hash_ptr() (multiplicative hashing by the
 * golden ratio, keeping the top bits), full_name_hash() for names, and a
 * fixed-size table over caller storage (Linux's include/linux/hashtable.h).
 *
 * Nothing here allocates or locks: a table belongs to a subsystem whose lock
 * covers it (the comment at that lock says so).
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct hlist_node {
    hlist_node* next = nullptr;
    hlist_node** pprev = nullptr; /* the pointer that points at this node */

    bool unhashed() const { return pprev == nullptr; }
};

struct hlist_head {
    hlist_node* first = nullptr;
    bool empty() const { return first == nullptr; }
};

inline void hlist_add_head(hlist_node* n, hlist_head* h)
{
    n->next = h->first;
    if (h->first)
        h->first->pprev = &n->next;
    h->first = n;
    n->pprev = &h->first;
}

/* Unlinks n (which must be on a chain) and marks it unhashed. */
inline void hlist_del_init(hlist_node* n)
{
    if (n->unhashed())
        return;
    *n->pprev = n->next;
    if (n->next)
        n->next->pprev = n->pprev;
    n->next = nullptr;
    n->pprev = nullptr;
}

#define hlist_entry(p, T, member) \
    ((p) ? reinterpret_cast<T*>(reinterpret_cast<char*>(p) - offsetof(T, member)) : nullptr)

/* Walks a chain; `pos` may be unlinked in the body (the next one is read first). */
#define hlist_for_each_safe(pos, head) \
    for (hlist_node *pos = (head)->first, *pos##_next = pos ? pos->next : nullptr; pos; \
         pos = pos##_next, pos##_next = pos ? pos->next : nullptr)

constexpr uint64_t GOLDEN_RATIO_64 = 0x61C8864680B583EBull;

/* The top `bits` bits of val times the golden ratio: spreads nearby keys apart. */
constexpr uint32_t hash_64(uint64_t val, unsigned bits)
{
    return bits == 0 ? 0 : static_cast<uint32_t>((val * GOLDEN_RATIO_64) >> (64 - bits));
}

inline uint32_t hash_ptr(const void* p, unsigned bits) { return hash_64(reinterpret_cast<uintptr_t>(p), bits); }

/*
 * A hash of `len` bytes of a name, salted (the parent directory, for the
 * dentry cache), 64 bits wide; reduce it with hash_64(h, bits).
 */
inline uint64_t full_name_hash(const void* salt, const char* name, size_t len)
{
    /* FNV-1a over the bytes, then the salt mixed in by one multiply. */
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++) {
        h ^= static_cast<unsigned char>(name[i]);
        h *= 0x100000001b3ull;
    }
    return (h ^ reinterpret_cast<uintptr_t>(salt)) * GOLDEN_RATIO_64;
}

/*
 * A table of 2^bits chains over caller storage (`heads`, 2^bits entries, all
 * empty). The chain for a key is heads[hash_64(key, bits)]; callers walk it
 * and compare their own keys.
 */
struct hash_table {
    hlist_head* heads = nullptr;
    unsigned bits = 0;

    size_t size() const { return size_t(1) << bits; }
    hlist_head* bucket(uint64_t key) const { return &heads[hash_64(key, bits)]; }
    void add(hlist_node* n, uint64_t key) { hlist_add_head(n, bucket(key)); }
    static void del(hlist_node* n) { hlist_del_init(n); }
};
