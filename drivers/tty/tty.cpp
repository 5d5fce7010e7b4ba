/*
 * The console terminal: the serial port plus a line discipline (Linux's
 * n_tty): in canonical mode input is edited a line at a time (erase, kill,
 * end-of-file) and echoed; ISIG turns ^C, ^\ and ^Z into signals for the
 * foreground process group; output turns "\n" into "\r\n" (OPOST|ONLCR).
 */
#include <asm/apic.h>
#include <asm/processor.h>
#include <drivers/serial.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/time.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/string.h>
#include <linux/syscalls.h>
#include <linux/tty.h>
#include <uapi/linux/capability.h>

tty_struct console_tty;

namespace {

/* Protects the console's input queue and line being edited, and its termios
 * against a change while the serial interrupt (on the boot CPU) reads them.
 * Before tasklist_lock (^C signals the foreground group) and the run-queue
 * lock (wake-ups). */
spinlock_t tty_lock("tty_lock");

/* Input queue: bytes ready for read() (completed lines, or everything in raw
 * mode), and the line being edited in canonical mode. */
struct input_queue {
    static constexpr size_t SIZE = 4096;
    char data[SIZE];
    size_t head = 0, tail = 0; /* ready bytes: [tail, head) */
    size_t lines = 0;          /* complete lines (or EOF marks) among them */
    char edit[SIZE / 2];
    size_t edit_len = 0;

