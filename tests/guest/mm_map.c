/*
 * mm_map: memory mappings as Linux makes them (mm/mmap.c, mm/mremap.c,
 * mm/madvise.c, mm/mprotect.c, mm/msync.c, mm/filemap.c; mmap(2),
 * mremap(2), madvise(2), mprotect(2), msync(2), brk(2)).
 *   - a file MAP_PRIVATE: writes stay in the mapping (read() and another
 *     mapping see the file unchanged); MAP_SHARED: writes show through read()
 *     at once, and write() shows through the mapping.
 *   - mmap errors: EACCES for MAP_SHARED+PROT_WRITE on an O_RDONLY fd and for
 *     an O_WRONLY fd, EINVAL for an unaligned offset, length 0, or neither
 *     MAP_SHARED nor MAP_PRIVATE, EBADF, ENODEV for a directory or a pipe;
 *     MAP_FIXED replaces, MAP_FIXED_NOREPLACE is EEXIST over a mapping.
 *   - MAP_SHARED|MAP_ANONYMOUS is shared with a forked child (its writes are
 *     seen), MAP_PRIVATE|MAP_ANONYMOUS is copied.
 *   - mremap: shrink in place (the tail is gone: SIGSEGV), grow in place,
 *     ENOMEM when the next page is taken and MREMAP_MAYMOVE is missing, a move
 *     keeps the contents (also of a shared file mapping), EINVAL for
 *     MREMAP_FIXED without MAYMOVE, a zero new size or an unaligned address.
 *   - madvise(MADV_DONTNEED): private anonymous pages read as zeros again,
 *     a private file mapping shows the file again, a shared one keeps the
 *     data; EINVAL for an unknown advice or an unaligned start.
 *   - SIGBUS after the file is truncated under a mapping; extended again, the
 *     page reads zeros.
 *   - mprotect: PROT_NONE faults (SIGSEGV), EINVAL unaligned, EACCES making
 *     a shared mapping of a read-only fd writable.
 *   - munmap: a hole in the middle (SIGSEGV there, the rest intact); EINVAL
 *     for an unaligned address or zero length; unmapping nothing is fine.
 *   - msync: MS_SYNC works, MS_SYNC|MS_ASYNC is EINVAL.
 *   - brk: brk(0) is the break; it grows and the new memory is zeroed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "musl_check.h"

#define PG 4096L
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* The signal a child dies of when it touches addr (0 if none). */
static int touch_signal(volatile char *addr, int write)
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        if (write)
            *addr = 1;
        else
            (void)*addr;
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

