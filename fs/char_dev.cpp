/* Character devices: (major, minor) -> the driver's file operations. */
#include <linux/fs.h>
#include <linux/printk.h>

namespace {
struct chrdev {
    dev_t dev;
    const file_operations* fops;
};
chrdev chrdevs[32];
int nr_chrdevs;
} // namespace

void register_chrdev(dev_t dev, const file_operations* fops)
{
    BUG_ON(nr_chrdevs == ARRAY_SIZE(chrdevs));
    chrdevs[nr_chrdevs++] = {dev, fops};
}

const file_operations* lookup_chrdev(dev_t dev)
{
    for (int i = 0; i < nr_chrdevs; i++)
        if (chrdevs[i].dev == dev)
            return chrdevs[i].fops;
    return nullptr;
}
