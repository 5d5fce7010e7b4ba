/*
 * start_kernel: from the boot assembly to the first user program.
 *
 * Kernel command line (Linux's conventions where they exist):
 *   init=PATH        the first program (default /init)
 *   trace            print every system call (strace-style) on the kernel log
 *   quiet            fewer boot messages
 *   fault_selftest   fault in the kernel on purpose after boot (tests the
 *                    register dump, the backtrace and the failure exit)
 *   debug_selftest=WHAT  break a rule the debug checks watch (mm/debug.cpp)
 *   debug_poison=off     no poisoning of freed memory in a debug build
 *   stackprotector_selftest, ubsan_selftest
 *                    provoke one stack-protector or UBSan report after boot
 *                    (the checked build's checks, lib/checks_selftest.cpp)
 *   hostio=DIGITS    init's fds among 0, 1, 2 that are pipes to the host
 *                    (drivers/tty/hostio.cpp) instead of the console
 *   init.ctty        init is a session leader with the console as its
 *                    controlling terminal (./trapgate exec from a terminal)
 *   init.killable    signals act on init as on any process: no pid-1
 *                    immunity (./trapgate exec: ^C, SIGPIPE end the program,
 *                    as under qemu-x86_64)
 *   init.stdin=PATH  init's fd 0 is PATH opened for reading, then unlinked
 *                    (./trapgate exec with a regular file as stdin, as
 *                    qemu-x86_64 passes the host's)
 *   init.cwd=DIR     init's working directory
 *   init.uid=N       init's user id (real, effective, saved, fs; no
 *                    capabilities unless 0); the group stays 0
 *   init.env=NAME=VALUE  passed to init's environment (may contain dots)
 *   console.winsize=ROWSxCOLS  the console's window size (TIOCGWINSZ), the
 *                    host terminal's (./trapgate exec)
 *   NAME=VALUE       passed to init's environment (not with a dot in it:
 *                    those are for the kernel, as on Linux)
 *   -- ARGS...       init's arguments ("..." quotes an argument with spaces)
 */
#include <asm/apic.h>
#include <asm/bootparam.h>
#include <asm/desc.h>
#include <asm/entry.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/reboot.h>
#include <asm/vsyscall.h>
#include <drivers/acpi.h>
#include <drivers/hostio.h>
#include <drivers/serial.h>
#include <linux/elf-randomize.h>
#include <linux/binfmts.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/poison.h>
#include <linux/printk.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/smp_lock.h>
#include <linux/slab.h>
#include <linux/stackprotector.h>
#include <linux/string.h>
#include <linux/time.h>
#include <linux/trace.h>
#include <linux/tty.h>

extern "C" u8 boot_stack[];
extern "C" void ret_from_kernel_thread();
extern int smp_max_cpus;
void smp_boot_cpus();
void early_percpu_init();
void chr_dev_init();
void net_dev_init();
void smap_init();

