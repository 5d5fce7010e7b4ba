/*
 * A pipe seen from outside fs/pipe.cpp: what splice, tee and vmsplice
 * (fs/splice.cpp) need to move bytes into, out of and between pipes without
 * going through a user buffer. The ring itself stays private to fs/pipe.cpp.
 *
 * Locking: each pipe has a mutex (pipe_lock) guarding its ring and its
 * reader and writer counts. The copy functions below are called with it
 * held; the wait functions without it (they sleep until the pipe may be
 * ready, then the caller locks and looks again). Two pipes are locked
 * together only through pipe_double_lock, which takes them in address order.
 */
#pragma once
#include <linux/fs.h>

struct pipe_inode_info;

/* The pipe behind a pipe or FIFO file, or null for any other file (Linux's
 * get_pipe_info). */
[[nodiscard]] pipe_inode_info* get_pipe_info(file* f);

void pipe_lock(pipe_inode_info* p);
void pipe_unlock(pipe_inode_info* p);
void pipe_double_lock(pipe_inode_info* a, pipe_inode_info* b);

/* Under the lock. */
[[nodiscard]] size_t pipe_occupancy(const pipe_inode_info* p); /* bytes in it */
[[nodiscard]] size_t pipe_room(const pipe_inode_info* p);      /* bytes that fit */
[[nodiscard]] bool pipe_has_readers(const pipe_inode_info* p);
[[nodiscard]] bool pipe_has_writers(const pipe_inode_info* p);
/* Copies up to n bytes, starting skip bytes past the oldest, without taking
 * them; returns how many moved (short at a fault). */
[[nodiscard]] size_t pipe_copy_out(const pipe_inode_info* p, size_t skip, iter_dest& to, size_t n);
/* Takes the n oldest bytes (n <= pipe_occupancy). */
void pipe_consume(pipe_inode_info* p, size_t n);
/* Adds up to n bytes from the iterator, as many as fit; returns how many. */
[[nodiscard]] size_t pipe_fill(pipe_inode_info* p, iter_source& from, size_t n);

/* Without the lock: sleep until the pipe has bytes or no writer (readable),
 * or room or no reader (writable). EAGAIN instead when nonblock and not so;
 * a signal ends the wait (ERESTARTSYS). */
[[nodiscard]] Result<void> pipe_wait_readable(pipe_inode_info* p, bool nonblock);
[[nodiscard]] Result<void> pipe_wait_writable(pipe_inode_info* p, bool nonblock);
/* After bytes went in (wake the readers) or came out (the writers). */
void pipe_wake_readers(pipe_inode_info* p);
void pipe_wake_writers(pipe_inode_info* p);
