# Fails when the CTest entries discovered from the Catch2 test binaries are not one per
# test case: a name that Catch2's test-spec syntax or CMake's list syntax reads specially
# can merge several cases into one entry that runs nothing, or split one into several.
# Also fails when a binary lists a name that breaks the naming rule of tests/README.md
# (the names as compiled, which a scan of the sources could miss).
#
#   cmake -DCTEST=<ctest> -DBUILD_DIR=<dir> -DCATCH_MAJOR=2|3 "-DEXECUTABLES=a|b|..."
#         -P CheckTestCounts.cmake
#
# Lines are counted as newlines, never as CMake list items: a "[" or ";" in a name would
# change a list's length, which is the very fault this looks for.
foreach(_var CTEST BUILD_DIR CATCH_MAJOR EXECUTABLES)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "CheckTestCounts: ${_var} not set")
  endif()
endforeach()

if(CATCH_MAJOR EQUAL 3)
  set(_list_args --list-tests --verbosity quiet)
else()
  set(_list_args --list-test-names-only)
endif()

string(REPLACE "|" ";" _exes "${EXECUTABLES}")
set(_cases 0)
foreach(_exe IN LISTS _exes)
  execute_process(COMMAND "${_exe}" ${_list_args}
    OUTPUT_VARIABLE _out RESULT_VARIABLE _rc)
  # v2 returns the number of tests listed; v3 returns 0.
  string(REGEX REPLACE "\n\n+" "\n" _out "${_out}")
  string(REGEX REPLACE "^\n" "" _out "${_out}")
  string(REGEX REPLACE "[^\n]" "" _newlines "${_out}")
  string(LENGTH "${_newlines}" _n)
  if(_n EQUAL 0)
    message(SEND_ERROR "CheckTestCounts: ${_exe} lists no test case (exit ${_rc})")
  endif()
  # The names as the binary reports them (whatever macros or string pieces made them):
  # none may hold [ ] * " \ ; or begin with ~ (tests/README.md). First offender only.
  if(_out MATCHES "(^|\n)(~[^\n]*|[^\n]*[][*\"\\;][^\n]*)")
    message(SEND_ERROR "CheckTestCounts: ${_exe} lists a test name with one of "
                       "[ ] * \" \\ ; or a leading ~: ${CMAKE_MATCH_2}")
  endif()
  math(EXPR _cases "${_cases} + ${_n}")
endforeach()

execute_process(COMMAND "${CTEST}" -N -L "^unit$" --test-dir "${BUILD_DIR}"
  OUTPUT_VARIABLE _ctest_out RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0 OR NOT _ctest_out MATCHES "Total Tests: ([0-9]+)")
  message(FATAL_ERROR "CheckTestCounts: ctest -N failed (exit ${_rc}):\n${_ctest_out}")
endif()
set(_entries "${CMAKE_MATCH_1}")

message(STATUS "test cases listed by the binaries: ${_cases}; CTest unit entries: ${_entries}")
if(NOT _cases EQUAL _entries)
  message(FATAL_ERROR "CheckTestCounts: ${_cases} test cases but ${_entries} CTest entries: "
                      "a test name that Catch2 or CMake reads specially (see tests/README.md)")
endif()
