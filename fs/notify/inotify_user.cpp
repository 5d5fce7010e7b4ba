/*
 * inotify (Linux's fs/notify/inotify/): inotify_init1 makes an instance
 * behind a descriptor, inotify_add_watch watches an inode for some events
 * (a watch descriptor, wd, per inode and instance), and read() returns the
 * queued events as struct inotify_event records, each name padded to 16
 * bytes. An event equal to the last one queued is dropped; past
 * max_queued_events one IN_Q_OVERFLOW stands for the rest; a watch that
 * ends (inotify_rm_watch, IN_ONESHOT, its inode deleted) queues IN_IGNORED.
 * Instances and watches count against the owner's max_user_instances and
 * max_user_watches (/proc/sys/fs/inotify). Everything is under the kernel
 * lock (fs/notify/inotify.h).
 */
#include "inotify.h"
#include "../proc/internal.h"

#include <linux/anon_inodes.h>
#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscalls.h>

/* /proc/sys/fs/inotify (fs/proc/sysctl.cpp). */
unsigned int inotify_max_queued_events = 16384;
unsigned int inotify_max_user_instances = 128;
unsigned int inotify_max_user_watches = 8192;
unsigned long fsnotify_nr_marks; /* include/linux/fsnotify.h; changed under the kernel lock */

namespace {

constexpr u32 IN_ALL_EVENTS = FS_ACCESS | FS_MODIFY | FS_ATTRIB | FS_CLOSE_WRITE | FS_CLOSE_NOWRITE | FS_OPEN |
                              FS_MOVED_FROM | FS_MOVED_TO | FS_CREATE | FS_DELETE | FS_DELETE_SELF | FS_MOVE_SELF;
constexpr u32 IN_ONLYDIR = 0x01000000, IN_DONT_FOLLOW = 0x02000000, IN_EXCL_UNLINK = 0x04000000,
              IN_MASK_CREATE = 0x10000000, IN_MASK_ADD = 0x20000000, IN_ONESHOT = 0x80000000;
constexpr u32 ALL_INOTIFY_BITS = IN_ALL_EVENTS | FS_UNMOUNT | FS_Q_OVERFLOW | FS_IN_IGNORED | IN_ONLYDIR |
                                 IN_DONT_FOLLOW | IN_EXCL_UNLINK | IN_MASK_CREATE | IN_MASK_ADD | FS_ISDIR |
                                 IN_ONESHOT;
constexpr unsigned IN_CLOEXEC = O_CLOEXEC, IN_NONBLOCK = O_NONBLOCK;
constexpr size_t EVENT_SIZE = 16; /* struct inotify_event without its name */
constexpr unsigned WD_BUCKETS = 64;

struct inotify_event_info {
    list_head list;
    int wd;
    u32 mask, cookie;
    u32 name_len; /* the padded length read() reports, 0 without a name */
    char name[];  /* name_len bytes, the name and zeroes */
};

} // namespace

struct inotify_group {
    list_head events; /* oldest first */
    unsigned nr_events;
    size_t queued_bytes;
    bool overflowed; /* the last queued event is IN_Q_OVERFLOW */
    wait_queue_head wait;
    hlist_head wd_hash[WD_BUCKETS];
    int last_wd;
    uid_t owner; /* whose instance and watch counts it uses */
};

