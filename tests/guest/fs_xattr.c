/*
 * Extended attributes on the root file system (Linux: tmpfs; Trapgate:
 * ramfs), on /proc and on a pipe: the four namespaces, the set flags, the
 * size rules (ERANGE, E2BIG), listing, removal, the path/l/f variants, and
 * the permission rules for an unprivileged user. Each line is the call and
 * its result; the expected answers are Linux 6.1's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

static int failures;

static const char *ename(int e)
{
    switch (e) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EBADF: return "EBADF";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EINVAL: return "EINVAL";
    case E2BIG: return "E2BIG";
    case ERANGE: return "ERANGE";
    case ENODATA: return "ENODATA";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ENOSYS: return "ENOSYS";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ELOOP: return "ELOOP";
    }
    return "E?";
}

/* Prints "what = result" and checks it: want_err != 0 wants -1 with it. */
static void report(const char *what, long r, int err, int want_err, long want)
{
    if (r == -1)
        printf("%s = -1 %s\n", what, ename(err));
    else
        printf("%s = %ld\n", what, r);
    if (want_err ? !(r == -1 && err == want_err) : r != want) {
        failures++;
        printf("FAIL: %s: expected %s%s\n", what, want_err ? "-1 " : "", want_err ? ename(want_err) : "that value");
    }
}

#define EQ(expr, v) do { errno = 0; long r_ = (long)(expr); report(#expr, r_, errno, 0, (v)); } while (0)
#define ERR(expr, e) do { errno = 0; long r_ = (long)(expr); report(#expr, r_, errno, (e), 0); } while (0)

static char buf[70000];

/* The list's names, one per line, as they come. */
static void show_list(const char *what, long n)
{
    printf("%s:", what);
    for (long i = 0; i < n; i += (long)strlen(buf + i) + 1)
        printf(" %s", buf + i);
    printf("\n");
}

static void value_is(const char *what, long n, const char *want)
{
    int ok = n == (long)strlen(want) && !memcmp(buf, want, n);
    printf("%s: %s\n", what, ok ? "as set" : "differs");
    if (!ok)
        failures++, printf("FAIL: %s\n", what);
}

