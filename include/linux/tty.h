/* Terminals: the serial console with a line discipline (drivers/tty/tty.cpp). */
#pragma once
#include <linux/types.h>
#include <linux/wait.h>
#include <uapi/asm/termbits.h>

struct tty_struct {
    struct termios termios;
    struct winsize winsize;
    pid_t pgrp;    /* foreground process group */
    pid_t session; /* controlling session, 0 if none */

    /* Input: raw bytes become lines here (canonical mode) or pass through. */
    static constexpr size_t BUF_SIZE = 4096;
    char read_buf[BUF_SIZE];
    size_t read_head, read_tail; /* ring: [tail, head) is readable or being edited */
    size_t canon_head;           /* end of the completed lines (canonical mode) */
    int eof_pending;             /* ^D on an empty line */
    wait_queue_head read_wait;
};

extern tty_struct console_tty;
void tty_init();
/* The serial interrupt hands received bytes here. */
void tty_receive_char(tty_struct* tty, char c);
