/*
 * Extended attributes: getxattr, setxattr, listxattr, removexattr and their
 * l- (the link itself) and f- (a descriptor) variants.
 *
 * A name is NAMESPACE.NAME, 1 to 255 bytes (ERANGE otherwise); a value at
 * most 64 KiB (E2BIG). What a file system keeps, as Linux's tmpfs does:
 *   trusted.*   CAP_SYS_ADMIN only: without it reads find nothing (ENODATA),
 *               lists leave them out, writes are EPERM
 *   security.*  kept as they are (there is no security module), no
 *               permission check of the VFS's
 *   user.*      regular files and directories, with the file's read/write
 *               permission (elsewhere: reads ENODATA, writes EPERM); the
 *               owner alone in a sticky directory. As Linux 6.6's tmpfs:
 *               6.1's has none (EOPNOTSUPP)
 *   system.posix_acl_access / _default: no ACL is ever kept, so reads find
 *               nothing (ENODATA; EOPNOTSUPP on a symlink) and writes are
 *               EOPNOTSUPP; any other system.* name is EOPNOTSUPP
 * The root file system and tmpfs mounts keep them (super_block::s_xattr);
 * procfs, ramfs mounts, pipes and anonymous files have none: EOPNOTSUPP
 * (after the namespace's permission rule, as in Linux), and an empty list.
 * Each inode's attributes are a list, newest first (Linux 6.1's order).
 */
#include <linux/fsnotify.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscall_args.h>
#include <linux/syscalls.h>

/* One attribute: the name (NUL-terminated) and then the value, in one
 * allocation, linked from its inode (the kernel lock protects the list). */
struct simple_xattr {
    simple_xattr* next;
    u32 name_len;
    u32 size;
    char data[]; /* name, NUL, value */

    const char* name() const { return data; }
    const char* value() const { return data + name_len + 1; }
};

void simple_xattrs_free(inode* i)
{
    while (simple_xattr* x = i->i_xattrs) {
        i->i_xattrs = x->next;
        kfree(x);
    }
}

