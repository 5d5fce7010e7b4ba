/*
 * Linux native AIO (Linux's fs/aio.c), the contexts and the ring: io_setup,
 * io_destroy, io_getevents, io_pgetevents, /proc/sys/fs/aio-nr and
 * aio-max-nr, and exit_aio. Requests are in fs/aio_submit.cpp.
 *
 * A context's ring is a shmem inode of its own mapped shared into the
 * process, as Linux maps its aio ring file: the aio_context_t is the
 * mapping's address, its first page starts with struct aio_ring, and the
 * kernel reaches the pages through the direct map, so a completion writes
 * its event whatever address space is current. The process may read the
 * ring itself (libaio reaps events from it without a system call) or call
 * io_getevents, which takes events at the ring's head. The locking is in
 * fs/aio.h: the kernel lock.
 */
#include <linux/aio.h>
#include <linux/compat.h>
#include <linux/eventfd.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscalls.h>
#include <linux/uaccess.h>
#include <uapi/linux/mman.h>
#include <uapi/linux/time32.h>
#include "aio.h"
#include "proc/internal.h"

namespace {

/* The contexts of every process (under the kernel lock). */
list_head aio_contexts;

/* Linux's aio_nr and aio_max_nr (/proc/sys/fs/aio-nr, aio-max-nr): the
 * events reserved by every context, and their limit (under the kernel lock). */
unsigned long aio_nr;
unsigned long aio_max_nr = 0x10000;

constexpr unsigned EVENTS_PER_PAGE = PAGE_SIZE / sizeof(io_event);
constexpr unsigned EVENTS_OFFSET = sizeof(aio_ring) / sizeof(io_event); /* the header takes one event's room */

aio_ring* ring_of(const kioctx* ctx) { return static_cast<aio_ring*>(page_address(ctx->ring_pages[0])); }

io_event* event_slot(const kioctx* ctx, unsigned i)
{
    unsigned pos = i + EVENTS_OFFSET;
    return static_cast<io_event*>(page_address(ctx->ring_pages[pos / EVENTS_PER_PAGE])) + pos % EVENTS_PER_PAGE;
}

/* /proc/PID/maps names the ring as Linux's aio file. */
bool aio_ring_name(const inode*, char* buf, size_t size)
{
    snprintf(buf, size, "/[aio] (deleted)");
    return true;
}

constexpr vm_operations_struct aio_ring_vm_ops = {nullptr, nullptr, aio_ring_name};

void free_ring(kioctx* ctx)
{
    if (ctx->ring_file)
        iput(ctx->ring_file);
    kfree(ctx->ring_pages);
    ctx->ring_file = nullptr;
    ctx->ring_pages = nullptr;
}

/* Linux's aio_setup_ring: room for nr_events + 2 events, rounded up to
 * whole pages (the ring then holds as many as fit), mapped read-write, shared. */
Result<void> setup_ring(kioctx* ctx, unsigned nr_events)
{
    nr_events += 2;
    size_t size = sizeof(aio_ring) + sizeof(io_event) * static_cast<size_t>(nr_events);
    unsigned nr_pages = static_cast<unsigned>((size + PAGE_SIZE - 1) / PAGE_SIZE);
    ctx->ring_file = TRY(shmem_file_setup(nr_pages * PAGE_SIZE));
    ctx->ring_file->i_vm_ops = &aio_ring_vm_ops;
    ctx->ring_pages = static_cast<page**>(kzalloc(sizeof(page*) * nr_pages));
    if (!ctx->ring_pages)
        return Errno::ENOMEM;
    ctx->nr_pages = nr_pages;
    for (unsigned i = 0; i < nr_pages; i++) {
        ctx->ring_pages[i] = TRY(filemap_get_page(ctx->ring_file, i));
        memset(page_address(ctx->ring_pages[i]), 0, PAGE_SIZE);
    }
    ctx->nr_events = static_cast<unsigned>((PAGE_SIZE * nr_pages - sizeof(aio_ring)) / sizeof(io_event));

    mm_struct* mm = current->mm;
    unsigned long len = nr_pages * PAGE_SIZE;
    if (!may_expand_vm(mm, len))
        return Errno::ENOMEM;
    unsigned long addr = get_unmapped_area(mm, len);
    if (!addr)
        return Errno::ENOMEM;
    TRY(mmap_region(mm, addr, len, calc_vm_prot_bits(PROT_READ | PROT_WRITE) | VM_MAY_ALL | VM_SHARED,
                    ctx->ring_file, 0));
    ctx->user_id = addr;
    ctx->mmap_size = len;

    aio_ring* ring = ring_of(ctx);
    ring->nr = ctx->nr_events;
    ring->id = ~0U;
    ring->head = ring->tail = 0;
    ring->magic = AIO_RING_MAGIC;
    ring->compat_features = AIO_RING_COMPAT_FEATURES;
    ring->incompat_features = AIO_RING_INCOMPAT_FEATURES;
    ring->header_length = sizeof(aio_ring);
    return {};
}

/* The lowest index no other context of the mm has (Linux's ioctx table slot). */
unsigned free_id(mm_struct* mm)
{
    for (unsigned id = 0;; id++) {
        bool used = false;
        list_for_each(pos, &aio_contexts) {
            kioctx* c = list_entry(pos, kioctx, node);
            if (c->mm == mm && c->id == id)
                used = true;
        }
        if (!used)
            return id;
    }
}

/* Linux's ioctx_alloc: the ring gets twice nr_events slots (after a floor
 * of 4 per CPU), as Linux sizes it for its per-CPU slot caches, in 32-bit
 * arithmetic as there (present CPUs: Trapgate has no hotplug); aio-nr counts
 * what the caller asked. */
Result<kioctx*> ioctx_alloc(unsigned nr_events)
{
    unsigned max_reqs = nr_events;
    nr_events = max(nr_events, static_cast<unsigned>(num_present_cpus()) * 4);
    nr_events *= 2;
    if (nr_events > 0x10000000U / sizeof(io_event))
        return Errno::EINVAL;
    if (!nr_events || max_reqs > aio_max_nr)
        return Errno::EAGAIN;

    auto* ctx = new kioctx{};
    if (!ctx)
        return Errno::ENOMEM;
    ctx->max_reqs = max_reqs;
    ctx->mm = current->mm;
    ctx->wait.head.init();
    ctx->active_reqs.init();
    if (auto r = setup_ring(ctx, nr_events); !r.ok()) {
        if (ctx->mmap_size)
            (void)do_munmap(ctx->mm, ctx->user_id, ctx->mmap_size);
        free_ring(ctx);
        delete ctx;
        return r.error();
    }
    if (aio_nr + ctx->max_reqs > aio_max_nr || aio_nr + ctx->max_reqs < aio_nr) {
        (void)do_munmap(ctx->mm, ctx->user_id, ctx->mmap_size);
        free_ring(ctx);
        delete ctx;
        return Errno::EAGAIN;
    }
    aio_nr += ctx->max_reqs;
    ctx->id = free_id(ctx->mm);
    ring_of(ctx)->id = ctx->id;
    aio_contexts.add_tail(&ctx->node);
    return ctx;
}

/* Linux's kill_ioctx: unlisted, its sleepers woken (they answer EINVAL), its
 * queued polls dropped, its events given back to aio-nr, the ring unmapped
 * (unless the mm is going anyway) and freed. */
void kill_ioctx(kioctx* ctx)
{
    ctx->dead = true;
    list_head::del(&ctx->node);
    aio_poll_drop(ctx);
    aio_nr = aio_nr >= ctx->max_reqs ? aio_nr - ctx->max_reqs : 0;
    if (ctx->mmap_size)
        (void)do_munmap(ctx->mm, ctx->user_id, ctx->mmap_size);
    wake_up(&ctx->wait);
    free_ring(ctx);
    if (!ctx->users)
        delete ctx; /* else the last put_ioctx frees it */
}

/* Linux's aio_read_events_ring: copies up to nr events from the head out,
 * page by page, and advances the head; -EFAULT leaves the head. */
long read_events_ring(kioctx* ctx, user_out_ptr<io_event> event, long nr)
{
    aio_ring* ring = ring_of(ctx);
    unsigned head = ring->head, tail = ring->tail;
    if (head == tail)
        return 0;
    head %= ctx->nr_events;
    tail %= ctx->nr_events;
    long ret = 0;
    while (ret < nr && head != tail) {
        long avail = (head <= tail ? tail : ctx->nr_events) - head;
        avail = min(avail, nr - ret);
        avail = min<long>(avail, EVENTS_PER_PAGE - (head + EVENTS_OFFSET) % EVENTS_PER_PAGE);
        if (!copy_to_user(event + ret, event_slot(ctx, head), static_cast<size_t>(avail)).ok())
            return errno_return(Errno::EFAULT);
        ret += avail;
        head = static_cast<unsigned>((head + avail) % ctx->nr_events);
    }
    ring->head = head;
    return ret;
}

/* Linux's read_events and aio_read_events: until min_nr events are read (or
 * the deadline, a signal, io_destroy). Returns what was read, an error if
 * nothing was, or ERESTARTNOHAND for a signal with nothing read. */
long read_events(kioctx* ctx, long min_nr, long nr, user_out_ptr<io_event> events, u64 deadline)
{
    long got = 0;
    auto step = [&]() -> bool {
        long r = ctx->dead ? 0 : read_events_ring(ctx, events + got, nr - got);
        if (r > 0)
            got += r;
        if (ctx->dead)
            r = errno_return(Errno::EINVAL);
        if (!got)
            got = r;
        return r < 0 || got >= min_nr;
    };
    if (deadline == 0) {
        aio_poll_queued(ctx, nullptr);
        (void)step();
        return got;
    }
    poll_table* pt = poll_table_alloc();
    if (!pt)
        return errno_return(Errno::ENOMEM);
    wait_queue_entry wait{current, {}};
    add_wait_queue(&ctx->wait, &wait);
    bool first = true;
    for (;;) {
        set_current_state(TASK_INTERRUPTIBLE);
        if (!ctx->dead)
            aio_poll_queued(ctx, first ? pt : nullptr);
        first = false;
        if (step())
            break;
        if (deadline != POLL_NO_DEADLINE && ktime_get_ns() >= deadline)
            break;
        if (signal_pending(current)) {
            if (!got)
                got = errno_return(Errno::ERESTARTNOHAND);
            break;
        }
        if (deadline == POLL_NO_DEADLINE)
            schedule();
        else
            schedule_timeout_until(deadline);
    }
    set_current_state(TASK_RUNNING);
    remove_wait_queue(&ctx->wait, &wait);
    poll_table_free(pt);
    return got;
}

/* A relative timeout as a deadline; 0 for "look once", as Linux's until == 0. */
u64 deadline_after(s64 sec, s64 nsec)
{
    if (sec < 0 || (sec == 0 && nsec <= 0))
        return 0;
    if (sec > static_cast<s64>(~0ULL / 2 / NSEC_PER_SEC) - 1)
        return POLL_NO_DEADLINE;
    return ktime_get_ns() + static_cast<u64>(sec) * NSEC_PER_SEC + static_cast<u64>(nsec);
}

Result<u64> get_deadline(user_in_ptr<const timespec_user> uts)
{
    if (!uts)
        return POLL_NO_DEADLINE;
    timespec_user ts = TRY(get_user(uts));
    if (in_compat_syscall())
        ts.tv_nsec = static_cast<s32>(ts.tv_nsec); /* get_timespec64: the low half from i386 */
    return deadline_after(ts.tv_sec, ts.tv_nsec);
}

Result<u64> get_deadline32(user_in_ptr<const old_timespec32> uts)
{
    if (!uts)
        return POLL_NO_DEADLINE;
    old_timespec32 ts = TRY(get_user(uts));
    return deadline_after(ts.tv_sec, ts.tv_nsec);
}

/* Linux's do_io_getevents: EINVAL for an unknown context or min_nr outside [0, nr]. */
long do_io_getevents(aio_context_t ctx_id, long min_nr, long nr, user_out_ptr<io_event> events, u64 deadline)
{
    kioctx* ctx = lookup_ioctx(ctx_id);
    if (!ctx)
        return errno_return(Errno::EINVAL);
    long r = errno_return(Errno::EINVAL);
    if (min_nr <= nr && min_nr >= 0)
        r = read_events(ctx, min_nr, nr, events, deadline);
    put_ioctx(ctx);
    return r;
}

/* io_getevents answers EINTR for a signal with nothing read (no restart). */
SyscallResult getevents_result(long r)
{
    if (r == errno_return(Errno::ERESTARTNOHAND))
        return Errno::EINTR;
    return r;
}

/* io_pgetevents: the mask for the call, as ppoll's. */
SyscallResult pgetevents(aio_context_t ctx_id, long min_nr, long nr, user_out_ptr<io_event> events, u64 deadline,
                         unsigned long sigmask, size_t sigsetsize)
{
    TRY(set_temporary_sigmask(sigmask, sigsetsize));
    SyscallResult r = do_io_getevents(ctx_id, min_nr, nr, events, deadline);
    end_temporary_sigmask(r);
    return r;
}

Result<__aio_sigset> get_aio_sigset(user_in_ptr<const __aio_sigset> usig)
{
    __aio_sigset ksig{};
    if (usig)
        TRY(copy_from_user(&ksig, usig));
    return ksig;
}

Result<__aio_sigset> get_compat_aio_sigset(user_in_ptr<const __compat_aio_sigset> usig)
{
    __compat_aio_sigset c{};
    if (usig)
        TRY(copy_from_user(&c, usig));
    return __aio_sigset{c.sigmask, c.sigsetsize};
}

/* io_setup could not store the context: it goes again. */
void kill_setup(aio_context_t ctx_id)
{
    if (kioctx* k = lookup_ioctx(ctx_id)) {
        kill_ioctx(k);
        put_ioctx(k);
    }
}

SyscallResult do_io_setup(unsigned nr_events, unsigned long ctx)
{
    if (ctx || nr_events == 0)
        return Errno::EINVAL;
    kioctx* k = TRY(ioctx_alloc(nr_events));
    return static_cast<long>(k->user_id);
}

} // namespace

