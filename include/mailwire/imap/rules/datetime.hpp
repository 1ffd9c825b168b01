// IMAP dates (SEARCH keys) and date-times (INTERNALDATE, APPEND): RFC 9051 §9, the same
// grammar as RFC 3501 §9.
//
// Validated beyond the grammar: the day exists in its month (29 February only in a
// Gregorian leap year), time 00-23:00-59:00-60 (60 for a leap second), zone hours 00-23
// and minutes 00-59. Month names are case-insensitive (RFC 9051 §9 note 1: ABNF strings
// are) and are written back as "Jan".."Dec". A day < 10 is written back padded as it came
// ("1-Feb-1994" / "01-Feb-1994", " 7-Jul-1996" / "07-Jul-1996").
//
// Lenient quirks (strict_violation in strict mode, at the day):
//   - day 00, as in "00-Jan-0000 00:00:00 +0000": HCL Domino 10 sends it as INTERNALDATE
//     (github.com/jstedfast/MailKit/issues/1236);
//   - a date-time day of one digit with no padding, "6-Nov-2020 01:23:45 +0300": Apple
//     Mail on iOS sends it in APPEND (github.com/Zimbra/zm-mailbox/pull/1101).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <fmt/format.h>

#include <mailwire/core/config.hpp>
#include <mailwire/core/chars.hpp>
#include <mailwire/core/error.hpp>
#include <mailwire/core/format.hpp>
#include <mailwire/core/options.hpp>
#include <mailwire/core/result.hpp>
#include <mailwire/core/scanner.hpp>
#include <mailwire/imap/rules/string.hpp> // parse_all

namespace mailwire::imap {

MAILWIRE_LAZY constexpr bool is_leap_year(unsigned year) noexcept {
    return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}
/// Days in `month` (1-12) of `year`; 0 for a month out of range.
MAILWIRE_LAZY constexpr unsigned days_in_month(unsigned month, unsigned year) noexcept {
    constexpr unsigned char days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12) return 0;
    return month == 2 && is_leap_year(year) ? 29u : days[month - 1];
}
namespace detail {
/// Out of the constexpr function below: a local array there is rebuilt at every call.
inline constexpr std::string_view month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
} // namespace detail
/// "Jan".."Dec" for 1-12, "" otherwise.
MAILWIRE_LAZY constexpr std::string_view month_name(unsigned month) noexcept {
    return month >= 1 && month <= 12 ? detail::month_names[month - 1] : std::string_view{};
}

/// date = date-text / DQUOTE date-text DQUOTE
struct date {
    std::uint16_t year = 1970;
    std::uint8_t month = 1; ///< 1-12
    std::uint8_t day = 1;   ///< 1-31; 0 only from the lenient Domino quirk
    bool quoted = false;         ///< written DQUOTE date-text DQUOTE
    bool two_digit_day = false;  ///< a day below 10 written "01" rather than "1"

    /// Equal dates written the same way (padding only matters for days below 10).
    friend constexpr bool operator==(const date& a, const date& b) noexcept {
        return a.year == b.year && a.month == b.month && a.day == b.day && a.quoted == b.quoted &&
               (a.day >= 10 || a.two_digit_day == b.two_digit_day);
    }
};

/// How date-day-fixed writes a day below 10.
enum class day_padding : std::uint8_t {
    zero,  ///< "07" (2DIGIT)
    space, ///< " 7" (SP DIGIT)
    none,  ///< "7": not in the grammar, lenient only (Apple Mail quirk)
};

/// time = 2DIGIT ":" 2DIGIT ":" 2DIGIT
struct time_of_day {
    std::uint8_t hour = 0, minute = 0, second = 0;
    friend constexpr bool operator==(const time_of_day&, const time_of_day&) = default;
};

/// zone = ("+" / "-") 4DIGIT: hours and minutes east of Greenwich.
struct zone {
    bool negative = false;
    std::uint8_t hours = 0, minutes = 0;
    /// Signed offset from UT in minutes.
    constexpr int offset_minutes() const noexcept { return (negative ? -1 : 1) * (hours * 60 + minutes); }
    friend constexpr bool operator==(const zone&, const zone&) = default;
};

/// date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE
struct date_time {
    std::uint16_t year = 1970;
    std::uint8_t month = 1;
    std::uint8_t day = 1;
    day_padding padding = day_padding::zero;
    time_of_day time{};
    imap::zone tz{};

