// BODY and BODYSTRUCTURE values (RFC 9051 §7.5.2 and §9; RFC 3501 §7.4.2 and §9):
//
//   (("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 15 0 NIL NIL NIL NIL)
//    ("application" "octet-stream" ("name" "data.bin") NIL NIL "base64" 2802 NIL
//     ("attachment" ("filename" "data.bin")) NIL NIL) "mixed" ("boundary" "MIX") NIL NIL NIL)
//
// Storage. A body structure is a tree; to parse thousands of FETCH responses without a heap
// allocation per node, the tree goes into caller-owned `body_storage`: flat vectors of
// nodes, parameters, languages, extension items and envelopes, linked by index. clear()
// keeps their capacity, so once the vectors have grown to the largest structure seen, a
// parse allocates nothing. A `body_part` is a small handle (storage pointer + index) with
// the accessors; it is valid while the storage is neither cleared nor destroyed, and its
// string views while the parsed bytes live. Parsing several values (BODY and BODYSTRUCTURE
// of one FETCH) into one storage is fine; clear() it between responses.
//
// Limits. One depth budget, opts.max_depth, counts the parentheses of nested bodies
// (multipart children, message/rfc822 bodies) and of body-extension lists together; the
// caller passes the depth already used around the value (e.g. 1 for the msg-att list).
// opts.max_list bounds every list: children, parameter pairs, languages, extension items,
// addresses. Nothing recurses per level: the parser keeps the bodies and extension lists
// still open in fixed arrays (at most max_depth_ceiling), and the checks, writers, dumps
// and comparisons walk the tree with detail::walk_tree; check_writable() refuses a tree
// built deeper than max_depth_ceiling, which no parse makes.
//
// RFC 3501 differences, all accepted in both modes since RFC 9051 only widens them:
// body-fld-lines is number (32-bit) there, number64 here; body-extension gains number64;
// media-message gains "GLOBAL" (RFC 9051; message/global of RFC 6532). RFC 3501 §9 and RFC
// 9051 §9 both require 1*body in a multipart.
//
// Types are classified by content, case-insensitively: "TEXT" is body-type-text,
// "MESSAGE" "RFC822"/"GLOBAL" body-type-msg, anything else body-type-basic (the grammar
// writes media-text and media-message with DQUOTE, so it is ambiguous for a literal; every
// server quotes them).
//
// Lenient quirks (each strict_violation in strict mode at the offset given):
//   - NIL where a string is due: body-fld-enc (Apple iCloud, djc/imap-proto#205; maddy,
//     modern-email/defects#41), parameter names and values, disposition type, language
//     list elements (at the NIL);
//   - "()" for an empty body-fld-param (go-imap v1 servers, emersion/go-imap#545) (at ")");
//   - a bare string as body-fld-dsp (Exchange, jstedfast/MailKit#919) (at the string);
//   - a multipart without body parts, `("RELATED" NIL ("ATTACHMENT" NIL) NIL)` (Gmail,
//     jstedfast/MailKit#371) (at what follows the subtype);
//   - message/rfc822 without envelope, body and lines (seen in the wild:
//     emersion/go-imap#557, fixed by #559) (after the body-fields);
//   - "-1" as body-fld-octets or body-fld-lines (Exchange or Dovecot: emersion/go-imap#534,
//     modern-email/defects#27) (at the "-");
//   - 8-bit bytes in quoted strings (string.hpp).
// Each quirk is written back as it was sent, so a lenient parse round-trips byte for byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include <mailwire/core/config.hpp>
#include <mailwire/core/chars.hpp>
#include <mailwire/core/error.hpp>
#include <mailwire/core/format.hpp>
#include <mailwire/core/number.hpp>
#include <mailwire/core/options.hpp>
#include <mailwire/core/result.hpp>
#include <mailwire/core/scanner.hpp>
#include <mailwire/core/tree_walk.hpp>
#include <mailwire/imap/rules/envelope.hpp>
#include <mailwire/imap/rules/string.hpp>

namespace mailwire::imap {

/// Which alternative of body a node is.
enum class body_kind : std::uint8_t {
    basic,     ///< body-type-basic
    text,      ///< body-type-text (has lines)
    message,   ///< body-type-msg: message/rfc822 or message/global (envelope, body, lines)
    multipart, ///< body-type-mpart
};

MAILWIRE_LAZY constexpr std::string_view to_string(body_kind k) noexcept {
    switch (k) {
    case body_kind::basic: return "basic";
    case body_kind::text: return "text";
    case body_kind::message: return "message";
    case body_kind::multipart: return "multipart";
    }
    return "?";
}

/// body-fld-dsp as sent: NIL, "(" string SP body-fld-param ")", or a bare string (quirk).
enum class disposition_form : std::uint8_t { nil, list, bare_string };
/// body-fld-lang as sent: one nstring, or "(" string *(SP string) ")".
enum class language_form : std::uint8_t { nstring, list };
/// body-extension alternatives.
enum class extension_kind : std::uint8_t { string, number, list };

inline constexpr std::uint32_t no_index = UINT32_MAX;

/// One attribute/value pair of a body-fld-param.
struct body_param {
    string_value attribute;
    string_value value;
    friend constexpr bool operator==(const body_param& a, const body_param& b) noexcept {
        return a.attribute == b.attribute && a.value == b.value;
    }
};

/// A body-fld-param: a range of body_storage::params and how it was written.
struct param_range {
    std::uint32_t first = 0;
    std::uint32_t count = 0;
    list_form form = list_form::nil;
};

/// One body-extension item in body_storage::extensions.
struct body_extension_node {
    extension_kind kind = extension_kind::string;
    string_value str = string_value::nil(); ///< kind string: nstring
    std::uint64_t number = 0;               ///< kind number: number / number64
    std::uint32_t first_child = no_index;   ///< kind list: first item
    std::uint32_t count = 0;                ///< kind list: number of items
    std::uint32_t next = no_index;          ///< next sibling item
};

/// One body in body_storage::nodes. Use body_part rather than reading this directly.
struct body_node {
    /// User-provided so that value-initialization (emplace_back()) does not zero the whole
    /// node before the member initializers run; GCC did that with `rep stos`, 4 % of a
    /// FETCH parse.
    constexpr body_node() noexcept {}

    body_kind kind = body_kind::basic;
    string_value type = string_value::nil();    ///< media type (multipart: "MULTIPART", not written)
    string_value subtype = string_value::nil(); ///< media-subtype
    param_range params;                         ///< body-fld-param (multipart: body-ext-mpart's)
    string_value id = string_value::nil();
    string_value description = string_value::nil();
    string_value encoding = string_value::nil();
    std::int64_t octets = 0; ///< body-fld-octets; -1 only from the lenient quirk
    std::int64_t lines = 0;  ///< body-fld-lines (text, message); -1 only from the quirk
    std::uint32_t envelope = no_index;     ///< message: index into body_storage::envelopes
    std::uint32_t first_child = no_index;  ///< multipart: first part; message: encapsulated body
    std::uint32_t next_sibling = no_index; ///< next part of the enclosing multipart
    std::uint32_t child_count = 0;         ///< multipart: number of parts
    bool bare_message = false;             ///< message without envelope/body/lines (quirk)
    /// Extension fields present, in order: (md5 | param), dsp, lang, loc. 0 = none (BODY).
    std::uint8_t ext_fields = 0;
    string_value md5 = string_value::nil();
    disposition_form dsp = disposition_form::nil;
    string_value dsp_type = string_value::nil();
    param_range dsp_params;
    language_form lang = language_form::nstring;
    string_value language = string_value::nil(); ///< language_form::nstring
    std::uint32_t lang_first = 0, lang_count = 0; ///< language_form::list
    string_value location = string_value::nil();
    std::uint32_t ext_first = no_index; ///< first body-extension after body-fld-loc
    std::uint32_t ext_count = 0;
};

/// Caller-owned, reusable storage for parsed body structures.
struct body_storage {
    std::vector<body_node> nodes;
    std::vector<body_param> params;
    std::vector<string_value> languages;
    std::vector<body_extension_node> extensions;
    std::vector<envelope> envelopes;

    /// Forgets every parsed value, keeping the capacity (no deallocation).
    void clear() noexcept {
        nodes.clear();
        params.clear();
        languages.clear();
        extensions.clear();
        envelopes.clear();
    }
    /// Bytes reserved by the vectors (to watch that steady-state parsing stops growing).
    std::size_t capacity_bytes() const noexcept {
        return nodes.capacity() * sizeof(body_node) + params.capacity() * sizeof(body_param) +
               languages.capacity() * sizeof(string_value) +
               extensions.capacity() * sizeof(body_extension_node) + envelopes.capacity() * sizeof(envelope);
    }
};

/// A handle to one body-extension item.
class body_extension {
public:
    constexpr body_extension() noexcept = default;
    constexpr body_extension(const body_storage* st, std::uint32_t i) noexcept : st_(st), i_(i) {}
    constexpr bool valid() const noexcept { return st_ != nullptr && i_ != no_index; }
    const body_extension_node& node() const noexcept { return st_->extensions[i_]; }
    extension_kind kind() const noexcept { return node().kind; }
    const string_value& string() const noexcept { return node().str; }
    std::uint64_t number() const noexcept { return node().number; }
    std::uint32_t size() const noexcept { return node().count; }
    body_extension first() const noexcept { return {st_, node().first_child}; }
    body_extension next() const noexcept { return {st_, node().next}; }
    const body_storage* storage() const noexcept { return st_; }
    std::uint32_t index() const noexcept { return i_; }

private:
    const body_storage* st_ = nullptr;
    std::uint32_t i_ = no_index;
};

/// A handle to one body (the root or any part) in a body_storage.
class body_part {
public:
    constexpr body_part() noexcept = default;
    constexpr body_part(const body_storage* st, std::uint32_t i) noexcept : st_(st), i_(i) {}