static int make_file(const char *path, int pages, char fill)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    char buf[PG];
    for (int i = 0; i < pages; i++) {
        memset(buf, fill + i, PG);
        write(fd, buf, PG);
    }
    return fd;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    char buf[16];

    SECTION("MAP_PRIVATE file");
    {
        int fd = make_file("/tmp/priv", 2, 'a');
        char *m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        TRUE(m != MAP_FAILED);
        EQ(m[0], 'a');
        EQ(m[PG], 'b');
        m[0] = 'X';
        EQ(pread(fd, buf, 1, 0), 1);
        EQ(buf[0], 'a'); /* the file is unchanged */
        char *m2 = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0);
        EQ(m2[0], 'a');
        EQ(m[0], 'X');
        munmap(m2, PG);
        /* MADV_DONTNEED drops the private copy: the file shows again */
        EQ(madvise(m, PG, MADV_DONTNEED), 0);
        EQ(m[0], 'a');
        munmap(m, 2 * PG);
        close(fd);
    }

    SECTION("MAP_SHARED file");
    {
        int fd = make_file("/tmp/shared", 2, 'a');
        char *m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        TRUE(m != MAP_FAILED);
        m[1] = 'Y';
        EQ(pread(fd, buf, 2, 0), 2);
        EQ(buf[1], 'Y'); /* at once, without msync */
        EQ(pwrite(fd, "Z", 1, PG + 5), 1);
        EQ(m[PG + 5], 'Z');
        EQ(msync(m, 2 * PG, MS_SYNC), 0);
        ERR(msync(m, 2 * PG, MS_SYNC | MS_ASYNC), EINVAL);
        EQ(madvise(m, 2 * PG, MADV_DONTNEED), 0);
        EQ(m[1], 'Y'); /* shared: the data is the file's */
        /* mremap of a shared mapping keeps it shared */
        char *n = mremap(m, 2 * PG, 8 * PG, MREMAP_MAYMOVE);
        TRUE(n != MAP_FAILED);
        EQ(n[1], 'Y');
        n[2] = 'W';
        EQ(pread(fd, buf, 3, 0), 3);
        EQ(buf[2], 'W');
        munmap(n, 8 * PG);
        close(fd);
    }

    SECTION("mmap errors");
    {
        int fd = make_file("/tmp/errs", 1, 'e');
        int ro = open("/tmp/errs", O_RDONLY);
        int wo = open("/tmp/errs", O_WRONLY);
        ERR(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0), EACCES);
        void *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
        TRUE(p != MAP_FAILED); /* private: writes stay in memory */
        munmap(p, PG);
        ERR(mmap(NULL, PG, PROT_READ, MAP_SHARED, wo, 0), EACCES);
        ERR(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 100), EINVAL);
        ERR(mmap(NULL, 0, PROT_READ, MAP_PRIVATE, fd, 0), EINVAL);
        ERR(mmap(NULL, PG, PROT_READ, 0, fd, 0), EINVAL);
        ERR(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 99, 0), EBADF);
        int dir = open("/tmp", O_RDONLY);
        ERR(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, dir, 0), ENODEV);
        int pp[2];
        pipe(pp);
        ERR(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, pp[0], 0), ENODEV);
        close(pp[0]);
        close(pp[1]);
        close(dir);
        /* MAP_FIXED replaces, MAP_FIXED_NOREPLACE refuses */
        char *a = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        a[0] = 1;
        char *b = mmap(a, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        TRUE(b == a);
        EQ(a[0], 0); /* a fresh page */
        ERR(mmap(a, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0), EEXIST);
        ERR(mmap(a + 1, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), EINVAL);
        munmap(a, 2 * PG);
        close(fd);
        close(ro);
        close(wo);
    }

    SECTION("anonymous mappings across fork");
    {
        volatile int *sh = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        volatile int *pr = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        sh[0] = 1;
        pr[0] = 1;
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            sh[0] = 2;
            pr[0] = 2;
            sh[1] = pr[0];
            _exit(0);
        }
        waitpid(c, NULL, 0);
        EQ(sh[0], 2); /* the child's write is seen */
        EQ(sh[1], 2);
        EQ(pr[0], 1); /* a private copy */
        munmap((void *)sh, PG);
        munmap((void *)pr, PG);
    }

    SECTION("mremap");
    {
        /* reserve 4 pages, then map 2 of them */
        char *r = mmap(NULL, 4 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        munmap(r, 4 * PG);
        char *m = mmap(r, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        memset(m, 'm', 3 * PG);
        char *s = mremap(m, 3 * PG, PG, 0);
        TRUE(s == m); /* shrinks in place */
        EQ(touch_signal(m + PG, 0), SIGSEGV);
        EQ(m[PG - 1], 'm');
        char *g = mremap(m, PG, 2 * PG, 0);
        TRUE(g == m); /* grows in place: free space follows */
        EQ(m[PG + 5], 0); /* new pages are zero */
        EQ(m[5], 'm');
        /* block the next page: growing in place fails */
        char *blk = mmap(m + 2 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        TRUE(blk == m + 2 * PG);
        ERR(mremap(m, 2 * PG, 3 * PG, 0), ENOMEM);
        char *mv = mremap(m, 2 * PG, 3 * PG, MREMAP_MAYMOVE);
        TRUE(mv != MAP_FAILED && mv != m); /* moved */
        EQ(mv[5], 'm');
        EQ(mv[2 * PG], 0);
        EQ(touch_signal(m, 0), SIGSEGV); /* the old place is gone */
        ERR(mremap(mv, 3 * PG, 4 * PG, MREMAP_FIXED, m), EINVAL);
        ERR(mremap(mv, 3 * PG, 0, MREMAP_MAYMOVE), EINVAL);
        ERR(mremap(mv + 1, PG, 2 * PG, MREMAP_MAYMOVE), EINVAL);
        ERR(mremap(mv, 3 * PG, 4 * PG, 0x80), EINVAL);
        char *fx = mremap(mv, 3 * PG, 3 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, m - PG);
        TRUE(fx == m - PG || fx == MAP_FAILED);
        munmap(blk, PG);
        munmap(fx != MAP_FAILED ? fx : mv, 3 * PG);
    }

    SECTION("madvise");
    {
        char *a = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        memset(a, 'q', 2 * PG);
        EQ(madvise(a, PG, MADV_DONTNEED), 0);
        EQ(a[0], 0);       /* zeroed */
        EQ(a[PG], 'q');    /* the other page stays */
        EQ(madvise(a, 2 * PG, MADV_NORMAL), 0);
        EQ(madvise(a, 2 * PG, MADV_WILLNEED), 0);
        ERR(madvise(a + 1, PG, MADV_DONTNEED), EINVAL);
        ERR(madvise(a, PG, 12345), EINVAL);
        munmap(a, 2 * PG);
    }

    SECTION("SIGBUS after truncation");
    {
        int fd = make_file("/tmp/trunc", 2, 't');
        char *m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        EQ(m[PG], 'u');
        EQ(ftruncate(fd, PG), 0);
        EQ(touch_signal(m + PG, 0), SIGBUS);
        EQ(touch_signal(m + PG, 1), SIGBUS);
        EQ(m[10], 't');
        EQ(ftruncate(fd, 2 * PG), 0);
        EQ(m[PG], 0); /* back, as zeros */
        munmap(m, 2 * PG);
        close(fd);
    }

    SECTION("mprotect");
    {
        char *a = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        a[0] = 'p';
        EQ(mprotect(a, PG, PROT_NONE), 0);
        EQ(touch_signal(a, 0), SIGSEGV);
        EQ(touch_signal(a + PG, 1), 0);
        EQ(mprotect(a, PG, PROT_READ), 0);
        EQ(a[0], 'p');
        EQ(touch_signal(a, 1), SIGSEGV);
        /* raw: musl's mprotect rounds the address down itself */
        ERR(syscall(SYS_mprotect, a + 1, PG, PROT_READ), EINVAL);
        ERR(syscall(SYS_mprotect, a, PG, 0x100), EINVAL);
        munmap(a, 2 * PG);
        int fd = make_file("/tmp/prot", 1, 'r');
        int ro = open("/tmp/prot", O_RDONLY);
        char *m = mmap(NULL, PG, PROT_READ, MAP_SHARED, ro, 0);
        ERR(mprotect(m, PG, PROT_READ | PROT_WRITE), EACCES);
        if (mprotect(m, PG, PROT_READ | PROT_WRITE) == 0)
            m[0] = '!'; /* had it been allowed: would the file change? */
        EQ(pread(fd, buf, 1, 0), 1);
        EQ(buf[0], 'r'); /* a read-only descriptor never writes the file */
        munmap(m, PG);
        close(ro);
        close(fd);
    }

    SECTION("munmap");
    {
        char *a = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        memset(a, 'z', 3 * PG);
        EQ(munmap(a + PG, PG), 0);
        EQ(touch_signal(a + PG, 0), SIGSEGV);
        EQ(a[0], 'z');
        EQ(a[2 * PG], 'z');
        ERR(munmap(a + 1, PG), EINVAL);
        ERR(munmap(a, 0), EINVAL);
        EQ(munmap(a + PG, PG), 0); /* nothing there: fine */
        EQ(munmap(a, 3 * PG), 0);
    }

    SECTION("brk");
    {
        char *b0 = (char *)syscall(SYS_brk, 0);
        char *b1 = (char *)syscall(SYS_brk, b0 + 3 * PG);
        TRUE(b1 == b0 + 3 * PG);
        TRUE(b0[0] == 0 && b0[3 * PG - 1] == 0);
        b0[0] = 1;
        char *b2 = (char *)syscall(SYS_brk, b0 + PG);
        TRUE(b2 == b0 + PG);
        EQ(touch_signal(b0 + 2 * PG, 0), SIGSEGV);
        char *b3 = (char *)syscall(SYS_brk, b0 + 2 * PG);
        TRUE(b3 == b0 + 2 * PG);
        EQ(b0[PG + 10], 0); /* given back and taken again: zeros */
        char *b4 = (char *)syscall(SYS_brk, 1); /* below the start: unchanged */
        TRUE(b4 == b3);
    }
    return summary();
}
