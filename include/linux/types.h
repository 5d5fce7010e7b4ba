/* Fixed-width integer names the kernel uses everywhere (Linux's u8..u64). */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <linux/compiler.h>

using u8 = uint8_t;
using u16 = uint16_t;
using u32 = uint32_t;
using u64 = uint64_t;
using s8 = int8_t;
using s16 = int16_t;
using s32 = int32_t;
using s64 = int64_t;
using ssize_t = long;
using off_t = long;
using loff_t = long long;
using pid_t = int;
using uid_t = unsigned int;
using gid_t = unsigned int;
using mode_t = unsigned int;
using umode_t = unsigned short;
using dev_t = u64;
using ino_t = u64;
using phys_addr_t = u64;
using pfn_t = u64;
