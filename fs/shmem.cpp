/*
 * tmpfs's limits, with the semantics of Linux's mm/shmem.c: size= (bytes
 * with k, m, g, t, p, e, or a percentage of memory) or nr_blocks= bounds the
 * pages its files hold, nr_inodes= (k, m, g) its inodes; both default to half
 * of memory's pages, and 0 is unlimited. A write or fallocate past the
 * limit fails with ENOSPC (a write stops at it), a new file past nr_inodes
 * too (and a hard link, which takes a slot, as on Linux); statfs reports both (f_blocks/f_bfree, f_files/f_ffree), and
 * /proc/mounts the ones that are not the default (and inode64, as Debian's
 * Linux always does). mode= sets the root's
 * permission bits (default 1777). A remount may change the limits, but not
 * below what is in use, nor set one that was unlimited (EINVAL, as Linux).
 *
 * The files are ramfs's (fs/ramfs.cpp) and their pages the page cache's
 * (fs/inode.cpp), which calls shmem_acct_blocks for every page it adds to a
 * tmpfs file and shmem_unacct_blocks for every page it drops.
 */
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/printk.h>
#include <linux/string.h>

namespace {

constexpr umode_t DEFAULT_ROOT_MODE = 01777;

unsigned long default_max_blocks() { return totalram_pages() / 2; }
unsigned long default_max_inodes() { return totalram_pages() / 2; }

/* Linux's memparse: a number (decimal, 0x hex, 0 octal) and an optional suffix. */
bool parse_size(const char* s, unsigned long long& out, char& suffix)
{
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s[2]) {
        base = 16;
        s += 2;
    } else if (s[0] == '0' && s[1]) {
        base = 8;
    }
    unsigned long long v = 0;
    const char* start = s;
    for (;; s++) {
        unsigned d;
        if (*s >= '0' && *s <= '9')
            d = *s - '0';
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = *s - 'a' + 10;
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = *s - 'A' + 10;
        else
            break;
        if (d >= base)
            break;
        v = v * base + d;
    }
    if (s == start)
        return false;
    suffix = *s;
    if (*s && s[1])
        return false;
    int shift = 0;
    switch (suffix) {
    case 'e': case 'E': shift += 10; [[fallthrough]];
    case 'p': case 'P': shift += 10; [[fallthrough]];
    case 't': case 'T': shift += 10; [[fallthrough]];
    case 'g': case 'G': shift += 10; [[fallthrough]];
    case 'm': case 'M': shift += 10; [[fallthrough]];
    case 'k': case 'K': shift += 10; break;
    case '%': case 0: break;
    default: return false;
    }
    out = v << shift;
    return true;
}

struct shmem_options {
    unsigned long blocks = 0, inodes = 0;
    bool set_blocks = false, set_inodes = false, set_mode = false, set_uid = false, set_gid = false;
    umode_t mode = DEFAULT_ROOT_MODE;
    uid_t uid = 0;
    gid_t gid = 0;
};

/* One "key=value"; EINVAL for what Linux's tmpfs would not take. */
Result<void> parse_one(char* opt, shmem_options& o)
{
    char* value = strchr(opt, '=');
    if (value)
        *value++ = 0;
    unsigned long long v;
    char suffix;
    if (!strcmp(opt, "size") && value) {
        if (!parse_size(value, v, suffix))
            return Errno::EINVAL;
        if (suffix == '%')
            v = totalram_pages() * PAGE_SIZE / 100 * v;
        o.blocks = static_cast<unsigned long>((v + PAGE_SIZE - 1) >> PAGE_SHIFT);
        o.set_blocks = true;
    } else if (!strcmp(opt, "nr_blocks") && value) {
        if (!parse_size(value, v, suffix) || suffix == '%')
            return Errno::EINVAL;
        o.blocks = static_cast<unsigned long>(v);
        o.set_blocks = true;
    } else if (!strcmp(opt, "nr_inodes") && value) {
        if (!parse_size(value, v, suffix) || suffix == '%')
            return Errno::EINVAL;
        o.inodes = static_cast<unsigned long>(v);
        o.set_inodes = true;
    } else if (!strcmp(opt, "mode") && value) {
        unsigned long m = 0;
        for (const char* c = value; *c; c++) {
            if (*c < '0' || *c > '7')
                return Errno::EINVAL;
            m = m * 8 + (*c - '0');
        }
        if (!*value)
            return Errno::EINVAL;
        o.mode = static_cast<umode_t>(m & 07777);
        o.set_mode = true;
    } else if ((!strcmp(opt, "inode64") || !strcmp(opt, "inode32")) && !value) {
        /* accepted; inode numbers are not narrowed here */
    } else if ((!strcmp(opt, "uid") || !strcmp(opt, "gid")) && value) {
        if (!parse_size(value, v, suffix) || suffix || v > 0xfffffffeULL)
            return Errno::EINVAL;
        if (opt[0] == 'u')
            o.uid = static_cast<uid_t>(v), o.set_uid = true;
        else
            o.gid = static_cast<gid_t>(v), o.set_gid = true;
    } else {
        return Errno::EINVAL; /* Linux: "tmpfs: Unknown parameter" */
    }
    return {};
}

} // namespace

