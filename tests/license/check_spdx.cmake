# SPDX-License-Identifier: MIT
# Fails when a source, header, assembly, linker, CMake or script file under
# ROOT does not carry an SPDX-License-Identifier line in its first two lines
# (the second when the first is a #! line).
#   cmake -DROOT=<dir> -P check_spdx.cmake
# With -DSELF_TEST=ON it first proves that it can fail: it plants a file
# without the line in a scratch tree and expects the check to name it.

function(altpv_files_without_spdx root out)
  file(GLOB_RECURSE candidates LIST_DIRECTORIES false RELATIVE ${root}
       ${root}/*.cpp ${root}/*.h ${root}/*.S ${root}/*.inc ${root}/*.ld ${root}/*.cmake
       ${root}/*.in ${root}/CMakeLists.txt ${root}/altpv ${root}/.ci/run)
  set(missing "")
  foreach(f ${candidates})
    if(f MATCHES "^(build|report|\\.git)/")
      continue()
    endif()
    file(STRINGS ${root}/${f} head LIMIT_COUNT 2)
    if(NOT head MATCHES "SPDX-License-Identifier: MIT")
      list(APPEND missing ${f})
    endif()
  endforeach()
  set(${out} "${missing}" PARENT_SCOPE)
endfunction()

if(SELF_TEST)
  set(scratch ${CMAKE_CURRENT_BINARY_DIR}/spdx_self_test)
  file(REMOVE_RECURSE ${scratch})
  file(WRITE ${scratch}/good.cpp "// SPDX-License-Identifier: MIT\nint x;\n")
  file(WRITE ${scratch}/bad.cpp "int y;\n")
  altpv_files_without_spdx(${scratch} missing)
  if(NOT missing STREQUAL "bad.cpp")
    message(FATAL_ERROR "self-test: expected the check to name bad.cpp only, got '${missing}'")
  endif()
  file(REMOVE_RECURSE ${scratch})
endif()

altpv_files_without_spdx(${ROOT} missing)
list(LENGTH missing count)
if(count GREATER 0)
  list(JOIN missing "\n  " listing)
  message(FATAL_ERROR "${count} file(s) lack 'SPDX-License-Identifier: MIT' in their first lines:\n  ${listing}")
endif()
message(STATUS "every source file carries SPDX-License-Identifier: MIT")
