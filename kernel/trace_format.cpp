/*
 * The tracer's printers: numbers, strings and buffers escaped as strace
 * escapes them, and the symbolic names of the argument types of
 * include/linux/syscall_args.h (flag sets, codes, signals).
 */
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/syscall_args.h>
#include <linux/trace.h>
#include <linux/uaccess.h>
#include <uapi/linux/fcntl.h>

namespace {

/* strace's -s default: strings and buffers are cut at 32 bytes. */
constexpr size_t STRING_LIMIT = 32;
/* Paths are not cut by -s; ours stop at the line's room. */
constexpr size_t PATH_LIMIT = 256;

struct FlagName {
    unsigned long bit;
    const char* name;
};

/* A flag set as NAME|NAME|0x..., or "0". */
void print_flags(TraceBuffer& out, unsigned long v, const FlagName* names, size_t n, bool started = false)
{
    for (size_t i = 0; i < n; i++) {
        if (names[i].bit && (v & names[i].bit) == names[i].bit) {
            out.appendf("%s%s", started ? "|" : "", names[i].name);
            started = true;
            v &= ~names[i].bit;
        }
    }
    if (v)
        out.appendf(started ? "|0x%lx" : "0x%lx", v);
    else if (!started)
        out.append("0");
}

template <size_t N>
void print_flags(TraceBuffer& out, unsigned long v, const FlagName (&names)[N], bool started = false)
{
    print_flags(out, v, names, N, started);
}

/* One of a set of values, or the number. */
template <size_t N>
bool print_value(TraceBuffer& out, unsigned long v, const FlagName (&names)[N])
{
    for (auto& n : names) {
        if (n.bit == v) {
            out.append(n.name);
            return true;
        }
    }
    return false;
}

bool is_octal_digit(u8 c) { return c >= '0' && c <= '7'; }

/* Bytes inside quotes, as strace writes them: \n \t \" \\ and the like, other
 * unprintable bytes in octal (three digits when an octal digit follows). */
void print_quoted(TraceBuffer& out, const u8* s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        u8 c = s[i];
        switch (c) {
        case '"': out.append("\\\""); continue;
        case '\\': out.append("\\\\"); continue;
        case '\f': out.append("\\f"); continue;
        case '\n': out.append("\\n"); continue;
        case '\r': out.append("\\r"); continue;
        case '\t': out.append("\\t"); continue;
        case '\v': out.append("\\v"); continue;
        default: break;
        }
        if (c >= ' ' && c <= '~') {
            char ch[2] = {static_cast<char>(c), 0};
            out.append(ch);
        } else if (i + 1 < n && is_octal_digit(s[i + 1])) {
            out.appendf("\\%03o", c);
        } else {
            out.appendf("\\%o", c);
        }
    }
}

const char* const signal_names[] = {
    nullptr,   "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",  "SIGTRAP", "SIGABRT",   "SIGBUS",
    "SIGFPE",  "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM",   "SIGTERM",
    "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU",   "SIGURG",
    "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",  "SIGPWR",    "SIGSYS",
};

} // namespace

void trace_print_quoted(TraceBuffer& out, const u8* s, size_t n) { print_quoted(out, s, n); }

const char* trace_signal_name(int sig)
{
    if (sig > 0 && sig < 32)
        return signal_names[sig];
    return nullptr;
}

/* A signal as strace prints it in a set: without "SIG" (USR1, RTMIN, RT_3). */
void trace_print_signal_short(TraceBuffer& out, int sig)
{
    if (sig < 32)
        out.append(signal_names[sig] + 3);
    else if (sig == 32)
        out.append("RTMIN");
    else
        out.appendf("RT_%d", sig - 32);
}

