// IMAP strings (RFC 9051 §4.1-§4.3 and §9; RFC 3501 §9 differences noted per rule):
// tag, atom, quoted, literal, literal8, string, astring, nstring, and the writer that
// picks the cheapest form (atom, then quoted, then literal) for a given content.
//
// Lifetime: every value here is a view into the bytes the scanner was given (or the
// content given to from_content()) and lives as long as they do. `str()` returns an
// owning, decoded std::string.
//
// 8-bit bytes in quoted strings. RFC 3501 allows none. RFC 9051 §9 adds UTF8-2/3/4 to
// QUOTED-CHAR and §4.3.1 says IMAP4rev2 implementations MUST accept UTF-8 there; RFC 6855
// §3 allows it after ENABLE UTF8=ACCEPT and says invalid UTF-8 MUST be rejected. Whether
// a session is in that state is not a matter of strictness, so it is a separate switch,
// session_syntax::utf8 (default false, the IMAP4rev1 grammar):
//   - strict, utf8 off: any byte 0x80-0xFF in a quoted string is strict_violation;
//   - strict, utf8 on:  well-formed UTF-8 (RFC 3629 §4) only, else strict_violation;
//   - lenient:          any byte 0x80-0xFF (quirk: Proton Mail Bridge 3.6.1 sends raw
//                       8-bit header bytes in ENVELOPE quoted strings,
//                       github.com/modern-email/defects/issues/38).
// Literals carry 8-bit bytes in every mode; NUL only in literal8.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include <mailwire/core/config.hpp>
#include <mailwire/core/chars.hpp>
#include <mailwire/core/error.hpp>
#include <mailwire/core/format.hpp>
#include <mailwire/core/lazy_list.hpp>
#include <mailwire/core/number.hpp>
#include <mailwire/core/options.hpp>
#include <mailwire/core/result.hpp>
#include <mailwire/core/scanner.hpp>
#include <mailwire/imap/rules/mutf7.hpp>

namespace mailwire::imap {

/// Grammar switches that follow from what the session ENABLEd, not from strictness.
struct session_syntax {
    /// UTF-8 in quoted strings and UTF-8 mailbox names: true in an IMAP4rev2 session
    /// (RFC 9051 §4.3.1) or after ENABLE UTF8=ACCEPT (RFC 6855 §3).
    bool utf8 = false;
};

/// Parses the whole of `text` with `rule` (a callable taking scanner&): trailing bytes
/// are invalid_syntax at their offset.
template <class Rule>
constexpr auto parse_all(std::string_view text, Rule&& rule) -> decltype(rule(std::declval<scanner&>())) {
    scanner s(text);
    auto r = rule(s);
    if (!r) return r.error();
    if (!s.at_end()) return s.error(errc::invalid_syntax, "end of input");
    return r;
}

// ---- lazily unescaped characters -------------------------------------------------------

/// The characters of a quoted string's content, unescaped on the fly: a forward range
/// over `raw` that yields the byte after each "\" when `escaped` is set.
class unescaped_view {
public:
    class iterator {
    public:
        using value_type = char;
        using difference_type = std::ptrdiff_t;
        using reference = char;
        using pointer = void;
        using iterator_category = std::forward_iterator_tag;

        constexpr iterator() noexcept = default;
        constexpr iterator(const char* p, const char* end, bool escaped) noexcept : p_(p), end_(end), escaped_(escaped) {}
        constexpr char operator*() const noexcept { return step() == 2 ? p_[1] : *p_; }
        constexpr iterator& operator++() noexcept { p_ += step(); return *this; }
        constexpr iterator operator++(int) noexcept { iterator t = *this; ++*this; return t; }
        friend constexpr bool operator==(const iterator& a, const iterator& b) noexcept { return a.p_ == b.p_; }

    private:
        constexpr std::size_t step() const noexcept { return (escaped_ && *p_ == '\\' && end_ - p_ >= 2) ? 2 : 1; }
        const char* p_ = nullptr;
        const char* end_ = nullptr;
        bool escaped_ = false;
    };

