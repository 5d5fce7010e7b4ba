/*
 * The signal frame, Linux's x86-64 layout (arch/x86/kernel/signal.c): on the
 * user stack (or the alternate one) below a 128-byte red zone go the FPU
 * state, then struct rt_sigframe { return address = sa_restorer, ucontext,
 * siginfo }. The handler starts with rdi = signal, rsi = &info, rdx = &uc;
 * its return runs the restorer, which calls rt_sigreturn to restore everything.
 */
#include <asm/processor.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/string.h>
#include <linux/syscalls.h>
#include <uapi/asm/sigcontext.h>

namespace {

struct rt_sigframe {
    unsigned long pretcode;
    ucontext_64 uc;
    siginfo_t info;
};

/* The flags user code may set through sigreturn (Linux's FIX_EFLAGS). */
constexpr unsigned long FIX_EFLAGS = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 | 0x40000 | 0x10000;

bool on_sig_stack(const task_struct* t, unsigned long sp)
{
    return t->sas_ss_size && sp - user_addr(t->sas_ss_sp) < t->sas_ss_size;
}

void fill_sigcontext(sigcontext_64& sc, const pt_regs& r, unsigned long fpstate, u64 mask)
{
    sc = sigcontext_64{};
    sc.r8 = r.r8, sc.r9 = r.r9, sc.r10 = r.r10, sc.r11 = r.r11;
    sc.r12 = r.r12, sc.r13 = r.r13, sc.r14 = r.r14, sc.r15 = r.r15;
    sc.di = r.di, sc.si = r.si, sc.bp = r.bp, sc.bx = r.bx;
    sc.dx = r.dx, sc.ax = r.ax, sc.cx = r.cx, sc.sp = r.sp;
    sc.ip = r.ip, sc.flags = r.flags;
    sc.cs = static_cast<u16>(r.cs);
    sc.ss = static_cast<u16>(r.ss);
    sc.err = current->thread.error_code;
    sc.trapno = current->thread.trap_nr;
    sc.oldmask = mask;
    sc.cr2 = current->thread.cr2;
    sc.fpstate = fpstate;
}

/* The segment-descriptor access rights that lar reports. */
constexpr u32 AR_TYPE_RWDATA = 1u << 9, AR_TYPE_RWDATA_EXPDOWN = 3u << 9, AR_TYPE_MASK = 7u << 9;
constexpr u32 AR_S = 1u << 12, AR_DPL3 = 3u << 13, AR_P = 1u << 15;

/* Returning to 64-bit mode without UC_STRICT_RESTORE_SS: an SS that would not
 * load (as DOSEMU and CRIU leave it) becomes __USER_DS, as on Linux. */
void force_valid_ss(pt_regs* regs)
{
    u32 ar;
    asm volatile("lar %[sel], %[ar]\n\t"
                 "jz 1f\n\t"
                 "xorl %[ar], %[ar]\n"
                 "1:"
                 : [ar] "=r"(ar)
                 : [sel] "r"(static_cast<u32>(static_cast<u16>(regs->ss)))
                 : "cc");
    ar &= AR_DPL3 | AR_S | AR_P | AR_TYPE_MASK;
    if (ar != (AR_DPL3 | AR_S | AR_P | AR_TYPE_RWDATA) && ar != (AR_DPL3 | AR_S | AR_P | AR_TYPE_RWDATA_EXPDOWN))
        regs->ss = __USER_DS;
}

} // namespace

unsigned long sigframe_size()
{
    /* setup_rt_frame's worst case from the top of a stack: the FPU state
     * aligned down to 64 bytes, the frame aligned down to 16 less 8. */
    unsigned long worst = FPU_STATE_SIZE + 63 + sizeof(rt_sigframe) + 15 + 8;
    return (worst + 15) & ~15UL;
}