/* A 64-signal set: [USR1 CHLD], or ~[KILL STOP] when most are in it. */
void trace_print_sigset(TraceBuffer& out, u64 set)
{
    int count = 0;
    for (u64 s = set; s; s &= s - 1)
        count++;
    bool invert = count > 32;
    if (invert) {
        set = ~set;
        out.append("~");
    }
    out.append("[");
    bool first = true;
    for (int sig = 1; sig <= 64; sig++) {
        if (set >> (sig - 1) & 1) {
            if (!first)
                out.append(" ");
            trace_print_signal_short(out, sig);
            first = false;
        }
    }
    out.append("]");
}

void trace_print_signal(TraceBuffer& out, int sig)
{
    if (const char* name = trace_signal_name(sig))
        out.append(name);
    else if (sig == 32)
        out.append("SIGRTMIN");
    else if (sig > 32 && sig <= 64)
        out.appendf("SIGRT_%d", sig - 32);
    else
        out.appendf("%d", sig);
}

void trace_print_hex(TraceBuffer& out, unsigned long v) { out.appendf(v ? "0x%lx" : "0", v); }

void trace_print_signed(TraceBuffer& out, long v) { out.appendf("%ld", v); }
void trace_print_unsigned(TraceBuffer& out, unsigned long v) { out.appendf("%lu", v); }
/* strace's %#03o: 0644, 000. */
void trace_print_octal(TraceBuffer& out, unsigned long v) { out.appendf("0%02lo", v); }

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
    char s[PATH_LIMIT + 1];
    auto n = strncpy_from_user(s, user_in_ptr<const char>(addr), sizeof(s));
    if (!n.ok() && n.error() == Errno::EFAULT) {
        out.appendf("0x%lx", addr);
        return;
    }
    size_t len = n.ok() ? static_cast<size_t>(n.value()) : PATH_LIMIT;
    out.append("\"");
    print_quoted(out, reinterpret_cast<const u8*>(s), len);
    out.append(n.ok() ? "\"" : "\"...");
}

/* A NUL-terminated user string cut at limit bytes, as strace -s cuts argv's. */
void trace_print_user_cstring(TraceBuffer& out, unsigned long addr, size_t limit)
{
    char s[STRING_LIMIT + 1];
    limit = min(limit, STRING_LIMIT);
    auto n = strncpy_from_user(s, user_in_ptr<const char>(addr), limit + 1);
    if (!n.ok() && n.error() == Errno::EFAULT) {
        trace_print_pointer(out, addr);
        return;
    }
    size_t len = n.ok() ? static_cast<size_t>(n.value()) : limit + 1;
    out.append("\"");
    print_quoted(out, reinterpret_cast<const u8*>(s), min(len, limit));
    out.append(len > limit ? "\"..." : "\"");
}

namespace {
/* Element i of a user array of pointers (4 bytes each under the i386 ABI). */
bool user_pointer_at(unsigned long base, unsigned long i, SyscallAbi abi, unsigned long& p)
{
    if (abi == SyscallAbi::IA32) {
        u32 v;
        if (!copy_from_user(&v, user_in_ptr<const u32>(base + 4 * i)).ok())
            return false;
        p = v;
        return true;
    }
    return copy_from_user(&p, user_in_ptr<const unsigned long>(base + 8 * i)).ok();
}
} // namespace

void ArgvPtr::trace(TraceBuffer& out, const TraceArgs& a) const
{
    unsigned long p;
    if (!user_addr(*this) || !user_pointer_at(user_addr(*this), 0, a.abi, p)) {
        trace_print_pointer(out, user_addr(*this));
        return;
    }
    out.append("[");
    for (unsigned long i = 0; user_pointer_at(user_addr(*this), i, a.abi, p) && p; i++) {
        if (i == STRING_LIMIT) {
            out.append(", ...");
            break;
        }
        if (i)
            out.append(", ");
        trace_print_user_cstring(out, p, STRING_LIMIT);
    }
    out.append("]");
}

