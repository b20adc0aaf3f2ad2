# SPDX-License-Identifier: MIT
# CHANGELOG.md's newest entry must be this version, and must name the
# site-format and testbed-ABI versions that include/altpv/version.h gives.
#   cmake -DROOT=<dir> -DVERSION=<x.y.z> -P check_changelog.cmake
file(STRINGS ${ROOT}/include/altpv/version.h lines REGEX "k(SiteFormat|TestbedAbi)Version = [0-9]+")
string(REGEX MATCH "kSiteFormatVersion = ([0-9]+)" _ "${lines}")
set(site_format ${CMAKE_MATCH_1})
string(REGEX MATCH "kTestbedAbiVersion = ([0-9]+)" _ "${lines}")
set(testbed_abi ${CMAKE_MATCH_1})

file(READ ${ROOT}/CHANGELOG.md text)
string(REGEX MATCH "\n## \\[([0-9.]+)\\][^\n]*\n\n([^\n]*)" _ "${text}")
set(newest ${CMAKE_MATCH_1})
set(summary ${CMAKE_MATCH_2})
if(NOT newest STREQUAL VERSION)
  message(FATAL_ERROR "CHANGELOG.md's newest entry is '${newest}', the project is ${VERSION}")
endif()
foreach(want "Site format ${site_format}" "Testbed ABI ${testbed_abi}")
  string(FIND "${summary}" "${want}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "CHANGELOG.md ${newest}: the line under the heading must name '${want}', "
                        "it reads '${summary}'")
  endif()
endforeach()
message(STATUS "CHANGELOG.md ${newest}: site format ${site_format}, testbed ABI ${testbed_abi}")
