#include <mailwire/imap/rules/datetime.hpp>

#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "support/catch.hpp"

using mailwire::errc;
using mailwire::parse_options;
using mailwire::scanner;
using mailwire::imap::date;
using mailwire::imap::date_time;
using mailwire::imap::day_padding;
using mailwire::imap::parse_all;
namespace rules = mailwire::imap::rules;

namespace {

const parse_options strict{};
const parse_options lenient = parse_options::make_lenient();

auto date_rule(const parse_options& o = strict) { return [o](scanner& s) { return rules::date(s, o); }; }
auto date_time_rule(const parse_options& o = strict) { return [o](scanner& s) { return rules::date_time(s, o); }; }

template <class R>
void check_error(const R& r, errc code, std::size_t offset) {
    REQUIRE_FALSE(r.has_value());
    CHECK(mailwire::to_string(r.error().code) == mailwire::to_string(code));
    CHECK(r.error().offset == offset);
    CHECK_FALSE(r.error().expected.empty());
}

/// parse -> format -> parse is identity; canonical input comes back byte for byte.
template <class Rule>
void round_trip(std::string_view in, Rule rule, std::string_view canonical = {}) {
    INFO("input: " << std::string(in));
    auto a = parse_all(in, rule);
    REQUIRE(a);
    auto wire = mailwire::to_wire(*a);
    REQUIRE(wire);
    CHECK(*wire == std::string(canonical.empty() ? in : canonical));
    auto b = parse_all(*wire, rule);
    REQUIRE(b);
    CHECK(*b == *a);
}

} // namespace

TEST_CASE("date-time: RFC 9051 and RFC 3501 vectors", "[imap][datetime][rfc]") {
    // RFC 9051 section 8 / RFC 3501 section 8:
    // S: * 12 FETCH (FLAGS (\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700" ...
    auto r = parse_all("\"17-Jul-1996 02:44:25 -0700\"", date_time_rule());
    REQUIRE(r);
    CHECK(r->year == 1996);
    CHECK(r->month == 7);
    CHECK(r->day == 17);
    CHECK(r->time == mailwire::imap::time_of_day{2, 44, 25});
    CHECK(r->tz.negative);
    CHECK(r->tz.hours == 7);
    CHECK(r->tz.minutes == 0);
    CHECK(r->tz.offset_minutes() == -420);
    for (auto v : {"\"17-Jul-1996 02:44:25 -0700\"", "\" 7-Feb-1994 21:52:25 -0800\"", "\"07-Feb-1994 21:52:25 -0800\"",
                   "\"01-Jan-2000 00:00:00 +0000\"", "\"29-Feb-2024 23:59:60 +1400\"", "\"31-Dec-9999 23:59:59 -2359\"",
                   "\"29-Feb-2000 12:00:00 +0530\""})
        round_trip(v, date_time_rule());
    auto sp = parse_all("\" 7-Feb-1994 21:52:25 -0800\"", date_time_rule());
    REQUIRE(sp);
    CHECK(sp->day == 7);
    CHECK(sp->padding == day_padding::space);
}

TEST_CASE("date: RFC 9051 SEARCH vectors", "[imap][datetime][rfc]") {
    // RFC 9051 section 6.4.4: SINCE 1-Feb-1994, SINCE 28-Oct-2006, SINCE 12-Feb-2006, ...
    auto r = parse_all("1-Feb-1994", date_rule());
    REQUIRE(r);
    CHECK(r->day == 1);
    CHECK(r->month == 2);
    CHECK(r->year == 1994);
    CHECK_FALSE(r->quoted);
    for (auto v : {"1-Feb-1994", "28-Oct-2006", "12-Feb-2006", "1-Jan-2004", "01-Feb-1994", "\"1-Feb-1994\"",
                   "\"28-Oct-2006\"", "29-Feb-2024", "31-Dec-0000"})
        round_trip(v, date_rule());
    CHECK_FALSE(*parse_all("1-Feb-1994", date_rule()) == *parse_all("01-Feb-1994", date_rule())); // spelled differently
    CHECK(*parse_all("11-Feb-1994", date_rule()) == *parse_all("11-Feb-1994", date_rule()));
}

