/*
 * musl_auxv: the auxiliary vector Linux's ELF loader gives a static program
 * (fs/binfmt_elf.c create_elf_tables), read through musl's getauxval:
 *   AT_PAGESZ 4096; AT_CLKTCK 100 (USER_HZ); AT_PHDR and AT_PHNUM describe the
 *   program's own headers, AT_PHENT is sizeof(Elf64_Phdr); AT_ENTRY is _start;
 *   AT_BASE 0 (no interpreter); AT_FLAGS 0; AT_UID/EUID/GID/EGID 0 (init runs as
 *   root); AT_SECURE 0; AT_RANDOM points at 16 bytes; AT_EXECFN is the path
 *   given to execve, which for init is argv[0]; AT_PLATFORM "x86_64".
 * The program headers are found through __ehdr_start, the linker's symbol for
 * the ELF header of a program whose first segment maps it.
 */
#include <elf.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

extern const Elf64_Ehdr __ehdr_start;
extern char _start[];

static int failed;

static void check(const char *what, int ok)
{
    printf("%s: %s\n", what, ok ? "yes" : "no");
    if (!ok) {
        printf("FAIL: %s\n", what);
        failed = 1;
    }
}

int main(int argc, char **argv)
{
    (void)argc;
    const Elf64_Ehdr *eh = &__ehdr_start;
    check("AT_PAGESZ == 4096", getauxval(AT_PAGESZ) == 4096);
    check("AT_CLKTCK == 100", getauxval(AT_CLKTCK) == 100);
    check("AT_PHDR == address of our program headers",
          getauxval(AT_PHDR) == (unsigned long)eh + eh->e_phoff);
    check("AT_PHNUM == e_phnum", getauxval(AT_PHNUM) == eh->e_phnum);
    check("AT_PHENT == sizeof(Elf64_Phdr)", getauxval(AT_PHENT) == sizeof(Elf64_Phdr));
    check("AT_ENTRY == _start", getauxval(AT_ENTRY) == (unsigned long)_start);
    check("AT_ENTRY == e_entry", getauxval(AT_ENTRY) == eh->e_entry);
    check("AT_BASE == 0", getauxval(AT_BASE) == 0);
    check("AT_FLAGS == 0", getauxval(AT_FLAGS) == 0);
    check("AT_UID == 0", getauxval(AT_UID) == 0);
    check("AT_EUID == 0", getauxval(AT_EUID) == 0);
    check("AT_GID == 0", getauxval(AT_GID) == 0);
    check("AT_EGID == 0", getauxval(AT_EGID) == 0);
    check("AT_SECURE == 0", getauxval(AT_SECURE) == 0);
    const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
    check("AT_RANDOM != NULL", rnd != NULL);
    if (rnd) {
        int nonzero = 0;
        for (int i = 0; i < 16; i++)
            nonzero |= rnd[i];
        check("AT_RANDOM's 16 bytes are not all zero", nonzero != 0);
    }
    const char *execfn = (const char *)getauxval(AT_EXECFN);
    check("AT_EXECFN != NULL", execfn != NULL);
    check("AT_EXECFN equals argv[0]", execfn && strcmp(execfn, argv[0]) == 0);
    const char *platform = (const char *)getauxval(AT_PLATFORM);
    check("AT_PLATFORM is \"x86_64\"", platform && strcmp(platform, "x86_64") == 0);
    /* The program headers found this way describe this program. */
    const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
    int loads = 0, entry_in_exec_load = 0;
    for (unsigned i = 0; ph && i < getauxval(AT_PHNUM); i++) {
        if (ph[i].p_type != PT_LOAD)
            continue;
        loads++;
        if ((ph[i].p_flags & PF_X) && eh->e_entry >= ph[i].p_vaddr && eh->e_entry < ph[i].p_vaddr + ph[i].p_memsz)
            entry_in_exec_load = 1;
    }
    check("the headers have PT_LOAD segments", loads > 0);
    check("the entry point is in an executable PT_LOAD", entry_in_exec_load);
    printf("%s\n", failed ? "FAIL" : "auxv as expected");
    return failed;
}
