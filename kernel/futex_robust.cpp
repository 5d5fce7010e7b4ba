/*
 * The robust futex list (Linux's kernel/futex/core.c exit_robust_list and
 * kernel/futex/syscalls.c). A thread registers the head of a list of the
 * locks it holds (set_robust_list; i386 programs the compat head, whose
 * pointers and offset are 32 bits); when it exits or execs, each lock whose
 * futex word still holds its TID gets FUTEX_OWNER_DIED (FUTEX_WAITERS kept)
 * and one waiter is woken, so the next locker sees EOWNERDEAD. The walk stops
 * at the first word it cannot read or write, after ROBUST_LIST_LIMIT
 * entries, or back at the head; list_op_pending, the lock being taken or
 * released when the thread died, is done last. PI futexes (bit 0 of an entry)
 * get the flag but no wake, as on Linux (where exit_pi_state wakes them;
 * FUTEX_LOCK_PI is ENOSYS here).
 *
 * Runs in the dying or exec'ing thread, on its own address space, under the
 * kernel lock like the rest of the futex code.
 */
#include <linux/compat.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/syscalls.h>
#include <uapi/linux/futex.h>

namespace {

enum class Death { List, Pending };

/*
 * One lock of the dying thread (Linux's handle_futex_death). false stops the
 * walk (a word that cannot be read or written, an unaligned one).
 */
bool handle_futex_death(task_struct* t, user_inout_ptr<u32> uaddr, bool pi, Death how)
{
    if (!uaddr.is_aligned(sizeof(u32)))
        return false;
    for (;;) {
        auto read = get_user(uaddr);
        if (!read.ok())
            return false;
        u32 uval = read.value();
        /* A pending unlock that already cleared the word may have left a
         * waiter asleep: wake one (non-PI only). */
        if (how == Death::Pending && !pi && !uval) {
            futex_wake_address(uaddr);
            return true;
        }
        if ((uval & FUTEX_TID_MASK) != static_cast<u32>(t->pid))
            return true; /* not ours (any more) */
        u32 mval = (uval & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
        auto found = cmpxchg_user(uaddr, uval, mval);
        if (!found.ok())
            return false;
        if (found.value() != uval)
            continue; /* user space changed it meanwhile: look again */
        if (!pi && (uval & FUTEX_WAITERS))
            futex_wake_address(uaddr);
        return true;
    }
}

/* An entry's pointer and PI bit, as read from user memory (fetch_robust_entry). */
template <typename Word>
struct robust_entry {
    Word addr;
    bool pi;
};

template <typename Word, typename P>
Result<robust_entry<Word>> fetch_robust_entry(P from)
{
    Word w = TRY(get_user(from));
    return robust_entry<Word>{static_cast<Word>(w & ~static_cast<Word>(1)), (w & 1) != 0};
}

/*
 * The walk, for either layout: Head is robust_list_head or
 * compat_robust_list_head, Word its pointer-sized integer (unsigned long or
 * u32), Offset its futex_offset's type. An entry's futex word is at entry +
 * futex_offset computed in Word's width (compat: 32-bit wrap, as Linux's
 * futex_uaddr).
 */
template <typename Head, typename Word, typename Offset>
void exit_robust_list(task_struct* t, user_in_ptr<const Head> head)
{
    /* The head's first member is the list itself: entry == head ends the walk. */
    auto at_head = [&](const robust_entry<Word>& e) { return user_in_ptr<const Head>(e.addr) == head; };
    auto word = [](Word entry, Offset off) { return user_inout_ptr<u32>(static_cast<Word>(entry + off)); };

    auto first = fetch_robust_entry<Word>(head.template field<const Word>(0));
    if (!first.ok())
        return;
    auto offset = get_user(head.template field<const Offset>(offsetof(Head, futex_offset)));
    if (!offset.ok())
        return;
    auto pending = fetch_robust_entry<Word>(head.template field<const Word>(offsetof(Head, list_op_pending)));
    if (!pending.ok())
        return;
    Offset off = offset.value();
    robust_entry<Word> entry = first.value();
    unsigned int limit = ROBUST_LIST_LIMIT;
    while (!at_head(entry)) {
        /* The next pointer is read before the lock is released (its owner may free it). */
        auto next = fetch_robust_entry<Word>(user_in_ptr<const Word>(entry.addr));
        if (entry.addr != pending.value().addr &&
            !handle_futex_death(t, word(entry.addr, off), entry.pi, Death::List))
            return;
        if (!next.ok())
            return;
        entry = next.value();
        if (!--limit)
            break;
        cond_resched();
    }
    if (pending.value().addr)
        (void)handle_futex_death(t, word(pending.value().addr, off), pending.value().pi, Death::Pending);
}

} // namespace

/* Linux's futex_cleanup: both lists, then they are forgotten. */
static void futex_cleanup(task_struct* t)
{
    if (t->robust_list) {
        exit_robust_list<robust_list_head, unsigned long, long>(t, t->robust_list);
        t->robust_list = {};
    }
    if (t->compat_robust_list) {
        exit_robust_list<compat_robust_list_head, u32, s32>(t, t->compat_robust_list);
        t->compat_robust_list = {};
    }
}

void futex_exit_release(task_struct* t) { futex_cleanup(t); }
void futex_exec_release(task_struct* t) { futex_cleanup(t); }

SYSCALL_DEFINE2(set_robust_list, user_in_ptr<const robust_list_head>, head, size_t, len)
{
    if (len != sizeof(robust_list_head))
        return Errno::EINVAL;
    current->robust_list = head;
    return 0;
}

/* The task whose list get_robust_list reports: ESRCH, or EPERM without
 * ptrace's read access (another user's list), as Linux asks. */
static Result<task_struct*> robust_list_task(int pid)
{
    task_struct* t = pid ? find_task_by_pid(pid) : current;
    if (!t)
        return Errno::ESRCH;
    if (!ptrace_may_access(t, PTRACE_MODE_READ_REALCREDS))
        return Errno::EPERM;
    return t;
}

SYSCALL_DEFINE3(get_robust_list, int, pid, user_out_ptr<user_in_ptr<const robust_list_head>>, head_ptr,
                user_out_ptr<size_t>, len_ptr)
{
    task_struct* t = TRY(robust_list_task(pid));
    TRY(put_user(sizeof(robust_list_head), len_ptr));
    return put_user(t->robust_list, head_ptr);
}

COMPAT_SYSCALL_DEFINE2(set_robust_list, user_in_ptr<const compat_robust_list_head>, head, compat_size_t, len)
{
    if (len != sizeof(compat_robust_list_head))
        return Errno::EINVAL;
    current->compat_robust_list = head;
    return 0;
}

COMPAT_SYSCALL_DEFINE3(get_robust_list, int, pid, user_out_ptr<compat_uptr_t>, head_ptr,
                       user_out_ptr<compat_size_t>, len_ptr)
{
    task_struct* t = TRY(robust_list_task(pid));
    TRY(put_user(static_cast<compat_size_t>(sizeof(compat_robust_list_head)), len_ptr));
    return put_user(static_cast<compat_uptr_t>(user_addr(t->compat_robust_list)), head_ptr);
}
