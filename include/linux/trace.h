/*
 * The system-call tracer (--trace on the command line): every call of the
 * traced run printed as strace -f prints it, e.g.
 *     openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)
 * Arguments are printed by their declared types (include/linux/syscalls.h,
 * syscall_args.h, trace_decoders.h); outputs when the call returns. Kernel
 * command-line words: "trace" (everything), "trace=open,read,%file" (only
 * those), "trace.file" (every line starts with its pid, as strace -o FILE
 * writes), "trace.icount" (each line ends with the call's guest instructions).
 */
#pragma once
#include <asm/ptrace.h>
#include <linux/list.h>
#include <linux/syscalls.h>

struct task_struct;
extern bool syscall_tracing;

class TraceBuffer {
public:
    TraceBuffer(char* buf, size_t size) : buf_(buf), size_(size) { buf_[0] = 0; }
    void append(const char* s);
    void appendf(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
    const char* str() const { return buf_; }
    size_t len() const { return len_; }
    void pad_to(size_t column);

private:
    char* buf_;
    size_t size_;
    size_t len_ = 0;
};

/* One traced call, on the kernel stack of the traced entry for as long as the
 * call runs (so each task has its own, with no allocation). */
struct TraceCall {
    static constexpr size_t ENTRY_SIZE = 512;
    list_head node; /* on the tracer's list of calls in progress (trace_lock) */
    task_struct* task;
    const syscall_metadata* meta;
    const char* name;
    unsigned long raw[6];
    SyscallAbi abi;
    int exit_from; /* the first argument printed at exit */
    bool prefixed; /* its entry is printed with "[pid N] " (several processes then) */
    u64 start_tsc;
    char entry[ENTRY_SIZE]; /* "read(3, " up to the first output argument */
};

/* Builds the call's entry; false if the filter leaves it out (then no exit). */
[[nodiscard]] bool trace_syscall_enter(TraceCall& call, const pt_regs& regs, SyscallAbi abi);
void trace_syscall_exit(TraceCall& call, const pt_regs& regs);
/* A task ending (do_exit's code: a wait status): its call in progress, if
 * any, ends with "= ?", then "+++ exited with N +++" or "+++ killed by SIG +++". */
void trace_task_exit(int code);
/* A signal taken for delivery: "--- SIGUSR1 {si_signo=SIGUSR1, ...} ---". */
#if !__STDC_HOSTED__ /* the host's libc has a siginfo_t of its own */
struct siginfo_t;
void trace_signal(int sig, const siginfo_t& info);
#endif
/* "trace=LIST" on the command line: only these calls and classes. */
void trace_set_filter(const char* list);
extern bool trace_pid_every_line; /* "trace.file" */
extern bool trace_icount;          /* "trace.icount" */

/* strerror's text for an error number (kernel/trace_errno.cpp), or nullptr. */
const char* trace_errno_text(int err);
/* Signal names for the tracer: "SIGUSR1", or nullptr. */
const char* trace_signal_name(int sig);