namespace {

/* The boot CPU's first task: it becomes the idle task. */
task_struct boot_task;
sighand_struct boot_sighand;
signal_struct boot_signal;

constexpr int MAX_INIT_ARGS = 32;
const char* init_path = "/init";
const char* init_argv[MAX_INIT_ARGS + 2];
const char* init_envp[MAX_INIT_ARGS + 3] = {"HOME=/", "TERM=linux"};
bool fault_selftest;
const char* debug_selftest;
bool stackprotector_selftest_wanted;
bool ubsan_selftest_wanted;
unsigned hostio_fds; /* bit n: fd n is on the host channel */
bool init_ctty;
bool init_killable;
const char* init_cwd;
const char* init_stdin;
long init_uid = -1;

/* A decimal number at s, up to max; s moves past it. */
unsigned long parse_number(const char*& s, unsigned long max)
{
    unsigned long n = 0;
    for (; *s >= '0' && *s <= '9'; s++)
        n = min(max, n * 10 + (*s - '0'));
    return n;
}

/* Replaces NAME=... in init's environment, or adds it. */
void set_init_env(const char* word, int& envc)
{
    const char* eq = strchr(word, '=');
    size_t len = eq ? static_cast<size_t>(eq - word) + 1 : strlen(word);
    for (int i = 0; i < envc; i++) {
        if (!strncmp(init_envp[i], word, len)) {
            init_envp[i] = word;
            return;
        }
    }
    if (envc < MAX_INIT_ARGS)
        init_envp[envc++] = word;
}

/* Splits the command line in place: spaces separate, double quotes group,
 * a backslash takes the next character as it is (a quote, a backslash). */
char* next_word(char*& at)
{
    while (*at == ' ')
        at++;
    if (!*at)
        return nullptr;
    char* word = at;
    char* out = at;
    bool quoted = false;
    for (; *at && (quoted || *at != ' '); at++) {
        if (*at == '\\' && at[1])
            *out++ = *++at;
        else if (*at == '"')
            quoted = !quoted;
        else
            *out++ = *at;
    }
    if (*at)
        at++;
    *out = 0;
    return word;
}

void parse_cmdline()
{
    char* at = boot_params.cmdline;
    int argc = 1, envc = 2;
    bool args = false;
    while (char* word = next_word(at)) {
        if (args) {
            if (argc < MAX_INIT_ARGS)
                init_argv[argc++] = word;
        } else if (!strcmp(word, "--")) {
            args = true;
        } else if (!strncmp(word, "init=", 5)) {
            init_path = word + 5;
        } else if (!strcmp(word, "trace")) {
            syscall_tracing = true;
        } else if (!strncmp(word, "trace=", 6)) {
            syscall_tracing = true;
            trace_set_filter(word + 6);
        } else if (!strcmp(word, "trace.file")) {
            trace_pid_every_line = true;
        } else if (!strcmp(word, "trace.icount")) {
            trace_icount = true;
        } else if (!strcmp(word, "fault_selftest")) {
            fault_selftest = true;
        } else if (!strncmp(word, "debug_selftest=", 15)) {
            debug_selftest = word + 15;
        } else if (!strcmp(word, "debug_poison=off")) {
            debug_poisoning = false;
        } else if (!strcmp(word, "stackprotector_selftest")) {
            stackprotector_selftest_wanted = true;
        } else if (!strcmp(word, "ubsan_selftest")) {
            ubsan_selftest_wanted = true;
        } else if (!strncmp(word, "vsyscall=", 9)) {
            if (!vsyscall_setup(word + 9))
                pr_info("vsyscall=%s: not a mode here (none, xonly)\n", word + 9);
        } else if (!strcmp(word, "norandmaps")) {
            randomize_va_space = 0; /* Linux's: no address-space randomization */
        } else if (!strcmp(word, "nosmp")) {
            smp_max_cpus = 1;
        } else if (!strncmp(word, "maxcpus=", 8)) {
            int n = 0;
            for (const char* d = word + 8; *d >= '0' && *d <= '9' && n < 1000; d++)
                n = n * 10 + (*d - '0');
            smp_max_cpus = max(1, n);
        } else if (!strcmp(word, "quiet")) {
            printk_quiet = true;
        } else if (!strncmp(word, "hostio=", 7)) {
            for (const char* d = word + 7; *d; d++)
                if (*d >= '0' && *d <= '2')
                    hostio_fds |= 1u << (*d - '0');
        } else if (!strcmp(word, "init.ctty")) {
            init_ctty = true;
        } else if (!strcmp(word, "init.killable")) {
            init_killable = true;
        } else if (!strncmp(word, "init.stdin=", 11)) {
            init_stdin = word + 11;
        } else if (!strncmp(word, "init.cwd=", 9)) {
            init_cwd = word + 9;
        } else if (!strncmp(word, "init.uid=", 9)) {
            long n = 0;
            for (const char* d = word + 9; *d >= '0' && *d <= '9' && n < (1L << 32); d++)
                n = n * 10 + (*d - '0');
            init_uid = n;
        } else if (!strncmp(word, "console.winsize=", 16)) {
            const char* s = word + 16;
            console_tty.winsize.ws_row = static_cast<u16>(parse_number(s, 0xffff));
            if (*s == 'x') {
                s++;
                console_tty.winsize.ws_col = static_cast<u16>(parse_number(s, 0xffff));
            }
        } else if (!strncmp(word, "init.env=", 9) && strchr(word + 9, '=')) {
            set_init_env(word + 9, envc);
        } else if (strchr(word, '=') && !strchr(word, '.')) {
            set_init_env(word, envc);
        }
    }
    init_argv[0] = init_path;
}

void init_boot_task()
{
    task_struct* t = &boot_task;
    t->stack = boot_stack;
    t->tasks.init();
    t->children.init();
    t->ptraced.init();
    t->ptrace_entry.init();
    t->sibling.init();
    t->thread_node.init();
    t->timer_list.init();
    t->pending.list.init();
    t->vfork_wait.head.init();
    t->cred = get_cred(&root_cred);
    t->sighand = &boot_sighand;
    boot_sighand.count = 1;
    boot_sighand.signalfd_wqh.head.init();
    boot_signal.count = 1;
    boot_signal.live = 1;
    boot_signal.thread_head.init();
    boot_signal.shared_pending.list.init();
    boot_signal.wait_chldexit.head.init();
    boot_signal.posix_timers.init();
    for (auto& r : boot_signal.rlim)
        r = {RLIM_INFINITY, RLIM_INFINITY};
    boot_signal.rlim[RLIMIT_STACK] = {8UL << 20, RLIM_INFINITY};
    boot_signal.rlim[RLIMIT_NOFILE] = {1024, 4096};
    boot_signal.rlim[RLIMIT_CORE] = {0, RLIM_INFINITY};
    boot_signal.rlim[RLIMIT_MEMLOCK] = {8UL << 20, 8UL << 20};
    boot_signal.rlim[RLIMIT_NICE] = {0, 0};
    boot_signal.rlim[RLIMIT_RTPRIO] = {0, 0};
    boot_signal.rlim[RLIMIT_MSGQUEUE] = {819200, 819200}; /* Linux's MQ_BYTES_MAX */
    t->signal = &boot_signal;
    t->group_leader = t;
    strscpy(t->comm, "swapper", sizeof(t->comm));
    task_list.add_tail(&t->tasks);
    fpu_init_task(t);
    cpu_data[0].current_task = t;
    cpu_data[0].idle = t;
    load_sp0(reinterpret_cast<unsigned long>(boot_stack) + THREAD_SIZE);
}

void make_dev_nodes()
{
    /* A devtmpfs of sorts: the device nodes programs expect, if the initramfs lacks them. */
    static const struct {
        const char* path;
        umode_t mode;
        dev_t dev;
    } nodes[] = {
        {"/dev", S_IFDIR | 0755, 0},
        {"/dev/console", S_IFCHR | 0600, MKDEV(5, 1)},
        {"/dev/tty", S_IFCHR | 0666, MKDEV(5, 0)},
        {"/dev/ttyS0", S_IFCHR | 0660, MKDEV(4, 64)},
        {"/dev/null", S_IFCHR | 0666, MKDEV(1, 3)},
        {"/dev/zero", S_IFCHR | 0666, MKDEV(1, 5)},
        {"/dev/full", S_IFCHR | 0666, MKDEV(1, 7)},
        {"/dev/random", S_IFCHR | 0666, MKDEV(1, 8)},
        {"/dev/urandom", S_IFCHR | 0666, MKDEV(1, 9)},
    };
    for (auto& n : nodes) {
        auto r = vfs_mknodat(AT_FDCWD, n.path, n.mode, n.dev);
        (void)r; /* EEXIST: the initramfs brought it */
    }
}

/* A write through a bad kernel pointer, as a kernel bug would make. */
__attribute__((noinline)) void provoke_kernel_fault()
{
    pr_info("fault_selftest: writing to an unmapped kernel address\n");
    *reinterpret_cast<volatile unsigned long*>(0xffffc90000000000UL) = 0xdead;
}

/* pid 1's first moments, in its own context: become the init program. */
[[noreturn]] void run_init()
{
    local_irq_enable();
    lock_kernel(); /* process context from here on, as in a system call */
    if (init_ctty) {
        /* A session of its own, the console its terminal (opened below). */
        current->signal->leader = true;
        current->signal->session = current->signal->pgrp = current->tgid;
    }
    if (init_killable)
        current->signal->flags &= ~SIGNAL_UNKILLABLE;
    /* fds 0, 1, 2: the console, as Linux gives init, or pipes to the host. */
    auto console = do_filp_open(AT_FDCWD, "/dev/console", O_RDWR, 0);
    if (!console.ok())
        printk("init: cannot open /dev/console\n");
    for (int fd = 0; fd < 3; fd++) {
        if (fd == 0 && init_stdin) {
            auto f = do_filp_open(AT_FDCWD, init_stdin, O_RDONLY, 0);
            if (f.ok()) {
                fd_install(0, f.value());
                (void)kernel_unlink(init_stdin); /* only the descriptor names it */
                continue;
            }
            printk("init: cannot open %s\n", init_stdin);
        }
        if (hostio_fds & (1u << fd)) {
            auto f = hostio_open_stream(fd);
            if (f.ok())
                fd_install(fd, f.value());
            else
                printk("init: no host channel for fd %d\n", fd);
        } else if (console.ok()) {
            fd_install(fd, get_file(console.value()));
        }
    }
    if (console.ok())
        fput(console.value());
    if (init_cwd) {
        auto p = kern_path(init_cwd, LOOKUP_FOLLOW | LOOKUP_DIRECTORY);
        if (p.ok()) {
            path_put(current->fs->pwd);
            current->fs->pwd = p.value();
        } else {
            printk("init: cannot change to %s\n", init_cwd);
        }
    }
    if (init_uid >= 0) {
        cred* c = prepare_creds();
        if (c) {
            c->uid = c->euid = c->suid = c->fsuid = static_cast<uid_t>(init_uid);
            if (init_uid)
                c->cap_permitted = c->cap_effective = 0;
            commit_creds(c);
        }
    }
    auto r = kernel_execve(init_path, init_argv, init_envp);
    if (!r.ok()) {
        const char* name = errno_name(static_cast<int>(r.error()));
        printk("trapgate: cannot run %s: %s\n", init_path, name ? name : "?");
        machine_power_off(r.error() == Errno::ENOENT ? 127 : 126);
    }
    local_irq_disable();
    unlock_kernel();
    return_to_user_mode(task_pt_regs(current));
}

void start_init()
{
    task_struct* t = alloc_task_struct();
    if (!t)
        panic("no memory for init");
    t->pid = t->tgid = alloc_pid();
    t->group_leader = t;
    t->cred = get_cred(&root_cred);
    t->mm = mm_alloc();
    t->files = files_alloc();
    t->fs = copy_fs_struct(boot_task.fs);
    t->sighand = sighand_alloc();
    t->signal = signal_alloc();
    if (!t->mm || !t->files || !t->fs || !t->sighand || !t->signal)
        panic("no memory for init");
    memcpy(t->signal->rlim, boot_signal.rlim, sizeof(boot_signal.rlim));
    t->signal->rlim[RLIMIT_NPROC] = {static_cast<unsigned long>(totalram_pages() / 8),
                                     static_cast<unsigned long>(totalram_pages() / 8)};
    /* Linux's fork_init: queued signals are bounded like processes. */
    t->signal->rlim[RLIMIT_SIGPENDING] = t->signal->rlim[RLIMIT_NPROC];
    /* Like Linux's init: process group and session 0, not a session leader
     * (a shell started from it calls setsid to get a terminal). */
    t->signal->pgrp = t->signal->session = 0;
    t->signal->leader = false;
    t->signal->flags |= SIGNAL_UNKILLABLE;
    t->signal->thread_head.add_tail(&t->thread_node);
    t->exit_signal = SIGCHLD;
    t->real_parent = nullptr;
    t->cpus_mask = cpu_online_mask; /* every CPU started, inherited by all */
    strscpy(t->comm, "init", sizeof(t->comm));
    fpu_init_task(t);
    t->start_time = ktime_get_ns();
    /* Its first switch "returns" into run_init. */
    struct frame {
        unsigned long r15, r14, r13, r12, bx, bp, ret;
    };
    auto* f = reinterpret_cast<frame*>(task_pt_regs(t)) - 1;
    *f = frame{0, 0, 0, 0, reinterpret_cast<unsigned long>(run_init), 0,
               reinterpret_cast<unsigned long>(ret_from_kernel_thread)};
    t->thread.sp = reinterpret_cast<unsigned long>(f);
    task_list.add_tail(&t->tasks);
    attach_pid(t);
    init_task_ptr = t;
    wake_up_new_task(t);
}

} // namespace

