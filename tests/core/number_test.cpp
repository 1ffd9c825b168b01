#include <mailwire/core/number.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "support/catch.hpp"

using mailwire::errc;
using mailwire::scanner;

// Compile-time: the number rules are constexpr.
static_assert(*mailwire::parse_number("0") == 0u);
static_assert(*mailwire::parse_nz_number("4294967295") == 4294967295u);
static_assert(!mailwire::parse_number("4294967296").has_value());

TEST_CASE("number: one or more DIGIT, unsigned 32-bit (RFC 9051 section 9)", "[number]") {
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

TEST_CASE("nz-number: digit-nz then DIGITs (RFC 9051 section 9)", "[number]") {
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

// With eight or more bytes left the digits are read eight at a time (SWAR); fewer go
// through the byte loop. Every length of number, every following byte class and every
// amount of input after it must give the byte loop's answer.
TEST_CASE("number rules read the same through the eight-byte path and the byte loop", "[number]") {
    const std::uint64_t values[] = {0, 7, 10, 99, 1234567, 9999999, 12345678, 99999999, 100000000,
                                    4294967295ull, 4294967296ull, 9223372036854775807ull};
    const std::string_view stops[] = {" ", ")", "\r\n", "a", "\x80", "/", ":", std::string_view("\0", 1), "\xff"};
    std::size_t checked = 0;
    for (const std::uint64_t v : values)
        for (int zeros = 0; zeros < 3; ++zeros)
            for (const auto stop : stops)
                for (std::size_t pad = 0; pad < 10; ++pad) {
                    const std::string digits = std::string(static_cast<std::size_t>(zeros), '0') + std::to_string(v);
                    const std::string text = digits + std::string(stop) + std::string(pad, 'x');
                    INFO(text);
                    scanner s64(text);
                    auto n64 = mailwire::number64(s64);
                    REQUIRE(n64.has_value() == (v <= 9223372036854775807ull));
                    CHECK(*n64 == v);
                    CHECK(s64.pos() == digits.size());
                    scanner s32(text);
                    auto n32 = mailwire::number(s32);
                    REQUIRE(n32.has_value() == (v <= UINT32_MAX));
                    if (n32) CHECK(*n32 == v);
                    else CHECK(n32.error() == mailwire::parse_error{errc::number_out_of_range, 0, "number"});
                    ++checked;
                }
    CHECK(checked == 12 * 3 * 9 * 10);
    // No digit at all, with and without eight bytes after it.
    for (std::string_view text : {"x", "x1234567890", " 12345678", "\x80" "12345678"}) {
        scanner s(text);
        auto n = mailwire::number(s);
        REQUIRE_FALSE(n.has_value());
        CHECK(n.error().code == errc::invalid_syntax);
        CHECK(n.error().offset == 0);
    }
}