    /// False for a default handle or a part() that does not exist.
    constexpr bool valid() const noexcept { return st_ != nullptr && i_ != no_index; }
    const body_node& node() const noexcept { return st_->nodes[i_]; }
    const body_storage* storage() const noexcept { return st_; }
    std::uint32_t index() const noexcept { return i_; }

    body_kind kind() const noexcept { return node().kind; }
    bool is_multipart() const noexcept { return kind() == body_kind::multipart; }
    bool is_text() const noexcept { return kind() == body_kind::text; }
    bool is_message() const noexcept { return kind() == body_kind::message; }

    /// Media type ("MULTIPART" for a multipart) and subtype, as sent.
    const string_value& type() const noexcept { return node().type; }
    const string_value& subtype() const noexcept { return node().subtype; }
    /// Case-insensitive media type test, e.g. is_type("text").
    bool is_type(std::string_view t) const noexcept { return type().iequals(t); }
    /// Case-insensitive type/subtype test, e.g. is_media("text", "plain").
    bool is_media(std::string_view t, std::string_view sub) const noexcept { return is_type(t) && subtype().iequals(sub); }

    /// body-fld-param (for a multipart, body-ext-mpart's; empty if absent).
    std::span<const body_param> params() const noexcept { return range(node().params); }
    list_form params_form() const noexcept { return node().params.form; }
    /// The value of parameter `attribute` (case-insensitive), or NIL.
    string_value param(std::string_view attribute) const noexcept { return find(params(), attribute); }

    const string_value& id() const noexcept { return node().id; }
    const string_value& description() const noexcept { return node().description; }
    const string_value& encoding() const noexcept { return node().encoding; }
    /// body-fld-octets (-1 only from the lenient quirk).
    std::int64_t size() const noexcept { return node().octets; }
    /// Text and message bodies carry a line count.
    bool has_lines() const noexcept { return is_text() || (is_message() && !node().bare_message); }
    std::int64_t lines() const noexcept { return node().lines; }

    /// message/rfc822 or message/global: the envelope, or nullptr (or for the quirk).
    const envelope* message_envelope() const noexcept {
        return node().envelope == no_index ? nullptr : &st_->envelopes[node().envelope];
    }
    /// message/rfc822 or message/global: the encapsulated body (invalid for the quirk).
    body_part message_body() const noexcept { return {st_, is_message() ? node().first_child : no_index}; }

    /// Multipart: the number of parts and each part (invalid out of range).
    std::uint32_t child_count() const noexcept { return is_multipart() ? node().child_count : 0; }
    body_part child(std::uint32_t i) const noexcept {
        if (!is_multipart()) return {};
        std::uint32_t c = node().first_child;
        for (; c != no_index && i > 0; --i) c = st_->nodes[c].next_sibling;
        return {st_, c};
    }
    body_part first_child() const noexcept { return {st_, is_multipart() ? node().first_child : no_index}; }
    body_part next_sibling() const noexcept { return {st_, node().next_sibling}; }

    /// The part at section path `path` ("1", "1.2", "4.2.2.1"; RFC 9051 §6.4.5), taking
    /// this body as a message's top-level body: a non-multipart body is part "1"; a
    /// message/rfc822 part's sub-parts are its encapsulated message's. Invalid when the
    /// path is malformed or names no part.
    body_part part(std::string_view path) const noexcept {
        if (!valid() || path.empty()) return {};
        body_part cur = *this;
        bool top = true;
        std::size_t i = 0;
        while (i < path.size()) {
            std::uint32_t n = 0;
            const std::size_t start = i;
            while (i < path.size() && chars::digit(path[i])) {
                if (n > 100000000u) return {};
                n = n * 10 + static_cast<std::uint32_t>(path[i] - '0');
                ++i;
            }
            if (i == start || n == 0 || path[start] == '0') return {};
            if (i < path.size()) {
                if (path[i] != '.' || i + 1 == path.size()) return {};
                ++i;
            }
            // Step into `cur` for number n.
            body_part scope = cur;
            if (!top) {
                if (cur.is_message()) scope = cur.message_body();
                else if (!cur.is_multipart()) return {};
            }
            if (!scope.valid()) return {};
            if (scope.is_multipart()) cur = scope.child(n - 1);
            else if (n == 1) cur = scope;
            else return {};
            if (!cur.valid()) return {};
            top = false;
        }
        return cur;
    }

    // ---- extension data ----------------------------------------------------------------
    /// Extension fields present, in order (md5 | param), dsp, lang, loc: 0 for BODY.
    std::uint8_t extension_fields() const noexcept { return node().ext_fields; }
    bool has_extension_data() const noexcept { return node().ext_fields > 0; }
    const string_value& md5() const noexcept { return node().md5; }
    disposition_form disposition() const noexcept { return node().dsp; }
    /// The disposition type ("attachment", "inline"), or NIL.
    const string_value& disposition_type() const noexcept { return node().dsp_type; }
    std::span<const body_param> disposition_params() const noexcept { return range(node().dsp_params); }
    string_value disposition_param(std::string_view attribute) const noexcept {
        return find(disposition_params(), attribute);
    }
    language_form language_kind() const noexcept { return node().lang; }
    /// The languages: the single nstring (if not NIL) or the list.
    std::span<const string_value> languages() const noexcept {
        const auto& n = node();
        if (n.lang == language_form::list)
            return std::span<const string_value>(st_->languages.data() + n.lang_first, n.lang_count);
        if (n.ext_fields < 3 || n.language.is_nil()) return {};
        return std::span<const string_value>(&n.language, 1);
    }
    const string_value& location() const noexcept { return node().location; }
    std::uint32_t extension_count() const noexcept { return node().ext_count; }
    body_extension first_extension() const noexcept { return {st_, node().ext_first}; }

    friend bool operator==(const body_part& a, const body_part& b) noexcept;

private:
    std::span<const body_param> range(const param_range& r) const noexcept {
        if (r.count == 0) return {};
        return std::span<const body_param>(st_->params.data() + r.first, r.count);
    }
    static string_value find(std::span<const body_param> ps, std::string_view attribute) noexcept {
        for (const auto& p : ps)
            if (p.attribute.iequals(attribute)) return p.value;
        return string_value::nil();
    }

