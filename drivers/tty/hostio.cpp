/*
 * The host's standard streams, for `./trapgate exec` (tools/qemu.py): when
 * the host's stdin, stdout or stderr is not a terminal, the program's fd 0,
 * 1 or 2 is not the console but one end of a pipe whose other end is on the
 * host, as under `docker run -i` or `qemu-x86_64`. The bytes travel on a third
 * UART (COM3's ports, 0x3e8, on IRQ 5: COM3's usual IRQ 4 is COM1's), in both
 * directions, with 0xff as an escape byte:
 *
 *   host -> guest  0xff 0xff  a data byte 0xff
 *                  0xff 0x00  end of stdin: reads return 0 from then on
 *                  0xff 0x01  the host's stdout is closed (writes: EPIPE, SIGPIPE)
 *                  0xff 0x02  the same for stderr
 *   guest -> host  0xff 0x00  ready: sent once, the host sends nothing before
 *                  0xff 0x01  what follows is stdout (the start state)
 *                  0xff 0x02  what follows is stderr
 *                  0xff 0xff  a data byte 0xff
 *
 * Input streams: a ring of received bytes; when it is full the UART's
 * receive interrupt is switched off, QEMU stops reading the host's pipe, and
 * the host's writer waits (`yes | ./trapgate exec head -3` ends). Output is
 * written to the UART as the program writes it, nothing is kept back.
 *
 * Kernel command line: hostio=DIGITS names the fds (0, 1, 2) that init gets
 * on the host channel instead of the console (init/main.cpp).
 */
#include <asm/apic.h>
#include <asm/io.h>
#include <drivers/hostio.h>
#include <drivers/serial.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/spinlock.h>
#include <linux/string.h>

namespace {

constexpr u16 PORT = 0x3e8;
constexpr int IRQ = 5;
enum : u16 { DATA = 0, IER = 1, FCR = 2, LSR = 5 };
constexpr u8 LSR_DATA_READY = 0x01, LSR_THR_EMPTY = 0x20;
constexpr u8 ESC = 0xff;
enum : u8 { MARK_READY_OR_EOF = 0x00, MARK_STDOUT = 0x01, MARK_STDERR = 0x02 };

bool present;

/* Protects the receive side (ring, escape state, flags) against the UART
 * interrupt on the boot CPU. No lock is taken inside it. */
spinlock_t hostio_lock("hostio_lock");

struct rx_state {
    static constexpr size_t SIZE = 8192;
    u8 data[SIZE];
    size_t head = 0, tail = 0; /* readable bytes: [tail, head) */
    bool escape = false;       /* the last byte was ESC */
    bool eof = false;          /* the host's stdin ended */
    bool throttled = false;    /* ring full: receive interrupt off */
    bool closed[3] = {};       /* the host's stdout (1) / stderr (2) is closed */

