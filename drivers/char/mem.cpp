/* /dev/null, /dev/zero, /dev/full, /dev/random, /dev/urandom (major 1, as on Linux). */
#include <linux/fs.h>
#include <linux/random.h>

namespace {

Result<size_t> null_read(file*, iter_dest&, loff_t*) { return 0; }
Result<size_t> null_write(file*, iter_source& from, loff_t*) { return from.count(); }

Result<size_t> zero_read(file*, iter_dest& to, loff_t*)
{
    size_t n = to.zero_iter(to.count());
    if (!n && to.faulted())
        return Errno::EFAULT;
    return n;
}

Result<size_t> full_write(file*, iter_source&, loff_t*) { return Errno::ENOSPC; }

Result<size_t> random_read(file*, iter_dest& to, loff_t*)
{
    size_t done = 0;
    u8 buf[256];
    while (to.count()) {
        size_t n = min(to.count(), sizeof(buf));
        get_random_bytes(buf, n);
        size_t copied = to.copy_to_iter(buf, n);
        done += copied;
        if (copied < n)
            break;
    }
    if (!done && to.faulted())
        return Errno::EFAULT;
    return done;
}

/* Devices accept any seek and stay at 0, as Linux's memory devices do. */
Result<loff_t> noop_llseek(file* f, loff_t, int) { return f->f_pos = 0; }

constexpr file_operations make_ops(Result<size_t> (*read)(file*, iter_dest&, loff_t*),
                                   Result<size_t> (*write)(file*, iter_source&, loff_t*), bool no_bkl)
{
    return file_operations{read, write, noop_llseek, nullptr, nullptr, nullptr, nullptr, nullptr, no_bkl};
}

/* null, zero and full share nothing: they run without the big kernel lock
 * (a long read of /dev/zero is preempted like user code). The random
 * devices share the generator's state, which the lock protects. */
const file_operations null_fops = make_ops(null_read, null_write, true);
const file_operations zero_fops = make_ops(zero_read, null_write, true);
const file_operations full_fops = make_ops(zero_read, full_write, true);
const file_operations random_fops = make_ops(random_read, null_write, false);

} // namespace

void chr_dev_init()
{
    register_chrdev(MKDEV(1, 3), &null_fops);
    register_chrdev(MKDEV(1, 5), &zero_fops);
    register_chrdev(MKDEV(1, 7), &full_fops);
    register_chrdev(MKDEV(1, 8), &random_fops);
    register_chrdev(MKDEV(1, 9), &random_fops);
}
