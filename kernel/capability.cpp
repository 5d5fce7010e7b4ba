/*
 * capget and capset (Linux's kernel/capability.c): a task's effective,
 * permitted and inheritable sets as 32-bit words, one word for version 1 of
 * the header, two for versions 2 and 3. The rules of what may change are in
 * security/commoncap.cpp.
 */
#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/syscalls.h>
#include <linux/uaccess.h>

namespace {

using cap_header_ptr = user_inout_ptr<__user_cap_header_struct>;

/* The number of data words the header's version asks for; an unknown version
 * is answered with the kernel's own in the header, and EINVAL. */
Result<unsigned> cap_validate_magic(cap_header_ptr header)
{
    unsigned version = TRY(get_user(header.cast<unsigned>()));
    switch (version) {
    case _LINUX_CAPABILITY_VERSION_1:
        return static_cast<unsigned>(_LINUX_CAPABILITY_U32S_1);
    case _LINUX_CAPABILITY_VERSION_2:
    case _LINUX_CAPABILITY_VERSION_3:
        return static_cast<unsigned>(_LINUX_CAPABILITY_U32S_3);
    default:
        TRY(put_user(static_cast<unsigned>(_LINUX_CAPABILITY_VERSION_3), header.cast<unsigned>()));
        return Errno::EINVAL;
    }
}

Result<int> header_pid(cap_header_ptr header)
{
    return get_user((header.cast<u8>() + offsetof(__user_cap_header_struct, pid)).cast<int>());
}

/* The 41 valid bits of the upper word are masked off as Linux does. */
constexpr u64 CAP_VALID_MASK = CAP_FULL_SET;

} // namespace

SYSCALL_DEFINE2(capget, cap_header_ptr, header, user_out_ptr<__user_cap_data_struct>, dataptr)
{
    auto words = cap_validate_magic(header);
    /* A NULL data pointer asks only for the version (written back above). */
    if (dataptr.is_null())
        return !words.ok() && words.error() == Errno::EINVAL ? Result<long>(0L) : Result<long>(words.error());
    unsigned n = TRY(words);
    int pid = TRY(header_pid(header));
    if (pid < 0)
        return Errno::EINVAL;
    const task_struct* t = current;
    if (pid && pid != current->pid) {
        t = find_task_by_pid(pid);
        if (!t)
            return Errno::ESRCH;
    }
    const cred* c = t->cred;
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    for (unsigned i = 0; i < n; i++) {
        data[i].effective = static_cast<u32>(c->cap_effective >> (32 * i));
        data[i].permitted = static_cast<u32>(c->cap_permitted >> (32 * i));
        data[i].inheritable = static_cast<u32>(c->cap_inheritable >> (32 * i));
    }
    TRY(copy_to_user(dataptr, data, n));
    return 0;
}

SYSCALL_DEFINE2(capset, cap_header_ptr, header, user_in_ptr<const __user_cap_data_struct>, data)
{
    unsigned n = TRY(cap_validate_magic(header));
    int pid = TRY(header_pid(header));
    /* Only the caller's own sets may change. */
    if (pid && pid != current->pid)
        return Errno::EPERM;
    __user_cap_data_struct in[_LINUX_CAPABILITY_U32S_3] = {};
    TRY(copy_from_user(in, data, n));
    u64 effective = 0, permitted = 0, inheritable = 0;
    for (unsigned i = 0; i < n; i++) {
        effective |= static_cast<u64>(in[i].effective) << (32 * i);
        permitted |= static_cast<u64>(in[i].permitted) << (32 * i);
        inheritable |= static_cast<u64>(in[i].inheritable) << (32 * i);
    }
    cred* now = prepare_creds();
    if (!now)
        return Errno::ENOMEM;
    auto r = cap_capset(now, current_cred(), effective & CAP_VALID_MASK, inheritable & CAP_VALID_MASK,
                        permitted & CAP_VALID_MASK);
    if (!r.ok()) {
        put_cred(now);
        return r.error();
    }
    commit_creds(now);
    return 0;
}
