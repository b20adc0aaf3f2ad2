# SPDX-License-Identifier: MIT
# `cmake --install` puts in place what another project needs to use altpv:
#   include/altpv/                      the headers
#   lib/libaltpv.a                      altpv::altpv, for Linux processes
#   lib/libaltpv_freestanding.a         altpv::freestanding, for kernels
#   lib/cmake/altpv/                    the package: find_package(altpv)
#   share/altpv/ldscripts/              the linker-script fragments a kernel INCLUDEs
#   share/doc/altpv/LICENSE
#   bin/altpv-inspect                   (tools/, when built)
# The testbed (its ABI header, VMM and guest) is not part of it.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(ALTPV_PACKAGE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/altpv)
set(ALTPV_LDSCRIPT_INSTALL_DIR ${CMAKE_INSTALL_DATADIR}/altpv/ldscripts)

# One export set per component, so that the freestanding one loads without
# the hosted one's libelf (cmake/altpvConfig.cmake.in).
install(TARGETS altpv_freestanding EXPORT altpvFreestandingTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS altpv EXPORT altpvHostedTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT altpvFreestandingTargets NAMESPACE altpv:: DESTINATION ${ALTPV_PACKAGE_DIR})
install(EXPORT altpvHostedTargets NAMESPACE altpv:: DESTINATION ${ALTPV_PACKAGE_DIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/altpv DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
get_target_property(altpv_ldscript_dir altpv_freestanding ALTPV_LINKER_SCRIPT_DIR)
install(DIRECTORY ${altpv_ldscript_dir}/ DESTINATION ${ALTPV_LDSCRIPT_INSTALL_DIR})
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/altpvConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/altpvConfig.cmake
                              INSTALL_DESTINATION ${ALTPV_PACKAGE_DIR}
                              PATH_VARS ALTPV_LDSCRIPT_INSTALL_DIR)
# 0.x: a minor version may break the API, so only the same minor matches.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/altpvConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/altpvConfig.cmake ${PROJECT_BINARY_DIR}/altpvConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/AltpvClangLto.cmake
        DESTINATION ${ALTPV_PACKAGE_DIR})
