/*
 * The vDSO, as Linux gives it: AT_SYSINFO_EHDR points at an ELF image mapped
 * as [vdso] (read and execute), with [vvar] (read only) before it, both in
 * /proc/self/maps; its __vdso_clock_gettime (version LINUX_2.6), called
 * directly, agrees with the clock_gettime system call on every clock it
 * handles, never goes backwards, and costs no system call; gettimeofday and
 * time agree with CLOCK_REALTIME; getcpu says CPU 0; an unknown clock gives
 * EINVAL from either.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "musl_check.h"

typedef int (*clock_gettime_fn)(clockid_t, struct timespec *);
typedef int (*getcpu_fn)(unsigned *, unsigned *, void *);

/* Looks a symbol up in the vDSO's dynamic symbol table (DT_HASH). */
static void *vdso_sym(const char *name)
{
    const unsigned char *base = (const unsigned char *)getauxval(AT_SYSINFO_EHDR);
    if (!base)
        return NULL;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
    const Elf64_Phdr *ph = (const Elf64_Phdr *)(base + eh->e_phoff);
    const Elf64_Dyn *dyn = NULL;
    for (int i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_DYNAMIC)
            dyn = (const Elf64_Dyn *)(base + ph[i].p_offset);
    if (!dyn)
        return NULL;
    const Elf64_Sym *syms = NULL;
    const char *strs = NULL;
    const uint32_t *hash = NULL;
    for (; dyn->d_tag != DT_NULL; dyn++) {
        if (dyn->d_tag == DT_SYMTAB)
            syms = (const Elf64_Sym *)(base + dyn->d_un.d_ptr);
        else if (dyn->d_tag == DT_STRTAB)
            strs = (const char *)(base + dyn->d_un.d_ptr);
        else if (dyn->d_tag == DT_HASH)
            hash = (const uint32_t *)(base + dyn->d_un.d_ptr);
    }
    if (!syms || !strs || !hash)
        return NULL;
    for (uint32_t i = 0; i < hash[1]; i++)
        if (syms[i].st_shndx && !strcmp(strs + syms[i].st_name, name))
            return (void *)(base + syms[i].st_value);
    return NULL;
}

static long long ns_of(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(void)
{
    const unsigned char *base = (const unsigned char *)getauxval(AT_SYSINFO_EHDR);
    TRUE(base != NULL);
    TRUE(base && !memcmp(base, ELFMAG, SELFMAG));

    /* /proc/self/maps: [vvar] right below [vdso]. */
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, NULL);
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[256];
    unsigned long vdso_start = 0, vvar_end = 0;
    char vdso_perm[8] = "", vvar_perm[8] = "";
    while (maps && fgets(line, sizeof line, maps)) {
        unsigned long s, e;
        char perm[8];
        if (sscanf(line, "%lx-%lx %7s", &s, &e, perm) != 3)
            continue;
        if (strstr(line, "[vdso]")) {
            vdso_start = s;
            strcpy(vdso_perm, perm);
        } else if (strstr(line, "[vvar]")) {
            vvar_end = e;
            strcpy(vvar_perm, perm);
        }
    }
    if (maps)
        fclose(maps);
    TRUE(vdso_start == (unsigned long)base);
    TRUE(vvar_end == vdso_start);
    printf("[vdso] %s, [vvar] %s\n", vdso_perm, vvar_perm);

    clock_gettime_fn vgettime = (clock_gettime_fn)vdso_sym("__vdso_clock_gettime");
    getcpu_fn vgetcpu = (getcpu_fn)vdso_sym("__vdso_getcpu");
    TRUE(vgettime != NULL);
    TRUE(vgetcpu != NULL);
    if (!vgettime || !vgetcpu)
        return summary();

    /* syscall <= vdso <= syscall, for each clock the vDSO computes itself. */
    static const clockid_t clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME,
                                       CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE};
    static const char *names[] = {"REALTIME", "MONOTONIC", "MONOTONIC_RAW", "BOOTTIME", "REALTIME_COARSE",
                                  "MONOTONIC_COARSE"};
    for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        struct timespec a, v, b;
        syscall(SYS_clock_gettime, clocks[i], &a);
        int r = vgettime(clocks[i], &v);
        syscall(SYS_clock_gettime, clocks[i], &b);
        /* The coarse clocks tick; the fine ones are read to the nanosecond. */
        long long slack = (clocks[i] == CLOCK_REALTIME_COARSE || clocks[i] == CLOCK_MONOTONIC_COARSE) ? 10000000 : 0;
        int ordered = r == 0 && ns_of(a) - slack <= ns_of(v) && ns_of(v) <= ns_of(b) + slack;
        int valid = v.tv_nsec >= 0 && v.tv_nsec < 1000000000;
        printf("CLOCK_%s: vdso between two system calls: %s\n", names[i], ordered && valid ? "yes" : "no");
        if (!(ordered && valid))
            failures++;
        checks++;
    }
    /* Monotonic through the vDSO, many times over. */
    struct timespec prev, now;
    vgettime(CLOCK_MONOTONIC, &prev);
    int backwards = 0;
    for (int i = 0; i < 100000; i++) {
        vgettime(CLOCK_MONOTONIC, &now);
        if (ns_of(now) < ns_of(prev))
            backwards++;
        prev = now;
    }
    EQ(backwards, 0);
    /* Through the C library (which uses the vDSO when it finds one). */
    struct timespec lib, sys;
    EQ(clock_gettime(CLOCK_REALTIME, &lib), 0);
    syscall(SYS_clock_gettime, CLOCK_REALTIME, &sys);
    TRUE(ns_of(lib) <= ns_of(sys));
    struct timeval tv;
    EQ(gettimeofday(&tv, NULL), 0);
    TRUE(tv.tv_usec >= 0 && tv.tv_usec < 1000000 && tv.tv_sec >= lib.tv_sec);
    time_t t = time(NULL);
    TRUE(t >= lib.tv_sec && t <= sys.tv_sec + 1);
    /* Bad clock ids: EINVAL either way. */
    struct timespec bad;
    EQ(vgettime(12345, &bad), -EINVAL);
    ERR(syscall(SYS_clock_gettime, 12345, &bad), EINVAL);
    /* On CPU 0 (pinned there: with more CPUs the task could be anywhere). */
    cpu_set_t zero;
    CPU_ZERO(&zero);
    CPU_SET(0, &zero);
    EQ(sched_setaffinity(0, sizeof(zero), &zero), 0);
    unsigned cpu = 99, node = 99;
    EQ(vgetcpu(&cpu, &node, NULL), 0);
    EQ(cpu, 0);
    EQ(node, 0);
    return summary();
}