void EnvpPtr::trace(TraceBuffer& out, const TraceArgs& a) const
{
    unsigned long p, n = 0;
    trace_print_pointer(out, user_addr(*this));
    if (!user_addr(*this))
        return;
    while (n < 100000 && user_pointer_at(user_addr(*this), n, a.abi, p) && p)
        n++;
    out.appendf(" /* %lu var%s */", n, n == 1 ? "" : "s");
}

void trace_print_user_buffer(TraceBuffer& out, unsigned long addr, unsigned long len)
{
    u8 buf[STRING_LIMIT];
    size_t shown = min<unsigned long>(len, STRING_LIMIT);
    if (!addr || (shown && !copy_from_user(buf, user_in_ptr<const u8>(addr), shown).ok())) {
        trace_print_pointer(out, addr);
        return;
    }
    out.append("\"");
    print_quoted(out, buf, shown);
    out.append(len > shown ? "\"..." : "\"");
}

/* ---- the argument types ---- */

void DirFd::trace(TraceBuffer& out) const
{
    if (value == AT_FDCWD)
        out.append("AT_FDCWD");
    else
        out.appendf("%d", value);
}

namespace {
/* strace's order. */
const FlagName open_flag_names[] = {
    {O_CREAT, "O_CREAT"}, {O_EXCL, "O_EXCL"}, {O_NOCTTY, "O_NOCTTY"}, {O_TRUNC, "O_TRUNC"},
    {O_APPEND, "O_APPEND"}, {O_NONBLOCK, "O_NONBLOCK"}, {__O_SYNC | O_DSYNC, "O_SYNC"}, {O_DSYNC, "O_DSYNC"},
    {O_DIRECT, "O_DIRECT"}, {O_LARGEFILE, "O_LARGEFILE"}, {O_NOFOLLOW, "O_NOFOLLOW"}, {O_NOATIME, "O_NOATIME"},
    {O_CLOEXEC, "O_CLOEXEC"}, {__O_TMPFILE | O_DIRECTORY, "O_TMPFILE"}, {O_DIRECTORY, "O_DIRECTORY"},
    {O_PATH, "O_PATH"}, {0x2000, "FASYNC"},
};
} // namespace

void trace_print_open_flags(TraceBuffer& out, unsigned long value)
{
    unsigned acc = value & O_ACCMODE;
    out.append(acc == O_RDONLY ? "O_RDONLY" : acc == O_WRONLY ? "O_WRONLY" : acc == O_RDWR ? "O_RDWR" : "O_ACCMODE");
    if (value & ~static_cast<unsigned long>(O_ACCMODE))
        print_flags(out, value & ~static_cast<unsigned long>(O_ACCMODE), open_flag_names, true);
}

void OpenFlags::trace(TraceBuffer& out) const { trace_print_open_flags(out, value); }

void OpenMode::trace(TraceBuffer& out) const { trace_print_octal(out, value); }

bool OpenMode::trace_omit(const unsigned long* args, int index)
{
    return index == 0 || !(args[index - 1] & (O_CREAT | __O_TMPFILE));
}

void UserAddr::trace(TraceBuffer& out, const TraceArgs&) const { trace_print_pointer(out, value); }

void ProtFlags::trace(TraceBuffer& out, const TraceArgs&) const
{
    static const FlagName names[] = {{0x1, "PROT_READ"}, {0x2, "PROT_WRITE"}, {0x4, "PROT_EXEC"}, {0x8, "PROT_SEM"},
                                     {0x01000000, "PROT_GROWSDOWN"}, {0x02000000, "PROT_GROWSUP"}};
    if (!value)
        out.append("PROT_NONE");
    else
        print_flags(out, value, names);
}

