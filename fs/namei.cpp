/*
 * Path lookup: a name, a starting directory (dirfd or the root), and a walk
 * one component at a time, crossing mounts, following "..", and following
 * symlinks up to MAXSYMLINKS deep (ELOOP beyond).
 */
#include <linux/fsnotify.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscall_args.h>
#include <linux/syscalls.h>

/* tmpfs's directory sizes, which Linux's root file system shows (stat, ls -l):
 * 40 bytes empty, 20 more per entry (BOGO_DIRENT_SIZE). */
constexpr loff_t BOGO_DIRENT_SIZE = 20;
static void dir_entries_changed(inode* dir, int delta) { dir->i_size += delta * BOGO_DIRENT_SIZE; }

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
        const inode* i = d->d_inode;
        if (i && i->i_op && i->i_op->revalidate && !i->i_op->revalidate(d)) {
            d_unlink_name(d); /* stale: off the cache, looked up afresh below */
            dput(d);
        } else {
            path p{dir.mnt, d};
            follow_mount(p);
            return p;
        }
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
    if (li->i_op && li->i_op->get_link) {
        path target = TRY(li->i_op->get_link(link));
        if (target.dentry) {
            path_put(nd.cur);
            nd.cur = target;
            return {};
        }
    }
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
    file* f = fget_raw(dirfd); /* an O_PATH directory is a dirfd too */
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
    /* Nothing on a read-only file system is written to, by anyone (Linux's
     * sb_permission); its devices and FIFOs are another file system's. */
    if ((mask & 2 /* MAY_WRITE */) && i->i_sb && sb_rdonly(i->i_sb) &&
        (S_ISREG(mode) || S_ISDIR(mode) || S_ISLNK(mode)))
        return errno_return(Errno::EROFS);
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

Result<dentry*> vfs_create(const parent_path& pp, umode_t mode, dev_t rdev)
{
    inode* dir = pp.dir.dentry->d_inode;
    if (int err = inode_permission(dir, 2 | 1 /* MAY_WRITE | MAY_EXEC */))
        return static_cast<Errno>(-err);
    if (!dir->i_op || !dir->i_op->create)
        return Errno::EPERM;
    if (dir->i_nlink == 0)
        return Errno::ENOENT; /* the directory was removed */
    if ((S_ISCHR(mode) || S_ISBLK(mode)) && !capable(CAP_MKNOD))
        return Errno::EPERM; /* after EEXIST, EROFS and EACCES, as Linux's vfs_mknod */
    /* In a set-group-id directory (Linux's mode_strip_sgid, inode_init_owner):
     * a group-executable set-group-id file made by someone outside the
     * directory's group keeps no set-group-id bit; the new name gets the
     * directory's group, and a new directory the bit too. */
    bool sgid_dir = dir->i_mode & S_ISGID;
    if (sgid_dir && !S_ISDIR(mode) && (mode & (S_ISGID | 00010)) == (S_ISGID | 00010) &&
        !in_group_p(dir->i_gid) && !capable(CAP_FSETID))
        mode &= ~S_ISGID;
    inode* i = TRY(dir->i_op->create(dir, mode, rdev));
    if (sgid_dir) {
        i->i_gid = dir->i_gid;
        if (S_ISDIR(mode))
            i->i_mode |= S_ISGID;
    }
    dentry* d = d_alloc(pp.dir.dentry, pp.last, strlen(pp.last));
    if (!d) {
        iput(i);
        return Errno::ENOMEM;
    }
    d_instantiate(d, i);
    dir_entries_changed(dir, +1);
    fsnotify_create(dir, d);
    return d;
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
    } else if (auto w = mnt_want_write(pp.dir.mnt); !w.ok()) {
        r = w.error(); /* EEXIST beats EROFS, as in Linux's filename_create */
    } else if (auto d = vfs_create(pp, mode, rdev); d.ok()) {
        r = d.value()->d_inode;
    } else {
        r = d.error();
    }
    path_put(pp.dir);
    return r;
}

