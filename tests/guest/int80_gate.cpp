/*
 * int80_gate: int $0x80 from a 64-bit program uses the i386 system-call table
 * and the i386 argument registers (ebx, ecx, edx, esi, edi, ebp), as on Linux
 * with CONFIG_IA32_EMULATION (arch/x86/entry/common.c, do_int80_syscall_32).
 *   - i386 getpid (20) is x64 getpid (39); getppid (64); getuid32 (199) and
 *     the 16-bit getuid (24) both give uid 0 for root.
 *   - i386 write (4) writes to stdout.
 *   - Arguments are 32 bits wide (the ia32 stubs read (u32)regs->bx ...): the
 *     upper halves of the registers are ignored, so a pointer or descriptor
 *     with junk above bit 31 still works; 32-bit signed arguments are
 *     sign-extended from bit 31 (compat_sys_lseek's compat_off_t offset: an
 *     offset of 0xffffffff is -1, EINVAL), unlike x86-64's lseek, where
 *     0xffffffff is 4294967295.
 *   - brk (45) shares the process's break with x64 brk (12).
 * i386 exit (1) ends the program: tested by int80_exit, whose status is checked.
 */
#include <trapgate/check.h>
#include <trapgate/uapi.h>

using namespace trapgate;

static const char hello[] = "hello through int $0x80\n";
static const char junk_high[] = "pointer with junk in its upper half\n";

int main(int, char**, char**)
{
    test::section("identity");
    CHECK(ia32::sys_getpid() == x64::sys_getpid());
    CHECK(ia32::sys_gettid() == x64::sys_gettid());
    CHECK_EQ(ia32::sys_getppid(), 0);
    CHECK_EQ(ia32::sys_getuid32(), 0);
    CHECK_EQ(ia32::sys_geteuid32(), 0);
    CHECK_EQ(ia32::sys_getuid(), 0); /* the 16-bit form */

    test::section("write");
    io::flush();
    CHECK_EQ(ia32::sys_write(1, hello, sizeof(hello) - 1), static_cast<long>(sizeof(hello) - 1));
    io::flush();
    unsigned long p = reinterpret_cast<unsigned long>(junk_high) | 0xdead000000000000UL;
    CHECK_EQ(ia32::sys_write(0x1234500000001UL, p, sizeof(junk_high) - 1), static_cast<long>(sizeof(junk_high) - 1));
    CHECK_EQ(ia32::sys_write(1, nullptr, 0), 0);
    CHECK_EQ(ia32::sys_write(1, 0xfffff000UL, 1), EFAULT); /* below 4 GiB, unmapped */

    test::section("32-bit arguments");
    SysResult fd = x64::sys_open("/tmp/int80_gate", O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK_EQ(fd, 3);
    CHECK_EQ(ia32::sys_lseek(fd.value(), 5, SEEK_SET), 5);
    CHECK_EQ(ia32::sys_lseek(fd.value(), 0xffffffffu, SEEK_SET), EINVAL);
    CHECK_EQ(ia32::sys_lseek(0x100000000UL | static_cast<unsigned long>(fd.value()), 7, SEEK_SET), 7);
    CHECK_EQ(x64::sys_lseek(fd.value(), 0xffffffffu, SEEK_SET), 4294967295L);
    CHECK_EQ(x64::sys_lseek(0x100000000UL | static_cast<unsigned long>(fd.value()), 7, SEEK_SET), 7);
    CHECK_EQ(ia32::sys_close(fd.value()), 0);
    CHECK_EQ(ia32::sys_close(fd.value()), EBADF);

    test::section("brk");
    SysResult b64 = x64::sys_brk(0);
    SysResult b32 = ia32::sys_brk(0);
    CHECK(b32 == b64);
    return test::summary();
}
