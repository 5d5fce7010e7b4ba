/*
 * Socket-level control messages (Linux's net/core/scm.c): parsing what a
 * sender attaches (SCM_RIGHTS, SCM_CREDENTIALS) and writing what a receiver
 * gets. Files in flight are held by reference; a receive installs each as a
 * new descriptor (close-on-exec with MSG_CMSG_CLOEXEC). The big kernel lock
 * protects the descriptor tables and sockets involved.
 */
#include <linux/cred.h>
#include <linux/net.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/scm.h>

task_struct* find_task_by_pid(pid_t pid);

namespace {

constexpr int CAP_SETGID_ = 6, CAP_SETUID_ = 7, CAP_SYS_ADMIN_ = 21;

Result<void> scm_fp_copy(const cmsghdr& cm, const u8* data, scm_cookie& scm)
{
    int num = static_cast<int>((cm.cmsg_len - CMSG_ALIGN(sizeof(cmsghdr))) / sizeof(int));
    if (num <= 0)
        return {};
    if (num > SCM_MAX_FD)
        return Errno::EINVAL;
    if (!scm.fp) {
        scm.fp = static_cast<scm_fp_list*>(kmalloc(sizeof(scm_fp_list)));
        if (!scm.fp)
            return Errno::ENOMEM;
        scm.fp->count = 0;
    }
    scm_fp_list* fpl = scm.fp;
    if (fpl->count + num > SCM_MAX_FD)
        return Errno::EINVAL;
    for (int i = 0; i < num; i++) {
        int fd;
        memcpy(&fd, data + i * sizeof(int), sizeof(int));
        file* f = fd >= 0 ? fget_raw(fd) : nullptr;
        if (!f)
            return Errno::EBADF;
        fpl->fp[fpl->count++] = f;
    }
    return {};
}

/* May the sender claim these credentials? (Linux's scm_check_creds) */
Result<void> scm_check_creds(const ucred& creds)
{
    const cred* c = current_cred();
    bool pid_ok = creds.pid == current->tgid || capable(CAP_SYS_ADMIN_);
    bool uid_ok = creds.uid == c->uid || creds.uid == c->euid || creds.uid == c->suid || capable(CAP_SETUID_);
    bool gid_ok = creds.gid == c->gid || creds.gid == c->egid || creds.gid == c->sgid || capable(CAP_SETGID_);
    if (pid_ok && uid_ok && gid_ok)
        return {};
    return Errno::EPERM;
}

} // namespace

void scm_destroy(scm_cookie& scm)
{
    if (!scm.fp)
        return;
    for (int i = 0; i < scm.fp->count; i++)
        fput(scm.fp->fp[i]);
    kfree(scm.fp);
    scm.fp = nullptr;
}

scm_fp_list* scm_fp_dup(const scm_fp_list* fpl)
{
    auto* n = static_cast<scm_fp_list*>(kmalloc(sizeof(scm_fp_list)));
    if (!n)
        return nullptr;
    n->count = fpl->count;
    for (int i = 0; i < fpl->count; i++)
        n->fp[i] = get_file(fpl->fp[i]);
    return n;
}

Result<void> scm_send(socket* sock, const msghdr& msg, scm_cookie& scm)
{
    const cred* c = current_cred();
    scm.creds = {current->tgid, c->uid, c->gid};
    scm.fp = nullptr;
    size_t len = msg.msg_control_len;
    for (size_t off = 0; len >= sizeof(cmsghdr) && off + sizeof(cmsghdr) <= len;) {
        cmsghdr cm;
        memcpy(&cm, msg.msg_control + off, sizeof(cm));
        /* CMSG_OK: at least a header, and inside the buffer. */
        if (cm.cmsg_len < sizeof(cmsghdr) || cm.cmsg_len > len - off) {
            scm_destroy(scm);
            return Errno::EINVAL;
        }
        const u8* data = msg.msg_control + off + CMSG_ALIGN(sizeof(cmsghdr));
        Result<void> r;
        if (cm.cmsg_level != SOL_SOCKET) {
            /* another level's: not ours to look at */
        } else if (cm.cmsg_type == SCM_RIGHTS) {
            r = sock->ops->family == AF_UNIX ? scm_fp_copy(cm, data, scm) : Result<void>(Errno::EINVAL);
        } else if (cm.cmsg_type == SCM_CREDENTIALS) {
            ucred creds;
            if (cm.cmsg_len != CMSG_LEN(sizeof(ucred))) {
                r = Errno::EINVAL;
            } else {
                memcpy(&creds, data, sizeof(creds));
                r = scm_check_creds(creds);
                if (r.ok() && creds.pid != scm.creds.pid && !find_task_by_pid(creds.pid))
                    r = Errno::ESRCH;
                if (r.ok())
                    scm.creds = creds;
            }
        } else {
            r = Errno::EINVAL;
        }
        if (!r.ok()) {
            scm_destroy(scm);
            return r.error();
        }
        /* CMSG_NXTHDR */
        size_t next = off + CMSG_ALIGN(cm.cmsg_len);
        if (next + sizeof(cmsghdr) > len)
            break;
        off = next;
    }
    return {};
}

