/*
 * The socket layer (net/socket.cpp), shaped as Linux's: a `socket` is the
 * file's side (type, state, the family's proto_ops); its `sock`
 * (include/net/sock.h) is the protocol's side. A family registers a
 * net_proto_family whose create() picks the proto_ops for the type; every
 * socket system call is the generic code in net/ calling through them, so a
 * protocol stack (AF_INET over a device) can sit under the same calls.
 *
 * Locking: the big kernel lock. Every socket call and the socket file's
 * operations (no_bkl is false) run under it; a task that sleeps (a blocking
 * recv, accept, connect) drops it in schedule() and takes it again.
 */
#pragma once
#include <linux/fs.h>
#include <linux/result.h>
#include <linux/types.h>

struct poll_table;
struct sock;
struct socket;

constexpr int AF_UNSPEC = 0, AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, AF_MAX = 46;
constexpr int SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_RDM = 4, SOCK_SEQPACKET = 5, SOCK_MAX = 11,
              SOCK_TYPE_MASK = 0xf;
constexpr int SOCK_CLOEXEC = O_CLOEXEC, SOCK_NONBLOCK = O_NONBLOCK;

constexpr unsigned MSG_OOB = 1, MSG_PEEK = 2, MSG_DONTROUTE = 4, MSG_CTRUNC = 8, MSG_TRUNC = 0x20,
                   MSG_DONTWAIT = 0x40, MSG_EOR = 0x80, MSG_WAITALL = 0x100, MSG_NOSIGNAL = 0x4000,
                   MSG_CMSG_CLOEXEC = 0x40000000,
                   MSG_CMSG_COMPAT = 0x80000000; /* kernel-only: write cmsgs in i386's layout */

constexpr int SOL_SOCKET = 1;
constexpr unsigned RCV_SHUTDOWN = 1, SEND_SHUTDOWN = 2, SHUTDOWN_MASK = 3;

/* socket->flags bits (Linux's SOCK_PASSCRED...). */
constexpr unsigned long SOCKF_PASSCRED = 1;

enum socket_state { SS_FREE, SS_UNCONNECTED, SS_CONNECTING, SS_CONNECTED, SS_DISCONNECTING };

/* An address as the kernel holds it: Linux's __kernel_sockaddr_storage. */
struct sockaddr_storage {
    u16 ss_family;
    char data[126];
};
static_assert(sizeof(sockaddr_storage) == 128);

/* A message on its way to or from a protocol (Linux's kernel msghdr). */
struct msghdr {
    sockaddr_storage* msg_name; /* send: the destination, or null; recv: where the source goes */
    int msg_namelen;            /* send: its length; recv: set by the protocol (0: no name) */
    iov_iter* msg_iter;
    const u8* msg_control;      /* send: the kernel copy of the control data */
    size_t msg_control_len;
    unsigned long msg_control_user; /* recv: where control messages go, advanced as they are written */
    size_t msg_controllen;          /* recv: room left there */
    unsigned msg_flags;             /* send: the call's flags; recv: MSG_TRUNC, MSG_CTRUNC out */
};

struct proto_ops {
    int family;
    void (*release)(socket*);
    Result<void> (*bind)(socket*, const sockaddr_storage&, int len);
    Result<void> (*connect)(socket*, const sockaddr_storage&, int len, unsigned flags);
    Result<void> (*socketpair)(socket*, socket*);
    /* Waits for a connection (unless O_NONBLOCK in flags) and grafts it on newsock. */
    Result<void> (*accept)(socket*, socket* newsock, unsigned flags);
    /* The socket's own address (peer = false) or its peer's; returns the length. */
    Result<int> (*getname)(socket*, sockaddr_storage&, bool peer);
    unsigned (*poll)(file*, socket*, poll_table*);
    Result<long> (*ioctl)(socket*, unsigned cmd, unsigned long arg);
    Result<void> (*listen)(socket*, int backlog);
    Result<void> (*shutdown)(socket*, int how);
    /* Options of levels other than SOL_SOCKET (null: EOPNOTSUPP). */
    Result<void> (*setsockopt)(socket*, int level, int optname, unsigned long optval, int optlen);
    Result<int> (*getsockopt)(socket*, int level, int optname, unsigned long optval, int len);
    Result<size_t> (*sendmsg)(socket*, msghdr&, size_t len);
    Result<size_t> (*recvmsg)(socket*, msghdr&, size_t len, unsigned flags);
};

struct socket {
    socket_state state;
    short type;
    unsigned long flags; /* SOCKF_* */
    struct file* file;          /* null until the socket has a file */
    sock* sk;
    const proto_ops* ops;
};

struct net_proto_family {
    int family;
    Result<void> (*create)(socket*, int protocol, bool kern);
};

/* The families this kernel has (net/socket.cpp). */
extern const net_proto_family unix_family_ops, inet_family_ops, inet6_family_ops;

/* A new socket of its own with no file yet (ENOMEM). */
socket* sock_alloc();
/* Releases a socket that has no file (a failed accept or socketpair). */
void sock_release(socket* sock);
/* Gives sock a file at a new descriptor (SOCK_CLOEXEC, SOCK_NONBLOCK in
 * flags); the file owns sock from then on, even on failure. */
Result<int> sock_map_fd(socket* sock, unsigned flags);
/* The socket behind a file, or null for any other file. */
socket* sock_from_file(const file* f);

/* SOL_SOCKET options (net/sock.cpp). */
Result<void> sock_setsockopt(socket* sock, int optname, unsigned long optval, int optlen);
Result<int> sock_getsockopt(socket* sock, int optname, unsigned long optval, int len);
