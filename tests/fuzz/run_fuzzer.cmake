# SPDX-License-Identifier: MIT
# One bounded, deterministic fuzz run for ctest: RUNS executions with seed 1
# (no corpus reloads, no address-space randomisation),
# starting from the checked-in CORPUS (read only: new inputs go to WORK,
# which starts empty), crashes written to WORK. Fails on any crash, leak,
# sanitizer report or violated invariant, and prints libFuzzer's statistics.
#   cmake -DFUZZER=... -DCORPUS=... -DWORK=... -DRUNS=N -P run_fuzzer.cmake
cmake_minimum_required(VERSION 3.25)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/new)
file(GLOB seeds ${CORPUS}/*)
list(LENGTH seeds seed_count)
if(seed_count EQUAL 0)
  message(FATAL_ERROR "no seed corpus in ${CORPUS}")
endif()
# Without address-space randomisation: libFuzzer mutates with the values
# the target compared, and some of those are addresses.
find_program(setarch setarch REQUIRED)
execute_process(
  COMMAND ${setarch} -R ${FUZZER} -runs=${RUNS} -seed=1 -reload=0 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
          -artifact_prefix=${WORK}/ ${WORK}/new ${CORPUS}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
# The last coverage line ("#N DONE cov: C ft: F corp: K/S ...") and the stats.
string(REGEX MATCHALL "#[0-9]+[^\n]*(DONE|INITED)[^\n]*" progress "${err}")
string(REGEX MATCHALL "stat::[^\n]*" stats "${err}")
list(JOIN progress "\n" progress)
list(JOIN stats "\n" stats)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${rc}); inputs in ${WORK}\n${err}")
endif()
message("${seed_count} seeds\n${progress}\n${stats}")
