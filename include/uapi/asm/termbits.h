/* Terminal settings, Linux's x86-64 layout and values (asm-generic/termbits.h, ioctls.h). */
#pragma once
#include <linux/types.h>

constexpr int NCCS = 19;
struct termios {
    u32 c_iflag;
    u32 c_oflag;
    u32 c_cflag;
    u32 c_lflag;
    u8 c_line;
    u8 c_cc[NCCS];
};
static_assert(sizeof(termios) == 36);

struct winsize {
    u16 ws_row;
    u16 ws_col;
    u16 ws_xpixel;
    u16 ws_ypixel;
};

/* c_cc indices */
enum { VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6, VSWTC = 7, VSTART = 8,
       VSTOP = 9, VSUSP = 10, VEOL = 11, VREPRINT = 12, VDISCARD = 13, VWERASE = 14, VLNEXT = 15, VEOL2 = 16 };

/* c_iflag */
constexpr u32 IGNBRK = 0001, BRKINT = 0002, IGNPAR = 0004, INLCR = 0100, IGNCR = 0200, ICRNL = 0400,
              IXON = 02000, IXOFF = 010000, IUTF8 = 040000;
/* c_oflag */
constexpr u32 OPOST = 0001, ONLCR = 0004, OCRNL = 0010;
/* c_cflag */
constexpr u32 B38400 = 0000017, CS8 = 0000060, CREAD = 0000200, HUPCL = 0002000, CLOCAL = 0004000;
/* c_lflag */
constexpr u32 ISIG = 0000001, ICANON = 0000002, ECHO = 0000010, ECHOE = 0000020, ECHOK = 0000040,
              ECHONL = 0000100, NOFLSH = 0000200, TOSTOP = 0000400, ECHOCTL = 0001000, ECHOKE = 0004000,
              IEXTEN = 0100000;

/* ioctls */
constexpr unsigned TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404, TCSBRK = 0x5409,
                   TCXONC = 0x540a, TCFLSH = 0x540b, TIOCSCTTY = 0x540e, TIOCGPGRP = 0x540f, TIOCSPGRP = 0x5410,
                   TIOCOUTQ = 0x5411, TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, FIONREAD = 0x541b,
                   TIOCNOTTY = 0x5422, TIOCGSID = 0x5429, FIONBIO = 0x5421, TIOCGPTN = 0x80045430;
