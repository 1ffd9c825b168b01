// FETCH response data: msg-att (RFC 9051 §7.5.2 and §9; RFC 3501 §7.4.2; BINARY RFC 3516
// §4.2; MODSEQ RFC 7162 §3.1.4; EMAILID/THREADID RFC 8474 §5; SAVEDATE RFC 8514 §4;
// PREVIEW RFC 8970 §3; X-GM-* Gmail's IMAP extensions).
//
// Lifetime: every field is a view into the parsed message; a 50 MB BODY[] literal is a
// string_value viewing its bytes in place, never copied.
//
// ENVELOPE goes through rules/envelope.hpp (views, no storage); BODY and BODYSTRUCTURE
// through rules/body_structure.hpp into the caller's body_storage (cleared, not freed).
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include <fmt/format.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <mailwire/core/config.hpp>
#include <mailwire/core/chars.hpp>
#include <mailwire/core/error.hpp>
#include <mailwire/core/format.hpp>
#include <mailwire/core/number.hpp>
#include <mailwire/core/options.hpp>
#include <mailwire/core/result.hpp>
#include <mailwire/core/scanner.hpp>
#include <mailwire/imap/response/resp_text_code.hpp>
#include <mailwire/imap/response/value.hpp>
#include <mailwire/imap/rules/body_structure.hpp>
#include <mailwire/imap/rules/datetime.hpp>
#include <mailwire/imap/rules/envelope.hpp>
#include <mailwire/imap/rules/flag.hpp>
#include <mailwire/imap/rules/section.hpp>
#include <mailwire/imap/rules/string.hpp>

namespace mailwire::imap {

/// The FETCH data items this library types; `other` keeps any other item generically.
enum class fetch_item_kind : std::uint8_t {
    flags, uid, internaldate, rfc822_size, rfc822, rfc822_header, rfc822_text,
    envelope, body, bodystructure, body_section, binary, binary_size, modseq,
    emailid, threadid, savedate, preview, x_gm_msgid, x_gm_thrid, x_gm_labels,
    other,
};

namespace detail {
/// Hoisted out of the constexpr function below: a local array is rebuilt on the stack at
/// every call (C++20 allows no static locals there), which cost most of a FETCH parse.
inline constexpr std::string_view fetch_item_names[] = {
    "FLAGS", "UID", "INTERNALDATE", "RFC822.SIZE", "RFC822", "RFC822.HEADER", "RFC822.TEXT",
    "ENVELOPE", "BODY", "BODYSTRUCTURE", "BODY", "BINARY", "BINARY.SIZE", "MODSEQ",
    "EMAILID", "THREADID", "SAVEDATE", "PREVIEW", "X-GM-MSGID", "X-GM-THRID", "X-GM-LABELS",
};
} // namespace detail
/// The item's keyword, as written.
MAILWIRE_LAZY constexpr std::string_view keyword(fetch_item_kind k) noexcept {
    const auto i = static_cast<std::size_t>(k);
    return i < sizeof(detail::fetch_item_names) / sizeof(detail::fetch_item_names[0]) ? detail::fetch_item_names[i] : std::string_view{};
}

/// One msg-att item. Which fields are meaningful depends on `kind` (see each field).
struct msg_att {
    /// User-provided so that value-initialization (emplace_back()) does not zero all of
    /// it before the member initializers run (see body_node).
    constexpr msg_att() noexcept {}

    fetch_item_kind kind = fetch_item_kind::flags;
    /// other: the whole item name as sent (e.g. "X-FOO" or "BODY.PEEK[1]"); else unused.
    std::string_view name;
    /// flags.
    flag_list flags;
    /// uid, rfc822_size, binary_size, modseq, x_gm_msgid, x_gm_thrid.
    std::uint64_t number = 0;
    /// rfc822_size / modseq: the server sent -1 (lenient quirk; number is then 0).
    bool negative = false;
    /// internaldate, savedate.
    date_time date{};
    /// savedate, threadid: NIL was sent.
    bool nil = false;
    /// rfc822, rfc822_header, rfc822_text, body_section, binary, preview: the nstring /
    /// literal8; emailid, threadid: the objectid (form atom).
    string_value string = string_value::nil();
    /// body_section: the section.
    imap::section section{};
    /// binary, binary_size: the section-part.
    section_binary binary_section{};
    /// body_section: "<" number ">" was sent.
    bool has_origin = false;
    std::uint32_t origin = 0;
    /// envelope.
    imap::envelope envelope{};
    /// body, bodystructure: a handle into the response_storage's body_storage.
    body_part body{};
    /// x_gm_labels (a list, or NIL in lenient mode), other: the value.
    value data{};

