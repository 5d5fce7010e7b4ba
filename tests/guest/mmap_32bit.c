/*
 * MAP_32BIT in a 64-bit program: the mapping goes in the second gigabyte
 * (Linux's [1 GiB, 2 GiB) bottom-up search), for anonymous and file
 * mappings; a free hint is taken only below 2 GiB.
 */
#include "musl_check.h"
#include <fcntl.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_32BIT
#define MAP_32BIT 0x40
#endif

static int in_second_gib(void *p) { return p != MAP_FAILED && (uintptr_t)p >= (1ul << 30) && (uintptr_t)p < (2ul << 30); }

int main(void)
{
    void *a = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    printf("anonymous MAP_32BIT in [1 GiB, 2 GiB): %s\n", in_second_gib(a) ? "yes" : "no");
    void *b = mmap(NULL, 1 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    printf("a second one too: %s\n", in_second_gib(b) ? "yes" : "no");
    int fd = open("/mmap_32bit", O_RDONLY);
    void *c = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_32BIT, fd, 0);
    printf("file MAP_32BIT in [1 GiB, 2 GiB): %s, ELF magic: %s\n", in_second_gib(c) ? "yes" : "no",
           c != MAP_FAILED && !memcmp(c, "\177ELF", 4) ? "yes" : "no");
    void *hint = (void *)0x300000000ul;
    void *d = mmap(hint, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    printf("a free hint above 2 GiB is not taken: %s, in [1 GiB, 2 GiB): %s\n", d != hint ? "yes" : "no",
           in_second_gib(d) ? "yes" : "no");
    void *low = (void *)0x7f000000ul;
    void *g = mmap(low, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    printf("a free hint below 2 GiB is taken: %s\n", g == low ? "yes" : "no");
    void *e = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("without MAP_32BIT: above 4 GiB: %s\n", (uintptr_t)e > (4ul << 30) ? "yes" : "no");
    return in_second_gib(a) && in_second_gib(b) && in_second_gib(c) && in_second_gib(d) && g == low ? 0 : 1;
}
