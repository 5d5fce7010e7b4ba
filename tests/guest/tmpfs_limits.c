/*
 * tmpfs's size= and nr_inodes= (and mode=): statfs reports them and
 * TMPFS_MAGIC, /proc/mounts shows them, a write stops at the size and the
 * next one is ENOSPC, fallocate past it is ENOSPC, a file past nr_inodes is
 * ENOSPC, freed space comes back, remount changes them but not below what is
 * in use, and bad options are EINVAL.
 */
#define _GNU_SOURCE
#include "musl_check.h"
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

static void show_statfs(const char *path)
{
    struct statfs st;
    if (statfs(path, &st)) {
        printf("statfs(%s) = -1 %s\n", path, ename(errno));
        return;
    }
    printf("statfs(%s): type %#lx bsize %ld blocks %llu bfree %llu bavail %llu files %llu ffree %llu namelen %ld\n",
           path, (unsigned long)st.f_type, (long)st.f_bsize, (unsigned long long)st.f_blocks,
           (unsigned long long)st.f_bfree, (unsigned long long)st.f_bavail, (unsigned long long)st.f_files,
           (unsigned long long)st.f_ffree, (long)st.f_namelen);
}

static void show_mount(const char *dir)
{
    char line[512], want[64];
    snprintf(want, sizeof want, " %s ", dir);
    FILE *f = fopen("/proc/mounts", "r");
    int found = 0;
    while (f && fgets(line, sizeof line, f))
        if (strstr(line, want)) {
            printf("mounts: %s", line);
            found = 1;
        }
    if (f)
        fclose(f);
    if (!found)
        printf("mounts: no %s\n", dir);
}

static void show_mode(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0)
        printf("mode(%s) = %o\n", path, st.st_mode);
}

int main(void)
{
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, 0);
    mkdir("/t", 0755);

    printf("-- bad options\n");
    ERR(mount("none", "/t", "tmpfs", 0, "size=abc"), EINVAL);
    ERR(mount("none", "/t", "tmpfs", 0, "size=1q"), EINVAL);
    ERR(mount("none", "/t", "tmpfs", 0, "nr_inodes=10%"), EINVAL);
    ERR(mount("none", "/t", "tmpfs", 0, "frobnicate=1"), EINVAL);
    ERR(mount("none", "/t", "tmpfs", 0, "mode=9"), EINVAL);

    printf("-- size=64k,nr_inodes=8\n");
    EQ(mount("none", "/t", "tmpfs", 0, "size=64k,nr_inodes=8"), 0);
    show_statfs("/t");
    show_mount("/t");
    show_mode("/t");
    int fd = open("/t/f", O_CREAT | O_RDWR, 0644);
    static char buf[100000];
    memset(buf, 'x', sizeof buf);
    EQ(write(fd, buf, sizeof buf), 65536);
    ERR(write(fd, buf, 1), ENOSPC);
    show_statfs("/t");
    EQ(ftruncate(fd, 4096), 0);
    show_statfs("/t");
    ERR(fallocate(fd, 0, 0, 128 * 1024), ENOSPC);
    show_statfs("/t");
    EQ(fallocate(fd, 0, 0, 32 * 1024), 0);
    show_statfs("/t");
    EQ(lseek(fd, 0, SEEK_END), 32 * 1024);
    close(fd);

    printf("-- inodes\n");
    char name[32];
    int made = 0;
    for (int i = 0; i < 10; i++) {
        snprintf(name, sizeof name, "/t/n%d", i);
        int f2 = open(name, O_CREAT | O_WRONLY, 0644);
        if (f2 < 0) {
            printf("file %d: %s\n", i, ename(errno));
            break;
        }
        close(f2);
        made++;
    }
    printf("made %d files\n", made);
    ERR(mkdir("/t/d", 0755), ENOSPC);
    ERR(symlink("x", "/t/l"), ENOSPC);
    ERR(link("/t/n1", "/t/h"), ENOSPC);
    show_statfs("/t");
    EQ(unlink("/t/n0"), 0);
    EQ(mkdir("/t/d", 0755), 0);
    show_statfs("/t");

    printf("-- remount\n");
    ERR(mount("none", "/t", "tmpfs", MS_REMOUNT, "size=16k"), EINVAL);
    ERR(mount("none", "/t", "tmpfs", MS_REMOUNT, "nr_inodes=4"), EINVAL);
    EQ(mount("none", "/t", "tmpfs", MS_REMOUNT, "size=128k,nr_inodes=20"), 0);
    show_statfs("/t");
    show_mount("/t");
    EQ(link("/t/n1", "/t/h1"), 0);
    EQ(link("/t/n1", "/t/h2"), 0);
    show_statfs("/t");
    EQ(rename("/t/n2", "/t/h2"), 0); /* replaces a link of n1 */
    show_statfs("/t");
    EQ(unlink("/t/h1"), 0);
    show_statfs("/t");
    fd = open("/t/f", O_WRONLY | O_APPEND);
    EQ(write(fd, buf, sizeof buf), 65536 + 32768);
    close(fd);
    show_statfs("/t");
    EQ(unlink("/t/f"), 0);
    show_statfs("/t");
    EQ(umount("/t"), 0);

    printf("-- size=0 (unlimited), mode=700\n");
    EQ(mount("none", "/t", "tmpfs", 0, "size=0,nr_inodes=0,mode=700"), 0);
    show_statfs("/t");
    show_mount("/t");
    show_mode("/t");
    ERR(mount("none", "/t", "tmpfs", MS_REMOUNT, "size=1m"), EINVAL);
    ERR(mount("none", "/t", "tmpfs", MS_REMOUNT, "nr_inodes=100"), EINVAL);
    EQ(umount("/t"), 0);

    printf("-- nr_blocks=3, size in m\n");
    EQ(mount("none", "/t", "tmpfs", 0, "nr_blocks=3,nr_inodes=5"), 0); /* the default inodes: half of memory, which differs */
    show_statfs("/t");
    show_mount("/t");
    EQ(mount("none", "/t", "tmpfs", MS_REMOUNT, "size=2m"), 0);
    show_mount("/t");
    EQ(umount("/t"), 0);

    printf("-- defaults\n");
    EQ(mount("none", "/t", "tmpfs", 0, 0), 0);
    show_mount("/t");
    show_mode("/t");
    struct statfs st;
    EQ(statfs("/t", &st), 0);
    truth("TMPFS_MAGIC", st.f_type == 0x01021994);
    truth("a size and inodes by default", st.f_blocks > 0 && st.f_files > 0 && st.f_ffree == st.f_files - 1);
    EQ(umount("/t"), 0);
    return summary();
}
