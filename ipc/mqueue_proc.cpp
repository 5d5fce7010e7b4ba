/*
 * /proc/sys/fs/mqueue (Linux's ipc/mq_sysctl.c): the limits of ipc/mqueue.h,
 * writable by root within Linux's ranges. The entries are in
 * fs/proc/generic.cpp's table.
 */
#include "../fs/proc/internal.h"
#include "mqueue.h"

/* /proc/sys/fs/mqueue: Linux's ranges (queues_max any int; msg_max and
 * msg_default 1..65536; msgsize_max and msgsize_default 128..16 MiB). */
namespace procfs {

template <unsigned int* V, unsigned long Min, unsigned long Max> Result<size_t> write_mq_limit(const char* d, size_t len)
{
    unsigned long v;
    TRY(parse_numbers(d, len, &v, 1));
    if (v < Min || v > Max)
        return Errno::EINVAL;
    *V = static_cast<unsigned int>(v);
    return len;
}

Result<void> show_mq_queues_max(seqbuf& m) { return show_uint<&mq_queues_max>(m); }
Result<size_t> write_mq_queues_max(const char* d, size_t n) { return write_mq_limit<&mq_queues_max, 0, 0x7fffffff>(d, n); }
Result<void> show_mq_msg_max(seqbuf& m) { return show_uint<&mq_msg_max>(m); }
Result<size_t> write_mq_msg_max(const char* d, size_t n) { return write_mq_limit<&mq_msg_max, 1, HARD_MSGMAX>(d, n); }
Result<void> show_mq_msgsize_max(seqbuf& m) { return show_uint<&mq_msgsize_max>(m); }
Result<size_t> write_mq_msgsize_max(const char* d, size_t n)
{
    return write_mq_limit<&mq_msgsize_max, 128, HARD_MSGSIZEMAX>(d, n);
}
Result<void> show_mq_msg_default(seqbuf& m) { return show_uint<&mq_msg_default>(m); }
Result<size_t> write_mq_msg_default(const char* d, size_t n) { return write_mq_limit<&mq_msg_default, 1, HARD_MSGMAX>(d, n); }
Result<void> show_mq_msgsize_default(seqbuf& m) { return show_uint<&mq_msgsize_default>(m); }
Result<size_t> write_mq_msgsize_default(const char* d, size_t n)
{
    return write_mq_limit<&mq_msgsize_default, 128, HARD_MSGSIZEMAX>(d, n);
}

} // namespace procfs
