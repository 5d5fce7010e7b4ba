/*
 * /sys/kernel/mm/transparent_hugepage, which allocators and language
 * runtimes read (Go: hpage_pmd_size; jemalloc: enabled).
 */
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include "musl_check.h"

static void show(const char *name)
{
    char path[128], line[128] = "";
    snprintf(path, sizeof(path), "/sys/kernel/mm/transparent_hugepage/%s", name);
    FILE *f = fopen(path, "r");
    TRUE(f != 0);
    if (!f)
        return;
    if (fgets(line, sizeof(line), f))
        line[strcspn(line, "\n")] = 0;
    fclose(f);
    printf("%s: %s\n", name, line);
}

int main(void)
{
    mkdir("/sys", 0555);
    EQ(mount("sysfs", "/sys", "sysfs", 0, 0), 0);
    show("enabled");
    show("defrag");
    show("hpage_pmd_size");
    struct stat st;
    EQ(stat("/sys/kernel/mm", &st), 0);
    TRUE(S_ISDIR(st.st_mode));
    return summary();
}
