/*
 * The system-call tracer: strace -f's output, made inside the kernel.
 *
 * The traced entry (arch/x86_64/entry/common.cpp) keeps a TraceCall on its
 * stack for the call. At entry the line is built up to the first output
 * argument ("read(3, "), without a lock (it reads user memory); at exit the
 * rest ("\"abc\", 100) = 3"), and the whole line is written. When another
 * task's line comes between the two (the call blocked, or runs beside it on
 * another CPU), the entry is written first with " <unfinished ...>" and the
 * exit later as "<... read resumed>\"abc\", 100) = 3", as strace does. While
 * more than one process is alive each line starts with "[pid N] ".
 */
#include <asm/processor.h>
#include <asm/syscall.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/trace.h>
#include <uapi/asm/sigcontext.h>

void trace_print_sigset(TraceBuffer& out, u64 set);

bool syscall_tracing;
bool trace_pid_every_line;
bool trace_icount;

extern "C" const syscall_metadata __start_syscall_meta[], __stop_syscall_meta[];

namespace {

constexpr size_t LINE_SIZE = 1024;
/* strace's column for " = ". */
constexpr size_t RESULT_COLUMN = 40;

/* The output's order and the state that decides each line's form: the calls
 * in progress, the one whose entry is not written yet (it is the last event;
 * its line may still be written whole), how many processes are alive, and
 * which tasks are in 32-bit mode. Taken only to write, never to format. */
spinlock_t trace_lock("trace_lock");
list_head calls_in_progress;
TraceCall* unwritten_entry;
int nprocs = 1;
constexpr int MAX_IA32_TASKS = 16;
task_struct* ia32_tasks[MAX_IA32_TASKS];

const syscall_metadata* find_metadata(sys_call_ptr_t entry)
{
    for (auto* m = __start_syscall_meta; m < __stop_syscall_meta; m++)
        if (m->x64 == entry || m->ia32 == entry)
            return m;
    return nullptr;
}

/* ---- the filter: one bit per number and ABI ---- */

bool filter_on;
u64 filter_64[(NR_syscalls_64 + 63) / 64];
u64 filter_32[(NR_syscalls_32 + 63) / 64];

/* strace's classes (-e trace=%file...), as lists of names. */
const struct {
    const char* name;
    const char* calls;
} classes[] = {
    {"%file", "open openat openat2 creat stat lstat newfstatat statx access faccessat faccessat2 execve execveat "
              "chdir chroot mkdir mkdirat rmdir unlink unlinkat rename renameat renameat2 link linkat symlink "
              "symlinkat readlink readlinkat chmod fchmodat chown lchown fchownat truncate utime utimes "
              "utimensat futimesat mknod mknodat statfs getxattr lgetxattr setxattr lsetxattr listxattr "
              "llistxattr removexattr lremovexattr mount umount2 swapon swapoff pivot_root inotify_add_watch "
              "fanotify_mark name_to_handle_at quotactl acct uselib"},
    {"%process", "clone clone3 fork vfork execve execveat exit exit_group wait4 waitid kill tkill tgkill "
                 "rt_sigqueueinfo rt_tgsigqueueinfo pidfd_send_signal unshare"},
    {"%signal", "kill tkill tgkill rt_sigaction rt_sigprocmask rt_sigreturn rt_sigsuspend rt_sigpending "
                "rt_sigtimedwait rt_sigqueueinfo rt_tgsigqueueinfo sigaltstack pause signalfd signalfd4 "
                "pidfd_send_signal"},
    {"%memory", "brk mmap munmap mremap mprotect madvise mlock munlock mlockall munlockall mincore msync "
                "remap_file_pages mbind set_mempolicy get_mempolicy migrate_pages move_pages shmat shmdt "
                "pkey_mprotect process_madvise"},
    {"%network", "socket socketpair bind connect listen accept accept4 getsockname getpeername sendto recvfrom "
                 "sendmsg recvmsg sendmmsg recvmmsg shutdown setsockopt getsockopt"},
};

bool filter_add(const char* name, size_t len)
{
    bool found = false;
    for (unsigned nr = 0; nr < NR_syscalls_64; nr++) {
        const char* n = syscall_name(nr, SyscallAbi::X64);
        if (n && strlen(n) == len && !strncmp(n, name, len)) {
            filter_64[nr / 64] |= 1ull << (nr % 64);
            found = true;
        }
    }
    for (unsigned nr = 0; nr < NR_syscalls_32; nr++) {
        const char* n = syscall_name(nr, SyscallAbi::IA32);
        if (n && strlen(n) == len && !strncmp(n, name, len)) {
            filter_32[nr / 64] |= 1ull << (nr % 64);
            found = true;
        }
    }
    return found;
}

bool filter_passes(unsigned nr, SyscallAbi abi)
{
    if (!filter_on)
        return true;
    if (abi == SyscallAbi::X64)
        return nr < NR_syscalls_64 && (filter_64[nr / 64] >> (nr % 64) & 1);
    return nr < NR_syscalls_32 && (filter_32[nr / 64] >> (nr % 64) & 1);
}

/* The calls that make a task: strace counts the child from then on. */
bool creates_task(const char* name)
{
    return name && (!strcmp(name, "fork") || !strcmp(name, "vfork") || !strcmp(name, "clone") ||
                    !strcmp(name, "clone3"));
}

/* Calls whose result strace prints in hex. */
bool hex_result(const char* name)
{
    return name && (!strcmp(name, "mmap") || !strcmp(name, "brk") || !strcmp(name, "mremap") ||
                    !strcmp(name, "shmat"));
}

void start_line(TraceBuffer& out, task_struct* t, bool prefixed)
{
    if (trace_pid_every_line)
        out.appendf("%-5d ", t->pid);
    else if (prefixed)
        out.appendf("[pid %5d] ", t->pid);
}

void write_line(TraceBuffer& line)
{
    line.append("\n");
    console_write(line.str(), line.len());
}

/* Writes a call's entry as unfinished: another line comes before its end.
 * Under trace_lock. */
void write_unfinished(TraceCall* c)
{
    char buf[LINE_SIZE];
    TraceBuffer line(buf, sizeof(buf));
    start_line(line, c->task, c->prefixed);
    line.append(c->entry);
    line.append(" <unfinished ...>");
    write_line(line);
}

void flush_unwritten_entry(TraceCall* except)
{
    if (unwritten_entry && unwritten_entry != except) {
        write_unfinished(unwritten_entry);
        unwritten_entry = nullptr;
    }
}

/* "[ Process PID=N runs in 32 bit mode. ]" when a task changes gates. Under trace_lock. */
void note_personality(task_struct* t, SyscallAbi abi, bool prefixed)
{
    int slot = -1, free_slot = -1;
    for (int i = 0; i < MAX_IA32_TASKS; i++) {
        if (ia32_tasks[i] == t)
            slot = i;
        else if (!ia32_tasks[i] && free_slot < 0)
            free_slot = i;
    }
    bool was_ia32 = slot >= 0;
    if (was_ia32 == (abi == SyscallAbi::IA32))
        return;
    if (abi == SyscallAbi::IA32) {
        if (free_slot < 0)
            return;
        ia32_tasks[free_slot] = t;
    } else {
        ia32_tasks[slot] = nullptr;
    }
    flush_unwritten_entry(nullptr);
    char buf[128];
    TraceBuffer line(buf, sizeof(buf));
    start_line(line, t, prefixed);
    line.appendf("[ Process PID=%d runs in %s mode. ]", t->pid, abi == SyscallAbi::IA32 ? "32 bit" : "64 bit");
    write_line(line);
}

/* The return value as strace shows it, after "= ". */
void format_result(TraceBuffer& out, const TraceCall& c, long ret)
{
    if (ret < 0 && ret >= -4095) {
        int err = static_cast<int>(-ret);
        const char* name = err >= 512 && err <= 516 ? (err == 512   ? "ERESTARTSYS"
                                                        : err == 513 ? "ERESTARTNOINTR"
                                                        : err == 514 ? "ERESTARTNOHAND"
                                                                     : "ERESTART_RESTARTBLOCK")
                                                     : errno_name(err);
        const char* text = trace_errno_text(err);
        out.append(err >= 512 ? "? " : "-1 ");
        if (name)
            out.append(name);
        else
            out.appendf("E%d", err);
        if (text)
            out.appendf(" (%s)", text);
    } else if (hex_result(c.name)) {
        out.appendf("0x%lx", ret);
    } else {
        out.appendf("%ld", ret);
        if (c.meta && c.meta->result) {
            TraceArgs a{c.raw, 0, c.abi, true, ret};
            c.meta->result(out, a);
        }
    }
}

/* The arguments from..nb_args (at entry: up to the first output, whose index
 * it returns; at exit: the rest). */
int format_args(TraceBuffer& out, const TraceCall& c, int from, bool exiting, long ret)
{
    if (!c.meta)
        return 6;
    bool printed = false;
    for (int i = from; i < c.meta->nb_args; i++) {
        if (c.meta->omit[i] && c.meta->omit[i](c.raw, i))
            continue;
        if (!exiting && (c.meta->at_exit >> i & 1)) {
            if (printed)
                out.append(", "); /* "read(3, ": the rest comes at exit */
            return i;
        }
        if (printed)
            out.append(", ");
        printed = true;
        TraceArgs a{c.raw, i, c.abi, exiting, ret};
        c.meta->format[i](out, a);
    }
    return c.meta->nb_args;
}

TraceCall* call_of(task_struct* t)
{
    list_for_each(pos, &calls_in_progress) {
        TraceCall* c = list_entry(pos, TraceCall, node);
        if (c->task == t)
            return c;
    }
    return nullptr;
}

/* Ends a call's line: whole if nothing came between, else "resumed"; rest is
 * the arguments printed at exit, result what follows "= ". Under trace_lock. */
void write_end(TraceCall& c, const char* rest, const char* result)
{
    char buf[LINE_SIZE];
    TraceBuffer line(buf, sizeof(buf));
    if (unwritten_entry == &c) {
        start_line(line, c.task, c.prefixed);
        line.append(c.entry);
        unwritten_entry = nullptr;
    } else {
        flush_unwritten_entry(nullptr);
        start_line(line, c.task, nprocs > 1);
        line.appendf("<... %s resumed>", c.name);
    }
    line.append(rest);
    line.append(") ");
    line.pad_to(RESULT_COLUMN);
    line.append("= ");
    line.append(result);
    write_line(line);
    list_head::del(&c.node);
}

} // namespace

