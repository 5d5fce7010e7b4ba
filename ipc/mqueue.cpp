/*
 * POSIX message queues (Linux's ipc/mqueue.c): named queues of prioritised
 * messages behind descriptors. mq_open finds or makes a queue by its name
 * (one leading slash, taken off by the C library), mq_timedsend and
 * mq_timedreceive move messages (highest priority first, FIFO within one),
 * sleeping with an absolute CLOCK_REALTIME timeout, mq_notify registers one
 * process for a signal when an empty queue gets a message, mq_getsetattr
 * reads the attributes and changes O_NONBLOCK. A queue lives while it is
 * named or open: mq_unlink takes the name, the last close frees it.
 *
 * Not here yet: the mqueue file system (/dev/mqueue; a queue's descriptor is
 * an anonymous inode, whose read shows Linux's QSIZE line), SIGEV_THREAD
 * (Linux delivers it to a netlink socket, which Trapgate has not got: the
 * answer is Linux's for a descriptor that is not one), the i386 compat calls.
 *
 * Everything runs under the big kernel lock (it protects the queue list,
 * every queue's contents and the per-user byte counts), which schedule()
 * drops, so the calls copy to and from user memory directly.
 */
#include <linux/anon_inodes.h>
#include <linux/compat.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/printk.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscalls.h>
#include <linux/time.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <uapi/linux/capability.h>
#include <uapi/linux/fcntl.h>
#include <uapi/linux/mqueue.h>
#include <uapi/linux/resource.h>
#include <uapi/linux/stat.h>
#include <uapi/linux/time32.h>
#include "mqueue.h"

unsigned int mq_queues_max = 256;
unsigned int mq_msg_max = 10;
unsigned int mq_msgsize_max = 8192;
unsigned int mq_msg_default = 10;
unsigned int mq_msgsize_default = 8192;

