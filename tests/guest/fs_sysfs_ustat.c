/*
 * The old sysfs(2) (file system type names by index) agrees with
 * /proc/filesystems; ustat(2) answers for a mounted device and EINVAL for
 * any other; the errors of both.
 */
#define _GNU_SOURCE
#include "musl_check.h"
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

struct ustat_k {
    int f_tfree;
    unsigned long f_tinode;
    char f_fname[6];
    char f_fpack[6];
};

int main(void)
{
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, 0);
    long n = syscall(SYS_sysfs, 3);
    TRUE(n > 0);
    /* Every name by index is in /proc/filesystems and gives its index back. */
    FILE *f = fopen("/proc/filesystems", "r");
    char all[4096] = {0};
    fread(all, 1, sizeof all - 1, f);
    fclose(f);
    int ok = 1;
    for (long i = 0; i < n; i++) {
        char name[64] = {0}, line[80];
        if (syscall(SYS_sysfs, 2, i, name))
            ok = 0;
        snprintf(line, sizeof line, "\t%s\n", name);
        if (!strstr(all, line) || syscall(SYS_sysfs, 1, name) != i)
            ok = 0;
    }
    TRUE(ok);
    TRUE(syscall(SYS_sysfs, 1, "proc") >= 0);
    TRUE(syscall(SYS_sysfs, 1, "tmpfs") >= 0);
    ERR(syscall(SYS_sysfs, 1, "ext0"), EINVAL);
    ERR(syscall(SYS_sysfs, 1, (char *)8), EFAULT);
    char buf[64];
    ERR(syscall(SYS_sysfs, 2, n, buf), EINVAL);
    ERR(syscall(SYS_sysfs, 2, 0, (char *)8), EFAULT);
    ERR(syscall(SYS_sysfs, 0), EINVAL);
    ERR(syscall(SYS_sysfs, 4), EINVAL);

    SECTION("ustat");
    mkdir("/t", 0755);
    EQ(mount("none", "/t", "tmpfs", 0, "nr_inodes=100"), 0);
    struct stat st;
    EQ(stat("/t", &st), 0);
    struct ustat_k u;
    memset(&u, 0x55, sizeof u);
    EQ(syscall(SYS_ustat, (unsigned)st.st_dev, &u), 0);
    printf("tinode %lu fname \"%.6s\" fpack \"%.6s\"\n", u.f_tinode, u.f_fname, u.f_fpack);
    TRUE(u.f_tfree >= 0);
    EQ(stat("/proc", &st), 0);
    EQ(syscall(SYS_ustat, (unsigned)st.st_dev, &u), 0);
    ERR(syscall(SYS_ustat, (unsigned)makedev(250, 17), &u), EINVAL);
    EQ(stat("/t", &st), 0);
    ERR(syscall(SYS_ustat, (unsigned)st.st_dev, (void *)8), EFAULT);
    return summary();
}
