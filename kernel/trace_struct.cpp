/*
 * The tracer's structure decoders (include/linux/trace_decoders.h) and the
 * pointer arguments with a shape of their own (wait status, pipe fds,
 * signal sets, ioctl arguments): what strace shows inside braces.
 */
#include <linux/fs.h>
#include <linux/syscall_args.h>
#include <linux/time.h>
#include <linux/trace.h>
#include <linux/uaccess.h>
#include <uapi/asm/sigcontext.h>
#include <uapi/asm/termbits.h>
#include <uapi/linux/stat.h>

void trace_print_sigset(TraceBuffer& out, u64 set);
void trace_print_signal(TraceBuffer& out, int sig);
void trace_print_octal(TraceBuffer& out, unsigned long v);
void trace_print_quoted(TraceBuffer& out, const u8* s, size_t n);

namespace {

/* strace's limit on the elements of an array it prints. */
constexpr unsigned long ARRAY_LIMIT = 16;

template <typename T>
bool read_user(T& v, unsigned long addr)
{
    return addr && copy_from_user(&v, user_in_ptr<const T>(addr)).ok();
}

/* Layouts of the user structures that the handlers keep private. */
struct pollfd_layout {
    int fd;
    short events;
    short revents;
};

void print_poll_events(TraceBuffer& out, unsigned v)
{
    static const struct {
        unsigned bit;
        const char* name;
    } names[] = {{0x1, "POLLIN"}, {0x2, "POLLPRI"}, {0x4, "POLLOUT"}, {0x8, "POLLERR"}, {0x10, "POLLHUP"},
                 {0x20, "POLLNVAL"}, {0x40, "POLLRDNORM"}, {0x80, "POLLRDBAND"}, {0x100, "POLLWRNORM"},
                 {0x200, "POLLWRBAND"}, {0x400, "POLLMSG"}, {0x2000, "POLLRDHUP"}};
    bool started = false;
    for (auto& n : names) {
        if (v & n.bit) {
            out.appendf("%s%s", started ? "|" : "", n.name);
            v &= ~n.bit;
            started = true;
        }
    }
    if (v || !started)
        out.appendf(started ? "|0x%x" : "0x%x", v);
}

} // namespace

/* {st_mode=S_IFREG|0644, st_size=42, ...}: strace's short form. */
void trace_decoder<struct stat>::print(TraceBuffer& out, unsigned long addr, const TraceArgs&)
{
    struct stat st;
    if (!read_user(st, addr)) {
        trace_print_pointer(out, addr);
        return;
    }
    static const struct {
        unsigned type;
        const char* name;
    } types[] = {{S_IFREG, "S_IFREG"}, {S_IFDIR, "S_IFDIR"}, {S_IFCHR, "S_IFCHR"}, {S_IFBLK, "S_IFBLK"},
                 {S_IFIFO, "S_IFIFO"}, {S_IFLNK, "S_IFLNK"}, {S_IFSOCK, "S_IFSOCK"}};
    out.append("{st_mode=");
    bool named = false;
    for (auto& t : types) {
        if ((st.st_mode & S_IFMT) == t.type) {
            out.append(t.name);
            named = true;
        }
    }
    if (!named)
        out.appendf("0%o", st.st_mode & S_IFMT);
    if (st.st_mode & 04000)
        out.append("|S_ISUID");
    if (st.st_mode & 02000)
        out.append("|S_ISGID");
    if (st.st_mode & 01000)
        out.append("|S_ISVTX");
    out.append("|");
    trace_print_octal(out, st.st_mode & 0777);
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
        unsigned major = static_cast<unsigned>((st.st_rdev >> 8) & 0xfff);
        unsigned minor = static_cast<unsigned>((st.st_rdev & 0xff) | ((st.st_rdev >> 12) & 0xfff00));
        out.appendf(major ? ", st_rdev=makedev(0x%x, " : ", st_rdev=makedev(%u, ", major);
        out.appendf(minor ? "0x%x), ...}" : "%u), ...}", minor);
    } else {
        out.appendf(", st_size=%ld, ...}", st.st_size);
    }
}
void trace_decoder<struct stat>::result(TraceBuffer&, const TraceArgs&) {}

