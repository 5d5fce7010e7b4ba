#pragma once
#include <linux/types.h>

void serial_init();
void serial_putc(char c);
/* Writes len bytes, turning "\n" into "\r\n" as a terminal expects. */
void serial_write(const char* s, size_t len);
/* A received byte, or -1 when none is waiting. */
int serial_getc_nowait();
void serial_enable_rx_irq();
