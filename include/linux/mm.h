/*
 * Address spaces. An mm_struct is a process's user half: its page table and
 * its areas (vm_area_struct), kept twice as Linux kept them before 6.1: in a
 * tree of address ranges (lib/range_tree.h) that finds the area at an address
 * and the free gaps in O(log n), and in a sorted list for walking them in
 * order. Adjacent compatible areas merge, as on Linux. Pages arrive on demand: a fault in an
 * area maps a zeroed page (anonymous) or the file's page-cache page (file
 * mappings), and a write to a page shared after fork or from the page cache
 * copies it first (copy-on-write).
 */
#pragma once
#include <linux/cpumask.h>
#include <asm/page.h>
#include <asm/ptrace.h>
#include <linux/result.h>
#include <linux/types.h>
#include "../../lib/range_tree.h"

struct inode;
struct page;

/* vm_flags, Linux's values. */
constexpr unsigned long VM_READ = 0x1;
constexpr unsigned long VM_WRITE = 0x2;
constexpr unsigned long VM_EXEC = 0x4;
constexpr unsigned long VM_SHARED = 0x8;
/* What mprotect may add later: a shared mapping of a file opened read-only
 * never gets VM_MAYWRITE (EACCES). */
constexpr unsigned long VM_MAYREAD = 0x10;
constexpr unsigned long VM_MAYWRITE = 0x20;
constexpr unsigned long VM_MAYEXEC = 0x40;
constexpr unsigned long VM_MAY_ALL = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
constexpr unsigned long VM_GROWSDOWN = 0x100;
constexpr unsigned long VM_LOCKED = 0x2000;         /* mlock: its pages stay in memory (mm/mlock.cpp) */
constexpr unsigned long VM_LOCKONFAULT = 0x80000;   /* mlock2(MLOCK_ONFAULT): locked as they are touched */
constexpr unsigned long VM_DONTCOPY = 0x20000;      /* madvise(MADV_DONTFORK): fork leaves it out */
constexpr unsigned long VM_WIPEONFORK = 0x2000000;  /* madvise(MADV_WIPEONFORK): the child's copy is empty */

struct vm_area_struct;

/* What a kind of mapped object does when an area of it appears (mmap, fork,
 * a split) or goes (munmap, exit, exec): set on the object's inode
 * (inode::i_vm_ops), since every area of it has the inode as vm_file.
 * System V shm counts its attaches this way (ipc/shm.cpp). An area whose
 * object has a close never merges with a neighbour (Linux's rule). */
struct vm_operations_struct {
    void (*open)(vm_area_struct* vma);
    void (*close)(vm_area_struct* vma);
    /* The name /proc/PID/maps shows, or false for the usual one. */
    bool (*name)(const inode* file, char* buf, size_t size);
};

struct vm_area_struct {
    unsigned long vm_start;
    unsigned long vm_end; /* first byte after */
    unsigned long vm_flags;
    inode* vm_file;       /* the mapped file (a reference), or nullptr for anonymous memory */
    unsigned long vm_pgoff; /* file offset of vm_start, in pages */
    vm_area_struct* vm_next; /* the next area up, in address order */
    vm_area_struct* vm_prev;
    rb_node vm_rb;           /* in mm_struct::mm_rb */
    range_aug vm_aug;
};

struct vma_range_traits {
    static vm_area_struct* vma(const rb_node* n) { return rb_entry(const_cast<rb_node*>(n), vm_area_struct, vm_rb); }
    static unsigned long start(const rb_node* n) { return vma(n)->vm_start; }
    static unsigned long end(const rb_node* n) { return vma(n)->vm_end; }
    static range_aug& aug(rb_node* n) { return vma(n)->vm_aug; }
};

/* The areas of an address space, and its counts; the mm's owner (its one
 * user thread group) is the only one changing them: no lock yet. */