TEST_CASE("date-month is case-insensitive and written back canonical", "[imap][datetime]") {
    // RFC 9051 section 9 note 1: ABNF strings are case-insensitive. RFC 3501 section
    // 6.4.4's own example is "13-APR-2000".
    for (auto v : {"1-jun-2020", "1-JUN-2020", "1-Jun-2020", "1-jUn-2020"}) {
        auto r = parse_all(v, date_rule());
        REQUIRE(r);
        CHECK(r->month == 6);
        round_trip(v, date_rule(), "1-Jun-2020");
    }
    round_trip("\"13-APR-2000 01:02:03 +0100\"", date_time_rule(), "\"13-Apr-2000 01:02:03 +0100\"");
    const char* names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (unsigned m = 1; m <= 12; ++m) {
        auto r = parse_all(fmt::format("3-{}-2021", names[m - 1]), date_rule());
        REQUIRE(r);
        CHECK(r->month == m);
    }
}

TEST_CASE("date: days per month, leap years", "[imap][datetime]") {
    using mailwire::imap::days_in_month;
    CHECK(days_in_month(2, 2024) == 29);
    CHECK(days_in_month(2, 2023) == 28);
    CHECK(days_in_month(2, 1900) == 28); // divisible by 100
    CHECK(days_in_month(2, 2000) == 29); // divisible by 400
    CHECK(days_in_month(4, 2000) == 30);
    CHECK(days_in_month(13, 2000) == 0);
    CHECK(parse_all("29-Feb-2024", date_rule()).has_value());
    CHECK(parse_all("29-Feb-2000", date_rule()).has_value());
    check_error(parse_all("29-Feb-2023", date_rule()), errc::number_out_of_range, 0);
    check_error(parse_all("29-Feb-1900", date_rule()), errc::number_out_of_range, 0);
    check_error(parse_all("30-Feb-2024", date_rule()), errc::number_out_of_range, 0);
    check_error(parse_all("31-Feb-2024", date_rule()), errc::number_out_of_range, 0);
    check_error(parse_all("31-Apr-2024", date_rule()), errc::number_out_of_range, 0);
    check_error(parse_all("32-Jan-2024", date_rule()), errc::number_out_of_range, 0);
    check_error(parse_all("\"31-Jun-2024\"", date_rule()), errc::number_out_of_range, 1);
    check_error(parse_all("\"31-Feb-2024 00:00:00 +0000\"", date_time_rule()), errc::number_out_of_range, 1);
    check_error(parse_all("\" 0-Feb-2024 00:00:00 +0000\"", date_time_rule()), errc::strict_violation, 2);
}

TEST_CASE("date: rejections with code and offset", "[imap][datetime]") {
    check_error(parse_all("", date_rule()), errc::invalid_syntax, 0);
    check_error(parse_all("1-Foo-2020", date_rule()), errc::invalid_syntax, 2);     // month
    check_error(parse_all("1-Ju-2020", date_rule()), errc::invalid_syntax, 2);
    check_error(parse_all("1-June-2020", date_rule()), errc::invalid_syntax, 5);
    check_error(parse_all("123-Jan-2020", date_rule()), errc::invalid_syntax, 2);   // 1*2DIGIT
    check_error(parse_all("1-Jan-20", date_rule()), errc::invalid_syntax, 8);       // 4DIGIT year
    check_error(parse_all("1-Jan-20201", date_rule()), errc::invalid_syntax, 10);
    check_error(parse_all("1 Jan 2020", date_rule()), errc::invalid_syntax, 1);
    check_error(parse_all("\"1-Jan-2020", date_rule()), errc::invalid_syntax, 11);  // unbalanced DQUOTE
    check_error(parse_all("1-Jan-2020\"", date_rule()), errc::invalid_syntax, 10);
    check_error(parse_all("a-Jan-2020", date_rule()), errc::invalid_syntax, 0);
    check_error(parse_all("00-Jan-2020", date_rule()), errc::strict_violation, 0);  // see the Domino quirk
}