    constexpr unescaped_view(std::string_view raw, bool escaped) noexcept : raw_(raw), escaped_(escaped) {}
    constexpr iterator begin() const noexcept { return {raw_.data(), raw_.data() + raw_.size(), escaped_}; }
    constexpr iterator end() const noexcept { return {raw_.data() + raw_.size(), raw_.data() + raw_.size(), escaped_}; }
    /// Number of decoded characters.
    constexpr std::size_t size() const noexcept {
        return mailwire::detail::count_elements(*this);
    }

private:
    std::string_view raw_;
    bool escaped_;
};

namespace detail {

MAILWIRE_LAZY constexpr bool equal_chars(unescaped_view a, unescaped_view b) noexcept {
    return mailwire::detail::elementwise_equal(a, b);
}
MAILWIRE_LAZY constexpr bool iequal_chars(unescaped_view a, std::string_view b) noexcept {
    auto i = a.begin();
    std::size_t k = 0;
    for (; i != a.end() && k < b.size(); ++i, ++k)
        if (chars::to_lower(*i) != chars::to_lower(b[k])) return false;
    return i == a.end() && k == b.size();
}
/// Copies decoded characters to a buffer; limit_exceeded when it is too small.
MAILWIRE_LAZY inline result<std::string_view> decode_into(unescaped_view v, std::string_view raw, bool escaped, std::span<char> buf) noexcept {
    if (!escaped) return raw;
    std::size_t n = 0;
    for (char c : v) {
        if (n == buf.size()) return fail(errc::limit_exceeded, n, "buffer for the decoded string");
        buf[n++] = c;
    }
    return std::string_view(buf.data(), n);
}

/// Readable rendering for {:v}: printable ASCII as is, the rest as C escapes.
template <class OutIt>
OutIt write_display(OutIt out, unescaped_view v) {
    static constexpr char hex[] = "0123456789abcdef";
    *out++ = '"';
    for (char ch : v) {
        const auto b = static_cast<unsigned char>(ch);
        if (ch == '"' || ch == '\\') { *out++ = '\\'; *out++ = ch; }
        else if (ch == '\r') { *out++ = '\\'; *out++ = 'r'; }
        else if (ch == '\n') { *out++ = '\\'; *out++ = 'n'; }
        else if (b >= 0x20 && b < 0x7F) *out++ = ch;
        else { *out++ = '\\'; *out++ = 'x'; *out++ = hex[b >> 4]; *out++ = hex[b & 0xF]; }
    }
    *out++ = '"';
    return out;
}
template <class OutIt>
OutIt write_display(OutIt out, std::string_view s) { return write_display(out, unescaped_view(s, false)); }

/// Writes quoted content, escaping quoted-specials unless `raw` already holds escapes.
template <class OutIt>
OutIt write_quoted(OutIt out, std::string_view raw, bool escaped) {
    *out++ = '"';
    for (char c : raw) {
        if (!escaped && chars::quoted_specials(c)) *out++ = '\\';
        *out++ = c;
    }
    *out++ = '"';
    return out;
}

/// check_writable for quoted text: never CR, LF or NUL; escapes well formed.
MAILWIRE_LAZY constexpr result<void> check_quoted(std::string_view raw, bool escaped) noexcept {
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        if (c == '\r' || c == '\n' || c == '\0') return unsafe("quoted string without CR, LF or NUL", i);
        if (!escaped) continue;
        if (c == '"') return unsafe("escaped DQUOTE inside an escaped quoted string", i);
        if (c == '\\') {
            if (i + 1 >= raw.size() || !chars::quoted_specials(raw[i + 1]))
                return unsafe("\"\\\" followed by a quoted-special", i);
            ++i;
        }
    }
    return {};
}

} // namespace detail

// ---- tag, atom -------------------------------------------------------------------------

/// A command tag, e.g. "A001". Tags compare exactly (the client chooses them).
struct tag {
    std::string_view text;
    friend constexpr bool operator==(const tag&, const tag&) = default;
};

/// An atom, e.g. a keyword or an extension's argument. Compared exactly; rules that treat
/// an atom case-insensitively (keywords, flags) compare with chars::iequals.
struct atom {
    std::string_view text;
    friend constexpr bool operator==(const atom&, const atom&) = default;
};

