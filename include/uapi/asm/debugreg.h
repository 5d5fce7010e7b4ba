/* The x86 debug registers as ptrace shows them in struct user's u_debugreg
 * (Linux's uapi/asm/debugreg.h): DR0-DR3 hold addresses, DR6 says what
 * trapped, DR7 enables each address with its length and kind of access. */
#pragma once

constexpr int HBP_NUM = 4; /* DR0-DR3 */
constexpr int DR_STATUS = 6;
constexpr int DR_CONTROL = 7;

/* DR6: a breakpoint's bit, single-step; its reserved bits read as ones
 * (the register's "negative polarity", which ptrace shows as is). */
constexpr unsigned long DR_TRAP0 = 0x1;
constexpr unsigned long DR_TRAP_BITS = 0xf;
constexpr unsigned long DR_STEP = 0x4000;
constexpr unsigned long DR6_RESERVED = 0xffff0ff0;

/* DR7: two enable bits per register (local, global), then from bit 16 four
 * bits each: the kind of access (RW) and the length (LEN). */
constexpr int DR_CONTROL_SHIFT = 16;
constexpr int DR_CONTROL_SIZE = 4;
constexpr int DR_ENABLE_SIZE = 2;
constexpr unsigned long DR_GLOBAL_ENABLE = 0x2;
constexpr unsigned long DR_GLOBAL_SLOWDOWN = 0x200;
constexpr unsigned long DR_CONTROL_RESERVED = 0xffffffff0000fc00UL;
