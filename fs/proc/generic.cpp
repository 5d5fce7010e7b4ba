/*
 * procfs: the system-wide files (/proc/cpuinfo, meminfo, uptime, loadavg,
 * stat, version, filesystems, swaps, /proc/sys/kernel/...) and the fixed
 * part of the tree they hang in. Formats are Linux's (fs/proc/ sources,
 * arch/x86/kernel/cpu/proc.c), which procps, busybox and libc parse.
 */
#include "internal.h"

#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/tsc.h>
#include <drivers/acpi.h>
#include <linux/fsnotify.h>
#include <linux/elf-randomize.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/random.h>
#include <linux/signal.h>
#include <linux/string.h>
#include <linux/time.h>
#include <uapi/linux/utsname.h>


namespace procfs {

namespace {

int nr_cpus() { return num_online_cpus(); }

/* ---- /proc/cpuinfo ---- */

/* Linux's names (arch/x86/include/asm/cpufeatures.h) for the cpuid bits, by
 * word: nullptr for bits it doesn't show. */
const char* const leaf1_edx[32] = {
    "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", nullptr, "sep", "mtrr", "pge", "mca", "cmov",
    "pat", "pse36", "pn", "clflush", nullptr, "dts", "acpi", "mmx", "fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe",
};
const char* const ext1_edx[32] = {
    nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, "syscall",
    nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, "mp", "nx", nullptr, "mmxext", nullptr,
    nullptr, "fxsr_opt", "pdpe1gb", "rdtscp", nullptr, "lm", "3dnowext", "3dnow",
};
const char* const leaf1_ecx[32] = {
    "pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2", "ssse3", "cid", "sdbg", "fma",
    "cx16", "xtpr", "pdcm", nullptr, "pcid", "dca", "sse4_1", "sse4_2", "x2apic", "movbe", "popcnt",
    "tsc_deadline_timer", "aes", "xsave", nullptr, "avx", "f16c", "rdrand", "hypervisor",
};
const char* const ext1_ecx[32] = {
    "lahf_lm", "cmp_legacy", "svm", "extapic", "cr8_legacy", "abm", "sse4a", "misalignsse", "3dnowprefetch", "osvw",
    "ibs", "xop", "skinit", "wdt", nullptr, "lwp", "fma4", "tce", nullptr, "nodeid_msr", nullptr, "tbm", "topoext",
    "perfctr_core", "perfctr_nb", nullptr, "bpext", "ptsc", "perfctr_llc", "mwaitx", nullptr, nullptr,
};
const char* const leaf7_ebx[32] = {
    "fsgsbase", "tsc_adjust", "sgx", "bmi1", "hle", "avx2", nullptr, "smep", "bmi2", "erms", "invpcid", "rtm", "cqm",
    nullptr, "mpx", "rdt_a", "avx512f", "avx512dq", "rdseed", "adx", "smap", "avx512ifma", nullptr, "clflushopt",
    "clwb", "intel_pt", "avx512pf", "avx512er", "avx512cd", "sha_ni", "avx512bw", "avx512vl",
};
const char* const leaf7_ecx[32] = {
    nullptr, "avx512vbmi", "umip", "pku", "ospke", "waitpkg", "avx512_vbmi2", nullptr, "gfni", "vaes", "vpclmulqdq",
    "avx512_vnni", "avx512_bitalg", "tme", "avx512_vpopcntdq", nullptr, "la57", nullptr, nullptr, nullptr, nullptr,
    nullptr, "rdpid", nullptr, "bus_lock_detect", "cldemote", nullptr, "movdiri", "movdir64b", "enqcmd", "sgx_lc",
    nullptr,
};
const char* const leaf7_edx[32] = {
    nullptr, nullptr, "avx512_4vnniw", "avx512_4fmaps", "fsrm", nullptr, nullptr, nullptr, "avx512_vp2intersect",
    nullptr, "md_clear", nullptr, nullptr, nullptr, "serialize", nullptr, "tsx_ldtrk", nullptr, "pconfig", "arch_lbr",
    "ibt", nullptr, "amx_bf16", "avx512_fp16", "amx_tile", "amx_int8", nullptr, nullptr, "flush_l1d",
    "arch_capabilities", nullptr, nullptr,
};

void put_flags(seqbuf& m, u32 bits, const char* const names[32])
{
    for (int b = 0; b < 32; b++)
        if ((bits >> b) & 1 && names[b])
            m.printf(" %s", names[b]);
}

Result<void> show_cpuinfo(seqbuf& m)
{
    cpuid_regs v0 = cpuid(0);
    u32 max_leaf = v0.eax;
    char vendor[13];
    memcpy(vendor, &v0.ebx, 4);
    memcpy(vendor + 4, &v0.edx, 4);
    memcpy(vendor + 8, &v0.ecx, 4);
    vendor[12] = 0;
    cpuid_regs v1 = cpuid(1);
    unsigned stepping = v1.eax & 0xf;
    unsigned model = (v1.eax >> 4) & 0xf;
    unsigned family = (v1.eax >> 8) & 0xf;
    if (family == 0xf)
        family += (v1.eax >> 20) & 0xff;
    if (family >= 6)
        model += ((v1.eax >> 16) & 0xf) << 4;
    cpuid_regs v7{};
    if (max_leaf >= 7)
        v7 = cpuid(7, 0);
    u32 max_ext = cpuid(0x80000000).eax;
    cpuid_regs e1{};
    if (max_ext >= 0x80000001)
        e1 = cpuid(0x80000001);
    char brand[49] = {};
    if (max_ext >= 0x80000004) {
        for (u32 k = 0; k < 3; k++) {
            cpuid_regs r = cpuid(0x80000002 + k);
            memcpy(brand + 16 * k, &r, 16);
        }
    }
    const char* name = brand;
    while (*name == ' ')
        name++;
    if (!*name)
        name = "unknown";
    unsigned cache_kb = 0;
    if (max_ext >= 0x80000006) {
        cpuid_regs c = cpuid(0x80000006);
        unsigned l3 = ((c.edx >> 18) & 0x3fff) * 512;
        cache_kb = l3 ? l3 : (c.ecx >> 16);
    }
    unsigned phys_bits = 36, virt_bits = 48;
    if (max_ext >= 0x80000008) {
        cpuid_regs a = cpuid(0x80000008);
        phys_bits = a.eax & 0xff;
        virt_bits = (a.eax >> 8) & 0xff;
    }
    unsigned clflush = ((v1.ebx >> 8) & 0xff) * 8;
    int n = nr_cpus();
    for (int cpu = 0; cpu < n; cpu++) {
        m.printf("processor\t: %d\n", cpu);
        m.printf("vendor_id\t: %s\n", vendor);
        m.printf("cpu family\t: %u\n", family);
        m.printf("model\t\t: %u\n", model);
        m.printf("model name\t: %s\n", name);
        m.printf("stepping\t: %u\n", stepping);
        if (tsc_khz)
            m.printf("cpu MHz\t\t: %lu.%03lu\n", tsc_khz / 1000, tsc_khz % 1000);
        if (cache_kb)
            m.printf("cache size\t: %u KB\n", cache_kb);
        m.printf("physical id\t: 0\nsiblings\t: %d\ncore id\t\t: %d\ncpu cores\t: %d\n", n, cpu, n);
        m.printf("apicid\t\t: %u\ninitial apicid\t: %u\n", per_cpu(cpu).apic_id, per_cpu(cpu).apic_id);
        m.printf("fpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: %u\nwp\t\t: yes\n", max_leaf);
        m.puts("flags\t\t:");
        put_flags(m, v1.edx, leaf1_edx);
        put_flags(m, e1.edx, ext1_edx);
        put_flags(m, v1.ecx, leaf1_ecx);
        put_flags(m, e1.ecx, ext1_ecx);
        put_flags(m, v7.ebx, leaf7_ebx);
        put_flags(m, v7.ecx, leaf7_ecx);
        put_flags(m, v7.edx, leaf7_edx);
        m.puts("\nbugs\t\t:\n");
        /* loops_per_jiffy is a TSC tick count here: bogomips = 2 * MHz / 1000 * 1000 */
        m.printf("bogomips\t: %lu.%02lu\n", tsc_khz / 500, (tsc_khz / 5) % 100);
        m.printf("clflush size\t: %u\ncache_alignment\t: %u\n", clflush, clflush ? clflush : 64);
        m.printf("address sizes\t: %u bits physical, %u bits virtual\n", phys_bits, virt_bits);
        m.puts("power management:\n\n");
    }
    return {};
}

/* ---- /proc/meminfo ---- */

void kb(seqbuf& m, const char* label, u64 kbytes) { m.printf("%-16s%8lu kB\n", label, static_cast<unsigned long>(kbytes)); }

/* Resident pages of every address space (shared pages counted once per mm). */
void count_user_pages(u64& anon, u64& file, u64& page_tables)
{
    anon = file = page_tables = 0;
    list_for_each(pos, &task_list) {
        task_struct* t = list_entry(pos, task_struct, tasks);
        if (!t->mm || !thread_group_leader(t))
            continue;
        for (vm_area_struct* v = t->mm->mmap; v; v = v->vm_next) {
            u64 n = 0;
            for_each_present_pte(t->mm->pgd, v->vm_start, v->vm_end, [&](pteval_t*, unsigned long) { n++; });
            (v->vm_file ? file : anon) += n;
        }
    }
}

Result<void> show_meminfo(seqbuf& m)
{
    constexpr u64 K = PAGE_SIZE / 1024;
    u64 total = totalram_pages() * K;
    u64 free = nr_free_pages() * K;
    u64 anon, file, pt;
    count_user_pages(anon, file, pt);
    anon *= K;
    file *= K;
    kb(m, "MemTotal:", total);
    kb(m, "MemFree:", free);
    kb(m, "MemAvailable:", free);
    kb(m, "Buffers:", 0);
    kb(m, "Cached:", 0);
    kb(m, "SwapCached:", 0);
    kb(m, "Active:", anon + file);
    kb(m, "Inactive:", 0);
    kb(m, "Active(anon):", anon);
    kb(m, "Inactive(anon):", 0);
    kb(m, "Active(file):", file);
    kb(m, "Inactive(file):", 0);
    kb(m, "Unevictable:", 0);
    kb(m, "Mlocked:", 0);
    kb(m, "SwapTotal:", 0);
    kb(m, "SwapFree:", 0);
    kb(m, "Dirty:", 0);
    kb(m, "Writeback:", 0);
    kb(m, "AnonPages:", anon);
    kb(m, "Mapped:", file);
    kb(m, "Shmem:", 0);
    kb(m, "KReclaimable:", 0);
    kb(m, "Slab:", 0);
    kb(m, "SReclaimable:", 0);
    kb(m, "SUnreclaim:", 0);
    kb(m, "KernelStack:", 0);
    kb(m, "PageTables:", 0);
    kb(m, "NFS_Unstable:", 0);
    kb(m, "Bounce:", 0);
    kb(m, "WritebackTmp:", 0);
    kb(m, "CommitLimit:", total / 2);
    kb(m, "Committed_AS:", total - free);
    kb(m, "VmallocTotal:", 34359738367ULL);
    kb(m, "VmallocUsed:", 0);
    kb(m, "VmallocChunk:", 0);
    kb(m, "Percpu:", 0);
    kb(m, "HardwareCorrupted:", 0);
    kb(m, "AnonHugePages:", 0);
    kb(m, "ShmemHugePages:", 0);
    kb(m, "ShmemPmdMapped:", 0);
    kb(m, "FileHugePages:", 0);
    kb(m, "FilePmdMapped:", 0);
    m.puts("HugePages_Total:       0\nHugePages_Free:        0\nHugePages_Rsvd:        0\nHugePages_Surp:        0\n");
    kb(m, "Hugepagesize:", 2048);
    kb(m, "Hugetlb:", 0);
    return {};
}

/* ---- uptime, loadavg, stat ---- */

/* Idle time of all CPUs, tick-sampled as Linux's. */
u64 total_idle_ns(u64) { return idle_time_ns(); }

Result<void> show_uptime(seqbuf& m)
{
    u64 now = ktime_get_ns();
    u64 idle = total_idle_ns(now);
    m.printf("%lu.%02lu %lu.%02lu\n", now / 1000000000, now % 1000000000 / 10000000, idle / 1000000000,
             idle % 1000000000 / 10000000);
    return {};
}

struct task_counts {
    int running = 0;
    int threads = 0;
    pid_t last_pid = 0;
};

task_counts count_tasks()
{
    task_counts c;
    list_for_each(pos, &task_list) {
        task_struct* t = list_entry(pos, task_struct, tasks);
        if (t->pid <= 0 || t->exit_state)
            continue;
        c.threads++;
        if (t->state == TASK_RUNNING)
            c.running++;
        if (t->pid > c.last_pid)
            c.last_pid = t->pid;
    }
    return c;
}

Result<void> show_loadavg(seqbuf& m)
{
    task_counts c = count_tasks();
    m.printf("0.00 0.00 0.00 %d/%d %d\n", c.running, c.threads, c.last_pid);
    return {};
}

/* Each CPU's time by kind, as its tick sampled it (Linux's /proc/stat). */
Result<void> show_stat(seqbuf& m)
{
    auto line = [&](const char* name, u64 u, u64 s, u64 idle) {
        m.printf("%s %lu 0 %lu %lu 0 0 0 0 0 0\n", name, nsec_to_clock_t(u), nsec_to_clock_t(s), nsec_to_clock_t(idle));
    };
    u64 user = 0, system = 0, idle = 0, irqs = 0, switches = 0;
    for_each_online_cpu(cpu) {
        const percpu& pc = per_cpu(cpu);
        user += pc.cpustat_user_ns, system += pc.cpustat_system_ns, idle += pc.cpustat_idle_ns;
        irqs += pc.irq_count, switches += pc.nr_switches;
    }
    line("cpu ", user, system, idle);
    for_each_online_cpu(cpu) {
        char name[16];
        snprintf(name, sizeof(name), "cpu%d", cpu);
        const percpu& pc = per_cpu(cpu);
        line(name, pc.cpustat_user_ns, pc.cpustat_system_ns, pc.cpustat_idle_ns);
    }
    task_counts c = count_tasks();
    m.printf("intr %lu\nctxt %lu\nbtime %lu\nprocesses %d\nprocs_running %d\nprocs_blocked 0\n", irqs, switches,
             boot_time_seconds(), c.last_pid, c.running);
    m.puts("softirq 0 0 0 0 0 0 0 0 0 0 0\n");
    return {};
}

/* ---- version, filesystems, swaps ---- */

Result<void> show_version(seqbuf& m)
{
    new_utsname* u = init_utsname();
    m.printf("%s version %s (trapgate@trapgate) (gcc version " __VERSION__ ") %s\n", u->sysname, u->release,
             u->version);
    return {};
}

Result<void> show_filesystems(seqbuf& m)
{
    show_filesystems_list([](void* s, const char* line) { static_cast<seqbuf*>(s)->puts(line); }, &m);
    return {};
}

Result<void> show_swaps(seqbuf& m)
{
    m.puts("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
    return {};
}

/* ---- symlinks at the top ---- */

Result<size_t> link_text(char* buf, size_t size, const char* text)
{
    size_t n = min(strlen(text), size);
    memcpy(buf, text, n);
    return n;
}

Result<size_t> self_link(char* buf, size_t size)
{
    char tmp[24];
    snprintf(tmp, sizeof(tmp), "%d", current->tgid);
    return link_text(buf, size, tmp);
}

Result<size_t> thread_self_link(char* buf, size_t size)
{
    char tmp[48];
    snprintf(tmp, sizeof(tmp), "%d/task/%d", current->tgid, current->pid);
    return link_text(buf, size, tmp);
}

Result<size_t> mounts_link(char* buf, size_t size) { return link_text(buf, size, "self/mounts"); }

/* ---- /proc/sys/kernel ---- */

Result<void> show_hostname(seqbuf& m)
{
    m.printf("%s\n", init_utsname()->nodename);
    return {};
}

Result<void> show_domainname(seqbuf& m)
{
    m.printf("%s\n", init_utsname()->domainname);
    return {};
}

Result<void> show_ostype(seqbuf& m)
{
    m.printf("%s\n", init_utsname()->sysname);
    return {};
}

Result<void> show_osrelease(seqbuf& m)
{
    m.printf("%s\n", init_utsname()->release);
    return {};
}

Result<void> show_kversion(seqbuf& m)
{
    m.printf("%s\n", init_utsname()->version);
    return {};
}

/* Linux's proc_dostring: the text up to a newline, cut to fit. */
size_t set_string(char* dst, const char* data, size_t len)
{
    size_t n = 0;
    while (n < len && data[n] && data[n] != '\n')
        n++;
    n = min<size_t>(n, __NEW_UTS_LEN);
    memcpy(dst, data, n);
    dst[n] = 0;
    return len;
}

Result<size_t> write_hostname(const char* data, size_t len) { return set_string(init_utsname()->nodename, data, len); }
Result<size_t> write_domainname(const char* data, size_t len)
{
    return set_string(init_utsname()->domainname, data, len);
}

Result<void> show_pid_max(seqbuf& m)
{
    m.printf("%d\n", PID_MAX_DEFAULT);
    return {};
}

Result<void> show_threads_max(seqbuf& m)
{
    /* Linux's max_threads, as kernel/fork.cpp computes it. */
    u64 limit = totalram_pages() * PAGE_SIZE / (8 * THREAD_SIZE);
    m.printf("%lu\n", static_cast<unsigned long>(limit < 20 ? 20 : limit));
    return {};
}

Result<void> show_ngroups_max(seqbuf& m)
{
    m.puts("65536\n");
    return {};
}

void put_uuid(seqbuf& m, u8 (&b)[16])
{
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    for (int k = 0; k < 16; k++) {
        if (k == 4 || k == 6 || k == 8 || k == 10)
            m.putc('-');
        m.printf("%02x", b[k]);
    }
    m.putc('\n');
}

Result<void> show_boot_id(seqbuf& m)
{
    static u8 id[16];
    static bool made;
    if (!made) {
        get_random_bytes(id, sizeof(id));
        made = true;
    }
    put_uuid(m, id);
    return {};
}

Result<void> show_uuid(seqbuf& m)
{
    u8 id[16];
    get_random_bytes(id, sizeof(id));
    put_uuid(m, id);
    return {};
}

Result<void> show_randomize_va_space(seqbuf& m)
{
    m.printf("%d\n", READ_ONCE(randomize_va_space));
    return {};
}

/* Linux's proc_dointvec, as its sysctl has it (no range check: any int is
 * taken; 0 turns randomization off, above 1 includes the heap): blanks, an
 * optionally negative number that fits an int, a blank or the end; EINVAL
 * otherwise. */
Result<size_t> write_randomize_va_space(const char* data, size_t len)
{
    size_t i = 0;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n'))
        i++;
    if (i == len)
        return len;
    bool minus = data[i] == '-';
    if (minus)
        i++;
    long v = 0;
    size_t digits = 0;
    for (; i < len && data[i] >= '0' && data[i] <= '9'; i++, digits++) {
        v = v * 10 + (data[i] - '0');
        if (v > 0x80000000L)
            return Errno::EINVAL;
    }
    if (!digits || (i < len && data[i] != ' ' && data[i] != '\t' && data[i] != '\n' && data[i]))
        return Errno::EINVAL;
    if (minus)
        v = -v;
    if (v > 0x7fffffffL)
        return Errno::EINVAL;
    WRITE_ONCE(randomize_va_space, static_cast<int>(v));
    return len;
}

constexpr umode_t R = S_IFREG | 0444, W = S_IFREG | 0644, D = S_IFDIR | 0555, L = S_IFLNK | 0777;
Result<void> show_nr_open(seqbuf& m)
{
    m.printf("%u\n", READ_ONCE(sysctl_nr_open));
    return {};
}
/* Linux's bounds are 64 (BITS_PER_LONG) to 2^31 - 64; a table here grows
 * to NR_OPEN_MAX at most, so that is the top (EINVAL past it). */
Result<size_t> write_nr_open(const char* data, size_t len)
{
    unsigned long v;
    TRY(parse_numbers(data, len, &v, 1));
    if (v < 64 || v > static_cast<unsigned long>(files_struct::NR_OPEN_MAX))
        return Errno::EINVAL;
    WRITE_ONCE(sysctl_nr_open, static_cast<unsigned int>(v));
    return len;
}

enum : int { ROOT = -1, SYS = 11, SYS_KERNEL = 12, SYS_KERNEL_RANDOM = 21, SYS_FS = 24, SYSVIPC = 26, SYS_FS_INOTIFY = 42,
             NET = 46, SYS_KERNEL_KEYS = 54, SYS_FS_MQUEUE = 61 };

} // namespace

/* The fixed tree; a directory's children name it by index (the enum above). */
const static_entry static_entries[] = {
    /* 0 */ {"self", ROOT, L, nullptr, nullptr, self_link},
    /* 1 */ {"thread-self", ROOT, L, nullptr, nullptr, thread_self_link},
    /* 2 */ {"mounts", ROOT, L, nullptr, nullptr, mounts_link},
    /* 3 */ {"cpuinfo", ROOT, R, show_cpuinfo, nullptr, nullptr},
    /* 4 */ {"meminfo", ROOT, R, show_meminfo, nullptr, nullptr},
    /* 5 */ {"uptime", ROOT, R, show_uptime, nullptr, nullptr},
    /* 6 */ {"loadavg", ROOT, R, show_loadavg, nullptr, nullptr},
    /* 7 */ {"stat", ROOT, R, show_stat, nullptr, nullptr},
    /* 8 */ {"version", ROOT, R, show_version, nullptr, nullptr},
    /* 9 */ {"filesystems", ROOT, R, show_filesystems, nullptr, nullptr},
    /* 10 */ {"swaps", ROOT, R, show_swaps, nullptr, nullptr},
    /* 11 */ {"sys", ROOT, D, nullptr, nullptr, nullptr},
    /* 12 */ {"kernel", SYS, D, nullptr, nullptr, nullptr},
    /* 13 */ {"hostname", SYS_KERNEL, W, show_hostname, write_hostname, nullptr},
    /* 14 */ {"domainname", SYS_KERNEL, W, show_domainname, write_domainname, nullptr},
    /* 15 */ {"ostype", SYS_KERNEL, R, show_ostype, nullptr, nullptr},
    /* 16 */ {"osrelease", SYS_KERNEL, R, show_osrelease, nullptr, nullptr},
    /* 17 */ {"version", SYS_KERNEL, R, show_kversion, nullptr, nullptr},
    /* 18 */ {"pid_max", SYS_KERNEL, R, show_pid_max, nullptr, nullptr},
    /* 19 */ {"threads-max", SYS_KERNEL, R, show_threads_max, nullptr, nullptr},
    /* 20 */ {"ngroups_max", SYS_KERNEL, R, show_ngroups_max, nullptr, nullptr},
    /* 21 */ {"random", SYS_KERNEL, D, nullptr, nullptr, nullptr},
    /* 22 */ {"boot_id", SYS_KERNEL_RANDOM, R, show_boot_id, nullptr, nullptr},
    /* 23 */ {"uuid", SYS_KERNEL_RANDOM, R, show_uuid, nullptr, nullptr},
    /* 24 */ {"fs", SYS, D, nullptr, nullptr, nullptr},
    /* 25 */ {"nr_open", SYS_FS, W, show_nr_open, write_nr_open, nullptr},
    /* System V IPC (ipc/proc.cpp) */
    /* 26 */ {"sysvipc", ROOT, D, nullptr, nullptr, nullptr},
    /* 27 */ {"msg", SYSVIPC, R, show_sysvipc_msg, nullptr, nullptr},
    /* 28 */ {"sem", SYSVIPC, R, show_sysvipc_sem, nullptr, nullptr},
    /* 29 */ {"shm", SYSVIPC, R, show_sysvipc_shm, nullptr, nullptr},
    /* 30 */ {"msgmax", SYS_KERNEL, W, show_msgmax, write_msgmax, nullptr},
    /* 31 */ {"msgmnb", SYS_KERNEL, W, show_msgmnb, write_msgmnb, nullptr},
    /* 32 */ {"msgmni", SYS_KERNEL, W, show_msgmni, write_msgmni, nullptr},
    /* 33 */ {"sem", SYS_KERNEL, W, show_sem, write_sem, nullptr},
    /* 34 */ {"shmall", SYS_KERNEL, W, show_shmall, write_shmall, nullptr},
    /* 35 */ {"shmmax", SYS_KERNEL, W, show_shmmax, write_shmmax, nullptr},
    /* 36 */ {"shmmni", SYS_KERNEL, W, show_shmmni, write_shmmni, nullptr},
    /* 37 */ {"randomize_va_space", SYS_KERNEL, W, show_randomize_va_space, write_randomize_va_space, nullptr},
    /* sysctl.cpp */
    /* 38 */ {"pipe-max-size", SYS_FS, W, show_pipe_max_size, write_pipe_max_size, nullptr},
    /* 39 */ {"tainted", SYS_KERNEL, W, show_tainted, write_tainted, nullptr},
    /* 40 */ {"core_pattern", SYS_KERNEL, W, show_core_pattern, write_core_pattern, nullptr},
    /* 41 */ {"ns_last_pid", SYS_KERNEL, W, show_ns_last_pid, write_ns_last_pid, nullptr},
    /* 42 */ {"inotify", SYS_FS, D, nullptr, nullptr, nullptr},
    /* fs/notify/inotify_user.cpp */
    /* 43 */ {"max_queued_events", SYS_FS_INOTIFY, W, show_uint<&inotify_max_queued_events>,
              write_uint_intmax<&inotify_max_queued_events>, nullptr},
    /* 44 */ {"max_user_instances", SYS_FS_INOTIFY, W, show_uint<&inotify_max_user_instances>,
              write_uint_intmax<&inotify_max_user_instances>, nullptr},
    /* 45 */ {"max_user_watches", SYS_FS_INOTIFY, W, show_uint<&inotify_max_user_watches>,
              write_uint_intmax<&inotify_max_user_watches>, nullptr},
    /* net/ipv4/proc.cpp (Linux's /proc/net is self/net; one network namespace here) */
    /* 46 */ {"net", ROOT, D, nullptr, nullptr, nullptr},
    /* 47 */ {"tcp", NET, R, show_net_tcp, nullptr, nullptr},
    /* 48 */ {"udp", NET, R, show_net_udp, nullptr, nullptr},
    /* 49 */ {"tcp6", NET, R, show_net_tcp6, nullptr, nullptr},
    /* 50 */ {"udp6", NET, R, show_net_udp6, nullptr, nullptr},
    /* 51 */ {"dev", NET, R, show_net_dev, nullptr, nullptr},
    /* security/keys/proc.cpp */
    /* 52 */ {"keys", ROOT, R, show_keys, nullptr, nullptr},
    /* 53 */ {"key-users", ROOT, R, show_key_users, nullptr, nullptr},
    /* 54 */ {"keys", SYS_KERNEL, D, nullptr, nullptr, nullptr},
    /* 55 */ {"maxkeys", SYS_KERNEL_KEYS, W, show_uint<&key_quota_maxkeys>, write_uint_intmax<&key_quota_maxkeys>,
              nullptr},
    /* 56 */ {"maxbytes", SYS_KERNEL_KEYS, W, show_uint<&key_quota_maxbytes>, write_uint_intmax<&key_quota_maxbytes>,
              nullptr},
    /* 57 */ {"root_maxkeys", SYS_KERNEL_KEYS, W, show_uint<&key_quota_root_maxkeys>,
              write_uint_intmax<&key_quota_root_maxkeys>, nullptr},
    /* 58 */ {"root_maxbytes", SYS_KERNEL_KEYS, W, show_uint<&key_quota_root_maxbytes>,
              write_uint_intmax<&key_quota_root_maxbytes>, nullptr},
    /* 59 */ {"gc_delay", SYS_KERNEL_KEYS, W, show_uint<&key_gc_delay>, write_uint_intmax<&key_gc_delay>, nullptr},
    /* 60 */ {"persistent_keyring_expiry", SYS_KERNEL_KEYS, W, show_uint<&persistent_keyring_expiry>,
              write_uint_intmax<&persistent_keyring_expiry>, nullptr},
    /* 61 */ {"mqueue", SYS_FS, D, nullptr, nullptr, nullptr},
    /* 62 */ {"msg_default", SYS_FS_MQUEUE, W, show_mq_msg_default, write_mq_msg_default, nullptr},
    /* 63 */ {"msg_max", SYS_FS_MQUEUE, W, show_mq_msg_max, write_mq_msg_max, nullptr},
    /* 64 */ {"msgsize_default", SYS_FS_MQUEUE, W, show_mq_msgsize_default, write_mq_msgsize_default, nullptr},
    /* 65 */ {"msgsize_max", SYS_FS_MQUEUE, W, show_mq_msgsize_max, write_mq_msgsize_max, nullptr},
    /* 66 */ {"queues_max", SYS_FS_MQUEUE, W, show_mq_queues_max, write_mq_queues_max, nullptr},
    /* fs/aio.cpp */
    /* 67 */ {"aio-nr", SYS_FS, R, show_aio_nr, nullptr, nullptr},
    /* 68 */ {"aio-max-nr", SYS_FS, W, show_aio_max_nr, write_aio_max_nr, nullptr},
};
const int nr_static_entries = sizeof(static_entries) / sizeof(static_entries[0]);

} // namespace procfs