    friend constexpr bool operator==(const date_time& a, const date_time& b) noexcept {
        return a.year == b.year && a.month == b.month && a.day == b.day && a.time == b.time && a.tz == b.tz &&
               (a.day >= 10 || a.padding == b.padding);
    }
};

/// date-day-fixed: a day and how it was padded.
struct day_fixed {
    std::uint8_t day = 0;
    day_padding padding = day_padding::zero;
    friend constexpr bool operator==(const day_fixed& a, const day_fixed& b) noexcept {
        return a.day == b.day && (a.day >= 10 || a.padding == b.padding);
    }
};

namespace detail {
/// Exactly `n` digits as a number; invalid_syntax at the first non-digit.
MAILWIRE_LAZY constexpr result<unsigned> fixed_digits(scanner& s, std::size_t n, std::string_view expected) noexcept {
    unsigned v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (s.at_end() || !chars::digit(s.peek())) return s.error(errc::invalid_syntax, expected);
        v = v * 10 + static_cast<unsigned>(s.peek() - '0');
        s.advance();
    }
    return v;
}
/// The day exists in its month; day 0 is the lenient Domino quirk.
MAILWIRE_LAZY constexpr result<void> check_day(const scanner& s, std::size_t day_pos, unsigned day, unsigned month, unsigned year,
                                 const parse_options& opts) noexcept {
    if (day == 0) {
        if (opts.lenient()) return {};
        return s.error_at(day_pos, errc::strict_violation, "date-day 1-31 (day 00 is a Domino quirk)");
    }
    if (day > days_in_month(month, year)) return s.error_at(day_pos, errc::number_out_of_range, "date-day within the month");
    return {};
}
} // namespace detail

