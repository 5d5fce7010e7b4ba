/*
 * Argument pools, trinity-style: for each kind of argument (tests/fuzz/calls.h)
 * a mix of the values that find bugs (0, -1, boundaries, valid and invalid
 * fds, a valid buffer and its last byte, a read-only page, an unmapped hole,
 * NULL, kernel and non-canonical addresses, huge lengths, random flags) and
 * ordinary valid ones, so calls get past their first check.
 */
#pragma once

#include "calls.h"
#include "fuzz.h"

namespace fuzz {

/* Addresses the kernel must refuse. Output words equal to one of them (give or
 * take a page) are echoes of our own arguments, not leaks. */
inline constexpr u64 kernel_addrs[] = {DIRECT_MAP, DIRECT_MAP + 0x100000, KERNEL_IMAGE, 0xffffffff81000000ULL,
                                       0xffff800000000000ULL, 0xfffffffffffff000ULL};
inline constexpr u64 noncanonical_addrs[] = {0x0000800000000000ULL, 0x8000000000000000ULL, 0xdead000000000000ULL,
                                             0x00007ffffffff000ULL + 0x1000};

inline bool echoed_pool_value(u64 v)
{
    for (u64 k : kernel_addrs)
        if (v - k + PAGE < 2 * PAGE)
            return true;
    return false;
}

/* A worker's state that arguments come from. */
struct Ctx {
    Rng rng;
    bool int80;       /* this call goes through int $0x80 */
    int self;         /* pid */
    int child;        /* the last fork-like child, or 0 */
    int slot;
    u64 brk0;         /* the break at start */
    int fds[32];
    int nfds;
    struct Map {
        u64 addr, len;
    } maps[8];
    int nmaps;
    /* Buffers in BUF this call uses: scanned and filled again after it. */
    u64 scan[12];
    int nscan;

