/*
 * fs_perm: permission checks as Linux makes them (fs/namei.c
 * generic_permission, may_delete, fs/open.c do_faccessat and chown_common,
 * fs/attr.c notify_change, fs/inode.c file_remove_privs, fs/utimes.c;
 * path_resolution(7), access(2), chown(2), chmod(2), capabilities(7)).
 * Root (CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_CHOWN) first, then children as
 * uid/gid 65534 (setresuid in a forked child).
 *   - root reads and writes a mode 000 file and searches a mode 000
 *     directory, but cannot execute a file without any execute bit.
 *   - as nobody: read/write/execute by mode bits, with the owner class, then
 *     the group class (also a supplementary group), then others - a class
 *     that matches decides even when another would allow (0604 owned by our
 *     group: no read; 0077 owned by us: no read); a directory needs x to
 *     search and r to list; creating and removing need w and x on the
 *     directory; O_TRUNC needs write permission; EACCES everywhere.
 *   - sticky /tmp: only the file's owner, the directory's owner or root may
 *     unlink or rename a file (EPERM otherwise).
 *   - execute permission alone (0711) is enough to execve a binary.
 *   - chmod/fchmod of another's file EPERM; chown/fchown/lchown EPERM except
 *     the no-op changes; a root chown clears set-uid (and set-gid with group
 *     execute), even when it changes neither owner nor group; writing to a set-uid file as another user clears those bits.
 *   - utimensat: UTIME_NOW with write permission only, explicit times need
 *     ownership (EPERM); without write permission EACCES.
 *   - access() checks the real uid (EACCES with euid 0 but ruid 65534),
 *     faccessat(AT_EACCESS) the effective one.
 *   - O_NOATIME on another's file EPERM; mknod of a device EPERM, of a FIFO
 *     fine; chroot EPERM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "musl_check.h"

static void make(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    write(fd, "data", 4);
    close(fd);
    chown(path, uid, gid);
    chmod(path, mode);
}

static void makedir(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
    mkdir(path, 0700);
    chown(path, uid, gid);
    chmod(path, mode);
}

static unsigned mode_of(const char *path)
{
    struct stat st;
    return stat(path, &st) ? 0 : st.st_mode & 07777;
}

static int try_open(const char *path, int flags)
{
    int fd = open(path, flags, 0644);
    if (fd >= 0) {
        close(fd);
        return 0;
    }
    return -1;
}

/* Runs fn in a child as uid/gid (with one supplementary group); its status. */
static int as_user(uid_t uid, gid_t gid, gid_t extra, void (*fn)(void))
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        gid_t groups[1] = {extra};
        if (setgroups(extra ? 1 : 0, groups) || setresgid(gid, gid, gid) || setresuid(uid, uid, uid))
            _exit(99);
        checks = failures = 0;
        fn();
        fflush(stdout);
        _exit(failures ? 1 : 0);
    }
    int st;
    waitpid(c, &st, 0);
    return st;
}

static const char *self;

static void copy_self(const char *to, mode_t mode)
{
    int in = open(self, O_RDONLY);
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, mode);
    char buf[4096];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0)
        write(out, buf, n);
    close(out);
    close(in);
}