void TraceBuffer::append(const char* s)
{
    while (*s && len_ + 1 < size_)
        buf_[len_++] = *s++;
    buf_[len_] = 0;
}

void TraceBuffer::appendf(const char* fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int n = vsnprintf(buf_ + len_, size_ - len_, fmt, args);
    va_end(args);
    len_ = min(len_ + n, size_ - 1);
}

void TraceBuffer::pad_to(size_t column)
{
    while (len_ < column && len_ + 1 < size_)
        buf_[len_++] = ' ';
    buf_[len_] = 0;
}

void trace_set_filter(const char* list)
{
    filter_on = true;
    while (*list) {
        const char* end = list;
        while (*end && *end != ',')
            end++;
        size_t len = static_cast<size_t>(end - list);
        bool found = false;
        for (auto& cls : classes) {
            if (strlen(cls.name) == len && !strncmp(cls.name, list, len)) {
                found = true;
                for (const char* n = cls.calls; *n;) {
                    const char* e = n;
                    while (*e && *e != ' ')
                        e++;
                    filter_add(n, static_cast<size_t>(e - n));
                    n = *e ? e + 1 : e;
                }
            }
        }
        if (!found && len && !filter_add(list, len))
            printk("trace: no system call %.*s\n", static_cast<int>(len), list);
        list = *end ? end + 1 : end;
    }
}

