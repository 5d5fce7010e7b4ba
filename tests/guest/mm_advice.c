/*
 * mm_advice: madvise advice that changes what fork copies, and mmap's
 * MAP_SHARED_VALIDATE, as Linux 6.1 (mm/madvise.c, mm/mmap.c do_mmap):
 *   - MADV_DONTFORK: the child has no mapping there (SIGSEGV), MADV_DOFORK
 *     undoes it; MADV_WIPEONFORK: the child gets the range zeroed (private
 *     anonymous memory only, else EINVAL), MADV_KEEPONFORK undoes it.
 *   - the advice Linux takes without a visible effect here (MADV_COLD,
 *     MADV_PAGEOUT) keeps the contents.
 *   - MAP_POPULATE brings the pages in (mincore says resident) unless
 *     MAP_NONBLOCK; without it anonymous pages wait for the first touch.
 *   - MAP_SHARED_VALIDATE: EINVAL for anonymous memory, EOPNOTSUPP for an
 *     unknown flag on a file; a plain shared file mapping works.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "musl_check.h"

#define PG 4096
#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18
#define MADV_KEEPONFORK 19
#endif
#ifndef MADV_COLD
#define MADV_COLD 20
#define MADV_PAGEOUT 21
#endif

/* In a child: the first byte at p, or "the child died of signal N". */
static int child_reads(volatile char *p)
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0)
        _exit(*p);
    int st = 0;
    waitpid(c, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

int main(void)
{
    char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    TRUE(p != MAP_FAILED);
    p[0] = 'a';
    p[PG] = 'b';

    SECTION("MADV_DONTFORK");
    EQ(madvise(p, PG, MADV_DONTFORK), 0);
    EQ(child_reads(p), 1000 + SIGSEGV);
    EQ(child_reads(p + PG), 'b');
    EQ(p[0], 'a');
    EQ(madvise(p, PG, MADV_DOFORK), 0);
    EQ(child_reads(p), 'a');

    SECTION("MADV_WIPEONFORK");
    EQ(madvise(p, PG, MADV_WIPEONFORK), 0);
    EQ(child_reads(p), 0);
    EQ(child_reads(p + PG), 'b');
    EQ(p[0], 'a');
    EQ(madvise(p, PG, MADV_KEEPONFORK), 0);
    EQ(child_reads(p), 'a');
    char *s = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ERR(madvise(s, PG, MADV_WIPEONFORK), EINVAL);
    munmap(s, PG);

    SECTION("hints");
    EQ(madvise(p, 2 * PG, MADV_COLD), 0);
    EQ(madvise(p, 2 * PG, MADV_PAGEOUT), 0);
    TRUE(p[0] == 'a' && p[PG] == 'b');
    ERR(madvise(p, 2 * PG, 999), EINVAL);

    SECTION("MAP_POPULATE");
    unsigned char vec[4];
    struct {
        const char *name;
        int flags;
        unsigned char want;
    } pop[] = {
        {"MAP_PRIVATE|MAP_ANONYMOUS|MAP_POPULATE", MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, 1},
        {"MAP_SHARED|MAP_ANONYMOUS|MAP_POPULATE", MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, 1},
        {"MAP_PRIVATE|MAP_ANONYMOUS|MAP_POPULATE|MAP_NONBLOCK", MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_NONBLOCK, 0},
        {"MAP_PRIVATE|MAP_ANONYMOUS", MAP_PRIVATE | MAP_ANONYMOUS, 0},
    };
    for (unsigned i = 0; i < sizeof pop / sizeof pop[0]; i++) {
        char *q = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, pop[i].flags, -1, 0);
        memset(vec, 7, sizeof vec);
        int r = q == MAP_FAILED ? -1 : mincore(q, 4 * PG, vec);
        printf("mincore after mmap(%s) = %d: %d %d %d %d\n", pop[i].name, r, vec[0], vec[1], vec[2], vec[3]);
        checks++;
        if (r || vec[0] != pop[i].want || vec[3] != pop[i].want) {
            failures++;
            printf("FAIL: mmap(%s) should leave the pages %s\n", pop[i].name, pop[i].want ? "resident" : "absent");
        }
        if (q != MAP_FAILED) {
            TRUE(q[0] == 0 && q[4 * PG - 1] == 0);
            munmap(q, 4 * PG);
        }
    }
    char *none = mmap(NULL, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    TRUE(none != MAP_FAILED); /* nothing to populate in PROT_NONE */
    munmap(none, PG);

    SECTION("MAP_SHARED_VALIDATE");
    ERR(mmap(NULL, PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0), EINVAL);
    mkdir("/tmp", 01777);
    int f = open("/tmp/advice", O_RDWR | O_CREAT | O_TRUNC, 0600);
    EQ(write(f, "file", 4), 4);
    ERR(mmap(NULL, PG, PROT_READ, MAP_SHARED_VALIDATE | 0x800000, f, 0), EOPNOTSUPP);
    ERR(mmap(NULL, PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_FIXED_NOREPLACE, f, 0), EOPNOTSUPP);
    char *m = mmap(NULL, PG, PROT_READ, MAP_SHARED_VALIDATE, f, 0);
    TRUE(m != MAP_FAILED && memcmp(m, "file", 4) == 0);
    close(f);
    unlink("/tmp/advice");
    return summary();
}
