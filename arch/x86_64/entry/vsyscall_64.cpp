/*
 * The legacy vsyscall page, emulated as Linux's vsyscall=xonly does (the
 * semantics of Linux's arch/x86/entry/vsyscall/vsyscall_64.c): nothing is
 * mapped at 0xffffffffff600000, so a call there faults, and the page-fault
 * handler turns an instruction fetch at one of the three entry points
 * (gettimeofday at +0x0, time at +0x400, getcpu at +0x800) into that system
 * call, puts its result in %rax and returns to the caller as the page's
 * `ret` would (pops the return address from the user stack).
 *
 * Linux's checks: a read is the ordinary SIGSEGV; a jump elsewhere in the
 * page, or a return address that cannot be read, is a kernel SIGSEGV
 * (SI_KERNEL). A pointer outside user space gets SIGSEGV at that address
 * (SEGV_MAPERR, error code user|write); one the call faults on (unmapped,
 * read-only) a kernel SIGSEGV, not -EFAULT, as a real vsyscall would have
 * faulted. Then the caller is not returned to: the signal is delivered at the
 * vsyscall address. Each case is logged as Linux's warn_bad_vsyscall does.
 * (Checked against Debian's Linux 6.1 booted with vsyscall=xonly.)
 *
 * With vsyscall=none (the default, as Debian's kernel) a call there is an
 * ordinary fault on a kernel address. /proc/PID/maps shows the page in xonly
 * mode (fs/proc/base.cpp).
 */
#include <asm/syscall.h>
#include <asm/traps.h>
#include <asm/unistd_64.h>
#include <asm/vsyscall.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/string.h>
#include <linux/uaccess.h>

/* Set once at boot, from the command line. */
vsyscall_mode_t vsyscall_mode = vsyscall_mode_t::NONE;

bool vsyscall_setup(const char* mode)
{
    if (!strcmp(mode, "none"))
        vsyscall_mode = vsyscall_mode_t::NONE;
    else if (!strcmp(mode, "xonly"))
        vsyscall_mode = vsyscall_mode_t::XONLY;
    else
        return false;
    return true;
}

namespace {

void warn_bad_vsyscall(const pt_regs& regs, const char* message)
{
    task_struct* t = current;
    pr_info("%s[%d] %s ip:%lx cs:%lx sp:%lx ax:%lx si:%lx di:%lx\n", t->comm, t->tgid, message, regs.ip, regs.cs,
            regs.sp, regs.ax, regs.si, regs.di);
}

/* Which entry point: 0, 1, 2, or -1 for any other byte of the page. */
int addr_to_vsyscall_nr(unsigned long addr)
{
    if ((addr & ~0xc00UL) != VSYSCALL_ADDR)
        return -1;
    int nr = static_cast<int>((addr & 0xc00UL) >> 10);
    return nr >= 3 ? -1 : nr;
}

void vsyscall_segv(unsigned long addr, int code, unsigned long error_code)
{
    /* What the signal frame's sigcontext reports (Linux's set_signal_archinfo). */
    current->thread.trap_nr = X86_TRAP_PF;
    current->thread.error_code = error_code;
    current->thread.cr2 = addr;
    force_sig_fault(SIGSEGV, code, addr, X86_TRAP_PF, error_code);
}

/* A pointer the call may write: in user space (null too: it means "none"),
 * else SIGSEGV at it, as the vsyscall's own store would have faulted. */
bool write_ok_or_segv(unsigned long ptr, size_t size)
{
    if (range_in_user_space(ptr, size))
        return true;
    vsyscall_segv(ptr, SEGV_MAPERR, X86_PF_USER | X86_PF_WRITE);
    return false;
}

} // namespace

bool emulate_vsyscall(unsigned long error_code, pt_regs& regs, unsigned long address)
{
    /* Writes never get fixed up; reads neither (the page is execute-only). */
    if ((error_code & (X86_PF_WRITE | X86_PF_USER)) != X86_PF_USER)
        return false;
    if (!(error_code & X86_PF_INSTR)) {
        if (vsyscall_mode == vsyscall_mode_t::XONLY)
            warn_bad_vsyscall(regs, "vsyscall read attempt denied -- look up the vsyscall kernel parameter if you need a workaround");
        return false;
    }
    if (vsyscall_mode == vsyscall_mode_t::NONE) {
        warn_bad_vsyscall(regs, "vsyscall attempted with vsyscall=none");
        return false;
    }
    int vsyscall_nr = addr_to_vsyscall_nr(address);
    if (vsyscall_nr < 0) {
        warn_bad_vsyscall(regs, "misaligned vsyscall (exploit attempt or buggy program) -- look up the vsyscall kernel parameter if you need a workaround");
        force_sig(SIGSEGV);
        return true;
    }
    auto caller = get_user(user_in_ptr<const unsigned long>(regs.sp));
    if (!caller.ok()) {
        warn_bad_vsyscall(regs, "vsyscall with bad stack (exploit attempt?)");
        force_sig(SIGSEGV);
        return true;
    }
    unsigned int syscall_nr = 0;
    bool ok = true;
    switch (vsyscall_nr) {
    case 0: /* struct timeval (16 bytes), struct timezone (8) */
        ok = write_ok_or_segv(regs.di, 16) && write_ok_or_segv(regs.si, 8);
        syscall_nr = __NR_gettimeofday;
        break;
    case 1:
        ok = write_ok_or_segv(regs.di, sizeof(long));
        syscall_nr = __NR_time;
        break;
    case 2:
        ok = write_ok_or_segv(regs.di, sizeof(unsigned)) && write_ok_or_segv(regs.si, sizeof(unsigned));
        syscall_nr = __NR_getcpu;
        break;
    }
    constexpr long EFAULT_RET = errno_return(Errno::EFAULT);
    long ret = EFAULT_RET;
    if (ok) {
        /* The call, with the registers the page's code would have passed. */
        unsigned long orig_dx = regs.dx;
        if (syscall_nr == __NR_getcpu)
            regs.dx = 0; /* its third argument, unused: the page's code did not pass one */
        regs.orig_ax = syscall_nr;
        ret = sys_call_table[syscall_nr](regs);
        regs.orig_ax = -1UL;
        regs.dx = orig_dx;
    }
    if (ret == EFAULT_RET) {
        /* A bad pointer: a real vsyscall would have faulted in user mode. The
         * signal is Linux 6.1's: SIGSEGV from the kernel (SI_KERNEL), and no
         * return to the caller, so it comes at the vsyscall address. The
         * out-of-range pointers had their own SIGSEGV already. */
        warn_bad_vsyscall(regs, "vsyscall fault (exploit attempt?)");
        if (ok)
            force_sig(SIGSEGV);
        return true;
    }
    regs.ax = static_cast<unsigned long>(ret);
    regs.ip = caller.value();
    regs.sp += 8;
    return true;
}
