/*
 * User memory. A user address is never a C++ pointer: it is a UserPtr<T, Dir>,
 * which has no operator* or ->, and whose direction is part of its type, so
 * copying out through an input pointer does not compile (Zircon's idea).
 *
 * Every access goes through copy_from_user / copy_to_user / strncpy_from_user
 * (or get_user / put_user), which check access_ok() and then copy with
 * routines that recover from faults through the exception table (-EFAULT).
 * Pointers are checked when memory is touched, not at system call entry:
 * read(fd, NULL, 0) succeeds as on Linux.
 *
 * The address inside comes out only through user_addr(), in the few files
 * docs/syscall-trip.md ("User memory: the rule") lists; the raw_ copies
 * below are this header's and linux/uio.h's (tests/host/user_boundary.py).
 */
#pragma once
#include <asm/page.h>
#include <linux/abi.h>
#include <linux/result.h>
#include <linux/types.h>
#include <type_traits>

enum class UserDir { In, Out, InOut };

template <typename T, UserDir Dir>
class UserPtr {
public:
    using element_type = T;
    static constexpr UserDir direction = Dir;

    constexpr UserPtr() = default;
    constexpr explicit UserPtr(unsigned long addr) : addr_(addr) {}
    /* Narrowing is implicit: an InOut pointer passes where an In or an Out
     * one is asked for, and T where const T is read. */
    template <typename U, UserDir D>
        requires(std::is_same_v<std::remove_const_t<U>, std::remove_const_t<T>> && (D == Dir || D == UserDir::InOut) &&
                 (std::is_const_v<T> || !std::is_const_v<U>) && !(std::is_same_v<U, T> && D == Dir))
    constexpr UserPtr(UserPtr<U, D> p) : addr_(p.addr_)
    {
    }

    constexpr bool is_null() const { return addr_ == 0; }
    constexpr explicit operator bool() const { return addr_ != 0; }
    constexpr bool operator==(const UserPtr&) const = default;
    /* Whether the address is a multiple of align (a power of two). */
    constexpr bool is_aligned(size_t align) const { return (addr_ & (align - 1)) == 0; }

    /* Element arithmetic (bytes for void). Wrapping is caught by access_ok. */
    constexpr UserPtr operator+(size_t n) const { return UserPtr(addr_ + n * element_size()); }
    template <typename U>
    constexpr UserPtr<U, Dir> cast() const { return UserPtr<U, Dir>(addr_); }
    /* A member of the structure pointed at, by its offsetof. */
    template <typename U>
    constexpr UserPtr<U, Dir> field(size_t byte_offset) const { return UserPtr<U, Dir>(addr_ + byte_offset); }

    static constexpr size_t element_size()
    {
        if constexpr (std::is_void_v<T>)
            return 1;
        else
            return sizeof(T);
    }

    /*
     * The address as an integer: the one way out of the type, for code that
     * works on addresses rather than on what they hold (mm/'s ranges and
     * vmas, futex keys, the signal-frame and exec-stack builders, access_ok,
     * the tracer). tests/host/user_boundary.py keeps the list of files that
     * may call it (docs/syscall-trip.md, "User memory").
     */
    friend constexpr unsigned long user_addr(UserPtr p) { return p.addr_; }

private:
    template <typename, UserDir>
    friend class UserPtr;
    unsigned long addr_ = 0;
};

template <typename T>
using user_in_ptr = UserPtr<T, UserDir::In>;
template <typename T>
using user_out_ptr = UserPtr<T, UserDir::Out>;
template <typename T>
using user_inout_ptr = UserPtr<T, UserDir::InOut>;

/*
 * A pointer whose pointee's layout depends on the caller's ABI, for a native
 * handler that, as Linux's, reads either layout by in_compat_syscall()
 * (readv's iovec array: 16-byte entries from x86-64, 8-byte compat_iovec
 * from int $0x80). The handler picks native() or compat() explicitly; the
 * i386 stub's layout check (below) accepts it, since both are handled.
 */
template <typename Native, typename Compat, UserDir Dir>
class UserAbiPtr {
public:
    using native_ptr = UserPtr<Native, Dir>;
    using compat_ptr = UserPtr<Compat, Dir>;

    constexpr UserAbiPtr() = default;
    constexpr explicit UserAbiPtr(unsigned long addr) : addr_(addr) {}
    constexpr native_ptr native() const { return native_ptr(addr_); }
    constexpr compat_ptr compat() const { return compat_ptr(addr_); }
    constexpr bool is_null() const { return addr_ == 0; }
    constexpr explicit operator bool() const { return addr_ != 0; }

private:
    unsigned long addr_ = 0;
};

