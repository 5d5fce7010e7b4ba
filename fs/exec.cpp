/*
 * execve: replace the calling process's program. The new address space is
 * built completely while the old one still runs (strings, segments, stack), so
 * every error before begin_new_exec() returns to the caller as on Linux;
 * after it there is nothing left that can fail.
 */
#include <linux/key.h>
#include "../lib/elf.h"
#include <asm/ia32.h>
#include <asm/pgtable.h>
#include <linux/binfmts.h>
#include <linux/cred.h>
#include <linux/elf-randomize.h>
#include <linux/gfp.h>
#include <linux/personality.h>
#include <linux/printk.h>
#include <linux/ptrace.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscall_args.h>
#include <linux/syscalls.h>
#include <linux/trace.h>

namespace {

/* A kernel pointer to the byte at addr in mm, faulting the page in. */
Result<u8*> new_mm_byte(mm_struct* mm, unsigned long addr, bool write)
{
    auto fault = handle_mm_fault(mm, addr, write, false);
    if (fault == FaultResult::OutOfMemory)
        return Errno::ENOMEM;
    if (fault != FaultResult::Handled)
        return Errno::EFAULT;
    pteval_t* pte = lookup_pte(mm->pgd, addr);
    return static_cast<u8*>(__va(pte_phys(*pte))) + (addr & ~PAGE_MASK);
}

} // namespace

Result<size_t> new_mm_strlen(mm_struct* mm, unsigned long addr)
{
    size_t len = 0;
    for (;;) {
        u8* b = TRY(new_mm_byte(mm, addr + len, false));
        size_t in_page = PAGE_SIZE - ((addr + len) & ~PAGE_MASK);
        for (size_t i = 0; i < in_page; i++, len++)
            if (!b[i])
                return len;
    }
}

namespace {

/* What an exec of the program in i takes from the personality (Linux's
 * bprm->per_clear): the unsafe flags, for a set-user-ID program or a
 * set-group-ID one, unless no_new_privs keeps the ids. */
unsigned int exec_per_clear(const inode* i)
{
    if (current->no_new_privs)
        return 0;
    if ((i->i_mode & S_ISUID) || (i->i_mode & (S_ISGID | 00010)) == (S_ISGID | 00010))
        return PER_CLEAR_ON_SETID;
    return 0;
}

/* Element i of a user array of string pointers: 8-byte ones, or 4-byte
 * ones from an i386 execve (Linux's get_user_arg_ptr). */
Result<user_in_ptr<const char>> get_user_arg_ptr(user_in_ptr<const void> array, int i, bool compat)
{
    if (compat)
        return user_in_ptr<const char>(TRY(get_user(array.cast<const u32>() + i)));
    return user_in_ptr<const char>(TRY(get_user(array.cast<const unsigned long>() + i)));
}

/* Counts a NULL-terminated array of user string pointers. */
Result<int> count_strings(user_in_ptr<const void> array, bool compat)
{
    if (!array)
        return 0;
    for (int i = 0;; i++) {
        if (i >= MAX_ARG_STRINGS)
            return Errno::E2BIG;
        user_in_ptr<const char> p = TRY(get_user_arg_ptr(array, i, compat));
        if (!p)
            return i;
        if (i % 1024 == 1023)
            cond_resched();
    }
}

/* Pushes the user strings array[0..count) so that array[0] ends up lowest. */
Result<void> copy_strings(int count, user_in_ptr<const void> array, linux_binprm& bprm)
{
    char chunk[256];
    for (int i = count - 1; i >= 0; i--) {
        user_in_ptr<const char> src = TRY(get_user_arg_ptr(array, i, bprm.compat_args));
        /* Measure first (the string is pushed top-down), within MAX_ARG_STRLEN. */
        size_t len = 0;
        for (;;) {
            auto n = strncpy_from_user(chunk, src + len, sizeof(chunk));
            if (n.ok()) {
                len += n.value();
                break;
            }
            if (n.error() != Errno::ENAMETOOLONG)
                return n.error();
            len += sizeof(chunk) - 1;
            if (len > MAX_ARG_STRLEN)
                return Errno::E2BIG;
        }
        if (len + 1 > MAX_ARG_STRLEN || bprm.p - (len + 1) < bprm.stack_limit_bottom)
            return Errno::E2BIG;
        bprm.p -= len + 1;
        for (size_t done = 0; done < len;) {
            size_t n = min(len - done, sizeof(chunk));
            TRY(copy_from_user(chunk, src + done, n));
            TRY(copy_to_new_mm(bprm.mm, bprm.p + done, chunk, n));
            done += n;
        }
        TRY(clear_in_new_mm(bprm.mm, bprm.p + len, 1));
    }
    return {};
}

/* The user-visible name of the running program, for ps and prctl. */
void set_comm_from_path(const char* path)
{
    const char* base = path;
    for (const char* p = path; *p; p++)
        if (*p == '/' && p[1])
            base = p + 1;
    set_task_comm(current, base);
}

} // namespace