Result<void> shmem_parse_options(super_block* sb, const char* data, bool remount)
{
    shmem_options o;
    if (data) {
        char buf[256];
        if (strlen(data) >= sizeof(buf))
            return Errno::EINVAL;
        strscpy(buf, data, sizeof(buf));
        char* at = buf;
        while (at && *at) {
            char* comma = strchr(at, ',');
            if (comma)
                *comma = 0;
            if (*at)
                TRY(parse_one(at, o));
            at = comma ? comma + 1 : nullptr;
        }
    }
    if (!remount) {
        sb->s_limits = true;
        sb->s_max_blocks = o.set_blocks ? o.blocks : default_max_blocks();
        sb->s_max_inodes = o.set_inodes ? o.inodes : default_max_inodes();
        sb->s_free_inodes = sb->s_max_inodes;
        sb->s_used_blocks = 0;
        sb->s_root_mode = o.mode;
        if (o.set_uid)
            sb->s_root->d_inode->i_uid = o.uid;
        if (o.set_gid)
            sb->s_root->d_inode->i_gid = o.gid;
        sb->s_root->d_inode->i_mode = S_IFDIR | o.mode;
        return shmem_reserve_inode(sb); /* the root is one */
    }
    /* Remount: Linux's shmem_reconfigure. The mode is the root inode's now. */
    unsigned long used_inodes = sb->s_max_inodes - sb->s_free_inodes;
    if (o.set_blocks) {
        if (o.blocks && sb->s_used_blocks > o.blocks)
            return Errno::EINVAL; /* "Too small a size for current use" */
        if (o.blocks && !sb->s_max_blocks)
            return Errno::EINVAL; /* "Cannot retroactively limit size" */
    }
    if (o.set_inodes) {
        if (o.inodes && used_inodes > o.inodes)
            return Errno::EINVAL; /* "Too few inodes for current use" */
        if (o.inodes && !sb->s_max_inodes)
            return Errno::EINVAL; /* "Cannot retroactively limit inodes" */
    }
    if (o.set_blocks)
        sb->s_max_blocks = o.blocks;
    if (o.set_inodes) {
        sb->s_max_inodes = o.inodes;
        sb->s_free_inodes = o.inodes - used_inodes;
    }
    return {};
}

Result<void> shmem_acct_blocks(super_block* sb, unsigned long n)
{
    if (!sb->s_limits)
        return {};
    if (sb->s_max_blocks && (sb->s_used_blocks + n > sb->s_max_blocks || sb->s_used_blocks + n < n))
        return Errno::ENOSPC;
    sb->s_used_blocks += n;
    return {};
}

void shmem_unacct_blocks(super_block* sb, unsigned long n)
{
    if (sb->s_limits)
        sb->s_used_blocks -= min(n, sb->s_used_blocks);
}

Result<void> shmem_reserve_inode(super_block* sb)
{
    if (!sb->s_limits || !sb->s_max_inodes)
        return {};
    if (!sb->s_free_inodes)
        return Errno::ENOSPC;
    sb->s_free_inodes--;
    return {};
}

void shmem_free_inode(super_block* sb)
{
    if (sb->s_limits && sb->s_max_inodes && sb->s_free_inodes < sb->s_max_inodes)
        sb->s_free_inodes++;
}

void shmem_show_options(const super_block* sb, char* buf, size_t size)
{
    size_t n = 0;
    buf[0] = 0;
    if (!sb->s_limits)
        return;
    if (sb->s_max_blocks != default_max_blocks())
        n += snprintf(buf + n, size - n, ",size=%luk", sb->s_max_blocks << (PAGE_SHIFT - 10));
    if (n < size && sb->s_max_inodes != default_max_inodes())
        n += snprintf(buf + n, size - n, ",nr_inodes=%lu", sb->s_max_inodes);
    if (n < size && sb->s_root_mode != DEFAULT_ROOT_MODE)
        n += snprintf(buf + n, size - n, ",mode=%03o", static_cast<unsigned>(sb->s_root_mode));
    /* Linux shows the inode numbers' width always (CONFIG_TMPFS_INODE64, as
     * Debian builds it); they are 64-bit wide here whatever is asked. */
    if (n < size)
        snprintf(buf + n, size - n, ",inode64");
}