struct mm_struct {
    phys_addr_t pgd;
    vm_area_struct* mmap; /* the lowest area; vm_next goes up */
    range_tree<vma_range_traits> mm_rb;
    unsigned long total_vm; /* pages in all areas (RLIMIT_AS) */
    int map_count;          /* areas */
    int users;
    unsigned long start_code, end_code, start_data, end_data;
    unsigned long start_brk, brk;
    unsigned long start_stack, stack_limit; /* the stack area grows down to stack_limit */
    unsigned long arg_start, arg_end, env_start, env_end;
    unsigned long mmap_base; /* mmap searches downwards from here */
    /* Where this address space ends: TASK_SIZE, or IA32_PAGE_OFFSET for an
     * i386 program (Linux's mm->task_size); no area is made above it. */
    unsigned long task_size;
    /* The i386 vDSO's image (Linux's mm->context.vdso): where the kernel
     * returns SYSCALL from compatibility mode to and finds the signal
     * trampolines; 0 without one. mremap of the image moves it. */
    unsigned long vdso;
    /* modify_ldt's segments (Linux's mm->context.ldt, arch/x86_64/kernel/
     * ldt.cpp): null until the first write; replaced whole, never changed
     * in place, so a CPU that loaded it keeps a consistent table. */
    struct ldt_struct* ldt;
    unsigned long def_flags; /* mlockall(MCL_FUTURE): VM_LOCKED (and VM_LOCKONFAULT) for new areas */
    unsigned long auxv[48];
    inode* exe_file; /* /proc/self/exe */
    unsigned long rss;        /* pages mapped now */
    unsigned long hiwater_rss; /* the most ever mapped (getrusage's ru_maxrss) */
    char exe_path[256];
    /* The CPUs that have this address space loaded in CR3 (set and cleared
     * by switch_mm on each CPU): the ones a TLB flush must reach. */
    cpumask cpu_bitmap;
};

/* User space is [0, TASK_SIZE): 4-level page tables, and a guard page below
 * the non-canonical hole (arch/x86_64/include/asm/page.h). */
constexpr unsigned long TASK_SIZE = TASK_SIZE_MAX;

/*
 * Does [addr, addr + len) lie inside user space, without wrapping? The one
 * check every call that takes an address range makes before it looks at the
 * areas or the page table (Linux's TASK_SIZE checks in get_unmapped_area,
 * do_munmap, mremap_to, check_brk_limits): a range that reaches the kernel
 * half or the non-canonical hole never becomes an area or a page-table entry.
 */
[[nodiscard]] constexpr bool range_in_user_space(unsigned long addr, unsigned long len)
{
    return len <= TASK_SIZE && addr <= TASK_SIZE - len;
}
/* The same as a result: err (the answer Linux gives for that call) if not. */
[[nodiscard]] inline Result<void> check_user_range(unsigned long addr, unsigned long len, Errno err)
{
    if (!range_in_user_space(addr, len))
        return err;
    return {};
}

mm_struct* mm_alloc();
void mmput(mm_struct* mm);
/* A copy for fork: private pages become copy-on-write in both. */
mm_struct* dup_mm(mm_struct* old);

/* The first area that ends above addr (holding it, or the next one up), or null. */
vm_area_struct* find_vma(mm_struct* mm, unsigned long addr);
/* Moves an area's bounds (staying clear of its neighbours), keeping the tree and counts. */
void vma_set_range(mm_struct* mm, vm_area_struct* vma, unsigned long start, unsigned long end);
/* Maps [addr, addr + len) with vm_flags; an existing mapping there is replaced. */
Result<void> mmap_region(mm_struct* mm, unsigned long addr, unsigned long len, unsigned long vm_flags, inode* file,
                         unsigned long pgoff);
/* A free range of len bytes, searching down from mmap_base (0 if none). */
unsigned long get_unmapped_area(mm_struct* mm, unsigned long len);
/* MAP_32BIT's search, in [1 GiB, 2 GiB) bottom-up (0 if none). */
unsigned long get_unmapped_area_32bit(mm_struct* mm, unsigned long len);
/* Unmaps [addr, addr + len): EINVAL for an unaligned or empty range or one
 * outside user space (Linux's do_munmap). */
Result<void> do_munmap(mm_struct* mm, unsigned long addr, unsigned long len);