namespace {

constexpr size_t XATTR_NAME_MAX = 255, XATTR_SIZE_MAX = 65536, XATTR_LIST_MAX = 65536;
constexpr int XATTR_CREATE = 1, XATTR_REPLACE = 2;
constexpr int MAY_WRITE = 2, MAY_READ = 4;

enum class ns { user, trusted, security, system, unknown };

bool has_prefix(const char* name, const char* prefix) { return !strncmp(name, prefix, strlen(prefix)); }

ns namespace_of(const char* name)
{
    if (has_prefix(name, "user."))
        return ns::user;
    if (has_prefix(name, "trusted."))
        return ns::trusted;
    if (has_prefix(name, "security."))
        return ns::security;
    if (has_prefix(name, "system."))
        return ns::system;
    return ns::unknown;
}

bool is_acl_name(const char* name)
{
    return !strcmp(name, "system.posix_acl_access") || !strcmp(name, "system.posix_acl_default");
}

/* The name from user space: ERANGE when empty or longer than 255 bytes. */
Result<void> copy_name(char (&kname)[XATTR_NAME_MAX + 1], user_in_ptr<const char> name)
{
    auto n = strncpy_from_user(kname, name, sizeof(kname));
    if (!n.ok())
        return n.error() == Errno::ENAMETOOLONG ? Errno::ERANGE : n.error();
    if (n.value() == 0)
        return Errno::ERANGE;
    return {};
}

/* Linux's xattr_permission: the namespace's rule, before the file system's. */
Result<void> xattr_permission(inode* i, const char* name, int mask)
{
    switch (namespace_of(name)) {
    case ns::security:
    case ns::system:
        return {};
    case ns::trusted:
        if (!capable(CAP_SYS_ADMIN))
            return (mask & MAY_WRITE) ? Errno::EPERM : Errno::ENODATA;
        return {};
    case ns::user:
        if (!S_ISREG(i->i_mode) && !S_ISDIR(i->i_mode))
            return (mask & MAY_WRITE) ? Errno::EPERM : Errno::ENODATA;
        if (S_ISDIR(i->i_mode) && (i->i_mode & S_ISVTX) && (mask & MAY_WRITE) &&
            current_cred()->fsuid != i->i_uid && !capable(CAP_FOWNER))
            return Errno::EPERM;
        break;
    case ns::unknown:
        break;
    }
    if (int err = inode_permission(i, mask))
        return static_cast<Errno>(-err);
    return {};
}

/* Does this inode's file system keep name? EOPNOTSUPP if not; EINVAL for a
 * bare prefix ("trusted."), as Linux's handler lookup. */
Result<void> fs_keeps(const inode* i, const char* name)
{
    if (!i->i_sb->s_xattr)
        return Errno::EOPNOTSUPP;
    ns n = namespace_of(name);
    if (n == ns::unknown || (n == ns::system && !is_acl_name(name)))
        return Errno::EOPNOTSUPP;
    if (n != ns::system && !*(strchr(name, '.') + 1))
        return Errno::EINVAL;
    return {};
}

simple_xattr** find(inode* i, const char* name)
{
    for (simple_xattr** at = &i->i_xattrs; *at; at = &(*at)->next)
        if (!strcmp((*at)->name(), name))
            return at;
    return nullptr;
}

Result<size_t> vfs_getxattr(inode* i, const char* name, char* buf, size_t size)
{
    TRY(xattr_permission(i, name, MAY_READ));
    TRY(fs_keeps(i, name));
    if (is_acl_name(name))
        return S_ISLNK(i->i_mode) ? Errno::EOPNOTSUPP : Errno::ENODATA; /* no ACL is kept */
    simple_xattr** at = find(i, name);
    if (!at)
        return Errno::ENODATA;
    simple_xattr* x = *at;
    if (size) {
        if (x->size > size)
            return Errno::ERANGE;
        memcpy(buf, x->value(), x->size);
    }
    return static_cast<size_t>(x->size);
}

/* value nullptr: remove (ENODATA if absent). */
Result<void> vfs_setxattr(inode* i, const char* name, const char* value, size_t size, int flags)
{
    TRY(xattr_permission(i, name, MAY_WRITE));
    TRY(fs_keeps(i, name));
    if (is_acl_name(name))
        return Errno::EOPNOTSUPP; /* ACLs are not kept */
    simple_xattr** at = find(i, name);
    if (!value) {
        if (!at)
            return Errno::ENODATA;
        simple_xattr* old = *at;
        *at = old->next;
        kfree(old);
        i->i_ctime = current_time();
        return {};
    }
    if (at && (flags & XATTR_CREATE))
        return Errno::EEXIST;
    if (!at && (flags & XATTR_REPLACE))
        return Errno::ENODATA;
    size_t name_len = strlen(name);
    auto* x = static_cast<simple_xattr*>(kmalloc(sizeof(simple_xattr) + name_len + 1 + size));
    if (!x)
        return Errno::ENOMEM;
    x->name_len = static_cast<u32>(name_len);
    x->size = static_cast<u32>(size);
    memcpy(x->data, name, name_len + 1);
    memcpy(x->data + name_len + 1, value, size);
    if (at) {
        /* A replaced value keeps its place in the list. */
        simple_xattr* old = *at;
        x->next = old->next;
        *at = x;
        kfree(old);
    } else {
        x->next = i->i_xattrs;
        i->i_xattrs = x;
    }
    i->i_ctime = current_time();
    return {};
}

Result<size_t> vfs_listxattr(inode* i, char* buf, size_t size)
{
    if (!i->i_sb->s_xattr)
        return 0; /* nothing to list (Linux: the security module's, none) */
    bool trusted = capable(CAP_SYS_ADMIN);
    size_t total = 0;
    for (simple_xattr* x = i->i_xattrs; x; x = x->next) {
        if (!trusted && namespace_of(x->name()) == ns::trusted)
            continue;
        size_t len = x->name_len + 1;
        if (size) {
            if (total + len > size)
                return Errno::ERANGE;
            memcpy(buf + total, x->name(), len);
        }
        total += len;
    }
    return total;
}

/* The path calls (follow: not the l-variants) and the descriptor calls; a
 * change (Write) is refused on a read-only mount before anything else. */
enum class XattrOp { Read, Write };

template <XattrOp Op = XattrOp::Read, typename Fn>
SyscallResult on_path(user_in_ptr<const char> pathname, bool follow, Fn fn)
{
    path p = TRY(user_path_at(AT_FDCWD, pathname, follow ? LOOKUP_FOLLOW : 0));
    Result<void> w = Op == XattrOp::Write ? mnt_want_write(p.mnt) : Result<void>{};
    SyscallResult r = w.ok() ? fn(p.dentry->d_inode) : SyscallResult(w.error());
    if (Op == XattrOp::Write && r.value >= 0)
        fsnotify_change(p.dentry, FS_ATTRIB);
    path_put(p);
    return r;
}

template <XattrOp Op = XattrOp::Read, typename Fn>
SyscallResult on_fd(int fd, Fn fn)
{
    FdRef f(fd);
    if (!f)
        return Errno::EBADF;
    if constexpr (Op == XattrOp::Write)
        TRY(mnt_want_write(f->f_path.mnt));
    SyscallResult r = fn(f->f_inode);
    if (Op == XattrOp::Write && r.value >= 0)
        fsnotify_change(f->f_path.dentry, FS_ATTRIB);
    return r;
}

SyscallResult do_getxattr(inode* i, user_in_ptr<const char> name, user_out_ptr<char> value, size_t size)
{
    char kname[XATTR_NAME_MAX + 1];
    TRY(copy_name(kname, name));
    size = min(size, XATTR_SIZE_MAX);
    char* kvalue = nullptr;
    if (size && !(kvalue = static_cast<char*>(kmalloc(size))))
        return Errno::ENOMEM;
    auto r = vfs_getxattr(i, kname, kvalue, size);
    Result<void> copied;
    if (r.ok() && size && r.value())
        copied = copy_to_user(value, kvalue, r.value());
    kfree(kvalue);
    if (!r.ok())
        return r.error() == Errno::ERANGE && size >= XATTR_SIZE_MAX ? Errno::E2BIG : r.error();
    TRY(copied);
    return static_cast<long>(r.value());
}

SyscallResult do_setxattr(inode* i, user_in_ptr<const char> name, user_in_ptr<const char> value, size_t size,
                          int flags)
{
    if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
        return Errno::EINVAL;
    char kname[XATTR_NAME_MAX + 1];
    TRY(copy_name(kname, name));
    if (size > XATTR_SIZE_MAX)
        return Errno::E2BIG;
    char empty = 0;
    char* kvalue = &empty; /* a zero-length value is kept, not a removal */
    if (size) {
        if (!(kvalue = static_cast<char*>(kmalloc(size))))
            return Errno::ENOMEM;
        if (auto c = copy_from_user(kvalue, value, size); !c.ok()) {
            kfree(kvalue);
            return c.error();
        }
    }
    auto r = vfs_setxattr(i, kname, kvalue, size, flags);
    if (size)
        kfree(kvalue);
    TRY(r);
    return 0;
}

SyscallResult do_listxattr(inode* i, user_out_ptr<char> list, size_t size)
{
    size = min(size, XATTR_LIST_MAX);
    char* klist = nullptr;
    if (size && !(klist = static_cast<char*>(kmalloc(size))))
        return Errno::ENOMEM;
    auto r = vfs_listxattr(i, klist, size);
    Result<void> copied;
    if (r.ok() && size && r.value())
        copied = copy_to_user(list, klist, r.value());
    kfree(klist);
    if (!r.ok())
        return r.error() == Errno::ERANGE && size >= XATTR_LIST_MAX ? Errno::E2BIG : r.error();
    TRY(copied);
    return static_cast<long>(r.value());
}

SyscallResult do_removexattr(inode* i, user_in_ptr<const char> name)
{
    char kname[XATTR_NAME_MAX + 1];
    TRY(copy_name(kname, name));
    TRY(vfs_setxattr(i, kname, nullptr, 0, XATTR_REPLACE));
    return 0;
}

} // namespace

