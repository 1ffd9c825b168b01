# vcpkg port for mailwire (header-only).
#
# Release builds fetch the tagged sources from GitHub. To build the port from
# a local checkout instead (overlay-port testing):
#   - use this directory as an overlay port from inside the mailwire checkout:
#       vcpkg install mailwire --overlay-ports=<checkout>/ports
#     (detected because ../../include/mailwire/version.hpp exists), or
#   - set MAILWIRE_SOURCE_DIR=<checkout> and list it in the triplet's
#     VCPKG_KEEP_ENV_VARS (vcpkg scrubs the environment of port builds).
set(VCPKG_BUILD_TYPE release) # header-only: one configuration is enough

get_filename_component(_mailwire_checkout "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
if(DEFINED ENV{MAILWIRE_SOURCE_DIR} AND NOT "$ENV{MAILWIRE_SOURCE_DIR}" STREQUAL "")
  set(SOURCE_PATH "$ENV{MAILWIRE_SOURCE_DIR}")
  message(STATUS "mailwire: using local sources from MAILWIRE_SOURCE_DIR=${SOURCE_PATH}")
elseif(EXISTS "${_mailwire_checkout}/include/mailwire/version.hpp"
       AND EXISTS "${_mailwire_checkout}/CMakeLists.txt")
  set(SOURCE_PATH "${_mailwire_checkout}")
  message(STATUS "mailwire: overlay port inside a checkout; using ${SOURCE_PATH}")
else()
  vcpkg_from_github(
    OUT_SOURCE_PATH SOURCE_PATH
    REPO mailwire/mailwire          # set to the real repository when publishing
    REF "v${VERSION}"
    SHA512 0                        # vcpkg prints the real hash on first install
    HEAD_REF main
  )
endif()

vcpkg_cmake_configure(
  SOURCE_PATH "${SOURCE_PATH}"
  OPTIONS
    -DMAILWIRE_BUILD_TESTS=OFF
    -DMAILWIRE_BUILD_EXAMPLES=OFF
    -DMAILWIRE_BUILD_BENCHMARKS=OFF
    -DMAILWIRE_BUILD_FUZZERS=OFF
    -DMAILWIRE_INSTALL=ON
)
vcpkg_cmake_install()

# mailwire installs its config to share/cmake/mailwire; vcpkg wants share/mailwire.
vcpkg_cmake_config_fixup(CONFIG_PATH share/cmake/mailwire)
vcpkg_fixup_pkgconfig()

file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/debug")

file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
