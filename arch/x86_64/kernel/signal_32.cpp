/*
 * i386 signal frames, Linux's layout (arch/x86/ia32/ia32_signal.c and
 * asm/sigframe.h): a handler that an i386 call installed (SA_IA32_ABI) runs
 * in compatibility mode on
 *   struct sigframe_ia32    { pretcode, sig, sigcontext_32, unused fpstate,
 *                             extramask, retcode }            without SA_SIGINFO
 *   struct rt_sigframe_ia32 { pretcode, sig, pinfo, puc, compat siginfo,
 *                             ucontext_ia32, retcode }        with SA_SIGINFO
 * below the FPU state (an i387 environment, then the fxsave image, 64-byte
 * aligned). eax = sig, edx = &info, ecx = &uc (-mregparm=3 handlers); the
 * handler's return runs sa_restorer or the frame's retcode, which calls
 * sigreturn (119) or rt_sigreturn (173) through int $0x80.
 */
#include <asm/ia32.h>
#include <asm/processor.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/string.h>
#include <linux/syscalls.h>
#include <uapi/asm/sigcontext.h>
#include <uapi/asm/sigcontext32.h>

compat_siginfo_t to_compat_siginfo(const siginfo_t& info); /* kernel/signal_compat.cpp */

namespace {

constexpr int NR_IA32_SIGRETURN = 119, NR_IA32_RT_SIGRETURN = 173;

/* struct _fpstate_32 as the frame holds it: the i387 environment, then the
 * fxsave image (Linux puts the whole fxsave area after fregs_state). */
struct fpstate_32 {
    fpstate_32_env env;
    u8 fx[FPU_STATE_SIZE];
};
static_assert(sizeof(fpstate_32) == 624);

struct sigframe_ia32 {
    u32 pretcode;
    int sig;
    sigcontext_32 sc;
    fpstate_32 fpstate_unused; /* kept so that extramask stays where it always was */
    u32 extramask[1];
    u8 retcode[8];
};

struct rt_sigframe_ia32 {
    u32 pretcode;
    int sig;
    u32 pinfo;
    u32 puc;
    compat_siginfo_t info;
    ucontext_ia32 uc;
    u8 retcode[8];
};

/* The flags user code may set through sigreturn (Linux's FIX_EFLAGS). */
constexpr unsigned long FIX_EFLAGS = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 | 0x40000 | 0x10000;

bool on_sig_stack(const task_struct* t, unsigned long sp)
{
    return t->sas_ss_size && sp - user_addr(t->sas_ss_sp) < t->sas_ss_size;
}

/* Where the handler returns to: sa_restorer, else the vDSO's trampoline,
 * else the frame's own retcode (no vDSO), as Linux's ia32 frames choose. */
unsigned long restorer_32(const k_sigaction& ka, bool rt, unsigned long retcode)
{
    if (ka.flags & SA_RESTORER)
        return ka.restorer;
    unsigned long vdso = vdso32_sigreturn(current->mm, rt);
    return vdso ? vdso : retcode;
}

u16 read_seg_fs() { u16 v; asm volatile("movw %%fs, %0" : "=r"(v)); return v; }
u16 read_seg_gs() { u16 v; asm volatile("movw %%gs, %0" : "=r"(v)); return v; }
u16 read_seg_ds() { u16 v; asm volatile("movw %%ds, %0" : "=r"(v)); return v; }
u16 read_seg_es() { u16 v; asm volatile("movw %%es, %0" : "=r"(v)); return v; }

/* ---- the i387 environment from and to the fxsave image (Linux's
 * convert_from_fxsr / convert_to_fxsr, on x86-64) ---- */

u16 fx16(const u8* fx, int off) { u16 v; memcpy(&v, fx + off, 2); return v; }
u32 fx32(const u8* fx, int off) { u32 v; memcpy(&v, fx + off, 4); return v; }

/* The full tag word from fxsave's abridged one: each register's class. */
u32 twd_fxsr_to_i387(const u8* fx)
{
    u32 tos = (fx16(fx, 2) >> 11) & 7;
    u32 twd = fx[4];
    u32 ret = 0xffff0000u;
    for (int i = 0; i < 8; i++, twd >>= 1) {
        u32 tag = 3; /* empty */
        if (twd & 1) {
            const u8* st = fx + 32 + ((i - tos) & 7) * 16;
            u16 sig[4], exp;
            memcpy(sig, st, 8);
            memcpy(&exp, st + 8, 2);
            switch (exp & 0x7fff) {
            case 0x7fff: tag = 2; break;
            case 0: tag = (sig[0] | sig[1] | sig[2] | sig[3]) ? 2 : 1; break;
            default: tag = (sig[3] & 0x8000) ? 0 : 2; break;
            }
        }
        ret |= tag << (2 * i);
    }
    return ret;
}

u8 twd_i387_to_fxsr(u32 twd)
{
    u32 tmp = ~twd;
    tmp = (tmp | (tmp >> 1)) & 0x5555;
    tmp = (tmp | (tmp >> 1)) & 0x3333;
    tmp = (tmp | (tmp >> 2)) & 0x0f0f;
    tmp = (tmp | (tmp >> 4)) & 0x00ff;
    return static_cast<u8>(tmp);
}

} // namespace