/* [{iov_base="hello", iov_len=5}, ...], counted by the next argument; at
 * exit, showing the bytes up to the return value. */
void trace_decoder<iovec>::print(TraceBuffer& out, unsigned long addr, const TraceArgs& a)
{
    unsigned long count = a.raw[a.index + 1];
    if (a.ret < 0 || !addr || count > 1024) {
        trace_print_pointer(out, addr);
        return;
    }
    unsigned long left = static_cast<unsigned long>(a.ret);
    out.append("[");
    for (unsigned long i = 0; i < count; i++) {
        iovec v;
        if (i == ARRAY_LIMIT) {
            out.append(", ...");
            break;
        }
        if (!read_user(v, addr + i * sizeof(iovec))) {
            out.appendf("%s0x%lx", i ? ", ... /* " : "", addr + i * sizeof(iovec));
            if (i)
                out.append(" */");
            break;
        }
        out.append(i ? ", {iov_base=" : "{iov_base=");
        unsigned long shown = min<unsigned long>(v.iov_len, left);
        trace_print_user_buffer(out, v.iov_base, shown);
        left -= shown;
        out.appendf(", iov_len=%lu}", v.iov_len);
    }
    out.append("]");
}
void trace_decoder<iovec>::result(TraceBuffer&, const TraceArgs&) {}

void trace_decoder<timespec_user>::print(TraceBuffer& out, unsigned long addr, const TraceArgs&)
{
    timespec_user ts;
    if (!read_user(ts, addr))
        trace_print_pointer(out, addr);
    else
        out.appendf("{tv_sec=%ld, tv_nsec=%ld}", ts.tv_sec, ts.tv_nsec);
}
void trace_decoder<timespec_user>::result(TraceBuffer&, const TraceArgs&) {}

void trace_decoder<pollfd_user>::print(TraceBuffer& out, unsigned long addr, const TraceArgs& a)
{
    unsigned long count = a.raw[a.index + 1];
    if (!addr || !count) {
        trace_print_pointer(out, addr);
        return;
    }
    out.append("[");
    for (unsigned long i = 0; i < count; i++) {
        pollfd_layout p;
        if (i == ARRAY_LIMIT) {
            out.append(", ...");
            break;
        }
        if (!read_user(p, addr + i * sizeof(p))) {
            out.append("...");
            break;
        }
        out.appendf("%s{fd=%d, events=", i ? ", " : "", p.fd);
        print_poll_events(out, static_cast<u16>(p.events));
        out.append("}");
    }
    out.append("]");
}

/* poll's " ([{fd=3, revents=POLLIN}])", or " (Timeout)". */
void trace_decoder<pollfd_user>::result(TraceBuffer& out, const TraceArgs& a)
{
    if (a.ret == 0) {
        out.append(" (Timeout)");
        return;
    }
    unsigned long addr = a.raw[0], count = a.raw[1];
    out.append(" ([");
    bool first = true;
    for (unsigned long i = 0; i < count && i < 1024; i++) {
        pollfd_layout p;
        if (!read_user(p, addr + i * sizeof(p)))
            break;
        if (!p.revents)
            continue;
        out.appendf("%s{fd=%d, revents=", first ? "" : ", ", p.fd);
        print_poll_events(out, static_cast<u16>(p.revents));
        out.append("}");
        first = false;
    }
    out.append("])");
}

void trace_decoder<kernel_sigaction_user>::print(TraceBuffer& out, unsigned long addr, const TraceArgs&)
{
    kernel_sigaction_user sa;
    if (!read_user(sa, addr)) {
        trace_print_pointer(out, addr);
        return;
    }
    out.append("{sa_handler=");
    if (sa.handler == 0)
        out.append("SIG_DFL");
    else if (sa.handler == 1)
        out.append("SIG_IGN");
    else
        out.appendf("0x%lx", sa.handler);
    out.append(", sa_mask=");
    trace_print_sigset(out, sa.mask);
    out.append(", sa_flags=");
    static const struct {
        unsigned long bit;
        const char* name;
    } names[] = {{0x04000000, "SA_RESTORER"}, {0x08000000, "SA_ONSTACK"}, {0x10000000, "SA_RESTART"},
                 {0x40000000, "SA_NODEFER"}, {0x80000000, "SA_RESETHAND"}, {0x4, "SA_SIGINFO"},
                 {0x1, "SA_NOCLDSTOP"}, {0x2, "SA_NOCLDWAIT"}, {0x400, "SA_UNSUPPORTED"},
                 {0x800, "SA_EXPOSE_TAGBITS"}};
    unsigned long flags = sa.flags;
    bool started = false;
    for (auto& n : names) {
        if (flags & n.bit) {
            out.appendf("%s%s", started ? "|" : "", n.name);
            flags &= ~n.bit;
            started = true;
        }
    }
    if (flags || !started)
        out.appendf(started ? "|0x%lx" : "0x%lx", flags);
    if (sa.flags & 0x04000000)
        out.appendf(", sa_restorer=0x%lx", sa.restorer);
    out.append("}");
}
void trace_decoder<kernel_sigaction_user>::result(TraceBuffer&, const TraceArgs&) {}

