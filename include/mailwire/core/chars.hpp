// Character classes of the ABNF core rules (RFC 5234 appendix B.1) and of the IMAP
// (RFC 9051 §9) and POP3 (RFC 2449 §9) grammars, as constexpr 256-entry tables so that
// a membership test is one load, whatever the byte.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mailwire::chars {

/// A set of bytes. Built at compile time; tested against all 256 byte values.
class char_set {
public:
    constexpr char_set() noexcept = default;

    /// The set of the bytes listed in `members`.
    constexpr explicit char_set(std::string_view members) noexcept {
        for (char c : members) bits_[static_cast<unsigned char>(c)] = true;
    }

    /// The set of the bytes in [first, last].
    static constexpr char_set range(unsigned char first, unsigned char last) noexcept {
        char_set s;
        for (unsigned v = first; v <= last; ++v) s.bits_[v] = true;
        return s;
    }

    constexpr bool contains(unsigned char c) const noexcept { return bits_[c]; }
    constexpr bool operator()(char c) const noexcept { return bits_[static_cast<unsigned char>(c)]; }
    constexpr bool operator()(unsigned char c) const noexcept { return bits_[c]; }

    constexpr char_set operator|(const char_set& o) const noexcept {
        char_set s;
        for (std::size_t i = 0; i < 256; ++i) s.bits_[i] = bits_[i] || o.bits_[i];
        return s;
    }
    /// Set difference: the bytes of *this that are not in `o`.
    constexpr char_set operator-(const char_set& o) const noexcept {
        char_set s;
        for (std::size_t i = 0; i < 256; ++i) s.bits_[i] = bits_[i] && !o.bits_[i];
        return s;
    }
    constexpr char_set operator~() const noexcept {
        char_set s;
        for (std::size_t i = 0; i < 256; ++i) s.bits_[i] = !bits_[i];
        return s;
    }

    /// Index of the first byte of `s` not in the set, or s.size().
    constexpr std::size_t span(std::string_view s) const noexcept {
        std::size_t i = 0;
        while (i < s.size() && bits_[static_cast<unsigned char>(s[i])]) ++i;
        return i;
    }
    /// True when every byte of `s` is in the set (true for an empty `s`).
    constexpr bool all_of(std::string_view s) const noexcept { return span(s) == s.size(); }

    constexpr std::size_t count() const noexcept {
        std::size_t n = 0;
        for (bool b : bits_) n += b ? 1u : 0u;
        return n;
    }

private:
    std::array<bool, 256> bits_{};
};

// ---- ABNF core rules, RFC 5234 appendix B.1 ------------------------------------------

/// ALPHA = %x41-5A / %x61-7A
inline constexpr char_set alpha = char_set::range(0x41, 0x5A) | char_set::range(0x61, 0x7A);
/// DIGIT = %x30-39
inline constexpr char_set digit = char_set::range(0x30, 0x39);
/// HEXDIG = DIGIT / "A" / "B" / "C" / "D" / "E" / "F"  (case-insensitive, as ABNF strings are)
inline constexpr char_set hexdig = digit | char_set("ABCDEFabcdef");
/// CHAR = %x01-7F
inline constexpr char_set char7 = char_set::range(0x01, 0x7F);
/// CTL = %x00-1F / %x7F
inline constexpr char_set ctl = char_set::range(0x00, 0x1F) | char_set::range(0x7F, 0x7F);
/// VCHAR = %x21-7E
inline constexpr char_set vchar = char_set::range(0x21, 0x7E);
/// WSP = SP / HTAB
inline constexpr char_set wsp = char_set(" \t");
/// SP = %x20
inline constexpr char_set sp = char_set(" ");
/// CR / LF
inline constexpr char_set crlf = char_set("\r\n");
/// Bytes with the high bit set (UTF-8 sequences, 8-bit text).
inline constexpr char_set high = char_set::range(0x80, 0xFF);

