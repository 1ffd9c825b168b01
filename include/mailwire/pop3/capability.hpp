// POP3 capabilities, the lines of a CAPA listing (server -> client): RFC 2449 §5-§6, with
// STLS (RFC 2595 §4), SASL (RFC 5034 §3), UTF8 and LANG (RFC 6856 §2-§3) and AUTH-RESP-CODE
// (RFC 3206). The listing as a whole (`capability_listing`) is in pop3/response.hpp.
//
// A parsed capability borrows from the caller's bytes: every std::string_view member points
// into the line given to the parser and lives as long as those bytes do.
//
// This header also holds the small line-level helpers every POP3 response parser shares
// (line ends, text bytes, the RFC 2449 character classes), in mailwire::pop3::detail.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <optional>
#include <string_view>
#include <type_traits>
#include <variant>

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

namespace mailwire::pop3 {

// =====================================================================================
// Shared helpers for POP3 responses
// =====================================================================================
namespace detail {

/// cchar = %x21-2D / %x2F-7F   ; printable ASCII, excluding "."          (RFC 2449 §3)
inline constexpr chars::char_set cchar = chars::char_set::range(0x21, 0x2D) | chars::char_set::range(0x2F, 0x7F);
/// rchar = %x21-2E / %x30-5C / %x5E-7F   ; printable ASCII, excluding "/" and "]"  (RFC 2449 §3)
/// (0x7F is in the RFC's ranges; it is kept to follow the ABNF to the letter.)
inline constexpr chars::char_set rchar =
    chars::char_set::range(0x21, 0x2E) | chars::char_set::range(0x30, 0x5C) | chars::char_set::range(0x5E, 0x7F);
/// param = 1*VCHAR                                                       (RFC 2449 §3)
inline constexpr chars::char_set param_char = chars::vchar;
/// Bytes allowed in human-readable text: anything but NUL, CR and LF. RFC 2449 §3 has
/// `text = *schar / resp-code *CHAR`, but its schar excludes SP, which every example in
/// RFC 1939 contradicts, and RFC 6856 §3.2 makes response text UTF-8 after LANG; so text is
/// read as a run of bytes up to CRLF that cannot break the line.
inline constexpr chars::char_set text_byte = ~chars::char_set(std::string_view("\0\r\n", 3));

/// The limit on one line of a response: RFC 2449 §4's 512 octets in strict mode,
/// `max_line` in lenient mode.
MAILWIRE_LAZY constexpr std::size_t response_line_limit(const parse_options& o) noexcept {
    return o.strict() ? o.pop3_max_response_line : o.max_line;
}

/// CRLF at the cursor; in lenient mode a bare LF too (servers that write Unix line ends).
///   strict: a bare LF is errc::strict_violation at the LF.
MAILWIRE_LAZY constexpr result<void> line_end(scanner& s, const parse_options& o) noexcept {
    if (s.at_end()) return s.error(errc::need_more, "CRLF");
    if (s.peek() == '\r') {
        if (s.remaining() < 2) return parse_error{errc::need_more, s.offset() + 1, "LF"};
        if (s.peek(1) != '\n') return s.error(errc::invalid_syntax, "CRLF");
        s.advance(2);
        return {};
    }
    if (s.peek() == '\n') {
        if (o.strict()) return s.error(errc::strict_violation, "CRLF");
        s.advance();
        return {};
    }
    return s.error(errc::invalid_syntax, "CRLF");
}

/// Where the line starting at the cursor ends: `content` is the line without its line end,
/// the cursor is left after the LF. Only finds the end (strict: the LF must follow a CR);
/// the content's bytes are the caller's to check.
MAILWIRE_LAZY inline result<std::string_view> take_line(scanner& s, const parse_options& o) noexcept {
    const std::size_t start = s.pos();
    const std::string_view rest = s.rest();
    const void* hit = rest.empty() ? nullptr : std::memchr(rest.data(), '\n', rest.size());
    if (!hit) {
        // A CR that is not the last byte can no longer be part of CRLF.
        const void* cr = rest.empty() ? nullptr : std::memchr(rest.data(), '\r', rest.size());
        if (cr && static_cast<const char*>(cr) + 1 != rest.data() + rest.size())
            return parse_error{errc::invalid_syntax, s.offset() + static_cast<std::size_t>(static_cast<const char*>(cr) - rest.data()),
                               "CRLF"};
        return parse_error{errc::need_more, s.offset() + rest.size(), "CRLF"};
    }
    const auto lf = static_cast<std::size_t>(static_cast<const char*>(hit) - rest.data());
    std::size_t end = lf;
    if (end > 0 && rest[end - 1] == '\r') --end;
    else if (o.strict()) return parse_error{errc::strict_violation, s.offset() + lf, "CRLF"};
    s.advance(lf + 1);
    return s.input().substr(start, end);
}

/// Text to the end of the line (no NUL, CR or LF), line end consumed.
MAILWIRE_LAZY inline result<std::string_view> text_to_line_end(scanner& s, const parse_options& o, std::string_view what) noexcept {
    const std::size_t base = s.offset();
    auto line = take_line(s, o);
    if (!line) return line.error();
    const std::size_t bad = text_byte.span(*line);
    if (bad != line->size()) return parse_error{errc::invalid_syntax, base + bad, what};
    return *line;
}

/// Fails with limit_exceeded when the line that began at `start` (a scanner pos) and ended
/// at the cursor, line end included, is longer than `limit`.
MAILWIRE_LAZY constexpr result<void> check_line_length(const scanner& s, std::size_t start, std::size_t limit) noexcept {
    if (s.pos() - start > limit) return s.error_at(start + limit, errc::limit_exceeded, "shorter line");
    return {};
}

/// A need_more that comes after `limit` or more bytes of one line is a limit_exceeded: the
/// line end is still to come, so no more bytes could make the line acceptable
/// (pop3::response_reader says the same of such a line).
MAILWIRE_LAZY constexpr parse_error limit_or(parse_error e, const scanner& s, std::size_t start, std::size_t limit) noexcept {
    if (e.code == errc::need_more && s.input().size() - start >= limit)
        return s.error_at(start + limit, errc::limit_exceeded, "shorter line");
    return e;
}

/// Appends `s` to a verbose dump as a double-quoted string, escaping what is not printable.
template <class Out>
Out quoted(Out out, std::string_view s) {
    *out++ = '"';
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            *out++ = '\\';
            *out++ = c;
        } else if (u >= 0x20 && u < 0x7F) {
            *out++ = c;
        } else {
            constexpr char hex[] = "0123456789abcdef";
            *out++ = '\\';
            *out++ = 'x';
            *out++ = hex[u >> 4];
            *out++ = hex[u & 15];
        }
    }
    *out++ = '"';
    return out;
}

