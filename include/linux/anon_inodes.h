/* Files with no name in any directory (fs/anon_inodes.cpp): eventfd, epoll,
 * socketpair's sockets. */
#pragma once
#include <linux/fs.h>

/* A new file on an inode of its own, named "anon_inode:NAME" in
 * /proc/PID/fd, installed at the lowest free descriptor. `priv` becomes its
 * private_data. On failure (EMFILE, ENOMEM) no file is made and the caller
 * still owns priv. */
Result<int> anon_inode_getfd(const char* name, const file_operations* fops, void* priv, unsigned flags);
/* The same file, not installed (the caller fd_installs it, or fputs it). */
Result<file*> anon_inode_getfile(const char* name, const file_operations* fops, void* priv, unsigned flags);
