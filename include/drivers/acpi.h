/* ACPI tables: the processors present (MADT), interrupt controllers, HPET, power off. */
#pragma once
#include <linux/types.h>

constexpr int ACPI_MAX_CPUS = 64;

struct acpi_info {
    int nr_present_cpus; /* enabled processors in the MADT */
    u32 cpu_apic_id[ACPI_MAX_CPUS]; /* their local APIC ids, in MADT order */
    u64 lapic_phys;
    u64 ioapic_phys;
    u32 ioapic_gsi_base;
    u64 hpet_phys;
    /* ISA IRQ -> global system interrupt, from the MADT's source overrides. */
    u32 isa_irq_gsi[16];
    u16 isa_irq_flags[16];
    u32 pm1a_control_port;
    u16 slp_typ_s5;
    u8 century_register; /* CMOS register holding the century, or 0 */
};

extern acpi_info acpi;

/* Finds the tables from boot_params.rsdp (or a scan of the BIOS area). */
void acpi_init();
/* Enters S5; returns only if ACPI can't. */
void acpi_power_off();
