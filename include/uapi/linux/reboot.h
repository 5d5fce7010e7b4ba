/*
 * reboot(2)'s magic numbers and commands (Linux's uapi/linux/reboot.h, as
 * constants). Shared by the kernel (kernel/sys.cpp) and the guest library
 * (user/include/trapgate/uapi.h): it needs nothing but the compiler.
 */
#pragma once

inline constexpr unsigned int LINUX_REBOOT_MAGIC1 = 0xfee1dead;
inline constexpr unsigned int LINUX_REBOOT_MAGIC2 = 672274793;
inline constexpr unsigned int LINUX_REBOOT_MAGIC2A = 85072278;
inline constexpr unsigned int LINUX_REBOOT_MAGIC2B = 369367448;
inline constexpr unsigned int LINUX_REBOOT_MAGIC2C = 537993216;
inline constexpr unsigned int LINUX_REBOOT_CMD_RESTART = 0x01234567;
inline constexpr unsigned int LINUX_REBOOT_CMD_HALT = 0xcdef0123;
inline constexpr unsigned int LINUX_REBOOT_CMD_CAD_ON = 0x89abcdef;
inline constexpr unsigned int LINUX_REBOOT_CMD_CAD_OFF = 0x00000000;
inline constexpr unsigned int LINUX_REBOOT_CMD_POWER_OFF = 0x4321fedc;