namespace {

constexpr int SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD = 2;
constexpr int SI_MESGQ = -3;
constexpr size_t NAME_MAX_ = 255;
/* Linux's sizeof(struct msg_msg) and sizeof(struct posix_msg_tree_node) on
 * x86-64: what a queue's size charges to RLIMIT_MSGQUEUE besides its text. */
constexpr unsigned long MSG_MSG_SIZE = 48, TREE_NODE_SIZE = 48;

struct mq_msg {
    list_head list; /* in mqueue_info::msgs: priority descending, FIFO within one */
    unsigned prio;
    size_t len;
    char text[];
};

/* What each real uid's queues charge to RLIMIT_MSGQUEUE (Linux's ucounts). */
struct mq_user {
    list_head list; /* in mq_users */
    uid_t uid;
    unsigned long bytes;
};

struct mqueue_info {
    list_head list; /* in mq_queues while named */
    char name[NAME_MAX_ + 1];
    bool named;
    int refs; /* the name's reference, plus one per open file */
    uid_t uid;
    gid_t gid;
    umode_t mode;
    long maxmsg, msgsize, curmsgs;
    unsigned long qsize; /* bytes of message text */
    list_head msgs;
    wait_queue_head wait_q; /* senders, receivers and pollers: any change wakes them */
    int receivers_waiting;   /* a send to them notifies nobody, as Linux's pipelined send */
    pid_t notify_owner;      /* the registered process (tgid), 0: none */
    mq_sigevent notify;
    mq_user* user;
    unsigned long mq_bytes;
};

/* The big kernel lock protects these, and every mqueue_info. */
list_head mq_queues;
list_head mq_users;
unsigned int mq_queues_count;

mqueue_info* find_queue(const char* name)
{
    list_for_each(p, &mq_queues) {
        auto* q = list_entry(p, mqueue_info, list);
        if (strcmp(q->name, name) == 0)
            return q;
    }
    return nullptr;
}

mq_user* get_user_of(uid_t uid)
{
    list_for_each(p, &mq_users) {
        auto* u = list_entry(p, mq_user, list);
        if (u->uid == uid)
            return u;
    }
    auto* u = static_cast<mq_user*>(kzalloc(sizeof(mq_user)));
    if (!u)
        return nullptr;
    u->uid = uid;
    mq_users.add_tail(&u->list);
    return u;
}

void unuse_user(mq_user* u, unsigned long bytes)
{
    u->bytes -= bytes;
    if (u->bytes == 0) {
        list_del(&u->list);
        kfree(u);
    }
}

void put_queue(mqueue_info* q)
{
    if (--q->refs)
        return;
    while (!q->msgs.empty()) {
        list_head* p = q->msgs.next;
        list_del(p);
        kfree(list_entry(p, mq_msg, list));
    }
    if (q->user)
        unuse_user(q->user, q->mq_bytes);
    mq_queues_count--;
    kfree(q);
}

extern const file_operations mqueue_fops;

mqueue_info* queue_of(file* f) { return f->f_op == &mqueue_fops ? static_cast<mqueue_info*>(f->private_data) : nullptr; }

void remove_notification(mqueue_info* q) { q->notify_owner = 0; }

/* An empty queue got a message and nobody was waiting for it (Linux's __do_notify). */
void do_notify(mqueue_info* q)
{
    if (q->notify_owner && q->curmsgs == 1) {
        if (q->notify.sigev_notify == SIGEV_SIGNAL) {
            siginfo_t info{};
            info.si_signo = q->notify.sigev_signo;
            info.si_code = SI_MESGQ;
            info.kill.pid = current->tgid;       /* si_pid: the sender */
            info.kill.uid = current_cred()->uid; /* si_uid */
            info.timer.value = static_cast<long>(q->notify.sigev_value); /* si_value: _rt's offset, 24 */
            /* signal 0 (valid_signal allows it) only checks, as kill's 0: nothing is sent */
            task_struct* t = q->notify.sigev_signo ? find_task_by_pid(q->notify_owner) : nullptr;
            if (t)
                send_sig_info(q->notify.sigev_signo, &info, t, true);
        }
        remove_notification(q);
    }
}

/* A wait until cond or the deadline (ktime ns; 0: none): 0, ETIMEDOUT or ERESTARTSYS. */
template <typename Cond> Result<void> wq_sleep(mqueue_info* q, u64 deadline, Cond cond)
{
    wait_queue_entry w{current, {}};
    add_wait_queue(&q->wait_q, &w);
    Result<void> r{};
    for (;;) {
        set_current_state(TASK_INTERRUPTIBLE);
        if (cond())
            break;
        if (signal_pending(current)) {
            r = Errno::ERESTARTSYS;
            break;
        }
        if (deadline) {
            if (ktime_get_ns() >= deadline || !schedule_timeout_until(deadline)) {
                if (cond())
                    break;
                r = Errno::ETIMEDOUT;
                break;
            }
        } else {
            schedule();
        }
    }
    set_current_state(TASK_RUNNING);
    remove_wait_queue(&q->wait_q, &w);
    return r;
}

/* The absolute CLOCK_REALTIME timeout as a ktime deadline (Linux's
 * prepare_timeout: EINVAL for a bad timespec); 0 for none. */
Result<u64> timeout_deadline(const timespec_user* ts)
{
    if (!ts)
        return 0;
    if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= static_cast<long>(NSEC_PER_SEC))
        return Errno::EINVAL;
    s64 abs = ts->tv_sec > 9223372035 ? 0x7fffffffffffffffLL : ts->tv_sec * static_cast<s64>(NSEC_PER_SEC) + ts->tv_nsec;
    s64 rel = abs - ktime_get_real_ns();
    u64 now = ktime_get_ns();
    if (rel <= 0)
        return now ? now : 1; /* already passed: a wait ends at once */
    return static_cast<u64>(ktime_add_safe(static_cast<s64>(now), rel));
}

/* The 64-bit timespec (EFAULT); from i386 (the *_time64 calls) only the low
 * half of tv_nsec counts, as Linux's get_timespec64. */
Result<u64> prepare_timeout(user_in_ptr<const timespec_user> u)
{
    if (!u)
        return 0;
    timespec_user ts = TRY(get_user(u));
    if (in_compat_syscall())
        ts.tv_nsec = static_cast<long>(static_cast<unsigned long>(ts.tv_nsec) & 0xffffffffUL);
    return timeout_deadline(&ts);
}


