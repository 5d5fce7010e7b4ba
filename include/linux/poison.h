/*
 * Poison values (Linux's numbers) and the debug checks built on them: freed
 * slab objects and pages are filled with a pattern that allocation checks
 * (CONFIG_DEBUG_KERNEL, the TRAPGATE_DEBUG CMake option); a deleted list node
 * points at addresses that fault.
 */
#pragma once
#include <linux/types.h>

constexpr u8 POISON_FREE = 0x6b; /* a freed slab object */
constexpr u8 PAGE_POISON = 0xaa; /* a freed page */
/* Non-canonical: a use of a deleted list node faults (Linux's 0xdead... delta). */
#define LIST_POISON1 (reinterpret_cast<list_head*>(0xdead000000000100UL))
#define LIST_POISON2 (reinterpret_cast<list_head*>(0xdead000000000122UL))

#ifdef CONFIG_DEBUG_KERNEL
constexpr bool debug_kernel = true;
#else
constexpr bool debug_kernel = false;
#endif

/* Poisoning of freed slab objects and pages (the costly checks: a freed page
 * is written whole and read back on allocation): on in debug builds, off with
 * "debug_poison=off" on the command line (the benchmarks boot that way). */
extern bool debug_poisoning;
static inline bool poisoning() { return debug_kernel && debug_poisoning; }

/* The first byte in [p, p + len) that is not `pattern`, or nullptr. */
[[nodiscard]] const u8* memchr_inv(const void* p, u8 pattern, size_t len);

/* debug_selftest=WHAT on the command line: slab_uaf, page_uaf, list_del,
 * page_refcount, refcount (mm/debug.cpp); each ends in the check's panic. */
void run_debug_selftest(const char* what);
