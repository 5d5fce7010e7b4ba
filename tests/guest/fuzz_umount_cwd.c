/* Found by the fuzzer (seed 2024, smp 2): umount of the mount a process's
 * working directory is in left the mount pointing at its old mount point
 * after dropping the reference it held on it; once that directory was gone,
 * getcwd (and "..") walked a freed dentry: a kernel fault in d_path. Linux
 * makes a detached mount a tree of its own: ".." stops at its root and
 * getcwd says "(unreachable)". */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static void cwd(const char *when)
{
    char buf[256];
    if (getcwd(buf, sizeof(buf)))
        printf("%s: getcwd = \"%s\"\n", when, buf);
    else
        printf("%s: getcwd: %s\n", when, strerror(errno));
}

static void step(const char *what, int r)
{
    printf("%s = %d%s%s\n", what, r, r ? " " : "", r ? strerror(errno) : "");
}

int main(void)
{
    step("mkdir /tmp/m", mkdir("/tmp/m", 0755));
    step("mount tmpfs /tmp/m", mount("none", "/tmp/m", "tmpfs", 0, 0));
    step("mkdir /tmp/m/sub", mkdir("/tmp/m/sub", 0755));
    step("chdir /tmp/m/sub", chdir("/tmp/m/sub"));
    cwd("mounted");
    step("umount2 /tmp/m MNT_DETACH", umount2("/tmp/m", MNT_DETACH));
    cwd("detached");
    step("rmdir /tmp/m", rmdir("/tmp/m"));
    cwd("mount point removed");
    step("chdir ..", chdir(".."));
    cwd("after ..");
    step("chdir ..", chdir(".."));
    cwd("after .. at the detached root");
    struct stat st;
    step("stat sub", stat("sub", &st));
    step("chdir /", chdir("/"));
    cwd("back");
    return 0;
}