MAILWIRE_LAZY constexpr result<void> check_writable(const tag& t) noexcept {
    if (t.text.empty()) return unsafe("tag: at least one character");
    const std::size_t bad = chars::tag_char.span(t.text);
    if (bad != t.text.size()) return unsafe("tag: ASTRING-CHAR other than \"+\"", bad);
    return {};
}
MAILWIRE_LAZY constexpr result<void> check_writable(const atom& a) noexcept {
    if (a.text.empty()) return unsafe("atom: at least one character");
    const std::size_t bad = chars::atom_char.span(a.text);
    if (bad != a.text.size()) return unsafe("atom: ATOM-CHAR", bad);
    return {};
}

// ---- quoted ----------------------------------------------------------------------------

/// A quoted string, kept as the bytes between the DQUOTEs.
struct quoted {
    /// Between the DQUOTEs. If `escaped`, as sent ("\" escapes included); otherwise the
    /// content itself (the writer escapes any quoted-specials it holds).
    std::string_view raw;
    bool escaped = false;

    constexpr unescaped_view chars() const noexcept { return {raw, escaped}; }
    constexpr std::size_t decoded_size() const noexcept { return escaped ? chars().size() : raw.size(); }
    /// Appends the decoded content to anything with push_back(char).
    template <class Out>
    constexpr void decode_to(Out& out) const {
        for (char c : chars()) out.push_back(c);
    }
    /// The decoded content: `raw` itself when there are no escapes (no copy), else
    /// unescaped into `buffer` (limit_exceeded when it is too small).
    result<std::string_view> decoded(std::span<char> buffer) const noexcept {
        return detail::decode_into(chars(), raw, escaped, buffer);
    }
    std::string str() const {
        std::string s;
        s.reserve(raw.size());
        decode_to(s);
        return s;
    }
    /// Equal when the decoded contents are.
    friend constexpr bool operator==(const quoted& a, const quoted& b) noexcept {
        return detail::equal_chars(a.chars(), b.chars());
    }
};

MAILWIRE_LAZY constexpr result<void> check_writable(const quoted& q) noexcept { return detail::check_quoted(q.raw, q.escaped); }

// ---- literal ---------------------------------------------------------------------------

/// "{" n ["+"] "}" or "~{" n ["+"] "}": what precedes a literal's CRLF.
struct literal_header {
    std::uint64_t size = 0;
    bool non_sync = false; ///< "{n+}" (RFC 7888 LITERAL+/LITERAL-, RFC 9051 §4.3)
    bool binary = false;   ///< "~{n}", literal8 (RFC 3516, RFC 4466)
    friend constexpr bool operator==(const literal_header&, const literal_header&) = default;
};

MAILWIRE_LAZY constexpr result<void> check_writable(const literal_header&) noexcept { return {}; }

/// A literal: a view of its payload (already in the caller's buffer; the framer put it
/// there), plus how its header was written.
struct literal {
    std::string_view data;
    bool non_sync = false; ///< "{n+}"
    bool binary = false;   ///< literal8 "~{n}": may hold NUL
    friend constexpr bool operator==(const literal&, const literal&) = default;
};

MAILWIRE_LAZY constexpr result<void> check_writable(const literal& l) noexcept {
    if (!l.binary)
        for (std::size_t i = 0; i < l.data.size(); ++i)
            if (l.data[i] == '\0') return unsafe("literal without NUL (NUL needs literal8)", i);
    return {};
}

// ---- string_value: string / astring / nstring ------------------------------------------

/// The form a string came in (or will be written in).
enum class string_form : std::uint8_t { atom, quoted, literal, literal8, nil };

MAILWIRE_LAZY constexpr std::string_view to_string(string_form f) noexcept {
    switch (f) {
    case string_form::atom: return "atom";
    case string_form::quoted: return "quoted";
    case string_form::literal: return "literal";
    case string_form::literal8: return "literal8";
    case string_form::nil: return "NIL";
    }
    return "?";
}

/// Which rule a value is written for: it decides whether the atom form or NIL exist.
enum class string_rule : std::uint8_t {
    astring, ///< astring = 1*ASTRING-CHAR / string
    string,  ///< string  = quoted / literal
    nstring, ///< nstring = string / nil   (content is never NIL: NIL is string_value::nil())
};

