/*
 * /proc/self/fd/N of an unlinked file is a magic link: it reaches the file
 * itself (stat, open, read) although its name, "... (deleted)", leads
 * nowhere; ./trapgate exec's stdin from a regular file is one.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "musl_check.h"

int main(void)
{
    mkdir("/proc", 0555);
    EQ(mount("proc", "/proc", "proc", 0, 0), 0);
    int fd = open("/tmp/gone", O_CREAT | O_RDWR, 0600);
    EQ(write(fd, "still here", 10), 10);
    EQ(unlink("/tmp/gone"), 0);
    char link[64], target[128] = "";
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    EQ(readlink(link, target, sizeof(target) - 1), 19);
    printf("link: %s\n", target);
    struct stat st;
    EQ(stat(link, &st), 0);
    TRUE(S_ISREG(st.st_mode) && st.st_size == 10 && st.st_nlink == 0);
    int again = open(link, O_RDONLY);
    TRUE(again >= 0);
    char buf[16] = "";
    EQ(read(again, buf, sizeof(buf)), 10);
    TRUE(!memcmp(buf, "still here", 10));
    ERR(open("/tmp/gone", O_RDONLY), ENOENT);
    ERR(stat("/tmp/gone (deleted)", &st), ENOENT);
    close(again);
    close(fd);
    ERR(stat(link, &st), ENOENT);
    return summary();
}
