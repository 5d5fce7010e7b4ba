/*
 * A 64-bit program between two i386 ones (tests/guest/i386/ia32_proc.c):
 * it reports that it runs in 64-bit mode, then execs the program its
 * arguments name, an i386 one, so that exec goes 32 -> 64 -> 32 bits.
 */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    unsigned short cs;
    __asm__ volatile("movw %%cs, %0" : "=r"(cs));
    printf("64-bit helper: cs %#x, sizeof(void *) %zu, argc %d\n", cs, sizeof(void *), argc);
    fflush(stdout);
    if (argc < 2)
        return 3;
    execv(argv[1], argv + 1);
    perror("execv");
    return 4;
}
