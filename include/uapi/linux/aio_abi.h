/*
 * Linux native AIO, the ABI (Linux's include/uapi/linux/aio_abi.h and the
 * ring header of fs/aio.c): the request block io_submit reads, the event
 * io_getevents returns, the ring io_setup maps into the process, and
 * io_pgetevents' signal-mask argument. iocb and io_event have one layout on
 * both ABIs (every field at a multiple of 8); __aio_sigset does not.
 */
#pragma once
#include <linux/abi.h>
#include <linux/types.h>

using aio_context_t = unsigned long;
using compat_aio_context_t = u32;

/* aio_lio_opcode */
constexpr u16 IOCB_CMD_PREAD = 0;
constexpr u16 IOCB_CMD_PWRITE = 1;
constexpr u16 IOCB_CMD_FSYNC = 2;
constexpr u16 IOCB_CMD_FDSYNC = 3;
constexpr u16 IOCB_CMD_POLL = 5;
constexpr u16 IOCB_CMD_NOOP = 6;
constexpr u16 IOCB_CMD_PREADV = 7;
constexpr u16 IOCB_CMD_PWRITEV = 8;

/* aio_flags */
constexpr u32 IOCB_FLAG_RESFD = 1u << 0;  /* signal the eventfd aio_resfd on completion */
constexpr u32 IOCB_FLAG_IOPRIO = 1u << 1; /* aio_reqprio is an I/O priority */

/* What io_submit stores in aio_key, and io_cancel looks for (Linux's KIOCB_KEY). */
constexpr u32 KIOCB_KEY = 0;

/* The request (little-endian x86: aio_key before aio_rw_flags). */
struct iocb {
    u64 aio_data; /* returned in the event's data */
    u32 aio_key;  /* set by the kernel */
    s32 aio_rw_flags; /* RWF_* */
    u16 aio_lio_opcode;
    s16 aio_reqprio;
    u32 aio_fildes;
    u64 aio_buf;    /* the buffer, the iovec array, or poll's events */
    u64 aio_nbytes; /* its length, or the number of iovecs */
    s64 aio_offset;
    u64 aio_reserved2; /* must be 0 */
    u32 aio_flags;
    u32 aio_resfd;
};
static_assert(sizeof(iocb) == 64);
static_assert(__builtin_offsetof(iocb, aio_key) == 8);
static_assert(__builtin_offsetof(iocb, aio_rw_flags) == 12);
static_assert(__builtin_offsetof(iocb, aio_lio_opcode) == 16);
static_assert(__builtin_offsetof(iocb, aio_fildes) == 20);
static_assert(__builtin_offsetof(iocb, aio_buf) == 24);
static_assert(__builtin_offsetof(iocb, aio_offset) == 40);
static_assert(__builtin_offsetof(iocb, aio_reserved2) == 48);
static_assert(__builtin_offsetof(iocb, aio_flags) == 56);
static_assert(__builtin_offsetof(iocb, aio_resfd) == 60);

struct io_event {
    u64 data; /* the iocb's aio_data */
    u64 obj;  /* the iocb's user address */
    s64 res;  /* the result: bytes moved or -errno */
    s64 res2;
};
static_assert(sizeof(io_event) == 32);

/* The ring's header, at the address io_setup returns (Linux's struct
 * aio_ring in fs/aio.c); the events follow it. */
constexpr unsigned AIO_RING_MAGIC = 0xa10a10a1;
constexpr unsigned AIO_RING_COMPAT_FEATURES = 1;
constexpr unsigned AIO_RING_INCOMPAT_FEATURES = 0;
struct aio_ring {
    unsigned id; /* the context's index in its process */
    unsigned nr; /* events in the ring */
    unsigned head;
    unsigned tail;
    unsigned magic;
    unsigned compat_features;
    unsigned incompat_features;
    unsigned header_length; /* sizeof(aio_ring) */
};
static_assert(sizeof(aio_ring) == 32);
static_assert(__builtin_offsetof(aio_ring, head) == 8);
static_assert(__builtin_offsetof(aio_ring, tail) == 12);

/* io_pgetevents' last argument. */
struct __aio_sigset {
    u64 sigmask; /* const sigset_t __user * */
    u64 sigsetsize;
};
static_assert(sizeof(__aio_sigset) == 16);
ABI_LAYOUT_DIFFERS(__aio_sigset); /* __compat_aio_sigset: 8 bytes */

struct __compat_aio_sigset {
    u32 sigmask; /* compat_uptr_t */
    u32 sigsetsize;
};
static_assert(sizeof(__compat_aio_sigset) == 8);