/// What the peer accepts, for choose_form().
struct string_context {
    string_rule rule = string_rule::astring;
    bool utf8 = false;         ///< UTF-8 may be quoted (IMAP4rev2 or UTF8=ACCEPT)
    bool literal_plus = false; ///< literals are written non-synchronizing, "{n+}"
    bool literal8 = false;     ///< "~{n}" may be used for content holding NUL (BINARY)
};

/// The cheapest valid form for `content`: atom (astring only), then quoted (TEXT-CHARs,
/// plus UTF-8 when ctx.utf8), then literal, then literal8 (only for NUL, only when
/// ctx.literal8). NUL without literal8 is unsafe_value at its offset.
MAILWIRE_LAZY constexpr result<string_form> choose_form(std::string_view content, const string_context& ctx = {}) noexcept {
    if (ctx.rule == string_rule::astring && !content.empty() && chars::astring_char.all_of(content))
        return string_form::atom;
    bool quotable = true;
    for (std::size_t i = 0; i < content.size();) {
        const char c = content[i];
        if (c == '\0') {
            if (ctx.literal8) return string_form::literal8;
            return unsafe("NUL needs literal8 (BINARY)", i);
        }
        if (c == '\r' || c == '\n') { quotable = false; ++i; continue; }
        if (static_cast<unsigned char>(c) >= 0x80) {
            const auto d = utf8::next(content, i);
            if (!ctx.utf8 || d.len == 0) { quotable = false; ++i; continue; }
            i += d.len;
            continue;
        }
        ++i;
    }
    return quotable ? string_form::quoted : string_form::literal;
}

/// A string, astring or nstring: its form, and its bytes as sent.
struct string_value {
    string_form form = string_form::quoted;
    /// atom: the atom. quoted: between the DQUOTEs (see `escaped`). literal, literal8:
    /// the payload. nil: empty.
    std::string_view text;
    /// quoted only: `text` holds "\" escapes as sent. When false `text` is the content
    /// and the writer escapes any quoted-specials.
    bool escaped = false;
    /// literal only: written "{n+}".
    bool non_sync = false;

    static constexpr string_value nil() noexcept { return {string_form::nil, {}, false, false}; }
    /// Makes this NIL in place: cheaper than `x = nil()`, whose temporary clang copies
    /// through a store it has just made (a store-forwarding stall on the hot path).
    constexpr void set_nil() noexcept {
        form = string_form::nil;
        text = {};
        escaped = false;
        non_sync = false;
    }
    static constexpr string_value from(const imap::atom& a) noexcept { return {string_form::atom, a.text, false, false}; }
    static constexpr string_value from(const imap::quoted& q) noexcept { return {string_form::quoted, q.raw, q.escaped, false}; }
    static constexpr string_value from(const imap::literal& l) noexcept {
        return {l.binary ? string_form::literal8 : string_form::literal, l.data, false, l.non_sync};
    }
    /// A value to write `content` in the cheapest form `ctx` allows (see choose_form).
    /// The value borrows `content`.
    static constexpr result<string_value> from_content(std::string_view content, const string_context& ctx = {}) noexcept {
        auto f = choose_form(content, ctx);
        if (!f) return f.error();
        return string_value{*f, content, false, (*f == string_form::literal || *f == string_form::literal8) && ctx.literal_plus};
    }

    constexpr bool is_nil() const noexcept { return form == string_form::nil; }
    constexpr unescaped_view chars() const noexcept { return {text, escaped && form == string_form::quoted}; }
    constexpr std::size_t decoded_size() const noexcept { return chars().size(); }
    template <class Out>
    constexpr void decode_to(Out& out) const {
        for (char c : chars()) out.push_back(c);
    }
    /// The decoded content; `text` itself (no copy) unless it holds escapes.
    result<std::string_view> decoded(std::span<char> buffer) const noexcept {
        return detail::decode_into(chars(), text, escaped && form == string_form::quoted, buffer);
    }
    std::string str() const {
        std::string s;
        s.reserve(text.size());
        decode_to(s);
        return s;
    }
    /// Decoded content equals `content` (NIL equals nothing).
    /// Without escapes the raw text is the content: compared directly (sizes first), as
    /// the media types of every body part are.
    constexpr bool equals(std::string_view content) const noexcept {
        if (is_nil()) return false;
        if (!(escaped && form == string_form::quoted)) return text == content;
        return detail::equal_chars(chars(), unescaped_view(content, false));
    }
    /// Decoded content equals `content`, ASCII case-insensitively (NIL equals nothing).
    constexpr bool iequals(std::string_view content) const noexcept {
        if (is_nil()) return false;
        if (!(escaped && form == string_form::quoted)) return chars::iequals(text, content);
        return detail::iequal_chars(chars(), content);
    }
    /// Equal by decoded content, whatever the forms; NIL equals only NIL.
    friend constexpr bool operator==(const string_value& a, const string_value& b) noexcept {
        if (a.is_nil() || b.is_nil()) return a.is_nil() && b.is_nil();
        return detail::equal_chars(a.chars(), b.chars());
    }
};

