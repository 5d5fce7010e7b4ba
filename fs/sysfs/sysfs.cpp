/*
 * sysfs, the start of it: the CPU files Linux has under
 * /sys/devices/system/cpu (online, possible, present, offline, kernel_max,
 * and cpuN/online for every CPU but the boot one), which C libraries read to
 * count processors (glibc's get_nprocs reads `online`), and
 * /sys/kernel/mm/transparent_hugepage (enabled, defrag, hpage_pmd_size),
 * which allocators and language runtimes read: "never", as there are no
 * huge pages here (Debian's cloud kernel's default too). The top-level
 * directories Linux has are there, empty but for devices. Like procfs
 * nothing is stored: inodes are made on lookup and say what they are in
 * i_private, and a file's text is made when it is opened.
 *
 *   mount -t sysfs sysfs /sys
 */
#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

namespace {

/* The fixed tree, parents by index. */
enum : int { ROOT = -1, DEVICES = 0, KERNEL = 2, SYSTEM = 4, CPU = 5, MM = 11, THP = 12 };
enum file_kind { DIR, CPU_ONLINE, CPU_POSSIBLE, CPU_PRESENT, CPU_OFFLINE, CPU_KERNEL_MAX, THP_ENABLED, THP_DEFRAG,
                 THP_PMD_SIZE };

struct node {
    const char* name;
    int parent;
    file_kind kind;
};

const node nodes[] = {
    /* 0 */ {"devices", ROOT, DIR},
    /* 1 */ {"fs", ROOT, DIR},
    /* 2 */ {"kernel", ROOT, DIR},
    /* 3 */ {"class", ROOT, DIR},
    /* 4 */ {"system", DEVICES, DIR},
    /* 5 */ {"cpu", SYSTEM, DIR},
    /* 6 */ {"kernel_max", CPU, CPU_KERNEL_MAX},
    /* 7 */ {"offline", CPU, CPU_OFFLINE},
    /* 8 */ {"online", CPU, CPU_ONLINE},
    /* 9 */ {"possible", CPU, CPU_POSSIBLE},
    /* 10 */ {"present", CPU, CPU_PRESENT},
    /* 11 */ {"mm", KERNEL, DIR},
    /* 12 */ {"transparent_hugepage", MM, DIR},
    /* 13 */ {"enabled", THP, THP_ENABLED},
    /* 14 */ {"defrag", THP, THP_DEFRAG},
    /* 15 */ {"hpage_pmd_size", THP, THP_PMD_SIZE},
};
constexpr int NR_NODES = sizeof(nodes) / sizeof(nodes[0]);

/* What an inode is: the root, a node of the table, a cpuN directory or its
 * online file. */
enum : u32 { K_ROOT = 0, K_NODE = 0x100, K_CPU_DIR = 0x200, K_CPU_FILE = 0x300 };

void* encode(u32 kind) { return reinterpret_cast<void*>(static_cast<unsigned long>(kind)); }
u32 decode(const inode* i) { return static_cast<u32>(reinterpret_cast<unsigned long>(i->i_private)); }

unsigned long ino_of(u32 kind)
{
    if (kind == K_ROOT)
        return 1;
    if (kind < K_CPU_DIR)
        return 2 + (kind - K_NODE);
    return 1000 + 2 * (kind & 0xff) + (kind >= K_CPU_FILE ? 1 : 0);
}

extern const inode_operations sysfs_dir_iops;
extern const file_operations sysfs_dir_fops;
extern const file_operations sysfs_file_fops;

inode* make_inode(super_block* sb, u32 kind, bool dir)
{
    inode* i = new_inode(sb, dir ? (S_IFDIR | 0755) : (S_IFREG | 0444));
    if (!i)
        return nullptr;
    i->i_ino = ino_of(kind);
    i->i_private = encode(kind);
    i->i_uid = i->i_gid = 0;
    i->i_size = dir ? 0 : 4096; /* Linux's attribute files say a page */
    if (dir) {
        i->i_op = &sysfs_dir_iops;
        i->i_fop = &sysfs_dir_fops;
        i->i_nlink = 2;
    } else {
        i->i_fop = &sysfs_file_fops;
    }
    return i;
}

int node_of(u32 kind) { return kind == K_ROOT ? ROOT : (kind >= K_NODE && kind < K_CPU_DIR) ? int(kind - K_NODE) : -2; }

Result<inode*> sysfs_lookup(inode* dir, const char* name, dentry*)
{
    u32 kind = decode(dir);
    int at = node_of(kind);
    if (at != -2) {
        for (int k = 0; k < NR_NODES; k++)
            if (nodes[k].parent == at && !strcmp(nodes[k].name, name)) {
                inode* i = make_inode(dir->i_sb, K_NODE + k, nodes[k].kind == DIR);
                return i ? Result<inode*>(i) : Result<inode*>(Errno::ENOMEM);
            }
    }
    if (at == CPU && !strncmp(name, "cpu", 3) && name[3] >= '0' && name[3] <= '9') {
        int cpu = 0;
        const char* d = name + 3;
        for (; *d >= '0' && *d <= '9' && cpu < NR_CPUS; d++)
            cpu = cpu * 10 + (*d - '0');
        if (!*d && (cpu == 0 || name[3] != '0') && cpu < NR_CPUS && cpumask_test_cpu(cpu, cpu_present_mask)) {
            inode* i = make_inode(dir->i_sb, K_CPU_DIR + cpu, true);
            return i ? Result<inode*>(i) : Result<inode*>(Errno::ENOMEM);
        }
    }
    /* cpuN/online, for every CPU but the boot CPU (which cannot go offline). */
    if (kind >= K_CPU_DIR && kind < K_CPU_FILE && (kind & 0xff) != 0 && !strcmp(name, "online")) {
        inode* i = make_inode(dir->i_sb, K_CPU_FILE + (kind & 0xff), false);
        return i ? Result<inode*>(i) : Result<inode*>(Errno::ENOMEM);
    }
    return Errno::ENOENT;
}

/* Positions: 0 ".", 1 "..", 2 + k for node k, 100 + n for cpuN. */
Result<void> sysfs_iterate(file* f, dir_context& ctx)
{
    inode* dir = f->f_inode;
    u32 kind = decode(dir);
    dentry* d = f->f_path.dentry;
    if (ctx.pos == 0) {
        if (!ctx.actor(&ctx, ".", 1, 1, dir->i_ino, DT_DIR))
            return {};
        ctx.pos = 1;
    }
    if (ctx.pos == 1) {
        u64 ino = d->d_parent && d->d_parent->d_inode ? d->d_parent->d_inode->i_ino : dir->i_ino;
        if (!ctx.actor(&ctx, "..", 2, 2, ino, DT_DIR))
            return {};
        ctx.pos = 2;
    }
    /* Any position may come from lseek: past the end reads nothing (found
     * by the fuzzer: a huge one overflowed an int, seed 6022). */
    if (ctx.pos < 0 || ctx.pos > 100 + NR_CPUS)
        return {};
    int at = node_of(kind);
    if (at != -2) {
        for (int k = static_cast<int>(ctx.pos) - 2; k >= 0 && k < NR_NODES; k++) {
            ctx.pos = 2 + k;
            if (nodes[k].parent != at)
                continue;
            if (!ctx.actor(&ctx, nodes[k].name, strlen(nodes[k].name), 3 + k, ino_of(K_NODE + k),
                           nodes[k].kind == DIR ? DT_DIR : DT_REG))
                return {};
        }
        if (ctx.pos < 100)
            ctx.pos = 100;
        if (at == CPU) {
            for (int cpu = static_cast<int>(ctx.pos) - 100; cpu < NR_CPUS; cpu++) {
                ctx.pos = 100 + cpu;
                if (!cpumask_test_cpu(cpu, cpu_present_mask))
                    continue;
                char name[16];
                int len = snprintf(name, sizeof(name), "cpu%d", cpu);
                if (!ctx.actor(&ctx, name, len, 101 + cpu, ino_of(K_CPU_DIR + cpu), DT_DIR))
                    return {};
            }
            ctx.pos = 100 + NR_CPUS;
        }
        return {};
    }
    if (kind >= K_CPU_DIR && kind < K_CPU_FILE && (kind & 0xff) != 0 && ctx.pos == 2) {
        if (!ctx.actor(&ctx, "online", 6, 3, ino_of(K_CPU_FILE + (kind & 0xff)), DT_REG))
            return {};
        ctx.pos = 3;
    }
    return {};
}

/* Linux's cpulist format: ranges, comma-separated ("0-3", "0,2-3"; empty: ""). */
size_t print_cpulist(char* buf, size_t size, cpumask m)
{
    size_t at = 0;
    for (int cpu = cpumask_next(0, m); cpu < NR_CPUS && at < size;) {
        int last = cpu;
        while (last + 1 < NR_CPUS && cpumask_test_cpu(last + 1, m))
            last++;
        at += snprintf(buf + at, size - at, last == cpu ? "%s%d" : "%s%d-%d", at ? "," : "", cpu, last);
        cpu = cpumask_next(last + 1, m);
    }
    return at;
}

struct sysfs_text {
    char buf[256];
    size_t len;
};

Result<void> sysfs_open(inode* i, file* f)
{
    auto* t = static_cast<sysfs_text*>(kzalloc(sizeof(sysfs_text)));
    if (!t)
        return Errno::ENOMEM;
    u32 kind = decode(i);
    size_t n = 0;
    if (kind >= K_CPU_FILE) {
        n = snprintf(t->buf, sizeof(t->buf), "%d", cpumask_test_cpu(kind & 0xff, cpu_online_mask) ? 1 : 0);
    } else {
        switch (nodes[kind - K_NODE].kind) {
        case CPU_ONLINE:
            n = print_cpulist(t->buf, sizeof(t->buf), cpu_online_mask);
            break;
        case CPU_POSSIBLE: /* no hot-plugging: what may ever be present is what is */
        case CPU_PRESENT:
            n = print_cpulist(t->buf, sizeof(t->buf), cpu_present_mask);
            break;
        case CPU_OFFLINE:
            n = print_cpulist(t->buf, sizeof(t->buf), cpumask{cpu_present_mask.bits & ~cpu_online_mask.bits});
            break;
        case CPU_KERNEL_MAX:
            n = snprintf(t->buf, sizeof(t->buf), "%d", NR_CPUS - 1);
            break;
        case THP_ENABLED:
            n = snprintf(t->buf, sizeof(t->buf), "always madvise [never]");
            break;
        case THP_DEFRAG:
            n = snprintf(t->buf, sizeof(t->buf), "always defer defer+madvise madvise [never]");
            break;
        case THP_PMD_SIZE:
            n = snprintf(t->buf, sizeof(t->buf), "%lu", PAGE_SIZE << 9);
            break;
        case DIR:
            break;
        }
    }
    t->buf[n++] = '\n';
    t->len = n;
    f->private_data = t;
    return {};
}

void sysfs_release(inode*, file* f)
{
    kfree(f->private_data);
    f->private_data = nullptr;
}

Result<size_t> sysfs_read(file* f, iter_dest& to, loff_t* pos)
{
    auto* t = static_cast<sysfs_text*>(f->private_data);
    if (!t || *pos < 0 || static_cast<size_t>(*pos) >= t->len)
        return 0;
    size_t n = min<size_t>(t->len - *pos, to.count());
    size_t copied = to.copy_to_iter(t->buf + *pos, n);
    if (!copied && n)
        return Errno::EFAULT;
    *pos += copied;
    return copied;
}

/* Directory positions stop at INT_MAX, as on Linux (kernfs's s_maxbytes):
 * EINVAL past it. */
Result<loff_t> sysfs_dir_llseek(file* f, loff_t offset, int whence)
{
    loff_t base;
    if (whence == SEEK_SET)
        base = 0;
    else if (whence == SEEK_CUR)
        base = f->f_pos;
    else
        return Errno::EINVAL;
    loff_t pos;
    if (__builtin_add_overflow(base, offset, &pos) || pos < 0 || pos > 0x7fffffff)
        return Errno::EINVAL;
    f->f_pos = pos;
    return pos;
}

const inode_operations sysfs_dir_iops = {
    .lookup = sysfs_lookup,
    .create = nullptr,
    .unlink = nullptr,
    .readlink = nullptr,
    .setsize = nullptr,
};

const file_operations sysfs_dir_fops = {
    .read_iter = nullptr,
    .write_iter = nullptr,
    .llseek = sysfs_dir_llseek,
    .ioctl = nullptr,
    .poll = nullptr,
    .iterate = sysfs_iterate,
    .open = nullptr,
    .release = nullptr,
};

const file_operations sysfs_file_fops = {
    .read_iter = sysfs_read,
    .write_iter = nullptr,
    .llseek = generic_file_llseek,
    .ioctl = nullptr,
    .poll = nullptr,
    .iterate = nullptr,
    .open = sysfs_open,
    .release = sysfs_release,
};

constexpr unsigned long SYSFS_MAGIC = 0x62656572;

} // namespace

super_block* sysfs_get_sb()
{
    auto* sb = static_cast<super_block*>(kzalloc(sizeof(super_block)));
    if (!sb)
        return nullptr;
    sb->s_dev = MKDEV(0, 0xe0);
    sb->s_type = "sysfs";
    sb->s_magic = SYSFS_MAGIC;
    inode* root = make_inode(sb, K_ROOT, true);
    dentry* d = d_alloc(nullptr, "/", 1);
    if (!root || !d) {
        iput(root);
        if (d)
            dput(d);
        kfree(sb);
        return nullptr;
    }
    d->d_sb = sb;
    d_instantiate(d, root);
    sb->s_root = d;
    return sb;
}
