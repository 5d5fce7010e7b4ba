/*
 * AF_UNIX inside net/unix/: a unix_sock and the messages ("skbs") on its
 * receive queue. Every type queues whole messages: a datagram or seqpacket
 * receive takes one, a stream receive reads across them. A connection
 * request is a message too, on the listener's queue, carrying the new
 * server-side sock (the "embryo") that accept() gives a socket, as in Linux.
 * The big kernel lock protects all of it (include/linux/net.h).
 */
#pragma once
#include <linux/list.h>
#include <net/scm.h>
#include <net/sock.h>

constexpr int UNIX_PATH_MAX = 108;
constexpr int SUN_PATH_OFFSET = 2; /* offsetof(struct sockaddr_un, sun_path) */

struct sockaddr_un {
    u16 sun_family;
    char sun_path[UNIX_PATH_MAX];
};

struct unix_sock;

struct unix_skb {
    list_head list;    /* on the receiver's recvq */
    unix_sock* from;   /* the sender (referenced): its address, and its sk_wmem_alloc holds truesize */
    size_t len;
    size_t consumed;   /* streams: bytes already read */
    size_t truesize;   /* what it counts against the sender's SO_SNDBUF */
    ucred creds;
    scm_fp_list* fp;   /* files in flight, or null */
    unix_sock* embryo; /* a connection request: the server side, referenced */
    u8 data[];
};

struct unix_sock {
    sock sk;           /* first: a struct sock* is a unix_sock* */
    unix_sock* peer;   /* referenced */
    list_head recvq;   /* unix_skb, oldest first */
    int qlen;
    int addr_len;      /* 0: unbound */
    sockaddr_un addr;
    inode* bound;      /* the S_IFSOCK inode of a path it is bound to (referenced), whose i_private is this */
    list_head abstract_link; /* in the abstract namespace while bound there */
};

static inline unix_sock* unix_sk(struct sock* sk) { return reinterpret_cast<unix_sock*>(sk); }
static inline unix_sock* unix_sk(socket* sock) { return unix_sk(sock->sk); }
static inline size_t unix_skb_len(const unix_skb* skb) { return skb->len - skb->consumed; }

constexpr int UNIX_MAX_DGRAM_QLEN = 10; /* net.unix.max_dgram_qlen */

/* af_unix.cpp */
unix_sock* unix_create1(int type);
Result<void> unix_autobind(unix_sock* u);
/* The bound sock addr names, referenced (ENOENT..., ECONNREFUSED, EPROTOTYPE). */
Result<unix_sock*> unix_find_other(const sockaddr_un& addr, int len, int type);
Result<void> unix_validate_addr(const sockaddr_storage& a, int len);
bool unix_writable(const unix_sock* u);
bool unix_recvq_full(const unix_sock* u);

/* unix_msg.cpp */
void unix_skb_free(unix_skb* skb);
void unix_purge_queue(unix_sock* u);
Result<size_t> unix_stream_sendmsg(socket* sock, msghdr& msg, size_t len);
Result<size_t> unix_stream_recvmsg(socket* sock, msghdr& msg, size_t len, unsigned flags);
Result<size_t> unix_dgram_sendmsg(socket* sock, msghdr& msg, size_t len);
Result<size_t> unix_dgram_recvmsg(socket* sock, msghdr& msg, size_t len, unsigned flags);
Result<size_t> unix_seqpacket_sendmsg(socket* sock, msghdr& msg, size_t len);
Result<size_t> unix_seqpacket_recvmsg(socket* sock, msghdr& msg, size_t len, unsigned flags);
