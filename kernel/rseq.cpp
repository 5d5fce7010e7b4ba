/*
 * Restartable sequences (rseq): a thread registers a struct rseq; the kernel
 * keeps its cpu_id fields current (the CPU it returns to user mode on: every
 * switch asks for an update) and, when the thread is preempted or gets a
 * signal inside a registered critical section, moves it to the section's
 * abort handler before it runs again.
 * glibc registers one at start-up; Linux's layout (uapi/linux/rseq.h).
 */
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/syscalls.h>

namespace {

struct rseq_user {
    u32 cpu_id_start;
    u32 cpu_id;
    u64 rseq_cs;
    u32 flags;
    u32 node_id;
    u32 mm_cid;
};

struct rseq_cs_user {
    u32 version;
    u32 flags;
    u64 start_ip;
    u64 post_commit_offset;
    u64 abort_ip;
};

constexpr u32 ORIG_RSEQ_SIZE = 32;
constexpr int RSEQ_FLAG_UNREGISTER = 1;

} // namespace

void rseq_handle_notify_resume(pt_regs* regs)
{
    task_struct* t = current;
    if (!t->rseq)
        return;
    /* Leave a critical section the thread was interrupted in: to its abort handler. */
    u64 cs_addr = 0;
    if (raw_copy_from_user(&cs_addr, t->rseq + offsetof(rseq_user, rseq_cs), sizeof(cs_addr)) == 0 && cs_addr) {
        rseq_cs_user cs;
        if (raw_copy_from_user(&cs, cs_addr, sizeof(cs)) == 0 && regs->ip - cs.start_ip < cs.post_commit_offset) {
            u32 sig = 0;
            if (raw_copy_from_user(&sig, cs.abort_ip - sizeof(u32), sizeof(sig)) || sig != t->rseq_sig) {
                force_sig(SIGSEGV);
                return;
            }
            regs->ip = cs.abort_ip;
            u64 zero = 0;
            (void)raw_copy_to_user(t->rseq + offsetof(rseq_user, rseq_cs), &zero, sizeof(zero));
        }
    }
    u32 now = static_cast<u32>(smp_processor_id());
    u32 cpu[2] = {now, now};
    (void)raw_copy_to_user(t->rseq, cpu, sizeof(cpu));
}

SYSCALL_DEFINE4(rseq, user_inout_ptr<rseq_user>, rseq, u32, rseq_len, int, flags, u32, sig)
{
    task_struct* t = current;
    if (flags & RSEQ_FLAG_UNREGISTER) {
        if (flags & ~RSEQ_FLAG_UNREGISTER)
            return Errno::EINVAL;
        if (t->rseq != rseq.addr())
            return Errno::EINVAL;
        if (rseq_len != t->rseq_len)
            return Errno::EINVAL;
        if (sig != t->rseq_sig)
            return Errno::EPERM;
        t->rseq = 0;
        t->rseq_len = 0;
        return 0;
    }
    if (flags)
        return Errno::EINVAL;
    if (t->rseq) {
        /* Registering the same area again is EBUSY; anything else EINVAL. */
        if (t->rseq != rseq.addr() || rseq_len != t->rseq_len)
            return Errno::EINVAL;
        if (sig != t->rseq_sig)
            return Errno::EPERM;
        return Errno::EBUSY;
    }
    if ((rseq.addr() & (ORIG_RSEQ_SIZE - 1)) || rseq_len < ORIG_RSEQ_SIZE)
        return Errno::EINVAL;
    if (!access_ok(rseq.addr(), rseq_len))
        return Errno::EFAULT;
    u32 now = static_cast<u32>(smp_processor_id());
    u32 cpu[2] = {now, now};
    if (raw_copy_to_user(rseq.addr(), cpu, sizeof(cpu)))
        return Errno::EFAULT;
    t->rseq = rseq.addr();
    t->rseq_len = rseq_len;
    t->rseq_sig = sig;
    set_tsk_thread_flag(t, TIF_NOTIFY_RESUME);
    return 0;
}
