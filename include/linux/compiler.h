/* Compiler helpers with Linux's names. */
#pragma once

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define barrier() asm volatile("" ::: "memory")
#define __packed __attribute__((packed))
#define __aligned(n) __attribute__((aligned(n)))
#define __section(s) __attribute__((section(s)))
#define __used __attribute__((used))
#define __noreturn __attribute__((noreturn))
/* glibc's sys/cdefs.h (reached through <type_traits>, linux/abi.h) defines
 * it too, differently: ours wins, without a redefinition warning. */
#undef __always_inline
#define __always_inline inline __attribute__((always_inline))
#define __noinline __attribute__((noinline))

#define READ_ONCE(x) (*(const volatile decltype(x)*)&(x))
#define WRITE_ONCE(x, v) (*(volatile decltype(x)*)&(x) = (v))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define __stringify_1(x) #x
#define __stringify(x) __stringify_1(x)

template <typename T>
constexpr T round_up(T x, T align) { return (x + align - 1) & ~(align - 1); }
template <typename T>
constexpr T round_down(T x, T align) { return x & ~(align - 1); }
template <typename T>
constexpr T min(T a, T b) { return a < b ? a : b; }
template <typename T>
constexpr T max(T a, T b) { return a > b ? a : b; }
