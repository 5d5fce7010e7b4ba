# The kernel: freestanding C++20, linked twice so the second link can carry its
# own symbol table (kallsyms) for backtraces.

file(GLOB_RECURSE KERNEL_SOURCES CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/arch/x86_64/*.cpp
  ${CMAKE_SOURCE_DIR}/arch/x86_64/*.S
  ${CMAKE_SOURCE_DIR}/drivers/*.cpp
  ${CMAKE_SOURCE_DIR}/fs/*.cpp
  ${CMAKE_SOURCE_DIR}/init/*.cpp
  ${CMAKE_SOURCE_DIR}/ipc/*.cpp
  ${CMAKE_SOURCE_DIR}/kernel/*.cpp
  ${CMAKE_SOURCE_DIR}/lib/*.cpp
  ${CMAKE_SOURCE_DIR}/mm/*.cpp
  ${CMAKE_SOURCE_DIR}/net/*.cpp
  ${CMAKE_SOURCE_DIR}/security/*.cpp)
# The i386 vDSO's sources are user code, built -m32 by cmake/vdso.cmake.
list(FILTER KERNEL_SOURCES EXCLUDE REGEX "/entry/vdso/vdso32/")
# Compiled only for the numbers it hands to assembly (asm-offsets.h, below).
set(ASM_OFFSETS_SOURCE ${CMAKE_SOURCE_DIR}/arch/x86_64/kernel/asm-offsets.cpp)
list(REMOVE_ITEM KERNEL_SOURCES ${ASM_OFFSETS_SOURCE})

set(KERNEL_CXX_FLAGS
  -ffreestanding -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit
  -fcheck-new -nostdlib -mno-red-zone -mcmodel=kernel -mgeneral-regs-only
  -mpreferred-stack-boundary=3 -fno-pic -fno-pie -fno-stack-protector
  -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fcf-protection=none
  -fno-strict-aliasing -O2 -Wall -Wextra -Wno-missing-field-initializers -Wno-invalid-offsetof)

# The checked kernel (docs/kernel-checks.md): the stack protector, with one
# global guard (__stack_chk_guard, lib/stackprotector.cpp) since GS, not FS, is
# the kernel's per-CPU segment, and UBSan with the kernel's own runtime
# (lib/ubsan.cpp), which reports file:line and panics. Minus what a kernel
# cannot use: vptr needs RTTI; alignment is off as in Linux (x86 allows
# misaligned loads, and packed firmware tables have them).
# build/vmlinux, which the tests and the fuzzer boot, is checked unless
# TRAPGATE_CHECKED=OFF; build/vmlinux-unchecked (target kernel_unchecked, built
# only on demand) is the same kernel without the checks, which the benchmarks
# measure (the checks cost 1.6x on a null system call).
option(TRAPGATE_CHECKED "build/vmlinux with the stack protector and UBSan" ON)
set(KERNEL_CHECK_FLAGS -fstack-protector-strong -mstack-protector-guard=global
  -fsanitize=undefined -fno-sanitize=vptr,alignment)
set(KERNEL_CHECK_DEFS CONFIG_STACKPROTECTOR CONFIG_UBSAN)
# The runtimes themselves run unchecked: the guard changes under
# boot_init_stack_canary's own frame, and a UBSan report must not re-enter.
set_source_files_properties(${CMAKE_SOURCE_DIR}/lib/stackprotector.cpp ${CMAKE_SOURCE_DIR}/lib/ubsan.cpp
  PROPERTIES COMPILE_OPTIONS "-fno-stack-protector;-fno-sanitize=all")


set(KERNEL_LDS ${CMAKE_SOURCE_DIR}/arch/x86_64/kernel.ld)
set(KERNEL_LINK ${CMAKE_CXX_COMPILER} -nostdlib -static -no-pie -Wl,--build-id=none
  -Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -T ${KERNEL_LDS})

add_executable(kallsyms tools/kallsyms.cpp)

# One kernel image: objects built with or without the checks, linked twice.
# Pass 1: an empty symbol table. Pass 2: the table of pass 1's text symbols,
# which sits after all code and data, so no address it lists moves.
function(trapgate_kernel target image checked in_all)
  set(objs ${target}_objs)
  if(in_all)
    add_library(${objs} OBJECT ${KERNEL_SOURCES})
  else()
    add_library(${objs} OBJECT EXCLUDE_FROM_ALL ${KERNEL_SOURCES})
  endif()
  # asm-offsets.h: the structure offsets and constants assembly uses, from
  # an object compiled exactly as this kernel's are (its .asm_offsets
  # section is the header's text), as Linux's asm-offsets.c.
  set(offsets ${target}_asm_offsets)
  set(offsets_dir ${CMAKE_BINARY_DIR}/generated/${target})
  add_library(${offsets} OBJECT EXCLUDE_FROM_ALL ${ASM_OFFSETS_SOURCE})
  add_dependencies(${offsets} syscall_headers)
  add_custom_command(OUTPUT ${offsets_dir}/asm-offsets.h
    COMMAND ${CMAKE_COMMAND} -E make_directory ${offsets_dir}
    COMMAND objcopy -O binary --only-section=.asm_offsets $<TARGET_OBJECTS:${offsets}> ${offsets_dir}/asm-offsets.h
    DEPENDS ${offsets} $<TARGET_OBJECTS:${offsets}>
    COMMAND_EXPAND_LISTS
    VERBATIM)
  add_custom_target(${offsets}_h DEPENDS ${offsets_dir}/asm-offsets.h)
  add_dependencies(${objs} syscall_headers ${offsets}_h)
  set(flags ${KERNEL_CXX_FLAGS})
  set(defs __KERNEL__ TRAPGATE_SOURCE_DIR="${CMAKE_SOURCE_DIR}/")
  if(checked)
    list(APPEND flags ${KERNEL_CHECK_FLAGS})
    list(APPEND defs ${KERNEL_CHECK_DEFS})
  endif()
  foreach(lib ${objs} ${offsets})
    target_include_directories(${lib} PRIVATE
      ${CMAKE_SOURCE_DIR}/include
      ${CMAKE_SOURCE_DIR}/arch/x86_64/include
      ${CMAKE_BINARY_DIR}/generated/kernel)
    target_compile_options(${lib} PRIVATE
      $<$<COMPILE_LANGUAGE:CXX>:${flags}>
      $<$<COMPILE_LANGUAGE:ASM>:-mcmodel=kernel -fno-pic>)
    target_compile_definitions(${lib} PRIVATE ${defs})
  endforeach()
  target_include_directories(${objs} PRIVATE ${offsets_dir})
  set(ksyms1 ${CMAKE_BINARY_DIR}/${image}.kallsyms1.S)
  set(ksyms2 ${CMAKE_BINARY_DIR}/${image}.kallsyms2.S)
  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/${image}
    COMMAND $<TARGET_FILE:kallsyms> < /dev/null > ${ksyms1}
    COMMAND ${CMAKE_CXX_COMPILER} -c ${ksyms1} -o ${image}.kallsyms1.o
    COMMAND ${KERNEL_LINK} -o ${image}.pass1 $<TARGET_OBJECTS:${objs}> ${image}.kallsyms1.o
    COMMAND nm -n ${image}.pass1 | $<TARGET_FILE:kallsyms> > ${ksyms2}
    COMMAND ${CMAKE_CXX_COMPILER} -c ${ksyms2} -o ${image}.kallsyms2.o
    COMMAND ${KERNEL_LINK} -o ${image} $<TARGET_OBJECTS:${objs}> ${image}.kallsyms2.o
    COMMAND sh -c "nm -n ${image}.pass1 | grep -i ' t ' > ${image}.pass1.syms; nm -n ${image} | grep -i ' t ' > ${image}.pass2.syms; cmp -s ${image}.pass1.syms ${image}.pass2.syms || { echo 'kallsyms: text moved between links' >&2; exit 1; }"
    DEPENDS ${objs} $<TARGET_OBJECTS:${objs}> kallsyms ${KERNEL_LDS}
    WORKING_DIRECTORY ${CMAKE_BINARY_DIR}
    COMMAND_EXPAND_LISTS
    VERBATIM)
  if(in_all)
    add_custom_target(${target} ALL DEPENDS ${CMAKE_BINARY_DIR}/${image})
  else()
    add_custom_target(${target} DEPENDS ${CMAKE_BINARY_DIR}/${image})
  endif()
endfunction()

trapgate_kernel(kernel vmlinux ${TRAPGATE_CHECKED} ON)
trapgate_kernel(kernel_unchecked vmlinux-unchecked OFF OFF)

# The kernel's checks on itself (poisoned frees, list and reference-count
# invariants: docs/locking.md). On by default in build/vmlinux: the guest
# tests and the fuzzer run on it. -DTRAPGATE_DEBUG=OFF builds without them;
# vmlinux-unchecked, which the benchmarks measure, never has them.
option(TRAPGATE_DEBUG "kernel self-checks (CONFIG_DEBUG_KERNEL)" ON)
if(TRAPGATE_DEBUG)
  target_compile_definitions(kernel_objs PRIVATE CONFIG_DEBUG_KERNEL=1)
  target_compile_definitions(kernel_asm_offsets PRIVATE CONFIG_DEBUG_KERNEL=1)
endif()
