# mailwire_add_consumer_tests()
#
# Proves the three ways downstream projects consume mailwire, each as a CTest
# test driven by cmake/RunConsumerTest.cmake:
#
#   consumer.install         cmake --install <build> --prefix <build>/consumer-prefix
#                            (FIXTURES_SETUP mailwire_installed)
#   consumer.find_package    tests/consumers/find_package: find_package(mailwire
#                            CONFIG REQUIRED) against that prefix; build + run
#   consumer.find_package_fmt_header_only  the same, where fmt has fmt::fmt-header-only
#                            only (a stand-in fmt config over the real headers)
#   consumer.pkg_config      tests/consumers/pkg_config/main.cpp compiled with
#                            $(pkg-config --cflags mailwire) ... $(pkg-config --libs fmt)
#   consumer.add_subdirectory tests/consumers/add_subdirectory: add_subdirectory()
#                            of this source tree; asserts MAILWIRE_BUILD_* default OFF
#   consumer.compiled_add_subdirectory  tests/consumers/compiled: add_subdirectory() with
#                            MAILWIRE_SEPARATE_COMPILATION=ON, linking mailwire::compiled
#   consumer.compiled_find_package  this source built with MAILWIRE_SEPARATE_COMPILATION=ON
#                            and installed to its own prefix; tests/consumers/compiled through
#                            find_package, and through pkg-config (mailwire-compiled.pc)
#
# The consumers use the same compiler and generator as this build.
function(mailwire_add_consumer_tests)
  set(_driver "${PROJECT_SOURCE_DIR}/cmake/RunConsumerTest.cmake")
  set(_work "${PROJECT_BINARY_DIR}/consumers")
  set(_prefix "${PROJECT_BINARY_DIR}/consumer-prefix")

  # Lists cannot cross add_test() intact; ship them '|'-separated.
  set(_prefix_path ${CMAKE_PREFIX_PATH})
  string(REPLACE ";" "|" _prefix_path "${_prefix_path}")

  set(_common
    "-DSOURCE_DIR=${PROJECT_SOURCE_DIR}"
    "-DBINARY_DIR=${PROJECT_BINARY_DIR}"
    "-DWORK_DIR=${_work}"
    "-DPREFIX=${_prefix}"
    "-DINCLUDEDIR=${CMAKE_INSTALL_INCLUDEDIR}"
    "-DCMAKEDIR=${MAILWIRE_INSTALL_CMAKEDIR}"
    "-DPKGCONFIGDIR=${MAILWIRE_INSTALL_PKGCONFIGDIR}"
    "-DCXX=${CMAKE_CXX_COMPILER}"
    "-DGENERATOR=${CMAKE_GENERATOR}"
    "-DMAKE_PROGRAM=${CMAKE_MAKE_PROGRAM}"
    "-DCONFIG=$<CONFIG>"
    "-DEXPECTED_VERSION=${PROJECT_VERSION}"
    "-DEXTRA_PREFIX_PATH=${_prefix_path}")
  if(fmt_DIR)
    list(APPEND _common "-Dfmt_DIR=${fmt_DIR}")
  endif()

  # add_subdirectory() works regardless of install rules.
  add_test(NAME consumer.add_subdirectory
    COMMAND "${CMAKE_COMMAND}" ${_common} -DMODE=add_subdirectory -P "${_driver}")
  set_tests_properties(consumer.add_subdirectory PROPERTIES
    LABELS "consumer" TIMEOUT 900)

  # mailwire::compiled (MAILWIRE_SEPARATE_COMPILATION=ON), vendored.
  add_test(NAME consumer.compiled_add_subdirectory
    COMMAND "${CMAKE_COMMAND}" ${_common} -DMODE=compiled_add_subdirectory -P "${_driver}")
  set_tests_properties(consumer.compiled_add_subdirectory PROPERTIES
    LABELS "consumer" TIMEOUT 900)
  # ... and built, installed to a prefix of its own, found with find_package and with
  # pkg-config (mailwire-compiled.pc) when pkg-config is there.
  find_program(MAILWIRE_PKG_CONFIG NAMES pkg-config pkgconf)
  set(_pc_arg "")
  if(MAILWIRE_PKG_CONFIG)
    set(_pc_arg "-DPKG_CONFIG=${MAILWIRE_PKG_CONFIG}")
  endif()
  add_test(NAME consumer.compiled_find_package
    COMMAND "${CMAKE_COMMAND}" ${_common} -DMODE=compiled_find_package ${_pc_arg} -P "${_driver}")
  set_tests_properties(consumer.compiled_find_package PROPERTIES
    LABELS "consumer" TIMEOUT 900)

  if(NOT MAILWIRE_INSTALL)
    message(STATUS "mailwire: MAILWIRE_INSTALL is OFF; skipping install consumer tests")
    return()
  endif()

  add_test(NAME consumer.install
    COMMAND "${CMAKE_COMMAND}" ${_common} -DMODE=install -P "${_driver}")
  set_tests_properties(consumer.install PROPERTIES
    LABELS "consumer" FIXTURES_SETUP mailwire_installed
    RESOURCE_LOCK mailwire_build_tree TIMEOUT 300)

  add_test(NAME consumer.find_package
    COMMAND "${CMAKE_COMMAND}" ${_common} -DMODE=find_package -P "${_driver}")
  set_tests_properties(consumer.find_package PROPERTIES
    LABELS "consumer" FIXTURES_REQUIRED mailwire_installed TIMEOUT 900)

  # The installed config picks fmt's target at find_package time: prove it with a fmt
  # that has fmt::fmt-header-only only (the headers of the fmt found here, if plain).
  get_target_property(_fmt_inc ${MAILWIRE_FMT_TARGET} INTERFACE_INCLUDE_DIRECTORIES)
  if(_fmt_inc AND NOT _fmt_inc MATCHES "[$<;]")
    add_test(NAME consumer.find_package_fmt_header_only
      COMMAND "${CMAKE_COMMAND}" ${_common} -DMODE=find_package_fmt_header_only
              "-DFMT_INCLUDE_DIR=${_fmt_inc}" -P "${_driver}")
    set_tests_properties(consumer.find_package_fmt_header_only PROPERTIES
      LABELS "consumer" FIXTURES_REQUIRED mailwire_installed TIMEOUT 900)
  else()
    message(STATUS "mailwire: fmt's include directory is not one plain path (${_fmt_inc}); "
                   "skipping consumer.find_package_fmt_header_only")
  endif()

  find_program(MAILWIRE_PKG_CONFIG NAMES pkg-config pkgconf)
  if(NOT MAILWIRE_PKG_CONFIG)
    message(STATUS "mailwire: pkg-config not found; skipping consumer.pkg_config")
    return()
  endif()
  execute_process(COMMAND "${MAILWIRE_PKG_CONFIG}" --exists fmt
    RESULT_VARIABLE _fmt_pc)
  if(NOT _fmt_pc EQUAL 0)
    message(STATUS "mailwire: no fmt.pc visible to pkg-config; skipping consumer.pkg_config")
    return()
  endif()
  add_test(NAME consumer.pkg_config
    COMMAND "${CMAKE_COMMAND}" ${_common} -DMODE=pkg_config
            "-DPKG_CONFIG=${MAILWIRE_PKG_CONFIG}" -P "${_driver}")
  set_tests_properties(consumer.pkg_config PROPERTIES
    LABELS "consumer" FIXTURES_REQUIRED mailwire_installed TIMEOUT 300)
endfunction()
