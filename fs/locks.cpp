/*
 * File locks (Linux's fs/locks.c): flock(2) locks and fcntl record locks.
 *
 *   flock     a whole-file lock held by an open file description: shared or
 *             exclusive, dropped at LOCK_UN or when that description's last
 *             reference goes; converting is not atomic (the old lock goes
 *             first, as on Linux).
 *   POSIX     F_SETLK/F_SETLKW/F_GETLK: byte ranges held by a process (its
 *             descriptor table), merged and split as they are set; every
 *             lock of the process on the file goes when it closes any
 *             descriptor of that file. F_SETLKW detects a cycle of
 *             waiting owners (EDEADLK).
 *   OFD       F_OFD_*: the same ranges, held by the open file description.
 *
 * The two kinds never conflict with each other; POSIX and OFD locks do.
 * Every list is under file_lock_lock; waiters sleep on one queue and look
 * again at each release.
 */
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/syscalls.h>
#include <linux/uaccess.h>
#include <new>
#include <uapi/linux/fcntl.h>

namespace {

constexpr short F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;
constexpr int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8, LOCK_MAND = 32;
constexpr loff_t OFFSET_MAX = 0x7fffffffffffffffLL;

/* What a lock is; file_lock adds its place in the inode's list. */
struct lock_desc {
    const void* owner; /* POSIX: the files_struct; flock and OFD: the file */
    bool flock;        /* a flock lock (whole file) */
    bool ofd;          /* an OFD record lock */
    short type;        /* F_RDLCK or F_WRLCK */
    loff_t start, end; /* inclusive */
    pid_t pid;         /* who set it (F_GETLK's l_pid) */
    inode* ino;
};

struct file_lock : lock_desc {
    list_head node; /* in its inode's list */
    lock_desc& desc() { return *this; }
};

/* A task waiting in F_SETLKW: whose lock it waits for (deadlock detection). */
struct lock_waiter {
    list_head node;
    const void* owner;
    const void* blocker;
};

/* Protects every inode's lock list, the waiters, and inode::i_flock. */
spinlock_t file_lock_lock("file_lock_lock");
list_head waiters;
bool waiters_ready;
wait_queue_head lock_wq; /* every blocked locker, woken at every release */

list_head* locks_of(inode* i, bool create)
{
    if (!i->i_flock && create) {
        auto* l = static_cast<list_head*>(kmalloc(sizeof(list_head)));
        if (!l)
            return nullptr;
        l->init();
        i->i_flock = l;
    }
    return i->i_flock;
}

bool conflicts(const lock_desc& a, const lock_desc& b)
{
    if (a.flock != b.flock || a.owner == b.owner)
        return false;
    if (a.type != F_WRLCK && b.type != F_WRLCK)
        return false;
    return a.start <= b.end && b.start <= a.end;
}

/* The first lock of another owner that conflicts with l. Under file_lock_lock. */
file_lock* find_conflict(inode* i, const lock_desc& l)
{
    list_head* locks = locks_of(i, false);
    if (!locks)
        return nullptr;
    list_for_each(pos, locks) {
        file_lock* o = list_entry(pos, file_lock, node);
        if (conflicts(l, *o))
            return o;
    }
    return nullptr;
}

/* Would `owner` waiting for `blocker` close a cycle of waiters? (Linux's
 * posix_locks_deadlock, at most 10 steps.) Under file_lock_lock. */
bool would_deadlock(const void* owner, const void* blocker)
{
    for (int steps = 0; steps < 10 && blocker; steps++) {
        if (blocker == owner)
            return true;
        const void* next = nullptr;
        list_for_each(pos, &waiters) {
            auto* w = list_entry(pos, lock_waiter, node);
            if (w->owner == blocker) {
                next = w->blocker;
                break;
            }
        }
        blocker = next;
    }
    return false;
}

/* Record locks are kept in order of their start, as Linux keeps each
 * owner's: F_GETLK reports the lowest conflicting one. */
void insert_sorted(list_head* locks, file_lock* l)
{
    list_head* pos = locks->next;
    while (pos != locks && list_entry(pos, file_lock, node)->start <= l->start)
        pos = pos->next;
    pos->prev->add(&l->node);
}

file_lock* new_lock(const lock_desc& proto)
{
    void* mem = kmalloc(sizeof(file_lock));
    if (!mem)
        return nullptr;
    auto* l = new (mem) file_lock;
    l->desc() = proto;
    return l;
}

/*
 * Sets l for its owner: the owner's locks it overlaps (or touches, when of
 * the same type) are cut away or merged, as POSIX asks; F_UNLCK only cuts.
 * Needs at most two new entries, allocated before the list changes: ENOLCK
 * (Linux's answer) if they can't be. Under file_lock_lock.
 */
Result<void> posix_apply(inode* i, const lock_desc& l, file_lock* spare[2])
{
    list_head* locks = locks_of(i, l.type != F_UNLCK);
    if (!locks)
        return l.type == F_UNLCK ? Result<void>() : Result<void>(Errno::ENOLCK);
    loff_t start = l.start, end = l.end;
    int used = 0;
    list_for_each_safe(pos, n, locks) {
        file_lock* o = list_entry(pos, file_lock, node);
        if (o->flock || o->owner != l.owner)
            continue;
        bool same = o->type == l.type;
        /* Same type: touching ranges merge too. */
        bool touches = same && l.type != F_UNLCK &&
                       ((o->end != OFFSET_MAX && o->end + 1 == start) || (end != OFFSET_MAX && end + 1 == o->start));
        if (!touches && (o->end < start || o->start > end))
            continue;
        if (same && l.type != F_UNLCK) {
            start = min(start, o->start);
            end = max(end, o->end);
            list_del(&o->node);
            kfree(o);
            continue;
        }
        /* A different type (or an unlock): keep what lies outside [start, end]. */
        if (o->start < start && o->end > end) {
            file_lock* high = spare[used++];
            high->desc() = o->desc();
            high->start = end + 1;
            insert_sorted(locks, high);
            o->end = start - 1;
        } else if (o->start < start) {
            o->end = start - 1;
        } else if (o->end > end) {
            o->start = end + 1;
            list_del(&o->node); /* its start moved: back in order (a later visit skips it) */
            insert_sorted(locks, o);
        } else {
            list_del(&o->node);
            kfree(o);
        }
    }
    if (l.type != F_UNLCK) {
        file_lock* mine = spare[used++];
        mine->desc() = l;
        mine->start = start;
        mine->end = end;
        insert_sorted(locks, mine);
    }
    for (; used < 2; used++)
        kfree(spare[used]);
    return {};
}

/* Takes a lock, waiting for the ones in its way if `wait`; EAGAIN (flock:
 * EWOULDBLOCK, the same number) if not. */
Result<void> lock_file(inode* i, const lock_desc& l, bool wait)
{
    for (;;) {
        file_lock* spare[2] = {new_lock(l), new_lock(l)};
        if (!spare[0] || !spare[1]) {
            kfree(spare[0]);
            kfree(spare[1]);
            return Errno::ENOLCK;
        }
        lock_waiter me{};
        {
            spin_guard g(&file_lock_lock);
            if (!waiters_ready) {
                waiters.init();
                lock_wq.head.init();
                waiters_ready = true;
            }
            file_lock* blocker = l.type == F_UNLCK ? nullptr : find_conflict(i, l);
            if (!blocker) {
                if (l.flock) {
                    kfree(spare[1]);
                    list_head* locks = locks_of(i, true);
                    if (!locks) {
                        kfree(spare[0]);
                        return Errno::ENOLCK;
                    }
                    locks->add_tail(&spare[0]->node);
                    return {};
                }
                return posix_apply(i, l, spare);
            }
            kfree(spare[0]);
            kfree(spare[1]);
            if (!wait)
                return Errno::EAGAIN;
            if (!l.flock && !l.ofd && !blocker->ofd && would_deadlock(l.owner, blocker->owner))
                return Errno::EDEADLK;
            me.owner = l.owner;
            me.blocker = blocker->owner;
            waiters.add_tail(&me.node);
        }
        /* Sleep until a release, then look again. */
        wait_queue_entry e{current, {}};
        add_wait_queue(&lock_wq, &e);
        set_current_state(TASK_INTERRUPTIBLE);
        bool still;
        {
            spin_guard g(&file_lock_lock);
            still = find_conflict(i, l) != nullptr;
        }
        if (still && !signal_pending(current))
            schedule();
        set_current_state(TASK_RUNNING);
        remove_wait_queue(&lock_wq, &e);
        {
            spin_guard g(&file_lock_lock);
            list_head::del(&me.node);
        }
        if (signal_pending(current))
            return Errno::EINTR;
    }
}

void wake_lockers()
{
    if (waiters_ready)
        wake_up(&lock_wq);
}

/* Removes every lock of `owner` on i of the kind (flock or record). */
void remove_locks(inode* i, const void* owner, bool flock)
{
    bool removed = false;
    {
        spin_guard g(&file_lock_lock);
        list_head* locks = locks_of(i, false);
        if (!locks)
            return;
        list_for_each_safe(pos, n, locks) {
            file_lock* o = list_entry(pos, file_lock, node);
            if (o->owner == owner && o->flock == flock) {
                list_del(&o->node);
                kfree(o);
                removed = true;
            }
        }
    }
    if (removed)
        wake_lockers();
}

/* The byte range a struct flock names (Linux's flock_to_posix_lock). */
Result<lock_desc> to_lock(file* f, const flock_user& u, const void* owner, bool ofd)
{
    loff_t base;
    switch (u.l_whence) {
    case 0: base = 0; break;
    case 1: base = f->f_pos; break;
    case 2: base = f->f_inode->i_size; break;
    default: return Errno::EINVAL;
    }
    loff_t start;
    if (__builtin_add_overflow(base, u.l_start, &start))
        return Errno::EOVERFLOW;
    loff_t end;
    if (u.l_len > 0) {
        if (__builtin_add_overflow(start, u.l_len - 1, &end))
            return Errno::EOVERFLOW;
    } else if (u.l_len < 0) {
        end = start - 1;
        if (__builtin_add_overflow(start, u.l_len, &start))
            return Errno::EINVAL;
    } else {
        end = OFFSET_MAX;
    }
    if (start < 0)
        return Errno::EINVAL;
    if (u.l_type != F_RDLCK && u.l_type != F_WRLCK && u.l_type != F_UNLCK)
        return Errno::EINVAL;
    lock_desc l{};
    l.owner = owner;
    l.ofd = ofd;
    l.type = u.l_type;
    l.start = start;
    l.end = end;
    l.pid = ofd ? -1 : current->tgid;
    l.ino = f->f_inode;
    return l;
}

} // namespace

