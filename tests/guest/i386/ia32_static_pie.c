/*
 * An i386 static PIE (ET_DYN without an interpreter) is loaded where Linux
 * puts it: in the mmap area below the stack, its heap below it, and it
 * relocates itself and runs glibc's start-up with TLS as a static program
 * does. (Where exactly the heap starts differs: Trapgate's is at 0x400000,
 * Linux 6.1's reference kernel's near 0x56555000, both plus a random offset.)
 */
#define _GNU_SOURCE
#include "check32.h"
#include <stdint.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <unistd.h>

static __thread int tls = 3;
static int data = 5;

int main(int argc, char **argv)
{
    (void)argc;
    uintptr_t text = (uintptr_t)&main, heap = (uintptr_t)sbrk(0);
    CHECK_TRUE("the program is in the top quarter of the 4 GiB", text >= 0xc0000000u && text < 0xffffe000u);
    CHECK_TRUE("below the strings", text < (uintptr_t)argv[0]);
    CHECK_TRUE("AT_ENTRY is in the program", getauxval(AT_ENTRY) >= (text & ~0xffffffu) && getauxval(AT_ENTRY) < 0xffffe000u);
    CHECK_TRUE("AT_BASE is 0 (no interpreter)", getauxval(AT_BASE) == 0);
    CHECK_TRUE("the heap is below the program, above 4 MiB", heap >= 0x400000u && heap < text);
    CHECK(++tls + data, 9);
    char *p = malloc(1 << 20);
    CHECK_TRUE("malloc", p != NULL);
    return summary();
}
