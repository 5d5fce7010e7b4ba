/*
 * inotify's objects (fs/notify/): an instance (a group) behind each inotify
 * descriptor, and a watch (a mark) per watched inode and instance. Both are
 * under the kernel lock: the VFS hooks that feed them run under it (or take
 * it, from the lock-free read and write paths), and so do the system calls.
 */
#pragma once
#include <linux/fs.h>
#include <linux/fsnotify.h>

struct inotify_group;

struct fsnotify_mark {
    hlist_node i_list; /* on inode->i_fsnotify_marks */
    hlist_node g_list; /* on the group's hash by wd */
    inode* m_inode;    /* held (ihold) while the watch lives */
    inotify_group* group;
    int wd;
    u32 mask; /* IN_* events, IN_ONESHOT, IN_EXCL_UNLINK */
};

/* An event for mark's watch: queues it (fs/notify/inotify_user.cpp).
 * unlinked: the event is about a child whose name is gone. */
void inotify_handle_event(fsnotify_mark* m, u32 mask, const char* name, u32 cookie, bool unlinked);
/* The watched inode is gone: IN_IGNORED, and the watch ends. */
void inotify_remove_mark(fsnotify_mark* m);
