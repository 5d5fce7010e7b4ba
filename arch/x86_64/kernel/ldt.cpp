/*
 * modify_ldt: a process's own segment descriptors (Linux's
 * arch/x86/kernel/ldt.c semantics). An address space may have a local
 * descriptor table of up to 8192 entries; selectors with the TI bit
 * (index * 8 + 4 + 3) name them, in any segment register and in the CS
 * and SS a sigreturn or a far jump loads. Each CPU's GDT has an LDT
 * descriptor (GDT_ENTRY_LDT) that switch_mm points at the incoming
 * address space's table.
 *
 * A write makes a new table (the old entries, the new one), publishes it in
 * mm->ldt and makes every CPU running the address space load it (the
 * cross-CPU flush request, which reloads the LDT too), then frees the old
 * one: a CPU never sees a table change under it. A segment register still
 * holding a selector whose descriptor went away faults when user mode next
 * loads it, or at the iret that reloads SS and CS (bad_iret: SIGSEGV).
 */
#include <asm/ia32.h>
#include <asm/percpu.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscalls.h>
#include <asm/pgtable.h>

constexpr unsigned LDT_ENTRIES = 8192;
constexpr unsigned LDT_ENTRY_SIZE = 8;

struct ldt_struct {
    u64* entries;
    unsigned nr_entries;
    unsigned order; /* of the pages entries is */
};

bool ldt_ever_used;

namespace {

/* Serializes writers: the copy, the switch of mm->ldt and the CPUs' reload. */
mutex ldt_mutex("ldt_mutex");

unsigned order_for(unsigned nr_entries)
{
    unsigned long bytes = static_cast<unsigned long>(nr_entries) * LDT_ENTRY_SIZE;
    unsigned order = 0;
    while ((PAGE_SIZE << order) < bytes)
        order++;
    return order;
}

ldt_struct* alloc_ldt(unsigned nr_entries)
{
    auto* l = static_cast<ldt_struct*>(kzalloc(sizeof(ldt_struct)));
    if (!l)
        return nullptr;
    l->order = order_for(nr_entries);
    page* p = alloc_pages(l->order);
    if (!p) {
        kfree(l);
        return nullptr;
    }
    l->entries = static_cast<u64*>(page_address(p));
    memset(l->entries, 0, PAGE_SIZE << l->order);
    l->nr_entries = nr_entries;
    return l;
}

void free_ldt(ldt_struct* l)
{
    if (!l)
        return;
    __free_pages(virt_to_page(l->entries), l->order);
    kfree(l);
}

void lldt(u16 sel) { asm volatile("lldt %0" : : "rm"(sel) : "memory"); }

} // namespace

void load_mm_ldt(const mm_struct* mm)
{
    const ldt_struct* l = mm ? __atomic_load_n(&mm->ldt, __ATOMIC_ACQUIRE) : nullptr;
    percpu* pc = this_cpu();
    if (!l) {
        if (pc->ldt_loaded) {
            lldt(0);
            pc->ldt_loaded = nullptr;
        }
        return;
    }
    /* A 16-byte system descriptor: type 2 (LDT), present, DPL 0. */
    auto base = reinterpret_cast<u64>(l->entries);
    u64 limit = static_cast<u64>(l->nr_entries) * LDT_ENTRY_SIZE - 1;
    pc->gdt[GDT_ENTRY_LDT] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x82ULL << 40) |
                             (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    pc->gdt[GDT_ENTRY_LDT + 1] = base >> 32;
    lldt(GDT_ENTRY_LDT * 8);
    pc->ldt_loaded = l;
}

bool ldt_dup_context(const mm_struct* old, mm_struct* mm)
{
    mm->ldt = nullptr;
    const ldt_struct* l = old->ldt;
    if (!l)
        return true;
    ldt_struct* copy = alloc_ldt(l->nr_entries);
    if (!copy)
        return false;
    memcpy(copy->entries, l->entries, l->nr_entries * LDT_ENTRY_SIZE);
    mm->ldt = copy;
    return true;
}

void destroy_context_ldt(mm_struct* mm)
{
    if (!mm->ldt)
        return;
    /* The last user is gone; this CPU may still have the table loaded. */
    u64 flags = local_irq_save();
    if (this_cpu()->ldt_loaded == mm->ldt)
        load_mm_ldt(nullptr);
    local_irq_restore(flags);
    free_ldt(mm->ldt);
    mm->ldt = nullptr;
}

