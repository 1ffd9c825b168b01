// resp-text and resp-text-code (RFC 9051 §7.1, §9; RFC 3501 §7.1; extension RFCs per
// code below): the "[CODE args] text" part of every status response.
//
// Lifetime: every field is a view into the parsed message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

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
#include <mailwire/imap/response/value.hpp>
#include <mailwire/imap/rules/flag.hpp>
#include <mailwire/imap/rules/mutf7.hpp>
#include <mailwire/imap/rules/sequence_set.hpp>
#include <mailwire/imap/rules/string.hpp>

namespace mailwire::imap {

/// The response codes this library types. `other` keeps any other code as its atom plus
/// its raw argument text.
enum class code_kind : std::uint8_t {
    alert, badcharset, capability, parse, permanentflags, read_only, read_write, trycreate,
    uidnext, uidvalidity, unseen, appenduid, copyuid, uidnotsticky, highestmodseq, nomodseq,
    modified, closed, referral, compressionactive,
    unavailable, authenticationfailed, authorizationfailed, expired, privacyrequired,
    contactadmin, noperm, inuse, expungeissued, corruption, serverbug, clientbug, cannot,
    limit, overquota, alreadyexists, nonexistent,
    longentries, maxsize, toomany, noprivate, mailboxid, notsaved, toobig, badurl,
    unknown_cte, useattr, webalert, haschildren,
    other,
};

namespace detail {
/// Out of the constexpr function below: a local array there is rebuilt at every call.
inline constexpr std::string_view code_names[] = {
    "ALERT", "BADCHARSET", "CAPABILITY", "PARSE", "PERMANENTFLAGS", "READ-ONLY", "READ-WRITE", "TRYCREATE",
    "UIDNEXT", "UIDVALIDITY", "UNSEEN", "APPENDUID", "COPYUID", "UIDNOTSTICKY", "HIGHESTMODSEQ", "NOMODSEQ",
    "MODIFIED", "CLOSED", "REFERRAL", "COMPRESSIONACTIVE",
    "UNAVAILABLE", "AUTHENTICATIONFAILED", "AUTHORIZATIONFAILED", "EXPIRED", "PRIVACYREQUIRED",
    "CONTACTADMIN", "NOPERM", "INUSE", "EXPUNGEISSUED", "CORRUPTION", "SERVERBUG", "CLIENTBUG", "CANNOT",
    "LIMIT", "OVERQUOTA", "ALREADYEXISTS", "NONEXISTENT",
    "LONGENTRIES", "MAXSIZE", "TOOMANY", "NOPRIVATE", "MAILBOXID", "NOTSAVED", "TOOBIG", "BADURL",
    "UNKNOWN-CTE", "USEATTR", "WEBALERT", "HASCHILDREN",
};
} // namespace detail
/// The code's keyword, upper case, as written.
MAILWIRE_LAZY constexpr std::string_view keyword(code_kind k) noexcept {
    const auto i = static_cast<std::size_t>(k);
    return i < sizeof(detail::code_names) / sizeof(detail::code_names[0]) ? detail::code_names[i] : std::string_view{};
}

/// The kind named by a code atom (case-insensitive), or code_kind::other.
MAILWIRE_LAZY constexpr code_kind classify_code(std::string_view name) noexcept {
    constexpr std::size_t known = static_cast<std::size_t>(code_kind::other);
    static_assert(sizeof(detail::code_names) / sizeof(detail::code_names[0]) == known);
    return static_cast<code_kind>(chars::find_keyword(detail::code_names, known, name));
}

/// What arguments a kind takes.
enum class code_args : std::uint8_t { none, number, number64, flags, caps, charsets, appenduid, copyuid, set, objectid, text };

MAILWIRE_LAZY constexpr code_args args_of(code_kind k) noexcept {
    switch (k) {
    case code_kind::uidnext: case code_kind::uidvalidity: case code_kind::unseen: return code_args::number;
    case code_kind::longentries: case code_kind::maxsize: return code_args::number;
    case code_kind::highestmodseq: return code_args::number64;
    case code_kind::permanentflags: return code_args::flags;
    case code_kind::capability: return code_args::caps;
    case code_kind::badcharset: return code_args::charsets;
    case code_kind::appenduid: return code_args::appenduid;
    case code_kind::copyuid: return code_args::copyuid;
    case code_kind::modified: return code_args::set;
    case code_kind::mailboxid: return code_args::objectid;
    case code_kind::referral: case code_kind::badurl: case code_kind::webalert: case code_kind::other: return code_args::text;
    default: return code_args::none;
    }
}

/// capability *(SP capability), kept as text and split on SP when iterated.
/// capability = ("AUTH=" auth-type) / atom                           (RFC 9051 §9)
class capability_list {
public:
    class iterator {
    public:
        using value_type = std::string_view;
        using difference_type = std::ptrdiff_t;
        using reference = std::string_view;
        using pointer = void;
        using iterator_category = std::forward_iterator_tag;
        constexpr iterator() noexcept = default;
        constexpr explicit iterator(std::string_view rest) noexcept : rest_(rest) { read(); }
        constexpr std::string_view operator*() const noexcept { return cur_; }
        constexpr iterator& operator++() noexcept { rest_ = rest_.substr(cur_.size()); read(); return *this; }
        constexpr iterator operator++(int) noexcept { iterator t = *this; ++*this; return t; }
        friend constexpr bool operator==(const iterator& a, const iterator& b) noexcept { return a.rest_.size() == b.rest_.size(); }