void MapFlags::trace(TraceBuffer& out, const TraceArgs&) const
{
    static const FlagName types[] = {{1, "MAP_SHARED"}, {2, "MAP_PRIVATE"}, {3, "MAP_SHARED_VALIDATE"}};
    static const FlagName names[] = {
        {0x10, "MAP_FIXED"}, {0x20, "MAP_ANONYMOUS"}, {0x40, "MAP_32BIT"}, {0x100, "MAP_GROWSDOWN"},
        {0x800, "MAP_DENYWRITE"}, {0x1000, "MAP_EXECUTABLE"}, {0x2000, "MAP_LOCKED"}, {0x4000, "MAP_NORESERVE"},
        {0x8000, "MAP_POPULATE"}, {0x10000, "MAP_NONBLOCK"}, {0x20000, "MAP_STACK"}, {0x40000, "MAP_HUGETLB"},
        {0x80000, "MAP_SYNC"}, {0x100000, "MAP_FIXED_NOREPLACE"}, {0x4000000, "MAP_UNINITIALIZED"},
    };
    bool started = print_value(out, value & 0xf, types);
    unsigned long rest = started ? value & ~0xful : value;
    if (rest || !started)
        print_flags(out, rest, names, started);
}

void FdFlags::trace(TraceBuffer& out, const TraceArgs&) const
{
    static const FlagName names[] = {{O_NONBLOCK, "O_NONBLOCK"}, {O_DIRECT, "O_DIRECT"}, {O_CLOEXEC, "O_CLOEXEC"}};
    print_flags(out, static_cast<unsigned>(value), names);
}

void AtFlags::trace(TraceBuffer& out, const TraceArgs&) const
{
    static const FlagName names[] = {
        {0x100, "AT_SYMLINK_NOFOLLOW"}, {0x200, "AT_REMOVEDIR"}, {0x400, "AT_SYMLINK_FOLLOW"},
        {0x800, "AT_NO_AUTOMOUNT"}, {0x1000, "AT_EMPTY_PATH"}, {0x2000, "AT_STATX_FORCE_SYNC"},
        {0x4000, "AT_STATX_DONT_SYNC"}, {0x8000, "AT_RECURSIVE"},
    };
    print_flags(out, static_cast<unsigned>(value), names);
}

void SignalNumber::trace(TraceBuffer& out, const TraceArgs&) const { trace_print_signal(out, value); }

void SigprocmaskHow::trace(TraceBuffer& out, const TraceArgs&) const
{
    static const FlagName names[] = {{0, "SIG_BLOCK"}, {1, "SIG_UNBLOCK"}, {2, "SIG_SETMASK"}};
    if (!print_value(out, static_cast<unsigned>(value), names))
        out.appendf("0x%x /* SIG_??? */", value);
}

void ArchPrctlCode::trace(TraceBuffer& out, const TraceArgs&) const
{
    static const FlagName names[] = {
        {0x1001, "ARCH_SET_GS"}, {0x1002, "ARCH_SET_FS"}, {0x1003, "ARCH_GET_FS"}, {0x1004, "ARCH_GET_GS"},
        {0x1011, "ARCH_GET_CPUID"}, {0x1012, "ARCH_SET_CPUID"}, {0x1021, "ARCH_GET_XCOMP_SUPP"},
        {0x1022, "ARCH_GET_XCOMP_PERM"}, {0x1023, "ARCH_REQ_XCOMP_PERM"}, {0x2001, "ARCH_MAP_VDSO_X32"},
        {0x2002, "ARCH_MAP_VDSO_32"}, {0x2003, "ARCH_MAP_VDSO_64"},
    };
    if (!print_value(out, static_cast<unsigned>(value), names))
        out.appendf("0x%x /* ARCH_??? */", value);
}

