/*
 * The 8250/16550 UARTs. COM1 is the console terminal (drivers/tty/tty.cpp);
 * kernel messages go to COM2 when the machine has one, so a host runner can
 * keep them apart from program output, and to COM1 otherwise.
 */
#include <asm/io.h>
#include <drivers/serial.h>

namespace {
constexpr u16 COM1 = 0x3f8, COM2 = 0x2f8;
enum : u16 { DATA = 0, IER = 1, FCR = 2, LCR = 3, MCR = 4, LSR = 5, SCRATCH = 7 };
constexpr u8 LSR_DATA_READY = 0x01, LSR_THR_EMPTY = 0x20;
u16 log_port = COM1;

/* The FIFOs stay as they are: switching them on would throw away a byte the
 * host already typed before the kernel started. */
void uart_init(u16 port)
{
    outb(port + IER, 0x00);
    outb(port + LCR, 0x80); /* divisor latch: 115200 baud */
    outb(port + DATA, 0x01);
    outb(port + IER, 0x00);
    outb(port + LCR, 0x03); /* 8N1 */
    outb(port + MCR, 0x0b); /* DTR, RTS, OUT2 (lets the UART raise its IRQ) */
}

bool uart_present(u16 port)
{
    outb(port + SCRATCH, 0x5a);
    if (inb(port + SCRATCH) != 0x5a)
        return false;
    outb(port + SCRATCH, 0xa5);
    return inb(port + SCRATCH) == 0xa5;
}

void uart_putc(u16 port, char c)
{
    while (!(inb(port + LSR) & LSR_THR_EMPTY))
        ;
    outb(port + DATA, static_cast<u8>(c));
}

} // namespace

void serial_init()
{
    uart_init(COM1);
    if (uart_present(COM2)) {
        uart_init(COM2);
        log_port = COM2;
    }
}

void serial_putc(char c) { uart_putc(COM1, c); }

void serial_log_write(const char* s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            uart_putc(log_port, '\r');
        uart_putc(log_port, s[i]);
    }
}

int serial_getc_nowait()
{
    if (!(inb(COM1 + LSR) & LSR_DATA_READY))
        return -1;
    return inb(COM1 + DATA);
}

void serial_enable_rx_irq() { outb(COM1 + IER, 0x01); }