/* Never returns, so its own canary (stored before the guard is chosen) is
 * never checked; it is not protected anyway. */
extern "C" [[noreturn]] __attribute__((no_stack_protector)) void start_kernel(u32 boot_magic, u32 boot_info)
{
    boot_init_stack_canary();
    early_percpu_init();
    serial_init();
    parse_boot_info(boot_magic, boot_info);
    char cmdline_copy[sizeof(boot_params.cmdline)];
    strscpy(cmdline_copy, boot_params.cmdline, sizeof(cmdline_copy));
    parse_cmdline();
    page_alloc_init();
    paging_init();
    page_alloc_init_late();
    cpu_init();
    smap_init();
    acpi_init();
    init_boot_task();
    timekeeping_init();
    apic_init();
    sched_init();
    pr_info("Trapgate: %s boot, %lu KiB memory, %d CPUs present, command line \"%s\"\n", boot_params.loader,
               totalram_pages() * 4, acpi.nr_present_cpus, cmdline_copy);

    init_rootfs();
    boot_task.fs = new fs_struct{1, {root_mnt, dget(root_mnt->mnt_root)}, {root_mnt, dget(root_mnt->mnt_root)}, 022};
    chr_dev_init();
    net_dev_init(); /* lo, up, before anything can open a socket */
    tty_init();
    if (hostio_fds)
        hostio_init();
    populate_rootfs();
    make_dev_nodes();
    initramfs_dir_times();
    free_initrd_mem();
    smp_boot_cpus();

    if (fault_selftest)
        provoke_kernel_fault();
    if (debug_selftest)
        run_debug_selftest(debug_selftest);
    if (stackprotector_selftest_wanted)
        stackprotector_selftest();
    if (ubsan_selftest_wanted)
        ubsan_selftest();
    start_init();
    cpu_idle_loop();
}
