/* Boot to the shell prompt: run from the busybox shell's /etc/profile on the
 * default root file system (see bench/run_bench.py), just before the first
 * prompt. Under -icount the TSC is the guest instructions since the machine
 * started. The profile then powers the machine off. */
#include "bench.h"

int main(void)
{
    printf("bench boot_prompt %llu -\n", bench_rdtsc());
    return 0;
}
