/* The 8250/16550 UART on COM1: the console, by polling on output. */
#include <asm/io.h>
#include <drivers/serial.h>

namespace {
constexpr u16 COM1 = 0x3f8;
enum : u16 { DATA = 0, IER = 1, FCR = 2, LCR = 3, MCR = 4, LSR = 5 };
constexpr u8 LSR_DATA_READY = 0x01, LSR_THR_EMPTY = 0x20;
} // namespace

void serial_init()
{
    outb(COM1 + IER, 0x00);
    outb(COM1 + LCR, 0x80); /* divisor latch: 115200 baud */
    outb(COM1 + DATA, 0x01);
    outb(COM1 + IER, 0x00);
    outb(COM1 + LCR, 0x03); /* 8N1 */
    outb(COM1 + FCR, 0xc7); /* FIFO on, cleared */
    outb(COM1 + MCR, 0x0b); /* DTR, RTS, OUT2 (lets the UART raise its IRQ) */
}

void serial_putc(char c)
{
    while (!(inb(COM1 + LSR) & LSR_THR_EMPTY))
        ;
    outb(COM1 + DATA, static_cast<u8>(c));
}

void serial_write(const char* s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
    }
}

int serial_getc_nowait()
{
    if (!(inb(COM1 + LSR) & LSR_DATA_READY))
        return -1;
    return inb(COM1 + DATA);
}

void serial_enable_rx_irq() { outb(COM1 + IER, 0x01); }
