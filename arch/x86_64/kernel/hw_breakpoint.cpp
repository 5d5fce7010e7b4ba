/*
 * The x86 debug registers for ptrace (Linux's arch/x86/kernel/ptrace.c
 * debugreg part and hw_breakpoint.c; docs/ptrace.md): a tracer writes
 * DR0-DR3, DR6 and DR7 through u_debugreg, with Linux's checks, and the
 * tracee runs with them loaded; #DB from user mode becomes its SIGTRAP.
 *
 * Linux makes each address a perf breakpoint (exclude_kernel, one slot per
 * register); here a slot is the same facts in thread_struct::ptrace_bps:
 * registered once either its address or an enabling DR7 was written, with
 * its length and type, and whether DR7 enables it. A write is checked as
 * Linux's hw_breakpoint_parse checks the breakpoint it would make (length
 * and type known, the address aligned to the length, below TASK_SIZE_MAX),
 * and refused with its errno (EINVAL). hw_dr7 is what the CPU's DR7 is
 * while the task runs, and TIF_DEBUGREGS says it is not 0: switch_to's one
 * comparison of ptrace's flags (switch_to_extra) then loads them, and
 * takes them off for the next task; for a task that never had one it costs
 * nothing more.
 *
 * The tracer changes these only while the tracee is stopped and off its
 * CPU (ptrace_check_attach), so the next switch_to loads them; the task
 * itself changes them at exec, and then loads its (empty) DR7 at once.
 */
#include <asm/debugreg.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <asm/traps.h>
#include <linux/sched.h>
#include <linux/signal.h>

namespace {

/* The CPU's debug registers (the number is part of the instruction). */
template <int N>
void set_debugreg(unsigned long v)
{
    asm volatile("mov %0, %%db%c1" : : "r"(v), "i"(N));
}

template <int N>
unsigned long get_debugreg()
{
    unsigned long v;
    asm volatile("mov %%db%c1, %0" : "=r"(v) : "i"(N));
    return v;
}

/* Linux's arch_bp_generic_len: the bytes an arch length covers. */
int generic_len(u8 len)
{
    switch (len) {
    case X86_BREAKPOINT_LEN_1:
        return 1;
    case X86_BREAKPOINT_LEN_2:
        return 2;
    case X86_BREAKPOINT_LEN_4:
        return 4;
    case X86_BREAKPOINT_LEN_8:
        return 8;
    }
    return -1;
}

/* Whether a breakpoint of this length, type and address is one Linux
 * registers for a user task (arch_bp_generic_fields, arch_build_bp_info,
 * hw_breakpoint_arch_parse, and exclude_kernel's refusal of kernel
 * addresses), all EINVAL. An execute breakpoint has length 1 in DR7. */
Result<void> check_breakpoint(unsigned long addr, u8 len, u8 type)
{
    int bytes;
    if (type == X86_BREAKPOINT_EXECUTE) {
        if (len != X86_BREAKPOINT_LEN_X)
            return Errno::EINVAL;
        bytes = 1;
    } else if (type == X86_BREAKPOINT_WRITE || type == X86_BREAKPOINT_RW) {
        bytes = generic_len(len);
        if (bytes < 0)
            return Errno::EINVAL;
    } else {
        return Errno::EINVAL;
    }
    unsigned long end = addr + static_cast<unsigned long>(bytes) - 1;
    if (end < addr || (addr & static_cast<unsigned long>(bytes - 1)))
        return Errno::EINVAL;
    if (addr >= TASK_SIZE_MAX || end >= TASK_SIZE_MAX)
        return Errno::EINVAL;
    return {};
}

/* Linux's encode_dr7 / decode_dr7. */
unsigned long encode_dr7(int i, u8 len, u8 type)
{
    unsigned long info = static_cast<unsigned long>((len | type) & 0xf) << (DR_CONTROL_SHIFT + i * DR_CONTROL_SIZE);
    return info | (DR_GLOBAL_ENABLE << (i * DR_ENABLE_SIZE)) | DR_GLOBAL_SLOWDOWN;
}

bool decode_dr7(unsigned long dr7, int i, u8* len, u8* type)
{
    unsigned long info = dr7 >> (DR_CONTROL_SHIFT + i * DR_CONTROL_SIZE);
    *len = static_cast<u8>((info & 0xc) | 0x40);
    *type = static_cast<u8>((info & 0x3) | 0x80);
    return (dr7 >> (i * DR_ENABLE_SIZE)) & 0x3;
}

/* The DR7 the enabled breakpoints make (Linux's ptrace_get_dr7, and what
 * arch_install_hw_breakpoint writes). */
unsigned long enabled_dr7(const thread_struct& th)
{
    unsigned long dr7 = 0;
    for (int i = 0; i < HBP_NUM; i++) {
        const auto& bp = th.ptrace_bps[i];
        if (bp.registered && !bp.disabled)
            dr7 |= encode_dr7(i, bp.len, bp.type);
    }
    return dr7;
}

/* A slot's new length, type and state, checked with its address. */
Result<void> modify_breakpoint(thread_struct::hw_breakpoint& bp, unsigned long addr, u8 len, u8 type, bool disabled)
{
    TRY(check_breakpoint(addr, len, type));
    bp = {addr, len, type, true, disabled};
    return {};
}

/* Linux's ptrace_write_dr7: each slot DR7 enables, or that exists, takes
 * its length and type; if one is refused, the old DR7 is put back. */
Result<void> ptrace_write_dr7(thread_struct& th, unsigned long data)
{
    data &= ~DR_CONTROL_RESERVED;
    unsigned long old_dr7 = enabled_dr7(th);
    Result<void> ret{};
    for (int pass = 0; pass < 2; pass++) {
        Result<void> rc{};
        for (int i = 0; i < HBP_NUM; i++) {
            u8 len, type;
            bool disabled = !decode_dr7(data, i, &len, &type);
            auto& bp = th.ptrace_bps[i];
            if (!bp.registered && disabled)
                continue;
            rc = modify_breakpoint(bp, bp.registered ? bp.addr : 0, len, type, disabled);
            if (!rc.ok())
                break;
        }
        if (rc.ok() || pass == 1)
            break;
        ret = rc;
        data = old_dr7;
    }
    return ret;
}

/* Linux's ptrace_set_breakpoint_addr: a new slot is a disabled 1-byte write
 * breakpoint there; an existing one keeps its length and type. */
Result<void> ptrace_set_breakpoint_addr(thread_struct& th, int n, unsigned long addr)
{
    auto& bp = th.ptrace_bps[n];
    if (!bp.registered)
        return modify_breakpoint(bp, addr, X86_BREAKPOINT_LEN_1, X86_BREAKPOINT_WRITE, true);
    return modify_breakpoint(bp, addr, bp.len, bp.type, bp.disabled);
}

} // namespace