template <typename T>
struct is_user_pointer_type : std::false_type {};
template <typename T, UserDir D>
struct is_user_pointer_type<UserPtr<T, D>> : std::true_type {};

/* Whether T has one layout on both ABIs (see abi_layout_differs, linux/abi.h). */
template <typename T>
constexpr bool abi_same_layout()
{
    using U = std::remove_cv_t<T>;
    if constexpr (std::is_void_v<U>)
        return true; /* bytes */
    else if constexpr (std::is_array_v<U>)
        return abi_same_layout<std::remove_extent_t<U>>();
    else if constexpr (std::is_pointer_v<U> || is_user_pointer_type<U>::value)
        return false; /* 8 bytes against 4 */
    else
        return !abi_layout_differs<U>::value;
}

/*
 * What copy_from_user / copy_to_user move (Zircon's is_copy_allowed): plain
 * bytes, trivially copyable, and no kernel pointer in sight. A structure
 * holding a kernel pointer must not cross; C++ cannot look inside a
 * structure, so a pointer member is caught in review and the pointer types
 * themselves here.
 */
template <typename T>
constexpr bool is_copy_allowed()
{
    using U = std::remove_cv_t<T>;
    if constexpr (std::is_void_v<U>)
        return true;
    else if constexpr (std::is_array_v<U>)
        return is_copy_allowed<std::remove_extent_t<U>>();
    else
        return std::is_trivially_copyable_v<U> && !std::is_pointer_v<U> && !std::is_member_pointer_v<U> &&
               !std::is_null_pointer_v<U>;
}

template <typename P>
concept UserReadable = P::direction != UserDir::Out;
template <typename P>
concept UserWritable = P::direction != UserDir::In;

/*
 * The cheap check before a copy, as x86-64 Linux makes it (the reference
 * kernel, 6.1): the range must not wrap and must end below the kernel half
 * (bit 63 clear). Addresses between the end of user space and the
 * non-canonical hole pass here and fault in the copy itself, which then stops
 * short, as on Linux.
 */
static inline bool access_ok(unsigned long addr, size_t size)
{
    unsigned long end = addr + size;
    return static_cast<long>(end) >= 0 && end >= addr;
}

/* The copy routines (arch/x86_64/lib/copy_user.S). They return the number of
 * bytes not copied, Linux's convention; callers use the typed forms below. */
extern "C" unsigned long __copy_user(void* dst, const void* src, unsigned long n);
extern "C" unsigned long __clear_user(void* dst, unsigned long n);
extern "C" long __strncpy_from_user(char* dst, const char* src, long count);
/* One aligned-or-not load of 4 or 8 bytes: {value, 0}, or {0, 1} on a fault. */
struct get_user_result {
    unsigned long value;
    unsigned long faulted;
};
extern "C" get_user_result __get_user_4(const void* src);
extern "C" get_user_result __get_user_8(const void* src);
/* A locked compare-and-exchange of a u32: {the value found, 0}, or {0, 1}. */
extern "C" get_user_result __cmpxchg_user_4(void* uaddr, u32 old, u32 nval);

/* Bytes not copied; access_ok failures copy nothing. */
static inline unsigned long raw_copy_from_user(void* dst, unsigned long src, size_t n)
{
    if (!access_ok(src, n))
        return n;
    return __copy_user(dst, reinterpret_cast<const void*>(src), n);
}
static inline unsigned long raw_copy_to_user(unsigned long dst, const void* src, size_t n)
{
    if (!access_ok(dst, n))
        return n;
    return __copy_user(reinterpret_cast<void*>(dst), src, n);
}
static inline unsigned long raw_clear_user(unsigned long dst, size_t n)
{
    if (!access_ok(dst, n))
        return n;
    return __clear_user(reinterpret_cast<void*>(dst), n);
}

template <typename P>
    requires is_user_pointer_type<P>::value
[[nodiscard]] bool access_ok(P p, size_t size)
{
    return access_ok(user_addr(p), size);
}

/*
 * The byte copies that may stop short (Linux's copyin/copyout in its
 * lib/iov_iter.c): n bytes, returning how many were NOT moved (0: all), for
 * the callers that report a partial transfer (iov_iter, exec's strings).
 * Everything else wants copy_from_user / copy_to_user below.
 */
template <typename P>
    requires UserWritable<P>
[[nodiscard]] size_t copyout(P dst, const void* src, size_t n)
{
    static_assert(std::is_void_v<std::remove_const_t<typename P::element_type>>, "copyout: bytes (UserPtr<void>)");
    return raw_copy_to_user(user_addr(dst), src, n);
}
template <typename P>
    requires UserReadable<P>