/* ---- creating, removing and renaming names ---- */

namespace {

constexpr int MAY_EXEC = 1, MAY_WRITE = 2;

/* The sticky-bit rule: in a +t directory only the owner of the file or of the
 * directory (or CAP_FOWNER) may remove or rename an entry. */
bool may_delete_sticky(inode* dir, inode* victim)
{
    if (!(dir->i_mode & S_ISVTX))
        return true;
    uid_t fsuid = current_cred()->fsuid;
    return fsuid == victim->i_uid || fsuid == dir->i_uid || capable(CAP_FOWNER);
}

bool dir_is_empty(dentry* d) { return !dir_has_children(d); }

bool is_ancestor(dentry* maybe_ancestor, dentry* d)
{
    for (; d->d_parent != d; d = d->d_parent)
        if (d == maybe_ancestor)
            return true;
    return d == maybe_ancestor;
}

/* The parent and the existing child for the remove-type calls. */
struct victim {
    parent_path pp;
    path child;
};

Result<victim> lookup_victim(int dirfd, const char* name)
{
    victim v;
    v.pp = TRY(kern_path_parent(dirfd, name));
    auto child = lookup_one(v.pp.dir, v.pp.last);
    if (!child.ok()) {
        path_put(v.pp.dir);
        return child.error();
    }
    v.child = child.value();
    return v;
}

void put_victim(victim& v)
{
    path_put(v.child);
    path_put(v.pp.dir);
}

Result<void> may_delete(inode* dir, dentry* d)
{
    if (int err = inode_permission(dir, MAY_WRITE | MAY_EXEC))
        return static_cast<Errno>(-err);
    if (!may_delete_sticky(dir, d->d_inode))
        return Errno::EPERM;
    if (d->d_mounted || d->d_parent == d)
        return Errno::EBUSY;
    return {};
}

/* The last component of a path that names no entry of its own: "." or
 * "..", or the root ("/"). */
bool is_dot_or_root(const char* last) { return !strcmp(last, ".") || !strcmp(last, "..") || !strcmp(last, "/"); }

Result<void> do_unlink(int dirfd, const char* name)
{
    {
        parent_path pp = TRY(kern_path_parent(dirfd, name));
        auto w = mnt_want_write(pp.dir.mnt);
        path_put(pp.dir);
        if (is_dot_or_root(pp.last))
            return Errno::EISDIR;
        TRY(w); /* before the name is looked up: EROFS beats ENOENT */
    }
    victim v = TRY(lookup_victim(dirfd, name));
    Result<void> r;
    inode* dir = v.pp.dir.dentry->d_inode;
    inode* i = v.child.dentry->d_inode;
    if (v.pp.trailing_slash)
        r = S_ISDIR(i->i_mode) ? Errno::EISDIR : Errno::ENOTDIR;
    else if (S_ISDIR(i->i_mode))
        r = Errno::EISDIR;
    else if (!strcmp(v.pp.last, ".") || !strcmp(v.pp.last, ".."))
        r = Errno::EISDIR;
    else if (v.child.mnt != v.pp.dir.mnt)
        r = Errno::EBUSY;
    else
        r = may_delete(dir, v.child.dentry);
    if (r.ok()) {
        if (i->i_nlink > 1)
            shmem_free_inode(i->i_sb); /* an extra link's slot; the last goes with the inode */
        i->i_nlink--;
        i->i_ctime = dir->i_mtime = dir->i_ctime = current_time();
        dir_entries_changed(dir, -1);
        fsnotify_delete(dir, v.child.dentry);
        d_delete(v.child.dentry);
    }
    put_victim(v);
    return r;
}

Result<void> do_rmdir(int dirfd, const char* name)
{
    {
        /* Linux answers these from the name alone. */
        parent_path pp = TRY(kern_path_parent(dirfd, name));
        auto w = mnt_want_write(pp.dir.mnt);
        path_put(pp.dir);
        if (!strcmp(pp.last, "."))
            return Errno::EINVAL;
        if (!strcmp(pp.last, ".."))
            return Errno::ENOTEMPTY;
        if (!strcmp(pp.last, "/"))
            return Errno::EBUSY;
        TRY(w);
    }
    victim v = TRY(lookup_victim(dirfd, name));
    Result<void> r;
    inode* dir = v.pp.dir.dentry->d_inode;
    inode* i = v.child.dentry->d_inode;
    if (!strcmp(v.pp.last, "."))
        r = Errno::EINVAL;
    else if (!strcmp(v.pp.last, ".."))
        r = Errno::ENOTEMPTY;
    else if (!S_ISDIR(i->i_mode))
        r = Errno::ENOTDIR;
    else if (v.child.mnt != v.pp.dir.mnt || v.child.dentry->d_mounted)
        r = Errno::EBUSY;
    else if (!dir_is_empty(v.child.dentry))
        r = Errno::ENOTEMPTY;
    else
        r = may_delete(dir, v.child.dentry);
    if (r.ok()) {
        i->i_nlink = 0;
        dir->i_nlink--;
        dir->i_mtime = dir->i_ctime = current_time();
        dir_entries_changed(dir, -1);
        fsnotify_delete(dir, v.child.dentry);
        d_delete(v.child.dentry);
    }
    put_victim(v);
    return r;
}

/* Moves dentry d under new_parent with a new name. */
Result<void> d_move(dentry* d, dentry* new_parent, const char* name)
{
    d_unlink_name(d);
    if (auto r = d_set_name(d, name, strlen(name)); !r.ok()) {
        d_instantiate(d, d->d_inode); /* back where it was */
        return r;
    }
    if (d->d_parent != new_parent) {
        dentry* old = d->d_parent;
        d->d_parent = dget(new_parent);
        dput(old);
    }
    d_instantiate(d, d->d_inode); /* relinks it, as the newest entry, under the (new) parent */
    return {};
}

Result<void> do_renameat2(int olddfd, const char* oldname, int newdfd, const char* newname, unsigned flags)
{
    if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
        return Errno::EINVAL;
    if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE))
        return Errno::EINVAL;
    if (flags & RENAME_WHITEOUT)
        return Errno::EINVAL;
    {
        parent_path a = TRY(kern_path_parent(olddfd, oldname));
        auto w = mnt_want_write(a.dir.mnt);
        path_put(a.dir);
        auto b = kern_path_parent(newdfd, newname);
        if (b.ok())
            path_put(b.value().dir);
        if (is_dot_or_root(a.last) || (b.ok() && is_dot_or_root(b.value().last)))
            return Errno::EBUSY;
        if (b.ok())
            TRY(w);
    }
    victim from = TRY(lookup_victim(olddfd, oldname));
    auto to_parent = kern_path_parent(newdfd, newname);
    if (!to_parent.ok()) {
        put_victim(from);
        return to_parent.error();
    }
    parent_path to = to_parent.value();
    dentry* src = from.child.dentry;
    inode* src_inode = src->d_inode;
    inode* old_dir = from.pp.dir.dentry->d_inode;
    inode* new_dir = to.dir.dentry->d_inode;
    auto target = lookup_one(to.dir, to.last);
    dentry* dst = target.ok() ? target.value().dentry : nullptr;
    Result<void> r;
    auto special = [](const char* n) { return !strcmp(n, ".") || !strcmp(n, ".."); };
    if (special(from.pp.last) || special(to.last))
        r = Errno::EBUSY;
    else if (!target.ok() && target.error() != Errno::ENOENT)
        r = target.error();
    else if (from.pp.dir.mnt != to.dir.mnt || from.child.mnt != from.pp.dir.mnt)
        r = Errno::EXDEV;
    else if ((flags & RENAME_NOREPLACE) && dst)
        r = Errno::EEXIST;
    else if ((flags & RENAME_EXCHANGE) && !dst)
        r = Errno::ENOENT;
    else if (dst && src->d_inode == dst->d_inode)
        r = {}; /* two names of one file (or the same name): nothing to do, as POSIX says */
    else if (S_ISDIR(src_inode->i_mode) && is_ancestor(src, to.dir.dentry))
        r = Errno::EINVAL; /* into its own subtree */
    else if (dst && S_ISDIR(src_inode->i_mode) && !S_ISDIR(dst->d_inode->i_mode) && !(flags & RENAME_EXCHANGE))
        r = Errno::ENOTDIR;
    else if (dst && !S_ISDIR(src_inode->i_mode) && S_ISDIR(dst->d_inode->i_mode) && !(flags & RENAME_EXCHANGE))
        r = Errno::EISDIR;
    else if (dst && S_ISDIR(dst->d_inode->i_mode) && !dir_is_empty(dst) && !(flags & RENAME_EXCHANGE))
        r = Errno::ENOTEMPTY;
    else if (!(r = may_delete(old_dir, src)).ok())
        ;
    else if (int err = inode_permission(new_dir, MAY_WRITE | MAY_EXEC))
        r = static_cast<Errno>(-err);
    else if (dst && !may_delete_sticky(new_dir, dst->d_inode))
        r = Errno::EPERM;
    else if (dst && dst->d_mounted)
        r = Errno::EBUSY;
    else if (flags & RENAME_EXCHANGE) {
        char src_name[NAME_MAX + 1], dst_name[NAME_MAX + 1];
        strscpy(src_name, src->d_name, sizeof(src_name));
        strscpy(dst_name, dst->d_name, sizeof(dst_name));
        dentry* src_parent = src->d_parent;
        r = d_move(src, dst->d_parent, dst->d_name);
        if (r.ok())
            r = d_move(dst, src_parent, src_name);
        if (r.ok()) {
            /* Each moved the other's way (Linux's two fsnotify_move calls). */
            fsnotify_move(old_dir, new_dir, src_name, dst_name, src_inode, nullptr);
            fsnotify_move(new_dir, old_dir, dst_name, src_name, dst->d_inode, nullptr);
        }
    } else {
        bool is_dir = S_ISDIR(src_inode->i_mode);
        char old_name[NAME_MAX + 1];
        strscpy(old_name, src->d_name, sizeof(old_name));
        inode* gone = dst ? dst->d_inode : nullptr;
        if (dst) {
            if (!S_ISDIR(gone->i_mode) && gone->i_nlink > 1)
                shmem_free_inode(gone->i_sb);
            gone->i_nlink = S_ISDIR(gone->i_mode) ? 0 : gone->i_nlink - 1;
            if (S_ISDIR(gone->i_mode))
                new_dir->i_nlink--;
            dir_entries_changed(new_dir, -1);
            d_delete(dst);
        }
        dir_entries_changed(old_dir, -1);
        dir_entries_changed(new_dir, +1);
        if (is_dir && old_dir != new_dir) {
            old_dir->i_nlink--;
            new_dir->i_nlink++;
        }
        r = d_move(src, to.dir.dentry, to.last);
        if (r.ok())
            fsnotify_move(old_dir, new_dir, old_name, to.last, src_inode, gone);
    }
    if (r.ok())
        old_dir->i_mtime = old_dir->i_ctime = new_dir->i_mtime = new_dir->i_ctime = src_inode->i_ctime = current_time();
    if (target.ok())
        path_put(target.value());
    path_put(to.dir);
    put_victim(from);
    return r;
}

