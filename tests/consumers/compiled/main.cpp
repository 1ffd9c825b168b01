// Consumer test (mailwire::compiled, MAILWIRE_SEPARATE_COMPILATION): the entry points come
// from the library, not from this unit. Exits 0 only if each one works and the version is
// right; the link fails if the library does not hold them.
#include <mailwire/mailwire.hpp>

#include <fmt/format.h>

#include <string>

#ifndef MAILWIRE_SEPARATE_COMPILATION
#error "a mailwire::compiled user is built with MAILWIRE_SEPARATE_COMPILATION"
#endif
#ifndef MAILWIRE_EXPECTED_VERSION
#error "build with -DMAILWIRE_EXPECTED_VERSION=\"x.y.z\""
#endif

int main()
{
    int failures = 0;
    const auto check = [&](bool ok, const char* what) {
        if (!ok) {
            fmt::print("FAILED: {}\n", what);
            ++failures;
        }
    };

    mailwire::imap::response_storage rs;
    const auto r = mailwire::imap::parse_response("* 23 EXISTS\r\n", rs);
    check(r.has_value() && fmt::format("{}", *r) == "* 23 EXISTS\r\n", "imap::parse_response + format");

    mailwire::imap::command_storage cs;
    const auto c = mailwire::imap::parse_command("a1 LOGIN smith sesame\r\n", cs);
    check(c.has_value() && fmt::format("{}", *c) == "a1 LOGIN smith sesame\r\n", "imap::parse_command + format");
    check(c.has_value() && check_writable(*c).has_value(), "imap::check_writable(command)");

    const auto p = mailwire::pop3::parse_response("+OK 2 320\r\n", mailwire::pop3::expect::stat);
    check(p.has_value(), "pop3::parse_response");

    const auto bad = mailwire::imap::parse_response("* 23 EXISTS", rs); // no CRLF
    check(!bad.has_value() && bad.error().code == mailwire::errc::invalid_syntax, "imap::parse_response refuses");

    const std::string line = fmt::format("mailwire {} (compiled)", mailwire::version);
    fmt::print("{}\n", line);
    check(line == "mailwire " MAILWIRE_EXPECTED_VERSION " (compiled)", "version");
    return failures == 0 ? 0 : 1;
}
