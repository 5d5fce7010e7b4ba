/*
 * Address-space layout randomization at exec, against Linux x86-64's: the
 * stack's top, the mmap area, a PIE program's base, its interpreter's, the
 * vDSO's, the heap's start and AT_RANDOM's bytes differ between two execs of
 * the same program; with personality(ADDR_NO_RANDOMIZE) or
 * randomize_va_space 0 they are the same and at Linux's fixed places; with 1
 * everything but the heap moves (Linux takes any int there: above 1 is 2). The places lie in Linux's ranges. Each
 * layout is read from the outside, /proc/PID/maps and /proc/PID/stat of a
 * child that waits in its new program: this program itself (static, a
 * non-PIE ET_EXEC) and /cat, Debian's cat (a PIE with ld.so as interpreter).
 * Also personality(2) (the value kept, 0xffffffff asks, fork and exec keep
 * it, exec drops READ_IMPLIES_EXEC, which makes mmap and mprotect of
 * readable memory executable) and the sysctl's checks. Prints whether
 * things differ, never the addresses.
 */
#include "musl_check.h"
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define TOP 0x7ffffffff000UL              /* the end of user space, Linux's STACK_TOP */
#define PIE_BASE 0x555555554000UL          /* 2/3 of it, page-aligned */
#define STACK_RND (0x3fffffUL << 12)       /* 22 bits of pages */
#define MMAP_RND (1UL << 40)               /* 28 bits of pages */
#define PAGE_UP(x) (((x) + 4095) & ~4095UL)

extern char end; /* the end of this program's .bss */

struct layout {
    unsigned long exe, interp, libc, stack_start, stack_end, vdso, start_brk, startstack, heap;
    char reply[128]; /* the child's line: AT_RANDOM in hex, an mmap address, its personality */
};

static ino_t ino_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_ino : 0;
}

/* Child mode: say what only the program itself knows, then wait for EOF. */
static int child(void)
{
    char line[16];
    if (!fgets(line, sizeof line, stdin))
        return 1;
    const unsigned char *r = (const unsigned char *)getauxval(AT_RANDOM);
    void *m = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < 16; i++)
        printf("%02x", r[i]);
    printf(" %lx %x\n", (unsigned long)m, personality(0xffffffff));
    fflush(stdout);
    while (fgets(line, sizeof line, stdin))
        ;
    return 0;
}

static void read_maps(pid_t pid, struct layout *l, ino_t exe, ino_t ld, ino_t libc)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/maps", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    while (fgets(buf, sizeof buf, f)) {
        unsigned long a, b, off, ino;
        unsigned maj, min;
        char perms[8];
        int n = 0;
        if (sscanf(buf, "%lx-%lx %7s %lx %x:%x %lu %n", &a, &b, perms, &off, &maj, &min, &ino, &n) < 7)
            continue;
        const char *name = buf + n;
        if (ino && ino == exe && !l->exe)
            l->exe = a;
        if (ino && ino == ld && !l->interp)
            l->interp = a;
        if (ino && ino == libc && !l->libc)
            l->libc = a;
        if (!strncmp(name, "[stack]", 7))
            l->stack_start = a, l->stack_end = b;
        if (!strncmp(name, "[vdso]", 6))
            l->vdso = a;
        if (!strncmp(name, "[heap]", 6))
            l->heap = a;
    }
    fclose(f);
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    f = fopen(path, "r");
    if (!f)
        return;
    if (fgets(buf, sizeof buf, f)) {
        char *p = strrchr(buf, ')');
        for (int field = 2; p && *p; field++) { /* p is at the space before field `field + 1` */
            p = strchr(p + 1, ' ');
            if (!p)
                break;
            if (field + 1 == 28)
                l->startstack = strtoul(p + 1, 0, 10);
            if (field + 1 == 47)
                l->start_brk = strtoul(p + 1, 0, 10);
        }
    }
    fclose(f);
}

/* Runs prog in a child (with personality pers unless -1), sees its layout, ends it. */
static int run(const char *prog, long pers, struct layout *l)
{
    memset(l, 0, sizeof *l);
    int in[2], out[2];
    if (pipe(in) || pipe(out))
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (pers != -1)
            personality((unsigned long)pers);
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]), close(in[1]), close(out[0]), close(out[1]);
        if (strcmp(prog, "/cat"))
            execl(prog, prog, "child", (char *)0);
        else
            execl(prog, prog, (char *)0);
        _exit(127);
    }
    close(in[0]), close(out[1]);
    if (write(in[1], "go\n", 3) != 3)
        return -1;
    size_t got = 0;
    while (got < sizeof l->reply - 1) {
        ssize_t n = read(out[0], l->reply + got, 1);
        if (n <= 0 || l->reply[got] == '\n')
            break;
        got++;
    }
    l->reply[got] = 0;
    read_maps(pid, l, ino_of(prog), ino_of("/lib64/ld-linux-x86-64.so.2"), ino_of("/lib/x86_64-linux-gnu/libc.so.6"));
    close(in[1]), close(out[0]);
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* "X differs: yes/no", failing unless it is want. */
static void differs(const char *what, int cond, int want)
{
    checks++;
    printf("%s differs: %s\n", what, cond ? "yes" : "no");
    if (!cond != !want) {
        failures++;
        printf("FAIL: %s: expected it %s\n", what, want ? "to differ" : "the same");
    }
}

