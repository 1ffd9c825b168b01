// Modified UTF-7, the IMAP4rev1 convention for international mailbox names
// (RFC 3501 §5.1.3, kept for compatibility in RFC 9051 appendix A.1), and the strict
// UTF-8 (RFC 3629 §4) it converts to and from.
//
// Both directions validate, so that a name has exactly one encoding and
// encode(decode(x)) == x for every x that decodes:
//   - printable US-ASCII 0x20-0x7E other than "&" represents itself; "&" is "&-";
//   - anything else is modified BASE64 (RFC 3501 §5.1.3: "," instead of "/") of UTF-16,
//     between "&" and "-";
//   - a BASE64 run must not encode a printable US-ASCII character, must hold whole
//     UTF-16 code units with zero padding bits, must pair its surrogates, and must not
//     follow another run directly ("&U,BTFw-&ZeVnLIqe-" is a superfluous shift);
//   - U+0000 is refused in both directions: no mailbox name can hold NUL.
// Outputs are any container with push_back(char) (std::string, std::vector<char>,
// fmt::memory_buffer). On error the output holds what was converted before the error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <mailwire/core/config.hpp>
#include <mailwire/core/error.hpp>
#include <mailwire/core/result.hpp>

namespace mailwire::imap {

namespace utf8 {

/// One code point decoded from UTF-8; `len` is 0 when the bytes are not UTF-8.
struct code_point {
    char32_t cp = 0;
    std::size_t len = 0;
};

/// Decodes the sequence starting at s[i], per RFC 3629 §4:
///   UTF8-1 = %x00-7F
///   UTF8-2 = %xC2-DF UTF8-tail
///   UTF8-3 = %xE0 %xA0-BF UTF8-tail / %xE1-EC 2( UTF8-tail ) /
///            %xED %x80-9F UTF8-tail / %xEE-EF 2( UTF8-tail )
///   UTF8-4 = %xF0 %x90-BF 2( UTF8-tail ) / %xF1-F3 3( UTF8-tail ) /
///            %xF4 %x80-8F 2( UTF8-tail )
/// so overlong forms, surrogates and values above U+10FFFF are refused.
MAILWIRE_LAZY constexpr code_point next(std::string_view s, std::size_t i) noexcept {
    if (i >= s.size()) return {};
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) return {b0, 1};
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
    char32_t cp = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) { len = 2; cp = b0 & 0x1Fu; }
    else if (b0 == 0xE0) { len = 3; lo = 0xA0; cp = 0; }
    else if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) { len = 3; cp = b0 & 0x0Fu; }
    else if (b0 == 0xED) { len = 3; hi = 0x9F; cp = 0x0D; }
    else if (b0 == 0xF0) { len = 4; lo = 0x90; cp = 0; }
    else if (b0 >= 0xF1 && b0 <= 0xF3) { len = 4; cp = b0 & 0x07u; }
    else if (b0 == 0xF4) { len = 4; hi = 0x8F; cp = 4; }
    else return {};
    if (s.size() - i < len) return {};
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        const unsigned char min = k == 1 ? lo : static_cast<unsigned char>(0x80);
        const unsigned char max = k == 1 ? hi : static_cast<unsigned char>(0xBF);
        if (b < min || b > max) return {};
        cp = (cp << 6) | (b & 0x3Fu);
    }
    return {cp, len};
}

/// Length of the longest prefix of `s` that is valid UTF-8.
MAILWIRE_LAZY constexpr std::size_t valid_prefix(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto d = next(s, i);
        if (d.len == 0) break;
        i += d.len;
    }
    return i;
}

MAILWIRE_LAZY constexpr bool valid(std::string_view s) noexcept { return valid_prefix(s) == s.size(); }

/// Appends the UTF-8 encoding of a scalar value (precondition: not a surrogate, <= U+10FFFF).
template <class Out>
constexpr void append(char32_t cp, Out& out) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0u | (cp >> 6)));
        out.push_back(static_cast<char>(0x80u | (cp & 0x3Fu)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0u | (cp >> 12)));
        out.push_back(static_cast<char>(0x80u | ((cp >> 6) & 0x3Fu)));
        out.push_back(static_cast<char>(0x80u | (cp & 0x3Fu)));
    } else {
        out.push_back(static_cast<char>(0xF0u | (cp >> 18)));
        out.push_back(static_cast<char>(0x80u | ((cp >> 12) & 0x3Fu)));
        out.push_back(static_cast<char>(0x80u | ((cp >> 6) & 0x3Fu)));
        out.push_back(static_cast<char>(0x80u | (cp & 0x3Fu)));
    }
}

} // namespace utf8

namespace detail {

/// The modified BASE64 alphabet: RFC 4648 base64 with "," in place of "/".
inline constexpr std::string_view mutf7_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

/// The 6-bit value of a modified BASE64 character, or -1.
MAILWIRE_LAZY constexpr int mutf7_b64_value(char c) noexcept {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == ',') return 63;
    return -1;
}

/// Printable US-ASCII, the characters that must represent themselves (RFC 3501 §5.1.3).
MAILWIRE_LAZY constexpr bool mutf7_direct(char32_t c) noexcept { return c >= 0x20 && c <= 0x7E; }

/// A sink that only counts, for validation without output.
struct count_sink {
    std::size_t n = 0;
    constexpr void push_back(char) noexcept { ++n; }
};

} // namespace detail

