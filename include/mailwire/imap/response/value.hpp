// Generic IMAP values (server -> client): the tokenized form every response is made of
// (atoms, numbers, strings, literals, NIL and nested parenthesized lists). Unknown
// untagged responses, unknown FETCH items and the parts of known responses that are lists
// of extension data are kept as a `value_list`: the validated bytes plus a lazy iterator
// that re-reads them, so nothing is allocated and nothing is copied.
//
// Lifetime: a value_list is a view into the message it was parsed from.
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
#include <mailwire/imap/rules/mutf7.hpp>
#include <mailwire/imap/rules/string.hpp>

namespace mailwire::imap {

/// What a generic value is.
enum class value_kind : std::uint8_t {
    atom,   ///< a bare token (may hold "[...]" groups, e.g. BODY[HEADER.FIELDS (DATE)]<0>)
    number, ///< a bare token of digits only
    string, ///< quoted, literal or literal8 (see str.form)
    nil,    ///< NIL, any case
    list,   ///< "(" ... ")"
};

MAILWIRE_LAZY constexpr std::string_view to_string(value_kind k) noexcept {
    switch (k) {
    case value_kind::atom: return "atom";
    case value_kind::number: return "number";
    case value_kind::string: return "string";
    case value_kind::nil: return "nil";
    case value_kind::list: return "list";
    }
    return "?";
}

struct value;

namespace detail::resp {
/// Bytes of a generic bare token: anything but SP, CTL, "(", ")", DQUOTE, "{", 8-bit; "["
/// opens a group that runs to its "]" and may hold SP and parentheses (section specifiers).
/// No "{" (an atom-special): a token ending in "{5}" before CRLF would be one thing to this
/// parser and a literal announcement to every framer (RFC 7888 §3).
inline constexpr chars::char_set generic_token_char =
    chars::char7 - chars::ctl - chars::char_set(" ()\"{");

struct value_scan {
    std::size_t len = 0;      ///< bytes of the value
    value_kind kind = value_kind::atom;
};
} // namespace detail::resp

/// A sequence of generic values separated by SP (adjacent lists may touch: ")(" as in
/// BODYSTRUCTURE and THREAD), validated when parsed. Iterating yields `value`s.
class value_list {
public:
    class iterator;
    constexpr value_list() noexcept = default;
    /// Validates `text` (the inside of a list, or the rest of a line) and views it.
    static constexpr result<value_list> parse(std::string_view text, const parse_options& opts = {});

    constexpr std::string_view text() const noexcept { return text_; }
    constexpr bool empty() const noexcept { return text_.empty(); }
    constexpr parse_mode mode() const noexcept { return mode_; }
    constexpr iterator begin() const noexcept;
    constexpr iterator end() const noexcept;
    constexpr std::size_t size() const noexcept;

    friend constexpr bool operator==(const value_list& a, const value_list& b) noexcept;

    // Used by the parsers that validated `t`.
    static constexpr value_list make(std::string_view t, parse_mode m) noexcept {
        value_list l;
        l.text_ = t;
        l.mode_ = m;
        return l;
    }

private:
    std::string_view text_;
    parse_mode mode_ = parse_mode::strict;
};

/// One generic value.
struct value {
    value_kind kind = value_kind::nil;
    /// atom / number: the token (form atom). string: the string. nil: NIL.
    string_value str = string_value::nil();
    /// list: the items.
    value_list items;
    /// Whether SP came before this value in its list (false only for the first item and
    /// for a list that touches the list before it).
    bool sp_before = false;

