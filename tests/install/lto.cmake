# SPDX-License-Identifier: MIT
# Link-time optimisation of a client (examples/consumer):
#   - with GCC it works: the client builds with INTERPROCEDURAL_OPTIMIZATION,
#     runs and patches its sites;
#   - with Clang it cannot (cmake/AltpvClangLto.cmake): configuring such a
#     client fails, with the reason, whether LTO comes from the property or
#     from -flto in the flags, and whether altpv is installed or vendored;
#     the same client without LTO configures, installed or vendored.
# GXX and CLANGXX name the two compilers.
include(${CMAKE_CURRENT_LIST_DIR}/client_steps.cmake)

set(prefix ${WORK}/prefix)
altpv_install(${prefix})
set(consumer ${SOURCE}/examples/consumer)

set(CXX ${GXX})
altpv_build_client(${consumer} ${WORK}/gcc-lto
                   ARGS -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=ON)
file(STRINGS ${WORK}/gcc-lto/CMakeFiles/consumer.dir/flags.make lto_flags REGEX "-flto")
if(NOT lto_flags)
  message(FATAL_ERROR "the GCC client was not compiled with -flto: it proves nothing")
endif()
altpv_expect_run("consumer, GCC LTO" OUTPUT_VARIABLE out COMMAND ${WORK}/gcc-lto/consumer)
altpv_expect_output("consumer, GCC LTO" "${out}"
                    "consumer: [1-9][0-9]* sites, [0-9]+ patched now, [0-9]+ already; cpu_number\\(\\) = [0-9]+")

# clang_configure(<name> <expect: fails|works> <configure args>...)
function(clang_configure name expect)
  set(build ${WORK}/${name})
  file(REMOVE_RECURSE ${build})
  execute_process(COMMAND ${CMAKE_COMMAND} -S ${consumer} -B ${build}
                          -DCMAKE_CXX_COMPILER=${CLANGXX} ${ARGN}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  message("---- ${name}: exited with ${rc}\n${out}")
  if(expect STREQUAL "works")
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "${name}: configuring failed")
    endif()
    return()
  endif()
  if(rc EQUAL 0)
    message(FATAL_ERROR "${name}: configured; Clang LTO must be refused")
  endif()
  string(REGEX REPLACE "[ \n]+" " " out "${out}")
  if(NOT out MATCHES "target 'consumer' uses altpv and asks for link-time optimisation"
     OR NOT out MATCHES "integrated assembler, which cannot evaluate")
    message(FATAL_ERROR "${name}: refused, but without naming the target and the reason")
  endif()
endfunction()

clang_configure(clang-ipo fails -DCMAKE_PREFIX_PATH=${prefix}
                -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=ON)
clang_configure(clang-flto fails -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_CXX_FLAGS=-flto=thin)
clang_configure(clang-vendored-ipo fails -DALTPV_SOURCE_DIR=${SOURCE}
                -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=ON)
clang_configure(clang-no-lto works -DCMAKE_PREFIX_PATH=${prefix})
clang_configure(clang-vendored-no-lto works -DALTPV_SOURCE_DIR=${SOURCE})