void CloneFlags::trace(TraceBuffer& out, const TraceArgs& a) const
{
    static const FlagName names[] = {
        {0x100, "CLONE_VM"}, {0x200, "CLONE_FS"}, {0x400, "CLONE_FILES"}, {0x800, "CLONE_SIGHAND"},
        {0x1000, "CLONE_PIDFD"}, {0x2000, "CLONE_PTRACE"}, {0x4000, "CLONE_VFORK"}, {0x8000, "CLONE_PARENT"},
        {0x10000, "CLONE_THREAD"}, {0x20000, "CLONE_NEWNS"}, {0x40000, "CLONE_SYSVSEM"}, {0x80000, "CLONE_SETTLS"},
        {0x100000, "CLONE_PARENT_SETTID"}, {0x200000, "CLONE_CHILD_CLEARTID"},
        {0x800000, "CLONE_UNTRACED"}, {0x1000000, "CLONE_CHILD_SETTID"}, {0x2000000, "CLONE_NEWCGROUP"},
        {0x4000000, "CLONE_NEWUTS"}, {0x8000000, "CLONE_NEWIPC"}, {0x10000000, "CLONE_NEWUSER"},
        {0x20000000, "CLONE_NEWPID"}, {0x40000000, "CLONE_NEWNET"}, {0x80000000, "CLONE_IO"},
    };
    out.append("child_stack=");
    trace_print_pointer(out, a.raw[a.index + 1]);
    out.append(", flags=");
    unsigned long flags = value & ~0xfful;
    int sig = static_cast<int>(value & 0xff);
    if (flags)
        print_flags(out, flags, names);
    if (sig) {
        if (flags)
            out.append("|");
        trace_print_signal(out, sig);
    } else if (!flags) {
        out.append("0");
    }
}

/* ---- fcntl ---- */

namespace {
const FlagName fcntl_cmds[] = {
    {0, "F_DUPFD"}, {1, "F_GETFD"}, {2, "F_SETFD"}, {3, "F_GETFL"}, {4, "F_SETFL"}, {5, "F_GETLK"},
    {6, "F_SETLK"}, {7, "F_SETLKW"}, {8, "F_SETOWN"}, {9, "F_GETOWN"}, {10, "F_SETSIG"}, {11, "F_GETSIG"},
    {1024, "F_SETLEASE"}, {1025, "F_GETLEASE"}, {1026, "F_NOTIFY"}, {1030, "F_DUPFD_CLOEXEC"},
    {1031, "F_SETPIPE_SZ"}, {1032, "F_GETPIPE_SZ"}, {1033, "F_ADD_SEALS"}, {1034, "F_GET_SEALS"},
};
} // namespace

void FcntlCmd::trace(TraceBuffer& out, const TraceArgs&) const
{
    if (!print_value(out, value, fcntl_cmds))
        out.appendf("0x%x /* F_??? */", value);
}

bool FcntlArg::trace_omit(const unsigned long* args, int index)
{
    switch (static_cast<unsigned>(args[index - 1])) {
    case 1: case 3: case 9: case 11: case 1025: case 1032: case 1034: return true;
    default: return false;
    }
}

void FcntlArg::trace(TraceBuffer& out, const TraceArgs& a) const
{
    switch (static_cast<unsigned>(a.raw[a.index - 1])) {
    case 2: {
        static const FlagName names[] = {{1, "FD_CLOEXEC"}};
        print_flags(out, value, names);
        break;
    }
    case 4: trace_print_open_flags(out, value); break;
    case 5: case 6: case 7: trace_print_pointer(out, value); break;
    default: out.appendf("%ld", static_cast<long>(static_cast<int>(value))); break;
    }
}

namespace {
constexpr unsigned long CLONE_SETTLS_BIT = 0x80000, CLONE_PARENT_SETTID_BIT = 0x100000,
                        CLONE_CHILD_TID_BITS = 0x200000 | 0x1000000; /* CHILD_CLEARTID, CHILD_SETTID */
} // namespace

bool CloneParentTid::trace_omit(const unsigned long* args, int) { return !(args[0] & CLONE_PARENT_SETTID_BIT); }

void CloneParentTid::trace(TraceBuffer& out, const TraceArgs& a) const
{
    int tid;
    out.append("parent_tid=");
    if (a.ret < 0 || !user_addr(*this) || !copy_from_user(&tid, user_in_ptr<const int>(user_addr(*this))).ok())
        trace_print_pointer(out, user_addr(*this));
    else
        out.appendf("[%d]", tid);
}

