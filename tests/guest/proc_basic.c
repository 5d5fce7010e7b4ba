/*
 * proc_basic: mounts /proc and checks what Linux's procfs says that programs
 * rely on: /proc/self and thread-self, the pid's stat/status/cmdline/environ/
 * comm/exe/cwd/fd/maps/statm/auxv, a zombie's entries and their disappearance
 * after wait, ENOENT for a pid that doesn't exist, the system files' formats,
 * directory reading in small pieces, lseek, and the errors of writes to
 * read-only files. Every line printed is the same on Linux (as pid 1 of a
 * PID namespace); a mismatch prints FAIL.
 * The manifest passes the arguments "alpha" and "beta gamma".
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int failed;

#define CHECK(cond, ...)                 \
    do {                                 \
        if (!(cond)) {                   \
            printf("FAIL: " __VA_ARGS__); \
            printf("\n");                \
            failed = 1;                  \
        }                                \
    } while (0)

/* The whole file, NUL-terminated; its length in *len. */
static char *slurp(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    size_t cap = 256, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (n + 1 >= cap)
            buf = realloc(buf, cap *= 2);
        ssize_t r = read(fd, buf + n, cap - n - 1);
        if (r < 0) {
            free(buf);
            close(fd);
            return NULL;
        }
        if (r == 0)
            break;
        n += r;
    }
    close(fd);
    buf[n] = 0;
    if (len)
        *len = n;
    return buf;
}

/* The value of "Key:\t..." in a status-like file (up to the newline). */
static const char *field(const char *text, const char *key, char *out, size_t size)
{
    size_t kl = strlen(key);
    for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (!strncmp(line, key, kl) && line[kl] == ':') {
            const char *v = line + kl + 1;
            while (*v == '\t' || *v == ' ')
                v++;
            size_t n = strcspn(v, "\n");
            if (n >= size)
                n = size - 1;
            memcpy(out, v, n);
            out[n] = 0;
            return out;
        }
    }
    out[0] = 0;
    return NULL;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Names in a directory read with getdents64 through a buffer of bufsize bytes. */
static int list_dir(const char *path, size_t bufsize, char **names, int max)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return -1;
    char *buf = malloc(bufsize);
    int n = 0;
    for (;;) {
        long r = syscall(SYS_getdents64, fd, buf, bufsize);
        if (r <= 0)
            break;
        for (long off = 0; off < r;) {
            unsigned short reclen;
            memcpy(&reclen, buf + off + 16, 2);
            const char *name = buf + off + 19;
            if (strcmp(name, ".") && strcmp(name, "..") && n < max)
                names[n++] = strdup(name);
            off += reclen;
        }
    }
    free(buf);
    close(fd);
    qsort(names, n, sizeof(char *), cmp_str);
    return n;
}

static void check_stat_line(void)
{
    char *s = slurp("/proc/self/stat", NULL);
    CHECK(s, "read /proc/self/stat: %s", strerror(errno));
    if (!s)
        return;
    int pid = -1, ppid = -1;
    char comm[64] = "", state = '?';
    const char *close_paren = strrchr(s, ')');
    sscanf(s, "%d", &pid);
    const char *open_paren = strchr(s, '(');
    if (open_paren && close_paren && close_paren - open_paren < 60)
        memcpy(comm, open_paren, close_paren - open_paren + 1);
    if (close_paren)
        sscanf(close_paren + 2, "%c %d", &state, &ppid);
    int fields = 2;
    for (const char *p = close_paren ? close_paren + 1 : s; *p && *p != '\n'; p++)
        if (*p == ' ')
            fields++;
    printf("stat: pid=%d comm=%s state=%c ppid=%d fields=%d\n", pid, comm, state, ppid, fields);
    CHECK(pid == 1 && !strcmp(comm, "(proc_basic)") && state == 'R' && ppid == 0 && fields == 52,
          "unexpected /proc/self/stat: %s", s);
    CHECK(s[strlen(s) - 1] == '\n', "stat should end in a newline");
    free(s);
}

