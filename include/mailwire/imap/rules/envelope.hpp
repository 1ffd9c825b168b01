// The ENVELOPE of a message (RFC 9051 §2.3.5, §7.5.2 and §9; RFC 3501 §7.4.2 and §9, same
// grammar): date, subject, from, sender, reply-to, to, cc, bcc, in-reply-to, message-id.
//
//   ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes"
//    (("Terry Gray" NIL "gray" "cac.washington.edu")) ... NIL NIL "<B27397-0100000@...>")
//
// Zero-copy: the string members are string_values (views of the parsed bytes, escapes kept
// and decoded on demand) and each address list is kept as the validated text between its
// parentheses; iterating an address_list re-reads that text, so neither parsing nor
// iteration allocates. All views live as long as the parsed bytes.
//
// RFC 5322 groups appear as special addresses (RFC 9051 §7.5.2): host NIL and mailbox
// non-NIL starts a group (mailbox holds the group name), host NIL and mailbox NIL ends it;
// see address::is_group_start() / is_group_end().
//
// Lenient quirk: 8-bit bytes in quoted strings, through string.hpp's lenient quoted
// (Proton Mail Bridge, modern-email/defects#38). No other envelope quirk is accepted: an
// empty "()" address list is invalid_syntax in both modes (no server is known to send it).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <string_view>
#include <type_traits>

#include <fmt/format.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <mailwire/core/config.hpp>
#include <mailwire/core/chars.hpp>
#include <mailwire/core/error.hpp>
#include <mailwire/core/format.hpp>
#include <mailwire/core/lazy_list.hpp>
#include <mailwire/core/options.hpp>
#include <mailwire/core/result.hpp>
#include <mailwire/core/scanner.hpp>
#include <mailwire/imap/rules/string.hpp>

namespace mailwire::imap {

// ---- address ---------------------------------------------------------------------------

/// One address structure: display name, source route, mailbox (local part or group
/// name), host (domain). Each is an nstring.
struct address {
    string_value name = string_value::nil();
    string_value adl = string_value::nil();
    string_value mailbox = string_value::nil();
    string_value host = string_value::nil();

    /// RFC 5322 group start: host NIL, mailbox (the group name) non-NIL.
    constexpr bool is_group_start() const noexcept { return host.is_nil() && !mailbox.is_nil(); }
    /// RFC 5322 group end (";"): host NIL and mailbox NIL.
    constexpr bool is_group_end() const noexcept { return host.is_nil() && mailbox.is_nil(); }
    /// Either group marker, i.e. not an actual mailbox.
    constexpr bool is_group_marker() const noexcept { return host.is_nil(); }

    friend constexpr bool operator==(const address& a, const address& b) noexcept {
        return a.name == b.name && a.adl == b.adl && a.mailbox == b.mailbox && a.host == b.host;
    }
};

namespace detail {
/// An nstring member as the writer sees it: a string form or NIL, never an atom.
MAILWIRE_LAZY constexpr result<void> check_nstring_member(const string_value& v) noexcept {
    if (v.form == string_form::atom) return unsafe("nstring: a quoted string, a literal or NIL (not an atom)");
    return check_writable(v);
}
/// The first byte at or after `p` that is not a QUOTED-CHAR without escape (DQUOTE, "\",
/// NUL, CR, LF or an 8-bit byte), or `end`. With SSE2, 16 bytes per step: 81 % of the
/// strings in envelopes and body structures are shorter than that, so the common string
/// ends without the mispredicted exit of a byte loop.
MAILWIRE_ALWAYS_INLINE constexpr const char* plain_quoted_end(const char* p, const char* end) noexcept {
#if defined(__SSE2__)
    if (!std::is_constant_evaluated()) {
        const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
        const __m128i cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n'), nul = _mm_setzero_si128();
        while (end - p >= 16) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            const __m128i specials = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                                  _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf)),
                                                               _mm_cmpeq_epi8(v, nul)));
            // A byte's top bit is set for a special (0xFF) or an 8-bit byte (>= 0x80).
            const auto stops = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(specials, v)));
            if (stops != 0) return p + std::countr_zero(stops);
            p += 16;
        }
    }
