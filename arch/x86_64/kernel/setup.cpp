/*
 * Reading the two boot protocols into boot_params. Both hand over physical
 * addresses; the early direct map (head_64.S) covers the first GiB, where QEMU
 * and GRUB put these structures.
 */
#include <asm/bootparam.h>
#include <asm/page.h>
#include <linux/printk.h>
#include <linux/string.h>

struct boot_params boot_params;

namespace {

constexpr u32 MULTIBOOT2_BOOTLOADER_MAGIC = 0x36d76289;
constexpr u32 XEN_HVM_START_MAGIC = 0x336ec578;
constexpr u32 E820_RAM = 1;

/* xen/include/public/arch-x86/hvm/start_info.h */
struct hvm_start_info {
    u32 magic;
    u32 version;
    u32 flags;
    u32 nr_modules;
    u64 modlist_paddr;
    u64 cmdline_paddr;
    u64 rsdp_paddr;
    u64 memmap_paddr; /* version 1 and newer */
    u32 memmap_entries;
    u32 reserved;
};
static_assert(sizeof(hvm_start_info) == 56);
struct hvm_modlist_entry {
    u64 paddr;
    u64 size;
    u64 cmdline_paddr;
    u64 reserved;
};
struct hvm_memmap_table_entry {
    u64 addr;
    u64 size;
    u32 type;
    u32 reserved;
};

/* The Multiboot2 specification's tags. */
struct mb2_tag {
    u32 type;
    u32 size;
};
enum mb2_tag_type : u32 {
    MB2_TAG_END = 0,
    MB2_TAG_CMDLINE = 1,
    MB2_TAG_MODULE = 3,
    MB2_TAG_MMAP = 6,
    MB2_TAG_ACPI_OLD = 14,
    MB2_TAG_ACPI_NEW = 15,
};
struct mb2_mmap_entry {
    u64 addr;
    u64 len;
    u32 type;
    u32 reserved;
};

template <typename T>
T* phys(u64 addr) { return static_cast<T*>(__va(addr)); }

void add_ram(u64 base, u64 size)
{
    if (boot_params.nr_ram < boot_params.MAX_RAM_REGIONS)
        boot_params.ram[boot_params.nr_ram++] = {base, size};
}

void parse_pvh(const hvm_start_info& info)
{
    boot_params.loader = "pvh";
    if (info.cmdline_paddr)
        strscpy(boot_params.cmdline, phys<const char>(info.cmdline_paddr), sizeof(boot_params.cmdline));
    if (info.nr_modules) {
        auto* mod = phys<hvm_modlist_entry>(info.modlist_paddr);
        boot_params.initrd = {mod->paddr, mod->size};
    }
    boot_params.rsdp = info.rsdp_paddr;
    if (info.version >= 1) {
        auto* map = phys<hvm_memmap_table_entry>(info.memmap_paddr);
        for (u32 i = 0; i < info.memmap_entries; i++)
            if (map[i].type == E820_RAM)
                add_ram(map[i].addr, map[i].size);
    }
}

void parse_multiboot2(u64 info_phys)
{
    boot_params.loader = "multiboot2";
    u32 total = *phys<u32>(info_phys);
    boot_params.loader_data = {info_phys, total};
    for (u64 at = info_phys + 8; at < info_phys + total; at += round_up<u64>(phys<mb2_tag>(at)->size, 8)) {
        auto* tag = phys<mb2_tag>(at);
        auto* body = reinterpret_cast<const u8*>(tag + 1);
        switch (tag->type) {
        case MB2_TAG_END:
            return;
        case MB2_TAG_CMDLINE:
            strscpy(boot_params.cmdline, reinterpret_cast<const char*>(body), sizeof(boot_params.cmdline));
            break;
        case MB2_TAG_MODULE: {
            auto* range = reinterpret_cast<const u32*>(body);
            if (!boot_params.initrd.size)
                boot_params.initrd = {range[0], static_cast<u64>(range[1]) - range[0]};
            break;
        }
        case MB2_TAG_MMAP: {
            u32 entry_size = reinterpret_cast<const u32*>(body)[0];
            for (u64 e = at + 16; e + entry_size <= at + tag->size; e += entry_size) {
                auto* entry = phys<mb2_mmap_entry>(e);
                if (entry->type == E820_RAM)
                    add_ram(entry->addr, entry->len);
            }
            break;
        }
        case MB2_TAG_ACPI_OLD:
        case MB2_TAG_ACPI_NEW:
            boot_params.rsdp = __pa(body);
            break;
        }
    }
}

} // namespace

void parse_boot_info(u32 magic, u32 info_phys)
{
    if (magic == MULTIBOOT2_BOOTLOADER_MAGIC)
        parse_multiboot2(info_phys);
    else if (phys<hvm_start_info>(info_phys)->magic == XEN_HVM_START_MAGIC)
        parse_pvh(*phys<hvm_start_info>(info_phys));
    else
        panic("unknown boot protocol (eax=0x%x)", magic);
    if (!boot_params.nr_ram)
        panic("the loader gave no memory map");
}
