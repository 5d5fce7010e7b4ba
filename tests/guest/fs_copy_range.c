/*
 * copy_file_range: at given offsets (written back, positions unmoved) or at
 * the files' positions (moved), short at the source's end, 0 past it, and
 * the errors: flags, bad descriptors, O_APPEND, directories, pipes,
 * overlapping ranges of one file, overflowing offsets.
 */
#define _GNU_SOURCE
#include "musl_check.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static long cfr(int a, loff_t *oa, int b, loff_t *ob, size_t n, unsigned f)
{
    return syscall(SYS_copy_file_range, a, oa, b, ob, n, f);
}

int main(void)
{
    int in = open("/in", O_CREAT | O_RDWR, 0644);
    EQ(write(in, "0123456789", 10), 10);
    int out = open("/out", O_CREAT | O_RDWR, 0644);
    loff_t oi = 2, oo = 5;
    EQ(cfr(in, &oi, out, &oo, 4, 0), 4);
    EQ(oi, 6);
    EQ(oo, 9);
    EQ(lseek(in, 0, SEEK_CUR), 10);
    EQ(lseek(out, 0, SEEK_CUR), 0);
    lseek(in, 7, SEEK_SET);
    EQ(cfr(in, NULL, out, NULL, 100, 0), 3); /* short at the end */
    EQ(lseek(in, 0, SEEK_CUR), 10);
    EQ(lseek(out, 0, SEEK_CUR), 3);
    EQ(cfr(in, NULL, out, NULL, 100, 0), 0);
    char buf[16] = {0};
    EQ(pread(out, buf, sizeof buf, 0), 9);
    printf("out: \"%.3s\" then %d zeroes then \"%.4s\"\n", buf, buf[3] == 0 && buf[4] == 0, buf + 5);
    oi = 0;
    EQ(cfr(in, &oi, out, NULL, 0, 0), 0);

    SECTION("errors");
    ERR(cfr(in, NULL, out, NULL, 1, 1), EINVAL);
    ERR(cfr(99, NULL, out, NULL, 1, 0), EBADF);
    ERR(cfr(in, NULL, 99, NULL, 1, 0), EBADF);
    int ap = open("/out", O_WRONLY | O_APPEND);
    oi = 0;
    ERR(cfr(in, &oi, ap, NULL, 1, 0), EBADF);
    int wo = open("/in", O_WRONLY);
    ERR(cfr(wo, &oi, out, NULL, 1, 0), EBADF);
    mkdir("/d", 0755);
    int d = open("/d", O_RDONLY | O_DIRECTORY);
    ERR(cfr(d, &oi, out, NULL, 1, 0), EISDIR);
    int p[2];
    pipe(p);
    ERR(cfr(in, &oi, p[1], NULL, 1, 0), EINVAL);
    loff_t a = 0, b = 2;
    ERR(cfr(in, &a, in, &b, 5, 0), EINVAL); /* overlapping */
    a = 0, b = 5;
    EQ(cfr(in, &a, in, &b, 5, 0), 5);
    a = 0x7ffffffffffffff0LL; /* past the end: nothing to copy */
    b = 0;
    EQ(cfr(in, &a, out, &b, 100, 0), 0);
    ERR(cfr(in, (loff_t *)8, out, NULL, 1, 0), EFAULT);
    return summary();
}