Result<void> copy_to_new_mm(mm_struct* mm, unsigned long addr, const void* src, size_t len)
{
    auto* from = static_cast<const u8*>(src);
    while (len) {
        size_t n = min<size_t>(len, PAGE_SIZE - (addr & ~PAGE_MASK));
        u8* to = TRY(new_mm_byte(mm, addr, true));
        memcpy(to, from, n);
        addr += n;
        from += n;
        len -= n;
    }
    return {};
}

Result<void> clear_in_new_mm(mm_struct* mm, unsigned long addr, size_t len)
{
    while (len) {
        size_t n = min<size_t>(len, PAGE_SIZE - (addr & ~PAGE_MASK));
        u8* to = TRY(new_mm_byte(mm, addr, true));
        memset(to, 0, n);
        addr += n;
        len -= n;
    }
    return {};
}

Result<void> copy_string_kernel(const char* s, linux_binprm& bprm)
{
    size_t len = strlen(s) + 1;
    if (len > MAX_ARG_STRLEN || bprm.p - len < bprm.stack_limit_bottom)
        return Errno::E2BIG;
    bprm.p -= len;
    return copy_to_new_mm(bprm.mm, bprm.p, s, len);
}

Result<void> remove_arg_zero(linux_binprm& bprm)
{
    if (!bprm.argc)
        return {};
    size_t len = TRY(new_mm_strlen(bprm.mm, bprm.p));
    bprm.p += len + 1;
    bprm.argc--;
    return {};
}

Result<file*> open_exec_file(int dirfd, const char* name, unsigned lookup)
{
    path p = TRY(path_lookupat(dirfd, name, lookup));
    auto opened = dentry_open(p, O_RDONLY | __FMODE_EXEC);
    path_put(p);
    file* f = TRY(opened);
    inode* i = f->f_inode;
    Errno err{};
    if (!S_ISREG(i->i_mode))
        err = Errno::EACCES;
    else if (int e = inode_permission(i, 1 /* MAY_EXEC */))
        err = static_cast<Errno>(-e);
    else if (!(i->i_mode & 0111))
        err = Errno::EACCES; /* even root needs an x bit */
    else if (i->i_writecount > 0)
        err = Errno::ETXTBSY; /* open for writing somewhere */
    if (err != Errno{}) {
        fput(f);
        return err;
    }
    return f;
}

Result<void> open_exec(int dirfd, const char* name, int flags, linux_binprm& bprm)
{
    unsigned lookup = ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) | ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0);
    file* f = TRY(open_exec_file(dirfd, name, lookup));
    if (bprm.file)
        fput(bprm.file);
    bprm.file = f;
    memset(bprm.buf, 0, sizeof(bprm.buf));
    auto n = kernel_read(f, bprm.buf, sizeof(bprm.buf), 0);
    if (!n.ok())
        return n.error();
    strscpy(bprm.interp, name, sizeof(bprm.interp));
    return {};
}

Result<void> exec_binprm(linux_binprm& bprm)
{
    /* Linux follows up to five interpreters (#! scripts) before the program. */
    if (bprm.depth > 5)
        return Errno::ELOOP;
    auto r = load_script(bprm);
    if (r.ok() || r.error() != Errno::ENOEXEC)
        return r;
    return load_elf_binary(bprm);
}

void begin_new_exec(linux_binprm& bprm)
{
    task_struct* t = current;
    /* A process of one thread from here, as on Linux; if another thread is
     * ending the process first, we end with it on the way out. */
    if (!de_thread(t).ok())
        set_tsk_thread_flag(t, TIF_SIGPENDING);
    /* The robust locks of the old program, on its address space (Linux's
     * exec_mm_release); the lists are forgotten. */
    futex_exec_release(t);
    /* The new address space becomes ours; the old one goes. */
    mm_struct* old = t->mm;
    t->mm = bprm.mm;
    bprm.mm = nullptr;
    switch_mm(old, t->mm);
    if (old)
        mmput(old);
    if (t->mm->exe_file) {
        allow_write_access(t->mm->exe_file);
        iput(t->mm->exe_file);
    }
    t->mm->exe_file = bprm.file->f_inode;
    ihold(t->mm->exe_file);
    deny_write_access(t->mm->exe_file); /* checked free in open_exec */
    auto exe_path = d_path(bprm.file->f_path, t->mm->exe_path, sizeof(t->mm->exe_path));
    if (exe_path.ok())
        memmove(t->mm->exe_path, exe_path.value(), strlen(exe_path.value()) + 1);

    /* The credentials computed for the program (dumpable, pdeath_signal with them). */
    exec_commit_creds(bprm.cred, bprm.secureexec, inode_permission(bprm.file->f_inode, 4 /* MAY_READ */) == 0);
    bprm.cred = nullptr;

    /* A set-id program loses the flags that would weaken it; and a 64-bit
     * program never starts with READ_IMPLIES_EXEC (Linux's set_personality_64bit). */
    t->personality &= ~(exec_per_clear(bprm.file->f_inode) | READ_IMPLIES_EXEC);

    do_close_on_exec(t->files);
    exit_itimers(t->signal); /* POSIX timers do not survive an exec */
    flush_signal_handlers(t);
    t->sas_ss_sp = {};
    t->sas_ss_size = 0;
    t->sas_ss_flags = SS_DISABLE;
    t->clear_child_tid = {};
    t->rseq = {}; /* the area belonged to the old program */
    t->rseq_len = 0;
    set_comm_from_path(bprm.filename);
    t->did_exec = true;
    vfork_release(t);
}

