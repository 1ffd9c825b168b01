#include <mailwire/core/scanner.hpp>

#include <array>
#include <cstddef>

#include "support/catch.hpp"

using mailwire::errc;
using mailwire::scanner;

TEST_CASE("scanner primitives never read past the end", "[scanner]") {
    scanner s("UID fetch 1", 7);
    CHECK(s.offset() == 7);
    CHECK(s.consume_ci("uid"));
    CHECK(s.consume(' '));
    CHECK_FALSE(s.consume("FETCH"));      // exact match is case-sensitive
    CHECK(s.consume_ci("FETCH"));
    CHECK(s.take_while(mailwire::chars::sp) == " ");
    CHECK(s.peek() == '1');
    CHECK(s.peek(1) == '\0');
    s.advance(5);                          // clamped at the end
    CHECK(s.at_end());
    CHECK(s.peek() == '\0');
    CHECK_FALSE(s.consume('x'));
    CHECK(s.offset() == 7 + 11);
}

TEST_CASE("take_until, since and errors at positions", "[scanner]") {
    scanner s("+OK 2 200\r\n");
    const auto mark = s.pos();
    CHECK(s.take_until('\r') == "+OK 2 200");
    CHECK(s.since(mark) == "+OK 2 200");
    CHECK(s.rest() == "\r\n");
    auto e = s.error(errc::invalid_syntax, "CRLF");
    CHECK(e.offset == 9);
    CHECK(e.expected == "CRLF");
    CHECK(s.error_at(0, errc::invalid_syntax, "x").offset == 0);
    CHECK(s.take_until('#') == "\r\n"); // not found: to the end
    CHECK(s.at_end());
    CHECK(s.take_rest().empty());
}

TEST_CASE("byte buffers of any character type are viewed as chars", "[scanner]") {
    const std::array<std::byte, 3> bytes{std::byte{'+'}, std::byte{'O'}, std::byte{'K'}};
    CHECK(mailwire::as_chars(bytes) == "+OK");
    const std::array<unsigned char, 2> u{'O', 'K'};
    CHECK(mailwire::as_chars(u) == "OK");
}