int main(void)
{
    int fd = open("/tmp/x", O_CREAT | O_RDWR, 0644);
    mkdir("/tmp/d", 0777);
    symlink("/tmp/x", "/tmp/link");
    mkfifo("/tmp/fifo", 0666);

    /* trusted.*: root's (CAP_SYS_ADMIN). */
    EQ(setxattr("/tmp/x", "trusted.one", "1", 1, 0), 0);
    EQ(setxattr("/tmp/x", "trusted.two", "22", 2, XATTR_CREATE), 0);
    ERR(setxattr("/tmp/x", "trusted.two", "x", 1, XATTR_CREATE), EEXIST);
    ERR(setxattr("/tmp/x", "trusted.three", "x", 1, XATTR_REPLACE), ENODATA);
    EQ(setxattr("/tmp/x", "trusted.two", "two", 3, XATTR_REPLACE), 0);
    ERR(setxattr("/tmp/x", "trusted.two", "x", 1, 4), EINVAL);
    EQ(getxattr("/tmp/x", "trusted.two", 0, 0), 3);
    EQ(getxattr("/tmp/x", "trusted.two", buf, sizeof(buf)), 3);
    value_is("trusted.two", 3, "two");
    ERR(getxattr("/tmp/x", "trusted.two", buf, 2), ERANGE);
    ERR(getxattr("/tmp/x", "trusted.none", buf, sizeof(buf)), ENODATA);
    EQ(setxattr("/tmp/x", "trusted.empty", "", 0, 0), 0);
    EQ(getxattr("/tmp/x", "trusted.empty", buf, sizeof(buf)), 0);
    EQ(fgetxattr(fd, "trusted.one", buf, sizeof(buf)), 1);
    EQ(fsetxattr(fd, "trusted.f", "fff", 3, 0), 0);

    /* Names: a known prefix, 1 to 255 bytes. */
    ERR(setxattr("/tmp/x", "nosuch.a", "x", 1, 0), EOPNOTSUPP);
    ERR(getxattr("/tmp/x", "nosuch.a", buf, sizeof(buf)), EOPNOTSUPP);
    ERR(setxattr("/tmp/x", "", "x", 1, 0), ERANGE);
    ERR(getxattr("/tmp/x", "", buf, sizeof(buf)), ERANGE);
    char name[300] = "trusted.";
    memset(name + 8, 'n', 247);
    EQ(setxattr("/tmp/x", name, "x", 1, 0), 0);
    EQ(removexattr("/tmp/x", name), 0);
    name[255] = 'n';
    ERR(setxattr("/tmp/x", name, "x", 1, 0), ERANGE);
    ERR(getxattr("/tmp/x", name, buf, sizeof(buf)), ERANGE);
    ERR(setxattr("/tmp/x", "trusted.", "x", 1, 0), EINVAL);
    ERR(getxattr("/tmp/x", (char *)8, buf, 10), EFAULT);
    ERR(setxattr("/tmp/x", "trusted.v", (char *)8, 10, 0), EFAULT);

    /* Values: up to 64 KiB. */
    memset(buf, 'v', sizeof(buf));
    EQ(setxattr("/tmp/x", "trusted.big", buf, 65536, 0), 0);
    ERR(setxattr("/tmp/x", "trusted.big", buf, 65537, 0), E2BIG);
    EQ(getxattr("/tmp/x", "trusted.big", 0, 0), 65536);
    EQ(getxattr("/tmp/x", "trusted.big", buf, sizeof(buf)), 65536);
    EQ(removexattr("/tmp/x", "trusted.big"), 0);

    /* Listing: the names with their zero bytes; ERANGE when short. */
    long n = listxattr("/tmp/x", 0, 0);
    EQ(n, 48);
    EQ(listxattr("/tmp/x", buf, sizeof(buf)), 48);
    show_list("list /tmp/x", 48); /* newest first */
    ERR(listxattr("/tmp/x", buf, 10), ERANGE);
    EQ(flistxattr(fd, buf, sizeof(buf)), 48);
    EQ(listxattr("/tmp/d", buf, sizeof(buf)), 0);

    /* Removal. */
    EQ(removexattr("/tmp/x", "trusted.empty"), 0);
    ERR(removexattr("/tmp/x", "trusted.empty"), ENODATA);
    EQ(fremovexattr(fd, "trusted.f"), 0);
    ERR(removexattr("/tmp/x", "nosuch.x"), EOPNOTSUPP);
    EQ(listxattr("/tmp/x", buf, sizeof(buf)), 24);
    show_list("list after removals", 24);

    /* Symlinks: the path calls follow, the l-calls take the link itself. */
    EQ(getxattr("/tmp/link", "trusted.one", buf, sizeof(buf)), 1);
    ERR(lgetxattr("/tmp/link", "trusted.one", buf, sizeof(buf)), ENODATA);
    EQ(lsetxattr("/tmp/link", "trusted.onlink", "L", 1, 0), 0);
    EQ(llistxattr("/tmp/link", buf, sizeof(buf)), 15);
    show_list("llist /tmp/link", 15);
    EQ(lremovexattr("/tmp/link", "trusted.onlink"), 0);
    ERR(getxattr("/tmp/none", "trusted.one", buf, sizeof(buf)), ENOENT);
    ERR(getxattr("/tmp/x/y", "trusted.one", buf, sizeof(buf)), ENOTDIR);
    ERR(fgetxattr(99, "trusted.one", buf, sizeof(buf)), EBADF);

    /* user.*: regular files and directories only (Linux 6.6's tmpfs; 6.1's has
     * none, EOPNOTSUPP: a declared difference). */
    EQ(setxattr("/tmp/x", "user.mime", "text/plain", 10, 0), 0);
    EQ(getxattr("/tmp/x", "user.mime", buf, sizeof(buf)), 10);
    EQ(setxattr("/tmp/d", "user.d", "", 0, 0), 0);
    ERR(lsetxattr("/tmp/link", "user.l", "x", 1, 0), EPERM);
    ERR(lgetxattr("/tmp/link", "user.l", buf, sizeof(buf)), ENODATA);
    ERR(setxattr("/tmp/fifo", "user.f", "x", 1, 0), EPERM);
    ERR(getxattr("/tmp/fifo", "user.f", buf, sizeof(buf)), ENODATA);
    EQ(removexattr("/tmp/x", "user.mime"), 0);
    EQ(removexattr("/tmp/d", "user.d"), 0);

    /* What ls asks, on files without any: no data. */
    ERR(lgetxattr("/tmp/d", "security.selinux", buf, sizeof(buf)), ENODATA);
    ERR(getxattr("/tmp/d", "system.posix_acl_access", buf, sizeof(buf)), ENODATA);
    ERR(lgetxattr("/", "system.posix_acl_default", buf, sizeof(buf)), ENODATA);
    ERR(getxattr("/tmp/x", "system.nosuch", buf, sizeof(buf)), EOPNOTSUPP);
    ERR(setxattr("/tmp/x", "system.nosuch", "x", 1, 0), EOPNOTSUPP);

    /* security.*: kept like trusted.* on tmpfs (no security module's). */
    EQ(setxattr("/tmp/d", "security.test", "sec", 3, 0), 0);
    EQ(getxattr("/tmp/d", "security.test", buf, sizeof(buf)), 3);
    EQ(listxattr("/tmp/d", buf, sizeof(buf)), 14);
    EQ(removexattr("/tmp/d", "security.test"), 0);

    /* A FIFO and a device node on tmpfs: trusted.* yes. */
    EQ(setxattr("/tmp/fifo", "trusted.t", "f", 1, 0), 0);
    EQ(getxattr("/tmp/fifo", "trusted.t", buf, sizeof(buf)), 1);
    EQ(getxattr("/dev/null", "trusted.t", buf, sizeof(buf)), -1);

    /* procfs and a pipe: no xattrs at all (listing: empty). */
    mkdir("/proc", 0555);
    if (mount("proc", "/proc", "proc", 0, 0) == 0) {
        ERR(getxattr("/proc/self/status", "trusted.x", buf, sizeof(buf)), EOPNOTSUPP);
        ERR(setxattr("/proc/self/status", "trusted.x", "x", 1, 0), EOPNOTSUPP);
        ERR(getxattr("/proc/self/status", "security.selinux", buf, sizeof(buf)), EOPNOTSUPP);
        EQ(listxattr("/proc/self/status", buf, sizeof(buf)), 0);
        ERR(removexattr("/proc/self/status", "trusted.x"), EOPNOTSUPP);
        umount("/proc");
    }
    int p[2];
    pipe(p);
    ERR(fgetxattr(p[0], "trusted.x", buf, sizeof(buf)), EOPNOTSUPP);
    ERR(fsetxattr(p[1], "trusted.x", "x", 1, 0), EOPNOTSUPP);
    EQ(flistxattr(p[0], buf, sizeof(buf)), 0);

    /* An unprivileged user: trusted.* is invisible and unwritable. */
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        setuid(1000);
        ERR(getxattr("/tmp/x", "trusted.one", buf, sizeof(buf)), ENODATA);
        ERR(setxattr("/tmp/x", "trusted.new", "x", 1, 0), EPERM);
        ERR(removexattr("/tmp/x", "trusted.one"), EPERM);
        EQ(listxattr("/tmp/x", buf, sizeof(buf)), 0);
        EQ(getxattr("/tmp/x", "security.none", buf, sizeof(buf)), -1);
        EQ(setxattr("/tmp/x", "security.x", "x", 1, 0), 0); /* no check of the VFS's, no module's */
        fflush(stdout);
        _exit(failures ? 1 : 0);
    }
    int status;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status))
        failures++;
    printf("%s\n", failures ? "FAIL: xattr checks" : "xattr checks passed");
    return failures ? 1 : 0;
}
