/*
 * Argument types that say what a register means, so a handler's signature
 * documents itself and the tracer prints the value the way strace does
 * (AT_FDCWD, O_RDONLY|O_CLOEXEC, PROT_READ|PROT_WRITE, SIGUSR1). Each is
 * built from the raw register and converts back to the plain integer, so a
 * handler body uses it as the int or unsigned long it was; the printers are
 * in kernel/trace_format.cpp.
 */
#pragma once
#include <linux/types.h>
#include <linux/uaccess.h>

class TraceBuffer;
struct TraceArgs;

/* An integer argument printed by trace(out, args). */
template <typename Int>
struct TracedInt {
    Int value;
    explicit TracedInt(unsigned long raw) : value(static_cast<Int>(raw)) {}
    operator Int() const { return value; }
    /* Handlers adjust some (mmap adds MAP_ANONYMOUS, mprotect drops bits). */
    TracedInt& operator|=(Int v)
    {
        value |= v;
        return *this;
    }
    TracedInt& operator&=(Int v)
    {
        value &= v;
        return *this;
    }
};

/* A directory descriptor for the *at() calls: a descriptor or AT_FDCWD. */
struct DirFd {
    int value;
    explicit DirFd(unsigned long raw) : value(static_cast<int>(raw)) {}
    void trace(TraceBuffer& out) const;
};

/* open()'s flags. */
struct OpenFlags {
    unsigned int value;
    explicit OpenFlags(unsigned long raw) : value(static_cast<unsigned int>(raw)) {}
    void trace(TraceBuffer& out) const;
};

/* open()'s mode: only meaningful, and only traced, with O_CREAT or O_TMPFILE
 * in the flags argument just before it. */
struct OpenMode {
    unsigned short value;
    explicit OpenMode(unsigned long raw) : value(static_cast<unsigned short>(raw)) {}
    void trace(TraceBuffer& out) const;
    static bool trace_omit(const unsigned long* args, int index);
};

/* An address in the user's space that is not dereferenced (mmap's hint,
 * munmap's start): hex, NULL for 0. Assignable, as handlers align it. */
struct UserAddr : TracedInt<unsigned long> {
    UserAddr(unsigned long raw) : TracedInt(raw) {}
    void trace(TraceBuffer& out, const TraceArgs& a) const;
};

/* mmap/mprotect's PROT_* bits. */
struct ProtFlags : TracedInt<unsigned long> {
    using TracedInt::TracedInt;
    void trace(TraceBuffer& out, const TraceArgs& a) const;
};

/* mmap's MAP_* type and flags. */
struct MapFlags : TracedInt<unsigned long> {
    using TracedInt::TracedInt;
    void trace(TraceBuffer& out, const TraceArgs& a) const;
};

/* O_* status flags without an access mode (pipe2, dup3, eventfd2...): 0 or O_CLOEXEC|O_NONBLOCK. */
struct FdFlags : TracedInt<int> {
    using TracedInt::TracedInt;
    void trace(TraceBuffer& out, const TraceArgs& a) const;
};

/* AT_* flags of the *at() calls. */
struct AtFlags : TracedInt<int> {
    using TracedInt::TracedInt;
    void trace(TraceBuffer& out, const TraceArgs& a) const;
};

/* A signal number: SIGUSR1, or the number. */
struct SignalNumber : TracedInt<int> {
    using TracedInt::TracedInt;
    void trace(TraceBuffer& out, const TraceArgs& a) const;
};

/* rt_sigprocmask's SIG_BLOCK / SIG_UNBLOCK / SIG_SETMASK. */
struct SigprocmaskHow : TracedInt<int> {
    using TracedInt::TracedInt;
    void trace(TraceBuffer& out, const TraceArgs& a) const;
};

/* arch_prctl's ARCH_* code. */
struct ArchPrctlCode : TracedInt<int> {
    using TracedInt::TracedInt;
    void trace(TraceBuffer& out, const TraceArgs& a) const;
};

/* clone's arguments, printed as strace names them: child_stack= (the next
 * argument, shown first), flags= (CLONE_* with the exit signal in the low
 * byte), then parent_tid=[N] (at exit), tls= and child_tidptr= only when the
 * flags use them. The stack and child_tid arguments print nothing themselves. */
struct CloneFlags : TracedInt<unsigned long> {
    using TracedInt::TracedInt;
    void trace(TraceBuffer& out, const TraceArgs& a) const;
};
struct CloneStack : TracedInt<unsigned long> {
    using TracedInt::TracedInt;
    void trace(TraceBuffer&, const TraceArgs&) const {}
    static bool trace_omit(const unsigned long*, int) { return true; }
};
struct CloneParentTid : user_out_ptr<int> {
    explicit CloneParentTid(unsigned long raw) : user_out_ptr<int>(raw) {}
    static constexpr bool trace_at_exit = true;
    void trace(TraceBuffer& out, const TraceArgs& a) const;
    static bool trace_omit(const unsigned long* args, int index);
};
struct CloneChildTid : user_inout_ptr<int> {
    explicit CloneChildTid(unsigned long raw) : user_inout_ptr<int>(raw) {}
    void trace(TraceBuffer&, const TraceArgs&) const {}
    static bool trace_omit(const unsigned long*, int) { return true; }
};
struct CloneTls : TracedInt<unsigned long> {
    using TracedInt::TracedInt;
    void trace(TraceBuffer& out, const TraceArgs& a) const;
    static bool trace_omit(const unsigned long* args, int index);
};

