/*
 * Trapgate's system-call fuzzer (docs/fuzzing.md), run as pid 1 by
 * `./trapgate fuzz` (tools/fuzz.py) or as a guest test:
 *
 *   /fuzz [--seed S] [--calls N] [--workers W] [--gen G] [--stuck T]
 *         [--progress P]
 *
 * pid 1 forks W workers (even slots root, odd slots uid/gid 65534), each of
 * which makes G calls (tests/fuzz/worker.h) and exits; pid 1 forks the next
 * generation in its slot until N calls are made. It prints
 *   fuzz: calls=N ok                         every P seconds (the host's watchdog)
 *   stuck: worker K ... last calls: ...      a worker that made no call for T s
 *                                            (then SIGKILLed: not a kernel bug)
 *   FAIL: worker K: <invariant> ...          an invariant broke, with its last calls
 *   fuzz: done ...                           at the end; exit status 1 if anything failed
 * pid 1 is never a target: it runs no fuzzed call and holds no fuzzed state.
 */
#include <trapgate/print.h>
#include <trapgate/start.h>
#include <trapgate/uapi.h>

#include "worker.h"

using namespace trapgate;
using namespace fuzz;

namespace {

struct Options {
    u64 seed = 1;
    u64 calls = 50000;
    int workers = 6;
    u64 gen = 1000;
    long stuck = 3;
    long progress = 5;
};

u64 number(const char* s)
{
    u64 v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + static_cast<u64>(*s++ - '0');
    return v;
}

long now_ms()
{
    timespec t{};
    x64::sys_clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void sleep_ms(long ms)
{
    timespec t{ms / 1000, (ms % 1000) * 1000000};
    x64::sys_nanosleep(&t, 0);
}

const char* const signal_names[] = {"0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS",
                                    "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM",
                                    "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN",
                                    "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH",
                                    "SIGIO", "SIGPWR", "SIGSYS"};

void print_record(const Record& r)
{
    const char* name = entry_name(r.entry);
    print("    #", r.seq, r.int80 ? " int80 " : " syscall ");
    if (name)
        print(name);
    else
        print("nr_", r.nr);
    print("(");
    int n = 6;
    if (r.entry >= 0)
        for (n = 0; n < 6 && calls[r.entry].args[n] != NONE; n++) {
        }
    for (int i = 0; i < n; i++)
        print(i ? ", " : "", Hex{static_cast<unsigned long>(r.args[i])});
    if (r.done)
        println(") = ", SysResult(r.ret));
    else
        println(") ... (not returned)");
}

void print_ring(const Slot& s)
{
    u64 last = s.calls + 1; /* the call in flight, if any */
    for (u64 seq = last > RING ? last - RING + 1 : 1; seq <= last; seq++) {
        const Record& r = s.ring[(seq - 1) % RING];
        if (r.seq == seq)
            print_record(r);
    }
}

/* ---- a worker's start, in the child of pid 1's fork ---- */

Options opt;

[[noreturn]] void start_worker(Slot* slot, int k, u32 gen)
{
    bool unpriv = k % 2;
    x64::sys_setpgid(0, 0);
    for (int fd = 0; fd < 3; fd++)
        x64::sys_close(fd);
    /* Undo what earlier root workers did to the directories everyone needs. */
    x64::sys_chmod("/", 0755);
    x64::sys_chown("/", 0, 0);
    x64::sys_mkdir("/tmp", 01777);
    x64::sys_chmod("/tmp", 01777);
    x64::sys_chown("/tmp", 0, 0);
    char dir[] = "/tmp/fuzz00";
    dir[9] = static_cast<char>('0' + k / 10);
    dir[10] = static_cast<char>('0' + k % 10);
    x64::sys_mkdir(dir, 0777);
    x64::sys_chmod(dir, 0777);
    x64::sys_chown(dir, unpriv ? 65534 : 0, unpriv ? 65534 : 0);
    /* Trapgate's root file system is a ramfs without a size limit (Linux's
     * initramfs is a tmpfs capped at half of RAM): one sendfile from
     * /dev/zero fills all memory (seed 208 hung so). Files stay small. */
    rlimit64 fsize{16 << 20, 16 << 20};
    x64::sys_prlimit64(0, 1 /* RLIMIT_FSIZE */, &fsize, 0);
    if (unpriv) {
        x64::sys_setgroups(0, 0);
        x64::sys_setresgid(65534, 65534, 65534);
        x64::sys_setresuid(65534, 65534, 65534);
    }
    x64::sys_chdir(dir);
    x64::sys_umask(022);

    Worker w{};
    w.slot = slot;
    w.budget = opt.gen;
    Ctx& c = w.c;
    c.rng = Rng{mix(mix(opt.seed, static_cast<u64>(k)), gen)};
    c.slot = k;
    c.self = static_cast<int>(x64::sys_getpid().value());
    /* The memory layout of fuzz.h. */
    x64::sys_munmap(BUF, HOLE2 + PAGE - BUF);
    x64::sys_mmap(BUF, BUF_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    x64::sys_mmap(RO_PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    memset(reinterpret_cast<void*>(RO_PAGE), 'A', PAGE);
    x64::sys_mprotect(RO_PAGE, PAGE, PROT_READ);
    for (u64* p = reinterpret_cast<u64*>(BUF); reinterpret_cast<u64>(p) < BUF_END; p++)
        *p = FILL;
    x64::sys_mmap(SCRATCH, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    c.brk0 = static_cast<u64>(x64::sys_brk(0).raw());
    /* Files to work on: fds 0.. are free again. */
    c.add_fd(x64::sys_open("/dev/null", O_RDWR).raw());
    c.add_fd(x64::sys_open("/dev/zero", O_RDWR).raw());
    int p[2] = {-1, -1};
    if (x64::sys_pipe2(p, O_NONBLOCK).ok()) {
        c.add_fd(p[0]);
        c.add_fd(p[1]);
        x64::sys_write(p[1], "0123456789abcdef", 16);
    }
    c.add_fd(x64::sys_open("f", O_RDWR | O_CREAT | O_TRUNC, 0666).raw());
    /* What earlier generations made there: files that grew, FIFOs (whose
     * blocking opens would stall every generation after). */
    static constexpr const char* grown[] = {"g", "d/x"};
    for (const char* name : grown)
        x64::sys_unlink(name);
    x64::sys_mkdir("d", 0777);
    c.add_fd(x64::sys_open(".", O_RDONLY | O_DIRECTORY).raw());
    c.add_fd(x64::sys_open("d", O_RDONLY | O_DIRECTORY).raw());
    x64::sys_symlink("f", "sym");
    x64::sys_symlink("nowhere", "dangling");
    x64::sys_symlink("loop", "loop");
    /* Handlers for the signals the fuzzer sends itself (never for the fault
     * signals: a returning handler would fault again for ever). A call may
     * reset one to SIG_DFL; then that signal ends the worker, as it should. */
    static constexpr int handled[] = {1, 2, 3, 6, 10, 12, 13, 14, 15, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30};
    for (int sig = 32; sig <= 64; sig++) {
        u64 act[4] = {reinterpret_cast<u64>(fuzz_signal_handler), 0x14000000,
                      reinterpret_cast<u64>(fuzz_signal_restorer), 0};
        x64::sys_rt_sigaction(sig, act, 0, 8);
    }
    for (int sig : handled) {
        u64 act[4] = {reinterpret_cast<u64>(fuzz_signal_handler), 0x14000000 /* SA_RESTORER | SA_RESTART */,
                      reinterpret_cast<u64>(fuzz_signal_restorer), 0};
        x64::sys_rt_sigaction(sig, act, 0, 8);
    }
    init_strings();
    w.run();
}

} // namespace

int main(int argc, char** argv, char**)
{
    for (int i = 1; i < argc; i++) {
        const char* a = argv[i];
        const char* v = i + 1 < argc ? argv[i + 1] : "0";
        if (streq(a, "--seed"))
            opt.seed = number(v);
        else if (streq(a, "--calls"))
            opt.calls = number(v);
        else if (streq(a, "--workers"))
            opt.workers = static_cast<int>(number(v));
        else if (streq(a, "--gen"))
            opt.gen = number(v);
        else if (streq(a, "--stuck"))
            opt.stuck = static_cast<long>(number(v));
        else if (streq(a, "--progress"))
            opt.progress = static_cast<long>(number(v));
        else {
            println("fuzz: unknown option ", a);
            return 2;
        }
        i++;
    }
    if (opt.workers < 1 || opt.workers > MAX_WORKERS || opt.gen < 1) {
        println("fuzz: --workers is 1..", MAX_WORKERS, " and --gen at least 1");
        return 2;
    }
    println("fuzz: seed=", opt.seed, " calls=", opt.calls, " workers=", opt.workers, " gen=", opt.gen);

    auto m = x64::sys_mmap(0, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (!m.ok()) {
        println("FAIL: fuzz: no shared memory: ", m);
        return 1;
    }
    Shared* sh = reinterpret_cast<Shared*>(m.value());

    struct Live {
        int pid;
        u32 gen;
        u64 seen;       /* calls at the last change */
        long seen_at;   /* when they changed */
        long killed_at; /* 0, or when pid 1 sent SIGKILL */
        bool dead_slot; /* a worker that did not die: its slot is not reused */
    } live[MAX_WORKERS] = {};
    u64 done = 0, generations = 0, by_signal = 0, stuck = 0, failures = 0;
    u64 signal_counts[65] = {};
    u32 next_gen[MAX_WORKERS] = {};
    long start = now_ms(), last_report = start;
    int running = 0;

    for (;;) {
        long t = now_ms();
        /* Start workers while calls remain to be made (each makes up to opt.gen). */
        for (int k = 0; k < opt.workers; k++) {
            if (live[k].pid || live[k].dead_slot)
                continue;
            u64 planned = done;
            for (int j = 0; j < opt.workers; j++)
                if (live[j].pid)
                    planned += opt.gen;
            if (planned >= opt.calls)
                break;
            Slot& s = sh->slots[k];
            u32 gen = next_gen[k]++;
            memset(&s, 0, sizeof(s));
            s.gen = gen;
            auto f = x64::sys_fork();
            if (f.ok() && f.value() == 0)
                start_worker(&s, k, gen);
            if (!f.ok()) {
                println("fuzz: fork failed: ", f);
                break;
            }
            s.pid = static_cast<int>(f.value());
            live[k] = {s.pid, gen, 0, t, 0, false};
            generations++;
            running++;
        }
        if (!running)
            break;
        /* Reap. */
        for (;;) {
            int status = 0;
            auto w = x64::sys_wait4(-1, &status, 1 /* WNOHANG */ | 0x40000000 /* __WALL */, 0);
            if (!w.ok() || w.value() == 0)
                break;
            for (int k = 0; k < opt.workers; k++) {
                if (live[k].pid != w.value())
                    continue;
                Slot& s = sh->slots[k];
                done += s.calls;
                int sig = status & 0x7f;
                if (sig && sig != 0x7f) {
                    by_signal++;
                    signal_counts[sig <= 64 ? sig : 0]++;
                }
                if (s.failed) {
                    failures++;
                    println("FAIL: worker ", k, " (seed ", opt.seed, ", generation ", s.gen, "): ", s.fail,
                            "; its last calls:");
                    print_ring(s);
                }
                live[k].pid = 0;
                running--;
            }
        }
        /* Stuck workers: no call for opt.stuck seconds. */
        for (int k = 0; k < opt.workers; k++) {
            Live& l = live[k];
            if (!l.pid)
                continue;
            Slot& s = sh->slots[k];
            if (s.calls != l.seen) {
                l.seen = s.calls;
                l.seen_at = t;
            } else if (!l.killed_at && t - l.seen_at > opt.stuck * 1000) {
                stuck++;
                if (stuck <= 5) {
                    println("stuck: worker ", k, " (pid ", l.pid, ", generation ", l.gen, ") made no call for ",
                            opt.stuck, " s; killing it; its last calls:");
                    print_ring(s);
                }
                x64::sys_kill(l.pid, 9);
                l.killed_at = t;
            } else if (l.killed_at && t - l.killed_at > 20000) {
                failures++;
                println("FAIL: worker ", k, " (pid ", l.pid, ", seed ", opt.seed, ", generation ", l.gen,
                        ") did not die of SIGKILL in 20 s; its last calls:");
                print_ring(s);
                done += s.calls;
                l.pid = 0;
                l.dead_slot = true;
                running--;
            }
        }
        if (t - last_report >= opt.progress * 1000) {
            last_report = t;
            u64 total = done;
            for (int k = 0; k < opt.workers; k++)
                if (live[k].pid)
                    total += sh->slots[k].calls;
            println("fuzz: calls=", total, " ok");
        }
        sleep_ms(20);
    }
    long ms = now_ms() - start;
    println("fuzz: done: ", done, " calls in ", ms / 1000, ".", (ms % 1000) / 100, " s (", ms ? done * 1000 / ms : 0,
            " calls/s), ", generations, " workers, ", by_signal, " killed by a signal, ", stuck,
            " stuck and killed, ", failures, " failed");
    print("fuzz: signals:");
    for (int i = 1; i <= 64; i++)
        if (signal_counts[i]) {
            if (i < 32)
                print(" ", signal_names[i], "=", signal_counts[i]);
            else
                print(" SIG", i, "=", signal_counts[i]);
        }
    println();
    return failures ? 1 : 0;
}