    size_t ready() const { return head - tail; }
    bool full() const { return ready() >= SIZE - 1; }
    void push(char c)
    {
        if (!full())
            data[head++ % SIZE] = c;
    }
    char pop() { return data[tail++ % SIZE]; }
    char peek() const { return data[tail % SIZE]; }
};

input_queue input;
constexpr char EOF_MARK = 0; /* stands for ^D at the head of a line */
bool eof_marks[input_queue::SIZE];

void tty_output(tty_struct* tty, char c)
{
    if ((tty->termios.c_oflag & OPOST) && (tty->termios.c_oflag & ONLCR) && c == '\n')
        serial_putc('\r');
    serial_putc(c);
}

void echo_char(tty_struct* tty, char c)
{
    auto lflag = tty->termios.c_lflag;
    if (!(lflag & ECHO)) {
        if (c == '\n' && (lflag & ECHONL))
            tty_output(tty, c);
        return;
    }
    if ((lflag & ECHOCTL) && static_cast<u8>(c) < 32 && c != '\n' && c != '\t') {
        serial_putc('^');
        serial_putc(c + '@');
        return;
    }
    tty_output(tty, c);
}

void erase_one(tty_struct* tty)
{
    if (!input.edit_len)
        return;
    char c = input.edit[--input.edit_len];
    if ((tty->termios.c_lflag & ECHO) && (tty->termios.c_lflag & ECHOE)) {
        int width = ((tty->termios.c_lflag & ECHOCTL) && static_cast<u8>(c) < 32 && c != '\t') ? 2 : 1;
        for (int i = 0; i < width; i++) {
            serial_putc('\b');
            serial_putc(' ');
            serial_putc('\b');
        }
    }
}

void finish_line(tty_struct* tty, bool eof)
{
    for (size_t i = 0; i < input.edit_len; i++)
        input.push(input.edit[i]);
    if (eof) {
        eof_marks[input.head % input_queue::SIZE] = true;
        input.push(EOF_MARK);
    }
    input.edit_len = 0;
    input.lines++;
    wake_up(&tty->read_wait);
}

void signal_foreground(tty_struct* tty, int sig)
{
    if (!(tty->termios.c_lflag & NOFLSH)) {
        input.edit_len = 0;
    }
    if (tty->pgrp > 0)
        kill_pgrp(tty->pgrp, sig, SI_KERNEL);
}

bool canonical(const tty_struct* tty) { return tty->termios.c_lflag & ICANON; }

/*
 * Job control: a background process group touching its controlling terminal
 * is stopped with SIGTTIN (read) or SIGTTOU (write with TOSTOP, or changing
 * settings), unless it ignores or blocks the signal: then a read fails with
 * EIO and the rest goes ahead. An orphaned group gets EIO (nobody could
 * continue it). Linux's tty_check_change.
 */
Result<void> job_control_check(tty_struct* tty, int sig)
{
    signal_struct* s = current->signal;
    if (s->tty != tty || !tty->pgrp || s->pgrp == tty->pgrp)
        return {};
    k_sigaction& ka = current->sighand->action[sig - 1];
    if (ka.handler == SIG_IGN || current->blocked.has(sig))
        return sig == SIGTTIN ? Result<void>(Errno::EIO) : Result<void>();
    if (is_orphaned_pgrp(s->pgrp))
        return Errno::EIO;
    kill_pgrp(s->pgrp, sig, SI_KERNEL);
    return Errno::ERESTARTSYS;
}

/* Can a read return now? */
bool input_available(const tty_struct* tty)
{
    if (canonical(tty))
        return input.lines > 0;
    unsigned vmin = tty->termios.c_cc[VMIN];
    return input.ready() >= (vmin ? vmin : 1);
}

/* A file the terminal was hung up under (Linux swaps its f_op for
 * hung_up_tty_fops): reads see end of file, writes and ioctls fail. */
bool hung_up(const file* f, const tty_struct* tty)
{
    return reinterpret_cast<uintptr_t>(f->private_data) != tty->hangups;
}

Result<size_t> tty_read(file* f, iter_dest& to, loff_t*)
{
    tty_struct* tty = &console_tty;
    if (hung_up(f, tty))
        return 0;
    TRY(job_control_check(tty, SIGTTIN));
    if (!input_available(tty)) {
        if (f->f_flags & O_NONBLOCK)
            return Errno::EAGAIN;
        if (!canonical(tty) && tty->termios.c_cc[VMIN] == 0) {
            /* VMIN 0: return what is there, after at most VTIME tenths. */
            if (tty->termios.c_cc[VTIME] && !input.ready()) {
                u64 deadline = ktime_get_ns() + tty->termios.c_cc[VTIME] * 100000000ULL;
                while (!input.ready() && ktime_get_ns() < deadline && !signal_pending(current)) {
                    set_current_state(TASK_INTERRUPTIBLE);
                    if (input.ready())
                        break;
                    wait_queue_entry w{current, {}};
                    add_wait_queue(&tty->read_wait, &w);
                    schedule_timeout_until(deadline);
                    remove_wait_queue(&tty->read_wait, &w);
                }
                set_current_state(TASK_RUNNING);
            }
        } else if (long err = wait_event_interruptible(tty->read_wait, input_available(tty) || hung_up(f, tty))) {
            return static_cast<Errno>(-err);
        }
        if (hung_up(f, tty))
            return 0;
    }
    size_t done = 0;
    u64 flags = spin_lock_irqsave(&tty_lock);
    while (input.ready() && done < to.count()) {
        size_t at = input.tail % input_queue::SIZE;
        if (canonical(tty) && eof_marks[at]) {
            /* The ^D ends this read and is used up: after "xy" the read
             * returns "xy" and the next one waits; at the start of a line it
             * returns 0, end of file (Linux's n_tty). */
            eof_marks[at] = false;
            input.pop();
            input.lines--;
            break;
        }
        char c = input.peek();
        spin_unlock_irqrestore(&tty_lock, flags);
        if (to.copy_to_iter(&c, 1) != 1) {
            flags = spin_lock_irqsave(&tty_lock);
            break;
        }
        flags = spin_lock_irqsave(&tty_lock);
        input.pop();
        done++;
        if (canonical(tty) && c == '\n') {
            input.lines--;
            break;
        }
    }
    spin_unlock_irqrestore(&tty_lock, flags);
    if (!done && to.faulted())
        return Errno::EFAULT;
    return done;
}

Result<size_t> tty_write(file* f, iter_source& from, loff_t*)
{
    tty_struct* tty = &console_tty;
    if (hung_up(f, tty))
        return Errno::EIO;
    if (tty->termios.c_lflag & TOSTOP)
        TRY(job_control_check(tty, SIGTTOU));
    char buf[128];
    size_t done = 0;
    while (from.count()) {
        size_t n = from.copy_from_iter(buf, min(from.count(), sizeof(buf)));
        for (size_t i = 0; i < n; i++)
            tty_output(tty, buf[i]);
        done += n;
        if (n < sizeof(buf) && from.count())
            break;
    }
    if (!done && from.faulted())
        return Errno::EFAULT;
    return done;
}

Result<long> tty_ioctl(file* f, unsigned int cmd, unsigned long arg)
{
    tty_struct* tty = &console_tty;
    signal_struct* sig = current->signal;
    if (hung_up(f, tty))
        return cmd == TIOCSPGRP ? Errno::ENOTTY : Errno::EIO;
    switch (cmd) {
    case TCGETS:
        TRY(put_user(tty->termios, user_out_ptr<termios>(arg)));
        return 0;
    case TCSETSF:
    case TCSETS:
    case TCSETSW: {
        TRY(job_control_check(tty, SIGTTOU));
        termios t = TRY(get_user(user_in_ptr<const termios>(arg)));
        spin_guard g(&tty_lock);
        if (cmd == TCSETSF)
            input.head = input.tail = input.lines = input.edit_len = 0;
        bool was_canonical = canonical(tty);
        tty->termios = t;
        if (was_canonical && !canonical(tty)) {
            /* Leaving canonical mode: what was being edited becomes readable. */
            for (size_t i = 0; i < input.edit_len; i++)
                input.push(input.edit[i]);
            input.edit_len = 0;
            wake_up(&tty->read_wait);
        }
        return 0;
    }
    case TIOCGWINSZ:
        TRY(put_user(tty->winsize, user_out_ptr<winsize>(arg)));
        return 0;
    case TIOCSWINSZ: {
        winsize ws = TRY(get_user(user_in_ptr<const winsize>(arg)));
        bool changed = memcmp(&ws, &tty->winsize, sizeof(ws)) != 0;
        tty->winsize = ws;
        if (changed && tty->pgrp > 0)
            kill_pgrp(tty->pgrp, SIGWINCH, SI_KERNEL);
        return 0;
    }
    case TIOCGPGRP:
        if (sig->tty != tty)
            return Errno::ENOTTY;
        TRY(put_user(tty->pgrp, user_out_ptr<int>(arg)));
        return 0;
    case TIOCSPGRP: {
        if (sig->tty != tty || tty->session != sig->session)
            return Errno::ENOTTY;
        TRY(job_control_check(tty, SIGTTOU));
        pid_t pgrp = TRY(get_user(user_in_ptr<const int>(arg)));
        if (pgrp < 0)
            return Errno::EINVAL;
        if (!pgrp_in_session(pgrp, sig->session))
            return Errno::EPERM;
        tty->pgrp = pgrp;
        return 0;
    }
    case TIOCGSID:
        if (sig->tty != tty)
            return Errno::ENOTTY;
        TRY(put_user(tty->session, user_out_ptr<int>(arg)));
        return 0;
    case TIOCSCTTY:
        /* A session leader without a terminal takes this one (if free, or by force as root). */
        if (sig->tty == tty)
            return 0;
        if (!sig->leader || sig->tty)
            return Errno::EPERM;
        if (tty->session && tty->session != sig->session && !(arg == 1 && capable(CAP_SYS_ADMIN)))
            return Errno::EPERM;
        tty->session = sig->session;
        tty->pgrp = sig->pgrp;
        sig->tty = tty;
        return 0;
    case TIOCNOTTY:
        if (sig->tty != tty)
            return Errno::ENOTTY;
        sig->tty = nullptr;
        if (sig->leader) {
            tty->session = 0;
            tty->pgrp = 0;
        }
        return 0;
    case FIONREAD: {
        int n = static_cast<int>(input.ready());
        TRY(put_user(n, user_out_ptr<int>(arg)));
        return 0;
    }
    case TCFLSH:
        if (arg == 0 || arg == 2)
            input.head = input.tail = input.lines = input.edit_len = 0;
        return 0;
    case TCXONC:
    case TCSBRK:
        return 0;
    case TIOCOUTQ:
        TRY(put_user(0, user_out_ptr<int>(arg)));
        return 0;
    default:
        (void)f;
        return Errno::ENOTTY;
    }
}

unsigned int tty_poll(file* f, poll_table* pt)
{
    if (hung_up(f, &console_tty))
        return POLLIN | POLLOUT | POLLERR | POLLHUP | POLLRDNORM | POLLWRNORM;
    poll_wait(f, &console_tty.read_wait, pt);
    unsigned mask = POLLOUT | POLLWRNORM;
    if (input_available(&console_tty) || (!canonical(&console_tty) && input.ready()))
        mask |= POLLIN | POLLRDNORM;
    return mask;
}

Result<void> tty_open(inode*, file* f)
{
    f->private_data = reinterpret_cast<void*>(console_tty.hangups); /* not hung up */
    /* Opening the console without O_NOCTTY makes it a session leader's terminal. */
    signal_struct* sig = current->signal;
    if (!(f->f_flags & O_NOCTTY) && sig->leader && !sig->tty && !console_tty.session) {
        console_tty.session = sig->session;
        console_tty.pgrp = sig->pgrp;
        sig->tty = &console_tty;
    }
    return {};
}

const file_operations tty_fops = {
    .read_iter = tty_read,
    .write_iter = tty_write,
    .llseek = nullptr,
    .ioctl = tty_ioctl,
    .poll = tty_poll,
    .iterate = nullptr,
    .open = tty_open,
    .release = nullptr,
};

void serial_interrupt()
{
    int c;
    spin_guard g(&tty_lock);
    while ((c = serial_getc_nowait()) >= 0)
        tty_receive_char(&console_tty, static_cast<char>(c));
}

} // namespace