/* An ioctl request (TIOCGWINSZ) and its argument, which the request gives a
 * meaning (struct winsize for TIOCGWINSZ, printed at exit). */
struct IoctlCmd : TracedInt<unsigned int> {
    using TracedInt::TracedInt;
    void trace(TraceBuffer& out, const TraceArgs& a) const;
};
struct IoctlArg : TracedInt<unsigned long> {
    using TracedInt::TracedInt;
    static constexpr bool trace_at_exit = true;
    void trace(TraceBuffer& out, const TraceArgs& a) const;
    static bool trace_omit(const unsigned long* args, int index);
};

/* fcntl's F_* command and its argument (none for F_GETFD, FD_CLOEXEC for F_SETFD...). */
struct FcntlCmd : TracedInt<unsigned int> {
    using TracedInt::TracedInt;
    void trace(TraceBuffer& out, const TraceArgs& a) const;
};
struct FcntlArg : TracedInt<unsigned long> {
    using TracedInt::TracedInt;
    void trace(TraceBuffer& out, const TraceArgs& a) const;
    static bool trace_omit(const unsigned long* args, int index);
};

/* Output pointers with a shape: wait4's status ([{WIFEXITED(s) && ...}]),
 * pipe2's and socketpair's two descriptors ([3, 4]); signal sets ([USR1 CHLD]). Used as the
 * user pointer they are. */
struct WaitStatusPtr : user_out_ptr<int> {
    explicit WaitStatusPtr(unsigned long raw) : user_out_ptr<int>(raw) {}
    static constexpr bool trace_at_exit = true;
    void trace(TraceBuffer& out, const TraceArgs& a) const;
};
struct FdPairPtr : user_out_ptr<int> {
    explicit FdPairPtr(unsigned long raw) : user_out_ptr<int>(raw) {}
    static constexpr bool trace_at_exit = true;
    void trace(TraceBuffer& out, const TraceArgs& a) const;
};
struct SigSetInPtr : user_in_ptr<const u64> {
    explicit SigSetInPtr(unsigned long raw) : user_in_ptr<const u64>(raw) {}
    void trace(TraceBuffer& out, const TraceArgs& a) const;
};
struct SigSetOutPtr : user_out_ptr<u64> {
    explicit SigSetOutPtr(unsigned long raw) : user_out_ptr<u64>(raw) {}
    static constexpr bool trace_at_exit = true;
    void trace(TraceBuffer& out, const TraceArgs& a) const;
};

/* execve's argument and environment arrays: ["prog", "arg"] (strings cut at
 * 32 bytes), and the address with a count of its strings ("2 vars"). */
struct ArgvPtr : user_in_ptr<const unsigned long> {
    explicit ArgvPtr(unsigned long raw) : user_in_ptr<const unsigned long>(raw) {}
    void trace(TraceBuffer& out, const TraceArgs& a) const;
};
struct EnvpPtr : user_in_ptr<const unsigned long> {
    explicit EnvpPtr(unsigned long raw) : user_in_ptr<const unsigned long>(raw) {}
    void trace(TraceBuffer& out, const TraceArgs& a) const;
};

/* socket's AF_* family and SOCK_* type (with SOCK_CLOEXEC|SOCK_NONBLOCK). */
struct SocketFamily : TracedInt<int> {
    using TracedInt::TracedInt;
    void trace(TraceBuffer& out, const TraceArgs& a) const;
};
struct SocketType : TracedInt<int> {
    using TracedInt::TracedInt;
    void trace(TraceBuffer& out, const TraceArgs& a) const;
};
/* A socket address the call reads, of the length in the next argument:
 * {sa_family=AF_UNIX, sun_path="/tmp/s"}. */
struct SockaddrIn : TracedInt<unsigned long> {
    using TracedInt::TracedInt;
    void trace(TraceBuffer& out, const TraceArgs& a) const;
};

/* futex's operation (FUTEX_WAIT_PRIVATE) and the arguments it uses: the
 * others are left out, as strace leaves them (futex(addr, FUTEX_WAKE, 1)). */
struct FutexOp : TracedInt<int> {
    using TracedInt::TracedInt;
    void trace(TraceBuffer& out, const TraceArgs& a) const;
};
struct FutexVal : TracedInt<u32> {
    using TracedInt::TracedInt;
    void trace(TraceBuffer& out, const TraceArgs& a) const;
    static bool trace_omit(const unsigned long* args, int index);
};
/* A timeout (struct timespec) or, for the requeue operations, a count. */
struct FutexTimeout : TracedInt<unsigned long> {
    using TracedInt::TracedInt;
    void trace(TraceBuffer& out, const TraceArgs& a) const;
    static bool trace_omit(const unsigned long* args, int index);
};
struct FutexUaddr2 : user_inout_ptr<u32> {
    explicit FutexUaddr2(unsigned long raw) : user_inout_ptr<u32>(raw) {}
    void trace(TraceBuffer& out, const TraceArgs& a) const;
    static bool trace_omit(const unsigned long* args, int index);
};
struct FutexVal3 : TracedInt<u32> {
    using TracedInt::TracedInt;
    void trace(TraceBuffer& out, const TraceArgs& a) const;
    static bool trace_omit(const unsigned long* args, int index);
};
