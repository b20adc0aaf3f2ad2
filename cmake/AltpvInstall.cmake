# SPDX-License-Identifier: MIT
# `cmake --install` puts the headers, both libraries and a package config in
# place so that another project can `find_package(altpv)`.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS altpv altpv_freestanding EXPORT altpvTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/altpv DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT altpvTargets NAMESPACE altpv:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/altpv)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/altpvConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/altpvConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/altpv)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/altpvConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/altpvConfig.cmake ${PROJECT_BINARY_DIR}/altpvConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/altpv)