bool CloneTls::trace_omit(const unsigned long* args, int)
{
    return !(args[0] & (CLONE_SETTLS_BIT | CLONE_CHILD_TID_BITS));
}

/* strace's order: tls before child_tidptr, the argument before it. */
void CloneTls::trace(TraceBuffer& out, const TraceArgs& a) const
{
    unsigned long flags = a.raw[0];
    if (flags & CLONE_SETTLS_BIT) {
        out.append("tls=");
        trace_print_pointer(out, value);
    }
    if (flags & CLONE_CHILD_TID_BITS) {
        out.append(flags & CLONE_SETTLS_BIT ? ", child_tidptr=" : "child_tidptr=");
        trace_print_pointer(out, a.raw[a.index - 1]);
    }
}

/* ---- futex ---- */

namespace {
int futex_cmd(const unsigned long* args) { return static_cast<int>(args[1]) & 127; }
} // namespace

void FutexOp::trace(TraceBuffer& out, const TraceArgs&) const
{
    static const char* const names[] = {"FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_FD", "FUTEX_REQUEUE", "FUTEX_CMP_REQUEUE",
                                        "FUTEX_WAKE_OP", "FUTEX_LOCK_PI", "FUTEX_UNLOCK_PI", "FUTEX_TRYLOCK_PI",
                                        "FUTEX_WAIT_BITSET", "FUTEX_WAKE_BITSET", "FUTEX_WAIT_REQUEUE_PI",
                                        "FUTEX_CMP_REQUEUE_PI", "FUTEX_LOCK_PI2"};
    int cmd = value & 127;
    if (cmd > 13) {
        out.appendf("0x%x /* FUTEX_??? */", value);
        return;
    }
    out.append(names[cmd]);
    if (value & 128)
        out.append("_PRIVATE");
    if (value & 256)
        out.append("|FUTEX_CLOCK_REALTIME");
    if (value & ~0x1ff)
        out.appendf("|0x%x", value & ~0x1ff);
}

bool FutexVal::trace_omit(const unsigned long* args, int)
{
    int cmd = futex_cmd(args);
    return cmd == 6 || cmd == 7 || cmd == 8 || cmd == 13;
}

void FutexVal::trace(TraceBuffer& out, const TraceArgs&) const { out.appendf("%u", value); }

bool FutexTimeout::trace_omit(const unsigned long* args, int)
{
    int cmd = futex_cmd(args);
    return cmd == 1 || cmd == 2 || cmd == 7 || cmd == 8 || cmd == 10 || cmd > 13;
}

void FutexTimeout::trace(TraceBuffer& out, const TraceArgs& a) const
{
    int cmd = futex_cmd(a.raw);
    if (cmd == 3 || cmd == 4 || cmd == 5 || cmd == 12)
        out.appendf("%u", static_cast<u32>(value)); /* the number to requeue */
    else
        trace_decoder<timespec_user>::print(out, value, a);
}

bool FutexUaddr2::trace_omit(const unsigned long* args, int)
{
    int cmd = futex_cmd(args);
    return !(cmd == 3 || cmd == 4 || cmd == 5 || cmd == 11 || cmd == 12);
}

void FutexUaddr2::trace(TraceBuffer& out, const TraceArgs&) const { trace_print_pointer(out, user_addr(*this)); }

bool FutexVal3::trace_omit(const unsigned long* args, int)
{
    int cmd = futex_cmd(args);
    return !(cmd == 4 || cmd == 5 || cmd == 9 || cmd == 10 || cmd == 12);
}

void FutexVal3::trace(TraceBuffer& out, const TraceArgs& a) const
{
    int cmd = futex_cmd(a.raw);
    if ((cmd == 9 || cmd == 10) && value == 0xffffffffu)
        out.append("FUTEX_BITSET_MATCH_ANY");
    else if (cmd == 5 || cmd == 9 || cmd == 10)
        out.appendf("0x%x", value);
    else
        out.appendf("%u", value);
}
