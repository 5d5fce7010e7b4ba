/* Leaving the machine: power off (ACPI, or QEMU's exit device) with a status. */
#pragma once
#include <linux/types.h>

/* Tells the host runner how the first program ended, then powers off. */
[[noreturn]] void machine_power_off(int exit_status);
[[noreturn]] void machine_restart();
/* Ends QEMU with a failure status after a kernel fault. */
[[noreturn]] void machine_panic_exit();
