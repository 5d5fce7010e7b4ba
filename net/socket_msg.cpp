/*
 * sendto, recvfrom, sendmsg and recvmsg (Linux's net/socket.c): the user's
 * buffers, address and control data made into a kernel msghdr for the
 * family's sendmsg and recvmsg, and the answer copied back. The big kernel
 * lock protects the socket (include/linux/net.h).
 */
#include <linux/fs.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscalls.h>
#include <linux/compat.h>
#include <net/scm.h>
#include <uapi/linux/socket_msg.h>

Result<void> move_addr_to_user(const sockaddr_storage& kaddr, int klen, unsigned long uaddr, user_inout_ptr<int> ulen);
Result<socket*> sockfd_lookup_fd(FdRef& f);

namespace {

constexpr size_t OPTMEM_MAX = 20480; /* net.core.optmem_max: the most control data a send takes */

/* The user's iovecs, checked, in a kernel array the caller frees. */
struct msg_iovecs {
    iovec* vec = nullptr;
    /* A send's source or a receive's destination: made by import_msg_iovecs. */
    iter_source source = iter_source::user_single({}, 0);
    iter_dest dest = iter_dest::user_single({}, 0);
    ~msg_iovecs() { kfree(vec); }
};

Result<void> import_msg_iovecs(const user_msghdr& m, msg_iovecs& out, bool compat)
{
    if (m.msg_iovlen > static_cast<size_t>(UIO_MAXIOV))
        return Errno::EMSGSIZE;
    int n = static_cast<int>(m.msg_iovlen);
    out.vec = static_cast<iovec*>(kmalloc(sizeof(iovec) * (n ? n : 1)));
    if (!out.vec)
        return Errno::ENOMEM;
    size_t total = compat ? TRY(compat_import_iovec(user_in_ptr<const compat_iovec>(m.msg_iov), n, out.vec))
                          : TRY(import_iovec(user_in_ptr<const iovec>(m.msg_iov), n, out.vec));
    out.source = iter_source::user(out.vec, static_cast<size_t>(n), total);
    out.dest = iter_dest::user(out.vec, static_cast<size_t>(n), total);
    return {};
}

unsigned nonblock_flag(socket* sock) { return (sock->file->f_flags & O_NONBLOCK) ? MSG_DONTWAIT : 0; }

/* The name a send goes to (Linux's copy_msghdr_from_user for a send). */
Result<void> import_msg_name(const user_msghdr& m, sockaddr_storage& addr, msghdr& msg)
{
    if (m.msg_namelen < 0)
        return Errno::EINVAL;
    int len = min(m.msg_namelen, static_cast<int>(sizeof(addr)));
    if (m.msg_name && len) {
        memset(&addr, 0, sizeof(addr));
        TRY(copy_from_user(reinterpret_cast<u8*>(&addr), user_in_ptr<const u8>(m.msg_name), static_cast<size_t>(len)));
        msg.msg_name = &addr;
        msg.msg_namelen = len;
    }
    return {};
}

} // namespace

SYSCALL_DEFINE6(sendto, int, fd, user_in_ptr<const u8>, buff, size_t, len, unsigned int, flags,
                SockaddrIn, addr, int, addr_len)
{
    FdRef f(fd);
    socket* sock = TRY(sockfd_lookup_fd(f));
    len = min(len, MAX_RW_COUNT);
    if (!access_ok(buff, len))
        return Errno::EFAULT;
    auto it = iter_source::user_single(buff.cast<const void>(), len);
    msghdr msg{};
    msg.msg_iter = &it;
    sockaddr_storage address;
    if (addr) {
        if (addr_len < 0 || addr_len > static_cast<int>(sizeof(address)))
            return Errno::EINVAL;
        memset(&address, 0, sizeof(address));
        if (addr_len)
            TRY(copy_from_user(reinterpret_cast<u8*>(&address), user_in_ptr<const u8>(addr),
                               static_cast<size_t>(addr_len)));
        msg.msg_name = &address;
        msg.msg_namelen = addr_len;
    }
    msg.msg_flags = flags | nonblock_flag(sock);
    return TRY(sock->ops->sendmsg(sock, msg, len));
}

SYSCALL_DEFINE6(recvfrom, int, fd, user_out_ptr<u8>, ubuf, size_t, size, unsigned int, flags,
                unsigned long, addr, user_inout_ptr<int>, addr_len)
{
    FdRef f(fd);
    socket* sock = TRY(sockfd_lookup_fd(f));
    size = min(size, MAX_RW_COUNT);
    if (!access_ok(ubuf, size))
        return Errno::EFAULT;
    auto it = iter_dest::user_single(ubuf.cast<void>(), size);
    msghdr msg{};
    msg.msg_iter = &it;
    sockaddr_storage address;
    memset(&address, 0, sizeof(address));
    msg.msg_name = addr ? &address : nullptr;
    size_t n = TRY(sock->ops->recvmsg(sock, msg, size, flags | nonblock_flag(sock)));
    if (addr)
        TRY(move_addr_to_user(address, msg.msg_namelen, addr, addr_len));
    return n;
}