[[nodiscard]] size_t copyin(void* dst, P src, size_t n)
{
    static_assert(std::is_void_v<std::remove_const_t<typename P::element_type>>, "copyin: bytes (UserPtr<void>)");
    return raw_copy_from_user(dst, user_addr(src), n);
}
/* Zeroes n bytes; returns how many were not. */
template <typename P>
    requires UserWritable<P>
[[nodiscard]] size_t clear_user(P dst, size_t n)
{
    static_assert(std::is_void_v<typename P::element_type>, "clear_user: bytes (UserPtr<void>)");
    return raw_clear_user(user_addr(dst), n);
}

/* Copies count elements in, or fails with EFAULT (also when count * size overflows). */
template <typename P>
    requires UserReadable<P>
[[nodiscard]] Result<void> copy_from_user(std::remove_const_t<typename P::element_type>* dst, P src, size_t count = 1)
{
    static_assert(is_copy_allowed<typename P::element_type>(), "copy_from_user: not a plain ABI type");
    size_t size = P::element_size();
    if (count > TASK_SIZE_MAX / size || raw_copy_from_user(dst, user_addr(src), count * size))
        return Errno::EFAULT;
    return {};
}

template <typename P>
    requires UserWritable<P>
[[nodiscard]] Result<void> copy_to_user(P dst, const typename P::element_type* src, size_t count = 1)
{
    static_assert(is_copy_allowed<typename P::element_type>(), "copy_to_user: not a plain ABI type");
    size_t size = P::element_size();
    if (count > TASK_SIZE_MAX / size || raw_copy_to_user(user_addr(dst), src, count * size))
        return Errno::EFAULT;
    return {};
}

template <typename P>
    requires UserReadable<P>
[[nodiscard]] Result<std::remove_const_t<typename P::element_type>> get_user(P src)
{
    using T = std::remove_const_t<typename P::element_type>;
    if constexpr (std::is_integral_v<T> && (sizeof(T) == 4 || sizeof(T) == 8)) {
        /* The common case (an int, a pointer-sized word): one load. */
        unsigned long addr = user_addr(src);
        if (!access_ok(addr, sizeof(T)))
            return Errno::EFAULT;
        get_user_result r = sizeof(T) == 4 ? __get_user_4(reinterpret_cast<const void*>(addr))
                                           : __get_user_8(reinterpret_cast<const void*>(addr));
        if (r.faulted)
            return Errno::EFAULT;
        return static_cast<T>(r.value);
    } else {
        T value;
        TRY(copy_from_user(&value, src));
        return value;
    }
}

template <typename P>
    requires UserWritable<P>
[[nodiscard]] Result<void> put_user(const typename P::element_type& value, P dst)
{
    return copy_to_user(dst, &value);
}

/*
 * The futex word's atomic update (Linux's futex_atomic_cmpxchg_inatomic):
 * stores nval at dst if it holds old, in one locked instruction; returns the
 * value found there (old when the store happened). EFAULT for an unaligned
 * address or one that cannot be written.
 */
template <typename P>
    requires UserReadable<P> && UserWritable<P>
[[nodiscard]] Result<u32> cmpxchg_user(P dst, u32 old, u32 nval)
{
    static_assert(std::is_same_v<typename P::element_type, u32>, "cmpxchg_user: a u32 futex word");
    unsigned long addr = user_addr(dst);
    if (!access_ok(addr, sizeof(u32)) || !dst.is_aligned(sizeof(u32)))
        return Errno::EFAULT;
    get_user_result r = __cmpxchg_user_4(reinterpret_cast<void*>(addr), old, nval);
    if (r.faulted)
        return Errno::EFAULT;
    return static_cast<u32>(r.value);
}

/*
 * Copies a NUL-terminated string of at most size - 1 characters into dst (always
 * terminated). Returns its length; ENAMETOOLONG if it does not fit (Linux's
 * rule for paths), EFAULT if it could not be read.
 */
[[nodiscard]] Result<size_t> strncpy_from_user(char* dst, user_in_ptr<const char> src, size_t size);

/*
 * Linux's copy_struct_from_user: an extensible structure of usize bytes
 * from user space into the kernel's ksize-byte one. A shorter one leaves
 * the rest zero (an older program); a longer one's tail must be zero (a
 * newer program asking for what this kernel lacks): E2BIG otherwise.
 */
[[nodiscard]] Result<void> copy_struct_from_user(void* dst, size_t ksize, user_in_ptr<const u8> src, size_t usize);
