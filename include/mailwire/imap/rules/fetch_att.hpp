// FETCH data items (RFC 9051 §6.4.5 and §9; RFC 3501 §6.4.5 and §9) with the extensions
// that add items or modifiers:
//
//   RFC 3516 §4.2   BINARY[.PEEK][part]<partial>, BINARY.SIZE[part]
//   RFC 4466 §2.4   fetch-modifiers = SP "(" fetch-modifier *(SP fetch-modifier) ")"
//   RFC 7162 §7     MODSEQ; modifiers CHANGEDSINCE mod-sequence-value and VANISHED
//   RFC 9394 §4     modifier PARTIAL partial-range
//   RFC 8514 §5     SAVEDATE          RFC 8474 §7  EMAILID, THREADID
//   RFC 8970 §6     PREVIEW [SP "(" "LAZY" *(SP "LAZY") ")"]
//   Gmail (no RFC; developers.google.com/gmail/imap/imap-extensions): X-GM-MSGID,
//   X-GM-THRID, X-GM-LABELS.
//
// Both IMAP4rev1 and IMAP4rev2 are accepted in both modes: RFC 9051 dropped RFC822,
// RFC822.HEADER and RFC822.TEXT, RFC 3501 has them. An unknown item is invalid_syntax at
// its first byte. Item names are case-insensitive and written back upper-case.
//
// Storage: fetch_items keeps the attribute list in a std::vector the caller reuses
// (parsing clears it and keeps its capacity), so once it has grown, parsing allocates
// nothing. fetch_att itself holds only views and numbers (sections are views, see
// section.hpp). fetch_modifiers is kept as the validated text between its parentheses and
// iterated without allocation, like search_return_opts.
//
// Whether VANISHED is allowed (only in UID FETCH, with CHANGEDSINCE, after ENABLE QRESYNC;
// RFC 7162 §3.2.6) is a matter for the command and session, not for this grammar.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

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
#include <mailwire/imap/rules/search_key.hpp> // tagged-ext-val, partial-range, mod-sequence-value
#include <mailwire/imap/rules/section.hpp>
#include <mailwire/imap/rules/sequence_set.hpp>
#include <mailwire/imap/rules/string.hpp>

namespace mailwire::imap {

// ---- fetch-att -------------------------------------------------------------------------

enum class fetch_att_kind : std::uint8_t {
    envelope,      ///< ENVELOPE
    flags,         ///< FLAGS
    internaldate,  ///< INTERNALDATE
    rfc822,        ///< RFC822 (RFC 3501 only)
    rfc822_header, ///< RFC822.HEADER (RFC 3501 only)
    rfc822_text,   ///< RFC822.TEXT (RFC 3501 only)
    rfc822_size,   ///< RFC822.SIZE
    body,          ///< BODY (non-extensible BODYSTRUCTURE)
    bodystructure, ///< BODYSTRUCTURE
    uid,           ///< UID
    body_section,  ///< BODY section [partial]
    body_peek,     ///< BODY.PEEK section [partial]
    binary,        ///< BINARY section-binary [partial] (RFC 3516)
    binary_peek,   ///< BINARY.PEEK section-binary [partial] (RFC 3516)
    binary_size,   ///< BINARY.SIZE section-binary (RFC 3516)
    modseq,        ///< MODSEQ (RFC 7162)
    emailid,       ///< EMAILID (RFC 8474)
    threadid,      ///< THREADID (RFC 8474)
    savedate,      ///< SAVEDATE (RFC 8514)
    preview,       ///< PREVIEW [(LAZY)] (RFC 8970)
    x_gm_msgid,    ///< X-GM-MSGID (Gmail)
    x_gm_thrid,    ///< X-GM-THRID (Gmail)
    x_gm_labels,   ///< X-GM-LABELS (Gmail)
};

/// The item's name as written ("BODY" for both body and body_section).
MAILWIRE_LAZY constexpr std::string_view to_string(fetch_att_kind k) noexcept {
    switch (k) {
    case fetch_att_kind::envelope: return "ENVELOPE";
    case fetch_att_kind::flags: return "FLAGS";
    case fetch_att_kind::internaldate: return "INTERNALDATE";
    case fetch_att_kind::rfc822: return "RFC822";
    case fetch_att_kind::rfc822_header: return "RFC822.HEADER";
    case fetch_att_kind::rfc822_text: return "RFC822.TEXT";
    case fetch_att_kind::rfc822_size: return "RFC822.SIZE";
    case fetch_att_kind::body: return "BODY";
    case fetch_att_kind::bodystructure: return "BODYSTRUCTURE";
    case fetch_att_kind::uid: return "UID";
    case fetch_att_kind::body_section: return "BODY";
    case fetch_att_kind::body_peek: return "BODY.PEEK";
    case fetch_att_kind::binary: return "BINARY";
    case fetch_att_kind::binary_peek: return "BINARY.PEEK";
    case fetch_att_kind::binary_size: return "BINARY.SIZE";
    case fetch_att_kind::modseq: return "MODSEQ";
    case fetch_att_kind::emailid: return "EMAILID";
    case fetch_att_kind::threadid: return "THREADID";
    case fetch_att_kind::savedate: return "SAVEDATE";
    case fetch_att_kind::preview: return "PREVIEW";
    case fetch_att_kind::x_gm_msgid: return "X-GM-MSGID";
    case fetch_att_kind::x_gm_thrid: return "X-GM-THRID";
    case fetch_att_kind::x_gm_labels: return "X-GM-LABELS";
    }
    return "";
}

/// BODY[...] and BODY.PEEK[...]: the item has a section.
MAILWIRE_LAZY constexpr bool has_section(fetch_att_kind k) noexcept { return k == fetch_att_kind::body_section || k == fetch_att_kind::body_peek; }
/// BINARY[...], BINARY.PEEK[...], BINARY.SIZE[...]: the item has a section-binary.
MAILWIRE_LAZY constexpr bool has_section_binary(fetch_att_kind k) noexcept {
    return k == fetch_att_kind::binary || k == fetch_att_kind::binary_peek || k == fetch_att_kind::binary_size;
}
/// The items that may take a partial.
MAILWIRE_LAZY constexpr bool takes_partial(fetch_att_kind k) noexcept {
    return has_section(k) || k == fetch_att_kind::binary || k == fetch_att_kind::binary_peek;
}

/// One fetch-att. Only the fields of `kind` are meaningful; the others keep their
/// defaults and do not take part in equality.
struct fetch_att {
    fetch_att_kind kind = fetch_att_kind::envelope;
    imap::section section{};          ///< body_section, body_peek
    imap::section_binary binary{};    ///< binary, binary_peek, binary_size
    bool has_partial = false;         ///< body_section, body_peek, binary, binary_peek
    imap::partial partial{};          ///< when has_partial
    /// preview: how many "LAZY" preview-mods were given in "(...)"; 0 = no list.
    std::uint32_t preview_lazy = 0;

