/*
 * ptrace's i386 register layouts (Linux's arch/x86/kernel/ptrace.c under
 * CONFIG_IA32_EMULATION; docs/ptrace.md): a 32-bit tracer's PEEKUSR/POKEUSR
 * at i386 struct user offsets (getreg32/putreg32: the 17 registers of
 * user_regs_struct32 from pt_regs and thread_struct, u_debugreg), its
 * GETREGS/SETREGS, GETFPREGS/SETFPREGS (the i387 environment and registers
 * made from the fxsave area), GETFPXREGS/SETFPXREGS (the fxsave area), and
 * the regsets of the i386 view (NT_PRSTATUS, NT_PRFPREG, NT_PRXFPREG),
 * which a tracee in compatibility mode shows to any tracer's GETREGSET.
 * The tracee is stopped and off its CPU (kernel/ptrace.cpp).
 */
#include <asm/debugreg.h>
#include <asm/ia32.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <linux/compat.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <uapi/asm/sigcontext32.h>
#include <uapi/asm/user.h>
#include <uapi/asm/user32.h>

namespace {

#define R32(field) offsetof(user32, regs.field)

/* The user_regs_struct word an i386 one stands for, where the 64-bit
 * rules apply (the selectors, the flags). */
long seg64(unsigned regno)
{
    switch (regno) {
    case R32(ds):
        return offsetof(user_regs_struct, ds);
    case R32(es):
        return offsetof(user_regs_struct, es);
    case R32(fs):
        return offsetof(user_regs_struct, fs);
    case R32(gs):
        return offsetof(user_regs_struct, gs);
    case R32(cs):
        return offsetof(user_regs_struct, cs);
    case R32(ss):
        return offsetof(user_regs_struct, ss);
    case R32(eflags):
        return offsetof(user_regs_struct, flags);
    }
    return -1;
}

/* The pt_regs word of a general register. */
unsigned long* gpr(pt_regs* regs, unsigned regno)
{
    switch (regno) {
    case R32(ebx):
        return &regs->bx;
    case R32(ecx):
        return &regs->cx;
    case R32(edx):
        return &regs->dx;
    case R32(esi):
        return &regs->si;
    case R32(edi):
        return &regs->di;
    case R32(ebp):
        return &regs->bp;
    case R32(eax):
        return &regs->ax;
    case R32(orig_eax):
        return &regs->orig_ax;
    case R32(eip):
        return &regs->ip;
    case R32(esp):
        return &regs->sp;
    }
    return nullptr;
}

constexpr unsigned DEBUGREG0 = offsetof(user32, u_debugreg[0]), DEBUGREG7 = offsetof(user32, u_debugreg[7]);

/* Linux's getreg32: past the registers and debug registers, struct user32's
 * other fields read 0; EIO for an unaligned offset or one past its end
 * (Linux compares with ">", so its very end reads 0 too). */
Result<u32> getreg32(task_struct* child, unsigned regno)
{
    if (long off = seg64(regno); off >= 0 && regno != R32(cs) && regno != R32(ss))
        return static_cast<u32>(ptrace_getreg(child, static_cast<unsigned long>(off)));
    if (regno == R32(cs))
        return static_cast<u32>(task_pt_regs(child)->cs);
    if (regno == R32(ss))
        return static_cast<u32>(task_pt_regs(child)->ss);
    if (unsigned long* r = gpr(task_pt_regs(child), regno))
        return static_cast<u32>(*r);
    if (regno >= DEBUGREG0 && regno <= DEBUGREG7)
        return static_cast<u32>(ptrace_get_debugreg(child, static_cast<int>((regno - DEBUGREG0) / 4)));
    if (regno > sizeof(user32) || (regno & 3))
        return Errno::EIO;
    return 0u;
}

/* Linux's putreg32: the selectors and flags as the 64-bit view checks
 * them; a new %fs or %gs brings its segment's base (a 32-bit tracer's
 * SETREGS restores the whole state); the other fields are ignored. */
Result<void> putreg32(task_struct* child, unsigned regno, u32 value)
{
    if (long off = seg64(regno); off >= 0) {
        TRY(ptrace_putreg(child, static_cast<unsigned long>(off), value));
        if (regno == R32(fs))
            child->thread.fsbase = x86_fsgsbase_read_task(child, child->thread.fsindex);
        else if (regno == R32(gs))
            child->thread.gsbase = x86_fsgsbase_read_task(child, child->thread.gsindex);
        return {};
    }
    if (unsigned long* r = gpr(task_pt_regs(child), regno)) {
        /* Zero-extended, as Linux's; but eax and orig_eax of an i386 tracee
         * are what the kernel reads as the call's number and result (-1: no
         * call to restart; -ERESTART*: restart it), which Linux sign-extends
         * for such a task (TS_I386_REGS_POKED): sign-extended here. */
        bool ia32_word = (regno == R32(eax) || regno == R32(orig_eax)) && task_pt_regs(child)->cs != __USER_CS;
        *r = ia32_word ? static_cast<unsigned long>(static_cast<long>(static_cast<s32>(value))) : value;
        return {};
    }
    if (regno >= DEBUGREG0 && regno <= DEBUGREG7)
        return ptrace_set_debugreg(child, static_cast<int>((regno - DEBUGREG0) / 4), value);
    if (regno > sizeof(user32) || (regno & 3))
        return Errno::EIO;
    return {};
}

user_regs_struct32 get_regs32(task_struct* child)
{
    user_regs_struct32 u;
    auto* w = reinterpret_cast<u32*>(&u);
    for (unsigned i = 0; i < sizeof(u) / 4; i++) {
        Result<u32> r = getreg32(child, i * 4); /* a register: never refused */
        w[i] = r.ok() ? r.value() : 0;
    }
    return u;
}

/* Each word of the first len bytes, in order; the first refused one ends it. */
Result<void> set_regs32(task_struct* child, const user_regs_struct32& u, size_t len)
{
    const auto* w = reinterpret_cast<const u32*>(&u);
    for (unsigned i = 0; i < len / 4; i++)
        TRY(putreg32(child, i * 4, w[i]));
    return {};
}

/* The i387 view of the fxsave area (Linux's fpregs_get on x86-64). */
user_i387_ia32_struct get_i387(task_struct* child)
{
    fpstate_32_env env;
    convert_from_fxsr(env, child->thread.fpu, task_pt_regs(child)->cs, child->thread.ds);
    user_i387_ia32_struct f;
    static_assert(sizeof(f) <= sizeof(env));
    memcpy(&f, &env, sizeof(f));
    return f;
}

void set_i387(task_struct* child, const user_i387_ia32_struct& f)
{
    fpstate_32_env env{};
    memcpy(&env, &f, sizeof(f));
    convert_to_fxsr(child->thread.fpu, env);
}

} // namespace