static void nobody_checks(void)
{
    struct stat st;
    SECTION("nobody: mode bits");
    EQ(getuid(), 65534);
    EQ(try_open("/tmp/p/r644", O_RDONLY), 0);
    ERR(open("/tmp/p/r644", O_WRONLY), EACCES);
    ERR(open("/tmp/p/r644", O_RDONLY | O_TRUNC), EACCES);
    ERR(open("/tmp/p/r600", O_RDONLY), EACCES);
    ERR(open("/tmp/p/r000", O_RDONLY), EACCES);
    EQ(access("/tmp/p/r644", R_OK), 0);
    ERR(access("/tmp/p/r644", W_OK), EACCES);
    ERR(access("/tmp/p/r644", X_OK), EACCES);
    EQ(try_open("/tmp/p/g640", O_RDONLY), 0);    /* group 65534: ours */
    ERR(open("/tmp/p/g604", O_RDONLY), EACCES);  /* our group's bits say no, others' yes */
    ERR(open("/tmp/p/o077", O_RDONLY), EACCES);  /* ours, owner bits 0 */
    EQ(try_open("/tmp/p/s640", O_RDONLY), 0);    /* a supplementary group */
    ERR(truncate("/tmp/p/r644", 0), EACCES);
    /* directories */
    ERR(open("/tmp/p/d700", O_RDONLY | O_DIRECTORY), EACCES);
    ERR(stat("/tmp/p/d700/f", &st), EACCES);
    EQ(stat("/tmp/p/d711/f", &st), 0);        /* x: search */
    ERR(open("/tmp/p/d711", O_RDONLY | O_DIRECTORY), EACCES); /* no r: no listing */
    EQ(try_open("/tmp/p/d744", O_RDONLY | O_DIRECTORY), 0);
    ERR(stat("/tmp/p/d744/f", &st), EACCES);  /* r without x: no search */
    ERR(open("/tmp/p/d755/new", O_WRONLY | O_CREAT, 0644), EACCES);
    ERR(mkdir("/tmp/p/d755/newdir", 0755), EACCES);
    ERR(unlink("/tmp/p/d755/f"), EACCES);
    ERR(rename("/tmp/p/d755/f", "/tmp/p/d777/f"), EACCES);
    ERR(symlink("x", "/tmp/p/d755/sl"), EACCES);
    ERR(link("/tmp/p/o077", "/tmp/p/d755/hl"), EACCES); /* our own file: protected_hardlinks has no say */
    EQ(try_open("/tmp/p/d777/mine", O_WRONLY | O_CREAT), 0);
    EQ(stat("/tmp/p/d777/mine", &st), 0);
    EQ(st.st_uid, 65534);
    EQ(st.st_gid, 65534);
    EQ(unlink("/tmp/p/d777/rootfile"), 0); /* no sticky bit: w+x on the directory is enough */
    /* exec */
    char *av[] = {"x", "exit", NULL};
    ERR(execve("/tmp/p/prog700", av, NULL), EACCES);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        execve("/tmp/p/prog711", av, NULL);
        _exit(100 + errno);
    }
    int status;
    waitpid(c, &status, 0);
    EQ(status, 0x2a00); /* it ran (exit 42): execute permission without read */

    SECTION("nobody: sticky /tmp");
    ERR(unlink("/tmp/rootfile"), EPERM);
    ERR(rename("/tmp/rootfile", "/tmp/mine2"), EPERM);
    EQ(try_open("/tmp/rootfile", O_RDWR), 0); /* mode 0666: writable all the same */
    EQ(try_open("/tmp/nobodyfile", O_WRONLY | O_CREAT), 0);
    EQ(rename("/tmp/nobodyfile", "/tmp/nobodyfile2"), 0);

    SECTION("nobody: chmod, chown");
    ERR(chmod("/tmp/p/r644", 0666), EPERM);
    EQ(chmod("/tmp/p/d777/mine", 0600), 0);
    EQ(mode_of("/tmp/p/d777/mine"), 0600);
    ERR(chown("/tmp/p/d777/mine", 0, -1), EPERM);
    ERR(chown("/tmp/p/d777/mine", -1, 0), EPERM);  /* not our group */
    EQ(chown("/tmp/p/d777/mine", -1, -1), 0);
    EQ(chown("/tmp/p/d777/mine", 65534, 65534), 0); /* no change: allowed */
    ERR(chown("/tmp/p/r644", 65534, -1), EPERM);
    ERR(lchown("/tmp/p/r644", -1, 65534), EPERM);
    int fd = open("/tmp/p/d777/mine", O_RDONLY);
    ERR(fchown(fd, 0, 0), EPERM);
    ERR(fchmod(open("/tmp/p/r644", O_RDONLY), 0777), EPERM);
    close(fd);
    /* writing to a set-uid file clears the set-id bits */
    fd = open("/tmp/p/suid", O_WRONLY);
    EQ(write(fd, "x", 1), 1);
    close(fd);
    printf("mode after the write: 0%o\n", mode_of("/tmp/p/suid"));
    EQ(mode_of("/tmp/p/suid"), 0777);

    SECTION("nobody: utimensat");
    struct timespec ts[2] = {{1000, 0}, {2000, 0}};
    EQ(utimensat(AT_FDCWD, "/tmp/p/w666", NULL, 0), 0); /* now: write permission is enough */
    struct timespec now2[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
    EQ(utimensat(AT_FDCWD, "/tmp/p/w666", now2, 0), 0);
    ERR(utimensat(AT_FDCWD, "/tmp/p/w666", ts, 0), EPERM);
    ERR(utimensat(AT_FDCWD, "/tmp/p/r644", NULL, 0), EACCES);
    ERR(utimensat(AT_FDCWD, "/tmp/p/r644", ts, 0), EPERM);
    EQ(utimensat(AT_FDCWD, "/tmp/p/d777/mine", ts, 0), 0);

    SECTION("nobody: privileged operations");
    ERR(open("/tmp/p/w666", O_RDONLY | O_NOATIME), EPERM);
    EQ(try_open("/tmp/p/d777/mine", O_RDONLY | O_NOATIME), 0);
    ERR(mknod("/tmp/p/d777/null", S_IFCHR | 0666, makedev(1, 3)), EPERM);
    EQ(mknod("/tmp/p/d777/fifo", S_IFIFO | 0666, 0), 0);
    ERR(chroot("/tmp"), EPERM);
}

