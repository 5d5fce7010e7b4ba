/*
 * Path lookup: a name, a starting directory (dirfd or the root), and a walk
 * one component at a time, crossing mounts, following "..", and following
 * symlinks up to MAXSYMLINKS deep (ELOOP beyond).
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

void path_get(const path& p) { dget(p.dentry); }
void path_put(const path& p) { dput(p.dentry); }

Result<char*> getname(user_in_ptr<const char> name)
{
    auto* buf = static_cast<char*>(kmalloc(PATH_MAX));
    if (!buf)
        return Errno::ENOMEM;
    auto len = strncpy_from_user(buf, name, PATH_MAX);
    if (!len.ok()) {
        kfree(buf);
        return len.error();
    }
    return buf;
}

void putname(char* name) { kfree(name); }

namespace {

struct nameidata {
    path cur;   /* the directory reached so far (a reference) */
    path root;  /* the process's root: ".." stops here */
    int links = 0;
};

bool is_dir(const dentry* d) { return d->d_inode && S_ISDIR(d->d_inode->i_mode); }

void set_path(path& p, const path& to)
{
    path_get(to);
    path_put(p);
    p = to;
}

void follow_dotdot(nameidata& nd)
{
    for (;;) {
        if (nd.cur.dentry == nd.root.dentry && nd.cur.mnt == nd.root.mnt)
            return;
        if (nd.cur.dentry != nd.cur.mnt->mnt_root) {
            set_path(nd.cur, path{nd.cur.mnt, nd.cur.dentry->d_parent});
            return;
        }
        if (nd.cur.mnt->mnt_parent == nd.cur.mnt || !nd.cur.mnt->mnt_parent)
            return;
        /* At a mount's root: ".." is taken from the mountpoint. */
        set_path(nd.cur, path{nd.cur.mnt->mnt_parent, nd.cur.mnt->mnt_mountpoint});
    }
}

/* The child named name in dir, with a reference; ENOENT if none. */
Result<path> lookup_child(const path& dir, const char* name, size_t len)
{
    if (dentry* d = d_lookup(dir.dentry, name, len)) {
        path p{dir.mnt, d};
        follow_mount(p);
        return p;
    }
    inode* di = dir.dentry->d_inode;
    if (!di->i_op || !di->i_op->lookup)
        return Errno::ENOENT;
    char buf[NAME_MAX + 1];
    memcpy(buf, name, len);
    buf[len] = 0;
    inode* i = TRY(di->i_op->lookup(di, buf, dir.dentry));
    dentry* d = d_alloc(dir.dentry, name, len);
    if (!d) {
        iput(i);
        return Errno::ENOMEM;
    }
    d->d_transient = true;
    d_instantiate(d, i);
    return path{dir.mnt, d};
}

Result<void> walk(nameidata& nd, const char* name, bool follow_last);

/* Replaces nd.cur's last step (the symlink at link) with the link's target. */
Result<void> follow_link(nameidata& nd, dentry* link, bool follow_last)
{
    if (++nd.links > MAXSYMLINKS)
        return Errno::ELOOP;
    inode* li = link->d_inode;
    if (!li->i_op || !li->i_op->readlink)
        return Errno::EINVAL;
    auto* target = static_cast<char*>(kmalloc(PATH_MAX));
    if (!target)
        return Errno::ENOMEM;
    auto len = li->i_op->readlink(link, target, PATH_MAX - 1);
    if (!len.ok()) {
        kfree(target);
        return len.error();
    }
    target[len.value()] = 0;
    auto r = len.value() ? walk(nd, target, follow_last) : Result<void>(Errno::ENOENT);
    kfree(target);
    return r;
}

/*
 * Walks name from nd.cur. Every component but the last must be a directory
 * (symlinks followed); the last is followed only if follow_last. On return
 * nd.cur is the final path.
 */
Result<void> walk(nameidata& nd, const char* name, bool follow_last)
{
    if (*name == '/') {
        set_path(nd.cur, nd.root);
        while (*name == '/')
            name++;
    }
    while (*name) {
        const char* end = name;
        while (*end && *end != '/')
            end++;
        size_t len = end - name;
        const char* next = end;
        while (*next == '/')
            next++;
        bool last = !*next;
        bool trailing_slash = last && *end == '/';

        if (!is_dir(nd.cur.dentry))
            return Errno::ENOTDIR;
        if (int err = inode_permission(nd.cur.dentry->d_inode, 1 /* MAY_EXEC */))
            return static_cast<Errno>(-err);
        if (len > static_cast<size_t>(NAME_MAX))
            return Errno::ENAMETOOLONG;

        if (len == 1 && name[0] == '.') {
            /* stays */
        } else if (len == 2 && name[0] == '.' && name[1] == '.') {
            follow_dotdot(nd);
        } else {
            path child = TRY(lookup_child(nd.cur, name, len));
            inode* ci = child.dentry->d_inode;
            if (S_ISLNK(ci->i_mode) && (!last || follow_last || trailing_slash)) {
                auto r = follow_link(nd, child.dentry, true);
                path_put(child);
                TRY(r);
            } else {
                path_put(nd.cur);
                nd.cur = child;
            }
        }
        if (trailing_slash && !is_dir(nd.cur.dentry))
            return Errno::ENOTDIR;
        name = next;
    }
    return {};
}

