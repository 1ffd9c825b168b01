#include <mailwire/core/options.hpp>

#include "support/catch.hpp"

TEST_CASE("default options are strict and bounded", "[options]") {
    constexpr mailwire::parse_options o;
    CHECK(o.strict());
    CHECK_FALSE(o.lenient());
    // RFC 2449 section 4's POP3 limits are the defaults.
    CHECK(o.pop3_max_command_line == 255);
    CHECK(o.pop3_max_argument == 40);
    CHECK(o.pop3_max_response_line == 512);
    // Every limit is finite.
    CHECK(o.max_line > 0);
    CHECK(o.max_literal > 0);
    CHECK(o.max_depth > 0);
    CHECK(o.max_list > 0);
    CHECK(o.max_message >= o.max_literal);
    CHECK(mailwire::parse_options::make_lenient().lenient());
}
