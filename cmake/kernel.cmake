# The kernel: freestanding C++20, linked twice so the second link can carry its
# own symbol table (kallsyms) for backtraces.

file(GLOB_RECURSE KERNEL_SOURCES CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/arch/x86_64/*.cpp
  ${CMAKE_SOURCE_DIR}/arch/x86_64/*.S
  ${CMAKE_SOURCE_DIR}/drivers/*.cpp
  ${CMAKE_SOURCE_DIR}/fs/*.cpp
  ${CMAKE_SOURCE_DIR}/init/*.cpp
  ${CMAKE_SOURCE_DIR}/kernel/*.cpp
  ${CMAKE_SOURCE_DIR}/lib/*.cpp
  ${CMAKE_SOURCE_DIR}/mm/*.cpp)

set(KERNEL_CXX_FLAGS
  -ffreestanding -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit
  -fcheck-new -nostdlib -mno-red-zone -mcmodel=kernel -mgeneral-regs-only
  -mpreferred-stack-boundary=3 -fno-pic -fno-pie -fno-stack-protector
  -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fcf-protection=none
  -fno-strict-aliasing -O2 -Wall -Wextra -Wno-missing-field-initializers -Wno-invalid-offsetof)

add_library(kernel_objs OBJECT ${KERNEL_SOURCES})
add_dependencies(kernel_objs syscall_headers)
target_include_directories(kernel_objs PRIVATE
  ${CMAKE_SOURCE_DIR}/include
  ${CMAKE_SOURCE_DIR}/arch/x86_64/include
  ${CMAKE_BINARY_DIR}/generated/kernel)
target_compile_options(kernel_objs PRIVATE
  $<$<COMPILE_LANGUAGE:CXX>:${KERNEL_CXX_FLAGS}>
  $<$<COMPILE_LANGUAGE:ASM>:-mcmodel=kernel -fno-pic>)
target_compile_definitions(kernel_objs PRIVATE __KERNEL__)

# The kernel's checks on itself (poisoned frees, list and reference-count
# invariants: docs/locking.md). On by default: the guest tests and the fuzzer
# run on this build. -DTRAPGATE_DEBUG=OFF builds without them.
option(TRAPGATE_DEBUG "kernel self-checks (CONFIG_DEBUG_KERNEL)" ON)
if(TRAPGATE_DEBUG)
  target_compile_definitions(kernel_objs PRIVATE CONFIG_DEBUG_KERNEL=1)
endif()

set(KERNEL_LDS ${CMAKE_SOURCE_DIR}/arch/x86_64/kernel.ld)
set(KERNEL_LINK ${CMAKE_CXX_COMPILER} -nostdlib -static -no-pie -Wl,--build-id=none
  -Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -T ${KERNEL_LDS})

add_executable(kallsyms tools/kallsyms.cpp)

# Pass 1: an empty symbol table. Pass 2: the table of pass 1's text symbols,
# which sits after all code and data, so no address it lists moves.
set(KSYMS1 ${CMAKE_BINARY_DIR}/kallsyms1.S)
set(KSYMS2 ${CMAKE_BINARY_DIR}/kallsyms2.S)
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/vmlinux
  COMMAND $<TARGET_FILE:kallsyms> < /dev/null > ${KSYMS1}
  COMMAND ${CMAKE_CXX_COMPILER} -c ${KSYMS1} -o kallsyms1.o
  COMMAND ${KERNEL_LINK} -o vmlinux.pass1 $<TARGET_OBJECTS:kernel_objs> kallsyms1.o
  COMMAND nm -n vmlinux.pass1 | $<TARGET_FILE:kallsyms> > ${KSYMS2}
  COMMAND ${CMAKE_CXX_COMPILER} -c ${KSYMS2} -o kallsyms2.o
  COMMAND ${KERNEL_LINK} -o vmlinux $<TARGET_OBJECTS:kernel_objs> kallsyms2.o
  COMMAND sh -c "nm -n vmlinux.pass1 | grep -i ' t ' > pass1.syms; nm -n vmlinux | grep -i ' t ' > pass2.syms; cmp -s pass1.syms pass2.syms || { echo 'kallsyms: text moved between links' >&2; exit 1; }"
  DEPENDS kernel_objs $<TARGET_OBJECTS:kernel_objs> kallsyms ${KERNEL_LDS}
  WORKING_DIRECTORY ${CMAKE_BINARY_DIR}
  COMMAND_EXPAND_LISTS
  VERBATIM)
add_custom_target(kernel ALL DEPENDS ${CMAKE_BINARY_DIR}/vmlinux)