namespace {

/* n zero bytes at ptr (EFAULT if any could not be written). */
Result<void> zero_user(user_inout_ptr<u8> ptr, unsigned long n)
{
    if (clear_user(ptr.cast<void>(), n))
        return Errno::EFAULT;
    return {};
}

/* func 0: the table's bytes, zeros after its end, up to bytecount (at most
 * the 64 KiB a full table has); returns bytecount. */
Result<long> read_ldt(user_inout_ptr<u8> ptr, unsigned long bytecount)
{
    mutex_lock(&ldt_mutex);
    const ldt_struct* l = current->mm->ldt;
    if (!l) {
        mutex_unlock(&ldt_mutex);
        return 0;
    }
    bytecount = min<unsigned long>(bytecount, LDT_ENTRIES * LDT_ENTRY_SIZE);
    unsigned long size = min<unsigned long>(static_cast<unsigned long>(l->nr_entries) * LDT_ENTRY_SIZE, bytecount);
    Result<void> r = copy_to_user(ptr, reinterpret_cast<const u8*>(l->entries), size);
    mutex_unlock(&ldt_mutex);
    TRY(r);
    if (size != bytecount)
        TRY(zero_user(ptr + size, bytecount - size));
    return static_cast<long>(bytecount);
}

/* func 2: the "default LDT", which on x86-64 is 128 bytes of zeros. */
Result<long> read_default_ldt(user_inout_ptr<u8> ptr, unsigned long bytecount)
{
    bytecount = min<unsigned long>(bytecount, 128);
    TRY(zero_user(ptr, bytecount));
    return static_cast<long>(bytecount);
}

/* funcs 1 (old mode: no "useable" bit, base and limit 0 clear) and 0x11. */
Result<long> write_ldt(user_inout_ptr<user_desc> ptr, unsigned long bytecount, bool oldmode)
{
    if (bytecount != sizeof(user_desc))
        return Errno::EINVAL;
    user_desc info = TRY(get_user(ptr));
    if (info.entry_number >= LDT_ENTRIES)
        return Errno::EINVAL;
    if (info.contents == 3 && (oldmode || !info.seg_not_present))
        return Errno::EINVAL;
    u64 desc = 0;
    if (!((oldmode && !info.base_addr && !info.limit) || desc_is_empty(info))) {
        /* No 16-bit segments: the reference Linux refuses them (its
         * allow_16bit_segments(); an iret to one would leak the kernel
         * stack's high bits without espfix). */
        if (!info.seg_32bit)
            return Errno::EINVAL;
        desc = fill_desc(info);
        if (oldmode)
            desc &= ~(1ULL << 52); /* no AVL */
    }
    mm_struct* mm = current->mm;
    mutex_lock(&ldt_mutex);
    ldt_struct* old = mm->ldt;
    unsigned nr = old ? max(old->nr_entries, info.entry_number + 1) : info.entry_number + 1;
    ldt_struct* l = alloc_ldt(nr);
    if (!l) {
        mutex_unlock(&ldt_mutex);
        return Errno::ENOMEM;
    }
    if (old)
        memcpy(l->entries, old->entries, old->nr_entries * LDT_ENTRY_SIZE);
    l->entries[info.entry_number] = desc;
    WRITE_ONCE(ldt_ever_used, true);
    __atomic_store_n(&mm->ldt, l, __ATOMIC_SEQ_CST);
    /* Every CPU that has mm loaded reloads its LDT before the old table
     * goes: this one now, the others through the flush request. */
    u64 flags = local_irq_save();
    load_mm_ldt(mm);
    local_irq_restore(flags);
    flush_tlb_mm_others(mm);
    free_ldt(old);
    mutex_unlock(&ldt_mutex);
    return 0;
}

Result<long> do_modify_ldt(int func, user_inout_ptr<void> ptr, unsigned long bytecount)
{
    switch (func) {
    case 0:
        return read_ldt(ptr.cast<u8>(), bytecount);
    case 1:
        return write_ldt(ptr.cast<user_desc>(), bytecount, true);
    case 2:
        return read_default_ldt(ptr.cast<u8>(), bytecount);
    case 0x11:
        return write_ldt(ptr.cast<user_desc>(), bytecount, false);
    default:
        return Errno::ENOSYS;
    }
}

} // namespace

/* Linux's modify_ldt returns an int: the result is cut to 32 bits and
 * zero-extended, so an error reaches a 64-bit caller as 0xffffffea, not -22
 * (callers read it as int). Same for both ABIs. */
SYSCALL_DEFINE3(modify_ldt, int, func, user_inout_ptr<void>, ptr, unsigned long, bytecount)
{
    Result<long> r = do_modify_ldt(func, ptr, bytecount);
    long v = r.ok() ? r.value() : errno_return(r.error());
    return static_cast<long>(static_cast<unsigned int>(v));
}

u64 ldt_descriptor(const mm_struct* mm, unsigned idx)
{
    if (!mm)
        return 0;
    mutex_lock(&ldt_mutex); /* mm->ldt is not replaced and freed meanwhile */
    const ldt_struct* l = mm->ldt;
    u64 d = l && idx < l->nr_entries ? l->entries[idx] : 0;
    mutex_unlock(&ldt_mutex);
    return d;
}