/* Where a relative name starts: the cwd, or the directory open as dirfd. */
Result<path> start_dir(int dirfd, const char* name)
{
    fs_struct* fs = current->fs;
    if (*name == '/' || dirfd == AT_FDCWD) {
        path p = *name == '/' ? fs->root : fs->pwd;
        path_get(p);
        return p;
    }
    file* f = fget(dirfd);
    if (!f)
        return Errno::EBADF;
    path p = f->f_path;
    path_get(p);
    fput(f);
    if (*name && !is_dir(p.dentry)) {
        path_put(p);
        return Errno::ENOTDIR;
    }
    return p;
}

} // namespace

Result<path> path_lookupat(int dirfd, const char* name, unsigned flags)
{
    if (!*name && !(flags & LOOKUP_EMPTY))
        return Errno::ENOENT;
    nameidata nd;
    nd.cur = TRY(start_dir(dirfd, name));
    nd.root = current->fs->root;
    auto r = walk(nd, name, flags & LOOKUP_FOLLOW);
    if (r.ok() && (flags & LOOKUP_DIRECTORY) && !is_dir(nd.cur.dentry))
        r = Errno::ENOTDIR;
    if (!r.ok()) {
        path_put(nd.cur);
        return r.error();
    }
    return nd.cur;
}

Result<path> path_lookup_from(const path& dir, const char* name, unsigned flags)
{
    nameidata nd;
    nd.cur = dir;
    path_get(dir);
    nd.root = current->fs->root;
    auto r = walk(nd, name, flags & LOOKUP_FOLLOW);
    if (!r.ok()) {
        path_put(nd.cur);
        return r.error();
    }
    return nd.cur;
}

Result<path> lookup_one(const path& dir, const char* name)
{
    if (int err = inode_permission(dir.dentry->d_inode, 1 /* MAY_EXEC */))
        return static_cast<Errno>(-err);
    return lookup_child(dir, name, strlen(name));
}

Result<path> user_path_at(int dirfd, user_in_ptr<const char> name, unsigned flags)
{
    char* kname = TRY(getname(name));
    auto r = path_lookupat(dirfd, kname, flags);
    putname(kname);
    return r;
}

Result<path> kern_path(const char* name, unsigned flags) { return path_lookupat(AT_FDCWD, name, flags); }

Result<parent_path> kern_path_parent(int dirfd, const char* name)
{
    if (!*name)
        return Errno::ENOENT;
    /* Split off the last component (ignoring trailing slashes). */
    size_t len = strlen(name);
    size_t end = len;
    while (end > 1 && name[end - 1] == '/')
        end--;
    size_t start = end;
    while (start > 0 && name[start - 1] != '/')
        start--;
    parent_path pp{};
    pp.trailing_slash = end < len;
    if (end - start > static_cast<size_t>(NAME_MAX))
        return Errno::ENAMETOOLONG;
    memcpy(pp.last, name + start, end - start);
    pp.last[end - start] = 0;

    auto* dir_name = static_cast<char*>(kmalloc(start + 2));
    if (!dir_name)
        return Errno::ENOMEM;
    if (start == 0) {
        strscpy(dir_name, ".", 2);
    } else {
        memcpy(dir_name, name, start);
        dir_name[start] = 0;
    }
    auto dir = path_lookupat(dirfd, dir_name, LOOKUP_FOLLOW | LOOKUP_DIRECTORY);
    kfree(dir_name);
    pp.dir = TRY(dir);
    if (!pp.last[0])
        strscpy(pp.last, "/", sizeof(pp.last)); /* the name was "/" */
    return pp;
}

int inode_permission(inode* i, int mask)
{
    const cred* c = current_cred();
    umode_t mode = i->i_mode;
    int granted;
    if (c->fsuid == i->i_uid)
        granted = (mode >> 6) & 7;
    else if (in_group_p(i->i_gid))
        granted = (mode >> 3) & 7;
    else
        granted = mode & 7;
    if ((mask & granted) == mask)
        return 0;
    /* CAP_DAC_OVERRIDE: read and write anything, execute anything with an x
     * bit somewhere, search any directory. CAP_DAC_READ_SEARCH: read files,
     * search directories. */
    bool is_dir = S_ISDIR(mode);
    if (capable(CAP_DAC_OVERRIDE) && (!(mask & 1) || is_dir || (mode & 0111)))
        return 0;
    if (capable(CAP_DAC_READ_SEARCH) && !(mask & 2) && (!(mask & 1) || is_dir))
        return 0;
    return errno_return(Errno::EACCES);
}

Result<inode*> vfs_mknodat(int dirfd, const char* name, umode_t mode, dev_t rdev)
{
    parent_path pp = TRY(kern_path_parent(dirfd, name));
    Result<inode*> r = Errno::EEXIST;
    auto existing = lookup_one(pp.dir, pp.last);
    if (existing.ok()) {
        path_put(existing.value());
    } else if (existing.error() != Errno::ENOENT) {
        r = existing.error();
    } else if (pp.trailing_slash && !S_ISDIR(mode)) {
        r = Errno::ENOENT;
    } else {
        inode* dir = pp.dir.dentry->d_inode;
        if (int err = inode_permission(dir, 2 | 1 /* MAY_WRITE | MAY_EXEC */))
            r = static_cast<Errno>(-err);
        else if (!dir->i_op || !dir->i_op->create)
            r = Errno::EPERM;
        else if (dir->i_nlink == 0)
            r = Errno::ENOENT; /* the directory was removed */
        else {
            r = dir->i_op->create(dir, mode, rdev);
            if (r.ok()) {
                dentry* d = d_alloc(pp.dir.dentry, pp.last, strlen(pp.last));
                if (!d) {
                    iput(r.value());
                    r = Errno::ENOMEM;
                } else {
                    d_instantiate(d, r.value());
                }
            }
        }
    }
    path_put(pp.dir);
    return r;
}