    constexpr bool peek() const noexcept { return kind == fetch_att_kind::body_peek || kind == fetch_att_kind::binary_peek; }

    friend constexpr bool operator==(const fetch_att& a, const fetch_att& b) noexcept {
        if (a.kind != b.kind) return false;
        if (has_section(a.kind) && !(a.section == b.section)) return false;
        if (has_section_binary(a.kind) && !(a.binary == b.binary)) return false;
        if (takes_partial(a.kind) && (a.has_partial != b.has_partial || (a.has_partial && !(a.partial == b.partial)))) return false;
        if (a.kind == fetch_att_kind::preview && a.preview_lazy != b.preview_lazy) return false;
        return true;
    }
};

// ---- the list of items -----------------------------------------------------------------

/// The macros of RFC 9051 §6.4.5 (none: a single item or a parenthesized list).
enum class fetch_macro : std::uint8_t { none, all, fast, full };

MAILWIRE_LAZY constexpr std::string_view to_string(fetch_macro m) noexcept {
    switch (m) {
    case fetch_macro::none: return "";
    case fetch_macro::all: return "ALL";
    case fetch_macro::fast: return "FAST";
    case fetch_macro::full: return "FULL";
    }
    return "";
}

namespace detail {
inline constexpr fetch_att_kind macro_full[] = {fetch_att_kind::flags, fetch_att_kind::internaldate, fetch_att_kind::rfc822_size,
                                                fetch_att_kind::envelope, fetch_att_kind::body};
} // namespace detail

/// What a macro stands for (RFC 9051 §6.4.5): ALL = (FLAGS INTERNALDATE RFC822.SIZE
/// ENVELOPE), FAST = (FLAGS INTERNALDATE RFC822.SIZE), FULL = ALL + BODY.
MAILWIRE_LAZY constexpr std::span<const fetch_att_kind> macro_expansion(fetch_macro m) noexcept {
    switch (m) {
    case fetch_macro::all: return {detail::macro_full, 4};
    case fetch_macro::fast: return {detail::macro_full, 3};
    case fetch_macro::full: return {detail::macro_full, 5};
    case fetch_macro::none: break;
    }
    return {};
}

/// `"ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")"` (the
/// unnamed part of RFC 9051's `fetch` rule): caller-owned, reusable storage.
struct fetch_items {
    fetch_macro macro = fetch_macro::none;
    /// Written as "(" ... ")" (always for more than one item; "(FLAGS)" and "FLAGS" differ).
    bool parenthesized = false;
    std::vector<fetch_att> atts;

