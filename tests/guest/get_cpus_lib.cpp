/*
 * get_cpus_lib: Trapgate's own system call, number 1000 in both tables,
 * returns the number of processors (QEMU's -smp N). argv[1] says how many
 * there should be; checked through `syscall` and through int $0x80. On Linux,
 * which has no such call, both are -ENOSYS (this test is Trapgate-specific).
 */
#include <trapgate/check.h>

using namespace trapgate;

static long parse(const char* s)
{
    long v = 0;
    for (; s && *s >= '0' && *s <= '9'; s++)
        v = v * 10 + (*s - '0');
    return v;
}

int main(int argc, char** argv, char**)
{
    if (argc < 2) {
        println("FAIL: usage: get_cpus_lib EXPECTED_COUNT");
        return 1;
    }
    long want = parse(argv[1]);
    CHECK_EQ(x64::nr_get_cpus, 1000);
    CHECK_EQ(ia32::nr_get_cpus, 1000);
    CHECK_EQ(x64::sys_get_cpus(), want);
    CHECK_EQ(ia32::sys_get_cpus(), want);
    CHECK_EQ(syscall(1000), want);
    CHECK_EQ(syscall<Gate::Int80>(1000), want);
    CHECK_EQ(syscall(0x100000000L + 1000), want); /* low 32 bits only */
    CHECK_EQ(syscall(1000, 1, 2, 3, 4, 5, 6), want); /* arguments ignored */
    return test::summary();
}