unsigned long ptrace_get_debugreg(task_struct* t, int n)
{
    const thread_struct& th = t->thread;
    if (n >= 0 && n < HBP_NUM)
        return th.ptrace_bps[n].registered ? th.ptrace_bps[n].addr : 0;
    if (n == DR_STATUS)
        return th.virtual_dr6 ^ DR6_RESERVED; /* back to the register's polarity */
    if (n == DR_CONTROL)
        return th.ptrace_dr7;
    return 0;
}

Result<void> ptrace_set_debugreg(task_struct* t, int n, unsigned long val)
{
    thread_struct& th = t->thread;
    Result<void> r{};
    if (n >= 0 && n < HBP_NUM) {
        r = ptrace_set_breakpoint_addr(th, n, val);
    } else if (n == DR_STATUS) {
        th.virtual_dr6 = val ^ DR6_RESERVED;
        return {};
    } else if (n == DR_CONTROL) {
        r = ptrace_write_dr7(th, val);
        if (r.ok())
            th.ptrace_dr7 = val;
    } else {
        return Errno::EIO; /* no DR4 or DR5 */
    }
    /* Even a refused DR7 may have left new (disabled) slots behind. */
    th.hw_dr7 = enabled_dr7(th);
    if (th.hw_dr7)
        set_tsk_thread_flag(t, TIF_DEBUGREGS);
    else
        clear_tsk_thread_flag(t, TIF_DEBUGREGS);
    return r;
}

void flush_ptrace_hw_breakpoint(task_struct* t)
{
    thread_struct& th = t->thread;
    bool had = th.hw_dr7;
    for (auto& bp : th.ptrace_bps)
        bp = {};
    th.virtual_dr6 = 0;
    th.ptrace_dr7 = 0;
    th.hw_dr7 = 0;
    clear_tsk_thread_flag(t, TIF_DEBUGREGS);
    if (had && t == current)
        set_debugreg<7>(0);
}

void fork_ptrace_hw_breakpoint(task_struct* child)
{
    /* Linux's copy_thread clears ptrace_bps; DR6 and DR7 as ptrace shows
     * them are copied with the rest of the thread. */
    for (auto& bp : child->thread.ptrace_bps)
        bp = {};
    child->thread.hw_dr7 = 0;
    clear_tsk_thread_flag(child, TIF_DEBUGREGS);
}

void switch_debugregs(task_struct* next)
{
    const thread_struct& th = next->thread;
    if (!th.hw_dr7) {
        set_debugreg<7>(0);
        return;
    }
    set_debugreg<7>(0); /* no half-loaded set */
    set_debugreg<0>(th.ptrace_bps[0].addr);
    set_debugreg<1>(th.ptrace_bps[1].addr);
    set_debugreg<2>(th.ptrace_bps[2].addr);
    set_debugreg<3>(th.ptrace_bps[3].addr);
    set_debugreg<7>(th.hw_dr7);
}

/* Linux's exc_debug_user with hw_breakpoint_handler and ptrace_triggered:
 * the tracer's DR6 starts with the step bit and gets the bit of each
 * enabled breakpoint that hit (an instruction breakpoint seen together with
 * a step waits for the next #DB); an instruction breakpoint's return sets
 * RF so it does not fire again at once. Interrupts are off. */
void exc_debug_user(pt_regs* regs)
{
    unsigned long dr6 = get_debugreg<6>();
    set_debugreg<6>(DR6_RESERVED); /* DR6 is sticky */
    dr6 ^= DR6_RESERVED;          /* positive polarity */
    thread_struct& th = current->thread;
    th.virtual_dr6 = dr6 & DR_STEP;
    bool icebp = !dr6;
    for (int i = 0; i < HBP_NUM; i++) {
        const auto& bp = th.ptrace_bps[i];
        if (!(dr6 & (DR_TRAP0 << i)) || !bp.registered || bp.disabled)
            continue;
        bool bpx = bp.type == X86_BREAKPOINT_EXECUTE;
        if (bpx && (dr6 & DR_STEP))
            continue;
        dr6 &= ~(DR_TRAP0 << i);
        th.virtual_dr6 |= DR_TRAP0 << i;
        if (bpx)
            regs->flags |= X86_EFLAGS_RF;
    }
    local_irq_enable();
    dr6 |= th.virtual_dr6;
    if (!(dr6 & (DR_STEP | DR_TRAP_BITS)) && !icebp)
        return;
    int code = (dr6 & DR_STEP) ? TRAP_TRACE : (dr6 & DR_TRAP_BITS) ? TRAP_HWBKPT : TRAP_BRKPT;
    force_sig_fault(SIGTRAP, code, regs->ip, X86_TRAP_DB, 0);
}
