/*
 * Directory reading on the in-memory file system, as Linux's tmpfs/ramfs
 * answer it (fs/libfs.c dcache_readdir): entries in getdents64 order, newest
 * first, with their d_off positions; a reader that goes on after entries were
 * created and removed; hard links and renames in the listing; telldir-style
 * lseek back to a position; lseek's errors on a directory; and a directory of
 * several thousand names looked up one by one.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "musl_check.h"

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

/* Prints up to `max` entries (all if max < 0) read through a buffer of bufsize; returns how many. */
static int list(int fd, int max, size_t bufsize, int show_off)
{
    char buf[4096];
    int n = 0;
    for (;;) {
        if (max >= 0 && n >= max)
            break;
        size_t want = bufsize;
        long r = syscall(SYS_getdents64, fd, buf, want);
        if (r < 0) {
            printf("getdents64: -1 %s\n", ename(errno));
            return n;
        }
        if (r == 0)
            break;
        for (long at = 0; at < r;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + at);
            if (show_off)
                printf("  %s (d_off %lld, type %d)\n", d->d_name, (long long)d->d_off, d->d_type);
            else
                printf("  %s\n", d->d_name);
            n++;
            at += d->d_reclen;
        }
    }
    return n;
}

/* One entry per call: the reclen of ".." etc. fits 24..32 bytes; 40 holds exactly one short name. */
#define ONE 40

static void touch(const char *name)
{
    int fd = open(name, O_CREAT | O_WRONLY, 0644);
    if (fd < 0)
        printf("FAIL: create %s: %s\n", name, ename(errno));
    else
        close(fd);
}

int main(void)
{
    OK(mkdir("/tmp", 0755) == 0 || errno == EEXIST ? 0 : -1);
    OK(mkdir("/tmp/d", 0755));
    OK(chdir("/tmp/d"));
    const char *names[] = {"a", "b", "c", "d", "e"};
    for (int i = 0; i < 5; i++)
        touch(names[i]);

    printf("== order and positions ==\n");
    int fd = open(".", O_RDONLY | O_DIRECTORY);
    OK(fd);
    EQ(list(fd, -1, sizeof(char[4096]), 1), 7);

    printf("== a hard link and a rename are listed, newest first ==\n");
    OK(link("a", "f"));
    OK(rename("c", "g"));
    EQ(lseek(fd, 0, SEEK_SET), 0);
    EQ(list(fd, -1, 4096, 0), 8); /* . .. g f e d b a */

    printf("== a reader goes on after changes ==\n");
    EQ(lseek(fd, 0, SEEK_SET), 0);
    EQ(list(fd, 4, ONE, 0), 4); /* . .. g f */
    touch("h");                 /* newer than where the reader is: not seen */
    OK(unlink("b"));            /* older, not yet read: gone */
    OK(unlink("f"));            /* the last one read: the reader is not lost */
    EQ(list(fd, -1, 4096, 0), 3); /* e d a */

    printf("== telldir and seekdir ==\n");
    EQ(lseek(fd, 0, SEEK_SET), 0);
    EQ(list(fd, 3, ONE, 0), 3); /* . .. h */
    long here = lseek(fd, 0, SEEK_CUR);
    EQ(here, 3);
    EQ(list(fd, -1, 4096, 0), 4); /* g e d a */
    EQ(lseek(fd, here, SEEK_SET), 3);
    EQ(list(fd, -1, 4096, 0), 4);
    EQ(lseek(fd, 5, SEEK_SET), 5);
    EQ(list(fd, -1, 4096, 0), 2); /* d a */
    EQ(lseek(fd, 100, SEEK_SET), 100);
    EQ(list(fd, -1, 4096, 0), 0);
    EQ(lseek(fd, -1, SEEK_CUR), 99);
    ERR(lseek(fd, -1, SEEK_SET), EINVAL);
    ERR(lseek(fd, 0, SEEK_END), EINVAL);
    close(fd);

    printf("== readdir(3) through musl ==\n");
    DIR *dir = opendir(".");
    TRUE(dir != NULL);
    int seen = 0;
    struct dirent *de;
    while (dir && (de = readdir(dir))) {
        printf("  %s\n", de->d_name);
        seen++;
    }
    EQ(seen, 7);
    if (dir)
        closedir(dir);

    printf("== a directory of 3000 names ==\n");
    OK(mkdir("/tmp/big", 0755));
    OK(chdir("/tmp/big"));
    char name[32];
    for (int i = 0; i < 3000; i++) {
        snprintf(name, sizeof name, "file%04d", i);
        touch(name);
    }
    int found = 0;
    struct stat st;
    for (int i = 0; i < 3000; i++) {
        snprintf(name, sizeof name, "file%04d", i);
        found += stat(name, &st) == 0;
    }
    EQ(found, 3000);
    ERR(stat("file3000", &st), ENOENT);
    for (int i = 0; i < 3000; i += 2) {
        snprintf(name, sizeof name, "file%04d", i);
        if (unlink(name))
            printf("FAIL: unlink %s\n", name);
    }
    fd = open(".", O_RDONLY | O_DIRECTORY);
    char buf[4096];
    long r, entries = 0, odd_in_order = 1, last = 4000;
    while ((r = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
        for (long at = 0; at < r;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + at);
            if (d->d_name[0] == 'f') {
                int k = 0;
                sscanf(d->d_name, "file%d", &k);
                if (k % 2 == 0 || k >= last)
                    odd_in_order = 0;
                last = k;
            }
            entries++;
            at += d->d_reclen;
        }
    }
    EQ(entries, 1502);
    TRUE(odd_in_order); /* the odd names remain, newest first */
    close(fd);
    return summary();
}
