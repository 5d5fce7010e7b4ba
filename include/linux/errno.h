/* Linux error numbers as a type: a handler cannot return a bare -1 by accident. */
#pragma once
#include <linux/types.h>

enum class Errno : int {
#define ERRNO(name, number) name = number,
#include <uapi/linux/errno_list.h>
#undef ERRNO
    /* Kernel-internal: never reaches user space except as the restart logic decides. */
    ERESTARTSYS = 512,
    ERESTARTNOINTR = 513,
    ERESTARTNOHAND = 514,
    ERESTART_RESTARTBLOCK = 516,
};

/* "ENOENT" for Errno::ENOENT; nullptr for numbers Linux does not define. */
const char* errno_name(int err);

/* The value a system call returns for this error: -errno. */
constexpr long errno_return(Errno e) { return -static_cast<long>(e); }

/* Linux's IS_ERR_VALUE range: the top 4095 values of a long are errors. */
constexpr bool is_error_return(long ret) { return static_cast<unsigned long>(ret) >= static_cast<unsigned long>(-4095L); }
