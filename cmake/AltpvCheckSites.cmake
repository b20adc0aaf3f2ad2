# SPDX-License-Identifier: MIT
# The build-time site check, as objtool is for Linux: after a target links,
# `altpv-inspect check` reads its patch sites, and any problem (a record the
# engine would refuse, bytes it cannot relocate, partial instructions, bad
# padding, patched text) fails the build with a line naming the site. The
# target file is then deleted (Makefiles) or its rule marked failed (Ninja),
# so the next build checks it again.
#
#   include(AltpvCheckSites)            # opt-in: nothing is checked unasked
#   altpv_check_sites(my_program my_plugin)
#
# Targets: executables and shared or module libraries (what `check` reads).
# altpv-inspect is the target of that name when the build has one (this
# project, or a project that vendors it with its tools), otherwise the
# program altpv-inspect next to an installed package or on PATH.
# ALTPV_CHECK_SITES set to OFF records the targets but adds no step.
# Each target is appended to the global property ALTPV_CHECKED_TARGETS.

set(_altpv_check_sites_dir ${CMAKE_CURRENT_LIST_DIR})

function(altpv_check_sites)
  if(DEFINED ALTPV_CHECK_SITES AND NOT ALTPV_CHECK_SITES)
    set_property(GLOBAL APPEND PROPERTY ALTPV_CHECKED_TARGETS ${ARGN})
    return()
  endif()
  if(TARGET altpv-inspect)
    set(inspect $<TARGET_FILE:altpv-inspect>)
  else()
    # Installed, this file is in <prefix>/lib/cmake/altpv.
    find_program(ALTPV_INSPECT_EXECUTABLE altpv-inspect
                 HINTS ${_altpv_check_sites_dir}/../../../bin)
    if(NOT ALTPV_INSPECT_EXECUTABLE)
      message(FATAL_ERROR "altpv_check_sites: altpv-inspect not found; install altpv with its "
                          "tools, or set ALTPV_INSPECT_EXECUTABLE")
    endif()
    set(inspect ${ALTPV_INSPECT_EXECUTABLE})
  endif()
  foreach(target IN LISTS ARGN)
    get_target_property(type ${target} TYPE)
    if(NOT type MATCHES "^(EXECUTABLE|SHARED_LIBRARY|MODULE_LIBRARY)$")
      message(FATAL_ERROR "altpv_check_sites(${target}): a ${type} is not linked; check the "
                          "executable or shared library it goes into")
    endif()
    add_custom_command(TARGET ${target} POST_BUILD
                       COMMAND ${inspect} check $<TARGET_FILE:${target}>
                       COMMENT "altpv-inspect check ${target}"
                       VERBATIM)
    # The checker is built first; checking itself needs no such order (and
    # asking for it would be a cycle).
    if(TARGET altpv-inspect AND NOT target STREQUAL "altpv-inspect")
      add_dependencies(${target} altpv-inspect)
    endif()
    set_property(GLOBAL APPEND PROPERTY ALTPV_CHECKED_TARGETS ${target})
  endforeach()
endfunction()

# Writes the file of every target checked so far, one per line, to `path`
# (at generate time).
function(altpv_list_checked_targets path)
  get_property(targets GLOBAL PROPERTY ALTPV_CHECKED_TARGETS)
  set(content "")
  foreach(target IN LISTS targets)
    string(APPEND content "$<TARGET_FILE:${target}>\n")
  endforeach()
  file(GENERATE OUTPUT ${path} CONTENT "${content}")
endfunction()
