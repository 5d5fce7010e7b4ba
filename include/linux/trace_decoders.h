/*
 * What the tracer knows of the structures system calls pass by pointer: a
 * pointer argument whose element type has a decoder here is printed as strace
 * prints that structure ({st_mode=S_IFREG|0644, st_size=42, ...}), at entry
 * for what the call reads, at exit for what it writes (a user_out_ptr, or a
 * decoder that says at_exit). The handler's
 * signature (user_out_ptr<struct stat>) is all a call needs to get it; the
 * decoders are in kernel/trace_struct.cpp.
 */
#pragma once
#include <linux/types.h>

class TraceBuffer;
enum class SyscallAbi;

/* The call's raw arguments, which one is being printed, and at exit the
 * return value. */
struct TraceArgs {
    const unsigned long* raw;
    int index;
    SyscallAbi abi;
    bool exiting;
    long ret;
};

template <typename E>
struct trace_decoder {
    static constexpr bool exists = false;
};

/* A decoder: print(out, user address, args); at_exit says when; has_result
 * says it adds to the return value too (result(out, args)). */
#define TRACE_DECODER(E, AT_EXIT, HAS_RESULT)                                         \
    template <>                                                                      \
    struct trace_decoder<E> {                                                        \
        static constexpr bool exists = true;                                         \
        static constexpr bool at_exit = AT_EXIT;                                     \
        static constexpr bool has_result = HAS_RESULT;                               \
        static void print(TraceBuffer& out, unsigned long addr, const TraceArgs& a); \
        static void result(TraceBuffer& out, const TraceArgs& a);                    \
    }

struct stat;
struct iovec;
struct timespec_user;
struct pollfd_user;
struct kernel_sigaction_user;

TRACE_DECODER(struct stat, false, false);
/* An array counted by the next argument; decoded at exit so that readv shows
 * what it read (and writev what it wrote): the bytes up to the return value. */
TRACE_DECODER(iovec, true, false);
TRACE_DECODER(timespec_user, false, false);
/* An array counted by the next argument: events at entry, revents after the
 * return value. */
TRACE_DECODER(pollfd_user, false, true);
/* rt_sigaction's new action (at entry) and old one (at exit). */
TRACE_DECODER(kernel_sigaction_user, false, false);
