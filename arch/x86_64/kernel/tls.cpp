/*
 * Thread-local storage segments for 32-bit code (Linux's arch/x86/kernel/tls.c
 * semantics): set_thread_area fills one of three per-task descriptors, which
 * the context switch copies into the GDT slots GDT_ENTRY_TLS_MIN..MAX of
 * the CPU; a program then loads the selector (idx * 8 + 3) into %gs (glibc
 * and musl on i386) or %fs. get_thread_area reads one back.
 */
#include <asm/ia32.h>
#include <asm/processor.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/syscalls.h>

/* The "empty" description user space passes to clear a slot (Linux's LDT_empty). */
bool desc_is_empty(const user_desc& u)
{
    return u.base_addr == 0 && u.limit == 0 && u.contents == 0 && u.read_exec_only == 1 && u.seg_32bit == 0 &&
           u.limit_in_pages == 0 && u.seg_not_present == 1 && u.useable == 0 && u.lm == 0;
}

/* The all-zero description, which clears a slot too (Linux's LDT_zero). */
bool desc_is_zero(const user_desc& u)
{
    return u.base_addr == 0 && u.limit == 0 && u.contents == 0 && u.read_exec_only == 0 && u.seg_32bit == 0 &&
           u.limit_in_pages == 0 && u.seg_not_present == 0 && u.useable == 0 && u.lm == 0;
}

namespace {

/* Linux's tls_desc_okay: only present, 32-bit data segments (or a clear). */
bool tls_desc_okay(const user_desc& u)
{
    if (desc_is_empty(u) || desc_is_zero(u))
        return true;
    return u.seg_32bit && u.contents <= 1 && !u.seg_not_present;
}

} // namespace

/* The descriptor for u (Linux's fill_ldt): DPL 3, accessed, and never a
 * 64-bit (L) segment, whatever lm says (Linux ignores it too). */
u64 fill_desc(const user_desc& u)
{
    u64 base = u.base_addr, limit = u.limit;
    u64 type = ((u.read_exec_only ^ 1u) << 1) | (static_cast<u64>(u.contents) << 2) | 1;
    return (limit & 0xffff) | ((base & 0xffffff) << 16) | (type << 40) | (1ULL << 44) | (3ULL << 45) |
           (static_cast<u64>(u.seg_not_present ^ 1u) << 47) | (((limit >> 16) & 0xf) << 48) |
           (static_cast<u64>(u.useable) << 52) | (static_cast<u64>(u.seg_32bit) << 54) |
           (static_cast<u64>(u.limit_in_pages) << 55) | (((base >> 24) & 0xff) << 56);
}

namespace {

user_desc desc_to_user(int idx, u64 d)
{
    user_desc u{};
    u.entry_number = static_cast<u32>(idx);
    u.base_addr = static_cast<u32>(((d >> 16) & 0xffffff) | (((d >> 56) & 0xff) << 24));
    u.limit = static_cast<u32>((d & 0xffff) | (((d >> 48) & 0xf) << 16));
    u.seg_32bit = (d >> 54) & 1;
    u.contents = (d >> 42) & 3;
    u.read_exec_only = !((d >> 41) & 1);
    u.limit_in_pages = (d >> 55) & 1;
    u.seg_not_present = !((d >> 47) & 1);
    u.useable = (d >> 52) & 1;
    u.lm = (d >> 53) & 1;
    return u;
}

u32 desc_base(u64 d) { return static_cast<u32>(((d >> 16) & 0xffffff) | (((d >> 56) & 0xff) << 24)); }

/* A segment register that names the changed slot is loaded again, so that
 * it has the new base; one whose slot became unusable is loaded with null
 * (Linux's loadsegment fixup does the same). Interrupts are off. */
void reload_if_used(unsigned short sel)
{
    unsigned short ds, es, fs, gs;
    asm volatile("movw %%ds, %0" : "=r"(ds));
    asm volatile("movw %%es, %0" : "=r"(es));
    asm volatile("movw %%fs, %0" : "=r"(fs));
    asm volatile("movw %%gs, %0" : "=r"(gs));
    unsigned short now = checked_data_selector(sel);
    if (ds == sel) {
        asm volatile("movw %0, %%ds" : : "r"(now) : "memory");
        current->thread.ds = now;
    }
    if (es == sel) {
        asm volatile("movw %0, %%es" : : "r"(now) : "memory");
        current->thread.es = now;
    }
    if (fs == sel) {
        asm volatile("movw %0, %%fs" : : "r"(now) : "memory");
        current->thread.fsindex = now;
    }
    if (gs == sel) {
        /* swapgs around the load, so that it sets the user's base (see process.cpp). */
        asm volatile("swapgs\n\tmovw %0, %%gs\n\tswapgs" : : "r"(now) : "memory");
        current->thread.gsindex = now;
    }
}

} // namespace

/* Is sel a selector a data segment register may hold in user mode (null, or
 * a present DPL-3 data or readable code segment)? A bad one becomes null,
 * as Linux's loadsegment fixup makes it. */
