# SPDX-License-Identifier: MIT
# Runs `altpv-bench --quick --json JSON` and checks the outcome.
#   -DBENCH=path  -DJSON=path
#   -DFEATURES=overrides  run with ALTPV_FEATURES set; the run must then fail
#                         its site check and write no JSON.
# Without FEATURES the run must succeed, and the JSON must list every
# strategy for every op that was not skipped (the CPU-dependent lean stub
# strategies may be skipped loudly), each with a positive time, a verified
# result, repetitions whose minimum does not exceed their median, and a
# noise flag exactly where the ratio is below 0.97.

cmake_minimum_required(VERSION 3.25)

set(STRATEGIES inline_asm altpv_inline function_pointer ifunc_plt pv_ops altpv_native_stub
               altpv_native_stub_gpr altpv_lean_stub_gpr altpv_preserving_gpr
               altpv_lean_xsave)
set(OPS rdpid rdfsbase)

file(REMOVE ${JSON})
if(DEFINED FEATURES)
  set(ENV{ALTPV_FEATURES} ${FEATURES})
endif()
execute_process(COMMAND ${BENCH} --quick --json ${JSON}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)

if(DEFINED FEATURES)
  if(rc EQUAL 0 OR NOT err MATCHES "site check failed")
    message(FATAL_ERROR "with ALTPV_FEATURES=${FEATURES} altpv-bench should fail its site check "
                        "(exit ${rc}):\n${err}")
  endif()
  if(EXISTS ${JSON})
    message(FATAL_ERROR "a failed run wrote ${JSON}")
  endif()
  return()
endif()

if(NOT rc EQUAL 0)
  message(FATAL_ERROR "altpv-bench exited with ${rc}:\n${out}\n${err}")
endif()
file(READ ${JSON} doc)

string(JSON nskipped LENGTH "${doc}" skipped_ops)
set(skipped)
if(nskipped GREATER 0)
  math(EXPR last "${nskipped} - 1")
  foreach(i RANGE ${last})
    string(JSON op GET "${doc}" skipped_ops ${i} op)
    list(APPEND skipped ${op})
  endforeach()
endif()
if(rdpid IN_LIST skipped)
  message(FATAL_ERROR "the main op, rdpid, was skipped")
endif()

string(JSON n LENGTH "${doc}" dispatch)
set(seen)
if(n GREATER 0)
  math(EXPR last "${n} - 1")
  foreach(i RANGE ${last})
    string(JSON op GET "${doc}" dispatch ${i} op)
    string(JSON strategy GET "${doc}" dispatch ${i} strategy)
    string(JSON ns GET "${doc}" dispatch ${i} ns_per_call)
    string(JSON verified GET "${doc}" dispatch ${i} verified)
    if(NOT ns GREATER 0)
      message(FATAL_ERROR "${op}/${strategy}: ns_per_call is ${ns}")
    endif()
    if(NOT verified)
      message(FATAL_ERROR "${op}/${strategy}: result not verified")
    endif()
    string(JSON ns_min GET "${doc}" dispatch ${i} ns_min)
    string(JSON repetitions GET "${doc}" dispatch ${i} repetitions)
    string(JSON noise GET "${doc}" dispatch ${i} noise)
    string(JSON ratio GET "${doc}" dispatch ${i} ratio)
    if(NOT ns_min GREATER 0 OR ns_min GREATER ns OR repetitions LESS 2)
      message(FATAL_ERROR "${op}/${strategy}: min ${ns_min}, median ${ns}, ${repetitions} repetitions")
    endif()
    set(below OFF)
    if(ratio LESS 0.97)
      set(below ON)
    endif()
    if(NOT noise STREQUAL below)
      message(FATAL_ERROR "${op}/${strategy}: ratio ${ratio} but noise is ${noise}")
    endif()
    list(APPEND seen ${op}/${strategy})
  endforeach()
endif()

foreach(op IN LISTS OPS)
  if(op IN_LIST skipped)
    continue()
  endif()
  foreach(strategy IN LISTS STRATEGIES)
    if(NOT ${op}/${strategy} IN_LIST seen)
      message(FATAL_ERROR "${op}/${strategy} missing from ${JSON}")
    endif()
  endforeach()
endforeach()

string(JSON npatch LENGTH "${doc}" patch)
if(npatch EQUAL 0)
  message(FATAL_ERROR "no patch-throughput results in ${JSON}")
endif()

# Live toggles: every case ran, each toggle took the protocol's three syncs.
string(JSON nlive LENGTH "${doc}" live)
if(nlive EQUAL 0)
  message(FATAL_ERROR "no live-toggle results in ${JSON}")
endif()
math(EXPR last "${nlive} - 1")
foreach(i RANGE ${last})
  string(JSON rate GET "${doc}" live ${i} toggles_per_second)
  string(JSON syncs GET "${doc}" live ${i} syncs_per_toggle)
  if(NOT rate GREATER 0 OR NOT syncs EQUAL 3)
    message(FATAL_ERROR "live case ${i}: ${rate} toggles/s, ${syncs} syncs per toggle")
  endif()
endforeach()