namespace rules {

/// date-month = "Jan" / "Feb" / "Mar" / "Apr" / "May" / "Jun" /
///              "Jul" / "Aug" / "Sep" / "Oct" / "Nov" / "Dec"   (RFC 9051 §9; case-insensitive)
/// Returns 1-12.
MAILWIRE_LAZY constexpr result<std::uint8_t> date_month(scanner& s) noexcept {
    for (unsigned m = 1; m <= 12; ++m)
        if (s.consume_ci(month_name(m))) return static_cast<std::uint8_t>(m);
    return s.error(errc::invalid_syntax, "date-month");
}

/// date-year = 4DIGIT                                                     (RFC 9051 §9)
MAILWIRE_LAZY constexpr result<std::uint16_t> date_year(scanner& s) noexcept {
    auto y = imap::detail::fixed_digits(s, 4, "date-year");
    if (!y) return y.error();
    return static_cast<std::uint16_t>(*y);
}

/// date-day = 1*2DIGIT  ; Day of month                                   (RFC 9051 §9)
/// The range is checked by date-text, which knows the month.
MAILWIRE_LAZY constexpr result<std::uint8_t> date_day(scanner& s) noexcept {
    if (s.at_end() || !chars::digit(s.peek())) return s.error(errc::invalid_syntax, "date-day");
    unsigned v = static_cast<unsigned>(s.peek() - '0');
    s.advance();
    if (!s.at_end() && chars::digit(s.peek())) {
        v = v * 10 + static_cast<unsigned>(s.peek() - '0');
        s.advance();
    }
    return static_cast<std::uint8_t>(v);
}

/// date-text = date-day "-" date-month "-" date-year                      (RFC 9051 §9)
MAILWIRE_LAZY constexpr result<imap::date> date_text(scanner& s, const parse_options& opts = {}) noexcept {
    const std::size_t day_pos = s.pos();
    auto d = date_day(s);
    if (!d) return d.error();
    const bool two = s.pos() - day_pos == 2;
    if (!s.consume('-')) return s.error(errc::invalid_syntax, "\"-\"");
    auto m = date_month(s);
    if (!m) return m.error();
    if (!s.consume('-')) return s.error(errc::invalid_syntax, "\"-\"");
    auto y = date_year(s);
    if (!y) return y.error();
    if (auto ok = imap::detail::check_day(s, day_pos, *d, *m, *y, opts); !ok) return ok.error();
    imap::date r;
    r.year = *y;
    r.month = *m;
    r.day = *d;
    r.two_digit_day = two;
    return r;
}

/// date = date-text / DQUOTE date-text DQUOTE                             (RFC 9051 §9)
MAILWIRE_LAZY constexpr result<imap::date> date(scanner& s, const parse_options& opts = {}) noexcept {
    const bool q = s.consume('"');
    auto d = date_text(s, opts);
    if (!d) return d.error();
    if (q && !s.consume('"')) return s.error(errc::invalid_syntax, "DQUOTE ending date");
    d->quoted = q;
    return d;
}

/// date-day-fixed = (SP DIGIT) / 2DIGIT  ; Fixed-format version of date-day   (RFC 9051 §9)
/// Returns the day and how it was padded; the range is checked by date-time.
MAILWIRE_LAZY constexpr result<day_fixed> date_day_fixed(scanner& s, const parse_options& opts = {}) noexcept {
    if (s.consume(' ')) {
        auto d = imap::detail::fixed_digits(s, 1, "DIGIT");
        if (!d) return d.error();
        return day_fixed{static_cast<std::uint8_t>(*d), day_padding::space};
    }
    if (chars::digit(s.peek()) && s.peek(1) == '-') {
        if (!opts.lenient()) return s.error(errc::strict_violation, "date-day-fixed (unpadded day is an Apple Mail quirk)");
        const auto v = static_cast<std::uint8_t>(s.peek() - '0');
        s.advance();
        return day_fixed{v, day_padding::none};
    }
    auto d = imap::detail::fixed_digits(s, 2, "date-day-fixed");
    if (!d) return d.error();
    return day_fixed{static_cast<std::uint8_t>(*d), day_padding::zero};
}

/// time = 2DIGIT ":" 2DIGIT ":" 2DIGIT  ; Hours minutes seconds            (RFC 9051 §9)
/// Hours 00-23, minutes 00-59, seconds 00-60; out of range is number_out_of_range.
MAILWIRE_LAZY constexpr result<time_of_day> time(scanner& s) noexcept {
    time_of_day t;
    const std::size_t h_pos = s.pos();
    auto h = imap::detail::fixed_digits(s, 2, "time");
    if (!h) return h.error();
    if (*h > 23) return s.error_at(h_pos, errc::number_out_of_range, "hour 00-23");
    if (!s.consume(':')) return s.error(errc::invalid_syntax, "\":\"");
    const std::size_t m_pos = s.pos();
    auto m = imap::detail::fixed_digits(s, 2, "minutes");
    if (!m) return m.error();
    if (*m > 59) return s.error_at(m_pos, errc::number_out_of_range, "minute 00-59");
    if (!s.consume(':')) return s.error(errc::invalid_syntax, "\":\"");
    const std::size_t sec_pos = s.pos();
    auto sec = imap::detail::fixed_digits(s, 2, "seconds");
    if (!sec) return sec.error();
    if (*sec > 60) return s.error_at(sec_pos, errc::number_out_of_range, "second 00-60");
    t.hour = static_cast<std::uint8_t>(*h);
    t.minute = static_cast<std::uint8_t>(*m);
    t.second = static_cast<std::uint8_t>(*sec);
    return t;
}

/// zone = ("+" / "-") 4DIGIT                                              (RFC 9051 §9)
/// Hours 00-23 and minutes 00-59, else number_out_of_range at the sign.
MAILWIRE_LAZY constexpr result<imap::zone> zone(scanner& s) noexcept {
    const std::size_t start = s.pos();
    imap::zone z;
    if (s.consume('-')) z.negative = true;
    else if (!s.consume('+')) return s.error(errc::invalid_syntax, "zone");
    auto v = imap::detail::fixed_digits(s, 4, "zone");
    if (!v) return v.error();
    if (*v / 100 > 23 || *v % 100 > 59) return s.error_at(start, errc::number_out_of_range, "zone hours 00-23, minutes 00-59");
    z.hours = static_cast<std::uint8_t>(*v / 100);
    z.minutes = static_cast<std::uint8_t>(*v % 100);
    return z;
}

/// date_time() field by field, for every form and every error.
MAILWIRE_LAZY constexpr result<imap::date_time> date_time_fields(scanner& s, const parse_options& opts = {}) noexcept {
    if (!s.consume('"')) return s.error(errc::invalid_syntax, "date-time");
    const std::size_t day_pos = s.pos();
    auto d = date_day_fixed(s, opts);
    if (!d) return d.error();
    if (!s.consume('-')) return s.error(errc::invalid_syntax, "\"-\"");
    auto m = date_month(s);
    if (!m) return m.error();
    if (!s.consume('-')) return s.error(errc::invalid_syntax, "\"-\"");
    auto y = date_year(s);
    if (!y) return y.error();
    // The day is checked at its first digit, after any padding space.
    const std::size_t digit_pos = d->padding == day_padding::space ? day_pos + 1 : day_pos;
    if (auto ok = imap::detail::check_day(s, digit_pos, d->day, *m, *y, opts); !ok) return ok.error();
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    auto t = time(s);
    if (!t) return t.error();
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    auto z = zone(s);
    if (!z) return z.error();
    if (!s.consume('"')) return s.error(errc::invalid_syntax, "DQUOTE ending date-time");
    imap::date_time r;
    r.year = *y;
    r.month = *m;
    r.day = d->day;
    r.padding = d->padding;
    r.time = *t;
    r.tz = *z;
    return r;
}

} // namespace rules

