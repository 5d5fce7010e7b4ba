/* The system-call tracer. */
#include <asm/syscall.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscall_args.h>
#include <linux/trace.h>
#include <uapi/linux/fcntl.h>

bool syscall_tracing;

extern "C" const syscall_metadata __start_syscall_meta[], __stop_syscall_meta[];

namespace {

constexpr size_t LINE_SIZE = 512;

/* The line being built for the task in a system call (one task runs at a time
 * in the kernel until it sleeps, so each task keeps its own). */
struct pending_line {
    task_struct* task;
    char text[LINE_SIZE];
};
pending_line lines[16];

pending_line* line_for(task_struct* t, bool create)
{
    pending_line* free_slot = nullptr;
    for (auto& l : lines) {
        if (l.task == t)
            return &l;
        if (!l.task && !free_slot)
            free_slot = &l;
    }
    if (create && free_slot) {
        free_slot->task = t;
        return free_slot;
    }
    return nullptr;
}

const syscall_metadata* find_metadata(sys_call_ptr_t entry)
{
    for (auto* m = __start_syscall_meta; m < __stop_syscall_meta; m++)
        if (m->x64 == entry || m->ia32 == entry)
            return m;
    return nullptr;
}

void print_line(pending_line* l, const char* result)
{
    printk("[%d] %s = %s\n", l->task->pid, l->text, result);
    l->task = nullptr;
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

void trace_print_signed(TraceBuffer& out, long v) { out.appendf("%ld", v); }
void trace_print_unsigned(TraceBuffer& out, unsigned long v) { out.appendf(v > 0xffff ? "0x%lx" : "%lu", v); }
void trace_print_octal(TraceBuffer& out, unsigned long v) { out.appendf("0%lo", v); }

void trace_print_pointer(TraceBuffer& out, unsigned long addr)
{
    if (addr)
        out.appendf("0x%lx", addr);
    else
        out.append("NULL");
}

void trace_print_user_string(TraceBuffer& out, unsigned long addr)
{
    if (!addr) {
        out.append("NULL");
        return;
    }
    constexpr size_t SHOWN = 48;
    char s[SHOWN + 1];
    auto n = strncpy_from_user(s, user_in_ptr<const char>(addr), sizeof(s));
    if (!n.ok() && n.error() == Errno::EFAULT) {
        out.appendf("0x%lx", addr);
        return;
    }
    out.append("\"");
    for (const char* p = s; *p; p++) {
        if (*p == '"' || *p == '\\')
            out.appendf("\\%c", *p);
        else if (*p == '\n')
            out.append("\\n");
        else if (*p < 32 || *p > 126)
            out.appendf("\\x%02x", static_cast<u8>(*p));
        else
            out.appendf("%c", *p);
    }
    out.append(n.ok() ? "\"" : "\"...");
}

void DirFd::trace(TraceBuffer& out) const
{
    if (value == AT_FDCWD)
        out.append("AT_FDCWD");
    else
        out.appendf("%d", value);
}

void OpenFlags::trace(TraceBuffer& out) const
{
    static const struct {
        unsigned bit;
        const char* name;
    } names[] = {
        {O_CREAT, "O_CREAT"}, {O_EXCL, "O_EXCL"}, {O_NOCTTY, "O_NOCTTY"}, {O_TRUNC, "O_TRUNC"},
        {O_APPEND, "O_APPEND"}, {O_NONBLOCK, "O_NONBLOCK"}, {O_DSYNC, "O_DSYNC"}, {O_DIRECT, "O_DIRECT"},
        {O_LARGEFILE, "O_LARGEFILE"}, {O_DIRECTORY, "O_DIRECTORY"}, {O_NOFOLLOW, "O_NOFOLLOW"},
        {O_NOATIME, "O_NOATIME"}, {O_CLOEXEC, "O_CLOEXEC"}, {__O_SYNC, "O_SYNC"}, {O_PATH, "O_PATH"},
    };
    unsigned acc = value & O_ACCMODE;
    out.append(acc == O_RDONLY ? "O_RDONLY" : acc == O_WRONLY ? "O_WRONLY" : acc == O_RDWR ? "O_RDWR" : "O_ACCMODE");
    unsigned rest = value & ~O_ACCMODE;
    for (auto& n : names) {
        if (rest & n.bit) {
            out.appendf("|%s", n.name);
            rest &= ~n.bit;
        }
    }
    if (rest)
        out.appendf("|0x%x", rest);
}

void OpenMode::trace(TraceBuffer& out) const { trace_print_octal(out, value); }

bool OpenMode::trace_omit(const unsigned long* args, int index)
{
    return index == 0 || !(args[index - 1] & (O_CREAT | __O_TMPFILE));
}

void trace_syscall_enter(const pt_regs& regs, SyscallAbi abi)
{
    pending_line* l = line_for(current, true);
    if (!l)
        return;
    TraceBuffer out(l->text, sizeof(l->text));
    unsigned int nr = static_cast<unsigned int>(regs.orig_ax);
    const char* name = syscall_name(nr, abi);
    if (abi == SyscallAbi::IA32)
        out.append("[i386] ");
    if (name)
        out.append(name);
    else
        out.appendf("syscall_%u", nr);
    out.append("(");
    unsigned int size = abi == SyscallAbi::X64 ? NR_syscalls_64 : NR_syscalls_32;
    sys_call_ptr_t entry = nr < size ? (abi == SyscallAbi::X64 ? sys_call_table[nr] : ia32_sys_call_table[nr]) : nullptr;
    const syscall_metadata* meta = entry ? find_metadata(entry) : nullptr;
    if (meta) {
        unsigned long raw[6];
        for (unsigned i = 0; i < 6; i++)
            raw[i] = abi == SyscallAbi::X64 ? syscall_arg<SyscallAbi::X64>(regs, i)
                                            : syscall_arg<SyscallAbi::IA32>(regs, i);
        for (int i = 0; i < meta->nb_args; i++) {
            if (meta->omit[i] && meta->omit[i](raw, i))
                continue;
            if (i)
                out.append(", ");
            meta->format[i](out, raw[i], abi);
        }
    } else {
        out.append("...");
    }
    out.append(")");
}

void trace_syscall_exit(const pt_regs& regs)
{
    pending_line* l = line_for(current, false);
    if (!l)
        return;
    long ret = static_cast<long>(regs.ax);
    char result[48];
    if (is_error_return(ret)) {
        const char* name = errno_name(static_cast<int>(-ret));
        snprintf(result, sizeof(result), "%ld %s", ret, name ? name : "");
    } else if (static_cast<unsigned long>(ret) > 0xffff) {
        snprintf(result, sizeof(result), "0x%lx", ret);
    } else {
        snprintf(result, sizeof(result), "%ld", ret);
    }
    print_line(l, result);
}

void trace_task_exit()
{
    if (!syscall_tracing)
        return;
    if (pending_line* l = line_for(current, false))
        print_line(l, "?");
}
