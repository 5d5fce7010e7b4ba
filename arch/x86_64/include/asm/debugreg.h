/* The hardware breakpoints a tracer sets through struct user's u_debugreg
 * (arch/x86_64/kernel/hw_breakpoint.cpp, docs/ptrace.md): the task's
 * DR0-DR3 (thread_struct::ptrace_bps), loaded by switch_to while it runs,
 * and the #DB that reports them. */
#pragma once
#include <linux/result.h>
#include <linux/types.h>
#include <uapi/asm/debugreg.h>

struct task_struct;
struct pt_regs;

/* Linux's arch encodings of a breakpoint's length and type (the DR7 bits,
 * with a marker bit above them). */
constexpr u8 X86_BREAKPOINT_LEN_X = 0x40, X86_BREAKPOINT_LEN_1 = 0x40, X86_BREAKPOINT_LEN_2 = 0x44,
             X86_BREAKPOINT_LEN_4 = 0x4c, X86_BREAKPOINT_LEN_8 = 0x48;
constexpr u8 X86_BREAKPOINT_EXECUTE = 0x80, X86_BREAKPOINT_WRITE = 0x81, X86_BREAKPOINT_RW = 0x83;

/* PEEKUSER/POKEUSER of u_debugreg[n] (both ABIs): DR0-DR3, DR6 and DR7;
 * DR4 and DR5 read 0 and are EIO to write. The tracee is stopped and off
 * its CPU. */
[[nodiscard]] unsigned long ptrace_get_debugreg(task_struct* t, int n);
[[nodiscard]] Result<void> ptrace_set_debugreg(task_struct* t, int n, unsigned long val);
/* exec drops the breakpoints (and DR6, DR7), as Linux's flush_thread;
 * fork's child starts without them. */
void flush_ptrace_hw_breakpoint(task_struct* t);
void fork_ptrace_hw_breakpoint(task_struct* child);
/* switch_to (switch_to_extra), when next has TIF_DEBUGREGS or the CPU has
 * the previous task's loaded: the CPU's DR0-DR3 and DR7 become next's. */
void switch_debugregs(task_struct* next);
/* #DB from user mode: DR6 read and reset, the tracer's DR6 (virtual_dr6),
 * and the SIGTRAP (TRAP_TRACE, TRAP_HWBKPT or TRAP_BRKPT). */
void exc_debug_user(pt_regs* regs);