    private:
        constexpr void read() noexcept {
            while (!rest_.empty() && rest_.front() == ' ') rest_.remove_prefix(1);
            const auto n = rest_.find(' ');
            cur_ = rest_.substr(0, n);
        }
        std::string_view rest_;
        std::string_view cur_;
    };
    constexpr capability_list() noexcept = default;
    constexpr explicit capability_list(std::string_view text) noexcept : text_(text) {}
    constexpr std::string_view text() const noexcept { return text_; }
    constexpr bool empty() const noexcept { return begin() == end(); }
    constexpr iterator begin() const noexcept { return iterator(text_); }
    constexpr iterator end() const noexcept { return {}; }
    constexpr std::size_t size() const noexcept {
        return mailwire::detail::count_elements(*this);
    }
    /// Whether `name` is listed (case-insensitive, as capability names are).
    constexpr bool contains(std::string_view name) const noexcept {
        for (auto c : *this)
            if (chars::iequals(c, name)) return true;
        return false;
    }
    friend constexpr bool operator==(const capability_list& a, const capability_list& b) noexcept {
        return mailwire::detail::elementwise_equal(a, b);
    }

private:
    std::string_view text_;
};

/// resp-text-code (RFC 9051 §7.1 and §9, RFC 3501 §7.1; APPENDUID/COPYUID/UIDNOTSTICKY
/// RFC 4315 §3; HIGHESTMODSEQ/NOMODSEQ/MODIFIED/CLOSED RFC 7162 §7; REFERRAL RFC 2221 §4.1;
/// COMPRESSIONACTIVE RFC 4978 §4; RFC 5530 codes; LONGENTRIES/MAXSIZE/TOOMANY/NOPRIVATE
/// RFC 5464 §4.2.1, §4.3; MAILBOXID RFC 8474 §7; NOTSAVED RFC 8514 §4; TOOBIG RFC 4469 /
/// RFC 7889; BADURL RFC 4469 §5.1; UNKNOWN-CTE RFC 3516 §4.3; USEATTR RFC 6154 §3;
/// WEBALERT RFC 8437 §4; HASCHILDREN RFC 9051 §9).
struct resp_text_code {
    code_kind kind = code_kind::alert;
    /// The atom as sent (other: the code's name); empty means keyword(kind).
    std::string_view name;
    /// uidnext, uidvalidity, unseen, longentries, maxsize, highestmodseq; appenduid and
    /// copyuid: the UIDVALIDITY.
    std::uint64_t number = 0;
    /// appenduid: the assigned UIDs; copyuid: the source UIDs; modified: the set.
    sequence_set set1;
    /// copyuid: the destination UIDs.
    sequence_set set2;
    /// permanentflags.
    flag_list flags;
    /// capability: the capabilities.
    capability_list caps;
    /// badcharset: the charsets (each an atom or a quoted string), when the list is present.
    value_list charsets;
    bool has_charsets = false;
    /// mailboxid: the objectid; referral, badurl, webalert, other: the text after SP
    /// (other: empty when the code had no argument).
    std::string_view text;