// ---- base64, RFC 4648 §4 (used by SASL in both protocols) ----------------------------

/// base64-char = ALPHA / DIGIT / "+" / "/"   (RFC 9051 §9, RFC 5034 §4)
inline constexpr char_set base64_char = alpha | digit | char_set("+/");

// ---- IMAP, RFC 9051 §9 ---------------------------------------------------------------

/// list-wildcards = "%" / "*"
inline constexpr char_set list_wildcards = char_set("%*");
/// quoted-specials = DQUOTE / "\"
inline constexpr char_set quoted_specials = char_set("\"\\");
/// resp-specials = "]"
inline constexpr char_set resp_specials = char_set("]");
/// atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials / resp-specials
inline constexpr char_set atom_specials =
    char_set("(){ ") | ctl | list_wildcards | quoted_specials | resp_specials;
/// ATOM-CHAR = <any CHAR except atom-specials>
inline constexpr char_set atom_char = char7 - atom_specials;
/// ASTRING-CHAR = ATOM-CHAR / resp-specials
inline constexpr char_set astring_char = atom_char | resp_specials;
/// tag = 1*<any ASTRING-CHAR except "+">
inline constexpr char_set tag_char = astring_char - char_set("+");
/// list-char = ATOM-CHAR / list-wildcards / resp-specials
inline constexpr char_set list_char = atom_char | list_wildcards | resp_specials;
/// TEXT-CHAR = <any CHAR except CR and LF>
inline constexpr char_set text_char = char7 - crlf;
/// QUOTED-CHAR = <any TEXT-CHAR except quoted-specials> / "\" quoted-specials
/// (this table is the unescaped part; RFC 9051 adds UTF8-2/3/4 under UTF8=ACCEPT)
inline constexpr char_set quoted_char = text_char - quoted_specials;

// ---- POP3, RFC 2449 §9 ---------------------------------------------------------------

/// VCHAR per RFC 2449 §9's grammar: the printable characters, used for keywords, params
/// and unique-ids (uid chars are 0x21-0x7E, RFC 1939 §7).
inline constexpr char_set pop3_vchar = vchar;
/// schar = %x21-5A / %x5C-7F  ; printable, excluding "["   (RFC 2449 §9: the first
/// character of text that is not a resp-code)
inline constexpr char_set pop3_schar = char_set::range(0x21, 0x5A) | char_set::range(0x5C, 0x7F);
/// rchar = %x21-2E / %x30-5C / %x5E-7F  ; printable, excluding "/" and "]"
/// (RFC 2449 §9: resp-level = 1*rchar)
inline constexpr char_set pop3_rchar =
    char_set::range(0x21, 0x2E) | char_set::range(0x30, 0x5C) | char_set::range(0x5E, 0x7F);

// ---- helpers -------------------------------------------------------------------------

constexpr char to_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
constexpr char to_upper(char c) noexcept {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}
/// ASCII case-insensitive equality, the comparison ABNF quoted strings use.
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    // Equal bytes first: peers mostly send keywords in the case they are compared with.
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i] != b[i] && to_lower(a[i]) != to_lower(b[i])) return false;
    return true;
}
/// The index in `table` of the keyword equal to `name` ASCII case-insensitively, or
/// `count` when none is. `table` holds upper-case keywords; length and first byte are
/// compared before the bytes, since this runs for every keyword of every message.
constexpr std::size_t find_keyword(const std::string_view* table, std::size_t count, std::string_view name) noexcept {
    if (name.empty()) return count;
    const char first = to_upper(name.front());
    for (std::size_t i = 0; i < count; ++i)
        if (table[i].size() == name.size() && table[i].front() == first && iequals(table[i], name)) return i;
    return count;
}
/// True when `s` begins with `prefix`, ASCII case-insensitively.
constexpr bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
    return s.size() >= prefix.size() && iequals(std::string_view(s.data(), prefix.size()), prefix);
}

} // namespace mailwire::chars
