/*
 * fault: a program that faults dies of the signal Linux sends for that fault,
 * and the kernel goes on. argv[1] picks the fault; the manifest expects the
 * shell's exit status 128 + signal:
 *   null_write      store to address 0                      SIGSEGV 139
 *   null_read       load from address 0                     SIGSEGV 139
 *   null_call       jump to address 0                       SIGSEGV 139
 *   kernel_read     load from 0xffffffff81000000             SIGSEGV 139
 *   noncanonical    load from 0x0000800000000000 (#GP)       SIGSEGV 139
 *   rodata_write    store into the program's .rodata         SIGSEGV 139
 *   exec_data       jump into a non-executable data page     SIGSEGV 139
 *   hlt             a privileged instruction (#GP)           SIGSEGV 139
 *   ud2             invalid opcode (#UD)                     SIGILL  132
 *   div0            idiv by zero (#DE)                       SIGFPE  136
 *   int3            breakpoint (#BP)                         SIGTRAP 133
 *   munmap_access   touch a page after munmap                SIGSEGV 139
 *   mprotect_write  write a page made PROT_READ by mprotect  SIGSEGV 139
 *   mmap_past_eof   touch a file mapping's page past EOF     SIGBUS  135
 * (Linux arch/x86/kernel/traps.c and arch/x86/mm/fault.c; mm/filemap.c gives
 * VM_FAULT_SIGBUS for a page wholly past the end of the file.) Each mode
 * prints one line first; it must be the only output.
 */
#include <trapgate/check.h>
#include <trapgate/uapi.h>

using namespace trapgate;
using namespace trapgate::x64;

static const char rodata[] = "read-only";
alignas(4096) static unsigned char data_page[4096] = {0xc3}; /* ret, but not executable */

static unsigned long map_anon(int prot)
{
    return static_cast<unsigned long>(sys_mmap(0, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0).value());
}

static void store(unsigned long addr) { asm volatile("movl $1, (%0)" : : "r"(addr) : "memory"); }
static void load(unsigned long addr)
{
    int v;
    asm volatile("movl (%1), %0" : "=r"(v) : "r"(addr) : "memory");
}
static void call(unsigned long addr) { asm volatile("call *%0" : : "r"(addr) : "memory", "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11"); }

int main(int argc, char** argv, char**)
{
    const char* mode = argc > 1 ? argv[1] : "";
    println("fault: ", mode);
    io::flush();
    if (streq(mode, "null_write")) {
        store(0);
    } else if (streq(mode, "null_read")) {
        load(0);
    } else if (streq(mode, "null_call")) {
        call(0);
    } else if (streq(mode, "kernel_read")) {
        load(0xffffffff81000000UL);
    } else if (streq(mode, "noncanonical")) {
        load(0x0000800000000000UL);
    } else if (streq(mode, "rodata_write")) {
        store(reinterpret_cast<unsigned long>(rodata));
    } else if (streq(mode, "exec_data")) {
        call(reinterpret_cast<unsigned long>(data_page));
    } else if (streq(mode, "hlt")) {
        asm volatile("hlt");
    } else if (streq(mode, "ud2")) {
        asm volatile("ud2");
    } else if (streq(mode, "div0")) {
        asm volatile("xorl %%ecx, %%ecx\n\tmovl $1, %%eax\n\tcltd\n\tidivl %%ecx" : : : "rax", "rcx", "rdx");
    } else if (streq(mode, "int3")) {
        asm volatile("int3");
    } else if (streq(mode, "munmap_access")) {
        unsigned long p = map_anon(PROT_READ | PROT_WRITE);
        store(p);
        sys_munmap(p, 4096);
        load(p);
    } else if (streq(mode, "mprotect_write")) {
        unsigned long p = map_anon(PROT_READ | PROT_WRITE);
        store(p);
        sys_mprotect(p, 4096, PROT_READ);
        load(p); /* reading is still fine */
        store(p);
    } else if (streq(mode, "mmap_past_eof")) {
        long fd = sys_open("/tmp/fault", O_RDWR | O_CREAT | O_TRUNC, 0600).value();
        sys_write(fd, "x", 1);
        unsigned long p = static_cast<unsigned long>(sys_mmap(0, 2 * 4096, PROT_READ, MAP_PRIVATE, fd, 0).value());
        load(p); /* the first page holds the end of the file */
        load(p + 4096);
    } else {
        println("FAIL: unknown mode");
        return 1;
    }
    println("FAIL: survived");
    return 1;
}