kioctx* lookup_ioctx(aio_context_t ctx_id)
{
    auto id = get_user(user_in_ptr<const u32>(ctx_id + __builtin_offsetof(aio_ring, id)));
    if (!id.ok())
        return nullptr;
    list_for_each(pos, &aio_contexts) {
        kioctx* c = list_entry(pos, kioctx, node);
        if (c->mm == current->mm && c->id == id.value() && c->user_id == ctx_id) {
            c->users++;
            return c;
        }
    }
    return nullptr;
}

void put_ioctx(kioctx* ctx)
{
    if (--ctx->users == 0 && ctx->dead)
        delete ctx;
}

unsigned aio_ring_pending(const kioctx* ctx)
{
    unsigned head = ring_of(ctx)->head % ctx->nr_events;
    return (ctx->tail + ctx->nr_events - head) % ctx->nr_events;
}

void aio_complete(kioctx* ctx, u64 obj, u64 data, s64 res, file* eventfd)
{
    if (ctx->dead)
        return;
    io_event* ev = event_slot(ctx, ctx->tail);
    *ev = io_event{data, obj, res, 0};
    if (++ctx->tail >= ctx->nr_events)
        ctx->tail = 0;
    ring_of(ctx)->tail = ctx->tail;
    if (eventfd)
        eventfd_signal(eventfd, 1);
    wake_up(&ctx->wait);
}

