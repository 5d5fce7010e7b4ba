/*
 * File system events for inotify (fs/notify/): the VFS calls these hooks
 * where Linux's include/linux/fsnotify.h has them. An event goes to the
 * watches on the inode itself and, with the child's name, to those on the
 * directory it is in. While no watch exists a hook costs one load; then a
 * test of the inode's and its directory's lists; the rest is out of line,
 * under the kernel lock.
 */
#pragma once
#include <linux/fs.h>

/* The event bits: inotify's IN_* values, which are Linux's FS_* ones. */
constexpr u32 FS_ACCESS = 0x1, FS_MODIFY = 0x2, FS_ATTRIB = 0x4, FS_CLOSE_WRITE = 0x8, FS_CLOSE_NOWRITE = 0x10,
              FS_OPEN = 0x20, FS_MOVED_FROM = 0x40, FS_MOVED_TO = 0x80, FS_CREATE = 0x100, FS_DELETE = 0x200,
              FS_DELETE_SELF = 0x400, FS_MOVE_SELF = 0x800, FS_UNMOUNT = 0x2000, FS_Q_OVERFLOW = 0x4000,
              FS_IN_IGNORED = 0x8000, FS_ISDIR = 0x40000000;

/* The slow paths (fs/notify/fsnotify.cpp). */
void __fsnotify_parent(dentry* d, u32 mask);
void __fsnotify_name(inode* dir, u32 mask, const char* name, u32 cookie);
void __fsnotify_inode(inode* i, u32 mask, u32 cookie);
void __fsnotify_inoderemove(inode* i);
u32 fsnotify_get_cookie();

/* How many watches exist anywhere (fs/notify/inotify_user.cpp): with none,
 * as nearly always, a hook is one load and a branch. */
extern unsigned long fsnotify_nr_marks;
inline bool fsnotify_active() { return unlikely(__atomic_load_n(&fsnotify_nr_marks, __ATOMIC_RELAXED)); }
inline bool fsnotify_watched(const inode* i)
{
    return unlikely(__atomic_load_n(&fsnotify_nr_marks, __ATOMIC_RELAXED)) && i && !i->i_fsnotify_marks.empty();
}
inline u32 fsnotify_isdir(const inode* i) { return S_ISDIR(i->i_mode) ? FS_ISDIR : 0; }

/* An event on d's inode, also reported to the directory watching it. */
inline void fsnotify_dentry(dentry* d, u32 mask)
{
    if (likely(!__atomic_load_n(&fsnotify_nr_marks, __ATOMIC_RELAXED)))
        return;
    if (fsnotify_watched(d->d_inode) || (d->d_parent && fsnotify_watched(d->d_parent->d_inode)))
        __fsnotify_parent(d, mask);
}

inline void fsnotify_file(file* f, u32 mask)
{
    if (unlikely(__atomic_load_n(&fsnotify_nr_marks, __ATOMIC_RELAXED)) && f->f_path.dentry)
        fsnotify_dentry(f->f_path.dentry, mask);
}

inline void fsnotify_access(file* f) { fsnotify_file(f, FS_ACCESS); }
inline void fsnotify_modify(file* f) { fsnotify_file(f, FS_MODIFY); }
inline void fsnotify_open(file* f) { fsnotify_file(f, FS_OPEN); }
inline void fsnotify_close(file* f) { fsnotify_file(f, (f->f_mode & FMODE_WRITE) ? FS_CLOSE_WRITE : FS_CLOSE_NOWRITE); }
/* chmod, chown, utimes, xattrs (FS_ATTRIB); truncate (FS_MODIFY). */
inline void fsnotify_change(dentry* d, u32 mask) { fsnotify_dentry(d, mask); }

/* A new name in dir (create, mkdir, mknod, symlink). */
inline void fsnotify_create(inode* dir, dentry* d)
{
    if (unlikely(fsnotify_watched(dir)))
        __fsnotify_name(dir, FS_CREATE | fsnotify_isdir(d->d_inode), d->d_name, 0);
}
/* link(): the inode's count changed, and a name appeared. */
inline void fsnotify_link(inode* dir, inode* i, dentry* new_dentry)
{
    if (unlikely(fsnotify_watched(i)))
        __fsnotify_inode(i, FS_ATTRIB, 0);
    fsnotify_create(dir, new_dentry);
}
/* unlink() or rmdir() of d in dir, before d is deleted. */
inline void fsnotify_delete(inode* dir, dentry* d)
{
    inode* i = d->d_inode;
    if (unlikely(fsnotify_watched(i)) && !S_ISDIR(i->i_mode))
        __fsnotify_inode(i, FS_ATTRIB, 0); /* the link count (Linux's fsnotify_link_count) */
    if (unlikely(fsnotify_watched(dir)))
        __fsnotify_name(dir, FS_DELETE | fsnotify_isdir(i), d->d_name, 0);
}
/* rename(): one cookie ties the two halves; a replaced target's link count
 * changed (its DELETE_SELF comes when its last dentry goes). */
inline void fsnotify_move(inode* old_dir, inode* new_dir, const char* old_name, const char* new_name, inode* moved,
                          inode* target)
{
    if (likely(!fsnotify_watched(old_dir) && !fsnotify_watched(new_dir) && !fsnotify_watched(moved) &&
               !fsnotify_watched(target)))
        return;
    u32 isdir = fsnotify_isdir(moved);
    u32 cookie = fsnotify_get_cookie();
    if (fsnotify_watched(old_dir))
        __fsnotify_name(old_dir, FS_MOVED_FROM | isdir, old_name, cookie);
    if (fsnotify_watched(new_dir))
        __fsnotify_name(new_dir, FS_MOVED_TO | isdir, new_name, cookie);
    if (fsnotify_watched(target))
        __fsnotify_inode(target, FS_ATTRIB, 0);
    if (fsnotify_watched(moved))
        __fsnotify_inode(moved, FS_MOVE_SELF | isdir, 0);
}
/* The last name and the last dentry of an inode are gone (d_free): its
 * watches see DELETE_SELF, then IN_IGNORED, and end. */
inline void fsnotify_inoderemove(inode* i)
{
    if (unlikely(fsnotify_watched(i)))
        __fsnotify_inoderemove(i);
}

/* inotify's limits, /proc/sys/fs/inotify (fs/notify/inotify_user.cpp). */
extern unsigned int inotify_max_queued_events, inotify_max_user_instances, inotify_max_user_watches;
