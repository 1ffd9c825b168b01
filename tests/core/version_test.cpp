#include <mailwire/version.hpp>

#include <fmt/format.h>

#include <string>

#include "support/catch.hpp"

TEST_CASE("version string matches the version macros", "[version]")
{
    const std::string expected = fmt::format("{}.{}.{}", MAILWIRE_VERSION_MAJOR,
                                             MAILWIRE_VERSION_MINOR,
                                             MAILWIRE_VERSION_PATCH);
    REQUIRE(mailwire::version == expected);
    REQUIRE(mailwire::version_major == MAILWIRE_VERSION_MAJOR);
    REQUIRE(mailwire::version_minor == MAILWIRE_VERSION_MINOR);
    REQUIRE(mailwire::version_patch == MAILWIRE_VERSION_PATCH);
    STATIC_REQUIRE(MAILWIRE_VERSION == MAILWIRE_VERSION_MAJOR * 10000 +
                                           MAILWIRE_VERSION_MINOR * 100 +
                                           MAILWIRE_VERSION_PATCH);
}
