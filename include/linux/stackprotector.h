/*
 * The kernel's stack protector (-fstack-protector-strong with
 * -mstack-protector-guard=global, cmake/kernel.cmake): every function with a
 * local array or an address-taken local stores __stack_chk_guard below its
 * return address on entry and compares it before returning; a difference calls
 * __stack_chk_fail, which panics. The guard is one global for all CPUs and
 * tasks (the kernel's per-CPU area is on GS, where GCC's default TLS canary
 * cannot be), set from RDRAND and the TSC by boot_init_stack_canary() first
 * thing in start_kernel, before any protected function has returned.
 */
#pragma once
#include <linux/types.h>

#ifdef CONFIG_STACKPROTECTOR
inline constexpr bool stackprotector_enabled = true;
#else
inline constexpr bool stackprotector_enabled = false;
#endif

extern "C" unsigned long __stack_chk_guard;
/* Chooses the guard; called by start_kernel, which never returns. */
void boot_init_stack_canary();

/* Command-line self-tests (init/main.cpp): each provokes one report, which
 * panics (tests/guest/manifest.d/fuzz.toml expects the message). */
void stackprotector_selftest();
void ubsan_selftest();
