/*
 * Small system calls about the process and the system: ids, names, limits,
 * reboot, and the project's own get_cpus (Linux keeps most of these in
 * kernel/sys.c; so do we).
 */
#include <linux/ptrace.h>
#include <asm/reboot.h>
#include <drivers/acpi.h>
#include <linux/cpumask.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/time.h>
#include <linux/printk.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/string.h>
#include <linux/compat.h>
#include <linux/syscalls.h>
#include <uapi/linux/time32.h>
#include <uapi/linux/utsname.h>
#include <uapi/linux/reboot.h>

namespace {

new_utsname utsname = {
    .sysname = "Linux",
    .nodename = "(none)",
    .release = "6.1.0-trapgate",
    .version = "#1 SMP Trapgate",
    .machine = "x86_64",
    .domainname = "(none)",
};

/* reboot(2)'s magic numbers: uapi/linux/reboot.h. */

constexpr int PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4,
              PR_SET_NAME = 15, PR_GET_NAME = 16, PR_SET_CHILD_SUBREAPER = 36, PR_GET_CHILD_SUBREAPER = 37,
              PR_SET_NO_NEW_PRIVS = 38, PR_GET_NO_NEW_PRIVS = 39;

bool valid_id(unsigned int id) { return id != static_cast<unsigned int>(-1); }

SyscallResult commit_uid_change(cred* now)
{
    cap_emulate_setxuid(now, current_cred()); /* root's capabilities follow the uids */
    commit_creds(now);
    return 0;
}

} // namespace

new_utsname* init_utsname() { return &utsname; }

/* Trapgate's own system call, the documents' example: how many processors
 * the firmware lists as present (ACPI MADT). Number 1000, see syscall_64.tbl. */
SYSCALL_NO_BKL(get_cpus);
SYSCALL_DEFINE0(get_cpus)
{
    return num_present_cpus();
}

/* Its companion: how many of them run tasks now (num_online_cpus(): fewer
 * than present after maxcpus=, or if one failed to start). Number 1001. */
SYSCALL_NO_BKL(get_cpus_online);
SYSCALL_DEFINE0(get_cpus_online)
{
    return num_online_cpus();
}

SYSCALL_DEFINE1(newuname, user_out_ptr<new_utsname>, name)
{
    return copy_to_user(name, &utsname);
}

/* The i386 table's olduname (sys_uname) and oldolduname (sys_olduname). */
SYSCALL_DEFINE1(uname, user_out_ptr<old_utsname>, name)
{
    old_utsname tmp;
    memcpy(&tmp, &utsname, sizeof(tmp));
    return copy_to_user(name, &tmp);
}

SYSCALL_DEFINE1(olduname, user_out_ptr<oldold_utsname>, name)
{
    if (!name)
        return Errno::EFAULT;
    oldold_utsname tmp{};
    memcpy(tmp.sysname, utsname.sysname, __OLD_UTS_LEN);
    memcpy(tmp.nodename, utsname.nodename, __OLD_UTS_LEN);
    memcpy(tmp.release, utsname.release, __OLD_UTS_LEN);
    memcpy(tmp.version, utsname.version, __OLD_UTS_LEN);
    memcpy(tmp.machine, utsname.machine, __OLD_UTS_LEN);
    return copy_to_user(name, &tmp);
}

SYSCALL_DEFINE2(sethostname, user_in_ptr<const char>, name, int, len)
{
    if (!capable(CAP_SYS_ADMIN))
        return Errno::EPERM;
    if (len < 0 || len > __NEW_UTS_LEN)
        return Errno::EINVAL;
    char tmp[__NEW_UTS_LEN + 1];
    TRY(copy_from_user(tmp, name.cast<const char>(), len));
    memcpy(utsname.nodename, tmp, len);
    utsname.nodename[len] = 0;
    return 0;
}

SYSCALL_DEFINE2(setdomainname, user_in_ptr<const char>, name, int, len)
{
    if (!capable(CAP_SYS_ADMIN))
        return Errno::EPERM;
    if (len < 0 || len > __NEW_UTS_LEN)
        return Errno::EINVAL;
    char tmp[__NEW_UTS_LEN + 1];
    TRY(copy_from_user(tmp, name, len));
    memcpy(utsname.domainname, tmp, len);
    utsname.domainname[len] = 0;
    return 0;
}