/* For mm/mremap.cpp and mm/madvise.cpp: */
/* Splits vma at addr (inside it): vma keeps the low part. */
Result<void> split_vma(mm_struct* mm, vm_area_struct* vma, unsigned long addr);
/* Merges vma with its neighbours where they differ in nothing but addresses
 * (Linux's vma_merge); returns the area that now holds vma's range. */
vm_area_struct* vma_merge(mm_struct* mm, vm_area_struct* vma);
/* No area meets [start, end). */
bool range_is_free(mm_struct* mm, unsigned long start, unsigned long end);
/* RLIMIT_AS: may the address space grow by len bytes? */
bool may_expand_vm(mm_struct* mm, unsigned long len);
/* Drops the pages mapped in [start, end) (the areas stay). */
void zap_page_range(mm_struct* mm, unsigned long start, unsigned long end);
/* Is [start, end) covered by areas, without a hole? */
bool range_is_mapped(mm_struct* mm, unsigned long start, unsigned long end);

/* Applies fn to each area piece inside [start, end), splitting areas at the edges. */
template <typename Fn>
Result<void> for_each_vma_in(mm_struct* mm, unsigned long start, unsigned long end, Fn fn)
{
    for (auto* v = find_vma(mm, start); v && v->vm_start < end; v = v->vm_next) {
        if (v->vm_start < start) {
            TRY(split_vma(mm, v, start));
            continue; /* the next iteration sees the part from start */
        }
        if (v->vm_end > end)
            TRY(split_vma(mm, v, end));
        TRY(fn(v));
    }
    return {};
}

/* Removes the pages of file from index first_index on from every mapping of
 * it (a truncated file: later accesses there get SIGBUS, as on Linux). */
void unmap_mapping_range(inode* file, unsigned long first_index);

/* Resolves a fault at addr; false if the access is not allowed (SIGSEGV/EFAULT). */
/* Segv: nothing mapped there (SEGV_MAPERR); SegvAccess: mapped, but not for
 * this kind of access (SEGV_ACCERR). */
enum class FaultResult { Handled, Segv, SegvAccess, Bus, OutOfMemory };
FaultResult handle_mm_fault(mm_struct* mm, unsigned long addr, bool write, bool exec);

/* Another address space's memory (mm/process_vm_access.cpp). FOLL_WRITE
 * writes; FOLL_FORCE lets a write reach a read-only private page (a
 * tracer's breakpoint), which gets a copy of its own first. */
constexpr unsigned int FOLL_WRITE = 0x01, FOLL_FORCE = 0x10;
/* The kernel's pointer to the byte at addr in mm, its page faulted in. */
[[nodiscard]] Result<u8*> follow_remote_page(mm_struct* mm, unsigned long addr, unsigned int foll_flags);
/* Copies len bytes between buf and mm at addr; the bytes moved (short at
 * the first page that cannot be had). */
[[nodiscard]] size_t access_remote_vm(mm_struct* mm, unsigned long addr, void* buf, size_t len, unsigned int foll_flags);
/* Pages in VM_LOCKED areas (/proc/PID/status's VmLck, RLIMIT_MEMLOCK). */
unsigned long count_locked_vm(const mm_struct* mm);
/* May another len bytes be locked (a MAP_LOCKED mmap)? Linux's mlock_future_check. */
[[nodiscard]] bool mlock_future_ok(const mm_struct* mm, unsigned long flags, unsigned long len);
/* Brings in every page of [start, start + len) as a first access would
 * (MAP_POPULATE; Linux's mm_populate). Failures are left for the faults. */
void mm_populate(mm_struct* mm, unsigned long start, unsigned long len);
/* No page for a fault: SIGKILL to the process with the most memory, never
 * pid 1 while another can go (mm/oom_kill.cpp). */
void out_of_memory();

/* The page-fault exception (arch/x86_64/mm/fault.cpp). */
void do_page_fault(pt_regs& regs, unsigned long error_code, unsigned long address);

static inline void mm_rss_add(mm_struct* mm, long pages)
{
    mm->rss += pages;
    if (mm->rss > mm->hiwater_rss)
        mm->hiwater_rss = mm->rss;
}

/* vm_flags from PROT_* bits. */
unsigned long calc_vm_prot_bits(unsigned long prot);