    friend constexpr bool operator==(const msg_att& a, const msg_att& b) noexcept {
        if (a.kind != b.kind) return false;
        switch (a.kind) {
        case fetch_item_kind::flags: return a.flags == b.flags;
        case fetch_item_kind::uid: case fetch_item_kind::binary_size: case fetch_item_kind::x_gm_msgid:
        case fetch_item_kind::x_gm_thrid:
            return a.number == b.number && (a.kind != fetch_item_kind::binary_size || a.binary_section == b.binary_section);
        case fetch_item_kind::rfc822_size: case fetch_item_kind::modseq: return a.number == b.number && a.negative == b.negative;
        case fetch_item_kind::internaldate: return a.date == b.date;
        case fetch_item_kind::savedate: return a.nil == b.nil && (a.nil || a.date == b.date);
        case fetch_item_kind::threadid: return a.nil == b.nil && (a.nil || a.string == b.string);
        case fetch_item_kind::rfc822: case fetch_item_kind::rfc822_header: case fetch_item_kind::rfc822_text:
        case fetch_item_kind::preview: case fetch_item_kind::emailid:
            return a.string == b.string;
        case fetch_item_kind::body_section:
            return a.section == b.section && a.has_origin == b.has_origin && a.origin == b.origin && a.string == b.string;
        case fetch_item_kind::binary: return a.binary_section == b.binary_section && a.string == b.string;
        case fetch_item_kind::other: return chars::iequals(a.name, b.name) && a.data == b.data;
        case fetch_item_kind::envelope: return a.envelope == b.envelope;
        case fetch_item_kind::body: case fetch_item_kind::bodystructure:
            return a.body.valid() == b.body.valid() && (!a.body.valid() || a.body == b.body);
        default: return a.data == b.data;
        }
    }
};

namespace detail::resp {

inline constexpr chars::char_set fetch_name_char = chars::alpha | chars::digit | chars::char_set(".-_");

/// The kind of a msg-att name that is followed by SP (so never body_section), or other.
/// Length and first letter go first: this runs for every item of every FETCH.
MAILWIRE_LAZY constexpr fetch_item_kind classify_fetch_item(std::string_view name) noexcept {
    constexpr std::size_t known = static_cast<std::size_t>(fetch_item_kind::other);
    static_assert(sizeof(imap::detail::fetch_item_names) / sizeof(imap::detail::fetch_item_names[0]) == known);
    // "BODY" names both body and body_section; the table finds body first, and a name
    // followed by SP is never body_section.
    return static_cast<fetch_item_kind>(chars::find_keyword(imap::detail::fetch_item_names, known, name));
}

/// A name case-folded into two little-endian words: every byte | 0x20, which folds the
/// letters and keeps the other fetch_name_char bytes (digits, ".", "-", "_") distinct, so
/// equal words mean names equal ASCII case-insensitively. Zero past the name's end.
struct folded_name {
    std::uint64_t lo = 0, hi = 0;
    friend constexpr bool operator==(const folded_name&, const folded_name&) = default;
};

MAILWIRE_LAZY constexpr folded_name fold_name(std::string_view k) noexcept {
    folded_name f;
    for (std::size_t i = 0; i < k.size() && i < 16; ++i) {
        const std::uint64_t b = static_cast<unsigned char>(k[i]) | 0x20u;
        if (i < 8) f.lo |= b << (8 * i);
        else f.hi |= b << (8 * (i - 8));
    }
    return f;
}

inline constexpr auto folded_fetch_item_names = [] {
    std::array<folded_name, std::size(imap::detail::fetch_item_names)> t{};
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = fold_name(imap::detail::fetch_item_names[i]);
    return t;
}();

/// For each name length up to 16, the indexes into fetch_item_names of the names of that
/// length (first spelling only: "BODY" is body, never body_section), no_name after the last.
inline constexpr std::uint8_t no_name = 0xFF;
inline constexpr auto fetch_item_names_by_length = [] {
    std::array<std::array<std::uint8_t, 4>, 17> t{};
    for (auto& row : t) row.fill(no_name);
    for (std::size_t i = 0; i < std::size(imap::detail::fetch_item_names); ++i) {
        const auto n = imap::detail::fetch_item_names[i];
        bool seen = false;
        for (std::size_t j = 0; j < i; ++j) seen = seen || imap::detail::fetch_item_names[j] == n;
        if (seen) continue;
        std::size_t k = 0;
        while (t[n.size()][k] != no_name) ++k; // past 4 per length: not a constant expression
        t[n.size()][k] = static_cast<std::uint8_t>(i);
    }
    return t;
}();

/// classify_fetch_item() for a folded name of `size` bytes (below 16): the keywords of
/// that length only, each one comparison of two words.
MAILWIRE_LAZY constexpr fetch_item_kind classify_folded_fetch_item(std::size_t size, folded_name f) noexcept {
    for (const std::uint8_t i : fetch_item_names_by_length[size]) {
        if (i == no_name) break;
        if (f == folded_fetch_item_names[i]) return static_cast<fetch_item_kind>(i);
    }
    return fetch_item_kind::other;
}

/// Reads a msg-att name (1*fetch_name_char, possibly empty) and classifies it as
/// classify_fetch_item() does. With SSE2 on a little-endian machine and 16 bytes left,
/// the name's end is found with range compares on 16 bytes at once and the name is
/// folded in the same register: the byte loop and keyword search it replaces
/// mispredicted at almost every item. Anything else takes the byte loop.
MAILWIRE_LAZY inline std::string_view fetch_item_name(scanner& s, fetch_item_kind& kind) noexcept {
#if defined(__SSE2__)
    if constexpr (std::endian::native == std::endian::little) {
        if (s.remaining() >= 16) {
            const char* p = s.input().data() + s.pos();
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            const __m128i f = _mm_or_si128(v, _mm_set1_epi8(0x20));
            // Signed compares: 8-bit bytes are negative and fall outside both ranges.
            const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(f, _mm_set1_epi8('a' - 1)), _mm_cmpgt_epi8(_mm_set1_epi8('z' + 1), f));
            const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmpgt_epi8(_mm_set1_epi8('9' + 1), v));
            const __m128i punct = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')), _mm_cmpeq_epi8(v, _mm_set1_epi8('-'))),
                                               _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
            const auto valid = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(letter, digit), punct)));
            const auto size = static_cast<std::size_t>(std::countr_zero(~valid)); // 16 when all are
            if (size < 16) {
                const __m128i index = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
                const __m128i keep = _mm_cmpgt_epi8(_mm_set1_epi8(static_cast<char>(size)), index);
                // Stored rather than moved to general registers: _mm_cvtsi128_si64 is
                // x86-64 only, and this must build for 32-bit x86 with SSE2 too.
                std::uint64_t words[2];
                _mm_storeu_si128(reinterpret_cast<__m128i*>(words), _mm_and_si128(f, keep));
                kind = classify_folded_fetch_item(size, folded_name{words[0], words[1]});
                s.advance(size);
                return {p, size};
            }
        }
    }