void convert_from_fxsr(fpstate_32_env& env, const u8* fx, unsigned long cs, u16 ds)
{
    env.cw = fx16(fx, 0) | 0xffff0000u;
    env.sw = fx16(fx, 2) | 0xffff0000u;
    env.tag = twd_fxsr_to_i387(fx);
    env.ipoff = fx32(fx, 8);
    env.dataoff = fx32(fx, 16);
    /* The selectors at the time of the exception are not kept in 64-bit mode. */
    env.cssel = static_cast<u32>(cs);
    env.datasel = ds | 0xffff0000u;
    for (int i = 0; i < 8; i++)
        memcpy(env.st[i], fx + 32 + i * 16, 10);
    env.status = fx16(fx, 2);
    env.magic = X86_FXSR_MAGIC;
}

void convert_to_fxsr(u8* fx, const fpstate_32_env& env)
{
    u16 cw = static_cast<u16>(env.cw), sw = static_cast<u16>(env.sw), fop = static_cast<u16>(env.cssel >> 16);
    memcpy(fx + 0, &cw, 2);
    memcpy(fx + 2, &sw, 2);
    fx[4] = twd_i387_to_fxsr(env.tag);
    memcpy(fx + 6, &fop, 2);
    u64 ip = env.ipoff, dp = env.dataoff;
    memcpy(fx + 8, &ip, 8);
    memcpy(fx + 16, &dp, 8);
    for (int i = 0; i < 8; i++)
        memcpy(fx + 32 + i * 16, env.st[i], 10);
}