SYSCALL_DEFINE4(reboot, int, magic1, int, magic2, unsigned int, cmd, user_in_ptr<const char>, arg)
{
    /* Privilege first, then the magic numbers, as Linux orders the checks. */
    if (!capable(CAP_SYS_BOOT))
        return Errno::EPERM;
    if (static_cast<unsigned int>(magic1) != LINUX_REBOOT_MAGIC1 ||
        (static_cast<unsigned int>(magic2) != LINUX_REBOOT_MAGIC2 &&
         static_cast<unsigned int>(magic2) != LINUX_REBOOT_MAGIC2A &&
         static_cast<unsigned int>(magic2) != LINUX_REBOOT_MAGIC2B &&
         static_cast<unsigned int>(magic2) != LINUX_REBOOT_MAGIC2C))
        return Errno::EINVAL;
    (void)arg;
    switch (cmd) {
    case LINUX_REBOOT_CMD_RESTART:
        pr_info("reboot: Restarting system\n");
        machine_restart();
    case LINUX_REBOOT_CMD_HALT:
    case LINUX_REBOOT_CMD_POWER_OFF:
        pr_info("reboot: Power down\n");
        machine_power_off(0);
    case LINUX_REBOOT_CMD_CAD_ON:
    case LINUX_REBOOT_CMD_CAD_OFF:
        return 0;
    default:
        return Errno::EINVAL;
    }
}

/* ---- ids ---- */

/* The ids of the caller need no kernel lock: only the task itself changes
 * its pids (de_thread, in its own exec) and its credentials (commit_creds). */
SYSCALL_NO_BKL(getpid);
SYSCALL_DEFINE0(getpid) { return current->tgid; }
SYSCALL_NO_BKL(gettid);
SYSCALL_DEFINE0(gettid) { return current->pid; }

/* The parent changes under the caller's feet (it exits, the child goes to a
 * reaper): read under parent_seq and retry, as Linux reads it under RCU. */
SYSCALL_NO_BKL(getppid);
SYSCALL_DEFINE0(getppid)
{
    for (;;) {
        u32 seq = read_seqcount_begin(&parent_seq);
        task_struct* parent = READ_ONCE(READ_ONCE(current->group_leader)->real_parent);
        pid_t ppid = parent ? READ_ONCE(parent->tgid) : 0;
        if (!read_seqcount_retry(&parent_seq, seq))
            return ppid;
    }
}

SYSCALL_NO_BKL(getuid);
SYSCALL_DEFINE0(getuid) { return current_cred()->uid; }
SYSCALL_NO_BKL(geteuid);
SYSCALL_DEFINE0(geteuid) { return current_cred()->euid; }
SYSCALL_NO_BKL(getgid);
SYSCALL_DEFINE0(getgid) { return current_cred()->gid; }
SYSCALL_NO_BKL(getegid);
SYSCALL_DEFINE0(getegid) { return current_cred()->egid; }

SYSCALL_DEFINE1(setuid, uid_t, uid)
{
    if (!valid_id(uid))
        return Errno::EINVAL;
    cred* now = prepare_creds();
    if (!now)
        return Errno::ENOMEM;
    const cred* old = current_cred();
    if (capable(CAP_SETUID)) {
        now->uid = now->euid = now->suid = now->fsuid = uid;
    } else if (uid == old->uid || uid == old->suid) {
        now->euid = now->fsuid = uid;
    } else {
        put_cred(now);
        return Errno::EPERM;
    }
    return commit_uid_change(now);
}

SYSCALL_DEFINE2(setreuid, uid_t, ruid, uid_t, euid)
{
    const cred* old = current_cred();
    cred* now = prepare_creds();
    if (!now)
        return Errno::ENOMEM;
    bool privileged = capable(CAP_SETUID);
    if (valid_id(ruid)) {
        if (!privileged && ruid != old->uid && ruid != old->euid) {
            put_cred(now);
            return Errno::EPERM;
        }
        now->uid = ruid;
    }
    if (valid_id(euid)) {
        if (!privileged && euid != old->uid && euid != old->euid && euid != old->suid) {
            put_cred(now);
            return Errno::EPERM;
        }
        now->euid = euid;
    }
    if (valid_id(ruid) || (valid_id(euid) && euid != old->uid))
        now->suid = now->euid;
    now->fsuid = now->euid;
    return commit_uid_change(now);
}

