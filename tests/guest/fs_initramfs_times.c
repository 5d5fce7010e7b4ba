/*
 * The initramfs's directories keep the archive's times (0 here), however
 * much was made inside them while unpacking (and /dev's nodes after), as
 * Linux applies them last; `ls -la /` shows 1970 on both kernels.
 */
#include <stdio.h>
#include <sys/stat.h>
#include "musl_check.h"

static void show(const char *path)
{
    struct stat st;
    EQ(stat(path, &st), 0);
    printf("%s: mtime %ld\n", path, (long)st.st_mtime);
    TRUE(st.st_mtime == 0);
}

int main(void)
{
    show("/dev");
    show("/data");
    show("/data/sub");
    show("/data/sub/x.c");
    return summary();
}