namespace {

/* Linux's reload_segments loads each selector with RPL 3 forced: a null
 * one becomes 3 (a null selector that reads back as 3); one the CPU would
 * refuse becomes 0, as its loadsegment fixup makes it. */
u16 sigreturn_selector(u16 sel)
{
    sel |= 3;
    return (sel & ~3) == 0 ? sel : checked_data_selector(sel);
}

void reload_segments(const sigcontext_32& sc)
{
    u16 gs = sigreturn_selector(sc.gs), fs = sigreturn_selector(sc.fs);
    u16 ds = sigreturn_selector(sc.ds), es = sigreturn_selector(sc.es);
    if (gs != read_seg_gs()) {
        u64 flags = local_irq_save(); /* swapgs around the load: it sets the user's base */
        asm volatile("swapgs\n\tmovw %0, %%gs\n\tswapgs" : : "r"(gs) : "memory");
        local_irq_restore(flags);
    }
    if (fs != read_seg_fs())
        asm volatile("movw %0, %%fs" : : "r"(fs) : "memory");
    if (ds != read_seg_ds())
        asm volatile("movw %0, %%ds" : : "r"(ds) : "memory");
    if (es != read_seg_es())
        asm volatile("movw %0, %%es" : : "r"(es) : "memory");
    current->thread.fsindex = fs;
    current->thread.gsindex = gs;
}

void fill_sigcontext_32(sigcontext_32& sc, const pt_regs& r, u32 fpstate, u32 mask)
{
    sc = sigcontext_32{};
    sc.gs = read_seg_gs(), sc.fs = read_seg_fs(), sc.ds = read_seg_ds(), sc.es = read_seg_es();
    sc.di = static_cast<u32>(r.di), sc.si = static_cast<u32>(r.si), sc.bp = static_cast<u32>(r.bp);
    sc.sp = static_cast<u32>(r.sp), sc.bx = static_cast<u32>(r.bx), sc.dx = static_cast<u32>(r.dx);
    sc.cx = static_cast<u32>(r.cx), sc.ax = static_cast<u32>(r.ax);
    sc.trapno = static_cast<u32>(current->thread.trap_nr);
    sc.err = static_cast<u32>(current->thread.error_code);
    sc.ip = static_cast<u32>(r.ip);
    sc.cs = static_cast<u16>(r.cs);
    sc.flags = static_cast<u32>(r.flags);
    sc.sp_at_signal = static_cast<u32>(r.sp);
    sc.ss = static_cast<u16>(r.ss);
    sc.fpstate = fpstate;
    sc.oldmask = mask;
    sc.cr2 = static_cast<u32>(current->thread.cr2);
}

/*
 * Where the frame of frame_size bytes goes and the FPU state under it
 * (Linux's get_sigframe for an ia32 frame: no red zone; the alternate stack
 * with SA_ONSTACK; the FPU state 64-byte aligned with the i387 environment
 * below it; (sp + 4) 16-byte aligned, as after a call). 0 if the
 * alternate stack would overflow or the FPU state cannot be written.
 */
unsigned long get_sigframe_32(const k_sigaction& ka, const pt_regs* regs, size_t frame_size, unsigned long& fpstate)
{
    task_struct* t = current;
    unsigned long sp = static_cast<u32>(regs->sp);
    bool nested = on_sig_stack(t, sp), entering = false;
    if (ka.flags & SA_ONSTACK) {
        if (t->sas_ss_size && !nested) {
            sp = user_addr(t->sas_ss_sp) + t->sas_ss_size;
            entering = true;
        }
    } else if (!nested && regs->ss != __USER_DS && !(ka.flags & SA_RESTORER) && ka.restorer) {
        sp = ka.restorer; /* the legacy stack switch through sa_restorer */
        entering = true;
    }
    unsigned long fx = (sp - FPU_STATE_SIZE) & ~63UL;
    fpstate = fx - sizeof(fpstate_32_env);
    sp = ((fpstate - frame_size + 4) & ~15UL) - 4;
    if ((nested || entering) && !on_sig_stack(t, sp))
        return 0;
    /* fxsave writes only the architected bytes: the rest starts zeroed. */
    alignas(16) u8 image[FPU_STATE_SIZE];
    memset(image, 0, sizeof(image));
    asm volatile("fxsave64 %0" : "+m"(image));
    fpstate_32_env env;
    convert_from_fxsr(env, image, regs->cs, read_seg_ds());
    if (!copy_to_user(user_out_ptr<u8>(fx), image, sizeof(image)).ok() ||
        !copy_to_user(user_out_ptr<fpstate_32_env>(fpstate), &env).ok())
        return 0;
    return sp;
}

/* The handler's registers, common to both frames. */
void enter_handler(pt_regs* regs, const k_sigaction& ka, unsigned long sp, int sig)
{
    regs->sp = sp;
    regs->ip = static_cast<u32>(ka.handler);
    regs->ax = static_cast<unsigned long>(sig);
    regs->dx = 0;
    regs->cx = 0;
    regs->cs = __USER32_CS;
    regs->ss = __USER_DS;
    regs->flags &= ~(X86_EFLAGS_DF | X86_EFLAGS_RF | X86_EFLAGS_TF);
    asm volatile("movw %0, %%ds\n\tmovw %0, %%es" : : "r"(static_cast<u16>(__USER_DS)) : "memory");
    /* The handler starts with a clean FPU, as Linux gives it. */
    fpu_init_task(current);
    asm volatile("fxrstor64 %0" : : "m"(current->thread.fpu));
}

} // namespace