Result<size_t> mqueue_read(file* f, iter_dest& to, loff_t* pos)
{
    mqueue_info* q = queue_of(f);
    char buf[80];
    int n = snprintf(buf, sizeof(buf), "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n", q->qsize,
                     q->notify_owner ? q->notify.sigev_notify : 0,
                     q->notify_owner && q->notify.sigev_notify == SIGEV_SIGNAL ? q->notify.sigev_signo : 0,
                     q->notify_owner);
    if (*pos >= n)
        return 0;
    size_t len = static_cast<size_t>(n - *pos);
    if (len > to.count())
        len = to.count();
    if (to.copy_to_iter(buf + *pos, len) != len)
        return Errno::EFAULT;
    *pos += static_cast<loff_t>(len);
    return len;
}

unsigned int mqueue_poll(file* f, poll_table* pt)
{
    mqueue_info* q = queue_of(f);
    poll_wait(f, &q->wait_q, pt);
    unsigned mask = 0;
    if (q->curmsgs)
        mask |= POLLIN | POLLRDNORM;
    if (q->curmsgs < q->maxmsg)
        mask |= POLLOUT | POLLWRNORM;
    return mask;
}

void mqueue_release(inode*, file* f)
{
    mqueue_info* q = queue_of(f);
    if (q->notify_owner == current->tgid)
        remove_notification(q);
    put_queue(q);
    f->private_data = nullptr;
}

const file_operations mqueue_fops = {
    .read_iter = mqueue_read,
    .write_iter = nullptr,
    .llseek = generic_file_llseek,
    .ioctl = nullptr,
    .poll = mqueue_poll,
    .iterate = nullptr,
    .open = nullptr,
    .release = mqueue_release,
};

/* Linux's mq_attr_ok. */
Result<void> mq_attr_ok(const mq_attr& a)
{
    if (a.mq_maxmsg <= 0 || a.mq_msgsize <= 0)
        return Errno::EINVAL;
    if (capable(CAP_SYS_RESOURCE)) {
        if (a.mq_maxmsg > HARD_MSGMAX || a.mq_msgsize > HARD_MSGSIZEMAX)
            return Errno::EINVAL;
    } else if (a.mq_maxmsg > static_cast<long>(mq_msg_max) || a.mq_msgsize > static_cast<long>(mq_msgsize_max)) {
        return Errno::EINVAL;
    }
    return {};
}

/* A queue's permission check: the owner's, group's or others' bits, as
 * inode_permission (CAP_DAC_OVERRIDE passes). */
Result<void> queue_permission(const mqueue_info* q, int acc)
{
    const cred* c = current_cred();
    unsigned mode = q->mode;
    unsigned bits = c->fsuid == q->uid ? mode >> 6 : in_group_p(q->gid) ? mode >> 3 : mode;
    if ((bits & acc & 7) == static_cast<unsigned>(acc))
        return {};
    if (capable(CAP_DAC_OVERRIDE))
        return {};
    return Errno::EACCES;
}

Result<mqueue_info*> create_queue(const char* name, umode_t mode, const mq_attr* attr)
{
    if (attr)
        TRY(mq_attr_ok(*attr));
    if (mq_queues_count >= mq_queues_max && !capable(CAP_SYS_RESOURCE))
        return Errno::ENOSPC;
    auto* q = static_cast<mqueue_info*>(kzalloc(sizeof(mqueue_info)));
    if (!q)
        return Errno::ENOMEM;
    const cred* c = current_cred();
    memcpy(q->name, name, strlen(name) + 1);
    q->uid = c->fsuid;
    q->gid = c->fsgid;
    q->mode = mode & ~current->fs->umask & 07777;
    q->maxmsg = attr ? attr->mq_maxmsg : mq_msg_default;
    q->msgsize = attr ? attr->mq_msgsize : mq_msgsize_default;
    q->msgs.init();
    q->wait_q.head.init();
    unsigned long tree = static_cast<unsigned long>(q->maxmsg) * MSG_MSG_SIZE +
                         static_cast<unsigned long>(q->maxmsg < MQ_PRIO_MAX ? q->maxmsg : MQ_PRIO_MAX) * TREE_NODE_SIZE;
    q->mq_bytes = static_cast<unsigned long>(q->maxmsg) * static_cast<unsigned long>(q->msgsize) + tree;
    mq_user* u = get_user_of(c->uid);
    if (!u) {
        kfree(q);
        return Errno::ENOMEM;
    }
    if (u->bytes + q->mq_bytes < u->bytes || u->bytes + q->mq_bytes > rlimit(RLIMIT_MSGQUEUE)) {
        unuse_user(u, 0);
        kfree(q);
        return Errno::EMFILE;
    }
    u->bytes += q->mq_bytes;
    q->user = u;
    q->named = true;
    q->refs = 1;
    mq_queues_count++;
    mq_queues.add_tail(&q->list);
    return q;
}

} // namespace

