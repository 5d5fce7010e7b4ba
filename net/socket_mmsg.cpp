/*
 * sendmmsg and recvmmsg (Linux's __sys_sendmmsg, __sys_recvmmsg): sendmsg
 * and recvmsg over an array of struct mmsghdr (a user_msghdr and the
 * msg_len each call wrote back), at most UIO_MAXIOV of them. They stop at
 * the first error: the count done so far is the answer if there is one,
 * else the error. recvmmsg's MSG_WAITFORONE makes every receive after the
 * first non-blocking; its timeout is looked at after each datagram (as
 * Linux does: a receive that blocks is not cut short by it), and what is
 * left of it is written back. An error after some datagrams is kept as the
 * socket's pending error (SO_ERROR) unless it was EAGAIN. The 64-bit calls
 * only (i386's socketcall and compat calls are ENOSYS, net/compat.cpp).
 * The big kernel lock protects the socket (include/linux/net.h).
 */
#include <linux/fs.h>
#include <linux/net.h>
#include <linux/syscalls.h>
#include <linux/time.h>
#include <net/sock.h>
#include <uapi/linux/socket_msg.h>

Result<socket*> sockfd_lookup_fd(FdRef& f);

namespace {

constexpr unsigned MSG_WAITFORONE = 0x10000;
constexpr size_t MMSGHDR_SIZE = 64; /* struct mmsghdr: a user_msghdr, msg_len, padding */

} // namespace

SYSCALL_DEFINE4(sendmmsg, int, fd, user_inout_ptr<u8>, mmsg, unsigned int, vlen, unsigned int, flags)
{
    {
        FdRef f(fd);
        TRY(sockfd_lookup_fd(f));
    }
    if (vlen > static_cast<unsigned>(UIO_MAXIOV))
        vlen = UIO_MAXIOV;
    unsigned datagrams = 0;
    Errno err{};
    for (; datagrams < vlen; datagrams++) {
        user_inout_ptr<u8> entry = mmsg + datagrams * MMSGHDR_SIZE;
        auto m = get_user(entry.cast<const user_msghdr>());
        if (!m.ok()) {
            err = m.error();
            break;
        }
        long r = do_sendmsg(fd, m.value(), flags & ~MSG_CMSG_COMPAT, false).value;
        if (r < 0 && r >= -4095) {
            err = static_cast<Errno>(-r);
            break;
        }
        auto put = put_user(static_cast<unsigned>(r), (entry + sizeof(user_msghdr)).cast<unsigned>());
        if (!put.ok()) {
            err = put.error();
            break;
        }
    }
    if (datagrams)
        return static_cast<long>(datagrams);
    if (err != Errno{})
        return err;
    return 0;
}

SYSCALL_DEFINE5(recvmmsg, int, fd, user_inout_ptr<u8>, mmsg, unsigned int, vlen, unsigned int, flags,
                user_inout_ptr<timespec_user>, utimeout)
{
    u64 deadline = 0;
    if (utimeout) {
        timespec_user ts = TRY(get_user(utimeout));
        if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
            return Errno::EINVAL;
        deadline = ktime_get_ns() + static_cast<u64>(ts.tv_sec) * 1000000000ULL + static_cast<u64>(ts.tv_nsec);
    }
    socket* sock;
    {
        FdRef f(fd);
        sock = TRY(sockfd_lookup_fd(f));
    }
    if (vlen > static_cast<unsigned>(UIO_MAXIOV))
        vlen = UIO_MAXIOV;
    unsigned datagrams = 0;
    Errno err{};
    while (datagrams < vlen) {
        user_inout_ptr<u8> entry = mmsg + datagrams * MMSGHDR_SIZE;
        auto m = get_user(entry.cast<const user_msghdr>());
        if (!m.ok()) {
            err = m.error();
            break;
        }
        long r = do_recvmsg(fd, m.value(), entry.cast<void>(), flags & ~MSG_CMSG_COMPAT, false).value;
        if (r < 0 && r >= -4095) {
            err = static_cast<Errno>(-r);
            break;
        }
        auto put = put_user(static_cast<unsigned>(r), (entry + sizeof(user_msghdr)).cast<unsigned>());
        if (!put.ok()) {
            err = put.error();
            break;
        }
        datagrams++;
        if (flags & MSG_WAITFORONE)
            flags |= MSG_DONTWAIT;
        if (utimeout && ktime_get_ns() >= deadline)
            break;
    }
    if (utimeout) {
        u64 now = ktime_get_ns();
        u64 left = now >= deadline ? 0 : deadline - now;
        timespec_user ts{static_cast<long>(left / 1000000000ULL), static_cast<long>(left % 1000000000ULL)};
        TRY(put_user(ts, utimeout));
    }
    if (err == Errno{})
        return static_cast<long>(datagrams);
    if (!datagrams)
        return err;
    /* Some arrived: the error waits for the next call (unless it was only "no more"). */
    if (err != Errno::EAGAIN) {
        FdRef f(fd);
        if (auto s = sockfd_lookup_fd(f); s.ok() && s.value() == sock && sock->sk)
            sock->sk->sk_err = static_cast<int>(err);
    }
    return static_cast<long>(datagrams);
}
