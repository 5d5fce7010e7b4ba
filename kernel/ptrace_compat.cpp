/*
 * ptrace(2) for an i386 tracer (Linux's compat_sys_ptrace and
 * compat_ptrace_request, kernel/ptrace.c; docs/ptrace.md): the same steps
 * as the native call (kernel/ptrace.cpp), with 32-bit words for
 * PEEKTEXT/PEEKDATA/POKETEXT/POKEDATA and GETEVENTMSG, the compat siginfo
 * for GETSIGINFO/SETSIGINFO, a compat iovec for GETREGSET/SETREGSET; the
 * register layouts are arch/x86_64/kernel/ptrace_32.cpp's
 * (compat_arch_ptrace). The rest (options, resuming, GETSIGMASK,
 * GET_SYSCALL_INFO) have one layout in both ABIs.
 */
#include <asm/ia32.h>
#include <linux/compat.h>
#include <linux/mm.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/syscalls.h>
#include <uapi/asm/sigcontext32.h>

namespace {

struct ptrace_compat_iovec {
    u32 iov_base;
    u32 iov_len;
};
static_assert(sizeof(ptrace_compat_iovec) == 8);

Result<long> compat_peek(task_struct* child, u32 addr, u32 data)
{
    u32 word = 0;
    if (!child->mm || access_remote_vm(child->mm, addr, &word, sizeof(word), FOLL_FORCE) != sizeof(word))
        return Errno::EIO;
    TRY(put_user(word, user_out_ptr<u32>(data)));
    return 0;
}

Result<long> compat_poke(task_struct* child, u32 addr, u32 data)
{
    if (!child->mm ||
        access_remote_vm(child->mm, addr, &data, sizeof(data), FOLL_FORCE | FOLL_WRITE) != sizeof(data))
        return Errno::EIO;
    return 0;
}

} // namespace

Result<long> compat_ptrace_request(task_struct* child, long request, u32 addr, u32 data)
{
    switch (request) {
    case PTRACE_PEEKTEXT:
    case PTRACE_PEEKDATA:
        return compat_peek(child, addr, data);
    case PTRACE_POKETEXT:
    case PTRACE_POKEDATA:
        return compat_poke(child, addr, data);
    case PTRACE_GETEVENTMSG:
        TRY(put_user(static_cast<u32>(child->ptrace_message), user_out_ptr<u32>(data)));
        return 0;
    case PTRACE_GETSIGINFO:
        if (!child->last_siginfo)
            return Errno::EINVAL;
        TRY(put_user(to_compat_siginfo(*child->last_siginfo), user_out_ptr<compat_siginfo_t>(data)));
        return 0;
    case PTRACE_SETSIGINFO: {
        siginfo_t info = from_compat_siginfo(TRY(get_user(user_in_ptr<const compat_siginfo_t>(data))));
        if (!child->last_siginfo)
            return Errno::EINVAL;
        *child->last_siginfo = info;
        return 0;
    }
    case PTRACE_GETREGSET:
    case PTRACE_SETREGSET: {
        ptrace_compat_iovec iov = TRY(get_user(user_in_ptr<const ptrace_compat_iovec>(data)));
        size_t len = TRY(ptrace_regset(child, request, addr, iov.iov_base, iov.iov_len));
        TRY(put_user(static_cast<u32>(len), user_out_ptr<u32>(data + offsetof(ptrace_compat_iovec, iov_len))));
        return 0;
    }
    default:
        return ptrace_request(child, request, addr, data);
    }
}

COMPAT_SYSCALL_DEFINE4(ptrace, int, request, int, pid, int, addr, int, data)
{
    if (request == PTRACE_TRACEME)
        return ptrace_traceme();
    task_struct* child = find_task_by_pid(pid);
    if (!child || pid <= 0)
        return Errno::ESRCH;
    /* compat_long_t: sign-extended here, as Linux passes them on. */
    if (request == PTRACE_ATTACH || request == PTRACE_SEIZE)
        return ptrace_attach(child, request, static_cast<unsigned long>(static_cast<long>(addr)),
                             static_cast<unsigned long>(static_cast<long>(data)));
    TRY(ptrace_check_attach(child, request == PTRACE_KILL || request == PTRACE_INTERRUPT));
    Result<long> r = compat_arch_ptrace(child, request, static_cast<u32>(addr), static_cast<u32>(data));
    if (!r.ok() || !ptrace_resumes(request))
        ptrace_unfreeze(child);
    return r;
}