#endif
    const auto name = s.take_while(fetch_name_char);
    kind = classify_fetch_item(name);
    return name;
}

/// number64 or, in lenient mode, "-1" (as body-fld-lines / body-fld-octets in
/// modern-email/defects#27 and emersion/go-imap#534; accepted here for RFC822.SIZE and MODSEQ).
MAILWIRE_LAZY constexpr result<std::uint64_t> number64_or_minus_one(scanner& s, const parse_options& opts, bool& negative) noexcept {
    negative = false;
    if (s.peek_is('-')) {
        if (opts.strict()) return s.error(errc::strict_violation, "number64 (-1 is a server quirk)");
        s.advance();
        if (!s.consume('1') || chars::digit(s.peek())) return s.error(errc::invalid_syntax, "-1");
        negative = true;
        return std::uint64_t{0};
    }
    return number64(s);
}

/// X-GM-LABELS value: "(" [label *(SP label)] ")" with label = astring / "\" atom.
/// Lenient: NIL for the list, and unquoted "[Label]" (Gmail, jstedfast/MailKit#51). Note
/// that by the ABNF "[Label]" is a valid astring ("[" is ATOM-CHAR, "]" ASTRING-CHAR); strict
/// mode rejects it only because the project brief classes it as a quirk.
MAILWIRE_LAZY constexpr result<value> gm_labels(scanner& s, const parse_options& opts, std::size_t depth) noexcept {
    const std::size_t start = s.pos();
    if (s.peek_is('N') || s.peek_is('n')) {
        if (auto n = rules::nil(s)) {
            if (opts.strict()) return s.error_at(start, errc::strict_violation, "\"(\" label list (NIL is a Gmail quirk)");
            return value{};
        }
    }
    if (!s.peek_is('(')) return s.error(errc::invalid_syntax, "\"(\" label list");
    if (opts.strict()) {
        // Check each label before handing the list to the generic reader.
        s.advance();
        std::size_t count = 0;
        while (!s.peek_is(')')) {
            if (++count > opts.max_list) return s.error(errc::limit_exceeded, "labels within max_list");
            if (count > 1 && !s.consume(' ')) return s.error(errc::invalid_syntax, "SP or \")\"");
            const std::size_t at = s.pos();
            if (s.consume('\\')) {
                if (auto a = rules::atom(s); !a) return a.error();
            } else if (s.peek_is('[')) {
                return s.error(errc::strict_violation, "astring label (unquoted [Label] is a Gmail quirk)");
            } else if (auto v = rules::astring(s, opts, session_syntax{true}); !v) {
                return v.error();
            } else if (v->form == string_form::atom && chars::iequals(v->text, "NIL")) {
                return s.error_at(at, errc::strict_violation, "label (NIL is a Gmail quirk)");
            }
        }
        s.reset(start);
    }
    return rules::generic_value(s, opts, depth);
}

