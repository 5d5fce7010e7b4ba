/*
 * System V IPC in /proc: the limits in /proc/sys/kernel (msgmax, msgmnb,
 * msgmni, sem, shmmax, shmmni, shmall: Linux's ipc/ipc_sysctl.c, writable
 * by root) and the object lists /proc/sysvipc/{msg,sem,shm} (Linux's
 * sysvipc_proc_show, one line per object by index, with its header). The
 * entries are in fs/proc/generic.cpp's table.
 */
#include <linux/string.h>
#include "../fs/proc/internal.h"
#include "util.h"

namespace {


Result<size_t> write_int(const char* data, size_t len, unsigned long max, auto set)
{
    unsigned long v;
    TRY(procfs::parse_numbers(data, len, &v, 1));
    if (v > max)
        return Errno::EINVAL;
    spin_guard g(&ipc_lock);
    set(v);
    return len;
}

constexpr unsigned long INT_MAX_UL = 0x7fffffff;

void show_ids(procfs::seqbuf& m, ipc_ids& ids, const char* header, void (*show)(procfs::seqbuf&, kern_ipc_perm*))
{
    m.puts(header);
    spin_guard g(&ipc_lock);
    for (kern_ipc_perm* p = ipc_next_from(ids, 0); p; p = ipc_next_from(ids, p->idx + 1))
        show(m, p);
}

} // namespace

namespace procfs {

Result<void> show_msgmax(seqbuf& m)
{
    m.printf("%u\n", ipc_ns.msg_ctlmax);
    return {};
}
Result<size_t> write_msgmax(const char* d, size_t n)
{
    return write_int(d, n, INT_MAX_UL, [](unsigned long v) { ipc_ns.msg_ctlmax = static_cast<unsigned>(v); });
}

Result<void> show_msgmnb(seqbuf& m)
{
    m.printf("%u\n", ipc_ns.msg_ctlmnb);
    return {};
}
Result<size_t> write_msgmnb(const char* d, size_t n)
{
    return write_int(d, n, INT_MAX_UL, [](unsigned long v) { ipc_ns.msg_ctlmnb = static_cast<unsigned>(v); });
}

Result<void> show_msgmni(seqbuf& m)
{
    m.printf("%d\n", ipc_ns.msg_ctlmni);
    return {};
}
Result<size_t> write_msgmni(const char* d, size_t n)
{
    return write_int(d, n, IPCMNI, [](unsigned long v) { ipc_ns.msg_ctlmni = static_cast<int>(v); });
}

Result<void> show_sem(seqbuf& m)
{
    m.printf("%d\t%d\t%d\t%d\n", ipc_ns.sem_ctls[0], ipc_ns.sem_ctls[1], ipc_ns.sem_ctls[2], ipc_ns.sem_ctls[3]);
    return {};
}
Result<size_t> write_sem(const char* d, size_t len)
{
    unsigned long v[4];
    int n = TRY(procfs::parse_numbers(d, len, v, 4));
    for (int i = 0; i < n; i++)
        if (v[i] > INT_MAX_UL)
            return Errno::EINVAL;
    if (n == 4 && v[3] > static_cast<unsigned long>(IPCMNI))
        return Errno::ERANGE; /* Linux's proc_ipc_sem_dointvec: semmni above IPCMNI */
    spin_guard g(&ipc_lock);
    for (int i = 0; i < n; i++)
        ipc_ns.sem_ctls[i] = static_cast<int>(v[i]);
    return len;
}

Result<void> show_shmmax(seqbuf& m)
{
    m.printf("%lu\n", ipc_ns.shm_ctlmax);
    return {};
}
Result<size_t> write_shmmax(const char* d, size_t n)
{
    return write_int(d, n, ~0UL, [](unsigned long v) { ipc_ns.shm_ctlmax = v; });
}

Result<void> show_shmall(seqbuf& m)
{
    m.printf("%lu\n", ipc_ns.shm_ctlall);
    return {};
}
Result<size_t> write_shmall(const char* d, size_t n)
{
    return write_int(d, n, ~0UL, [](unsigned long v) { ipc_ns.shm_ctlall = v; });
}

Result<void> show_shmmni(seqbuf& m)
{
    m.printf("%d\n", ipc_ns.shm_ctlmni);
    return {};
}
Result<size_t> write_shmmni(const char* d, size_t n)
{
    return write_int(d, n, IPCMNI, [](unsigned long v) { ipc_ns.shm_ctlmni = static_cast<int>(v); });
}

Result<void> show_sysvipc_msg(seqbuf& m)
{
    show_ids(m, msg_ids,
             "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      "
             "rtime      ctime\n",
             sysvipc_msg_show);
    return {};
}

Result<void> show_sysvipc_sem(seqbuf& m)
{
    show_ids(m, sem_ids, "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n",
             sysvipc_sem_show);
    return {};
}

Result<void> show_sysvipc_shm(seqbuf& m)
{
    show_ids(m, shm_ids,
             "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      "
             "atime      dtime      ctime                   rss                  swap\n",
             sysvipc_shm_show);
    return {};
}

} // namespace procfs
