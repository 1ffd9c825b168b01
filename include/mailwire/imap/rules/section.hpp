// FETCH body sections and partial ranges (RFC 9051 §6.4.5.1 and §9; RFC 3501 §9;
// RFC 3516 §4.2 for section-binary):
//
//   BODY[]  BODY[TEXT]  BODY[1.2.MIME]  BODY[4.2.HEADER.FIELDS.NOT (DATE FROM)]<0.2048>
//   BINARY[1.2]<0.100>  BINARY.SIZE[]
//
// Zero-copy: a section-part is kept as its validated text ("4.2.1") and a header-list as
// the validated text between its parentheses; iterating either re-reads the text, so
// neither parsing nor iteration allocates. Both views live as long as the parsed bytes.
// Header field names are astrings, so a header-list may hold quoted strings or literals
// (`({4}\r\nDATE FROM)`); the framer has already put a literal's payload inline.
//
// RFC 3501 had `"<" number "." nz-number ">"` (32-bit); RFC 9051 widens partial to
// number64 / nz-number64. The wider grammar is accepted in both modes. Keywords are
// case-insensitive (RFC 9051 §9 note 1) and written back upper-case.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
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
#include <mailwire/imap/rules/string.hpp>

namespace mailwire::imap {

namespace detail {
/// Options for re-reading text this library has already validated: lenient (a superset
/// of strict) and without limits, so iteration never fails on what parsing accepted.
MAILWIRE_LAZY constexpr parse_options rules_reread_options() noexcept { return parse_options::make_unlimited(); }
struct section_access;
} // namespace detail

// ---- section-part ----------------------------------------------------------------------

/// section-part = nz-number *("." nz-number): a body part path such as "4.2.1", kept as
/// its validated text (canonical: nz-number has no leading zeros). Empty = no part.
class section_part {
public:
    /// Yields each part number in turn.
    class iterator {
    public:
        using value_type = std::uint32_t;
        using difference_type = std::ptrdiff_t;
        using reference = std::uint32_t;
        using pointer = void;
        using iterator_category = std::forward_iterator_tag;

        constexpr iterator() noexcept = default;
        constexpr explicit iterator(std::string_view rest) noexcept : rest_(rest) { read(); }
        constexpr std::uint32_t operator*() const noexcept { return value_; }
        constexpr iterator& operator++() noexcept {
            rest_ = rest_.substr(len_);
            if (!rest_.empty() && rest_.front() == '.') rest_.remove_prefix(1);
            read();
            return *this;
        }
        constexpr iterator operator++(int) noexcept { iterator t = *this; ++*this; return t; }
        friend constexpr bool operator==(const iterator& a, const iterator& b) noexcept {
            return a.rest_.size() == b.rest_.size();
        }

    private:
        constexpr void read() noexcept {
            value_ = 0;
            len_ = 0;
            while (len_ < rest_.size() && chars::digit(rest_[len_])) {
                value_ = value_ * 10 + static_cast<std::uint32_t>(rest_[len_] - '0');
                ++len_;
            }
            if (len_ == 0) rest_ = {}; // never loop on unexpected bytes
        }
        std::string_view rest_;
        std::uint32_t value_ = 0;
        std::size_t len_ = 0;
    };

    constexpr section_part() noexcept = default;

    /// The whole of `text` as a section-part ("" is the empty part).
    static constexpr result<section_part> parse(std::string_view text, const parse_options& opts = {}) noexcept;

    constexpr std::string_view text() const noexcept { return text_; }
    constexpr bool empty() const noexcept { return text_.empty(); }
    constexpr iterator begin() const noexcept { return iterator(text_); }
    constexpr iterator end() const noexcept { return iterator(text_.substr(text_.size())); }
    /// Number of part numbers (nesting depth of the part).
    constexpr std::size_t size() const noexcept {
        return mailwire::detail::count_elements(*this);
    }
    friend constexpr bool operator==(const section_part&, const section_part&) = default;

private:
    friend struct detail::section_access;
    constexpr explicit section_part(std::string_view t) noexcept : text_(t) {}
    std::string_view text_;
};

// ---- header-list -----------------------------------------------------------------------

/// header-list = "(" header-fld-name *(SP header-fld-name) ")": kept as the validated text
/// between the parentheses; iteration yields each header-fld-name (an astring, in the form
/// it was sent). Empty = no list.
class header_list {
public:
    class iterator {
    public:
        using value_type = string_value;
        using difference_type = std::ptrdiff_t;
        using reference = string_value;
        using pointer = void;
        using iterator_category = std::forward_iterator_tag;