/* exit_aio: the last user of mm is going; its contexts die without an
 * munmap (the whole address space goes). Called from mmput. */
void exit_aio(mm_struct* mm)
{
    list_for_each_safe(pos, n, &aio_contexts) {
        kioctx* c = list_entry(pos, kioctx, node);
        if (c->mm == mm) {
            c->mmap_size = 0;
            kill_ioctx(c);
        }
    }
}

SYSCALL_DEFINE2(io_setup, unsigned, nr_events, user_inout_ptr<u64>, ctxp)
{
    u64 ctx = TRY(get_user(ctxp));
    SyscallResult r = do_io_setup(nr_events, ctx);
    if (r.value < 0)
        return r;
    if (!put_user(static_cast<u64>(r.value), ctxp).ok()) {
        kill_setup(static_cast<aio_context_t>(r.value));
        return Errno::EFAULT;
    }
    return 0;
}

COMPAT_SYSCALL_DEFINE2(io_setup, unsigned, nr_events, user_inout_ptr<u32>, ctx32p)
{
    u32 ctx = TRY(get_user(ctx32p));
    SyscallResult r = do_io_setup(nr_events, ctx);
    if (r.value < 0)
        return r;
    if (!put_user(static_cast<u32>(r.value), ctx32p).ok()) {
        kill_setup(static_cast<aio_context_t>(r.value));
        return Errno::EFAULT;
    }
    return 0;
}

