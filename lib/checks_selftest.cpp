/*
 * Command-line self-tests of the kernel's own checks (init/main.cpp):
 *   stackprotector_selftest  overwrite a canary; the return panics with
 *                            "stack-protector: Kernel stack is corrupted in: ..."
 *   ubsan_selftest           a signed overflow; UBSan panics with
 *                            "UBSAN: signed integer overflow at lib/checks_selftest.cpp:..."
 * Built like the rest of the kernel (protected and instrumented).
 */
#include <linux/printk.h>
#include <linux/stackprotector.h>

namespace {

/* The write goes through a pointer the compiler cannot see the bounds of,
 * so neither UBSan's index check nor a warning gets in first; the return
 * then finds the guard overwritten. */
__attribute__((noinline)) void smash_stack_canary(unsigned long n)
{
    char buf[16];
    char* volatile p = buf;
    for (unsigned long i = 0; i < n; i++)
        p[i] = 0x5a;
    asm volatile("" : : "r"(buf) : "memory");
}

} // namespace

void stackprotector_selftest()
{
    if (!stackprotector_enabled)
        panic("stackprotector_selftest: the kernel was built without the stack protector (TRAPGATE_CHECKED=OFF)");
    pr_info("stackprotector_selftest: overwriting a stack canary\n");
    /* buf is the only array: GCC puts it right below the guard. 24 bytes
     * reach the guard and stop short of the saved frame pointer. */
    smash_stack_canary(24);
    panic("stackprotector_selftest: the corrupted canary went unnoticed");
}

void ubsan_selftest()
{
#ifndef CONFIG_UBSAN
    panic("ubsan_selftest: the kernel was built without UBSan (TRAPGATE_CHECKED=OFF)");
#endif
    pr_info("ubsan_selftest: a signed integer overflow\n");
    volatile int big = __INT_MAX__;
    volatile int sum = big + 1;
    (void)sum;
    panic("ubsan_selftest: the overflow went unreported");
}
