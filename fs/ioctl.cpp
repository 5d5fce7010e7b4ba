/* ioctl: the generic requests, then the file's own. */
#include <linux/fs.h>
#include <linux/syscalls.h>
#include <uapi/asm/termbits.h>

namespace {
constexpr unsigned FIOCLEX = 0x5451, FIONCLEX = 0x5450;
}

SYSCALL_DEFINE3(ioctl, unsigned int, fd, IoctlCmd, cmd, IoctlArg, arg)
{
    FdRef f(static_cast<int>(fd));
    if (!f)
        return Errno::EBADF;
    switch (cmd) {
    case FIOCLEX:
        set_close_on_exec(static_cast<int>(fd), true);
        return 0;
    case FIONCLEX:
        set_close_on_exec(static_cast<int>(fd), false);
        return 0;
    case FIONBIO: {
        int on = TRY(get_user(user_in_ptr<const int>(arg)));
        if (on)
            f->f_flags |= O_NONBLOCK;
        else
            f->f_flags &= ~O_NONBLOCK;
        return 0;
    }
    }
    if (!f->f_op || !f->f_op->ioctl)
        return Errno::ENOTTY;
    return f->f_op->ioctl(f.get(), cmd, arg);
}
