/*
 * I/O port permissions for user mode, as Linux 6.1 gives them
 * (arch/x86/kernel/ioport.c, CONFIG_X86_IOPL_IOPERM):
 *   - ioperm(from, num, on): a per-task bitmap of the 65536 ports, shared by
 *     fork (copied before a change), kept across execve; turning ports on
 *     needs CAP_SYS_RAWIO.
 *   - iopl(level): not the EFLAGS.IOPL field (user mode would then also run
 *     cli and sti) but an emulation: level 3 allows every port through the
 *     bitmap, and the #GP of cli/sti is skipped (traps.cpp). Raising the
 *     level needs CAP_SYS_RAWIO.
 * The CPU checks the bitmap in the TSS: the switch copies the next task's
 * there, or makes the TSS's bitmap offset invalid (every port denied).
 */
#include <asm/desc.h>
#include <asm/ioport.h>
#include <asm/processor.h>
#include <linux/cred.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syscalls.h>
#include <uapi/linux/capability.h>

struct io_bitmap {
    int refcount; /* tasks sharing it: fork shares, a change copies first */
    u8 bits[IO_BITMAP_BYTES]; /* bit set = port denied, the CPU's sense */
};

namespace {

/* Loads t's permissions into the TSS (interrupts off: the TSS is this CPU's). */
void load_io_bitmap(task_struct* t)
{
    tss_io_bitmap tss = cpu_tss_io_bitmap();
    if (t->thread.iopl_emul == 3) {
        memset(tss.bits, 0, IO_BITMAP_BYTES);
        *tss.base = tss.valid_offset;
    } else if (t->thread.io_bitmap) {
        memcpy(tss.bits, t->thread.io_bitmap->bits, IO_BITMAP_BYTES);
        *tss.base = tss.valid_offset;
    } else {
        *tss.base = tss.invalid_offset;
    }
}

bool has_io_permissions(const task_struct* t) { return t->thread.io_bitmap || t->thread.iopl_emul == 3; }

} // namespace

void switch_io_bitmap(task_struct* prev, task_struct* next)
{
    if (has_io_permissions(prev) || has_io_permissions(next))
        load_io_bitmap(next);
}

void io_bitmap_share(task_struct* child)
{
    if (child->thread.io_bitmap)
        child->thread.io_bitmap->refcount++;
}

void io_bitmap_exit(task_struct* t)
{
    io_bitmap* bm = t->thread.io_bitmap;
    t->thread.io_bitmap = nullptr;
    if (bm && --bm->refcount == 0)
        kfree(bm);
}

bool fixup_iopl_exception(pt_regs* regs)
{
    /* Only for the iopl(3) emulation: cli (0xfa) and sti (0xfb) become NOPs. */
    if (current->thread.iopl_emul != 3 || !user_mode(*regs))
        return false;
    auto insn = get_user(user_in_ptr<const u8>(regs->ip));
    if (!insn.ok() || (insn.value() != 0xfa && insn.value() != 0xfb))
        return false;
    if (!current->thread.iopl_warn) {
        current->thread.iopl_warn = true;
        printk("traps: %s[%d] attempts to use CLI/STI, pretending it's a NOP, ip:%lx\n", current->comm,
               current->pid, regs->ip);
    }
    regs->ip += 1;
    return true;
}

SYSCALL_DEFINE3(ioperm, unsigned long, from, unsigned long, num, int, turn_on)
{
    if (from + num <= from || from + num > IO_BITMAP_BITS)
        return Errno::EINVAL;
    if (turn_on && !capable(CAP_SYS_RAWIO))
        return Errno::EPERM;
    task_struct* t = current;
    io_bitmap* bm = t->thread.io_bitmap;
    if (!bm) {
        if (!turn_on)
            return 0; /* nothing allowed, nothing to take away */
        bm = static_cast<io_bitmap*>(kmalloc(sizeof(io_bitmap)));
        if (!bm)
            return Errno::ENOMEM;
        memset(bm->bits, 0xff, IO_BITMAP_BYTES);
        bm->refcount = 1;
    } else if (bm->refcount > 1) {
        /* Shared with a parent or child since fork: change a copy. */
        auto* copy = static_cast<io_bitmap*>(kmalloc(sizeof(io_bitmap)));
        if (!copy)
            return Errno::ENOMEM;
        memcpy(copy->bits, bm->bits, IO_BITMAP_BYTES);
        copy->refcount = 1;
        bm->refcount--;
        bm = copy;
    }
    for (unsigned long port = from; port < from + num; port++) {
        u8 mask = static_cast<u8>(1u << (port % 8));
        if (turn_on)
            bm->bits[port / 8] &= static_cast<u8>(~mask);
        else
            bm->bits[port / 8] |= mask;
    }
    u64 flags = local_irq_save(); /* the TSS and this task's pointer change together */
    t->thread.io_bitmap = bm;
    load_io_bitmap(t);
    local_irq_restore(flags);
    return 0;
}

SYSCALL_DEFINE1(iopl, unsigned int, level)
{
    task_struct* t = current;
    if (level > 3)
        return Errno::EINVAL;
    if (level > t->thread.iopl_emul && !capable(CAP_SYS_RAWIO))
        return Errno::EPERM;
    u64 flags = local_irq_save(); /* as in ioperm: the TSS follows the task's level */
    t->thread.iopl_emul = static_cast<u8>(level);
    load_io_bitmap(t);
    local_irq_restore(flags);
    return 0;
}
