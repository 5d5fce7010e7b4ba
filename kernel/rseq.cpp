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

/* Named in task_struct (linux/sched.h), so outside the anonymous namespace. */
struct rseq_user {
    u32 cpu_id_start;
    u32 cpu_id;
    u64 rseq_cs;
    u32 flags;
    u32 node_id;
    u32 mm_cid;
};
static_assert(sizeof(rseq_user) == 32 && offsetof(rseq_user, rseq_cs) == 8);

namespace {

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
    auto rseq_cs = t->rseq.field<u64>(offsetof(rseq_user, rseq_cs));
    auto cs_addr = get_user(rseq_cs);
    if (cs_addr.ok() && cs_addr.value()) {
        auto cs = get_user(user_in_ptr<const rseq_cs_user>(cs_addr.value()));
        if (cs.ok() && regs->ip - cs.value().start_ip < cs.value().post_commit_offset) {
            /* The signature: the 4 bytes before the abort handler. */
            auto sig = get_user(user_in_ptr<const u32>(cs.value().abort_ip - sizeof(u32)));
            if (!sig.ok() || sig.value() != t->rseq_sig) {
                force_sig(SIGSEGV);
                return;
            }
            regs->ip = cs.value().abort_ip;
            (void)put_user(u64{0}, rseq_cs);
        }
    }
    u32 now = static_cast<u32>(smp_processor_id());
    u32 cpu[2] = {now, now};
    (void)copy_to_user(t->rseq.cast<u32>(), cpu, 2); /* cpu_id_start, cpu_id */
}

SYSCALL_DEFINE4(rseq, user_inout_ptr<rseq_user>, rseq, u32, rseq_len, int, flags, u32, sig)
{
    task_struct* t = current;
    if (flags & RSEQ_FLAG_UNREGISTER) {
        if (flags & ~RSEQ_FLAG_UNREGISTER)
            return Errno::EINVAL;
        if (t->rseq != rseq)
            return Errno::EINVAL;
        if (rseq_len != t->rseq_len)
            return Errno::EINVAL;
        if (sig != t->rseq_sig)
            return Errno::EPERM;
        t->rseq = {};
        t->rseq_len = 0;
        return 0;
    }
    if (flags)
        return Errno::EINVAL;
    if (t->rseq) {
        /* Registering the same area again is EBUSY; anything else EINVAL. */
        if (t->rseq != rseq || rseq_len != t->rseq_len)
            return Errno::EINVAL;
        if (sig != t->rseq_sig)
            return Errno::EPERM;
        return Errno::EBUSY;
    }
    if (!rseq.is_aligned(ORIG_RSEQ_SIZE) || rseq_len < ORIG_RSEQ_SIZE)
        return Errno::EINVAL;
    if (!access_ok(rseq, rseq_len))
        return Errno::EFAULT;
    u32 now = static_cast<u32>(smp_processor_id());
    u32 cpu[2] = {now, now};
    TRY(copy_to_user(rseq.cast<u32>(), cpu, 2));
    t->rseq = rseq;
    t->rseq_len = rseq_len;
    t->rseq_sig = sig;
    set_tsk_thread_flag(t, TIF_NOTIFY_RESUME);
    return 0;
}
