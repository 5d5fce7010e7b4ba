# The vDSO: a small shared object of its own (arch/x86_64/entry/vdso/),
# linked with vdso.lds and vdso.map, stripped, and carried in the kernel's
# read-only data by vdso-image.S (.incbin finds it through -Wa,-I).
set(VDSO_DIR ${CMAKE_SOURCE_DIR}/arch/x86_64/entry/vdso)
set(VDSO_OUT ${CMAKE_BINARY_DIR}/vdso)
add_custom_command(OUTPUT ${VDSO_OUT}/vdso.so
  COMMAND ${CMAKE_COMMAND} -E make_directory ${VDSO_OUT}
  COMMAND ${CMAKE_CXX_COMPILER} -std=c++20 -O2 -fPIC -shared -nostdlib -ffreestanding -fno-exceptions -fno-rtti
          -fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none -fno-plt -mgeneral-regs-only
          -I${CMAKE_SOURCE_DIR}/include -I${CMAKE_SOURCE_DIR}/arch/x86_64/include -I${CMAKE_BINARY_DIR}/generated/uapi
          -Wl,-soname=linux-vdso.so.1 -Wl,-T,${VDSO_DIR}/vdso.lds -Wl,--version-script=${VDSO_DIR}/vdso.map
          -Wl,--hash-style=both -Wl,-Bsymbolic -Wl,-z,defs -Wl,-z,noexecstack -Wl,--build-id=none
          -o ${VDSO_OUT}/vdso.so.dbg ${VDSO_DIR}/vclock_gettime.cc
  COMMAND objcopy --strip-debug ${VDSO_OUT}/vdso.so.dbg ${VDSO_OUT}/vdso.so
  DEPENDS ${VDSO_DIR}/vclock_gettime.cc ${VDSO_DIR}/vclock.h ${VDSO_DIR}/vdso.lds ${VDSO_DIR}/vdso.map
          ${CMAKE_SOURCE_DIR}/arch/x86_64/include/asm/vdso.h ${CMAKE_SOURCE_DIR}/include/uapi/linux/time.h
          syscall_headers
  COMMENT "vDSO"
  VERBATIM)
add_custom_target(vdso_image DEPENDS ${VDSO_OUT}/vdso.so)
foreach(objs kernel_objs kernel_unchecked_objs)
  add_dependencies(${objs} vdso_image)
  target_compile_options(${objs} PRIVATE $<$<COMPILE_LANGUAGE:ASM>:-Wa,-I${VDSO_OUT}>)
endforeach()
set_source_files_properties(${VDSO_DIR}/vdso-image.S PROPERTIES OBJECT_DEPENDS ${VDSO_OUT}/vdso.so)

# The i386 vDSO (arch/x86_64/entry/vdso/vdso32/): the same layout script,
# built with -m32, carried by vdso32-image.S. The kernel needs a few of its
# addresses (the entry, the landing pad, the signal trampolines, the SYSCALL
# pair a CPU without it has patched out): vdso32-offsets.h lists them, from
# the unstripped image's symbol table (Linux's vdso2c does the same).
set(VDSO32_DIR ${VDSO_DIR}/vdso32)
add_custom_command(OUTPUT ${VDSO_OUT}/vdso32.so ${VDSO_OUT}/vdso32-offsets.h
  COMMAND ${CMAKE_COMMAND} -E make_directory ${VDSO_OUT}
  COMMAND ${CMAKE_CXX_COMPILER} -m32 -std=c++20 -O2 -fPIC -shared -nostdlib -ffreestanding -fno-exceptions -fno-rtti
          -fno-stack-protector -fcf-protection=none -fno-plt -mgeneral-regs-only -fno-omit-frame-pointer
          -I${CMAKE_SOURCE_DIR}/include -I${CMAKE_SOURCE_DIR}/arch/x86_64/include -I${CMAKE_BINARY_DIR}/generated/uapi
          -Wl,-soname=linux-gate.so.1 -Wl,-T,${VDSO32_DIR}/vdso32.lds -Wl,--version-script=${VDSO32_DIR}/vdso32.map
          -Wl,--hash-style=both -Wl,-Bsymbolic -Wl,-z,defs -Wl,-z,noexecstack -Wl,--build-id=none -Wl,--eh-frame-hdr
          -o ${VDSO_OUT}/vdso32.so.dbg ${VDSO32_DIR}/system_call.S ${VDSO32_DIR}/vclock_gettime.cc
  COMMAND objcopy --strip-debug ${VDSO_OUT}/vdso32.so.dbg ${VDSO_OUT}/vdso32.so
  COMMAND sh -c "nm ${VDSO_OUT}/vdso32.so.dbg | awk '/ (__kernel_vsyscall|__kernel_sigreturn|__kernel_rt_sigreturn|int80_landing_pad|vdso32_syscall_sequence|vdso32_int80)$/ { printf \"#define VDSO32_SYM_%s 0x%s\\n\", $3, $1 }' > ${VDSO_OUT}/vdso32-offsets.h"
  DEPENDS ${VDSO32_DIR}/system_call.S ${VDSO32_DIR}/vclock_gettime.cc ${VDSO_DIR}/vclock.h ${VDSO32_DIR}/vdso32.lds ${VDSO32_DIR}/vdso32.map
          ${CMAKE_SOURCE_DIR}/arch/x86_64/include/asm/vdso.h ${CMAKE_SOURCE_DIR}/include/uapi/linux/time32.h
          syscall_headers
  COMMENT "i386 vDSO"
  VERBATIM)
add_custom_target(vdso32_image DEPENDS ${VDSO_OUT}/vdso32.so ${VDSO_OUT}/vdso32-offsets.h)
foreach(objs kernel_objs kernel_unchecked_objs)
  add_dependencies(${objs} vdso32_image)
  target_include_directories(${objs} PRIVATE ${VDSO_OUT})
endforeach()
set_source_files_properties(${VDSO_DIR}/vdso32-image.S PROPERTIES OBJECT_DEPENDS ${VDSO_OUT}/vdso32.so)