void tty_receive_char(tty_struct* tty, char c)
{
    const termios& t = tty->termios;
    if (c == '\r') {
        if (t.c_iflag & IGNCR)
            return;
        if (t.c_iflag & ICRNL)
            c = '\n';
    } else if (c == '\n' && (t.c_iflag & INLCR)) {
        c = '\r';
    }
    if (t.c_lflag & ISIG) {
        int sig = c == t.c_cc[VINTR] ? SIGINT : c == t.c_cc[VQUIT] ? SIGQUIT : c == t.c_cc[VSUSP] ? SIGTSTP : 0;
        if (sig) {
            echo_char(tty, c);
            signal_foreground(tty, sig);
            return;
        }
    }
    if (!canonical(tty)) {
        input.push(c);
        echo_char(tty, c);
        wake_up(&tty->read_wait);
        return;
    }
    if (c == t.c_cc[VERASE] || c == '\b') {
        erase_one(tty);
    } else if (c == t.c_cc[VKILL]) {
        while (input.edit_len)
            erase_one(tty);
    } else if (c == t.c_cc[VEOF]) {
        finish_line(tty, true);
    } else if (c == '\n' || (t.c_cc[VEOL] && c == t.c_cc[VEOL])) {
        if (input.edit_len < sizeof(input.edit))
            input.edit[input.edit_len++] = c;
        echo_char(tty, c);
        finish_line(tty, false);
    } else if (input.edit_len < sizeof(input.edit) - 1) {
        input.edit[input.edit_len++] = c;
        echo_char(tty, c);
    }
}

