#include <mailwire/core/format.hpp>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "support/catch.hpp"

namespace demo {
// A minimal type wired the way every mailwire type is: a formatter and check_writable.
struct word { std::string_view text; };
inline mailwire::result<void> check_writable(const word& w) {
    if (mailwire::breaks_line(w.text)) return mailwire::unsafe("word without CR, LF or NUL");
    return {};
}
} // namespace demo

template <>
struct fmt::formatter<demo::word> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const demo::word& w, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose) return fmt::format_to(ctx.out(), "word \"{}\"", w.text);
        return fmt::format_to(ctx.out(), "{}\r\n", w.text);
    }
};

TEST_CASE("formatter_base selects wire or verbose presentation", "[format]") {
    CHECK(fmt::format("{}", demo::word{"NOOP"}) == "NOOP\r\n");
    CHECK(fmt::format("{:v}", demo::word{"NOOP"}) == "word \"NOOP\"");
}

TEST_CASE("breaks_line finds CR, LF and NUL", "[format]") {
    CHECK_FALSE(mailwire::breaks_line("plain text"));
    CHECK(mailwire::breaks_line("a\rb"));
    CHECK(mailwire::breaks_line("a\nb"));
    CHECK(mailwire::breaks_line(std::string_view("a\0b", 3)));
}

TEST_CASE("to_wire and write_wire refuse unsafe values and write nothing", "[format]") {
    auto good = mailwire::to_wire(demo::word{"QUIT"});
    REQUIRE(good);
    CHECK(*good == "QUIT\r\n");

    auto bad = mailwire::to_wire(demo::word{"QUIT\r\nDELE 1"});
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == mailwire::errc::unsafe_value);

    std::vector<char> buf{'x'};
    CHECK_FALSE(mailwire::write_wire(buf, demo::word{"a\nb"}));
    CHECK(buf.size() == 1);
    CHECK(mailwire::write_wire(buf, demo::word{"ok"}));
    CHECK(std::string(buf.begin(), buf.end()) == "xok\r\n");
}