    /// Empties the list, keeping its storage for the next parse.
    void clear() noexcept {
        macro = fetch_macro::none;
        parenthesized = false;
        atts.clear();
    }
    /// Whether an item of kind `k` is requested (macros expanded).
    bool contains(fetch_att_kind k) const noexcept {
        for (auto m : macro_expansion(macro))
            if (m == k) return true;
        for (const auto& a : atts)
            if (a.kind == k) return true;
        return false;
    }
    friend bool operator==(const fetch_items&, const fetch_items&) = default;
};

// ---- fetch-modifiers -------------------------------------------------------------------

enum class fetch_modifier_kind : std::uint8_t {
    changedsince, ///< CHANGEDSINCE mod-sequence-value (RFC 7162)
    vanished,     ///< VANISHED (RFC 7162)
    partial,      ///< PARTIAL partial-range (RFC 9394)
    extension,    ///< fetch-modifier-name [SP fetch-modif-params] (RFC 4466)
};

MAILWIRE_LAZY constexpr std::string_view to_string(fetch_modifier_kind k) noexcept {
    switch (k) {
    case fetch_modifier_kind::changedsince: return "CHANGEDSINCE";
    case fetch_modifier_kind::vanished: return "VANISHED";
    case fetch_modifier_kind::partial: return "PARTIAL";
    case fetch_modifier_kind::extension: return "";
    }
    return "";
}

struct fetch_modifier {
    fetch_modifier_kind kind = fetch_modifier_kind::vanished;
    std::uint64_t modseq = 0;  ///< changedsince
    partial_range range{};     ///< partial
    std::string_view name;     ///< extension: the fetch-modifier-name as sent
    bool has_params = false;   ///< extension
    tagged_ext_val params{};   ///< extension, when has_params

    friend constexpr bool operator==(const fetch_modifier& a, const fetch_modifier& b) noexcept {
        if (a.kind != b.kind) return false;
        switch (a.kind) {
        case fetch_modifier_kind::changedsince: return a.modseq == b.modseq;
        case fetch_modifier_kind::vanished: return true;
        case fetch_modifier_kind::partial: return a.range == b.range;
        case fetch_modifier_kind::extension:
            return chars::iequals(a.name, b.name) && a.has_params == b.has_params && (!a.has_params || a.params == b.params);
        }
        return false;
    }
};

namespace detail {
struct fetch_access;
MAILWIRE_LAZY constexpr result<fetch_modifier> fetch_modifier_at(scanner& s, std::size_t& depth, const parse_options& opts,
                                                   session_syntax syn) noexcept;
} // namespace detail

/// fetch-modifiers, kept as the validated text between the parentheses; empty = none
/// given (the list is never empty when present).
class fetch_modifiers {
public:
    class iterator {
    public:
        using value_type = fetch_modifier;
        using difference_type = std::ptrdiff_t;
        using reference = fetch_modifier;
        using pointer = void;
        using iterator_category = std::forward_iterator_tag;

        constexpr iterator() noexcept = default;
        constexpr explicit iterator(std::string_view rest) noexcept : rest_(rest) { read(); }
        constexpr fetch_modifier operator*() const noexcept { return cur_; }
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
            std::size_t depth = 0;
            auto m = detail::fetch_modifier_at(s, depth, detail::rules_reread_options(), session_syntax{true});
            if (!m || s.pos() == 0) { rest_ = {}; return; }
            cur_ = *m;
            len_ = s.pos();
        }
        std::string_view rest_;
        fetch_modifier cur_{};
        std::size_t len_ = 0;
    };

    constexpr fetch_modifiers() noexcept = default;

    /// `inside` as the text between the parentheses ("CHANGEDSINCE 12345 VANISHED");
    /// "" gives no modifiers. Error offsets are within `inside`.
    static constexpr result<fetch_modifiers> parse(std::string_view inside, const parse_options& opts = {}) noexcept;

    constexpr bool present() const noexcept { return !text_.empty(); }
    constexpr std::string_view text() const noexcept { return text_; }
    constexpr bool empty() const noexcept { return text_.empty(); }
    constexpr iterator begin() const noexcept { return iterator(text_); }
    constexpr iterator end() const noexcept { return iterator(text_.substr(text_.size())); }
    constexpr std::size_t size() const noexcept {
        return mailwire::detail::count_elements(*this);
    }
    /// CHANGEDSINCE's mod-sequence, if given.
    constexpr std::optional<std::uint64_t> changedsince() const noexcept {
        for (auto m : *this)
            if (m.kind == fetch_modifier_kind::changedsince) return m.modseq;
        return std::nullopt;
    }
    constexpr bool vanished() const noexcept {
        for (auto m : *this)
            if (m.kind == fetch_modifier_kind::vanished) return true;
        return false;
    }
    constexpr std::optional<partial_range> partial() const noexcept {
        for (auto m : *this)
            if (m.kind == fetch_modifier_kind::partial) return m.range;
        return std::nullopt;
    }
    friend constexpr bool operator==(const fetch_modifiers& a, const fetch_modifiers& b) noexcept {
        return mailwire::detail::elementwise_equal(a, b);
    }

private:
    friend struct detail::fetch_access;
    std::string_view text_;
};