/// Refuses what cannot be written as its form: an atom with a non-ASTRING-CHAR, CR/LF/NUL
/// or broken escapes in a quoted string, NUL in a (non-8) literal.
MAILWIRE_LAZY constexpr result<void> check_writable(const string_value& v) noexcept {
    switch (v.form) {
    case string_form::atom: {
        if (v.text.empty()) return unsafe("atom: at least one character");
        const std::size_t bad = chars::astring_char.span(v.text);
        if (bad != v.text.size()) return unsafe("atom: ASTRING-CHAR", bad);
        return {};
    }
    case string_form::quoted: return detail::check_quoted(v.text, v.escaped);
    case string_form::literal: return check_writable(literal{v.text, v.non_sync, false});
    case string_form::literal8: return {};
    case string_form::nil:
        if (!v.text.empty()) return unsafe("NIL has no text");
        return {};
    }
    return unsafe("string form");
}

namespace detail {
template <class OutIt>
OutIt write_literal(OutIt out, std::string_view data, bool non_sync, bool binary) {
    if (binary) *out++ = '~';
    out = fmt::format_to(out, "{{{}{}}}\r\n", data.size(), non_sync ? "+" : "");
    for (char c : data) *out++ = c;
    return out;
}
template <class OutIt>
OutIt write_string_value(OutIt out, const string_value& v) {
    switch (v.form) {
    case string_form::atom:
        for (char c : v.text) *out++ = c;
        return out;
    case string_form::quoted: return write_quoted(out, v.text, v.escaped);
    case string_form::literal: return write_literal(out, v.text, v.non_sync, false);
    case string_form::literal8: return write_literal(out, v.text, v.non_sync, true);
    case string_form::nil: return fmt::format_to(out, "NIL");
    }
    return out;
}
/// A string in a response: a literal is written synchronizing whatever `non_sync` says,
/// since a server never sends "{n+}" (RFC 7888 §3) and a client's framer refuses it.
/// Equal to the value by content, as string_value compares.
template <class OutIt>
OutIt write_response_string(OutIt out, const string_value& v) {
    if (v.form == string_form::literal || v.form == string_form::literal8)
        return write_literal(out, v.text, false, v.form == string_form::literal8);
    return write_string_value(out, v);
}
} // namespace detail

