/* Four-level x86-64 page tables. */
#pragma once
#include <asm/page.h>
#include <asm/processor.h>
#include <linux/types.h>

using pteval_t = u64;
constexpr pteval_t _PAGE_PRESENT = PTE_PRESENT;
constexpr pteval_t _PAGE_RW = PTE_WRITE;
constexpr pteval_t _PAGE_USER = PTE_USER;
constexpr pteval_t _PAGE_PSE = PTE_HUGE;
constexpr pteval_t _PAGE_GLOBAL = PTE_GLOBAL;
constexpr pteval_t _PAGE_CACHE_DISABLE = PTE_PCD | PTE_PWT;
constexpr pteval_t _PAGE_NX = 1ULL << 63;
constexpr pteval_t PTE_PFN_MASK = 0x000ffffffffff000ULL;

static inline phys_addr_t pte_phys(pteval_t pte) { return pte & PTE_PFN_MASK; }

/* The kernel's own top-level table; every process's copies its upper half. */
extern phys_addr_t init_pgd;

/* The leaf entry mapping va, or nullptr if a table on the way is missing. */
pteval_t* lookup_pte(phys_addr_t pgd, unsigned long va);
/* Same, creating missing tables (user-accessible ones below user addresses);
 * nullptr when out of memory. */
pteval_t* alloc_pte(phys_addr_t pgd, unsigned long va);

/* Calls fn(pte, va) for each present leaf entry mapping [start, end), skipping
 * whole absent tables (a 2 MiB, 1 GiB or 512 GiB step), so a sparse range costs
 * what is mapped in it, not its size. */
template <typename Fn>
void for_each_present_pte(phys_addr_t pgd, unsigned long start, unsigned long end, Fn fn)
{
    auto* pml4 = static_cast<pteval_t*>(__va(pgd));
    for (unsigned long va = start; va < end;) {
        pteval_t* t = pml4;
        int level = 3;
        for (; level > 0; level--) {
            pteval_t e = t[(va >> (12 + 9 * level)) & 511];
            if (!(e & _PAGE_PRESENT))
                break;
            t = static_cast<pteval_t*>(__va(pte_phys(e)));
        }
        if (level > 0) {
            /* No table below this level: jump to the next entry at that level. */
            unsigned long span = 1UL << (12 + 9 * level);
            unsigned long next = (va & ~(span - 1)) + span;
            if (next <= va)
                return;
            va = next;
            continue;
        }
        pteval_t* pte = &t[(va >> 12) & 511];
        if (*pte & _PAGE_PRESENT)
            fn(pte, va);
        va += PAGE_SIZE;
    }
}

/* A fresh top-level table for a process: empty user half, shared kernel half. */
phys_addr_t pgd_alloc();
/* Frees the page-table pages of the user half and the top level itself (not
 * the pages they map: the address space has released those). */
void pgd_free(phys_addr_t pgd);

static inline void flush_tlb_one(unsigned long va) { invlpg(va); }

struct mm_struct;
/* Loads next's page tables (init_pgd for none) on this CPU, keeping both
 * mms' CPU sets right (arch/x86_64/mm/tlb.cpp). */
void switch_mm(mm_struct* prev, mm_struct* next);
/* Every other CPU that has mm loaded flushes its TLB; returns when all have.
 * The caller holds the kernel lock and has flushed its own entries. */
void flush_tlb_mm_others(mm_struct* mm);
/* Cross-CPU requests addressed to this CPU (a TLB flush), done now: the IPI
 * handler calls it, and so does every spin loop that may wait on a flusher. */
void smp_do_pending_work();
static inline void flush_tlb_all() { write_cr3(read_cr3()); }
static inline void switch_pgd(phys_addr_t pgd)
{
    if (read_cr3() != pgd)
        write_cr3(pgd);
}

/* Builds the final kernel mappings (direct map of RAM and the low 4 GiB, the
 * image with per-section permissions) and switches to them. */
void paging_init();