namespace detail {
struct fetch_access {
    static constexpr fetch_modifiers modifiers(std::string_view t) noexcept {
        fetch_modifiers m;
        m.text_ = t;
        return m;
    }
};

/// The bytes of a fetch-att name: "BODY.PEEK", "RFC822.SIZE", "X-GM-MSGID".
inline constexpr chars::char_set fetch_name_char = chars::alpha | chars::digit | chars::char_set(".-");

struct fetch_name {
    std::string_view name;
    fetch_att_kind kind;
};
// body_section is "BODY" followed by "[", decided after the name.
inline constexpr fetch_name fetch_names[] = {
    {"ENVELOPE", fetch_att_kind::envelope},       {"FLAGS", fetch_att_kind::flags},
    {"INTERNALDATE", fetch_att_kind::internaldate}, {"RFC822", fetch_att_kind::rfc822},
    {"RFC822.HEADER", fetch_att_kind::rfc822_header}, {"RFC822.TEXT", fetch_att_kind::rfc822_text},
    {"RFC822.SIZE", fetch_att_kind::rfc822_size}, {"BODY", fetch_att_kind::body},
    {"BODYSTRUCTURE", fetch_att_kind::bodystructure}, {"UID", fetch_att_kind::uid},
    {"BODY.PEEK", fetch_att_kind::body_peek},     {"BINARY", fetch_att_kind::binary},
    {"BINARY.PEEK", fetch_att_kind::binary_peek}, {"BINARY.SIZE", fetch_att_kind::binary_size},
    {"MODSEQ", fetch_att_kind::modseq},           {"EMAILID", fetch_att_kind::emailid},
    {"THREADID", fetch_att_kind::threadid},       {"SAVEDATE", fetch_att_kind::savedate},
    {"PREVIEW", fetch_att_kind::preview},         {"X-GM-MSGID", fetch_att_kind::x_gm_msgid},
    {"X-GM-THRID", fetch_att_kind::x_gm_thrid},   {"X-GM-LABELS", fetch_att_kind::x_gm_labels},
};

/// After "PREVIEW": whether SP "(" "LAZY" (SP / ")") follows, i.e. preview-mods rather
/// than fetch-modifiers after a lone PREVIEW item.
MAILWIRE_LAZY constexpr bool preview_mods_follow(const scanner& s) noexcept {
    const auto r = s.rest();
    if (r.size() < 7 || r[0] != ' ' || r[1] != '(' || !chars::iequals(r.substr(2, 4), "LAZY")) return false;
    return r[6] == ' ' || r[6] == ')';
}
} // namespace detail

// ---- the rules -------------------------------------------------------------------------