/// Decodes modified UTF-7 from the characters [first, last) (any forward iterator over
/// char, so an escaped quoted string can be decoded without a copy) into UTF-8.
/// Errors are invalid_syntax with the offset counted in characters from `first`.
template <class It, class Out>
constexpr result<void> mutf7_decode_range(It first, It last, Out& out) {
    std::size_t i = 0;         // offset of *first
    bool after_run = false;    // the previous character closed a BASE64 run
    while (first != last) {
        const char c = *first;
        if (c != '&') {
            if (!detail::mutf7_direct(static_cast<unsigned char>(c)))
                return fail(errc::invalid_syntax, i, "printable US-ASCII or \"&\" (modified UTF-7)");
            out.push_back(c);
            ++first; ++i;
            after_run = false;
            continue;
        }
        const std::size_t amp = i;
        ++first; ++i;
        if (first == last) return fail(errc::invalid_syntax, i, "modified BASE64 or \"-\"");
        if (*first == '-') { // "&-" is "&"
            out.push_back('&');
            ++first; ++i;
            after_run = false;
            continue;
        }
        if (after_run) return fail(errc::invalid_syntax, amp, "no superfluous shift (\"-&\")");
        std::uint32_t bits = 0;
        unsigned nbits = 0;
        char32_t high = 0; // a pending high surrogate
        while (first != last && *first != '-') {
            const int v = detail::mutf7_b64_value(*first);
            if (v < 0) return fail(errc::invalid_syntax, i, "modified BASE64 or \"-\"");
            bits = ((bits << 6) | static_cast<std::uint32_t>(v)) & 0x3FFFFFu;
            nbits += 6;
            if (nbits >= 16) {
                nbits -= 16;
                const auto unit = static_cast<char32_t>((bits >> nbits) & 0xFFFFu);
                bits &= (1u << nbits) - 1u;
                if (high != 0) {
                    if (unit < 0xDC00 || unit > 0xDFFF)
                        return fail(errc::invalid_syntax, i, "low surrogate (modified UTF-7)");
                    utf8::append(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00), out);
                    high = 0;
                } else if (unit >= 0xD800 && unit <= 0xDBFF) {
                    high = unit;
                } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
                    return fail(errc::invalid_syntax, i, "no unpaired low surrogate (modified UTF-7)");
                } else if (detail::mutf7_direct(unit)) {
                    return fail(errc::invalid_syntax, i, "printable US-ASCII not encoded in BASE64 (modified UTF-7)");
                } else if (unit == 0) {
                    return fail(errc::invalid_syntax, i, "no U+0000 in a mailbox name");
                } else {
                    utf8::append(unit, out);
                }
            }
            ++first; ++i;
        }
        if (first == last) return fail(errc::invalid_syntax, i, "\"-\" ending modified BASE64");
        if (high != 0) return fail(errc::invalid_syntax, i, "low surrogate (modified UTF-7)");
        // Whole UTF-16 units leave 0, 2 or 4 padding bits, all zero.
        if (nbits >= 6 || bits != 0) return fail(errc::invalid_syntax, i, "zero-padded UTF-16 (modified UTF-7)");
        ++first; ++i;
        after_run = true;
    }
    return {};
}

/// mUTF-7 -> UTF-8, validating as described at the top of this header.
template <class Out>
constexpr result<void> mutf7_decode_to(std::string_view in, Out& out) {
    return mutf7_decode_range(in.begin(), in.end(), out);
}

/// True when `in` is valid modified UTF-7.
MAILWIRE_LAZY constexpr bool mutf7_valid(std::string_view in) noexcept {
    detail::count_sink sink;
    return mutf7_decode_to(in, sink).has_value();
}

/// UTF-8 -> mUTF-7, with one BASE64 run per stretch of non-printable characters (so no
/// superfluous shifts). Invalid UTF-8 and U+0000 are invalid_syntax at their byte offset.
template <class Out>
constexpr result<void> mutf7_encode_to(std::string_view utf8_in, Out& out) {
    std::uint32_t bits = 0;
    unsigned nbits = 0;
    bool in_run = false;
    auto emit_bits = [&](std::uint32_t unit) {
        bits = ((bits << 16) | unit) & 0x3FFFFFu;
        nbits += 16;
        while (nbits >= 6) {
            nbits -= 6;
            out.push_back(detail::mutf7_alphabet[(bits >> nbits) & 0x3Fu]);
        }
        bits &= (1u << nbits) - 1u;
    };
    auto close_run = [&] {
        if (nbits > 0) out.push_back(detail::mutf7_alphabet[(bits << (6 - nbits)) & 0x3Fu]);
        out.push_back('-');
        bits = 0;
        nbits = 0;
        in_run = false;
    };
    std::size_t i = 0;
    while (i < utf8_in.size()) {
        const auto d = utf8::next(utf8_in, i);
        if (d.len == 0) return fail(errc::invalid_syntax, i, "UTF-8");
        if (d.cp == 0) return fail(errc::invalid_syntax, i, "no U+0000 in a mailbox name");
        if (detail::mutf7_direct(d.cp)) {
            if (in_run) close_run();
            out.push_back(static_cast<char>(d.cp));
            if (d.cp == '&') out.push_back('-');
        } else {
            if (!in_run) { out.push_back('&'); in_run = true; }
            if (d.cp >= 0x10000) {
                const char32_t v = d.cp - 0x10000;
                emit_bits(static_cast<std::uint32_t>(0xD800 + (v >> 10)));
                emit_bits(static_cast<std::uint32_t>(0xDC00 + (v & 0x3FF)));
            } else {
                emit_bits(static_cast<std::uint32_t>(d.cp));
            }
        }
        i += d.len;
    }
    if (in_run) close_run();
    return {};
}

/// True when a UTF-8 name needs no encoding: printable US-ASCII without "&".
MAILWIRE_LAZY constexpr bool mutf7_is_plain(std::string_view s) noexcept {
    for (char c : s)
        if (c == '&' || !detail::mutf7_direct(static_cast<unsigned char>(c))) return false;
    return true;
}

} // namespace mailwire::imap