Result<void> do_linkat(int olddfd, const char* oldname, int newdfd, const char* newname, int flags)
{
    if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return Errno::EINVAL;
    path old = TRY(path_lookupat(olddfd, oldname, ((flags & AT_SYMLINK_FOLLOW) ? LOOKUP_FOLLOW : 0) |
                                                       ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0)));
    Result<void> r;
    inode* i = old.dentry->d_inode;
    auto pp = kern_path_parent(newdfd, newname);
    if (!pp.ok()) {
        path_put(old);
        return pp.error();
    }
    parent_path to = pp.value();
    auto existing = lookup_one(to.dir, to.last);
    if (existing.ok()) {
        path_put(existing.value());
        r = Errno::EEXIST;
    } else if (existing.error() != Errno::ENOENT) {
        r = existing.error();
    } else if (auto w = mnt_want_write(to.dir.mnt); !w.ok()) {
        r = w.error(); /* the new name's mount, before EXDEV (Linux's filename_create) */
    } else if (S_ISDIR(i->i_mode)) {
        r = Errno::EPERM;
    } else if (old.mnt != to.dir.mnt) {
        r = Errno::EXDEV;
    } else if (int err = inode_permission(to.dir.dentry->d_inode, MAY_WRITE | MAY_EXEC)) {
        r = static_cast<Errno>(-err);
    } else if (to.trailing_slash) {
        r = Errno::ENOENT;
    } else if (auto slot = shmem_reserve_inode(i->i_sb); !slot.ok()) {
        r = slot.error(); /* a tmpfs counts each link against nr_inodes, as Linux's */
    } else {
        dentry* d = d_alloc(to.dir.dentry, to.last, strlen(to.last));
        if (!d) {
            shmem_free_inode(i->i_sb);
            r = Errno::ENOMEM;
        } else {
            ihold(i);
            i->i_nlink++;
            i->i_ctime = current_time();
            d_instantiate(d, i);
            dir_entries_changed(to.dir.dentry->d_inode, +1);
            fsnotify_link(to.dir.dentry->d_inode, i, d);
        }
    }
    path_put(to.dir);
    path_put(old);
    return r;
}

