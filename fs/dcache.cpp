/*
 * Dentries: the tree of names. A dentry names an inode in its parent
 * directory; ramfs keeps its directories as nothing but this tree. Procfs
 * dentries are transient: made on lookup and freed when the last user goes.
 */
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/string.h>

dentry* d_alloc(dentry* parent, const char* name, size_t len)
{
    auto* d = static_cast<dentry*>(kzalloc(sizeof(dentry)));
    if (!d)
        return nullptr;
    d->d_name = static_cast<char*>(kmalloc(len + 1));
    if (!d->d_name) {
        kfree(d);
        return nullptr;
    }
    memcpy(d->d_name, name, len);
    d->d_name[len] = 0;
    d->d_count = 1;
    d->d_child.init();
    d->d_subdirs.init();
    if (parent) {
        d->d_parent = dget(parent);
        d->d_sb = parent->d_sb;
        parent->d_subdirs.add_tail(&d->d_child);
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

static void d_free(dentry* d)
{
    dentry* parent = d->d_parent;
    list_head::del(&d->d_child);
    if (d->d_inode)
        iput(d->d_inode);
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
    list_for_each(pos, &parent->d_subdirs) {
        dentry* d = list_entry(pos, dentry, d_child);
        if (d->d_inode && strlen(d->d_name) == len && !memcmp(d->d_name, name, len))
            return dget(d);
    }
    return nullptr;
}

/* Children stay sorted by inode number, which is what directory positions are
 * made of (fs/ramfs.cpp): entries removed while a directory is being read
 * can't make the reader skip others. */
void d_instantiate(dentry* d, inode* i)
{
    d->d_inode = i;
    dentry* parent = d->d_parent;
    if (!i || parent == d)
        return;
    list_head::del(&d->d_child);
    list_head* pos = parent->d_subdirs.prev;
    while (pos != &parent->d_subdirs) {
        dentry* other = list_entry(pos, dentry, d_child);
        if (other->d_inode && other->d_inode->i_ino <= i->i_ino)
            break;
        pos = pos->prev;
    }
    pos->add(&d->d_child);
}

void d_delete(dentry* d)
{
    /* Unlink the name: lookups no longer find it, but whoever still holds the
     * dentry (an open file, a working directory) keeps it and its inode until
     * the last reference goes. */
    list_head::del(&d->d_child);
    d->d_unlinked = true;
    /* The tree held one reference on behalf of the name. */
    dput(d);
}

Result<char*> d_path(const path& p, char* buf, size_t size)
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
    return at;
}
