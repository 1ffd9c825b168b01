#include <mailwire/core/number.hpp>

#include <cstdint>

#include "support/catch.hpp"

using mailwire::errc;
using mailwire::scanner;

// Compile-time: the number rules are constexpr.
static_assert(*mailwire::parse_number("0") == 0u);
static_assert(*mailwire::parse_nz_number("4294967295") == 4294967295u);
static_assert(!mailwire::parse_number("4294967296").has_value());

TEST_CASE("number: 1*DIGIT, unsigned 32-bit (RFC 9051 section 9)", "[number]") {
    CHECK(*mailwire::parse_number("0") == 0u);
    CHECK(*mailwire::parse_number("007") == 7u);
    CHECK(*mailwire::parse_number("4294967295") == UINT32_MAX);

    auto over = mailwire::parse_number("4294967296");
    REQUIRE_FALSE(over);
    CHECK(over.error().code == errc::number_out_of_range);
    CHECK(over.error().offset == 0);

    auto huge = mailwire::parse_number("99999999999999999999999999");
    REQUIRE_FALSE(huge);
    CHECK(huge.error().code == errc::number_out_of_range);

    for (auto bad : {"", "-1", "+1", " 1", "x"}) {
        INFO(bad);
        auto r = mailwire::parse_number(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == errc::invalid_syntax);
        CHECK(r.error().offset == 0);
        CHECK(r.error().expected == "number");
    }
    auto trailing = mailwire::parse_number("12a");
    REQUIRE_FALSE(trailing);
    CHECK(trailing.error().code == errc::invalid_syntax);
    CHECK(trailing.error().offset == 2);
}

TEST_CASE("nz-number: digit-nz *DIGIT (RFC 9051 section 9)", "[number]") {
    CHECK(*mailwire::parse_nz_number("1") == 1u);
    CHECK(*mailwire::parse_nz_number("4294967295") == UINT32_MAX);

    auto zero = mailwire::parse_nz_number("0");
    REQUIRE_FALSE(zero);
    CHECK(zero.error().code == errc::number_out_of_range);
    CHECK(zero.error().offset == 0);

    auto leading_zero = mailwire::parse_nz_number("01");
    REQUIRE_FALSE(leading_zero);
    CHECK(leading_zero.error().code == errc::invalid_syntax);

    auto over = mailwire::parse_nz_number("4294967296");
    REQUIRE_FALSE(over);
    CHECK(over.error().code == errc::number_out_of_range);
}

TEST_CASE("number64: unsigned 63-bit (RFC 9051 section 9)", "[number]") {
    CHECK(*mailwire::parse_number64("9223372036854775807") == INT64_MAX);
    CHECK(*mailwire::parse_number64("0") == 0u);
    auto over = mailwire::parse_number64("9223372036854775808");
    REQUIRE_FALSE(over);
    CHECK(over.error().code == errc::number_out_of_range);
    auto way_over = mailwire::parse_number64("18446744073709551616");
    REQUIRE_FALSE(way_over);
    CHECK(way_over.error().code == errc::number_out_of_range);
}

TEST_CASE("number rules stop at the first non-digit inside a scanner", "[number]") {
    scanner s("123 456", 10);
    auto a = mailwire::number(s);
    REQUIRE(a);
    CHECK(*a == 123u);
    CHECK(s.offset() == 13); // base offset 10 + 3 digits
    CHECK(s.consume(' '));
    auto b = mailwire::nz_number(s);
    REQUIRE(b);
    CHECK(*b == 456u);
    CHECK(s.at_end());

    scanner t("12x", 100);
    (void)mailwire::number(t);
    auto c = mailwire::number(t);
    REQUIRE_FALSE(c);
    CHECK(c.error().offset == 102); // errors point into the caller's whole buffer
}