namespace rules {

/// preview-mod = "LAZY"                                                 (RFC 8970 §6)
/// The "(" preview-mod *(SP preview-mod) ")" after "PREVIEW" SP; returns how many.
MAILWIRE_LAZY constexpr result<std::uint32_t> preview_mods(scanner& s, const parse_options& opts = {}) noexcept {
    if (!s.consume('(')) return s.error(errc::invalid_syntax, "\"(\"");
    std::uint32_t n = 0;
    for (;;) {
        if (n >= opts.max_list || n == UINT32_MAX) return s.error(errc::limit_exceeded, "preview-mod list within max_list");
        if (!s.consume_ci("LAZY")) return s.error(errc::invalid_syntax, "preview-mod \"LAZY\"");
        ++n;
        if (!s.consume(' ')) break;
    }
    if (!s.consume(')')) return s.error(errc::invalid_syntax, "SP or \")\"");
    return n;
}

/// fetch-att = "ENVELOPE" / "FLAGS" / "INTERNALDATE" /
///             "RFC822.SIZE" /
///             "BODY" ["STRUCTURE"] / "UID" /
///             "BODY" section [partial] /
///             "BODY.PEEK" section [partial] /
///             "BINARY" [".PEEK"] section-binary [partial] /
///             "BINARY.SIZE" section-binary                   (RFC 9051 §9)
/// fetch-att =/ "RFC822" [".HEADER" / ".TEXT"]                (RFC 3501 §9)
/// fetch-att =/ fetch-mod-sequence ; "MODSEQ"                 (RFC 7162 §7)
/// fetch-att =/ "EMAILID" / "THREADID"                        (RFC 8474 §7)
/// fetch-att =/ "SAVEDATE"                                    (RFC 8514 §5)
/// fetch-att =/ "PREVIEW" [SP "(" preview-mod *(SP preview-mod) ")"]  (RFC 8970 §6)
/// fetch-att =/ "X-GM-MSGID" / "X-GM-THRID" / "X-GM-LABELS"   (Gmail, no RFC)
/// An unknown name (the macros ALL, FAST, FULL included: they stand alone) is
/// invalid_syntax at its first byte.
MAILWIRE_LAZY constexpr result<imap::fetch_att> fetch_att(scanner& s, const parse_options& opts = {}, session_syntax syn = {}) noexcept {
    const std::size_t start = s.pos();
    const auto word = s.take_while(imap::detail::fetch_name_char);
    imap::fetch_att a;
    bool known = false;
    for (const auto& n : imap::detail::fetch_names)
        if (!word.empty() && chars::iequals(word, n.name)) {
            a.kind = n.kind;
            known = true;
            break;
        }
    if (!known) return s.error_at(start, errc::invalid_syntax, "fetch-att");
    if (a.kind == fetch_att_kind::body && s.peek_is('[')) a.kind = fetch_att_kind::body_section;
    if (has_section(a.kind)) {
        auto sec = section(s, opts, syn);
        if (!sec) return sec.error();
        a.section = *sec;
    } else if (has_section_binary(a.kind)) {
        auto sec = section_binary(s, opts);
        if (!sec) return sec.error();
        a.binary = *sec;
    } else if (a.kind == fetch_att_kind::preview && imap::detail::preview_mods_follow(s)) {
        s.advance();
        auto n = preview_mods(s, opts);
        if (!n) return n.error();
        a.preview_lazy = *n;
    }
    if (takes_partial(a.kind) && s.peek_is('<')) {
        auto p = partial(s);
        if (!p) return p.error();
        a.has_partial = true;
        a.partial = *p;
    }
    return a;
}

/// The items of FETCH:
///   "ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")"
///                                                         (RFC 9051 §9 fetch; RFC 3501 §9)
/// Clears `out`, then fills it; on failure its contents are unspecified. An empty list
/// "()" is invalid_syntax at the ")"; more than opts.max_list items is limit_exceeded.
MAILWIRE_LAZY inline result<void> fetch_items(scanner& s, imap::fetch_items& out, const parse_options& opts = {}, session_syntax syn = {}) noexcept {
    out.clear();
    const std::size_t start = s.pos();
    const auto word = s.take_while(imap::detail::fetch_name_char);
    if (!s.peek_is('[') && !s.peek_is('<')) {
        for (auto m : {fetch_macro::all, fetch_macro::fast, fetch_macro::full})
            if (chars::iequals(word, to_string(m))) {
                out.macro = m;
                return {};
            }
    }
    s.reset(start);
    if (!s.consume('(')) {
        auto a = fetch_att(s, opts, syn);
        if (!a) return a.error();
        out.atts.push_back(*a);
        return {};
    }
    out.parenthesized = true;
    for (;;) {
        if (out.atts.size() >= opts.max_list) return s.error(errc::limit_exceeded, "fetch-att list within max_list");
        auto a = fetch_att(s, opts, syn);
        if (!a) return a.error();
        out.atts.push_back(*a);
        if (!s.consume(' ')) break;
    }
    if (!s.consume(')')) return s.error(errc::invalid_syntax, "SP or \")\"");
    return {};
}

/// chgsince-fetch-mod = "CHANGEDSINCE" SP mod-sequence-value           (RFC 7162 §7)
MAILWIRE_LAZY constexpr result<std::uint64_t> chgsince_fetch_mod(scanner& s) noexcept {
    if (!s.consume_ci("CHANGEDSINCE")) return s.error(errc::invalid_syntax, "\"CHANGEDSINCE\"");
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    return mod_sequence_value(s);
}

/// fetch-modifier = fetch-modifier-name [ SP fetch-modif-params ]
/// fetch-modifier-name = tagged-ext-label
/// fetch-modif-params  = tagged-ext-val                                (RFC 4466 §3)
/// fetch-modifier =/ chgsince-fetch-mod / rexpunges-fetch-mod ; "VANISHED"  (RFC 7162 §7)
/// fetch-modifier =/ modifier-partial                                  (RFC 9394 §4)
/// Params of an unknown modifier are taken only when what follows the SP can start a
/// tagged-ext-val (as for search-ret-opt-ext).
MAILWIRE_LAZY constexpr result<imap::fetch_modifier> fetch_modifier(scanner& s, std::size_t& depth, const parse_options& opts = {},
                                                      session_syntax syn = {}) noexcept {
    return imap::detail::fetch_modifier_at(s, depth, opts, syn);
}

/// fetch-modifiers = SP "(" fetch-modifier *(SP fetch-modifier) ")"   (RFC 4466 §3; the
///                                                       SP before "(" belongs to the rule)
MAILWIRE_LAZY constexpr result<imap::fetch_modifiers> fetch_modifiers(scanner& s, std::size_t& depth, const parse_options& opts = {},
                                                        session_syntax syn = {}) noexcept {
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    if (!s.consume('(')) return s.error(errc::invalid_syntax, "\"(\"");
    const std::size_t start = s.pos();
    std::size_t count = 0;
    for (;;) {
        if (++count > opts.max_list) return s.error(errc::limit_exceeded, "fetch-modifiers within max_list");
        auto m = fetch_modifier(s, depth, opts, syn);
        if (!m) return m.error();
        if (!s.consume(' ')) break;
    }
    const auto text = s.since(start);
    if (!s.consume(')')) return s.error(errc::invalid_syntax, "SP or \")\"");
    return imap::detail::fetch_access::modifiers(text);
}

} // namespace rules