namespace {

/* Per-user counts of instances and watches (Linux's ucounts), few users:
 * a small table, entries kept once made. */
struct user_counts {
    uid_t uid;
    unsigned instances, watches;
};
user_counts counts[32];

user_counts* counts_of(uid_t uid)
{
    for (auto& c : counts)
        if ((c.instances || c.watches) && c.uid == uid)
            return &c;
    for (auto& c : counts)
        if (!c.instances && !c.watches) {
            c.uid = uid;
            return &c;
        }
    return nullptr;
}


inotify_group* group_of(file* f) { return static_cast<inotify_group*>(f->private_data); }

size_t event_size(const inotify_event_info* e) { return EVENT_SIZE + e->name_len; }

/* Queues an event (the caller decided it is wanted); merging and overflow
 * as Linux's fsnotify_add_event with inotify_merge. */
void queue_event(inotify_group* g, int wd, u32 mask, u32 cookie, const char* name, bool merge)
{
    size_t len = name ? strlen(name) : 0;
    u32 padded = len ? static_cast<u32>((len + 1 + EVENT_SIZE - 1) / EVENT_SIZE * EVENT_SIZE) : 0;
    if (merge && !g->events.empty()) {
        auto* last = list_entry(g->events.prev, inotify_event_info, list);
        if (last->wd == wd && last->mask == mask && last->cookie == cookie && last->name_len == padded &&
            (!len || !strcmp(last->name, name)))
            return;
    }
    if (g->nr_events >= inotify_max_queued_events) {
        if (g->overflowed)
            return;
        g->overflowed = true;
        wd = -1, mask = FS_Q_OVERFLOW, cookie = 0, len = 0, padded = 0;
    }
    auto* e = static_cast<inotify_event_info*>(kzalloc(sizeof(inotify_event_info) + padded));
    if (!e)
        return; /* Linux too loses an event it cannot allocate */
    e->wd = wd;
    e->mask = mask;
    e->cookie = cookie;
    e->name_len = padded;
    if (len)
        memcpy(e->name, name, len);
    g->events.add_tail(&e->list);
    g->nr_events++;
    g->queued_bytes += event_size(e);
    wake_up(&g->wait);
}

void destroy_mark(fsnotify_mark* m)
{
    inotify_group* g = m->group;
    queue_event(g, m->wd, FS_IN_IGNORED, 0, nullptr, false);
    hlist_del_init(&m->i_list);
    hlist_del_init(&m->g_list);
    if (user_counts* c = counts_of(g->owner); c && c->watches)
        c->watches--;
    __atomic_store_n(&fsnotify_nr_marks, fsnotify_nr_marks - 1, __ATOMIC_RELAXED);
    iput(m->m_inode);
    kfree(m);
}

fsnotify_mark* find_wd(inotify_group* g, int wd)
{
    hlist_for_each_safe(pos, &g->wd_hash[static_cast<unsigned>(wd) % WD_BUCKETS]) {
        auto* m = hlist_entry(pos, fsnotify_mark, g_list);
        if (m->wd == wd)
            return m;
    }
    return nullptr;
}

Result<size_t> inotify_read(file* f, iter_dest& to, loff_t*)
{
    inotify_group* g = group_of(f);
    while (g->events.empty()) {
        if (f->f_flags & O_NONBLOCK)
            return Errno::EAGAIN;
        if (long err = wait_event_interruptible(g->wait, !g->events.empty()))
            return static_cast<Errno>(-err);
    }
    size_t done = 0;
    while (!g->events.empty()) {
        auto* e = list_entry(g->events.next, inotify_event_info, list);
        if (event_size(e) > to.count()) {
            if (!done)
                return Errno::EINVAL; /* the buffer cannot hold the next event */
            break;
        }
        list_head::del(&e->list);
        g->nr_events--;
        g->queued_bytes -= event_size(e);
        if (e->mask == FS_Q_OVERFLOW)
            g->overflowed = false;
        struct {
            int wd;
            u32 mask, cookie, len;
        } head{e->wd, e->mask, e->cookie, e->name_len};
        bool ok = to.copy_to_iter(&head, sizeof(head)) == sizeof(head) &&
                  to.copy_to_iter(e->name, e->name_len) == e->name_len;
        kfree(e);
        if (!ok)
            return done ? Result<size_t>(done) : Errno::EFAULT;
        done += EVENT_SIZE + head.len;
    }
    return done;
}

unsigned int inotify_poll(file* f, poll_table* pt)
{
    inotify_group* g = group_of(f);
    poll_wait(f, &g->wait, pt);
    return g->events.empty() ? 0 : POLLIN | POLLRDNORM;
}

Result<long> inotify_ioctl(file* f, unsigned int cmd, unsigned long arg)
{
    constexpr unsigned FIONREAD = 0x541b;
    if (cmd != FIONREAD)
        return Errno::ENOTTY; /* Linux's inotify_ioctl answers only FIONREAD */
    TRY(put_user(static_cast<int>(group_of(f)->queued_bytes), user_out_ptr<int>(arg)));
    return 0;
}

void inotify_release(inode*, file* f)
{
    inotify_group* g = group_of(f);
    for (auto& bucket : g->wd_hash)
        hlist_for_each_safe(pos, &bucket)
            destroy_mark(hlist_entry(pos, fsnotify_mark, g_list));
    while (!g->events.empty()) {
        auto* e = list_entry(g->events.next, inotify_event_info, list);
        list_head::del(&e->list);
        kfree(e);
    }
    if (user_counts* c = counts_of(g->owner); c && c->instances)
        c->instances--;
    kfree(g);
    f->private_data = nullptr;
}

Result<loff_t> inotify_llseek(file* f, loff_t, int) { return f->f_pos; }

/* A line per watch, as Linux's inotify_fdinfo (without the file handle,
 * which needs name_to_handle_at: not implemented). */
void inotify_show_fdinfo(procfs::seqbuf& m, file* f)
{
    inotify_group* g = group_of(f);
    for (auto& bucket : g->wd_hash)
        hlist_for_each_safe(pos, &bucket) {
            auto* mk = hlist_entry(pos, fsnotify_mark, g_list);
            m.printf("inotify wd:%x ino:%lx sdev:%x mask:%x ignored_mask:0\n", mk->wd, mk->m_inode->i_ino,
                     static_cast<unsigned>(mk->m_inode->i_sb ? mk->m_inode->i_sb->s_dev : 0), mk->mask);
        }
}

} // namespace

const file_operations inotify_fops = {
    .read_iter = inotify_read,
    .write_iter = nullptr,
    .llseek = inotify_llseek,
    .ioctl = inotify_ioctl,
    .poll = inotify_poll,
    .iterate = nullptr,
    .open = nullptr,
    .release = inotify_release,
    .show_fdinfo = inotify_show_fdinfo,
};