/// Appends raw bytes to a formatter's output: short runs byte by byte (no format string
/// to interpret), long ones through fmt's bulk copy.
template <class Out>
Out put(Out out, std::string_view s) {
    if (s.size() > 64) return fmt::format_to(out, "{}", s);
    for (char c : s) *out++ = c;
    return out;
}

/// True when `s` is one or more params separated by single SPs (RFC 2449 §3 `*(SP param)`).
MAILWIRE_LAZY constexpr bool is_param_list(std::string_view s) noexcept {
    if (s.empty()) return false;
    bool prev_sp = true;
    for (char c : s) {
        if (c == ' ') {
            if (prev_sp) return false;
            prev_sp = true;
        } else if (param_char(c)) {
            prev_sp = false;
        } else {
            return false;
        }
    }
    return !prev_sp;
}

} // namespace detail

// =====================================================================================
// Space-separated words (SASL mechanism names), zero-copy
// =====================================================================================

/// A forward range over the SP-separated words of a view (empty words skipped).
class word_range {
public:
    class iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = std::string_view;
        using difference_type = std::ptrdiff_t;
        using pointer = const std::string_view*;
        using reference = std::string_view;

        constexpr iterator() noexcept = default;
        constexpr iterator(std::string_view rest) noexcept : rest_(rest) { settle(); }
        constexpr std::string_view operator*() const noexcept { return rest_.substr(0, len_); }
        constexpr iterator& operator++() noexcept {
            rest_.remove_prefix(len_);
            settle();
            return *this;
        }
        constexpr iterator operator++(int) noexcept { auto t = *this; ++*this; return t; }
        friend constexpr bool operator==(const iterator& a, const iterator& b) noexcept {
            return a.rest_.size() == b.rest_.size();
        }

