/*
 * ptrace's register requests for x86-64 tracees (Linux's
 * arch/x86/kernel/ptrace.c): PEEKUSER/POKEUSER at struct user offsets,
 * GETREGS/SETREGS (user_regs_struct: pt_regs, then the TLS bases and the
 * segment selectors thread_struct keeps), GETFPREGS/SETFPREGS (the fxsave
 * area), GETREGSET/SETREGSET for NT_PRSTATUS and NT_PRFPREG, and
 * single-stepping (TF). The tracee is stopped and off its CPU
 * (kernel/ptrace.cpp checks), so its saved state is all in memory.
 *
 * u_debugreg is the tracee's hardware breakpoints (hw_breakpoint.cpp).
 * The i386 layouts (a 32-bit tracer's, and the regsets of a tracee in
 * compatibility mode) are ptrace_32.cpp's.
 */
#include <asm/debugreg.h>
#include <asm/ia32.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/syscalls.h>
#include <uapi/asm/user.h>

namespace {

/* The flags a tracer may change (Linux's FLAG_MASK): the arithmetic ones,
 * TF, DF, RF and AC. */
constexpr unsigned long FLAG_MASK = 0x0001 | 0x0004 | 0x0010 | 0x0040 | 0x0080 | X86_EFLAGS_TF | X86_EFLAGS_DF |
                                    0x0800 | X86_EFLAGS_RF | X86_EFLAGS_AC;

/* A selector user mode may load: null, or of privilege 3. */
bool invalid_selector(unsigned long v) { return v > 0xffff || (v != 0 && (v & 3) != 3); }

/* A data selector the context switch can load for child: the user
 * segments, the TLS slots it has set, and LDT ones (the switch loads one
 * whose descriptor is unusable as null: switch_selector). Any other (an
 * empty or a system descriptor of the GDT) would fault in the switch, where
 * Linux's fixup loads the null selector instead: it becomes that here. */
unsigned short loadable_data_selector(const task_struct* child, unsigned long v)
{
    unsigned long idx = v >> 3;
    if (v == 0)
        return 0;
    if (v & 4)
        return static_cast<unsigned short>(v);
    if (idx == GDT_ENTRY_USER_DS || idx == GDT_ENTRY_USER_CS || idx == GDT_ENTRY_USER32_CS)
        return static_cast<unsigned short>(v);
    constexpr u64 DESC_PRESENT = 1ULL << 47;
    if (idx >= GDT_ENTRY_TLS_MIN && idx <= GDT_ENTRY_TLS_MAX &&
        (child->thread.tls_array[idx - GDT_ENTRY_TLS_MIN] & DESC_PRESENT))
        return static_cast<unsigned short>(v);
    return 0;
}

unsigned long getreg(task_struct* child, unsigned long offset)
{
    const pt_regs* regs = task_pt_regs(child);
    const thread_struct& th = child->thread;
    if (offset < sizeof(pt_regs)) {
        unsigned long v = *reinterpret_cast<const unsigned long*>(reinterpret_cast<const u8*>(regs) + offset);
        /* The TF the tracer set for a single step is not the program's. */
        if (offset == offsetof(pt_regs, flags) && (child->jobctl & JOBCTL_FORCED_TF))
            v &= ~X86_EFLAGS_TF;
        return v;
    }
    switch (offset) {
    case offsetof(user_regs_struct, fs_base):
        return th.fsbase;
    case offsetof(user_regs_struct, gs_base):
        return th.gsbase;
    case offsetof(user_regs_struct, ds):
        return th.ds;
    case offsetof(user_regs_struct, es):
        return th.es;
    case offsetof(user_regs_struct, fs):
        return th.fsindex;
    case offsetof(user_regs_struct, gs):
        return th.gsindex;
    }
    return 0;
}

Result<void> putreg(task_struct* child, unsigned long offset, unsigned long value)
{
    pt_regs* regs = task_pt_regs(child);
    thread_struct& th = child->thread;
    switch (offset) {
    case offsetof(user_regs_struct, cs):
    case offsetof(user_regs_struct, ss):
        if (value == 0 || invalid_selector(value))
            return Errno::EIO;
        (offset == offsetof(user_regs_struct, cs) ? regs->cs : regs->ss) = value;
        return {};
    case offsetof(user_regs_struct, ds):
    case offsetof(user_regs_struct, es):
    case offsetof(user_regs_struct, fs):
    case offsetof(user_regs_struct, gs): {
        if (invalid_selector(value))
            return Errno::EIO;
        unsigned short sel = loadable_data_selector(child, value);
        if (offset == offsetof(user_regs_struct, ds))
            th.ds = sel;
        else if (offset == offsetof(user_regs_struct, es))
            th.es = sel;
        else if (offset == offsetof(user_regs_struct, fs))
            th.fsindex = sel;
        else
            th.gsindex = sel;
        return {};
    }
    case offsetof(user_regs_struct, fs_base):
    case offsetof(user_regs_struct, gs_base):
        if (value >= TASK_SIZE_MAX)
            return Errno::EIO;
        (offset == offsetof(user_regs_struct, fs_base) ? th.fsbase : th.gsbase) = value;
        return {};
    case offsetof(user_regs_struct, flags):
        /* The program's own TF: no longer the tracer's to take back. */
        if (value & X86_EFLAGS_TF)
            child->jobctl &= ~JOBCTL_FORCED_TF;
        else if (child->jobctl & JOBCTL_FORCED_TF)
            value |= X86_EFLAGS_TF;
        regs->flags = (regs->flags & ~FLAG_MASK) | (value & FLAG_MASK);
        return {};
    }
    if (offset >= sizeof(pt_regs))
        return Errno::EIO;
    *reinterpret_cast<unsigned long*>(reinterpret_cast<u8*>(regs) + offset) = value;
    return {};
}

user_regs_struct get_user_regs(task_struct* child)
{
    user_regs_struct u;
    auto* w = reinterpret_cast<unsigned long*>(&u);
    for (unsigned long i = 0; i < sizeof(u) / sizeof(*w); i++)
        w[i] = getreg(child, i * sizeof(*w));
    return u;
}

/* Each word of the first len bytes, in order; the first refused one ends it. */
Result<void> set_user_regs(task_struct* child, const user_regs_struct& u, size_t len)
{
    const auto* w = reinterpret_cast<const unsigned long*>(&u);
    for (unsigned long i = 0; i < len / sizeof(*w); i++)
        TRY(putreg(child, i * sizeof(*w), w[i]));
    return {};
}

user_fpregs_struct get_fpregs(task_struct* child)
{
    user_fpregs_struct f;
    memcpy(&f, child->thread.fpu, sizeof(f));
    memset(f.padding, 0, sizeof(f.padding)); /* the software-reserved words: nothing of ours */
    return f;
}

Result<void> set_fpregs(task_struct* child, const user_fpregs_struct& f)
{
    /* MXCSR bits the CPU lacks would fault at the fxrstor (Linux: EINVAL). */
    if (f.mxcsr & ~mxcsr_feature_mask())
        return Errno::EINVAL;
    user_fpregs_struct keep = f;
    keep.mxcr_mask = reinterpret_cast<const user_fpregs_struct*>(child->thread.fpu)->mxcr_mask;
    memcpy(child->thread.fpu, &keep, sizeof(keep));
    return {};
}

Result<long> peekuser(task_struct* child, unsigned long addr, unsigned long data)
{
    if ((addr & 7) || addr >= sizeof(user))
        return Errno::EIO;
    unsigned long v = 0; /* the rest of struct user reads 0 */
    if (addr < sizeof(user_regs_struct))
        v = getreg(child, addr);
    else if (addr >= offsetof(user, u_debugreg[0]) && addr <= offsetof(user, u_debugreg[7]))
        v = ptrace_get_debugreg(child, static_cast<int>((addr - offsetof(user, u_debugreg[0])) / sizeof(long)));
    TRY(put_user(v, user_out_ptr<unsigned long>(data)));
    return 0;
}

Result<long> pokeuser(task_struct* child, unsigned long addr, unsigned long data)
{
    if ((addr & 7) || addr >= sizeof(user))
        return Errno::EIO;
    /* Past the registers only u_debugreg is writable (hw_breakpoint.cpp). */
    if (addr >= offsetof(user, u_debugreg[0]) && addr <= offsetof(user, u_debugreg[7])) {
        TRY(ptrace_set_debugreg(child, static_cast<int>((addr - offsetof(user, u_debugreg[0])) / sizeof(long)), data));
        return 0;
    }
    if (addr >= sizeof(user_regs_struct))
        return Errno::EIO;
    TRY(putreg(child, addr, data));
    return 0;
}

/* GETREGSET/SETREGSET of the 64-bit view. */
Result<size_t> regset64(task_struct* child, long request, unsigned long type, unsigned long base, size_t req_len)
{
    size_t size;
    if (type == NT_PRSTATUS)
        size = sizeof(user_regs_struct);
    else if (type == NT_PRFPREG)
        size = sizeof(user_fpregs_struct);
    else
        return Errno::EINVAL;
    if (req_len % sizeof(unsigned long))
        return Errno::EINVAL;
    size_t len = req_len < size ? req_len : size;
    union {
        user_regs_struct regs;
        user_fpregs_struct fp;
    } buf;
    if (type == NT_PRSTATUS)
        buf.regs = get_user_regs(child);
    else
        buf.fp = get_fpregs(child);
    if (request == PTRACE_GETREGSET) {
        TRY(copy_to_user(user_out_ptr<u8>(base), reinterpret_cast<const u8*>(&buf), len));
    } else {
        /* Linux takes the fxsave area only whole ("no funny business"). */
        if (type == NT_PRFPREG && len != size)
            return Errno::EINVAL;
        TRY(copy_from_user(reinterpret_cast<u8*>(&buf), user_in_ptr<const u8>(base), len));
        if (type == NT_PRSTATUS)
            TRY(set_user_regs(child, buf.regs, len));
        else
            TRY(set_fpregs(child, buf.fp));
    }
    return len;
}

/* GETREGSET/SETREGSET: an iovec at data says where and how much; the
 * length moved is written back. */
Result<long> regset(task_struct* child, long request, unsigned long type, unsigned long data)
{
    struct iovec_user {
        unsigned long base;
        unsigned long len;
    } iov;
    TRY(copy_from_user(&iov, user_in_ptr<const iovec_user>(data)));
    iov.len = TRY(ptrace_regset(child, request, type, iov.base, iov.len));
    TRY(put_user(iov.len, user_out_ptr<unsigned long>(data + offsetof(iovec_user, len))));
    return 0;
}

} // namespace

