/*
 * sysfs's CPU files, as C libraries read them: /sys/devices/system/cpu/online
 * and present name the CPUs as Linux's cpulist ("0-1"), offline is empty when
 * all run, cpuN directories exist for each, cpuN/online says 1 (not for the
 * boot CPU, which cannot go offline), and the count agrees with
 * sched_getaffinity (musl's sysconf) and /proc/cpuinfo.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "musl_check.h"

static char *slurp(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(buf, sizeof(buf), "(cannot open: %s)", ename(errno));
        return buf;
    }
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

int main(void)
{
    mkdir("/sys", 0755);
    EQ(mount("sysfs", "/sys", "sysfs", 0, NULL), 0);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    char want[32];
    if (n == 1)
        snprintf(want, sizeof(want), "0\n");
    else
        snprintf(want, sizeof(want), "0-%ld\n", n - 1);
    char *s = slurp("/sys/devices/system/cpu/online");
    printf("online: %s", s);
    TRUE(!strcmp(s, want));
    s = slurp("/sys/devices/system/cpu/present");
    TRUE(!strcmp(s, want));
    s = slurp("/sys/devices/system/cpu/possible");
    TRUE(!strcmp(s, want));
    s = slurp("/sys/devices/system/cpu/offline");
    TRUE(!strcmp(s, "\n"));

    int dirs = 0, others = 0;
    DIR *d = opendir("/sys/devices/system/cpu");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!strncmp(e->d_name, "cpu", 3) && e->d_name[3] >= '0' && e->d_name[3] <= '9')
            dirs += e->d_type == DT_DIR;
        else if (!strcmp(e->d_name, "online") || !strcmp(e->d_name, "present") || !strcmp(e->d_name, "possible") ||
                 !strcmp(e->d_name, "offline") || !strcmp(e->d_name, "kernel_max"))
            others++;
    }
    if (d)
        closedir(d);
    EQ(dirs, n);
    EQ(others, 5);
    struct stat st;
    EQ(stat("/sys/devices/system/cpu/cpu0", &st), 0);
    TRUE(S_ISDIR(st.st_mode));
    ERR(stat("/sys/devices/system/cpu/cpu0/online", &st), ENOENT);
    if (n > 1) {
        s = slurp("/sys/devices/system/cpu/cpu1/online");
        TRUE(!strcmp(s, "1\n"));
    }
    char path[64];
    snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%ld", n);
    ERR(stat(path, &st), ENOENT);
    ERR(stat("/sys/devices/system/cpu/cpu01", &st), ENOENT);
    EQ(stat("/sys/kernel", &st), 0);
    /* A directory read from anywhere lseek puts it: past the end, nothing
     * (the fuzzer's seed 6022 overflowed the position). */
    int dfd = open("/sys/devices/system/cpu", O_RDONLY | O_DIRECTORY);
    char dbuf[512];
    EQ(lseek(dfd, 0x7fffffffL, SEEK_SET), 0x7fffffffL);
    EQ(syscall(SYS_getdents64, dfd, dbuf, sizeof(dbuf)), 0);
    ERR(lseek(dfd, 0x80000001L, SEEK_SET), EINVAL); /* Linux stops at INT_MAX */
    EQ(syscall(SYS_getdents64, dfd, dbuf, sizeof(dbuf)), 0);
    close(dfd);
    EQ(umount("/sys"), 0);
    return summary();
}