unsigned long sigframe_size_ia32()
{
    unsigned long worst = FPU_STATE_SIZE + 63 + sizeof(fpstate_32_env) + sizeof(sigframe_ia32) + 15 + 4;
    return (worst + 15) & ~15UL;
}

bool ia32_setup_frame(int sig, const k_sigaction& ka, const siginfo_t& info, sigset_t blocked, pt_regs* regs)
{
    task_struct* t = current;
    unsigned long fpstate;
    bool rt = ka.flags & SA_SIGINFO;
    unsigned long sp = get_sigframe_32(ka, regs, rt ? sizeof(rt_sigframe_ia32) : sizeof(sigframe_ia32), fpstate);
    if (!sp)
        return false;
    if (rt) {
        rt_sigframe_ia32 frame;
        memset(&frame, 0, sizeof(frame));
        /* movl $173, %eax; int $0x80 (never used: Linux's marker for gdb) */
        const u8 code[8] = {0xb8, NR_IA32_RT_SIGRETURN, 0, 0, 0, 0xcd, 0x80, 0};
        memcpy(frame.retcode, code, sizeof(code));
        frame.pretcode = static_cast<u32>(restorer_32(ka, true, sp + offsetof(rt_sigframe_ia32, retcode)));
        frame.sig = sig;
        frame.pinfo = static_cast<u32>(sp + offsetof(rt_sigframe_ia32, info));
        frame.puc = static_cast<u32>(sp + offsetof(rt_sigframe_ia32, uc));
        frame.info = to_compat_siginfo(info);
        frame.uc.uc_flags = 0; /* the FPU state is fxsave's, not xsave's */
        bool was_on_stack = on_sig_stack(t, static_cast<u32>(regs->sp));
        frame.uc.uc_stack = compat_stack_t{static_cast<u32>(user_addr(t->sas_ss_sp)),
                                           was_on_stack ? SS_ONSTACK : (t->sas_ss_size ? 0 : SS_DISABLE),
                                           static_cast<u32>(t->sas_ss_size)};
        fill_sigcontext_32(frame.uc.uc_mcontext, *regs, static_cast<u32>(fpstate), static_cast<u32>(blocked.sig));
        frame.uc.uc_sigmask[0] = static_cast<u32>(blocked.sig);
        frame.uc.uc_sigmask[1] = static_cast<u32>(blocked.sig >> 32);
        if (!copy_to_user(user_out_ptr<decltype(frame)>(sp), &frame).ok())
            return false;
        enter_handler(regs, ka, sp, sig);
        regs->dx = frame.pinfo;
        regs->cx = frame.puc;
    } else {
        sigframe_ia32 frame;
        memset(&frame, 0, sizeof(frame));
        /* popl %eax; movl $119, %eax; int $0x80 */
        const u8 code[8] = {0x58, 0xb8, NR_IA32_SIGRETURN, 0, 0, 0, 0xcd, 0x80};
        memcpy(frame.retcode, code, sizeof(code));
        frame.pretcode = static_cast<u32>(restorer_32(ka, false, sp + offsetof(sigframe_ia32, retcode)));
        frame.sig = sig;
        fill_sigcontext_32(frame.sc, *regs, static_cast<u32>(fpstate), static_cast<u32>(blocked.sig));
        frame.extramask[0] = static_cast<u32>(blocked.sig >> 32);
        if (!copy_to_user(user_out_ptr<decltype(frame)>(sp), &frame).ok())
            return false;
        enter_handler(regs, ka, sp, sig);
    }
    if ((ka.flags & SA_ONSTACK) && (t->sas_ss_flags & SS_AUTODISARM))
        t->sas_ss_sp = {}, t->sas_ss_size = 0;
    return true;
}