Result<size_t> ptrace_regset(task_struct* child, long request, unsigned long type, unsigned long base, size_t len)
{
    /* Linux's task_user_regset_view: the tracee's mode decides. */
    if (task_pt_regs(child)->cs != __USER_CS) /* user_64bit_mode */
        return ptrace_regset32(child, request, type, base, len);
    return regset64(child, request, type, base, len);
}

unsigned long ptrace_getreg(task_struct* child, unsigned long offset) { return getreg(child, offset); }

Result<void> ptrace_putreg(task_struct* child, unsigned long offset, unsigned long value)
{
    return putreg(child, offset, value);
}

void ptrace_get_fxregs(task_struct* child, user_fpregs_struct& f) { f = get_fpregs(child); }

Result<void> ptrace_set_fxregs(task_struct* child, const user_fpregs_struct& f) { return set_fpregs(child, f); }

void user_enable_single_step(task_struct* child)
{
    pt_regs* regs = task_pt_regs(child);
    set_tsk_thread_flag(child, TIF_SINGLESTEP);
    if (!(regs->flags & X86_EFLAGS_TF)) {
        regs->flags |= X86_EFLAGS_TF;
        child->jobctl |= JOBCTL_FORCED_TF;
    }
}

void user_disable_single_step(task_struct* child)
{
    clear_tsk_thread_flag(child, TIF_SINGLESTEP);
    if (child->jobctl & JOBCTL_FORCED_TF) {
        task_pt_regs(child)->flags &= ~X86_EFLAGS_TF;
        child->jobctl &= ~JOBCTL_FORCED_TF;
    }
}