    private:
        constexpr void settle() noexcept {
            while (!rest_.empty() && rest_.front() == ' ') rest_.remove_prefix(1);
            len_ = 0;
            while (len_ < rest_.size() && rest_[len_] != ' ') ++len_;
        }
        std::string_view rest_{};
        std::size_t len_ = 0;
    };

    constexpr word_range() noexcept = default;
    constexpr explicit word_range(std::string_view s) noexcept : s_(s) {}
    constexpr iterator begin() const noexcept { return iterator(s_); }
    constexpr iterator end() const noexcept { return iterator(s_.substr(s_.size())); }
    constexpr bool empty() const noexcept { return begin() == end(); }
    constexpr std::size_t size() const noexcept {
        return mailwire::detail::count_elements(*this);
    }

private:
    std::string_view s_{};
};

// =====================================================================================
// Capabilities
// =====================================================================================

/// One struct per capability of RFC 2449 §6 and its successors; `unknown` keeps any other
/// (X-extensions, later RFCs) exactly as sent. CAPA tags are case-insensitive (RFC 2449 §5):
/// "top" parses as cap::top and is written back as "TOP".
namespace cap {

/// TOP: the TOP command is available                           (RFC 2449 §6.1)
struct top { friend constexpr bool operator==(const top&, const top&) = default; };
/// USER: USER and PASS are available                           (RFC 2449 §6.2)
struct user { friend constexpr bool operator==(const user&, const user&) = default; };
/// SASL mechanism*: AUTH is available with these mechanisms    (RFC 5034 §3, RFC 2449 §6.3)
struct sasl {
    std::string_view mechanisms; ///< the SP-separated list as sent; may be empty
    /// Each mechanism name, zero-copy.
    constexpr word_range names() const noexcept { return word_range(mechanisms); }
    /// Whether `mech` is offered (case-insensitive, as SASL mechanism names are compared).
    constexpr bool supports(std::string_view mech) const noexcept {
        for (auto m : names())
            if (chars::iequals(m, mech)) return true;
        return false;
    }
    friend constexpr bool operator==(const sasl&, const sasl&) = default;
};
/// RESP-CODES: text beginning with "[" is a response code      (RFC 2449 §6.4)
struct resp_codes { friend constexpr bool operator==(const resp_codes&, const resp_codes&) = default; };
/// LOGIN-DELAY seconds [USER]                                  (RFC 2449 §6.5)
struct login_delay {
    std::uint32_t seconds = 0;
    bool per_user = false; ///< "USER": a more accurate value follows authentication
    friend constexpr bool operator==(const login_delay&, const login_delay&) = default;
};
/// PIPELINING                                                  (RFC 2449 §6.6)
struct pipelining { friend constexpr bool operator==(const pipelining&, const pipelining&) = default; };
/// EXPIRE (days / NEVER) [USER]                                (RFC 2449 §6.7)
struct expire {
    std::optional<std::uint32_t> days; ///< nullopt for NEVER
    bool per_user = false;             ///< "USER"
    constexpr bool never() const noexcept { return !days.has_value(); }
    friend constexpr bool operator==(const expire&, const expire&) = default;
};
/// UIDL                                                        (RFC 2449 §6.8)
struct uidl { friend constexpr bool operator==(const uidl&, const uidl&) = default; };
/// IMPLEMENTATION text  ; one or more params                   (RFC 2449 §6.9)
struct implementation {
    std::string_view text;
    friend constexpr bool operator==(const implementation&, const implementation&) = default;
};
/// STLS                                                        (RFC 2595 §4)
struct stls { friend constexpr bool operator==(const stls&, const stls&) = default; };
/// UTF8 [USER]                                                 (RFC 6856 §2, §2.2)
struct utf8 {
    bool user = false; ///< "USER": UTF-8 user names and passwords are accepted
    friend constexpr bool operator==(const utf8&, const utf8&) = default;
};
/// LANG                                                        (RFC 6856 §3)
struct lang { friend constexpr bool operator==(const lang&, const lang&) = default; };
/// AUTH-RESP-CODE: the AUTH response code is used              (RFC 3206 §6)
struct auth_resp_code { friend constexpr bool operator==(const auth_resp_code&, const auth_resp_code&) = default; };
/// Any other capability, kept as sent (tag case preserved). Also, in lenient mode, a known
/// tag whose arguments do not fit its definition.
struct unknown {
    std::string_view tag;
    std::string_view arguments; ///< everything after the tag's SP; empty when none
    friend constexpr bool operator==(const unknown&, const unknown&) = default;
};

} // namespace cap

