/* The architecture's part of tasks: switching, new stacks, fresh programs, TLS. */
#include <asm/desc.h>
#include <asm/entry.h>
#include <asm/ia32.h>
#include <linux/compat.h>
#include <asm/ioport.h>
#include <asm/pgtable.h>
#include <asm/debugreg.h>
#include <asm/processor.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/trace.h>
#include <linux/syscalls.h>
#include <stddef.h>

static_assert(offsetof(task_struct, thread) == 0 && offsetof(thread_struct, sp) == 0,
              "__switch_to_asm finds the saved stack pointer at offset 0");

extern "C" task_struct* __switch_to_asm(task_struct* prev, task_struct* next);

namespace {

/* The FPU state a new program starts with (after fninit, MXCSR = 0x1f80). */
alignas(16) u8 initial_fpu_state[FPU_STATE_SIZE];

/* What __switch_to_asm pops for a task that has never run. */
struct fork_frame {
    unsigned long r15, r14, r13, r12, bx, bp;
    unsigned long ret_addr;
};

void capture_initial_fpu_state()
{
    static bool captured;
    if (!captured) {
        asm volatile("fninit; fxsave64 %0" : "=m"(initial_fpu_state));
        captured = true;
    }
}

} // namespace

void fpu_init_task(task_struct* t)
{
    capture_initial_fpu_state();
    memcpy(t->thread.fpu, initial_fpu_state, FPU_STATE_SIZE);
}

u32 mxcsr_feature_mask()
{
    /* fxsave's MXCSR_MASK field (offset 28) is the CPU's; 0 means the
     * default 0xffbf (Intel SDM, "Guidelines for Writing to the MXCSR"). */
    capture_initial_fpu_state();
    u32 mask;
    memcpy(&mask, initial_fpu_state + 28, sizeof(mask));
    return mask ? mask : 0xffbf;
}

extern "C" task_struct* __switch_to(task_struct* prev, task_struct* next)
{
    this_cpu()->current_task = next;
    load_sp0(reinterpret_cast<unsigned long>(next->stack) + THREAD_SIZE);
    return prev;
}

namespace {

/* Loads the user's %gs selector from kernel mode: swapgs around it, so that
 * the load changes the user's base (then in MSR_GS_BASE), not the kernel's.
 * Interrupts are off: nothing may use %gs in between. */
void load_gs_index(unsigned short sel)
{
    u64 flags = local_irq_save();
    asm volatile("swapgs\n\t"
                 "movw %0, %%gs\n\t"
                 "swapgs" : : "r"(sel) : "memory");
    local_irq_restore(flags);
}

/* The running task's user selectors and bases, as the CPU has them: user
 * code changes them with mov to %fs/%gs and wrfsbase/wrgsbase, unseen. */
void save_fsgs(thread_struct& t)
{
    asm volatile("movw %%fs, %0" : "=r"(t.fsindex));
    asm volatile("movw %%gs, %0" : "=r"(t.gsindex));
    t.fsbase = rdmsr(MSR_FS_BASE);
    t.gsbase = rdmsr(MSR_KERNEL_GS_BASE); /* the user's, while the kernel runs */
}

} // namespace

/* A saved selector the switch loads back: one naming an LDT entry may have
 * lost its descriptor meanwhile (another thread's modify_ldt), and loads as
 * null then, as Linux's fixup makes it; a GDT one (TLS slots included) stays
 * valid. Without this, the load would fault in the kernel (for %gs, inside
 * load_gs_index's swapgs window). */
__always_inline u16 switch_selector(u16 sel) { return unlikely(sel & 4) ? checked_data_selector(sel) : sel; }

void switch_to_extra(task_struct* next, percpu* pc, unsigned long extra);

