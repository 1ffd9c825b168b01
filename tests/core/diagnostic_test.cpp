#include <mailwire/core/diagnostic.hpp>

#include <string>

#include <fmt/format.h>

#include "support/catch.hpp"

using mailwire::errc;
using mailwire::parse_error;

TEST_CASE("a parse_error formats as code, offset and expectation", "[diagnostic]") {
    CHECK(fmt::format("{}", parse_error{errc::invalid_syntax, 5, "nz-number"}) ==
          "invalid_syntax at offset 5: expected nz-number");
    CHECK(fmt::format("{}", parse_error{errc::need_more, 0, {}}) == "need_more at offset 0");
}

TEST_CASE("the caret sits under the offending byte", "[diagnostic]") {
    const std::string text = fmt::format("{}", mailwire::with_input("RETR 0\r\n", {errc::number_out_of_range, 5, "nz-number"}));
    CHECK(text ==
          "error: number_out_of_range at offset 5: expected nz-number\n"
          "  RETR 0\n"
          "       ^");
}

TEST_CASE("only the line holding the offset is shown", "[diagnostic]") {
    const std::string input = "+OK 2 messages\r\n1 120\r\n2 x\r\n.\r\n";
    const std::size_t off = input.find('x');
    const std::string text = fmt::format("{}", mailwire::with_input(input, {errc::invalid_syntax, off, "number"}));
    CHECK(text ==
          "error: invalid_syntax at offset 25: expected number\n"
          "  2 x\n"
          "    ^");
}

TEST_CASE("unprintable bytes keep the caret aligned", "[diagnostic]") {
    const std::string text = fmt::format("{}", mailwire::with_input(std::string_view("A\tB\x01" "C", 5), {errc::invalid_syntax, 3, "VCHAR"}));
    CHECK(text ==
          "error: invalid_syntax at offset 3: expected VCHAR\n"
          "  A?B?C\n"
          "     ^");
}

TEST_CASE("an offset at the end of the input points past the last byte", "[diagnostic]") {
    const std::string text = fmt::format("{}", mailwire::with_input("USER", {errc::invalid_syntax, 4, "CRLF"}));
    CHECK(text ==
          "error: invalid_syntax at offset 4: expected CRLF\n"
          "  USER\n"
          "      ^");
    // An offset beyond the input is clamped rather than read out of bounds.
    const std::string clamped = fmt::format("{}", mailwire::with_input("AB", {errc::invalid_syntax, 99, "x"}));
    CHECK(clamped.find("  AB\n    ^") != std::string::npos);
}

TEST_CASE("long lines are windowed around the offset", "[diagnostic]") {
    std::string line(300, 'a');
    line[200] = '!';
    const std::string text = fmt::format("{}", mailwire::with_input(line, {errc::invalid_syntax, 200, "a"}));
    const auto second = text.substr(text.find('\n') + 1);
    const auto bang_col = second.find('!');
    const auto caret_line = second.substr(second.find('\n') + 1);
    CHECK(second.substr(0, 5) == "  ...");
    CHECK(caret_line.find('^') == bang_col);
    CHECK(second.substr(0, second.find('\n')).size() <= 2 + 3 + 72 + 3); // indent, '...', window, '...'
}
