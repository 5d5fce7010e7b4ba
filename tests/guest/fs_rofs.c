/*
 * Read-only mounts: a tmpfs remounted MS_RDONLY refuses every change with
 * EROFS (open for writing, O_CREAT, O_TRUNC, mkdir, mknod, symlink, link,
 * unlink, rmdir, rename, chmod, chown, utimes, truncate, setxattr, access
 * W_OK) while reads, a FIFO on it and EEXIST still answer as before; statfs
 * says ST_RDONLY and /proc/mounts "ro"; MS_REMOUNT brings writes back;
 * MS_BIND | MS_REMOUNT | MS_RDONLY makes only that mount read-only; a mount
 * made MS_RDONLY starts read-only.
 */
#define _GNU_SOURCE
#include "musl_check.h"
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>

static void show_mount(const char *dir)
{
    char line[512], want[64];
    snprintf(want, sizeof want, " %s ", dir);
    FILE *f = fopen("/proc/mounts", "r");
    while (f && fgets(line, sizeof line, f))
        if (strstr(line, want))
            printf("mounts: %s", line);
    if (f)
        fclose(f);
}

static void show_statvfs(const char *path)
{
    struct statvfs st;
    EQ(statvfs(path, &st), 0);
    printf("statvfs(%s): rdonly %d\n", path, !!(st.f_flag & ST_RDONLY));
}

/* Every change to /r is refused; what only reads still works. */
static void refused(void)
{
    ERR(open("/r/file", O_WRONLY), EROFS);
    ERR(open("/r/file", O_RDWR), EROFS);
    ERR(open("/r/file", O_RDONLY | O_TRUNC), EROFS);
    ERR(open("/r/new", O_CREAT | O_WRONLY, 0644), EROFS);
    ERR(open("/r/file", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
    ERR(creat("/r/new", 0644), EROFS);
    ERR(mkdir("/r/newdir", 0755), EROFS);
    ERR(mkdir("/r/dir", 0755), EEXIST);
    ERR(mknod("/r/fifo2", S_IFIFO | 0644, 0), EROFS);
    ERR(symlink("file", "/r/link"), EROFS);
    ERR(link("/r/file", "/r/file2"), EROFS);
    ERR(unlink("/r/file"), EROFS);
    ERR(unlink("/r/missing"), EROFS);
    ERR(rmdir("/r/dir"), EROFS);
    ERR(rename("/r/file", "/r/file3"), EROFS);
    ERR(chmod("/r/file", 0600), EROFS);
    ERR(chown("/r/file", 1, 1), EROFS);
    ERR(utimes("/r/file", NULL), EROFS);
    ERR(truncate("/r/file", 0), EROFS);
    ERR(setxattr("/r/file", "user.a", "b", 1, 0), EROFS);
    ERR(access("/r/file", W_OK), EROFS);
    EQ(access("/r/file", R_OK), 0);
    int fd = open("/r/file", O_RDONLY);
    TRUE(fd >= 0);
    ERR(fchmod(fd, 0600), EROFS);
    ERR(fchown(fd, 1, 1), EROFS);
    char buf[8] = {0};
    EQ(read(fd, buf, sizeof buf), 5);
    close(fd);
    /* A FIFO's data is not the file system's: it opens for writing. */
    fd = open("/r/fifo", O_RDWR);
    TRUE(fd >= 0);
    EQ(write(fd, "x", 1), 1);
    close(fd);
}

int main(void)
{
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, 0);
    mkdir("/r", 0755);

    SECTION("remount read-only");
    EQ(mount("none", "/r", "tmpfs", 0, NULL), 0);
    int fd = open("/r/file", O_CREAT | O_WRONLY, 0644);
    EQ(write(fd, "hello", 5), 5);
    close(fd);
    EQ(mkdir("/r/dir", 0755), 0);
    EQ(mkfifo("/r/fifo", 0644), 0);
    /* Refused while a file is open for writing, as Linux's
     * sb_prepare_remount_readonly, is not done yet: close first. */
    EQ(mount("none", "/r", NULL, MS_REMOUNT | MS_RDONLY, NULL), 0);
    show_mount("/r");
    show_statvfs("/r");
    refused();

    SECTION("remount read-write");
    EQ(mount("none", "/r", NULL, MS_REMOUNT, NULL), 0);
    show_mount("/r");
    show_statvfs("/r");
    EQ(chmod("/r/file", 0600), 0);
    EQ(unlink("/r/file"), 0);
    EQ(rmdir("/r/dir"), 0);

    SECTION("bind remount read-only");
    fd = open("/r/file", O_CREAT | O_WRONLY, 0644);
    EQ(write(fd, "hello", 5), 5);
    close(fd);
    EQ(mkdir("/r/dir", 0755), 0);
    EQ(mount(NULL, "/r", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), 0);
    show_mount("/r");
    show_statvfs("/r");
    refused();
    EQ(mount(NULL, "/r", NULL, MS_REMOUNT | MS_BIND, NULL), 0);
    show_mount("/r");
    EQ(unlink("/r/file"), 0);

    SECTION("mounted read-only");
    mkdir("/q", 0755);
    EQ(mount("none", "/q", "tmpfs", MS_RDONLY, NULL), 0);
    show_mount("/q");
    ERR(mkdir("/q/d", 0755), EROFS);
    ERR(open("/q/f", O_CREAT | O_RDWR, 0644), EROFS);
    EQ(umount("/q"), 0);
    EQ(umount("/r"), 0);
    return summary();
}
