// Numbers, with overflow rejected rather than wrapped.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>

#include <mailwire/core/chars.hpp>
#include <mailwire/core/result.hpp>
#include <mailwire/core/scanner.hpp>

namespace mailwire {

namespace detail {
// 1*DIGIT into an unsigned value no larger than `max`; leading zeros allowed.
constexpr result<std::uint64_t> digits(scanner& s, std::uint64_t max, std::string_view expected) noexcept {
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
