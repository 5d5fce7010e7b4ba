/*
 * Page tables: walking, creating and freeing them, and the kernel's own
 * mappings. Table pages are ordinary pages from the buddy allocator, reached
 * through the direct map.
 */
#include <asm/bootparam.h>
#include <asm/pgtable.h>
#include <linux/gfp.h>
#include <linux/printk.h>
#include <linux/string.h>

extern "C" char _text[], _etext[], __start_rodata[], __end_rodata[], _sdata[], _end[];

phys_addr_t init_pgd;

namespace {

constexpr int LEVELS = 4;
unsigned index_at(unsigned long va, int level) { return (va >> (12 + 9 * level)) & 511; }
pteval_t* table(phys_addr_t pa) { return static_cast<pteval_t*>(__va(pa)); }

/* Entry for va at `level` (3 = PML4 ... 0 = PT), creating tables above it.
 * Each table page remembers (pt_used) which groups of 8 entries it has
 * handed out, so freeing a process's tables looks only there. */
pteval_t* walk(phys_addr_t pgd, unsigned long va, int level, bool create)
{
    phys_addr_t t_phys = pgd;
    for (int l = LEVELS - 1; l > level; l--) {
        unsigned idx = index_at(va, l);
        pteval_t& e = table(t_phys)[idx];
        if (!(e & _PAGE_PRESENT)) {
            if (!create)
                return nullptr;
            page* p = alloc_zeroed_page();
            if (!p)
                return nullptr;
            p->pt_used = 0;
            /* Intermediate entries are permissive; the leaf decides. */
            e = page_to_phys(p) | _PAGE_PRESENT | _PAGE_RW | (va < TASK_SIZE_MAX ? _PAGE_USER : 0);
            if (page* parent = phys_to_page(t_phys))
                parent->pt_used |= 1ULL << (idx / 8);
        }
        if (e & _PAGE_PSE)
            return nullptr;
        t_phys = pte_phys(e);
    }
    return &table(t_phys)[index_at(va, level)];
}

/* Frees a table and the tables below it (not the pages they map). Only
 * entries in groups marked in pt_used can be present. */
void free_table(phys_addr_t pa, int level, unsigned first = 0, unsigned end = 512)
{
    page* p = phys_to_page(pa);
    if (level > 0) {
        pteval_t* t = table(pa);
        for (u64 used = p->pt_used; used; used &= used - 1) {
            unsigned group = __builtin_ctzll(used);
            for (unsigned i = max(group * 8, first); i < min(group * 8 + 8, end); i++)
                if (t[i] & _PAGE_PRESENT)
                    free_table(pte_phys(t[i]), level - 1);
        }
    }
    p->pt_used = 0;
    __free_pages(p, 0);
}

pteval_t* must_walk(unsigned long va, int level)
{
    pteval_t* e = walk(init_pgd, va, level, true);
    if (!e)
        panic("out of memory building kernel page tables");
    return e;
}

void map_direct(u64 ram_end)
{
    constexpr u64 HUGE = 2ULL << 20;
    /* All RAM, and the whole low 4 GiB so ACPI tables and device registers
     * (local APIC, I/O APIC, HPET) are reachable through __va() too. */
    u64 end = round_up(max<u64>(ram_end, 4ULL << 30), HUGE);
    for (u64 pa = 0; pa < end; pa += HUGE) {
        pteval_t flags = _PAGE_PRESENT | _PAGE_RW | _PAGE_PSE | _PAGE_GLOBAL | _PAGE_NX;
        if (pa >= (3ULL << 30) && pa >= ram_end)
            flags |= _PAGE_CACHE_DISABLE;
        *must_walk(PAGE_OFFSET + pa, 1) = pa | flags;
    }
}

void map_image_range(const char* start, const char* end, pteval_t flags)
{
    for (auto va = reinterpret_cast<unsigned long>(start); va < reinterpret_cast<unsigned long>(end); va += PAGE_SIZE)
        *must_walk(va, 0) = (va - START_KERNEL_MAP) | _PAGE_PRESENT | _PAGE_GLOBAL | flags;
}

} // namespace

pteval_t* lookup_pte(phys_addr_t pgd, unsigned long va) { return walk(pgd, va, 0, false); }
pteval_t* alloc_pte(phys_addr_t pgd, unsigned long va) { return walk(pgd, va, 0, true); }

phys_addr_t pgd_alloc()
{
    page* p = alloc_zeroed_page();
    if (!p)
        return 0;
    phys_addr_t pgd = page_to_phys(p);
    p->pt_used = 0;
    memcpy(table(pgd) + 256, table(init_pgd) + 256, 256 * sizeof(pteval_t));
    return pgd;
}

void pgd_free(phys_addr_t pgd)
{
    /* Only the user half: the kernel half is shared by everyone. */
    free_table(pgd, LEVELS - 1, 0, 256);
}

void paging_init()
{
    page* root = alloc_zeroed_page();
    if (!root)
        panic("out of memory for the kernel page table");
    init_pgd = page_to_phys(root);

    u64 ram_end = 0;
    for (int i = 0; i < boot_params.nr_ram; i++)
        ram_end = max(ram_end, boot_params.ram[i].base + boot_params.ram[i].size);
    map_direct(ram_end);
    map_image_range(_text, _etext, 0);
    map_image_range(__start_rodata, __end_rodata, _PAGE_NX);
    map_image_range(_sdata, _end, _PAGE_RW | _PAGE_NX);
    /* Every kernel-half top-level entry processes will share exists from now on. */
    write_cr3(init_pgd);
}