/* ---- pointers with a shape ---- */

void WaitStatusPtr::trace(TraceBuffer& out, const TraceArgs& a) const
{
    int s;
    if (a.ret <= 0 || !read_user(s, user_addr(*this))) {
        trace_print_pointer(out, user_addr(*this));
        return;
    }
    out.append("[{");
    if ((s & 0x7f) == 0) {
        out.appendf("WIFEXITED(s) && WEXITSTATUS(s) == %d", (s >> 8) & 0xff);
    } else if ((s & 0xff) == 0x7f) {
        out.append("WIFSTOPPED(s) && WSTOPSIG(s) == ");
        trace_print_signal(out, (s >> 8) & 0xff);
    } else if (s == 0xffff) {
        out.append("WIFCONTINUED(s)");
    } else {
        out.append("WIFSIGNALED(s) && WTERMSIG(s) == ");
        trace_print_signal(out, s & 0x7f);
        if (s & 0x80)
            out.append(" && WCOREDUMP(s)");
    }
    out.append("}]");
}

void FdPairPtr::trace(TraceBuffer& out, const TraceArgs& a) const
{
    int fds[2];
    if (a.ret < 0 || !read_user(fds, user_addr(*this)))
        trace_print_pointer(out, user_addr(*this));
    else
        out.appendf("[%d, %d]", fds[0], fds[1]);
}

void SigSetInPtr::trace(TraceBuffer& out, const TraceArgs&) const
{
    u64 set;
    if (!read_user(set, user_addr(*this)))
        trace_print_pointer(out, user_addr(*this));
    else
        trace_print_sigset(out, set);
}

void SigSetOutPtr::trace(TraceBuffer& out, const TraceArgs& a) const
{
    u64 set;
    if (a.ret < 0 || !read_user(set, user_addr(*this)))
        trace_print_pointer(out, user_addr(*this));
    else
        trace_print_sigset(out, set);
}

/* ---- ioctl ---- */

namespace {
const struct {
    unsigned cmd;
    const char* name;
} ioctl_names[] = {
    {TCGETS, "TCGETS"}, {TCSETS, "TCSETS"}, {TCSETSW, "TCSETSW"}, {TCSETSF, "TCSETSF"}, {TCSBRK, "TCSBRK"},
    {TCXONC, "TCXONC"}, {TCFLSH, "TCFLSH"}, {TIOCSCTTY, "TIOCSCTTY"}, {TIOCGPGRP, "TIOCGPGRP"},
    {TIOCSPGRP, "TIOCSPGRP"}, {TIOCOUTQ, "TIOCOUTQ"}, {TIOCGWINSZ, "TIOCGWINSZ"}, {TIOCSWINSZ, "TIOCSWINSZ"},
    {FIONREAD, "FIONREAD"}, {TIOCNOTTY, "TIOCNOTTY"}, {TIOCGSID, "TIOCGSID"}, {FIONBIO, "FIONBIO"},
    {TIOCGPTN, "TIOCGPTN"}, {0x40045431, "TIOCSPTLCK"}, {0x5451, "FIOCLEX"}, {0x5450, "FIONCLEX"},
};
} // namespace

void IoctlCmd::trace(TraceBuffer& out, const TraceArgs&) const
{
    for (auto& n : ioctl_names) {
        if (n.cmd == value) {
            out.append(n.name);
            return;
        }
    }
    out.appendf("0x%x", value);
}

