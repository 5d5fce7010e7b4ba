/*
 * procfs: the superblock, the directories (/proc, /proc/sys/..., /proc/<pid>,
 * fd/, fdinfo/, task/), symlinks and the snapshot files every entry is read
 * through. What each file says is in base.cpp (per process) and generic.cpp
 * (system-wide).
 *
 * Nothing is cached: namei gives every name found by lookup a transient
 * dentry, so /proc/<pid> of a process that has gone simply fails lookup.
 * Inodes record what they are in i_private (see internal.h) and find their
 * task again by pid whenever they are used.
 */
#include <linux/ptrace.h>
#include "internal.h"

#include <asm/pgtable.h>
#include <linux/cred.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/time.h>

namespace procfs {

/* ---- seqbuf ---- */

bool seqbuf::reserve(size_t more)
{
    if (oom)
        return false;
    if (len + more <= cap)
        return true;
    size_t ncap = cap ? cap : 512;
    while (ncap < len + more)
        ncap *= 2;
    auto* n = static_cast<char*>(kmalloc(ncap));
    if (!n) {
        oom = true;
        return false;
    }
    if (buf) {
        memcpy(n, buf, len);
        kfree(buf);
    }
    buf = n;
    cap = ncap;
    return true;
}

void seqbuf::write(const void* data, size_t n)
{
    if (!n || !reserve(n))
        return;
    memcpy(buf + len, data, n);
    len += n;
}

void seqbuf::puts(const char* s) { write(s, strlen(s)); }

void seqbuf::vprintf(const char* fmt, va_list args)
{
    if (!reserve(64))
        return;
    va_list again;
    va_copy(again, args);
    int n = vsnprintf(buf + len, cap - len, fmt, args);
    if (n >= 0 && static_cast<size_t>(n) + 1 > cap - len) {
        if (reserve(n + 1))
            vsnprintf(buf + len, cap - len, fmt, again);
    }
    va_end(again);
    if (!oom && n > 0)
        len += n;
}

void seqbuf::printf(const char* fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vprintf(fmt, args);
    va_end(args);
}

void seqbuf::pad_line(size_t line_start, size_t width)
{
    while (!oom && len - line_start < width)
        putc(' ');
}

void seqbuf::release()
{
    kfree(buf);
    buf = nullptr;
    len = cap = 0;
}

/* ---- helpers ---- */

task_struct* get_proc_task(pid_t pid)
{
    if (pid <= 0)
        return nullptr;
    return find_task_by_pid(pid);
}

bool may_access(task_struct* t) { return ptrace_may_access(t, PTRACE_MODE_READ_FSCREDS); }

size_t read_mm(mm_struct* mm, unsigned long addr, void* buf, size_t len)
{
    size_t done = 0;
    while (mm && done < len) {
        unsigned long a = addr + done;
        if (a < addr || a >= TASK_SIZE_MAX)
            break;
        pteval_t* pte = lookup_pte(mm->pgd, a);
        if (!pte || !(*pte & _PAGE_PRESENT) || !(*pte & _PAGE_USER))
            break;
        size_t off = a & ~PAGE_MASK;
        size_t n = min<size_t>(PAGE_SIZE - off, len - done);
        memcpy(static_cast<u8*>(buf) + done, static_cast<u8*>(__va(pte_phys(*pte))) + off, n);
        done += n;
    }
    return done;
}

bool parse_uint(const char* s, unsigned long& out)
{
    if (!*s || (s[0] == '0' && s[1]))
        return false;
    unsigned long v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (*s - '0');
        if (v > 0x7fffffff)
            return false;
    }
    out = v;
    return true;
}

u64 boot_time_seconds()
{
    s64 boot = ktime_get_real_ns() - static_cast<s64>(ktime_get_ns());
    return boot > 0 ? static_cast<u64>(boot) / 1000000000ULL : 0;
}

u64 idle_time_ns()
{
    u64 idle = 0;
    for_each_online_cpu(cpu)
        idle += per_cpu(cpu).cpustat_idle_ns;
    return idle;
}

void task_times(task_struct* t, bool thread, u64& utime_ns, u64& stime_ns)
{
    utime_ns = stime_ns = 0;
    auto add = [&](task_struct* x) {
        utime_ns += x->utime_ns;
        stime_ns += x->stime_ns;
        if (x == current) {
            /* The slice running now is accounted only at the next switch. */
            u64 ran = ktime_get_ns() - x->last_switch;
            stime_ns += ran / 4;
            utime_ns += ran - ran / 4;
        }
    };
    if (thread || !t->signal || t->signal->thread_head.empty()) {
        add(t);
        return;
    }
    list_for_each(pos, &t->signal->thread_head)
        add(list_entry(pos, task_struct, thread_node));
}

