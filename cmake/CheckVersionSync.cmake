# cmake -DSOURCE_DIR=<repo> -DPROJECT_VERSION=<x.y.z> -P CheckVersionSync.cmake
#
# Fails unless version.hpp, vcpkg.json and ports/mailwire/vcpkg.json all carry
# the version given to project(). conanfile.py reads project() itself.
cmake_minimum_required(VERSION 3.20)
include("${CMAKE_CURRENT_LIST_DIR}/MailwireVersion.cmake")

set(_errors "")
mailwire_read_header_version("${SOURCE_DIR}/include/mailwire/version.hpp" _hdr)
if(NOT _hdr STREQUAL PROJECT_VERSION)
  string(APPEND _errors "  include/mailwire/version.hpp: ${_hdr}\n")
endif()

foreach(_manifest vcpkg.json ports/mailwire/vcpkg.json)
  set(_path "${SOURCE_DIR}/${_manifest}")
  if(NOT EXISTS "${_path}")
    string(APPEND _errors "  ${_manifest}: missing\n")
    continue()
  endif()
  file(READ "${_path}" _json)
  string(JSON _v ERROR_VARIABLE _err GET "${_json}" version)
  if(_err)
    string(APPEND _errors "  ${_manifest}: no \"version\" field (${_err})\n")
  elseif(NOT _v STREQUAL PROJECT_VERSION)
    string(APPEND _errors "  ${_manifest}: ${_v}\n")
  endif()
endforeach()

if(_errors)
  message(FATAL_ERROR "Versions out of sync with project(VERSION ${PROJECT_VERSION}):\n${_errors}")
endif()
message(STATUS "all versions agree: ${PROJECT_VERSION}")
