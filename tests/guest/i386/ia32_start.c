/*
 * An i386 program starts as Linux starts one: compatibility mode (cs 0x23),
 * argc and 4-byte argv/envp pointers on a stack below 4 GiB, the auxiliary
 * vector in Elf32_auxv_t, AT_PLATFORM "i686", glibc's TLS in %gs through
 * set_thread_area; its address space ends at 4 GiB (mmap, brk, mremap), and
 * /proc/self/maps shows it.
 */
#define _GNU_SOURCE
#include "check32.h"
#include <elf.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

extern char **environ;
static __thread int tls_counter = 41;

static unsigned short seg(int which)
{
    unsigned short v = 0;
    switch (which) {
    case 0: __asm__ volatile("movw %%cs, %0" : "=r"(v)); break;
    case 1: __asm__ volatile("movw %%ss, %0" : "=r"(v)); break;
    case 2: __asm__ volatile("movw %%ds, %0" : "=r"(v)); break;
    case 3: __asm__ volatile("movw %%es, %0" : "=r"(v)); break;
    case 4: __asm__ volatile("movw %%gs, %0" : "=r"(v)); break;
    }
    return v;
}

static const char *at_name(unsigned t)
{
    switch (t) {
    case AT_SYSINFO: return "AT_SYSINFO";
    case AT_SYSINFO_EHDR: return "AT_SYSINFO_EHDR";
    case AT_MINSIGSTKSZ: return "AT_MINSIGSTKSZ";
    case AT_HWCAP: return "AT_HWCAP";
    case AT_PAGESZ: return "AT_PAGESZ";
    case AT_CLKTCK: return "AT_CLKTCK";
    case AT_PHDR: return "AT_PHDR";
    case AT_PHENT: return "AT_PHENT";
    case AT_PHNUM: return "AT_PHNUM";
    case AT_BASE: return "AT_BASE";
    case AT_FLAGS: return "AT_FLAGS";
    case AT_ENTRY: return "AT_ENTRY";
    case AT_UID: return "AT_UID";
    case AT_EUID: return "AT_EUID";
    case AT_GID: return "AT_GID";
    case AT_EGID: return "AT_EGID";
    case AT_SECURE: return "AT_SECURE";
    case AT_RANDOM: return "AT_RANDOM";
    case AT_HWCAP2: return "AT_HWCAP2";
    case AT_EXECFN: return "AT_EXECFN";
    case AT_PLATFORM: return "AT_PLATFORM";
    }
    return "AT_?";
}

int main(int argc, char **argv)
{
    printf("argc %d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d] %s\n", i, argv[i]);
    for (char **e = environ; *e; e++)
        printf("env %s\n", *e);
    CHECK_TRUE("argv[argc] is NULL", argv[argc] == NULL);
    CHECK_TRUE("sizeof(void *) is 4", sizeof(void *) == 4);
    CHECK(seg(0), 0x23);
    CHECK(seg(1), 0x2b);
    CHECK(seg(2), 0x2b);
    CHECK(seg(3), 0x2b);
    CHECK(seg(4), 0x63); /* glibc's TLS: GDT entry 12, the first set_thread_area gives */
    CHECK(++tls_counter, 42);
    CHECK_TRUE("the strings are in the top 256 MiB below 4 GiB", (uintptr_t)argv[0] >= 0xf0000000u);

    /* The auxiliary vector after envp's NULL: Elf32_auxv_t pairs. */
    char **e = environ;
    while (*e)
        e++;
    Elf32_auxv_t *auxv = (Elf32_auxv_t *)(e + 1);
    for (Elf32_auxv_t *a = auxv; a->a_type != AT_NULL; a++) {
        unsigned t = a->a_type, v = a->a_un.a_val;
        switch (t) {
        case AT_PAGESZ: case AT_CLKTCK: case AT_PHENT: case AT_PHNUM: case AT_BASE: case AT_FLAGS:
        case AT_UID: case AT_EUID: case AT_GID: case AT_EGID: case AT_SECURE:
            printf("%s %u\n", at_name(t), v);
            break;
        case AT_ENTRY:
            printf("%s %s\n", at_name(t), v == (unsigned)getauxval(AT_ENTRY) ? "matches getauxval" : "differs");
            break;
        case AT_PLATFORM: case AT_EXECFN:
            printf("%s \"%s\"\n", at_name(t), (const char *)v);
            break;
        case AT_RANDOM:
            printf("%s %s\n", at_name(t), v > (uintptr_t)argv && v < 0xffffe000u ? "above argv" : "elsewhere");
            break;
        default:
            printf("%s\n", at_name(t));
        }
    }

    struct utsname u;
    CHECK(uname(&u), 0);
    printf("machine %s\n", u.machine);

    /* The address space ends at 4 GiB: a mapping of 3.5 GiB cannot fit. */
    void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK_TRUE("mmap of a page", m != MAP_FAILED);
    *(volatile int *)m = 7;
    CHECK_TRUE("it is below the stack", (uintptr_t)m < (uintptr_t)&argc);
    CHECK_ERR((long)mmap(NULL, 0xf8000000u, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0), ENOMEM);
    CHECK_ERR((long)mmap((void *)0xfffff000u, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
              ENOMEM);
    void *hint = mmap((void *)0xfffff000u, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK_TRUE("a hint above the end is not taken", hint != MAP_FAILED && (uintptr_t)hint < 0xfffff000u);
    void *big = mmap(NULL, 1u << 30, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK_TRUE("a 1 GiB mapping fits", big != MAP_FAILED);
    CHECK_ERR((long)mremap(m, 4096, 0xf0000000u, MREMAP_MAYMOVE), ENOMEM);
    char *b0 = sbrk(0);
    CHECK_TRUE("brk grows", sbrk(1 << 20) == b0 && sbrk(0) == b0 + (1 << 20));
    b0[(1 << 20) - 1] = 1;
    char *p = malloc(100000);
    CHECK_TRUE("malloc", p != NULL);

    /* /proc/self/maps: the areas' permissions and names, and all below 4 GiB. */
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, 0);
    FILE *f = fopen("/proc/self/maps", "r");
    CHECK_TRUE("/proc/self/maps opens", f != NULL);
    char line[512];
    int below = 1, n = 0;
    while (f && fgets(line, sizeof line, f)) {
        unsigned long long lo, hi;
        char perms[8], name[256] = "";
        if (sscanf(line, "%llx-%llx %7s %*s %*s %*s %255s", &lo, &hi, perms, name) < 3)
            continue;
        if (hi > 0xffffe000ull)
            below = 0;
        const char *slash = strrchr(name, '/');
        printf("maps %s %s\n", perms, slash ? slash + 1 : name);
        n++;
    }
    CHECK_TRUE("every area ends at or below 0xffffe000", below && n > 0);
    return summary();
}
