# SPDX-License-Identifier: MIT
# guest.context_switch_spills: the figures' context-switch function keeps
# eight values live across three MSR writes. Through altpv's sites (which
# keep the native register ABI) it must hold them in registers: no stack
# stores, and fewer saved registers plus stack stores than the same function
# through a pv_ops call (indirect, or patched direct to the PV function), which
# clobbers every caller-saved register. Read from the guest's disassembly.
#   cmake -DOBJDUMP=... -DGUEST=... -P check_context_switch.cmake
cmake_minimum_required(VERSION 3.25)

execute_process(COMMAND ${OBJDUMP} -d --no-show-raw-insn ${GUEST}
                OUTPUT_VARIABLE disassembly RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${OBJDUMP} -d ${GUEST} failed (${rc})")
endif()

# Sets <prefix>_pushes and <prefix>_stores for function `name`.
function(count_spills name prefix)
  string(REGEX MATCH "<${name}>:\n([^\n]+\n)+" body "${disassembly}")
  if(body STREQUAL "")
    message(FATAL_ERROR "no function ${name} in ${GUEST}")
  endif()
  string(REGEX MATCHALL "\tpush +%[a-z0-9]+" pushes "${body}")
  string(REGEX MATCHALL "\tmov +%[a-z0-9]+,(-?0x[0-9a-f]+)?\\(%rsp\\)" stores "${body}")
  list(LENGTH pushes p)
  list(LENGTH stores s)
  set(${prefix}_pushes ${p} PARENT_SCOPE)
  set(${prefix}_stores ${s} PARENT_SCOPE)
  message("${name}: ${p} registers saved, ${s} stack stores")
endfunction()

count_spills(figure_altpv_context_switch altpv)
if(NOT altpv_stores EQUAL 0)
  message(FATAL_ERROR "altpv's context switch stores live values on the stack")
endif()
math(EXPR altpv_total "${altpv_pushes} + ${altpv_stores}")
foreach(baseline IN ITEMS pvops_indirect pvops_direct_pv)
  count_spills(figure_${baseline}_context_switch other)
  math(EXPR other_total "${other_pushes} + ${other_stores}")
  if(NOT altpv_total LESS other_total)
    message(FATAL_ERROR "altpv's context switch spills ${altpv_total} registers, "
                        "${baseline} ${other_total}: no fewer")
  endif()
endforeach()
