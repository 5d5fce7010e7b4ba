/* "#!" scripts: run the interpreter named on the first line, with the script as an argument. */
#include <linux/binfmts.h>
#include <linux/string.h>

Result<void> load_script(linux_binprm& bprm)
{
    if (bprm.buf[0] != '#' || bprm.buf[1] != '!')
        return Errno::ENOEXEC;
    /* The first line (its first 255 bytes), without "#!". A line with no end
     * in sight must at least show where the interpreter's name ends: a
     * truncated name is never run (Linux's rule, ENOEXEC). */
    constexpr size_t USABLE = BINPRM_BUF_SIZE - 1;
    const char* line_end = static_cast<const char*>(memchr(bprm.buf, '\n', USABLE));
    if (!line_end) {
        size_t k = 2;
        while (k < USABLE && (bprm.buf[k] == ' ' || bprm.buf[k] == '\t'))
            k++;
        if (k == USABLE)
            return Errno::ENOEXEC;
        while (k < USABLE && bprm.buf[k] && bprm.buf[k] != ' ' && bprm.buf[k] != '\t')
            k++;
        if (k == USABLE)
            return Errno::ENOEXEC;
        line_end = bprm.buf + USABLE;
    }
    char line[BINPRM_BUF_SIZE];
    size_t n = 0;
    for (const char* c = bprm.buf + 2; c < line_end && *c; c++)
        line[n++] = *c;
    line[n] = 0;
    char* interp = line;
    while (*interp == ' ' || *interp == '\t')
        interp++;
    if (!*interp)
        return Errno::ENOEXEC;
    char* end = interp;
    while (*end && *end != ' ' && *end != '\t')
        end++;
    char* arg = nullptr;
    if (*end) {
        *end++ = 0;
        while (*end == ' ' || *end == '\t')
            end++;
        if (*end) {
            arg = end;
            char* tail = arg + strlen(arg);
            while (tail > arg && (tail[-1] == ' ' || tail[-1] == '\t'))
                *--tail = 0;
        }
    }
    /* argv becomes: interp [arg] script-path argv[1...] */
    TRY(remove_arg_zero(bprm));
    TRY(copy_string_kernel(bprm.interp, bprm));
    bprm.argc++;
    if (arg) {
        TRY(copy_string_kernel(arg, bprm));
        bprm.argc++;
    }
    TRY(copy_string_kernel(interp, bprm));
    bprm.argc++;
    TRY(open_exec(AT_FDCWD, interp, 0, bprm));
    bprm.depth++;
    return exec_binprm(bprm);
}
