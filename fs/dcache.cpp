/*
 * Dentries: the tree of names. A dentry names an inode in its parent
 * directory; ramfs keeps its directories as nothing but this tree. Procfs
 * dentries are transient: made on lookup and freed when the last user goes.
 *
 * A linked name is found by a hash of (parent, name), in O(1) whatever the
 * directory's size, and listed from its parent's tree of children (newest
 * first, as on tmpfs), in O(log n) per readdir call. For ramfs the tree is
 * the whole directory, so a miss in the hash is the answer (ENOENT) without
 * asking the file system: no negative dentries are needed there.
 */
#include <linux/fsnotify.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

namespace {

/* All linked names, by (parent, name). 2^13 chains: a directory of 10,000
 * names costs about one comparison per lookup. */
constexpr unsigned D_HASH_BITS = 13;
hlist_head dentry_heads[1u << D_HASH_BITS];
hash_table dentry_hashtable{dentry_heads, D_HASH_BITS};

/* Readdir order: newest first. */
bool newer(rb_node* a, rb_node* b)
{
    return rb_entry(a, dentry, d_child)->d_offset > rb_entry(b, dentry, d_child)->d_offset;
}

/* Keeps d_rb_count, the linked dentries in a d_child subtree, for seeks by position. */
struct child_count {
    static void recompute(rb_node* n)
    {
        u32 c = 1;
        if (n->left)
            c += rb_entry(n->left, dentry, d_child)->d_rb_count;
        if (n->right)
            c += rb_entry(n->right, dentry, d_child)->d_rb_count;
        rb_entry(n, dentry, d_child)->d_rb_count = c;
    }
};

} // namespace

Result<void> d_set_name(dentry* d, const char* name, size_t len)
{
    auto* copy = static_cast<char*>(kmalloc(len + 1));
    if (!copy)
        return Errno::ENOMEM;
    memcpy(copy, name, len);
    copy[len] = 0;
    kfree(d->d_name);
    d->d_name = copy;
    d->d_name_len = static_cast<u32>(len);
    return {};
}

dentry* d_alloc(dentry* parent, const char* name, size_t len)
{
    auto* d = static_cast<dentry*>(kzalloc(sizeof(dentry)));
    if (!d)
        return nullptr;
    if (!d_set_name(d, name, len).ok()) {
        kfree(d);
        return nullptr;
    }
    d->d_count = 1;
    d->d_next_offset = 1;
    if (parent) {
        d->d_parent = dget(parent);
        d->d_sb = parent->d_sb;
    } else {
        d->d_parent = d;
    }
    return d;
}

dentry* dget(dentry* d)
{
    if (d)
        d->d_count++;
    return d;
}

void d_unlink_name(dentry* d)
{
    if (!d->d_linked())
        return;
    hash_table::del(&d->d_hash);
    rb_erase<child_count>(&d->d_child, &d->d_parent->d_children);
}

static void d_free(dentry* d)
{
    dentry* parent = d->d_parent;
    d_unlink_name(d);
    if (d->d_inode) {
        if (!d->d_inode->i_nlink)
            fsnotify_inoderemove(d->d_inode); /* its last name and dentry are gone */
        iput(d->d_inode);
    }
    kfree(d->d_name);
    kfree(d);
    if (parent != d)
        dput(parent);
}

void dput(dentry* d)
{
    if (!d || --d->d_count > 0)
        return;
    /* A linked ramfs name never gets here: the tree holds a reference for it.
     * What does: transient (procfs, pipes), unlinked and negative dentries. */
    if (d->d_parent == d && !d->d_transient)
        return; /* a file system root lives as long as its mount */
    d_free(d);
}

dentry* d_lookup(dentry* parent, const char* name, size_t len)
{
    u64 h = full_name_hash(parent, name, len);
    hlist_for_each_safe(pos, dentry_hashtable.bucket(h)) {
        dentry* d = hlist_entry(pos, dentry, d_hash);
        if (d->d_name_hash == h && d->d_parent == parent && d->d_name_len == len && !memcmp(d->d_name, name, len))
            return dget(d);
    }
    return nullptr;
}

/* Links a named dentry under its parent (the hash and, as the newest entry,
 * the parent's children); a dentry that is its own parent is only given its inode. */
void d_instantiate(dentry* d, inode* i)
{
    d->d_inode = i;
    dentry* parent = d->d_parent;
    if (!i || parent == d)
        return;
    d_unlink_name(d);
    d->d_name_hash = full_name_hash(parent, d->d_name, d->d_name_len);
    dentry_hashtable.add(&d->d_hash, d->d_name_hash);
    d->d_offset = parent->d_next_offset++;
    rb_add<child_count>(&d->d_child, &parent->d_children, newer);
}

void d_delete(dentry* d)
{
    /* Unlink the name: lookups no longer find it, but whoever still holds the
     * dentry (an open file, a working directory) keeps it and its inode until
     * the last reference goes. */
    d_unlink_name(d);
    d->d_unlinked = true;
    /* The tree held one reference on behalf of the name. */
    dput(d);
}

