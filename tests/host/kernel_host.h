// Kernel headers in a hosted GoogleTest translation unit. Include this instead
// of <gtest/gtest.h> (and before any other system header) in tests that need
// the kernel's linux/ or asm/ headers.
//
// The kernel headers are written for -ffreestanding and clash with glibc when
// both are in one translation unit with include/ on the search path:
//  1. include/linux/errno.h and include/linux/types.h shadow the system
//     <linux/errno.h> and <linux/types.h>, which glibc's <errno.h> and
//     <sys/stat.h> include for the E* macros and __u32/__s64. We pull in what
//     those system headers would have provided (<asm/errno.h>, <asm/types.h>;
//     the kernel has no asm/errno.h or asm/types.h) after the kernel headers.
//  2. enum class Errno names its enumerators ENOENT, EFAULT...; <errno.h>
//     defines those as macros. The kernel headers therefore come first, and
//     the macros the tests spell as Errno::X are undefined afterwards.
//  3. include/linux/types.h declares loff_t as long long; glibc's
//     <sys/types.h> declares it as long. glibc's is renamed while it is read.
//  4. include/linux/compiler.h redefines glibc's __always_inline (the same
//     meaning); the glibc definition is dropped first to avoid the warning.
#pragma once

#include <stdint.h>
#undef __always_inline

#include <linux/result.h>
#include <linux/syscall_args.h>
#include <linux/syscalls.h>
#include <linux/trace.h>
#include <linux/uaccess.h>
#include <mm/buddy.h>

#include <asm/errno.h>
#include <asm/types.h>
#define loff_t glibc_loff_t
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>
#undef loff_t

#undef EPERM
#undef ENOENT
#undef EIO
#undef E2BIG
#undef ENOEXEC
#undef EBADF
#undef EAGAIN
#undef ENOMEM
#undef EACCES
#undef EFAULT
#undef EEXIST
#undef ENOTDIR
#undef EISDIR
#undef EINVAL
#undef ERANGE
#undef ENAMETOOLONG
#undef ENOSYS
#undef EOVERFLOW