/// Refuses values that are not a date: month outside 1-12, year above 9999, day beyond
/// its month. Day 0 is writable (it re-parses in lenient mode, where it came from).
MAILWIRE_LAZY constexpr result<void> check_writable(const date& d) noexcept {
    if (d.month < 1 || d.month > 12) return unsafe("date: month 1-12");
    if (d.year > 9999) return unsafe("date: year of 4 digits");
    if (d.day > days_in_month(d.month, d.year)) return unsafe("date: day within the month");
    return {};
}
MAILWIRE_LAZY constexpr result<void> check_writable(const day_fixed& d) noexcept {
    if (d.day > 31) return unsafe("date-day-fixed: day 0-31");
    return {};
}
MAILWIRE_LAZY constexpr result<void> check_writable(const time_of_day& t) noexcept {
    if (t.hour > 23 || t.minute > 59 || t.second > 60) return unsafe("time: 00-23:00-59:00-60");
    return {};
}
MAILWIRE_LAZY constexpr result<void> check_writable(const zone& z) noexcept {
    if (z.hours > 23 || z.minutes > 59) return unsafe("zone: hours 00-23, minutes 00-59");
    return {};
}
MAILWIRE_LAZY constexpr result<void> check_writable(const date_time& v) noexcept {
    if (auto ok = check_writable(date{v.year, v.month, v.day, false, false}); !ok) return ok;
    if (auto ok = check_writable(v.time); !ok) return ok;
    return check_writable(v.tz);
}

namespace detail {
/// The common INTERNALDATE, `"DD-Mon-YYYY HH:MM:SS +ZZZZ"` with a two-digit day, read at
/// fixed offsets into `out`; true when it is exactly that and every field is in range.
/// Anything else (other padding, a bad byte, a value out of range) returns false without
/// moving, and rules::date_time reads it field by field and reports the error.
MAILWIRE_LAZY constexpr bool date_time_fixed_layout(scanner& s, date_time& out) noexcept {
    if (s.remaining() < 28) return false;
    const char* p = s.input().data() + s.pos();
    auto digit = [&](int i) { return static_cast<unsigned>(static_cast<unsigned char>(p[i]) - '0'); };
    for (int i : {1, 2, 8, 9, 10, 11, 13, 14, 16, 17, 19, 20, 23, 24, 25, 26})
        if (digit(i) > 9) return false;
    if (p[0] != '"' || p[3] != '-' || p[7] != '-' || p[12] != ' ' || p[15] != ':' || p[18] != ':' || p[21] != ' ' ||
        (p[22] != '+' && p[22] != '-') || p[27] != '"')
        return false;
    // The month's three letters folded to lower case (| 0x20 maps no other byte onto a
    // letter) and compared as one number with each month's.
    auto folded = [](const char* m) {
        return (static_cast<unsigned>(static_cast<unsigned char>(m[0]) | 0x20) << 16) |
               (static_cast<unsigned>(static_cast<unsigned char>(m[1]) | 0x20) << 8) |
               static_cast<unsigned>(static_cast<unsigned char>(m[2]) | 0x20);
    };
    const unsigned key = folded(p + 4);
    unsigned month = 0;
    for (unsigned m = 1; m <= 12; ++m)
        if (key == folded(detail::month_names[m - 1].data())) month = m;
    const unsigned day = digit(1) * 10 + digit(2), year = digit(8) * 1000 + digit(9) * 100 + digit(10) * 10 + digit(11);
    const unsigned hour = digit(13) * 10 + digit(14), minute = digit(16) * 10 + digit(17), second = digit(19) * 10 + digit(20);
    const unsigned zh = digit(23) * 10 + digit(24), zm = digit(25) * 10 + digit(26);
    if (month == 0 || day == 0 || day > days_in_month(month, year)) return false;
    // Two digits each, so these casts keep every value; the ranges are check_writable's.
    const time_of_day t{static_cast<std::uint8_t>(hour), static_cast<std::uint8_t>(minute), static_cast<std::uint8_t>(second)};
    const zone z{p[22] == '-', static_cast<std::uint8_t>(zh), static_cast<std::uint8_t>(zm)};
    if (!check_writable(t) || !check_writable(z)) return false;
    out.year = static_cast<std::uint16_t>(year);
    out.month = static_cast<std::uint8_t>(month);
    out.day = static_cast<std::uint8_t>(day);
    out.padding = day_padding::zero;
    out.time = t;
    out.tz = z;
    s.advance(28);
    return true;
}
} // namespace detail