/// msg_att_item() parsed in place into `a`, a slot of the caller's storage: a msg_att is
/// ~500 bytes, and copying it out of a result<> and into a vector cost a fifth of the
/// FETCH parse time.
MAILWIRE_LAZY inline result<void> msg_att_into(scanner& s, imap::msg_att& a, body_storage& bodies, const parse_options& opts,
                                 std::size_t depth, session_syntax syn) noexcept {
    using namespace imap::rules;
    const std::size_t start = s.pos();
    fetch_item_kind known = fetch_item_kind::other;
    const auto name = fetch_item_name(s, known);
    if (name.empty()) return s.error(errc::invalid_syntax, "msg-att");
    using K = fetch_item_kind;
    auto is = [&](std::string_view k) { return chars::iequals(name, k); };
    if (s.peek_is('[') && is("BODY")) {
        a.kind = K::body_section;
        auto sec = rules::section(s, opts, syn);
        if (!sec) return sec.error();
        a.section = *sec;
        if (s.consume('<')) {
            auto n = number(s);
            if (!n) return n.error();
            if (!s.consume('>')) return s.error(errc::invalid_syntax, "\">\"");
            a.has_origin = true;
            a.origin = *n;
        }
        if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
        auto v = nstring(s, opts, syn);
        if (!v) return v.error();
        a.string = *v;
        return {};
    }
    if (s.peek_is('[') && (is("BINARY") || is("BINARY.SIZE"))) {
        a.kind = name.size() == 6 ? K::binary : K::binary_size; // "BINARY" or "BINARY.SIZE"
        auto sec = rules::section_binary(s, opts);
        if (!sec) return sec.error();
        a.binary_section = *sec;
        if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
        if (a.kind == K::binary_size) {
            auto n = number(s);
            if (!n) return n.error();
            a.number = *n;
            return {};
        }
        if (s.peek_is('~')) {
            auto l = literal8(s, opts);
            if (!l) return l.error();
            a.string = string_value::from(*l);
            return {};
        }
        auto v = nstring(s, opts, syn);
        if (!v) return v.error();
        a.string = *v;
        return {};
    }
    if (s.peek_is('[') || s.peek_is('<') || !s.peek_is(' ')) {
        // An unknown item whose name has a section or partial: take the whole token.
        s.reset(start);
        auto tok = generic_value(s, opts, depth);
        if (!tok) return tok.error();
        if (tok->kind != value_kind::atom) return s.error_at(start, errc::invalid_syntax, "msg-att name");
        a.kind = K::other;
        a.name = tok->str.text;
        if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
        auto v = generic_value(s, opts, depth);
        if (!v) return v.error();
        a.data = *v;
        return {};
    }
    s.advance(); // SP
    if (s.peek_is(' ') && opts.strict()) return s.error(errc::strict_violation, "single SP (doubled SP is a server quirk)");
    while (opts.lenient() && s.consume(' ')) {}
    a.kind = known;
    switch (a.kind) {
    case K::flags: {
        auto f = flag_fetch_list(s, opts);
        if (!f) return f.error();
        a.flags = *f;
        return {};
    }
    case K::uid: {
        auto n = nz_number(s);
        if (!n) return n.error();
        a.number = *n;
        return {};
    }
    case K::internaldate: {
        auto d = rules::date_time(s, opts);
        if (!d) return d.error();
        a.date = *d;
        return {};
    }
    case K::savedate: {
        if (auto n = nil(s)) { a.nil = true; return {}; }
        auto d = rules::date_time(s, opts);
        if (!d) return d.error();
        a.date = *d;
        return {};
    }
    case K::rfc822_size: {
        auto n = imap::detail::resp::number64_or_minus_one(s, opts, a.negative);
        if (!n) return n.error();
        a.number = *n;
        return {};
    }
    case K::modseq: {
        if (!s.consume('(')) return s.error(errc::invalid_syntax, "\"(\" permsg-modsequence");
        auto n = imap::detail::resp::number64_or_minus_one(s, opts, a.negative);
        if (!n) return n.error();
        if (!a.negative && *n == 0) return s.error(errc::number_out_of_range, "permsg-modsequence (non-zero)");
        a.number = *n;
        if (!s.consume(')')) return s.error(errc::invalid_syntax, "\")\"");
        return {};
    }
    case K::x_gm_msgid: case K::x_gm_thrid: {
        auto n = number64(s);
        if (!n) return n.error();
        a.number = *n;
        return {};
    }
    case K::rfc822: case K::rfc822_header: case K::rfc822_text: case K::preview: {
        auto v = nstring(s, opts, syn);
        if (!v) return v.error();
        a.string = *v;
        return {};
    }
    case K::emailid: case K::threadid: {
        if (a.kind == K::threadid)
            if (auto n = nil(s)) { a.nil = true; return {}; }
        if (!s.consume('(')) return s.error(errc::invalid_syntax, "\"(\" objectid");
        auto o = imap::detail::resp::objectid(s);
        if (!o) return o.error();
        a.string = string_value{string_form::atom, *o, false, false};
        if (!s.consume(')')) return s.error(errc::invalid_syntax, "\")\"");
        return {};
    }
    case K::x_gm_labels: {
        auto v = imap::detail::resp::gm_labels(s, opts, depth);
        if (!v) return v.error();
        a.data = *v;
        return {};
    }
    case K::envelope: {
        return imap::detail::envelope_into(s, a.envelope, opts, syn);
    }
    case K::body: case K::bodystructure: {
        auto b = body(s, bodies, opts, syn, depth);
        if (!b) return b.error();
        a.body = *b;
        return {};
    }
    default: {
        a.name = name;
        auto v = generic_value(s, opts, depth);
        if (!v) return v.error();
        a.data = *v;
        return {};
    }
    }
}

} // namespace detail::resp

