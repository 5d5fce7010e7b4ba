/* start_kernel: from the boot assembly to the first user program. */
#include <asm/bootparam.h>
#include <asm/desc.h>
#include <asm/pgtable.h>
#include <asm/reboot.h>
#include <drivers/acpi.h>
#include <drivers/serial.h>
#include <linux/gfp.h>
#include <linux/printk.h>
#include <linux/slab.h>

extern "C" [[noreturn]] void start_kernel(u32 boot_magic, u32 boot_info)
{
    serial_init();
    parse_boot_info(boot_magic, boot_info);
    printk("Trapgate booting (%s), command line: %s\n", boot_params.loader, boot_params.cmdline);
    page_alloc_init();
    paging_init();
    page_alloc_init_late();
    cpu_init();
    acpi_init();
    printk("Memory: %lu KiB free of %lu KiB; %d CPUs present\n", nr_free_pages() * 4, totalram_pages() * 4,
           acpi.nr_present_cpus);
    printk("ACPI: pm1a=0x%x s5=%d lapic=0x%lx ioapic=0x%lx hpet=0x%lx century=%d\n", acpi.pm1a_control_port, acpi.slp_typ_s5, acpi.lapic_phys, acpi.ioapic_phys, acpi.hpet_phys, acpi.century_register);
    void* a = kmalloc(100);
    void* b = kmalloc(5000);
    printk("kmalloc: %p %p\n", a, b);
    kfree(a);
    kfree(b);
    machine_power_off(0);
}
