// The reply shape of every command, and the framer's agreement with it.
#include <mailwire/pop3/expect.hpp>
#include <mailwire/pop3/reader.hpp>

#include <string_view>

#include "support/catch.hpp"

using namespace mailwire::pop3;

namespace {
command parsed(std::string_view line) {
    auto r = parse_command(line);
    REQUIRE(r);
    return *r;
}
} // namespace

TEST_CASE("expectation_for maps each command to its reply shape", "[pop3][expect]") {
    CHECK(expectation_for(parsed("STAT\r\n")) == expect::stat);
    CHECK(expectation_for(parsed("LIST\r\n")) == expect::list_all);
    CHECK(expectation_for(parsed("LIST 2\r\n")) == expect::list_one);
    CHECK(expectation_for(parsed("UIDL\r\n")) == expect::uidl_all);
    CHECK(expectation_for(parsed("UIDL 2\r\n")) == expect::uidl_one);
    CHECK(expectation_for(parsed("RETR 1\r\n")) == expect::message);
    CHECK(expectation_for(parsed("TOP 1 10\r\n")) == expect::message);
    CHECK(expectation_for(parsed("CAPA\r\n")) == expect::capa);
    CHECK(expectation_for(parsed("LANG\r\n")) == expect::lang_list);
    CHECK(expectation_for(parsed("LANG fr\r\n")) == expect::status);
    CHECK(expectation_for(parsed("AUTH PLAIN\r\n")) == expect::continuation);
    CHECK(expectation_for(auth_continuation{}) == expect::continuation);
    for (auto line : {"USER bob\r\n", "PASS x y\r\n", "DELE 1\r\n", "NOOP\r\n", "RSET\r\n", "QUIT\r\n", "STLS\r\n",
                      "UTF8\r\n", "XTND XMIT\r\n"}) {
        INFO(line);
        CHECK(expectation_for(parsed(line)) == expect::status);
    }
}

TEST_CASE("the framer's multi-line decision is the expectation's", "[pop3][expect]") {
    for (auto line : {"STAT\r\n", "LIST\r\n", "LIST 2\r\n", "UIDL\r\n", "UIDL 2\r\n", "RETR 1\r\n", "TOP 1 0\r\n",
                      "CAPA\r\n", "LANG\r\n", "LANG *\r\n", "USER bob\r\n", "QUIT\r\n", "XTND XMIT\r\n"}) {
        INFO(line);
        const command c = parsed(line);
        CHECK((frame_kind_for(c) == frame_kind::multi_line_if_ok) == multiline_on_ok(expectation_for(c)));
    }
    CHECK(frame_kind_for(parsed("STLS\r\n")) == frame_kind::stls);
    CHECK(frame_kind_for(parsed("AUTH PLAIN\r\n")) == frame_kind::auth);
}
