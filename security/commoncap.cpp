/*
 * The capability rules (Linux's security/commoncap.c, for a system without
 * file capabilities and with one user namespace): how the five sets follow
 * uid changes, what an exec grants, what capset and prctl may change.
 *
 *   permitted    the most the task's effective set may hold
 *   effective    what capable() checks
 *   inheritable  offered to a program across exec (with file capabilities,
 *                which Trapgate's file systems do not store: only root's
 *                rule and the ambient set use it)
 *   bounding     the ceiling of what an exec may give
 *   ambient      kept across the exec of an ordinary program; always a
 *                subset of permitted and inheritable
 */
#include <linux/cred.h>
#include <linux/sched.h>

namespace {

constexpr u64 cap_bit(unsigned long cap) { return 1ULL << cap; }
constexpr bool cap_issubset(u64 a, u64 set) { return !(a & ~set); }

/* The file-system capabilities: they follow the file-system uid. */
constexpr u64 CAP_FS_SET = cap_bit(CAP_CHOWN) | cap_bit(CAP_MKNOD) | cap_bit(CAP_DAC_OVERRIDE) |
                           cap_bit(CAP_DAC_READ_SEARCH) | cap_bit(CAP_FOWNER) | cap_bit(CAP_FSETID) |
                           cap_bit(CAP_LINUX_IMMUTABLE) | cap_bit(CAP_MAC_OVERRIDE);

bool issecure(const cred* c, int bit) { return c->securebits & issecure_mask(bit); }

bool has_root(const cred* c) { return c->uid == 0 || c->euid == 0 || c->suid == 0; }

/* Installs a changed copy of the caller's credentials. */
template <typename F>
Result<long> change_creds(F change)
{
    cred* n = prepare_creds();
    if (!n)
        return Errno::ENOMEM;
    change(n);
    commit_creds(n);
    return 0L;
}

} // namespace

void cap_emulate_setxuid(cred* now, const cred* old)
{
    if (issecure(old, SECURE_NO_SETUID_FIXUP))
        return;
    /* Leaving root altogether: the capabilities go, unless keepcaps keeps the
     * permitted ones (the ambient ones go in any case). */
    if (has_root(old) && !has_root(now)) {
        if (!issecure(old, SECURE_KEEP_CAPS))
            now->cap_permitted = now->cap_effective = 0;
        now->cap_ambient = 0;
    }
    if (old->euid == 0 && now->euid != 0)
        now->cap_effective = 0;
    if (old->euid != 0 && now->euid == 0)
        now->cap_effective = now->cap_permitted;
}

void cap_task_fix_setfsuid(cred* now, const cred* old)
{
    if (issecure(old, SECURE_NO_SETUID_FIXUP))
        return;
    if (old->fsuid == 0 && now->fsuid != 0)
        now->cap_effective &= ~CAP_FS_SET;
    if (old->fsuid != 0 && now->fsuid == 0)
        now->cap_effective |= now->cap_permitted & CAP_FS_SET;
}

/*
 * Linux's cap_bprm_creds_from_file for a file with no capabilities:
 *   - root (real or effective uid 0, unless SECURE_NOROOT) gets
 *     permitted = bounding | inheritable, and effective too when its
 *     effective uid is 0;
 *   - anyone else gets the ambient set as permitted and effective;
 *   - a set-id exec, or one that would gain permitted capabilities, under
 *     no_new_privs, keeps the old ids and at most the old permitted set;
 *   - a set-id exec clears the ambient set; keepcaps ends.
 */
bool cap_bprm_creds(cred* n, const cred* old, bool no_new_privs)
{
    bool effective = false;
    n->cap_permitted = 0;
    if (!issecure(old, SECURE_NOROOT)) {
        if (n->euid == 0 || n->uid == 0)
            n->cap_permitted = old->cap_bset | old->cap_inheritable;
        if (n->euid == 0)
            effective = true;
    }
    bool is_setid = n->euid != old->uid || n->egid != old->gid;
    if ((is_setid || !cap_issubset(n->cap_permitted, old->cap_permitted)) && no_new_privs) {
        n->euid = n->uid;
        n->egid = n->gid;
        n->cap_permitted &= old->cap_permitted;
    }
    n->suid = n->fsuid = n->euid;
    n->sgid = n->fsgid = n->egid;
    if (is_setid)
        n->cap_ambient = 0;
    n->cap_permitted |= n->cap_ambient;
    n->cap_effective = effective ? n->cap_permitted : n->cap_ambient;
    n->securebits &= ~issecure_mask(SECURE_KEEP_CAPS);
    return is_setid || (n->uid != 0 && (effective || !cap_issubset(n->cap_permitted, n->cap_ambient)));
}