TEST_CASE("date-time: rejections with code and offset", "[imap][datetime]") {
    check_error(parse_all("17-Jul-1996 02:44:25 -0700", date_time_rule()), errc::invalid_syntax, 0); // DQUOTEs required
    check_error(parse_all("\"17-Jul-1996 02:44:25 -0700", date_time_rule()), errc::invalid_syntax, 27);
    check_error(parse_all("\"17-Jul-1996 24:00:00 -0700\"", date_time_rule()), errc::number_out_of_range, 13);
    check_error(parse_all("\"17-Jul-1996 23:60:00 -0700\"", date_time_rule()), errc::number_out_of_range, 16);
    check_error(parse_all("\"17-Jul-1996 23:59:61 -0700\"", date_time_rule()), errc::number_out_of_range, 19);
    check_error(parse_all("\"17-Jul-1996 2:44:25 -0700\"", date_time_rule()), errc::invalid_syntax, 14);
    check_error(parse_all("\"17-Jul-1996 02:44 -0700\"", date_time_rule()), errc::invalid_syntax, 18);
    check_error(parse_all("\"17-Jul-1996 02:44:25 0700\"", date_time_rule()), errc::invalid_syntax, 22);  // zone sign
    check_error(parse_all("\"17-Jul-1996 02:44:25 -070\"", date_time_rule()), errc::invalid_syntax, 26);
    check_error(parse_all("\"17-Jul-1996 02:44:25 -2400\"", date_time_rule()), errc::number_out_of_range, 22);
    check_error(parse_all("\"17-Jul-1996 02:44:25 +0060\"", date_time_rule()), errc::number_out_of_range, 22);
    check_error(parse_all("\"17-Jul-1996 02:44:25 PDT\"", date_time_rule()), errc::invalid_syntax, 22);
    check_error(parse_all("\"17-Jul-1996  02:44:25 -0700\"", date_time_rule()), errc::invalid_syntax, 13); // one SP
    check_error(parse_all("\"17-Jul-96 02:44:25 -0700\"", date_time_rule()), errc::invalid_syntax, 10);
    check_error(parse_all("\"17-Jly-1996 02:44:25 -0700\"", date_time_rule()), errc::invalid_syntax, 4);
    check_error(parse_all("\"  7-Jul-1996 02:44:25 -0700\"", date_time_rule()), errc::invalid_syntax, 2);
}

TEST_CASE("date-time: the digits of every field, over all 256 bytes", "[imap][datetime]") {
    // Each DIGIT position accepts exactly 0-9 (and the range check then applies).
    const std::string base = "\"01-Jan-2000 00:00:00 +0000\"";
    const std::size_t digit_positions[] = {1, 2, 8, 9, 10, 11, 13, 14, 16, 17, 19, 20, 23, 24, 25, 26};
    for (std::size_t pos : digit_positions) {
        for (unsigned b = 0; b < 256; ++b) {
            std::string in = base;
            in[pos] = static_cast<char>(b);
            auto r = parse_all(in, date_time_rule());
            const bool digit = b >= '0' && b <= '9';
            if (pos == 1 && b == ' ') { // SP DIGIT, the other form of date-day-fixed
                CHECK(r.has_value());
                continue;
            }
            if (!digit) {
                INFO("position " << pos << " byte " << b);
                REQUIRE_FALSE(r.has_value());
                // "0-" reads as an unpadded one-digit day, the Apple Mail quirk (at the day).
                CHECK(r.error().offset == (pos == 2 && b == '-' ? 1 : pos));
            }
        }
    }
}

TEST_CASE("quirk Domino: INTERNALDATE 00-Jan-0000, lenient only", "[imap][datetime][quirk]") {
    // HCL Domino 10.0.1 (github.com/jstedfast/MailKit/issues/1236):
    // INTERNALDATE "00-Jan-0000 00:00:00 +0000"
    const std::string in = "\"00-Jan-0000 00:00:00 +0000\"";
    check_error(parse_all(in, date_time_rule(strict)), errc::strict_violation, 1);
    auto r = parse_all(in, date_time_rule(lenient));
    REQUIRE(r);
    CHECK(r->day == 0);
    CHECK(r->year == 0);
    round_trip(in, date_time_rule(lenient));
    // The same in a date.
    check_error(parse_all("00-Jan-0000", date_rule(strict)), errc::strict_violation, 0);
    round_trip("00-Jan-0000", date_rule(lenient));
    // Day 0 is the only relaxation: 32-Jan is still out of range.
    check_error(parse_all("\"32-Jan-0000 00:00:00 +0000\"", date_time_rule(lenient)), errc::number_out_of_range, 1);
}

TEST_CASE("quirk Apple Mail (iOS): unpadded one-digit day in an APPEND date-time, lenient only",
          "[imap][datetime][quirk]") {
    // github.com/Zimbra/zm-mailbox/pull/1101: Mail.app sends '6-Nov-2020 01:23:45 +0300'.
    const std::string in = "\"6-Nov-2020 01:23:45 +0300\"";
    check_error(parse_all(in, date_time_rule(strict)), errc::strict_violation, 1);
    auto r = parse_all(in, date_time_rule(lenient));
    REQUIRE(r);
    CHECK(r->day == 6);
    CHECK(r->padding == day_padding::none);
    round_trip(in, date_time_rule(lenient));
    // The padded forms stay strict-valid.
    CHECK(parse_all("\" 6-Nov-2020 01:23:45 +0300\"", date_time_rule(strict)).has_value());
    CHECK(parse_all("\"06-Nov-2020 01:23:45 +0300\"", date_time_rule(strict)).has_value());
}

