# SPDX-License-Identifier: MIT
# Builds examples/consumer against altpv the way MODE says and runs it.
#   cmake -DBUILD=<altpv build> -DSOURCE=<altpv source> -DCONSUMER=<dir>
#         -DWORK=<scratch> -DMODE=find_package|add_subdirectory -DCXX=<compiler>
#         -P build_consumer.cmake
cmake_minimum_required(VERSION 3.25)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}${err}")
  endif()
endfunction()

file(REMOVE_RECURSE ${WORK})
if(MODE STREQUAL "find_package")
  run(${CMAKE_COMMAND} --install ${BUILD} --prefix ${WORK}/prefix)
  set(how -DCMAKE_PREFIX_PATH=${WORK}/prefix)
else()
  set(how -DALTPV_SOURCE_DIR=${SOURCE})
endif()
run(${CMAKE_COMMAND} -S ${CONSUMER} -B ${WORK}/build -DCMAKE_CXX_COMPILER=${CXX} ${how})
run(${CMAKE_COMMAND} --build ${WORK}/build --target consumer)
execute_process(COMMAND ${WORK}/build/consumer RESULT_VARIABLE rc OUTPUT_VARIABLE out)
message("${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "consumer exited with ${rc}")
endif()