SYSCALL_DEFINE4(getxattr, user_in_ptr<const char>, pathname, user_in_ptr<const char>, name, user_out_ptr<char>, value,
                size_t, size)
{
    return on_path(pathname, true, [&](inode* i) { return do_getxattr(i, name, value, size); });
}

SYSCALL_DEFINE4(lgetxattr, user_in_ptr<const char>, pathname, user_in_ptr<const char>, name, user_out_ptr<char>,
                value, size_t, size)
{
    return on_path(pathname, false, [&](inode* i) { return do_getxattr(i, name, value, size); });
}

SYSCALL_DEFINE4(fgetxattr, int, fd, user_in_ptr<const char>, name, user_out_ptr<char>, value, size_t, size)
{
    return on_fd(fd, [&](inode* i) { return do_getxattr(i, name, value, size); });
}

SYSCALL_DEFINE5(setxattr, user_in_ptr<const char>, pathname, user_in_ptr<const char>, name, user_in_ptr<const char>,
                value, size_t, size, int, flags)
{
    return on_path<XattrOp::Write>(pathname, true, [&](inode* i) { return do_setxattr(i, name, value, size, flags); });
}

SYSCALL_DEFINE5(lsetxattr, user_in_ptr<const char>, pathname, user_in_ptr<const char>, name, user_in_ptr<const char>,
                value, size_t, size, int, flags)
{
    return on_path<XattrOp::Write>(pathname, false, [&](inode* i) { return do_setxattr(i, name, value, size, flags); });
}

