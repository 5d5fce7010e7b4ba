/*
 * execve of programs with an interpreter (PT_INTERP), as Linux's
 * load_elf_binary answers: small ELF images made here, whose interpreter is
 * missing, not executable, a directory, not ELF, too short, or named
 * without its final NUL; and one whose interpreter is this very program (a
 * static ET_EXEC), which then checks what the kernel gave it: AT_ENTRY and
 * AT_PHDR of the program it was loaded for (mapped, not run), AT_BASE 0 for
 * an ET_EXEC interpreter, and argv.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "musl_check.h"

#define BASE 0x10000000UL

/* An ET_EXEC image at BASE: header, PT_LOAD of the whole file, PT_INTERP
 * naming `interp` (len bytes, as given: a test may leave out the NUL), and
 * code that exits with 42. */
static int make_program(const char *path, const char *interp, size_t len)
{
    unsigned char img[512];
    memset(img, 0, sizeof img);
    Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
    Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof *eh);
    size_t code_off = sizeof *eh + 2 * sizeof *ph;
    static const unsigned char code[] = {0xb8, 60, 0, 0, 0, 0xbf, 42, 0, 0, 0, 0x0f, 0x05}; /* exit(42) */
    memcpy(img + code_off, code, sizeof code);
    size_t name_off = code_off + sizeof code;
    memcpy(img + name_off, interp, len);
    size_t size = name_off + len;
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_X86_64;
    eh->e_version = EV_CURRENT;
    eh->e_entry = BASE + code_off;
    eh->e_phoff = sizeof *eh;
    eh->e_ehsize = sizeof *eh;
    eh->e_phentsize = sizeof *ph;
    eh->e_phnum = 2;
    ph[0].p_type = PT_INTERP;
    ph[0].p_flags = PF_R;
    ph[0].p_offset = name_off;
    ph[0].p_vaddr = BASE + name_off;
    ph[0].p_filesz = ph[0].p_memsz = len;
    ph[0].p_align = 1;
    ph[1].p_type = PT_LOAD;
    ph[1].p_flags = PF_R | PF_X;
    ph[1].p_offset = 0;
    ph[1].p_vaddr = BASE;
    ph[1].p_filesz = ph[1].p_memsz = size;
    ph[1].p_align = 4096;
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0755);
    if (fd < 0)
        return -1;
    long w = write(fd, img, size);
    close(fd);
    return w == (long)size ? 0 : -1;
}

/* execve(path) in a child: its errno, or 1000 + its exit status. */
static long run(const char *path)
{
    int p[2];
    if (pipe(p))
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        char *argv[] = {(char *)path, "as-interp", NULL};
        char *envp[] = {NULL};
        fcntl(p[1], F_SETFD, FD_CLOEXEC);
        execve(path, argv, envp);
        int e = errno;
        write(p[1], &e, sizeof e);
        _exit(127);
    }
    close(p[1]);
    int e = 0;
    long got = read(p[0], &e, sizeof e);
    close(p[0]);
    int status;
    waitpid(pid, &status, 0);
    if (got == sizeof e) {
        errno = e;
        return -1;
    }
    return 1000 + (WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* Run as the interpreter of /tmp/p_self: report what the kernel passed. */
static int as_interpreter(int argc, char **argv)
{
    unsigned long entry = getauxval(AT_ENTRY), phdr = getauxval(AT_PHDR);
    printf("interpreter: argc %d, argv[0] %s, argv[1] %s\n", argc, argv[0], argc > 1 ? argv[1] : "-");
    printf("interpreter: AT_ENTRY %#lx, AT_PHDR %#lx, AT_PHNUM %lu, AT_BASE %#lx\n", entry, phdr,
           getauxval(AT_PHNUM), getauxval(AT_BASE));
    printf("interpreter: AT_EXECFN %s\n", (const char *)getauxval(AT_EXECFN));
    /* The program is mapped: its first bytes are the ELF magic, its entry our exit(42). */
    printf("interpreter: program mapped: %s, code at entry: %s\n",
           memcmp((void *)BASE, ELFMAG, SELFMAG) ? "no" : "yes",
           *(unsigned char *)entry == 0xb8 ? "mov $60, %eax" : "other");
    fflush(stdout);
    /* Jump to the program, as ld.so does after its work: it exits 42. */
    ((void (*)(void))entry)();
    return 1;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "as-interp"))
        return as_interpreter(argc, argv);
    const char *self = argv[0];
    OK(mkdir("/tmp", 0755) == 0 || errno == EEXIST ? 0 : -1);

#define IN(s) s, sizeof(s)
    OK(make_program("/tmp/p_missing", IN("/nonexistent/ld.so")));
    ERR(run("/tmp/p_missing"), ENOENT);

    int fd = open("/tmp/noexec", O_CREAT | O_WRONLY, 0644);
    close(fd);
    OK(make_program("/tmp/p_noexec", IN("/tmp/noexec")));
    ERR(run("/tmp/p_noexec"), EACCES);

    OK(make_program("/tmp/p_dir", IN("/tmp")));
    ERR(run("/tmp/p_dir"), EACCES);

    fd = open("/tmp/text", O_CREAT | O_WRONLY, 0755);
    OK(write(fd, "#!/bin/sh\nthis is not an ELF file, but long enough to be read as one's header\n", 78));
    close(fd);
    OK(make_program("/tmp/p_text", IN("/tmp/text")));
    ERR(run("/tmp/p_text"), ELIBBAD);

    fd = open("/tmp/short", O_CREAT | O_WRONLY, 0755);
    OK(write(fd, "\177ELF\2\1\1", 7));
    close(fd);
    OK(make_program("/tmp/p_short", IN("/tmp/short")));
    ERR(run("/tmp/p_short"), EIO);

    OK(make_program("/tmp/p_nonul", "/tmp/text", 9));
    ERR(run("/tmp/p_nonul"), ENOEXEC);

    OK(make_program("/tmp/p_empty", "", 1));
    ERR(run("/tmp/p_empty"), ENOEXEC);

    /* Itself as the interpreter: prints what it got, then runs the program (exit 42). */
    OK(make_program("/tmp/p_self", self, strlen(self) + 1));
    EQ(run("/tmp/p_self"), 1042);
    return summary();
}
