/*
 * The fuzzer's shared definitions: the random generator, the memory layout of
 * a worker, the per-worker records pid 1 reads (docs/fuzzing.md).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <trapgate/syscall.h>

namespace fuzz {

using u8 = uint8_t;
using u32 = uint32_t;
using u64 = uint64_t;

/* splitmix64: every worker's stream is a function of (seed, slot, generation). */
struct Rng {
    u64 s;
    u64 next()
    {
        u64 z = (s += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    u64 below(u64 n) { return n ? next() % n : 0; }
    bool one_in(u64 n) { return below(n) == 0; }
    template <typename T, size_t N>
    T pick(const T (&a)[N])
    {
        return a[below(N)];
    }
};

inline u64 mix(u64 a, u64 b)
{
    Rng r{a ^ (b * 0xd1b54a32d192ed03ULL)};
    r.next();
    return r.next();
}

/* ---- a worker's address space (all below 4 GiB, so int $0x80 can pass them) ---- */

constexpr u64 PAGE = 4096;
constexpr u64 BUF = 0x30000000;          /* read-write buffers the calls get */
constexpr u64 BUF_PAGES = 4;
constexpr u64 BUF_END = BUF + BUF_PAGES * PAGE;
constexpr u64 HOLE = BUF_END;            /* never mapped: BUF_END - 1 is a last byte */
constexpr u64 RO_PAGE = HOLE + PAGE;     /* read-only, 'A' bytes, no NUL */
constexpr u64 HOLE2 = RO_PAGE + PAGE;    /* never mapped either */
constexpr u64 SCRATCH = 0x31000000;      /* the only memory mmap/munmap/mprotect... aim at */
constexpr u64 SCRATCH_PAGES = 64;
constexpr u64 FILL = 0xa5a5a5a5a5a5a5a5ULL; /* what BUF holds before a call */

/* Kernel addresses as Trapgate lays them out (arch/x86_64/include/asm/boot.h):
 * the direct map of RAM (up to 4 GiB) and the kernel image (loaded at 1 MiB;
 * up to 64 MiB of it). A value in these ranges in an output buffer is a leaked
 * kernel pointer (kernel stacks and heap are in the direct map). The fuzzer's
 * own random values are kept out of them (args.h). */
constexpr u64 DIRECT_MAP = 0xffff888000000000ULL;
constexpr u64 DIRECT_MAP_END = DIRECT_MAP + (4ULL << 30);
constexpr u64 KERNEL_IMAGE = 0xffffffff80100000ULL;
constexpr u64 KERNEL_IMAGE_END = KERNEL_IMAGE + (64ULL << 20);

inline bool kernel_pointer(u64 v)
{
    return (v >= DIRECT_MAP && v < DIRECT_MAP_END) || (v >= KERNEL_IMAGE && v < KERNEL_IMAGE_END);
}

/* ---- what pid 1 sees of each worker (one MAP_SHARED page set) ---- */

constexpr int MAX_WORKERS = 16;
constexpr int RING = 16; /* the last calls of each worker */

struct Record {
    u64 seq;      /* the call's number in this generation, from 1 */
    int entry;    /* index in the call table, or -1: a random number */
    int nr;
    u8 int80;     /* the gate: int $0x80 (1) or syscall (0) */
    u8 done;      /* the call returned */
    long args[6];
    long ret;
};

struct Slot {
    volatile u64 calls; /* calls made by the current worker */
    volatile int pid;
    volatile u32 gen;
    volatile u32 failed; /* an invariant broke; why in fail */
    Record ring[RING];
    char fail[256];
};

struct Shared {
    Slot slots[MAX_WORKERS];
};

} // namespace fuzz