void tty_init()
{
    tty_struct* tty = &console_tty;
    tty->termios.c_iflag = ICRNL | IXON;
    tty->termios.c_oflag = OPOST | ONLCR;
    tty->termios.c_cflag = B38400 | CS8 | CREAD | HUPCL;
    tty->termios.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
    const u8 cc[] = {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0};
    memcpy(tty->termios.c_cc, cc, sizeof(cc));
    tty->read_wait.head.init();
    register_chrdev(MKDEV(5, 1), &tty_fops); /* /dev/console */
    register_chrdev(MKDEV(5, 0), &tty_fops); /* /dev/tty */
    register_chrdev(MKDEV(4, 64), &tty_fops); /* /dev/ttyS0 */
    request_irq_vector(ISA_IRQ_VECTOR_BASE + 4, serial_interrupt);
    ioapic_route_isa_irq(4, ISA_IRQ_VECTOR_BASE + 4);
    serial_enable_rx_irq();
}

void tty_vhangup(tty_struct* tty)
{
    tty->hangups++;
    if (tty->session) {
        siginfo_t info{};
        info.si_code = SI_KERNEL;
        rec_spin_guard g(&tasklist_lock); /* the signal structures, the pending signals */
        list_for_each(pos, &task_list) {
            task_struct* p = list_entry(pos, task_struct, tasks);
            signal_struct* sig = p->signal;
            if (!thread_group_leader(p) || p->exit_state || sig->session != tty->session)
                continue;
            if (sig->tty == tty)
                sig->tty = nullptr;
            if (!sig->leader)
                continue;
            info.si_signo = SIGHUP;
            send_sig_info(SIGHUP, &info, p, true);
            info.si_signo = SIGCONT;
            send_sig_info(SIGCONT, &info, p, true);
        }
    }
    tty->session = 0;
    tty->pgrp = 0;
    wake_up(&tty->read_wait); /* readers return end of file */
}

/* Linux's vhangup: CAP_SYS_TTY_CONFIG, then the caller's controlling
 * terminal, if it has one, is hung up (tty_vhangup_self). */
SYSCALL_DEFINE0(vhangup)
{
    if (!capable(CAP_SYS_TTY_CONFIG))
        return Errno::EPERM;
    if (tty_struct* tty = current->signal->tty)
        tty_vhangup(tty);
    return 0;
}