namespace detail {
/// CRLF and the payload of a literal whose header is `h`.
MAILWIRE_LAZY constexpr result<literal> literal_body(scanner& s, const literal_header& h, const parse_options& opts) noexcept {
    // Lenient: a bare LF after "{n}", as the framer accepts it (line-rewriting proxies).
    if (!s.consume("\r\n")) {
        if (!s.peek_is('\n')) return s.error(errc::invalid_syntax, "CRLF after literal header");
        if (opts.strict()) return s.error(errc::strict_violation, "CRLF after literal header (bare LF is a quirk)");
        s.advance();
    }
    if (s.remaining() < h.size) {
        s.advance(s.remaining());
        // A parser takes a complete message: one that ends inside a literal is malformed
        // (need_more is the framers' "feed me", docs/ARCHITECTURE.md).
        return s.error(errc::invalid_syntax, "literal payload (the message ends inside it)");
    }
    const std::size_t start = s.pos();
    s.advance(static_cast<std::size_t>(h.size));
    const auto data = s.since(start);
    // find() is memchr at run time: a 50 MB BODY[] costs one fast pass, not a byte loop,
    // and none when the framer saw the message's bytes free of NUL as it copied them.
    if (!h.binary && !opts.known_nul_free)
        if (const auto nul = data.find('\0'); nul != std::string_view::npos)
            return s.error_at(start + nul, errc::invalid_syntax, "CHAR8 (NUL needs literal8)");
    return literal{data, h.non_sync, h.binary};
}

/// Between the items of a SP-separated run that ends at `close` (")" or, for 0, the line
/// end): true when another item follows. Lenient mode accepts doubled SP and SP before the
/// end (Exchange, Yahoo, iCloud, DavMail, Domino; SurgeMail in flag lists); strict mode
/// rejects them.
MAILWIRE_LAZY constexpr result<bool> more_items(scanner& s, const parse_options& opts, char close) noexcept {
    auto at_close = [&] { return close ? s.peek_is(close) : (s.at_end() || s.peek_is('\r') || s.peek_is('\n')); };
    if (at_close()) return false;
    const std::size_t sp_at = s.pos();
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, close ? "SP or \")\"" : "SP or CRLF");
    std::size_t n = 1;
    while (s.peek_is(' ')) { s.advance(); ++n; }
    if (at_close()) {
        if (opts.strict()) return s.error_at(sp_at, errc::strict_violation, "no SP before the end (trailing SP is a server quirk)");
        return false;
    }
    if (n > 1 && opts.strict()) return s.error_at(sp_at + 1, errc::strict_violation, "single SP (doubled SP is a server quirk)");
    return true;
}

/// Right after a list's "(": SP there is the same stray-SP quirk (lenient skips it);
/// strict mode reports `expected` at the SP.
MAILWIRE_LAZY constexpr result<void> skip_sp_after_open(scanner& s, const parse_options& opts, std::string_view expected) noexcept {
    if (!s.peek_is(' ')) return {};
    if (opts.strict()) return s.error(errc::strict_violation, expected);
    while (s.consume(' ')) {}
    return {};
}

} // namespace detail

// ---- the rules -------------------------------------------------------------------------

