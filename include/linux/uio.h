/*
 * I/O buffers: iovec, and the iterators file I/O moves data through.
 *
 * The direction is part of the type, as Linux's ITER_DEST / ITER_SOURCE are
 * part of its iov_iter: a read fills an iter_dest (copy_to_iter,
 * zero_iter), a write drains an iter_source (copy_from_iter). A
 * file_operations' read_iter gets the one, write_iter the other, so a driver
 * cannot copy the wrong way, and none of them sees a user address: the
 * iterators are made from typed user pointers (or kernel buffers) and copy
 * with the routines of linux/uaccess.h. With lib/iov_iter.cpp this is part
 * of the user-memory layer (docs/syscall-trip.md, "User memory").
 *
 * A socket message (struct msghdr, linux/net.h) carries either direction
 * through the common base, iov_iter, whose copies check the direction at run
 * time (a wrong one moves nothing), as Linux's do.
 */
#pragma once
#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/uaccess.h>

struct iovec {
    unsigned long iov_base;
    size_t iov_len;
};
static_assert(sizeof(iovec) == 16 && offsetof(iovec, iov_len) == 8);
ABI_LAYOUT_DIFFERS(iovec); /* compat_iovec: 8 bytes */

constexpr int UIO_MAXIOV = 1024;

enum iter_dir : bool { ITER_DEST = false, ITER_SOURCE = true };

/* A sequence of buffers in user or kernel memory, consumed as data moves. */
class iov_iter {
public:
    size_t count() const { return count_; }
    bool faulted() const { return faulted_; }
    iter_dir data_source() const { return data_source_; }
    /* Limits what is left to n bytes. */
    void truncate(size_t n)
    {
        if (n < count_)
            count_ = n;
    }
    /* Skips n bytes (consumed elsewhere, e.g. by a copy of this iterator). */
    void advance(size_t n);

    /* For code handed either direction (a msghdr's protocol): checked here,
     * a wrong direction moves nothing. The typed iterators below skip it. */
    size_t copy_to_iter(const void* src, size_t n)
    {
        if (unlikely(data_source_ != ITER_DEST))
            return 0;
        return copy_out(src, n);
    }
    size_t copy_from_iter(void* dst, size_t n)
    {
        if (unlikely(data_source_ != ITER_SOURCE))
            return 0;
        return copy_in(dst, n);
    }

protected:
    iov_iter(iter_dir dir, const iovec* segs, size_t nr, size_t total, bool kern)
        : segs_(segs), nr_(nr), count_(total), kernel_(kern), data_source_(dir)
    {
    }
    /* One user buffer (read, write): Linux's ITER_UBUF, with its own inline
     * fast path in the copies, since most reads and writes are this. */
    iov_iter(iter_dir dir, unsigned long addr, size_t len, bool kern) : iov_iter(dir, nullptr, 1, len, kern)
    {
        single_ = {addr, len};
    }

    /* Copies up to n bytes out to / in from the buffers; returns how many
     * moved (short only at a fault). */
    size_t copy_out(const void* src, size_t n)
    {
        if (likely(!segs_ && !kernel_)) {
            n = n < count_ ? n : count_;
            return single_moved(n - raw_copy_to_user(single_.iov_base + offset_, src, n), n);
        }
        return copy_to_segs(src, n);
    }
    size_t copy_in(void* dst, size_t n)
    {
        if (likely(!segs_ && !kernel_)) {
            n = n < count_ ? n : count_;
            return single_moved(n - raw_copy_from_user(dst, single_.iov_base + offset_, n), n);
        }
        return copy_from_segs(dst, n);
    }
    size_t zero_out(size_t n);

private:
    template <typename Step>
    size_t iterate(size_t n, Step step);
    size_t copy_to_segs(const void* src, size_t n);
    size_t copy_from_segs(void* dst, size_t n);
    /* The state a walk of the single buffer would leave (seg_ stays: count_
     * says when it is used up). */
    size_t single_moved(size_t moved, size_t wanted)
    {
        offset_ += moved;
        count_ -= moved;
        if (moved < wanted)
            faulted_ = true;
        return moved;
    }

    const iovec* segs_;
    size_t nr_;
    size_t count_;
    bool kernel_;
    iter_dir data_source_;
    size_t seg_ = 0;
    size_t offset_ = 0;
    bool faulted_ = false;
    iovec single_{};
};

/* Where a read's data goes (ITER_DEST). */
class iter_dest : public iov_iter {
public:
    /* User iovecs already checked by import_iovec. */
    static iter_dest user(const iovec* segs, size_t nr, size_t total) { return {segs, nr, total, false}; }
    static iter_dest user_single(user_out_ptr<void> buf, size_t len) { return {user_addr(buf), len, false}; }
    static iter_dest kernel(void* buf, size_t len) { return {reinterpret_cast<unsigned long>(buf), len, true}; }

    size_t copy_to_iter(const void* src, size_t n) { return copy_out(src, n); }
    /* Writes zeroes (reading a hole, /dev/zero). */
    size_t zero_iter(size_t n) { return zero_out(n); }
    size_t copy_from_iter(void*, size_t) = delete; /* a destination is not read */

private:
    iter_dest(const iovec* segs, size_t nr, size_t total, bool kern) : iov_iter(ITER_DEST, segs, nr, total, kern) {}
    iter_dest(unsigned long addr, size_t len, bool kern) : iov_iter(ITER_DEST, addr, len, kern) {}
};

/* Where a write's data comes from (ITER_SOURCE). */
class iter_source : public iov_iter {
public:
    static iter_source user(const iovec* segs, size_t nr, size_t total) { return {segs, nr, total, false}; }
    static iter_source user_single(user_in_ptr<const void> buf, size_t len) { return {user_addr(buf), len, false}; }
    static iter_source kernel(const void* buf, size_t len)
    {
        return {reinterpret_cast<unsigned long>(buf), len, true};
    }

    size_t copy_from_iter(void* dst, size_t n) { return copy_in(dst, n); }
    size_t copy_to_iter(const void*, size_t) = delete; /* a source is not written */

private:
    iter_source(const iovec* segs, size_t nr, size_t total, bool kern) : iov_iter(ITER_SOURCE, segs, nr, total, kern)
    {
    }
    iter_source(unsigned long addr, size_t len, bool kern) : iov_iter(ITER_SOURCE, addr, len, kern) {}
};