static void check_status(void)
{
    char *s = slurp("/proc/self/status", NULL);
    CHECK(s, "read /proc/self/status");
    if (!s)
        return;
    static const char *keys[] = {"Name", "State", "Tgid", "Pid", "PPid", "TracerPid", "Uid", "Gid", "FDSize", "Threads"};
    char v[128];
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
        CHECK(field(s, keys[k], v, sizeof(v)), "status has no %s line", keys[k]);
        printf("status %s: %s\n", keys[k], v);
    }
    const char *sigs[] = {"SigPnd", "ShdPnd", "SigBlk", "SigIgn", "SigCgt"};
    for (int k = 0; k < 5; k++) {
        field(s, sigs[k], v, sizeof(v));
        CHECK(strlen(v) == 16 && strspn(v, "0123456789abcdef") == 16, "%s should be 16 hex digits: %s", sigs[k], v);
    }
    field(s, "VmRSS", v, sizeof(v));
    CHECK(strstr(v, " kB") != NULL, "VmRSS in kB: %s", v);
    CHECK(!strncmp(s, "Name:\tproc_basic\n", 17), "status should start with the Name line");
    printf("status sigsets: 16 hex digits\n");
    free(s);
}

static void check_cmdline_environ(int argc, char **argv, char **envp)
{
    char expect[4096];
    size_t n = 0;
    for (int i = 0; i < argc; i++) {
        size_t l = strlen(argv[i]) + 1;
        memcpy(expect + n, argv[i], l);
        n += l;
    }
    size_t len;
    char *s = slurp("/proc/self/cmdline", &len);
    CHECK(s && len == n && !memcmp(s, expect, n), "cmdline should be argv, NUL-separated");
    printf("cmdline is argv: %s\n", s && len == n && !memcmp(s, expect, n) ? "yes" : "no");
    for (size_t i = 0; s && i < len; i += strlen(s + i) + 1)
        if (i)
            printf("cmdline arg: \"%s\"\n", s + i);
    free(s);

    n = 0;
    for (char **e = envp; *e; e++) {
        size_t l = strlen(*e) + 1;
        memcpy(expect + n, *e, l);
        n += l;
    }
    s = slurp("/proc/self/environ", &len);
    printf("environ is envp: %s\n", s && len == n && !memcmp(s, expect, n) ? "yes" : "no");
    CHECK(s && len == n && !memcmp(s, expect, n), "environ should be the environment strings");
    free(s);
}

