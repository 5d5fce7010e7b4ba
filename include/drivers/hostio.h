/* The host's standard streams on a UART of their own (drivers/tty/hostio.cpp). */
#pragma once
#include <linux/fs.h>

/* Sets up the UART, if the machine has it, and tells the host it may send. */
void hostio_init();
/* A new open file for init's fd 0 (the host's stdin), 1 or 2 (its stdout,
 * stderr): a pipe end whose other end is the host. ENODEV without the UART. */
[[nodiscard]] Result<file*> hostio_open_stream(int fd);