Result<size_t> ptrace_regset32(task_struct* child, long request, unsigned long type, unsigned long base,
                               size_t req_len)
{
    size_t size;
    if (type == NT_PRSTATUS)
        size = sizeof(user_regs_struct32);
    else if (type == NT_PRFPREG)
        size = sizeof(user_i387_ia32_struct);
    else if (type == NT_PRXFPREG)
        size = sizeof(user_fpregs_struct);
    else
        return Errno::EINVAL;
    if (req_len % 4)
        return Errno::EINVAL;
    size_t len = req_len < size ? req_len : size;
    union {
        user_regs_struct32 regs;
        user_i387_ia32_struct i387;
        user_fpregs_struct fx;
    } buf;
    if (type == NT_PRSTATUS)
        buf.regs = get_regs32(child);
    else if (type == NT_PRFPREG)
        buf.i387 = get_i387(child);
    else
        ptrace_get_fxregs(child, buf.fx);
    if (request == PTRACE_GETREGSET) {
        TRY(copy_to_user(user_out_ptr<u8>(base), reinterpret_cast<const u8*>(&buf), len));
        return len;
    }
    /* Linux takes the FPU sets only whole ("no funny business"). */
    if (type != NT_PRSTATUS && len != size)
        return Errno::EINVAL;
    TRY(copy_from_user(reinterpret_cast<u8*>(&buf), user_in_ptr<const u8>(base), len));
    if (type == NT_PRSTATUS) {
        TRY(set_regs32(child, buf.regs, len));
    } else if (type == NT_PRFPREG) {
        set_i387(child, buf.i387);
    } else {
        /* An i386 caller knows xmm0-7 only: 8-15 become 0 (Linux's xfpregs_set). */
        if (in_compat_syscall())
            memset(reinterpret_cast<u8*>(buf.fx.xmm_space) + 8 * 16, 0, 8 * 16);
        TRY(ptrace_set_fxregs(child, buf.fx));
    }
    return len;
}

Result<long> compat_arch_ptrace(task_struct* child, long request, u32 addr, u32 data)
{
    switch (request) {
    case PTRACE_PEEKUSR: {
        u32 v = TRY(getreg32(child, addr));
        TRY(put_user(v, user_out_ptr<u32>(data)));
        return 0;
    }
    case PTRACE_POKEUSR:
        TRY(putreg32(child, addr, data));
        return 0;
    case PTRACE_GETREGS:
    case PTRACE_SETREGS:
    case PTRACE_GETFPREGS:
    case PTRACE_SETFPREGS:
    case PTRACE_GETFPXREGS:
    case PTRACE_SETFPXREGS: {
        /* The i386 view whatever the tracee's mode (Linux's user_x86_32_view). */
        bool get = request == PTRACE_GETREGS || request == PTRACE_GETFPREGS || request == PTRACE_GETFPXREGS;
        unsigned long type = (request == PTRACE_GETREGS || request == PTRACE_SETREGS)       ? NT_PRSTATUS
                             : (request == PTRACE_GETFPREGS || request == PTRACE_SETFPREGS) ? NT_PRFPREG
                                                                                            : NT_PRXFPREG;
        size_t size = type == NT_PRSTATUS ? sizeof(user_regs_struct32)
                      : type == NT_PRFPREG ? sizeof(user_i387_ia32_struct)
                                           : sizeof(user_fpregs_struct);
        TRY(ptrace_regset32(child, get ? PTRACE_GETREGSET : PTRACE_SETREGSET, type, data, size));
        return 0;
    }
    case PTRACE_GET_THREAD_AREA:
    case PTRACE_SET_THREAD_AREA:
        return arch_ptrace(child, request, addr, data);
    default:
        return compat_ptrace_request(child, request, addr, data);
    }
}
