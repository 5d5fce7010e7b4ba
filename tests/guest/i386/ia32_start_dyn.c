/*
 * A dynamically linked i386 program: PT_INTERP names the i386 ld.so, which
 * the kernel maps beside the PIE (AT_BASE) and starts first; it maps libc
 * and runs the program, whose TLS and calls then work as a static one's.
 */
#define _GNU_SOURCE
#include "check32.h"
#include <dlfcn.h>
#include <link.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <unistd.h>

static __thread int tls = 40;

static int count_objects(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)info;
    (void)size;
    ++*(int *)data;
    return 0;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    CHECK_TRUE("AT_BASE is the interpreter's place", getauxval(AT_BASE) != 0 && getauxval(AT_BASE) < 0xffffe000u);
    CHECK_TRUE("AT_ENTRY is the program's entry, not ld.so's", getauxval(AT_ENTRY) != 0);
    int objects = 0;
    dl_iterate_phdr(count_objects, &objects);
    CHECK_TRUE("the program, the vDSO if any, libc and ld.so are loaded", objects >= 3);
    CHECK(tls + 2, 42);
    Dl_info di;
    CHECK_TRUE("printf comes from libc.so.6", dladdr((void *)printf, &di) && strstr(di.dli_fname, "libc.so.6"));
    return summary();
}
