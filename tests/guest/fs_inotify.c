/*
 * inotify: the events of a watched file (open, access, modify, attrib,
 * close), of a watched directory about its children (create, delete, moves
 * with one cookie, child events with names, IN_ISDIR), a watch on both a
 * directory and a file in it (the directory's event first), DELETE_SELF and
 * IN_IGNORED when the last name goes, IN_ONESHOT, IN_MASK_ADD and
 * IN_MASK_CREATE, merging of identical events, FIONREAD, a read buffer too
 * small (EINVAL), non-blocking reads, rm_watch, the limits in
 * /proc/sys/fs/inotify, and the errors.
 */
#define _GNU_SOURCE
#include "musl_check.h"
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *mask_name(unsigned m)
{
    static char buf[256];
    static const struct { unsigned bit; const char *name; } names[] = {
        {IN_ACCESS, "ACCESS"}, {IN_MODIFY, "MODIFY"}, {IN_ATTRIB, "ATTRIB"}, {IN_CLOSE_WRITE, "CLOSE_WRITE"},
        {IN_CLOSE_NOWRITE, "CLOSE_NOWRITE"}, {IN_OPEN, "OPEN"}, {IN_MOVED_FROM, "MOVED_FROM"},
        {IN_MOVED_TO, "MOVED_TO"}, {IN_CREATE, "CREATE"}, {IN_DELETE, "DELETE"}, {IN_DELETE_SELF, "DELETE_SELF"},
        {IN_MOVE_SELF, "MOVE_SELF"}, {IN_UNMOUNT, "UNMOUNT"}, {IN_Q_OVERFLOW, "Q_OVERFLOW"},
        {IN_IGNORED, "IGNORED"}, {IN_ISDIR, "ISDIR"}};
    buf[0] = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (m & names[i].bit) {
            if (buf[0])
                strcat(buf, "|");
            strcat(buf, names[i].name);
        }
    return buf;
}

static unsigned last_cookie;

/* Reads what is queued and prints it; cookies as "same" or "new". */
static void drain(int fd, const char *what)
{
    char buf[4096] __attribute__((aligned(8)));
    printf("-- %s\n", what);
    for (;;) {
        int n = read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno != EAGAIN)
                printf("read: %s\n", ename(errno));
            return;
        }
        for (int off = 0; off < n;) {
            struct inotify_event *e = (struct inotify_event *)(buf + off);
            const char *cookie = "";
            if (e->cookie) {
                cookie = e->cookie == last_cookie ? " cookie=same" : " cookie=new";
                last_cookie = e->cookie;
            }
            printf("wd=%d %s len=%u name=\"%s\"%s\n", e->wd, mask_name(e->mask), e->len, e->len ? e->name : "",
                   cookie);
            off += sizeof(*e) + e->len;
        }
    }
}

static void show_limit(const char *name)
{
    char path[128], buf[32] = {0};
    snprintf(path, sizeof path, "/proc/sys/fs/inotify/%s", name);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("%s: %s\n", name, ename(errno));
        return;
    }
    read(fd, buf, sizeof buf - 1);
    close(fd);
    printf("%s: %s", name, buf);
}