/* A descriptor of f is closed by the process with this table: its record
 * locks on the file go (POSIX's rule; Linux's locks_remove_posix). */
void locks_remove_posix(file* f, const files_struct* owner)
{
    if (f->f_inode && f->f_inode->i_flock)
        remove_locks(f->f_inode, owner, false);
}

/* The file's last reference is going: its flock and OFD locks go. */
void locks_remove_file(file* f)
{
    inode* i = f->f_inode;
    if (!i || !i->i_flock)
        return;
    remove_locks(i, f, true);
    remove_locks(i, f, false);
    spin_guard g(&file_lock_lock);
    if (i->i_flock && i->i_flock->empty()) {
        kfree(i->i_flock);
        i->i_flock = nullptr;
    }
}

/* fcntl's F_GETLK, F_SETLK, F_SETLKW and their F_OFD_ forms, on a struct
 * flock already in the kernel (F_GETLK's answer goes back into u). */
Result<void> fcntl_lock_kernel(file* f, unsigned int cmd, flock_user& u)
{
    bool ofd = cmd >= F_OFD_GETLK;
    if (ofd && u.l_pid != 0)
        return Errno::EINVAL;
    const void* owner = ofd ? static_cast<const void*>(f) : static_cast<const void*>(current->files);
    lock_desc l = TRY(to_lock(f, u, owner, ofd));
    if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
        {
            spin_guard g(&file_lock_lock);
            file_lock* o = l.type == F_UNLCK ? nullptr : find_conflict(f->f_inode, l);
            if (o) {
                u.l_type = o->type;
                u.l_whence = 0;
                u.l_start = o->start;
                u.l_len = o->end == OFFSET_MAX ? 0 : o->end - o->start + 1;
                u.l_pid = o->pid;
            } else {
                u.l_type = F_UNLCK;
            }
        }
        return {};
    }
    if (l.type == F_RDLCK && !(f->f_mode & FMODE_READ))
        return Errno::EBADF;
    if (l.type == F_WRLCK && !(f->f_mode & FMODE_WRITE))
        return Errno::EBADF;
    TRY(lock_file(f->f_inode, l, cmd == F_SETLKW || cmd == F_OFD_SETLKW));
    if (l.type == F_UNLCK)
        wake_lockers();
    return {};
}

