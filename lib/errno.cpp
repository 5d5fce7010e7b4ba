#include <linux/errno.h>

const char* errno_name(int err)
{
    switch (err) {
#define ERRNO(name, number) \
    case number:            \
        return #name;
#include <uapi/linux/errno_list.h>
#undef ERRNO
    default:
        return nullptr;
    }
}