Result<void> cap_capset(cred* n, const cred* old, u64 effective, u64 inheritable, u64 permitted)
{
    /* Without CAP_SETPCAP, new inheritable bits must come from the permitted set. */
    if (!(old->cap_effective & cap_bit(CAP_SETPCAP)) &&
        !cap_issubset(inheritable, old->cap_inheritable | old->cap_permitted))
        return Errno::EPERM;
    if (!cap_issubset(inheritable, old->cap_inheritable | old->cap_bset))
        return Errno::EPERM;
    if (!cap_issubset(permitted, old->cap_permitted))
        return Errno::EPERM;
    if (!cap_issubset(effective, permitted))
        return Errno::EPERM;
    n->cap_effective = effective;
    n->cap_inheritable = inheritable;
    n->cap_permitted = permitted;
    n->cap_ambient &= permitted & inheritable;
    return {};
}

Result<long> cap_task_prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4,
                            unsigned long arg5)
{
    const cred* old = current_cred();
    switch (option) {
    case PR_CAPBSET_READ:
        if (!cap_valid(arg2))
            return Errno::EINVAL;
        return (old->cap_bset & cap_bit(arg2)) ? 1L : 0L;
    case PR_CAPBSET_DROP:
        if (!capable(CAP_SETPCAP))
            return Errno::EPERM;
        if (!cap_valid(arg2))
            return Errno::EINVAL;
        return change_creds([&](cred* n) { n->cap_bset &= ~cap_bit(arg2); });
    case PR_GET_SECUREBITS:
        return static_cast<long>(old->securebits);
    case PR_SET_SECUREBITS:
        /* A locked bit may not change, a lock may not be undone, no unknown
         * bits, and only with CAP_SETPCAP. */
        if ((((old->securebits & SECURE_ALL_LOCKS) >> 1) & (old->securebits ^ arg2)) ||
            (old->securebits & SECURE_ALL_LOCKS & ~arg2) || (arg2 & ~(SECURE_ALL_LOCKS | SECURE_ALL_BITS)) ||
            !capable(CAP_SETPCAP))
            return Errno::EPERM;
        return change_creds([&](cred* n) { n->securebits = static_cast<unsigned int>(arg2); });
    case PR_GET_KEEPCAPS:
        return issecure(old, SECURE_KEEP_CAPS) ? 1L : 0L;
    case PR_SET_KEEPCAPS:
        if (arg2 > 1)
            return Errno::EINVAL;
        if (issecure(old, SECURE_KEEP_CAPS_LOCKED))
            return Errno::EPERM;
        return change_creds([&](cred* n) {
            if (arg2)
                n->securebits |= issecure_mask(SECURE_KEEP_CAPS);
            else
                n->securebits &= ~issecure_mask(SECURE_KEEP_CAPS);
        });
    case PR_CAP_AMBIENT:
        if (arg2 == PR_CAP_AMBIENT_CLEAR_ALL) {
            if (arg3 || arg4 || arg5)
                return Errno::EINVAL;
            return change_creds([](cred* n) { n->cap_ambient = 0; });
        }
        if (!cap_valid(arg3) || arg4 || arg5)
            return Errno::EINVAL;
        if (arg2 == PR_CAP_AMBIENT_IS_SET)
            return (old->cap_ambient & cap_bit(arg3)) ? 1L : 0L;
        if (arg2 == PR_CAP_AMBIENT_RAISE) {
            if (!(old->cap_permitted & cap_bit(arg3)) || !(old->cap_inheritable & cap_bit(arg3)) ||
                issecure(old, SECURE_NO_CAP_AMBIENT_RAISE))
                return Errno::EPERM;
            return change_creds([&](cred* n) { n->cap_ambient |= cap_bit(arg3); });
        }
        if (arg2 == PR_CAP_AMBIENT_LOWER)
            return change_creds([&](cred* n) { n->cap_ambient &= ~cap_bit(arg3); });
        return Errno::EINVAL;
    default:
        return Errno::EINVAL; /* not a capability option: prctl's answer for an unknown one */
    }
}