task_struct* switch_to(task_struct* prev, task_struct* next)
{
    /* The address space first: its LDT must be loaded before a selector
     * that names one of its entries (Linux's switch_mm comes before
     * __switch_to too). */
    if (prev->mm != next->mm)
        switch_mm(prev->mm, next->mm);
    /* User state the kernel itself never touches: FPU/SSE registers, the
     * %fs/%gs selectors and the TLS bases. A selector load sets the base
     * from the descriptor, so the bases are written after. */
    asm volatile("fxsave64 %0" : "=m"(prev->thread.fpu));
    asm volatile("fxrstor64 %0" : : "m"(next->thread.fpu));
    save_fsgs(prev->thread);
    /* %ds and %es matter only in compatibility mode (a 32-bit program needs
     * __USER_DS there); the TLS descriptors go into the GDT before a
     * selector that names one is loaded. */
    asm volatile("movw %%ds, %0" : "=r"(prev->thread.ds));
    asm volatile("movw %%es, %0" : "=r"(prev->thread.es));
    if (prev->thread.ds != next->thread.ds)
        asm volatile("movw %0, %%ds" : : "r"(switch_selector(next->thread.ds)) : "memory");
    if (prev->thread.es != next->thread.es)
        asm volatile("movw %0, %%es" : : "r"(switch_selector(next->thread.es)) : "memory");
    /* The CPU's slots hold prev's descriptors (every switch loads next's):
     * nothing to do when neither task has any, as for every 64-bit one. */
    if (prev->thread.tls_used || next->thread.tls_used)
        load_TLS(next);
    bool fs_loaded = false, gs_loaded = false;
    if (prev->thread.fsindex | next->thread.fsindex) {
        asm volatile("movw %0, %%fs" : : "r"(switch_selector(next->thread.fsindex)) : "memory");
        fs_loaded = true;
    }
    if (prev->thread.gsindex | next->thread.gsindex) {
        load_gs_index(switch_selector(next->thread.gsindex));
        gs_loaded = true;
    }
    if (fs_loaded || prev->thread.fsbase != next->thread.fsbase)
        wrmsr(MSR_FS_BASE, next->thread.fsbase);
    if (gs_loaded || prev->thread.gsbase != next->thread.gsbase)
        wrmsr(MSR_KERNEL_GS_BASE, next->thread.gsbase);
    switch_io_bitmap(prev, next);
    /* ptrace's state, in one comparison for a task that has none: syscall
     * work and hardware breakpoints (switch_to_extra). */
    unsigned long extra = next->thread_flags & (TIF_SYSCALL_WORK | TIF_DEBUGREGS);
    percpu* pc = this_cpu();
    if (unlikely(extra != pc->switch_extra))
        switch_to_extra(next, pc, extra);
    return __switch_to_asm(prev, next);
}

/* A task with syscall work (ptrace's stops) enters by the 64-bit gate's
 * work entry, so the fast path needs no test. The flags change only while
 * the task is off its CPU (a tracer resumes a stopped tracee after
 * wait_task_inactive), so the switch in is the time to look; a flag cleared
 * while it runs only sends it the slow way until its next switch. Under
 * --trace every call takes the traced entry anyway. A task with a tracer's
 * hardware breakpoints gets them loaded, and the next task has them taken
 * off (hw_breakpoint.cpp): while they are loaded, switch_extra holds a bit
 * no task's flags have, so that every switch comes here. */
void switch_to_extra(task_struct* next, percpu* pc, unsigned long extra)
{
    constexpr unsigned long SWITCH_DEBUGREGS_LOADED = 1UL << 63;
    bool work = extra & TIF_SYSCALL_WORK;
    if (work != pc->syscall_work_entry && !syscall_tracing) {
        wrmsr(MSR_LSTAR, reinterpret_cast<u64>(work ? entry_SYSCALL_64_work : entry_SYSCALL_64));
        pc->syscall_work_entry = work;
    }
    if ((extra | pc->switch_extra) & TIF_DEBUGREGS)
        switch_debugregs(next);
    pc->switch_extra = (extra & TIF_DEBUGREGS) ? extra | SWITCH_DEBUGREGS_LOADED : extra;
}

Result<void> copy_thread(task_struct* p, const pt_regs& regs, unsigned long new_sp, unsigned long tls, bool set_tls)
{
    pt_regs* child = task_pt_regs(p);
    *child = regs;
    child->ax = 0; /* fork returns 0 in the child */
    if (new_sp)
        child->sp = new_sp;
    save_fsgs(p->thread); /* the parent's, live: the child starts with them */
    fork_ptrace_hw_breakpoint(p);
    asm volatile("movw %%ds, %0" : "=r"(p->thread.ds));
    asm volatile("movw %%es, %0" : "=r"(p->thread.es));
    /* An i386 clone's tls is a struct user_desc for one of the child's TLS
     * slots (Linux: when the call came in by int $0x80); a 64-bit one's is
     * the %fs base. */
    if (set_tls && in_compat_syscall())
        TRY(do_set_thread_area(p, -1, user_inout_ptr<user_desc>(tls), false));
    else if (set_tls) {
        p->thread.fsindex = 0;
        p->thread.fsbase = tls;
    }
    auto* frame = reinterpret_cast<fork_frame*>(child) - 1;
    *frame = fork_frame{};
    frame->ret_addr = reinterpret_cast<unsigned long>(ret_from_fork);
    p->thread.sp = reinterpret_cast<unsigned long>(frame);
    return {};
}

