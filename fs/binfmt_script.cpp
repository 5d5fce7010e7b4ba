/* "#!" scripts: run the interpreter named on the first line, with the script as an argument. */
#include <linux/binfmts.h>
#include <linux/string.h>

Result<void> load_script(linux_binprm& bprm)
{
    if (bprm.buf[0] != '#' || bprm.buf[1] != '!')
        return Errno::ENOEXEC;
    /* The first line, without "#!", leading blanks and trailing blanks. */
    char line[BINPRM_BUF_SIZE];
    size_t n = 0;
    for (size_t k = 2; k < sizeof(bprm.buf) && bprm.buf[k] && bprm.buf[k] != '\n'; k++)
        line[n++] = bprm.buf[k];
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
