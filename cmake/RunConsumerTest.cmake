# cmake -DMODE=<install|find_package|find_package_fmt_header_only|add_subdirectory|pkg_config> ... -P RunConsumerTest.cmake
#
# Driver for the consumer.* CTest tests (see cmake/ConsumerTests.cmake, which
# passes SOURCE_DIR, BINARY_DIR, WORK_DIR, PREFIX, INCLUDEDIR, CMAKEDIR,
# PKGCONFIGDIR, CXX, GENERATOR, MAKE_PROGRAM, CONFIG, EXPECTED_VERSION,
# EXTRA_PREFIX_PATH, fmt_DIR, FMT_INCLUDE_DIR and PKG_CONFIG).
cmake_minimum_required(VERSION 3.20)

function(run)
  string(REPLACE ";" " " _pretty "${ARGN}")
  message(STATUS "+ ${_pretty}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "command failed (${_rc}): ${_pretty}")
  endif()
endfunction()

# The arguments of a configure of source dir src into bin with this build's compiler,
# generator, configuration and fmt, then any extra ones; into out_var.
function(configure_args out_var src bin)
  set(_a -S "${src}" -B "${bin}" -G "${GENERATOR}" "-DCMAKE_CXX_COMPILER=${CXX}")
  if(MAKE_PROGRAM)
    list(APPEND _a "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
  endif()
  if(CONFIG)
    list(APPEND _a "-DCMAKE_BUILD_TYPE=${CONFIG}")
  endif()
  if(fmt_DIR)
    list(APPEND _a "-Dfmt_DIR=${fmt_DIR}")
  endif()
  list(APPEND _a ${ARGN})
  set(${out_var} "${_a}" PARENT_SCOPE)
endfunction()

# Configure, build and run one of the CMake consumer projects.
function(cmake_consumer name)
  set(_src "${SOURCE_DIR}/tests/consumers/${name}")
  set(_bin "${WORK_DIR}/${name}")
  file(REMOVE_RECURSE "${_bin}")  # always a fresh configure

  configure_args(_args "${_src}" "${_bin}" "-DMAILWIRE_EXPECTED_VERSION=${EXPECTED_VERSION}" ${ARGN})

  run("${CMAKE_COMMAND}" ${_args})
  if(CONFIG)
    run("${CMAKE_COMMAND}" --build "${_bin}" --config "${CONFIG}")
  else()
    run("${CMAKE_COMMAND}" --build "${_bin}")
  endif()

  # The consumer projects put their executable in <bin>/bin for every config.
  set(_exe "${_bin}/bin/consumer${CMAKE_EXECUTABLE_SUFFIX}")
  if(NOT EXISTS "${_exe}" AND EXISTS "${_exe}.exe")
    set(_exe "${_exe}.exe")
  endif()
  run("${_exe}")
endfunction()

# find_package() also honours the CMAKE_PREFIX_PATH environment variable,
# which sidesteps passing a ';'-list through execute_process().
function(set_prefix_path_env)
  if(WIN32)
    set(_sep ";")
  else()
    set(_sep ":")
  endif()
  set(_all ${ARGN})
  if(DEFINED ENV{CMAKE_PREFIX_PATH} AND NOT "$ENV{CMAKE_PREFIX_PATH}" STREQUAL "")
    list(APPEND _all "$ENV{CMAKE_PREFIX_PATH}")
  endif()
  string(JOIN "${_sep}" _joined ${_all})
  set(ENV{CMAKE_PREFIX_PATH} "${_joined}")
  message(STATUS "CMAKE_PREFIX_PATH (env)=${_joined}")
endfunction()

string(REPLACE "|" ";" EXTRA_PREFIX_PATH "${EXTRA_PREFIX_PATH}")

if(MODE STREQUAL "install")
  file(REMOVE_RECURSE "${PREFIX}")  # no stale headers from earlier runs
  if(CONFIG)
    run("${CMAKE_COMMAND}" --install "${BINARY_DIR}" --prefix "${PREFIX}" --config "${CONFIG}")
  else()
    run("${CMAKE_COMMAND}" --install "${BINARY_DIR}" --prefix "${PREFIX}")
  endif()
  foreach(_f "${INCLUDEDIR}/mailwire/version.hpp"
             "${CMAKEDIR}/mailwireConfig.cmake"
             "${CMAKEDIR}/mailwireConfigVersion.cmake"
             "${CMAKEDIR}/mailwireTargets.cmake"
             "${PKGCONFIGDIR}/mailwire.pc")
    if(NOT EXISTS "${PREFIX}/${_f}")
      message(FATAL_ERROR "install did not produce ${PREFIX}/${_f}")
    endif()
  endforeach()
  if(EXISTS "${PREFIX}/lib" OR EXISTS "${PREFIX}/lib64" OR EXISTS "${PREFIX}/bin")
    message(FATAL_ERROR "header-only install must not create lib/ or bin/ under ${PREFIX}")
  endif()

elseif(MODE STREQUAL "find_package")
  set_prefix_path_env("${PREFIX}" ${EXTRA_PREFIX_PATH})
  cmake_consumer(find_package)

elseif(MODE STREQUAL "find_package_fmt_header_only")
  # The same consumer where fmt defines fmt::fmt-header-only only, as Conan's fmt does with
  # header_only=True: a stand-in fmt config over the real headers (FMT_INCLUDE_DIR).
  set(_fake "${WORK_DIR}/fmt-header-only/fmt-config")
  file(REMOVE_RECURSE "${_fake}")
  file(MAKE_DIRECTORY "${_fake}")
  file(WRITE "${_fake}/fmt-config.cmake" "
if(NOT TARGET fmt::fmt-header-only)
  add_library(fmt::fmt-header-only INTERFACE IMPORTED)
  set_target_properties(fmt::fmt-header-only PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES \"${FMT_INCLUDE_DIR}\"
    INTERFACE_COMPILE_DEFINITIONS FMT_HEADER_ONLY=1)
endif()
set(fmt_FOUND TRUE)
")
  set_prefix_path_env("${PREFIX}")
  set(WORK_DIR "${WORK_DIR}/fmt-header-only")
  cmake_consumer(find_package "-Dfmt_DIR=${_fake}" "-DMAILWIRE_EXPECT_FMT_TARGET=fmt::fmt-header-only")

elseif(MODE STREQUAL "add_subdirectory")
  set_prefix_path_env(${EXTRA_PREFIX_PATH})
  cmake_consumer(add_subdirectory "-DMAILWIRE_SOURCE_DIR=${SOURCE_DIR}")

elseif(MODE STREQUAL "pkg_config")
  set(_pcdir "${PREFIX}/${PKGCONFIGDIR}")
  if(DEFINED ENV{PKG_CONFIG_PATH} AND NOT "$ENV{PKG_CONFIG_PATH}" STREQUAL "")
    set(ENV{PKG_CONFIG_PATH} "${_pcdir}:$ENV{PKG_CONFIG_PATH}")
  else()
    set(ENV{PKG_CONFIG_PATH} "${_pcdir}")
  endif()
  message(STATUS "PKG_CONFIG_PATH=$ENV{PKG_CONFIG_PATH}")

  foreach(_q "--cflags;mailwire" "--libs;fmt")
    execute_process(COMMAND "${PKG_CONFIG}" ${_q}
      OUTPUT_VARIABLE _out OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
      message(FATAL_ERROR "pkg-config ${_q} failed (${_rc})")
    endif()
    list(GET _q 0 _kind)
    string(REPLACE "--" "" _kind "${_kind}")
    separate_arguments(_pc_${_kind} UNIX_COMMAND "${_out}")
    message(STATUS "pkg-config ${_q}: ${_out}")
  endforeach()
  if(NOT _pc_cflags MATCHES "-std=c\\+\\+20")
    message(FATAL_ERROR "mailwire.pc Cflags lack -std=c++20: ${_pc_cflags}")
  endif()

  set(_bin "${WORK_DIR}/pkg_config")
  file(REMOVE_RECURSE "${_bin}")
  file(MAKE_DIRECTORY "${_bin}")
  set(_exe "${_bin}/consumer${CMAKE_EXECUTABLE_SUFFIX}")
  run("${CXX}" ${_pc_cflags}
      "-DMAILWIRE_EXPECTED_VERSION=\"${EXPECTED_VERSION}\""
      "${SOURCE_DIR}/tests/consumers/pkg_config/main.cpp"
      ${_pc_libs} -o "${_exe}")
  run("${_exe}")

elseif(MODE STREQUAL "compiled_find_package")
  # mailwire built with MAILWIRE_SEPARATE_COMPILATION=ON and installed to a prefix of its
  # own; then a find_package consumer of mailwire::compiled, and the same source built with
  # the flags of mailwire-compiled.pc.
  set(_build "${WORK_DIR}/compiled-build")
  set(_prefix "${WORK_DIR}/compiled-prefix")
  file(REMOVE_RECURSE "${_build}" "${_prefix}")
  configure_args(_args "${SOURCE_DIR}" "${_build}"
    -DMAILWIRE_SEPARATE_COMPILATION=ON -DMAILWIRE_INSTALL=ON -DMAILWIRE_BUILD_TESTS=OFF
    -DMAILWIRE_BUILD_EXAMPLES=OFF -DMAILWIRE_BUILD_BENCHMARKS=OFF -DMAILWIRE_BUILD_FUZZERS=OFF)
  set_prefix_path_env(${EXTRA_PREFIX_PATH})
  run("${CMAKE_COMMAND}" ${_args})
  run("${CMAKE_COMMAND}" --build "${_build}")
  run("${CMAKE_COMMAND}" --install "${_build}" --prefix "${_prefix}")
  file(GLOB _libs "${_prefix}/lib*/libmailwire.*" "${_prefix}/lib*/*/libmailwire.*")
  if(NOT _libs)
    message(FATAL_ERROR "the compiled install has no libmailwire under ${_prefix}")
  endif()
  file(GLOB_RECURSE _configs "${_prefix}/*/mailwireConfig.cmake")
  file(GLOB_RECURSE _pcs "${_prefix}/*/mailwire-compiled.pc")
  if(NOT _configs OR NOT _pcs)
    message(FATAL_ERROR "the compiled install lacks mailwireConfig.cmake or mailwire-compiled.pc")
  endif()
  message(STATUS "installed: ${_libs}")

  set_prefix_path_env("${_prefix}")
  set(WORK_DIR "${WORK_DIR}/compiled-find-package")  # apart from the add_subdirectory test's
  cmake_consumer(compiled)

  # pkg-config, when there is one (the mode is run with PKG_CONFIG set when found).
  if(PKG_CONFIG)
    list(GET _pcs 0 _pc)
    get_filename_component(_pcdir "${_pc}" DIRECTORY)
    if(DEFINED ENV{PKG_CONFIG_PATH} AND NOT "$ENV{PKG_CONFIG_PATH}" STREQUAL "")
      set(ENV{PKG_CONFIG_PATH} "${_pcdir}:$ENV{PKG_CONFIG_PATH}")
    else()
      set(ENV{PKG_CONFIG_PATH} "${_pcdir}")
    endif()
    foreach(_q --cflags --libs)
      execute_process(COMMAND "${PKG_CONFIG}" ${_q} mailwire-compiled
        OUTPUT_VARIABLE _out OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE _rc)
      if(NOT _rc EQUAL 0)
        message(FATAL_ERROR "pkg-config ${_q} mailwire-compiled failed (${_rc})")
      endif()
      string(REPLACE "--" "" _kind "${_q}")
      separate_arguments(_pc_${_kind} UNIX_COMMAND "${_out}")
      message(STATUS "pkg-config ${_q} mailwire-compiled: ${_out}")
    endforeach()
    if(NOT _pc_cflags MATCHES "-DMAILWIRE_SEPARATE_COMPILATION")
      message(FATAL_ERROR "mailwire-compiled.pc Cflags lack -DMAILWIRE_SEPARATE_COMPILATION")
    endif()
    set(_exe "${WORK_DIR}/compiled-pkg-config${CMAKE_EXECUTABLE_SUFFIX}")
    run("${CXX}" ${_pc_cflags} "-DMAILWIRE_EXPECTED_VERSION=\"${EXPECTED_VERSION}\""
        "${SOURCE_DIR}/tests/consumers/compiled/main.cpp" ${_pc_libs} -o "${_exe}")
    run("${_exe}")
  else()
    message(STATUS "no pkg-config: mailwire-compiled.pc not exercised")
  endif()

elseif(MODE STREQUAL "compiled_add_subdirectory")
  set_prefix_path_env(${EXTRA_PREFIX_PATH})
  set(WORK_DIR "${WORK_DIR}/compiled-add-subdirectory")  # apart from the find_package test's
  cmake_consumer(compiled "-DMAILWIRE_SOURCE_DIR=${SOURCE_DIR}")

else()
  message(FATAL_ERROR "RunConsumerTest.cmake: unknown MODE '${MODE}'")
endif()
