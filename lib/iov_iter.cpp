/* The iterators' walk over several buffers (linux/uio.h): readv, writev,
 * sendmsg, and kernel buffers. One user buffer is copied inline there. */
#include <linux/string.h>
#include <linux/uio.h>

/* Walks n bytes of the segments, calling step(address, len) -> bytes done. */
template <typename Step>
size_t iov_iter::iterate(size_t n, Step step)
{
    size_t done = 0;
    n = min(n, count_);
    while (done < n && seg_ < nr_) {
        const iovec& seg = segs_ ? segs_[seg_] : single_;
        size_t chunk = min(seg.iov_len - offset_, n - done);
        size_t moved = chunk ? step(seg.iov_base + offset_, chunk) : 0;
        done += moved;
        offset_ += moved;
        count_ -= moved;
        if (moved < chunk) {
            faulted_ = true;
            break;
        }
        if (offset_ == seg.iov_len) {
            seg_++;
            offset_ = 0;
        }
    }
    return done;
}

size_t iov_iter::copy_to_segs(const void* src, size_t n)
{
    auto* from = static_cast<const u8*>(src);
    size_t done = 0;
    return iterate(n, [&](unsigned long addr, size_t len) {
        size_t moved;
        if (kernel_) {
            memcpy(reinterpret_cast<void*>(addr), from + done, len);
            moved = len;
        } else {
            moved = len - copyout(user_out_ptr<void>(addr), from + done, len);
        }
        done += moved;
        return moved;
    });
}

size_t iov_iter::copy_from_segs(void* dst, size_t n)
{
    auto* to = static_cast<u8*>(dst);
    size_t done = 0;
    return iterate(n, [&](unsigned long addr, size_t len) {
        size_t moved;
        if (kernel_) {
            memcpy(to + done, reinterpret_cast<const void*>(addr), len);
            moved = len;
        } else {
            moved = len - copyin(to + done, user_in_ptr<const void>(addr), len);
        }
        done += moved;
        return moved;
    });
}

void iov_iter::advance(size_t n)
{
    iterate(n, [](unsigned long, size_t len) { return len; });
}

size_t iov_iter::zero_out(size_t n)
{
    return iterate(n, [&](unsigned long addr, size_t len) {
        if (kernel_) {
            memset(reinterpret_cast<void*>(addr), 0, len);
            return len;
        }
        return len - clear_user(user_out_ptr<void>(addr), len);
    });
}
