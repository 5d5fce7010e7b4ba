/* Running a program: execve's working state and the formats it knows. */
#pragma once
#include <linux/fs.h>
#include <linux/mm.h>

constexpr size_t BINPRM_BUF_SIZE = 256;
constexpr size_t MAX_ARG_STRLEN = 32 * PAGE_SIZE; /* one argument, Linux's limit */
constexpr int MAX_ARG_STRINGS = 0x7fffffff;
/* The stack's top before randomization, Linux's: the end of user space. An
 * exec puts it a random number of pages (up to 16 GiB) lower
 * (randomize_stack_top, mm/aslr.cpp); with ADDR_NO_RANDOMIZE or
 * randomize_va_space 0 it is here, as on Linux. */
constexpr unsigned long STACK_TOP = TASK_SIZE_MAX;

struct linux_binprm {
    mm_struct* mm;           /* the new address space, being built */
    unsigned long p;         /* current top of the new stack's strings */
    unsigned long stack_limit_bottom; /* strings may not go below this (E2BIG) */
    struct file* file;
    char buf[BINPRM_BUF_SIZE]; /* the file's first bytes */
    int argc, envc;
    const char* filename;    /* as given to execve (AT_EXECFN) */
    char interp[PATH_MAX];   /* the program actually loaded (after #!) */
    char fd_name[PATH_MAX];  /* "/dev/fd/N/name" for execveat with a dirfd */
    unsigned long exec;      /* address of the filename string on the new stack */
    int depth;               /* #! nesting */
    struct cred* cred;       /* the credentials to run with, prepared before the point of no return */
    bool secureexec;         /* the exec raises privileges (AT_SECURE) */
    unsigned int per_clear;  /* personality flags the exec drops (PER_CLEAR_ON_SETID for a set-id program) */
    bool randomize;          /* the layout is randomized (Linux's PF_RANDOMIZE), decided once per exec */
    bool randomize_brk;      /* and the heap's start too (randomize_va_space 2) */
    unsigned long stack_top; /* the new stack's top, randomized or STACK_TOP */
    bool ia32;               /* the program is an i386 one: the stack and layout are 4 GiB's */
    bool compat_args;        /* argv and envp are arrays of 4-byte pointers (an i386 execve) */
};

/* Copies len bytes into the new address space at addr (faulting pages in). */
Result<void> copy_to_new_mm(mm_struct* mm, unsigned long addr, const void* src, size_t len);
/* The same at a typed address (fork's CLONE_CHILD_SETTID into the child's copy). */
[[nodiscard]] inline Result<void> copy_to_new_mm(mm_struct* mm, user_out_ptr<void> addr, const void* src, size_t len)
{
    return copy_to_new_mm(mm, user_addr(addr), src, len);
}
Result<void> clear_in_new_mm(mm_struct* mm, unsigned long addr, size_t len);
/* The length of the string at addr in the new address space. */
Result<size_t> new_mm_strlen(mm_struct* mm, unsigned long addr);
/* Pushes a kernel string onto the new stack (for #! and the file name). */
Result<void> copy_string_kernel(const char* s, linux_binprm& bprm);
/* Drops the lowest string on the stack (argv[0], replaced by #! handling). */
Result<void> remove_arg_zero(linux_binprm& bprm);
/* Opens the program (relative to dirfd; flags AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW)
 * and reads its first bytes into bprm.buf. */
Result<void> open_exec(int dirfd, const char* name, int flags, linux_binprm& bprm);
/* Opens a file for execution (lookup: LOOKUP_* flags) with exec's checks:
 * a regular file, x permission, not open for writing (ETXTBSY). */
Result<file*> open_exec_file(int dirfd, const char* name, unsigned lookup);

/* Formats: each returns ENOEXEC if the file is not its kind. */
Result<void> load_elf_binary(linux_binprm& bprm);
Result<void> load_script(linux_binprm& bprm);
/* Runs the format handlers on bprm (recursing for #!). */
Result<void> exec_binprm(linux_binprm& bprm);

/* Kills the calling task's other threads and waits for them; a thread that
 * is not the leader takes the leader's pid (fs/exec_thread.cpp). EAGAIN when
 * another thread is ending the process first. */
Result<void> de_thread(task_struct* t);
/* The point of no return: the calling process becomes bprm's program. */
void begin_new_exec(linux_binprm& bprm);
void setup_new_exec_registers(unsigned long entry, unsigned long sp);

/* execve for the kernel's first program. */
Result<void> kernel_execve(const char* filename, const char* const* argv, const char* const* envp);
