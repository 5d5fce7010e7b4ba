/*
 * The vDSO's data page, [vvar]: the kernel writes it, every process maps it
 * read-only just below [vdso], whose code (arch/x86_64/entry/vdso/) reads
 * the clocks from it without a system call. The fields are the kernel's own
 * clock (kernel/time/timekeeping.cpp), so both give the same nanoseconds:
 *
 *     CLOCK_MONOTONIC = ((rdtsc - tsc_at_boot) * tsc_to_ns_mult) >> 32
 *     CLOCK_REALTIME  = CLOCK_MONOTONIC + realtime_offset_ns
 *
 * seq is odd while the kernel changes the rest (Linux's vdso_data seqcount);
 * readers retry until they see the same even value before and after.
 */
#pragma once
#include <linux/types.h>

constexpr unsigned long VVAR_SIZE = 4096;

struct vdso_data {
    u32 seq;
    u32 pad;
    u64 tsc_at_boot;
    u64 tsc_to_ns_mult;
    s64 realtime_offset_ns;
};
static_assert(sizeof(vdso_data) == 32);
static_assert(sizeof(vdso_data) <= VVAR_SIZE);

#ifdef __KERNEL__
struct inode;
struct mm_struct;
struct vm_area_struct;

/* A vDSO image the kernel carries (the 64-bit one, and the i386 one of
 * vdso_32.cpp) and the in-memory file its pages live in, made at the first
 * exec that maps it. */
struct vdso_image {
    const u8* data;
    const u8* data_end;
    inode* file;
    unsigned long len; /* page-aligned */
    /* Changes the file's first copy of the image (the i386 one patches the
     * SYSCALL pair out on CPUs without it); may be null. */
    void (*fixup)(u8* image);
};
extern vdso_image vdso_image_32;

/* Maps [vvar] and image right above it at addr (0: wherever mmap would
 * put it); returns the image's address, 0 when that fails. */
unsigned long map_vdso(mm_struct* mm, unsigned long addr, vdso_image& image);
/* Maps [vvar] and [vdso] into a new address space; returns the vDSO's address (AT_SYSINFO_EHDR). */
unsigned long arch_setup_additional_pages(mm_struct* mm);
/* The name /proc/PID/maps gives a special area, or null. */
const char* arch_vma_name(const vm_area_struct* vma);
/* Publishes a new CLOCK_REALTIME offset to the vDSO (settimeofday). */
void vdso_update_realtime(s64 realtime_offset_ns);
#endif
