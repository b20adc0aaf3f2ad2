# SPDX-License-Identifier: MIT
# Clang cannot link-time optimise code that declares altpv patch sites: with
# LTO it assembles the code at link time with its integrated assembler, which
# cannot evaluate the `.if` on label differences the site macros use (the
# reason altpv compiles with -fno-integrated-as, which LTO code generation
# ignores). The link would fail with "expected absolute expression"; this
# module refuses such a build at configure time instead, and says why. GCC's
# LTO assembles with GNU as and works.
#
# altpv_refuse_clang_lto() schedules the check for the end of the top-level
# directory, when every target exists: the altpv libraries built in the tree
# and every target that links an altpv library, directly or through another
# target's INTERFACE_LINK_LIBRARIES, must not ask for LTO
# (INTERPROCEDURAL_OPTIMIZATION, or -flto in its flags or options). The check
# runs in the top-level directory's scope, where the variables of a directory
# that included this module (a vendored altpv) are not: its constants live in
# the functions.
include_guard(GLOBAL)

function(altpv_refuse_clang_lto)
  get_property(scheduled GLOBAL PROPERTY _ALTPV_LTO_CHECK_SCHEDULED)
  if(scheduled OR NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    return()
  endif()
  set_property(GLOBAL PROPERTY _ALTPV_LTO_CHECK_SCHEDULED TRUE)
  cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL _altpv_check_clang_lto)
endfunction()

# Every target defined in `dir` and below.
function(altpv_targets_below dir out)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    altpv_targets_below(${sub} more)
    list(APPEND targets ${more})
  endforeach()
  set(${out} ${targets} PARENT_SCOPE)
endfunction()

# Whether `libs` (a LINK_LIBRARIES value) reaches an altpv library, directly or
# through targets that pass one on in their INTERFACE_LINK_LIBRARIES.
function(_altpv_links_altpv libs out)
  # The altpv libraries, as consumers and the tree itself name them.
  set(altpv_library "(^|[^A-Za-z0-9_:])(altpv::(altpv|freestanding)|altpv|altpv_freestanding)([^A-Za-z0-9_]|$)")
  set(pending "${libs}")
  set(seen)
  while(pending)
    if(pending MATCHES "${altpv_library}")
      set(${out} TRUE PARENT_SCOPE)
      return()
    endif()
    set(next)
    foreach(lib IN LISTS pending)
      if(TARGET "${lib}" AND NOT lib IN_LIST seen)
        list(APPEND seen "${lib}")
        get_target_property(interface "${lib}" INTERFACE_LINK_LIBRARIES)
        if(interface)
          list(APPEND next ${interface})
        endif()
      endif()
    endforeach()
    set(pending "${next}")
  endwhile()
  set(${out} FALSE PARENT_SCOPE)
endfunction()

# The reason `target` asks for LTO, or "" when it does not.
function(_altpv_lto_request target out)
  # -flto, -flto=thin, -flto=full, -flto=auto; never -fno-lto.
  set(lto_flag "(^|[ ;])-flto(=[a-z0-9]+)?([ ;]|$)")
  set(${out} "" PARENT_SCOPE)
  set(configs ${CMAKE_CONFIGURATION_TYPES} ${CMAKE_BUILD_TYPE})
  set(properties INTERPROCEDURAL_OPTIMIZATION)
  foreach(config IN LISTS configs)
    string(TOUPPER "${config}" config)
    list(APPEND properties INTERPROCEDURAL_OPTIMIZATION_${config})
  endforeach()
  foreach(property IN LISTS properties)
    get_target_property(requested ${target} ${property})
    if(requested)
      set(${out} "${property} is ON" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  foreach(property COMPILE_OPTIONS LINK_OPTIONS)
    get_target_property(options ${target} ${property})
    if(options MATCHES "${lto_flag}")
      set(${out} "its ${property} hold -flto" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  get_target_property(dir ${target} SOURCE_DIR)
  set(variables CMAKE_CXX_FLAGS CMAKE_C_FLAGS CMAKE_EXE_LINKER_FLAGS)
  foreach(config IN LISTS configs)
    string(TOUPPER "${config}" config)
    list(APPEND variables CMAKE_CXX_FLAGS_${config} CMAKE_C_FLAGS_${config})
  endforeach()
  foreach(variable IN LISTS variables)
    get_directory_property(flags DIRECTORY ${dir} DEFINITION ${variable})
    if(flags MATCHES "${lto_flag}")
      set(${out} "${variable} holds -flto" PARENT_SCOPE)
      return()
    endif()
  endforeach()
endfunction()

function(_altpv_check_clang_lto)
  altpv_targets_below(${CMAKE_SOURCE_DIR} targets)
  foreach(target IN LISTS targets)
    get_target_property(libs ${target} LINK_LIBRARIES)
    set(uses_altpv FALSE)
    if(target MATCHES "^(altpv|altpv_freestanding)$")
      set(uses_altpv TRUE)
    elseif(libs)
      _altpv_links_altpv("${libs}" uses_altpv)
    endif()
    if(NOT uses_altpv)
      continue()
    endif()
    _altpv_lto_request(${target} why)
    if(why)
      message(FATAL_ERROR
        "altpv: target '${target}' uses altpv and asks for link-time optimisation "
        "(${why}), which Clang cannot do for altpv's patch sites: under LTO Clang "
        "assembles the code at link time with its integrated assembler, which cannot "
        "evaluate the `.if` on label differences the site macros use (the reason altpv "
        "builds with -fno-integrated-as, which LTO ignores); the link would fail with "
        "\"expected absolute expression\". Build '${target}' without LTO, or with GCC, "
        "whose LTO assembles with GNU as.")
    endif()
  endforeach()
endfunction()