int main(void)
{
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, 0);
    mkdir("/d", 0755);
    int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    TRUE(in >= 0);
    EQ(fcntl(in, F_GETFD), FD_CLOEXEC);

    SECTION("a file");
    int fd = open("/d/f", O_CREAT | O_RDWR, 0644);
    close(fd);
    int wf = inotify_add_watch(in, "/d/f", IN_ALL_EVENTS);
    TRUE(wf > 0);
    fd = open("/d/f", O_RDWR);
    write(fd, "abc", 3);
    write(fd, "def", 3); /* the same event again: merged */
    lseek(fd, 0, SEEK_SET);
    char b[8];
    read(fd, b, sizeof b);
    fchmod(fd, 0600);
    close(fd);
    fd = open("/d/f", O_RDONLY);
    close(fd);
    truncate("/d/f", 1);
    utimes("/d/f", NULL);
    int avail = -1;
    EQ(ioctl(in, FIONREAD, &avail), 0);
    printf("FIONREAD: %d\n", avail);
    char tiny[8];
    ERR(read(in, tiny, sizeof tiny), EINVAL);
    drain(in, "file events");
    ERR(read(in, tiny, sizeof tiny), EAGAIN);

    SECTION("a directory");
    int wd = inotify_add_watch(in, "/d", IN_ALL_EVENTS);
    TRUE(wd > wf);
    fd = open("/d/g", O_CREAT | O_WRONLY, 0644);
    write(fd, "x", 1);
    close(fd);
    mkdir("/d/sub", 0755);
    close(creat("/d/c", 0644)); /* a new file: nothing to truncate, no IN_MODIFY */
    close(creat("/d/c", 0644)); /* an existing one is truncated: IN_MODIFY */
    rename("/d/g", "/d/h");
    rename("/d/sub", "/d/sub2");
    link("/d/h", "/d/h2");
    unlink("/d/h2");
    rmdir("/d/sub2");
    symlink("h", "/d/l");
    {
        int dfd = open("/d", O_RDONLY | O_DIRECTORY);
        char dents[1024];
        syscall(SYS_getdents64, dfd, dents, sizeof dents);
        close(dfd);
    }
    drain(in, "directory events");

    SECTION("both the directory and the file");
    fd = open("/d/f", O_WRONLY);
    write(fd, "z", 1);
    close(fd);
    drain(in, "parent first");

    SECTION("the last name goes");
    EQ(inotify_rm_watch(in, wd), 0);
    drain(in, "rm_watch");
    ERR(inotify_rm_watch(in, wd), EINVAL);
    fd = open("/d/f", O_RDONLY);
    unlink("/d/f"); /* still open: DELETE_SELF waits for the close */
    drain(in, "unlinked, open");
    close(fd);
    drain(in, "closed");
    ERR(inotify_rm_watch(in, wf), EINVAL);
    mkdir("/d/e", 0755);
    int we = inotify_add_watch(in, "/d/e", IN_DELETE_SELF);
    rmdir("/d/e");
    drain(in, "rmdir of a watched directory");
    (void)we;

    SECTION("mask flags");
    fd = open("/d/m", O_CREAT | O_RDWR, 0644);
    close(fd);
    int wm = inotify_add_watch(in, "/d/m", IN_OPEN);
    EQ(inotify_add_watch(in, "/d/m", IN_CLOSE | IN_MASK_ADD), wm);
    ERR(inotify_add_watch(in, "/d/m", IN_OPEN | IN_MASK_CREATE), EEXIST);
    ERR(inotify_add_watch(in, "/d/m", IN_OPEN | IN_MASK_CREATE | IN_MASK_ADD), EINVAL);
    fd = open("/d/m", O_RDONLY);
    close(fd);
    drain(in, "open and close (mask added)");
    EQ(inotify_add_watch(in, "/d/m", IN_ACCESS | IN_ONESHOT), wm);
    fd = open("/d/m", O_RDWR);
    write(fd, "ab", 2);
    lseek(fd, 0, SEEK_SET);
    read(fd, b, 1);
    read(fd, b, 1);
    close(fd);
    drain(in, "oneshot access");
    ERR(inotify_add_watch(in, "/d/m", IN_ONLYDIR | IN_OPEN), ENOTDIR);
    symlink("m", "/d/lm");
    int wl = inotify_add_watch(in, "/d/lm", IN_ATTRIB | IN_DONT_FOLLOW);
    TRUE(wl > 0);
    int wt = inotify_add_watch(in, "/d/lm", IN_ATTRIB);
    TRUE(wt > 0 && wt != wl);

    SECTION("errors");
    ERR(inotify_add_watch(in, "/d/m", 0), EINVAL);
    ERR(inotify_add_watch(in, "/nowhere", IN_OPEN), ENOENT);
    ERR(inotify_add_watch(99, "/d/m", IN_OPEN), EBADF);
    ERR(inotify_add_watch(0, "/d/m", IN_OPEN), EINVAL);
    ERR(inotify_add_watch(in, (char *)8, IN_OPEN), EFAULT);
    ERR(inotify_rm_watch(0, 1), EINVAL);
    ERR(inotify_rm_watch(99, 1), EBADF);
    ERR(inotify_init1(0x1234), EINVAL);
    struct pollfd p = {in, POLLIN, 0};
    EQ(poll(&p, 1, 0), 0);
    fd = open("/d/m", O_RDONLY);
    close(fd);
    {
        /* A line per live watch, its mask as given (IN_ONESHOT kept). */
        char path[64], buf[2048] = {0};
        snprintf(path, sizeof path, "/proc/self/fdinfo/%d", in);
        int ffd = open(path, O_RDONLY);
        read(ffd, buf, sizeof buf - 1);
        close(ffd);
        int watches = 0, oneshot_masks = 0;
        for (char *l = strstr(buf, "inotify wd:"); l; l = strstr(l + 1, "inotify wd:")) {
            watches++;
            char *mk = strstr(l, " mask:");
            unsigned mask = 0;
            if (mk && sscanf(mk, " mask:%x", &mask) == 1 && mask == (IN_ATTRIB))
                oneshot_masks++;
        }
        printf("fdinfo: %d watches, %d with mask IN_ATTRIB\n", watches, oneshot_masks);
    }
    show_limit("max_queued_events");
    show_limit("max_user_instances");
    show_limit("max_user_watches");
    return summary();
}