SYSCALL_DEFINE1(io_destroy, aio_context_t, ctx)
{
    kioctx* k = lookup_ioctx(ctx);
    if (!k)
        return Errno::EINVAL;
    kill_ioctx(k);
    put_ioctx(k);
    return 0;
}

SYSCALL_DEFINE5(io_getevents, aio_context_t, ctx_id, long, min_nr, long, nr, user_out_ptr<io_event>, events,
                user_in_ptr<const timespec_user>, timeout)
{
    u64 deadline = TRY(get_deadline(timeout));
    return getevents_result(do_io_getevents(ctx_id, min_nr, nr, events, deadline));
}

SYSCALL_DEFINE5(io_getevents_time32, u32, ctx_id, s32, min_nr, s32, nr, user_out_ptr<io_event>, events,
                user_in_ptr<const old_timespec32>, timeout)
{
    u64 deadline = TRY(get_deadline32(timeout));
    return getevents_result(do_io_getevents(ctx_id, min_nr, nr, events, deadline));
}

SYSCALL_DEFINE6(io_pgetevents, aio_context_t, ctx_id, long, min_nr, long, nr, user_out_ptr<io_event>, events,
                user_in_ptr<const timespec_user>, timeout, user_in_ptr<const __aio_sigset>, usig)
{
    u64 deadline = TRY(get_deadline(timeout));
    __aio_sigset ksig = TRY(get_aio_sigset(usig));
    return pgetevents(ctx_id, min_nr, nr, events, deadline, ksig.sigmask, ksig.sigsetsize);
}

