/* eventfd for the kernel's own users (fs/eventfd.cpp): AIO signals the
 * descriptor a request names in aio_resfd (fs/aio_submit.cpp). */
#pragma once
#include <linux/fs.h>

/* The eventfd file behind fd, counted (fput it): EBADF for no file, EINVAL
 * for a file that is not an eventfd (Linux's eventfd_ctx_fdget). */
[[nodiscard]] Result<file*> eventfd_fget(int fd);
/* Adds n to the counter (up to ULLONG_MAX, never waiting) and wakes its
 * readers and pollers (Linux's eventfd_signal). */
void eventfd_signal(file* f, u64 n);
