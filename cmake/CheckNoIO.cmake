# cmake -DINCLUDE_DIR=<dir> -P CheckNoIO.cmake
#
# mailwire does no I/O: fail if any file under INCLUDE_DIR includes a header
# that exists to do I/O, threads or filesystem access. .ci/run greps for the
# same list (keep MAILWIRE_IO_HEADERS_ERE there in sync with this regex).
cmake_minimum_required(VERSION 3.20)

if(NOT INCLUDE_DIR OR NOT IS_DIRECTORY "${INCLUDE_DIR}")
  message(FATAL_ERROR "CheckNoIO.cmake: INCLUDE_DIR='${INCLUDE_DIR}' is not a directory")
endif()

set(_forbidden
  "iostream|fstream|sstream|cstdio|stdio\\.h|print|unistd\\.h|thread|filesystem"
  "|sys/socket\\.h|netinet/[^>\"]*|(boost/)?asio[^>\"]*|fmt/os\\.h")
string(JOIN "" _forbidden ${_forbidden})
set(_regex "^[ \t]*#[ \t]*include[ \t]*[<\"](${_forbidden})[>\"]")

file(GLOB_RECURSE _files LIST_DIRECTORIES false "${INCLUDE_DIR}/*")
list(SORT _files)
set(_hits "")
set(_count 0)
foreach(_f IN LISTS _files)
  math(EXPR _count "${_count} + 1")
  file(STRINGS "${_f}" _lines REGEX "^[ \t]*#[ \t]*include")
  foreach(_line IN LISTS _lines)
    if(_line MATCHES "${_regex}")
      file(RELATIVE_PATH _rel "${INCLUDE_DIR}" "${_f}")
      string(STRIP "${_line}" _line)
      string(APPEND _hits "  ${_rel}: ${_line}\n")
    endif()
  endforeach()
endforeach()

if(_hits)
  message(FATAL_ERROR "I/O headers included under ${INCLUDE_DIR}:\n${_hits}")
endif()
message(STATUS "no I/O headers in ${_count} files under ${INCLUDE_DIR}")