COMPAT_SYSCALL_DEFINE6(io_pgetevents, compat_aio_context_t, ctx_id, compat_long_t, min_nr, compat_long_t, nr,
                       user_out_ptr<io_event>, events, user_in_ptr<const old_timespec32>, timeout,
                       user_in_ptr<const __compat_aio_sigset>, usig)
{
    u64 deadline = TRY(get_deadline32(timeout));
    __aio_sigset ksig = TRY(get_compat_aio_sigset(usig));
    return pgetevents(ctx_id, min_nr, nr, events, deadline, ksig.sigmask, ksig.sigsetsize);
}

COMPAT_SYSCALL_DEFINE6(io_pgetevents_time64, compat_aio_context_t, ctx_id, compat_long_t, min_nr, compat_long_t, nr,
                       user_out_ptr<io_event>, events, user_in_ptr<const timespec_user>, timeout,
                       user_in_ptr<const __compat_aio_sigset>, usig)
{
    u64 deadline = TRY(get_deadline(timeout));
    __aio_sigset ksig = TRY(get_compat_aio_sigset(usig));
    return pgetevents(ctx_id, min_nr, nr, events, deadline, ksig.sigmask, ksig.sigsetsize);
}

namespace procfs {

Result<void> show_aio_nr(seqbuf& m)
{
    m.printf("%lu\n", aio_nr);
    return {};
}

Result<void> show_aio_max_nr(seqbuf& m)
{
    m.printf("%lu\n", aio_max_nr);
    return {};
}

Result<size_t> write_aio_max_nr(const char* data, size_t len)
{
    unsigned long v;
    TRY(parse_numbers(data, len, &v, 1));
    aio_max_nr = v;
    return len;
}

} // namespace procfs
