# SPDX-License-Identifier: MIT
# What `cmake --install` puts in place, as a user meets it:
#   - the package declares altpv's version and refuses another minor one;
#   - both targets under the README's names, the freestanding one carrying
#     the flags its sites need, and where its linker-script fragments are;
#   - on a host without libelf: the freestanding target alone, and a clear
#     error for a project that asks for the hosted component;
#   - the fragments, the LICENSE and altpv-inspect are installed;
#   - nothing of the testbed is.
include(${CMAKE_CURRENT_LIST_DIR}/client_steps.cmake)

set(prefix ${WORK}/prefix)
altpv_install(${prefix})

# probe(<name> "<find_package arguments>" [NO_LIBELF] [FAILS]): configures
# tests/install/probe with them; its output goes to probe_output.
function(probe name arguments)
  cmake_parse_arguments(PARSE_ARGV 2 ARG "NO_LIBELF;FAILS" "" "")
  set(env)
  if(ARG_NO_LIBELF)
    altpv_no_libelf(env)
  endif()
  set(build ${WORK}/probe-${name})
  file(REMOVE_RECURSE ${build})
  execute_process(COMMAND ${env} ${CMAKE_COMMAND} -S ${CMAKE_CURRENT_LIST_DIR}/probe -B ${build}
                          -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_PREFIX_PATH=${prefix}
                          "-DPROBE=${arguments}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  message("---- probe ${name}: find_package(altpv ${arguments}) exited with ${rc}\n${out}")
  if(ARG_FAILS AND rc EQUAL 0)
    message(FATAL_ERROR "probe ${name}: find_package(altpv ${arguments}) succeeded; it must fail")
  elseif(NOT ARG_FAILS AND NOT rc EQUAL 0)
    message(FATAL_ERROR "probe ${name}: find_package(altpv ${arguments}) failed")
  endif()
  set(probe_output "${out}" PARENT_SCOPE)
endfunction()

string(REGEX REPLACE "^([0-9]+)\\.([0-9]+)\\..*" "\\1;\\2" major_minor ${VERSION})
list(GET major_minor 0 major)
list(GET major_minor 1 minor)
math(EXPR next_minor "${minor} + 1")

probe(this_version "${VERSION} REQUIRED")
string(REGEX MATCH "probe: ldscripts ([^\n]*)" line "${probe_output}")
set(ldscripts ${CMAKE_MATCH_1})
altpv_expect_output("probe this_version" "${probe_output}"
  "probe: version ${VERSION}\n"
  "probe: target altpv::altpv options"
  # The sites' own needs travel with the freestanding target.
  "probe: target altpv::freestanding options [^\n]*-ffreestanding;-mno-red-zone"
  "probe: target altpv::freestanding options [^\n]*COMPILE_LANG_AND_ID:CXX,Clang>:-fno-integrated-as"
  "probe: ldscripts ${prefix}/share/altpv/ldscripts\n")
foreach(fragment altpv_tables.ld altpv_text.ld)
  if(NOT EXISTS ${ldscripts}/${fragment})
    message(FATAL_ERROR "the package names ${ldscripts} for its fragments, without ${fragment}")
  endif()
endforeach()

probe(next_minor "${major}.${next_minor} REQUIRED" FAILS)
altpv_expect_output("probe next_minor" "${probe_output}" "version: ${VERSION}")

probe(no_libelf "${VERSION} REQUIRED" NO_LIBELF)
altpv_expect_output("probe no_libelf" "${probe_output}"
  "altpv: altpv::altpv \\(component hosted\\) needs libelf"
  "probe: target altpv::freestanding")
if(probe_output MATCHES "probe: target altpv::altpv")
  message(FATAL_ERROR "probe no_libelf: altpv::altpv is defined without the libelf it links")
endif()

probe(no_libelf_freestanding "${VERSION} REQUIRED COMPONENTS freestanding" NO_LIBELF)
if(probe_output MATCHES "needs libelf|pkg-config")
  message(FATAL_ERROR "probe no_libelf_freestanding: the freestanding component looked for libelf")
endif()

probe(no_libelf_hosted "${VERSION} REQUIRED COMPONENTS hosted" NO_LIBELF FAILS)
string(REGEX REPLACE "[ \n]+" " " unwrapped "${probe_output}")  # CMake wraps its errors
altpv_expect_output("probe no_libelf_hosted" "${unwrapped}"
  "altpv::altpv \\(component hosted\\) needs libelf, which pkg-config did not find: install")

file(READ ${SOURCE}/LICENSE license)
file(READ ${prefix}/share/doc/altpv/LICENSE installed_license)
if(NOT license STREQUAL installed_license)
  message(FATAL_ERROR "share/doc/altpv/LICENSE is not the project's LICENSE")
endif()

altpv_expect_run(altpv-inspect OUTPUT_VARIABLE out COMMAND ${prefix}/bin/altpv-inspect --version)
altpv_expect_output(altpv-inspect "${out}" "altpv-inspect ${VERSION}")

# The testbed's ABI header and what it defines (its namespace, synthetic
# MSRs, boot block, hypercalls) belong to the testbed. (version.h names the
# testbed ABI's version number beside the library's: the one list of
# versions.)
file(GLOB_RECURSE installed LIST_DIRECTORIES false RELATIVE ${prefix} ${prefix}/*)
foreach(file IN LISTS installed)
  if(file MATCHES "testbed|(^|/)abi\\.h$")
    message(FATAL_ERROR "installed a testbed file: ${file}")
  endif()
  if(file MATCHES "\\.h$")
    file(STRINGS ${prefix}/${file} testbed_lines REGEX "namespace testbed|kTestbed[0-9]|0x4000010[0-3]|BootInfo|Hypercall")
    if(testbed_lines)
      message(FATAL_ERROR "installed ${file} holds testbed definitions: ${testbed_lines}")
    endif()
  endif()
endforeach()
message("installed: ${installed}")