using capability = std::variant<cap::top, cap::user, cap::sasl, cap::resp_codes, cap::login_delay,
                                cap::pipelining, cap::expire, cap::uidl, cap::implementation, cap::stls,
                                cap::utf8, cap::lang, cap::auth_resp_code, cap::unknown>;

namespace detail {
template <class T> struct cap_tag;
template <> struct cap_tag<cap::top> { static constexpr std::string_view value = "TOP"; };
template <> struct cap_tag<cap::user> { static constexpr std::string_view value = "USER"; };
template <> struct cap_tag<cap::sasl> { static constexpr std::string_view value = "SASL"; };
template <> struct cap_tag<cap::resp_codes> { static constexpr std::string_view value = "RESP-CODES"; };
template <> struct cap_tag<cap::login_delay> { static constexpr std::string_view value = "LOGIN-DELAY"; };
template <> struct cap_tag<cap::pipelining> { static constexpr std::string_view value = "PIPELINING"; };
template <> struct cap_tag<cap::expire> { static constexpr std::string_view value = "EXPIRE"; };
template <> struct cap_tag<cap::uidl> { static constexpr std::string_view value = "UIDL"; };
template <> struct cap_tag<cap::implementation> { static constexpr std::string_view value = "IMPLEMENTATION"; };
template <> struct cap_tag<cap::stls> { static constexpr std::string_view value = "STLS"; };
template <> struct cap_tag<cap::utf8> { static constexpr std::string_view value = "UTF8"; };
template <> struct cap_tag<cap::lang> { static constexpr std::string_view value = "LANG"; };
template <> struct cap_tag<cap::auth_resp_code> { static constexpr std::string_view value = "AUTH-RESP-CODE"; };

template <class T> inline constexpr bool is_cap_v = false;
#define MAILWIRE_POP3_CAP_(T) template <> inline constexpr bool is_cap_v<cap::T> = true;
MAILWIRE_POP3_CAP_(top) MAILWIRE_POP3_CAP_(user) MAILWIRE_POP3_CAP_(sasl) MAILWIRE_POP3_CAP_(resp_codes)
MAILWIRE_POP3_CAP_(login_delay) MAILWIRE_POP3_CAP_(pipelining) MAILWIRE_POP3_CAP_(expire)
MAILWIRE_POP3_CAP_(uidl) MAILWIRE_POP3_CAP_(implementation) MAILWIRE_POP3_CAP_(stls)
MAILWIRE_POP3_CAP_(utf8) MAILWIRE_POP3_CAP_(lang) MAILWIRE_POP3_CAP_(auth_resp_code) MAILWIRE_POP3_CAP_(unknown)
#undef MAILWIRE_POP3_CAP_
} // namespace detail

/// The capability's tag: the canonical upper-case name, or an unknown one's tag as sent.
MAILWIRE_LAZY constexpr std::string_view capability_name(const capability& c) noexcept {
    return std::visit(
        [](const auto& v) -> std::string_view {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, cap::unknown>) return v.tag;
            else return detail::cap_tag<T>::value;
        },
        c);
}

