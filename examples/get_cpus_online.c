/*
 * The second worked example of docs/adding-a-syscall.md: processors present
 * (get_cpus, 1000) and processors online (get_cpus_online, 1001). Booted with
 * maxcpus=N, the second is N. On Linux both are ENOSYS.
 */
#include <asm/unistd_64.h> /* Trapgate's generated header */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    long present = syscall(__NR_get_cpus);
    long online = syscall(__NR_get_cpus_online);
    if (present < 0 || online < 0) {
        printf("get_cpus_online() failed: %s\n", strerror(errno));
        return 1;
    }
    printf("present: %ld, online: %ld\n", present, online);
    return 0;
}
