# Guest programs: static x86-64 Linux executables that run on Trapgate (and on
# Linux, for comparison). Two kinds:
#   *.c    musl programs, built with musl-gcc -static
#   *.cpp  programs using only the header library in user/include (no libc),
#          built freestanding with the host g++
# Every tests/guest and examples source becomes build/guest/<name> or
# build/examples/<name>.

find_program(MUSL_GCC musl-gcc REQUIRED)

set(GUEST_CXX_FLAGS -std=c++20 -static -nostdlib -ffreestanding -fno-exceptions -fno-rtti
  -fno-stack-protector -fno-pie -no-pie -O2 -Wall -Wextra -mno-red-zone
  -I${CMAKE_SOURCE_DIR}/user/include -I${CMAKE_BINARY_DIR}/generated/user
  -I${CMAKE_BINARY_DIR}/generated/uapi
  # The ABI structures the kernel defines (include/uapi), shared by
  # user/include/trapgate; after the system directories it shadows nothing.
  -idirafter ${CMAKE_SOURCE_DIR}/include)
set(GUEST_C_FLAGS -static -O2 -Wall -Wextra -I${CMAKE_BINARY_DIR}/generated/uapi)
file(GLOB_RECURSE USER_HEADERS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/user/include/*.h
  ${CMAKE_SOURCE_DIR}/include/uapi/*.h
  ${CMAKE_SOURCE_DIR}/tests/guest/*.h ${CMAKE_SOURCE_DIR}/tests/fuzz/*.h ${CMAKE_SOURCE_DIR}/bench/*.h)

set(GUEST_PROGRAMS)
function(add_guest_program source outdir)
  get_filename_component(name ${source} NAME_WE)
  get_filename_component(ext ${source} EXT)
  set(out ${CMAKE_BINARY_DIR}/${outdir}/${name})
  if(ext STREQUAL ".cpp")
    set(cmd ${CMAKE_CXX_COMPILER} ${GUEST_CXX_FLAGS} -o ${out} ${source})
  else()
    set(cmd ${MUSL_GCC} ${GUEST_C_FLAGS} -o ${out} ${source})
  endif()
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/${outdir}
    COMMAND ${cmd}
    DEPENDS ${source} ${USER_HEADERS} syscall_headers
    COMMENT "guest ${outdir}/${name}"
    VERBATIM)
  set(GUEST_PROGRAMS ${GUEST_PROGRAMS} ${out} PARENT_SCOPE)
endfunction()

file(GLOB GUEST_SOURCES CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/tests/guest/*.c ${CMAKE_SOURCE_DIR}/tests/guest/*.cpp)
foreach(src ${GUEST_SOURCES})
  add_guest_program(${src} guest)
endforeach()
file(GLOB EXAMPLE_SOURCES CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/examples/*.c ${CMAKE_SOURCE_DIR}/examples/*.cpp)
foreach(src ${EXAMPLE_SOURCES})
  add_guest_program(${src} examples)
endforeach()
# The LTP runner (tools/ltp.py boots it as the first process).
file(GLOB LTP_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/ltp/*.c)
foreach(src ${LTP_SOURCES})
  add_guest_program(${src} ltp)
endforeach()
# The system-call fuzzer (docs/fuzzing.md): build/fuzz/fuzz.
file(GLOB FUZZ_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/fuzz/*.cpp)
foreach(src ${FUZZ_SOURCES})
  add_guest_program(${src} fuzz)
endforeach()
file(GLOB BENCH_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/bench/*.c)
foreach(src ${BENCH_SOURCES})
  add_guest_program(${src} bench)
endforeach()

# 32-bit (i386) programs: tests/guest/i386/*.c, glibc's, built with
# gcc -m32 -static (Debian's gcc-multilib) into build/guest/i386/<name>;
# *_pie.c with -static-pie, *_dyn.c dynamically linked.
find_program(GCC_M32 gcc REQUIRED)
file(GLOB I386_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/guest/i386/*.c)
foreach(src ${I386_SOURCES})
  get_filename_component(name ${src} NAME_WE)
  set(out ${CMAKE_BINARY_DIR}/guest/i386/${name})
  # NAME_pie.c: a static PIE (gcc -static-pie), an ET_DYN without interpreter.
  string(REGEX MATCH "_pie$" pie ${name})
  # NAME_dyn.c: dynamically linked (its loader and libc come from the host's lib32).
  string(REGEX MATCH "_dyn$" dyn ${name})
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/guest/i386
    COMMAND ${GCC_M32} -m32 $<IF:$<BOOL:${dyn}>,-pie,$<IF:$<BOOL:${pie}>,-static-pie,-static>> -O2 -Wall -Wextra -pthread -o ${out} ${src}
    DEPENDS ${src} ${CMAKE_SOURCE_DIR}/tests/guest/i386/check32.h
    COMMENT "guest guest/i386/${name}"
    VERBATIM)
  list(APPEND GUEST_PROGRAMS ${out})
endforeach()

# 32-bit benchmarks: bench/i386/*.c, the same way, into build/bench/<name>.
file(GLOB I386_BENCH_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/bench/i386/*.c)
foreach(src ${I386_BENCH_SOURCES})
  get_filename_component(name ${src} NAME_WE)
  set(out ${CMAKE_BINARY_DIR}/bench/${name})
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/bench
    COMMAND ${GCC_M32} -m32 -static -O2 -Wall -Wextra -o ${out} ${src}
    DEPENDS ${src} ${CMAKE_SOURCE_DIR}/bench/bench.h
    COMMENT "guest bench/${name} (i386)"
    VERBATIM)
  list(APPEND GUEST_PROGRAMS ${out})
endforeach()

add_custom_target(guest_programs ALL DEPENDS ${GUEST_PROGRAMS})