namespace rules {

/// date-time = DQUOTE date-day-fixed "-" date-month "-" date-year
///             SP time SP zone DQUOTE                                     (RFC 9051 §9)
MAILWIRE_LAZY constexpr result<imap::date_time> date_time(scanner& s, const parse_options& opts = {}) noexcept {
    if (imap::date_time fixed; imap::detail::date_time_fixed_layout(s, fixed)) return fixed;
    return date_time_fields(s, opts);
}

} // namespace rules

} // namespace mailwire::imap

template <>
struct fmt::formatter<mailwire::imap::date> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::date& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose)
            return fmt::format_to(ctx.out(), "date {:04}-{:02}-{:02}", v.year, v.month, v.day);
        if (!check_writable(v)) mailwire::refuse_unsafe_write("invalid date");
        auto out = ctx.out();
        if (v.quoted) *out++ = '"';
        out = v.two_digit_day ? fmt::format_to(out, "{:02}", v.day) : fmt::format_to(out, "{}", v.day);
        out = fmt::format_to(out, "-{}-{:04}", mailwire::imap::month_name(v.month), v.year);
        if (v.quoted) *out++ = '"';
        return out;
    }
};

template <>
struct fmt::formatter<mailwire::imap::day_fixed> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::day_fixed& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres != mailwire::presentation::verbose && !check_writable(v)) mailwire::refuse_unsafe_write("invalid day");
        if (v.day >= 10 || v.padding == mailwire::imap::day_padding::zero) return fmt::format_to(ctx.out(), "{:02}", v.day);
        if (v.padding == mailwire::imap::day_padding::space) return fmt::format_to(ctx.out(), " {}", v.day);
        return fmt::format_to(ctx.out(), "{}", v.day);
    }
};

template <>
struct fmt::formatter<mailwire::imap::time_of_day> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::time_of_day& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres != mailwire::presentation::verbose && !check_writable(v)) mailwire::refuse_unsafe_write("invalid time");
        return fmt::format_to(ctx.out(), "{:02}:{:02}:{:02}", v.hour, v.minute, v.second);
    }
};

template <>
struct fmt::formatter<mailwire::imap::zone> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::zone& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres != mailwire::presentation::verbose && !check_writable(v)) mailwire::refuse_unsafe_write("invalid zone");
        return fmt::format_to(ctx.out(), "{}{:02}{:02}", v.negative ? '-' : '+', v.hours, v.minutes);
    }
};

template <>
struct fmt::formatter<mailwire::imap::date_time> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::date_time& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose)
            return fmt::format_to(ctx.out(), "date-time {:04}-{:02}-{:02} {} {}", v.year, v.month, v.day, v.time, v.tz);
        if (!check_writable(v)) mailwire::refuse_unsafe_write("invalid date-time");
        return fmt::format_to(ctx.out(), "\"{}-{}-{:04} {} {}\"", mailwire::imap::day_fixed{v.day, v.padding},
                              mailwire::imap::month_name(v.month), v.year, v.time, v.tz);
    }
};