template <typename Fn>
SyscallResult with_name(user_in_ptr<const char> uname, Fn fn)
{
    char* name = TRY(getname(uname));
    auto r = fn(name);
    putname(name);
    return r;
}

Result<void> do_mknodat(int dirfd, const char* name, umode_t mode, dev_t dev)
{
    umode_t type = mode & S_IFMT;
    if (!type)
        type = S_IFREG;
    if (type != S_IFREG && type != S_IFCHR && type != S_IFBLK && type != S_IFIFO && type != S_IFSOCK)
        return Errno::EINVAL;
    umode_t perm = mode & 07777 & ~current->fs->umask;
    TRY(vfs_mknodat(dirfd, name, type | perm, dev));
    return {};
}

/* A directory's set-group-id bit comes from its parent only (Linux's
 * vfs_mkdir keeps S_IRWXUGO | S_ISVTX of the mode). */
Result<void> do_mkdirat(int dirfd, const char* name, umode_t mode)
{
    TRY(vfs_mknodat(dirfd, name, S_IFDIR | (mode & 01777 & ~current->fs->umask), 0));
    return {};
}

} // namespace

SYSCALL_DEFINE3(mkdirat, DirFd, dfd, user_in_ptr<const char>, pathname, umode_t, mode)
{
    return with_name(pathname, [&](const char* name) { return do_mkdirat(dfd.value, name, mode); });
}

