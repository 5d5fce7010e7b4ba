/* The local APIC (timer, end of interrupt) and the I/O APIC (device interrupts). */
#pragma once
#include <linux/types.h>

void apic_init();
void apic_eoi();
/* Routes ISA interrupt irq (0-15) to vector, honouring ACPI's overrides. */
void ioapic_route_isa_irq(int irq, int vector);

/* Device interrupt handlers by vector (arch/x86_64/kernel/irq.cpp). */
using irq_handler_t = void (*)();
void request_irq_vector(int vector, irq_handler_t handler);

constexpr int ISA_IRQ_VECTOR_BASE = 0x30; /* ISA IRQ n arrives at vector 0x30 + n */
