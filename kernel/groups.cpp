/*
 * The supplementary group list (Linux's kernel/groups.c): getgroups and
 * setgroups, and their i386 16-bit forms (Linux's kernel/uid16.c), which
 * give 65534 for a group that does not fit and take 0xffff as -1. The list
 * itself, sorted, is the credentials' group_info (kernel/cred.cpp).
 */
#include <linux/compat.h>
#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/syscalls.h>

/* The caller's supplementary groups, written by the caller's form (32 or
 * 16 bits); size 0 asks only how many there are. */
template <typename Write>
static SyscallResult do_getgroups(int size, Write write)
{
    const group_info* gi = current_cred()->group_info;
    if (size < 0)
        return Errno::EINVAL;
    if (size == 0)
        return gi->ngroups;
    if (size < gi->ngroups)
        return Errno::EINVAL;
    TRY(write(gi));
    return gi->ngroups;
}

SYSCALL_DEFINE2(getgroups, int, size, user_out_ptr<gid_t>, list)
{
    return do_getgroups(size, [&](const group_info* gi) { return copy_to_user(list, gi->gid, gi->ngroups); });
}

/* The new supplementary groups, read by the caller's form (32 or 16 bits)
 * into a new group_info, which set_groups sorts. */
template <typename Read>
static SyscallResult do_setgroups(int size, Read read)
{
    if (!capable(CAP_SETGID))
        return Errno::EPERM;
    if (size < 0 || size > NGROUPS_MAX)
        return Errno::EINVAL;
    group_info* gi = groups_alloc(size);
    if (!gi)
        return Errno::ENOMEM;
    if (auto r = read(gi->gid); !r.ok()) {
        put_group_info(gi);
        return r.error();
    }
    cred* now = prepare_creds();
    if (!now) {
        put_group_info(gi);
        return Errno::ENOMEM;
    }
    set_groups(now, gi);
    commit_creds(now);
    return 0;
}

SYSCALL_DEFINE2(setgroups, int, size, user_in_ptr<const gid_t>, list)
{
    return do_setgroups(size, [&](gid_t* groups) { return copy_from_user(groups, list, size); });
}

/* The group lists in 16 bits (Linux's kernel/uid16.c): 65534 for a group
 * that does not fit on the way out; 0xffff is -1 on the way in, which is
 * no group (EINVAL). */
SYSCALL_DEFINE2(getgroups16, int, size, user_out_ptr<u16>, list)
{
    return do_getgroups(size, [&](const group_info* gi) -> Result<void> {
        for (int i = 0; i < gi->ngroups; i++)
            TRY(put_user(static_cast<u16>(high2lowuid(gi->gid[i])), list + i));
        return {};
    });
}

SYSCALL_DEFINE2(setgroups16, int, size, user_in_ptr<const u16>, list)
{
    return do_setgroups(size, [&](gid_t* groups) -> Result<void> {
        for (int i = 0; i < size; i++) {
            groups[i] = low2highuid(TRY(get_user(list + i)));
            if (groups[i] == static_cast<gid_t>(-1)) /* not a valid group (gid_valid) */
                return Errno::EINVAL;
        }
        return {};
    });
}