    size_t ready() const { return head - tail; }
    bool full() const { return ready() == SIZE; }
};

rx_state rx;
wait_queue_head rx_wait;

/* The transmit side's state, under the kernel lock (writes come from system
 * calls): which stream the host is currently told it receives. */
int tx_stream = 1;

/* Moves what the UART holds into the ring while there is room; switches the
 * receive interrupt off when the ring is full, on again when there is room.
 * Called with hostio_lock held. Returns whether anything changed for readers. */
bool rx_pull()
{
    bool woke = false;
    while (!rx.full() && (inb(PORT + LSR) & LSR_DATA_READY)) {
        u8 c = inb(PORT + DATA);
        if (rx.escape) {
            rx.escape = false;
            if (c == ESC) {
                rx.data[rx.head++ % rx_state::SIZE] = c;
            } else if (c == MARK_READY_OR_EOF) {
                rx.eof = true;
            } else if (c == MARK_STDOUT || c == MARK_STDERR) {
                rx.closed[c] = true;
            }
            woke = true;
        } else if (c == ESC) {
            rx.escape = true;
        } else {
            rx.data[rx.head++ % rx_state::SIZE] = c;
            woke = true;
        }
    }
    bool throttle = rx.full();
    if (throttle != rx.throttled) {
        rx.throttled = throttle;
        outb(PORT + IER, throttle ? 0x00 : 0x01);
    }
    return woke;
}

void hostio_interrupt()
{
    spin_guard g(&hostio_lock);
    if (rx_pull())
        wake_up(&rx_wait);
}

void uart_putc(u8 c)
{
    while (!(inb(PORT + LSR) & LSR_THR_EMPTY))
        ;
    outb(PORT + DATA, c);
}

int stream_of(const file* f) { return static_cast<int>(reinterpret_cast<unsigned long>(f->f_inode->i_private)); }

bool stdin_readable() { return rx.ready() || rx.eof; }

Result<size_t> hostio_read(file* f, iter_dest& to, loff_t*)
{
    if (stream_of(f) != 0)
        return Errno::EBADF;
    for (;;) {
        u64 flags = spin_lock_irqsave(&hostio_lock);
        if (rx.ready()) {
            /* Copies out a chunk at a time without the lock (the copy may
             * fault); readers are serialized by the kernel lock, so nobody
             * takes the peeked bytes meanwhile. */
            size_t done = 0;
            while (rx.ready() && to.count()) {
                u8 buf[256];
                size_t n = min(min(rx.ready(), sizeof(buf)), to.count());
                for (size_t i = 0; i < n; i++)
                    buf[i] = rx.data[(rx.tail + i) % rx_state::SIZE];
                spin_unlock_irqrestore(&hostio_lock, flags);
                size_t copied = to.copy_to_iter(buf, n);
                flags = spin_lock_irqsave(&hostio_lock);
                rx.tail += copied;
                done += copied;
                if (copied < n)
                    break;
                rx_pull(); /* room again: take what the UART kept back */
            }
            rx_pull();
            spin_unlock_irqrestore(&hostio_lock, flags);
            if (!done && to.faulted())
                return Errno::EFAULT;
            return done;
        }
        bool eof = rx.eof;
        spin_unlock_irqrestore(&hostio_lock, flags);
        if (eof)
            return 0;
        if (f->f_flags & O_NONBLOCK)
            return Errno::EAGAIN;
        if (long err = wait_event_interruptible(rx_wait, stdin_readable()))
            return static_cast<Errno>(-err);
    }
}

Result<size_t> hostio_write(file* f, iter_source& from, loff_t*)
{
    int stream = stream_of(f);
    if (stream != 1 && stream != 2)
        return Errno::EBADF;
    bool closed;
    {
        spin_guard g(&hostio_lock);
        closed = rx.closed[stream];
    }
    if (closed) {
        send_sig_info(SIGPIPE, nullptr, current, false);
        return Errno::EPIPE;
    }
    size_t done = 0;
    u8 buf[256];
    while (from.count()) {
        size_t n = from.copy_from_iter(buf, min(from.count(), sizeof(buf)));
        if (n && tx_stream != stream) {
            uart_putc(ESC);
            uart_putc(static_cast<u8>(stream == 1 ? MARK_STDOUT : MARK_STDERR));
            tx_stream = stream;
        }
        for (size_t i = 0; i < n; i++) {
            if (buf[i] == ESC)
                uart_putc(ESC);
            uart_putc(buf[i]);
        }
        done += n;
        if (n < sizeof(buf) && from.count())
            break; /* a fault */
    }
    if (!done && from.faulted())
        return Errno::EFAULT;
    return done;
}

unsigned int hostio_poll(file* f, poll_table* pt)
{
    int stream = stream_of(f);
    spin_guard g(&hostio_lock);
    if (stream == 0) {
        poll_wait(f, &rx_wait, pt);
        unsigned mask = rx.ready() ? POLLIN | POLLRDNORM : 0;
        return rx.eof ? mask | POLLHUP : mask;
    }
    return rx.closed[stream] ? POLLOUT | POLLWRNORM | POLLERR : POLLOUT | POLLWRNORM;
}

Result<long> hostio_ioctl(file* f, unsigned int cmd, unsigned long arg)
{
    constexpr unsigned FIONREAD = 0x541b;
    if (cmd != FIONREAD)
        return Errno::ENOTTY; /* not a terminal: isatty() is false */
    int n = 0;
    if (stream_of(f) == 0) {
        spin_guard g(&hostio_lock);
        n = static_cast<int>(rx.ready());
    }
    TRY(put_user(n, user_out_ptr<int>(arg)));
    return 0;
}

Result<void> hostio_open(inode*, file*) { return {}; }

const file_operations hostio_fops = {
    .read_iter = hostio_read,
    .write_iter = hostio_write,
    .llseek = nullptr,
    .ioctl = hostio_ioctl,
    .poll = hostio_poll,
    .iterate = nullptr,
    .open = hostio_open,
    .release = nullptr,
};

super_block* hostio_sb; /* a ramfs instance no path reaches: the pipes' inodes */

} // namespace

void hostio_init()
{
    /* The UART as the console's (8N1, no divisor change needed by QEMU),
     * with its FIFOs on: the host sends nothing before "ready", so no byte
     * is in them to lose. */
    outb(PORT + 7, 0x5a);
    if (inb(PORT + 7) != 0x5a)
        return;
    present = true;
    rx_wait.head.init();
    outb(PORT + IER, 0x00);
    outb(PORT + 3, 0x80); /* divisor latch: 115200 baud */
    outb(PORT + DATA, 0x01);
    outb(PORT + IER, 0x00);
    outb(PORT + 3, 0x03);           /* 8N1 */
    outb(PORT + FCR, 0xc7);         /* FIFOs on and cleared, interrupt at 14 bytes */
    outb(PORT + 4, 0x0b);           /* DTR, RTS, OUT2 */
    request_irq_vector(ISA_IRQ_VECTOR_BASE + IRQ, hostio_interrupt);
    ioapic_route_isa_irq(IRQ, ISA_IRQ_VECTOR_BASE + IRQ);
    outb(PORT + IER, 0x01);
    uart_putc(ESC);
    uart_putc(MARK_READY_OR_EOF);
}

Result<file*> hostio_open_stream(int fd)
{
    if (!present)
        return Errno::ENODEV;
    if (!hostio_sb && !(hostio_sb = ramfs_get_sb()))
        return Errno::ENOMEM;
    /* A pipe to the host: FIFO inode, "pipe:[ino]" in /proc/PID/fd, no
     * seeking. Reopening it through /proc/PID/fd reaches these operations
     * again (the inode's i_fop, fs/open.cpp). */
    inode* i = new_inode(hostio_sb, S_IFIFO | 0600);
    dentry* d = d_alloc(nullptr, "pipe:", 5);
    if (!i || !d) {
        iput(i);
        if (d)
            dput(d);
        return Errno::ENOMEM;
    }
    d->d_sb = hostio_sb;
    d->d_transient = true;
    d_instantiate(d, i);
    i->i_fop = &hostio_fops;
    i->i_private = reinterpret_cast<void*>(static_cast<unsigned long>(fd));
    path p{root_mnt, d};
    file* f = alloc_file(p, fd == 0 ? O_RDONLY : O_WRONLY, &hostio_fops);
    dput(d);
    if (!f)
        return Errno::ENOMEM;
    f->f_mode &= ~FMODE_LSEEK;
    return f;
}