    constexpr bool is_nil() const noexcept { return kind == value_kind::nil; }
    constexpr bool is_list() const noexcept { return kind == value_kind::list; }
    /// atom/number text, or a string's raw text.
    constexpr std::string_view text() const noexcept { return str.text; }
    /// The number, for value_kind::number (0 when it does not fit 63 bits).
    constexpr std::uint64_t number() const noexcept {
        auto r = parse_number64(str.text);
        return r ? *r : 0;
    }
    /// Equal kind and content (strings by decoded content, atoms exactly, lists item by item).
    friend constexpr bool operator==(const value& a, const value& b) noexcept {
        if (a.kind != b.kind || a.sp_before != b.sp_before) return false;
        switch (a.kind) {
        case value_kind::nil: return true;
        case value_kind::list: return a.items == b.items;
        case value_kind::string: return a.str == b.str;
        default: return a.str.text == b.str.text;
        }
    }
};

namespace detail::resp {

/// Scans one value that is not a list (quoted, literal, literal8, NIL or a bare token).
MAILWIRE_LAZY constexpr result<value_scan> scan_leaf(scanner& s, const parse_options& opts) noexcept {
    const std::size_t start = s.pos();
    const char c = s.peek();
    if (s.at_end()) return s.error(errc::invalid_syntax, "value");
    if (c == '"') {
        auto q = rules::quoted(s, opts, session_syntax{true});
        if (!q) return q.error();
        return value_scan{s.pos() - start, value_kind::string};
    }
    if (c == '{' || (c == '~' && s.peek(1) == '{')) {
        auto l = c == '~' ? rules::literal8(s, opts) : rules::literal(s, opts);
        if (!l) return l.error();
        return value_scan{s.pos() - start, value_kind::string};
    }
    // A bare token, with "[...]" groups.
    bool all_digits = true;
    for (;;) {
        if (s.at_end()) break;
        const char d = s.peek();
        if (d == '[') {
            s.advance();
            for (;;) {
                if (s.at_end() || s.peek() == '\r' || s.peek() == '\n') return s.error(errc::invalid_syntax, "\"]\"");
                const char e = s.peek();
                if (static_cast<unsigned char>(e) >= 0x80 && opts.strict())
                    return s.error(errc::strict_violation, "7-bit token (8-bit bytes are a server quirk)");
                if (e == '\0') return s.error(errc::invalid_syntax, "CHAR");
                s.advance();
                if (e == ']') break;
            }
            all_digits = false;
            continue;
        }
        if (static_cast<unsigned char>(d) >= 0x80) {
            if (opts.strict()) return s.error(errc::strict_violation, "7-bit token (8-bit bytes are a server quirk)");
            s.advance();
            all_digits = false;
            continue;
        }
        if (!generic_token_char(d)) break;
        if (!chars::digit(d)) all_digits = false;
        s.advance();
    }
    const auto tok = s.since(start);
    if (tok.empty()) return s.error(errc::invalid_syntax, "value");
    if (chars::iequals(tok, "NIL")) return value_scan{tok.size(), value_kind::nil};
    return value_scan{tok.size(), all_digits ? value_kind::number : value_kind::atom};
}

/// *(value SP) until ")" (in_list) or the end of the line (CR, LF or end of input).
/// Lenient mode accepts doubled SP and SP before ")" / the line end (Exchange, Yahoo).
/// `depth` counts the parentheses already open in the message; a "(" that would open one
/// more than opts.depth_limit() is limit_exceeded at the "(". Nested lists are read by
/// this one loop, not by recursion: the stack it uses does not grow with the nesting.
MAILWIRE_LAZY constexpr result<void> scan_values(scanner& s, const parse_options& opts, std::size_t depth, bool in_list) noexcept {
    // Items read so far in each list open here (level 0: the caller's list or line).
    std::size_t counts[max_depth_ceiling + 1];
    std::size_t level = 0;
    counts[0] = 0;
    bool prev_list = false;
    bool first = true;
    for (;;) {
        const bool inside = in_list || level > 0;
        const char c = s.peek();
        if (s.at_end() || c == '\r' || c == '\n' || (inside && c == ')')) {
            if (inside && c != ')') return s.error(errc::invalid_syntax, "\")\"");
            if (level == 0) return {};
            s.advance(); // ")" ends the list at `level`: an item of the level around it
            --level;
            prev_list = true;
            first = false;
            continue;
        }
        if (!first) {
            const std::size_t sp_at = s.pos();
            std::size_t n = 0;
            while (s.consume(' ')) ++n;
            const char d = s.peek();
            const bool ends = s.at_end() || d == '\r' || d == '\n' || (inside && d == ')');
            if (n == 0) {
                if (!(prev_list && d == '(')) return s.error(errc::invalid_syntax, inside ? "SP or \")\"" : "SP or CRLF");
            } else if (n > 1 || ends) {
                if (opts.strict())
                    return s.error_at(n > 1 ? sp_at + 1 : sp_at, errc::strict_violation,
                                      "single SP between values (doubled or trailing SP is a server quirk)");
                if (ends) continue;
            }
        }
        if (++counts[level] > opts.max_list) return s.error(errc::limit_exceeded, "list within max_list");
        if (s.peek_is('(')) {
            if (depth + level + 1 > opts.depth_limit()) return s.error(errc::limit_exceeded, "nesting within max_depth");
            s.advance();
            counts[++level] = 0;
            prev_list = false;
            first = true;
            continue;
        }
        auto v = scan_leaf(s, opts);
        if (!v) return v.error();
        prev_list = false;
        first = false;
    }
}

/// Scans one generic value at `s` (the caller only uses the scanner's position on
/// success). `depth` counts the parentheses already open in the message; one more over
/// opts.depth_limit() is limit_exceeded at the "(".
MAILWIRE_LAZY constexpr result<value_scan> scan_value(scanner& s, const parse_options& opts, std::size_t depth) noexcept {
    const std::size_t start = s.pos();
    if (!s.peek_is('(')) return scan_leaf(s, opts);
    if (depth + 1 > opts.depth_limit()) return s.error(errc::limit_exceeded, "nesting within max_depth");
    s.advance();
    if (auto r = scan_values(s, opts, depth + 1, true); !r) return r.error();
    s.advance(); // ")"
    return value_scan{s.pos() - start, value_kind::list};
}

/// Options for re-reading already validated text: no limits, the mode it was parsed in.
MAILWIRE_LAZY constexpr parse_options reread_options(parse_mode m) noexcept {
    (void)m;
    return parse_options::make_unlimited();
}

/// Reads the value at the start of `rest` (validated text).
MAILWIRE_LAZY constexpr value read_value(std::string_view rest, std::size_t& len) noexcept {
    scanner s(rest);
    const auto o = reread_options(parse_mode::lenient);
    value v;
    auto r = scan_value(s, o, 0);
    if (!r) { len = rest.size(); return v; }
    len = r->len;
    const auto tok = rest.substr(0, r->len);
    v.kind = r->kind;
    switch (r->kind) {
    case value_kind::list: v.items = value_list::make(tok.substr(1, tok.size() - 2), parse_mode::lenient); break;
    case value_kind::nil: v.str.set_nil(); break;
    case value_kind::string: {
        scanner t(tok);
        auto sv = rules::string(t, o, session_syntax{true});
        if (tok[0] == '~') {
            scanner u(tok);
            auto l = rules::literal8(u, o);
            if (l) v.str = string_value::from(*l);
        } else if (sv) {
            v.str = *sv;
        }
        break;
    }
    default: v.str = string_value{string_form::atom, tok, false, false}; break;
    }
    return v;
}

/// What one step of a value_cursor met.
enum class value_step : std::uint8_t { end, open, close, leaf };

/// Walks validated value text one token at a time, into and out of lists: "(" and ")" are
/// steps of their own, so writing, checking and comparing nested values is a loop, and
/// the stack it uses does not grow with the nesting (see max_depth_ceiling).
class value_cursor {
public:
    constexpr explicit value_cursor(std::string_view text) noexcept : rest_(text) {}
    /// The next step. For open and leaf, `v` is the value (for a list, only its kind and
    /// sp_before) and `first` says whether it is the first item of its list.
    constexpr value_step next(value& v, bool& first) noexcept {
        bool sp = false;
        while (!rest_.empty() && rest_.front() == ' ') {
            rest_.remove_prefix(1);
            sp = true;
        }
        if (rest_.empty()) return value_step::end;
        first = first_;
        if (rest_.front() == ')') {
            rest_.remove_prefix(1);
            first_ = false;
            return value_step::close;
        }
        if (rest_.front() == '(') {
            rest_.remove_prefix(1);
            v = value{};
            v.kind = value_kind::list;
            v.sp_before = sp && !first;
            first_ = true;
            return value_step::open;
        }
        std::size_t len = 0;
        v = read_value(rest_, len);
        v.sp_before = sp && !first;
        rest_.remove_prefix(len);
        first_ = false;
        return value_step::leaf;
    }

private:
    std::string_view rest_;
    bool first_ = true;
};

} // namespace detail::resp

class value_list::iterator {
public:
    using value_type = value;
    using difference_type = std::ptrdiff_t;
    using reference = value;
    using pointer = void;
    using iterator_category = std::forward_iterator_tag;

