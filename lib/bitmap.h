/*
 * Bitmaps over arrays of unsigned long, with Linux's names (__set_bit,
 * __clear_bit, test_bit, find_next_bit, find_next_zero_bit: the non-atomic
 * forms; callers hold the lock of the structure the bitmap belongs to), and a
 * two-level bitmap whose summary marks the words that are full, so the lowest
 * clear bit is found without scanning full words one by one: Linux's
 * open_fds / full_fds_bits pair in struct fdtable.
 *
 * Nothing here allocates: the storage is the caller's.
 */
#pragma once
#include <stddef.h>

constexpr size_t BITS_PER_LONG = 8 * sizeof(unsigned long);

constexpr size_t BITS_TO_LONGS(size_t nbits) { return (nbits + BITS_PER_LONG - 1) / BITS_PER_LONG; }

inline void __set_bit(size_t nr, unsigned long* addr) { addr[nr / BITS_PER_LONG] |= 1UL << (nr % BITS_PER_LONG); }
inline void __clear_bit(size_t nr, unsigned long* addr) { addr[nr / BITS_PER_LONG] &= ~(1UL << (nr % BITS_PER_LONG)); }
inline bool test_bit(size_t nr, const unsigned long* addr)
{
    return (addr[nr / BITS_PER_LONG] >> (nr % BITS_PER_LONG)) & 1;
}

namespace bitmap_detail {
/* The first set bit at or after `offset` in the words (each inverted if invert), or size. */
inline size_t find_next(const unsigned long* addr, size_t size, size_t offset, bool invert)
{
    if (offset >= size)
        return size;
    size_t i = offset / BITS_PER_LONG;
    unsigned long word = (invert ? ~addr[i] : addr[i]) & (~0UL << (offset % BITS_PER_LONG));
    size_t words = BITS_TO_LONGS(size);
    while (!word) {
        if (++i >= words)
            return size;
        word = invert ? ~addr[i] : addr[i];
    }
    size_t bit = i * BITS_PER_LONG + static_cast<size_t>(__builtin_ctzl(word));
    return bit < size ? bit : size;
}
} // namespace bitmap_detail

/* The index of the first set bit at or after offset, or size if none. */
inline size_t find_next_bit(const unsigned long* addr, size_t size, size_t offset)
{
    return bitmap_detail::find_next(addr, size, offset, false);
}

/* The index of the first clear bit at or after offset, or size if none. */
inline size_t find_next_zero_bit(const unsigned long* addr, size_t size, size_t offset)
{
    return bitmap_detail::find_next(addr, size, offset, true);
}

inline void bitmap_zero(unsigned long* addr, size_t nbits)
{
    for (size_t i = 0; i < BITS_TO_LONGS(nbits); i++)
        addr[i] = 0;
}

/*
 * A bitmap of `nbits` bits (`bits`, BITS_TO_LONGS(nbits) words) and its
 * summary (`full`, BITS_TO_LONGS(BITS_TO_LONGS(nbits)) words): bit w of the
 * summary is set exactly when word w of `bits` is all ones. find_next_zero()
 * skips 64 full words per summary word, so finding the lowest free slot among
 * n used ones costs n/4096 word reads at worst, not n/64.
 *
 * The storage is the caller's and may be moved or grown by the caller (copy
 * both arrays, clear the new tail): the object holds only the pointers.
 */
struct summary_bitmap {
    unsigned long* bits = nullptr;
    unsigned long* full = nullptr;
    size_t nbits = 0;

    bool test(size_t nr) const { return test_bit(nr, bits); }

    void set(size_t nr)
    {
        __set_bit(nr, bits);
        size_t w = nr / BITS_PER_LONG;
        if (bits[w] == ~0UL)
            __set_bit(w, full);
    }

    void clear(size_t nr)
    {
        __clear_bit(nr, bits);
        __clear_bit(nr / BITS_PER_LONG, full);
    }

    /* The lowest clear bit at or after `from`, or nbits if all are set. */
    size_t find_next_zero(size_t from) const
    {
        if (from >= nbits)
            return nbits;
        size_t words = BITS_TO_LONGS(nbits);
        size_t w = from / BITS_PER_LONG;
        /* The word holding `from` first, from `from` on; then the first word not full. */
        unsigned long free = ~bits[w] & (~0UL << (from % BITS_PER_LONG));
        if (!free) {
            w = find_next_zero_bit(full, words, w + 1);
            if (w >= words)
                return nbits;
            free = ~bits[w];
        }
        size_t bit = w * BITS_PER_LONG + static_cast<size_t>(__builtin_ctzl(free));
        return bit < nbits ? bit : nbits;
    }
};
