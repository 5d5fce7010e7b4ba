/*
 * fs_tree: names, directories and inode attributes as Linux keeps them
 * (fs/namei.c, fs/stat.c, fs/readdir.c, fs/attr.c, fs/utimes.c, fs/open.c,
 * fs/d_path.c; path_resolution(7), mkdir(2), rmdir(2), unlink(2), rename(2),
 * link(2), symlink(2), readlink(2), getcwd(2), getdents64(2), stat(2),
 * statx(2), truncate(2), utimensat(2), umask(2), chmod(2), mknod(2)).
 * Only stable attributes are printed (mode, size, nlink, uid, gid; times only
 * when set explicitly); getdents64 names are sorted first.
 *   - mkdir/mkdirat: EEXIST (also over a dangling symlink), ENOENT for a
 *     missing parent, ENOTDIR through a file; nlink 2, +1 per subdirectory.
 *   - rmdir: ENOTEMPTY, ENOTDIR, EINVAL for a last component ".", ENOTEMPTY
 *     for "..", EBUSY for "/".
 *   - unlink/unlinkat: EISDIR for a directory, AT_REMOVEDIR, EINVAL for other
 *     flags, a symlink goes and its target stays, ENOTDIR with a trailing
 *     slash.
 *   - rename/renameat/renameat2: a file over a file, a directory over an empty
 *     one, ENOTEMPTY, EISDIR, ENOTDIR, EINVAL into its own subdirectory,
 *     EBUSY for ".", a no-op between two links of one inode,
 *     RENAME_NOREPLACE (EEXIST), RENAME_EXCHANGE (swap; ENOENT when the
 *     target is missing), EINVAL for both flags.
 *   - link/linkat: nlink counts, EEXIST, EPERM for a directory,
 *     AT_SYMLINK_FOLLOW or not.
 *   - symlink/readlink/readlinkat: the length without a NUL, truncation to
 *     the buffer, EINVAL on a non-link and for a zero size, ENOENT for an
 *     empty target; lstat size = target length.
 *   - resolution: "." and "..", ".." at the root, a symlinked directory, 40
 *     symlinks followed but not 41 (ELOOP), a loop is ELOOP, ENAMETOOLONG
 *     for a 256-byte component and a 4096-byte path (4095 is fine), trailing
 *     slashes (ENOTDIR on a file, EISDIR creating one).
 *   - chdir/fchdir/getcwd: ERANGE for a small buffer, ENOTDIR, ENOENT once
 *     the cwd is removed (and ENOENT creating in it).
 *   - getdents64: every name with its d_type, also through a tiny buffer;
 *     EINVAL for a buffer too small for one entry, ENOTDIR on a file;
 *     lseek 0 rewinds.
 *   - stat/lstat/fstat/newfstatat/statx: mode, size, nlink, uid, gid;
 *     AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH; EINVAL for bad flags.
 *   - truncate/ftruncate: extending reads zeros; EINVAL for a negative length,
 *     a read-only fd, a pipe; EISDIR for a directory.
 *   - utimensat: explicit times, UTIME_OMIT, UTIME_NOW, NULL; EINVAL for a
 *     bad tv_nsec or flags; AT_SYMLINK_NOFOLLOW touches the link.
 *   - umask and chmod/fchmod/fchmodat: creation modes, the file type kept,
 *     set-id bits, only 07777 used.
 *   - mknod/mkfifo: a FIFO; O_WRONLY|O_NONBLOCK without a reader is ENXIO.
 *   - access/faccessat as root: X_OK needs some execute bit on a file, not on
 *     a directory; EINVAL for a bad mode or flags.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "musl_check.h"

/* Not in this musl's headers: the system calls and structures by hand. */
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#define STATX_SIZE 0x200U
#define STATX_BASIC_STATS 0x7ffU
static int renameat2(int od, const char *o, int nd, const char *n, unsigned flags)
{
    return syscall(SYS_renameat2, od, o, nd, n, flags);
}
struct statx_time {
    int64_t tv_sec;
    uint32_t tv_nsec;
    int32_t reserved;
};
struct statx {
    uint32_t stx_mask, stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink, stx_uid, stx_gid;
    uint16_t stx_mode, pad0;
    uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
    struct statx_time stx_atime, stx_btime, stx_ctime, stx_mtime;
    uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
    uint64_t spare[14];
};
static int statx(int dfd, const char *path, int flags, unsigned mask, struct statx *sx)
{
    return syscall(SYS_statx, dfd, path, flags, mask, sx);
}