static unsigned long reply_mmap(const struct layout *l)
{
    const char *s = strchr(l->reply, ' ');
    return s ? strtoul(s + 1, 0, 16) : 0;
}

static unsigned long reply_pers(const struct layout *l)
{
    const char *s = strrchr(l->reply, ' ');
    return s ? strtoul(s + 1, 0, 16) : ~0UL;
}

static int in_mmap_area(unsigned long a, int randomized)
{
    /* Below the stack's room (8 MiB rlimit, its random range, a 1 MiB gap, at
     * least 128 MiB in all) and within the 28 random bits under it. */
    unsigned long top = TOP - (128UL << 20);
    if (randomized)
        top = TOP - ((8UL << 20) + STACK_RND + (1UL << 20));
    return a && a < top && a >= top - MMAP_RND - (1UL << 30);
}

static void self_checks(const char *self, const char *mode, long pers, int want_random, int want_brk_random)
{
    struct layout a, b;
    printf("-- %s: this program (static, ET_EXEC)\n", mode);
    EQ(run(self, pers, &a), 0);
    EQ(run(self, pers, &b), 0);
    differs("AT_RANDOM", strncmp(a.reply, b.reply, 32) != 0, 1);
    truth("AT_RANDOM is not all zero", strncmp(a.reply, "00000000000000000000000000000000", 32) != 0);
    differs("stack top", a.stack_end != b.stack_end, want_random);
    if (!want_random)
        truth("stack top is the end of user space", a.stack_end == TOP);
    else
        truth("stack top within 16 GiB below the end of user space", a.stack_end <= TOP && a.stack_end >= TOP - STACK_RND);
    differs("stack start", a.startstack != b.startstack, want_random);
    truth("startstack inside [stack]", a.startstack >= a.stack_start && a.startstack < a.stack_end);
    differs("mmap", reply_mmap(&a) != reply_mmap(&b), want_random);
    truth("mmap in the mmap area", in_mmap_area(reply_mmap(&a), want_random));
    differs("vdso", a.vdso != b.vdso, want_random);
    truth("vdso above the stack or in the mmap area",
          (a.vdso >= a.stack_end && a.vdso < a.stack_end + (2UL << 20)) || in_mmap_area(a.vdso, want_random));
    differs("brk", a.start_brk != b.start_brk, want_brk_random);
    unsigned long bss_end = PAGE_UP((unsigned long)&end);
    if (want_brk_random)
        truth("brk a page past .bss and within 1 GiB",
              a.start_brk >= bss_end + 4096 && a.start_brk < bss_end + 4096 + (1UL << 30));
    else
        truth("brk at the end of .bss", a.start_brk == bss_end);
    truth("exe at its link address", a.exe == 0x400000);
}

static void pie_checks(const char *mode, long pers, int want_random)
{
    struct layout a, b;
    printf("-- %s: /cat (PIE, with ld.so)\n", mode);
    EQ(run("/cat", pers, &a), 0);
    EQ(run("/cat", pers, &b), 0);
    truth("cat echoed", !strcmp(a.reply, "go") && !strcmp(b.reply, "go"));
    differs("PIE base", a.exe != b.exe, want_random);
    if (want_random)
        truth("PIE base in [2/3 TASK_SIZE, +2^28 pages)", a.exe >= PIE_BASE && a.exe < PIE_BASE + MMAP_RND);
    else
        truth("PIE base at 2/3 TASK_SIZE", a.exe == PIE_BASE);
    differs("ld.so", a.interp != b.interp, want_random);
    truth("ld.so in the mmap area", in_mmap_area(a.interp, want_random));
    differs("libc", a.libc != b.libc, want_random);
    truth("libc below ld.so", a.libc && a.libc < a.interp);
    differs("stack top", a.stack_end != b.stack_end, want_random);
    differs("vdso", a.vdso != b.vdso, want_random);
    differs("brk", a.start_brk != b.start_brk, want_random);
    truth("brk above the program", a.start_brk > a.exe && a.start_brk < a.exe + (2UL << 30));
    truth("[heap] starts at brk", !a.heap || a.heap == a.start_brk);
}

/* The permissions /proc/self/maps shows for the area holding p. */
static const char *maps_perms(const void *p)
{
    static char perms[8];
    char buf[512];
    strcpy(perms, "none");
    FILE *f = fopen("/proc/self/maps", "r");
    while (f && fgets(buf, sizeof buf, f)) {
        unsigned long a, b;
        char pr[8];
        if (sscanf(buf, "%lx-%lx %7s", &a, &b, pr) == 3 && (unsigned long)p >= a && (unsigned long)p < b)
            strcpy(perms, pr);
    }
    if (f)
        fclose(f);
    return perms;
}

