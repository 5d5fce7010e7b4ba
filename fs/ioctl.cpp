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

/*
 * ioctl from an i386 program. A request's argument is an int, a pointer to
 * an int or a structure whose layout the request names; Linux converts the
 * requests whose structures differ (long or pointer members: SIOCGIFCONF's
 * ifconf, ifreq's 32 bytes against 40) and passes the others through. Here
 * the requests Trapgate serves whose arguments have one layout in both ABIs
 * (termios and winsize are ints and bytes) go to the native ioctl; every
 * other one is ENOTTY, as Linux answers a request with no compat handler,
 * listed in docs/syscall-status.md.
 */
namespace {

constexpr unsigned FIOASYNC = 0x5452;

bool compat_same_layout(unsigned cmd)
{
    switch (cmd) {
    case FIOCLEX: case FIONCLEX: case FIONBIO: case FIOASYNC: case FIONREAD:
    case TCGETS: case TCSETS: case TCSETSW: case TCSETSF: case TCSBRK: case TCXONC: case TCFLSH:
    case TIOCSCTTY: case TIOCGPGRP: case TIOCSPGRP: case TIOCOUTQ: case TIOCGWINSZ: case TIOCSWINSZ:
    case TIOCNOTTY: case TIOCGSID: case TIOCGPTN:
        return true;
    default:
        return false;
    }
}

} // namespace

COMPAT_SYSCALL_DEFINE3(ioctl, unsigned int, fd, IoctlCmd, cmd, IoctlArg, arg)
{
    if (!compat_same_layout(cmd)) {
        FdRef f(static_cast<int>(fd));
        return f ? Errno::ENOTTY : Errno::EBADF;
    }
    return __do_sys_ioctl(fd, cmd, arg);
}
