/* struct msghdr as the user passes it: x86-64's, and i386's compat_msghdr
 * (sendmsg, recvmsg; net/socket_msg.cpp, net/compat.cpp). */
#pragma once
#include <linux/abi.h>
#include <linux/types.h>

struct user_msghdr {
    unsigned long msg_name;
    int msg_namelen;
    unsigned long msg_iov;
    size_t msg_iovlen;
    unsigned long msg_control;
    size_t msg_controllen;
    unsigned msg_flags;
};
static_assert(sizeof(user_msghdr) == 56);
ABI_LAYOUT_DIFFERS(user_msghdr);

struct compat_msghdr {
    u32 msg_name;
    s32 msg_namelen;
    u32 msg_iov;
    u32 msg_iovlen;
    u32 msg_control;
    u32 msg_controllen;
    u32 msg_flags;
};
static_assert(sizeof(compat_msghdr) == 28);
static_assert(__builtin_offsetof(compat_msghdr, msg_controllen) == 20);

/* The calls both ABIs share once the header is in the kernel. */
class SyscallResult;
SyscallResult do_sendmsg(int fd, const user_msghdr& m, unsigned int flags, bool compat);
SyscallResult do_recvmsg(int fd, const user_msghdr& m, user_inout_ptr<void> umsg, unsigned int flags, bool compat);
