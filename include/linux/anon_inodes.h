/* Files with no name in any directory (fs/anon_inodes.cpp): eventfd, epoll,
 * socketpair's sockets. */
#pragma once
#include <linux/fs.h>

/* A new file on an inode of its own, named "anon_inode:NAME" in
 * /proc/PID/fd, installed at the lowest free descriptor. `priv` becomes its
 * private_data. If no descriptor is free, the file is released with
 * private_data null (the caller still owns priv: release must allow for
 * that) and the error returned. */
Result<int> anon_inode_getfd(const char* name, const file_operations* fops, void* priv, unsigned flags);
