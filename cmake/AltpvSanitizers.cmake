# SPDX-License-Identifier: MIT
# Sanitizer and fuzzing builds (presets asan and tsan, docs/fuzzing.md).
#
# ALTPV_SANITIZE is a -fsanitize= list. It is applied to every hosted target
# once the whole tree is configured, so a new test or tool is covered without
# saying so. Freestanding code is never sanitized: the engine built for
# kernels, the testbed guest, the hostile test guests and the kernel-style
# reference objects have no runtime to report to, and must stay exactly as a
# kernel would build them. A target is freestanding when it compiles with
# -ffreestanding or links with -nostdlib.
#
# ALTPV_BUILD_FUZZ builds the libFuzzer targets in fuzz/. The libraries they
# exercise get -fsanitize=fuzzer-no-link (coverage feedback); the targets
# link with -fsanitize=fuzzer.
set(ALTPV_SANITIZE "" CACHE STRING "-fsanitize= list for hosted targets (Clang), e.g. address,undefined")
option(ALTPV_BUILD_FUZZ "Build the libFuzzer targets (Clang)" OFF)

# Libraries whose code the fuzz targets drive.
set(ALTPV_FUZZED_LIBRARIES altpv altpv_inspect altpv_vmm_core)

if(ALTPV_SANITIZE OR ALTPV_BUILD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "ALTPV_SANITIZE and ALTPV_BUILD_FUZZ need Clang (cmake --preset asan)")
  endif()
endif()

# altpv_targets_below() comes from the LTO module, which walks targets the same way.
include(${CMAKE_CURRENT_LIST_DIR}/AltpvClangLto.cmake)

function(altpv_is_freestanding target out)
  get_target_property(compile ${target} COMPILE_OPTIONS)
  get_target_property(link ${target} LINK_OPTIONS)
  if("${compile}" MATCHES "-ffreestanding" OR "${link}" MATCHES "-nostdlib")
    set(${out} TRUE PARENT_SCOPE)
  else()
    set(${out} FALSE PARENT_SCOPE)
  endif()
endfunction()

# Called once, after every subdirectory was added.
function(altpv_apply_sanitizers)
  if(NOT ALTPV_SANITIZE)
    return()
  endif()
  # Reports stop the program (a test cannot pass over one); frame pointers
  # give whole stacks in the reports.
  set(flags -fsanitize=${ALTPV_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer)
  altpv_targets_below(${PROJECT_SOURCE_DIR} targets)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "INTERFACE_LIBRARY" OR type STREQUAL "UTILITY")
      continue()
    endif()
    altpv_is_freestanding(${target} freestanding)
    if(freestanding)
      continue()
    endif()
    set(compile ${flags})
    if(ALTPV_BUILD_FUZZ AND target IN_LIST ALTPV_FUZZED_LIBRARIES)
      list(APPEND compile -fsanitize=fuzzer-no-link)
    endif()
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:C,CXX>:${compile}>)
    if(NOT type STREQUAL "STATIC_LIBRARY" AND NOT type STREQUAL "OBJECT_LIBRARY")
      target_link_options(${target} PRIVATE ${flags})
    endif()
  endforeach()
endfunction()