    const body_storage* st_ = nullptr;
    std::uint32_t i_ = no_index;
};

// ---- equality --------------------------------------------------------------------------

namespace detail {
// Nested bodies and extension lists are walked without recursion (core/tree_walk.hpp).
using mailwire::detail::walk_step;
using mailwire::detail::walk_tree;

MAILWIRE_LAZY inline bool equal_params(const body_storage& sa, const param_range& a, const body_storage& sb, const param_range& b) noexcept {
    if (a.count != b.count) return false;
    for (std::uint32_t k = 0; k < a.count; ++k)
        if (!(sa.params[a.first + k] == sb.params[b.first + k])) return false;
    return true;
}

/// Two indexes walked side by side (detail::walk_tree).
struct index_pair {
    std::uint32_t a, b;
};

/// Compares two extension trees side by side, without recursion.
struct extension_comparer {
    const body_storage& sa;
    const body_storage& sb;
    bool enter(index_pair p, std::size_t) const noexcept {
        const body_extension a{&sa, p.a}, b{&sb, p.b};
        if (a.kind() != b.kind()) return false;
        switch (a.kind()) {
        case extension_kind::string: return a.string() == b.string();
        case extension_kind::number: return a.number() == b.number();
        case extension_kind::list: break;
        }
        return a.size() == b.size();
    }
    walk_step child(index_pair p, std::uint32_t k, index_pair& c) const noexcept {
        if (sa.extensions[p.a].kind != extension_kind::list) return walk_step::done;
        c = k == 0 ? index_pair{sa.extensions[p.a].first_child, sb.extensions[p.b].first_child}
                   : index_pair{sa.extensions[c.a].next, sb.extensions[c.b].next};
        return c.a == no_index || c.b == no_index ? walk_step::done : walk_step::child;
    }
    bool leave(index_pair, std::uint32_t, index_pair, std::size_t) const noexcept { return true; }
    bool too_deep(index_pair) const noexcept { return false; }
};

/// Lists nested deeper than max_depth_ceiling (which no parse makes) compare unequal.
MAILWIRE_LAZY inline bool equal_extension(body_extension a, body_extension b) noexcept {
    extension_comparer v{*a.storage(), *b.storage()};
    return walk_tree<max_depth_ceiling>(index_pair{a.index(), b.index()}, v);
}

/// Compares two body trees side by side, without recursion: each pair of nodes on its
/// own in enter(), their parts (or a message's body) as children.
struct body_comparer {
    const body_storage& sa;
    const body_storage& sb;
    bool enter(index_pair p, std::size_t) const noexcept {
        const body_part a{&sa, p.a}, b{&sb, p.b};
        if (a.valid() != b.valid()) return false;
        if (!a.valid()) return true;
        const body_node& x = a.node();
        const body_node& y = b.node();
        if (x.kind != y.kind || !(x.subtype == y.subtype)) return false;
        if (!equal_params(sa, x.params, sb, y.params)) return false;
        if (x.ext_fields != y.ext_fields) return false;
        if (x.kind == body_kind::multipart) {
            if (x.child_count != y.child_count) return false;
        } else {
            if (!(x.type == y.type) || !(x.id == y.id) || !(x.description == y.description) ||
                !(x.encoding == y.encoding) || x.octets != y.octets)
                return false;
            if (a.has_lines() != b.has_lines() || (a.has_lines() && x.lines != y.lines)) return false;
            if (x.kind == body_kind::message) {
                if (x.bare_message != y.bare_message) return false;
                const envelope* ea = a.message_envelope();
                const envelope* eb = b.message_envelope();
                if ((ea == nullptr) != (eb == nullptr) || (ea && !(*ea == *eb))) return false;
            }
            if (x.ext_fields >= 1 && !(x.md5 == y.md5)) return false;
        }
        if (x.ext_fields >= 2) {
            if (x.dsp != y.dsp || !(x.dsp_type == y.dsp_type)) return false;
            if (!equal_params(sa, x.dsp_params, sb, y.dsp_params)) return false;
        }
        if (x.ext_fields >= 3) {
            if (x.lang != y.lang) return false;
            if (x.lang == language_form::nstring) {
                if (!(x.language == y.language)) return false;
            } else {
                auto la = a.languages(), lb = b.languages();
                if (la.size() != lb.size()) return false;
                for (std::size_t k = 0; k < la.size(); ++k)
                    if (!(la[k] == lb[k])) return false;
            }
        }
        if (x.ext_fields >= 4) {
            if (!(x.location == y.location) || x.ext_count != y.ext_count) return false;
            for (auto i = a.first_extension(), j = b.first_extension(); i.valid() && j.valid(); i = i.next(), j = j.next())
                if (!equal_extension(i, j)) return false;
        }
        return true;
    }
    walk_step child(index_pair p, std::uint32_t k, index_pair& c) const noexcept {
        if (p.a == no_index) return walk_step::done; // both invalid: equal, nothing under them
        const body_node& x = sa.nodes[p.a];
        const body_node& y = sb.nodes[p.b];
        if (x.kind == body_kind::multipart) {
            c = k == 0 ? index_pair{x.first_child, y.first_child} : index_pair{sa.nodes[c.a].next_sibling, sb.nodes[c.b].next_sibling};
            return c.a == no_index || c.b == no_index ? walk_step::done : walk_step::child;
        }
        if (x.kind != body_kind::message || k > 0) return walk_step::done;
        c = index_pair{x.first_child, y.first_child}; // message_body(): may be invalid (the quirk)
        return walk_step::child;
    }
    bool leave(index_pair, std::uint32_t, index_pair, std::size_t) const noexcept { return true; }
    bool too_deep(index_pair) const noexcept { return false; }
};

/// Trees nested deeper than max_depth_ceiling (which no parse makes) compare unequal.
MAILWIRE_LAZY inline bool equal_body(body_part a, body_part b) noexcept {
    if (a.valid() != b.valid()) return false;
    if (!a.valid()) return true;
    body_comparer v{*a.storage(), *b.storage()};
    return walk_tree<max_depth_ceiling>(index_pair{a.index(), b.index()}, v);
}

} // namespace detail

/// Deep, structural equality (string contents compared decoded, as string_value does).
inline bool operator==(const body_part& a, const body_part& b) noexcept { return detail::equal_body(a, b); }
inline bool operator==(const body_extension& a, const body_extension& b) noexcept {
    if (a.valid() != b.valid()) return false;
    return !a.valid() || detail::equal_extension(a, b);
}

// ---- parsing -----------------------------------------------------------------------------

/// What the body rules share while parsing one value.
struct body_context {
    body_storage& st;
    const parse_options& opts;
    session_syntax syn{};
};

namespace detail {

MAILWIRE_LAZY inline result<void> expect_sp(scanner& s) noexcept {
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    return {};
}

MAILWIRE_ALWAYS_INLINE constexpr bool at_string(const scanner& s) noexcept { return s.peek_is('"') || s.peek_is('{'); }


/// `string` into `out`, or in lenient mode NIL (the NIL-for-a-string quirk).
MAILWIRE_ALWAYS_INLINE result<void> read_string_or_quirk_nil(scanner& s, const body_context& cx, string_value& out, std::string_view expected) noexcept {
    if (at_string(s)) return read_string(s, out, cx.opts, cx.syn);
    if (at_nil(s)) {
        if (!cx.opts.lenient()) return s.error(errc::strict_violation, expected);
        s.advance(3);
        out.set_nil();
        return {};
    }
    return s.error(errc::invalid_syntax, expected);
}

/// The same, returning the value.
MAILWIRE_LAZY inline result<string_value> string_or_quirk_nil(scanner& s, const body_context& cx, std::string_view expected) noexcept {
    string_value v;
    if (auto r = read_string_or_quirk_nil(s, cx, v, expected); !r) return r.error();
    return v;
}

/// A number no larger than `max`, or in lenient mode "-1" (the negative-size quirk).
MAILWIRE_ALWAYS_INLINE result<std::int64_t> number_or_quirk_minus1(scanner& s, const body_context& cx, std::uint64_t max, std::string_view expected) noexcept {
    if (s.peek_is('-') && s.peek(1) == '1' && !chars::digit(s.peek(2))) {
        if (!cx.opts.lenient()) return s.error(errc::strict_violation, expected);
        s.advance(2);
        return std::int64_t{-1};
    }
    auto n = mailwire::detail::digits(s, max, expected);
    if (!n) return n.error();
    return static_cast<std::int64_t>(*n);
}

MAILWIRE_LAZY inline std::uint32_t index_of(std::size_t size) noexcept { return static_cast<std::uint32_t>(size); }

/// The sizes of a storage's vectors, to undo a failed parse.
struct storage_mark {
    std::size_t nodes, params, languages, extensions, envelopes;
    explicit storage_mark(const body_storage& st) noexcept
        : nodes(st.nodes.size()), params(st.params.size()), languages(st.languages.size()),
          extensions(st.extensions.size()), envelopes(st.envelopes.size()) {}
    void rollback(body_storage& st) const noexcept {
        st.nodes.resize(nodes);
        st.params.resize(params);
        st.languages.resize(languages);
        st.extensions.resize(extensions);
        st.envelopes.resize(envelopes);
    }
};

} // namespace detail

namespace rules {

/// body-fld-param = "(" string SP string *(SP string SP string) ")" / nil
///                                                       (RFC 9051 §9; same in RFC 3501)
/// Lenient: "()" (go-imap v1, emersion/go-imap#545) and NIL names or values.
MAILWIRE_ALWAYS_INLINE result<param_range> body_fld_param(scanner& s, body_context& cx) noexcept {
    if (!s.peek_is('(')) {
        if (detail::at_nil(s)) {
            s.advance(3);
            return param_range{};
        }
        return s.error(errc::invalid_syntax, "body-fld-param");
    }
    s.advance();
    param_range r;
    r.first = detail::index_of(cx.st.params.size());
    if (s.peek_is(')')) {
        if (!cx.opts.lenient()) return s.error(errc::strict_violation, "string (\"()\" for NIL is a server quirk)");
        s.advance();
        r.form = list_form::empty_parens;
        return r;
    }
    r.form = list_form::list;
    for (;;) {
        if (r.count >= cx.opts.max_list) return s.error(errc::limit_exceeded, "body-fld-param within max_list");
        // Read in place; a failed parse is rolled back by the caller's storage_mark.
        body_param& p = cx.st.params.emplace_back();
        if (auto a = detail::read_string_or_quirk_nil(s, cx, p.attribute, "string (parameter attribute)"); !a) return a.error();
        if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
        if (auto v = detail::read_string_or_quirk_nil(s, cx, p.value, "string (parameter value)"); !v) return v.error();
        ++r.count;
        if (!s.consume(' ')) break;
    }
    if (!s.consume(')')) return s.error(errc::invalid_syntax, "SP or \")\" in body-fld-param");
    return r;
}

/// body-fld-id = nstring                                 (RFC 9051 §9; same in RFC 3501)
MAILWIRE_LAZY inline result<string_value> body_fld_id(scanner& s, body_context& cx) noexcept { return detail::fast_nstring(s, cx.opts, cx.syn); }
/// body-fld-desc = nstring                               (RFC 9051 §9; same in RFC 3501)
MAILWIRE_LAZY inline result<string_value> body_fld_desc(scanner& s, body_context& cx) noexcept { return detail::fast_nstring(s, cx.opts, cx.syn); }
/// body-fld-md5 = nstring                                (RFC 9051 §9; same in RFC 3501)
MAILWIRE_LAZY inline result<string_value> body_fld_md5(scanner& s, body_context& cx) noexcept { return detail::fast_nstring(s, cx.opts, cx.syn); }
/// body-fld-loc = nstring                                (RFC 9051 §9; same in RFC 3501)
MAILWIRE_LAZY inline result<string_value> body_fld_loc(scanner& s, body_context& cx) noexcept { return detail::fast_nstring(s, cx.opts, cx.syn); }

/// body-fld-enc = (DQUOTE ("7BIT" / "8BIT" / "BINARY" / "BASE64"/ "QUOTED-PRINTABLE")
///                DQUOTE) / string                        (RFC 9051 §9; same in RFC 3501)
/// Lenient: NIL (Apple iCloud, djc/imap-proto#205; maddy, modern-email/defects#41).
MAILWIRE_LAZY inline result<string_value> body_fld_enc(scanner& s, body_context& cx) noexcept {
    return detail::string_or_quirk_nil(s, cx, "body-fld-enc (NIL is a server quirk)");
}

/// body-fld-octets = number                              (RFC 9051 §9; same in RFC 3501)
/// Lenient: -1 (emersion/go-imap#534).
MAILWIRE_ALWAYS_INLINE result<std::int64_t> body_fld_octets(scanner& s, body_context& cx) noexcept {
    return detail::number_or_quirk_minus1(s, cx, UINT32_MAX, "body-fld-octets");
}

/// body-fld-lines = number64                  (RFC 9051 §9; RFC 3501: number, 32-bit)
/// Lenient: -1 (Exchange/Dovecot, modern-email/defects#27).
MAILWIRE_ALWAYS_INLINE result<std::int64_t> body_fld_lines(scanner& s, body_context& cx) noexcept {
    return detail::number_or_quirk_minus1(s, cx, INT64_MAX, "body-fld-lines");
}

/// body-fields = body-fld-param SP body-fld-id SP body-fld-desc SP body-fld-enc SP
///               body-fld-octets                         (RFC 9051 §9; same in RFC 3501)
MAILWIRE_ALWAYS_INLINE result<void> body_fields(scanner& s, body_context& cx, body_node& n) noexcept {
    // body-fld-id, body-fld-desc (nstring) and body-fld-enc are read in place, as
    // body_fld_id() / body_fld_desc() / body_fld_enc() read them.
    auto p = body_fld_param(s, cx);
    if (!p) return p.error();
    n.params = *p;
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    if (auto r = detail::read_nstring(s, n.id, cx.opts, cx.syn); !r) return r;
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    if (auto r = detail::read_nstring(s, n.description, cx.opts, cx.syn); !r) return r;
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    if (auto r = detail::read_string_or_quirk_nil(s, cx, n.encoding, "body-fld-enc (NIL is a server quirk)"); !r) return r;
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    auto oct = body_fld_octets(s, cx);
    if (!oct) return oct.error();
    n.octets = *oct;
    return {};
}

/// body-fld-dsp = "(" string SP body-fld-param ")" / nil (RFC 9051 §9; same in RFC 3501)
/// Lenient: a bare string (Exchange, jstedfast/MailKit#919); NIL as the type.
MAILWIRE_LAZY inline result<void> body_fld_dsp(scanner& s, body_context& cx, body_node& n) noexcept {
    if (s.consume('(')) {
        if (auto t = detail::read_string_or_quirk_nil(s, cx, n.dsp_type, "string (disposition type)"); !t) return t;
        if (auto sp = detail::expect_sp(s); !sp) return sp;
        auto p = body_fld_param(s, cx);
        if (!p) return p.error();
        if (!s.consume(')')) return s.error(errc::invalid_syntax, "\")\" ending body-fld-dsp");
        n.dsp = disposition_form::list;
        n.dsp_params = *p;
        return {};
    }
    if (detail::at_string(s)) {
        if (!cx.opts.lenient()) return s.error(errc::strict_violation, "body-fld-dsp (a bare string is a server quirk)");
        if (auto t = detail::read_string(s, n.dsp_type, cx.opts, cx.syn); !t) return t;
        n.dsp = disposition_form::bare_string;
        return {};
    }
    if (detail::at_nil(s)) {
        s.advance(3);
        n.dsp = disposition_form::nil;
        return {};
    }
    return s.error(errc::invalid_syntax, "body-fld-dsp");
}

/// body-fld-lang = nstring / "(" string *(SP string) ")" (RFC 9051 §9; same in RFC 3501)
MAILWIRE_LAZY inline result<void> body_fld_lang(scanner& s, body_context& cx, body_node& n) noexcept {
    if (s.consume('(')) {
        n.lang = language_form::list;
        n.lang_first = detail::index_of(cx.st.languages.size());
        n.lang_count = 0;
        for (;;) {
            if (n.lang_count >= cx.opts.max_list) return s.error(errc::limit_exceeded, "body-fld-lang within max_list");
            string_value v;
            if (auto r = detail::read_string_or_quirk_nil(s, cx, v, "string (language)"); !r) return r;
            cx.st.languages.push_back(v);
            ++n.lang_count;
            if (!s.consume(' ')) break;
        }
        if (!s.consume(')')) return s.error(errc::invalid_syntax, "SP or \")\" in body-fld-lang");
        return {};
    }
    if (auto r = detail::read_nstring(s, n.language, cx.opts, cx.syn); !r) return r;
    n.lang = language_form::nstring;
    return {};
}

/// body-extension = nstring / number / number64 /
///                  "(" body-extension *(SP body-extension) ")"       (RFC 9051 §9)
/// RFC 3501 lacks number64. A list counts against opts.max_depth; `depth` is the depth
/// already used. Returns the index of the item in body_storage::extensions. A list's items
/// are stored before it. Nested lists are read by this one loop, not by recursion: the
/// lists still open are kept in a fixed array (at most max_depth_ceiling of them).
MAILWIRE_LAZY inline result<std::uint32_t> body_extension(scanner& s, body_context& cx, std::size_t depth) noexcept {
    struct open_list {
        std::uint32_t first, prev, count;
    };
    open_list open[max_depth_ceiling];
    std::size_t top = 0;
    for (;;) {
        // One item starts here.
        body_extension_node e;
        if (s.peek_is('(')) {
            if (depth + top + 1 > cx.opts.depth_limit())
                return s.error(errc::limit_exceeded, "body-extension nesting within max_depth");
            s.advance();
            if (cx.opts.max_list == 0) return s.error(errc::limit_exceeded, "body-extension list within max_list");
            open[top++] = open_list{no_index, no_index, 0};
            continue;
        }
        if (chars::digit(s.peek())) {
            auto n = number64(s);
            if (!n) return n.error();
            e.kind = extension_kind::number;
            e.number = *n;
        } else {
            if (!detail::at_string(s) && !detail::at_nil(s)) return s.error(errc::invalid_syntax, "body-extension");
            if (auto r = detail::read_nstring(s, e.str, cx.opts, cx.syn); !r) return r.error();
            e.kind = extension_kind::string;
        }
        cx.st.extensions.push_back(e);
        std::uint32_t item = detail::index_of(cx.st.extensions.size() - 1);
        // An item ended: the next item of the list around it, or that list's end.
        for (;;) {
            if (top == 0) return item;
            open_list& l = open[top - 1];
            if (l.prev == no_index) l.first = item;
            else cx.st.extensions[l.prev].next = item;
            l.prev = item;
            ++l.count;
            if (s.consume(' ')) {
                if (l.count >= cx.opts.max_list) return s.error(errc::limit_exceeded, "body-extension list within max_list");
                break;
            }
            if (!s.consume(')')) return s.error(errc::invalid_syntax, "SP or \")\" in body-extension");
            body_extension_node list;
            list.kind = extension_kind::list;
            list.first_child = l.first;
            list.count = l.count;
            cx.st.extensions.push_back(list);
            item = detail::index_of(cx.st.extensions.size() - 1);
            --top;
        }
    }
}

} // namespace rules

namespace detail {
/// [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]], the tail
/// shared by body-ext-1part and body-ext-mpart; n.ext_fields is already 1.
MAILWIRE_LAZY inline result<void> body_ext_tail(scanner& s, body_context& cx, body_node& n, std::size_t depth) noexcept {
    if (!s.consume(' ')) return {};
    if (auto r = rules::body_fld_dsp(s, cx, n); !r) return r;
    n.ext_fields = 2;
    if (!s.consume(' ')) return {};
    if (auto r = rules::body_fld_lang(s, cx, n); !r) return r;
    n.ext_fields = 3;
    if (!s.consume(' ')) return {};
    if (auto r = read_nstring(s, n.location, cx.opts, cx.syn); !r) return r; // body-fld-loc
    n.ext_fields = 4;
    std::uint32_t prev = no_index;
    while (s.consume(' ')) {
        if (n.ext_count >= cx.opts.max_list) return s.error(errc::limit_exceeded, "body-extension items within max_list");
        auto e = rules::body_extension(s, cx, depth);
        if (!e) return e.error();
        if (prev == no_index) n.ext_first = *e;
        else cx.st.extensions[prev].next = *e;
        prev = *e;
        ++n.ext_count;
    }
    return {};
}
} // namespace detail

namespace rules {

/// body-ext-1part = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang
///                  [SP body-fld-loc *(SP body-extension)]]]  (RFC 9051 §9; same in RFC 3501)
MAILWIRE_ALWAYS_INLINE result<void> body_ext_1part(scanner& s, body_context& cx, body_node& n, std::size_t depth) noexcept {
    if (auto r = detail::read_nstring(s, n.md5, cx.opts, cx.syn); !r) return r; // body-fld-md5
    n.ext_fields = 1;
    return detail::body_ext_tail(s, cx, n, depth);
}

/// body-ext-mpart = body-fld-param [SP body-fld-dsp [SP body-fld-lang
///                  [SP body-fld-loc *(SP body-extension)]]]  (RFC 9051 §9; same in RFC 3501)
MAILWIRE_LAZY inline result<void> body_ext_mpart(scanner& s, body_context& cx, body_node& n, std::size_t depth) noexcept {
    auto p = body_fld_param(s, cx);
    if (!p) return p.error();
    n.params = *p;
    n.ext_fields = 1;
    return detail::body_ext_tail(s, cx, n, depth);
}

/// body-type-text = media-text SP body-fields SP body-fld-lines
/// media-text     = DQUOTE "TEXT" DQUOTE SP media-subtype  (RFC 9051 §9; same in RFC 3501)
/// Called after media-text and body-fields: reads SP body-fld-lines.
MAILWIRE_ALWAYS_INLINE result<void> body_type_text(scanner& s, body_context& cx, body_node& n) noexcept {
    if (auto sp = detail::expect_sp(s); !sp) return sp;
    auto l = body_fld_lines(s, cx);
    if (!l) return l.error();
    n.lines = *l;
    return {};
}

/// body-type-msg = media-message SP body-fields SP envelope SP body SP body-fld-lines
/// media-message = DQUOTE "MESSAGE" DQUOTE SP DQUOTE ("RFC822" / "GLOBAL") DQUOTE
///                                              (RFC 9051 §9; RFC 3501: "RFC822" only)
/// Called after media-message and body-fields, for node `self` of cx.st.nodes: reads up to
/// the body, and says whether it comes next (rules::body reads it, then
/// body_type_msg_tail the rest). Lenient: nothing more (emersion/go-imap#557); no SP
/// before the body (GNU Mailutils).
MAILWIRE_LAZY inline result<bool> body_type_msg(scanner& s, body_context& cx, std::uint32_t self) noexcept {
    if (!(s.peek_is(' ') && s.peek(1) == '(')) {
        if (!cx.opts.lenient())
            return s.error(errc::strict_violation, "SP envelope (message/rfc822 without envelope is a server quirk)");
        cx.st.nodes[self].bare_message = true;
        return false;
    }
    s.advance();
    // Parsed in place: nothing else is appended to the storage while it is read.
    cx.st.nodes[self].envelope = detail::index_of(cx.st.envelopes.size());
    if (auto e = detail::envelope_into(s, cx.st.envelopes.emplace_back(), cx.opts, cx.syn); !e) return e.error();
    // Lenient: no SP between the envelope and the body, ")(" (GNU Mailutils imap4d 3.15
    // sends it, seen in tests/interop/imap_mailutils.sh). Written back with the SP.
    if (s.peek_is('(')) {
        if (!cx.opts.lenient()) return s.error(errc::strict_violation, "SP body (no SP after the envelope is a server quirk)");
    } else if (auto sp = detail::expect_sp(s); !sp) {
        return sp.error();
    }
    return true;
}

/// After the body of body-type-msg (node `self`): SP body-fld-lines [SP body-ext-1part].
MAILWIRE_LAZY inline result<void> body_type_msg_tail(scanner& s, body_context& cx, std::uint32_t self, std::size_t depth) noexcept {
    if (auto sp = detail::expect_sp(s); !sp) return sp;
    auto l = body_fld_lines(s, cx);
    if (!l) return l.error();
    cx.st.nodes[self].lines = *l;
    if (s.consume(' ')) return body_ext_1part(s, cx, cx.st.nodes[self], depth);
    return {};
}

/// body-type-1part = (body-type-basic / body-type-msg / body-type-text) [SP body-ext-1part]
/// body-type-basic = media-basic SP body-fields
/// media-basic     = ((DQUOTE ("APPLICATION" / "AUDIO" / "IMAGE" / "FONT" / "MESSAGE" /
///                   "MODEL" / "VIDEO") DQUOTE) / string) SP media-subtype
/// media-subtype   = string                                 (RFC 9051 §9; same in RFC 3501)
/// Lenient: a multipart without parts, `("RELATED" NIL ...)` (Gmail, jstedfast/MailKit#371):
/// the first string is then the multipart subtype. Fills node `self` of cx.st.nodes: all
/// of it, or for body-type-msg up to its body, which comes next when this says true.
MAILWIRE_LAZY inline result<bool> body_type_1part(scanner& s, body_context& cx, std::uint32_t self, std::size_t depth) noexcept {
    body_node& n = cx.st.nodes[self];
    if (!detail::at_string(s)) return s.error(errc::invalid_syntax, "body (\"(\" or a media type string)");
    if (auto t = detail::read_string(s, n.type, cx.opts, cx.syn); !t) return t.error();
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    if (!detail::at_string(s)) {
        if (!(s.peek_is('(') || detail::at_nil(s))) return s.error(errc::invalid_syntax, "media-subtype");
        if (!cx.opts.lenient())
            return s.error(errc::strict_violation, "media-subtype (a multipart without body parts is a server quirk)");
        n.kind = body_kind::multipart;
        n.subtype = n.type;
        n.type = string_value{string_form::quoted, "MULTIPART", false, false};
        if (auto r = body_ext_mpart(s, cx, n, depth); !r) return r.error();
        return false;
    }
    if (auto t = detail::read_string(s, n.subtype, cx.opts, cx.syn); !t) return t.error();
    if (n.type.iequals("TEXT")) n.kind = body_kind::text;
    else if (n.type.iequals("MESSAGE") && (n.subtype.iequals("RFC822") || n.subtype.iequals("GLOBAL")))
        n.kind = body_kind::message;
    else n.kind = body_kind::basic;
    if (auto sp = detail::expect_sp(s); !sp) return sp.error();
    if (auto f = body_fields(s, cx, n); !f) return f.error();
    if (n.kind == body_kind::text) {
        if (auto r = body_type_text(s, cx, n); !r) return r.error();
    } else if (n.kind == body_kind::message) {
        auto r = body_type_msg(s, cx, self);
        if (!r) return r.error();
        if (*r) return true;
    }
    if (s.consume(' '))
        if (auto r = body_ext_1part(s, cx, cx.st.nodes[self], depth); !r) return r.error(); // `n` may have moved
    return false;
}

/// body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
///                                                       (RFC 9051 §9; same in RFC 3501)
/// Fills node `self` of cx.st.nodes after its `count` parts (rules::body reads them; they
/// follow it in the storage): SP media-subtype [SP body-ext-mpart].
MAILWIRE_LAZY inline result<void> body_type_mpart(scanner& s, body_context& cx, std::uint32_t self, std::uint32_t count,
                                    std::size_t depth) noexcept {
    body_node& n = cx.st.nodes[self];
    n.kind = body_kind::multipart;
    n.type = string_value{string_form::quoted, "MULTIPART", false, false};
    n.child_count = count;
    if (auto sp = detail::expect_sp(s); !sp) return sp;
    if (auto t = detail::read_string(s, n.subtype, cx.opts, cx.syn); !t) return t;
    if (s.consume(' ')) return body_ext_mpart(s, cx, n, depth);
    return {};
}

/// body = "(" (body-type-1part / body-type-mpart) ")"     (RFC 9051 §9; same in RFC 3501)
/// `depth` is the nesting already used; this body's "(" adds one, and more than
/// opts.max_depth is limit_exceeded at that "(". Returns the node's index. The node is
/// appended before its parts (pre-order) and filled in place: no node is built on the
/// stack and copied, which cost 7 % of a FETCH parse. Nested bodies (multipart parts, a
/// message's body) are read by this one loop, not by recursion: the bodies still open are
/// kept in a fixed array (at most max_depth_ceiling of them), so the stack it uses does
/// not grow with the nesting.
MAILWIRE_LAZY inline result<std::uint32_t> body(scanner& s, body_context& cx, std::size_t depth) {
    struct open_body {
        std::uint32_t self;
        std::uint32_t prev;  ///< multipart: the last part read
        std::uint32_t count; ///< multipart: parts read
        bool multipart;      ///< else a message whose body is being read
    };
    open_body open[max_depth_ceiling];
    std::size_t top = 0;
    for (;;) {
        // A body starts here, at nesting level depth + top + 1.
        if (!s.peek_is('(')) return s.error(errc::invalid_syntax, "body");
        if (depth + top + 1 > cx.opts.depth_limit()) return s.error(errc::limit_exceeded, "body nesting within max_depth");
        s.advance();
        const std::uint32_t self = detail::index_of(cx.st.nodes.size());
        cx.st.nodes.emplace_back();
        if (s.peek_is('(')) { // body-type-mpart: its parts first
            if (cx.opts.max_list == 0) return s.error(errc::limit_exceeded, "body parts within max_list");
            open[top++] = open_body{self, no_index, 0, true};
            continue;
        }
        auto more = body_type_1part(s, cx, self, depth + top + 1);
        if (!more) return more.error();
        if (*more) { // a message's body comes next
            open[top++] = open_body{self, no_index, 0, false};
            continue;
        }
        if (!s.consume(')')) return s.error(errc::invalid_syntax, "\")\" ending body");
        std::uint32_t done = self;
        // A body ended: the next part of the multipart around it, or the rest of the body
        // around it. By index: each part's nodes may have moved the vector.
        for (;;) {
            if (top == 0) return done;
            open_body& o = open[top - 1];
            const std::size_t level = depth + top; // o's nesting level
            if (o.multipart) {
                if (o.prev == no_index) cx.st.nodes[o.self].first_child = done;
                else cx.st.nodes[o.prev].next_sibling = done;
                o.prev = done;
                ++o.count;
                if (s.peek_is('(')) {
                    if (o.count >= cx.opts.max_list) return s.error(errc::limit_exceeded, "body parts within max_list");
                    break;
                }
                if (auto r = body_type_mpart(s, cx, o.self, o.count, level); !r) return r.error();
            } else {
                cx.st.nodes[o.self].first_child = done;
                if (auto r = body_type_msg_tail(s, cx, o.self, level); !r) return r.error();
            }
            if (!s.consume(')')) return s.error(errc::invalid_syntax, "\")\" ending body");
            done = o.self;
            --top;
        }
    }
}

/// The entry point for BODY and BODYSTRUCTURE values: parses one `body` into `st`
/// (appending; clear() it between responses) and returns a handle to it. `depth_used` is
/// the parenthesis depth already open around the value. On error, `st` is left as it was.
MAILWIRE_LAZY inline result<body_part> body(scanner& s, body_storage& st, const parse_options& opts = {}, session_syntax syn = {},
                              std::size_t depth_used = 0) noexcept {
    const detail::storage_mark mark(st);
    body_context cx{st, opts, syn};
    auto r = body(s, cx, depth_used);
    if (!r) {
        mark.rollback(st);
        return r.error();
    }
    return body_part{&st, *r};
}

} // namespace rules

/// Parses a whole BODY / BODYSTRUCTURE value (for tests and tools); on error `st` is left
/// as it was.
MAILWIRE_LAZY inline result<body_part> parse_body(std::string_view text, body_storage& st, const parse_options& opts = {},
                                    session_syntax syn = {}) noexcept {
    const detail::storage_mark mark(st);
    scanner s(text);
    auto r = rules::body(s, st, opts, syn);
    if (!r) return r.error();
    if (!s.at_end()) {
        mark.rollback(st);
        return s.error(errc::invalid_syntax, "end of input");
    }
    return r;
}

// ---- writing -------------------------------------------------------------------------------

namespace detail {

/// A member that must be a `string` (not an atom); NIL only where `nil_ok`.
MAILWIRE_LAZY inline result<void> check_string_member(const string_value& v, bool nil_ok) noexcept {
    if (v.form == string_form::atom) return unsafe("body structure: a quoted string or a literal (not an atom)");
    if (v.is_nil() && !nil_ok) return unsafe("body structure: a string, not NIL");
    return check_writable(v);
}

MAILWIRE_LAZY inline result<void> check_params(const body_storage& st, const param_range& r) noexcept {
    if (r.form != list_form::list && r.count != 0) return unsafe("body-fld-param: NIL or \"()\" holds no pair");
    if (r.form == list_form::list && r.count == 0) return unsafe("body-fld-param: at least one pair");
    if (static_cast<std::size_t>(r.first) + r.count > st.params.size()) return unsafe("body-fld-param: index out of range");
    for (std::uint32_t k = 0; k < r.count; ++k) {
        const auto& p = st.params[r.first + k];
        if (auto ok = check_string_member(p.attribute, true); !ok) return ok;
        if (auto ok = check_string_member(p.value, true); !ok) return ok;
    }
    return {};
}

/// Checks an extension tree without recursion; lists nested deeper than
/// max_depth_ceiling (which no parse makes) are refused.
struct extension_checker {
    const body_storage& st;
    parse_error err{};
    bool fail(parse_error e) noexcept {
        err = e;
        return false;
    }
    bool enter(std::uint32_t i, std::size_t) noexcept {
        if (i >= st.extensions.size()) return fail(unsafe("body-extension: index out of range"));
        const body_extension e{&st, i};
        switch (e.kind()) {
        case extension_kind::string:
            if (auto ok = check_nstring_member(e.string()); !ok) return fail(ok.error());
            return true;
        case extension_kind::number:
            if (e.number() > static_cast<std::uint64_t>(INT64_MAX)) return fail(unsafe("body-extension: number64"));
            return true;
        case extension_kind::list: break;
        }
        if (e.size() == 0) return fail(unsafe("body-extension: a list holds at least one item"));
        return true;
    }
    walk_step child(std::uint32_t i, std::uint32_t k, std::uint32_t& c) noexcept {
        const body_extension_node& n = st.extensions[i];
        if (n.kind != extension_kind::list) return walk_step::done;
        c = k == 0 ? n.first_child : st.extensions[c].next;
        if (c == no_index) return walk_step::done;
        if (k >= n.count) {
            fail(unsafe("body-extension: list length"));
            return walk_step::stop;
        }
        return walk_step::child;
    }
    bool leave(std::uint32_t i, std::uint32_t k, std::uint32_t, std::size_t) noexcept {
        const body_extension_node& n = st.extensions[i];
        if (n.kind == extension_kind::list && k != n.count) return fail(unsafe("body-extension: list length"));
        return true;
    }
    bool too_deep(std::uint32_t) noexcept { return fail(unsafe("body-extension: nesting deeper than max_depth_ceiling")); }
};

MAILWIRE_LAZY inline result<void> check_extension(body_extension e) noexcept {
    if (!e.valid()) return unsafe("body-extension: index out of range");
    extension_checker v{*e.storage()};
    if (!walk_tree<max_depth_ceiling>(e.index(), v)) return v.err;
    return {};
}

/// Checks a body tree without recursion: each node on its own in enter() and leave()
/// (what the old recursive check did before and after the parts), the parts (or a
/// message's body) as children. Deeper than max_depth_ceiling (which no parse makes) is
/// refused.
struct body_checker {
    const body_storage& st;
    parse_error err{};
    bool fail(parse_error e) noexcept {
        err = e;
        return false;
    }
    bool enter(std::uint32_t i, std::size_t) noexcept {
        if (i >= st.nodes.size()) return fail(unsafe("body: index out of range"));
        const body_part b{&st, i};
        const body_node& n = b.node();
        if (auto ok = check_string_member(n.subtype, false); !ok) return fail(ok.error());
        if (n.ext_fields > 4) return fail(unsafe("body: at most 4 extension fields"));
        if (n.kind == body_kind::multipart) return true;
        if (auto ok = check_string_member(n.type, false); !ok) return fail(ok.error());
        const bool text = n.type.iequals("TEXT");
        const bool msg = n.type.iequals("MESSAGE") && (n.subtype.iequals("RFC822") || n.subtype.iequals("GLOBAL"));
        if ((n.kind == body_kind::text) != text || (n.kind == body_kind::message) != msg)
            return fail(unsafe("body: kind that matches the media type"));
        if (auto ok = check_params(st, n.params); !ok) return fail(ok.error());
        for (const string_value* v : {&n.id, &n.description})
            if (auto ok = check_nstring_member(*v); !ok) return fail(ok.error());
        if (auto ok = check_string_member(n.encoding, true); !ok) return fail(ok.error());
        if (n.octets < -1 || n.octets > static_cast<std::int64_t>(UINT32_MAX)) return fail(unsafe("body-fld-octets: a number"));
        if (b.has_lines() && n.lines < -1) return fail(unsafe("body-fld-lines: a number"));
        if (n.kind == body_kind::message && !n.bare_message) {
            if (n.envelope >= st.envelopes.size()) return fail(unsafe("body-type-msg: envelope"));
            if (auto ok = check_writable(st.envelopes[n.envelope]); !ok) return fail(ok.error());
        }
        return true;
    }
    walk_step child(std::uint32_t i, std::uint32_t k, std::uint32_t& c) noexcept {
        const body_node& n = st.nodes[i];
        if (n.kind == body_kind::multipart) {
            c = k == 0 ? n.first_child : st.nodes[c].next_sibling;
            if (c == no_index) return walk_step::done;
            if (k >= n.child_count) {
                fail(unsafe("body: child count"));
                return walk_step::stop;
            }
            return walk_step::child;
        }
        if (n.kind != body_kind::message || n.bare_message || k > 0) return walk_step::done;
        c = n.first_child; // message_body(); invalid is refused when entered
        return walk_step::child;
    }
    bool leave(std::uint32_t i, std::uint32_t k, std::uint32_t, std::size_t) noexcept {
        const body_part b{&st, i};
        const body_node& n = b.node();
        if (n.kind == body_kind::multipart) {
            if (k != n.child_count) return fail(unsafe("body: child count"));
            if (n.child_count == 0 && n.ext_fields == 0)
                return fail(unsafe("body: a multipart without parts needs its extension data to be written"));
            if (n.ext_fields >= 1)
                if (auto ok = check_params(st, n.params); !ok) return fail(ok.error());
        } else if (n.ext_fields >= 1) {
            if (auto ok = check_nstring_member(n.md5); !ok) return fail(ok.error());
        }
        if (n.ext_fields >= 2) {
            if (n.dsp == disposition_form::list) {
                if (auto ok = check_string_member(n.dsp_type, true); !ok) return fail(ok.error());
                if (auto ok = check_params(st, n.dsp_params); !ok) return fail(ok.error());
            } else if (n.dsp == disposition_form::bare_string) {
                if (auto ok = check_string_member(n.dsp_type, false); !ok) return fail(ok.error());
            }
        }
        if (n.ext_fields >= 3) {
            if (n.lang == language_form::nstring) {
                if (auto ok = check_nstring_member(n.language); !ok) return fail(ok.error());
            } else {
                if (n.lang_count == 0 || static_cast<std::size_t>(n.lang_first) + n.lang_count > st.languages.size())
                    return fail(unsafe("body-fld-lang: a list of at least one string"));
                for (const auto& l : b.languages())
                    if (auto ok = check_string_member(l, true); !ok) return fail(ok.error());
            }
        }
        if (n.ext_fields >= 4) {
            if (auto ok = check_nstring_member(n.location); !ok) return fail(ok.error());
            std::uint32_t count = 0;
            for (auto e = b.first_extension(); e.valid(); e = e.next(), ++count) {
                if (count >= n.ext_count) return fail(unsafe("body: extension count"));
                if (auto ok = check_extension(e); !ok) return fail(ok.error());
            }
            if (count != n.ext_count) return fail(unsafe("body: extension count"));
        } else if (n.ext_count != 0) {
            return fail(unsafe("body: body-extension items need body-fld-loc"));
        }
        return true;
    }
    bool too_deep(std::uint32_t) noexcept { return fail(unsafe("body: nesting deeper than max_depth_ceiling")); }
};

MAILWIRE_LAZY inline result<void> check_body(body_part b) noexcept {
    if (!b.valid()) return unsafe("body: index out of range");
    body_checker v{*b.storage()};
    if (!walk_tree<max_depth_ceiling>(b.index(), v)) return v.err;
    return {};
}

template <class OutIt>
OutIt write_params(OutIt out, const body_storage& st, const param_range& r) {
    if (r.form == list_form::nil) return fmt::format_to(out, "NIL");
    *out++ = '(';
    for (std::uint32_t k = 0; k < r.count; ++k) {
        const auto& p = st.params[r.first + k];
        if (k > 0) *out++ = ' ';
        out = write_response_string(out, p.attribute);
        *out++ = ' ';
        out = write_response_string(out, p.value);
    }
    *out++ = ')';
    return out;
}

/// Writes an extension tree without recursion: wire bytes, or readable (`display`).
template <class OutIt>
struct extension_writer {
    OutIt out;
    const body_storage& st;
    bool display;
    bool enter(std::uint32_t i, std::size_t) {
        const body_extension e{&st, i};
        switch (e.kind()) {
        case extension_kind::string:
            out = display ? display_nstring(out, e.string()) : write_response_string(out, e.string());
            break;
        case extension_kind::number: out = fmt::format_to(out, "{}", e.number()); break;
        case extension_kind::list: *out++ = '('; break;
        }
        return true;
    }
    walk_step child(std::uint32_t i, std::uint32_t k, std::uint32_t& c) {
        const body_extension_node& n = st.extensions[i];
        if (n.kind != extension_kind::list) return walk_step::done;
        c = k == 0 ? n.first_child : st.extensions[c].next;
        if (c >= st.extensions.size()) return walk_step::done;
        if (k > 0) *out++ = ' ';
        return walk_step::child;
    }
    bool leave(std::uint32_t i, std::uint32_t, std::uint32_t, std::size_t) {
        if (st.extensions[i].kind == extension_kind::list) *out++ = ')';
        return true;
    }
    bool too_deep(std::uint32_t) { return false; }
};

template <class OutIt>
OutIt write_extension(OutIt out, body_extension e, bool display = false) {
    if (!e.valid() || e.index() >= e.storage()->extensions.size()) return out;
    extension_writer<OutIt> w{out, *e.storage(), display};
    walk_tree<max_depth_ceiling>(e.index(), w);
    return w.out;
}

/// The extension fields after (md5 | param): [SP dsp [SP lang [SP loc *(SP ext)]]].
template <class OutIt>
OutIt write_ext_tail(OutIt out, body_part b) {
    const body_node& n = b.node();
    const body_storage& st = *b.storage();
    if (n.ext_fields < 2) return out;
    *out++ = ' ';
    switch (n.dsp) {
    case disposition_form::nil: out = fmt::format_to(out, "NIL"); break;
    case disposition_form::bare_string: out = write_response_string(out, n.dsp_type); break;
    case disposition_form::list:
        *out++ = '(';
        out = write_response_string(out, n.dsp_type);
        *out++ = ' ';
        out = write_params(out, st, n.dsp_params);
        *out++ = ')';
        break;
    }
    if (n.ext_fields < 3) return out;
    *out++ = ' ';
    if (n.lang == language_form::nstring) {
        out = write_response_string(out, n.language);
    } else {
        *out++ = '(';
        bool first = true;
        for (const auto& l : b.languages()) {
            if (!first) *out++ = ' ';
            first = false;
            out = write_response_string(out, l);
        }
        *out++ = ')';
    }
    if (n.ext_fields < 4) return out;
    *out++ = ' ';
    out = write_response_string(out, n.location);
    for (auto e = b.first_extension(); e.valid(); e = e.next()) {
        *out++ = ' ';
        out = write_extension(out, e);
    }
    return out;
}

/// Writes a body tree without recursion: a node's fields before its parts (or its
/// message's body) in enter(), the rest in leave().
template <class OutIt>
struct body_writer {
    OutIt out;
    const body_storage& st;
    bool enter(std::uint32_t i, std::size_t) {
        const body_node& n = st.nodes[i];
        *out++ = '(';
        if (n.kind == body_kind::multipart) return true;
        out = write_response_string(out, n.type);
        *out++ = ' ';
        out = write_response_string(out, n.subtype);
        *out++ = ' ';
        out = write_params(out, st, n.params);
        *out++ = ' ';
        out = write_response_string(out, n.id);
        *out++ = ' ';
        out = write_response_string(out, n.description);
        *out++ = ' ';
        out = write_response_string(out, n.encoding);
        out = fmt::format_to(out, " {}", n.octets);
        if (n.kind == body_kind::message && !n.bare_message) {
            *out++ = ' ';
            out = write_envelope(out, st.envelopes[n.envelope]);
            *out++ = ' ';
        }
        return true;
    }
    walk_step child(std::uint32_t i, std::uint32_t k, std::uint32_t& c) const {
        const body_node& n = st.nodes[i];
        if (n.kind == body_kind::multipart) c = k == 0 ? n.first_child : st.nodes[c].next_sibling;
        else if (n.kind == body_kind::message && !n.bare_message && k == 0) c = n.first_child;
        else return walk_step::done;
        return c < st.nodes.size() ? walk_step::child : walk_step::done;
    }
    bool leave(std::uint32_t i, std::uint32_t, std::uint32_t, std::size_t) {
        const body_part b{&st, i};
        const body_node& n = b.node();
        if (n.kind == body_kind::multipart) {
            if (n.child_count > 0) *out++ = ' ';
            out = write_response_string(out, n.subtype);
            if (n.ext_fields >= 1) {
                *out++ = ' ';
                out = write_params(out, st, n.params);
            }
        } else {
            if (b.has_lines()) out = fmt::format_to(out, " {}", n.lines);
            if (n.ext_fields >= 1) {
                *out++ = ' ';
                out = write_response_string(out, n.md5);
            }
        }
        out = write_ext_tail(out, b);
        *out++ = ')';
        return true;
    }
    bool too_deep(std::uint32_t) { return false; }
};

template <class OutIt>
OutIt write_body(OutIt out, body_part b) {
    if (!b.valid() || b.index() >= b.storage()->nodes.size()) return out;
    body_writer<OutIt> w{out, *b.storage()};
    walk_tree<max_depth_ceiling>(b.index(), w);
    return w.out;
}

// ---- readable tree -------------------------------------------------------------------------

template <class OutIt>
OutIt display_params(OutIt out, std::span<const body_param> ps) {
    *out++ = '(';
    bool first = true;
    for (const auto& p : ps) {
        if (!first) *out++ = ' ';
        first = false;
        out = display_nstring(out, p.attribute);
        *out++ = '=';
        out = display_nstring(out, p.value);
    }
    *out++ = ')';
    return out;
}

template <class OutIt>
OutIt display_extension(OutIt out, body_extension e) {
    return write_extension(out, e, true);
}

/// A part's own line, indented, with its section path: "1.2 text/plain ...".
template <class OutIt>
OutIt display_line(OutIt out, body_part b, std::size_t indent, const char* path, std::size_t path_len) {
    const body_node& n = b.node();
    for (std::size_t i = 0; i < indent; ++i) *out++ = ' ';
    if (path_len > 0) {
        for (std::size_t i = 0; i < path_len; ++i) *out++ = path[i];
        *out++ = ' ';
    }
    for (char c : n.type.chars()) *out++ = chars::to_lower(c);
    *out++ = '/';
    for (char c : n.subtype.chars()) *out++ = chars::to_lower(c);
    if (!b.params().empty()) {
        *out++ = ' ';
        out = display_params(out, b.params());
    }
    if (n.kind != body_kind::multipart) {
        if (!n.id.is_nil()) { out = fmt::format_to(out, " id="); out = display_nstring(out, n.id); }
        if (!n.description.is_nil()) { out = fmt::format_to(out, " desc="); out = display_nstring(out, n.description); }
        out = fmt::format_to(out, " enc=");
        out = display_nstring(out, n.encoding);
        out = fmt::format_to(out, " size={}", n.octets);
        if (b.has_lines()) out = fmt::format_to(out, " lines={}", n.lines);
        if (n.ext_fields >= 1 && !n.md5.is_nil()) { out = fmt::format_to(out, " md5="); out = display_nstring(out, n.md5); }
    }
    if (n.ext_fields >= 2 && n.dsp != disposition_form::nil) {
        out = fmt::format_to(out, " disposition=");
        out = display_nstring(out, n.dsp_type);
        if (!b.disposition_params().empty()) out = display_params(out, b.disposition_params());
    }
    if (n.ext_fields >= 3 && !b.languages().empty()) {
        out = fmt::format_to(out, " lang=");
        bool first = true;
        for (const auto& l : b.languages()) {
            if (!first) *out++ = ',';
            first = false;
            out = display_nstring(out, l);
        }
    }
    if (n.ext_fields >= 4 && !n.location.is_nil()) { out = fmt::format_to(out, " location="); out = display_nstring(out, n.location); }
    for (auto e = b.first_extension(); e.valid(); e = e.next()) {
        out = fmt::format_to(out, " ext=");
        out = display_extension(out, e);
    }
    if (n.kind == body_kind::message && n.bare_message) out = fmt::format_to(out, " (no envelope)");
    return out;
}

/// One line per part, walked without recursion. A part's sub-parts are numbered under its
/// path ("P.k", or "k" at the top; a message's parts are its encapsulated body's, the
/// multipart of that body shown on a line of its own) and indented two more (four under a
/// message's multipart). Paths are capped at 128 characters.
template <class OutIt>
struct body_display {
    OutIt out;
    const body_storage& st;
    std::size_t level = 0;                ///< of the node whose children are being walked
    std::size_t indent[max_depth_ceiling + 1]; ///< per level (one more: a part too deep to show)
    std::size_t path_len[max_depth_ceiling + 1];
    char path[128];                       ///< the path of the node at `level` and its parents