#endif
    while (p < end && chars::quoted_char(*p)) ++p;
    return p;
}

/// True when the bytes at `p` (up to `end`) are "NIL" not followed by an ATOM-CHAR, as
/// rules::nil reads it. (c | 0x20) folds only 'N' onto 'n' (and 'I', 'L' likewise), so no
/// other byte matches.
MAILWIRE_ALWAYS_INLINE constexpr bool nil_at(const char* p, const char* end) noexcept {
    const auto n = end - p;
    if (n < 3 || (p[0] | 0x20) != 'n' || (p[1] | 0x20) != 'i' || (p[2] | 0x20) != 'l') return false;
    return n == 3 || !chars::atom_char(p[3]);
}
/// True when the cursor is at "NIL" (see nil_at).
MAILWIRE_ALWAYS_INLINE constexpr bool at_nil(const scanner& s) noexcept {
    const char* p = s.input().data() + s.pos();
    return nil_at(p, p + s.remaining());
}

/// Reads a plain quoted string (no escape, no 8-bit byte: the common case) into `out`
/// and returns true, or returns false without moving. plain_quoted_end() finds the
/// closing DQUOTE; the value is written in place (returning it through result<> costs
/// more).
MAILWIRE_ALWAYS_INLINE constexpr bool read_plain_quoted(scanner& s, string_value& out) noexcept {
    if (!s.peek_is('"')) return false;
    const std::string_view in = s.input();
    const std::size_t start = s.pos() + 1;
    const std::size_t i = static_cast<std::size_t>(plain_quoted_end(in.data() + start, in.data() + in.size()) - in.data());
    if (i >= in.size() || in[i] != '"') return false;
    out.form = string_form::quoted;
    out.text = std::string_view(in.data() + start, i - start);
    out.escaped = false;
    out.non_sync = false;
    s.advance(i + 1 - s.pos());
    return true;
}

/// The rare path of read_string (rules::string) and read_nstring (rules::nstring, when
/// `nil_allowed`), out of line so that their fast paths inline small.
MAILWIRE_NOINLINE constexpr result<void> read_string_slow(scanner& s, string_value& out, const parse_options& opts, session_syntax syn,
                                                          bool nil_allowed) noexcept {
    auto v = nil_allowed ? rules::nstring(s, opts, syn) : rules::string(s, opts, syn);
    if (!v) return v.error();
    out = *v;
    return {};
}
/// rules::string into `out`, with read_plain_quoted's fast path; anything else goes to
/// rules::string, so the value and errors are always the rule's.
MAILWIRE_ALWAYS_INLINE constexpr result<void> read_string(scanner& s, string_value& out, const parse_options& opts, session_syntax syn) noexcept {
    if (read_plain_quoted(s, out)) return {};
    return read_string_slow(s, out, opts, syn, false);
}

/// rules::nstring into `out`, with the fast path and a direct NIL test.
MAILWIRE_ALWAYS_INLINE constexpr result<void> read_nstring(scanner& s, string_value& out, const parse_options& opts, session_syntax syn) noexcept {
    if (read_plain_quoted(s, out)) return {};
    if (at_nil(s)) {
        s.advance(3);
        out.set_nil(); // not `out = nil()`: see set_nil()
        return {};
    }
    return read_string_slow(s, out, opts, syn, true);
}

MAILWIRE_LAZY constexpr result<string_value> fast_string(scanner& s, const parse_options& opts, session_syntax syn) noexcept {
    string_value v;
    if (auto r = read_string(s, v, opts, syn); !r) return r.error();
    return v;
}
MAILWIRE_LAZY constexpr result<string_value> fast_nstring(scanner& s, const parse_options& opts, session_syntax syn) noexcept {
    string_value v;
    if (auto r = read_nstring(s, v, opts, syn); !r) return r.error();
    return v;
}

