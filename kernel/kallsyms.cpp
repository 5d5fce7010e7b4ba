#include <linux/kallsyms.h>
#include <linux/printk.h>
#include <linux/string.h>

extern "C" const unsigned long kallsyms_num;
extern "C" const unsigned long kallsyms_addresses[];
extern "C" const char kallsyms_names[];

void kallsyms_lookup(unsigned long addr, char* buf, size_t size)
{
    /* The last symbol at or below addr. */
    unsigned long lo = 0, hi = kallsyms_num;
    while (lo < hi) {
        unsigned long mid = (lo + hi) / 2;
        if (kallsyms_addresses[mid] <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0) {
        snprintf(buf, size, "0x%lx", addr);
        return;
    }
    const char* name = kallsyms_names;
    for (unsigned long i = 0; i < lo - 1; i++)
        name += strlen(name) + 1;
    snprintf(buf, size, "%s+0x%lx", name, addr - kallsyms_addresses[lo - 1]);
}