SYSCALL_DEFINE3(setresuid, uid_t, ruid, uid_t, euid, uid_t, suid)
{
    const cred* old = current_cred();
    if (!capable(CAP_SETUID)) {
        auto allowed = [&](uid_t id) { return !valid_id(id) || id == old->uid || id == old->euid || id == old->suid; };
        if (!allowed(ruid) || !allowed(euid) || !allowed(suid))
            return Errno::EPERM;
    }
    cred* now = prepare_creds();
    if (!now)
        return Errno::ENOMEM;
    if (valid_id(ruid))
        now->uid = ruid;
    if (valid_id(euid))
        now->euid = euid;
    if (valid_id(suid))
        now->suid = suid;
    now->fsuid = now->euid;
    return commit_uid_change(now);
}

SYSCALL_DEFINE3(getresuid, user_out_ptr<uid_t>, ruid, user_out_ptr<uid_t>, euid, user_out_ptr<uid_t>, suid)
{
    const cred* c = current_cred();
    TRY(put_user(c->uid, ruid));
    TRY(put_user(c->euid, euid));
    return put_user(c->suid, suid);
}

SYSCALL_DEFINE1(setgid, gid_t, gid)
{
    if (!valid_id(gid))
        return Errno::EINVAL;
    const cred* old = current_cred();
    cred* now = prepare_creds();
    if (!now)
        return Errno::ENOMEM;
    if (capable(CAP_SETGID)) {
        now->gid = now->egid = now->sgid = now->fsgid = gid;
    } else if (gid == old->gid || gid == old->sgid) {
        now->egid = now->fsgid = gid;
    } else {
        put_cred(now);
        return Errno::EPERM;
    }
    commit_creds(now);
    return 0;
}

SYSCALL_DEFINE2(setregid, gid_t, rgid, gid_t, egid)
{
    const cred* old = current_cred();
    bool privileged = capable(CAP_SETGID);
    if (valid_id(rgid) && !privileged && rgid != old->gid && rgid != old->egid)
        return Errno::EPERM;
    if (valid_id(egid) && !privileged && egid != old->gid && egid != old->egid && egid != old->sgid)
        return Errno::EPERM;
    cred* now = prepare_creds();
    if (!now)
        return Errno::ENOMEM;
    if (valid_id(rgid))
        now->gid = rgid;
    if (valid_id(egid))
        now->egid = egid;
    if (valid_id(rgid) || (valid_id(egid) && egid != old->gid))
        now->sgid = now->egid;
    now->fsgid = now->egid;
    commit_creds(now);
    return 0;
}

SYSCALL_DEFINE3(setresgid, gid_t, rgid, gid_t, egid, gid_t, sgid)
{
    const cred* old = current_cred();
    if (!capable(CAP_SETGID)) {
        auto allowed = [&](gid_t id) { return !valid_id(id) || id == old->gid || id == old->egid || id == old->sgid; };
        if (!allowed(rgid) || !allowed(egid) || !allowed(sgid))
            return Errno::EPERM;
    }
    cred* now = prepare_creds();
    if (!now)
        return Errno::ENOMEM;
    if (valid_id(rgid))
        now->gid = rgid;
    if (valid_id(egid))
        now->egid = egid;
    if (valid_id(sgid))
        now->sgid = sgid;
    now->fsgid = now->egid;
    commit_creds(now);
    return 0;
}

SYSCALL_DEFINE3(getresgid, user_out_ptr<gid_t>, rgid, user_out_ptr<gid_t>, egid, user_out_ptr<gid_t>, sgid)
{
    const cred* c = current_cred();
    TRY(put_user(c->gid, rgid));
    TRY(put_user(c->egid, egid));
    return put_user(c->sgid, sgid);
}

/* setfsuid and setfsgid answer the old id whatever happens, so a failure is
 * seen only by asking again (Linux's interface). */
SYSCALL_DEFINE1(setfsuid, uid_t, uid)
{
    const cred* old = current_cred();
    uid_t was = old->fsuid;
    if (!valid_id(uid) || uid == old->fsuid)
        return was;
    if (uid != old->uid && uid != old->euid && uid != old->suid && !capable(CAP_SETUID))
        return was;
    cred* now = prepare_creds();
    if (!now)
        return was;
    now->fsuid = uid;
    cap_task_fix_setfsuid(now, old); /* the file-system capabilities follow it */
    commit_creds(now);
    return was;
}