namespace {

/* Linux's ia32_restore_sigcontext: registers, segments, flags and the FPU
 * state; false if the FPU state cannot be read. */
bool restore_sigcontext_32(pt_regs* regs, const sigcontext_32& sc)
{
    regs->bx = sc.bx, regs->cx = sc.cx, regs->dx = sc.dx, regs->si = sc.si, regs->di = sc.di;
    regs->bp = sc.bp, regs->ax = sc.ax, regs->sp = sc.sp, regs->ip = sc.ip;
    /* CS and SS at RPL 3: a selector the CPU refuses faults at the iretq,
     * and that fault is the program's (traps.cpp, bad_iret). */
    regs->cs = sc.cs | 3;
    regs->ss = sc.ss | 3;
    regs->flags = (regs->flags & ~FIX_EFLAGS) | (sc.flags & FIX_EFLAGS);
    regs->orig_ax = static_cast<unsigned long>(-1); /* no system call to restart */
    force_iret();
    reload_segments(sc);
    task_struct* t = current;
    if (!sc.fpstate) {
        fpu_init_task(t);
        asm volatile("fxrstor64 %0" : : "m"(t->thread.fpu));
        return true;
    }
    fpstate_32 fp;
    if (!copy_from_user(&fp, user_in_ptr<const fpstate_32>(sc.fpstate)).ok())
        return false;
    /* The i387 environment wins over the image's x87 part (Linux's
     * __fpu_restore_sig for an ia32 frame); MXCSR only with this CPU's bits. */
    alignas(16) u8 image[FPU_STATE_SIZE];
    memcpy(image, fp.fx, sizeof(image));
    convert_to_fxsr(image, fp.env);
    u32 mxcsr = fx32(image, 24) & mxcsr_feature_mask();
    memcpy(image + 24, &mxcsr, 4);
    asm volatile("fxrstor64 %0" : : "m"(image));
    return true;
}

} // namespace

/* The handler returned through the retcode: popl %eax took sig, so the
 * frame starts 8 bytes below sp. */
COMPAT_SYSCALL_DEFINE0(sigreturn)
{
    pt_regs* regs = current_pt_regs();
    task_struct* t = current;
    sigframe_ia32 frame;
    if (!copy_from_user(&frame, user_in_ptr<const sigframe_ia32>(static_cast<u32>(regs->sp) - 8)).ok()) {
        force_sig(SIGSEGV);
        return 0;
    }
    u64 mask = frame.sc.oldmask | (static_cast<u64>(frame.extramask[0]) << 32);
    t->blocked.sig = mask & ~(sigset_t::bit(SIGKILL) | sigset_t::bit(SIGSTOP));
    recalc_sigpending();
    if (!restore_sigcontext_32(regs, frame.sc)) {
        force_sig(SIGSEGV);
        return 0;
    }
    return static_cast<long>(regs->ax);
}

/* The handler's ret popped pretcode: the frame starts 4 bytes below sp. */
COMPAT_SYSCALL_DEFINE0(rt_sigreturn)
{
    pt_regs* regs = current_pt_regs();
    task_struct* t = current;
    rt_sigframe_ia32 frame;
    if (!copy_from_user(&frame, user_in_ptr<const rt_sigframe_ia32>(static_cast<u32>(regs->sp) - 4)).ok()) {
        force_sig(SIGSEGV);
        return 0;
    }
    u64 mask = frame.uc.uc_sigmask[0] | (static_cast<u64>(frame.uc.uc_sigmask[1]) << 32);
    t->blocked.sig = mask & ~(sigset_t::bit(SIGKILL) | sigset_t::bit(SIGSTOP));
    recalc_sigpending();
    if (!restore_sigcontext_32(regs, frame.uc.uc_mcontext)) {
        force_sig(SIGSEGV);
        return 0;
    }
    /* restore_altstack, as the 64-bit frame's */
    const compat_stack_t& ss = frame.uc.uc_stack;
    if (!on_sig_stack(t, static_cast<u32>(regs->sp)) && !(ss.ss_flags & SS_DISABLE) && ss.ss_size >= MINSIGSTKSZ) {
        t->sas_ss_sp = user_inout_ptr<void>(ss.ss_sp);
        t->sas_ss_size = ss.ss_size;
    }
    return static_cast<long>(static_cast<u32>(regs->ax));
}
