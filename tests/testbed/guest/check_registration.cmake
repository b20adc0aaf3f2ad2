# SPDX-License-Identifier: MIT
# guest.registration: the guest's `list` (one test_case record per case)
# names exactly the cases that tests/testbed/guest/CMakeLists.txt registers,
# so a case added to the guest without a ctest test (or the reverse) fails.
#   cmake -DVMM=... -DGUEST=... -DCASES=a,b,c -P check_registration.cmake
cmake_minimum_required(VERSION 3.25)  # IN_LIST and the other modern policies
include(${CMAKE_CURRENT_LIST_DIR}/run_guest.cmake)

altpv_run_guest(--hv hvm --timeout 60 ${GUEST} -- list)
if(NOT DEFINED GUEST_OUTPUT)
  return()  # skipped
endif()

# The guest's test_case records (docs/testbed.md); other lines are text.
# Records hold no ';', so the output splits into CMake list items by line.
string(REPLACE "\n" ";" lines "${GUEST_OUTPUT}")
set(listed)
foreach(line IN LISTS lines)
  if(NOT line MATCHES "^{")
    continue()
  endif()
  string(JSON type ERROR_VARIABLE error GET "${line}" type)
  if(error)
    message(FATAL_ERROR "malformed guest record: ${line}\n${error}")
  endif()
  if(type STREQUAL "test_case")
    string(JSON name GET "${line}" name)
    list(APPEND listed "${name}")
  endif()
endforeach()
string(REPLACE "," ";" registered "${CASES}")
list(SORT listed)
list(SORT registered)
if(NOT listed STREQUAL registered)
  set(unregistered ${listed})
  list(REMOVE_ITEM unregistered ${registered})
  set(missing ${registered})
  list(REMOVE_ITEM missing ${listed})
  message(FATAL_ERROR "guest cases and ctest registrations differ\n"
                      "  in the guest, not in tests/testbed/guest/CMakeLists.txt: ${unregistered}\n"
                      "  registered, not in the guest: ${missing}")
endif()
list(LENGTH listed count)
message("guest.registration: ${count} cases, all registered")