/* put_cmsg for an i386 receiver (Linux's put_cmsg_compat). */
static Result<void> put_cmsg_compat(msghdr& msg, int level, int type, size_t len, const void* data)
{
    if (!msg.msg_control_user || msg.msg_controllen < sizeof(compat_cmsghdr)) {
        msg.msg_flags |= MSG_CTRUNC;
        return {};
    }
    size_t cmlen = COMPAT_CMSG_LEN(len);
    if (msg.msg_controllen < cmlen) {
        msg.msg_flags |= MSG_CTRUNC;
        cmlen = msg.msg_controllen;
    }
    compat_cmsghdr cm{static_cast<u32>(cmlen), level, type};
    TRY(copy_to_user(user_out_ptr<u8>(msg.msg_control_user), reinterpret_cast<const u8*>(&cm), sizeof(cm)));
    TRY(copy_to_user(user_out_ptr<u8>(msg.msg_control_user + sizeof(cm)), static_cast<const u8*>(data),
                     cmlen - sizeof(cm)));
    cmlen = min(COMPAT_CMSG_SPACE(len), msg.msg_controllen);
    msg.msg_control_user += cmlen;
    msg.msg_controllen -= cmlen;
    return {};
}

Result<void> put_cmsg(msghdr& msg, int level, int type, size_t len, const void* data)
{
    if (msg.msg_flags & MSG_CMSG_COMPAT)
        return put_cmsg_compat(msg, level, type, len, data);
    if (!msg.msg_control_user || msg.msg_controllen < sizeof(cmsghdr)) {
        msg.msg_flags |= MSG_CTRUNC;
        return {};
    }
    size_t cmlen = CMSG_LEN(len);
    if (msg.msg_controllen < cmlen) {
        msg.msg_flags |= MSG_CTRUNC;
        cmlen = msg.msg_controllen;
    }
    cmsghdr cm{cmlen, level, type};
    TRY(copy_to_user(user_out_ptr<u8>(msg.msg_control_user), reinterpret_cast<const u8*>(&cm), sizeof(cm)));
    TRY(copy_to_user(user_out_ptr<u8>(msg.msg_control_user + sizeof(cm)), static_cast<const u8*>(data),
                     cmlen - sizeof(cm)));
    cmlen = min(CMSG_SPACE(len), msg.msg_controllen);
    msg.msg_control_user += cmlen;
    msg.msg_controllen -= cmlen;
    return {};
}

/* Installs the files as descriptors in the control buffer (Linux's scm_detach_fds). */
static void scm_detach_fds(msghdr& msg, scm_cookie& scm, unsigned flags)
{
    /* The header's size and the space rule: the native cmsghdr, or i386's. */
    bool compat = msg.msg_flags & MSG_CMSG_COMPAT;
    size_t hdr = compat ? sizeof(compat_cmsghdr) : sizeof(cmsghdr);
    int fdmax = msg.msg_controllen > hdr ? static_cast<int>((msg.msg_controllen - hdr) / sizeof(int)) : 0;
    if (fdmax > scm.fp->count)
        fdmax = scm.fp->count;
    unsigned long cm = msg.msg_control_user;
    int i = 0;
    for (; i < fdmax; i++) {
        auto fd = get_unused_fd_flags((flags & MSG_CMSG_CLOEXEC) ? O_CLOEXEC : 0);
        if (!fd.ok())
            break;
        if (!put_user(fd.value(), user_out_ptr<int>(cm + hdr + i * sizeof(int))).ok()) {
            put_unused_fd(fd.value());
            break;
        }
        fd_install(fd.value(), get_file(scm.fp->fp[i]));
    }
    if (i > 0 && compat) {
        compat_cmsghdr h{static_cast<u32>(COMPAT_CMSG_LEN(i * sizeof(int))), SOL_SOCKET, SCM_RIGHTS};
        if (copy_to_user(user_out_ptr<u8>(cm), reinterpret_cast<const u8*>(&h), sizeof(h)).ok()) {
            size_t cmlen = min(COMPAT_CMSG_SPACE(i * sizeof(int)), msg.msg_controllen);
            msg.msg_control_user += cmlen;
            msg.msg_controllen -= cmlen;
        }
    } else if (i > 0) {
        cmsghdr h{CMSG_LEN(i * sizeof(int)), SOL_SOCKET, SCM_RIGHTS};
        if (copy_to_user(user_out_ptr<u8>(cm), reinterpret_cast<const u8*>(&h), sizeof(h)).ok()) {
            size_t cmlen = min(CMSG_SPACE(i * sizeof(int)), msg.msg_controllen);
            msg.msg_control_user += cmlen;
            msg.msg_controllen -= cmlen;
        }
    }
    if (i < scm.fp->count || (scm.fp->count && fdmax <= 0))
        msg.msg_flags |= MSG_CTRUNC;
    scm_destroy(scm);
}

void scm_recv(socket* sock, msghdr& msg, scm_cookie& scm, unsigned flags)
{
    if (!msg.msg_control_user) {
        if ((sock->flags & SOCKF_PASSCRED) || scm.fp)
            msg.msg_flags |= MSG_CTRUNC;
        scm_destroy(scm);
        return;
    }
    if (sock->flags & SOCKF_PASSCRED)
        (void)put_cmsg(msg, SOL_SOCKET, SCM_CREDENTIALS, sizeof(ucred), &scm.creds);
    if (!scm.fp)
        return;
    scm_detach_fds(msg, scm, flags);
}