    constexpr iterator() noexcept = default;
    constexpr explicit iterator(std::string_view rest, bool first) noexcept : rest_(rest), first_(first) { read(); }
    constexpr value operator*() const noexcept { return cur_; }
    constexpr iterator& operator++() noexcept {
        rest_ = rest_.substr(len_);
        first_ = false;
        read();
        return *this;
    }
    constexpr iterator operator++(int) noexcept { iterator t = *this; ++*this; return t; }
    friend constexpr bool operator==(const iterator& a, const iterator& b) noexcept { return a.rest_.size() == b.rest_.size(); }

private:
    constexpr void read() noexcept {
        cur_ = {};
        len_ = 0;
        bool sp = false;
        while (!rest_.empty() && rest_.front() == ' ') { rest_.remove_prefix(1); sp = true; }
        if (rest_.empty()) return;
        cur_ = detail::resp::read_value(rest_, len_);
        cur_.sp_before = sp && !first_;
        if (first_) cur_.sp_before = false;
    }
    std::string_view rest_;
    value cur_{};
    std::size_t len_ = 0;
    bool first_ = true;
};

constexpr value_list::iterator value_list::begin() const noexcept { return iterator(text_, true); }
constexpr value_list::iterator value_list::end() const noexcept { return iterator(); }
constexpr std::size_t value_list::size() const noexcept {
    return mailwire::detail::count_elements(*this);
}
/// Item by item, into nested lists without recursion. Whether SP separated two items only
/// matters between touching lists.
constexpr bool operator==(const value_list& a, const value_list& b) noexcept {
    detail::resp::value_cursor i(a.text()), j(b.text());
    value x, y;
    bool fx = true, fy = true;
    for (;;) {
        const auto step = i.next(x, fx);
        if (j.next(y, fy) != step) return false;
        switch (step) {
        case detail::resp::value_step::end: return true;
        case detail::resp::value_step::close: break;
        case detail::resp::value_step::open:
            if (x.sp_before != y.sp_before) return false;
            break;
        case detail::resp::value_step::leaf:
            x.sp_before = y.sp_before = false;
            if (!(x == y)) return false;
            break;
        }
    }
}

constexpr result<value_list> value_list::parse(std::string_view text, const parse_options& opts) {
    scanner s(text);
    if (auto r = detail::resp::scan_values(s, opts, 0, false); !r) return r.error();
    if (!s.at_end()) return s.error(errc::invalid_syntax, "value");
    return make(text, opts.mode);
}

namespace rules {

/// A generic value: "(" values ")" / string / NIL / bare token. Used for tagged-ext-val
/// (RFC 4466 §2.1) and for everything this library has no typed rule for.
MAILWIRE_LAZY constexpr result<imap::value> generic_value(scanner& s, const parse_options& opts = {}, std::size_t depth = 0) noexcept {
    const std::size_t start = s.pos();
    auto r = imap::detail::resp::scan_value(s, opts, depth);
    if (!r) return r.error();
    std::size_t len = 0;
    auto v = imap::detail::resp::read_value(s.input().substr(start), len);
    if (v.kind == value_kind::list) v.items = value_list::make(v.items.text(), opts.mode);
    return v;
}

/// value *(SP value) up to the end of the line (not consumed).
MAILWIRE_LAZY constexpr result<imap::value_list> generic_values(scanner& s, const parse_options& opts = {}, std::size_t depth = 0) noexcept {
    const std::size_t start = s.pos();
    if (auto r = imap::detail::resp::scan_values(s, opts, depth, false); !r) return r.error();
    auto t = s.since(start);
    return value_list::make(t, opts.mode);
}

} // namespace rules

namespace detail::resp {
/// A value that is not a list.
template <class OutIt>
OutIt write_leaf(OutIt out, const value& v, bool verbose) {
    switch (v.kind) {
    case value_kind::nil: return fmt::format_to(out, "NIL");
    case value_kind::list: return out;
    case value_kind::string: return verbose ? write_display(out, v.str.chars()) : write_response_string(out, v.str);
    default:
        for (char c : v.str.text) *out++ = c;
        return out;
    }
}

/// Canonical form: one SP between values; touching lists stay touching. Verbose: one SP
/// between any two items. A loop over the tokens, nested lists included (value_cursor).
template <class OutIt>
OutIt write_values(OutIt out, std::string_view text, bool verbose) {
    value_cursor c(text);
    value v;
    bool first = true;
    for (;;) {
        switch (c.next(v, first)) {
        case value_step::end: return out;
        case value_step::close: *out++ = ')'; break;
        case value_step::open:
            if (verbose ? !first : v.sp_before) *out++ = ' ';
            *out++ = '(';
            break;
        case value_step::leaf:
            if (verbose ? !first : v.sp_before) *out++ = ' ';
            out = write_leaf(out, v, verbose);
            break;
        }
    }
}

template <class OutIt>
OutIt write_value_list(OutIt out, const value_list& l) {
    return write_values(out, l.text(), false);
}

template <class OutIt>
OutIt write_value(OutIt out, const value& v) {
    if (v.kind != value_kind::list) return write_leaf(out, v, false);
    *out++ = '(';
    out = write_values(out, v.items.text(), false);
    *out++ = ')';
    return out;
}

template <class OutIt>
OutIt write_value_list_verbose(OutIt out, const value_list& l) {
    return write_values(out, l.text(), true);
}

template <class OutIt>
OutIt write_value_verbose(OutIt out, const value& v) {
    if (v.kind != value_kind::list) return write_leaf(out, v, true);
    *out++ = '(';
    out = write_values(out, v.items.text(), true);
    *out++ = ')';
    return out;
}
} // namespace detail::resp

/// Writable when the text re-validates (leniently: it is written in canonical form) and
/// every string in it is writable in its form.
/// Nesting deeper than max_depth_ceiling does not parse, so it is refused.
MAILWIRE_LAZY constexpr result<void> check_writable(const value_list& l) noexcept {
    auto r = value_list::parse(l.text(), parse_options::make_unlimited());
    if (!r) return unsafe("generic value list that does not parse", r.error().offset);
    detail::resp::value_cursor c(l.text());
    value v;
    bool first = true;
    for (;;) {
        const auto step = c.next(v, first);
        if (step == detail::resp::value_step::end) return {};
        if (step == detail::resp::value_step::leaf && v.kind == value_kind::string)
            if (auto ok = check_writable(v.str); !ok) return ok;
    }
}
MAILWIRE_LAZY constexpr result<void> check_writable(const value& v) noexcept {
    switch (v.kind) {
    case value_kind::nil: return {};
    case value_kind::list: return check_writable(v.items);
    case value_kind::string: return check_writable(v.str);
    default: {
        auto r = value_list::parse(v.str.text, parse_options::make_unlimited());
        if (!r || v.str.text.empty() || r->size() != 1) return unsafe("generic token");
        const auto k = (*r->begin()).kind;
        if (k != v.kind) return unsafe("generic token: an atom or number as its kind says");
        if (v.kind == value_kind::number && !chars::digit.all_of(v.str.text)) return unsafe("number: digits only");
        return {};
    }
    }
}

} // namespace mailwire::imap

template <>
struct fmt::formatter<mailwire::imap::value> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::value& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose) return mailwire::imap::detail::resp::write_value_verbose(ctx.out(), v);
        if (!check_writable(v)) mailwire::refuse_unsafe_write("generic value that cannot be written");
        return mailwire::imap::detail::resp::write_value(ctx.out(), v);
    }
};

template <>
struct fmt::formatter<mailwire::imap::value_list> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::value_list& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose) return mailwire::imap::detail::resp::write_value_list_verbose(ctx.out(), v);
        if (!check_writable(v)) mailwire::refuse_unsafe_write("generic values that cannot be written");
        return mailwire::imap::detail::resp::write_value_list(ctx.out(), v);
    }
};
