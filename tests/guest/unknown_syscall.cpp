/*
 * unknown_syscall: numbers that name no system call return -ENOSYS through
 * both gates, and only the low 32 bits of rax select the call.
 *
 * Linux (arch/x86/entry/common.c, current kernels; 4.x still compared all of
 * rax): do_syscall_64(regs, int nr) gets the number as a 32-bit int;
 * do_syscall_x64 compares it unsigned against NR_syscalls, nr == -1 keeps the -ENOSYS preset in regs->ax, anything else
 * out of range goes to sys_ni_syscall (-ENOSYS). Table slots without an entry
 * point (create_module, getpmsg, tuxcall, vserver ...) are sys_ni_syscall too.
 * Numbers 512-547 are the x32 ABI's and are not in the 64-bit table (since
 * 5.4), so from 64-bit code they are -ENOSYS. int $0x80 takes (int)eax the same
 * way (do_int80_syscall_32) and uses the i386 table.
 */
#include <asm/unistd_64.h> /* __NR_syscalls: one past the highest number (Trapgate's get_cpus_online) */
#include <trapgate/check.h>

using namespace trapgate;

int main(int, char**, char**)
{
    test::section("syscall: numbers past or outside the table");
    CHECK_EQ(syscall(-1), ENOSYS);
    CHECK_EQ(syscall(__NR_syscalls), ENOSYS);
    CHECK_EQ(syscall(100000), ENOSYS);
    CHECK_EQ(syscall(0x7fffffff), ENOSYS);
    CHECK_EQ(syscall(0x80000000L), ENOSYS);
    CHECK_EQ(syscall(0xffffffffL), ENOSYS);          /* low half -1 */
    CHECK_EQ(syscall(0x1ffffffffL), ENOSYS);         /* low half -1, high bits set */
    CHECK_EQ(syscall(-1L, 1, 2, 3, 4, 5, 6), ENOSYS); /* arguments do not matter */

    test::section("syscall: holes and retired entries in the 64-bit table");
    CHECK_EQ(syscall(174), ENOSYS); /* create_module */
    CHECK_EQ(syscall(177), ENOSYS); /* get_kernel_syms */
    CHECK_EQ(syscall(181), ENOSYS); /* getpmsg */
    CHECK_EQ(syscall(184), ENOSYS); /* tuxcall */
    CHECK_EQ(syscall(185), ENOSYS); /* security */
    CHECK_EQ(syscall(236), ENOSYS); /* vserver */
    CHECK_EQ(syscall(400), ENOSYS); /* between rseq (334) and pidfd_send_signal (424) */
    CHECK_EQ(syscall(512), ENOSYS); /* x32 rt_sigaction */
    CHECK_EQ(syscall(547), ENOSYS); /* x32 pwritev2 */

    test::section("syscall: only the low 32 bits of rax count");
    long pid = x64::sys_getpid().value();
    CHECK(syscall(0x100000000L + x64::nr_getpid).value() == pid);
    CHECK(syscall(static_cast<long>(0xffffffff00000000UL) + x64::nr_getpid).value() == pid);
    CHECK(syscall(0x7fffffff00000000L + x64::nr_getppid) == x64::sys_getppid());

    test::section("int $0x80: unknown i386 numbers");
    CHECK_EQ(syscall<Gate::Int80>(-1), ENOSYS);
    CHECK_EQ(syscall<Gate::Int80>(9999), ENOSYS);
    CHECK_EQ(syscall<Gate::Int80>(100000), ENOSYS);
    CHECK_EQ(syscall<Gate::Int80>(0x7fffffff), ENOSYS);
    CHECK_EQ(syscall<Gate::Int80>(0xffffffffL), ENOSYS);
    CHECK_EQ(ia32::sys_break(), ENOSYS);       /* 17: never implemented */
    CHECK_EQ(ia32::sys_stty(), ENOSYS);        /* 31 */
    CHECK_EQ(ia32::sys_afs_syscall(), ENOSYS); /* 137 */
    CHECK_EQ(ia32::sys_vserver(), ENOSYS);     /* 273 */
    CHECK_EQ(syscall<Gate::Int80>(222), ENOSYS); /* holes in the i386 table */
    CHECK_EQ(syscall<Gate::Int80>(223), ENOSYS);
    CHECK_EQ(syscall<Gate::Int80>(251), ENOSYS);
    CHECK_EQ(syscall<Gate::Int80>(285), ENOSYS);

    test::section("int $0x80: i386 numbers, low 32 bits of rax");
    CHECK(ia32::sys_getpid().value() == pid);                                 /* i386 getpid is 20 */
    CHECK(syscall<Gate::Int80>(0x100000000L + ia32::nr_getpid).value() == pid);
    CHECK_EQ(ia32::nr_getpid, 20);
    CHECK_EQ(x64::nr_getpid, 39);

    return test::summary();
}
