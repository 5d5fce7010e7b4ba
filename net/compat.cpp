/*
 * The socket calls from i386 callers (Linux's net/compat.c): sendmsg and
 * recvmsg with compat_msghdr, compat_iovec and compat_cmsghdr, recvfrom with
 * a 32-bit length, and the socketcall(2) multiplexer, whose arguments are an
 * array of 32-bit words in memory.
 */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscalls.h>
#include <net/scm.h>
#include <uapi/linux/socket_msg.h>

/* Two passes over the compat cmsgs (Linux's cmsghdr_from_user_compat_to_kern):
 * the size of the native ones, then the copy. A header must fit in what is
 * left, and no cmsg at all is EINVAL. */
Result<u8*> compat_cmsgs_to_kern(const u8* ucmsgs, size_t ulen, size_t* klen)
{
    size_t total = 0;
    for (int pass = 0; pass < 2; pass++) {
        u8* out = nullptr;
        if (pass == 1) {
            if (!total)
                return Errno::EINVAL;
            out = static_cast<u8*>(kmalloc(total));
            if (!out)
                return Errno::ENOBUFS;
            memset(out, 0, total);
        }
        size_t koff = 0;
        for (size_t off = 0; off + sizeof(compat_cmsghdr) <= ulen;) {
            compat_cmsghdr cm;
            memcpy(&cm, ucmsgs + off, sizeof(cm));
            if (cm.cmsg_len < sizeof(compat_cmsghdr) || cm.cmsg_len > ulen - off) {
                kfree(out);
                return Errno::EINVAL;
            }
            size_t data = cm.cmsg_len - sizeof(compat_cmsghdr);
            if (pass == 0) {
                total += CMSG_ALIGN(sizeof(cmsghdr) + data);
            } else {
                cmsghdr k{sizeof(cmsghdr) + data, cm.cmsg_level, cm.cmsg_type};
                memcpy(out + koff, &k, sizeof(k));
                memcpy(out + koff + sizeof(k), ucmsgs + off + sizeof(compat_cmsghdr), data);
                koff += CMSG_ALIGN(sizeof(cmsghdr) + data);
            }
            off += CMSG_COMPAT_ALIGN(cm.cmsg_len);
        }
        if (pass == 1) {
            *klen = total;
            return out;
        }
    }
    return Errno::EINVAL; /* not reached */
}

namespace {

/* Linux's get_compat_msghdr: the 32-bit fields widened. */
Result<user_msghdr> get_compat_msghdr(user_in_ptr<const compat_msghdr> umsg)
{
    compat_msghdr c = TRY(get_user(umsg));
    return user_msghdr{c.msg_name, c.msg_namelen, c.msg_iov, c.msg_iovlen, c.msg_control, c.msg_controllen,
                       c.msg_flags};
}

} // namespace

COMPAT_SYSCALL_DEFINE3(sendmsg, int, fd, user_in_ptr<const compat_msghdr>, umsg, unsigned int, flags)
{
    user_msghdr m = TRY(get_compat_msghdr(umsg));
    return do_sendmsg(fd, m, flags & ~MSG_CMSG_COMPAT, true);
}

COMPAT_SYSCALL_DEFINE3(recvmsg, int, fd, user_inout_ptr<compat_msghdr>, umsg, unsigned int, flags)
{
    user_msghdr m = TRY(get_compat_msghdr(umsg));
    return do_recvmsg(fd, m, umsg.cast<void>(), flags & ~MSG_CMSG_COMPAT, true);
}

/* recvfrom: the same call, its length a compat_size_t. */
extern "C" long __ia32_sys_recvfrom(const pt_regs&);
COMPAT_SYSCALL_DEFINE6(recvfrom, int, fd, user_out_ptr<u8>, buf, compat_size_t, len, unsigned int, flags,
                       compat_uptr_t, addr, compat_uptr_t, addrlen)
{
    pt_regs r{};
    r.bx = static_cast<u32>(fd), r.cx = user_addr(buf), r.dx = len, r.si = flags, r.di = addr, r.bp = addrlen;
    return __ia32_sys_recvfrom(r);
}

/*
 * socketcall(call, args): args holds the call's arguments as 32-bit words
 * (how many: Linux's nas table). They are put in the registers an i386
 * caller would use and the i386 entry point of the call runs, so each is
 * decoded exactly as when called directly (SYS_SEND and SYS_RECV are
 * sendto and recvfrom without an address).
 */
extern "C" long __ia32_sys_socket(const pt_regs&);
extern "C" long __ia32_sys_bind(const pt_regs&);
extern "C" long __ia32_sys_connect(const pt_regs&);
extern "C" long __ia32_sys_listen(const pt_regs&);
extern "C" long __ia32_sys_accept4(const pt_regs&);
extern "C" long __ia32_sys_getsockname(const pt_regs&);
extern "C" long __ia32_sys_getpeername(const pt_regs&);
extern "C" long __ia32_sys_socketpair(const pt_regs&);
extern "C" long __ia32_sys_sendto(const pt_regs&);
extern "C" long __ia32_sys_shutdown(const pt_regs&);
extern "C" long __ia32_sys_setsockopt(const pt_regs&);
extern "C" long __ia32_sys_getsockopt(const pt_regs&);

COMPAT_SYSCALL_DEFINE2(socketcall, int, call, user_in_ptr<const u32>, args)
{
    enum { SYS_SOCKET = 1, SYS_ACCEPT = 5, SYS_SEND = 9, SYS_RECV = 10, SYS_RECVMMSG = 19, SYS_SENDMMSG = 20 };
    static constexpr u8 nargs[21] = {0, 3, 3, 3, 2, 3, 3, 3, 4, 4, 4, 6, 6, 2, 5, 5, 3, 3, 4, 5, 4};
    if (call < SYS_SOCKET || call > SYS_SENDMMSG)
        return Errno::EINVAL;
    u32 a[6] = {};
    TRY(copy_from_user(a, args, nargs[call]));
    pt_regs r{};
    r.bx = a[0], r.cx = a[1], r.dx = a[2], r.si = a[3], r.di = a[4], r.bp = a[5];
    using entry = long (*)(const pt_regs&);
    static constexpr entry calls[21] = {
        nullptr,                  __ia32_sys_socket,      __ia32_sys_bind,        __ia32_sys_connect,
        __ia32_sys_listen,        __ia32_sys_accept4,     __ia32_sys_getsockname, __ia32_sys_getpeername,
        __ia32_sys_socketpair,    __ia32_sys_sendto,      __ia32_compat_sys_recvfrom, __ia32_sys_sendto,
        __ia32_compat_sys_recvfrom, __ia32_sys_shutdown,  __ia32_sys_setsockopt,  __ia32_sys_getsockopt,
        __ia32_compat_sys_sendmsg, __ia32_compat_sys_recvmsg, __ia32_sys_accept4, nullptr, nullptr};
    switch (call) {
    case SYS_ACCEPT: /* accept4 with no flags */
        r.si = 0;
        break;
    case SYS_SEND: /* sendto to no address */
    case SYS_RECV:
        r.di = 0, r.bp = 0;
        break;
    case SYS_RECVMMSG:
    case SYS_SENDMMSG:
        return Errno::ENOSYS; /* the i386 mmsghdr layout is not done (docs/net.md) */
    default:
        break;
    }
    return calls[call](r);
}