void trace_write_event(const char* text)
{
    spin_guard g(&trace_lock); /* the output */
    flush_unwritten_entry(nullptr);
    char buf[LINE_SIZE];
    TraceBuffer line(buf, sizeof(buf));
    start_line(line, current, nprocs > 1);
    line.append(text);
    write_line(line);
}

bool trace_syscall_enter(TraceCall& c, const pt_regs& regs, SyscallAbi abi)
{
    unsigned int nr = static_cast<unsigned int>(regs.orig_ax);
    unsigned int size = abi == SyscallAbi::X64 ? NR_syscalls_64 : NR_syscalls_32;
    sys_call_ptr_t entry = nr < size ? (abi == SyscallAbi::X64 ? sys_call_table[nr] : ia32_sys_call_table[nr]) : nullptr;
    c.task = current;
    c.abi = abi;
    c.name = syscall_name(nr, abi);
    c.meta = entry ? find_metadata(entry) : nullptr;
    c.exit_from = c.meta ? c.meta->nb_args : 0;
    bool counts_child = creates_task(c.name);
    if (counts_child) {
        spin_guard g(&trace_lock); /* nprocs */
        nprocs++; /* taken back at exit if the call fails; the child may run first */
    }
    if (!filter_passes(nr, abi)) {
        c.task = nullptr;
        return counts_child; /* the exit still counts a failure */
    }
    for (unsigned i = 0; i < 6; i++)
        c.raw[i] = abi == SyscallAbi::X64 ? syscall_arg<SyscallAbi::X64>(regs, i) : syscall_arg<SyscallAbi::IA32>(regs, i);
    TraceBuffer out(c.entry, sizeof(c.entry));
    if (c.name)
        out.append(c.name);
    else
        out.appendf("syscall_0x%x", nr);
    out.append("(");
    if (abi == SyscallAbi::X64 && c.name && !strcmp(c.name, "rt_sigreturn")) {
        /* strace shows the mask the frame restores: the handler's ret popped
         * pretcode, so sp is the ucontext (arch/x86_64/kernel/signal.cpp). */
        u64 mask;
        if (copy_from_user(&mask, user_in_ptr<const u64>(regs.sp + __builtin_offsetof(ucontext_64, uc_sigmask))).ok()) {
            out.append("{mask=");
            trace_print_sigset(out, mask);
            out.append("}");
        }
    } else if (c.meta) {
        c.exit_from = format_args(out, c, 0, false, 0);
    } else if (!c.name) {
        for (int i = 0; i < 6; i++)
            out.appendf(c.raw[i] ? "%s0x%lx" : "%s%lu", i ? ", " : "", c.raw[i]);
    } else {
        out.append("...");
    }
    spin_guard g(&trace_lock); /* the output and the calls in progress */
    c.prefixed = nprocs > 1 + (counts_child ? 1 : 0); /* a new child counts from its parent's next line */
    note_personality(c.task, abi, c.prefixed);
    flush_unwritten_entry(nullptr);
    calls_in_progress.add_tail(&c.node);
    unwritten_entry = &c;
    c.start_tsc = trace_icount ? rdtsc() : 0;
    return true;
}