SYSCALL_DEFINE2(mkdir, user_in_ptr<const char>, pathname, umode_t, mode)
{
    return with_name(pathname, [&](const char* name) { return do_mkdirat(AT_FDCWD, name, mode); });
}

SYSCALL_DEFINE4(mknodat, DirFd, dfd, user_in_ptr<const char>, filename, umode_t, mode, unsigned int, dev)
{
    return with_name(filename, [&](const char* name) {
        return do_mknodat(dfd.value, name, mode, MKDEV((dev >> 8) & 0xfff, (dev & 0xff) | ((dev >> 12) & 0xfff00)));
    });
}

SYSCALL_DEFINE3(mknod, user_in_ptr<const char>, filename, umode_t, mode, unsigned int, dev)
{
    return with_name(filename, [&](const char* name) {
        return do_mknodat(AT_FDCWD, name, mode, MKDEV((dev >> 8) & 0xfff, (dev & 0xff) | ((dev >> 12) & 0xfff00)));
    });
}

SYSCALL_DEFINE1(rmdir, user_in_ptr<const char>, pathname)
{
    return with_name(pathname, [](const char* name) { return do_rmdir(AT_FDCWD, name); });
}

SYSCALL_DEFINE1(unlink, user_in_ptr<const char>, pathname)
{
    return with_name(pathname, [](const char* name) { return do_unlink(AT_FDCWD, name); });
}