namespace detail {
MAILWIRE_LAZY_DEFINITION constexpr result<fetch_modifier> fetch_modifier_at(scanner& s, std::size_t& depth, const parse_options& opts,
                                                   session_syntax syn) noexcept {
    const std::size_t start = s.pos();
    auto name = rules::tagged_ext_label(s);
    if (!name) return s.error(errc::invalid_syntax, "fetch-modifier");
    fetch_modifier m;
    if (chars::iequals(*name, "CHANGEDSINCE") && s.peek_is(' ')) {
        s.reset(start);
        auto v = rules::chgsince_fetch_mod(s);
        if (!v) return v.error();
        m.kind = fetch_modifier_kind::changedsince;
        m.modseq = *v;
        return m;
    }
    if (chars::iequals(*name, "PARTIAL") && s.peek_is(' ')) {
        s.reset(start);
        auto r = rules::modifier_partial(s);
        if (!r) return r.error();
        m.kind = fetch_modifier_kind::partial;
        m.range = *r;
        return m;
    }
    const bool ends = s.at_end() || s.peek() == ' ' || s.peek() == ')';
    if (chars::iequals(*name, "VANISHED") && ends) {
        m.kind = fetch_modifier_kind::vanished;
        return m;
    }
    if (chars::iequals(*name, "CHANGEDSINCE") || chars::iequals(*name, "PARTIAL"))
        return s.error(errc::invalid_syntax, "SP");
    m.kind = fetch_modifier_kind::extension;
    m.name = *name;
    const char c = s.peek(1);
    if (s.peek_is(' ') && (c == '(' || chars::digit(c) || c == '*' || c == '$' || (c == '-' && chars::digit(s.peek(2))))) {
        s.advance();
        auto v = rules::tagged_ext_val(s, depth, opts, syn);
        if (!v) return v.error();
        m.has_params = true;
        m.params = *v;
    }
    return m;
}
} // namespace detail

constexpr result<fetch_modifiers> fetch_modifiers::parse(std::string_view inside, const parse_options& opts) noexcept {
    scanner s(inside);
    std::size_t depth = 0;
    std::size_t count = 0;
    while (!s.at_end()) {
        if (++count > opts.max_list) return s.error(errc::limit_exceeded, "fetch-modifiers within max_list");
        auto m = detail::fetch_modifier_at(s, depth, opts, session_syntax{});
        if (!m) return m.error();
        if (s.at_end()) break;
        if (!s.consume(' ') || s.at_end()) return s.error(errc::invalid_syntax, "fetch-modifier");
    }
    return detail::fetch_access::modifiers(inside);
}

// ---- FETCH's arguments -----------------------------------------------------------------

/// The arguments of FETCH (and UID FETCH) after the command name, from its SP:
/// `SP sequence-set SP (macro / fetch-att / "(" fetch-att *(SP fetch-att) ")")
/// [fetch-modifiers]` (" 2:4 (FLAGS BODY[TEXT]) (CHANGEDSINCE 1)"). Caller-owned, reusable.
struct fetch_arguments {
    imap::sequence_set set{};
    fetch_items items{};
    fetch_modifiers modifiers{};

    void clear() noexcept {
        set = {};
        items.clear();
        modifiers = {};
    }
    friend bool operator==(const fetch_arguments&, const fetch_arguments&) = default;
};

/// fetch = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" /
///         fetch-att / "(" fetch-att *(SP fetch-att) ")") [fetch-modifiers]
///                                                       (RFC 9051 §9 with RFC 4466 §3):
/// the part after "FETCH", from its SP. The depth budget continues from `depth`.
MAILWIRE_LAZY inline result<void> parse_fetch_arguments(scanner& s, fetch_arguments& out, std::size_t& depth, const parse_options& opts = {},
                                          session_syntax syn = {}) noexcept {
    out.clear();
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    auto set = rules::sequence_set(s, opts);
    if (!set) return set.error();
    out.set = *set;
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    if (auto r = rules::fetch_items(s, out.items, opts, syn); !r) return r;
    if (s.peek_is(' ') && s.peek(1) == '(') {
        auto m = rules::fetch_modifiers(s, depth, opts, syn);
        if (!m) return m.error();
        out.modifiers = *m;
    }
    return {};
}

