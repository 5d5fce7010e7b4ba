/*
 * gen_arg: one argument of a kind (tests/fuzz/calls.h) from its pool
 * (tests/fuzz/args.h).
 */
#pragma once

#include "args.h"

namespace fuzz {

namespace detail {

inline long path_arg(Ctx& c)
{
    Rng& r = c.rng;
    switch (r.below(20)) {
    case 0: return 0;
    case 1: return static_cast<long>(HOLE);
    case 2: return static_cast<long>(RO_PAGE + r.below(PAGE));   /* no NUL before the hole */
    case 3: return static_cast<long>(BUF_END - 1);               /* one byte, then the hole */
    case 4: return static_cast<long>(r.pick(kernel_addrs));
    case 5: return static_cast<long>(r.pick(noncanonical_addrs));
    case 6: return reinterpret_cast<long>(r.one_in(2) ? long_name : long_path);
    case 7:
    case 8:
    case 9: return reinterpret_cast<long>(r.pick(other_paths));
    default: return reinterpret_cast<long>(r.pick(own_paths));
    }
}

inline long sigaction_arg(Ctx& c)
{
    long arg;
    u64* w = struct_ptr(c, arg);
    if (w && room(w, 4) >= 4) {
        static constexpr u64 flags[] = {0, 0x10000000 /* SA_RESTART */, 0x80000000 /* SA_RESETHAND */,
                                        0x40000000 /* SA_NODEFER */, 4 /* SA_SIGINFO */, 1 /* SA_NOCLDSTOP */,
                                        2 /* SA_NOCLDWAIT */, 0x08000000 /* SA_ONSTACK */};
        switch (c.rng.below(3)) {
        case 0: w[0] = 0; break; /* SIG_DFL */
        case 1: w[0] = 1; break; /* SIG_IGN */
        default: w[0] = reinterpret_cast<u64>(fuzz_signal_handler); break;
        }
        /* Our restorer always. With SA_ONSTACK the frame goes on the
         * alternate stack sigaltstack gave, which may be anywhere (a buffer,
         * the hole, cut short): a frame that cannot be written kills. */
        u64 f = c.rng.pick(flags) | c.rng.pick(flags) | (c.rng.one_in(8) ? random_word(c.rng) & 0xffffffff : 0);
        w[1] = f | 0x04000000 /* SA_RESTORER */;
        w[2] = reinterpret_cast<u64>(fuzz_signal_restorer);
        w[3] = c.rng.one_in(2) ? 0 : random_word(c.rng);
    }
    return arg;
}

inline long iov_arg(Ctx& c)
{
    long arg;
    u64* w = struct_ptr(c, arg);
    if (w) {
        u64 n = room(w, 2 * (1 + c.rng.below(8))) / 2;
        for (u64 i = 0; i < n; i++) {
            /* Bases in BUF go through buf_ptr: filled, and scanned after. */
            w[2 * i] = static_cast<u64>(buf_ptr(c));
            w[2 * i + 1] = static_cast<u64>(c.rng.one_in(3) ? len_pool(c.rng) : static_cast<long>(c.rng.below(512)));
        }
    }
    return arg;
}

inline long pollfd_arg(Ctx& c)
{
    long arg;
    u64* w = struct_ptr(c, arg);
    if (w) {
        u64 n = room(w, 1 + c.rng.below(8));
        for (u64 i = 0; i < n; i++) {
            u64 events = c.rng.one_in(4) ? c.rng.next() & 0xffff : (c.rng.below(8) | 4);
            w[i] = static_cast<u32>(fd_pool(c)) | (events << 32);
        }
    }
    return arg;
}

inline long clone_flags(Ctx& c)
{
    static constexpr u64 bits[] = {0x100 /* VM */, 0x200 /* FS */, 0x400 /* FILES */, 0x800 /* SIGHAND */,
                                   0x1000 /* PIDFD */, 0x4000 /* VFORK */, 0x8000 /* PARENT */, 0x10000 /* THREAD */, 0x20000 /* NEWNS */,
                                   0x40000 /* SYSVSEM */, 0x80000 /* SETTLS */, 0x100000 /* PARENT_SETTID */,
                                   0x200000 /* CHILD_CLEARTID */, 0x1000000 /* CHILD_SETTID */,
                                   0x20000000 /* NEWPID */, 0x80000000 /* IO */};
    u64 f = c.rng.one_in(4) ? c.rng.below(65) : 17 /* SIGCHLD */;
    for (int i = 0, n = static_cast<int>(c.rng.below(4)); i < n; i++)
        f |= c.rng.pick(bits);
    if (c.rng.one_in(16))
        f = random_word(c.rng);
    return static_cast<long>(f);
}

inline long clone3_arg(Ctx& c)
{
    long arg;
    u64* w = struct_ptr(c, arg);
    if (w && room(w, 11) == 11) {
        w[0] = static_cast<u64>(clone_flags(c)) & ~0xffULL;       /* flags: the signal is a field here */
        w[1] = c.rng.one_in(2) ? 0 : static_cast<u64>(buf_ptr(c)); /* pidfd */
        w[2] = c.rng.one_in(2) ? 0 : static_cast<u64>(buf_ptr(c)); /* child_tid */
        w[3] = c.rng.one_in(2) ? 0 : static_cast<u64>(buf_ptr(c)); /* parent_tid */
        w[4] = c.rng.one_in(4) ? c.rng.below(70) : 17;             /* exit_signal */
        w[5] = c.rng.one_in(2) ? 0 : static_cast<u64>(buf_ptr(c)); /* stack */
        w[6] = w[5] ? static_cast<u64>(len_pool(c.rng)) : 0;       /* stack_size */
        w[7] = c.rng.one_in(2) ? 0 : BUF;                          /* tls */
        w[8] = c.rng.one_in(4) ? static_cast<u64>(buf_ptr(c)) : 0; /* set_tid */
        w[9] = w[8] ? c.rng.below(3) : 0;                          /* set_tid_size */
        w[10] = c.rng.one_in(8) ? random_word(c.rng) : 0;          /* cgroup */
    }
    return arg;
}

inline long mode_arg(Ctx& c)
{
    static constexpr long pool[] = {0, 0777, 0644, 0755, 0600, 04755, 07777, 0100644, 040755, 020666, 060666,
                                    0140777, 0120777, 010644 /* FIFO */, -1};
    return c.rng.one_in(8) ? static_cast<long>(c.rng.next() & 0xffffffff) : c.rng.pick(pool);
}

inline long dev_arg(Ctx& c)
{
    /* mem devices only: a worker must not make itself a console or a tty. */
    static constexpr long pool[] = {0, (1 << 8) | 3, (1 << 8) | 5, (1 << 8) | 7, (1 << 8) | 8, (1 << 8) | 9,
                                    200 << 8, (254 << 8) | 255, 0xfff00};
    return c.rng.pick(pool);
}

} // namespace detail

inline long gen_arg(Ctx& c, Kind k)
{
    using namespace detail;
    Rng& r = c.rng;
    switch (k) {
    case NONE: return 0;
    case INT: return int_pool(r);
    case ANY:
        switch (r.below(6)) {
        case 0: return buf_ptr(c);
        case 1: return static_cast<long>(random_word(r));
        case 2: return len_pool(r);
        default: return int_pool(r);
        }
    case FD: return fd_pool(c);
    case DIRFD: return r.one_in(2) ? -100 /* AT_FDCWD */ : fd_pool(c);
    case PATH: return path_arg(c);
    case XPATH: {
        static constexpr const char* cannot_run[] = {"/nonexistent/x", "d", "", "/dev/null", "/", "loop"};
        return r.one_in(2) ? reinterpret_cast<long>(r.pick(cannot_run))
                           : static_cast<long>(r.pick({0UL, HOLE, RO_PAGE, BUF_END - 1, kernel_addrs[0],
                                                      noncanonical_addrs[0]}));
    }
    case MNTPATH: {
        static constexpr const char* points[] = {"d", "d", ".", "/nonexistent/x", "d/x", ""};
        return r.one_in(6) ? static_cast<long>(r.pick({0UL, HOLE, kernel_addrs[0]}))
                           : reinterpret_cast<long>(r.pick(points));
    }
    case BUFIN:
    case BUFOUT: return buf_ptr(c);
    case STRUCT: {
        long arg;
        u64* w = struct_ptr(c, arg);
        if (w)
            for (u64 i = 0, n = room(w, 16); i < n; i++)
                w[i] = static_cast<u64>(r.one_in(3) ? static_cast<long>(random_word(r)) : int_pool(r));
        return arg;
    }
    case LEN: return len_pool(r);
    case OFF:
        return r.pick({0L, 1L, 4095L, 4096L, 1L << 20, 1L << 31, 1L << 32, 1L << 40, 0x7fffffffffffffffL, -1L,
                       -4096L, static_cast<long>(r.below(65536))});
    case OFLAGS: {
        static constexpr long bits[] = {0100 /* CREAT */, 0200 /* EXCL */, 0400 /* NOCTTY */, 01000 /* TRUNC */,
                                        02000 /* APPEND */, 04000 /* NONBLOCK */, 010000 /* DSYNC */,
                                        040000 /* DIRECT */, 0100000 /* LARGEFILE */, 0200000 /* DIRECTORY */,
                                        0400000 /* NOFOLLOW */, 01000000 /* NOATIME */, 02000000 /* CLOEXEC */,
                                        010000000 /* PATH */, 020200000 /* TMPFILE */};
        long f = static_cast<long>(r.below(4));
        for (int i = 0, n = static_cast<int>(r.below(4)); i < n; i++)
            f |= r.pick(bits);
        return r.one_in(16) ? static_cast<long>(r.next() & 0xffffffff) : f;
    }
    case AFLAGS:
        return r.pick({0L, 0x100L, 0x200L, 0x400L, 0x800L, 0x1000L, 0x1100L, 0x1fffL, -1L,
                       static_cast<long>(r.next() & 0xffffffff)});
    case MODE: return mode_arg(c);
    case DEV: return dev_arg(c);
    case UID: return r.pick({0L, 65534L, 1000L, -1L, 0xffffffffL, 0xfffeL, 0x7fffffffL});
    case PID: return pid_pool(c);
    case KPID: {
        /* Never 1 or -1; 0 and -self are the worker's own group (it made itself a group leader). */
        long p = r.pick({0L, 99999L, -99999L, -0x80000000L, 4194304L});
        switch (r.below(4)) {
        case 0: return c.self;
        case 1: return -c.self;
        case 2: return c.child ? c.child : 99999;
        default: return p;
        }
    }
    case TID: return r.pick({static_cast<long>(c.self), static_cast<long>(c.self), 0L, -1L, 99999L,
                             static_cast<long>(c.child)});
    case SIG: {
        /* Mostly signals that do not end the worker. */
        static constexpr long quiet[] = {0, 10, 12, 17, 18, 23, 28, 34, 64};
        static constexpr long other[] = {1, 2, 3, 6, 9, 14, 15, 19, 20, 21, 22, 24, 25, 26, 27, 29, 30, 31, 32, 33,
                                         65, -1, 0x7fffffff, 4, 5, 7, 8, 11 /* the fault signals */};
        return r.one_in(6) ? r.pick(other) : r.pick(quiet);
    }
    case SIGSET: {
        long arg;
        u64* w = struct_ptr(c, arg);
        if (w && room(w, 1))
            w[0] = r.pick({0UL, ~0UL, 1UL << 9, 1UL << 11, (1UL << 9) | (1UL << 18), random_word(r)});
        return arg;
    }
    case SSZ: return r.one_in(8) ? len_pool(r) : 8;
    case SACT: return sigaction_arg(c);
    case STACK: {
        long arg;
        u64* w = struct_ptr(c, arg);
        if (w && room(w, 3) == 3) {
            w[0] = static_cast<u64>(buf_ptr(c));
            w[1] = r.pick({0UL, 1UL, 2UL, 4UL, 3UL}); /* ss_flags: SS_ONSTACK, SS_DISABLE, SS_AUTODISARM */
            w[2] = static_cast<u64>(r.pick({0L, 2048L, 4096L, 8192L, 65536L, -1L}));
        }
        return arg;
    }
    case ADDR: return addr_pool(c);
    case MLEN: return mlen_pool(r);
    case PROT: return r.one_in(8) ? static_cast<long>(r.next() & 0xffffffff) : static_cast<long>(r.below(8)) | (r.one_in(16) ? 0x01000000 : 0);
    case MFLAGS: {
        static constexpr long bits[] = {0x10 /* FIXED */, 0x20 /* ANONYMOUS */, 0x20, 0x20, 0x40 /* 32BIT */,
                                        0x100 /* GROWSDOWN */, 0x2000 /* LOCKED */, 0x4000 /* NORESERVE */,
                                        0x8000 /* POPULATE */, 0x10000 /* NONBLOCK */, 0x20000 /* STACK */,
                                        0x40000 /* HUGETLB */, 0x100000 /* FIXED_NOREPLACE */};
        long f = r.pick({2L, 2L, 1L, 3L, 0L, 0xfL});
        for (int i = 0, n = static_cast<int>(r.below(4)); i < n; i++)
            f |= r.pick(bits);
        return r.one_in(16) ? static_cast<long>(r.next() & 0xffffffff) : f;
    }
    case MREMAPF: return r.pick({0L, 1L, 3L, 2L, 5L, 7L, 4L, static_cast<long>(r.next() & 0xffffffff)});
    case MADV: return r.pick({0L, 1L, 2L, 3L, 4L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L,
                              21L, 22L, 23L, 24L, 25L, -1L, 1000L});
    case MSF: return r.pick({0L, 1L, 2L, 4L, 3L, 6L, 7L, 8L, -1L});
    case BRK: {
        long b = static_cast<long>(c.brk0);
        return r.pick({0L, b, b + 4096, b + (1L << 20), b - 4096, b - (1L << 20), 1L << 46,
                       static_cast<long>(kernel_addrs[0]), static_cast<long>(SCRATCH), b + (256L << 20)});
    }
    case TSPEC: return tspec(c);
    case ITIMER: return itimer(c);
    case TMO: return r.one_in(128) ? -1 : r.pick({0L, 0L, 1L, 10L});
    case IOV: return iov_arg(c);
    case IOVCNT: return r.pick({0L, 1L, 2L, 3L, 8L, 1024L, 1025L, -1L, 0x7fffffffL, static_cast<long>(r.below(9))});
    case POLLFD: return pollfd_arg(c);
    case NFDS: return r.pick({0L, 1L, 2L, 3L, 8L, 64L, 1024L, 1025L, -1L, 0x7fffffffL, static_cast<long>(r.below(9))});
    case FDSET: {
        long arg;
        u64* w = struct_ptr(c, arg);
        if (w)
            for (u64 i = 0, n = room(w, 16); i < n; i++)
                w[i] = r.one_in(2) ? r.below(256) : random_word(r);
        return arg;
    }
    case PIPE: return buf_ptr(c);
    case WHENCE: return r.pick({0L, 1L, 2L, 3L, 4L, 5L, -1L});
    case FCNTL:
        return r.pick({0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 15L, 16L, 36L, 37L, 38L, 1024L, 1025L, 1026L,
                       1030L, 1031L, 1032L, 1033L, 1034L, -1L, static_cast<long>(r.below(2000))});
    case IOCTL:
        return r.pick({0x5401L, 0x5402L, 0x5403L, 0x5404L, 0x540fL, 0x5410L, 0x5413L, 0x5414L, 0x541bL, 0x5421L,
                       0x5450L, 0x5451L, 0x5452L, 0x540eL, 0x5422L, 0x80086601L, 0x40086602L,
                       static_cast<long>(r.next() & 0xffffffff)});
    case FUTOP:
        return static_cast<long>(r.below(14)) | (r.one_in(2) ? 128 : 0) | (r.one_in(4) ? 256 : 0) |
               (r.one_in(16) ? static_cast<long>(r.next() & 0xffffffff) : 0);
    case CLOCK: return r.pick({0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 11L, 12L, -1L, -2L, -6L, 0x7fffffffL});
    case WAITOPT: {
        /* Mostly WNOHANG: a wait without it blocks while an unreaped child lives. */
        long w = r.pick({1L, 0L, 2L, 4L, 5L, 8L, 0x1000005L, 0x40000001L, 0x80000001L, 0x20000001L,
                         static_cast<long>(r.next() & 0xffffffff)});
        return r.one_in(8) ? w : w | 1;
    }
    case IDTYPE: return r.pick({0L, 1L, 2L, 3L, 4L, -1L});
    case WHO: return r.pick({0L, 1L, 2L, 3L, -1L});
    case RUSAGE: return r.pick({0L, -1L, 1L, 2L, -2L});
    case NICE: return r.pick({0L, 1L, 19L, 20L, -1L, -20L, -21L, 100L, -0x80000000L});
    case POLICY: {
        long p = r.pick({0L, 3L, 5L, 6L, 7L, -1L, 0x40000000L, 0x40000003L, static_cast<long>(r.next() & 0xffffffff)});
        if ((p & ~0x40000000L) == 1 || (p & ~0x40000000L) == 2)
            p = 0; /* no SCHED_FIFO/RR: a busy real-time worker starves pid 1 */
        return p;
    }
    case RES: return r.pick({0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, -1L, 1000L});
    case RLIM: {
        long arg;
        u64* w = struct_ptr(c, arg);
        if (w && room(w, 2) == 2) {
            w[0] = r.pick({0UL, 1UL, 64UL, 1024UL, 4096UL, ~0UL, 1UL << 40, random_word(r)});
            w[1] = r.one_in(2) ? w[0] : r.pick({0UL, 1UL, 1024UL, ~0UL, random_word(r)});
        }
        return arg;
    }
    case PRCTL:
        return r.pick({1L, 2L, 3L, 4L, 7L, 8L, 15L, 16L, 23L, 24L, 36L, 37L, 38L, 39L, 22L, 21L, 35L, 0L, -1L,
                       static_cast<long>(r.below(80))});
    case ARCHP: return r.pick({0x1001L, 0x1002L, 0x1003L, 0x1004L, 0x1011L, 0x1012L, 0x2001L, 0x2002L, 0x3001L,
                               0L, -1L});
    case SYSLOG: {
        long t = r.pick({0L, 1L, 3L, 9L, 10L, 11L, -1L, 3L});
        return t; /* never 2 (blocks), 4/5 (clear), 6/7/8 (console settings) */
    }
    case FSTYPE: {
        static constexpr const char* types[] = {"ramfs", "tmpfs", "proc", "sysfs", "devtmpfs", "bogus", ""};
        return r.one_in(8) ? static_cast<long>(r.pick({0UL, HOLE, kernel_addrs[0]})) : reinterpret_cast<long>(r.pick(types));
    }
    case MNTFLAGS: {
        long f = r.pick({0L, 1L, 2L, 4L, 4096L, 8192L, 16384L, 4096L | 16384L, 1L << 18, 1L << 19, 1L << 20,
                         static_cast<long>(r.next() & 0xffffffff)});
        return f & ~32L; /* no MS_REMOUNT: "." would be the root file system */
    }
    case UMNTFLAGS: return r.pick({0L, 1L, 2L, 4L, 8L, 3L, static_cast<long>(r.next() & 0xffffffff)});
    case CLONEF: return clone_flags(c);
    case CLONE3: return clone3_arg(c);
    case C3SIZE: return r.pick({64L, 80L, 88L, 88L, 0L, 63L, 4096L, static_cast<long>(r.below(200))});
    case ARGV: return static_cast<long>(r.pick({0UL, HOLE, RO_PAGE, BUF_END - 8, kernel_addrs[0], noncanonical_addrs[1]}));
    case SMALL: return r.one_in(8) ? int_pool(r) : static_cast<long>(r.below(9));
    case GRND: return r.pick({0L, 1L, 2L, 3L, 4L, 5L, 7L, 8L, -1L});
    case RENFLAGS: return r.pick({0L, 1L, 2L, 4L, 3L, 6L, 8L, -1L});
    case RWF: return r.pick({0L, 1L, 2L, 4L, 8L, 16L, 32L, -1L});
    case HOSTNAME: return r.one_in(2) ? reinterpret_cast<long>("fuzzhost") : buf_ptr(c);
    }
    return 0;
}

} // namespace fuzz