static void other_user_checks(void)
{
    SECTION("uid 1000: another user's file in sticky /tmp");
    ERR(unlink("/tmp/nobodyfile2"), EPERM);
    ERR(rename("/tmp/nobodyfile2", "/tmp/x"), EPERM);
    EQ(try_open("/tmp/mine1000", O_WRONLY | O_CREAT), 0);
    EQ(unlink("/tmp/mine1000"), 0);
}

static void real_vs_effective(void)
{
    SECTION("ruid 65534, euid 0: access uses the real uid");
    EQ(getuid(), 65534);
    EQ(geteuid(), 0);
    EQ(try_open("/tmp/p/r600", O_RDONLY), 0);  /* open: the effective uid */
    ERR(access("/tmp/p/r600", R_OK), EACCES);  /* access: the real uid */
    EQ(faccessat(AT_FDCWD, "/tmp/p/r600", R_OK, AT_EACCESS), 0);
    EQ(access("/tmp/p/r644", R_OK), 0);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "exit") == 0)
        return 42;
    setvbuf(stdout, NULL, _IOLBF, 0);
    self = argv[0];
    umask(0);
    struct stat st;

    SECTION("setup as root");
    EQ(mkdir("/tmp/p", 0755), 0);
    make("/tmp/p/r644", 0644, 0, 0);
    make("/tmp/p/r600", 0600, 0, 0);
    make("/tmp/p/r000", 0000, 0, 0);
    make("/tmp/p/g640", 0640, 0, 65534);
    make("/tmp/p/g604", 0604, 0, 65534);
    make("/tmp/p/o077", 0077, 65534, 0);
    make("/tmp/p/s640", 0640, 0, 1234);
    make("/tmp/p/w666", 0666, 0, 0);
    makedir("/tmp/p/d700", 0700, 0, 0);
    makedir("/tmp/p/d711", 0711, 0, 0);
    makedir("/tmp/p/d744", 0744, 0, 0);
    makedir("/tmp/p/d755", 0755, 0, 0);
    makedir("/tmp/p/d777", 0777, 0, 0);
    make("/tmp/p/d700/f", 0644, 0, 0);
    make("/tmp/p/d711/f", 0644, 0, 0);
    make("/tmp/p/d744/f", 0644, 0, 0);
    make("/tmp/p/d755/f", 0644, 0, 0);
    make("/tmp/p/d777/rootfile", 0644, 0, 0);
    make("/tmp/p/suid", 06777, 0, 0);
    make("/tmp/rootfile", 0666, 0, 0);
    copy_self("/tmp/p/prog700", 0700);
    copy_self("/tmp/p/prog711", 0711);
    EQ(mode_of("/tmp/p/prog711"), 0711);

    SECTION("root: CAP_DAC_OVERRIDE");
    EQ(try_open("/tmp/p/r000", O_RDWR), 0);
    EQ(access("/tmp/p/r000", R_OK | W_OK), 0);
    ERR(access("/tmp/p/r000", X_OK), EACCES);
    makedir("/tmp/p/d000", 0000, 0, 0);
    make("/tmp/p/d000/f", 0644, 0, 0);
    EQ(stat("/tmp/p/d000/f", &st), 0);
    EQ(try_open("/tmp/p/d000", O_RDONLY | O_DIRECTORY), 0);
    char *av[] = {"x", "exit", NULL};
    ERR(execve("/tmp/p/r000", av, NULL), EACCES);

    SECTION("root: chown clears set-id bits");
    make("/tmp/p/ch", 06755, 0, 0);
    EQ(chown("/tmp/p/ch", 1000, 1000), 0);
    EQ(stat("/tmp/p/ch", &st), 0);
    EQ(st.st_uid, 1000);
    EQ(st.st_gid, 1000);
    printf("mode after chown: 0%o\n", st.st_mode & 07777);
    EQ(st.st_mode & 07777, 0755);
    make("/tmp/p/ch2", 06745, 0, 0); /* set-gid without group execute: kept (mandatory locking mark) */
    EQ(chown("/tmp/p/ch2", 0, 0), 0);
    EQ(mode_of("/tmp/p/ch2"), 02745);
    makedir("/tmp/p/chd", 06755, 0, 0); /* directories keep them */
    EQ(chown("/tmp/p/chd", 1000, 1000), 0);
    EQ(mode_of("/tmp/p/chd"), 06755);

    printf("-- as uid 65534 (supplementary group 1234) --\n");
    EQ(as_user(65534, 65534, 1234, nobody_checks), 0);
    printf("-- as uid 1000 --\n");
    EQ(as_user(1000, 1000, 0, other_user_checks), 0);

    SECTION("root again: sticky /tmp allows root");
    EQ(unlink("/tmp/nobodyfile2"), 0);
    EQ(unlink("/tmp/rootfile"), 0);

    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        if (setresuid(65534, 0, 0))
            _exit(99);
        checks = failures = 0;
        real_vs_effective();
        fflush(stdout);
        _exit(failures ? 1 : 0);
    }
    int status;
    waitpid(c, &status, 0);
    EQ(status, 0);
    return summary();
}