Result<u64> prepare_timeout32(user_in_ptr<const old_timespec32> u)
{
    if (!u)
        return 0;
    old_timespec32 t = TRY(get_user(u));
    timespec_user ts{};
    ts.tv_sec = t.tv_sec;
    ts.tv_nsec = t.tv_nsec;
    return timeout_deadline(&ts);
}

Result<int> do_mq_open(user_in_ptr<const char> u_name, int oflag, umode_t mode, const mq_attr* attr)
{
    char* name = TRY(getname(u_name));
    struct putter {
        char* n;
        ~putter() { putname(n); }
    } put{name};
    if (!name[0])
        return Errno::ENOENT;
    /* a descriptor before the lookup, as Linux's get_unused_fd_flags: EMFILE */
    int probe = TRY(get_unused_fd_flags(0));
    put_unused_fd(probe);
    /* lookup_one_len: a name with a slash, "." or ".." is EACCES; mqueue_lookup: ENAMETOOLONG */
    if (strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return Errno::EACCES;
    if (strlen(name) > NAME_MAX_)
        return Errno::ENAMETOOLONG;

    mqueue_info* q = find_queue(name);
    int acc = oflag & O_ACCMODE;
    if (!q) {
        if (!(oflag & O_CREAT))
            return Errno::ENOENT;
        q = TRY(create_queue(name, mode, attr));
    } else {
        if ((oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
            return Errno::EEXIST;
        if (acc == O_ACCMODE)
            return Errno::EINVAL;
        static constexpr int oflag2acc[3] = {4, 2, 6}; /* MAY_READ, MAY_WRITE, both */
        TRY(queue_permission(q, oflag2acc[acc]));
    }
    q->refs++;
    /* always close-on-exec, as Linux's get_unused_fd_flags(O_CLOEXEC) here */
    auto fd = anon_inode_getfd("mqueue", &mqueue_fops, q, O_CLOEXEC | (oflag & O_NONBLOCK));
    if (!fd.ok()) {
        put_queue(q);
        return fd.error();
    }
    FdRef f(fd.value());
    f->f_mode &= ~(FMODE_READ | FMODE_WRITE);
    f->f_mode |= acc == O_RDONLY ? FMODE_READ : acc == O_WRONLY ? FMODE_WRITE : acc == O_RDWR ? FMODE_READ | FMODE_WRITE : 0;
    f->f_flags = (f->f_flags & ~O_ACCMODE) | acc;
    return fd.value();
}


SYSCALL_DEFINE4(mq_open, user_in_ptr<const char>, u_name, int, oflag, umode_t, mode, user_in_ptr<const mq_attr>, u_attr)
{
    if (u_attr) {
        mq_attr attr = TRY(get_user(u_attr));
        return do_mq_open(u_name, oflag, mode, &attr);
    }
    return do_mq_open(u_name, oflag, mode, nullptr);
}

SYSCALL_DEFINE1(mq_unlink, user_in_ptr<const char>, u_name)
{
    char* name = TRY(getname(u_name));
    struct putter {
        char* n;
        ~putter() { putname(n); }
    } put{name};
    if (!name[0])
        return Errno::ENOENT;
    if (strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return Errno::EACCES;
    if (strlen(name) > NAME_MAX_)
        return Errno::ENAMETOOLONG;
    mqueue_info* q = find_queue(name);
    if (!q)
        return Errno::ENOENT;
    /* may_delete in the sticky 01777 root: the owner of the queue, or CAP_FOWNER */
    if (current_cred()->fsuid != q->uid && current_cred()->fsuid != 0 && !capable(CAP_FOWNER))
        return Errno::EACCES;
    list_del(&q->list);
    q->named = false;
    put_queue(q);
    return 0;
}

Result<long> do_mq_timedsend(int mqdes, user_in_ptr<const char> u_msg_ptr, size_t msg_len, unsigned int msg_prio,
                             u64 deadline)
{
    if (msg_prio >= static_cast<unsigned>(MQ_PRIO_MAX))
        return Errno::EINVAL;
    FdRef f(mqdes);
    mqueue_info* q = f ? queue_of(f.get()) : nullptr;
    if (!q || !(f->f_mode & FMODE_WRITE))
        return Errno::EBADF;
    if (msg_len > static_cast<size_t>(q->msgsize))
        return Errno::EMSGSIZE;
    auto* m = static_cast<mq_msg*>(kmalloc(sizeof(mq_msg) + msg_len));
    if (!m)
        return Errno::ENOMEM;
    if (!copy_from_user(m->text, u_msg_ptr, msg_len).ok()) {
        kfree(m);
        return Errno::EFAULT;
    }
    m->prio = msg_prio;
    m->len = msg_len;
    q->refs++; /* the queue outlives a close by another thread during the sleep */
    Result<void> r{};
    if (q->curmsgs >= q->maxmsg) {
        if (f->f_flags & O_NONBLOCK)
            r = Errno::EAGAIN;
        else
            r = wq_sleep(q, deadline, [q] { return q->curmsgs < q->maxmsg; });
    }
    if (!r.ok()) {
        kfree(m);
        put_queue(q);
        return r.error();
    }
    /* after the last message of a priority not below it */
    list_head* pos = &q->msgs;
    while (pos->prev != &q->msgs && list_entry(pos->prev, mq_msg, list)->prio < msg_prio)
        pos = pos->prev;
    pos->add_tail(&m->list);
    q->curmsgs++;
    q->qsize += msg_len;
    if (!q->receivers_waiting)
        do_notify(q);
    wake_up(&q->wait_q);
    put_queue(q);
    return 0;
}

Result<long> do_mq_timedreceive(int mqdes, user_out_ptr<char> u_msg_ptr, size_t msg_len,
                                user_out_ptr<unsigned int> u_msg_prio, u64 deadline)
{
    FdRef f(mqdes);
    mqueue_info* q = f ? queue_of(f.get()) : nullptr;
    if (!q || !(f->f_mode & FMODE_READ))
        return Errno::EBADF;
    if (msg_len < static_cast<size_t>(q->msgsize))
        return Errno::EMSGSIZE;
    q->refs++;
    Result<void> r{};
    if (q->curmsgs == 0) {
        if (f->f_flags & O_NONBLOCK) {
            r = Errno::EAGAIN;
        } else {
            q->receivers_waiting++;
            r = wq_sleep(q, deadline, [q] { return q->curmsgs > 0; });
            q->receivers_waiting--;
        }
    }
    if (!r.ok()) {
        put_queue(q);
        return r.error();
    }
    auto* m = list_entry(q->msgs.next, mq_msg, list);
    list_del(&m->list);
    q->curmsgs--;
    q->qsize -= m->len;
    wake_up(&q->wait_q);
    put_queue(q);
    size_t len = m->len;
    bool fault = (u_msg_prio && !put_user(m->prio, u_msg_prio).ok()) || !copy_to_user(u_msg_ptr, m->text, len).ok();
    kfree(m);
    if (fault)
        return Errno::EFAULT;
    return static_cast<long>(len);
}

Result<long> do_mq_notify(int mqdes, const mq_sigevent* u_notification)
{
    mq_sigevent n{};
    if (u_notification) {
        n = *u_notification;
        if (n.sigev_notify != SIGEV_NONE && n.sigev_notify != SIGEV_SIGNAL && n.sigev_notify != SIGEV_THREAD)
            return Errno::EINVAL;
        if (n.sigev_notify == SIGEV_SIGNAL && (n.sigev_signo < 0 || n.sigev_signo > _NSIG))
            return Errno::EINVAL;
        if (n.sigev_notify == SIGEV_THREAD) {
            /* Linux copies the cookie, then wants a netlink socket in
             * sigev_signo (netlink_getsockbyfilp): a file that is not a
             * socket is ENOTSOCK, a socket of another family EINVAL, and
             * there are no netlink ones. */
            char cookie[NOTIFY_COOKIE_LEN];
            user_in_ptr<const char> c = user_in_ptr<const char>(n.sigev_value);
            TRY(copy_from_user(cookie, c, sizeof(cookie)));
            FdRef s(n.sigev_signo);
            if (!s)
                return Errno::EBADF;
            if (!S_ISSOCK(s->f_inode->i_mode))
                return Errno::ENOTSOCK;
            return Errno::EINVAL;
        }
    }
    FdRef f(mqdes);
    mqueue_info* q = f ? queue_of(f.get()) : nullptr;
    if (!q)
        return Errno::EBADF;
    if (!u_notification) {
        if (q->notify_owner == current->tgid)
            remove_notification(q);
        return 0;
    }
    if (q->notify_owner)
        return Errno::EBUSY;
    q->notify = n;
    q->notify_owner = current->tgid;
    return 0;
}

Result<mq_attr> do_mq_getsetattr(int mqdes, const mq_attr* u_mqstat)
{
    mq_attr n{};
    if (u_mqstat) {
        n = *u_mqstat;
        if (n.mq_flags & ~static_cast<long>(O_NONBLOCK))
            return Errno::EINVAL;
    }
    FdRef f(mqdes);
    mqueue_info* q = f ? queue_of(f.get()) : nullptr;
    if (!q)
        return Errno::EBADF;
    mq_attr old{};
    old.mq_flags = f->f_flags & O_NONBLOCK;
    old.mq_maxmsg = q->maxmsg;
    old.mq_msgsize = q->msgsize;
    old.mq_curmsgs = q->curmsgs;
    if (u_mqstat) {
        if (n.mq_flags & O_NONBLOCK)
            f->f_flags |= O_NONBLOCK;
        else
            f->f_flags &= ~O_NONBLOCK;
    }
    return old;
}


SYSCALL_DEFINE5(mq_timedsend, int, mqdes, user_in_ptr<const char>, u_msg_ptr, size_t, msg_len, unsigned int, msg_prio,
                user_in_ptr<const timespec_user>, u_abs_timeout)
{
    u64 deadline = TRY(prepare_timeout(u_abs_timeout));
    return do_mq_timedsend(mqdes, u_msg_ptr, msg_len, msg_prio, deadline);
}

SYSCALL_DEFINE5(mq_timedreceive, int, mqdes, user_out_ptr<char>, u_msg_ptr, size_t, msg_len,
                user_out_ptr<unsigned int>, u_msg_prio, user_in_ptr<const timespec_user>, u_abs_timeout)
{
    u64 deadline = TRY(prepare_timeout(u_abs_timeout));
    return do_mq_timedreceive(mqdes, u_msg_ptr, msg_len, u_msg_prio, deadline);
}

SYSCALL_DEFINE2(mq_notify, int, mqdes, user_in_ptr<const mq_sigevent>, u_notification)
{
    if (!u_notification)
        return do_mq_notify(mqdes, nullptr);
    mq_sigevent n = TRY(get_user(u_notification));
    return do_mq_notify(mqdes, &n);
}

SYSCALL_DEFINE3(mq_getsetattr, int, mqdes, user_in_ptr<const mq_attr>, u_mqstat, user_out_ptr<mq_attr>, u_omqstat)
{
    mq_attr n{};
    if (u_mqstat)
        n = TRY(get_user(u_mqstat));
    mq_attr old = TRY(do_mq_getsetattr(mqdes, u_mqstat ? &n : nullptr));
    if (u_omqstat)
        TRY(put_user(old, u_omqstat));
    return 0;
}