SYSCALL_DEFINE3(unlinkat, DirFd, dfd, user_in_ptr<const char>, pathname, int, flag)
{
    if (flag & ~AT_REMOVEDIR)
        return Errno::EINVAL;
    return with_name(pathname, [&](const char* name) {
        return (flag & AT_REMOVEDIR) ? do_rmdir(dfd.value, name) : do_unlink(dfd.value, name);
    });
}

SYSCALL_DEFINE5(renameat2, DirFd, olddfd, user_in_ptr<const char>, oldname, DirFd, newdfd,
                user_in_ptr<const char>, newname, unsigned int, flags)
{
    return with_name(oldname, [&](const char* from) {
        return with_name(newname, [&](const char* to) { return do_renameat2(olddfd.value, from, newdfd.value, to, flags); });
    });
}

SYSCALL_DEFINE4(renameat, DirFd, olddfd, user_in_ptr<const char>, oldname, DirFd, newdfd,
                user_in_ptr<const char>, newname)
{
    return with_name(oldname, [&](const char* from) {
        return with_name(newname, [&](const char* to) { return do_renameat2(olddfd.value, from, newdfd.value, to, 0); });
    });
}

SYSCALL_DEFINE2(rename, user_in_ptr<const char>, oldname, user_in_ptr<const char>, newname)
{
    return with_name(oldname, [&](const char* from) {
        return with_name(newname, [&](const char* to) { return do_renameat2(AT_FDCWD, from, AT_FDCWD, to, 0); });
    });
}

SYSCALL_DEFINE5(linkat, DirFd, olddfd, user_in_ptr<const char>, oldname, DirFd, newdfd,
                user_in_ptr<const char>, newname, int, flags)
{
    return with_name(oldname, [&](const char* from) {
        return with_name(newname, [&](const char* to) { return do_linkat(olddfd.value, from, newdfd.value, to, flags); });
    });
}

SYSCALL_DEFINE2(link, user_in_ptr<const char>, oldname, user_in_ptr<const char>, newname)
{
    return with_name(oldname, [&](const char* from) {
        return with_name(newname, [&](const char* to) { return do_linkat(AT_FDCWD, from, AT_FDCWD, to, 0); });
    });
}

static Result<void> do_symlinkat(const char* target, int dfd, const char* name)
{
    if (!*target)
        return Errno::ENOENT;
    inode* i = TRY(vfs_mknodat(dfd, name, S_IFLNK | 0777, 0));
    size_t len = strlen(target);
    i->i_link = static_cast<char*>(kmalloc(len + 1));
    if (!i->i_link)
        return Errno::ENOMEM;
    memcpy(i->i_link, target, len + 1);
    i->i_size = len;
    return {};
}

SYSCALL_DEFINE3(symlinkat, user_in_ptr<const char>, oldname, DirFd, newdfd, user_in_ptr<const char>, newname)
{
    return with_name(oldname, [&](const char* target) {
        return with_name(newname, [&](const char* name) { return do_symlinkat(target, newdfd.value, name); });
    });
}

SYSCALL_DEFINE2(symlink, user_in_ptr<const char>, oldname, user_in_ptr<const char>, newname)
{
    return with_name(oldname, [&](const char* target) {
        return with_name(newname, [&](const char* name) { return do_symlinkat(target, AT_FDCWD, name); });
    });
}

Result<void> kernel_unlink(const char* name)
{
    return do_unlink(AT_FDCWD, name);
}
