#pragma once
#include <linux/types.h>

void serial_init();
/* One byte to the console port (COM1), as is. */
void serial_putc(char c);
/* Kernel messages: to COM2 if present, else COM1, "\n" as "\r\n". */
void serial_log_write(const char* s, size_t len);
/* A received console byte, or -1 when none is waiting. */
int serial_getc_nowait();
void serial_enable_rx_irq();
