# vcpkg port for mailwire (header-only), for overlay use from a checkout until mailwire is
# published with a release tag (there is no release to download yet):
#   - from inside the mailwire checkout (detected because ../../include/mailwire/version.hpp
#     exists):
#       vcpkg install mailwire --overlay-ports=<checkout>/ports --no-binarycaching
#   - or set MAILWIRE_SOURCE_DIR=<checkout> and list it in the triplet's VCPKG_KEEP_ENV_VARS
#     (vcpkg scrubs the environment of port builds).
# --no-binarycaching (or VCPKG_BINARY_SOURCES=clear): vcpkg's package ABI hash covers this
# port's files, not the checkout's headers, so after a header edit a cached package with the
# old headers would be restored.
# Feature "compiled": also the library mailwire::compiled (MAILWIRE_SEPARATE_COMPILATION).
# Without it the package is header-only, and one configuration is enough.
if(NOT "compiled" IN_LIST FEATURES)
  set(VCPKG_BUILD_TYPE release)
endif()

get_filename_component(_mailwire_checkout "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
if(DEFINED ENV{MAILWIRE_SOURCE_DIR} AND NOT "$ENV{MAILWIRE_SOURCE_DIR}" STREQUAL "")
  set(SOURCE_PATH "$ENV{MAILWIRE_SOURCE_DIR}")
  message(STATUS "mailwire: using local sources from MAILWIRE_SOURCE_DIR=${SOURCE_PATH}")
elseif(EXISTS "${_mailwire_checkout}/include/mailwire/version.hpp"
       AND EXISTS "${_mailwire_checkout}/CMakeLists.txt")
  set(SOURCE_PATH "${_mailwire_checkout}")
  message(STATUS "mailwire: overlay port inside a checkout; using ${SOURCE_PATH}")
else()
  # A release adds vcpkg_from_github(REPO <owner>/mailwire REF "v${VERSION}" SHA512 <hash>)
  # here, with the real repository and hash, when a tagged release exists.
  message(FATAL_ERROR "mailwire has no published release yet: use this port as an overlay "
                      "from a mailwire checkout (<checkout>/ports), or set MAILWIRE_SOURCE_DIR")
endif()

vcpkg_check_features(OUT_FEATURE_OPTIONS FEATURE_OPTIONS
  FEATURES compiled MAILWIRE_SEPARATE_COMPILATION)

vcpkg_cmake_configure(
  SOURCE_PATH "${SOURCE_PATH}"
  OPTIONS
    ${FEATURE_OPTIONS}
    -DMAILWIRE_BUILD_TESTS=OFF
    -DMAILWIRE_BUILD_EXAMPLES=OFF
    -DMAILWIRE_BUILD_BENCHMARKS=OFF
    -DMAILWIRE_BUILD_FUZZERS=OFF
    -DMAILWIRE_INSTALL=ON
)
vcpkg_cmake_install()

# mailwire installs its config to share/cmake/mailwire (lib/cmake/mailwire with the compiled
# library); vcpkg wants share/mailwire.
if("compiled" IN_LIST FEATURES)
  vcpkg_cmake_config_fixup(CONFIG_PATH lib/cmake/mailwire)
  file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/debug/include" "${CURRENT_PACKAGES_DIR}/debug/share")
else()
  vcpkg_cmake_config_fixup(CONFIG_PATH share/cmake/mailwire)
  file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/debug")
endif()
vcpkg_fixup_pkgconfig()

file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