namespace rules {

using mailwire::number;
using mailwire::number64;
using mailwire::nz_number;

/// tag = 1*<any ASTRING-CHAR except "+">                  (RFC 9051 §9; same in RFC 3501)
MAILWIRE_LAZY constexpr result<imap::tag> tag(scanner& s) noexcept {
    const auto t = s.take_while(chars::tag_char);
    if (t.empty()) return s.error(errc::invalid_syntax, "tag");
    return imap::tag{t};
}

/// atom = 1*ATOM-CHAR
/// ATOM-CHAR = <any CHAR except atom-specials>               (RFC 9051 §9; same in RFC 3501)
MAILWIRE_LAZY constexpr result<imap::atom> atom(scanner& s) noexcept {
    const auto t = s.take_while(chars::atom_char);
    if (t.empty()) return s.error(errc::invalid_syntax, "atom");
    return imap::atom{t};
}

/// quoted      = DQUOTE *QUOTED-CHAR DQUOTE
/// QUOTED-CHAR = <any TEXT-CHAR except quoted-specials> / "\" quoted-specials /
///               UTF8-2 / UTF8-3 / UTF8-4                     (RFC 9051 §9)
/// RFC 3501 has no UTF8-2/3/4; RFC 6855 §3 adds them as uQUOTED-CHAR. 8-bit bytes follow
/// `syn.utf8` and the mode, as described at the top of this header.
MAILWIRE_LAZY constexpr result<imap::quoted> quoted(scanner& s, const parse_options& opts = {}, session_syntax syn = {}) noexcept {
    if (!s.consume('"')) return s.error(errc::invalid_syntax, "quoted");
    const std::size_t start = s.pos();
    bool escaped = false;
    for (;;) {
        if (s.at_end()) return s.error(errc::invalid_syntax, "DQUOTE ending quoted");
        const char c = s.peek();
        if (c == '"') break;
        if (c == '\\') {
            if (!chars::quoted_specials(s.peek(1)) || s.remaining() < 2) {
                s.advance();
                return s.error(errc::invalid_syntax, "quoted-specials after \"\\\"");
            }
            escaped = true;
            s.advance(2);
            continue;
        }
        const auto b = static_cast<unsigned char>(c);
        if (b >= 0x80) {
            if (opts.lenient()) { s.advance(); continue; }
            if (!syn.utf8) return s.error(errc::strict_violation, "QUOTED-CHAR (8-bit needs UTF8=ACCEPT or IMAP4rev2)");
            const auto d = utf8::next(s.input(), s.pos());
            if (d.len == 0) return s.error(errc::strict_violation, "UTF-8 in quoted");
            s.advance(d.len);
            continue;
        }
        if (!chars::quoted_char(c)) return s.error(errc::invalid_syntax, "QUOTED-CHAR");
        s.advance();
    }
    const auto raw = s.since(start);
    s.advance(); // closing DQUOTE
    return imap::quoted{raw, escaped};
}

/// The header of a literal, through its "}":
///   literal  = "{" number64 ["+"] "}" CRLF *CHAR8              (RFC 9051 §9)
///   literal8 = "~{" number64 ["+"] "}" CRLF *OCTET             (RFC 4466 §2.4 allows "+")
/// RFC 3501 has "{" number "}" only; "+" comes from RFC 7888. A size above
/// opts.max_literal is limit_exceeded "max_literal" at the "{" (the "~" of literal8), as
/// imap::framer reports it: every literal a parser reads comes through here, so the parsers
/// hold max_literal with no framer in front, and say what the framer would.
MAILWIRE_LAZY constexpr result<literal_header> literal_header(scanner& s, const parse_options& opts = {}) noexcept {
    imap::literal_header h;
    const std::size_t start = s.pos();
    if (s.consume('~')) h.binary = true;
    if (!s.consume('{')) return s.error(errc::invalid_syntax, h.binary ? "\"{\" after \"~\"" : "literal");
    auto n = number64(s);
    if (!n) return n.error();
    if (*n > opts.max_literal) return s.error_at(start, errc::limit_exceeded, "max_literal");
    h.size = *n;
    if (s.peek_is('+')) {
        // What the framer says of a server's "{n+}" (opts.non_sync_literals is false then).
        if (!opts.non_sync_literals) return s.error(errc::invalid_syntax, "\"}\" (a server never sends a non-synchronizing literal)");
        s.advance();
        h.non_sync = true;
    }
    if (!s.consume('}')) return s.error(errc::invalid_syntax, "\"}\"");
    return h;
}

/// literal = "{" number64 ["+"] "}" CRLF *CHAR8                      (RFC 9051 §9)
/// The payload is already framed in the buffer: given "{5}\r\nhello" this returns a view
/// of "hello". A shorter buffer is invalid_syntax at its end. The RFC 9051 §4.3 4096-octet
/// ceiling of non-synchronizing literals without LITERAL+ is a session matter, not checked.
MAILWIRE_LAZY constexpr result<imap::literal> literal(scanner& s, const parse_options& opts = {}) noexcept {
    if (!s.peek_is('{')) return s.error(errc::invalid_syntax, "literal");
    auto h = literal_header(s, opts);
    if (!h) return h.error();
    return imap::detail::literal_body(s, *h, opts);
}

/// literal8 = "~{" number64 ["+"] "}" CRLF *OCTET          (RFC 9051 §9, RFC 4466 §2.4)
MAILWIRE_LAZY constexpr result<imap::literal> literal8(scanner& s, const parse_options& opts = {}) noexcept {
    if (!s.peek_is('~')) return s.error(errc::invalid_syntax, "literal8");
    auto h = literal_header(s, opts);
    if (!h) return h.error();
    return imap::detail::literal_body(s, *h, opts);
}

/// string = quoted / literal                                          (RFC 9051 §9)
MAILWIRE_LAZY constexpr result<string_value> string(scanner& s, const parse_options& opts = {}, session_syntax syn = {}) noexcept {
    if (s.peek_is('"')) {
        auto q = quoted(s, opts, syn);
        if (!q) return q.error();
        return string_value::from(*q);
    }
    if (s.peek_is('{')) {
        auto l = literal(s, opts);
        if (!l) return l.error();
        return string_value::from(*l);
    }
    return s.error(errc::invalid_syntax, "string");
}

/// astring      = 1*ASTRING-CHAR / string
/// ASTRING-CHAR = ATOM-CHAR / resp-specials                (RFC 9051 §9; same in RFC 3501)
MAILWIRE_LAZY constexpr result<string_value> astring(scanner& s, const parse_options& opts = {}, session_syntax syn = {}) noexcept {
    if (s.peek_is('"') || s.peek_is('{')) return string(s, opts, syn);
    const auto t = s.take_while(chars::astring_char);
    if (t.empty()) return s.error(errc::invalid_syntax, "astring");
    return string_value{string_form::atom, t, false, false};
}

/// nil = "NIL"                                  (RFC 9051 §9; case-insensitive, note 1)
/// Not followed by an ATOM-CHAR, so "NILS" is not NIL then "S".
MAILWIRE_LAZY constexpr result<string_value> nil(scanner& s) noexcept {
    const std::size_t start = s.pos();
    if (s.consume_ci("NIL") && !chars::atom_char(s.peek())) return string_value::nil();
    s.reset(start);
    return s.error(errc::invalid_syntax, "nil");
}

/// nstring = string / nil                                             (RFC 9051 §9)
MAILWIRE_LAZY constexpr result<string_value> nstring(scanner& s, const parse_options& opts = {}, session_syntax syn = {}) noexcept {
    if (s.peek_is('"') || s.peek_is('{')) return string(s, opts, syn);
    if (auto n = nil(s)) return n;
    return s.error(errc::invalid_syntax, "nstring");
}

} // namespace rules

} // namespace mailwire::imap

