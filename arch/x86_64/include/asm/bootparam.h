/*
 * What the loader told us, in one form whichever loader it was (PVH from QEMU's
 * -kernel, or Multiboot2 from GRUB). Filled by arch/x86_64/kernel/setup.cpp.
 */
#pragma once
#include <linux/types.h>

struct memory_region {
    u64 base;
    u64 size;
};

struct boot_params {
    static constexpr int MAX_RAM_REGIONS = 32;
    memory_region ram[MAX_RAM_REGIONS]; /* usable RAM, as the firmware reports it */
    int nr_ram;
    memory_region initrd;             /* the initramfs, or size 0 */
    memory_region loader_data;        /* the loader's own structures: keep until parsed */
    u64 rsdp;                         /* ACPI RSDP physical address, or 0 */
    char cmdline[1024];
    const char* loader;               /* "pvh" or "multiboot2" */
};

extern boot_params boot_params;

/* Reads the loader's structures (at physical addresses) into boot_params. */
void parse_boot_info(u32 magic, u32 info_phys);