SYSCALL_DEFINE1(setfsgid, gid_t, gid)
{
    const cred* old = current_cred();
    gid_t was = old->fsgid;
    if (!valid_id(gid) || gid == old->fsgid)
        return was;
    if (gid != old->gid && gid != old->egid && gid != old->sgid && !capable(CAP_SETGID))
        return was;
    cred* now = prepare_creds();
    if (!now)
        return was;
    now->fsgid = gid;
    commit_creds(now);
    return was;
}

SYSCALL_DEFINE1(umask, int, mask)
{
    umode_t old = current->fs->umask;
    current->fs->umask = mask & 0777;
    return old;
}

/* ---- prctl ---- */

/* Every option Trapgate knows does what Linux's does; the rest are EINVAL
 * (Linux's answer for an option it doesn't have). */
SYSCALL_DEFINE5(prctl, int, option, unsigned long, arg2, unsigned long, arg3, unsigned long, arg4,
                unsigned long, arg5)
{
    task_struct* me = current;
    switch (option) {
    case PR_SET_NAME: {
        char name[TASK_COMM_LEN];
        auto n = strncpy_from_user(name, user_in_ptr<const char>(arg2), sizeof(name));
        if (!n.ok() && n.error() != Errno::ENAMETOOLONG)
            return n.error();
        set_task_comm(current, name);
        return 0;
    }
    case PR_GET_NAME:
        return copy_to_user(user_out_ptr<char>(arg2), current->comm, TASK_COMM_LEN);
    case PR_GET_DUMPABLE:
        return me->signal->dumpable;
    case PR_SET_DUMPABLE:
        /* 2 (SUID_DUMP_ROOT) is only for the sysctl, not for prctl. */
        if (arg2 != SUID_DUMP_DISABLE && arg2 != SUID_DUMP_USER)
            return Errno::EINVAL;
        me->signal->dumpable = static_cast<int>(arg2);
        return 0;
    case PR_SET_PDEATHSIG:
        if (arg2 > _NSIG)
            return Errno::EINVAL;
        me->pdeath_signal = static_cast<int>(arg2);
        return 0;
    case PR_GET_PDEATHSIG:
        return put_user(me->pdeath_signal, user_out_ptr<int>(arg2));
    case PR_SET_NO_NEW_PRIVS:
        /* One way only: there is no unsetting it. */
        if (arg2 != 1 || arg3 || arg4 || arg5)
            return Errno::EINVAL;
        me->no_new_privs = true;
        return 0;
    case PR_GET_NO_NEW_PRIVS:
        if (arg2 || arg3 || arg4 || arg5)
            return Errno::EINVAL;
        return me->no_new_privs ? 1 : 0;
    case PR_SET_CHILD_SUBREAPER:
        me->signal->is_child_subreaper = arg2 != 0;
        return 0;
    case PR_GET_CHILD_SUBREAPER:
        return put_user(me->signal->is_child_subreaper ? 1 : 0, user_out_ptr<int>(arg2));
    default:
        return cap_task_prctl(option, arg2, arg3, arg4, arg5); /* EINVAL if not one of its own */
    }
}

/* ---- thread bookkeeping libc sets up at start ---- */

SYSCALL_DEFINE1(set_tid_address, user_inout_ptr<int>, tidptr)
{
    current->clear_child_tid = tidptr;
    return current->pid;
}

/* ---- process groups and sessions ---- */

SYSCALL_DEFINE2(setpgid, pid_t, pid, pid_t, pgid)
{
    task_struct* me = current->group_leader;
    if (!pid)
        pid = me->tgid;
    if (!pgid)
        pgid = pid;
    if (pgid < 0)
        return Errno::EINVAL;
    task_struct* p = find_task_by_pid(pid);
    if (!p || p->tgid != pid)
        return Errno::ESRCH;
    /* Ourselves or one of our children. */
    if (p != me) {
        if (p->real_parent != me)
            return Errno::ESRCH;
        if (p->signal->session != me->signal->session)
            return Errno::EPERM;
        if (p->did_exec)
            return Errno::EACCES;
    }
    if (p->signal->leader)
        return Errno::EPERM;
    if (pgid != pid && !pgrp_in_session(pgid, me->signal->session))
        return Errno::EPERM;
    p->signal->pgrp = pgid;
    return 0;
}

SYSCALL_DEFINE1(getpgid, pid_t, pid)
{
    task_struct* p = pid ? find_task_by_pid(pid) : current;
    if (!p)
        return Errno::ESRCH;
    return p->signal->pgrp;
}

SYSCALL_DEFINE0(getpgrp) { return current->signal->pgrp; }

