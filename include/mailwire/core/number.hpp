// Numbers, with overflow rejected rather than wrapped.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <utility>

#include <mailwire/core/chars.hpp>
#include <mailwire/core/result.hpp>
#include <mailwire/core/scanner.hpp>

namespace mailwire {

namespace detail {
// Digits eight bytes at a time (SWAR), branch-free: the lengths of the numbers in FETCH
// data and POP3 listings vary from line to line, and a byte loop mispredicts its exit on
// almost every one. Little-endian loads; callers keep a byte-wise path for other targets.

/// The 8 bytes at `p` as one word (p[0] in the low byte on little-endian machines).
MAILWIRE_ALWAYS_INLINE std::uint64_t load8(const char* p) noexcept {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
}
/// The number of ASCII digits (0-8) that begin the 8 bytes of `bytes`.
MAILWIRE_ALWAYS_INLINE unsigned digit_run8(std::uint64_t bytes) noexcept {
    const std::uint64_t d = bytes ^ 0x3030303030303030ull; // '0'..'9' become 0..9
    // A byte's top bit is set when it is >= 10 (d + 0x76 >= 0x80) or >= 0x80. A carry out
    // of a byte only ever comes from a byte already marked, so the lowest mark is exact.
    const std::uint64_t marks = ((d + 0x7676767676767676ull) | d) & 0x8080808080808080ull;
    return marks == 0 ? 8u : static_cast<unsigned>(std::countr_zero(marks)) / 8u;
}
/// The value of the first `n` (1-8) bytes of `bytes`, all digits.
MAILWIRE_ALWAYS_INLINE std::uint64_t digits_value8(std::uint64_t bytes, unsigned n) noexcept {
    std::uint64_t v = (bytes ^ 0x3030303030303030ull) << (8 * (8 - n)); // the digits in the top bytes
    v = ((v & 0x0F0F0F0F0F0F0F0Full) * 2561) >> 8;              // pairs:  10 * a + b
    v = ((v & 0x00FF00FF00FF00FFull) * 6553601) >> 16;         // fours: 100 * ab + cd
    return ((v & 0x0000FFFF0000FFFFull) * 42949672960001) >> 32; // 10000 * abcd + efgh
}
/// The number of ASCII digits (0-8) that begin the 8 bytes at `p`, and in `value` what
/// they spell (0 when none).
MAILWIRE_ALWAYS_INLINE unsigned leading_digits8(const char* p, std::uint64_t& value) noexcept {
    const std::uint64_t w = load8(p);
    const unsigned n = digit_run8(w);
    value = n == 0 ? 0 : digits_value8(w, n);
    return n;
}

/// digits() one byte at a time: near the end of the input, for nine digits or more, and
/// at compile time. Out of line, so that digits() inlines small.
MAILWIRE_NOINLINE constexpr result<std::uint64_t> digits_loop(scanner& s, std::uint64_t max, std::string_view expected) noexcept {
    const std::size_t start = s.pos();
    if (s.at_end() || !chars::digit(s.peek())) return s.error(errc::invalid_syntax, expected);
    std::uint64_t v = 0;
    bool overflow = false;
    while (!s.at_end() && chars::digit(s.peek())) {
        const auto d = static_cast<std::uint64_t>(s.peek() - '0');
        if (v > (max - d) / 10) overflow = true;
        else v = v * 10 + d;
        s.advance();
    }
    if (overflow) return s.error_at(start, errc::number_out_of_range, expected);
    return v;
}

// 1*DIGIT into an unsigned value no larger than `max`; leading zeros allowed.
MAILWIRE_ALWAYS_INLINE constexpr result<std::uint64_t> digits(scanner& s, std::uint64_t max, std::string_view expected) noexcept {
    if constexpr (std::endian::native == std::endian::little) {
        if (!std::is_constant_evaluated() && s.remaining() >= 8) {
            std::uint64_t v = 0;
            const unsigned n = leading_digits8(s.input().data() + s.pos(), v);
            if (n == 0) return s.error(errc::invalid_syntax, expected);
            if (n < 8) { // else nine digits or more: the loop
                if (v > max) return s.error(errc::number_out_of_range, expected);
                s.advance(n);
                return v;
            }
        }
    }
    return digits_loop(s, max, expected);
}
} // namespace detail

/// number = 1*DIGIT   ; unsigned 32-bit integer (0 <= n < 4,294,967,296)   (RFC 9051 §9)
constexpr result<std::uint32_t> number(scanner& s) noexcept {
    auto r = detail::digits(s, UINT32_MAX, "number");
    if (!r) return r.error();
    return static_cast<std::uint32_t>(*r);
}

/// nz-number = digit-nz *DIGIT  ; non-zero unsigned 32-bit integer (0 < n < 4,294,967,296)
/// digit-nz  = %x31-39                                                        (RFC 9051 §9)
/// Zero is number_out_of_range; a leading zero before other digits is invalid_syntax.
constexpr result<std::uint32_t> nz_number(scanner& s) noexcept {
    if (s.peek_is('0'))
        return s.error(chars::digit(s.peek(1)) ? errc::invalid_syntax : errc::number_out_of_range, "nz-number");
    auto r = detail::digits(s, UINT32_MAX, "nz-number");
    if (!r) return r.error();
    return static_cast<std::uint32_t>(*r);
}

/// number64 = 1*DIGIT  ; unsigned 63-bit integer (0 <= n <= 9,223,372,036,854,775,807)
///                                                                            (RFC 9051 §9)
constexpr result<std::uint64_t> number64(scanner& s) noexcept {
    return detail::digits(s, INT64_MAX, "number64");
}

/// Parse a whole string as the given rule: the entire input must match.
template <class Rule>
constexpr auto parse_whole(std::string_view text, Rule rule) noexcept -> decltype(rule(std::declval<scanner&>())) {
    scanner s(text);
    auto r = rule(s);
    if (!r) return r.error();
    if (!s.at_end()) return s.error(errc::invalid_syntax, "end of number");
    return r;
}

constexpr result<std::uint32_t> parse_number(std::string_view text) noexcept { return parse_whole(text, [](scanner& s) { return number(s); }); }
constexpr result<std::uint32_t> parse_nz_number(std::string_view text) noexcept { return parse_whole(text, [](scanner& s) { return nz_number(s); }); }
constexpr result<std::uint64_t> parse_number64(std::string_view text) noexcept { return parse_whole(text, [](scanner& s) { return number64(s); }); }

} // namespace mailwire