bool dir_has_children(const dentry* d) { return !d->d_children.empty(); }

namespace {

/* The entry `index` places from the newest (0-based), or null: a walk down
 * the subtree counts, for a reader that seeked. */
dentry* nth_child(const dentry* dir, u64 index)
{
    rb_node* n = dir->d_children.node;
    while (n) {
        u64 left = n->left ? rb_entry(n->left, dentry, d_child)->d_rb_count : 0;
        if (index < left) {
            n = n->left;
        } else if (index == left) {
            return rb_entry(n, dentry, d_child);
        } else {
            index -= left + 1;
            n = n->right;
        }
    }
    return nullptr;
}

/* The newest entry older than `offset`: where a reader continues. */
dentry* child_older_than(const dentry* dir, u64 offset)
{
    rb_node* n = dir->d_children.node;
    dentry* best = nullptr;
    while (n) {
        dentry* d = rb_entry(n, dentry, d_child);
        if (d->d_offset < offset) {
            best = d;
            n = n->left; /* a newer one that is still older than offset? */
        } else {
            n = n->right;
        }
    }
    return best;
}

} // namespace

/*
 * Positions as Linux's dcache_readdir gives them: 0 is ".", 1 "..", and
 * each entry after one more. A reader that goes on from where it stopped
 * continues from the entry it returned last (its d_offset), so names
 * created meanwhile (newer, so before it) are not seen and names removed are
 * not missed; a reader that seeked counts entries from the newest.
 */
Result<void> dcache_readdir(file* f, dir_context& ctx)
{
    dentry* dir = f->f_path.dentry;
    if (ctx.pos == 0) {
        if (!ctx.actor(&ctx, ".", 1, 1, dir->d_inode->i_ino, DT_DIR))
            return {};
        ctx.pos = 1;
    }
    if (ctx.pos == 1) {
        dentry* parent = dir->d_parent;
        if (!ctx.actor(&ctx, "..", 2, 2, parent->d_inode->i_ino, DT_DIR))
            return {};
        ctx.pos = 2;
    }
    dentry* d;
    if (ctx.pos == 2)
        d = rb_entry(rb_first(&dir->d_children), dentry, d_child);
    else if (ctx.pos == f->f_dir_cursor_pos)
        d = child_older_than(dir, f->f_dir_cursor);
    else
        d = nth_child(dir, static_cast<u64>(ctx.pos - 2));
    for (unsigned n = 1; d; n++) {
        if (!ctx.actor(&ctx, d->d_name, static_cast<int>(d->d_name_len), ctx.pos + 1, d->d_inode->i_ino,
                       dt_type(d->d_inode->i_mode)))
            break;
        ctx.pos++;
        f->f_dir_cursor = d->d_offset;
        f->f_dir_cursor_pos = ctx.pos;
        if (n % 64 == 0 && need_resched()) {
            /* A huge directory under the kernel lock: others' turn now and
             * then; the walk goes on from the cursor, as the next call would
             * (entries may have come and gone meanwhile). */
            cond_resched();
            d = child_older_than(dir, f->f_dir_cursor);
        } else {
            d = rb_entry(rb_next(&d->d_child), dentry, d_child);
        }
    }
    return {};
}

/* Linux's dcache_dir_lseek: SEEK_SET and SEEK_CUR to a position >= 0. */
Result<loff_t> dcache_dir_lseek(file* f, loff_t offset, int whence)
{
    loff_t pos;
    if (whence == SEEK_SET)
        pos = offset;
    else if (whence == SEEK_CUR) {
        if (__builtin_add_overflow(f->f_pos, offset, &pos))
            return Errno::EINVAL;
    } else
        return Errno::EINVAL;
    if (pos < 0)
        return Errno::EINVAL;
    f->f_pos = pos;
    return pos;
}

Result<char*> d_path(const path& p, char* buf, size_t size, bool* unreachable)
{
    char* end = buf + size;
    char* at = end;
    *--at = 0;
    path cur = p;
    bool any = false;
    for (;;) {
        if (cur.dentry == cur.mnt->mnt_root) {
            if (cur.mnt->mnt_parent == cur.mnt || !cur.mnt->mnt_parent)
                break;
            cur.dentry = cur.mnt->mnt_mountpoint;
            cur.mnt = cur.mnt->mnt_parent;
            continue;
        }
        size_t len = strlen(cur.dentry->d_name);
        if (static_cast<size_t>(at - buf) < len + 2)
            return Errno::ENAMETOOLONG;
        at -= len;
        memcpy(at, cur.dentry->d_name, len);
        *--at = '/';
        any = true;
        cur.dentry = cur.dentry->d_parent;
    }
    if (!any)
        *--at = '/';
    if (unreachable)
        *unreachable = cur.mnt != root_mnt; /* a detached mount's own tree */
    return at;
}