static int write_sysctl(const char *v)
{
    int fd = open("/proc/sys/kernel/randomize_va_space", O_WRONLY);
    if (fd < 0)
        return -1;
    int r = write(fd, v, strlen(v));
    int e = errno;
    close(fd);
    errno = e;
    return r;
}

static int read_sysctl(void)
{
    char buf[16] = {0};
    int fd = open("/proc/sys/kernel/randomize_va_space", O_RDONLY);
    if (fd < 0)
        return -100;
    int n = read(fd, buf, sizeof buf - 1);
    close(fd);
    return n > 1 && buf[n - 1] == '\n' ? atoi(buf) : -100;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "child"))
        return child();
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, 0);
    const char *self = argv[0];

    printf("-- personality\n");
    EQ(personality(0xffffffff), 0);
    EQ(personality(0x0fffffff), 0);
    EQ(personality(0xffffffff), 0x0fffffff);
    EQ(personality(PER_LINUX), 0x0fffffff);
    EQ(personality(ADDR_NO_RANDOMIZE), 0);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        _exit(personality(0xffffffff) == ADDR_NO_RANDOMIZE ? 0 : 1);
    int st;
    waitpid(pid, &st, 0);
    truth("fork keeps the personality", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    EQ(personality(PER_LINUX), ADDR_NO_RANDOMIZE);

    /* READ_IMPLIES_EXEC: what is mapped or made readable is executable too. */
    EQ(personality(READ_IMPLIES_EXEC), 0);
    char *m = mmap(0, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *w = mmap(0, 4096, PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EQ(mprotect(w, 4096, PROT_READ | PROT_WRITE), 0);
    EQ(personality(PER_LINUX), READ_IMPLIES_EXEC);
    truth("READ_IMPLIES_EXEC: mmap(PROT_READ) is r-x", !strcmp(maps_perms(m), "r-xp"));
    truth("READ_IMPLIES_EXEC: mprotect(PROT_READ|PROT_WRITE) is rwx", !strcmp(maps_perms(w), "rwxp"));
    EQ(mprotect(m, 4096, PROT_READ), 0);
    truth("without it: r--", !strcmp(maps_perms(m), "r--p"));
    munmap(m, 8192);
    munmap(w, 4096);

    struct layout l;
    EQ(run(self, ADDR_NO_RANDOMIZE | READ_IMPLIES_EXEC | STICKY_TIMEOUTS, &l), 0);
    truth("exec keeps ADDR_NO_RANDOMIZE and STICKY_TIMEOUTS, drops READ_IMPLIES_EXEC",
          reply_pers(&l) == (ADDR_NO_RANDOMIZE | STICKY_TIMEOUTS));

    printf("-- randomize_va_space\n");
    EQ(read_sysctl(), 2);
    /* Linux's handler is proc_dointvec: any int is taken. */
    EQ(write_sysctl("3"), 1);
    EQ(read_sysctl(), 3);
    EQ(write_sysctl(" -1\n"), 4);
    EQ(read_sysctl(), -1);
    ERR(write_sysctl("x"), EINVAL);
    ERR(write_sysctl("1x"), EINVAL);
    ERR(write_sysctl("4294967296"), EINVAL);
    EQ(read_sysctl(), -1);
    EQ(write_sysctl("2"), 1);
    EQ(read_sysctl(), 2);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        if (setuid(1000))
            _exit(2);
        _exit(write_sysctl("0") == -1 && errno == EACCES ? 0 : 1);
    }
    waitpid(pid, &st, 0);
    truth("a user may not write it (EACCES)", WIFEXITED(st) && WEXITSTATUS(st) == 0);

    self_checks(self, "randomized", -1, 1, 1);
    pie_checks("randomized", -1, 1);
    self_checks(self, "ADDR_NO_RANDOMIZE", ADDR_NO_RANDOMIZE, 0, 0);
    pie_checks("ADDR_NO_RANDOMIZE", ADDR_NO_RANDOMIZE, 0);

    EQ(write_sysctl("0\n"), 2);
    EQ(read_sysctl(), 0);
    self_checks(self, "randomize_va_space 0", -1, 0, 0);
    EQ(write_sysctl("1"), 1);
    EQ(read_sysctl(), 1);
    struct layout a, b;
    printf("-- randomize_va_space 1\n");
    EQ(run(self, -1, &a), 0);
    EQ(run(self, -1, &b), 0);
    differs("stack top", a.stack_end != b.stack_end, 1);
    differs("mmap", reply_mmap(&a) != reply_mmap(&b), 1);
    differs("brk", a.start_brk != b.start_brk, 0);
    truth("brk at the end of .bss", a.start_brk == PAGE_UP((unsigned long)&end));
    EQ(write_sysctl("2"), 1);
    EQ(read_sysctl(), 2);
    return summary();
}