/// The whole of `text` as FETCH's arguments (leading SP included, see above).
MAILWIRE_LAZY inline result<void> parse_fetch_arguments(std::string_view text, fetch_arguments& out, const parse_options& opts = {},
                                          session_syntax syn = {}) noexcept {
    scanner s(text);
    std::size_t depth = 0;
    if (auto r = parse_fetch_arguments(s, out, depth, opts, syn); !r) return r;
    if (!s.at_end()) return s.error(errc::invalid_syntax, "SP fetch-modifiers or end of FETCH");
    return {};
}

/// The whole of `text` as fetch items (no leading SP): "ALL", "FLAGS", "(FLAGS UID)".
MAILWIRE_LAZY inline result<void> parse_fetch_items(std::string_view text, fetch_items& out, const parse_options& opts = {},
                                      session_syntax syn = {}) noexcept {
    scanner s(text);
    if (auto r = rules::fetch_items(s, out, opts, syn); !r) return r;
    if (!s.at_end()) return s.error(errc::invalid_syntax, "end of fetch items");
    return {};
}

// ---- check_writable --------------------------------------------------------------------

MAILWIRE_LAZY constexpr result<void> check_writable(const fetch_att& a) noexcept {
    if (static_cast<unsigned>(a.kind) > static_cast<unsigned>(fetch_att_kind::x_gm_labels)) return unsafe("fetch-att: kind");
    if (has_section(a.kind))
        if (auto ok = check_writable(a.section); !ok) return ok;
    if (takes_partial(a.kind) && a.has_partial)
        if (auto ok = check_writable(a.partial); !ok) return ok;
    return {};
}

MAILWIRE_LAZY inline result<void> check_writable(const fetch_items& v) noexcept {
    if (static_cast<unsigned>(v.macro) > static_cast<unsigned>(fetch_macro::full)) return unsafe("fetch items: macro");
    if (v.macro != fetch_macro::none) {
        if (!v.atts.empty() || v.parenthesized) return unsafe("fetch items: a macro stands alone");
        return {};
    }
    if (v.atts.empty()) return unsafe("fetch items: at least one fetch-att");
    if (v.atts.size() > 1 && !v.parenthesized) return unsafe("fetch items: several items need parentheses");
    for (const auto& a : v.atts)
        if (auto ok = check_writable(a); !ok) return ok;
    return {};
}

MAILWIRE_LAZY constexpr result<void> check_writable(const fetch_modifier& m) noexcept {
    switch (m.kind) {
    case fetch_modifier_kind::changedsince:
        if (m.modseq == 0 || m.modseq > static_cast<std::uint64_t>(INT64_MAX)) return unsafe("CHANGEDSINCE: mod-sequence-value");
        return {};
    case fetch_modifier_kind::vanished: return {};
    case fetch_modifier_kind::partial: return check_writable(m.range);
    case fetch_modifier_kind::extension:
        if (m.name.empty() || !detail::tagged_label_fchar(m.name.front()) || !detail::tagged_label_char.all_of(m.name))
            return unsafe("fetch-modifier-name: tagged-ext-label");
        for (auto k : {fetch_modifier_kind::changedsince, fetch_modifier_kind::vanished, fetch_modifier_kind::partial})
            if (chars::iequals(m.name, to_string(k))) return unsafe("fetch-modifier: a known modifier's name");
        if (m.has_params) return check_writable(m.params);
        return {};
    }
    return unsafe("fetch-modifier: kind");
}

MAILWIRE_LAZY constexpr result<void> check_writable(const fetch_modifiers&) noexcept { return {}; } // validated when built

MAILWIRE_LAZY inline result<void> check_writable(const fetch_arguments& a) noexcept {
    if (auto ok = check_writable(a.set); !ok) return ok;
    if (auto ok = check_writable(a.items); !ok) return ok;
    // A lone "PREVIEW" followed by modifiers starting with one named LAZY would re-parse
    // as PREVIEW (LAZY ...).
    if (!a.items.parenthesized && a.items.atts.size() == 1 && a.items.atts[0].kind == fetch_att_kind::preview &&
        a.items.atts[0].preview_lazy == 0 && a.modifiers.present() && (*a.modifiers.begin()).kind == fetch_modifier_kind::extension &&
        chars::iequals((*a.modifiers.begin()).name, "LAZY"))
        return unsafe("FETCH: PREVIEW then a modifier named LAZY would read as PREVIEW (LAZY)");
    return {};
}

// ---- writers ---------------------------------------------------------------------------

