/*
 * procfs internals (the fs/proc sources only). Nothing in procfs is stored: every
 * inode is made on lookup (namei's lookup_child gives it a transient dentry)
 * and says what it is in i_private: an entry kind, a pid and, for fd/N, a
 * descriptor number. Files are generated whole when opened (a snapshot, as a
 * seq_file would be on its first read) and read from that buffer.
 */
#pragma once
#include <linux/fs.h>
#include <linux/sched.h>
#include <stdarg.h>

namespace procfs {

/* ---- a growing text buffer (Linux's seq_file, minus the iteration) ---- */

struct seqbuf {
    char* buf = nullptr;
    size_t len = 0;
    size_t cap = 0;
    bool oom = false;

    bool reserve(size_t more);
    void write(const void* data, size_t n);
    void puts(const char* s);
    void putc(char c) { write(&c, 1); }
    void printf(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
    void vprintf(const char* fmt, va_list args);
    /* Spaces up to column `width` of the line being written (seq_pad). */
    void pad_line(size_t line_start, size_t width);
    void release();
};

/* ---- what an inode is ---- */

enum kind : u16 {
    K_ROOT = 0,
    K_STATIC = 0x100,    /* + index into static_entries[] */
    K_PID_DIR = 0x200,   /* /proc/<pid> (or task/<tid> with the thread flag) */
    K_PID_ENTRY = 0x300, /* + index into pid_entries[] */
    K_FD_LINK = 0x400,   /* /proc/<pid>/fd/<n> */
    K_FDINFO = 0x401,    /* /proc/<pid>/fdinfo/<n> */
};

struct ino_info {
    u16 kind;
    bool thread; /* under /proc/<pid>/task/<tid>: a thread's view */
    pid_t pid;   /* the process (or thread) */
    int fd;
};

static inline void* encode_info(const ino_info& in)
{
    u64 v = in.kind | (in.thread ? 0x8000ULL : 0) | (static_cast<u64>(static_cast<u32>(in.pid)) << 16) |
            (static_cast<u64>(static_cast<u16>(in.fd)) << 48);
    return reinterpret_cast<void*>(v);
}

static inline ino_info decode_info(const inode* i)
{
    u64 v = reinterpret_cast<u64>(i->i_private);
    return ino_info{static_cast<u16>(v & 0x7fff), (v & 0x8000) != 0, static_cast<pid_t>((v >> 16) & 0xffffffff),
                    static_cast<int>((v >> 48) & 0xffff)};
}

/* Inode numbers: stable, so that getdents and stat agree. */
static inline unsigned long make_ino(const ino_info& in)
{
    if (in.kind == K_ROOT)
        return 1;
    if (in.kind < K_PID_DIR)
        return 2 + (in.kind - K_STATIC);
    if (in.kind == K_FD_LINK || in.kind == K_FDINFO)
        return ((in.kind == K_FD_LINK ? 1ULL : 2ULL) << 48) | (in.thread ? 1ULL << 47 : 0) |
               (static_cast<u64>(in.pid) << 16) | static_cast<u64>(in.fd);
    return (static_cast<u64>(in.pid) << 16) | (in.thread ? 1ULL << 15 : 0) | (in.kind - K_PID_DIR + 1);
}

/* A /proc/<pid> directory's number carries 16 bits of its task's start
 * time besides the pid, in the low 32 bits (which programs that keep
 * st_ino in an int compare), so a process that reuses a pid has a
 * directory of another inode, as Linux's are: the pid above bit 32, then
 * the start time's bits, then the kind (1, which no other per-pid entry
 * has). */
static inline unsigned long pid_dir_ino(const ino_info& in, u64 start_time)
{
    u64 gen = (start_time * 0x61C8864680B583EBull) >> 48;
    return (static_cast<u64>(static_cast<u32>(in.pid)) << 32) | (gen << 16) | (in.thread ? 1ULL << 15 : 0) | 1;
}

/* ---- entry tables ---- */

using show_fn = Result<void> (*)(seqbuf&);
using write_fn = Result<size_t> (*)(const char* data, size_t len);
using link_fn = Result<size_t> (*)(char* buf, size_t size);

/* The fixed part of the tree: /proc/cpuinfo, /proc/sys/kernel/..., parents by index. */
struct static_entry {
    const char* name;
    int parent; /* -1: the root */
    umode_t mode;
    show_fn show;
    write_fn write;
    link_fn readlink;
};
extern const static_entry static_entries[];
extern const int nr_static_entries;

using pid_show_fn = Result<void> (*)(seqbuf&, task_struct*, bool thread);
using pid_write_fn = Result<size_t> (*)(task_struct*, const char* data, size_t len);
using pid_link_fn = Result<size_t> (*)(task_struct*, char* buf, size_t size);

enum : unsigned {
    PE_PROCESS_ONLY = 1, /* not under task/<tid> */
    PE_PTRACE = 2,       /* only for the owner or CAP_SYS_PTRACE (Linux: ptrace_may_access) */
};

struct pid_entry {
    const char* name;
    umode_t mode;
    unsigned flags;
    pid_show_fn show;
    pid_write_fn write;
    pid_link_fn readlink;
};
extern const pid_entry pid_entries[];
extern const int nr_pid_entries;
int pid_entry_index(const char* name);

/* ---- helpers shared by the generators ---- */

/* The live (or zombie) task with that pid; nullptr if none. */
task_struct* get_proc_task(pid_t pid);
/* May the current process see t's private parts (environ, fds, exe)? */
bool may_access(task_struct* t);
/* Copies up to len bytes of another address space at addr, stopping at the
 * first page that isn't present (nothing is faulted in). */
size_t read_mm(mm_struct* mm, unsigned long addr, void* buf, size_t len);
/* The name of an open file as /proc/<pid>/fd/<n> shows it: its path, or
 * "pipe:[ino]" for a file without one. */
Result<size_t> file_link_name(file* f, char* buf, size_t size);
/* The path of p as the current process sees it. */
Result<size_t> path_name(const path& p, char* buf, size_t size);
/* Nanoseconds to USER_HZ (100 Hz) clock ticks. */
static inline u64 nsec_to_clock_t(u64 ns) { return ns / 10000000ULL; }
/* The process's cpu time so far (all threads unless thread). */
void task_times(task_struct* t, bool thread, u64& utime_ns, u64& stime_ns);
/* One character of Linux's task state (R S D T Z X). */
char task_state_char(task_struct* t);
/* Parses a decimal number without sign or leading zeros (as Linux's name_to_int). */
bool parse_uint(const char* s, unsigned long& out);
/* The boot time (seconds since the epoch). */
u64 boot_time_seconds();
/* The idle task's accumulated time, ns (idle time of the boot CPU). */
u64 idle_time_ns();

/* System V IPC's files (ipc/proc.cpp): /proc/sys/kernel's limits, /proc/sysvipc. */
Result<void> show_aio_nr(seqbuf& m);
Result<void> show_aio_max_nr(seqbuf& m);
Result<size_t> write_aio_max_nr(const char* data, size_t len);
Result<void> show_msgmax(seqbuf& m);
Result<size_t> write_msgmax(const char* data, size_t len);
Result<void> show_msgmnb(seqbuf& m);
Result<size_t> write_msgmnb(const char* data, size_t len);
Result<void> show_msgmni(seqbuf& m);
Result<size_t> write_msgmni(const char* data, size_t len);
Result<void> show_sem(seqbuf& m);
Result<size_t> write_sem(const char* data, size_t len);
Result<void> show_shmmax(seqbuf& m);
Result<size_t> write_shmmax(const char* data, size_t len);
Result<void> show_shmall(seqbuf& m);
Result<size_t> write_shmall(const char* data, size_t len);
Result<void> show_shmmni(seqbuf& m);
Result<size_t> write_shmmni(const char* data, size_t len);
Result<void> show_sysvipc_msg(seqbuf& m);
Result<void> show_sysvipc_sem(seqbuf& m);
Result<void> show_sysvipc_shm(seqbuf& m);
/* ipc/mqueue.cpp: /proc/sys/fs/mqueue's limits. */
Result<void> show_mq_msg_default(seqbuf& m);
Result<size_t> write_mq_msg_default(const char* data, size_t len);
Result<void> show_mq_msg_max(seqbuf& m);
Result<size_t> write_mq_msg_max(const char* data, size_t len);
Result<void> show_mq_msgsize_default(seqbuf& m);
Result<size_t> write_mq_msgsize_default(const char* data, size_t len);
Result<void> show_mq_msgsize_max(seqbuf& m);
Result<size_t> write_mq_msgsize_max(const char* data, size_t len);
Result<void> show_mq_queues_max(seqbuf& m);
Result<size_t> write_mq_queues_max(const char* data, size_t len);

/* sysctl.cpp: Linux's proc_dointvec / proc_doulongvec, up to max_count
 * unsigned numbers separated by blanks (EINVAL for anything else or an
 * overflow); how many were read. */
Result<int> parse_numbers(const char* data, size_t len, unsigned long* out, int max_count);
/* sysctl.cpp: fs/pipe-max-size, kernel/tainted, kernel/core_pattern, kernel/ns_last_pid. */
Result<void> show_pipe_max_size(seqbuf& m);
/* A /proc/sys file that is one unsigned variable, 0 to INT_MAX when
 * written (Linux's proc_dointvec_minmax from zero): fs/inotify's limits. */
template <unsigned int* V> Result<void> show_uint(seqbuf& m)
{
    m.printf("%u\n", __atomic_load_n(V, __ATOMIC_RELAXED));
    return {};
}
template <unsigned int* V> Result<size_t> write_uint_intmax(const char* data, size_t len)
{
    unsigned long v;
    TRY(parse_numbers(data, len, &v, 1));
    if (v > 0x7fffffffUL)
        return Errno::EINVAL;
    __atomic_store_n(V, static_cast<unsigned int>(v), __ATOMIC_RELAXED);
    return len;
}
Result<size_t> write_pipe_max_size(const char* data, size_t len);
Result<void> show_tainted(seqbuf& m);
Result<size_t> write_tainted(const char* data, size_t len);
Result<void> show_core_pattern(seqbuf& m);
Result<size_t> write_core_pattern(const char* data, size_t len);
Result<void> show_ns_last_pid(seqbuf& m);
Result<size_t> write_ns_last_pid(const char* data, size_t len);

/* Keys (security/keys/proc.cpp): /proc/keys, /proc/key-users, and the
 * variables behind /proc/sys/kernel/keys (security/keys/key.cpp, gc.cpp). */
Result<void> show_keys(seqbuf& m);
Result<void> show_key_users(seqbuf& m);
} // namespace procfs
extern unsigned key_quota_maxkeys, key_quota_maxbytes, key_quota_root_maxkeys, key_quota_root_maxbytes;
extern unsigned key_gc_delay, persistent_keyring_expiry;
namespace procfs {

/* The network's files (net/ipv4/proc.cpp): /proc/net/tcp, udp, tcp6, udp6, dev. */
Result<void> show_net_tcp(seqbuf& m);
Result<void> show_net_udp(seqbuf& m);
Result<void> show_net_tcp6(seqbuf& m);
Result<void> show_net_udp6(seqbuf& m);
Result<void> show_net_dev(seqbuf& m);

/* Mount listings (root.cpp): used by /proc/<pid>/mounts and mountinfo. */
Result<void> show_mounts(seqbuf& m, task_struct* t, bool mountinfo);

} // namespace procfs