/// Skips an nstring that is NIL or a plain quoted string (see fast_string) and returns
/// true, or returns false without moving for anything else. No value is built: for
/// validating text that is kept as a view and re-read later (address lists).
MAILWIRE_LAZY constexpr bool skip_plain_nstring(const char*& p, const char* end) noexcept {
    if (p < end && *p == '"') {
        const char* q = plain_quoted_end(p + 1, end);
        if (q < end && *q == '"') {
            p = q + 1;
            return true;
        }
        return false;
    }
    if (nil_at(p, end)) {
        p += 3;
        return true;
    }
    return false;
}

/// Skips an address made of plain nstrings (the common case) and returns true, or
/// returns false without moving; rules::address then reads it (or reports the error).
MAILWIRE_LAZY constexpr bool skip_plain_address(const char*& p, const char* end) noexcept {
    const char* q = p;
    if (q >= end || *q != '(') return false;
    ++q;
    for (int i = 0; i < 4; ++i) {
        if (i > 0) {
            if (q >= end || *q != ' ') return false;
            ++q;
        }
        if (!skip_plain_nstring(q, end)) return false;
    }
    if (q >= end || *q != ')') return false;
    p = q + 1;
    return true;
}

/// Options for re-reading text this library has already validated: lenient (a superset
/// of strict) and without limits, so iteration never fails on what parsing accepted.
MAILWIRE_LAZY constexpr parse_options envelope_reread_options() noexcept {
    parse_options o = parse_options::make_lenient();
    o.max_literal = UINT64_MAX;
    o.max_list = SIZE_MAX;
    return o;
}
} // namespace detail

MAILWIRE_LAZY constexpr result<void> check_writable(const address& a) noexcept {
    for (const string_value* v : {&a.name, &a.adl, &a.mailbox, &a.host})
        if (auto ok = detail::check_nstring_member(*v); !ok) return ok;
    return {};
}

/// How a list was written: NIL, a parenthesized list, or "()" (the lenient empty
/// body-fld-param quirk; address lists are never "()").
enum class list_form : std::uint8_t { nil, list, empty_parens };

class address_list;
namespace detail { struct address_list_access; }

namespace rules {

/// address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"
/// addr-name = nstring ; addr-adl = nstring ; addr-mailbox = nstring ; addr-host = nstring
///                                                        (RFC 9051 §9; same in RFC 3501)
MAILWIRE_LAZY constexpr result<imap::address> address(scanner& s, const parse_options& opts = {}, session_syntax syn = {}) noexcept {
    if (!s.consume('(')) return s.error(errc::invalid_syntax, "address");
    imap::address a;
    string_value* fields[] = {&a.name, &a.adl, &a.mailbox, &a.host};
    for (std::size_t i = 0; i < 4; ++i) {
        if (i > 0 && !s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
        if (auto r = imap::detail::read_nstring(s, *fields[i], opts, syn); !r) return r.error();
    }
    if (!s.consume(')')) return s.error(errc::invalid_syntax, "\")\" ending address");
    return a;
}

} // namespace rules

/// An env-from / env-sender / env-reply-to / env-to / env-cc / env-bcc value: NIL or
/// "(" 1*address ")", kept as the text between the parentheses.
class address_list {
public:
    class iterator {
    public:
        using value_type = address;
        using difference_type = std::ptrdiff_t;
        using reference = address;
        using pointer = void;
        using iterator_category = std::forward_iterator_tag;

        constexpr iterator() noexcept = default;
        constexpr explicit iterator(std::string_view rest) noexcept : rest_(rest) { read(); }
        constexpr address operator*() const noexcept { return cur_; }
        constexpr iterator& operator++() noexcept {
            rest_ = rest_.substr(len_);
            read();
            return *this;
        }
        constexpr iterator operator++(int) noexcept { iterator t = *this; ++*this; return t; }
        friend constexpr bool operator==(const iterator& a, const iterator& b) noexcept {
            return a.rest_.size() == b.rest_.size();
        }

