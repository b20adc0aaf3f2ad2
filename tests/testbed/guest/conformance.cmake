# SPDX-License-Identifier: MIT
# MSR conformance driver: boots msr.workload and friends under
# every CPU model and personality and checks them with testbed/report/
# testbed_report. Included at the end of tests/testbed/guest/CMakeLists.txt.
if(NOT TARGET testbed_report)
  message(STATUS "testbed_report is not built: guest.msr_conformance not registered")
  return()
endif()

add_executable(msr_conformance_test ${CMAKE_CURRENT_LIST_DIR}/msr_conformance_test.cpp)
target_link_libraries(msr_conformance_test PRIVATE testbed_report altpv_testbed_abi GTest::gtest_main)
target_compile_definitions(msr_conformance_test PRIVATE
                           ALTPV_VMM_PATH="$<TARGET_FILE:altpv-vmm>"
                           ALTPV_GUEST_PATH="$<TARGET_FILE:altpv-guest>")
add_dependencies(msr_conformance_test altpv-vmm altpv-guest)
gtest_discover_tests(msr_conformance_test TEST_PREFIX guest.msr_conformance.
                     PROPERTIES LABELS guest TIMEOUT 180
                                SKIP_REGULAR_EXPRESSION "SKIP: /dev/kvm")
