/*
 * Just enough ACPI: find the RSDP, walk the RSDT/XSDT and read the MADT
 * (processors, local APIC, I/O APIC, ISA overrides), the FADT (PM1a control
 * for power off, the CMOS century) and the HPET table. Field offsets are from
 * the ACPI specification.
 */
#include <asm/bootparam.h>
#include <asm/io.h>
#include <asm/page.h>
#include <drivers/acpi.h>
#include <linux/printk.h>
#include <linux/string.h>

acpi_info acpi;

namespace {

struct [[gnu::packed]] rsdp_t {
    char signature[8];
    u8 checksum;
    char oem[6];
    u8 revision;
    u32 rsdt;
    u32 length;
    u64 xsdt;
    u8 ext_checksum;
    u8 reserved[3];
};

struct [[gnu::packed]] sdt_header {
    char signature[4];
    u32 length;
    u8 revision;
    u8 checksum;
    char oem[6];
    char oem_table[8];
    u32 oem_revision;
    u32 creator;
    u32 creator_revision;
};
static_assert(sizeof(sdt_header) == 36);

template <typename T>
const T* at(u64 phys) { return static_cast<const T*>(__va(phys)); }

bool checksum_ok(const void* p, size_t len)
{
    u8 sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += static_cast<const u8*>(p)[i];
    return sum == 0;
}

u64 find_rsdp()
{
    if (boot_params.rsdp)
        return boot_params.rsdp;
    /* The BIOS read-only area, on 16-byte boundaries. */
    for (u64 pa = 0xe0000; pa < 0x100000; pa += 16)
        if (!memcmp(at<char>(pa), "RSD PTR ", 8) && checksum_ok(at<char>(pa), 20))
            return pa;
    return 0;
}

void parse_madt(const sdt_header* madt)
{
    auto* base = reinterpret_cast<const u8*>(madt);
    acpi.lapic_phys = *reinterpret_cast<const u32*>(base + 36);
    for (int i = 0; i < 16; i++)
        acpi.isa_irq_gsi[i] = i;
    for (u32 off = 44; off + 2 <= madt->length; off += base[off + 1]) {
        const u8* e = base + off;
        if (e[1] < 2)
            break;
        switch (e[0]) {
        case 0: /* processor local APIC: flags bit 0 = enabled */
            if ((*reinterpret_cast<const u32*>(e + 4) & 1) && acpi.nr_present_cpus < ACPI_MAX_CPUS)
                acpi.cpu_apic_id[acpi.nr_present_cpus++] = e[3];
            break;
        case 9: /* processor local x2APIC */
            if ((*reinterpret_cast<const u32*>(e + 8) & 1) && acpi.nr_present_cpus < ACPI_MAX_CPUS)
                acpi.cpu_apic_id[acpi.nr_present_cpus++] = *reinterpret_cast<const u32*>(e + 4);
            break;
        case 1: /* I/O APIC */
            if (!acpi.ioapic_phys) {
                acpi.ioapic_phys = *reinterpret_cast<const u32*>(e + 4);
                acpi.ioapic_gsi_base = *reinterpret_cast<const u32*>(e + 8);
            }
            break;
        case 2: { /* interrupt source override */
            u8 irq = e[3];
            if (irq < 16) {
                acpi.isa_irq_gsi[irq] = *reinterpret_cast<const u32*>(e + 4);
                acpi.isa_irq_flags[irq] = *reinterpret_cast<const u16*>(e + 8);
            }
            break;
        }
        case 5: /* local APIC address override */
            acpi.lapic_phys = *reinterpret_cast<const u64*>(e + 4);
            break;
        }
    }
}

/* \_S5's first package element in the DSDT's AML: Name(_S5_, Package(){a, b, ...}). */
void find_s5(const sdt_header* dsdt)
{
    auto* aml = reinterpret_cast<const u8*>(dsdt);
    for (u32 i = sizeof(sdt_header); i + 8 < dsdt->length; i++) {
        if (memcmp(aml + i, "_S5_", 4) || aml[i + 4] != 0x12 /* PackageOp */)
            continue;
        const u8* p = aml + i + 5;
        p += (*p >> 6) + 1; /* PkgLength: lead byte's top bits count extra bytes */
        p++;                /* NumElements */
        if (*p == 0x0a)     /* BytePrefix */
            p++;
        acpi.slp_typ_s5 = (*p == 0x01) ? 1 : (*p == 0x00 ? 0 : *p);
        return;
    }
}

void parse_fadt(const sdt_header* fadt)
{
    auto* base = reinterpret_cast<const u8*>(fadt);
    acpi.pm1a_control_port = *reinterpret_cast<const u32*>(base + 64);
    if (fadt->length > 108)
        acpi.century_register = base[108];
    u64 dsdt = *reinterpret_cast<const u32*>(base + 40);
    if (fadt->length >= 148 && *reinterpret_cast<const u64*>(base + 140))
        dsdt = *reinterpret_cast<const u64*>(base + 140);
    if (dsdt)
        find_s5(at<sdt_header>(dsdt));
}

void parse_table(u64 phys)
{
    auto* h = at<sdt_header>(phys);
    if (!memcmp(h->signature, "APIC", 4))
        parse_madt(h);
    else if (!memcmp(h->signature, "FACP", 4))
        parse_fadt(h);
    else if (!memcmp(h->signature, "HPET", 4))
        acpi.hpet_phys = *reinterpret_cast<const u64*>(reinterpret_cast<const u8*>(h) + 44);
}

} // namespace

void acpi_init()
{
    u64 rsdp_phys = find_rsdp();
    if (!rsdp_phys) {
        printk("ACPI: no RSDP; assuming one CPU\n");
        acpi.nr_present_cpus = 1;
        return;
    }
    auto* rsdp = at<rsdp_t>(rsdp_phys);
    bool use_xsdt = rsdp->revision >= 2 && rsdp->xsdt;
    auto* root = at<sdt_header>(use_xsdt ? rsdp->xsdt : rsdp->rsdt);
    u32 entry_size = use_xsdt ? 8 : 4;
    u32 count = (root->length - sizeof(sdt_header)) / entry_size;
    auto* entries = reinterpret_cast<const u8*>(root) + sizeof(sdt_header);
    for (u32 i = 0; i < count; i++) {
        u64 table = use_xsdt ? *reinterpret_cast<const u64*>(entries + 8 * i)
                             : *reinterpret_cast<const u32*>(entries + 4 * i);
        parse_table(table);
    }
    if (acpi.nr_present_cpus == 0)
        acpi.nr_present_cpus = 1;
}

void acpi_power_off()
{
    if (!acpi.pm1a_control_port)
        return;
    constexpr u16 SLP_EN = 1 << 13;
    outw(static_cast<u16>(acpi.pm1a_control_port), static_cast<u16>((acpi.slp_typ_s5 << 10) | SLP_EN));
}