    void add_fd(long fd)
    {
        if (fd < 0 || fd > 65535)
            return;
        if (nfds < 32)
            fds[nfds++] = static_cast<int>(fd);
        else
            fds[rng.below(32)] = static_cast<int>(fd);
    }
    void add_map(u64 addr, u64 len)
    {
        if (nmaps < 8)
            maps[nmaps++] = {addr, len};
        else
            maps[rng.below(8)] = {addr, len};
    }
};

/* Strings the path pools point at (in .rodata, below 4 GiB). */
inline const char* const own_paths[] = {"f", "g", "d", "d/x", "sym", "dangling", "loop", "f/", "./f", "d/../f",
                                        "d/x/y"};
inline const char* const other_paths[] = {".", "..", "/", "/dev/null", "/dev/zero", "/dev/full", "/dev/urandom",
                                          "/nonexistent/x", "", "/tmp/fuzz0/f", "/tmp/fuzz1/d", "///",
                                          "/dev/null/x"};
inline char long_name[300];   /* one component longer than NAME_MAX */
inline char long_path[4200];  /* longer than PATH_MAX */

inline void init_strings()
{
    for (u64 i = 0; i + 1 < sizeof(long_name); i++)
        long_name[i] = 'n';
    for (u64 i = 0; i + 1 < sizeof(long_path); i++)
        long_path[i] = (i % 8 == 7) ? '/' : 'p';
}

/* Random bits that are never a kernel pointer (those come from kernel_addrs only). */
inline u64 random_word(Rng& r)
{
    u64 v = r.next();
    return kernel_pointer(v) ? v ^ (1ULL << 62) : v;
}

inline long int_pool(Rng& r)
{
    static constexpr long pool[] = {0, 1, -1, 2, 3, 7, 8, 16, 31, 32, 63, 64, 100, 127, 128, 255, 256, 1023, 1024,
                                    4095, 4096, 65535, 65536, 0x7fffffff, -0x80000000L, 0xffffffffL, 0x80000000L,
                                    -4095, -4096};
    switch (r.below(8)) {
    case 0: {
        long v = static_cast<int>(r.next()); /* sign-extended: keep it out of the kernel ranges */
        return kernel_pointer(static_cast<u64>(v)) ? v & 0x7fffffff : v;
    }
    case 1: return static_cast<long>(r.below(64));
    default: return r.pick(pool);
    }
}

inline long len_pool(Rng& r)
{
    static constexpr long pool[] = {0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 63, 64, 100, 127, 128, 255, 256, 511, 512,
                                    1024, 2047, 2048, 4095, 4096, 4097, 8191, 8192, 16384, 16385, 65536, 1L << 20,
                                    0x7fffffff, 0x80000000L, 0xffffffffL, 1L << 32, 1L << 47, 0x7fffffffffffffffL,
                                    -1L, -4096L};
    switch (r.below(6)) {
    case 0: return static_cast<long>(r.below(8192));
    case 1: return static_cast<long>(r.below(256));
    default: return r.pick(pool);
    }
}

/* A buffer pointer. BUF holds FILL between calls; BUF pointers are noted, and
 * after the call the 4 KiB from each is scanned for kernel pointers and filled
 * again (tests/fuzz/worker.h). */
inline long buf_ptr(Ctx& c)
{
    Rng& r = c.rng;
    u64 p;
    switch (r.below(16)) {
    case 0: return 0;
    case 1: return static_cast<long>(HOLE + r.below(PAGE));
    case 2: return static_cast<long>(RO_PAGE + (r.one_in(2) ? 0 : PAGE - 1 - r.below(16)));
    case 3: return static_cast<long>(r.pick(kernel_addrs));
    case 4: return static_cast<long>(r.pick(noncanonical_addrs));
    case 5: p = BUF_END - 1 - r.below(16); break;                    /* the last bytes */
    case 6: return static_cast<long>(SCRATCH + r.below(SCRATCH_PAGES) * PAGE); /* maybe unmapped */
    case 7: p = BUF + r.below(BUF_PAGES * PAGE); break;            /* unaligned */
    default: p = BUF + r.below(BUF_PAGES * 8) * 512; break;        /* aligned, anywhere in BUF */
    }
    if (c.nscan < 12)
        c.scan[c.nscan++] = p;
    return static_cast<long>(p);
}

/* A buffer in BUF for a structure we fill in (rarely a bad pointer instead):
 * 256 bytes, 8-aligned. */
inline u64* struct_ptr(Ctx& c, long& arg)
{
    Rng& r = c.rng;
    if (r.one_in(8)) {
        arg = r.one_in(2) ? 0 : static_cast<long>(r.one_in(2) ? HOLE : r.pick(kernel_addrs));
        return nullptr;
    }
    u64 p = BUF + r.below(BUF_PAGES * PAGE / 256) * 256;
    if (r.one_in(16))
        p = BUF_END - 8 * (1 + r.below(4)); /* a structure cut short by the hole */
    arg = static_cast<long>(p);
    if (c.nscan < 12)
        c.scan[c.nscan++] = p;
    return reinterpret_cast<u64*>(p);
}

/* Words of a structure: how many fit before BUF ends. */
inline u64 room(const u64* w, u64 want)
{
    u64 left = (BUF_END - reinterpret_cast<u64>(w)) / 8;
    return want < left ? want : left;
}

inline long fd_pool(Ctx& c)
{
    static constexpr long bad[] = {-1, 0, 1, 2, 3, 100, 1023, 1024, 65535, 0x7fffffff, -0x80000000L, -100};
    if (c.nfds && !c.rng.one_in(4))
        return c.fds[c.rng.below(c.nfds)];
    return c.rng.pick(bad);
}

inline long pid_pool(Ctx& c)
{
    static constexpr long pool[] = {0, -1, 99999, 0x7fffffff, -0x80000000L, 4194304};
    switch (c.rng.below(4)) {
    case 0: return c.self;
    case 1: return c.child ? c.child : 99999;
    default: return c.rng.pick(pool);
    }
}

inline long addr_pool(Ctx& c)
{
    Rng& r = c.rng;
    switch (r.below(14)) {
    case 0: return 0;
    case 1: return static_cast<long>(r.pick({0x1000UL, 0x10000UL, 0x7ffffffff000UL, 0x7fffffffffffUL}));
    case 2:
    case 3: return static_cast<long>(r.one_in(2) ? r.pick(kernel_addrs) : r.pick(noncanonical_addrs));
    case 4: return static_cast<long>((0x100000000ULL + r.below(0x6f0000000000ULL)) & ~(PAGE - 1));
    case 5: return static_cast<long>(SCRATCH + r.below(SCRATCH_PAGES * PAGE)); /* unaligned */
    case 6:
    case 7:
        if (c.nmaps)
            return static_cast<long>(c.maps[r.below(c.nmaps)].addr);
        [[fallthrough]];
    default: return static_cast<long>(SCRATCH + r.below(SCRATCH_PAGES) * PAGE);
    }
}

inline long mlen_pool(Rng& r)
{
    static constexpr long pool[] = {0, 1, 4095, 4096, 4097, 8192, 3 * 4096, 16 * 4096, 64 * 4096, 1L << 20,
                                    16L << 20, 1L << 30, 1L << 40, 1L << 47, -1L, -4096L, 0x7fffffffffff000L};
    return r.one_in(4) ? static_cast<long>((1 + r.below(64)) * PAGE) : r.pick(pool);
}

/* A struct timespec (or timeval), mostly short: one in 32 is the longest
 * (a sleep that saturates the deadline; the worker then blocks until a
 * signal, or until pid 1 kills it as stuck, which costs 3 s of its slot). */
inline long tspec(Ctx& c)
{
    long arg;
    u64* w = struct_ptr(c, arg);
    if (w && room(w, 4) >= 4) {
        static constexpr long nsec[] = {0, 1, 1000, 100000, 999999999, 1000000000, -1, 10000000};
        static constexpr long sec[] = {0, 0, 0, 0, -1, 0x7fffffffffffffffL, 0x7fffffffL};
        w[0] = static_cast<u64>(c.rng.one_in(32) ? c.rng.pick(sec) : c.rng.pick({0L, 0L, 0L, -1L}));
        w[1] = static_cast<u64>(c.rng.pick(nsec));
        w[2] = 0;
        w[3] = static_cast<u64>(c.rng.below(1000));
    }
    return arg;
}

/* A struct itimerval { interval, value } (timevals; an i386 call reads the
 * first 16 bytes as 32-bit fields): intervals down to 1 us, the shortest
 * timers the timer interrupt delivers. */
inline long itimer(Ctx& c)
{
    long arg;
    u64* w = struct_ptr(c, arg);
    if (w && room(w, 4) >= 4) {
        static constexpr long usec[] = {0, 0, 1, 100, 1000, 100000, 999999, 1000000, -1};
        static constexpr long sec[] = {0, 0, 0, 0, 1, -1, 0x7fffffffL, 0x7fffffffffffffffL};
        for (int i = 0; i < 2; i++) {
            w[2 * i] = static_cast<u64>(c.rng.pick(sec));
            w[2 * i + 1] = static_cast<u64>(c.rng.pick(usec));
        }
    }
    return arg;
}

extern "C" void fuzz_signal_handler(int);
extern "C" void fuzz_signal_restorer();

long gen_arg(Ctx& c, Kind k);

} // namespace fuzz
