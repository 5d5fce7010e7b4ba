/*
 * A fuzz worker: one process, forked by pid 1, that makes `budget` random
 * calls and exits. Its stream of calls is a function of (seed, slot,
 * generation) and of what the kernel answers (fd numbers, addresses). Each
 * call is recorded in the worker's ring in shared memory before it is made,
 * so pid 1 can show the last ones if the worker hangs or breaks an invariant:
 *   - every result is in [-4095, -1] or >= 0;
 *   - no output buffer holds a kernel pointer afterwards.
 */
#pragma once

#include "gen.h"

namespace fuzz {

inline volatile u64 signals_caught;
extern "C" void fuzz_signal_handler(int) { signals_caught = signals_caught + 1; }
asm(R"(
	.text
	.globl	fuzz_signal_restorer
	.type	fuzz_signal_restorer, @function
fuzz_signal_restorer:
	movl	$15, %eax
	syscall
	hlt
)");

/* A fork-like call: the new process or thread (rax = 0) exits at once,
 * without touching memory, since it may share the stack with its parent. */
inline long fork_like(bool int80, long nr, const long* a)
{
    long ret;
    if (int80) {
        asm volatile("int $0x80\n\t"
                     "test %%rax, %%rax\n\t"
                     "jnz 1f\n\t"
                     "movl $1, %%eax\n\t"
                     "xorl %%ebx, %%ebx\n\t"
                     "int $0x80\n\t"
                     "ud2\n"
                     "1:"
                     : "=a"(ret)
                     : "a"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4])
                     : "r8", "r9", "r10", "r11", "memory");
    } else {
        register long r10 asm("r10") = a[3];
        register long r8 asm("r8") = a[4];
        register long r9 asm("r9") = a[5];
        asm volatile("syscall\n\t"
                     "test %%rax, %%rax\n\t"
                     "jnz 1f\n\t"
                     "movl $60, %%eax\n\t"
                     "xorl %%edi, %%edi\n\t"
                     "syscall\n\t"
                     "ud2\n"
                     "1:"
                     : "=a"(ret)
                     : "a"(nr), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    }
    return ret;
}

inline bool excluded_random(bool int80, long nr)
{
    if (int80) {
        u32 n = static_cast<u32>(nr);
        for (int x : no_random_32)
            if (n == static_cast<u32>(x))
                return true;
        return false;
    }
    /* Linux takes the low 32 bits, and the x32 bit selects x32's table. */
    u32 n = static_cast<u32>(nr) & ~0x40000000u;
    for (int x : no_random_64)
        if (n == static_cast<u32>(x) || n == 60 || n == 231)
            return true;
    /* x32 numbers 512-547 reach compat versions of these */
    return n >= 512 && n < 548;
}

/* Appends to a fixed buffer (no libc). */
struct Text {
    char* p;
    size_t left;
    void str(const char* s)
    {
        while (*s && left > 1)
            *p++ = *s++, left--;
        *p = 0;
    }
    void hex(u64 v)
    {
        char t[19] = "0x";
        int n = 0;
        char d[16];
        do
            d[n++] = "0123456789abcdef"[v & 15];
        while (v >>= 4);
        int i = 2;
        while (n)
            t[i++] = d[--n];
        t[i] = 0;
        str(t);
    }
};

struct Worker {
    Ctx c;
    Slot* slot;
    u64 budget;

    void fail(const Record& rec, const char* what, u64 value, u64 where)
    {
        if (slot->failed)
            return;
        Text t{slot->fail, sizeof(slot->fail)};
        t.str(what);
        t.str(" ");
        t.hex(value);
        if (where) {
            t.str(" at ");
            t.hex(where);
        }
        t.str(" after call #");
        t.hex(rec.seq);
        t.str(rec.int80 ? " (int80 nr " : " (syscall nr ");
        t.hex(static_cast<u64>(rec.nr));
        t.str(")");
        slot->failed = 1;
    }

    bool result_exempt(const Record& rec)
    {
        /* F_GETOWN answers -pgid for a process-group owner. */
        long fcntl_nr = rec.int80 ? trapgate::ia32::nr_fcntl : trapgate::x64::nr_fcntl;
        return (rec.nr == fcntl_nr || (rec.int80 && rec.nr == trapgate::ia32::nr_fcntl64)) && rec.args[1] == 9;
    }

    /* Scans the buffers the call was given and fills them again. */
    void scan_outputs(const Record& rec)
    {
        for (int i = 0; i < c.nscan; i++) {
            u64 start = c.scan[i] & ~7UL;
            u64 end = c.scan[i] + 4096 < BUF_END ? c.scan[i] + 4096 : BUF_END;
            for (u64* w = reinterpret_cast<u64*>(start); reinterpret_cast<u64>(w) < end; w++) {
                u64 v = *w;
                if (v != FILL && kernel_pointer(v) && !echoed_pool_value(v))
                    fail(rec, "kernel pointer", v, reinterpret_cast<u64>(w));
                *w = FILL;
            }
        }
    }