namespace {

/* argv and envp: arrays of 8-byte pointers, or of 4-byte ones (compat_args). */
Result<void> do_execveat_common(int fd, const char* filename, user_in_ptr<const void> argv,
                                user_in_ptr<const void> envp, int flags, bool compat_args = false)
{
    if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
        return Errno::EINVAL;
    auto* bprm = static_cast<linux_binprm*>(kzalloc(sizeof(linux_binprm)));
    if (!bprm)
        return Errno::ENOMEM;
    bprm->filename = filename;
    bprm->compat_args = compat_args;
    pid_t old_pid = current->pid; /* a thread's exec takes the leader's pid (de_thread) */
    Result<void> r;
    do {
        /* Relative names are taken from dirfd (AT_FDCWD: the cwd); Linux names
         * the program /dev/fd/N[/name] then (AT_EXECFN, comm). */
        if (fd != AT_FDCWD && filename[0] != '/') {
            snprintf(bprm->fd_name, sizeof(bprm->fd_name), filename[0] ? "/dev/fd/%d/%s" : "/dev/fd/%d", fd, filename);
            bprm->filename = bprm->fd_name;
        }
        if (!(r = open_exec(fd, filename, flags, *bprm)).ok())
            break;
        if (!(bprm->cred = prepare_creds())) {
            r = Errno::ENOMEM;
            break;
        }
        key_exec_cred(bprm->cred); /* no thread or process keyring after exec (Linux's prepare_exec_creds) */
        strscpy(bprm->interp, bprm->filename, sizeof(bprm->interp));
        int argc_or_err;
        auto argc = count_strings(argv, compat_args);
        if (!argc.ok()) {
            r = argc.error();
            break;
        }
        argc_or_err = argc.value();
        auto envc = count_strings(envp, compat_args);
        if (!envc.ok()) {
            r = envc.error();
            break;
        }
        bprm->argc = argc_or_err;
        bprm->envc = envc.value();

        bprm->mm = mm_alloc();
        if (!bprm->mm) {
            r = Errno::ENOMEM;
            break;
        }
        /* The layout is decided once, with the personality the program will
         * have (a set-id program drops ADDR_NO_RANDOMIZE), and the stack is
         * built at its final, randomized place: Linux builds it at the top
         * and moves it there, the same addresses in the end. */
        bprm->per_clear = exec_per_clear(bprm->file->f_inode);
        bprm->randomize = exec_randomizes(current->personality & ~bprm->per_clear);
        bprm->randomize_brk = bprm->randomize && READ_ONCE(randomize_va_space) > 1;
        /* An i386 program's stack is at the top of its 4 GiB (the file's
         * first bytes tell; the loader checks it was right). */
        bprm->ia32 = elf_is_ia32(bprm->buf, sizeof(bprm->buf));
        if (bprm->ia32) {
            bprm->mm->task_size = IA32_PAGE_OFFSET;
            bprm->stack_top = randomize_stack_top_ia32(bprm->randomize);
        } else {
            bprm->stack_top = randomize_stack_top(STACK_TOP, bprm->randomize);
        }
        unsigned long stack_size = rlimit(RLIMIT_STACK);
        if (stack_size > (1UL << 30))
            stack_size = 1UL << 30;
        bprm->mm->stack_limit = bprm->stack_top - max(stack_size, 128UL * 1024);
        /* Strings may use a quarter of the stack, as on Linux (ARG_MAX). */
        bprm->stack_limit_bottom = bprm->stack_top - max(stack_size / 4, 32 * PAGE_SIZE);
        if (!(r = mmap_region(bprm->mm, bprm->stack_top - 32 * PAGE_SIZE, 32 * PAGE_SIZE,
                              VM_READ | VM_WRITE | VM_GROWSDOWN, nullptr, 0))
                 .ok())
            break;
        bprm->p = bprm->stack_top - sizeof(void*);
        if (!(r = copy_string_kernel(filename, *bprm)).ok())
            break;
        bprm->exec = bprm->p;
        if (!(r = copy_strings(bprm->envc, envp, *bprm)).ok())
            break;
        if (!(r = copy_strings(bprm->argc, argv, *bprm)).ok())
            break;
        /* An empty argv gets one empty argument, so argv[0] always exists (Linux 5.18+). */
        if (bprm->argc == 0) {
            if (!(r = copy_string_kernel("", *bprm)).ok())
                break;
            bprm->argc = 1;
        }
        r = exec_binprm(*bprm);
    } while (false);

    if (bprm->mm)
        mmput(bprm->mm);
    if (bprm->file)
        fput(bprm->file);
    if (bprm->cred)
        put_cred(bprm->cred);
    kfree(bprm);
    /* The new program is in place: PTRACE_EVENT_EXEC's stop, or the legacy SIGTRAP. */
    if (r.ok() && unlikely(current->ptrace))
        ptrace_event(PTRACE_EVENT_EXEC, static_cast<unsigned long>(old_pid));
    return r;
}

/* A kernel array of kernel strings, presented as user memory would be: the
 * first program's arguments are copied onto a scratch user stack first. */
Result<unsigned long> push_kernel_strings(mm_struct* mm, unsigned long& top, const char* const* strings)
{
    int n = 0;
    while (strings && strings[n])
        n++;
    unsigned long ptrs[64];
    if (n > 63)
        return Errno::E2BIG;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(strings[i]) + 1;
        top -= len;
        TRY(copy_to_new_mm(mm, top, strings[i], len));
        ptrs[i] = top;
    }
    ptrs[n] = 0;
    top = (top - (n + 1) * sizeof(long)) & ~15UL;
    TRY(copy_to_new_mm(mm, top, ptrs, (n + 1) * sizeof(long)));
    return top;
}

} // namespace

