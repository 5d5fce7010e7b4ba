/*
 * signalfd (Linux's fs/signalfd.c): the signals of a mask, read from a
 * descriptor instead of delivered to a handler. A read takes the reader's
 * pending signals of the mask (its own, then its process's), each as a
 * 128-byte signalfd_siginfo, as many as fit and are there; with none it
 * waits (EAGAIN if non-blocking). poll says POLLIN while one is pending. The
 * mask says which signals, not who: the reading thread's signals are read,
 * whoever made the descriptor. Programs block the signals first, or they
 * are delivered as usual before a read sees them.
 */
#include <linux/anon_inodes.h>
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscalls.h>
#include <linux/uaccess.h>

namespace {

constexpr int SFD_CLOEXEC = O_CLOEXEC;
constexpr int SFD_NONBLOCK = O_NONBLOCK;

struct signalfd_siginfo {
    u32 ssi_signo;
    s32 ssi_errno;
    s32 ssi_code;
    u32 ssi_pid;
    u32 ssi_uid;
    s32 ssi_fd;
    u32 ssi_tid;
    u32 ssi_band;
    u32 ssi_overrun;
    u32 ssi_trapno;
    s32 ssi_status;
    s32 ssi_int;
    u64 ssi_ptr;
    u64 ssi_utime;
    u64 ssi_stime;
    u64 ssi_addr;
    u16 ssi_addr_lsb;
    u16 __pad2;
    s32 ssi_syscall;
    u64 ssi_call_addr;
    u32 ssi_arch;
    u8 __pad[28];
};
static_assert(sizeof(signalfd_siginfo) == 128);
static_assert(offsetof(signalfd_siginfo, ssi_ptr) == 48);
static_assert(offsetof(signalfd_siginfo, ssi_addr_lsb) == 80);

struct signalfd_ctx {
    u64 sigmask; /* the signals read here (never SIGKILL or SIGSTOP) */
};

signalfd_ctx* ctx_of(file* f) { return static_cast<signalfd_ctx*>(f->private_data); }

/* The fields each kind of siginfo has (Linux's siginfo_layout). */
signalfd_siginfo to_ssi(const siginfo_t& k)
{
    signalfd_siginfo s{};
    s.ssi_signo = static_cast<u32>(k.si_signo);
    s.ssi_errno = k.si_errno;
    s.ssi_code = k.si_code;
    int sig = k.si_signo, code = k.si_code;
    bool specific = code > SI_USER && code < SI_KERNEL;
    if (specific && (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP)) {
        s.ssi_addr = k.sigfault.addr;
        s.ssi_addr_lsb = static_cast<u16>(k.sigfault.addr_lsb);
    } else if (specific && sig == SIGCHLD) {
        s.ssi_pid = static_cast<u32>(k.sigchld.pid);
        s.ssi_uid = k.sigchld.uid;
        s.ssi_status = k.sigchld.status;
        s.ssi_utime = static_cast<u64>(k.sigchld.utime);
        s.ssi_stime = static_cast<u64>(k.sigchld.stime);
    } else if (code == SI_TIMER) {
        s.ssi_tid = static_cast<u32>(k.timer.tid);
        s.ssi_overrun = static_cast<u32>(k.timer.overrun);
        s.ssi_ptr = static_cast<u64>(k.timer.value);
        s.ssi_int = static_cast<s32>(k.timer.value);
    } else {
        s.ssi_pid = static_cast<u32>(k.kill.pid);
        s.ssi_uid = k.kill.uid;
        if (code < 0 && !specific) {
            /* sigqueue's value: the third word of the union, after pid and uid */
            long value;
            memcpy(&value, reinterpret_cast<const char*>(&k.kill) + 8, sizeof(value));
            s.ssi_ptr = static_cast<u64>(value);
            s.ssi_int = static_cast<s32>(value);
        }
    }
    return s;
}

bool have_signal(u64 mask)
{
    task_struct* t = current;
    return (t->pending.signal.sig | t->signal->shared_pending.signal.sig) & mask;
}

/* One pending signal of the mask, taken off its queue; 0 if none. */
int take_signal(u64 mask, siginfo_t& info)
{
    rec_spin_guard g(&tasklist_lock);
    int sig = dequeue_signal_mask(mask, info);
    if (sig)
        recalc_sigpending();
    return sig;
}

Result<size_t> signalfd_read(file* f, iter_dest& to, loff_t*)
{
    u64 mask = ctx_of(f)->sigmask;
    size_t want = to.count() / sizeof(signalfd_siginfo) * sizeof(signalfd_siginfo); /* whole entries, bytes */
    if (!want)
        return Errno::EINVAL;
    size_t done = 0;
    while (done < want) {
        siginfo_t info;
        int sig = take_signal(mask, info);
        if (!sig) {
            if (done || (f->f_flags & O_NONBLOCK))
                break;
            if (long err = wait_event_interruptible(current->sighand->signalfd_wqh, have_signal(mask)))
                return static_cast<Errno>(-err);
            continue;
        }
        signalfd_siginfo s = to_ssi(info);
        if (to.copy_to_iter(&s, sizeof(s)) != sizeof(s))
            return done ? Result<size_t>(done) : Result<size_t>(Errno::EFAULT);
        done += sizeof(s);
    }
    if (!done)
        return Errno::EAGAIN;
    return done;
}

unsigned int signalfd_poll(file* f, poll_table* pt)
{
    poll_wait(f, &current->sighand->signalfd_wqh, pt);
    return have_signal(ctx_of(f)->sigmask) ? POLLIN | POLLRDNORM : 0;
}

Result<loff_t> signalfd_llseek(file*, loff_t, int) { return Errno::ESPIPE; }

void signalfd_release(inode*, file* f)
{
    kfree(f->private_data);
    f->private_data = nullptr;
}

const file_operations signalfd_fops = {
    .read_iter = signalfd_read,
    .write_iter = nullptr,
    .llseek = signalfd_llseek,
    .ioctl = nullptr,
    .poll = signalfd_poll,
    .iterate = nullptr,
    .open = nullptr,
    .release = signalfd_release,
};

/* After the caller's size check and copy, as Linux: the flags, then the descriptor. */
SyscallResult do_signalfd4(int ufd, u64 user_mask, int flags)
{
    if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK))
        return Errno::EINVAL;
    u64 mask = user_mask & ~(sigset_t::bit(SIGKILL) | sigset_t::bit(SIGSTOP));
    if (ufd == -1) {
        auto* c = static_cast<signalfd_ctx*>(kzalloc(sizeof(signalfd_ctx)));
        if (!c)
            return Errno::ENOMEM;
        c->sigmask = mask;
        auto fd = anon_inode_getfd("[signalfd]", &signalfd_fops, c, static_cast<unsigned>(flags));
        if (!fd.ok()) {
            kfree(c);
            return fd.error();
        }
        return fd.value();
    }
    FdRef f(ufd);
    if (!f)
        return Errno::EBADF;
    if (f->f_op != &signalfd_fops)
        return Errno::EINVAL;
    ctx_of(f.get())->sigmask = mask;
    wake_up(&current->sighand->signalfd_wqh); /* a reader may want the new mask */
    return ufd;
}

