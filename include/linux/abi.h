/* Marks for ABI structures (linux/uaccess.h, linux/syscalls.h use them);
 * no dependencies, so include/uapi headers can mark their structures. */
#pragma once
#include <type_traits>

/*
 * Layouts at the user boundary.
 *
 * abi_layout_differs<T>: a structure whose layout differs between x86-64 and
 * i386 (it holds a long, a pointer, a size_t, or a 64-bit field i386 aligns to
 * 4 bytes), marked beside its definition with ABI_LAYOUT_DIFFERS(T). A native
 * handler whose i386 table line has no compat entry may not take a pointer
 * to one: SYSCALL_DEFINE turns that into a link error (linux/syscalls.h).
 * C++ cannot tell u64 from unsigned long, so a pointer to a bare integer is
 * taken at its declared width; handlers declare fixed-width pointees.
 */
template <typename T>
struct abi_layout_differs : std::false_type {};
#define ABI_LAYOUT_DIFFERS(T)                                                                          \
    template <>                                                                                        \
    struct abi_layout_differs<T> : std::true_type {}

