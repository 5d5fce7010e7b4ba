/* The user-copy helpers above copy_from_user (linux/uaccess.h). */
#include <linux/string.h>
#include <linux/uaccess.h>

Result<void> copy_struct_from_user(void* dst, size_t ksize, user_in_ptr<const u8> src, size_t usize)
{
    size_t size = min(ksize, usize);
    auto* d = static_cast<u8*>(dst);
    if (usize < ksize) {
        memset(d + size, 0, ksize - size);
    } else if (usize > ksize) {
        /* Linux's check_zeroed_user, a chunk at a time. */
        u8 chunk[64];
        for (size_t off = size; off < usize;) {
            size_t n = min(sizeof(chunk), usize - off);
            TRY(copy_from_user(chunk, src + off, n));
            for (size_t i = 0; i < n; i++)
                if (chunk[i])
                    return Errno::E2BIG;
            off += n;
        }
    }
    return copy_from_user(d, src, size);
}