bool setup_rt_frame(int sig, const k_sigaction& ka, const siginfo_t& info, sigset_t blocked, pt_regs* regs)
{
    task_struct* t = current;
    /* A handler an i386 call set runs on an i386 frame (signal_32.cpp). */
    if (ka.flags & SA_IA32_ABI)
        return ia32_setup_frame(sig, ka, info, blocked, regs);
    if (!(ka.flags & SA_RESTORER))
        return false; /* x86-64 has no kernel-provided return trampoline */
    unsigned long sp = regs->sp - 128; /* the red zone */
    bool was_on_stack = on_sig_stack(t, regs->sp);
    if ((ka.flags & SA_ONSTACK) && t->sas_ss_size && !was_on_stack)
        sp = user_addr(t->sas_ss_sp) + t->sas_ss_size;

    /* The FPU/SSE registers as fxsave leaves them, 64-byte aligned. fxsave
     * writes only the architected fields (not bytes 464..511, left to
     * software): the rest would be old kernel stack, so it starts zeroed
     * (the fuzzer found kernel pointers there, fuzz_sigframe_leak). */
    sp = (sp - FPU_STATE_SIZE) & ~63UL;
    unsigned long fpstate = sp;
    alignas(16) u8 fpu[FPU_STATE_SIZE];
    memset(fpu, 0, sizeof(fpu));
    asm volatile("fxsave64 %0" : "+m"(fpu));
    if (!copy_to_user(user_out_ptr<u8>(fpstate), fpu, sizeof(fpu)).ok())
        return false;

    /* As after a call: (rsp + 8) is 16-byte aligned at the handler's entry. */
    sp = ((sp - sizeof(rt_sigframe)) & ~15UL) - 8;
    rt_sigframe frame;
    memset(&frame, 0, sizeof(frame));
    frame.pretcode = ka.restorer;
    /* Strict SS restore only for a frame taken in 64-bit mode: code that
     * switches from 32-bit mode by editing CS may leave an SS that won't load. */
    frame.uc.uc_flags = UC_SIGCONTEXT_SS | (regs->cs == __USER_CS ? UC_STRICT_RESTORE_SS : 0);
    frame.uc.uc_stack = stack_t_user{user_addr(t->sas_ss_sp),
                                     was_on_stack ? SS_ONSTACK : (t->sas_ss_size ? 0 : SS_DISABLE), 0, t->sas_ss_size};
    fill_sigcontext(frame.uc.uc_mcontext, *regs, fpstate, blocked.sig);
    frame.uc.uc_sigmask = blocked.sig;
    frame.info = info;
    if (!copy_to_user(user_out_ptr<rt_sigframe>(sp), &frame).ok())
        return false;
    if ((ka.flags & SA_ONSTACK) && (t->sas_ss_flags & SS_AUTODISARM))
        t->sas_ss_sp = {}, t->sas_ss_size = 0;

    regs->di = static_cast<unsigned long>(sig);
    regs->si = sp + offsetof(rt_sigframe, info);
    regs->dx = sp + offsetof(rt_sigframe, uc);
    regs->ax = 0;
    regs->ip = ka.handler;
    regs->sp = sp;
    regs->cs = __USER_CS;
    regs->ss = __USER_DS;
    regs->flags &= ~(X86_EFLAGS_DF | X86_EFLAGS_RF | X86_EFLAGS_TF);
    /* The handler starts with a clean FPU, as Linux gives it. */
    fpu_init_task(t);
    asm volatile("fxrstor64 %0" : : "m"(t->thread.fpu));
    return true;
}

SYSCALL_DEFINE0(rt_sigreturn)
{
    pt_regs* regs = current_pt_regs();
    task_struct* t = current;
    /* The handler's ret popped pretcode: the frame starts 8 bytes below sp. */
    rt_sigframe frame;
    if (!copy_from_user(&frame, user_in_ptr<const rt_sigframe>(regs->sp - sizeof(long))).ok()) {
        force_sig(SIGSEGV);
        return 0;
    }
    const sigcontext_64& sc = frame.uc.uc_mcontext;
    regs->r8 = sc.r8, regs->r9 = sc.r9, regs->r10 = sc.r10, regs->r11 = sc.r11;
    regs->r12 = sc.r12, regs->r13 = sc.r13, regs->r14 = sc.r14, regs->r15 = sc.r15;
    regs->di = sc.di, regs->si = sc.si, regs->bp = sc.bp, regs->bx = sc.bx;
    regs->dx = sc.dx, regs->cx = sc.cx, regs->sp = sc.sp, regs->ip = sc.ip;
    regs->flags = (regs->flags & ~FIX_EFLAGS) | (sc.flags & FIX_EFLAGS);
    /* CS and SS as the frame says, at RPL 3: a selector the CPU refuses
     * faults at the iretq, and that fault is the program's (traps.cpp, bad_iret). */
    regs->cs = sc.cs | 3;
    regs->ss = sc.ss | 3;
    regs->orig_ax = static_cast<unsigned long>(-1); /* no system call to restart */
    if (!(frame.uc.uc_flags & UC_STRICT_RESTORE_SS) && regs->cs == __USER_CS)
        force_valid_ss(regs);

    if (sc.fpstate) {
        alignas(16) u8 fpu[FPU_STATE_SIZE];
        if (!copy_from_user(fpu, user_in_ptr<const u8>(sc.fpstate), sizeof(fpu)).ok()) {
            force_sig(SIGSEGV);
            return 0;
        }
        /* fxrstor faults on reserved MXCSR bits: keep only those this CPU
         * has (its mask, not the frame's, which user space wrote). */
        u32 mxcsr;
        memcpy(&mxcsr, fpu + 24, sizeof(mxcsr));
        mxcsr &= mxcsr_feature_mask();
        memcpy(fpu + 24, &mxcsr, sizeof(mxcsr));
        asm volatile("fxrstor64 %0" : : "m"(fpu));
    } else {
        fpu_init_task(t);
        asm volatile("fxrstor64 %0" : : "m"(t->thread.fpu));
    }

    t->blocked.sig = frame.uc.uc_sigmask & ~(sigset_t::bit(SIGKILL) | sigset_t::bit(SIGSTOP));
    recalc_sigpending();
    /* restore_altstack */
    const stack_t_user& ss = frame.uc.uc_stack;
    if (!on_sig_stack(t, regs->sp) && !(ss.ss_flags & SS_DISABLE) && ss.ss_size >= MINSIGSTKSZ) {
        t->sas_ss_sp = user_inout_ptr<void>(ss.ss_sp);
        t->sas_ss_size = ss.ss_size;
    }
    /* The return value is the restored rax. */
    return static_cast<long>(sc.ax);
}