        constexpr iterator() noexcept = default;
        constexpr explicit iterator(std::string_view rest) noexcept : rest_(rest) { read(); }
        constexpr string_value operator*() const noexcept { return cur_; }
        constexpr iterator& operator++() noexcept {
            rest_ = rest_.substr(len_);
            if (!rest_.empty() && rest_.front() == ' ') rest_.remove_prefix(1);
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
            auto v = rules::astring(s, detail::rules_reread_options(), session_syntax{true});
            if (!v || s.pos() == 0) { rest_ = {}; return; }
            cur_ = *v;
            len_ = s.pos();
        }
        std::string_view rest_;
        string_value cur_{};
        std::size_t len_ = 0;
    };

    constexpr header_list() noexcept = default;

    /// `inside` as the inside of a header-list: "DATE FROM" for "(DATE FROM)". Error
    /// offsets are within `inside`.
    static constexpr result<header_list> parse(std::string_view inside, const parse_options& opts = {},
                                               session_syntax syn = {}) noexcept;

    /// The text between the parentheses.
    constexpr std::string_view text() const noexcept { return text_; }
    constexpr bool empty() const noexcept { return text_.empty(); }
    constexpr iterator begin() const noexcept { return iterator(text_); }
    constexpr iterator end() const noexcept { return iterator(text_.substr(text_.size())); }
    constexpr std::size_t size() const noexcept {
        return mailwire::detail::count_elements(*this);
    }
    /// Whether a field name in the list equals `name` ASCII case-insensitively, as RFC 9051
    /// §6.4.5.1 matches field names.
    constexpr bool contains(std::string_view name) const noexcept {
        for (auto v : *this)
            if (v.iequals(name)) return true;
        return false;
    }
    /// Element by element, by decoded content (so `(DATE)` equals `("DATE")`).
    friend constexpr bool operator==(const header_list& a, const header_list& b) noexcept {
        return mailwire::detail::elementwise_equal(a, b);
    }

private:
    friend struct detail::section_access;
    constexpr explicit header_list(std::string_view t) noexcept : text_(t) {}
    std::string_view text_;
};

// ---- section, section-binary, partial ---------------------------------------------------

/// What follows the part numbers in a section-spec (section-msgtext / "MIME").
enum class section_text_kind : std::uint8_t {
    none,              ///< BODY[] or BODY[1.2]: the whole message or part
    header,            ///< HEADER
    header_fields,     ///< HEADER.FIELDS (names)
    header_fields_not, ///< HEADER.FIELDS.NOT (names)
    text,              ///< TEXT
    mime,              ///< MIME (only after a section-part)
};

/// The wire spelling: "", "HEADER", "HEADER.FIELDS", "HEADER.FIELDS.NOT", "TEXT", "MIME".
MAILWIRE_LAZY constexpr std::string_view to_string(section_text_kind k) noexcept {
    switch (k) {
    case section_text_kind::none: return "";
    case section_text_kind::header: return "HEADER";
    case section_text_kind::header_fields: return "HEADER.FIELDS";
    case section_text_kind::header_fields_not: return "HEADER.FIELDS.NOT";
    case section_text_kind::text: return "TEXT";
    case section_text_kind::mime: return "MIME";
    }
    return "";
}

/// A section ("[" [section-spec] "]"): an optional part path and an optional text
/// specifier. BODY[] is the default value.
struct section {
    section_part part;
    section_text_kind text = section_text_kind::none;
    /// HEADER.FIELDS and HEADER.FIELDS.NOT only.
    header_list fields;

