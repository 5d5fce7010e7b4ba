#include <asm/extable.h>
#include <asm/traps.h>
#include <linux/string.h>
#include <linux/uaccess.h>

extern "C" const exception_table_entry __start___ex_table[], __stop___ex_table[];

static const exception_table_entry* search_exception_tables(unsigned long ip)
{
    for (auto* e = __start___ex_table; e < __stop___ex_table; e++)
        if (e->insn == ip)
            return e;
    return nullptr;
}

bool fixup_exception_lookup(const pt_regs& regs) { return search_exception_tables(regs.ip) != nullptr; }

bool fixup_exception(pt_regs& regs)
{
    if (auto* e = search_exception_tables(regs.ip)) {
        regs.ip = e->fixup;
        return true;
    }
    return false;
}

Result<size_t> strncpy_from_user(char* dst, user_in_ptr<const char> src, size_t size)
{
    /* Don't let the copy run past the end of user space: what lies beyond is
     * either unreadable or the kernel. */
    unsigned long addr = user_addr(src);
    if (addr >= TASK_SIZE_MAX)
        return Errno::EFAULT;
    size_t limit = min<size_t>(size, TASK_SIZE_MAX - addr);
    long n = __strncpy_from_user(dst, reinterpret_cast<const char*>(addr), static_cast<long>(limit));
    if (n < 0)
        return Errno::EFAULT;
    if (static_cast<size_t>(n) == limit) {
        /* No NUL within reach: too long if the limit was the size, a fault if
         * it was the end of user space. */
        if (size)
            dst[size - 1] = 0;
        return limit == size ? Errno::ENAMETOOLONG : Errno::EFAULT;
    }
    return static_cast<size_t>(n);
}
