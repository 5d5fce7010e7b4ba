/* Kernel symbol names for backtraces (the table tools/kallsyms.cpp generates). */
#pragma once
#include <linux/types.h>

/* Writes "name+0xoff" for addr into buf (or the bare address if unknown). */
void kallsyms_lookup(unsigned long addr, char* buf, size_t size);