    private:
        constexpr void read() noexcept {
            cur_ = {};
            len_ = 0;
            if (rest_.empty()) return;
            scanner s(rest_);
            auto a = rules::address(s, detail::envelope_reread_options());
            if (!a) { rest_ = {}; return; } // only for text not made by the parser
            cur_ = *a;
            len_ = s.pos();
        }
        std::string_view rest_;
        address cur_{};
        std::size_t len_ = 0;
    };

    constexpr address_list() noexcept = default;

    constexpr list_form form() const noexcept { return form_; }
    constexpr bool is_nil() const noexcept { return form_ == list_form::nil; }
    /// The text between the parentheses (empty for NIL and "()").
    constexpr std::string_view text() const noexcept { return text_; }
    constexpr bool empty() const noexcept { return text_.empty(); }
    constexpr iterator begin() const noexcept { return iterator(text_); }
    constexpr iterator end() const noexcept { return {}; }
    constexpr std::size_t size() const noexcept {
        return mailwire::detail::count_elements(*this);
    }
    /// The first address (a default, all-NIL address when the list is empty).
    constexpr address front() const noexcept { return empty() ? address{} : *begin(); }
    /// Element by element.
    friend constexpr bool operator==(const address_list& a, const address_list& b) noexcept {
        return mailwire::detail::elementwise_equal(a, b);
    }

private:
    friend struct detail::address_list_access;
    std::string_view text_;
    list_form form_ = list_form::nil;
};

namespace detail {
struct address_list_access {
    static constexpr address_list make(std::string_view text, list_form f) noexcept {
        address_list l;
        l.text_ = text;
        l.form_ = f;
        return l;
    }
};
} // namespace detail

/// Writable when every address is, and the form matches the content ("(" 1*address ")"
/// needs an address; NIL holds none).
MAILWIRE_LAZY constexpr result<void> check_writable(const address_list& l) noexcept {
    if (l.form() == list_form::empty_parens) return unsafe("address list: NIL or \"(\" 1*address \")\"");
    if (l.form() == list_form::nil && !l.empty()) return unsafe("address list: NIL holds no address");
    if (l.form() == list_form::list && l.empty()) return unsafe("address list: \"(\" 1*address \")\"");
    for (auto a : l)
        if (auto ok = check_writable(a); !ok) return ok;
    return {};
}

// ---- envelope ----------------------------------------------------------------------------

struct envelope {
    /// User-provided so that value-initialization (emplace_back()) does not zero it
    /// before the member initializers run (see body_node).
    constexpr envelope() noexcept {}

    string_value date = string_value::nil();
    string_value subject = string_value::nil();
    address_list from, sender, reply_to, to, cc, bcc;
    string_value in_reply_to = string_value::nil();
    string_value message_id = string_value::nil();

