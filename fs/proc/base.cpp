/*
 * procfs: what /proc/<pid>/ holds (Linux's fs/proc/base.c, array.c and
 * task_mmu.c): stat, status, statm, cmdline, environ, auxv, maps, limits,
 * comm, mounts, and the exe/cwd/root links. The same entries serve
 * /proc/<pid>/task/<tid>/ (thread = true), minus the process-only ones.
 */
#include "internal.h"

#include <asm/pgtable.h>
#include <drivers/acpi.h>
#include <asm/vdso.h>
#include <asm/vsyscall.h>
#include <linux/cred.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/ptrace.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/time.h>
#include <linux/tty.h>
#include <linux/ucount.h>

namespace procfs {

namespace {

/* ---- address-space numbers (task_mmu.c's task_mem and task_statm) ---- */

struct mm_numbers {
    u64 total_vm = 0; /* pages */
    u64 rss_anon = 0, rss_file = 0;
    u64 data_vm = 0, stack_vm = 0, exec_vm = 0;
    u64 pt_pages = 0;
};

mm_numbers mm_counts(mm_struct* mm)
{
    mm_numbers n;
    if (!mm)
        return n;
    unsigned long last_pmd = ~0UL;
    for (vm_area_struct* v = mm->mmap; v; v = v->vm_next) {
        u64 pages = (v->vm_end - v->vm_start) >> PAGE_SHIFT;
        n.total_vm += pages;
        if (v->vm_flags & VM_GROWSDOWN)
            n.stack_vm += pages;
        else if ((v->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE)
            n.data_vm += pages;
        else if ((v->vm_flags & (VM_EXEC | VM_WRITE)) == VM_EXEC)
            n.exec_vm += pages;
        u64 present = 0;
        for_each_present_pte(mm->pgd, v->vm_start, v->vm_end, [&](pteval_t*, unsigned long) { present++; });
        (v->vm_file ? n.rss_file : n.rss_anon) += present;
        /* Page-table pages: one per 2 MiB slot the areas touch. */
        for (unsigned long slot = v->vm_start >> 21; slot <= (v->vm_end - 1) >> 21; slot++) {
            if (slot != last_pmd)
                n.pt_pages++;
            last_pmd = slot;
        }
    }
    if (n.pt_pages)
        n.pt_pages += 3; /* the upper levels */
    return n;
}

u64 text_bytes(mm_struct* mm)
{
    if (!mm || mm->end_code <= mm->start_code)
        return 0;
    return PAGE_ALIGN(mm->end_code) - (mm->start_code & PAGE_MASK);
}

/* ---- identity of a task, as Linux's proc shows it ---- */

pid_t ppid_of(task_struct* t)
{
    task_struct* parent = t->group_leader ? t->group_leader->real_parent : t->real_parent;
    if (!parent)
        parent = t->real_parent;
    return parent ? parent->tgid : 0;
}

int nr_threads_of(task_struct* t)
{
    if (!t->signal)
        return 1;
    return t->signal->live > 0 ? t->signal->live : 1;
}

void collect_sigign_sigcatch(task_struct* t, u64& ign, u64& caught)
{
    ign = caught = 0;
    if (!t->sighand)
        return;
    for (int sig = 1; sig <= _NSIG; sig++) {
        unsigned long h = t->sighand->action[sig - 1].handler;
        if (h == SIG_IGN)
            ign |= sigset_t::bit(sig);
        else if (h != SIG_DFL)
            caught |= sigset_t::bit(sig);
    }
}

/* new_encode_dev of the controlling terminal: the console is ttyS0 (4, 64). */
int tty_nr_of(task_struct* t)
{
    if (!t->signal || !t->signal->tty)
        return 0;
    unsigned major = 4, minor = 64;
    return static_cast<int>((minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12));
}

const char* state_name(char c)
{
    switch (c) {
    case 'R':
        return "R (running)";
    case 'S':
        return "S (sleeping)";
    case 'D':
        return "D (disk sleep)";
    case 'T':
        return "T (stopped)";
    case 't':
        return "t (tracing stop)";
    case 'Z':
        return "Z (zombie)";
    case 'X':
        return "X (dead)";
    default:
        return "S (sleeping)";
    }
}

/* ---- stat ---- */

Result<void> show_stat(seqbuf& m, task_struct* t, bool thread)
{
    mm_struct* mm = t->mm;
    bool permitted = may_access(t);
    char state = task_state_char(t);
    u64 utime, stime;
    task_times(t, thread, utime, stime);
    u64 ign, caught;
    collect_sigign_sigcatch(t, ign, caught);
    signal_struct* sig = t->signal;
    int tty_pgrp = -1;
    if (sig && sig->tty)
        tty_pgrp = sig->tty->pgrp;
    mm_numbers n = mm_counts(mm);
    int threads = nr_threads_of(t);
    unsigned long rsslim = sig ? sig->rlim[RLIMIT_RSS].rlim_cur : RLIM_INFINITY;
    bool wchan = permitted && (thread || threads < 2) && state != 'R';

    m.printf("%d (%s) %c %d %d %d %d %d %lu 0 0 0 0 ", t->pid, t->comm, state, ppid_of(t), sig ? sig->pgrp : -1,
             sig ? sig->session : -1, tty_nr_of(t), tty_pgrp, t->flags);
    m.printf("%lu %lu %lu %lu 20 0 %d 0 %lu ", nsec_to_clock_t(utime), nsec_to_clock_t(stime),
             sig ? nsec_to_clock_t(sig->cutime_ns) : 0UL, sig ? nsec_to_clock_t(sig->cstime_ns) : 0UL, threads,
             nsec_to_clock_t(t->start_time));
    m.printf("%lu %lu %lu ", n.total_vm << PAGE_SHIFT, n.rss_anon + n.rss_file, rsslim);
    m.printf("%lu %lu %lu 0 0 ", mm ? (permitted ? mm->start_code : 1UL) : 0UL,
             mm ? (permitted ? mm->end_code : 1UL) : 0UL, (permitted && mm) ? mm->start_stack : 0UL);
    m.printf("%lu %lu %lu %lu %d 0 0 %d 0 0 0 0 0 0", t->pending.signal.sig & 0x7fffffffUL,
             t->blocked.sig & 0x7fffffffUL, ign & 0x7fffffffUL, caught & 0x7fffffffUL, wchan ? 1 : 0, t->exit_signal);
    if (mm && permitted)
        m.printf(" %lu %lu %lu %lu %lu %lu %lu", mm->start_data, mm->end_data, mm->start_brk, mm->arg_start,
                 mm->arg_end, mm->env_start, mm->env_end);
    else
        m.puts(" 0 0 0 0 0 0 0");
    m.printf(" %d\n", permitted ? t->exit_code : 0);
    return {};
}

/* ---- status ---- */

void put_sigset(seqbuf& m, const char* label, u64 set) { m.printf("%s\t%016lx\n", label, set); }

void put_kb(seqbuf& m, const char* label, u64 kbytes) { m.printf("%s\t%8lu kB\n", label, kbytes); }

Result<void> show_status(seqbuf& m, task_struct* t, bool thread)
{
    (void)thread;
    m.puts("Name:\t");
    for (const char* c = t->comm; *c && c < t->comm + TASK_COMM_LEN; c++) {
        if (*c == '\\')
            m.puts("\\\\");
        else if (*c == '\n')
            m.puts("\\n");
        else
            m.putc(*c);
    }
    m.putc('\n');
    if (t->fs)
        m.printf("Umask:\t0%03o\n", t->fs->umask & 0777);
    m.printf("State:\t%s\n", state_name(task_state_char(t)));
    signal_struct* sig = t->signal;
    m.printf("Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t%d\n", t->tgid, t->pid, ppid_of(t),
             tracer_pid(t));
    const cred* c = t->cred;
    if (c) {
        m.printf("Uid:\t%u\t%u\t%u\t%u\n", c->uid, c->euid, c->suid, c->fsuid);
        m.printf("Gid:\t%u\t%u\t%u\t%u\n", c->gid, c->egid, c->sgid, c->fsgid);
    }
    m.printf("FDSize:\t%d\n", t->files ? t->files->max_fds : 0);
    m.puts("Groups:\t");
    if (c)
        for (int g = 0; g < c->group_info->ngroups; g++)
            m.printf(g ? " %u" : "%u", c->group_info->gid[g]);
    m.puts(" \n");
    m.printf("NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", t->tgid, t->pid, sig ? sig->pgrp : 0,
             sig ? sig->session : 0);
    m.printf("Kthread:\t%c\n", (t->flags & PF_KTHREAD) ? '1' : '0');
    if (mm_struct* mm = t->mm) {
        mm_numbers n = mm_counts(mm);
        constexpr u64 K = PAGE_SIZE / 1024;
        u64 rss = n.rss_anon + n.rss_file;
        u64 text = text_bytes(mm) >> 10;
        u64 exec_kb = n.exec_vm * K;
        put_kb(m, "VmPeak:", n.total_vm * K);
        put_kb(m, "VmSize:", n.total_vm * K);
        put_kb(m, "VmLck:", count_locked_vm(mm) * K);
        put_kb(m, "VmPin:", 0);
        put_kb(m, "VmHWM:", rss * K);
        put_kb(m, "VmRSS:", rss * K);
        put_kb(m, "RssAnon:", n.rss_anon * K);
        put_kb(m, "RssFile:", n.rss_file * K);
        put_kb(m, "RssShmem:", 0);
        put_kb(m, "VmData:", n.data_vm * K);
        put_kb(m, "VmStk:", n.stack_vm * K);
        put_kb(m, "VmExe:", text);
        put_kb(m, "VmLib:", exec_kb > text ? exec_kb - text : 0);
        put_kb(m, "VmPTE:", n.pt_pages * K);
        put_kb(m, "VmSwap:", 0);
        put_kb(m, "HugetlbPages:", 0);
        m.puts("CoreDumping:\t0\nTHP_enabled:\t1\n");
    }
    m.printf("Threads:\t%d\n", nr_threads_of(t));
    /* The signals queued for the task's real user, and its limit. */
    long queued;
    {
        rec_spin_guard g(&tasklist_lock); /* the counts (linux/ucount.h) */
        queued = sigpending_count(t->cred->uid);
    }
    m.printf("SigQ:\t%ld/%lu\n", queued, sig ? sig->rlim[RLIMIT_SIGPENDING].rlim_cur : 0UL);
    u64 ign, caught;
    collect_sigign_sigcatch(t, ign, caught);
    put_sigset(m, "SigPnd:", t->pending.signal.sig);
    put_sigset(m, "ShdPnd:", sig ? sig->shared_pending.signal.sig : 0);
    put_sigset(m, "SigBlk:", t->blocked.sig);
    put_sigset(m, "SigIgn:", ign);
    put_sigset(m, "SigCgt:", caught);
    put_sigset(m, "CapInh:", c ? c->cap_inheritable : 0);
    put_sigset(m, "CapPrm:", c ? c->cap_permitted : 0);
    put_sigset(m, "CapEff:", c ? c->cap_effective : 0);
    put_sigset(m, "CapBnd:", c ? c->cap_bset : 0);
    put_sigset(m, "CapAmb:", c ? c->cap_ambient : 0);
    m.printf("NoNewPrivs:\t%d\n", t->no_new_privs ? 1 : 0);
    m.puts("Seccomp:\t0\nSeccomp_filters:\t0\n");
    m.puts("Speculation_Store_Bypass:\tthread vulnerable\nSpeculationIndirectBranch:\tconditional enabled\n");
    /* Linux prints the affinity mask as it is set, in hex and as a list of ranges. */
    cpumask allowed = t->cpus_mask;
    m.printf("Cpus_allowed:\t%lx\n", allowed.bits);
    m.puts("Cpus_allowed_list:\t");
    const char* sep = "";
    for (int cpu = cpumask_next(0, allowed); cpu < NR_CPUS;) {
        int last = cpu;
        while (last + 1 < NR_CPUS && cpumask_test_cpu(last + 1, allowed))
            last++;
        if (last == cpu)
            m.printf("%s%d", sep, cpu);
        else
            m.printf("%s%d-%d", sep, cpu, last);
        sep = ",";
        cpu = cpumask_next(last + 1, allowed);
    }
    m.puts("\n");
    m.puts("Mems_allowed:\t00000000,00000001\nMems_allowed_list:\t0\n");
    m.printf("voluntary_ctxt_switches:\t%lu\nnonvoluntary_ctxt_switches:\t%lu\n", t->nvcsw, t->nivcsw);
    return {};
}

/* ---- statm ---- */

Result<void> show_statm(seqbuf& m, task_struct* t, bool)
{
    mm_numbers n = mm_counts(t->mm);
    m.printf("%lu %lu %lu %lu 0 %lu 0\n", n.total_vm, n.rss_anon + n.rss_file, n.rss_file,
             text_bytes(t->mm) >> PAGE_SHIFT, n.data_vm + n.stack_vm);
    return {};
}

/* ---- cmdline, environ, auxv ---- */

/* Copies [start, end) of t's memory; present pages only. */
void put_user_range(seqbuf& m, mm_struct* mm, unsigned long start, unsigned long end)
{
    if (!mm || end <= start)
        return;
    size_t len = min<size_t>(end - start, 1UL << 20);
    if (!m.reserve(len))
        return;
    m.len += read_mm(mm, start, m.buf + m.len, len);
}

Result<void> show_cmdline(seqbuf& m, task_struct* t, bool)
{
    mm_struct* mm = t->mm;
    if (!mm || mm->arg_end <= mm->arg_start)
        return {};
    unsigned long env_start = mm->env_start, env_end = mm->env_end;
    if (env_start != mm->arg_end || env_end < env_start)
        env_start = env_end = mm->arg_end;
    char last = 0;
    if (read_mm(mm, mm->arg_end - 1, &last, 1) == 1 && last) {
        /* setproctitle() overwrote the strings: the text up to the first
         * NUL, which may run on into the environment (get_mm_proctitle). */
        size_t start = m.len;
        put_user_range(m, mm, mm->arg_start, env_end);
        size_t got = m.len - start;
        size_t n = strnlen(m.buf ? m.buf + start : "", got);
        m.len = start + (n < got ? n + 1 : n);
        return {};
    }
    put_user_range(m, mm, mm->arg_start, mm->arg_end);
    return {};
}

Result<void> show_environ(seqbuf& m, task_struct* t, bool)
{
    if (t->mm)
        put_user_range(m, t->mm, t->mm->env_start, t->mm->env_end);
    return {};
}

Result<void> show_auxv(seqbuf& m, task_struct* t, bool)
{
    mm_struct* mm = t->mm;
    if (!mm)
        return {};
    size_t n = 0;
    constexpr size_t slots = sizeof(mm->auxv) / sizeof(mm->auxv[0]);
    while (n + 2 <= slots) {
        n += 2;
        if (mm->auxv[n - 2] == 0) /* AT_NULL ends it, and is included */
            break;
    }
    m.write(mm->auxv, n * sizeof(unsigned long));
    return {};
}

/* ---- maps ---- */

/* The name of a mapped file: the program itself, or a descriptor open on the
 * same inode (mappings keep only the inode). */
bool mapped_file_name(task_struct* t, inode* i, char* buf, size_t size)
{
    mm_struct* mm = t->mm;
    if (i->i_vm_ops && i->i_vm_ops->name && i->i_vm_ops->name(i, buf, size))
        return true;
    if (i == mm->exe_file && mm->exe_path[0]) {
        strscpy(buf, mm->exe_path, size);
        return true;
    }
    if (files_struct* files = t->files) {
        for (int fd = 0; fd < files->max_fds; fd++) {
            file* f = files->get(fd);
            if (f && f->f_inode == i) {
                auto n = file_link_name(f, buf, size - 1);
                if (n.ok()) {
                    buf[n.value()] = 0;
                    return true;
                }
            }
        }
    }
    return false;
}

Result<void> show_maps(seqbuf& m, task_struct* t, bool)
{
    mm_struct* mm = t->mm;
    if (!mm)
        return {};
    auto* name = static_cast<char*>(kmalloc(PATH_MAX));
    if (!name)
        return Errno::ENOMEM;
    for (vm_area_struct* v = mm->mmap; v; v = v->vm_next) {
        size_t line = m.len;
        unsigned long flags = v->vm_flags;
        const char* special = arch_vma_name(v); /* [vdso], [vvar]: no file to show */
        inode* file = special ? nullptr : v->vm_file;
        dev_t dev = file ? file->i_sb->s_dev : 0;
        unsigned long ino = file ? file->i_ino : 0;
        unsigned long pgoff = file ? v->vm_pgoff << PAGE_SHIFT : 0;
        m.printf("%08lx-%08lx %c%c%c%c %08lx %02x:%02x %lu ", v->vm_start, v->vm_end, (flags & VM_READ) ? 'r' : '-',
                 (flags & VM_WRITE) ? 'w' : '-', (flags & VM_EXEC) ? 'x' : '-', (flags & VM_SHARED) ? 's' : 'p',
                 pgoff, MAJOR(dev), MINOR(dev), ino);
        const char* label = special;
        if (special) {
        } else if (v->vm_file) {
            if (mapped_file_name(t, v->vm_file, name, PATH_MAX))
                label = name;
        } else if (v->vm_start <= mm->brk && v->vm_end >= mm->start_brk) {
            label = "[heap]";
        } else if (v->vm_start <= mm->start_stack && v->vm_end >= mm->start_stack) {
            label = "[stack]";
        }
        if (label) {
            m.pad_line(line, 25 + sizeof(void*) * 6 - 1);
            m.putc(' ');
            m.puts(label);
        }
        m.putc('\n');
    }
    kfree(name);
    if (vsyscall_mode == vsyscall_mode_t::XONLY) {
        /* The vsyscall page, after the areas, as Linux's gate area: execute-only. */
        size_t line = m.len;
        m.printf("%08lx-%08lx --xp %08lx %02x:%02x %lu ", VSYSCALL_ADDR, VSYSCALL_ADDR + PAGE_SIZE, 0UL, 0, 0, 0UL);
        m.pad_line(line, 25 + sizeof(void*) * 6 - 1);
        m.puts(" [vsyscall]\n");
    }
    return {};
}

/* ---- limits ---- */

Result<void> show_limits(seqbuf& m, task_struct* t, bool)
{
    static const struct {
        const char* name;
        const char* unit;
    } names[RLIM_NLIMITS] = {
        {"Max cpu time", "seconds"},     {"Max file size", "bytes"},      {"Max data size", "bytes"},
        {"Max stack size", "bytes"},     {"Max core file size", "bytes"}, {"Max resident set", "bytes"},
        {"Max processes", "processes"},  {"Max open files", "files"},     {"Max locked memory", "bytes"},
        {"Max address space", "bytes"},  {"Max file locks", "locks"},     {"Max pending signals", "signals"},
        {"Max msgqueue size", "bytes"},  {"Max nice priority", nullptr},  {"Max realtime priority", nullptr},
        {"Max realtime timeout", "us"},
    };
    if (!t->signal)
        return {};
    m.printf("%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units");
    for (int k = 0; k < RLIM_NLIMITS; k++) {
        const rlimit64& r = t->signal->rlim[k];
        if (r.rlim_cur == RLIM_INFINITY)
            m.printf("%-25s %-20s ", names[k].name, "unlimited");
        else
            m.printf("%-25s %-20lu ", names[k].name, static_cast<unsigned long>(r.rlim_cur));
        if (r.rlim_max == RLIM_INFINITY)
            m.printf("%-20s ", "unlimited");
        else
            m.printf("%-20lu ", static_cast<unsigned long>(r.rlim_max));
        if (names[k].unit)
            m.printf("%-10s\n", names[k].unit);
        else
            m.putc('\n');
    }
    return {};
}

/* ---- comm ---- */

Result<void> show_comm(seqbuf& m, task_struct* t, bool)
{
    m.printf("%.*s\n", TASK_COMM_LEN, t->comm);
    return {};
}

Result<size_t> write_comm(task_struct* t, const char* data, size_t len)
{
    if (t->tgid != current->tgid)
        return Errno::EINVAL;
    char name[TASK_COMM_LEN] = {};
    memcpy(name, data, min<size_t>(len, TASK_COMM_LEN - 1));
    set_task_comm(t, name);
    return len;
}

/* ---- mounts, cgroup, wchan ---- */

Result<void> show_pid_mounts(seqbuf& m, task_struct* t, bool) { return show_mounts(m, t, false); }
Result<void> show_mountinfo(seqbuf& m, task_struct* t, bool) { return show_mounts(m, t, true); }

Result<void> show_cgroup(seqbuf& m, task_struct*, bool)
{
    m.puts("0::/\n");
    return {};
}

/* Linux prints the function a sleeping task waits in, or "0"; we name none. */
Result<void> show_wchan(seqbuf& m, task_struct*, bool)
{
    m.puts("0");
    return {};
}

/* ---- links ---- */

Result<size_t> exe_link(task_struct* t, char* buf, size_t size)
{
    mm_struct* mm = t->mm;
    if (!mm || !mm->exe_file || !mm->exe_path[0])
        return Errno::ENOENT;
    size_t n = min(strlen(mm->exe_path), size);
    memcpy(buf, mm->exe_path, n);
    return n;
}

Result<size_t> cwd_link(task_struct* t, char* buf, size_t size)
{
    if (!t->fs)
        return Errno::ENOENT;
    return path_name(t->fs->pwd, buf, size);
}

Result<size_t> root_link(task_struct* t, char* buf, size_t size)
{
    if (!t->fs)
        return Errno::ENOENT;
    return path_name(t->fs->root, buf, size);
}

constexpr umode_t R = S_IFREG | 0444, RW = S_IFREG | 0644, OWNER = S_IFREG | 0400, DIR = S_IFDIR | 0555,
                  PRIVDIR = S_IFDIR | 0500, LINK = S_IFLNK | 0777;

} // namespace

const pid_entry pid_entries[] = {
    {"task", DIR, PE_PROCESS_ONLY, nullptr, nullptr, nullptr},
    {"fd", PRIVDIR, 0, nullptr, nullptr, nullptr},
    {"fdinfo", PRIVDIR, 0, nullptr, nullptr, nullptr},
    {"environ", OWNER, PE_PTRACE, show_environ, nullptr, nullptr},
    {"auxv", OWNER, PE_PTRACE, show_auxv, nullptr, nullptr},
    {"status", R, 0, show_status, nullptr, nullptr},
    {"limits", R, 0, show_limits, nullptr, nullptr},
    {"comm", RW, 0, show_comm, write_comm, nullptr},
    {"cmdline", R, 0, show_cmdline, nullptr, nullptr},
    {"stat", R, 0, show_stat, nullptr, nullptr},
    {"statm", R, 0, show_statm, nullptr, nullptr},
    {"maps", R, PE_PTRACE, show_maps, nullptr, nullptr},
    {"mountinfo", R, 0, show_mountinfo, nullptr, nullptr},
    {"mounts", R, 0, show_pid_mounts, nullptr, nullptr},
    {"cwd", LINK, PE_PTRACE, nullptr, nullptr, cwd_link},
    {"root", LINK, PE_PTRACE, nullptr, nullptr, root_link},
    {"exe", LINK, PE_PTRACE, nullptr, nullptr, exe_link},
    {"cgroup", R, 0, show_cgroup, nullptr, nullptr},
    {"wchan", R, 0, show_wchan, nullptr, nullptr},
};
const int nr_pid_entries = sizeof(pid_entries) / sizeof(pid_entries[0]);

int pid_entry_index(const char* name)
{
    for (int k = 0; k < nr_pid_entries; k++)
        if (!strcmp(pid_entries[k].name, name))
            return k;
    return -1;
}

} // namespace procfs
