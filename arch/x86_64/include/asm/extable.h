/*
 * The exception table: pairs (instruction that may fault on a user address,
 * where to continue if it does). Only the user-copy routines in
 * arch/x86_64/lib/copy_user.S have entries; fixup_exception() searches them.
 */
#pragma once

#ifdef __ASSEMBLER__
#define _ASM_EXTABLE(from, to)        \
    .pushsection __ex_table, "a";     \
    .balign 8;                        \
    .quad from, to;                   \
    .popsection
#else
struct exception_table_entry {
    unsigned long insn;
    unsigned long fixup;
};
#endif
