/*
 * Delivering file system events (Linux's fs/notify/fsnotify.c): an event
 * on an inode goes to the watches on its directory first, with the child's
 * name, then to the watches on the inode itself, as Linux orders them.
 * Only events a directory's watch may see about its children are sent up
 * (access, modify, attrib, open, close). The hooks are in
 * include/linux/fsnotify.h.
 */
#include "inotify.h"

#include <linux/smp_lock.h>

namespace {

constexpr u32 FS_EVENTS_POSS_ON_CHILD =
    FS_ACCESS | FS_MODIFY | FS_ATTRIB | FS_CLOSE_WRITE | FS_CLOSE_NOWRITE | FS_OPEN;

u32 next_cookie; /* rename's cookies, under the kernel lock */

/* Every mark of the inode, each with the event; a mark may end while it is
 * handled (IN_ONESHOT), so the next is read first. */
void send(inode* i, u32 mask, const char* name, u32 cookie, bool unlinked)
{
    hlist_for_each_safe(pos, &i->i_fsnotify_marks)
        inotify_handle_event(hlist_entry(pos, fsnotify_mark, i_list), mask, name, cookie, unlinked);
}

/* The hooks may come from read and write of pipes, which run without the
 * kernel lock; the marks are under it. */
class [[nodiscard]] notify_lock {
public:
    notify_lock() { lock_kernel(); }
    ~notify_lock() { unlock_kernel(); }
    notify_lock(const notify_lock&) = delete;
    notify_lock& operator=(const notify_lock&) = delete;
};

} // namespace

u32 fsnotify_get_cookie() { return ++next_cookie; }

void __fsnotify_parent(dentry* d, u32 mask)
{
    notify_lock g;
    inode* i = d->d_inode;
    if (!i)
        return;
    mask |= fsnotify_isdir(i);
    dentry* parent = d->d_parent;
    if (parent && parent != d && fsnotify_watched(parent->d_inode) && (mask & FS_EVENTS_POSS_ON_CHILD))
        send(parent->d_inode, mask, d->d_name, 0, d->d_unlinked);
    if (fsnotify_watched(i))
        send(i, mask, nullptr, 0, false);
}

void __fsnotify_name(inode* dir, u32 mask, const char* name, u32 cookie)
{
    notify_lock g;
    send(dir, mask, name, cookie, false);
}

void __fsnotify_inode(inode* i, u32 mask, u32 cookie)
{
    notify_lock g;
    send(i, mask | fsnotify_isdir(i), nullptr, cookie, false);
}

void __fsnotify_inoderemove(inode* i)
{
    notify_lock g;
    send(i, FS_DELETE_SELF, nullptr, 0, false);
    hlist_for_each_safe(pos, &i->i_fsnotify_marks)
        inotify_remove_mark(hlist_entry(pos, fsnotify_mark, i_list));
}