namespace detail::fetch_fmt {
// Writers for the formatters below (a namespace of their own: other headers have writers).
using section_fmt::write_chars;

template <class OutIt>
OutIt write_att(OutIt out, const fetch_att& a, bool verbose) {
    out = write_chars(out, to_string(a.kind));
    if (has_section(a.kind)) {
        if (verbose) {
            *out++ = ' ';
            out = section_fmt::write_section_verbose(out, a.section);
        } else {
            out = section_fmt::write_section(out, a.section);
        }
    } else if (has_section_binary(a.kind)) {
        *out++ = '[';
        out = write_chars(out, a.binary.part.text());
        *out++ = ']';
    } else if (a.kind == fetch_att_kind::preview && a.preview_lazy != 0) {
        out = write_chars(out, " (LAZY");
        for (std::uint32_t i = 1; i < a.preview_lazy; ++i) out = write_chars(out, " LAZY");
        *out++ = ')';
    }
    if (takes_partial(a.kind) && a.has_partial) out = fmt::format_to(out, "<{}.{}>", a.partial.offset, a.partial.length);
    return out;
}

template <class OutIt>
OutIt write_items(OutIt out, const fetch_items& v, bool verbose) {
    if (v.macro != fetch_macro::none) return write_chars(out, to_string(v.macro));
    if (v.parenthesized) *out++ = '(';
    for (std::size_t i = 0; i < v.atts.size(); ++i) {
        if (i != 0) out = write_chars(out, verbose ? ", " : " ");
        out = write_att(out, v.atts[i], verbose);
    }
    if (v.parenthesized) *out++ = ')';
    return out;
}

template <class OutIt>
OutIt write_modifier(OutIt out, const fetch_modifier& m) {
    switch (m.kind) {
    case fetch_modifier_kind::changedsince: return fmt::format_to(out, "CHANGEDSINCE {}", m.modseq);
    case fetch_modifier_kind::vanished: return write_chars(out, "VANISHED");
    case fetch_modifier_kind::partial: return search_fmt::write_partial_range(write_chars(out, "PARTIAL "), m.range);
    case fetch_modifier_kind::extension:
        out = write_chars(out, m.name);
        if (m.has_params) {
            *out++ = ' ';
            out = write_chars(out, m.params.text);
        }
        return out;
    }
    return out;
}

/// " (" modifiers ")", or nothing when there are none.
template <class OutIt>
OutIt write_modifiers(OutIt out, const fetch_modifiers& v) {
    if (!v.present()) return out;
    out = write_chars(out, " (");
    bool first = true;
    for (auto m : v) {
        if (!first) *out++ = ' ';
        first = false;
        out = write_modifier(out, m);
    }
    *out++ = ')';
    return out;
}
} // namespace detail::fetch_fmt

} // namespace mailwire::imap

// ---- formatters: "{}" wire bytes, "{:v}" readable -------------------------------------

template <>
struct fmt::formatter<mailwire::imap::fetch_att> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::fetch_att& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        const bool verbose = pres == mailwire::presentation::verbose;
        if (!verbose && !check_writable(v)) mailwire::refuse_unsafe_write("fetch-att that does not re-parse");
        auto out = ctx.out();
        if (verbose) out = fmt::format_to(out, "fetch-att ");
        return mailwire::imap::detail::fetch_fmt::write_att(out, v, verbose);
    }
};

template <>
struct fmt::formatter<mailwire::imap::fetch_items> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::fetch_items& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        const bool verbose = pres == mailwire::presentation::verbose;
        if (!verbose && !check_writable(v)) mailwire::refuse_unsafe_write("fetch items that do not re-parse");
        auto out = ctx.out();
        if (verbose) out = fmt::format_to(out, "fetch-items ");
        return mailwire::imap::detail::fetch_fmt::write_items(out, v, verbose);
    }
};

template <>
struct fmt::formatter<mailwire::imap::fetch_modifier> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::fetch_modifier& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        auto out = ctx.out();
        if (pres == mailwire::presentation::verbose) out = fmt::format_to(out, "fetch-modifier ");
        else if (!check_writable(v)) mailwire::refuse_unsafe_write("fetch-modifier that does not re-parse");
        return mailwire::imap::detail::fetch_fmt::write_modifier(out, v);
    }
};

/// Writes " (...)" with the SP that starts the rule, or nothing when there are none.
template <>
struct fmt::formatter<mailwire::imap::fetch_modifiers> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::fetch_modifiers& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose && !v.present()) return fmt::format_to(ctx.out(), "no fetch-modifiers");
        auto out = ctx.out();
        if (pres == mailwire::presentation::verbose) out = fmt::format_to(out, "fetch-modifiers");
        return mailwire::imap::detail::fetch_fmt::write_modifiers(out, v);
    }
};

/// Writes " set items [modifiers]": the bytes after "FETCH".
template <>
struct fmt::formatter<mailwire::imap::fetch_arguments> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::fetch_arguments& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose) return fmt::format_to(ctx.out(), "{:v} {:v} {:v}", v.set, v.items, v.modifiers);
        if (!check_writable(v)) mailwire::refuse_unsafe_write("FETCH arguments that do not re-parse");
        return fmt::format_to(ctx.out(), " {} {}{}", v.set, v.items, v.modifiers);
    }
};
