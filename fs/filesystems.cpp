/*
 * The file system types this kernel can mount, in one table: what
 * /proc/filesystems lists, what mount(2) accepts as a type, and what the old
 * sysfs(2) call numbers (Linux's fs/filesystems.c, whose list is in
 * registration order; Trapgate's is fixed at build time, so it needs no lock).
 */
#include <linux/fs.h>
#include <linux/string.h>
#include <linux/syscalls.h>

namespace {

struct file_system_type {
    const char* name;
    bool requires_dev; /* FS_REQUIRES_DEV: /proc/filesystems says "nodev" when not */
};

/* The order Linux 6.1 registers these in. */
constexpr file_system_type file_systems[] = {
    {"sysfs", false}, {"tmpfs", false}, {"proc", false}, {"devtmpfs", false}, {"ramfs", false},
};
constexpr int nr_file_systems = sizeof(file_systems) / sizeof(file_systems[0]);

} // namespace

bool get_fs_type(const char* name)
{
    for (const auto& t : file_systems)
        if (!strcmp(t.name, name))
            return true;
    return false;
}

void show_filesystems_list(void (*line)(void* m, const char* text), void* m)
{
    char buf[64];
    for (const auto& t : file_systems) {
        strscpy(buf, t.requires_dev ? "\t" : "nodev\t", sizeof(buf));
        size_t n = strlen(buf);
        strscpy(buf + n, t.name, sizeof(buf) - n);
        n = strlen(buf);
        strscpy(buf + n, "\n", sizeof(buf) - n);
        line(m, buf);
    }
}

/* sysfs(1, name): the type's index; sysfs(2, index, buf): its name;
 * sysfs(3): how many there are. */
SYSCALL_DEFINE3(sysfs, int, option, unsigned long, arg1, unsigned long, arg2)
{
    switch (option) {
    case 1: {
        char name[64];
        auto n = strncpy_from_user(name, user_in_ptr<const char>(arg1), sizeof(name));
        if (!n.ok())
            return n.error() == Errno::ENAMETOOLONG ? Errno::EINVAL : n.error(); /* longer than any name */
        for (int i = 0; i < nr_file_systems; i++)
            if (!strcmp(file_systems[i].name, name))
                return i;
        return Errno::EINVAL;
    }
    case 2: {
        if (arg1 >= static_cast<unsigned long>(nr_file_systems))
            return Errno::EINVAL;
        const char* name = file_systems[arg1].name;
        TRY(copy_to_user(user_out_ptr<char>(arg2), name, strlen(name) + 1));
        return 0;
    }
    case 3:
        return nr_file_systems;
    default:
        return Errno::EINVAL;
    }
}
