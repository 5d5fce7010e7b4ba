/* The i386 vDSO image (built by cmake/vdso.cmake), page-aligned in the kernel's read-only data. */
    .section .rodata
    .balign 4096
    .globl vdso32_image_start, vdso32_image_end
vdso32_image_start:
    .incbin "vdso32.so"
vdso32_image_end:
    .balign 4096
    .section .note.GNU-stack, "", @progbits