namespace rules {

/// msg-att-dynamic / msg-att-static (one item)                         (RFC 9051 §9)
///   msg-att-dynamic = "FLAGS" SP "(" [flag-fetch *(SP flag-fetch)] ")"
///   msg-att-static  = "ENVELOPE" SP envelope / "INTERNALDATE" SP date-time /
///                     "RFC822.SIZE" SP number64 / "BODY" ["STRUCTURE"] SP body /
///                     "BODY" section ["<" number ">"] SP nstring /
///                     "BINARY" section-binary SP (nstring / literal8) /
///                     "BINARY.SIZE" section-binary SP number / "UID" SP uniqueid
///   RFC 3501 adds RFC822 / RFC822.HEADER / RFC822.TEXT SP nstring; RFC 7162 §7
///   "MODSEQ" SP "(" permsg-modsequence ")"; RFC 8474 §7 "EMAILID" SP "(" objectid ")" /
///   "THREADID" SP ("(" objectid ")" / nil); RFC 8514 §4 "SAVEDATE" SP (date-time / nil);
///   RFC 8970 §3 "PREVIEW" SP nstring; Gmail X-GM-MSGID / X-GM-THRID SP number64,
///   X-GM-LABELS SP "(" labels ")". Anything else: name SP value (kept generically).
/// `depth`: parentheses open around the item (1 inside msg-att).
/// BODY / BODYSTRUCTURE values go into `bodies`.
MAILWIRE_LAZY inline result<imap::msg_att> msg_att_item(scanner& s, body_storage& bodies, const parse_options& opts = {},
                                          std::size_t depth = 1, session_syntax syn = {}) noexcept {
    imap::msg_att a;
    if (auto r = imap::detail::resp::msg_att_into(s, a, bodies, opts, depth, syn); !r) return r.error();
    return a;
}

} // namespace rules

