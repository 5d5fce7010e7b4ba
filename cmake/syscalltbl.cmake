# Generated from the system call tables (tools/syscalltbl):
#   generated/kernel/asm/syscalls_{64,32}.h       the kernel's dispatch lists
#   generated/kernel/asm/syscall_names_{64,32}.h  the tracer's names
#   generated/kernel/asm/syscalls_32_native.h     i386 entries served by native handlers
#   generated/uapi/asm/unistd_{64,32}.h           __NR_* for programs
#   generated/user/trapgate/syscalls_{x64,ia32}.h the user library's wrappers

set(TBL_DIR ${CMAKE_SOURCE_DIR}/arch/x86_64/entry/syscalls)
set(GEN_DIR ${CMAKE_BINARY_DIR}/generated)
set(SYSCALL_GENERATED)

function(syscalltbl_generate mode table abis out)
  add_custom_command(OUTPUT ${GEN_DIR}/${out}
    COMMAND $<TARGET_FILE:syscalltbl> ${mode} --abis ${abis} --in ${TBL_DIR}/${table}
            --out ${GEN_DIR}/${out} ${ARGN}
    DEPENDS syscalltbl ${TBL_DIR}/${table}
    COMMENT "syscalltbl ${mode} ${out}"
    VERBATIM)
  set(SYSCALL_GENERATED ${SYSCALL_GENERATED} ${GEN_DIR}/${out} PARENT_SCOPE)
endfunction()

syscalltbl_generate(dispatch-list syscall_64.tbl common,64 kernel/asm/syscalls_64.h)
syscalltbl_generate(dispatch-list syscall_32.tbl i386 kernel/asm/syscalls_32.h --compat)
syscalltbl_generate(native-list syscall_32.tbl i386 kernel/asm/syscalls_32_native.h)
syscalltbl_generate(names-list syscall_64.tbl common,64 kernel/asm/syscall_names_64.h)
syscalltbl_generate(names-list syscall_32.tbl i386 kernel/asm/syscall_names_32.h)
syscalltbl_generate(uapi-header syscall_64.tbl common,64 uapi/asm/unistd_64.h --guard _ASM_UNISTD_64_H)
syscalltbl_generate(uapi-header syscall_32.tbl i386 uapi/asm/unistd_32.h --guard _ASM_UNISTD_32_H)
syscalltbl_generate(user-wrappers syscall_64.tbl common,64 user/trapgate/syscalls_x64.h --prefix x64)
syscalltbl_generate(user-wrappers syscall_32.tbl i386 user/trapgate/syscalls_ia32.h --prefix ia32)

add_custom_target(syscall_headers ALL DEPENDS ${SYSCALL_GENERATED})
