/*
 * The documents' demo: call Trapgate's own system call by name. On Linux,
 * which has no get_cpus, syscall() returns -1 with errno ENOSYS.
 */
#include <asm/unistd_64.h> /* Trapgate's generated header: __NR_get_cpus */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    long cpus = syscall(__NR_get_cpus);
    if (cpus < 0) {
        printf("get_cpus() failed: %s\n", strerror(errno));
        return 1;
    }
    printf("cpu num is: %ld\n", cpus);
    return 0;
}
