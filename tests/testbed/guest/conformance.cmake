# SPDX-License-Identifier: MIT
# The guest drivers built on testbed/report (testbed_report), included at
# the end of tests/testbed/guest/CMakeLists.txt:
#   guest.msr_conformance.*  msr.workload and friends under every CPU model
#                            and personality, checked for MSR conformance;
#   guest.privileged_conformance.*  the privileged ops on every machine, and
#                            hvm and pv observing the same;
#   guest.patching.*         what boot-time patching left in guest memory,
#                            against the command line (and, named as such,
#                            the host planner's consistency with the guest's).
if(NOT TARGET testbed_report)
  message(STATUS "testbed_report is not built: guest.msr_conformance, guest.patching not registered")
  return()
endif()

foreach(driver IN ITEMS msr_conformance patching privileged_conformance)
  add_executable(${driver}_test ${CMAKE_CURRENT_LIST_DIR}/${driver}_test.cpp)
  target_link_libraries(${driver}_test PRIVATE testbed_report altpv_testbed_abi GTest::gtest_main)
  target_compile_definitions(${driver}_test PRIVATE
                             ALTPV_VMM_PATH="$<TARGET_FILE:altpv-vmm>"
                             ALTPV_GUEST_PATH="$<TARGET_FILE:altpv-guest>")
  add_dependencies(${driver}_test altpv-vmm altpv-guest)
  gtest_discover_tests(${driver}_test TEST_PREFIX guest.${driver}.
                       PROPERTIES LABELS guest TIMEOUT 180
                                  SKIP_REGULAR_EXPRESSION "SKIP: /dev/kvm")
endforeach()