char task_state_char(task_struct* t)
{
    if (t->exit_state == EXIT_ZOMBIE)
        return 'Z';
    if (t->exit_state == EXIT_DEAD)
        return 'X';
    long s = READ_ONCE(t->state);
    if (s == TASK_RUNNING)
        return 'R';
    if (s & TASK_STOPPED)
        return 'T';
    if (s & TASK_TRACED)
        return 't';
    if (s & TASK_UNINTERRUPTIBLE)
        return 'D';
    return 'S';
}

namespace {

/*
 * The absolute name of p as the current process sees it, built backwards
 * into buf (Linux's d_path, stopping at the caller's root). Sets anon if p
 * is not connected to any mount's root: a pipe's dentry is its own parent.
 */
Result<char*> build_path(path p, char* buf, size_t size, bool& anon)
{
    anon = false;
    char* at = buf + size;
    *--at = 0;
    if (!p.mnt || !p.dentry) {
        anon = true;
        return at;
    }
    path root{nullptr, nullptr};
    if (current->fs)
        root = current->fs->root;
    bool any = false;
    for (int steps = 0; steps < 4096; steps++) {
        if (p.dentry == root.dentry && p.mnt == root.mnt)
            break;
        if (p.dentry == p.mnt->mnt_root) {
            if (p.mnt->mnt_parent == p.mnt || !p.mnt->mnt_parent)
                break;
            p = path{p.mnt->mnt_parent, p.mnt->mnt_mountpoint};
            continue;
        }
        if (p.dentry->d_parent == p.dentry) {
            anon = true;
            return at;
        }
        size_t len = strlen(p.dentry->d_name);
        if (static_cast<size_t>(at - buf) < len + 2)
            return Errno::ENAMETOOLONG;
        at -= len;
        memcpy(at, p.dentry->d_name, len);
        *--at = '/';
        any = true;
        p.dentry = p.dentry->d_parent;
    }
    if (!any)
        *--at = '/';
    return at;
}

size_t put_link(char* buf, size_t size, const char* s, size_t len)
{
    size_t n = min(len, size);
    memcpy(buf, s, n);
    return n;
}

} // namespace

Result<size_t> path_name(const path& p, char* buf, size_t size)
{
    auto* tmp = static_cast<char*>(kmalloc(PATH_MAX));
    if (!tmp)
        return Errno::ENOMEM;
    bool anon;
    auto r = build_path(p, tmp, PATH_MAX, anon);
    Result<size_t> out = Errno::ENOENT;
    if (!r.ok())
        out = r.error();
    else if (!anon)
        out = put_link(buf, size, r.value(), strlen(r.value()));
    kfree(tmp);
    return out;
}

static bool file_unlinked(file* f)
{
    dentry* d = f->f_path.dentry;
    /* d_delete takes the name out of its parent; a dentry that is its own
     * parent is a file system root or an anonymous file, never "deleted". */
    return d && d->d_parent != d && (!d->d_inode || d->d_unlinked);
}

Result<size_t> file_link_name(file* f, char* buf, size_t size)
{
    auto* tmp = static_cast<char*>(kmalloc(PATH_MAX));
    if (!tmp)
        return Errno::ENOMEM;
    bool anon;
    auto r = build_path(f->f_path, tmp, PATH_MAX - 16, anon);
    Result<size_t> out = Errno::ENAMETOOLONG;
    dentry* d = f->f_path.dentry;
    bool deleted = !anon && file_unlinked(f);
    /* A pipe reopened through /proc/<pid>/fd/N has a procfs name but is
     * still the pipe: say so, as Linux does. */
    if (!deleted && d && d->d_inode && d->d_sb && d->d_inode->i_sb != d->d_sb)
        anon = true;
    if (r.ok()) {
        if (anon) {
            /* No name in any tree: Linux's "pipe:[ino]", "socket:[ino]", "anon_inode:[...]". */
            inode* i = d && d->d_inode ? d->d_inode : f->f_inode;
            const char* name = d ? d->d_name : "";
            size_t nl = strlen(name);
            int n;
            if (i && S_ISSOCK(i->i_mode))
                n = snprintf(tmp, PATH_MAX, "socket:[%lu]", i->i_ino);
            else if (i && (S_ISFIFO(i->i_mode) || (nl && name[nl - 1] == ':')))
                n = snprintf(tmp, PATH_MAX, "%s[%lu]", S_ISFIFO(i->i_mode) ? "pipe:" : name, i->i_ino);
            else
                n = snprintf(tmp, PATH_MAX, "%s", nl ? name : "anon_inode:[unknown]");
            out = put_link(buf, size, tmp, min<size_t>(n, PATH_MAX - 1));
        } else {
            char* s = r.value();
            size_t len = strlen(s);
            if (deleted) {
                memcpy(s + len, " (deleted)", 11);
                len += 10;
            }
            out = put_link(buf, size, s, len);
        }
    }
    kfree(tmp);
    return out;
}