SyscallResult signalfd4_native(int ufd, user_in_ptr<const sigset_t> user_mask, size_t sizemask, int flags)
{
    if (sizemask != sizeof(sigset_t))
        return Errno::EINVAL;
    sigset_t set = TRY(get_user(user_mask));
    return do_signalfd4(ufd, set.sig, flags);
}

/* i386's: compat_sigset_t, two 4-byte words (Linux's do_compat_signalfd4). */
SyscallResult signalfd4_compat(int ufd, user_in_ptr<const u32> user_mask, compat_size_t sigsetsize, int flags)
{
    if (sigsetsize != sizeof(u32[2]))
        return Errno::EINVAL;
    return do_signalfd4(ufd, TRY(get_compat_sigset(user_mask)), flags);
}

} // namespace

SYSCALL_DEFINE4(signalfd4, int, ufd, user_in_ptr<const sigset_t>, user_mask, size_t, sizemask, int, flags)
{
    return signalfd4_native(ufd, user_mask, sizemask, flags);
}

SYSCALL_DEFINE3(signalfd, int, ufd, user_in_ptr<const sigset_t>, user_mask, size_t, sizemask)
{
    return signalfd4_native(ufd, user_mask, sizemask, 0);
}

COMPAT_SYSCALL_DEFINE4(signalfd4, int, ufd, user_in_ptr<const u32>, user_mask, compat_size_t, sigsetsize, int, flags)
{
    return signalfd4_compat(ufd, user_mask, sigsetsize, flags);
}

COMPAT_SYSCALL_DEFINE3(signalfd, int, ufd, user_in_ptr<const u32>, user_mask, compat_size_t, sigsetsize)
{
    return signalfd4_compat(ufd, user_mask, sigsetsize, 0);
}
