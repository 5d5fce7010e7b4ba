/* The local APIC (timer, end of interrupt) and the I/O APIC (device interrupts). */
#pragma once
#include <linux/types.h>

void apic_init();
/* The local APIC of a CPU on its way up: enabled, its timer ticking. */
void apic_init_secondary();
void apic_eoi();
/* This CPU's local APIC id. */
u32 read_apic_id();
/* An interrupt at `vector` on another CPU (fixed delivery). */
void send_IPI(int cpu, int vector);
/* Start-up of another CPU: INIT, then STARTUP at a page below 1 MiB. */
void send_init_ipi(u32 apic_id);
void send_startup_ipi(u32 apic_id, u64 trampoline_phys);
/* Routes ISA interrupt irq (0-15) to vector, honouring ACPI's overrides. */
void ioapic_route_isa_irq(int irq, int vector);

/* Device interrupt handlers by vector (arch/x86_64/kernel/irq.cpp). */
using irq_handler_t = void (*)();
void request_irq_vector(int vector, irq_handler_t handler);

constexpr int ISA_IRQ_VECTOR_BASE = 0x30; /* ISA IRQ n arrives at vector 0x30 + n */