static void check_links(const char *argv0)
{
    char buf[256];
    ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("/proc/self -> %s\n", buf);
    CHECK(!strcmp(buf, "1"), "/proc/self should be 1");
    n = readlink("/proc/thread-self", buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("/proc/thread-self -> %s\n", buf);
    CHECK(!strcmp(buf, "1/task/1"), "/proc/thread-self should be 1/task/1");
    n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("exe is argv[0]: %s\n", !strcmp(buf, argv0) ? "yes" : "no");
    CHECK(!strcmp(buf, argv0), "/proc/self/exe is %s, argv[0] %s", buf, argv0);
    n = readlink("/proc/self/cwd", buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("cwd -> %s\n", buf);
    n = readlink("/proc/self/root", buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("root -> %s\n", buf);
    CHECK(!strcmp(buf, "/"), "root should be /");

    struct stat a, b;
    CHECK(stat("/proc/self/exe", &a) == 0 && stat(argv0, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev,
          "stat through /proc/self/exe should reach the program");
    CHECK(lstat("/proc/self/exe", &a) == 0 && a.st_mode == (S_IFLNK | 0777), "exe should be a 0777 symlink");
    char *comm = slurp("/proc/self/comm", NULL);
    printf("comm: %s", comm ? comm : "(none)\n");
    CHECK(comm && !strcmp(comm, "proc_basic\n"), "comm");
    free(comm);
}

static void check_fds(void)
{
    int p[2];
    CHECK(pipe(p) == 0, "pipe");
    int tmp = open("/tmp/proc_basic_file", O_CREAT | O_RDWR | O_TRUNC, 0644);
    int del = open("/tmp/proc_basic_deleted", O_CREAT | O_RDWR | O_TRUNC, 0644);
    unlink("/tmp/proc_basic_deleted");
    char *names[64];
    int n = list_dir("/proc/self/fd", 4096, names, 64);
    printf("fd:");
    for (int i = 0; i < n; i++)
        printf(" %s", names[i]);
    printf("\n");
    /* 0 1 2, the pipe (3 4), the files (5 6), and the directory being read (7). */
    CHECK(n == 8, "expected 8 descriptors in /proc/self/fd, got %d", n);

    char path[64], buf[256], expect[64];
    struct stat st;
    fstat(p[0], &st);
    snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
    ssize_t l = readlink(path, buf, sizeof(buf) - 1);
    buf[l > 0 ? l : 0] = 0;
    snprintf(expect, sizeof(expect), "pipe:[%lu]", (unsigned long)st.st_ino);
    printf("pipe link is pipe:[ino]: %s\n", !strcmp(buf, expect) ? "yes" : "no");
    CHECK(!strcmp(buf, expect), "pipe link %s, expected %s", buf, expect);
    snprintf(path, sizeof(path), "/proc/self/fd/%d", tmp);
    l = readlink(path, buf, sizeof(buf) - 1);
    buf[l > 0 ? l : 0] = 0;
    printf("file link: %s\n", buf);
    CHECK(!strcmp(buf, "/tmp/proc_basic_file"), "file link");
    snprintf(path, sizeof(path), "/proc/self/fd/%d", del);
    l = readlink(path, buf, sizeof(buf) - 1);
    buf[l > 0 ? l : 0] = 0;
    printf("unlinked file link: %s\n", buf);
    CHECK(!strcmp(buf, "/tmp/proc_basic_deleted (deleted)"), "deleted file link");
    CHECK(lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && (st.st_mode & 0777) == 0700, "fd link mode %o",
          st.st_mode);

    /* Opening the link reaches the pipe itself. */
    snprintf(path, sizeof(path), "/proc/self/fd/%d", p[1]);
    int w = open(path, O_WRONLY);
    CHECK(w >= 0, "open %s: %s", path, strerror(errno));
    if (w >= 0) {
        write(w, "via proc", 8);
        close(w);
        char got[16] = "";
        read(p[0], got, 8);
        printf("write through /proc/self/fd/N of a pipe: %s\n", got);
        CHECK(!strcmp(got, "via proc"), "pipe reopened through /proc");
    }
    snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", tmp);
    char *info = slurp(path, NULL);
    CHECK(info && !strncmp(info, "pos:\t0\nflags:\t", 14), "fdinfo: %s", info ? info : "(none)");
    free(info);
    CHECK(stat("/proc/self/fd/99", &st) < 0 && errno == ENOENT, "fd/99 should not exist");
    CHECK(stat("/proc/self/fd", &st) == 0 && st.st_mode == (S_IFDIR | 0500), "fd dir mode %o", st.st_mode);
    close(p[0]);
    close(p[1]);
    close(tmp);
    close(del);
    unlink("/tmp/proc_basic_file");
    for (int i = 0; i < n; i++)
        free(names[i]);
}

static void check_dirs(void)
{
    char *whole[512], *pieces[512];
    int a = list_dir("/proc", 32768, whole, 512);
    int b = list_dir("/proc", 64, pieces, 512); /* about one entry per call */
    int same = a == b && a > 0;
    for (int i = 0; same && i < a; i++)
        same = !strcmp(whole[i], pieces[i]);
    for (int i = 1; i < a; i++)
        CHECK(strcmp(whole[i - 1], whole[i]), "duplicate entry %s in /proc", whole[i]);
    printf("/proc read in small pieces is the same: %s\n", same ? "yes" : "no");
    CHECK(same, "getdents in pieces differs (%d vs %d entries)", a, b);
    static const char *expect[] = {"1", "self", "thread-self", "cpuinfo", "meminfo", "uptime", "loadavg",
                                   "stat", "mounts", "version", "filesystems", "sys"};
    for (size_t k = 0; k < sizeof(expect) / sizeof(expect[0]); k++) {
        int found = 0;
        for (int i = 0; i < a; i++)
            found |= !strcmp(whole[i], expect[k]);
        CHECK(found, "/proc lacks %s", expect[k]);
    }
    printf("/proc lists 1, self, cpuinfo, meminfo, ...: yes\n");
    for (int i = 0; i < a; i++)
        free(whole[i]);
    for (int i = 0; i < b; i++)
        free(pieces[i]);

    char *pid_dir[64];
    int n = list_dir("/proc/self", 4096, pid_dir, 64);
    static const char *pid_expect[] = {"cmdline", "comm", "cwd", "environ", "exe", "fd", "maps", "root",
                                       "stat", "statm", "status", "task"};
    for (size_t k = 0; k < sizeof(pid_expect) / sizeof(pid_expect[0]); k++) {
        int found = 0;
        for (int i = 0; i < n; i++)
            found |= !strcmp(pid_dir[i], pid_expect[k]);
        CHECK(found, "/proc/self lacks %s", pid_expect[k]);
    }
    printf("/proc/self lists cmdline, comm, cwd, environ, exe, fd, ...: yes\n");
    for (int i = 0; i < n; i++)
        free(pid_dir[i]);
    n = list_dir("/proc/self/task", 4096, pid_dir, 64);
    printf("task: %s\n", n == 1 ? pid_dir[0] : "?");
    CHECK(n == 1 && !strcmp(pid_dir[0], "1"), "task should list 1");
    for (int i = 0; i < n; i++)
        free(pid_dir[i]);

    struct stat st;
    errno = 0;
    printf("/proc/99999: %s\n", stat("/proc/99999", &st) < 0 && errno == ENOENT ? "ENOENT" : "exists?");
    CHECK(stat("/proc/99999/status", &st) < 0 && errno == ENOENT, "/proc/99999/status should be ENOENT");
    CHECK(stat("/proc/01", &st) < 0 && errno == ENOENT, "/proc/01 should be ENOENT");
    CHECK(stat("/proc/1", &st) == 0 && st.st_mode == (S_IFDIR | 0555), "/proc/1 mode %o", st.st_mode);
    CHECK(stat("/proc/self/status", &st) == 0 && st.st_mode == (S_IFREG | 0444) && st.st_size == 0,
          "status mode %o size %ld", st.st_mode, (long)st.st_size);
    struct stat root;
    stat("/", &root);
    stat("/proc", &st);
    printf("procfs has its own st_dev: %s\n", st.st_dev != root.st_dev ? "yes" : "no");
    CHECK(st.st_dev != root.st_dev, "procfs st_dev should differ from the root's");
}

static void check_seek_and_write(void)
{
    size_t len;
    char *whole = slurp("/proc/self/limits", &len);
    int fd = open("/proc/self/limits", O_RDONLY);
    char piece[7], *again = malloc(len + 1);
    size_t n = 0;
    ssize_t r;
    while ((r = read(fd, piece, sizeof(piece))) > 0 && n + r <= len) {
        memcpy(again + n, piece, r);
        n += r;
    }
    printf("read in 7-byte pieces is the same: %s\n", whole && n == len && !memcmp(whole, again, len) ? "yes" : "no");
    CHECK(whole && n == len && !memcmp(whole, again, len), "pieces differ");
    CHECK(lseek(fd, 6, SEEK_SET) == 6, "lseek SEEK_SET");
    char buf[8] = "";
    CHECK(read(fd, buf, 4) == 4 && !memcmp(buf, whole + 6, 4), "read after lseek");
    errno = 0;
    CHECK(lseek(fd, 0, SEEK_END) < 0 && errno == EINVAL, "SEEK_END should be EINVAL (seq_lseek)");
    CHECK(lseek(fd, 1 << 20, SEEK_SET) == 1 << 20 && read(fd, buf, 4) == 0, "reading past the end gives 0");
    close(fd);
    free(whole);
    free(again);

    fd = open("/proc/self/stat", O_RDWR);
    errno = 0;
    r = fd >= 0 ? write(fd, "x", 1) : -1;
    printf("write /proc/self/stat: %s\n", r < 0 && errno == EINVAL ? "EINVAL" : "?");
    CHECK(r < 0 && errno == EINVAL, "write to /proc/self/stat: %zd %s", r, strerror(errno));
    close(fd);
    fd = open("/proc/version", O_RDWR);
    errno = 0;
    r = fd >= 0 ? write(fd, "x", 1) : -1;
    printf("write /proc/version: %s\n", r < 0 && errno == EIO ? "EIO" : "?");
    CHECK(r < 0 && errno == EIO, "write to /proc/version: %zd %s", r, strerror(errno));
    close(fd);

    /* comm can be written by the process itself. */
    fd = open("/proc/self/comm", O_WRONLY);
    CHECK(fd >= 0 && write(fd, "renamed", 7) == 7, "write comm");
    close(fd);
    char *comm = slurp("/proc/self/comm", NULL);
    printf("comm after write: %s", comm ? comm : "?\n");
    CHECK(comm && !strcmp(comm, "renamed\n"), "comm after write");
    free(comm);
    fd = open("/proc/self/comm", O_WRONLY);
    write(fd, "proc_basic", 10);
    close(fd);
}

static int matches_decimal2(const char *s, const char **end)
{
    /* "123.45" */
    const char *p = s;
    if (*p < '0' || *p > '9')
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p++ != '.' || p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
        return 0;
    *end = p + 2;
    return 1;
}

static void check_system_files(void)
{
    const char *e;
    char *s = slurp("/proc/uptime", NULL);
    int ok = s && matches_decimal2(s, &e) && *e == ' ' && matches_decimal2(e + 1, &e) && !strcmp(e, "\n");
    printf("uptime format: %s\n", ok ? "ok" : "bad");
    CHECK(ok, "/proc/uptime: %s", s ? s : "(none)");
    free(s);

    s = slurp("/proc/loadavg", NULL);
    double a, b, c;
    int run, total, last;
    ok = s && sscanf(s, "%lf %lf %lf %d/%d %d", &a, &b, &c, &run, &total, &last) == 6 && run >= 1 && total >= 1;
    printf("loadavg format: %s\n", ok ? "ok" : "bad");
    CHECK(ok, "/proc/loadavg: %s", s ? s : "(none)");
    free(s);

    s = slurp("/proc/meminfo", NULL);
    unsigned long total_kb = 0, free_kb = 0;
    ok = s && !strncmp(s, "MemTotal:", 9) && strlen(s) > 27 && s[27] == '\n' && !memcmp(s + 24, " kB", 3) &&
         sscanf(s, "MemTotal: %lu kB\nMemFree: %lu kB", &total_kb, &free_kb) == 2 && free_kb <= total_kb &&
         strstr(s, "\nMemAvailable:") && strstr(s, "\nSwapTotal:") && strstr(s, "\nCached:");
    printf("meminfo format: %s\n", ok ? "ok" : "bad");
    CHECK(ok, "/proc/meminfo: %.80s", s ? s : "(none)");
    free(s);

    s = slurp("/proc/stat", NULL);
    ok = s && !strncmp(s, "cpu  ", 5) && strstr(s, "\ncpu0 ") && strstr(s, "\nbtime ") && strstr(s, "\nprocesses ") &&
         strstr(s, "\nprocs_running ");
    printf("stat format: %s\n", ok ? "ok" : "bad");
    CHECK(ok, "/proc/stat");
    free(s);

    s = slurp("/proc/cpuinfo", NULL);
    int cpus = 0;
    for (const char *p = s; p && (p = strstr(p, "processor\t: ")); p++)
        cpus++;
    printf("cpuinfo processors: %d\n", cpus);
    CHECK(cpus == sysconf(_SC_NPROCESSORS_ONLN) && strstr(s, "\nmodel name\t: ") && strstr(s, "\nflags\t\t: "), "cpuinfo");
    free(s);

    s = slurp("/proc/version", NULL);
    printf("version starts with \"Linux version \": %s\n", s && !strncmp(s, "Linux version ", 14) ? "yes" : "no");
    free(s);
    s = slurp("/proc/filesystems", NULL);
    printf("filesystems has nodev proc: %s\n", s && strstr(s, "nodev\tproc\n") ? "yes" : "no");
    free(s);
    s = slurp("/proc/mounts", NULL);
    printf("mounts has proc: %s\n", s && strstr(s, "proc /proc proc rw") ? "yes" : "no");
    CHECK(s && strstr(s, "proc /proc proc rw"), "/proc/mounts: %s", s ? s : "(none)");
    free(s);
    s = slurp("/proc/sys/kernel/pid_max", NULL);
    printf("pid_max: %s", s ? s : "(none)\n");
    free(s);
    s = slurp("/proc/sys/kernel/ostype", NULL);
    printf("ostype: %s", s ? s : "(none)\n");
    free(s);

    s = slurp("/proc/self/maps", NULL);
    int exe = 0, stack = 0;
    for (char *line = s; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = 0;
        size_t l = strlen(line);
        if (l > 12 && !strcmp(line + l - 12, " /proc_basic") && strstr(line, " r-xp "))
            exe = 1;
        if (strstr(line, " [stack]") && strstr(line, " rw-p "))
            stack = 1;
        line = nl ? nl + 1 : NULL;
    }
    printf("maps has the program's text and [stack]: %s\n", exe && stack ? "yes" : "no");
    CHECK(exe && stack, "maps");
    free(s);

    s = slurp("/proc/self/statm", NULL);
    unsigned long v[7];
    ok = s && sscanf(s, "%lu %lu %lu %lu %lu %lu %lu", v, v + 1, v + 2, v + 3, v + 4, v + 5, v + 6) == 7 &&
         v[0] >= v[1] && v[1] > 0;
    printf("statm: %s\n", ok ? "ok" : "bad");
    CHECK(ok, "statm: %s", s ? s : "(none)");
    free(s);

    size_t len;
    s = slurp("/proc/self/auxv", &len);
    unsigned long pagesz = 0;
    for (size_t i = 0; s && i + 16 <= len; i += 16) {
        unsigned long kv[2];
        memcpy(kv, s + i, 16);
        if (kv[0] == 6)
            pagesz = kv[1];
    }
    printf("auxv AT_PAGESZ: %lu\n", pagesz);
    CHECK(pagesz == 4096, "auxv");
    free(s);
}

static void check_zombie(void)
{
    int p[2];
    pipe(p);
    pid_t child = fork();
    if (child == 0) {
        close(p[0]);
        close(p[1]);
        _exit(7);
    }
    close(p[1]);
    char c;
    read(p[0], &c, 1); /* EOF: the child has closed its end (exited) */
    close(p[0]);
    char path[64];
    char state = '?';
    for (int tries = 0; tries < 1000 && state != 'Z'; tries++) {
        snprintf(path, sizeof(path), "/proc/%d/stat", (int)child);
        char *s = slurp(path, NULL);
        const char *cp = s ? strrchr(s, ')') : NULL;
        state = cp ? cp[2] : '?';
        free(s);
        if (state != 'Z')
            usleep(1000);
    }
    printf("exited child's state: %c\n", state);
    CHECK(state == 'Z', "child should be a zombie");
    snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)child);
    size_t len = 99;
    char *s = slurp(path, &len);
    printf("zombie's cmdline length: %zu\n", s ? len : 99);
    CHECK(s && len == 0, "a zombie's cmdline is empty");
    free(s);
    int status;
    waitpid(child, &status, 0);
    snprintf(path, sizeof(path), "/proc/%d", (int)child);
    struct stat st;
    errno = 0;
    int gone = stat(path, &st) < 0 && errno == ENOENT;
    printf("reaped child's /proc entry gone: %s\n", gone ? "yes" : "no");
    CHECK(gone, "/proc/<reaped child> should be ENOENT");
}

int main(int argc, char **argv, char **envp)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (mkdir("/proc", 0555) < 0 && errno != EEXIST)
        printf("FAIL: mkdir /proc: %s\n", strerror(errno));
    if (mount("proc", "/proc", "proc", 0, NULL) < 0) {
        printf("FAIL: mount proc: %s\n", strerror(errno));
        return 1;
    }
    printf("mounted /proc\n");
    check_stat_line();
    check_status();
    check_cmdline_environ(argc, argv, envp);
    check_links(argv[0]);
    check_fds();
    check_dirs();
    check_seek_and_write();
    check_system_files();
    check_zombie();
    umount("/proc");
    printf("%s\n", failed ? "some checks failed" : "all as expected");
    return failed;
}