    body_display(OutIt o, const body_storage& storage) : out(o), st(storage) {}
    void spaces(std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) *out++ = ' ';
    }
    // The path of the next level: this level's and ".k".
    void child_path(std::uint32_t k, std::size_t child_indent) {
        const std::size_t len = path_len[level];
        const auto r = fmt::format_to_n(path + len, sizeof path - len, "{}{}", len ? "." : "", k);
        path_len[level + 1] = len + r.size < sizeof path ? len + r.size : sizeof path;
        indent[level + 1] = child_indent;
    }
    bool enter(std::uint32_t i, std::size_t l) {
        level = l;
        out = display_line(out, body_part{&st, i}, indent[l], path, path_len[l]);
        return true;
    }
    walk_step child(std::uint32_t i, std::uint32_t k, std::uint32_t& c) {
        const body_node& n = st.nodes[i];
        if (n.kind == body_kind::multipart) {
            c = k == 0 ? n.first_child : st.nodes[c].next_sibling;
            if (c >= st.nodes.size()) return walk_step::done;
            *out++ = '\n';
            child_path(k + 1, indent[level] + 2);
            return walk_step::child;
        }
        if (n.kind != body_kind::message || n.bare_message || n.first_child >= st.nodes.size()) return walk_step::done;
        const body_node& inner = st.nodes[n.first_child];
        if (k == 0) {
            *out++ = '\n';
            spaces(indent[level] + 2);
            if (n.envelope < st.envelopes.size()) out = display_envelope(out, st.envelopes[n.envelope]);
            *out++ = '\n';
            if (inner.kind != body_kind::multipart) {
                c = n.first_child;
                child_path(1, indent[level] + 2);
                return walk_step::child;
            }
            spaces(indent[level] + 2);
            out = fmt::format_to(out, "multipart/");
            for (char ch : inner.subtype.chars()) *out++ = chars::to_lower(ch);
            c = inner.first_child;
        } else {
            if (inner.kind != body_kind::multipart) return walk_step::done;
            c = st.nodes[c].next_sibling;
        }
        if (c >= st.nodes.size()) return walk_step::done;
        *out++ = '\n';
        child_path(k + 1, indent[level] + 4);
        return walk_step::child;
    }
    bool leave(std::uint32_t, std::uint32_t, std::uint32_t, std::size_t l) {
        level = l == 0 ? 0 : l - 1;
        return true;
    }
    bool too_deep(std::uint32_t) {
        spaces(indent[level] + 2);
        out = fmt::format_to(out, "(parts nested deeper than {} not shown)", max_depth_ceiling);
        return true;
    }
};

template <class OutIt>
OutIt display_body(OutIt out, body_part b, std::size_t indent, const char* path, std::size_t path_len) {
    if (!b.valid() || b.index() >= b.storage()->nodes.size()) return out;
    body_display<OutIt> d(out, *b.storage());
    d.indent[0] = indent;
    d.path_len[0] = path_len < sizeof d.path ? path_len : sizeof d.path;
    for (std::size_t i = 0; i < d.path_len[0]; ++i) d.path[i] = path[i];
    walk_tree<max_depth_ceiling>(b.index(), d);
    return d.out;
}

} // namespace detail