Result<void> kernel_execve(const char* filename, const char* const* argv, const char* const* envp)
{
    /* The kernel's strings go into a temporary user mapping of the current
     * (empty) address space, so one execve path serves both. */
    mm_struct* mm = current->mm;
    constexpr unsigned long SCRATCH = 0x10000000, SCRATCH_SIZE = 64 * PAGE_SIZE;
    TRY(mmap_region(mm, SCRATCH, SCRATCH_SIZE, VM_READ | VM_WRITE, nullptr, 0));
    unsigned long top = SCRATCH + SCRATCH_SIZE;
    unsigned long uargv = TRY(push_kernel_strings(mm, top, argv));
    unsigned long uenvp = TRY(push_kernel_strings(mm, top, envp));
    return do_execveat_common(AT_FDCWD, filename, user_in_ptr<const void>(uargv), user_in_ptr<const void>(uenvp), 0);
}

SYSCALL_DEFINE3(execve, user_in_ptr<const char>, filename, ArgvPtr, argv,
                EnvpPtr, envp)
{
    char* name = TRY(getname(filename));
    auto r = do_execveat_common(AT_FDCWD, name, argv.cast<const void>(), envp.cast<const void>(), 0);
    putname(name);
    return r;
}

SYSCALL_DEFINE5(execveat, DirFd, dfd, user_in_ptr<const char>, filename, ArgvPtr, argv,
                EnvpPtr, envp, AtFlags, flags)
{
    char* name = TRY(getname(filename));
    if (!name[0] && !(flags & AT_EMPTY_PATH)) {
        putname(name);
        return Errno::ENOENT; /* getname refuses "" before the flags are checked, as Linux */
    }
    auto r = do_execveat_common(dfd.value, name, argv.cast<const void>(), envp.cast<const void>(), flags);
    putname(name);
    return r;
}

/* The i386 entry points: argv and envp hold 4-byte pointers. */
COMPAT_SYSCALL_DEFINE3(execve, user_in_ptr<const char>, filename, user_in_ptr<const u32>, argv,
                       user_in_ptr<const u32>, envp)
{
    char* name = TRY(getname(filename));
    auto r = do_execveat_common(AT_FDCWD, name, argv.cast<const void>(), envp.cast<const void>(), 0, true);
    putname(name);
    return r;
}

COMPAT_SYSCALL_DEFINE5(execveat, DirFd, dfd, user_in_ptr<const char>, filename, user_in_ptr<const u32>, argv,
                       user_in_ptr<const u32>, envp, AtFlags, flags)
{
    char* name = TRY(getname(filename));
    if (!name[0] && !(flags & AT_EMPTY_PATH)) {
        putname(name);
        return Errno::ENOENT;
    }
    auto r = do_execveat_common(dfd.value, name, argv.cast<const void>(), envp.cast<const void>(), flags, true);
    putname(name);
    return r;
}