SYSCALL_DEFINE1(getsid, pid_t, pid)
{
    task_struct* p = pid ? find_task_by_pid(pid) : current;
    if (!p)
        return Errno::ESRCH;
    return p->signal->session;
}

SYSCALL_DEFINE0(setsid)
{
    task_struct* me = current->group_leader;
    signal_struct* sig = me->signal;
    /* A process group leader can't start a session: its group would straddle two. */
    if (sig->pgrp == me->tgid || pgrp_in_session(me->tgid, sig->session) ||
        ({
            bool used = false;
            list_for_each(pos, &task_list) {
                task_struct* t = list_entry(pos, task_struct, tasks);
                if (t->signal->pgrp == me->tgid && !t->exit_state)
                    used = true;
            }
            used;
        }))
        return Errno::EPERM;
    sig->session = sig->pgrp = me->tgid;
    sig->leader = true;
    sig->tty = nullptr;
    return me->tgid;
}

/* ---- the i386 16-bit id calls (Linux's kernel/uid16.c) ----
 * int $0x80's getuid (24) and friends predate 32-bit ids: they return the id
 * truncated to 16 bits (65534 when it doesn't fit) and take -1 as 0xffff. */

unsigned int high2lowuid(uid_t uid) { return uid > 0xffff ? 65534 : uid; } /* also compat_stat's (fs/stat.cpp) */

SYSCALL_DEFINE0(getuid16) { return high2lowuid(current_cred()->uid); }
SYSCALL_DEFINE0(geteuid16) { return high2lowuid(current_cred()->euid); }
SYSCALL_DEFINE0(getgid16) { return high2lowuid(current_cred()->gid); }
SYSCALL_DEFINE0(getegid16) { return high2lowuid(current_cred()->egid); }
SYSCALL_DEFINE1(setuid16, unsigned short, uid) { return __do_sys_setuid(low2highuid(uid)); }
SYSCALL_DEFINE1(setgid16, unsigned short, gid) { return __do_sys_setgid(low2highuid(gid)); }
SYSCALL_DEFINE2(setreuid16, unsigned short, ruid, unsigned short, euid)
{
    return __do_sys_setreuid(low2highuid(ruid), low2highuid(euid));
}
SYSCALL_DEFINE2(setregid16, unsigned short, rgid, unsigned short, egid)
{
    return __do_sys_setregid(low2highuid(rgid), low2highuid(egid));
}
SYSCALL_DEFINE3(setresuid16, unsigned short, ruid, unsigned short, euid, unsigned short, suid)
{
    return __do_sys_setresuid(low2highuid(ruid), low2highuid(euid), low2highuid(suid));
}
SYSCALL_DEFINE3(setresgid16, unsigned short, rgid, unsigned short, egid, unsigned short, sgid)
{
    return __do_sys_setresgid(low2highuid(rgid), low2highuid(egid), low2highuid(sgid));
}

namespace {
SyscallResult put_ids16(uid_t a, uid_t b, uid_t c, user_out_ptr<u16> pa, user_out_ptr<u16> pb, user_out_ptr<u16> pc)
{
    TRY(put_user(static_cast<u16>(high2lowuid(a)), pa));
    TRY(put_user(static_cast<u16>(high2lowuid(b)), pb));
    return put_user(static_cast<u16>(high2lowuid(c)), pc);
}
} // namespace

SYSCALL_DEFINE3(getresuid16, user_out_ptr<u16>, ruid, user_out_ptr<u16>, euid, user_out_ptr<u16>, suid)
{
    const cred* c = current_cred();
    return put_ids16(c->uid, c->euid, c->suid, ruid, euid, suid);
}
SYSCALL_DEFINE3(getresgid16, user_out_ptr<u16>, rgid, user_out_ptr<u16>, egid, user_out_ptr<u16>, sgid)
{
    const cred* c = current_cred();
    return put_ids16(c->gid, c->egid, c->sgid, rgid, egid, sgid);
}
/* The old id back, in 16 bits. */
SYSCALL_DEFINE1(setfsuid16, unsigned short, uid)
{
    return high2lowuid(static_cast<uid_t>(__do_sys_setfsuid(low2highuid(uid)).value));
}
SYSCALL_DEFINE1(setfsgid16, unsigned short, gid)
{
    return high2lowuid(static_cast<gid_t>(__do_sys_setfsgid(low2highuid(gid)).value));
}