namespace {

void start_thread_common(pt_regs* regs, unsigned long ip, unsigned long sp, bool ia32)
{
    /* Linux clears every general register but rsp for a new program; rdx = 0
     * is what static binaries take as "no rtld_fini". */
    *regs = pt_regs{};
    regs->ip = ip;
    regs->sp = sp;
    regs->cs = ia32 ? __USER32_CS : __USER_CS;
    regs->ss = __USER_DS;
    regs->flags = X86_EFLAGS_IF | X86_EFLAGS_FIXED;
    force_iret();
    current->thread.ia32 = ia32;
    /* A 32-bit program addresses memory through %ds and %es (null would
     * fault in compatibility mode); a 64-bit one starts with them null. */
    unsigned short data = ia32 ? __USER_DS : 0;
    /* Interrupts off from the TLS slots to the selectors: a switch in
     * between would save the old program's %gs naming a slot now empty. */
    u64 flags = local_irq_save();
    current->thread.ds = current->thread.es = data;
    asm volatile("movw %0, %%ds\n\tmovw %0, %%es" : : "r"(data) : "memory");
    flush_tls(current);
    current->thread.fsbase = 0;
    current->thread.gsbase = 0;
    current->thread.fsindex = 0;
    current->thread.gsindex = 0;
    asm volatile("movw %0, %%fs" : : "r"(static_cast<unsigned short>(0)) : "memory");
    load_gs_index(0);
    wrmsr(MSR_FS_BASE, 0);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
    local_irq_restore(flags);
    fpu_init_task(current);
    asm volatile("fxrstor64 %0" : : "m"(current->thread.fpu));
    flush_ptrace_hw_breakpoint(current); /* Linux's flush_thread */
}

} // namespace

void start_thread(pt_regs* regs, unsigned long ip, unsigned long sp) { start_thread_common(regs, ip, sp, false); }

void start_thread_ia32(pt_regs* regs, unsigned long ip, unsigned long sp) { start_thread_common(regs, ip, sp, true); }

pt_regs* current_pt_regs() { return task_pt_regs(current); }

/* ---- arch_prctl: the TLS base registers ---- */

namespace {
constexpr int ARCH_SET_GS = 0x1001;
constexpr int ARCH_SET_FS = 0x1002;
constexpr int ARCH_GET_FS = 0x1003;
constexpr int ARCH_GET_GS = 0x1004;
constexpr int ARCH_GET_CPUID = 0x1011;
constexpr int ARCH_SET_CPUID = 0x1012;
} // namespace

SYSCALL_DEFINE2(arch_prctl, ArchPrctlCode, option, UserAddr, arg2)
{
    auto& thread = current->thread;
    switch (option) {
    case ARCH_SET_FS:
    case ARCH_SET_GS:
        if (arg2 >= TASK_SIZE_MAX)
            return Errno::EPERM;
        /* As Linux: the selector becomes 0, then the base is the one given. */
        if (option == ARCH_SET_FS) {
            thread.fsindex = 0;
            asm volatile("movw %0, %%fs" : : "r"(static_cast<unsigned short>(0)) : "memory");
            thread.fsbase = arg2;
            wrmsr(MSR_FS_BASE, arg2);
        } else {
            thread.gsindex = 0;
            load_gs_index(0);
            thread.gsbase = arg2;
            wrmsr(MSR_KERNEL_GS_BASE, arg2);
        }
        return 0;
    /* The bases the CPU has now: a selector load or wrfsbase/wrgsbase may
     * have changed them since the last arch_prctl. */
    case ARCH_GET_FS:
        return put_user(rdmsr(MSR_FS_BASE), user_out_ptr<unsigned long>(arg2));
    case ARCH_GET_GS:
        return put_user(rdmsr(MSR_KERNEL_GS_BASE), user_out_ptr<unsigned long>(arg2));
    case ARCH_GET_CPUID:
        return 1; /* cpuid is not faulting */
    case ARCH_SET_CPUID:
        return Errno::ENODEV; /* no CPUID faulting (no cpuid_fault in /proc/cpuinfo), whatever the mode */
    default:
        return Errno::EINVAL;
    }
}
