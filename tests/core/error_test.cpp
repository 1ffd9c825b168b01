#include <mailwire/core/error.hpp>

#include <set>
#include <string_view>

#include "support/catch.hpp"

using mailwire::errc;

TEST_CASE("every error code has a distinct stable name", "[error]") {
    // The names are part of mailwire-parse --json's contract.
    CHECK(mailwire::to_string(errc::need_more) == "need_more");
    CHECK(mailwire::to_string(errc::invalid_syntax) == "invalid_syntax");
    CHECK(mailwire::to_string(errc::number_out_of_range) == "number_out_of_range");
    CHECK(mailwire::to_string(errc::limit_exceeded) == "limit_exceeded");
    CHECK(mailwire::to_string(errc::strict_violation) == "strict_violation");
    CHECK(mailwire::to_string(errc::unsafe_value) == "unsafe_value");
    std::set<std::string_view> names;
    for (int c = 0; c <= static_cast<int>(errc::unexpected_response); ++c) {
        auto name = mailwire::to_string(static_cast<errc>(c));
        CHECK(name != "unknown");
        names.insert(name);
    }
    CHECK(names.size() == static_cast<std::size_t>(errc::unexpected_response) + 1);
}

TEST_CASE("parse_error compares by value", "[error]") {
    mailwire::parse_error a{errc::invalid_syntax, 4, "SP"};
    mailwire::parse_error b{errc::invalid_syntax, 4, "SP"};
    mailwire::parse_error c{errc::invalid_syntax, 5, "SP"};
    CHECK(a == b);
    CHECK_FALSE(a == c);
}
