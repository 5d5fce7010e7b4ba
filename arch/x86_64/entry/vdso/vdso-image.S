/* The vDSO image (built by cmake/vdso.cmake), page-aligned in the kernel's read-only data. */
    .section .rodata
    .balign 4096
    .globl vdso_image_start, vdso_image_end
vdso_image_start:
    .incbin "vdso.so"
vdso_image_end:
    .balign 4096
    .section .note.GNU-stack, "", @progbits