/* ---- mounts ---- */

namespace {

void put_mangled(seqbuf& m, const char* s)
{
    for (; *s; s++) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
            m.printf("\\%03o", static_cast<unsigned>(static_cast<unsigned char>(*s)));
        else
            m.putc(*s);
    }
}

int mount_index(vfsmount* want)
{
    int n = 0;
    list_for_each(pos, &mount_list) {
        n++;
        if (list_entry(pos, vfsmount, mnt_list) == want)
            return n;
    }
    return 0;
}

} // namespace

Result<void> show_mounts(seqbuf& m, task_struct* t, bool mountinfo)
{
    (void)t; /* one mount namespace: every process sees the same list */
    auto* name = static_cast<char*>(kmalloc(PATH_MAX));
    if (!name)
        return Errno::ENOMEM;
    list_for_each(pos, &mount_list) {
        vfsmount* mnt = list_entry(pos, vfsmount, mnt_list);
        bool is_root = mnt->mnt_parent == mnt || !mnt->mnt_parent;
        path where = is_root ? path{mnt, mnt->mnt_root} : path{mnt->mnt_parent, mnt->mnt_mountpoint};
        auto len = path_name(where, name, PATH_MAX - 1);
        if (!len.ok())
            continue; /* outside the reader's root */
        name[len.value()] = 0;
        const char* type = mnt == root_mnt ? "rootfs" : mnt->mnt_sb->s_type;
        const char* opts = __mnt_is_readonly(mnt) ? "ro" : "rw";
        char sb_opts[64]; /* the file system's own options, after the mount's */
        shmem_show_options(mnt->mnt_sb, sb_opts, sizeof(sb_opts));
        const char* devname = mnt->mnt_devname[0] ? mnt->mnt_devname : "none";
        if (mountinfo) {
            int id = mount_index(mnt);
            int parent = is_root ? id : mount_index(mnt->mnt_parent);
            m.printf("%d %d %u:%u / ", id, parent, MAJOR(mnt->mnt_sb->s_dev), MINOR(mnt->mnt_sb->s_dev));
            put_mangled(m, name);
            m.printf(" %s%s - %s ", opts, mnt == root_mnt ? "" : ",relatime", type);
            put_mangled(m, devname);
            m.printf(" %s%s\n", opts, sb_opts);
        } else {
            put_mangled(m, devname);
            m.putc(' ');
            put_mangled(m, name);
            m.printf(" %s %s%s%s 0 0\n", type, opts, mnt == root_mnt ? "" : ",relatime", sb_opts);
        }
    }
    kfree(name);
    return {};
}