    friend constexpr bool operator==(const envelope& a, const envelope& b) noexcept {
        return a.date == b.date && a.subject == b.subject && a.from == b.from && a.sender == b.sender &&
               a.reply_to == b.reply_to && a.to == b.to && a.cc == b.cc && a.bcc == b.bcc &&
               a.in_reply_to == b.in_reply_to && a.message_id == b.message_id;
    }
};

MAILWIRE_LAZY constexpr result<void> check_writable(const envelope& e) noexcept {
    for (const string_value* v : {&e.date, &e.subject, &e.in_reply_to, &e.message_id})
        if (auto ok = detail::check_nstring_member(*v); !ok) return ok;
    for (const address_list* l : {&e.from, &e.sender, &e.reply_to, &e.to, &e.cc, &e.bcc})
        if (auto ok = check_writable(*l); !ok) return ok;
    return {};
}

namespace rules {

/// "(" 1*address ")" / nil: the shape shared by env-from, env-sender, env-reply-to,
/// env-to, env-cc and env-bcc (RFC 9051 §9; same in RFC 3501). At most opts.max_list
/// addresses.
MAILWIRE_LAZY constexpr result<imap::address_list> env_address_list(scanner& s, const parse_options& opts = {}, session_syntax syn = {}) noexcept {
    if (!s.peek_is('(')) {
        if (imap::detail::at_nil(s)) {
            s.advance(3);
            return imap::address_list{};
        }
        return s.error(errc::invalid_syntax, "\"(\" 1*address \")\" or NIL");
    }
    s.advance();
    const std::size_t start = s.pos();
    if (s.peek_is(')')) return s.error(errc::invalid_syntax, "address (a list holds at least one)");
    std::size_t count = 0;
    const char* const base = s.input().data();
    const char* const end = base + s.input().size();
    while (!s.peek_is(')')) {
        if (++count > opts.max_list) return s.error(errc::limit_exceeded, "address list within max_list");
        const char* p = base + s.pos();
        if (imap::detail::skip_plain_address(p, end)) {
            s.advance(static_cast<std::size_t>(p - (base + s.pos())));
            continue;
        }
        auto a = address(s, opts, syn);
        if (!a) return a.error();
    }
    const auto text = s.since(start);
    s.advance(); // ")"
    return imap::detail::address_list_access::make(text, list_form::list);
}

/// env-from = "(" 1*address ")" / nil                                   (RFC 9051 §9)
MAILWIRE_LAZY constexpr result<imap::address_list> env_from(scanner& s, const parse_options& opts = {}, session_syntax syn = {}) noexcept { return env_address_list(s, opts, syn); }
/// env-sender = "(" 1*address ")" / nil                                 (RFC 9051 §9)
MAILWIRE_LAZY constexpr result<imap::address_list> env_sender(scanner& s, const parse_options& opts = {}, session_syntax syn = {}) noexcept { return env_address_list(s, opts, syn); }
/// env-reply-to = "(" 1*address ")" / nil                               (RFC 9051 §9)
MAILWIRE_LAZY constexpr result<imap::address_list> env_reply_to(scanner& s, const parse_options& opts = {}, session_syntax syn = {}) noexcept { return env_address_list(s, opts, syn); }
/// env-to = "(" 1*address ")" / nil                                     (RFC 9051 §9)
MAILWIRE_LAZY constexpr result<imap::address_list> env_to(scanner& s, const parse_options& opts = {}, session_syntax syn = {}) noexcept { return env_address_list(s, opts, syn); }
/// env-cc = "(" 1*address ")" / nil                                     (RFC 9051 §9)
MAILWIRE_LAZY constexpr result<imap::address_list> env_cc(scanner& s, const parse_options& opts = {}, session_syntax syn = {}) noexcept { return env_address_list(s, opts, syn); }
/// env-bcc = "(" 1*address ")" / nil                                    (RFC 9051 §9)
MAILWIRE_LAZY constexpr result<imap::address_list> env_bcc(scanner& s, const parse_options& opts = {}, session_syntax syn = {}) noexcept { return env_address_list(s, opts, syn); }
/// env-date = nstring                                                   (RFC 9051 §9)
MAILWIRE_LAZY constexpr result<string_value> env_date(scanner& s, const parse_options& opts = {}, session_syntax syn = {}) noexcept { return imap::detail::fast_nstring(s, opts, syn); }
/// env-subject = nstring                                                (RFC 9051 §9)
MAILWIRE_LAZY constexpr result<string_value> env_subject(scanner& s, const parse_options& opts = {}, session_syntax syn = {}) noexcept { return imap::detail::fast_nstring(s, opts, syn); }
/// env-in-reply-to = nstring                                            (RFC 9051 §9)
MAILWIRE_LAZY constexpr result<string_value> env_in_reply_to(scanner& s, const parse_options& opts = {}, session_syntax syn = {}) noexcept { return imap::detail::fast_nstring(s, opts, syn); }
/// env-message-id = nstring                                             (RFC 9051 §9)
MAILWIRE_LAZY constexpr result<string_value> env_message_id(scanner& s, const parse_options& opts = {}, session_syntax syn = {}) noexcept { return imap::detail::fast_nstring(s, opts, syn); }

} // namespace rules

namespace detail {
/// The envelope rule, parsed in place into `e` (for callers that own the storage).
MAILWIRE_LAZY constexpr result<void> envelope_into(scanner& s, envelope& e, const parse_options& opts, session_syntax syn) noexcept {
    if (!s.consume('(')) return s.error(errc::invalid_syntax, "envelope");
    if (auto r = read_nstring(s, e.date, opts, syn); !r) return r;
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    if (auto r = read_nstring(s, e.subject, opts, syn); !r) return r;
    const address_list* previous = nullptr;
    for (address_list* l : {&e.from, &e.sender, &e.reply_to, &e.to, &e.cc, &e.bcc}) {
        if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
        // Servers fill sender and reply-to from From (RFC 9051 §7.5.2): bytes equal to
        // the list just validated, under the same options, are valid as well, and a
        // comparison costs far less than reading them again.
        if (previous != nullptr && previous->form() == list_form::list) {
            const std::string_view text = previous->text();
            const std::string_view rest = s.rest();
            if (rest.size() >= text.size() + 2 && rest[0] == '(' && rest[text.size() + 1] == ')') {
                if (const auto copy = rest.substr(1, text.size()); copy == text) {
                    *l = address_list_access::make(copy, list_form::list);
                    s.advance(text.size() + 2);
                    continue;
                }
            }
        }
        auto v = rules::env_address_list(s, opts, syn);
        if (!v) return v.error();
        *l = *v;
        previous = l;
    }
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    if (auto r = read_nstring(s, e.in_reply_to, opts, syn); !r) return r;
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    if (auto r = read_nstring(s, e.message_id, opts, syn); !r) return r;
    if (!s.consume(')')) return s.error(errc::invalid_syntax, "\")\" ending envelope");
    return {};
}
} // namespace detail

namespace rules {

/// envelope = "(" env-date SP env-subject SP env-from SP env-sender SP env-reply-to SP
///            env-to SP env-cc SP env-bcc SP env-in-reply-to SP env-message-id ")"
///                                                        (RFC 9051 §9; same in RFC 3501)
/// env-date, env-subject, env-in-reply-to and env-message-id are nstrings (env_date() ...);
/// the six address lists are env_address_list().
MAILWIRE_LAZY constexpr result<imap::envelope> envelope(scanner& s, const parse_options& opts = {}, session_syntax syn = {}) noexcept {
    imap::envelope e;
    if (auto r = imap::detail::envelope_into(s, e, opts, syn); !r) return r.error();
    return e;
}

} // namespace rules

/// Parses a whole ENVELOPE value (e.g. for tests and tools).
MAILWIRE_LAZY inline result<envelope> parse_envelope(std::string_view text, const parse_options& opts = {}, session_syntax syn = {}) noexcept {
    return parse_all(text, [&](scanner& s) { return rules::envelope(s, opts, syn); });
}

namespace detail {

template <class OutIt>
OutIt write_address(OutIt out, const address& a) {
    *out++ = '(';
    out = write_response_string(out, a.name);
    *out++ = ' ';
    out = write_response_string(out, a.adl);
    *out++ = ' ';
    out = write_response_string(out, a.mailbox);
    *out++ = ' ';
    out = write_response_string(out, a.host);
    *out++ = ')';
    return out;
}

template <class OutIt>
OutIt write_address_list(OutIt out, const address_list& l) {
    if (l.form() == list_form::nil) return fmt::format_to(out, "NIL");
    *out++ = '(';
    for (auto a : l) out = write_address(out, a);
    *out++ = ')';
    return out;
}

template <class OutIt>
OutIt write_envelope(OutIt out, const envelope& e) {
    *out++ = '(';
    out = write_response_string(out, e.date);
    *out++ = ' ';
    out = write_response_string(out, e.subject);
    for (const address_list* l : {&e.from, &e.sender, &e.reply_to, &e.to, &e.cc, &e.bcc}) {
        *out++ = ' ';
        out = write_address_list(out, *l);
    }
    *out++ = ' ';
    out = write_response_string(out, e.in_reply_to);
    *out++ = ' ';
    out = write_response_string(out, e.message_id);
    *out++ = ')';
    return out;
}

template <class OutIt>
OutIt display_nstring(OutIt out, const string_value& v) {
    if (v.is_nil()) return fmt::format_to(out, "NIL");
    return write_display(out, v.chars());
}

/// Readable: `"Name" <mailbox@host>`, `group "Team":` / `;` for markers.
template <class OutIt>
OutIt display_address(OutIt out, const address& a) {
    if (a.is_group_end()) return fmt::format_to(out, "(group end)");
    if (a.is_group_start()) {
        out = fmt::format_to(out, "group ");
        return display_nstring(out, a.mailbox);
    }
    if (!a.name.is_nil()) {
        out = display_nstring(out, a.name);
        *out++ = ' ';
    }
    *out++ = '<';
    if (!a.adl.is_nil()) {
        for (char c : a.adl.chars()) *out++ = c;
        *out++ = ':';
    }
    for (char c : a.mailbox.chars()) *out++ = (static_cast<unsigned char>(c) < 0x20 ? '?' : c);
    *out++ = '@';
    for (char c : a.host.chars()) *out++ = (static_cast<unsigned char>(c) < 0x20 ? '?' : c);
    *out++ = '>';
    return out;
}

template <class OutIt>
OutIt display_address_list(OutIt out, const address_list& l) {
    if (l.is_nil()) return fmt::format_to(out, "NIL");
    *out++ = '[';
    bool first = true;
    for (auto a : l) {
        if (!first) out = fmt::format_to(out, ", ");
        first = false;
        out = display_address(out, a);
    }
    *out++ = ']';
    return out;
}

template <class OutIt>
OutIt display_envelope(OutIt out, const envelope& e) {
    out = fmt::format_to(out, "envelope{{date=");
    out = display_nstring(out, e.date);
    out = fmt::format_to(out, " subject=");
    out = display_nstring(out, e.subject);
    const char* names[] = {" from=", " sender=", " reply-to=", " to=", " cc=", " bcc="};
    const address_list* lists[] = {&e.from, &e.sender, &e.reply_to, &e.to, &e.cc, &e.bcc};
    for (std::size_t i = 0; i < 6; ++i) {
        out = fmt::format_to(out, "{}", names[i]);
        out = display_address_list(out, *lists[i]);
    }
    out = fmt::format_to(out, " in-reply-to=");
    out = display_nstring(out, e.in_reply_to);
    out = fmt::format_to(out, " message-id=");
    out = display_nstring(out, e.message_id);
    *out++ = '}';
    return out;
}

} // namespace detail

} // namespace mailwire::imap

template <>
struct fmt::formatter<mailwire::imap::address> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::address& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose) return mailwire::imap::detail::display_address(ctx.out(), v);
        if (!check_writable(v)) mailwire::refuse_unsafe_write("address holding a value that cannot be written");
        return mailwire::imap::detail::write_address(ctx.out(), v);
    }
};

template <>
struct fmt::formatter<mailwire::imap::address_list> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::address_list& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose) return mailwire::imap::detail::display_address_list(ctx.out(), v);
        if (!check_writable(v)) mailwire::refuse_unsafe_write("address list that cannot be written");
        return mailwire::imap::detail::write_address_list(ctx.out(), v);
    }
};

template <>
struct fmt::formatter<mailwire::imap::envelope> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::envelope& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose) return mailwire::imap::detail::display_envelope(ctx.out(), v);
        if (!check_writable(v)) mailwire::refuse_unsafe_write("envelope holding a value that cannot be written");
        return mailwire::imap::detail::write_envelope(ctx.out(), v);
    }
};
