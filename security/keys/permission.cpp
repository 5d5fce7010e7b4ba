/*
 * Key permissions (Linux's security/keys/permission.c). A key's mask has a
 * byte for each of possessor, owner (uid equal to the caller's fsuid),
 * group (its gid the caller's fsgid or a supplementary group, when the
 * group byte grants anything) and others; the owner, group or other byte
 * is used, in that order, and the possessor byte is added to it when the
 * key was reached from the caller's keyrings. Capabilities grant nothing
 * here: only chown and setperm, and the clearing and invalidation of
 * special keyrings, look at CAP_SYS_ADMIN (keyctl.cpp).
 */
#include "internal.h"

namespace {

bool groups_search(const group_info* gi, gid_t gid)
{
    for (int i = 0; i < gi->ngroups; i++)
        if (gi->gid[i] == gid)
            return true;
    return false;
}

} // namespace

Result<void> key_task_permission(key_ref ref, const cred* c, key_need need)
{
    key_perm_t mask;
    switch (need) {
    case key_need::VIEW: mask = KEY_OTH_VIEW; break;
    case key_need::READ: mask = KEY_OTH_READ; break;
    case key_need::WRITE: mask = KEY_OTH_WRITE; break;
    case key_need::SEARCH: mask = KEY_OTH_SEARCH; break;
    case key_need::LINK: mask = KEY_OTH_LINK; break;
    case key_need::SETATTR: mask = KEY_OTH_SETATTR; break;
    case key_need::UNLINK:
    case key_need::SYSADMIN_OVERRIDE:
    case key_need::AUTHTOKEN_OVERRIDE:
    case key_need::DEFER_PERM_CHECK: return {};
    default: return Errno::EACCES;
    }
    const key* k = ref.k;
    key_perm_t kperm;
    if (k->uid == c->fsuid)
        kperm = k->perm >> 16;
    else if (k->gid != static_cast<gid_t>(-1) && (k->perm & KEY_GRP_ALL) &&
             (k->gid == c->fsgid || groups_search(c->group_info, k->gid)))
        kperm = k->perm >> 8;
    else
        kperm = k->perm;
    if (ref.possessed)
        kperm |= k->perm >> 24;
    if ((kperm & mask) != mask)
        return Errno::EACCES;
    return {};
}