namespace detail {

/// Arguments of a known capability, decoded from its params. On failure, the offset of the
/// byte that does not fit (absolute) and what was expected.
MAILWIRE_LAZY inline result<capability> typed_capability(std::string_view tag, std::string_view args, std::size_t args_base) noexcept {
    using chars::iequals;
    auto no_args = [&](auto value) -> result<capability> {
        if (!args.empty()) return parse_error{errc::invalid_argument, args_base, "no arguments"};
        return capability{value};
    };
    // "USER" as the optional last token of LOGIN-DELAY, EXPIRE and UTF8.
    auto user_suffix = [&](scanner& s, bool& per_user) -> result<void> {
        if (s.at_end()) return {};
        if (!s.consume(' ')) return s.error(errc::invalid_argument, "SP \"USER\"");
        if (!s.consume_ci("USER")) return s.error(errc::invalid_argument, "\"USER\"");
        if (!s.at_end()) return s.error(errc::invalid_argument, "end of arguments");
        per_user = true;
        return {};
    };

    if (iequals(tag, "TOP")) return no_args(cap::top{});
    if (iequals(tag, "USER")) return no_args(cap::user{});
    if (iequals(tag, "RESP-CODES")) return no_args(cap::resp_codes{});
    if (iequals(tag, "PIPELINING")) return no_args(cap::pipelining{});
    if (iequals(tag, "UIDL")) return no_args(cap::uidl{});
    if (iequals(tag, "STLS")) return no_args(cap::stls{});
    if (iequals(tag, "LANG")) return no_args(cap::lang{});
    if (iequals(tag, "AUTH-RESP-CODE")) return no_args(cap::auth_resp_code{});
    if (iequals(tag, "SASL")) return capability{cap::sasl{args}};
    if (iequals(tag, "IMPLEMENTATION")) {
        if (args.empty()) return parse_error{errc::invalid_argument, args_base, "implementation text"};
        return capability{cap::implementation{args}};
    }
    if (iequals(tag, "LOGIN-DELAY")) {
        scanner s(args, args_base);
        auto n = number(s);
        if (!n) return parse_error{n.error().code == errc::number_out_of_range ? errc::number_out_of_range : errc::invalid_argument,
                                   n.error().offset, "seconds"};
        cap::login_delay v{*n, false};
        if (auto u = user_suffix(s, v.per_user); !u) return u.error();
        return capability{v};
    }
    if (iequals(tag, "EXPIRE")) {
        scanner s(args, args_base);
        cap::expire v;
        if (!s.consume_ci("NEVER")) {
            auto n = number(s);
            if (!n) return parse_error{n.error().code == errc::number_out_of_range ? errc::number_out_of_range : errc::invalid_argument,
                                       n.error().offset, "days or \"NEVER\""};
            v.days = *n;
        }
        if (auto u = user_suffix(s, v.per_user); !u) return u.error();
        return capability{v};
    }
    if (iequals(tag, "UTF8")) {
        scanner s(args, args_base);
        cap::utf8 v;
        if (!s.at_end()) {
            if (!s.consume_ci("USER")) return s.error(errc::invalid_argument, "\"USER\"");
            if (!s.at_end()) return s.error(errc::invalid_argument, "end of arguments");
            v.user = true;
        }
        return capability{v};
    }
    return capability{cap::unknown{tag, args}};
}

/// capability = capa-tag *(SP param) CRLF   ;512 octets maximum
/// capa-tag   = 1*cchar
/// param      = 1*VCHAR                                           (RFC 2449 §3)
///
/// Consumes one line at the cursor, line end included. A known tag with arguments that do
/// not fit (RFC 2449 §6, RFC 6856 §2) is errc::invalid_argument in strict mode and is kept
/// as cap::unknown in lenient mode.
MAILWIRE_LAZY inline result<capability> capability_line(scanner& s, const parse_options& o) noexcept {
    const std::size_t start = s.pos();
    const std::size_t limit = response_line_limit(o);
    const std::string_view tag = s.take_while(cchar);
    if (tag.empty()) {
        if (s.at_end()) return limit_or(s.error(errc::need_more, "capa-tag"), s, start, limit);
        return s.error(errc::invalid_syntax, "capa-tag");
    }
    std::size_t args_pos = s.pos();
    while (s.peek_is(' ')) {
        s.advance();
        if (s.take_while(param_char).empty()) {
            if (s.at_end()) return limit_or(s.error(errc::need_more, "param"), s, start, limit);
            return s.error(errc::invalid_syntax, "param");
        }
    }
    std::string_view args = s.since(args_pos);
    if (!args.empty()) {
        args.remove_prefix(1);
        ++args_pos;
    }
    if (auto e = line_end(s, o); !e) return limit_or(e.error(), s, start, limit);
    if (auto l = check_line_length(s, start, limit); !l) return l.error();
    auto typed = typed_capability(tag, args, s.offset() - s.pos() + args_pos);
    if (!typed) {
        if (o.strict()) return typed.error();
        return capability{cap::unknown{tag, args}};
    }
    return typed;
}

} // namespace detail

