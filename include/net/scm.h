/*
 * Control messages at the socket level (net/scm.cpp, Linux's net/core/scm.c):
 * SCM_RIGHTS carries open files, SCM_CREDENTIALS a sender's pid, uid and gid.
 * A send parses the kernel copy of msg_control into an scm_cookie; a receive
 * writes the cookie back as cmsgs into the user's buffer.
 */
#pragma once
#include <net/sock.h>

constexpr int SCM_RIGHTS = 1, SCM_CREDENTIALS = 2;
constexpr int SCM_MAX_FD = 253;

struct cmsghdr {
    size_t cmsg_len;
    int cmsg_level;
    int cmsg_type;
};
static_assert(sizeof(cmsghdr) == 16);
constexpr size_t CMSG_ALIGN(size_t n) { return (n + sizeof(long) - 1) & ~(sizeof(long) - 1); }
constexpr size_t CMSG_LEN(size_t n) { return CMSG_ALIGN(sizeof(cmsghdr)) + n; }
constexpr size_t CMSG_SPACE(size_t n) { return CMSG_ALIGN(sizeof(cmsghdr)) + CMSG_ALIGN(n); }

/* i386's cmsghdr (a 32-bit cmsg_len, data 4-byte aligned), written when the
 * receive came through int $0x80 (MSG_CMSG_COMPAT in msghdr::msg_flags). */
struct compat_cmsghdr {
    u32 cmsg_len;
    s32 cmsg_level;
    s32 cmsg_type;
};
static_assert(sizeof(compat_cmsghdr) == 12);
constexpr size_t CMSG_COMPAT_ALIGN(size_t n) { return (n + 3) & ~static_cast<size_t>(3); }
constexpr size_t COMPAT_CMSG_LEN(size_t n) { return sizeof(compat_cmsghdr) + n; }
constexpr size_t COMPAT_CMSG_SPACE(size_t n) { return sizeof(compat_cmsghdr) + CMSG_COMPAT_ALIGN(n); }

/* An i386 sender's control data (a kernel copy of ulen bytes) rewritten in
 * the native layout, in a new kmalloc'd buffer of *klen bytes (EINVAL for a
 * malformed cmsg; net/compat.cpp). */
Result<u8*> compat_cmsgs_to_kern(const u8* ucmsgs, size_t ulen, size_t* klen);

/* Files in flight, each referenced. */
struct scm_fp_list {
    int count;
    file* fp[SCM_MAX_FD];
};

struct scm_cookie {
    ucred creds;      /* the sender's real ids, or what SCM_CREDENTIALS gave */
    scm_fp_list* fp;  /* null: no files */
};

/* Fills scm from msg's control data (EINVAL for a malformed cmsg, EBADF,
 * EPERM for credentials the sender may not claim). On failure nothing is held. */
Result<void> scm_send(socket* sock, const msghdr& msg, scm_cookie& scm);
void scm_destroy(scm_cookie& scm);
scm_fp_list* scm_fp_dup(const scm_fp_list* fpl);
/* Writes credentials (if the socket has SO_PASSCRED) and the files (as new
 * descriptors) into the user's control buffer; consumes scm's files. */
void scm_recv(socket* sock, msghdr& msg, scm_cookie& scm, unsigned flags);
/* One control message into the user's buffer (MSG_CTRUNC when it does not fit). */
Result<void> put_cmsg(msghdr& msg, int level, int type, size_t len, const void* data);
