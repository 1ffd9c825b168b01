// base64 (RFC 4648 §4) as SASL uses it in both protocols: POP3 AUTH (RFC 5034 §4) and
// IMAP AUTHENTICATE (RFC 9051 §6.2.2). Validation is strict: the alphabet only, the length
// a multiple of 4, "=" only as the final padding of one or two characters. RFC 5034 §4:
// "servers and clients MUST reject (and not ignore) any character not explicitly allowed
// by the Base64 alphabet, and MUST reject any sequence of Base64 characters that contains
// the pad character ('=') anywhere other than the end of the string".
//
// The empty string is valid base64 (it encodes zero octets, RFC 4648 §10); the protocols
// decide whether an empty value may appear where they use base64 (POP3 writes an empty
// initial response as "=", an empty continuation as an empty line).
//
// Non-zero pad bits ("QR==" instead of "QQ==") are accepted, as RFC 4648 §3.5 permits:
// the text is validated and kept as sent, so it round-trips byte for byte either way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <mailwire/core/chars.hpp>
#include <mailwire/core/error.hpp>
#include <mailwire/core/result.hpp>

namespace mailwire {

namespace detail {
inline constexpr std::string_view base64_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The 6-bit value of a base64-char; precondition: chars::base64_char(c).
constexpr std::uint32_t base64_value(char c) noexcept {
    if (c >= 'A' && c <= 'Z') return static_cast<std::uint32_t>(c - 'A');
    if (c >= 'a' && c <= 'z') return static_cast<std::uint32_t>(c - 'a' + 26);
    if (c >= '0' && c <= '9') return static_cast<std::uint32_t>(c - '0' + 52);
    return c == '+' ? 62u : 63u;
}
} // namespace detail

/// base64          = base64-terminal / ( 1*(4base64-CHAR) [base64-terminal] )
/// base64-char     = ALPHA / DIGIT / "+" / "/"   ;; Case-sensitive
/// base64-terminal = (2base64-char "==") / (3base64-char "=")          (RFC 5034 §5)
/// extended by RFC 4648 §4 to the empty string.
///
/// Succeeds, or fails with errc::invalid_syntax at the offset (within `text`) of the first
/// byte that cannot be there: a byte outside the alphabet; a "=" in the first two places
/// of a quantum ("=AAA", "A==="); anything but "=" after a "=" in a quantum's third place
/// ("AA=A"); anything at all after the padding ("AAA=BBB", "AA==AA=="); or text.size()
/// when the text stops inside a quantum ("AAAAA", "AA=").
constexpr result<void> validate_base64(std::string_view text) noexcept {
    const std::size_t n = text.size();
    for (std::size_t i = 0; i < n; ++i) {
        const char c = text[i];
        if (chars::base64_char(c)) continue;
        if (c != '=') return fail(errc::invalid_syntax, i, "base64-char");
        // Padding: a final quantum holds 2 or 3 data characters, then "==" or "=", and
        // nothing may follow it.
        const std::size_t q = i % 4;
        if (q < 2) return fail(errc::invalid_syntax, i, "base64-char");
        if (q == 2) {
            if (i + 1 >= n || text[i + 1] != '=') return fail(errc::invalid_syntax, i + 1, "\"=\"");
            if (i + 2 != n) return fail(errc::invalid_syntax, i + 2, "end of base64 after padding");
        } else if (i + 1 != n) {
            return fail(errc::invalid_syntax, i + 1, "end of base64 after padding");
        }
        return {};
    }
    if (n % 4 != 0) return fail(errc::invalid_syntax, n, "base64 quantum of 4 characters");
    return {};
}

/// True when `text` is valid base64 per validate_base64().
constexpr bool is_base64(std::string_view text) noexcept { return validate_base64(text).has_value(); }

/// The number of octets `text` decodes to; precondition: is_base64(text).
constexpr std::size_t base64_decoded_size(std::string_view text) noexcept {
    std::size_t pad = 0;
    if (!text.empty() && text.back() == '=') ++pad;
    if (text.size() >= 2 && text[text.size() - 2] == '=') ++pad;
    return text.size() / 4 * 3 - pad;
}

/// Validates `text` and appends the octets it encodes to `out` (any container of char with
/// push_back: std::string, std::vector<char>, fmt::memory_buffer). On failure nothing is
/// appended and the error is validate_base64()'s.
template <class Out>
constexpr result<void> decode_base64_to(std::string_view text, Out& out) {
    if (auto ok = validate_base64(text); !ok) return ok;
    for (std::size_t i = 0; i < text.size(); i += 4) {
        std::uint32_t quantum = 0;
        std::size_t chars_in = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            const char c = text[i + j];
            quantum <<= 6;
            if (c != '=') {
                quantum |= detail::base64_value(c);
                ++chars_in;
            }
        }
        // 4 chars -> 3 octets, 3 -> 2, 2 -> 1.
        out.push_back(static_cast<char>((quantum >> 16) & 0xFF));
        if (chars_in >= 3) out.push_back(static_cast<char>((quantum >> 8) & 0xFF));
        if (chars_in == 4) out.push_back(static_cast<char>(quantum & 0xFF));
    }
    return {};
}

/// Appends the base64 encoding (RFC 4648 §4, with padding) of `octets` to `out`; for the
/// writing side of SASL exchanges and for tests.
template <class Out>
constexpr void encode_base64_to(std::string_view octets, Out& out) {
    std::size_t i = 0;
    auto octet = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(octets[k])); };
    for (; i + 3 <= octets.size(); i += 3) {
        const std::uint32_t q = (octet(i) << 16) | (octet(i + 1) << 8) | octet(i + 2);
        out.push_back(detail::base64_alphabet[(q >> 18) & 63]);
        out.push_back(detail::base64_alphabet[(q >> 12) & 63]);
        out.push_back(detail::base64_alphabet[(q >> 6) & 63]);
        out.push_back(detail::base64_alphabet[q & 63]);
    }
    const std::size_t left = octets.size() - i;
    if (left == 0) return;
    const std::uint32_t q = (octet(i) << 16) | (left == 2 ? (octet(i + 1) << 8) : 0u);
    out.push_back(detail::base64_alphabet[(q >> 18) & 63]);
    out.push_back(detail::base64_alphabet[(q >> 12) & 63]);
    out.push_back(left == 2 ? detail::base64_alphabet[(q >> 6) & 63] : '=');
    out.push_back('=');
}

} // namespace mailwire
