/*
 * The system-call tracer (--trace on the command line): every call of the
 * traced run printed strace-style, e.g.
 *     openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = -2 ENOENT
 * Arguments are printed by their declared types (include/linux/syscalls.h).
 */
#pragma once
#include <asm/ptrace.h>
#include <linux/syscalls.h>

extern bool syscall_tracing;

class TraceBuffer {
public:
    TraceBuffer(char* buf, size_t size) : buf_(buf), size_(size) { buf_[0] = 0; }
    void append(const char* s);
    void appendf(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
    const char* str() const { return buf_; }

private:
    char* buf_;
    size_t size_;
    size_t len_ = 0;
};

void trace_syscall_enter(const pt_regs& regs, SyscallAbi abi);
void trace_syscall_exit(const pt_regs& regs);
/* A task leaving in the middle of a call (exit, a fatal signal): "= ?". */
void trace_task_exit();