    constexpr std::string_view code_name() const noexcept { return name.empty() ? keyword(kind) : name; }

    friend constexpr bool operator==(const resp_text_code& a, const resp_text_code& b) noexcept {
        if (a.kind != b.kind) return false;
        switch (args_of(a.kind)) {
        case code_args::none: return true;
        case code_args::number: case code_args::number64: return a.number == b.number;
        case code_args::flags: return a.flags == b.flags;
        case code_args::caps: return a.caps == b.caps;
        case code_args::charsets: return a.has_charsets == b.has_charsets && a.charsets == b.charsets;
        case code_args::appenduid: return a.number == b.number && a.set1 == b.set1;
        case code_args::copyuid: return a.number == b.number && a.set1 == b.set1 && a.set2 == b.set2;
        case code_args::set: return a.set1 == b.set1;
        case code_args::objectid: return a.text == b.text;
        case code_args::text:
            return a.text == b.text && (a.kind != code_kind::other || chars::iequals(a.name, b.name));
        }
        return false;
    }
};

/// resp-text = ["[" resp-text-code "]" SP] [text]                (RFC 9051 §9)
struct resp_text {
    bool has_code = false;
    resp_text_code code;
    /// The human-readable text (may be empty, as RFC 9051 allows).
    std::string_view text;
    friend constexpr bool operator==(const resp_text& a, const resp_text& b) noexcept {
        return a.has_code == b.has_code && (!a.has_code || a.code == b.code) && a.text == b.text;
    }
};

namespace detail::resp {

/// Line end at `s`: CRLF (strict) or a bare LF (lenient).
/// Lenient mode also skips SP before it (Exchange, Yahoo, iCloud, DavMail, Domino).
MAILWIRE_LAZY constexpr result<void> eol(scanner& s, const parse_options& opts) noexcept {
    if (s.peek_is(' ')) {
        // Only SP that runs to the line end is the trailing-SP quirk; SP before more
        // bytes is plain bad syntax in either mode.
        std::size_t n = 1;
        while (s.peek(n) == ' ') ++n;
        const char after = s.peek(n);
        if (after != '\r' && after != '\n') return s.error(errc::invalid_syntax, "CRLF");
        if (opts.strict()) return s.error(errc::strict_violation, "CRLF (trailing SP is a server quirk)");
        s.advance(n);
    }
    if (s.consume("\r\n")) return {};
    if (s.peek_is('\n')) {
        if (opts.strict()) return s.error(errc::strict_violation, "CRLF (bare LF is a server quirk)");
        s.advance();
        return {};
    }
    if (s.at_end()) return s.error(errc::invalid_syntax, "CRLF");
    return s.error(errc::invalid_syntax, "CRLF");
}

MAILWIRE_LAZY constexpr bool at_eol(const scanner& s) noexcept {
    return s.at_end() || s.peek_is('\r') || s.peek_is('\n');
}

/// SP, and in lenient mode any further SP (doubled spaces: Exchange, Domino).
MAILWIRE_LAZY constexpr result<void> sp(scanner& s, const parse_options& opts) noexcept {
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    if (s.peek_is(' ')) {
        if (opts.strict()) return s.error(errc::strict_violation, "single SP (doubled SP is a server quirk)");
        while (s.consume(' ')) {}
    }
    return {};
}

/// SP, then not the end of the line (for "keyword SP argument").
MAILWIRE_LAZY constexpr result<void> sp_arg(scanner& s, const parse_options& opts) noexcept {
    if (auto r = sp(s, opts); !r) return r;
    if (at_eol(s)) return s.error(errc::invalid_syntax, "argument");
    return {};
}

/// uid-set = (uniqueid / uid-range) *("," uid-set)              (RFC 4315 §4, RFC 9051 §9)
/// A sequence-set without "*" or "$".
MAILWIRE_LAZY constexpr result<sequence_set> uid_set(scanner& s, const parse_options& opts) noexcept {
    const std::size_t start = s.pos();
    auto r = rules::sequence_set(s, opts);
    if (!r) return r.error();
    const auto t = s.since(start);
    for (std::size_t i = 0; i < t.size(); ++i)
        if (t[i] == '*' || t[i] == '$') return s.error_at(start + i, errc::invalid_syntax, "uniqueid (no \"*\" or \"$\" in uid-set)");
    return r;
}

/// objectid = 1*255(ALPHA / DIGIT / "_" / "-")                      (RFC 8474 §7)
inline constexpr chars::char_set objectid_char = chars::alpha | chars::digit | chars::char_set("_-");
MAILWIRE_LAZY constexpr result<std::string_view> objectid(scanner& s) noexcept {
    const std::size_t start = s.pos();
    const auto t = s.take_while(objectid_char);
    if (t.empty()) return s.error(errc::invalid_syntax, "objectid");
    if (t.size() > 255) return s.error_at(start + 255, errc::invalid_syntax, "objectid of at most 255 characters");
    return t;
}

/// 1*<any TEXT-CHAR except "]">, as the generic resp-text-code argument.
MAILWIRE_LAZY constexpr result<std::string_view> code_text(scanner& s, const parse_options& opts) noexcept {
    const std::size_t start = s.pos();
    while (!s.at_end()) {
        const char c = s.peek();
        if (c == ']' || c == '\r' || c == '\n') break;
        if (c == '\0') return s.error(errc::invalid_syntax, "TEXT-CHAR");
        if (static_cast<unsigned char>(c) >= 0x80) {
            const auto d = utf8::next(s.input(), s.pos());
            if (d.len == 0) {
                if (opts.strict()) return s.error(errc::strict_violation, "TEXT-CHAR (raw 8-bit bytes are a server quirk)");
                s.advance();
                continue;
            }
            s.advance(d.len);
            continue;
        }
        s.advance();
    }
    if (s.pos() == start) return s.error(errc::invalid_syntax, "code argument");
    return s.since(start);
}

} // namespace detail::resp

namespace rules {

/// resp-text-code = "ALERT" / "BADCHARSET" [SP "(" charset *(SP charset) ")" ] /
///                  capability-data / "PARSE" / "PERMANENTFLAGS" SP "(" [flag-perm
///                  *(SP flag-perm)] ")" / "READ-ONLY" / "READ-WRITE" / "TRYCREATE" /
///                  "UIDNEXT" SP nz-number / "UIDVALIDITY" SP nz-number / resp-code-apnd /
///                  resp-code-copy / "UIDNOTSTICKY" / ... / "CLOSED" / "UNKNOWN-CTE" /
///                  atom [SP 1*<any TEXT-CHAR except "]">]            (RFC 9051 §9)
/// The text between "[" and "]" (not consumed).
MAILWIRE_LAZY constexpr result<imap::resp_text_code> resp_text_code(scanner& s, const parse_options& opts = {}) noexcept;

} // namespace rules

namespace detail::resp {
/// The arguments of a code of kind c.kind (name already read), as its typed rule has them.
MAILWIRE_LAZY constexpr result<imap::resp_text_code> typed_code_args(scanner& s, imap::resp_text_code c, const parse_options& opts) noexcept;
MAILWIRE_LAZY constexpr result<imap::resp_text_code> typed_code_args_after_sp(scanner& s, imap::resp_text_code c, const parse_options& opts) noexcept;
} // namespace detail::resp

namespace rules {

/// A known code whose arguments do not match its typed rule still matches the generic
/// alternative `atom [SP 1*<any TEXT-CHAR except "]">]`, so it is kept as code_kind::other
/// (e.g. RFC 9051 §6.4.4's "[BADCHARSET UTF-8]" without parentheses).
MAILWIRE_LAZY_DEFINITION constexpr result<imap::resp_text_code> resp_text_code(scanner& s, const parse_options& opts) noexcept {
    imap::resp_text_code c;
    const auto name = s.take_while(chars::atom_char);
    if (name.empty()) return s.error(errc::invalid_syntax, "resp-text-code");
    c.name = name;
    c.kind = classify_code(name);
    const std::size_t args_at = s.pos();
    auto typed = imap::detail::resp::typed_code_args(s, c, opts);
    if (typed && (s.peek_is(']') || s.at_end())) return typed;
    // A quirk or a limit is reported as such, not hidden behind the generic alternative.
    if (!typed && typed.error().code != errc::invalid_syntax && typed.error().code != errc::number_out_of_range) return typed;
    s.reset(args_at);
    c.kind = code_kind::other;
    if (!s.consume(' ')) return c;
    auto t = imap::detail::resp::code_text(s, opts);
    if (!t) return t.error();
    c.text = *t;
    return c;
}

} // namespace rules

namespace detail::resp {

/// charset = atom / quoted                                      (RFC 9051 §9)
/// Never a literal: resp-text is free text to every framer (a status line or continuation
/// request ends at its first CRLF), so `[BADCHARSET ({3}` CRLF would end the message there
/// and the literal's bytes would be read as the next response. RFC 3501's SEARCH CHARSET
/// astring (rules::charset) is a command's superset and has no place here.
MAILWIRE_LAZY constexpr result<void> code_charset(scanner& s, const parse_options& opts) noexcept {
    if (s.peek_is('"')) {
        if (auto q = rules::quoted(s, opts); !q) return q.error();
        return {};
    }
    if (s.peek_is('{') || s.peek_is('~')) return s.error(errc::invalid_syntax, "charset: atom or quoted (no literal in a response code)");
    const std::size_t start = s.pos();
    if (auto a = rules::atom(s); !a) return s.error(errc::invalid_syntax, "charset: atom or quoted");
    // "[" is an ATOM-CHAR, but the charsets are kept as a generic value list, where "["
    // opens a section group: such an atom would not read back as itself. No charset name
    // has one (IANA's registry), so it is refused rather than misread.
    if (const auto at = s.since(start).find('['); at != std::string_view::npos)
        return s.error_at(start + at, errc::invalid_syntax, "charset: atom without \"[\"");
    return {};
}

MAILWIRE_LAZY_DEFINITION constexpr result<imap::resp_text_code> typed_code_args(scanner& s, imap::resp_text_code c, const parse_options& opts) noexcept {
    const auto args = args_of(c.kind);
    if (args == code_args::none) {
        // "ALERT extra]" matches only the generic alternative (other).
        if (s.peek_is(' ')) return s.error(errc::invalid_syntax, "\"]\"");
        return c;
    }
    if ((c.kind == code_kind::badcharset || c.kind == code_kind::other) && !s.peek_is(' ')) return c;
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    return typed_code_args_after_sp(s, c, opts);
}

MAILWIRE_LAZY_DEFINITION constexpr result<imap::resp_text_code> typed_code_args_after_sp(scanner& s, imap::resp_text_code c, const parse_options& opts) noexcept {
    using namespace rules;
    switch (args_of(c.kind)) {
    case code_args::number: {
        const bool nz = c.kind == code_kind::uidnext || c.kind == code_kind::uidvalidity || c.kind == code_kind::unseen;
        auto n = nz ? nz_number(s) : number(s);
        if (!n) return n.error();
        c.number = *n;
        return c;
    }
    case code_args::number64: {
        auto n = number64(s);
        if (!n) return n.error();
        c.number = *n;
        return c;
    }
    case code_args::flags: {
        auto f = flag_perm_list(s, opts);
        if (!f) return f.error();
        c.flags = *f;
        return c;
    }
    case code_args::caps: {
        const std::size_t start = s.pos();
        std::size_t count = 0;
        for (;;) {
            if (++count > opts.max_list) return s.error(errc::limit_exceeded, "capabilities within max_list");
            if (auto a = rules::atom(s); !a) return a.error();
            if (!s.consume(' ')) break;
            if (s.peek_is(' ') && opts.strict()) return s.error(errc::strict_violation, "single SP");
            while (opts.lenient() && s.consume(' ')) {}
        }
        c.caps = capability_list(s.since(start));
        return c;
    }
    case code_args::charsets: {
        if (!s.consume('(')) return s.error(errc::invalid_syntax, "\"(\" charset");
        const std::size_t start = s.pos();
        std::size_t count = 0;
        for (;;) {
            if (++count > opts.max_list) return s.error(errc::limit_exceeded, "charsets within max_list");
            if (auto a = code_charset(s, opts); !a) return a.error();
            if (!s.consume(' ')) break;
        }
        c.charsets = value_list::make(s.since(start), opts.mode);
        c.has_charsets = true;
        if (!s.consume(')')) return s.error(errc::invalid_syntax, "SP or \")\"");
        return c;
    }
    case code_args::appenduid: case code_args::copyuid: {
        auto n = nz_number(s);
        if (!n) return n.error();
        c.number = *n;
        if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
        auto a = imap::detail::resp::uid_set(s, opts);
        if (!a) return a.error();
        c.set1 = *a;
        if (c.kind == code_kind::copyuid) {
            if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
            auto b = imap::detail::resp::uid_set(s, opts);
            if (!b) return b.error();
            c.set2 = *b;
        }
        return c;
    }
    case code_args::set: {
        auto a = rules::sequence_set(s, opts);
        if (!a) return a.error();
        c.set1 = *a;
        return c;
    }
    case code_args::objectid: {
        if (!s.consume('(')) return s.error(errc::invalid_syntax, "\"(\" objectid");
        auto o = imap::detail::resp::objectid(s);
        if (!o) return o.error();
        c.text = *o;
        if (!s.consume(')')) return s.error(errc::invalid_syntax, "\")\"");
        return c;
    }
    case code_args::text: {
        auto t = imap::detail::resp::code_text(s, opts);
        if (!t) return t.error();
        c.text = *t;
        return c;
    }
    case code_args::none: break;
    }
    return c;
}

} // namespace detail::resp

namespace rules {

/// text = 1*(TEXT-CHAR / UTF8-2 / UTF8-3 / UTF8-4)              (RFC 9051 §9)
/// TEXT-CHAR = <any CHAR except CR and LF>
/// Up to the line end (not consumed). Bytes that are not UTF-8 are strict_violation
/// (lenient: any 8-bit byte, e.g. Latin-1 text).
MAILWIRE_LAZY constexpr result<std::string_view> text(scanner& s, const parse_options& opts = {}) noexcept {
    const std::size_t start = s.pos();
    while (!s.at_end()) {
        const char c = s.peek();
        if (c == '\r' || c == '\n') break;
        if (c == '\0') return s.error(errc::invalid_syntax, "TEXT-CHAR");
        if (static_cast<unsigned char>(c) >= 0x80) {
            const auto d = utf8::next(s.input(), s.pos());
            if (d.len == 0) {
                if (opts.strict()) return s.error(errc::strict_violation, "UTF-8 text (raw 8-bit bytes are a server quirk)");
                s.advance();
                continue;
            }
            s.advance(d.len);
            continue;
        }
        s.advance();
    }
    return s.since(start);
}

/// resp-text = ["[" resp-text-code "]" SP] [text]                (RFC 9051 §9)
/// RFC 3501 requires text; RFC 9051 makes it optional, so "OK " is strict. "[CODE]" with
/// no SP after it is a lenient quirk (shortmail, mscdex/node-imap#197).
MAILWIRE_LAZY constexpr result<imap::resp_text> resp_text(scanner& s, const parse_options& opts = {}) noexcept {
    imap::resp_text r;
    if (s.consume('[')) {
        auto c = resp_text_code(s, opts);
        if (!c) return c.error();
        r.has_code = true;
        r.code = *c;
        if (!s.consume(']')) return s.error(errc::invalid_syntax, "\"]\"");
        if (!s.consume(' ')) {
            if (!imap::detail::resp::at_eol(s)) return s.error(errc::invalid_syntax, "SP");
            if (opts.strict()) return s.error(errc::strict_violation, "SP after \"]\" (no text is a server quirk)");
            return r;
        }
    }
    auto t = text(s, opts);
    if (!t) return t.error();
    r.text = *t;
    return r;
}

} // namespace rules

namespace detail::resp {

MAILWIRE_LAZY constexpr bool bad_text(std::string_view t) noexcept { return breaks_line(t); }

template <class OutIt>
OutIt write_chars(OutIt out, std::string_view s) {
    for (char c : s) *out++ = c;
    return out;
}

template <class OutIt>
OutIt write_resp_text_code(OutIt out, const resp_text_code& c) {
    out = write_chars(out, c.kind == code_kind::other ? c.name : keyword(c.kind));
    switch (args_of(c.kind)) {
    case code_args::none: return out;
    case code_args::number: case code_args::number64: return fmt::format_to(out, " {}", c.number);
    case code_args::flags: return fmt::format_to(out, " {}", c.flags);
    case code_args::caps: {
        for (auto cap : c.caps) { *out++ = ' '; out = write_chars(out, cap); }
        return out;
    }
    case code_args::charsets:
        if (!c.has_charsets) return out;
        out = write_chars(out, " (");
        out = write_value_list(out, c.charsets);
        *out++ = ')';
        return out;
    case code_args::appenduid: return fmt::format_to(out, " {} {}", c.number, c.set1);
    case code_args::copyuid: return fmt::format_to(out, " {} {} {}", c.number, c.set1, c.set2);
    case code_args::set: return fmt::format_to(out, " {}", c.set1);
    case code_args::objectid: return fmt::format_to(out, " ({})", c.text);
    case code_args::text:
        if (c.text.empty()) return out;
        *out++ = ' ';
        return write_chars(out, c.text);
    }
    return out;
}

template <class OutIt>
OutIt write_resp_text(OutIt out, const resp_text& r) {
    if (r.has_code) {
        *out++ = '[';
        out = write_resp_text_code(out, r.code);
        out = write_chars(out, "] ");
    }
    return write_chars(out, r.text);
}

} // namespace detail::resp

/// Refuses a code that would not re-parse as itself: CR/LF/NUL or "]" in its text,
/// numbers out of range, an empty capability list, a name that is not an atom.
MAILWIRE_LAZY constexpr result<void> check_writable(const resp_text_code& c) noexcept {
    if (c.kind > code_kind::other) return unsafe("resp-text-code: kind");
    if (c.kind == code_kind::other) {
        if (c.name.empty() || !chars::atom_char.all_of(c.name)) return unsafe("resp-text-code: atom name");
        if (classify_code(c.name) != code_kind::other) {
            // Writable only if it would not re-parse as the typed code.
            scanner t(c.text);
            imap::resp_text_code k;
            k.kind = classify_code(c.name);
            const bool sp = !c.text.empty();
            if (!sp && args_of(k.kind) == code_args::none) return unsafe("resp-text-code: other with a known name");
            if (sp) {
                auto typed = imap::detail::resp::typed_code_args_after_sp(t, k, parse_options::make_unlimited());
                if (typed && t.at_end()) return unsafe("resp-text-code: other that reads as the typed code");
            }
        }
    }
    switch (args_of(c.kind)) {
    case code_args::none: return {};
    case code_args::number:
        if (c.number > UINT32_MAX) return unsafe("resp-text-code: number above 32 bits");
        if (c.number == 0 && (c.kind == code_kind::uidnext || c.kind == code_kind::uidvalidity || c.kind == code_kind::unseen))
            return unsafe("resp-text-code: nz-number");
        return {};
    case code_args::number64:
        if (c.number > static_cast<std::uint64_t>(INT64_MAX)) return unsafe("resp-text-code: number64");
        return {};
    case code_args::flags: return check_writable(c.flags);
    case code_args::caps: {
        if (c.caps.empty()) return unsafe("resp-text-code: at least one capability");
        for (auto cap : c.caps)
            if (!chars::atom_char.all_of(cap)) return unsafe("resp-text-code: capability atom");
        return {};
    }
    case code_args::charsets: {
        if (!c.has_charsets) return {};
        if (c.charsets.empty()) return unsafe("resp-text-code: at least one charset");
        // charset = atom / quoted: a literal would end the status line at its CRLF (the
        // rest would be read as further responses), an atom with "]" would end the code.
        // NIL is an atom here (a charset of that name), which the value list reads as nil.
        for (auto v : c.charsets) {
            const bool atom = v.kind == value_kind::nil ||
                              ((v.kind == value_kind::atom || v.kind == value_kind::number) &&
                               !v.str.text.empty() && chars::atom_char.all_of(v.str.text));
            const bool quoted = v.kind == value_kind::string && v.str.form == string_form::quoted;
            if (!atom && !quoted) return unsafe("resp-text-code: charset atom or quoted (never a literal)");
        }
        return check_writable(c.charsets);
    }
    case code_args::appenduid: case code_args::copyuid:
        if (c.number == 0 || c.number > UINT32_MAX) return unsafe("resp-text-code: UIDVALIDITY nz-number");
        if (c.set1.empty() || (c.kind == code_kind::copyuid && c.set2.empty())) return unsafe("resp-text-code: uid-set");
        return {};
    case code_args::set:
        if (c.set1.empty()) return unsafe("resp-text-code: sequence-set");
        return {};
    case code_args::objectid:
        if (c.text.empty() || c.text.size() > 255 || !imap::detail::resp::objectid_char.all_of(c.text)) return unsafe("resp-text-code: objectid");
        return {};
    case code_args::text:
        if (c.kind != code_kind::other && c.text.empty()) return unsafe("resp-text-code: argument text");
        for (std::size_t i = 0; i < c.text.size(); ++i)
            if (c.text[i] == ']' || c.text[i] == '\r' || c.text[i] == '\n' || c.text[i] == '\0')
                return unsafe("resp-text-code: text without \"]\", CR, LF or NUL", i);
        return {};
    }
    return {};
}

MAILWIRE_LAZY constexpr result<void> check_writable(const resp_text& r) noexcept {
    if (r.has_code)
        if (auto ok = check_writable(r.code); !ok) return ok;
    for (std::size_t i = 0; i < r.text.size(); ++i)
        if (r.text[i] == '\r' || r.text[i] == '\n' || r.text[i] == '\0') return unsafe("resp-text: text without CR, LF or NUL", i);
    if (!r.has_code && !r.text.empty() && r.text.front() == '[') return unsafe("resp-text: text starting with \"[\" would read as a code");
    return {};
}

} // namespace mailwire::imap

template <>
struct fmt::formatter<mailwire::imap::resp_text_code> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::resp_text_code& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose) {
            auto out = fmt::format_to(ctx.out(), "code ");
            return mailwire::imap::detail::resp::write_resp_text_code(out, v);
        }
        if (!check_writable(v)) mailwire::refuse_unsafe_write("resp-text-code that cannot be written");
        return mailwire::imap::detail::resp::write_resp_text_code(ctx.out(), v);
    }
};

template <>
struct fmt::formatter<mailwire::imap::resp_text> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::resp_text& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose) {
            auto out = ctx.out();
            if (v.has_code) {
                out = fmt::format_to(out, "[");
                out = mailwire::imap::detail::resp::write_resp_text_code(out, v.code);
                out = fmt::format_to(out, "] ");
            }
            return mailwire::imap::detail::write_display(out, v.text);
        }
        if (!check_writable(v)) mailwire::refuse_unsafe_write("resp-text that cannot be written");
        return mailwire::imap::detail::resp::write_resp_text(ctx.out(), v);
    }
};
