/* Physical page allocation (mm/page_alloc.cpp). */
#pragma once
#include <asm/page.h>
#include <linux/mm_types.h>

page* alloc_pages(unsigned order);
static inline page* alloc_page() { return alloc_pages(0); }
/* A zero-filled page, or nullptr when memory is exhausted. */
page* alloc_zeroed_page();
void __free_pages(page* p, unsigned order);

/* References: a page returns to the allocator when its last reference goes. */
/* Atomic, so a future second CPU needs no change; put_page checks underflow in
 * debug builds, get_page a count that wrapped. */
void get_page(page* p);
void put_page(page* p);

phys_addr_t page_to_phys(const page* p);
page* phys_to_page(phys_addr_t pa);
static inline void* page_address(const page* p) { return __va(page_to_phys(p)); }
static inline page* virt_to_page(const void* va) { return phys_to_page(__pa(va)); }

u64 nr_free_pages();
u64 totalram_pages();

/* Sets up the allocator from boot_params' memory map, reserving the kernel
 * image, the initrd and the loader's data. */
void page_alloc_init();
/* Adds the memory above the first GiB, once paging_init() has mapped it. */
void page_alloc_init_late();
/* Returns the initramfs image's pages once it is unpacked. */
void free_initrd_mem();
