# `cmake --install` lays out headers, libraries, tools and a CMake package so
# SDKs can `find_package(vitc)` and link vitc::compiler (or vitc::runtime
# alone). examples/embed is built against an installed tree by the tests.
include(CMakePackageConfigHelpers)

install(DIRECTORY runtime/include/vitc DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
set(VITC_INSTALL_TARGETS vitc_runtime)
if(VITC_BUILD_COMPILER)
  install(DIRECTORY compiler/include/vitc DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  list(APPEND VITC_INSTALL_TARGETS vitc_compiler vitc vitc-opt)
endif()
install(TARGETS ${VITC_INSTALL_TARGETS} EXPORT vitcTargets
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT vitcTargets NAMESPACE vitc:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/vitc)

configure_package_config_file(cmake/vitcConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/vitcConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/vitc)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/vitcConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/vitcConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/vitcConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/vitc)
