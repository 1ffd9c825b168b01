// Consumer test (pkg_config): built outside mailwire's own build, exactly as a
// downstream project would. Exits 0 only if the version it sees is right.
#include <mailwire/mailwire.hpp>

#include <fmt/format.h>

#include <string>

#ifndef MAILWIRE_EXPECTED_VERSION
#error "build with -DMAILWIRE_EXPECTED_VERSION=\"x.y.z\""
#endif

int main()
{
    const std::string line = fmt::format("mailwire {}", mailwire::version);
    fmt::print("{}\n", line);
    return line == "mailwire " MAILWIRE_EXPECTED_VERSION ? 0 : 1;
}