/// One capability line, terminator included ("SASL PLAIN\r\n"), as a CAPA listing holds it.
MAILWIRE_LAZY inline result<capability> parse_capability(std::string_view line, const parse_options& o = {}) noexcept {
    scanner s(line);
    auto c = detail::capability_line(s, o);
    if (!c) return c;
    if (!s.at_end()) return s.error(errc::invalid_syntax, "end of line");
    return c;
}

// ---- writing ----------------------------------------------------------------------

namespace detail {
/// What would break the framing of a CAPA listing: a line end inside, or a line that
/// reads as the terminator ".". Checked by the formatter, which must never emit either.
MAILWIRE_LAZY constexpr const char* capability_unsafe(const capability& c) noexcept {
    return std::visit(
        [](const auto& v) -> const char* {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, cap::sasl>) {
                if (breaks_line(v.mechanisms)) return "SASL mechanisms with CR, LF or NUL";
            } else if constexpr (std::is_same_v<T, cap::implementation>) {
                if (breaks_line(v.text)) return "IMPLEMENTATION text with CR, LF or NUL";
            } else if constexpr (std::is_same_v<T, cap::unknown>) {
                if (v.tag.empty() || v.tag.front() == '.') return "capability tag empty or starting with '.'";
                if (breaks_line(v.tag) || breaks_line(v.arguments)) return "capability with CR, LF or NUL";
            }
            return nullptr;
        },
        c);
}
} // namespace detail

// check_writable for capabilities lives in namespace cap: `capability` is a std::variant, and
// argument-dependent lookup (as in to_wire()) searches the namespaces of its alternatives.
namespace cap {

/// Refuses a capability that would not parse back to itself (strict mode): a tag outside
/// capa-tag, arguments that are not `*(SP param)`, an unknown whose tag is a known one
/// (it would parse as that capability).
MAILWIRE_LAZY inline result<void> check_writable(const capability& c) noexcept {
    if (const char* why = detail::capability_unsafe(c)) return unsafe(why);
    return std::visit(
        [](const auto& v) -> result<void> {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, cap::sasl>) {
                if (!v.mechanisms.empty() && !detail::is_param_list(v.mechanisms))
                    return unsafe("SASL mechanisms: params separated by single SP");
            } else if constexpr (std::is_same_v<T, cap::implementation>) {
                if (!detail::is_param_list(v.text)) return unsafe("IMPLEMENTATION text: params separated by single SP");
            } else if constexpr (std::is_same_v<T, cap::unknown>) {
                if (!detail::cchar.all_of(v.tag)) return unsafe("capa-tag");
                if (!v.arguments.empty() && !detail::is_param_list(v.arguments))
                    return unsafe("capability arguments: params separated by single SP");
                // A known tag would parse as that capability, or fail in strict mode.
                auto typed = detail::typed_capability(v.tag, v.arguments, 0);
                if (!typed || !std::holds_alternative<cap::unknown>(*typed))
                    return unsafe("unknown capability with the tag of a known one");
            }
            return {};
        },
        c);
}

template <class T, std::enable_if_t<detail::is_cap_v<T>, int> = 0>
inline result<void> check_writable(const T& c) noexcept {
    return check_writable(capability{c});
}

} // namespace cap

using cap::check_writable;

