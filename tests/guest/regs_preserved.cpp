/*
 * regs_preserved: what a system call leaves in the registers.
 *   syscall: every register but rax, rcx and r11 comes back unchanged (rbx,
 *     rdx, rsi, rdi, rbp, rsp, r8-r10, r12-r15, xmm0-15 and the flags); rcx is
 *     the address of the instruction after `syscall` and r11 the rflags at the
 *     call (the CPU's doing; Linux restores both from pt_regs, see
 *     arch/x86/entry/entry_64.S: "rcx = return address, r11 = rflags, other
 *     registers preserved").
 *   int $0x80: every register but rax is preserved, r8-r11 included (Linux
 *     4.17 "x86/entry/64/compat: Preserve r8-r11 in int $0x80"; before that
 *     they were zeroed), and the upper halves of the argument registers too.
 * Each probe, written in assembly, loads a distinct 64-bit pattern into every
 * general register (the number in rax), traps, and stores everything back to
 * memory. The flags are probed twice: as they are, and with CF and DF set.
 * Also checked: a number past the table (the -ENOSYS path) preserves the same.
 */
#include <trapgate/check.h>

using namespace trapgate;

enum Reg { RAX, RBX, RCX, RDX, RSI, RDI, RBP, R8, R9, R10, R11, R12, R13, R14, R15, NREGS };
static const char* const reg_names[NREGS] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8",
                                             "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

extern "C" {
unsigned long probe_in[NREGS];
unsigned long probe_out[NREGS];
unsigned long probe_rsp_before, probe_rsp_after, probe_flags_before, probe_flags_after;
alignas(16) unsigned char probe_xmm_in[16 * 16];
alignas(16) unsigned char probe_xmm_out[16 * 16];
void probe_syscall();
void probe_syscall_cf_df();
void probe_int80();
void probe_int80_cf_df();
extern const char probe_syscall_ret[], probe_syscall_cf_df_ret[];
}

/* rsp is saved after the callee-saved pushes and compared after the trap. */
asm(R"(
	.macro PROBE name, flags, trap:vararg
	.text
	.globl \name
	.type \name, @function
\name:
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, probe_rsp_before(%rip)
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movdqa	probe_xmm_in+16*\n(%rip), %xmm\n
	.endr
	movq	probe_in+8*1(%rip), %rbx
	movq	probe_in+8*2(%rip), %rcx
	movq	probe_in+8*3(%rip), %rdx
	movq	probe_in+8*4(%rip), %rsi
	movq	probe_in+8*5(%rip), %rdi
	movq	probe_in+8*6(%rip), %rbp
	movq	probe_in+8*7(%rip), %r8
	movq	probe_in+8*8(%rip), %r9
	movq	probe_in+8*9(%rip), %r10
	movq	probe_in+8*10(%rip), %r11
	movq	probe_in+8*11(%rip), %r12
	movq	probe_in+8*12(%rip), %r13
	movq	probe_in+8*13(%rip), %r14
	movq	probe_in+8*14(%rip), %r15
	movq	probe_in+8*0(%rip), %rax
	.if \flags
	stc
	std
	.endif
	pushfq
	popq	probe_flags_before(%rip)
	\trap
	.globl \name\()_ret
\name\()_ret:
	pushfq
	popq	probe_flags_after(%rip)
	cld
	movq	%rax, probe_out+8*0(%rip)
	movq	%rbx, probe_out+8*1(%rip)
	movq	%rcx, probe_out+8*2(%rip)
	movq	%rdx, probe_out+8*3(%rip)
	movq	%rsi, probe_out+8*4(%rip)
	movq	%rdi, probe_out+8*5(%rip)
	movq	%rbp, probe_out+8*6(%rip)
	movq	%r8, probe_out+8*7(%rip)
	movq	%r9, probe_out+8*8(%rip)
	movq	%r10, probe_out+8*9(%rip)
	movq	%r11, probe_out+8*10(%rip)
	movq	%r12, probe_out+8*11(%rip)
	movq	%r13, probe_out+8*12(%rip)
	movq	%r14, probe_out+8*13(%rip)
	movq	%r15, probe_out+8*14(%rip)
	movq	%rsp, probe_rsp_after(%rip)
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movdqa	%xmm\n, probe_xmm_out+16*\n(%rip)
	.endr
	movq	probe_rsp_before(%rip), %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret
	.size \name, . - \name
	.endm

	PROBE probe_syscall, 0, syscall
	PROBE probe_syscall_cf_df, 1, syscall
	PROBE probe_int80, 0, int $0x80
	PROBE probe_int80_cf_df, 1, int $0x80
)");

constexpr unsigned long CF = 1UL << 0, DF = 1UL << 10;

/* Runs one probe with number nr and checks what came back. */
static void run(const char* title, void (*probe)(), long nr, bool is_syscall, const char* ret_addr, bool cf_df,
                long expected_rax)
{
    test::section(title);
    for (int i = 0; i < NREGS; i++)
        probe_in[i] = 0x0101010101010101UL * static_cast<unsigned long>(i) ^ 0x8000000000000000UL;
    probe_in[RAX] = static_cast<unsigned long>(nr);
    for (int i = 0; i < 16 * 16; i++)
        probe_xmm_in[i] = static_cast<unsigned char>(0xa0 + i * 7);
    memset(probe_out, 0, sizeof(probe_out));
    memset(probe_xmm_out, 0, sizeof(probe_xmm_out));

    probe();

    /* The registers that changed, by name. */
    char changed[64];
    size_t n = 0;
    for (int i = 0; i < NREGS; i++) {
        if (probe_out[i] == probe_in[i])
            continue;
        for (const char* s = reg_names[i]; *s; s++)
            changed[n++] = *s;
        changed[n++] = ' ';
    }
    changed[n ? n - 1 : 0] = 0;
    CHECK_STR(changed, is_syscall ? "rax rcx r11" : "rax");
    CHECK(static_cast<long>(probe_out[RAX]) == expected_rax); /* the call's result */
    CHECK(probe_rsp_after == probe_rsp_before);
    CHECK(memcmp(probe_xmm_out, probe_xmm_in, sizeof(probe_xmm_in)) == 0);
    CHECK(probe_flags_after == probe_flags_before);
    if (cf_df)
        CHECK((probe_flags_after & (CF | DF)) == (CF | DF));
    if (is_syscall) {
        CHECK(probe_out[RCX] == reinterpret_cast<unsigned long>(ret_addr));
        CHECK(probe_out[R11] == probe_flags_before);
    }
}

int main(int, char**, char**)
{
    long pid = x64::sys_getpid().value();
    const long enosys = -ENOSYS;
    run("syscall getpid", probe_syscall, x64::nr_getpid, true, probe_syscall_ret, false, pid);
    run("syscall getpid, CF and DF set", probe_syscall_cf_df, x64::nr_getpid, true, probe_syscall_cf_df_ret, true,
        pid);
    run("syscall 100000 (-ENOSYS)", probe_syscall, 100000, true, probe_syscall_ret, false, enosys);
    run("syscall -1 (-ENOSYS)", probe_syscall, -1, true, probe_syscall_ret, false, enosys);
    run("int $0x80 getpid (20)", probe_int80, ia32::nr_getpid, false, nullptr, false, pid);
    run("int $0x80 getpid, CF and DF set", probe_int80_cf_df, ia32::nr_getpid, false, nullptr, true, pid);
    run("int $0x80 9999 (-ENOSYS)", probe_int80, 9999, false, nullptr, false, enosys);
    return test::summary();
}