namespace {

/* ---- inodes ---- */

extern const inode_operations proc_dir_iops;
extern const inode_operations proc_link_iops;
extern const file_operations proc_dir_fops;
extern const file_operations proc_file_fops;

unsigned next_proc_dev;

inode* make_inode(super_block* sb, const ino_info& info, umode_t mode, task_struct* owner)
{
    inode* i = new_inode(sb, mode);
    if (!i)
        return nullptr;
    i->i_ino = info.kind == K_PID_DIR && owner ? pid_dir_ino(info, owner->start_time) : make_ino(info);
    i->i_private = encode_info(info);
    i->i_uid = 0;
    i->i_gid = 0;
    if (owner && owner->cred) {
        i->i_uid = owner->cred->euid;
        i->i_gid = owner->cred->egid;
    }
    i->i_task_start = owner ? owner->start_time : 0; /* so a reused pid is not this process */
    i->i_size = 0;
    switch (mode & S_IFMT) {
    case S_IFDIR:
        i->i_op = &proc_dir_iops;
        i->i_fop = &proc_dir_fops;
        break;
    case S_IFLNK:
        i->i_op = &proc_link_iops;
        break;
    default:
        i->i_fop = &proc_file_fops;
        break;
    }
    return i;
}

int count_processes()
{
    int n = 0;
    list_for_each(pos, &task_list) {
        task_struct* t = list_entry(pos, task_struct, tasks);
        if (t->pid > 0 && thread_group_leader(t) && t->exit_state != EXIT_DEAD)
            n++;
    }
    return n;
}

int count_static_subdirs(int parent)
{
    int n = 0;
    for (int k = 0; k < nr_static_entries; k++)
        if (static_entries[k].parent == parent && S_ISDIR(static_entries[k].mode))
            n++;
    return n;
}

bool in_thread_group(task_struct* t, pid_t tgid) { return t->tgid == tgid && t->exit_state != EXIT_DEAD; }

/* The smallest process id >= from (thread group leaders), or -1. */
pid_t next_process(pid_t from)
{
    pid_t best = -1;
    list_for_each(pos, &task_list) {
        task_struct* t = list_entry(pos, task_struct, tasks);
        if (t->pid <= 0 || !thread_group_leader(t) || t->exit_state == EXIT_DEAD || t->pid < from)
            continue;
        if (best < 0 || t->pid < best)
            best = t->pid;
    }
    return best;
}

/* The smallest thread id >= from in thread group tgid, or -1. */
pid_t next_thread(pid_t tgid, pid_t from)
{
    pid_t best = -1;
    list_for_each(pos, &task_list) {
        task_struct* t = list_entry(pos, task_struct, tasks);
        if (!in_thread_group(t, tgid) || t->pid < from)
            continue;
        if (best < 0 || t->pid < best)
            best = t->pid;
    }
    return best;
}

int count_threads(pid_t tgid)
{
    int n = 0;
    list_for_each(pos, &task_list)
        if (in_thread_group(list_entry(pos, task_struct, tasks), tgid))
            n++;
    return n;
}

/* The pid directory's task, if the entry is visible in that view. */
Result<inode*> lookup_pid_dir(super_block* sb, pid_t pid, bool thread)
{
    task_struct* t = get_proc_task(pid);
    if (!t)
        return Errno::ENOENT;
    inode* i = make_inode(sb, ino_info{K_PID_DIR, thread, pid, 0}, S_IFDIR | 0555, t);
    if (!i)
        return Errno::ENOMEM;
    int subdirs = 0;
    for (int k = 0; k < nr_pid_entries; k++)
        if (S_ISDIR(pid_entries[k].mode) && !(thread && (pid_entries[k].flags & PE_PROCESS_ONLY)))
            subdirs++;
    i->i_nlink = 2 + subdirs;
    return i;
}

/* A name in fd/ that isn't a number: the target of an fd/N link to a file
 * without a path ("pipe:[ino]"), as namei follows it. Opening such a link
 * reaches the pipe itself, as Linux's magic links do. */
Result<inode*> lookup_fd_target(task_struct* t, const char* name)
{
    files_struct* files = t->files;
    if (!files || !may_access(t))
        return Errno::ENOENT;
    char link[64];
    for (int fd = 0; fd < files->max_fds; fd++) {
        file* f = files->get(fd);
        inode* i = f && f->f_path.dentry ? f->f_path.dentry->d_inode : nullptr;
        if (!i || !S_ISFIFO(i->i_mode))
            continue;
        auto n = file_link_name(f, link, sizeof(link) - 1);
        if (!n.ok())
            continue;
        link[n.value()] = 0;
        if (!strcmp(link, name)) {
            ihold(i);
            return i;
        }
    }
    return Errno::ENOENT;
}

Result<inode*> proc_lookup(inode* dir, const char* name, dentry* parent)
{
    (void)parent;
    ino_info info = decode_info(dir);
    super_block* sb = dir->i_sb;
    unsigned long n;

    if (info.kind == K_ROOT || (info.kind >= K_STATIC && info.kind < K_PID_DIR)) {
        int parent_index = info.kind == K_ROOT ? -1 : info.kind - K_STATIC;
        if (info.kind == K_ROOT)
            dir->i_nlink = 2 + count_static_subdirs(-1) + count_processes();
        for (int k = 0; k < nr_static_entries; k++) {
            const static_entry& e = static_entries[k];
            if (e.parent != parent_index || strcmp(e.name, name))
                continue;
            inode* i = make_inode(sb, ino_info{static_cast<u16>(K_STATIC + k), false, 0, 0}, e.mode, nullptr);
            if (!i)
                return Errno::ENOMEM;
            if (S_ISDIR(e.mode))
                i->i_nlink = 2 + count_static_subdirs(k);
            return i;
        }
        if (info.kind == K_ROOT && parse_uint(name, n))
            return lookup_pid_dir(sb, static_cast<pid_t>(n), false);
        return Errno::ENOENT;
    }

    task_struct* t = get_proc_task(info.pid);
    if (!t)
        return Errno::ENOENT;

    if (info.kind == K_PID_DIR) {
        int k = pid_entry_index(name);
        if (k < 0 || (info.thread && (pid_entries[k].flags & PE_PROCESS_ONLY)))
            return Errno::ENOENT;
        const pid_entry& e = pid_entries[k];
        inode* i = make_inode(sb, ino_info{static_cast<u16>(K_PID_ENTRY + k), info.thread, info.pid, 0}, e.mode, t);
        if (!i)
            return Errno::ENOMEM;
        if (S_ISDIR(e.mode))
            i->i_nlink = !strcmp(e.name, "task") ? 2 + count_threads(t->tgid) : 2;
        return i;
    }

    if (info.kind >= K_PID_ENTRY && info.kind < K_FD_LINK) {
        const char* what = pid_entries[info.kind - K_PID_ENTRY].name;
        if (!strcmp(what, "task")) {
            if (!parse_uint(name, n))
                return Errno::ENOENT;
            task_struct* th = get_proc_task(static_cast<pid_t>(n));
            if (!th || th->tgid != t->tgid)
                return Errno::ENOENT;
            return lookup_pid_dir(sb, th->pid, true);
        }
        bool fd = !strcmp(what, "fd");
        if (fd || !strcmp(what, "fdinfo")) {
            if (!parse_uint(name, n))
                return fd ? lookup_fd_target(t, name) : Result<inode*>(Errno::ENOENT);
            if (!may_access(t))
                return Errno::EACCES;
            if (!t->files || !t->files->get(static_cast<int>(n)))
                return Errno::ENOENT;
            ino_info fi{fd ? K_FD_LINK : K_FDINFO, info.thread, info.pid, static_cast<int>(n)};
            inode* i = make_inode(sb, fi, fd ? (S_IFLNK | 0500) : (S_IFREG | 0444), t);
            if (!i)
                return Errno::ENOMEM;
            if (fd) {
                /* Linux: the link's mode says how the file is open. */
                file* f = t->files->get(static_cast<int>(n));
                i->i_mode = S_IFLNK | ((f->f_mode & FMODE_READ) ? 0500 : 0100) |
                            ((f->f_mode & FMODE_WRITE) ? 0200 : 0);
                i->i_size = 64; /* what Linux's stat says of these links */
            }
            return i;
        }
    }
    return Errno::ENOENT;
}

/* ---- reading directories ---- */

/* Directory positions: 0 ".", 1 "..", then 2 + k for the k-th fixed entry;
 * numbered entries (pids, fds, tids) sit at base + number, so a position
 * stays right while processes come and go between two getdents calls. The
 * position passed with an entry is where the next read resumes. */
bool emit_dots(file* f, dir_context& ctx)
{
    dentry* d = f->f_path.dentry;
    if (ctx.pos == 0) {
        if (!ctx.actor(&ctx, ".", 1, 1, d->d_inode->i_ino, DT_DIR))
            return false;
        ctx.pos = 1;
    }
    if (ctx.pos == 1) {
        dentry* parent = d->d_parent;
        u64 ino = parent && parent->d_inode ? parent->d_inode->i_ino : d->d_inode->i_ino;
        if (!ctx.actor(&ctx, "..", 2, 2, ino, DT_DIR))
            return false;
        ctx.pos = 2;
    }
    return true;
}

template <typename NextFn, typename EmitFn>
void emit_numbered(dir_context& ctx, loff_t base, NextFn next, EmitFn emit)
{
    for (;;) {
        long from = ctx.pos - base;
        if (from < 0)
            from = 0;
        long nr = next(from);
        if (nr < 0)
            return;
        if (!emit(nr, base + nr + 1))
            return;
        ctx.pos = base + nr + 1;
    }
}

bool emit_number(dir_context& ctx, long nr, loff_t next_pos, u64 ino, unsigned type)
{
    char name[24];
    int len = snprintf(name, sizeof(name), "%ld", nr);
    return ctx.actor(&ctx, name, len, next_pos, ino, type);
}

Result<void> proc_iterate(file* f, dir_context& ctx)
{
    inode* dir = f->f_inode;
    ino_info info = decode_info(dir);
    if (!emit_dots(f, ctx))
        return {};

    if (info.kind == K_ROOT || (info.kind >= K_STATIC && info.kind < K_PID_DIR)) {
        int parent_index = info.kind == K_ROOT ? -1 : info.kind - K_STATIC;
        int k = 0;
        for (int e = 0; e < nr_static_entries; e++) {
            const static_entry& se = static_entries[e];
            if (se.parent != parent_index)
                continue;
            loff_t here = 2 + k++;
            if (ctx.pos > here)
                continue;
            ino_info ei{static_cast<u16>(K_STATIC + e), false, 0, 0};
            if (!ctx.actor(&ctx, se.name, static_cast<int>(strlen(se.name)), here + 1, make_ino(ei), dt_type(se.mode)))
                return {};
            ctx.pos = here + 1;
        }
        if (info.kind != K_ROOT)
            return {};
        dir->i_nlink = 2 + count_static_subdirs(-1) + count_processes();
        loff_t base = 2 + k;
        emit_numbered(
            ctx, base, [](long from) { return static_cast<long>(next_process(static_cast<pid_t>(from))); },
            [&](long pid, loff_t next_pos) {
                ino_info pi{K_PID_DIR, false, static_cast<pid_t>(pid), 0};
                task_struct* p = find_task_by_pid(static_cast<pid_t>(pid));
                return emit_number(ctx, pid, next_pos, p ? pid_dir_ino(pi, p->start_time) : make_ino(pi), DT_DIR);
            });
        return {};
    }

    task_struct* t = get_proc_task(info.pid);
    if (!t)
        return {}; /* gone: an empty directory, as on Linux */

    if (info.kind == K_PID_DIR) {
        int k = 0;
        for (int e = 0; e < nr_pid_entries; e++) {
            const pid_entry& pe = pid_entries[e];
            if (info.thread && (pe.flags & PE_PROCESS_ONLY))
                continue;
            loff_t here = 2 + k++;
            if (ctx.pos > here)
                continue;
            ino_info ei{static_cast<u16>(K_PID_ENTRY + e), info.thread, info.pid, 0};
            if (!ctx.actor(&ctx, pe.name, static_cast<int>(strlen(pe.name)), here + 1, make_ino(ei), dt_type(pe.mode)))
                return {};
            ctx.pos = here + 1;
        }
        return {};
    }

    if (info.kind >= K_PID_ENTRY && info.kind < K_FD_LINK) {
        const char* what = pid_entries[info.kind - K_PID_ENTRY].name;
        pid_t pid = info.pid;
        if (!strcmp(what, "task")) {
            pid_t tgid = t->tgid;
            emit_numbered(
                ctx, 2, [tgid](long from) { return static_cast<long>(next_thread(tgid, static_cast<pid_t>(from))); },
                [&](long tid, loff_t next_pos) {
                    ino_info ti{K_PID_DIR, true, static_cast<pid_t>(tid), 0};
                    task_struct* p = find_task_by_pid(static_cast<pid_t>(tid));
                    return emit_number(ctx, tid, next_pos, p ? pid_dir_ino(ti, p->start_time) : make_ino(ti), DT_DIR);
                });
            return {};
        }
        bool fd = !strcmp(what, "fd");
        if (fd || !strcmp(what, "fdinfo")) {
            if (!may_access(t))
                return Errno::EACCES;
            bool thread = info.thread;
            /* Look the task up again each time: copying out may sleep. */
            auto next_fd = [pid](long from) -> long {
                task_struct* x = get_proc_task(pid);
                if (!x || !x->files)
                    return -1;
                for (long n = from; n < x->files->max_fds; n++)
                    if (x->files->get(static_cast<int>(n)))
                        return n;
                return -1;
            };
            emit_numbered(ctx, 2, next_fd, [&](long n, loff_t next_pos) {
                ino_info fi{fd ? K_FD_LINK : K_FDINFO, thread, pid, static_cast<int>(n)};
                return emit_number(ctx, n, next_pos, make_ino(fi), fd ? DT_LNK : DT_REG);
            });
            return {};
        }
    }
    return {};
}

/* ---- symlinks ---- */

Result<size_t> proc_readlink(dentry* d, char* buf, size_t size)
{
    ino_info info = decode_info(d->d_inode);
    if (info.kind >= K_STATIC && info.kind < K_PID_DIR) {
        const static_entry& e = static_entries[info.kind - K_STATIC];
        if (!e.readlink)
            return Errno::EINVAL;
        return e.readlink(buf, size);
    }
    task_struct* t = get_proc_task(info.pid);
    if (!t)
        return Errno::ENOENT;
    if (info.kind == K_FD_LINK) {
        if (!may_access(t))
            return Errno::EACCES;
        file* f = t->files ? t->files->get(info.fd) : nullptr;
        if (!f)
            return Errno::ENOENT;
        return file_link_name(f, buf, size);
    }
    if (info.kind >= K_PID_ENTRY && info.kind < K_FD_LINK) {
        const pid_entry& e = pid_entries[info.kind - K_PID_ENTRY];
        if (!e.readlink)
            return Errno::EINVAL;
        if ((e.flags & PE_PTRACE) && !may_access(t))
            return Errno::EACCES;
        return e.readlink(t, buf, size);
    }
    return Errno::EINVAL;
}

/* fd/N of an unlinked file: the file itself, as Linux's magic links are
 * (its name "... (deleted)" leads nowhere). */
Result<path> proc_get_link(dentry* d)
{
    ino_info info = decode_info(d->d_inode);
    if (info.kind != K_FD_LINK)
        return path{nullptr, nullptr};
    task_struct* t = get_proc_task(info.pid);
    if (!t)
        return Errno::ENOENT;
    if (!may_access(t))
        return Errno::EACCES;
    file* f = t->files ? t->files->get(info.fd) : nullptr;
    if (!f)
        return Errno::ENOENT;
    /* A socket's name (socket:[INO]) is in no directory: the link is the file itself. */
    if (!f->f_path.dentry || (!file_unlinked(f) && !S_ISSOCK(f->f_inode->i_mode)))
        return path{nullptr, nullptr};
    path_get(f->f_path);
    return f->f_path;
}

/* ---- files: a snapshot made at open ---- */

struct proc_file {
    char* data;
    size_t len;
};

Result<void> generate(const ino_info& info, seqbuf& m)
{
    if (info.kind >= K_STATIC && info.kind < K_PID_DIR) {
        const static_entry& e = static_entries[info.kind - K_STATIC];
        return e.show ? e.show(m) : Result<void>{};
    }
    task_struct* t = get_proc_task(info.pid);
    if (!t)
        return Errno::ESRCH;
    if (info.kind == K_FDINFO) {
        if (!may_access(t))
            return Errno::EACCES;
        file* f = t->files ? t->files->get(info.fd) : nullptr;
        if (!f)
            return Errno::ENOENT;
        int mnt_id = f->f_path.mnt ? mount_index(f->f_path.mnt) : 0;
        unsigned flags = f->f_flags;
        if (t->files && info.fd < t->files->max_fds &&
            (t->files->close_on_exec[info.fd / 64] >> (info.fd % 64)) & 1)
            flags |= O_CLOEXEC;
        /* The dentry's inode: an unlinked file's f_inode may be gone (see file_unlinked). */
        inode* fi = f->f_path.dentry && f->f_path.dentry->d_inode ? f->f_path.dentry->d_inode
                    : file_unlinked(f)                            ? nullptr
                                                                  : f->f_inode;
        m.printf("pos:\t%lld\nflags:\t0%o\nmnt_id:\t%d\nino:\t%lu\n", static_cast<long long>(f->f_pos), flags, mnt_id,
                 fi ? fi->i_ino : 0UL);
        if (f->f_op && f->f_op->show_fdinfo)
            f->f_op->show_fdinfo(m, f);
        return {};
    }
    if (info.kind >= K_PID_ENTRY && info.kind < K_FD_LINK) {
        const pid_entry& e = pid_entries[info.kind - K_PID_ENTRY];
        if ((e.flags & PE_PTRACE) && !may_access(t))
            return Errno::EACCES;
        return e.show ? e.show(m, t, info.thread) : Result<void>{};
    }
    return {};
}

Result<void> proc_open(inode* i, file* f)
{
    ino_info info = decode_info(i);
    seqbuf m;
    if (f->f_mode & FMODE_READ) {
        auto r = generate(info, m);
        if (!r.ok() || m.oom) {
            m.release();
            return r.ok() ? Errno::ENOMEM : r.error();
        }
    } else if (info.kind >= K_PID_ENTRY && info.kind < K_FD_LINK) {
        task_struct* t = get_proc_task(info.pid);
        if (!t)
            return Errno::ESRCH;
    }
    auto* pf = static_cast<proc_file*>(kzalloc(sizeof(proc_file)));
    if (!pf) {
        m.release();
        return Errno::ENOMEM;
    }
    pf->data = m.buf;
    pf->len = m.len;
    f->private_data = pf;
    return {};
}

void proc_release(inode*, file* f)
{
    auto* pf = static_cast<proc_file*>(f->private_data);
    if (pf) {
        kfree(pf->data);
        kfree(pf);
    }
    f->private_data = nullptr;
}

Result<size_t> proc_read(file* f, iter_dest& to, loff_t* pos)
{
    auto* pf = static_cast<proc_file*>(f->private_data);
    if (!pf || *pos < 0 || static_cast<size_t>(*pos) >= pf->len)
        return 0;
    size_t n = min<size_t>(pf->len - *pos, to.count());
    size_t copied = to.copy_to_iter(pf->data + *pos, n);
    if (!copied && n)
        return Errno::EFAULT;
    *pos += copied;
    return copied;
}

Result<size_t> proc_write(file* f, iter_source& from, loff_t* pos)
{
    ino_info info = decode_info(f->f_inode);
    const static_entry* se = nullptr;
    const pid_entry* pe = nullptr;
    if (info.kind >= K_STATIC && info.kind < K_PID_DIR)
        se = &static_entries[info.kind - K_STATIC];
    else if (info.kind >= K_PID_ENTRY && info.kind < K_FD_LINK)
        pe = &pid_entries[info.kind - K_PID_ENTRY];
    if (se && !se->write)
        return Errno::EIO; /* Linux's proc_reg_write without a write method */
    if (!se && !(pe && pe->write))
        return Errno::EINVAL; /* a seq_file without .write */
    size_t total = from.count();
    size_t n = min<size_t>(total, PAGE_SIZE - 1);
    auto* kbuf = static_cast<char*>(kmalloc(PAGE_SIZE));
    if (!kbuf)
        return Errno::ENOMEM;
    size_t got = from.copy_from_iter(kbuf, n);
    Result<size_t> r = Errno::EFAULT;
    if (got || !n) {
        kbuf[got] = 0;
        if (se) {
            r = se->write(kbuf, got);
        } else if (task_struct* t = get_proc_task(info.pid)) {
            r = pe->write(t, kbuf, got);
        } else {
            r = Errno::ESRCH;
        }
    }
    kfree(kbuf);
    if (r.ok())
        *pos += r.value();
    return r;
}

/* Linux's seq_lseek: SEEK_SET and SEEK_CUR only. */
Result<loff_t> proc_llseek(file* f, loff_t offset, int whence)
{
    loff_t base;
    if (whence == SEEK_SET)
        base = 0;
    else if (whence == SEEK_CUR)
        base = f->f_pos;
    else
        return Errno::EINVAL;
    loff_t pos;
    if (__builtin_add_overflow(base, offset, &pos) || pos < 0)
        return Errno::EINVAL;
    f->f_pos = pos;
    return pos;
}

/* A /proc/<pid> directory is right while its process is: not once it is
 * reaped, nor for a new process with the pid (Linux's pid_revalidate). */
bool proc_revalidate(dentry* d)
{
    const inode* i = d->d_inode;
    ino_info info = decode_info(i);
    if (info.kind != K_PID_DIR)
        return true;
    const task_struct* t = find_task_by_pid(info.pid);
    return t && t->start_time == i->i_task_start && t->exit_state != EXIT_DEAD;
}

const inode_operations proc_dir_iops = {
    .lookup = proc_lookup,
    .create = nullptr,
    .unlink = nullptr,
    .readlink = nullptr,
    .setsize = nullptr,
    .get_link = nullptr,
    .revalidate = proc_revalidate,
};

const inode_operations proc_link_iops = {
    .lookup = nullptr,
    .create = nullptr,
    .unlink = nullptr,
    .readlink = proc_readlink,
    .setsize = nullptr,
    .get_link = proc_get_link,
};

const file_operations proc_dir_fops = {
    .read_iter = nullptr,
    .write_iter = nullptr,
    .llseek = generic_file_llseek,
    .ioctl = nullptr,
    .poll = nullptr,
    .iterate = proc_iterate,
    .open = nullptr,
    .release = nullptr,
};

const file_operations proc_file_fops = {
    .read_iter = proc_read,
    .write_iter = proc_write,
    .llseek = proc_llseek,
    .ioctl = nullptr,
    .poll = nullptr,
    .iterate = nullptr,
    .open = proc_open,
    .release = proc_release,
};

constexpr unsigned long PROC_SUPER_MAGIC = 0x9fa0;

} // namespace

} // namespace procfs

