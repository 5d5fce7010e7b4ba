/*
 * tmpfs says it is tmpfs: statfs's f_type (TMPFS_MAGIC) for the root and a
 * tmpfs mount, RAMFS_MAGIC for a ramfs mount, and the type /proc/mounts
 * names for each mount.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include "musl_check.h"

static void show_mount(const char *where)
{
    char line[512];
    FILE *f = fopen("/proc/mounts", "r");
    if (!f) {
        printf("no /proc/mounts\n");
        return;
    }
    while (fgets(line, sizeof(line), f)) {
        char dev[128], dir[128], type[64];
        if (sscanf(line, "%127s %127s %63s", dev, dir, type) == 3 && !strcmp(dir, where))
            printf("%s: %s %s\n", where, dev, type);
    }
    fclose(f);
}

int main(void)
{
    struct statfs s;
    EQ(statfs("/", &s), 0);
    printf("/: f_type 0x%lx\n", (unsigned long)s.f_type);
    TRUE(s.f_type == 0x01021994);
    mkdir("/proc", 0555);
    mkdir("/mnt", 0755);
    mkdir("/r", 0755);
    EQ(mount("proc", "/proc", "proc", 0, 0), 0);
    EQ(mount("none", "/mnt", "tmpfs", 0, 0), 0);
    EQ(statfs("/mnt", &s), 0);
    printf("/mnt: f_type 0x%lx\n", (unsigned long)s.f_type);
    TRUE(s.f_type == 0x01021994);
    EQ(mount("ramdisk", "/r", "ramfs", 0, 0), 0);
    EQ(statfs("/r", &s), 0);
    printf("/r: f_type 0x%lx\n", (unsigned long)s.f_type);
    TRUE(s.f_type == 0x858458f6);
    show_mount("/mnt");
    show_mount("/r");
    show_mount("/proc");
    umount("/r");
    umount("/mnt");
    return summary();
}
