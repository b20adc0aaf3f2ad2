# SPDX-License-Identifier: MIT
# A guest run whose exit code and output are both checked: a case that must
# fail or end the guest, with the exact exit code and the lines that say why,
# or a run that must leave some cases out. ctest's PASS_REGULAR_EXPRESSION
# would ignore the exit code, so this script checks both.
#   cmake -DVMM=... -DGUEST=... "-DOPTIONS=a;b" "-DWORDS=run=x;..." -DCODE=<exit code>
#         "-DMATCH=<regex>;..." ["-DNO_MATCH=<regex>;..."]
#         [-DOBJDUMP=... -DFUNCTION=<symbol regex> -DINSN=<instruction regex>]
#         -P expect_run.cmake
# @EOL@ in MATCH and NO_MATCH stands for the end of a line. With OBJDUMP,
# @ADDRESS@ in MATCH stands for the address of the one INSN
# instruction in the function whose symbol matches FUNCTION, as objdump
# disassembles the guest ELF: an oracle the guest and the engine do not
# produce.
cmake_minimum_required(VERSION 3.25)

if(DEFINED OBJDUMP)
  execute_process(COMMAND ${OBJDUMP} -d --no-show-raw-insn ${GUEST}
                  OUTPUT_VARIABLE listing ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${OBJDUMP} -d ${GUEST} exited with ${rc}\n${err}")
  endif()
  # The function: its heading and every line up to the blank line after it.
  string(REGEX MATCH "\n[0-9a-f]+ <${FUNCTION}>:\n([^\n]+\n)+" body "${listing}")
  if(body STREQUAL "")
    message(FATAL_ERROR "no function <${FUNCTION}> in ${GUEST}")
  endif()
  string(REGEX MATCHALL "\n *[0-9a-f]+:[ \t]+${INSN}[ \t]*\n" hits "${body}")
  list(LENGTH hits count)
  if(NOT count EQUAL 1)
    message(FATAL_ERROR "expected one '${INSN}' in <${FUNCTION}>, found ${count}:\n${body}")
  endif()
  string(REGEX MATCH "[0-9a-f]+:" address "${hits}")
  string(REPLACE ":" "" address "${address}")
  string(REPLACE "@ADDRESS@" "${address}" MATCH "${MATCH}")
endif()

string(REPLACE "@EOL@" "\n" MATCH "${MATCH}")
string(REPLACE "@EOL@" "\n" NO_MATCH "${NO_MATCH}")

execute_process(COMMAND ${VMM} ${OPTIONS} ${GUEST} -- ${WORDS}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
set(output "${out}${err}")
if(rc EQUAL 77)
  message("SKIP: ${err}")
  return()
endif()
list(JOIN OPTIONS " " options)
list(JOIN WORDS " " words)
set(command "altpv-vmm ${options} ${GUEST} -- ${words}")
if(NOT rc EQUAL CODE)
  message(FATAL_ERROR "${command}\nexited with ${rc}, expected ${CODE}:\n${output}")
endif()
foreach(regex IN LISTS MATCH)
  if(NOT output MATCHES "${regex}")
    message(FATAL_ERROR "${command}\nprinted no line matching '${regex}':\n${output}")
  endif()
endforeach()
foreach(regex IN LISTS NO_MATCH)
  if(output MATCHES "${regex}")
    message(FATAL_ERROR "${command}\nprinted '${CMAKE_MATCH_0}' (matching '${regex}'):\n${output}")
  endif()
endforeach()
message("${command}: exit ${rc} as expected\n${err}")