/// Writable when every string can be written in its form and the tree is consistent
/// (kinds match media types, counts match links, indexes are in range).
MAILWIRE_LAZY inline result<void> check_writable(const body_part& b) noexcept {
    if (!b.valid()) return unsafe("body: an invalid handle");
    return detail::check_body(b);
}
MAILWIRE_LAZY inline result<void> check_writable(const body_param& p) noexcept {
    if (auto ok = detail::check_string_member(p.attribute, true); !ok) return ok;
    return detail::check_string_member(p.value, true);
}
MAILWIRE_LAZY inline result<void> check_writable(const body_extension& e) noexcept {
    if (!e.valid()) return unsafe("body-extension: an invalid handle");
    return detail::check_extension(e);
}

} // namespace mailwire::imap

template <>
struct fmt::formatter<mailwire::imap::body_part> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::body_part& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (!v.valid()) mailwire::refuse_unsafe_write("body: an invalid handle");
        if (pres == mailwire::presentation::verbose) {
            const bool single = !v.is_multipart();
            return mailwire::imap::detail::display_body(ctx.out(), v, 0, single ? "1" : "", single ? 1 : 0);
        }
        if (!check_writable(v)) mailwire::refuse_unsafe_write("body structure that cannot be written");
        return mailwire::imap::detail::write_body(ctx.out(), v);
    }
};

template <>
struct fmt::formatter<mailwire::imap::body_extension> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::body_extension& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (!check_writable(v)) mailwire::refuse_unsafe_write("body-extension that cannot be written");
        if (pres == mailwire::presentation::verbose) return mailwire::imap::detail::display_extension(ctx.out(), v);
        return mailwire::imap::detail::write_extension(ctx.out(), v);
    }
};

template <>
struct fmt::formatter<mailwire::imap::body_param> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::body_param& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        auto out = ctx.out();
        if (pres == mailwire::presentation::verbose) {
            out = mailwire::imap::detail::display_nstring(out, v.attribute);
            *out++ = '=';
            return mailwire::imap::detail::display_nstring(out, v.value);
        }
        if (!check_writable(v)) mailwire::refuse_unsafe_write("body parameter that cannot be written");
        out = mailwire::imap::detail::write_response_string(out, v.attribute);
        *out++ = ' ';
        return mailwire::imap::detail::write_response_string(out, v.value);
    }
};
