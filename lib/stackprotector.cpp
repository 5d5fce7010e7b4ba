/*
 * The stack protector's guard and its failure path (see
 * include/linux/stackprotector.h). This file is built without the stack
 * protector and without UBSan (cmake/kernel.cmake): boot_init_stack_canary
 * changes the guard its own frame would be checked against.
 */
#include <asm/processor.h>
#include <linux/kallsyms.h>
#include <linux/printk.h>
#include <linux/stackprotector.h>

/* Read by every protected function's prologue and epilogue; written once, at
 * boot, on the boot CPU before the others start. */
extern "C" unsigned long __stack_chk_guard;
unsigned long __stack_chk_guard;

void boot_init_stack_canary()
{
    unsigned long v = rdtsc() * 0x9e3779b97f4a7c15UL;
    /* CPUID.1:ECX bit 30: RDRAND (boot_cpu is not filled in yet). */
    if (cpuid(1).ecx & (1u << 30)) {
        for (int tries = 0; tries < 10; tries++) {
            unsigned long hw;
            unsigned char ok;
            asm volatile("rdrand %0; setc %1" : "=r"(hw), "=qm"(ok));
            if (ok) {
                v ^= hw;
                break;
            }
        }
    }
    /* A zero low byte stops string functions that overrun a buffer from
     * copying the guard along with it (glibc does the same). */
    __stack_chk_guard = v & ~0xffUL;
}

extern "C" [[noreturn]] void __stack_chk_fail()
{
    char sym[128];
    kallsyms_lookup(reinterpret_cast<unsigned long>(__builtin_return_address(0)), sym, sizeof(sym));
    panic("stack-protector: Kernel stack is corrupted in: %s", sym);
}