    void after(const Call* e, const Record& rec)
    {
        long ret = rec.ret;
        if (!e || ret < 0)
            return;
        if (e->flags & F_FD)
            c.add_fd(ret);
        if ((e->flags & F_PIPE) && ret == 0 && static_cast<u64>(rec.args[0]) >= BUF &&
            static_cast<u64>(rec.args[0]) + 8 <= BUF_END) {
            const int* p = reinterpret_cast<const int*>(rec.args[0]);
            for (int i = 0; i < 2; i++) {
                c.add_fd(p[i]);
                /* Blocking pipes would stall the worker on its own empty pipe. */
                trapgate::x64::sys_fcntl(p[i], 4 /* F_SETFL */, 04000 /* O_NONBLOCK */);
            }
        }
        if (e->flags & F_MMAP)
            c.add_map(static_cast<u64>(ret), static_cast<u64>(rec.args[e->name[1] == 'r' ? 2 : 1]));
        if ((e->flags & F_FORK) && ret > 0) {
            c.child = static_cast<int>(ret);
            /* Reap what exited (they exit at once), not counted as calls. */
            trapgate::x64::sys_wait4(-1, 0, 1 /* WNOHANG */ | 0x40000000 /* __WALL */, 0);
        }
    }

    /* Root may raise RLIMIT_FSIZE, which keeps ramfs files small (fuzz.cpp):
     * it changes RLIMIT_CORE instead. */
    static void keep_files_small(const Call* e, Record& rec)
    {
        for (int i = 0; i < 2; i++)
            if (e->args[i] == RES && e->args[i + 1] == RLIM && rec.args[i] == 1 /* RLIMIT_FSIZE */)
                rec.args[i] = 4; /* RLIMIT_CORE */
    }

    Record next(u64 seq, const Call*& e)
    {
        Rng& r = c.rng;
        Record rec{};
        rec.seq = seq;
        c.nscan = 0;
        if (r.one_in(32)) {
            /* A random number with random arguments, through either gate. */
            e = nullptr;
            rec.entry = -1;
            c.int80 = r.one_in(2);
            long nr;
            do {
                nr = r.one_in(8) ? r.pick({-1L, 1000L, 1001L, 0x7fffffffL, -0x80000000L, 4096L,
                                           0x40000000L + static_cast<long>(r.below(550)),
                                           (1L << 32) + static_cast<long>(r.below(470))})
                                 : static_cast<long>(r.below(470));
            } while (excluded_random(c.int80, nr));
            rec.nr = static_cast<int>(nr);
            for (long& a : rec.args)
                a = gen_arg(c, ANY);
        } else {
            do {
                rec.entry = static_cast<int>(r.below(NCALLS));
                e = &calls[rec.entry];
            } while (((e->flags & F_RARE) && !r.one_in(8)) || ((e->flags & F_EXIT) && !r.one_in(64)));
            c.int80 = e->nr32 >= 0 && !(e->flags & F_64) && r.one_in(2);
            rec.nr = static_cast<int>(c.int80 ? e->nr32 : e->nr64);
            for (int i = 0; i < 6; i++)
                rec.args[i] = e->args[i] != NONE ? gen_arg(c, e->args[i]) : int_pool(r);
            keep_files_small(e, rec);
        }
        rec.int80 = c.int80;
        return rec;
    }

    long make(const Call* e, const Record& rec)
    {
        const long* a = rec.args;
        if (e && (e->flags & F_FORK)) {
            /* Signals stay blocked in the new task until it exits. */
            u64 all = ~0UL, old = 0;
            trapgate::x64::sys_rt_sigprocmask(2 /* SIG_SETMASK */, &all, &old, 8);
            long ret = fork_like(rec.int80, rec.nr, a);
            trapgate::x64::sys_rt_sigprocmask(2, &old, 0, 8);
            return ret;
        }
        if (rec.int80)
            return trapgate::syscall<trapgate::Gate::Int80>(rec.nr, a[0], a[1], a[2], a[3], a[4], a[5]).raw();
        return trapgate::syscall(rec.nr, a[0], a[1], a[2], a[3], a[4], a[5]).raw();
    }

    [[noreturn]] void run()
    {
        for (u64 seq = 1; seq <= budget; seq++) {
            const Call* e;
            Record rec = next(seq, e);
            Record& ring = slot->ring[(seq - 1) % RING];
            ring = rec;
            rec.ret = make(e, rec);
            ring.ret = rec.ret;
            ring.done = 1;
            slot->calls = seq;
            if (rec.ret < -4095 && !result_exempt(rec))
                fail(rec, "result out of range:", static_cast<u64>(rec.ret), 0);
            after(e, rec);
            scan_outputs(rec);
        }
        trapgate::exit(0);
    }
};

} // namespace fuzz
