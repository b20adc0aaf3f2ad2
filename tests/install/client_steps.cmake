# SPDX-License-Identifier: MIT
# The steps the install tests share: install this build, configure and build
# a client outside the tree, run it, and check both its exit code and its
# output. Every failure ends the script with the command and what it printed.
# Included by the scripts beside it, which get from tests/install/CMakeLists.txt:
#   BUILD    the altpv build directory      SOURCE   the altpv source tree
#   WORK     a scratch directory of its own CXX      the compiler to build with
#   VERSION  altpv's version
cmake_minimum_required(VERSION 3.25)

# altpv_run(<command>...): runs it; a non-zero exit fails the test.
function(altpv_run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}${err}")
  endif()
endfunction()

# altpv_install(<prefix>): a fresh install of this build.
function(altpv_install prefix)
  file(REMOVE_RECURSE ${prefix})
  altpv_run(${CMAKE_COMMAND} --install ${BUILD} --prefix ${prefix})
endfunction()

# altpv_no_libelf(<var>): a command prefix that runs a command as on a host
# without libelf, where pkg-config finds nothing.
function(altpv_no_libelf var)
  file(MAKE_DIRECTORY ${WORK}/no-pkgconfig)
  set(${var} ${CMAKE_COMMAND} -E env PKG_CONFIG_LIBDIR=${WORK}/no-pkgconfig PARENT_SCOPE)
endfunction()

# altpv_build_client(<source> <build dir> [NO_LIBELF] [TARGET <target>]
#                    [ARGS <configure args>...]): configures with CXX (as on
# a host without libelf with NO_LIBELF) and builds the target (default: all).
function(altpv_build_client source build)
  cmake_parse_arguments(PARSE_ARGV 2 ARG "NO_LIBELF" "TARGET" "ARGS")
  file(REMOVE_RECURSE ${build})
  set(env)
  if(ARG_NO_LIBELF)
    altpv_no_libelf(env)
  endif()
  altpv_run(${env} ${CMAKE_COMMAND} -S ${source} -B ${build} -DCMAKE_CXX_COMPILER=${CXX}
            ${ARG_ARGS})
  set(target)
  if(ARG_TARGET)
    set(target --target ${ARG_TARGET})
  endif()
  altpv_run(${CMAKE_COMMAND} --build ${build} ${target})
endfunction()

# altpv_expect_run(<name> OUTPUT_VARIABLE <var> [SKIP_RETURN_CODE <code>]
#                  COMMAND <command>...): runs the command, prints what it
# printed, and fails unless it exited 0. Its output (stdout and stderr) goes
# to <var> for the caller's own checks. Exit code SKIP_RETURN_CODE means the
# environment lacks something: the script stops with a line the test's
# SKIP_REGULAR_EXPRESSION ("SKIP [(]environment[)]") matches.
function(altpv_expect_run name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "OUTPUT_VARIABLE;SKIP_RETURN_CODE" "COMMAND")
  execute_process(COMMAND ${ARG_COMMAND} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE out)
  message("---- ${name}: ${ARG_COMMAND}\n${out}---- ${name} exited with ${rc}")
  if(DEFINED ARG_SKIP_RETURN_CODE AND rc EQUAL ARG_SKIP_RETURN_CODE)
    message(FATAL_ERROR "SKIP (environment): ${name} cannot run here")
  endif()
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${name} exited with ${rc}, not 0")
  endif()
  set(${ARG_OUTPUT_VARIABLE} "${out}" PARENT_SCOPE)
endfunction()

# altpv_expect_output(<name> <output> <regex>...): every regex matches.
function(altpv_expect_output name output)
  foreach(regex IN LISTS ARGN)
    if(NOT output MATCHES "${regex}")
      message(FATAL_ERROR "${name}: no line matches '${regex}'")
    endif()
  endforeach()
endfunction()
