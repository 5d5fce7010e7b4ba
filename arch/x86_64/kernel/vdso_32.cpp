/*
 * The i386 vDSO (arch/x86_64/entry/vdso/vdso32/): mapped into every i386
 * program, [vvar] then [vdso] wherever mmap would put them (Linux maps the
 * 32-bit one without the 64-bit one's placement near the stack), found
 * through AT_SYSINFO_EHDR, with __kernel_vsyscall as AT_SYSINFO. The C
 * library's system calls go through __kernel_vsyscall, which enters by
 * SYSCALL from compatibility mode (entry_SYSCALL_compat, do_fast_syscall_32)
 * (or SYSENTER on Intel's CPUs) and comes back to its landing pad; the
 * kernel remembers where the image
 * is (mm->vdso, moved by mremap) to find the pad and the signal trampolines.
 */
#include <asm/ia32.h>
#include <asm/processor.h>
#include <asm/vdso.h>
#include <linux/mm.h>
#include <vdso32-offsets.h> /* generated from the image's symbols (cmake/vdso.cmake) */

extern "C" const u8 vdso32_image_start[], vdso32_image_end[];

static_assert(VDSO32_SYM_int80_landing_pad == VDSO32_SYM_vdso32_int80 + 2, "int $0x80 right before the pad");
static_assert(VDSO32_SYM_vdso32_int80 == VDSO32_SYM_vdso32_syscall_sequence + 4, "movl %ecx, %ebp; syscall");
static_assert(VDSO32_SYM_int80_landing_pad < PAGE_SIZE, "the patch is in the image's first page");

namespace {

/* SYSCALL works in compatibility mode on AMD's CPUs (and QEMU's, which say
 * AuthenticAMD); Intel's raise #UD there but have SYSENTER, which is what
 * Linux's vDSO uses on them: the sequence becomes "movl %esp, %ebp;
 * sysenter" (entry_SYSENTER_compat, entry_64_compat.S), as long as the
 * SYSCALL one. */
bool cpu_has_syscall32()
{
    auto v = cpuid(0);
    return v.ebx == 0x68747541 && v.edx == 0x69746e65 && v.ecx == 0x444d4163; /* "AuthenticAMD" */
}

void patch_syscall_sequence(u8* image)
{
    if (cpu_has_syscall32())
        return;
    static constexpr u8 sysenter_sequence[4] = {0x89, 0xe5, 0x0f, 0x34};
    for (int i = 0; i < 4; i++)
        image[VDSO32_SYM_vdso32_syscall_sequence + i] = sysenter_sequence[i];
}

} // namespace

vdso_image vdso_image_32{vdso32_image_start, vdso32_image_end, nullptr, 0, patch_syscall_sequence};

void ia32_setup_additional_pages(mm_struct* mm, unsigned long& base, unsigned long& entry)
{
    base = map_vdso(mm, 0, vdso_image_32);
    mm->vdso = base;
    entry = base ? base + VDSO32_SYM___kernel_vsyscall : 0;
}

unsigned long vdso32_landing_pad(const mm_struct* mm)
{
    return mm->vdso ? mm->vdso + VDSO32_SYM_int80_landing_pad : 0;
}

unsigned long vdso32_sigreturn(const mm_struct* mm, bool rt)
{
    if (!mm->vdso)
        return 0;
    return mm->vdso + (rt ? VDSO32_SYM___kernel_rt_sigreturn : VDSO32_SYM___kernel_sigreturn);
}

bool vdso32_is_image(const vm_area_struct* vma) { return vma->vm_file && vma->vm_file == vdso_image_32.file; }