SyscallResult fcntl_lock(file* f, unsigned int cmd, unsigned long arg)
{
    flock_user u = TRY(get_user(user_in_ptr<const flock_user>(arg)));
    TRY(fcntl_lock_kernel(f, cmd, u));
    if (cmd == F_GETLK || cmd == F_OFD_GETLK)
        TRY(put_user(u, user_out_ptr<flock_user>(arg)));
    return 0;
}

SYSCALL_DEFINE2(flock, unsigned int, fd, unsigned int, cmd)
{
    FdRef f(static_cast<int>(fd));
    if (!f)
        return Errno::EBADF;
    if (cmd & LOCK_MAND)
        return 0; /* Linux 6.1 ignores the old mandatory flock modes */
    unsigned op = cmd & ~LOCK_NB;
    if (op != LOCK_SH && op != LOCK_EX && op != LOCK_UN)
        return Errno::EINVAL;
    inode* i = f->f_inode;
    /* A conversion or an unlock first drops the lock this file holds. */
    remove_locks(i, f.get(), true);
    if (op == LOCK_UN)
        return 0;
    lock_desc l{};
    l.owner = f.get();
    l.flock = true;
    l.type = op == LOCK_SH ? F_RDLCK : F_WRLCK;
    l.start = 0;
    l.end = OFFSET_MAX;
    l.pid = current->tgid;
    l.ino = i;
    TRY(lock_file(i, l, !(cmd & LOCK_NB)));
    return 0;
}