    constexpr bool whole_message() const noexcept { return part.empty() && text == section_text_kind::none; }
    friend constexpr bool operator==(const section&, const section&) = default;
};

/// A section-binary ("[" [section-part] "]", RFC 3516 §4.2).
struct section_binary {
    section_part part;
    friend constexpr bool operator==(const section_binary&, const section_binary&) = default;
};

/// A partial range ("<" number64 "." nz-number64 ">"): `length` octets from the 0-based
/// `offset`.
struct partial {
    std::uint64_t offset = 0;
    std::uint64_t length = 1;
    friend constexpr bool operator==(const partial&, const partial&) = default;
};

namespace detail {
struct section_access {
    static constexpr section_part part(std::string_view t) noexcept { return section_part(t); }
    static constexpr header_list headers(std::string_view t) noexcept { return header_list(t); }
};
/// Whether the input continues with a section-msgtext keyword (HEADER... or TEXT).
MAILWIRE_LAZY constexpr bool starts_msgtext(const scanner& s) noexcept {
    return chars::istarts_with(s.rest(), "HEADER") || chars::istarts_with(s.rest(), "TEXT");
}
} // namespace detail

namespace rules {

/// nz-number64 = digit-nz *DIGIT
///               ; Unsigned 63-bit integer (0 < n <= 9,223,372,036,854,775,807)  (RFC 9051 §9)
/// Zero is number_out_of_range, a leading zero before other digits invalid_syntax (as
/// core nz_number).
MAILWIRE_LAZY constexpr result<std::uint64_t> nz_number64(scanner& s) noexcept {
    if (s.peek_is('0'))
        return s.error(chars::digit(s.peek(1)) ? errc::invalid_syntax : errc::number_out_of_range, "nz-number64");
    return mailwire::detail::digits(s, INT64_MAX, "nz-number64");
}

/// header-fld-name = astring                               (RFC 9051 §9; same in RFC 3501)
MAILWIRE_LAZY constexpr result<string_value> header_fld_name(scanner& s, const parse_options& opts = {}, session_syntax syn = {}) noexcept {
    return astring(s, opts, syn);
}

/// header-list = "(" header-fld-name *(SP header-fld-name) ")"
///                                                         (RFC 9051 §9; same in RFC 3501)
/// More than opts.max_list names is limit_exceeded at the name that exceeds it.
MAILWIRE_LAZY constexpr result<imap::header_list> header_list(scanner& s, const parse_options& opts = {}, session_syntax syn = {}) noexcept {
    if (!s.consume('(')) return s.error(errc::invalid_syntax, "header-list");
    const std::size_t start = s.pos();
    std::size_t count = 0;
    for (;;) {
        if (++count > opts.max_list) return s.error(errc::limit_exceeded, "header-list within max_list");
        auto n = header_fld_name(s, opts, syn);
        if (!n) return n.error();
        if (!s.consume(' ')) break;
    }
    const auto text = s.since(start);
    if (!s.consume(')')) return s.error(errc::invalid_syntax, "SP or \")\"");
    return imap::detail::section_access::headers(text);
}

/// section-part = nz-number *("." nz-number)              (RFC 9051 §9; same in RFC 3501)
/// Stops before a "." that is not followed by a digit (it starts a section-text). More
/// than opts.max_list numbers is limit_exceeded.
MAILWIRE_LAZY constexpr result<imap::section_part> section_part(scanner& s, const parse_options& opts = {}) noexcept {
    const std::size_t start = s.pos();
    if (s.at_end() || !chars::digit(s.peek())) return s.error(errc::invalid_syntax, "section-part");
    std::size_t count = 0;
    for (;;) {
        if (++count > opts.max_list) return s.error(errc::limit_exceeded, "section-part within max_list");
        auto n = nz_number(s);
        if (!n) return n.error();
        if (!(s.peek_is('.') && chars::digit(s.peek(1)))) break;
        s.advance();
    }
    return imap::detail::section_access::part(s.since(start));
}

/// section-msgtext = "HEADER" / "HEADER.FIELDS" [".NOT"] SP header-list / "TEXT"
///                                                         (RFC 9051 §9; same in RFC 3501)
/// Returns a section with no part.
MAILWIRE_LAZY constexpr result<imap::section> section_msgtext(scanner& s, const parse_options& opts = {}, session_syntax syn = {}) noexcept {
    imap::section r;
    if (s.consume_ci("HEADER.FIELDS.NOT")) r.text = section_text_kind::header_fields_not;
    else if (s.consume_ci("HEADER.FIELDS")) r.text = section_text_kind::header_fields;
    else if (s.consume_ci("HEADER")) r.text = section_text_kind::header;
    else if (s.consume_ci("TEXT")) r.text = section_text_kind::text;
    else return s.error(errc::invalid_syntax, "section-msgtext");
    if (r.text == section_text_kind::header_fields || r.text == section_text_kind::header_fields_not) {
        if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
        auto l = header_list(s, opts, syn);
        if (!l) return l.error();
        r.fields = *l;
    }
    return r;
}

/// section-text = section-msgtext / "MIME"                 (RFC 9051 §9; same in RFC 3501)
MAILWIRE_LAZY constexpr result<imap::section> section_text(scanner& s, const parse_options& opts = {}, session_syntax syn = {}) noexcept {
    if (s.consume_ci("MIME")) {
        imap::section r;
        r.text = section_text_kind::mime;
        return r;
    }
    if (!imap::detail::starts_msgtext(s)) return s.error(errc::invalid_syntax, "section-text");
    return section_msgtext(s, opts, syn);
}

/// section-spec = section-msgtext / (section-part ["." section-text])
///                                                         (RFC 9051 §9; same in RFC 3501)
/// "MIME" needs a section-part before it ("[MIME]" is invalid_syntax at the "M").
MAILWIRE_LAZY constexpr result<imap::section> section_spec(scanner& s, const parse_options& opts = {}, session_syntax syn = {}) noexcept {
    if (s.at_end() || !chars::digit(s.peek())) {
        if (!imap::detail::starts_msgtext(s)) return s.error(errc::invalid_syntax, "section-spec");
        return section_msgtext(s, opts, syn);
    }
    auto p = section_part(s, opts);
    if (!p) return p.error();
    imap::section r;
    if (s.consume('.')) {
        auto t = section_text(s, opts, syn);
        if (!t) return t.error();
        r = *t;
    }
    r.part = *p;
    return r;
}

/// section = "[" [section-spec] "]"                        (RFC 9051 §9; same in RFC 3501)
MAILWIRE_LAZY constexpr result<imap::section> section(scanner& s, const parse_options& opts = {}, session_syntax syn = {}) noexcept {
    if (!s.consume('[')) return s.error(errc::invalid_syntax, "section");
    if (s.consume(']')) return imap::section{};
    auto r = section_spec(s, opts, syn);
    if (!r) return r.error();
    if (!s.consume(']')) return s.error(errc::invalid_syntax, "\"]\"");
    return r;
}

/// section-binary = "[" [section-part] "]"                  (RFC 3516 §4.2, RFC 9051 §9)
MAILWIRE_LAZY constexpr result<imap::section_binary> section_binary(scanner& s, const parse_options& opts = {}) noexcept {
    if (!s.consume('[')) return s.error(errc::invalid_syntax, "section-binary");
    if (s.consume(']')) return imap::section_binary{};
    auto p = section_part(s, opts);
    if (!p) return p.error();
    if (!s.consume(']')) return s.error(errc::invalid_syntax, "\"]\"");
    return imap::section_binary{*p};
}

/// partial = "<" number64 "." nz-number64 ">"               (RFC 9051 §9)
/// RFC 3501 §9 / RFC 3516 §4.2: "<" number "." nz-number ">" (a subset).
MAILWIRE_LAZY constexpr result<imap::partial> partial(scanner& s) noexcept {
    if (!s.consume('<')) return s.error(errc::invalid_syntax, "partial");
    auto off = number64(s);
    if (!off) return off.error();
    if (!s.consume('.')) return s.error(errc::invalid_syntax, "\".\"");
    auto len = nz_number64(s);
    if (!len) return len.error();
    if (!s.consume('>')) return s.error(errc::invalid_syntax, "\">\"");
    return imap::partial{*off, *len};
}

} // namespace rules

constexpr result<section_part> section_part::parse(std::string_view text, const parse_options& opts) noexcept {
    if (text.empty()) return section_part{};
    return parse_all(text, [&](scanner& s) { return rules::section_part(s, opts); });
}

constexpr result<header_list> header_list::parse(std::string_view inside, const parse_options& opts, session_syntax syn) noexcept {
    scanner s(inside);
    std::size_t count = 0;
    for (;;) {
        if (++count > opts.max_list) return s.error(errc::limit_exceeded, "header-list within max_list");
        auto n = rules::header_fld_name(s, opts, syn);
        if (!n) return n.error();
        if (!s.consume(' ')) break;
    }
    if (!s.at_end()) return s.error(errc::invalid_syntax, "SP or end of header-list");
    return header_list(inside);
}

// ---- check_writable --------------------------------------------------------------------

MAILWIRE_LAZY constexpr result<void> check_writable(const section_part&) noexcept { return {}; } // validated when built
MAILWIRE_LAZY constexpr result<void> check_writable(const header_list&) noexcept { return {}; } // validated when built

/// Refuses what does not re-parse to the same section: MIME without a part, HEADER.FIELDS
/// without names, names on a specifier that takes none.
MAILWIRE_LAZY constexpr result<void> check_writable(const section& v) noexcept {
    const bool wants_fields = v.text == section_text_kind::header_fields || v.text == section_text_kind::header_fields_not;
    if (static_cast<unsigned>(v.text) > static_cast<unsigned>(section_text_kind::mime)) return unsafe("section: text kind");
    if (v.text == section_text_kind::mime && v.part.empty()) return unsafe("section: MIME needs a section-part");
    if (wants_fields && v.fields.empty()) return unsafe("section: HEADER.FIELDS needs a header-list");
    if (!wants_fields && !v.fields.empty()) return unsafe("section: a header-list only after HEADER.FIELDS");
    return {};
}
MAILWIRE_LAZY constexpr result<void> check_writable(const section_binary&) noexcept { return {}; }
MAILWIRE_LAZY constexpr result<void> check_writable(const partial& p) noexcept {
    if (p.offset > static_cast<std::uint64_t>(INT64_MAX)) return unsafe("partial: offset is a number64");
    if (p.length == 0 || p.length > static_cast<std::uint64_t>(INT64_MAX)) return unsafe("partial: length is an nz-number64");
    return {};
}

namespace detail::section_fmt {
// Writers for the formatters below (a namespace of their own: other headers have writers).
template <class OutIt>
OutIt write_chars(OutIt out, std::string_view s) {
    for (char c : s) *out++ = c;
    return out;
}
/// Wire form of a section, "[" ... "]".
template <class OutIt>
OutIt write_section(OutIt out, const section& v) {
    *out++ = '[';
    out = write_chars(out, v.part.text());
    if (v.text != section_text_kind::none) {
        if (!v.part.empty()) *out++ = '.';
        out = write_chars(out, to_string(v.text));
        if (v.text == section_text_kind::header_fields || v.text == section_text_kind::header_fields_not) {
            *out++ = ' ';
            *out++ = '(';
            out = write_chars(out, v.fields.text());
            *out++ = ')';
        }
    }
    *out++ = ']';
    return out;
}
/// Readable header list: (atom "DATE", quoted "FROM").
template <class OutIt>
OutIt write_header_list_verbose(OutIt out, const header_list& l) {
    *out++ = '(';
    bool first = true;
    for (auto n : l) {
        if (!first) out = write_chars(out, ", ");
        first = false;
        out = write_chars(out, to_string(n.form));
        *out++ = ' ';
        out = imap::detail::write_display(out, n.chars());
    }
    *out++ = ')';
    return out;
}
template <class OutIt>
OutIt write_section_verbose(OutIt out, const section& v) {
    out = write_chars(out, "section");
    if (v.whole_message()) return write_chars(out, " (whole message)");
    if (!v.part.empty()) {
        out = write_chars(out, " part ");
        out = write_chars(out, v.part.text());
    }
    if (v.text != section_text_kind::none) {
        *out++ = ' ';
        out = write_chars(out, to_string(v.text));
        if (!v.fields.empty()) {
            *out++ = ' ';
            out = write_header_list_verbose(out, v.fields);
        }
    }
    return out;
}
} // namespace detail::section_fmt

} // namespace mailwire::imap

