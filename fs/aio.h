/*
 * Linux native AIO inside fs/ (fs/aio.cpp: contexts, the ring, io_setup,
 * io_destroy, io_getevents; fs/aio_submit.cpp: io_submit, io_cancel). All
 * of it runs under the kernel lock, which protects every field below: the
 * system calls take it (none is SYSCALL_NO_BKL), and a sleep in
 * io_getevents or in a request's read gives it up and takes it back.
 */
#pragma once
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <uapi/linux/aio_abi.h>

struct mm_struct;
struct page;
struct poll_table;

struct kioctx {
    list_head node;          /* in aio_contexts */
    mm_struct* mm;           /* the address space holding the ring */
    unsigned id;             /* index among mm's contexts: aio_ring::id */
    unsigned long user_id;   /* the ring's user address: the aio_context_t */
    unsigned long mmap_size; /* bytes mapped there; 0 once the mm is going (exit_aio) */
    unsigned max_reqs;       /* counted in aio-nr */
    unsigned nr_events;      /* slots in the ring (the trusted copy of aio_ring::nr) */
    unsigned tail;           /* the trusted copy of aio_ring::tail */
    inode* ring_file;        /* the shmem inode behind the mapping */
    page** ring_pages;
    unsigned nr_pages;
    wait_queue_head wait;    /* io_getevents sleepers: woken by a completion or io_destroy */
    list_head active_reqs;   /* queued IOCB_CMD_POLL requests (aio_poll_req::node) */
    bool dead;               /* io_destroy ran: lookups no longer find it */
    unsigned users;          /* calls using it across a sleep (get_ioctx); the last frees a dead one */
};

/* A poll request whose file was not ready at io_submit: it completes when an
 * io_getevents on its context finds the file ready. */
struct aio_poll_req {
    list_head node; /* in kioctx::active_reqs */
    file* f;        /* counted */
    file* eventfd;  /* counted, or null */
    u64 obj;        /* the iocb's user address */
    u64 data;       /* its aio_data */
    unsigned events; /* what it waits for, with POLLERR | POLLHUP */
};

/* The context ctx_id names in the current process (Linux's lookup_ioctx),
 * with a use (put_ioctx it): a request's read or io_getevents may sleep,
 * and another thread may io_destroy the context meanwhile. */
kioctx* lookup_ioctx(aio_context_t ctx_id);
void put_ioctx(kioctx* ctx);
/* Events in the ring not yet read. */
unsigned aio_ring_pending(const kioctx* ctx);
/* Posts an event to the ring, signals eventfd (if any) and wakes the
 * context's sleepers (Linux's aio_complete); nothing once the context is
 * dead (its ring is gone). */
void aio_complete(kioctx* ctx, u64 obj, u64 data, s64 res, file* eventfd);
/* Completes the queued polls whose file is now ready, registering the rest on
 * pt (if not null) so that io_getevents wakes when they change. */
void aio_poll_queued(kioctx* ctx, poll_table* pt);
/* Drops the queued polls without an event (io_destroy, exit). */
void aio_poll_drop(kioctx* ctx);

/* io_submit's body: iocbpp holds nr iocb addresses, 8 bytes each, or 4 from
 * compat_sys_io_submit. */
using user_iocbpp_ptr = UserAbiPtr<const u64, const u32, UserDir::In>;
[[nodiscard]] SyscallResult do_io_submit(aio_context_t ctx_id, long nr, user_iocbpp_ptr iocbpp, bool compat);
