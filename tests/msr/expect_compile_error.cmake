# SPDX-License-Identifier: MIT
# Compiles SOURCE and requires the compiler to refuse it with a message
# matching ERROR (a regex).
#   -DCXX=compiler -DSOURCE=file -DINCLUDE=dir -DERROR=regex
cmake_minimum_required(VERSION 3.25)
execute_process(COMMAND ${CXX} -std=c++20 -fsyntax-only -I${INCLUDE} ${SOURCE}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiled, but must be refused")
endif()
if(NOT "${out}${err}" MATCHES "${ERROR}")
  message(FATAL_ERROR "${SOURCE} was refused, but not for the expected reason "
                      "(/${ERROR}/):\n${out}${err}")
endif()
message(STATUS "refused as expected: ${CMAKE_MATCH_0}")
