# SPDX-License-Identifier: MIT
# guest.plan: the patch decisions the engine made inside the guest at boot
# equal the ones altpv-inspect computes on the host from the same ELF for the
# feature set the guest reported, so the planner behaves the same in both
# worlds. The VMM's CPU model drives the feature set; EXPECT_FEATURE /
# EXPECT_NO_FEATURE check that it did.
#   cmake -DVMM=... -DGUEST=... -DINSPECT=... -DCPU=+wrmsrns
#         [-DEXPECT_FEATURE=wrmsrns] [-DEXPECT_NO_FEATURE=wrmsrns] -P compare_plan.cmake
cmake_minimum_required(VERSION 3.25)  # IN_LIST and the other modern policies
include(${CMAKE_CURRENT_LIST_DIR}/run_guest.cmake)

# `list` stops the guest right after boot patching; altpv.debug prints it.
altpv_run_guest(--hv hvm --cpu ${CPU} --timeout 60 ${GUEST} -- altpv.debug list)
if(NOT DEFINED GUEST_OUTPUT)
  return()  # skipped
endif()

if(NOT GUEST_OUTPUT MATCHES "altpv: features ([^\n]*)")
  message(FATAL_ERROR "the guest printed no feature set under altpv.debug:\n${GUEST_OUTPUT}")
endif()
set(features "${CMAKE_MATCH_1}")
string(REPLACE "," ";" feature_list "${features}")
if(DEFINED EXPECT_FEATURE AND NOT EXPECT_FEATURE IN_LIST feature_list)
  message(FATAL_ERROR "--cpu ${CPU}: the guest's features '${features}' lack ${EXPECT_FEATURE}")
endif()
if(DEFINED EXPECT_NO_FEATURE AND EXPECT_NO_FEATURE IN_LIST feature_list)
  message(FATAL_ERROR "--cpu ${CPU}: the guest's features '${features}' have ${EXPECT_NO_FEATURE}")
endif()

execute_process(COMMAND ${INSPECT} plan ${GUEST} --features "${features}" --no-symbols
                OUTPUT_VARIABLE host_output ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "altpv-inspect plan exited with ${rc}\n${host_output}${err}")
endif()

string(REGEX MATCHALL "altpv: site [^\n]*" guest_lines "${GUEST_OUTPUT}")
string(REGEX MATCHALL "altpv: site [^\n]*" host_lines "${host_output}")
if(NOT guest_lines)
  message(FATAL_ERROR "the guest reported no sites:\n${GUEST_OUTPUT}")
endif()
if(NOT guest_lines STREQUAL host_lines)
  string(REPLACE ";" "\n  " g "${guest_lines}")
  string(REPLACE ";" "\n  " h "${host_lines}")
  message(FATAL_ERROR "guest and host decisions differ for features '${features}'\n"
                      "guest:\n  ${g}\nhost (altpv-inspect plan):\n  ${h}")
endif()
list(LENGTH guest_lines count)
message("guest.plan: ${count} decisions agree for features '${features}'")