namespace detail::resp {

template <class OutIt>
OutIt write_msg_att(OutIt out, const msg_att& a) {
    using K = fetch_item_kind;
    if (a.kind == K::other) {
        out = write_chars(out, a.name);
        *out++ = ' ';
        return write_value(out, a.data);
    }
    out = write_chars(out, keyword(a.kind));
    switch (a.kind) {
    case K::body_section:
        out = fmt::format_to(out, "{}", a.section);
        if (a.has_origin) out = fmt::format_to(out, "<{}>", a.origin);
        *out++ = ' ';
        return write_response_string(out, a.string);
    case K::binary:
        out = fmt::format_to(out, "{} ", a.binary_section);
        return write_response_string(out, a.string);
    case K::binary_size: return fmt::format_to(out, "{} {}", a.binary_section, a.number);
    default: break;
    }
    *out++ = ' ';
    switch (a.kind) {
    case K::flags: return fmt::format_to(out, "{}", a.flags);
    case K::uid: case K::x_gm_msgid: case K::x_gm_thrid: return fmt::format_to(out, "{}", a.number);
    case K::rfc822_size:
        if (a.negative) return write_chars(out, "-1");
        return fmt::format_to(out, "{}", a.number);
    case K::modseq:
        if (a.negative) return write_chars(out, "(-1)");
        return fmt::format_to(out, "({})", a.number);
    case K::internaldate: return fmt::format_to(out, "{}", a.date);
    case K::savedate:
        if (a.nil) return write_chars(out, "NIL");
        return fmt::format_to(out, "{}", a.date);
    case K::threadid: case K::emailid:
        if (a.nil) return write_chars(out, "NIL");
        *out++ = '(';
        out = write_chars(out, a.string.text);
        *out++ = ')';
        return out;
    case K::rfc822: case K::rfc822_header: case K::rfc822_text: case K::preview:
        return write_response_string(out, a.string);
    case K::x_gm_labels:
        if (a.data.is_nil()) return write_chars(out, "NIL");
        return write_value(out, a.data);
    case K::envelope: return fmt::format_to(out, "{}", a.envelope);
    case K::body: case K::bodystructure: return fmt::format_to(out, "{}", a.body);
    default: return write_value(out, a.data);
    }
}

/// An nstring value: any string or NIL, but no literal8.
MAILWIRE_LAZY constexpr result<void> check_nstring(const string_value& v) noexcept {
    if (v.form == string_form::atom) return unsafe("nstring: quoted, literal or NIL");
    if (v.form == string_form::literal8) return unsafe("nstring: no literal8 here");
    return check_writable(v);
}

} // namespace detail::resp

