/* ptrace(2)'s requests, options, events and PTRACE_GET_SYSCALL_INFO's
 * structure: Linux's numbers and layouts (kernel/ptrace.cpp). */
#pragma once
#include <linux/types.h>
#include <stddef.h>

enum : long {
    PTRACE_TRACEME = 0,
    PTRACE_PEEKTEXT = 1,
    PTRACE_PEEKDATA = 2,
    PTRACE_PEEKUSR = 3,
    PTRACE_POKETEXT = 4,
    PTRACE_POKEDATA = 5,
    PTRACE_POKEUSR = 6,
    PTRACE_CONT = 7,
    PTRACE_KILL = 8,
    PTRACE_SINGLESTEP = 9,
    PTRACE_GETREGS = 12,
    PTRACE_SETREGS = 13,
    PTRACE_GETFPREGS = 14,
    PTRACE_SETFPREGS = 15,
    PTRACE_ATTACH = 16,
    PTRACE_DETACH = 17,
    PTRACE_GETFPXREGS = 18, /* i386 only */
    PTRACE_SETFPXREGS = 19,
    PTRACE_SYSCALL = 24,
    PTRACE_GET_THREAD_AREA = 25, /* the i386 TLS slots (an i386 or a 64-bit tracer) */
    PTRACE_SET_THREAD_AREA = 26,
    PTRACE_SYSEMU = 31,
    PTRACE_SYSEMU_SINGLESTEP = 32,
    PTRACE_SETOPTIONS = 0x4200,
    PTRACE_GETEVENTMSG = 0x4201,
    PTRACE_GETSIGINFO = 0x4202,
    PTRACE_SETSIGINFO = 0x4203,
    PTRACE_GETREGSET = 0x4204,
    PTRACE_SETREGSET = 0x4205,
    PTRACE_SEIZE = 0x4206,
    PTRACE_INTERRUPT = 0x4207,
    PTRACE_LISTEN = 0x4208,
    PTRACE_GETSIGMASK = 0x420a,
    PTRACE_SETSIGMASK = 0x420b,
    PTRACE_GET_SYSCALL_INFO = 0x420e,
};

/* The events a stop reports in the wait status's bits 16..23. */
enum : int {
    PTRACE_EVENT_FORK = 1,
    PTRACE_EVENT_VFORK = 2,
    PTRACE_EVENT_CLONE = 3,
    PTRACE_EVENT_EXEC = 4,
    PTRACE_EVENT_VFORK_DONE = 5,
    PTRACE_EVENT_EXIT = 6,
    PTRACE_EVENT_SECCOMP = 7,
    PTRACE_EVENT_STOP = 128,
};

/* PTRACE_SETOPTIONS (and SEIZE's data): one bit per event, 1 << event. */
enum : unsigned long {
    PTRACE_O_TRACESYSGOOD = 1,
    PTRACE_O_TRACEFORK = 1UL << PTRACE_EVENT_FORK,
    PTRACE_O_TRACEVFORK = 1UL << PTRACE_EVENT_VFORK,
    PTRACE_O_TRACECLONE = 1UL << PTRACE_EVENT_CLONE,
    PTRACE_O_TRACEEXEC = 1UL << PTRACE_EVENT_EXEC,
    PTRACE_O_TRACEVFORKDONE = 1UL << PTRACE_EVENT_VFORK_DONE,
    PTRACE_O_TRACEEXIT = 1UL << PTRACE_EVENT_EXIT,
    PTRACE_O_TRACESECCOMP = 1UL << PTRACE_EVENT_SECCOMP,
    PTRACE_O_EXITKILL = 1UL << 20,
    PTRACE_O_SUSPEND_SECCOMP = 1UL << 21,
    PTRACE_O_MASK = 0xff | PTRACE_O_EXITKILL | PTRACE_O_SUSPEND_SECCOMP,
};

/* The message of a syscall stop (GETEVENTMSG; GET_SYSCALL_INFO tells them apart). */
constexpr unsigned long PTRACE_EVENTMSG_SYSCALL_ENTRY = 1, PTRACE_EVENTMSG_SYSCALL_EXIT = 2;

enum : u8 {
    PTRACE_SYSCALL_INFO_NONE = 0,
    PTRACE_SYSCALL_INFO_ENTRY = 1,
    PTRACE_SYSCALL_INFO_EXIT = 2,
    PTRACE_SYSCALL_INFO_SECCOMP = 3,
};

struct ptrace_syscall_info {
    u8 op;
    u8 pad[3];
    u32 arch; /* AUDIT_ARCH_X86_64 or AUDIT_ARCH_I386 */
    u64 instruction_pointer;
    u64 stack_pointer;
    union {
        struct {
            u64 nr;
            u64 args[6];
        } entry;
        struct {
            s64 rval;
            u8 is_error;
        } exit;
    };
};
static_assert(offsetof(ptrace_syscall_info, entry) == 24);
static_assert(offsetof(ptrace_syscall_info, entry.args) + sizeof(u64[6]) == 80);
static_assert(offsetof(ptrace_syscall_info, exit.is_error) + 1 == 33);

constexpr u32 AUDIT_ARCH_X86_64 = 0xc000003e, AUDIT_ARCH_I386 = 0x40000003;

/* The note types of GETREGSET/SETREGSET (the ELF core file's names). */
constexpr unsigned long NT_PRSTATUS = 1, NT_PRFPREG = 2, NT_PRXFPREG = 0x46e62b7f, NT_X86_XSTATE = 0x202;
