# SPDX-License-Identifier: MIT
# guest.patched_text/<config>: after boot-time patching every site holds
# exactly one of its alternatives (or its original) plus the engine's NOP
# fill, decoded from the text the VMM dumped (altpv-inspect diff decodes with
# Zydis and its table for the MSR encodings). The figure site of a
# constant-index wrmsr_ns must hold what the configuration implies.
#   cmake -DVMM=... -DGUEST=... -DINSPECT=... -DDUMP=... -DOPTIONS=a;b
#         -DEXPECT=<regex> -P check_patched_text.cmake
cmake_minimum_required(VERSION 3.25)
include(${CMAKE_CURRENT_LIST_DIR}/run_guest.cmake)

altpv_run_guest(${OPTIONS} --require-pass boot.report --dump-text ${DUMP} ${GUEST} -- run=boot.report)
if(NOT DEFINED GUEST_OUTPUT)
  return()  # skipped
endif()

execute_process(COMMAND ${INSPECT} diff ${GUEST} ${DUMP}
                OUTPUT_VARIABLE diff ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "altpv-inspect diff found sites it cannot identify (exit ${rc}):\n${diff}${err}")
endif()
# The site in figure_altpv_wrmsr_ns_const: its heading and the lines after it.
string(REGEX MATCH "site [0-9]+ @0x[0-9a-f]+ <figure_altpv_wrmsr_ns_const\\+[^\n]*(\n    [^\n]*)*"
       site "${diff}")
if(site STREQUAL "")
  message(FATAL_ERROR "no figure_altpv_wrmsr_ns_const site in:\n${diff}")
endif()
if(NOT site MATCHES "${EXPECT}")
  message(FATAL_ERROR "figure_altpv_wrmsr_ns_const site does not match '${EXPECT}':\n${site}")
endif()
message("${site}")