TEST_CASE("date and date-time: writing built values, refusing invalid ones", "[imap][datetime][format]") {
    date d;
    d.year = 2024;
    d.month = 2;
    d.day = 29;
    CHECK(mailwire::to_wire(d).value() == "29-Feb-2024");
    d.quoted = true;
    CHECK(mailwire::to_wire(d).value() == "\"29-Feb-2024\"");
    d.year = 2023;
    check_error(mailwire::to_wire(d), errc::unsafe_value, 0);
    d.month = 13;
    check_error(mailwire::to_wire(d), errc::unsafe_value, 0);

    date_time t;
    t.year = 2021;
    t.month = 3;
    t.day = 4;
    t.time = {5, 6, 7};
    t.tz = {false, 1, 30};
    CHECK(mailwire::to_wire(t).value() == "\"04-Mar-2021 05:06:07 +0130\"");
    t.padding = day_padding::space;
    CHECK(mailwire::to_wire(t).value() == "\" 4-Mar-2021 05:06:07 +0130\"");
    CHECK(fmt::format("{:v}", t) == "date-time 2021-03-04 05:06:07 +0130");
    t.day = 14; // padding does not matter from day 10 on
    CHECK(mailwire::to_wire(t).value() == "\"14-Mar-2021 05:06:07 +0130\"");
    CHECK(*parse_all(mailwire::to_wire(t).value(), date_time_rule()) == t);
    t.time.hour = 24;
    check_error(mailwire::to_wire(t), errc::unsafe_value, 0);
    t.time.hour = 0;
    t.tz.minutes = 60;
    check_error(mailwire::to_wire(t), errc::unsafe_value, 0);
    CHECK(fmt::format("{:v}", d) == "date 2023-13-29");

    using mailwire::imap::day_fixed;
    CHECK(fmt::format("{}", day_fixed{7, day_padding::space}) == " 7");
    CHECK(fmt::format("{}", day_fixed{7, day_padding::zero}) == "07");
    CHECK(fmt::format("{}", day_fixed{17, day_padding::space}) == "17");
    auto df = parse_all(" 7", [](scanner& s) { return rules::date_day_fixed(s); });
    REQUIRE(df);
    CHECK(*df == day_fixed{7, day_padding::space});
    check_error(mailwire::to_wire(day_fixed{32, day_padding::zero}), errc::unsafe_value, 0);
}

// date_time() reads the common two-digit-day form at fixed offsets and everything else
// field by field (date_time_fields). Over every month, days around each month's end
// (leap years included), times and zones at and past their limits, each byte replaced by
// a wrong one, other paddings and both modes, the two must give the same value, the same
// position and the same error.
TEST_CASE("date-time: the fixed-layout path agrees with the field-by-field rule", "[imap][datetime]") {
    const char* months[] = {"Jan", "feb", "MAR", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::vector<std::string> inputs;
    for (const char* month : months)
        for (const char* day : {"00", "01", "09", "28", "29", "30", "31", "32", " 7", "7-"})
            for (const char* year : {"2024", "2023", "1900", "2000", "0000"})
                for (const char* time : {"00:00:00", "23:59:60", "24:00:00", "12:60:00", "12:00:61"})
                    for (const char* zone : {"+0000", "-0700", "+2359", "+2400", "-0060"}) {
                        std::string d = day;
                        if (d == "7-") d = "7"; // unpadded (Apple Mail quirk)
                        inputs.push_back("\"" + d + "-" + month + "-" + year + " " + time + " " + zone + "\"");
                    }
    const std::string good = "\"17-Jul-1996 02:44:25 -0700\"";
    for (std::size_t i = 0; i < good.size(); ++i)
        for (char c : {'x', ' ', '0', '"', '-', '\x80'}) {
            std::string bad = good;
            bad[i] = c;
            inputs.push_back(bad);
        }
    std::size_t checked = 0;
    for (const auto& in : inputs)
        for (const auto* mode : {&strict, &lenient})
            for (std::string_view tail : {"", ")", " UID 4827313 RFC822.SIZE 44827"}) {
                const std::string text = in + std::string(tail);
                INFO(text);
                scanner fast(text), fields(text);
                const auto a = rules::date_time(fast, *mode);
                const auto b = rules::date_time_fields(fields, *mode);
                REQUIRE(a.has_value() == b.has_value());
                if (a) {
                    CHECK(*a == *b);
                    CHECK(a->padding == b->padding);
                    CHECK(fast.pos() == fields.pos());
                } else {
                    CHECK(a.error() == b.error());
                }
                ++checked;
            }
    CHECK(checked == inputs.size() * 6);
}
