/*
 * Set-group-id directories: a name made in one gets the directory's group,
 * a new directory the bit as well; a group-executable set-group-id file made
 * there by someone outside that group loses the bit (CVE-2018-13405), while
 * root's keeps it; mkdir never takes the bit from its mode argument; outside
 * such a directory the creator's group is used.
 */
#define _GNU_SOURCE
#include "musl_check.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *path)
{
    struct stat st;
    if (stat(path, &st)) {
        printf("%s: stat -1 %s\n", path, ename(errno));
        return;
    }
    printf("%s: mode %o uid %d gid %d\n", path, st.st_mode, (int)st.st_uid, (int)st.st_gid);
}

static void make_file(const char *path, mode_t mode)
{
    int fd = open(path, O_CREAT | O_WRONLY | O_EXCL, mode);
    TRUE(fd >= 0);
    close(fd);
    show(path);
}

int main(void)
{
    umask(0);
    EQ(mkdir("/plain", 0777), 0);
    EQ(mkdir("/sg", 0777), 0);
    EQ(chown("/sg", 1000, 500), 0);
    EQ(chmod("/sg", 02777), 0);
    show("/sg");
    EQ(mkdir("/plain/explicit", 02755), 0); /* the bit is not mkdir's to give */
    show("/plain/explicit");

    SECTION("root in the directory");
    make_file("/sg/root_file", 0644);
    make_file("/sg/root_sgid", 02755);
    EQ(mkdir("/sg/sub", 0755), 0);
    show("/sg/sub");
    EQ(mknod("/sg/fifo", S_IFIFO | 0640, 0), 0);
    show("/sg/fifo");
    EQ(symlink("root_file", "/sg/link"), 0);
    struct stat st;
    EQ(lstat("/sg/link", &st), 0);
    printf("/sg/link: gid %d\n", (int)st.st_gid);

    SECTION("a user outside the group");
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        if (setgid(600) || setuid(1001))
            _exit(9);
        make_file("/sg/user_file", 0644);
        make_file("/sg/user_sgid", 02755);  /* group-executable: the bit goes */
        make_file("/sg/user_sgid_nx", 02744); /* not group-executable: it stays */
        EQ(mkdir("/sg/user_dir", 0755), 0);
        show("/sg/user_dir");
        make_file("/plain/user_plain", 0644); /* not a set-group-id directory */
        fflush(stdout);
        _exit(summary());
    }
    int status;
    EQ(waitpid(c, &status, 0), c);
    TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    SECTION("a member of the group");
    fflush(stdout);
    c = fork();
    if (c == 0) {
        if (setgid(500) || setuid(1001))
            _exit(9);
        make_file("/sg/member_sgid", 02755);
        fflush(stdout);
        _exit(summary());
    }
    EQ(waitpid(c, &status, 0), c);
    TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return summary();
}
