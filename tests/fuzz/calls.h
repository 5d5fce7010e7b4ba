/*
 * The calls the fuzzer makes: one line per system call with the kind of each
 * argument (tests/fuzz/args.h turns a kind into a value from its pool).
 * Numbers come from the generated tables (trapgate::x64::nr_*, ia32::nr_*);
 * a call with an i386 number is made through int $0x80 half of the time.
 *
 * Left out on purpose, because they would end or blind the run rather than
 * test the kernel: reboot; kill/tkill/tgkill/rt_sigqueueinfo/pidfd_send_signal
 * of pid 1, -1 or a group holding pid 1 (the pid pools never hold them);
 * setsid and setpgid (a worker is its own process group from the start);
 * pause and rt_sigsuspend (block until a signal nobody sends); rt_sigreturn
 * and sigreturn (restore a random frame); execve of anything that exists (only
 * bad pointers and paths that cannot run); ptrace; vhangup; syslog's
 * console controls and its blocking read; SCHED_FIFO/SCHED_RR (a busy
 * real-time worker starves pid 1 on one CPU, as it would on Linux); paths and
 * device numbers of the console and ttys (a worker could write to the
 * console pid 1 reports on, or change its settings).
 *
 * The patterns of the defects of issue 7 §1 are all made, now that those are
 * fixed: memory calls with ranges past user space and kernel or
 * non-canonical addresses (mremap's new address and lengths too, overlapping
 * MREMAP_FIXED moves), FIFOs, setitimer and alarm, vfork and CLONE_VFORK,
 * SA_ONSTACK handlers on alternate stacks anywhere and handlers for the
 * fault signals, long sleeps. mremap's old length is not capped either: a
 * move walks only the page tables present (for_each_present_pte), so a 1 TiB
 * sparse area moves in the time of what is mapped in it (seed 7 once hung
 * on a page-by-page walk).
 */
#pragma once

#include "fuzz.h"

