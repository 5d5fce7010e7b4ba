/* The robust futex list user space registers with set_robust_list (Linux's
 * include/uapi/linux/futex.h and compat_robust_list_head): a circular list of
 * the locks a thread holds, walked at its exit and at exec. */
#pragma once
#include <linux/abi.h>
#include <linux/types.h>

/* An entry's next pointer; bit 0 set marks a PI futex. */
struct robust_list {
    unsigned long next;
};

struct robust_list_head {
    robust_list list;         /* the first entry; the list ends back at &list */
    long futex_offset;        /* from an entry to its futex word */
    unsigned long list_op_pending; /* the entry being locked or unlocked, or 0 */
};
static_assert(sizeof(robust_list_head) == 24);
static_assert(__builtin_offsetof(robust_list_head, futex_offset) == 8);
static_assert(__builtin_offsetof(robust_list_head, list_op_pending) == 16);
ABI_LAYOUT_DIFFERS(robust_list_head); /* compat_robust_list_head: 12 bytes */

/* i386's: 32-bit pointers and offset. */
struct compat_robust_list {
    u32 next;
};

struct compat_robust_list_head {
    compat_robust_list list;
    s32 futex_offset;
    u32 list_op_pending;
};
static_assert(sizeof(compat_robust_list_head) == 12);
static_assert(__builtin_offsetof(compat_robust_list_head, futex_offset) == 4);
static_assert(__builtin_offsetof(compat_robust_list_head, list_op_pending) == 8);

/* The futex word of a robust lock: the owner's TID and two flags. */
constexpr u32 FUTEX_WAITERS = 0x80000000;
constexpr u32 FUTEX_OWNER_DIED = 0x40000000;
constexpr u32 FUTEX_TID_MASK = 0x3fffffff;

/* At most this many entries are walked (a list made circular elsewhere ends). */
constexpr unsigned int ROBUST_LIST_LIMIT = 2048;