u16 checked_data_selector(u16 sel)
{
    sel |= 3;
    if ((sel & ~3) == 0)
        return 0;
    u32 ar;
    asm volatile("lar %[sel], %[ar]\n\t"
                 "jz 1f\n\t"
                 "xorl %[ar], %[ar]\n"
                 "1:"
                 : [ar] "=r"(ar)
                 : [sel] "r"(static_cast<u32>(sel))
                 : "cc");
    constexpr u32 P = 1u << 15, S = 1u << 12, DPL3 = 3u << 13, CODE = 1u << 11, READABLE = 1u << 9;
    if (!(ar & P) || !(ar & S) || (ar & DPL3) != DPL3)
        return 0;
    if ((ar & CODE) && !(ar & READABLE))
        return 0;
    return sel;
}


void load_TLS(const task_struct* t)
{
    u64* gdt = this_cpu()->gdt;
    for (int i = 0; i < GDT_ENTRY_TLS_ENTRIES; i++)
        gdt[GDT_ENTRY_TLS_MIN + i] = t->thread.tls_array[i];
}

/* Interrupts are off when t is current (start_thread_common): the slots
 * and the selectors naming them change together. */
void flush_tls(task_struct* t)
{
    memset(t->thread.tls_array, 0, sizeof(t->thread.tls_array));
    t->thread.tls_used = false;
    if (t == current)
        load_TLS(t);
}

Result<void> do_set_thread_area(task_struct* p, int idx, user_inout_ptr<user_desc> uinfo, bool can_allocate)
{
    user_desc u = TRY(get_user(uinfo));
    if (!tls_desc_okay(u))
        return Errno::EINVAL;
    if (idx == -1)
        idx = static_cast<int>(u.entry_number);
    if (idx == -1 && can_allocate) {
        idx = -1;
        for (int i = 0; i < GDT_ENTRY_TLS_ENTRIES; i++)
            if (!p->thread.tls_array[i]) {
                idx = GDT_ENTRY_TLS_MIN + i;
                break;
            }
        if (idx == -1)
            return Errno::ESRCH;
        TRY(put_user(static_cast<u32>(idx), uinfo.cast<u32>()));
    }
    if (idx < GDT_ENTRY_TLS_MIN || idx > GDT_ENTRY_TLS_MAX)
        return Errno::EINVAL;
    u64 d = desc_is_empty(u) || desc_is_zero(u) ? 0 : fill_desc(u);
    auto sel = static_cast<unsigned short>(idx * 8 + 3);
    auto set_slot = [&] {
        p->thread.tls_array[idx - GDT_ENTRY_TLS_MIN] = d;
        p->thread.tls_used = p->thread.tls_array[0] || p->thread.tls_array[1] || p->thread.tls_array[2];
    };
    if (p == current) {
        /* The slot, this CPU's GDT and the segment registers change with
         * interrupts off: a switch in between would save a selector naming
         * a slot just cleared and fault loading it back (and the switch's
         * "neither task has TLS" shortcut relies on the GDT matching). */
        u64 flags = local_irq_save();
        set_slot();
        load_TLS(p);
        reload_if_used(sel);
        local_irq_restore(flags);
    } else {
        /* A child not yet run: its saved bases follow the new descriptor. */
        set_slot();
        if (p->thread.fsindex == sel)
            p->thread.fsbase = desc_base(d);
        if (p->thread.gsindex == sel)
            p->thread.gsbase = desc_base(d);
    }
    return {};
}

SYSCALL_DEFINE1(set_thread_area, user_inout_ptr<user_desc>, u_info)
{
    return do_set_thread_area(current, -1, u_info, true);
}

Result<void> do_get_thread_area(task_struct* p, int idx, user_inout_ptr<user_desc> u_info)
{
    if (idx == -1)
        idx = static_cast<int>(TRY(get_user(u_info.cast<u32>())));
    if (idx < GDT_ENTRY_TLS_MIN || idx > GDT_ENTRY_TLS_MAX)
        return Errno::EINVAL;
    user_desc u = desc_to_user(idx, p->thread.tls_array[idx - GDT_ENTRY_TLS_MIN]);
    return put_user(u, u_info);
}

SYSCALL_DEFINE1(get_thread_area, user_inout_ptr<user_desc>, u_info)
{
    return do_get_thread_area(current, -1, u_info);
}

unsigned long x86_fsgsbase_read_task(const task_struct* t, u16 sel)
{
    unsigned idx = sel >> 3;
    if (sel & 4)
        return desc_base(ldt_descriptor(t->mm, idx));
    /* No user segment of the GDT has a base but the TLS slots. */
    if (idx < GDT_ENTRY_TLS_MIN || idx > GDT_ENTRY_TLS_MAX)
        return 0;
    return desc_base(t->thread.tls_array[idx - GDT_ENTRY_TLS_MIN]);
}