namespace detail {
/// Writes one capability line, CRLF included (or its verbose dump).
template <class Out>
Out write_capability(Out out, const capability& c, bool verbose) {
    if (!verbose)
        if (const char* why = capability_unsafe(c)) refuse_unsafe_write(why);
    return std::visit(
        [&](const auto& v) -> Out {
            using T = std::decay_t<decltype(v)>;
            if (verbose) {
                if constexpr (std::is_same_v<T, cap::sasl>) {
                    out = put(out, "SASL[");
                    bool first = true;
                    for (auto m : v.names()) {
                        if (!first) *out++ = ' ';
                        first = false;
                        out = put(out, m);
                    }
                    *out++ = ']';
                    return out;
                } else if constexpr (std::is_same_v<T, cap::login_delay>) {
                    return fmt::format_to(out, "LOGIN-DELAY{{seconds={}{}}}", v.seconds, v.per_user ? ", per-user" : "");
                } else if constexpr (std::is_same_v<T, cap::expire>) {
                    if (v.days) return fmt::format_to(out, "EXPIRE{{days={}{}}}", *v.days, v.per_user ? ", per-user" : "");
                    return fmt::format_to(out, "EXPIRE{{never{}}}", v.per_user ? ", per-user" : "");
                } else if constexpr (std::is_same_v<T, cap::utf8>) {
                    return put(out, v.user ? "UTF8{user}" : "UTF8");
                } else if constexpr (std::is_same_v<T, cap::implementation>) {
                    out = put(out, "IMPLEMENTATION ");
                    return quoted(out, v.text);
                } else if constexpr (std::is_same_v<T, cap::unknown>) {
                    out = put(out, "unknown ");
                    out = quoted(out, v.tag);
                    if (!v.arguments.empty()) {
                        *out++ = ' ';
                        out = quoted(out, v.arguments);
                    }
                    return out;
                } else {
                    return put(out, cap_tag<T>::value);
                }
            }
            if constexpr (std::is_same_v<T, cap::sasl>) {
                out = put(out, "SASL");
                if (!v.mechanisms.empty()) {
                    *out++ = ' ';
                    out = put(out, v.mechanisms);
                }
            } else if constexpr (std::is_same_v<T, cap::login_delay>) {
                out = fmt::format_to(out, "LOGIN-DELAY {}{}", v.seconds, v.per_user ? " USER" : "");
            } else if constexpr (std::is_same_v<T, cap::expire>) {
                if (v.days) out = fmt::format_to(out, "EXPIRE {}", *v.days);
                else out = put(out, "EXPIRE NEVER");
                if (v.per_user) out = put(out, " USER");
            } else if constexpr (std::is_same_v<T, cap::utf8>) {
                out = put(out, v.user ? "UTF8 USER" : "UTF8");
            } else if constexpr (std::is_same_v<T, cap::implementation>) {
                out = put(out, "IMPLEMENTATION ");
                out = put(out, v.text);
            } else if constexpr (std::is_same_v<T, cap::unknown>) {
                out = put(out, v.tag);
                if (!v.arguments.empty()) {
                    *out++ = ' ';
                    out = put(out, v.arguments);
                }
            } else {
                out = put(out, cap_tag<T>::value);
            }
            *out++ = '\r';
            *out++ = '\n';
            return out;
        },
        c);
}
} // namespace detail

} // namespace mailwire::pop3

/// `{}`: the capability line as sent in a CAPA listing, CRLF included; `{:v}`: a dump.
template <>
struct fmt::formatter<mailwire::pop3::capability> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::pop3::capability& c, FormatContext& ctx) const -> decltype(ctx.out()) {
        return mailwire::pop3::detail::write_capability(ctx.out(), c, pres == mailwire::presentation::verbose);
    }
};

#define MAILWIRE_POP3_CAP_FORMATTER_(T)                                                                   \
    template <>                                                                                           \
    struct fmt::formatter<mailwire::pop3::cap::T> : mailwire::formatter_base {                            \
        template <class FormatContext>                                                                    \
        auto format(const mailwire::pop3::cap::T& c, FormatContext& ctx) const -> decltype(ctx.out()) {  \
            return mailwire::pop3::detail::write_capability(ctx.out(), mailwire::pop3::capability{c},     \
                                                            pres == mailwire::presentation::verbose);     \
        }                                                                                                 \
    };
MAILWIRE_POP3_CAP_FORMATTER_(top)
MAILWIRE_POP3_CAP_FORMATTER_(user)
MAILWIRE_POP3_CAP_FORMATTER_(sasl)
MAILWIRE_POP3_CAP_FORMATTER_(resp_codes)
MAILWIRE_POP3_CAP_FORMATTER_(login_delay)
MAILWIRE_POP3_CAP_FORMATTER_(pipelining)
MAILWIRE_POP3_CAP_FORMATTER_(expire)
MAILWIRE_POP3_CAP_FORMATTER_(uidl)
MAILWIRE_POP3_CAP_FORMATTER_(implementation)
MAILWIRE_POP3_CAP_FORMATTER_(stls)
MAILWIRE_POP3_CAP_FORMATTER_(utf8)
MAILWIRE_POP3_CAP_FORMATTER_(lang)
MAILWIRE_POP3_CAP_FORMATTER_(auth_resp_code)
MAILWIRE_POP3_CAP_FORMATTER_(unknown)
#undef MAILWIRE_POP3_CAP_FORMATTER_