using namespace procfs;

super_block* proc_get_sb()
{
    auto* sb = static_cast<super_block*>(kzalloc(sizeof(super_block)));
    if (!sb)
        return nullptr;
    /* An anonymous device of its own, away from the ones ramfs hands out from 1 up. */
    sb->s_dev = MKDEV(0, 0xf0 + (next_proc_dev++ % 16));
    sb->s_type = "proc";
    sb->s_magic = PROC_SUPER_MAGIC;
    inode* root = make_inode(sb, ino_info{K_ROOT, false, 0, 0}, S_IFDIR | 0555, nullptr);
    dentry* d = d_alloc(nullptr, "/", 1);
    if (!root || !d) {
        iput(root);
        if (d)
            dput(d);
        kfree(sb);
        return nullptr;
    }
    root->i_nlink = 2 + count_static_subdirs(-1) + count_processes();
    d->d_sb = sb;
    d_instantiate(d, root);
    sb->s_root = d;
    return sb;
}

/* The process a /proc/<pid> directory stands for (a pidfd's other form,
 * Linux's tgid_pidfd_to_pid) and its start time, or 0 for any other file. */
pid_t proc_pid_dir_pid(const file* f, u64* start_time)
{
    const inode* i = f->f_inode;
    if (!i || !i->i_sb || i->i_sb->s_magic != PROC_SUPER_MAGIC || i->i_op != &procfs::proc_dir_iops)
        return 0;
    procfs::ino_info info = procfs::decode_info(i);
    if (info.kind != procfs::K_PID_DIR || info.thread)
        return 0;
    *start_time = i->i_task_start;
    return info.pid;
}
