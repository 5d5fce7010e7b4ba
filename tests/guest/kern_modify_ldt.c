/*
 * modify_ldt as Linux 6.1 answers it: reading an absent LDT (0 bytes) and
 * the default one (128 zero bytes at most), writing entries (the table grows
 * to the highest one; reading it back gives the descriptors, then zeros up
 * to bytecount), the refusals (bytecount, entry 8192, a conforming code
 * segment in old mode, 16-bit segments, bad pointers, unknown functions),
 * all as an int zero-extended to 64 bits (0xffffffea for EINVAL), a
 * selector with the TI bit loading through the table, and a fork child
 * with a copy of it.
 */
#include "musl_check.h"
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Linux's struct user_desc (asm/ldt.h, which musl's headers lack). */
struct user_desc {
    unsigned int entry_number;
    unsigned int base_addr;
    unsigned int limit;
    unsigned int seg_32bit : 1;
    unsigned int contents : 2;
    unsigned int read_exec_only : 1;
    unsigned int limit_in_pages : 1;
    unsigned int seg_not_present : 1;
    unsigned int useable : 1;
    unsigned int lm : 1;
};

static unsigned long raw_modify_ldt(int func, void *ptr, unsigned long count)
{
    unsigned long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(SYS_modify_ldt), "D"(func), "S"(ptr), "d"(count) : "rcx", "r11", "memory");
    return r;
}

static unsigned int data_word = 0x11223344;

int main(void)
{
    unsigned char buf[256];
    memset(buf, 0xaa, sizeof buf);
    EQ(raw_modify_ldt(0, buf, sizeof buf), 0);
    EQ(raw_modify_ldt(2, buf, sizeof buf), 128);
    int zero = 1;
    for (int i = 0; i < 128; i++)
        zero &= buf[i] == 0;
    truth("the default LDT reads as zeros", zero);
    truth("and nothing past 128 bytes is written", buf[128] == 0xaa);
    EQ(raw_modify_ldt(2, buf, 16), 16);

    struct user_desc d = {.entry_number = 5, .base_addr = (uintptr_t)&data_word, .limit = 0xfffff,
                          .seg_32bit = 1, .limit_in_pages = 1, .useable = 1};
    EQ(raw_modify_ldt(0x11, &d, sizeof d), 0);
    memset(buf, 0xaa, sizeof buf);
    EQ(raw_modify_ldt(0, buf, 100), 100);
    unsigned long long e5;
    memcpy(&e5, buf + 40, 8);
    printf("entry 5: %#llx\n", e5 & ~0xffffff0000ULL & ~0xff00000000000000ULL); /* without the base */
    zero = 1;
    for (int i = 0; i < 40; i++)
        zero &= buf[i] == 0;
    for (int i = 48; i < 100; i++)
        zero &= buf[i] == 0;
    truth("the other bytes up to bytecount are zeros", zero);
    truth("and nothing past bytecount is written", buf[100] == 0xaa);

    /* A selector with the TI bit reads through the new segment (in %gs:
     * musl keeps its thread pointer in %fs). */
    unsigned short sel = 5 * 8 + 4 + 3;
    unsigned int through;
    __asm__ volatile("movw %1, %%gs\n\tmovl %%gs:0, %0\n\tmovw %2, %%gs" : "=r"(through) : "r"(sel), "r"((unsigned short)0));
    truth("a load through LDT entry 5 reads its base", through == 0x11223344);

    EQ(raw_modify_ldt(0x11, &d, sizeof d - 1), 0xffffffeaUL);
    d.entry_number = 8192;
    EQ(raw_modify_ldt(0x11, &d, sizeof d), 0xffffffeaUL);
    d.entry_number = 6;
    d.seg_32bit = 0;
    EQ(raw_modify_ldt(0x11, &d, sizeof d), 0xffffffeaUL);
    d.seg_32bit = 1;
    d.contents = 3;
    EQ(raw_modify_ldt(1, &d, sizeof d), 0xffffffeaUL);
    d.seg_not_present = 0;
    EQ(raw_modify_ldt(0x11, &d, sizeof d), 0xffffffeaUL);
    EQ(raw_modify_ldt(0x11, (void *)8, sizeof d), 0xfffffff2UL);
    EQ(raw_modify_ldt(0, (void *)8, 16), 0xfffffff2UL);
    EQ(raw_modify_ldt(3, buf, 16), 0xffffffdaUL);
    EQ(syscall(SYS_modify_ldt, 0x12, buf, 16), 4294967258L);

    pid_t pid = fork();
    if (pid == 0) {
        unsigned int v;
        __asm__ volatile("movw %1, %%gs\n\tmovl %%gs:0, %0\n\tmovw %2, %%gs" : "=r"(v) : "r"(sel), "r"((unsigned short)0));
        unsigned char c[64];
        _exit(v == 0x11223344 && raw_modify_ldt(0, c, 64) == 64 ? 3 : 4);
    }
    int status;
    EQ(waitpid(pid, &status, 0), pid);
    EQ(WEXITSTATUS(status), 3);
    return summary();
}
