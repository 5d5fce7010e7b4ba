/*
 * kcmp: whether two processes share a kernel object (a file, the address
 * space, the descriptor table, ...), for checkpoint/restore tools (Linux's
 * kernel/kcmp.c). The answer orders the objects by their addresses mixed
 * with a per-boot random cookie per type, so it says equal or which is
 * "less" without telling user space where kernel objects are.
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/ptrace.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/syscalls.h>

namespace {

enum kcmp_type { KCMP_FILE, KCMP_VM, KCMP_FILES, KCMP_FS, KCMP_SIGHAND, KCMP_IO, KCMP_SYSVSEM, KCMP_EPOLL_TFD,
                 KCMP_TYPES };

/* Made once, at the first call (under the kernel lock, which kcmp holds). */
u64 cookies[KCMP_TYPES][2];
bool cookies_made;

long obfuscate(const void* p, int type)
{
    return static_cast<long>((reinterpret_cast<u64>(p) ^ cookies[type][0]) * cookies[type][1]);
}

/* 0: the same object; 1: the first orders before the second; 2: after. */
long kcmp_ptr(const void* a, const void* b, int type)
{
    long x = obfuscate(a, type), y = obfuscate(b, type);
    return (x < y) | ((x > y) << 1);
}

file* file_of(task_struct* t, unsigned long fd)
{
    if (!t->files || fd > 0x7fffffffUL)
        return nullptr;
    spin_guard g(&t->files->file_lock); /* the slot, against the owner's own changes */
    return t->files->get(static_cast<int>(fd)); /* only compared, never used */
}

} // namespace

SYSCALL_DEFINE5(kcmp, pid_t, pid1, pid_t, pid2, int, type, unsigned long, idx1, unsigned long, idx2)
{
    task_struct* t1 = find_task_by_pid(pid1);
    task_struct* t2 = find_task_by_pid(pid2);
    if (!t1 || !t2)
        return Errno::ESRCH;
    if (!ptrace_may_access(t1, PTRACE_MODE_READ_REALCREDS) || !ptrace_may_access(t2, PTRACE_MODE_READ_REALCREDS))
        return Errno::EPERM;
    if (!cookies_made) {
        get_random_bytes(cookies, sizeof(cookies));
        for (auto& c : cookies)
            c[1] |= (~(~0ULL >> 1)) | 1; /* odd and large: the mix is a bijection */
        cookies_made = true;
    }
    switch (type) {
    case KCMP_FILE: {
        file* a = file_of(t1, idx1);
        file* b = file_of(t2, idx2);
        if (!a || !b)
            return Errno::EBADF;
        return kcmp_ptr(a, b, type);
    }
    case KCMP_VM:
        return kcmp_ptr(t1->mm, t2->mm, type);
    case KCMP_FILES:
        return kcmp_ptr(t1->files, t2->files, type);
    case KCMP_FS:
        return kcmp_ptr(t1->fs, t2->fs, type);
    case KCMP_SIGHAND:
        return kcmp_ptr(t1->sighand, t2->sighand, type);
    case KCMP_IO:
        return kcmp_ptr(nullptr, nullptr, type); /* no task has an I/O context: no block I/O here */
    case KCMP_SYSVSEM:
        return kcmp_ptr(t1->sysvsem_undo, t2->sysvsem_undo, type);
    case KCMP_EPOLL_TFD:
        return Errno::EOPNOTSUPP; /* not yet: a file inside an epoll's interest list */
    default:
        return Errno::EINVAL;
    }
}