void IoctlArg::trace(TraceBuffer& out, const TraceArgs& a) const
{
    unsigned cmd = static_cast<unsigned>(a.raw[a.index - 1]);
    bool ok = a.ret >= 0;
    switch (cmd) {
    case TIOCGWINSZ:
    case TIOCSWINSZ: {
        winsize ws;
        if ((cmd == TIOCGWINSZ && !ok) || !read_user(ws, value))
            break;
        out.appendf("{ws_row=%u, ws_col=%u, ws_xpixel=%u, ws_ypixel=%u}", ws.ws_row, ws.ws_col, ws.ws_xpixel,
                    ws.ws_ypixel);
        return;
    }
    case TIOCGPGRP:
    case TIOCSPGRP:
    case TIOCGSID:
    case FIONREAD:
    case FIONBIO:
    case TIOCOUTQ:
    case TIOCGPTN:
    case 0x40045431: {
        int v;
        bool output = cmd == TIOCGPGRP || cmd == TIOCGSID || cmd == FIONREAD || cmd == TIOCOUTQ || cmd == TIOCGPTN;
        if ((output && !ok) || !read_user(v, value))
            break;
        out.appendf("[%d]", v);
        return;
    }
    case TCSBRK:
    case TCXONC:
    case TCFLSH:
    case TIOCSCTTY:
        out.appendf("%lu", value);
        return;
    default:
        break;
    }
    trace_print_pointer(out, value);
}

bool IoctlArg::trace_omit(const unsigned long* args, int index)
{
    unsigned cmd = static_cast<unsigned>(args[index - 1]);
    return cmd == TIOCNOTTY || cmd == 0x5451 || cmd == 0x5450; /* no argument */
}

/* ---- sockets ---- */

void SocketFamily::trace(TraceBuffer& out, const TraceArgs&) const
{
    static const char* const names[] = {"AF_UNSPEC", "AF_UNIX", "AF_INET"};
    if (value >= 0 && value < 3)
        out.append(names[value]);
    else if (value == 10)
        out.append("AF_INET6");
    else if (value == 16)
        out.append("AF_NETLINK");
    else
        out.appendf("%d /* AF_??? */", value);
}

void SocketType::trace(TraceBuffer& out, const TraceArgs&) const
{
    static const char* const names[] = {nullptr, "SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_RDM", "SOCK_SEQPACKET"};
    int type = value & 0xf;
    if (type >= 1 && type <= 5)
        out.append(names[type]);
    else
        out.appendf("0x%x /* SOCK_??? */", type);
    if (value & 0x80000)
        out.append("|SOCK_CLOEXEC");
    if (value & 0x800)
        out.append("|SOCK_NONBLOCK");
    if (unsigned rest = static_cast<unsigned>(value) & ~0x8080fu)
        out.appendf("|0x%x", rest);
}

void SockaddrIn::trace(TraceBuffer& out, const TraceArgs& a) const
{
    long len = static_cast<int>(a.raw[a.index + 1]);
    u8 sa[110] = {};
    if (!value || len < 2 || len > static_cast<long>(sizeof(sa)) ||
        !copy_from_user(sa, user_in_ptr<const u8>(value), static_cast<size_t>(len)).ok()) {
        trace_print_pointer(out, value);
        return;
    }
    unsigned family = sa[0] | sa[1] << 8;
    if (family == 1) {
        out.append("{sa_family=AF_UNIX");
        if (len > 2) {
            bool abstract = sa[2] == 0;
            size_t from = abstract ? 3 : 2, to = from;
            while (to < static_cast<size_t>(len) && (abstract || sa[to]))
                to++;
            out.append(abstract ? ", sun_path=@\"" : ", sun_path=\"");
            trace_print_quoted(out, sa + from, to - from);
            out.append("\"");
        }
        out.append("}");
    } else if (family == 2 && len >= 8) {
        out.appendf("{sa_family=AF_INET, sin_port=htons(%u), sin_addr=inet_addr(\"%u.%u.%u.%u\")}",
                    sa[2] << 8 | sa[3], sa[4], sa[5], sa[6], sa[7]);
    } else {
        out.appendf("{sa_family=%u, ...}", family);
    }
}