// ---- formatters: "{}" wire bytes, "{:v}" readable -------------------------------------

template <>
struct fmt::formatter<mailwire::imap::section_part> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::section_part& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        auto out = ctx.out();
        if (pres == mailwire::presentation::verbose) out = fmt::format_to(out, "section-part ");
        return mailwire::imap::detail::section_fmt::write_chars(out, v.text());
    }
};

template <>
struct fmt::formatter<mailwire::imap::header_list> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::header_list& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose)
            return mailwire::imap::detail::section_fmt::write_header_list_verbose(fmt::format_to(ctx.out(), "header-list "), v);
        auto out = ctx.out();
        *out++ = '(';
        out = mailwire::imap::detail::section_fmt::write_chars(out, v.text());
        *out++ = ')';
        return out;
    }
};

template <>
struct fmt::formatter<mailwire::imap::section> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::section& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose) return mailwire::imap::detail::section_fmt::write_section_verbose(ctx.out(), v);
        if (!check_writable(v)) mailwire::refuse_unsafe_write("section that does not re-parse");
        return mailwire::imap::detail::section_fmt::write_section(ctx.out(), v);
    }
};

template <>
struct fmt::formatter<mailwire::imap::section_binary> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::section_binary& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        auto out = ctx.out();
        if (pres == mailwire::presentation::verbose) out = fmt::format_to(out, "section-binary ");
        *out++ = '[';
        out = mailwire::imap::detail::section_fmt::write_chars(out, v.part.text());
        *out++ = ']';
        return out;
    }
};

template <>
struct fmt::formatter<mailwire::imap::partial> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::partial& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose)
            return fmt::format_to(ctx.out(), "partial offset {} length {}", v.offset, v.length);
        if (!check_writable(v)) mailwire::refuse_unsafe_write("partial out of range");
        return fmt::format_to(ctx.out(), "<{}.{}>", v.offset, v.length);
    }
};