void trace_syscall_exit(TraceCall& c, const pt_regs& regs)
{
    u64 end_tsc = trace_icount ? rdtsc() : 0;
    long ret = static_cast<long>(regs.ax);
    if (creates_task(c.name) && ret < 0) {
        spin_guard g(&trace_lock); /* nprocs */
        nprocs--;
    }
    if (!c.task)
        return; /* filtered out: only counted */
    char buf[LINE_SIZE], result_buf[256];
    TraceBuffer rest(buf, sizeof(buf)), result(result_buf, sizeof(result_buf));
    if (c.meta) {
        format_args(rest, c, c.exit_from, true, ret);
    }
    format_result(result, c, ret);
    if (trace_icount)
        result.appendf(" <%lu insns>", end_tsc - c.start_tsc);
    spin_guard g(&trace_lock); /* the output and the calls in progress */
    write_end(c, rest.str(), result.str());
}

void trace_task_exit(int code)
{
    if (!syscall_tracing || !current->mm)
        return;
    spin_guard g(&trace_lock); /* the output, the calls in progress, nprocs */
    if (TraceCall* c = call_of(current))
        write_end(*c, "", "?");
    for (auto& t : ia32_tasks)
        if (t == current)
            t = nullptr;
    flush_unwritten_entry(nullptr);
    char buf[128];
    TraceBuffer line(buf, sizeof(buf));
    start_line(line, current, nprocs > 1);
    int sig = code & 0x7f;
    if (sig) {
        const char* name = trace_signal_name(sig);
        line.append("+++ killed by ");
        if (name)
            line.append(name);
        else
            line.appendf("%d", sig);
        line.append(code & 0x80 ? " (core dumped) +++" : " +++");
    } else {
        line.appendf("+++ exited with %d +++", (code >> 8) & 0xff);
    }
    write_line(line);
    nprocs--;
}
