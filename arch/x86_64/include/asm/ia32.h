/*
 * 32-bit (i386) programs in compatibility mode: the constants of their
 * address space and the questions the rest of the kernel asks about them
 * (docs/ia32.md). Linux's names: IA32_PAGE_OFFSET; whether the running
 * call is an i386 one is in_compat_syscall() (linux/compat.h).
 */
#pragma once
#include <linux/result.h>
#include <linux/sched.h>
#include <linux/uaccess.h>

struct vm_area_struct;

/* The end of an i386 program's address space (Linux's IA32_PAGE_OFFSET, its
 * TASK_SIZE and STACK_TOP): the last two pages below 4 GiB stay unmapped. */
constexpr unsigned long IA32_PAGE_OFFSET = 0xffffe000UL;
/* ELF_ET_DYN_BASE of an i386 program (a PIE run through its interpreter). */
constexpr unsigned long IA32_ELF_ET_DYN_BASE = 0x400000UL;
/* Random bits of an i386 layout: stack top (pages), mmap base (pages). */
constexpr unsigned long IA32_STACK_RND_MASK = 0x7ff;
constexpr unsigned IA32_MMAP_RND_BITS = 8;

/* Is the current process an i386 program (its address space ends at 4 GiB)? */
[[nodiscard]] static inline bool current_is_ia32() { return current->thread.ia32; }

/* struct user_desc, set_thread_area's and modify_ldt's segment description
 * (16 bytes on both ABIs). */
struct user_desc {
    u32 entry_number;
    u32 base_addr;
    u32 limit;
    u32 seg_32bit : 1;
    u32 contents : 2;
    u32 read_exec_only : 1;
    u32 limit_in_pages : 1;
    u32 seg_not_present : 1;
    u32 useable : 1;
    u32 lm : 1;
};
static_assert(sizeof(user_desc) == 16);

/* The GDT's TLS slots of the CPU this runs on get t's descriptors (interrupts off). */
void load_TLS(const task_struct* t);
/* The descriptions that clear a slot (Linux's LDT_empty and LDT_zero), and
 * the descriptor of any other (Linux's fill_ldt). */
[[nodiscard]] bool desc_is_empty(const user_desc& u);
[[nodiscard]] bool desc_is_zero(const user_desc& u);
[[nodiscard]] u64 fill_desc(const user_desc& u);
/* This CPU's LDT register: mm's LDT, or none (arch/x86_64/kernel/ldt.cpp).
 * ldt_ever_used: some address space has had an LDT (never cleared), so the
 * switch has LDTs to load; until then it skips them with one load. */
extern bool ldt_ever_used;
void load_mm_ldt(const mm_struct* mm);
/* An LDT's life with its address space: fork copies it, the end frees it. */
[[nodiscard]] bool ldt_dup_context(const mm_struct* old, mm_struct* mm);
void destroy_context_ldt(mm_struct* mm);
/* Entry idx of mm's LDT (0 if there is none), and the base of the segment
 * sel names for t, as its switch would load it (Linux's
 * x86_fsgsbase_read_task): a TLS slot's or an LDT entry's, else 0. */
[[nodiscard]] u64 ldt_descriptor(const mm_struct* mm, unsigned idx);
[[nodiscard]] unsigned long x86_fsgsbase_read_task(const task_struct* t, u16 sel);
/* The i387 environment from and to an fxsave image (Linux's convert_from_fxsr
 * and convert_to_fxsr; signal_32.cpp): the segment selectors of the last
 * instruction are not kept in 64-bit mode, so cs and ds stand for them. */
struct fpstate_32_env;
void convert_from_fxsr(fpstate_32_env& env, const u8* fx, unsigned long cs, u16 ds);
void convert_to_fxsr(u8* fx, const fpstate_32_env& env);
/* set_thread_area for task p (current, or a child being made by clone
 * with CLONE_SETTLS from an i386 call): idx -1 takes u's entry_number;
 * can_allocate lets entry_number -1 pick a free slot (written back). */
[[nodiscard]] Result<void> do_set_thread_area(task_struct* p, int idx, user_inout_ptr<user_desc> u, bool can_allocate);
/* get_thread_area of task p's slot idx (-1: u's entry_number); ptrace's
 * PTRACE_GET_THREAD_AREA names the slot. */
[[nodiscard]] Result<void> do_get_thread_area(task_struct* p, int idx, user_inout_ptr<user_desc> u);
/* sel (at RPL 3) if a data segment register may hold it in user mode (null,
 * or a present DPL-3 data or readable code segment), else null (tls.cpp). */
[[nodiscard]] u16 checked_data_selector(u16 sel);
/* A new program: no TLS descriptors (Linux's flush_thread). */
void flush_tls(task_struct* t);
/* start_thread for an i386 program: __USER32_CS, 32-bit data segments. */
void start_thread_ia32(pt_regs* regs, unsigned long ip, unsigned long sp);
/* The i386 vDSO of a new program (arch/x86_64/kernel/vdso_32.cpp): its base
 * (AT_SYSINFO_EHDR) and __kernel_vsyscall (AT_SYSINFO), 0 when there is none. */
void ia32_setup_additional_pages(mm_struct* mm, unsigned long& base, unsigned long& entry);
/* Where the i386 vDSO's landing pad and signal trampolines are in mm
 * (0 without a vDSO), and whether vma is its image. */
unsigned long vdso32_landing_pad(const mm_struct* mm);
unsigned long vdso32_sigreturn(const mm_struct* mm, bool rt);
bool vdso32_is_image(const vm_area_struct* vma);
/* The most stack an i386 signal frame takes (AT_MINSIGSTKSZ). */
unsigned long sigframe_size_ia32();