static void touch(const char *path, const char *data)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (data)
        write(fd, data, strlen(data));
    close(fd);
}

static const char *content(const char *path)
{
    static char buf[64];
    int fd = open(path, O_RDONLY);
    int n = fd < 0 ? 0 : read(fd, buf, sizeof buf - 1);
    buf[n < 0 ? 0 : n] = 0;
    if (fd >= 0)
        close(fd);
    return buf;
}

static long nlink(const char *path)
{
    struct stat st;
    return lstat(path, &st) ? -1 : (long)st.st_nlink;
}

static int is_dir(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static unsigned mode_of(const char *path)
{
    struct stat st;
    return lstat(path, &st) ? 0 : st.st_mode;
}

/* Lists a directory with getdents64 through a buffer of bufsize, sorted,
 * and checks the listing. */
static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static void list_dir(const char *path, size_t bufsize, const char *want)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    char buf[4096], line[2048];
    char *names[64];
    int n = 0;
    long r;
    while ((r = syscall(SYS_getdents64, fd, buf, bufsize)) > 0) {
        for (long off = 0; off < r;) {
            struct dirent *d = (struct dirent *)(buf + off);
            char *e = malloc(300);
            const char *t = d->d_type == DT_DIR ? "dir" : d->d_type == DT_REG ? "file"
                          : d->d_type == DT_LNK ? "symlink" : d->d_type == DT_FIFO ? "fifo" : "other";
            snprintf(e, 300, "%s (%s)", d->d_name, t);
            if (n < 64)
                names[n++] = e;
            off += d->d_reclen;
        }
    }
    if (r < 0)
        printf("getdents64: -1 %s\n", ename(errno));
    qsort(names, n, sizeof names[0], cmp);
    size_t len = 0;
    line[0] = 0;
    for (int i = 0; i < n; i++) {
        len += snprintf(line + len, sizeof line - len, "%s%s", i ? " " : "", names[i]);
        free(names[i]);
    }
    printf("%s through %zu bytes: %s\n", path, bufsize, line);
    checks++;
    if (strcmp(line, want) != 0) {
        failures++;
        printf("FAIL: expected: %s\n", want);
    }
    close(fd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct stat st;
    char buf[256];
    umask(022);
    EQ(mkdir("/tmp/t", 0755), 0);
    EQ(chdir("/tmp/t"), 0);

    SECTION("mkdir");
    EQ(mkdir("d", 0777), 0);
    EQ(mode_of("d"), S_IFDIR | 0755);
    EQ(nlink("d"), 2);
    ERR(mkdir("d", 0755), EEXIST);
    touch("f", "file");
    ERR(mkdir("f", 0755), EEXIST);
    ERR(mkdir("f/sub", 0755), ENOTDIR);
    ERR(mkdir("missing/sub", 0755), ENOENT);
    ERR(mkdir("", 0755), ENOENT);
    symlink("nowhere", "dangling");
    ERR(mkdir("dangling", 0755), EEXIST);
    EQ(mkdir("d/s1/", 0755), 0); /* a trailing slash is fine */
    EQ(nlink("d"), 3);
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    EQ(mkdirat(dfd, "s2", 0700), 0);
    EQ(mode_of("d/s2"), S_IFDIR | 0700);
    EQ(nlink("d"), 4);
    ERR(mkdirat(dfd, "s2", 0700), EEXIST);
    ERR(mkdirat(99, "x", 0700), EBADF);

    SECTION("rmdir");
    touch("d/s1/file", NULL);
    ERR(rmdir("d/s1"), ENOTEMPTY);
    ERR(rmdir("f"), ENOTDIR);
    ERR(rmdir("d/s2/."), EINVAL);
    ERR(rmdir("d/s2/.."), ENOTEMPTY);
    ERR(rmdir("/"), EBUSY);
    ERR(rmdir("missing"), ENOENT);
    EQ(rmdir("d/s2"), 0);
    EQ(nlink("d"), 3);
    ERR(rmdir("d/s2"), ENOENT);

    SECTION("unlink");
    ERR(unlink("d"), EISDIR);
    ERR(unlink("missing"), ENOENT);
    ERR(unlink("f/"), ENOTDIR);
    EQ(unlink("d/s1/file"), 0);
    ERR(unlinkat(AT_FDCWD, "d/s1", 0), EISDIR);
    ERR(unlinkat(AT_FDCWD, "d/s1", 0x1), EINVAL);
    ERR(unlinkat(AT_FDCWD, "f", AT_REMOVEDIR), ENOTDIR);
    EQ(unlinkat(dfd, "s1", AT_REMOVEDIR), 0);
    EQ(nlink("d"), 2);
    symlink("f", "lf");
    EQ(unlink("lf"), 0);
    EQ(strcmp(content("f"), "file"), 0); /* the target stays */

    SECTION("rename");
    touch("a", "AAA");
    touch("b", "BBB");
    EQ(rename("a", "b"), 0);
    ERR(access("a", F_OK), ENOENT);
    printf("b: %s\n", content("b"));
    TRUE(strcmp(content("b"), "AAA") == 0);
    EQ(mkdir("e1", 0755), 0);
    EQ(mkdir("e2", 0755), 0);
    EQ(rename("e1", "e2"), 0); /* over an empty directory */
    TRUE(is_dir("e2") && access("e1", F_OK) == -1);
    EQ(mkdir("e3", 0755), 0);
    touch("e3/x", NULL);
    ERR(rename("e2", "e3"), ENOTEMPTY);
    ERR(rename("b", "e2"), EISDIR);
    ERR(rename("e2", "b"), ENOTDIR);
    ERR(rename("e3", "e3/sub"), EINVAL);
    ERR(rename("d", "d/x/y"), ENOENT);
    ERR(rename("missing", "zz"), ENOENT);
    ERR(rename("e3/.", "zz"), EBUSY);
    ERR(rename("b", "missing/zz"), ENOENT);
    EQ(rename("b", "b"), 0);
    EQ(link("b", "b2"), 0);
    EQ(rename("b", "b2"), 0); /* the same inode: nothing happens */
    TRUE(access("b", F_OK) == 0 && access("b2", F_OK) == 0);
    EQ(nlink("b"), 2);
    unlink("b2");
    if (access("b", F_OK)) /* keep going if it was lost */
        touch("b", "AAA");
    /* a directory moved between parents: nlink follows */
    EQ(rename("e2", "d/e2"), 0);
    EQ(nlink("d"), 3);
    EQ(renameat(dfd, "e2", AT_FDCWD, "e2"), 0);
    EQ(nlink("d"), 2);
    touch("c", "CCC");
    ERR(renameat2(AT_FDCWD, "b", AT_FDCWD, "c", RENAME_NOREPLACE), EEXIST);
    EQ(renameat2(AT_FDCWD, "b", AT_FDCWD, "c", RENAME_EXCHANGE), 0);
    printf("b: %s\n", content("b"));
    printf("c: %s\n", content("c"));
    TRUE(strcmp(content("c"), "AAA") == 0);
    TRUE(strcmp(content("b"), "CCC") == 0);
    EQ(renameat2(AT_FDCWD, "b", AT_FDCWD, "e3", RENAME_EXCHANGE), 0); /* a file and a directory */
    TRUE(is_dir("b") && !is_dir("e3"));
    EQ(renameat2(AT_FDCWD, "b", AT_FDCWD, "e3", RENAME_EXCHANGE), 0);
    ERR(renameat2(AT_FDCWD, "b", AT_FDCWD, "nothere", RENAME_EXCHANGE), ENOENT);
    ERR(renameat2(AT_FDCWD, "b", AT_FDCWD, "c", RENAME_EXCHANGE | RENAME_NOREPLACE), EINVAL);
    ERR(renameat2(AT_FDCWD, "b", AT_FDCWD, "c", 0x100), EINVAL);
    EQ(renameat2(AT_FDCWD, "b", AT_FDCWD, "new", RENAME_NOREPLACE), 0);

    SECTION("link");
    touch("l1", "L");
    EQ(nlink("l1"), 1);
    EQ(link("l1", "l2"), 0);
    EQ(nlink("l1"), 2);
    EQ(link("l1", "d/l3"), 0);
    EQ(nlink("l2"), 3);
    ERR(link("l1", "l2"), EEXIST);
    ERR(link("d", "dlink"), EPERM);
    ERR(link("missing", "x"), ENOENT);
    EQ(unlink("l1"), 0);
    EQ(nlink("l2"), 2);
    symlink("l2", "sl");
    EQ(linkat(AT_FDCWD, "sl", AT_FDCWD, "hard_to_link", 0), 0);
    TRUE(S_ISLNK(mode_of("hard_to_link"))); /* the symlink itself */
    EQ(linkat(AT_FDCWD, "sl", AT_FDCWD, "hard_to_target", AT_SYMLINK_FOLLOW), 0);
    TRUE(S_ISREG(mode_of("hard_to_target")));
    EQ(nlink("l2"), 3);
    ERR(linkat(AT_FDCWD, "sl", AT_FDCWD, "x", 0x8000), EINVAL);

    SECTION("symlink and readlink");
    EQ(symlink("some/target", "s"), 0);
    EQ(readlink("s", buf, sizeof buf), 11);
    buf[11] = 0;
    printf("readlink: %s\n", buf);
    TRUE(strcmp(buf, "some/target") == 0);
    memset(buf, 'x', 16);
    EQ(readlink("s", buf, 4), 4); /* truncated, no NUL */
    TRUE(memcmp(buf, "somex", 5) == 0);
    ERR(syscall(SYS_readlink, "s", buf, 0), EINVAL); /* raw: musl answers a size of 0 itself */
    ERR(readlink("l2", buf, sizeof buf), EINVAL);
    ERR(readlink("d", buf, sizeof buf), EINVAL);
    ERR(readlink("missing", buf, sizeof buf), ENOENT);
    EQ(readlinkat(AT_FDCWD, "s", buf, sizeof buf), 11);
    EQ(symlinkat("../f", dfd, "up"), 0);
    EQ(readlinkat(dfd, "up", buf, sizeof buf), 4);
    printf("d/up -> %s\n", content("d/up"));
    TRUE(strcmp(content("d/up"), "file") == 0);
    ERR(symlink("", "empty"), ENOENT);
    ERR(symlink("x", "s"), EEXIST);
    EQ(lstat("s", &st), 0);
    TRUE(S_ISLNK(st.st_mode));
    EQ(st.st_mode & 07777, 0777);
    EQ(st.st_size, 11);

    SECTION("path resolution");
    EQ(stat("./d/../f", &st), 0);
    EQ(st.st_size, 4);
    EQ(stat("/../../tmp/../tmp/t/f", &st), 0);
    EQ(symlink("d", "ld"), 0);
    touch("d/inner", "IN");
    printf("ld/inner: %s\n", content("ld/inner"));
    TRUE(strcmp(content("ld/inner"), "IN") == 0);
    EQ(stat("ld/", &st), 0);
    TRUE(S_ISDIR(st.st_mode));
    EQ(symlink("loop2", "loop1"), 0);
    EQ(symlink("loop1", "loop2"), 0);
    ERR(open("loop1", O_RDONLY), ELOOP);
    ERR(stat("loop1/x", &st), ELOOP);
    EQ(lstat("loop1", &st), 0);
    /* chain: c0 -> f, c1 -> c0, ... */
    mkdir("chain", 0755);
    symlink("../f", "chain/c0");
    for (int i = 1; i <= 40; i++) {
        char from[32], to[32];
        snprintf(from, sizeof from, "c%d", i - 1);
        snprintf(to, sizeof to, "chain/c%d", i);
        symlink(from, to);
    }
    EQ(stat("chain/c39", &st), 0); /* 40 links */
    ERR(stat("chain/c40", &st), ELOOP); /* 41 */
    memset(buf, 'n', 255);
    buf[255] = 0;
    ERR(open(buf, O_RDONLY), ENOENT); /* 255 bytes: a valid name */
    char *name256 = malloc(300);
    memset(name256, 'n', 256);
    name256[256] = 0;
    ERR(open(name256, O_RDONLY), ENAMETOOLONG);
    ERR(mkdir(name256, 0755), ENAMETOOLONG);
    EQ(mkdir(buf, 0755), 0);
    EQ(rmdir(buf), 0);
    char *longpath = malloc(5000);
    memset(longpath, '/', 4096);
    strcpy(longpath + 4095 - 6, "tmp/t");
    printf("strlen(longpath) = %zu\n", strlen(longpath));
    EQ(stat(longpath, &st), 0); /* 4094 bytes + NUL */
    memset(longpath, '/', 4096);
    strcpy(longpath + 4096 - 5, "tmp/t");
    printf("strlen(longpath) = %zu\n", strlen(longpath));
    ERR(stat(longpath, &st), ENAMETOOLONG);
    memset(longpath, '/', 4096);
    strcpy(longpath + 4095 - 5, "tmp/t");
    EQ(stat(longpath, &st), 0); /* 4095 bytes + NUL = PATH_MAX */
    ERR(stat("f/", &st), ENOTDIR);
    ERR(stat("f/.", &st), ENOTDIR);
    ERR(open("f/", O_RDONLY), ENOTDIR);
    ERR(open("newfile/", O_RDWR | O_CREAT, 0644), EISDIR);
    ERR(access("newfile", F_OK), ENOENT);
    free(name256);
    free(longpath);

    SECTION("chdir, fchdir, getcwd");
    {
        char cwd[64];
        EQ(chdir("d"), 0);
        EQ(syscall(SYS_getcwd, cwd, sizeof cwd), 9); /* the length with the NUL */
        printf("cwd: %s\n", cwd);
        TRUE(strcmp(cwd, "/tmp/t/d") == 0);
        ERR(syscall(SYS_getcwd, cwd, 9 - 1), ERANGE);
        ERR(syscall(SYS_getcwd, cwd, 0), ERANGE);
        EQ(chdir(".."), 0);
        EQ(strcmp(getcwd(cwd, sizeof cwd), "/tmp/t"), 0);
        ERR(chdir("f"), ENOTDIR);
        ERR(chdir("missing"), ENOENT);
        int ffd = open("f", O_RDONLY);
        ERR(fchdir(ffd), ENOTDIR);
        close(ffd);
        ERR(fchdir(99), EBADF);
        EQ(fchdir(dfd), 0);
        getcwd(cwd, sizeof cwd);
        printf("after fchdir: %s\n", cwd);
        TRUE(strcmp(cwd, "/tmp/t/d") == 0);
        EQ(mkdir("/tmp/t/gone", 0755), 0);
        EQ(chdir("/tmp/t/gone"), 0);
        EQ(rmdir("/tmp/t/gone"), 0);
        ERR(syscall(SYS_getcwd, cwd, sizeof cwd), ENOENT);
        ERR(open("x", O_RDWR | O_CREAT, 0644), ENOENT);
        ERR(mkdir("y", 0755), ENOENT);
        EQ(stat(".", &st), 0);
        EQ(st.st_nlink, 0);
        EQ(chdir("/tmp/t"), 0);
    }

    SECTION("getdents64");
    {
        mkdir("ls", 0755);
        touch("ls/regular", NULL);
        mkdir("ls/subdir", 0755);
        symlink("regular", "ls/alink");
        mknod("ls/fifo", S_IFIFO | 0644, 0);
        for (int i = 0; i < 10; i++) {
            char p[32];
            snprintf(p, sizeof p, "ls/file%d", i);
            touch(p, NULL);
        }
        const char *want = ". (dir) .. (dir) alink (symlink) fifo (fifo) file0 (file) file1 (file) file2 (file) "
                           "file3 (file) file4 (file) file5 (file) file6 (file) file7 (file) file8 (file) "
                           "file9 (file) regular (file) subdir (dir)";
        list_dir("ls", 4096, want);
        list_dir("ls", 40, want); /* one or two entries per call */
        int fd = open("ls", O_RDONLY | O_DIRECTORY);
        ERR(syscall(SYS_getdents64, fd, buf, 10), EINVAL);
        long r1 = syscall(SYS_getdents64, fd, buf, sizeof buf);
        TRUE(r1 > 0);
        while (syscall(SYS_getdents64, fd, buf, sizeof buf) > 0)
            ;
        EQ(syscall(SYS_getdents64, fd, buf, sizeof buf), 0); /* the end */
        EQ(lseek(fd, 0, SEEK_SET), 0);
        TRUE(syscall(SYS_getdents64, fd, buf, sizeof buf) == r1); /* rewound: the same first batch */
        close(fd);
        fd = open("f", O_RDONLY);
        ERR(syscall(SYS_getdents64, fd, buf, sizeof buf), ENOTDIR);
        close(fd);
        ERR(syscall(SYS_getdents64, 99, buf, sizeof buf), EBADF);
    }

    SECTION("stat family");
    {
        touch("st", "12345");
        chmod("st", 0640);
        EQ(stat("st", &st), 0);
        EQ(st.st_mode, S_IFREG | 0640);
        EQ(st.st_size, 5);
        EQ(st.st_nlink, 1);
        EQ(st.st_uid, 0);
        EQ(st.st_gid, 0);
        symlink("st", "stl");
        EQ(lstat("stl", &st), 0);
        EQ(st.st_mode, S_IFLNK | 0777);
        EQ(st.st_size, 2);
        EQ(stat("stl", &st), 0);
        EQ(st.st_size, 5);
        EQ(fstatat(AT_FDCWD, "stl", &st, AT_SYMLINK_NOFOLLOW), 0);
        TRUE(S_ISLNK(st.st_mode));
        int fd = open("st", O_RDONLY);
        EQ(fstat(fd, &st), 0);
        EQ(st.st_size, 5);
        EQ(fstatat(fd, "", &st, AT_EMPTY_PATH), 0);
        EQ(st.st_mode, S_IFREG | 0640);
        ERR(fstatat(fd, "", &st, 0), ENOENT);
        ERR(fstatat(AT_FDCWD, "st", &st, 0x8), EINVAL);
        ERR(fstat(99, &st), EBADF);
        EQ(stat("d", &st), 0);
        EQ(st.st_mode, S_IFDIR | 0755);
        EQ(st.st_nlink, 2);
        struct statx sx;
        memset(&sx, 0, sizeof sx);
        EQ(statx(AT_FDCWD, "st", 0, STATX_BASIC_STATS, &sx), 0);
        TRUE((sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS);
        EQ(sx.stx_mode, S_IFREG | 0640);
        EQ(sx.stx_size, 5);
        EQ(sx.stx_nlink, 1);
        EQ(sx.stx_uid, 0);
        EQ(statx(fd, "", AT_EMPTY_PATH, STATX_SIZE, &sx), 0);
        EQ(sx.stx_size, 5);
        EQ(statx(AT_FDCWD, "stl", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx), 0);
        EQ(sx.stx_mode, S_IFLNK | 0777);
        ERR(statx(AT_FDCWD, "st", 0x6000, STATX_BASIC_STATS, &sx), EINVAL);
        ERR(statx(AT_FDCWD, "st", 0, 0x80000000u, &sx), EINVAL);
        ERR(statx(AT_FDCWD, "missing", 0, STATX_BASIC_STATS, &sx), ENOENT);
        close(fd);
    }

    SECTION("truncate and ftruncate");
    {
        touch("tr", "abc");
        EQ(truncate("tr", 10), 0);
        EQ(stat("tr", &st), 0);
        EQ(st.st_size, 10);
        int fd = open("tr", O_RDWR);
        memset(buf, 'x', 16);
        EQ(read(fd, buf, 16), 10);
        TRUE(memcmp(buf, "abc\0\0\0\0\0\0\0", 10) == 0);
        EQ(ftruncate(fd, 2), 0);
        EQ(pread(fd, buf, 16, 0), 2);
        EQ(lseek(fd, 0, SEEK_CUR), 10); /* the offset is not moved */
        ERR(ftruncate(fd, -1), EINVAL);
        ERR(truncate("tr", -1), EINVAL);
        ERR(truncate("d", 0), EISDIR);
        ERR(truncate("missing", 0), ENOENT);
        close(fd);
        fd = open("tr", O_RDONLY);
        ERR(ftruncate(fd, 0), EINVAL);
        close(fd);
        int p[2];
        pipe(p);
        ERR(ftruncate(p[1], 0), EINVAL);
        close(p[0]);
        close(p[1]);
        ERR(ftruncate(99, 0), EBADF);
    }

    SECTION("utimensat");
    {
        touch("ut", NULL);
        struct timespec ts[2] = {{1000000000, 123}, {1500000000, 456}};
        EQ(utimensat(AT_FDCWD, "ut", ts, 0), 0);
        EQ(stat("ut", &st), 0);
        EQ(st.st_atim.tv_sec, 1000000000);
        EQ(st.st_atim.tv_nsec, 123);
        EQ(st.st_mtim.tv_sec, 1500000000);
        EQ(st.st_mtim.tv_nsec, 456);
        ts[0].tv_nsec = UTIME_OMIT;
        ts[1] = (struct timespec){1600000000, 0};
        EQ(utimensat(AT_FDCWD, "ut", ts, 0), 0);
        EQ(stat("ut", &st), 0);
        EQ(st.st_atim.tv_sec, 1000000000); /* omitted: unchanged */
        EQ(st.st_mtim.tv_sec, 1600000000);
        struct timespec before, after;
        clock_gettime(CLOCK_REALTIME, &before);
        ts[0].tv_nsec = UTIME_NOW;
        ts[1].tv_nsec = UTIME_OMIT;
        EQ(utimensat(AT_FDCWD, "ut", ts, 0), 0);
        clock_gettime(CLOCK_REALTIME, &after);
        EQ(stat("ut", &st), 0);
        TRUE(st.st_atim.tv_sec >= before.tv_sec - 1 && st.st_atim.tv_sec <= after.tv_sec + 1);
        EQ(st.st_mtim.tv_sec, 1600000000);
        EQ(utimensat(AT_FDCWD, "ut", NULL, 0), 0);
        EQ(stat("ut", &st), 0);
        TRUE(st.st_mtim.tv_sec >= before.tv_sec - 1 && st.st_mtim.tv_sec <= after.tv_sec + 1);
        ts[0] = (struct timespec){0, 1000000000};
        ts[1] = (struct timespec){0, 0};
        ERR(utimensat(AT_FDCWD, "ut", ts, 0), EINVAL);
        ts[0].tv_nsec = -1;
        ERR(utimensat(AT_FDCWD, "ut", ts, 0), EINVAL);
        ts[0].tv_nsec = 0;
        ERR(utimensat(AT_FDCWD, "ut", ts, 0x4), EINVAL);
        ERR(utimensat(AT_FDCWD, "missing", ts, 0), ENOENT);
        symlink("ut", "utl");
        ts[0] = (struct timespec){2000, 0};
        ts[1] = (struct timespec){3000, 0};
        EQ(utimensat(AT_FDCWD, "utl", ts, AT_SYMLINK_NOFOLLOW), 0);
        EQ(lstat("utl", &st), 0);
        EQ(st.st_mtim.tv_sec, 3000);
        EQ(stat("utl", &st), 0);
        TRUE(st.st_mtim.tv_sec != 3000); /* the target is untouched */
        int fd = open("ut", O_RDONLY);
        EQ(futimens(fd, ts), 0);
        EQ(fstat(fd, &st), 0);
        EQ(st.st_mtim.tv_sec, 3000);
        close(fd);
    }

    SECTION("umask and chmod");
    {
        EQ(umask(027), 022);
        touch("um", NULL);
        EQ(mode_of("um"), S_IFREG | 0640);
        EQ(mkdir("umd", 0777), 0);
        EQ(mode_of("umd"), S_IFDIR | 0750);
        EQ(umask(01777), 027);
        EQ(umask(022), 0777); /* only 0777 is kept */
        EQ(chmod("um", 0604), 0);
        EQ(mode_of("um"), S_IFREG | 0604);
        EQ(chmod("um", 07755), 0);
        EQ(mode_of("um"), S_IFREG | 07755);
        EQ(chmod("um", 0177777), 0);
        EQ(mode_of("um"), S_IFREG | 07777); /* the type bits are ignored */
        EQ(chmod("umd", 0700), 0);
        EQ(mode_of("umd"), S_IFDIR | 0700);
        symlink("um", "uml");
        EQ(chmod("uml", 0600), 0); /* follows the link */
        EQ(mode_of("um"), S_IFREG | 0600);
        EQ(mode_of("uml"), S_IFLNK | 0777);
        int fd = open("um", O_RDONLY);
        EQ(fchmod(fd, 0444), 0);
        EQ(mode_of("um"), S_IFREG | 0444);
        EQ(fchmodat(dfd, "../um", 0644, 0), 0);
        EQ(mode_of("um"), S_IFREG | 0644);
        ERR(chmod("missing", 0644), ENOENT);
        ERR(fchmod(99, 0644), EBADF);
        close(fd);
    }

    SECTION("mknod and FIFOs");
    {
        EQ(mknod("fifo", S_IFIFO | 0640, 0), 0);
        EQ(mode_of("fifo"), S_IFIFO | 0640);
        ERR(mknod("fifo", S_IFIFO | 0640, 0), EEXIST);
        EQ(mkfifo("fifo2", 0600), 0);
        int r = open("fifo", O_RDONLY | O_NONBLOCK);
        TRUE(r >= 0);
        int w = open("fifo", O_WRONLY | O_NONBLOCK);
        TRUE(w >= 0);
        EQ(write(w, "ff", 2), 2);
        EQ(read(r, buf, 10), 2);
        close(w);
        close(r);
        ERR(open("fifo2", O_WRONLY | O_NONBLOCK), ENXIO);
        EQ(mknod("regular", S_IFREG | 0600, 0), 0);
        EQ(mode_of("regular"), S_IFREG | 0600);
        EQ(mknod("regular0", 0600, 0), 0); /* type 0 means a regular file */
        EQ(mode_of("regular0"), S_IFREG | 0600);
        ERR(mknod("bad", 0170000 | 0600, 0), EINVAL);
    }

    SECTION("access as root");
    {
        touch("ac", NULL);
        chmod("ac", 0644);
        EQ(access("ac", R_OK | W_OK), 0);
        ERR(access("ac", X_OK), EACCES); /* root needs one execute bit */
        chmod("ac", 0010);
        EQ(access("ac", X_OK), 0);
        EQ(access("ac", R_OK | W_OK), 0); /* root reads and writes a mode 010 file */
        chmod("umd", 0);
        EQ(access("umd", X_OK), 0); /* directories are always searchable by root */
        ERR(access("ac", 8), EINVAL);
        EQ(faccessat(dfd, "../ac", X_OK, 0), 0);
        ERR(faccessat(AT_FDCWD, "ac", F_OK, 0x8), EINVAL);
        ERR(access("missing", F_OK), ENOENT);
        ERR(access("f/x", F_OK), ENOTDIR);
    }
    close(dfd);
    return summary();
}