SYSCALL_DEFINE5(fsetxattr, int, fd, user_in_ptr<const char>, name, user_in_ptr<const char>, value, size_t, size, int,
                flags)
{
    return on_fd<XattrOp::Write>(fd, [&](inode* i) { return do_setxattr(i, name, value, size, flags); });
}

SYSCALL_DEFINE3(listxattr, user_in_ptr<const char>, pathname, user_out_ptr<char>, list, size_t, size)
{
    return on_path(pathname, true, [&](inode* i) { return do_listxattr(i, list, size); });
}

SYSCALL_DEFINE3(llistxattr, user_in_ptr<const char>, pathname, user_out_ptr<char>, list, size_t, size)
{
    return on_path(pathname, false, [&](inode* i) { return do_listxattr(i, list, size); });
}

SYSCALL_DEFINE3(flistxattr, int, fd, user_out_ptr<char>, list, size_t, size)
{
    return on_fd(fd, [&](inode* i) { return do_listxattr(i, list, size); });
}

SYSCALL_DEFINE2(removexattr, user_in_ptr<const char>, pathname, user_in_ptr<const char>, name)
{
    return on_path<XattrOp::Write>(pathname, true, [&](inode* i) { return do_removexattr(i, name); });
}

SYSCALL_DEFINE2(lremovexattr, user_in_ptr<const char>, pathname, user_in_ptr<const char>, name)
{
    return on_path<XattrOp::Write>(pathname, false, [&](inode* i) { return do_removexattr(i, name); });
}

SYSCALL_DEFINE2(fremovexattr, int, fd, user_in_ptr<const char>, name)
{
    return on_fd<XattrOp::Write>(fd, [&](inode* i) { return do_removexattr(i, name); });
}
