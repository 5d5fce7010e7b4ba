/*
 * A tiny freestanding runtime for programs built without libc
 * (-nostdlib -ffreestanding): the entry point, the memory functions GCC may
 * call on its own, and access to argv, envp and the auxiliary vector.
 *
 *     #include <trapgate/start.h>
 *     int main(int argc, char** argv, char** envp) { ... return 0; }
 *
 * _start receives Linux's initial stack (System V ABI, x86-64 supplement):
 *     rsp -> argc, argv[0..argc-1], NULL, envp[...], NULL, auxv pairs, AT_NULL
 * It runs the constructors in .init_array, calls main and passes main's
 * result to exit_group.
 *
 * Everything with linkage here is weak (or inline), so the header may be
 * included in more than one translation unit and a program may supply its
 * own _start or memcpy.
 */
#pragma once

#include <stddef.h>
#include <trapgate/syscall.h>
#include <uapi/linux/elf.h> /* the kernel's ELF types and auxv keys */

int main(int argc, char** argv, char** envp);

namespace trapgate {

namespace rt {
inline int argc;
inline char** argv;
inline char** envp;
inline unsigned long* auxv; /* pairs (type, value), ending with AT_NULL */
} // namespace rt

/* The auxiliary-vector types: the kernel's (include/uapi/linux/elf.h). */
using AuxType = ::auxv_type;
using enum ::auxv_type;

/* The value of an auxv entry; 0 if absent (like glibc's getauxval). */
inline unsigned long getauxval(unsigned long type, bool* found = nullptr)
{
    for (unsigned long* a = rt::auxv; a && a[0] != AT_NULL; a += 2) {
        if (a[0] == type) {
            if (found)
                *found = true;
            return a[1];
        }
    }
    if (found)
        *found = false;
    return 0;
}

constexpr size_t strlen(const char* s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

constexpr int strcmp(const char* a, const char* b)
{
    while (*a && *a == *b)
        a++, b++;
    return static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b);
}

constexpr bool streq(const char* a, const char* b) { return strcmp(a, b) == 0; }

/* The value of NAME in the environment main received, or nullptr. */
inline const char* getenv(const char* name)
{
    size_t n = strlen(name);
    for (char** e = rt::envp; e && *e; e++) {
        size_t i = 0;
        while (i < n && (*e)[i] == name[i])
            i++;
        if (i == n && (*e)[n] == '=')
            return *e + n + 1;
    }
    return nullptr;
}

[[noreturn]] inline void exit(int status)
{
    for (;;)
        x64::sys_exit_group(status);
}

} // namespace trapgate

/* ---- memory functions (GCC emits calls to these for copies and zeroing) ---- */

extern "C" {

__attribute__((weak)) void* memset(void* dst, int c, size_t n)
{
    void* d = dst;
    asm volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    return dst;
}

__attribute__((weak)) void* memcpy(void* __restrict dst, const void* __restrict src, size_t n)
{
    void* d = dst;
    asm volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
    return dst;
}

__attribute__((weak)) void* memmove(void* dst, const void* src, size_t n)
{
    if (dst <= src || static_cast<const char*>(src) + n <= static_cast<char*>(dst))
        return memcpy(dst, src, n);
    /* Overlapping with dst above src: copy backwards. */
    void* d = static_cast<char*>(dst) + n - 1;
    const void* s = static_cast<const char*>(src) + n - 1;
    asm volatile("std\n\trep movsb\n\tcld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
    return dst;
}

__attribute__((weak, optimize("no-tree-loop-distribute-patterns"))) int memcmp(const void* a, const void* b, size_t n)
{
    auto* x = static_cast<const unsigned char*>(a);
    auto* y = static_cast<const unsigned char*>(b);
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] - y[i];
    return 0;
}

/* ---- the entry point ---- */

extern void (*__init_array_start[])(int, char**, char**) __attribute__((weak));
extern void (*__init_array_end[])(int, char**, char**) __attribute__((weak));

/* sp points at argc. */
__attribute__((weak, used, noreturn)) void trapgate_start_c(long* sp)
{
    using namespace trapgate;
    rt::argc = static_cast<int>(sp[0]);
    rt::argv = reinterpret_cast<char**>(sp + 1);
    rt::envp = rt::argv + rt::argc + 1;
    char** e = rt::envp;
    while (*e)
        e++;
    rt::auxv = reinterpret_cast<unsigned long*>(e + 1);
    for (auto** f = __init_array_start; f && f < __init_array_end; f++)
        (*f)(rt::argc, rt::argv, rt::envp);
    trapgate::exit(main(rt::argc, rt::argv, rt::envp));
}

} // extern "C"

/* rbp = 0 marks the outermost frame; the stack is 16-byte aligned at the call,
 * as the ABI wants at every call. */
asm(R"(
	.text
	.weak	_start
	.type	_start, @function
_start:
	xorl	%ebp, %ebp
	movq	%rsp, %rdi
	andq	$-16, %rsp
	call	trapgate_start_c
	hlt
	.size	_start, . - _start
)");
