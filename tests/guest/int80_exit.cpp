/*
 * int80_exit: i386 exit (1) through int $0x80 ends a 64-bit program with the
 * status in ebx (the manifest expects exit status 42). Only the low 8 bits of
 * the status reach the parent (Linux: (error_code & 0xff) << 8), so 0x12a is 42.
 */
#include <trapgate/check.h>

using namespace trapgate;

int main(int, char**, char**)
{
    println("exiting through i386 exit(0x12a)");
    io::flush();
    ia32::sys_exit(0x12a);
    println("FAIL: i386 exit returned");
    return 1;
}