// ---- formatters: "{}" wire bytes, "{:v}" readable -------------------------------------

template <>
struct fmt::formatter<mailwire::imap::tag> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::tag& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose)
            return mailwire::imap::detail::write_display(fmt::format_to(ctx.out(), "tag "), v.text);
        if (!check_writable(v)) mailwire::refuse_unsafe_write("tag: not 1*tag-char");
        return fmt::format_to(ctx.out(), "{}", v.text);
    }
};

template <>
struct fmt::formatter<mailwire::imap::atom> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::atom& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose)
            return mailwire::imap::detail::write_display(fmt::format_to(ctx.out(), "atom "), v.text);
        if (!check_writable(v)) mailwire::refuse_unsafe_write("atom: not 1*ATOM-CHAR");
        return fmt::format_to(ctx.out(), "{}", v.text);
    }
};

template <>
struct fmt::formatter<mailwire::imap::quoted> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::quoted& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose)
            return mailwire::imap::detail::write_display(fmt::format_to(ctx.out(), "quoted "), v.chars());
        if (!check_writable(v)) mailwire::refuse_unsafe_write("quoted string holding CR, LF, NUL or a broken escape");
        return mailwire::imap::detail::write_quoted(ctx.out(), v.raw, v.escaped);
    }
};

template <>
struct fmt::formatter<mailwire::imap::literal> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::literal& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose) {
            auto out = fmt::format_to(ctx.out(), "{}{{{}{}}} ", v.binary ? "literal8 ~" : "literal ", v.data.size(), v.non_sync ? "+" : "");
            return mailwire::imap::detail::write_display(out, v.data);
        }
        if (!check_writable(v)) mailwire::refuse_unsafe_write("literal holding NUL");
        return mailwire::imap::detail::write_literal(ctx.out(), v.data, v.non_sync, v.binary);
    }
};

template <>
struct fmt::formatter<mailwire::imap::string_value> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::string_value& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose) {
            if (v.is_nil()) return fmt::format_to(ctx.out(), "NIL");
            auto out = fmt::format_to(ctx.out(), "{} ", mailwire::imap::to_string(v.form));
            return mailwire::imap::detail::write_display(out, v.chars());
        }
        if (!check_writable(v)) mailwire::refuse_unsafe_write("string value that cannot be written in its form");
        return mailwire::imap::detail::write_string_value(ctx.out(), v);
    }
};

template <>
struct fmt::formatter<mailwire::imap::literal_header> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::literal_header& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        auto out = ctx.out();
        if (pres == mailwire::presentation::verbose) out = fmt::format_to(out, "literal header ");
        return fmt::format_to(out, "{}{{{}{}}}", v.binary ? "~" : "", v.size, v.non_sync ? "+" : "");
    }
};
