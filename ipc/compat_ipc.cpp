/*
 * i386's ipc(2) multiplexer (Linux's ipc/syscall.c, compat_ksys_ipc): one
 * number for every System V IPC call, the call in the low 16 bits of the
 * first argument and a version above. Each call runs through its own i386
 * entry point, its arguments put in the registers an i386 caller would use.
 * The *CTL calls convert their structures in ipc/compat_ipc_ctl.cpp, in the
 * layout cmd's IPC_64 bit names; SEMTIMEDOP's timeout is an old_timespec32.
 */
#include <linux/compat.h>
#include <linux/syscalls.h>
#include <linux/time64.h>
#include <uapi/linux/time32.h>
#include "util.h"

extern "C" long __ia32_sys_semop(const pt_regs&);
extern "C" long __ia32_sys_semget(const pt_regs&);
extern "C" long __ia32_compat_sys_msgsnd(const pt_regs&);
extern "C" long __ia32_compat_sys_msgrcv(const pt_regs&);
extern "C" long __ia32_sys_msgget(const pt_regs&);
extern "C" long __ia32_compat_sys_shmat(const pt_regs&);
extern "C" long __ia32_sys_shmdt(const pt_regs&);
extern "C" long __ia32_sys_shmget(const pt_regs&);

namespace {

enum : unsigned {
    SEMOP = 1, SEMGET = 2, SEMCTL = 3, SEMTIMEDOP = 4,
    MSGSND = 11, MSGRCV = 12, MSGGET = 13, MSGCTL = 14,
    SHMAT = 21, SHMDT = 22, SHMGET = 23, SHMCTL = 24,
};

/* msgrcv's version 0: the buffer and the type in memory (compat_ipc_kludge). */
struct compat_ipc_kludge {
    compat_uptr_t msgp;
    compat_long_t msgtyp;
};

long call3(long (*entry)(const pt_regs&), unsigned long a, unsigned long b, unsigned long c, unsigned long d = 0,
           unsigned long e = 0)
{
    pt_regs r{};
    r.bx = a, r.cx = b, r.dx = c, r.si = d, r.di = e;
    return entry(r);
}

} // namespace

COMPAT_SYSCALL_DEFINE6(ipc, u32, call, int, first, int, second, u32, third, compat_uptr_t, ptr, u32, fifth)
{
    unsigned version = call >> 16;
    auto u = [](int v) { return static_cast<unsigned long>(static_cast<u32>(v)); };
    switch (call & 0xffff) {
    case SEMOP:
        return call3(__ia32_sys_semop, u(first), ptr, u(second));
    case SEMTIMEDOP: {
        /* The timeout an old_timespec32 (Linux's compat_ksys_semtimedop). */
        auto sops = compat_ptr<const sembuf>(ptr);
        if (!fifth)
            return do_semtimedop(first, sops, static_cast<unsigned>(second), nullptr);
        old_timespec32 t32 = TRY(get_user(compat_ptr<const old_timespec32>(fifth)));
        timespec64 t{t32.tv_sec, t32.tv_nsec};
        return do_semtimedop(first, sops, static_cast<unsigned>(second), &t);
    }
    case SEMGET:
        return call3(__ia32_sys_semget, u(first), u(second), third);
    case MSGSND:
        return call3(__ia32_compat_sys_msgsnd, u(first), ptr, u(second), third);
    case MSGRCV: {
        if (first < 0 || second < 0)
            return Errno::EINVAL;
        if (version == 0) {
            if (!ptr)
                return Errno::EINVAL;
            compat_ipc_kludge k = TRY(get_user(compat_ptr<const compat_ipc_kludge>(ptr)));
            return call3(__ia32_compat_sys_msgrcv, u(first), k.msgp, u(second), static_cast<u32>(k.msgtyp), third);
        }
        return call3(__ia32_compat_sys_msgrcv, u(first), ptr, u(second), fifth, third);
    }
    case MSGGET:
        return call3(__ia32_sys_msgget, u(first), u(second), 0);
    case SHMAT: {
        if (version == 1)
            return Errno::EINVAL;
        long addr = call3(__ia32_compat_sys_shmat, u(first), ptr, u(second));
        if (addr < 0 && addr >= -4095)
            return addr;
        TRY(put_user(static_cast<compat_ulong_t>(addr), compat_ptr<compat_ulong_t, UserDir::Out>(third)));
        return 0;
    }
    case SHMDT:
        return call3(__ia32_sys_shmdt, ptr, 0, 0);
    case SHMGET:
        return call3(__ia32_sys_shmget, u(first), u(second), third);
    case SEMCTL: {
        /* The fourth argument, union semun, is in memory. */
        if (!ptr)
            return Errno::EINVAL;
        u32 pad = TRY(get_user(compat_ptr<const u32>(ptr)));
        return compat_ipc_semctl(first, second, static_cast<int>(third), pad);
    }
    case MSGCTL:
        return compat_ipc_msgctl(first, second, ptr);
    case SHMCTL:
        return compat_ipc_shmctl(first, second, ptr);
    default:
        return Errno::ENOSYS;
    }
}