namespace fuzz {

enum Kind : u8 {
    NONE,
    INT,      /* an int from the boundary pool */
    ANY,      /* a long: integers, pointers of every kind, random bits */
    FD,       /* the worker's fds and bad ones */
    DIRFD,    /* AT_FDCWD, directory fds, the rest of FD */
    PATH,     /* names in the worker's directory, system paths, bad pointers */
    XPATH,    /* for execve: only what cannot run */
    MNTPATH,  /* mount points: the worker's "d", ".", bad pointers */
    BUFIN,    /* a buffer the kernel reads: BUF, its last byte, read-only, hole, kernel... */
    BUFOUT,   /* a buffer the kernel writes: the same, scanned for kernel pointers after */
    STRUCT,   /* BUFIN holding boundary words */
    LEN,      /* sizes: 0, 1, page boundaries, huge */
    OFF,      /* file offsets */
    OFLAGS,   /* open flags */
    AFLAGS,   /* AT_* flags */
    MODE,     /* permissions and types */
    DEV,      /* device numbers (never a tty or the console) */
    UID,
    PID,      /* 0, self, a child, nonexistent; never 1 */
    KPID,     /* for kill: 0 (own group), self, -self, a child, nonexistent */
    TID,      /* for tkill/tgkill */
    SIG,
    SIGSET,   /* pointer to a signal mask */
    SSZ,      /* sigsetsize */
    SACT,     /* pointer to a struct sigaction */
    STACK,    /* pointer to a stack_t */
    ADDR,     /* a memory target: the scratch area, the worker's mappings, bad addresses */
    MLEN,     /* lengths for memory calls */
    PROT,
    MFLAGS,   /* mmap flags */
    MREMAPF,
    MADV,
    MSF,      /* msync flags */
    BRK,
    TSPEC,    /* pointer to a struct timespec (or timeval), mostly short */
    ITIMER,   /* pointer to a struct itimerval */
    TMO,      /* poll's milliseconds */
    IOV,      /* pointer to iovecs */
    IOVCNT,
    POLLFD,   /* pointer to pollfds */
    NFDS,
    FDSET,
    PIPE,     /* int[2] for pipe/pipe2 */
    WHENCE,
    FCNTL,
    IOCTL,
    FUTOP,
    CLOCK,
    WAITOPT,
    IDTYPE,
    WHO,      /* PRIO_* */
    RUSAGE,   /* RUSAGE_* */
    NICE,
    POLICY,   /* never SCHED_FIFO/RR */
    RES,      /* RLIMIT_* */
    RLIM,     /* pointer to struct rlimit */
    PRCTL,
    ARCHP,
    SYSLOG,
    FSTYPE,
    MNTFLAGS,
    UMNTFLAGS,
    CLONEF,   /* clone flags */
    CLONE3,   /* pointer to struct clone_args */
    C3SIZE,
    ARGV,     /* execve's argv/envp: bad pointers */
    SMALL,    /* 0..8 and a few out-of-range values */
    GRND,
    RENFLAGS,
    RWF,
    HOSTNAME,
};

enum Flags : u8 {
    F_FD = 1,    /* a non-negative result is an fd */
    F_MMAP = 2,  /* a result is a new mapping (address, length in arg 1 or 2) */
    F_PIPE = 4,  /* arg 0 receives two fds */
    F_FORK = 8,  /* a new process or thread returns 0 too: it exits at once */
    F_EXIT = 16, /* ends the worker: rarely */
    F_RARE = 32, /* cheap or dull: an eighth of the others' weight */
    F_64 = 64,   /* no int $0x80 form */
};

struct Call {
    const char* name;
    long nr64;
    long nr32; /* -1: none */
    u8 flags;
    Kind args[6];
};

#define E(name, f, ...) {#name, x64::nr_##name, ia32::nr_##name, f, {__VA_ARGS__}}
#define E2(name, name32, f, ...) {#name, x64::nr_##name, ia32::nr_##name32, f, {__VA_ARGS__}}
#define E64(name, f, ...) {#name, x64::nr_##name, -1, f, {__VA_ARGS__}}

using namespace trapgate;

inline const Call calls[] = {
    E(read, 0, FD, BUFOUT, LEN),
    E(write, 0, FD, BUFIN, LEN),
    E(open, F_FD, PATH, OFLAGS, MODE),
    E(close, 0, FD),
    E(stat, 0, PATH, BUFOUT),
    E(fstat, 0, FD, BUFOUT),
    E(lstat, 0, PATH, BUFOUT),
    E(poll, 0, POLLFD, NFDS, TMO),
    E(lseek, 0, FD, OFF, WHENCE),
    E2(mmap, mmap2, F_MMAP, ADDR, MLEN, PROT, MFLAGS, FD, OFF),
    E(mprotect, 0, ADDR, MLEN, PROT),
    E(munmap, 0, ADDR, MLEN),
    E(brk, 0, BRK),
    E64(rt_sigaction, 0, SIG, SACT, BUFOUT, SSZ),
    E(rt_sigprocmask, 0, SMALL, SIGSET, BUFOUT, SSZ),
    E(ioctl, 0, FD, IOCTL, ANY),
    E(pread64, 0, FD, BUFOUT, LEN, OFF),
    E(pwrite64, 0, FD, BUFIN, LEN, OFF),
    E(readv, 0, FD, IOV, IOVCNT),
    E(writev, 0, FD, IOV, IOVCNT),
    E(access, 0, PATH, SMALL),
    E(pipe, F_PIPE, PIPE),
    E2(select, _newselect, 0, NFDS, FDSET, FDSET, FDSET, TSPEC),
    E(sched_yield, F_RARE),
    E(mremap, F_MMAP, ADDR, MLEN, MLEN, MREMAPF, ADDR),
    E(msync, 0, ADDR, MLEN, MSF),
    E(madvise, 0, ADDR, MLEN, MADV),
    E(dup, F_FD, FD),
    E(dup2, F_FD, FD, FD),
    E(nanosleep, 0, TSPEC, BUFOUT),
    E(getitimer, 0, SMALL, BUFOUT),
    E(alarm, 0, SMALL),
    E(setitimer, 0, SMALL, ITIMER, BUFOUT),
    E(getpid, F_RARE),
    E(sendfile, 0, FD, FD, BUFIN, LEN),
    E(clone, F_FORK, CLONEF, ANY, BUFOUT, BUFOUT, ANY),
    E(fork, F_FORK),
    E(vfork, F_FORK),
    E(execve, 0, XPATH, ARGV, ARGV),
    E(exit, F_EXIT, INT),
    E(wait4, 0, PID, BUFOUT, WAITOPT, BUFOUT),
    E(kill, 0, KPID, SIG),
    E(uname, 0, BUFOUT),
    E(fcntl, F_FD, FD, FCNTL, ANY),
    E(fsync, F_RARE, FD),
    E(fdatasync, F_RARE, FD),
    E(truncate, 0, PATH, OFF),
    E(ftruncate, 0, FD, OFF),
    E(getdents, 0, FD, BUFOUT, LEN),
    E(getcwd, 0, BUFOUT, LEN),
    E(chdir, 0, PATH),
    E(fchdir, 0, FD),
    E(rename, 0, PATH, PATH),
    E(mkdir, 0, PATH, MODE),
    E(rmdir, 0, PATH),
    E(creat, F_FD, PATH, MODE),
    E(link, 0, PATH, PATH),
    E(unlink, 0, PATH),
    E(symlink, 0, PATH, PATH),
    E(readlink, 0, PATH, BUFOUT, LEN),
    E(chmod, 0, PATH, MODE),
    E(fchmod, 0, FD, MODE),
    E2(chown, chown32, 0, PATH, UID, UID),
    E2(fchown, fchown32, 0, FD, UID, UID),
    E2(lchown, lchown32, 0, PATH, UID, UID),
    E(umask, 0, MODE),
    E(gettimeofday, 0, BUFOUT, BUFOUT),
    E2(getrlimit, ugetrlimit, 0, RES, BUFOUT),
    E(getrusage, 0, RUSAGE, BUFOUT),
    E(sysinfo, 0, BUFOUT),
    E(times, 0, BUFOUT),
    E2(getuid, getuid32, F_RARE),
    E(syslog, 0, SYSLOG, BUFOUT, LEN),
    E2(getgid, getgid32, F_RARE),
    E2(setuid, setuid32, 0, UID),
    E2(setgid, setgid32, 0, UID),
    E2(geteuid, geteuid32, F_RARE),
    E2(getegid, getegid32, F_RARE),
    E(getppid, F_RARE),
    E(getpgrp, F_RARE),
    E2(setreuid, setreuid32, 0, UID, UID),
    E2(setregid, setregid32, 0, UID, UID),
    E2(getgroups, getgroups32, 0, INT, BUFOUT),
    E2(setgroups, setgroups32, 0, INT, BUFIN),
    E2(setresuid, setresuid32, 0, UID, UID, UID),
    E2(getresuid, getresuid32, 0, BUFOUT, BUFOUT, BUFOUT),
    E2(setresgid, setresgid32, 0, UID, UID, UID),
    E2(getresgid, getresgid32, 0, BUFOUT, BUFOUT, BUFOUT),
    E(getpgid, 0, PID),
    E(getsid, 0, PID),
    E(rt_sigpending, 0, BUFOUT, SSZ),
    E64(sigaltstack, 0, STACK, BUFOUT),
    E(mknod, 0, PATH, MODE, DEV),
    E(statfs, 0, PATH, BUFOUT),
    E(fstatfs, 0, FD, BUFOUT),
    E(getpriority, 0, WHO, PID),
    E(setpriority, 0, WHO, PID, NICE),
    E(sched_getparam, 0, PID, BUFOUT),
    E(sched_setscheduler, 0, PID, POLICY, STRUCT),
    E(sched_getscheduler, 0, PID),
    E(sched_get_priority_max, F_RARE, POLICY),
    E(sched_get_priority_min, F_RARE, POLICY),
    E(prctl, 0, PRCTL, ANY, ANY, ANY, ANY),
    E(arch_prctl, 0, ARCHP, ANY),
    E(setrlimit, 0, RES, RLIM),
    E(chroot, 0, PATH),
    E(sync, F_RARE),
    E(mount, 0, PATH, MNTPATH, FSTYPE, MNTFLAGS, STRUCT),
    E(umount2, 0, MNTPATH, UMNTFLAGS),
    E(sethostname, 0, HOSTNAME, LEN),
    E(setdomainname, 0, HOSTNAME, LEN),
    E(gettid, F_RARE),
    E(tkill, 0, TID, SIG),
    E(time, 0, BUFOUT),
    E(futex, 0, BUFIN, FUTOP, INT, TSPEC, BUFIN, INT),
    E(sched_setaffinity, 0, PID, LEN, STRUCT),
    E(sched_getaffinity, 0, PID, LEN, BUFOUT),
    E(getdents64, 0, FD, BUFOUT, LEN),
    E(set_tid_address, 0, BUFIN),
    E(clock_gettime, 0, CLOCK, BUFOUT),
    E(clock_getres, 0, CLOCK, BUFOUT),
    E(clock_nanosleep, 0, CLOCK, SMALL, TSPEC, BUFOUT),
    E(exit_group, F_EXIT, INT),
    E(tgkill, 0, TID, TID, SIG),
    E(waitid, 0, IDTYPE, PID, BUFOUT, WAITOPT, BUFOUT),
    E(openat, F_FD, DIRFD, PATH, OFLAGS, MODE),
    E(mkdirat, 0, DIRFD, PATH, MODE),
    E(mknodat, 0, DIRFD, PATH, MODE, DEV),
    E(fchownat, 0, DIRFD, PATH, UID, UID, AFLAGS),
    E2(newfstatat, fstatat64, 0, DIRFD, PATH, BUFOUT, AFLAGS),
    E(unlinkat, 0, DIRFD, PATH, AFLAGS),
    E(renameat, 0, DIRFD, PATH, DIRFD, PATH),
    E(linkat, 0, DIRFD, PATH, DIRFD, PATH, AFLAGS),
    E(symlinkat, 0, PATH, DIRFD, PATH),
    E(readlinkat, 0, DIRFD, PATH, BUFOUT, LEN),
    E(fchmodat, 0, DIRFD, PATH, MODE),
    E(faccessat, 0, DIRFD, PATH, SMALL),
    E(pselect6, 0, NFDS, FDSET, FDSET, FDSET, TSPEC, STRUCT),
    E(ppoll, 0, POLLFD, NFDS, TSPEC, SIGSET, SSZ),
    E(set_robust_list, 0, BUFIN, LEN),
    E(get_robust_list, 0, PID, BUFOUT, BUFOUT),
    E(utimensat, 0, DIRFD, PATH, STRUCT, AFLAGS),
    E(dup3, F_FD, FD, FD, OFLAGS),
    E(pipe2, F_PIPE, PIPE, OFLAGS),
    E(preadv, 0, FD, IOV, IOVCNT, OFF, OFF),
    E(pwritev, 0, FD, IOV, IOVCNT, OFF, OFF),
    E(prlimit64, 0, PID, RES, RLIM, BUFOUT),
    E(syncfs, F_RARE, FD),
    E(renameat2, 0, DIRFD, PATH, DIRFD, PATH, RENFLAGS),
    E(getrandom, 0, BUFOUT, LEN, GRND),
    E(execveat, 0, DIRFD, XPATH, ARGV, ARGV, AFLAGS),
    E(preadv2, 0, FD, IOV, IOVCNT, OFF, OFF, RWF),
    E(pwritev2, 0, FD, IOV, IOVCNT, OFF, OFF, RWF),
    E(statx, 0, DIRFD, PATH, AFLAGS, INT, BUFOUT),
    E(rseq, 0, BUFIN, LEN, SMALL, INT),
    E(clone3, F_FORK, CLONE3, C3SIZE),
    E(faccessat2, 0, DIRFD, PATH, SMALL, AFLAGS),
    E(io_setup, 0, SMALL, BUFOUT),
    E(io_destroy, 0, ANY),
    E(io_submit, 0, ANY, SMALL, BUFIN),
    E(io_getevents, 0, ANY, SMALL, SMALL, BUFOUT, TSPEC),
    E(io_cancel, 0, ANY, BUFIN, BUFOUT),
    E(io_pgetevents, 0, ANY, SMALL, SMALL, BUFOUT, TSPEC, STRUCT),
};

#undef E
#undef E2
#undef E64

inline constexpr int NCALLS = sizeof(calls) / sizeof(calls[0]);

inline const char* entry_name(int entry) { return entry >= 0 && entry < NCALLS ? calls[entry].name : nullptr; }

/*
 * Numbers never made in random-number mode (a random number with random
 * arguments), for the reasons at the top: on x86-64, then on i386.
 */
inline constexpr int no_random_64[] = {
    13 /* rt_sigaction: a random handler */, 15 /* rt_sigreturn */,
    34 /* pause */, 35 /* nanosleep: a random long sleep */,
    56, 57, 58 /* clone fork vfork: made as F_FORK calls only */, 59 /* execve */, 62 /* kill */,
    7 /* poll: a random infinite timeout */, 101 /* ptrace */, 103 /* syslog */, 109 /* setpgid */,
    112 /* setsid */, 129 /* rt_sigqueueinfo */, 130 /* rt_sigsuspend */,
    141 /* setpriority of pid 1 */, 142, 144 /* sched_setparam/setscheduler of pid 1 */, 153 /* vhangup */,
    163 /* acct */, 165, 166 /* mount umount2 */, 167, 168 /* swapon swapoff */, 169 /* reboot */,
    175, 176, 313 /* modules */, 200 /* tkill */, 202 /* futex: an untimed wait */,
    203 /* sched_setaffinity of pid 1 */, 230 /* clock_nanosleep */, 234 /* tgkill */, 246, 320 /* kexec */,
    251 /* ioprio_set */, 256, 279 /* migrate_pages move_pages */,
    297 /* rt_tgsigqueueinfo */, 302 /* prlimit64 of pid 1 */, 160 /* setrlimit: RLIMIT_FSIZE */, 310, 311 /* process_vm_* */,
    314 /* sched_setattr */, 321 /* bpf */, 322 /* execveat */, 424 /* pidfd_send_signal */, 435 /* clone3 */,
};
inline constexpr int no_random_32[] = {
    1 /* exit */, 2 /* fork */, 11 /* execve */, 14 /* mknod */, 21, 22, 52 /* mount umount umount2 */,
    26 /* ptrace */, 29 /* pause */, 37 /* kill */, 48 /* signal */, 51 /* acct */,
    57 /* setpgid */, 66 /* setsid */, 67 /* sigaction */, 72 /* sigsuspend */, 88 /* reboot */,
    97 /* setpriority */, 103 /* syslog */, 111 /* vhangup */, 113, 166 /* vm86 */,
    115 /* swapoff */, 87 /* swapon */, 119 /* sigreturn */, 120 /* clone */, 128, 129, 350 /* modules */,
    154, 156 /* sched_setparam/setscheduler */, 162 /* nanosleep */,
    168 /* poll */, 173 /* rt_sigreturn */, 174 /* rt_sigaction */, 178 /* rt_sigqueueinfo */,
    179 /* rt_sigsuspend */, 190 /* vfork: made as an F_FORK call only */, 238 /* tkill */, 240 /* futex */, 241 /* sched_setaffinity */,
    252 /* exit_group */, 267 /* clock_nanosleep */, 270 /* tgkill */, 283 /* kexec_load */, 289 /* ioprio_set */,
    294, 317 /* migrate_pages move_pages */, 297 /* mknodat */, 335 /* rt_tgsigqueueinfo */, 340 /* prlimit64 */,
    347, 348 /* process_vm_* */, 75 /* setrlimit */, 351 /* sched_setattr */, 357 /* bpf */, 358 /* execveat */,
    407 /* clock_nanosleep_time64 */, 422 /* futex_time64 */, 424 /* pidfd_send_signal */, 435 /* clone3 */,
};

} // namespace fuzz