void inotify_handle_event(fsnotify_mark* m, u32 mask, const char* name, u32 cookie, bool unlinked)
{
    if (!(mask & m->mask & IN_ALL_EVENTS))
        return;
    if (unlinked && (m->mask & IN_EXCL_UNLINK))
        return;
    if (mask & (FS_MOVE_SELF | FS_DELETE_SELF))
        mask &= ~FS_ISDIR; /* inotify never reported IN_ISDIR with these */
    queue_event(m->group, m->wd, mask, cookie, name, true);
    if (m->mask & IN_ONESHOT)
        destroy_mark(m);
}

void inotify_remove_mark(fsnotify_mark* m) { destroy_mark(m); }

namespace {

SyscallResult do_inotify_init(int flags)
{
    if (flags & ~(IN_CLOEXEC | IN_NONBLOCK))
        return Errno::EINVAL;
    uid_t uid = current_cred()->uid;
    user_counts* c = counts_of(uid);
    if (!c || c->instances >= inotify_max_user_instances)
        return Errno::EMFILE;
    auto* g = static_cast<inotify_group*>(kzalloc(sizeof(inotify_group)));
    if (!g)
        return Errno::ENOMEM;
    g->events.init();
    g->wait.head.init();
    g->owner = uid;
    auto fd = anon_inode_getfd("inotify", &inotify_fops, g, static_cast<unsigned>(flags));
    if (!fd.ok()) {
        kfree(g);
        return fd.error();
    }
    c->instances++;
    return fd.value();
}

/* The instance behind fd: EBADF, or EINVAL for another kind of file. */
Result<inotify_group*> inotify_group_of(const FdRef& f)
{
    if (!f)
        return Errno::EBADF;
    if (f->f_op != &inotify_fops)
        return Errno::EINVAL;
    return group_of(f.get());
}

} // namespace

SYSCALL_DEFINE1(inotify_init1, int, flags)
{
    return do_inotify_init(flags);
}

SYSCALL_DEFINE0(inotify_init)
{
    return do_inotify_init(0);
}

SYSCALL_DEFINE3(inotify_add_watch, int, fd, user_in_ptr<const char>, pathname, u32, mask)
{
    if (!(mask & ALL_INOTIFY_BITS))
        return Errno::EINVAL;
    if ((mask & IN_MASK_ADD) && (mask & IN_MASK_CREATE))
        return Errno::EINVAL;
    FdRef f(fd);
    inotify_group* g = TRY(inotify_group_of(f));
    unsigned lookup = ((mask & IN_DONT_FOLLOW) ? 0 : LOOKUP_FOLLOW) | ((mask & IN_ONLYDIR) ? LOOKUP_DIRECTORY : 0);
    path p = TRY(user_path_at(AT_FDCWD, pathname, lookup));
    inode* i = p.dentry->d_inode;
    int err = inode_permission(i, 4 /* MAY_READ */);
    path_put(p);
    if (err)
        return static_cast<Errno>(-err);
    u32 keep = mask & (IN_ALL_EVENTS | IN_ONESHOT | IN_EXCL_UNLINK);
    hlist_for_each_safe(pos, &i->i_fsnotify_marks) {
        auto* m = hlist_entry(pos, fsnotify_mark, i_list);
        if (m->group != g)
            continue;
        if (mask & IN_MASK_CREATE)
            return Errno::EEXIST;
        m->mask = (mask & IN_MASK_ADD) ? m->mask | keep : keep;
        return m->wd;
    }
    user_counts* c = counts_of(g->owner);
    if (!c || c->watches >= inotify_max_user_watches)
        return Errno::ENOSPC;
    auto* m = static_cast<fsnotify_mark*>(kzalloc(sizeof(fsnotify_mark)));
    if (!m)
        return Errno::ENOMEM;
    /* Watch descriptors go up and are not reused soon (Linux's cyclic idr). */
    do {
        g->last_wd = g->last_wd >= 0x7fffffff - 1 ? 1 : g->last_wd + 1;
    } while (find_wd(g, g->last_wd));
    m->wd = g->last_wd;
    m->mask = keep;
    m->group = g;
    ihold(i);
    m->m_inode = i;
    hlist_add_head(&m->i_list, &i->i_fsnotify_marks);
    hlist_add_head(&m->g_list, &g->wd_hash[static_cast<unsigned>(m->wd) % WD_BUCKETS]);
    c->watches++;
    __atomic_store_n(&fsnotify_nr_marks, fsnotify_nr_marks + 1, __ATOMIC_RELAXED);
    return m->wd;
}

SYSCALL_DEFINE2(inotify_rm_watch, int, fd, int, wd)
{
    FdRef f(fd);
    inotify_group* g = TRY(inotify_group_of(f));
    fsnotify_mark* m = find_wd(g, wd);
    if (!m)
        return Errno::EINVAL;
    destroy_mark(m);
    return 0;
}