Result<long> arch_ptrace(task_struct* child, long request, unsigned long addr, unsigned long data)
{
    switch (request) {
    case PTRACE_PEEKUSR:
        return peekuser(child, addr, data);
    case PTRACE_POKEUSR:
        return pokeuser(child, addr, data);
    case PTRACE_GETREGS: {
        user_regs_struct u = get_user_regs(child);
        TRY(copy_to_user(user_out_ptr<user_regs_struct>(data), &u));
        return 0;
    }
    case PTRACE_SETREGS: {
        user_regs_struct u;
        TRY(copy_from_user(&u, user_in_ptr<const user_regs_struct>(data)));
        TRY(set_user_regs(child, u, sizeof(u)));
        return 0;
    }
    case PTRACE_GETFPREGS: {
        user_fpregs_struct f = get_fpregs(child);
        TRY(copy_to_user(user_out_ptr<user_fpregs_struct>(data), &f));
        return 0;
    }
    case PTRACE_SETFPREGS: {
        user_fpregs_struct f;
        TRY(copy_from_user(&f, user_in_ptr<const user_fpregs_struct>(data)));
        TRY(set_fpregs(child, f));
        return 0;
    }
    case PTRACE_GETREGSET:
    case PTRACE_SETREGSET:
        return regset(child, request, addr, data);
    case PTRACE_GET_THREAD_AREA:
    case PTRACE_SET_THREAD_AREA:
        /* The slot by its GDT index (Linux: EIO for a negative int). */
        if (static_cast<int>(addr) < 0)
            return Errno::EIO;
        if (request == PTRACE_GET_THREAD_AREA)
            TRY(do_get_thread_area(child, static_cast<int>(addr), user_inout_ptr<user_desc>(data)));
        else
            TRY(do_set_thread_area(child, static_cast<int>(addr), user_inout_ptr<user_desc>(data), false));
        return 0;
    default:
        return Errno::EIO;
    }
}