/// Refuses an item that would not re-parse as itself.
MAILWIRE_LAZY constexpr result<void> check_writable(const msg_att& a) noexcept {
    using K = fetch_item_kind;
    switch (a.kind) {
    case K::flags: return check_writable(a.flags);
    case K::uid:
        if (a.number == 0 || a.number > UINT32_MAX) return unsafe("UID: nz-number");
        return {};
    case K::binary_size:
        if (a.number > UINT32_MAX) return unsafe("BINARY.SIZE: number");
        return {};
    case K::rfc822_size: case K::modseq: case K::x_gm_msgid: case K::x_gm_thrid:
        if (a.negative) return unsafe("-1 is a server quirk, never written");
        if (a.number > static_cast<std::uint64_t>(INT64_MAX)) return unsafe("number64");
        if (a.kind == K::modseq && a.number == 0) return unsafe("MODSEQ: non-zero");
        return {};
    case K::internaldate: return check_writable(a.date);
    case K::savedate: return a.nil ? result<void>{} : check_writable(a.date);
    case K::emailid: case K::threadid:
        if (a.nil && a.kind == K::threadid) return {};
        if (a.string.text.empty() || a.string.text.size() > 255 || !detail::resp::objectid_char.all_of(a.string.text))
            return unsafe("objectid");
        return {};
    case K::rfc822: case K::rfc822_header: case K::rfc822_text: case K::preview:
        return detail::resp::check_nstring(a.string);
    case K::body_section:
        if (auto ok = check_writable(a.section); !ok) return ok;
        return detail::resp::check_nstring(a.string);
    case K::binary:
        if (a.string.form == string_form::atom) return unsafe("BINARY: nstring or literal8");
        return check_writable(a.string);
    case K::envelope: return check_writable(a.envelope);
    case K::body: case K::bodystructure:
        if (!a.body.valid()) return unsafe("BODY/BODYSTRUCTURE: a valid body handle");
        return check_writable(a.body);
    case K::x_gm_labels:
        if (!a.data.is_list() && !a.data.is_nil()) return unsafe("X-GM-LABELS: a list");
        return check_writable(a.data);
    case K::other: {
        auto r = value_list::parse(a.name);
        const auto k = (r && !a.name.empty()) ? (*r->begin()).kind : value_kind::nil;
        // "NIL" tokenizes as nil but is an atom by the grammar, and the parser takes it as
        // a name like any other (found by fuzz_imap_response: `* 4 FETCH (NIL INL)`).
        if (a.name.empty() || !r || r->size() != 1 ||
            (k != value_kind::atom && k != value_kind::number && k != value_kind::nil))
            return unsafe("FETCH item name: one token");
        return check_writable(a.data);
    }
    }
    return unsafe("FETCH item kind");
}

} // namespace mailwire::imap

template <>
struct fmt::formatter<mailwire::imap::msg_att> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::msg_att& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose) {
            std::string tmp;
            mailwire::imap::detail::resp::write_msg_att(std::back_inserter(tmp), v);
            return mailwire::imap::detail::write_display(ctx.out(), std::string_view(tmp));
        }
        if (!check_writable(v)) mailwire::refuse_unsafe_write("FETCH item that cannot be written");
        return mailwire::imap::detail::resp::write_msg_att(ctx.out(), v);
    }
};
