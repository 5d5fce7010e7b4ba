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
    /* Bumped by each hang-up (tty_vhangup): a file opened before the last
     * one (its private_data holds the count at its open) is hung up. */
    uintptr_t hangups;

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
/* Linux's tty_vhangup (vhangup(2)): the terminal's open files are hung up,
 * its session's processes lose it, the session leader gets SIGHUP and SIGCONT. */
void tty_vhangup(tty_struct* tty);
/* The serial interrupt hands received bytes here. */
void tty_receive_char(tty_struct* tty, char c);