/* sendmsg once the header is in the kernel; compat: an i386 caller's
 * iovecs and cmsgs (net/compat.cpp reads its compat_msghdr). */
SyscallResult do_sendmsg(int fd, const user_msghdr& m, unsigned int flags, bool compat)
{
    FdRef f(fd);
    socket* sock = TRY(sockfd_lookup_fd(f));
    msghdr msg{};
    sockaddr_storage address;
    TRY(import_msg_name(m, address, msg));
    msg_iovecs iov;
    TRY(import_msg_iovecs(m, iov, compat));
    msg.msg_iter = &iov.source;
    if (m.msg_controllen > 0x7fffffff)
        return Errno::ENOBUFS;
    u8* ctl = nullptr;
    if (m.msg_controllen) {
        if (m.msg_controllen > OPTMEM_MAX || !(ctl = static_cast<u8*>(kmalloc(m.msg_controllen))))
            return Errno::ENOBUFS;
        if (auto r = copy_from_user(ctl, user_in_ptr<const u8>(m.msg_control), m.msg_controllen); !r.ok()) {
            kfree(ctl);
            return r.error();
        }
        msg.msg_control = ctl;
        msg.msg_control_len = m.msg_controllen;
        if (compat) {
            auto wide = compat_cmsgs_to_kern(ctl, m.msg_controllen, &msg.msg_control_len);
            kfree(ctl);
            if (!wide.ok())
                return wide.error();
            ctl = wide.value();
            msg.msg_control = ctl;
        }
    }
    msg.msg_flags = flags | nonblock_flag(sock);
    auto r = sock->ops->sendmsg(sock, msg, iov.source.count());
    kfree(ctl);
    return TRY(r);
}

SYSCALL_DEFINE3(sendmsg, int, fd, user_in_ptr<user_msghdr>, umsg, unsigned int, flags)
{
    user_msghdr m = TRY(get_user(umsg));
    return do_sendmsg(fd, m, flags, false);
}

/* recvmsg once the header is in the kernel: the name's length, the flags and
 * the control length written back through the caller's layout's offsets. */
SyscallResult do_recvmsg(int fd, const user_msghdr& m, user_inout_ptr<void> umsg, unsigned int flags, bool compat)
{
    FdRef f(fd);
    socket* sock = TRY(sockfd_lookup_fd(f));
    if (m.msg_namelen < 0)
        return Errno::EINVAL;
    msg_iovecs iov;
    TRY(import_msg_iovecs(m, iov, compat));
    msghdr msg{};
    msg.msg_iter = &iov.dest;
    sockaddr_storage address;
    memset(&address, 0, sizeof(address));
    msg.msg_name = m.msg_name ? &address : nullptr;
    msg.msg_control_user = m.msg_control;
    msg.msg_controllen = m.msg_controllen;
    msg.msg_flags = (flags & MSG_CMSG_CLOEXEC) | (compat ? MSG_CMSG_COMPAT : 0);
    size_t n = TRY(sock->ops->recvmsg(sock, msg, iov.dest.count(), flags | nonblock_flag(sock)));
    unsigned out_flags = msg.msg_flags & ~MSG_CMSG_COMPAT;
    if (compat) {
        if (msg.msg_name)
            TRY(move_addr_to_user(address, msg.msg_namelen, m.msg_name,
                                  umsg.field<int>(offsetof(compat_msghdr, msg_namelen))));
        TRY(put_user(out_flags, umsg.field<unsigned>(offsetof(compat_msghdr, msg_flags))));
        TRY(put_user(static_cast<u32>(m.msg_controllen - msg.msg_controllen),
                     umsg.field<u32>(offsetof(compat_msghdr, msg_controllen))));
        return n;
    }
    if (msg.msg_name)
        TRY(move_addr_to_user(address, msg.msg_namelen, m.msg_name,
                              umsg.field<int>(offsetof(user_msghdr, msg_namelen))));
    TRY(put_user(out_flags, umsg.field<unsigned>(offsetof(user_msghdr, msg_flags))));
    TRY(put_user(m.msg_controllen - msg.msg_controllen,
                 umsg.field<size_t>(offsetof(user_msghdr, msg_controllen))));
    return n;
}

SYSCALL_DEFINE3(recvmsg, int, fd, user_inout_ptr<user_msghdr>, umsg, unsigned int, flags)
{
    user_msghdr m = TRY(get_user(umsg));
    return do_recvmsg(fd, m, umsg.cast<void>(), flags & ~MSG_CMSG_COMPAT, false);
}
