// SEARCH criteria (RFC 9051 §6.4.4 and §9; RFC 3501 §6.4.4 and §9) with the extensions
// that add search keys or return options:
//
//   RFC 4466 §2.6   search-program, search-return-opts, tagged-ext-val (generic syntax)
//   RFC 4731 §3     RETURN (MIN MAX ALL COUNT)            RFC 5182 §2  RETURN (SAVE), "$"
//   RFC 9394 §4     RETURN (PARTIAL 1:100 / -1:-100)      RFC 5032 §3  OLDER / YOUNGER
//   RFC 7162 §3.1.5 MODSEQ ["/flags/\\seen" all] 620162338
//   RFC 8514 §5     SAVEDATESUPPORTED SAVEDBEFORE SAVEDON SAVEDSINCE
//   RFC 8474 §7     EMAILID / THREADID objectid           RFC 6203 §7  FUZZY, RETURN (RELEVANCY)
//   Gmail (no RFC; developers.google.com/gmail/imap/imap-extensions): X-GM-RAW astring,
//   X-GM-MSGID number64, X-GM-THRID number64, X-GM-LABELS astring.
//
// The keys of both IMAP4rev1 and IMAP4rev2 are accepted in both modes: RFC 9051 dropped
// NEW, OLD and RECENT, RFC 3501 has them; RFC 3501's CHARSET is an astring, RFC 9051's
// `atom / quoted` (a subset); LARGER/SMALLER take number64 (RFC 9051), a superset of RFC
// 3501's number. A key that is none of the above is invalid_syntax at its first byte in
// both modes: its arguments cannot be known, so it cannot be skipped or kept.
//
// ---- Representation -------------------------------------------------------------------
//
// A search-program is a flat array of search_node in pre-order, owned by a search_program
// the caller keeps and reuses: parsing clears the array (keeping its capacity) and appends
// one node per key, so once the vector has grown to the largest program seen, parsing
// allocates nothing. A node holds its key kind and operands as views and numbers:
// strings are string_values (views into the caller's bytes, escapes and literals kept as
// sent); a compound key (NOT, OR, FUZZY, a parenthesized list) is followed by its
// children, and `end` is the index one past its subtree, so siblings are found in O(1)
// and the tree is walked without pointers. search_key_view is the typed way to walk it.
// Views live as long as the parsed bytes; the nodes as long as the search_program.
//
// ---- Limits ---------------------------------------------------------------------------
//
// Nesting (NOT, OR, FUZZY, "(" ... ")", and parentheses inside tagged-ext-val) draws on
// ONE budget for the whole command: every rule that may nest takes `std::size_t& depth`,
// the nesting level already open around it (0 at the top of a command), and fails with
// limit_exceeded at the construct that would open level opts.max_depth + 1; the level is
// restored on return. So "NOT " x max_depth + "ALL" parses and one NOT more does not.
// Every list (top-level keys, a parenthesized list, return options, tagged-ext
// components) holds at most opts.max_list elements.
//
// ---- Writing --------------------------------------------------------------------------
//
// Keys are written upper-case, numbers in decimal, and each string in the form it was
// parsed in (so `NOT FROM "Smith"` comes back byte for byte although an atom would do);
// a string built with string_value::from_content() has the cheapest valid form. Nothing
// recurses per level (the parser keeps the open keys in a fixed array, the checker and the
// writer walk the tree with detail::walk_tree), and check_writable() refuses a tree built
// deeper than search_max_write_depth, which no parse makes.
//
// No lenient quirks are specific to these rules; strings and dates follow string.hpp and
// datetime.hpp (8-bit quoted text, the Domino day-00 date) in lenient mode.
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
#include <mailwire/core/tree_walk.hpp>
#include <mailwire/imap/rules/datetime.hpp>
#include <mailwire/imap/rules/flag.hpp>
#include <mailwire/imap/rules/section.hpp>
#include <mailwire/imap/rules/sequence_set.hpp>
#include <mailwire/imap/rules/string.hpp>

namespace mailwire::imap {

namespace detail {
/// Gives back, when it goes, the `levels` it is told are still open; see "Limits" above.
struct nesting_guard {
    std::size_t& depth;
    const std::size_t& levels;
    constexpr ~nesting_guard() { depth -= levels; }
};
/// One level, for the life of a scope that entered it.
inline constexpr std::size_t one_level = 1;
/// Takes one level of the budget, or says no (the level is then not taken).
MAILWIRE_LAZY constexpr bool enter_nesting(std::size_t& depth, const parse_options& opts) noexcept {
    if (depth >= opts.depth_limit()) return false;
    ++depth;
    return true;
}

/// tagged-label-fchar = ALPHA / "-" / "_" / "."                       (RFC 4466 §3)
inline constexpr chars::char_set tagged_label_fchar = chars::alpha | chars::char_set("-_.");
/// tagged-label-char = tagged-label-fchar / DIGIT / ":"                (RFC 4466 §3)
inline constexpr chars::char_set tagged_label_char = tagged_label_fchar | chars::digit | chars::char_set(":");
/// objectid = 1*255(ALPHA / DIGIT / "_" / "-")                         (RFC 8474 §7)
inline constexpr chars::char_set objectid_char = chars::alpha | chars::digit | chars::char_set("_-");
/// The bytes of a tagged-ext-simple: sequence-set / number / number64.
inline constexpr chars::char_set ext_simple_char = chars::digit | chars::char_set("*$:,");
} // namespace detail

/// Deepest nesting of compound keys check_writable() accepts: the most a parse reads
/// (max_depth_ceiling, whatever opts.max_depth says).
inline constexpr std::size_t search_max_write_depth = max_depth_ceiling;

// ---- tagged-ext-val (RFC 4466 §3), for extension return options and modifiers ----------

/// A validated tagged-ext-val, kept as its text: "12", "1:5,7", "-1:-100", "(a (b c))".
struct tagged_ext_val {
    std::string_view text;
    friend constexpr bool operator==(const tagged_ext_val&, const tagged_ext_val&) = default;
};

// ---- partial-range (RFC 9394 §4) -------------------------------------------------------

/// partial-range: "from:to" counts results from the first (oldest), "-from:-to" from the
/// last (newest). Both numbers are nz-numbers; either order means the same range.
struct partial_range {
    bool from_last = false; ///< partial-range-last, "-1:-100"
    std::uint32_t from = 1;
    std::uint32_t to = 1;
    friend constexpr bool operator==(const partial_range&, const partial_range&) = default;
};

MAILWIRE_LAZY constexpr result<void> check_writable(const partial_range& r) noexcept {
    if (r.from == 0 || r.to == 0) return unsafe("partial-range: nz-numbers");
    return {};
}

// ---- MODSEQ entry type (RFC 7162 §7) ---------------------------------------------------

/// entry-type-req of a MODSEQ search key; `none` when the key has no entry-name.
enum class modseq_entry_type : std::uint8_t { none, priv, shared, all };

/// "priv", "shared", "all" (as RFC 7162 spells them), "" for none.
MAILWIRE_LAZY constexpr std::string_view to_string(modseq_entry_type t) noexcept {
    switch (t) {
    case modseq_entry_type::none: return "";
    case modseq_entry_type::priv: return "priv";
    case modseq_entry_type::shared: return "shared";
    case modseq_entry_type::all: return "all";
    }
    return "";
}

// ---- search return options -------------------------------------------------------------

enum class search_return_kind : std::uint8_t {
    min,       ///< MIN (RFC 4731)
    max,       ///< MAX (RFC 4731)
    all,       ///< ALL (RFC 4731)
    count,     ///< COUNT (RFC 4731)
    save,      ///< SAVE (RFC 5182)
    partial,   ///< PARTIAL partial-range (RFC 9394)
    relevancy, ///< RELEVANCY (RFC 6203)
    extension, ///< search-ret-opt-ext: any other search-modifier-name [SP search-mod-params]
};

/// The wire name of a known option; "" for extension.
MAILWIRE_LAZY constexpr std::string_view to_string(search_return_kind k) noexcept {
    switch (k) {
    case search_return_kind::min: return "MIN";
    case search_return_kind::max: return "MAX";
    case search_return_kind::all: return "ALL";
    case search_return_kind::count: return "COUNT";
    case search_return_kind::save: return "SAVE";
    case search_return_kind::partial: return "PARTIAL";
    case search_return_kind::relevancy: return "RELEVANCY";
    case search_return_kind::extension: return "";
    }
    return "";
}

/// One search-return-opt.
struct search_return_opt {
    search_return_kind kind = search_return_kind::min;
    partial_range range{};       ///< partial only
    std::string_view name;       ///< extension only: the search-modifier-name as sent
    bool has_params = false;     ///< extension only
    tagged_ext_val params{};     ///< extension only, when has_params

    /// Compares what the kind uses; extension names ASCII case-insensitively.
    friend constexpr bool operator==(const search_return_opt& a, const search_return_opt& b) noexcept {
        if (a.kind != b.kind) return false;
        if (a.kind == search_return_kind::partial) return a.range == b.range;
        if (a.kind == search_return_kind::extension)
            return chars::iequals(a.name, b.name) && a.has_params == b.has_params && (!a.has_params || a.params == b.params);
        return true;
    }
};

namespace detail {
struct search_access;
MAILWIRE_LAZY constexpr result<search_return_opt> return_opt(scanner& s, std::size_t& depth, const parse_options& opts, session_syntax syn) noexcept;
} // namespace detail

/// search-return-opts: whether "RETURN (...)" was given and the validated text between its
/// parentheses, iterated without allocation. `RETURN ()` is present and empty.
class search_return_opts {
public:
    class iterator {
    public:
        using value_type = search_return_opt;
        using difference_type = std::ptrdiff_t;
        using reference = search_return_opt;
        using pointer = void;
        using iterator_category = std::forward_iterator_tag;

        constexpr iterator() noexcept = default;
        constexpr explicit iterator(std::string_view rest) noexcept : rest_(rest) { read(); }
        constexpr search_return_opt operator*() const noexcept { return cur_; }
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
            auto o = detail::return_opt(s, depth, detail::rules_reread_options(), session_syntax{true});
            if (!o || s.pos() == 0) { rest_ = {}; return; }
            cur_ = *o;
            len_ = s.pos();
        }
        std::string_view rest_;
        search_return_opt cur_{};
        std::size_t len_ = 0;
    };

    constexpr search_return_opts() noexcept = default;

    /// `inside` as the text between RETURN's parentheses ("MIN COUNT"; "" for RETURN ()).
    /// The result is present. Error offsets are within `inside`.
    static constexpr result<search_return_opts> parse(std::string_view inside, const parse_options& opts = {}) noexcept;

    /// Whether "RETURN (...)" was given.
    constexpr bool present() const noexcept { return present_; }
    /// The text between the parentheses.
    constexpr std::string_view text() const noexcept { return text_; }
    constexpr bool empty() const noexcept { return text_.empty(); }
    constexpr iterator begin() const noexcept { return iterator(text_); }
    constexpr iterator end() const noexcept { return iterator(text_.substr(text_.size())); }
    constexpr std::size_t size() const noexcept {
        return mailwire::detail::count_elements(*this);
    }
    /// Whether an option of kind `k` is present.
    constexpr bool has(search_return_kind k) const noexcept {
        for (auto o : *this)
            if (o.kind == k) return true;
        return false;
    }
    /// The PARTIAL range, if any.
    constexpr std::optional<partial_range> partial() const noexcept {
        for (auto o : *this)
            if (o.kind == search_return_kind::partial) return o.range;
        return std::nullopt;
    }
    /// Present the same way, with the same options in the same order.
    friend constexpr bool operator==(const search_return_opts& a, const search_return_opts& b) noexcept {
        if (a.present_ != b.present_) return false;
        return mailwire::detail::elementwise_equal(a, b);
    }

private:
    friend struct detail::search_access;
    std::string_view text_;
    bool present_ = false;
};

// ---- search keys -----------------------------------------------------------------------

enum class search_key_kind : std::uint8_t {
    // RFC 9051 / RFC 3501 search-key
    all, answered, bcc, before, body, cc, deleted, flagged, from, keyword,
    new_,    ///< NEW (RFC 3501 only)
    old,     ///< OLD (RFC 3501 only)
    on,
    recent,  ///< RECENT (RFC 3501 only)
    seen, since, subject, text, to, unanswered, undeleted, unflagged, unkeyword, unseen,
    draft, header, larger,
    not_,    ///< NOT search-key
    or_,     ///< OR search-key search-key
    sentbefore, senton, sentsince, smaller, uid, undraft,
    sequence_set, ///< a bare sequence-set (including "$", RFC 5182)
    list,         ///< "(" search-key *(SP search-key) ")"
    // extensions
    modseq,            ///< RFC 7162
    older, younger,    ///< RFC 5032
    savedatesupported, savedbefore, savedon, savedsince, ///< RFC 8514
    emailid, threadid, ///< RFC 8474
    fuzzy,             ///< RFC 6203
    x_gm_raw, x_gm_msgid, x_gm_thrid, x_gm_labels, ///< Gmail
};

/// What follows a key's name.
enum class search_operand : std::uint8_t {
    none,         ///< ALL, ANSWERED, ...
    astring,      ///< BCC, BODY, CC, FROM, SUBJECT, TEXT, TO, X-GM-RAW, X-GM-LABELS
    date,         ///< BEFORE, ON, SINCE, SENT*, SAVED*
    flag_keyword, ///< KEYWORD, UNKEYWORD
    header,       ///< HEADER header-fld-name astring
    number64,     ///< LARGER, SMALLER, X-GM-MSGID, X-GM-THRID
    nz_number,    ///< OLDER, YOUNGER
    sequence_set, ///< UID sequence-set; a bare sequence-set
    key,          ///< NOT, FUZZY
    two_keys,     ///< OR
    keys,         ///< a parenthesized list
    objectid,     ///< EMAILID, THREADID
    modseq,       ///< MODSEQ [entry-name entry-type-req] mod-sequence-valzer
};

namespace detail {
struct search_key_info {
    std::string_view name;
    search_key_kind kind;
    search_operand operand;
};
// Canonical (upper-case) names, in enum order.
inline constexpr search_key_info search_keys[] = {
    {"ALL", search_key_kind::all, search_operand::none},
    {"ANSWERED", search_key_kind::answered, search_operand::none},
    {"BCC", search_key_kind::bcc, search_operand::astring},
    {"BEFORE", search_key_kind::before, search_operand::date},
    {"BODY", search_key_kind::body, search_operand::astring},
    {"CC", search_key_kind::cc, search_operand::astring},
    {"DELETED", search_key_kind::deleted, search_operand::none},
    {"FLAGGED", search_key_kind::flagged, search_operand::none},
    {"FROM", search_key_kind::from, search_operand::astring},
    {"KEYWORD", search_key_kind::keyword, search_operand::flag_keyword},
    {"NEW", search_key_kind::new_, search_operand::none},
    {"OLD", search_key_kind::old, search_operand::none},
    {"ON", search_key_kind::on, search_operand::date},
    {"RECENT", search_key_kind::recent, search_operand::none},
    {"SEEN", search_key_kind::seen, search_operand::none},
    {"SINCE", search_key_kind::since, search_operand::date},
    {"SUBJECT", search_key_kind::subject, search_operand::astring},
    {"TEXT", search_key_kind::text, search_operand::astring},
    {"TO", search_key_kind::to, search_operand::astring},
    {"UNANSWERED", search_key_kind::unanswered, search_operand::none},
    {"UNDELETED", search_key_kind::undeleted, search_operand::none},
    {"UNFLAGGED", search_key_kind::unflagged, search_operand::none},
    {"UNKEYWORD", search_key_kind::unkeyword, search_operand::flag_keyword},
    {"UNSEEN", search_key_kind::unseen, search_operand::none},
    {"DRAFT", search_key_kind::draft, search_operand::none},
    {"HEADER", search_key_kind::header, search_operand::header},
    {"LARGER", search_key_kind::larger, search_operand::number64},
    {"NOT", search_key_kind::not_, search_operand::key},
    {"OR", search_key_kind::or_, search_operand::two_keys},
    {"SENTBEFORE", search_key_kind::sentbefore, search_operand::date},
    {"SENTON", search_key_kind::senton, search_operand::date},
    {"SENTSINCE", search_key_kind::sentsince, search_operand::date},
    {"SMALLER", search_key_kind::smaller, search_operand::number64},
    {"UID", search_key_kind::uid, search_operand::sequence_set},
    {"UNDRAFT", search_key_kind::undraft, search_operand::none},
    {"", search_key_kind::sequence_set, search_operand::sequence_set},
    {"", search_key_kind::list, search_operand::keys},
    {"MODSEQ", search_key_kind::modseq, search_operand::modseq},
    {"OLDER", search_key_kind::older, search_operand::nz_number},
    {"YOUNGER", search_key_kind::younger, search_operand::nz_number},
    {"SAVEDATESUPPORTED", search_key_kind::savedatesupported, search_operand::none},
    {"SAVEDBEFORE", search_key_kind::savedbefore, search_operand::date},
    {"SAVEDON", search_key_kind::savedon, search_operand::date},
    {"SAVEDSINCE", search_key_kind::savedsince, search_operand::date},
    {"EMAILID", search_key_kind::emailid, search_operand::objectid},
    {"THREADID", search_key_kind::threadid, search_operand::objectid},
    {"FUZZY", search_key_kind::fuzzy, search_operand::key},
    {"X-GM-RAW", search_key_kind::x_gm_raw, search_operand::astring},
    {"X-GM-MSGID", search_key_kind::x_gm_msgid, search_operand::number64},
    {"X-GM-THRID", search_key_kind::x_gm_thrid, search_operand::number64},
    {"X-GM-LABELS", search_key_kind::x_gm_labels, search_operand::astring},
};
inline constexpr std::size_t search_key_count = sizeof(search_keys) / sizeof(search_keys[0]);
static_assert(static_cast<std::size_t>(search_key_kind::x_gm_labels) + 1 == search_key_count);

MAILWIRE_LAZY constexpr const search_key_info& key_info(search_key_kind k) noexcept {
    const auto i = static_cast<std::size_t>(k);
    return search_keys[i < search_key_count ? i : 0];
}
} // namespace detail

/// The canonical name of a key ("FLAGGED", "X-GM-RAW"); "" for sequence_set and list.
MAILWIRE_LAZY constexpr std::string_view to_string(search_key_kind k) noexcept { return detail::key_info(k).name; }
/// What follows the key's name.
MAILWIRE_LAZY constexpr search_operand operand_of(search_key_kind k) noexcept { return detail::key_info(k).operand; }
/// Whether the key has child keys (NOT, OR, FUZZY, a list).
MAILWIRE_LAZY constexpr bool is_compound(search_key_kind k) noexcept {
    const auto o = operand_of(k);
    return o == search_operand::key || o == search_operand::two_keys || o == search_operand::keys;
}

/// One key of a search program (see "Representation" above). Only the operand fields of
/// `kind` are meaningful; the others keep their defaults and do not take part in equality.
struct search_node {
    search_key_kind kind = search_key_kind::all;
    /// Index one past the last node of this key's subtree in search_program::nodes.
    std::uint32_t end = 0;
    /// Number of direct child keys: NOT and FUZZY 1, OR 2, a list 1 or more, others 0.
    std::uint32_t children = 0;
    /// astring keys: the string; HEADER: the field value.
    string_value value{};
    /// HEADER: the field name; MODSEQ with an entry: the entry-name (quoted).
    string_value field{};
    /// KEYWORD, UNKEYWORD.
    imap::flag keyword{};
    /// Date keys.
    imap::date date{};
    /// LARGER, SMALLER, OLDER, YOUNGER, MODSEQ (mod-sequence-valzer), X-GM-MSGID, X-GM-THRID.
    std::uint64_t number = 0;
    /// UID and bare sequence-set keys.
    imap::sequence_set set{};
    /// EMAILID, THREADID.
    std::string_view objectid{};
    /// MODSEQ: the entry-type-req when an entry-name is given.
    modseq_entry_type entry_type = modseq_entry_type::none;

    friend constexpr bool operator==(const search_node& a, const search_node& b) noexcept {
        if (a.kind != b.kind || a.children != b.children) return false;
        switch (operand_of(a.kind)) {
        case search_operand::none:
        case search_operand::key:
        case search_operand::two_keys:
        case search_operand::keys: return true;
        case search_operand::astring: return a.value == b.value;
        case search_operand::date: return a.date == b.date;
        case search_operand::flag_keyword: return a.keyword == b.keyword;
        case search_operand::header: return a.field == b.field && a.value == b.value;
        case search_operand::number64:
        case search_operand::nz_number: return a.number == b.number;
        case search_operand::sequence_set: return a.set == b.set;
        case search_operand::objectid: return a.objectid == b.objectid;
        case search_operand::modseq:
            return a.number == b.number && a.entry_type == b.entry_type &&
                   (a.entry_type == modseq_entry_type::none || a.field == b.field);
        }
        return false;
    }
};

class search_key_view;

/// A range of sibling keys: the children of a compound key, or a program's top-level keys.
class search_key_range {
public:
    class iterator {
    public:
        using value_type = search_key_view;
        using difference_type = std::ptrdiff_t;
        using reference = search_key_view;
        using pointer = void;
        using iterator_category = std::forward_iterator_tag;

        constexpr iterator() noexcept = default;
        constexpr iterator(std::span<const search_node> nodes, std::uint32_t index) noexcept : nodes_(nodes), index_(index) {}
        constexpr search_key_view operator*() const noexcept;
        constexpr iterator& operator++() noexcept {
            // `end` is always past the node; guard against a hand-built value anyway.
            const std::uint32_t next = index_ < nodes_.size() ? nodes_[index_].end : index_ + 1;
            index_ = next > index_ ? next : index_ + 1;
            return *this;
        }
        constexpr iterator operator++(int) noexcept { iterator t = *this; ++*this; return t; }
        friend constexpr bool operator==(const iterator& a, const iterator& b) noexcept { return a.index_ >= b.index_; }

    private:
        std::span<const search_node> nodes_;
        std::uint32_t index_ = 0;
    };

    constexpr search_key_range() noexcept = default;
    constexpr search_key_range(std::span<const search_node> nodes, std::uint32_t first, std::uint32_t last) noexcept
        : nodes_(nodes), first_(first), last_(last) {}
    constexpr iterator begin() const noexcept { return {nodes_, first_}; }
    constexpr iterator end() const noexcept { return {nodes_, last_}; }
    constexpr bool empty() const noexcept { return first_ >= last_; }
    constexpr std::size_t size() const noexcept {
        return mailwire::detail::count_elements(*this);
    }

private:
    std::span<const search_node> nodes_;
    std::uint32_t first_ = 0;
    std::uint32_t last_ = 0;
};

/// One key of a program with its subtree: the typed way to walk a search_program.
class search_key_view {
public:
    constexpr search_key_view() noexcept = default;
    constexpr search_key_view(std::span<const search_node> nodes, std::uint32_t index) noexcept : nodes_(nodes), index_(index) {}

    constexpr const search_node& node() const noexcept { return nodes_[index_]; }
    constexpr search_key_kind kind() const noexcept { return node().kind; }
    constexpr std::uint32_t index() const noexcept { return index_; }
    constexpr std::span<const search_node> nodes() const noexcept { return nodes_; }
    /// The child keys (operands of NOT / OR / FUZZY, members of a list).
    constexpr search_key_range children() const noexcept {
        const std::uint32_t last = node().end <= nodes_.size() ? node().end : static_cast<std::uint32_t>(nodes_.size());
        return {nodes_, index_ + 1, last};
    }
    /// The n-th child (precondition: n < node().children).
    constexpr search_key_view child(std::size_t n) const noexcept {
        auto it = children().begin();
        for (std::size_t i = 0; i < n; ++i) ++it;
        return *it;
    }
    /// Same key, same operands, same children.
    friend constexpr bool operator==(const search_key_view& a, const search_key_view& b) noexcept {
        const std::size_t na = a.subtree_size(), nb = b.subtree_size();
        if (na != nb) return false;
        for (std::size_t i = 0; i < na; ++i)
            if (!(a.nodes_[a.index_ + i] == b.nodes_[b.index_ + i])) return false;
        return true;
    }

private:
    /// Nodes in this key's subtree, kept within the span even for a hand-built value.
    constexpr std::size_t subtree_size() const noexcept {
        if (index_ >= nodes_.size()) return 0;
        const std::size_t end = node().end;
        if (end <= index_) return 1;
        return (end < nodes_.size() ? end : nodes_.size()) - index_;
    }

    std::span<const search_node> nodes_;
    std::uint32_t index_ = 0;
};

constexpr search_key_view search_key_range::iterator::operator*() const noexcept { return {nodes_, index_}; }

/// search-program = ["CHARSET" SP charset SP] search-key *(SP search-key): caller-owned,
/// reusable storage for a parsed program (see "Representation" above).
struct search_program {
    bool has_charset = false;
    string_value charset{};
    /// Every key, pre-order; the top-level keys are the roots.
    std::vector<search_node> nodes;

    /// Empties the program, keeping the node storage for the next parse.
    void clear() noexcept {
        has_charset = false;
        charset = {};
        nodes.clear();
    }
    /// The top-level search-keys.
    search_key_range keys() const noexcept { return {nodes, 0, static_cast<std::uint32_t>(nodes.size())}; }
    /// The view of node `index`.
    search_key_view key(std::uint32_t index) const noexcept { return {nodes, index}; }

    friend bool operator==(const search_program& a, const search_program& b) noexcept {
        if (a.has_charset != b.has_charset || (a.has_charset && !(a.charset == b.charset))) return false;
        if (a.nodes.size() != b.nodes.size()) return false;
        for (std::size_t i = 0; i < a.nodes.size(); ++i)
            if (!(a.nodes[i] == b.nodes[i])) return false;
        return true;
    }
};

namespace detail {
struct search_access {
    static constexpr search_return_opts return_opts(std::string_view text, bool present) noexcept {
        search_return_opts r;
        r.text_ = text;
        r.present_ = present;
        return r;
    }
};
} // namespace detail

// ---- the rules -------------------------------------------------------------------------

namespace rules {

/// tagged-ext-label    = tagged-label-fchar *tagged-label-char
///                       ;; Is a valid RFC 3501 "atom".
/// tagged-label-fchar  = ALPHA / "-" / "_" / "."
/// tagged-label-char   = tagged-label-fchar / DIGIT / ":"       (RFC 4466 §3, RFC 9051 §9)
MAILWIRE_LAZY constexpr result<std::string_view> tagged_ext_label(scanner& s) noexcept {
    if (s.at_end() || !imap::detail::tagged_label_fchar(s.peek())) return s.error(errc::invalid_syntax, "tagged-ext-label");
    return s.take_while(imap::detail::tagged_label_char);
}

/// partial-range-first = nz-number ":" nz-number                        (RFC 9394 §4)
MAILWIRE_LAZY constexpr result<imap::partial_range> partial_range_first(scanner& s) noexcept {
    auto a = nz_number(s);
    if (!a) return a.error();
    if (!s.consume(':')) return s.error(errc::invalid_syntax, "\":\"");
    auto b = nz_number(s);
    if (!b) return b.error();
    return imap::partial_range{false, *a, *b};
}

/// partial-range-last = MINUS nz-number ":" MINUS nz-number            (RFC 9394 §4)
MAILWIRE_LAZY constexpr result<imap::partial_range> partial_range_last(scanner& s) noexcept {
    if (!s.consume('-')) return s.error(errc::invalid_syntax, "\"-\"");
    auto a = nz_number(s);
    if (!a) return a.error();
    if (!s.consume(':')) return s.error(errc::invalid_syntax, "\":\"");
    if (!s.consume('-')) return s.error(errc::invalid_syntax, "\"-\"");
    auto b = nz_number(s);
    if (!b) return b.error();
    return imap::partial_range{true, *a, *b};
}

/// partial-range = partial-range-first / partial-range-last            (RFC 9394 §4)
/// Not RFC 9051's `partial-range = number64 ["." nz-number64]`, which is the IMAP URL
/// rule (RFC 5092) and appears in no command.
MAILWIRE_LAZY constexpr result<imap::partial_range> partial_range(scanner& s) noexcept {
    if (s.peek_is('-')) return partial_range_last(s);
    return partial_range_first(s);
}

/// modifier-partial = "PARTIAL" SP partial-range                       (RFC 9394 §4)
MAILWIRE_LAZY constexpr result<imap::partial_range> modifier_partial(scanner& s) noexcept {
    if (!s.consume_ci("PARTIAL")) return s.error(errc::invalid_syntax, "\"PARTIAL\"");
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    return partial_range(s);
}

/// tagged-ext-simple = sequence-set / number / number64    (RFC 9051 §9; RFC 4466 §3)
/// tagged-ext-simple =/ partial-range-last                             (RFC 9394 §4)
MAILWIRE_LAZY constexpr result<void> tagged_ext_simple(scanner& s, const parse_options& opts = {}) noexcept {
    if (s.peek_is('-')) {
        auto r = partial_range_last(s);
        if (!r) return r.error();
        return {};
    }
    const std::size_t start = s.pos();
    const auto tok = s.take_while(imap::detail::ext_simple_char);
    if (tok.empty()) return s.error(errc::invalid_syntax, "tagged-ext-simple");
    if (chars::digit.all_of(tok)) {
        scanner n(tok, s.offset() - tok.size());
        auto v = number64(n);
        if (!v) return v.error();
        return {};
    }
    scanner q(tok, s.offset() - tok.size());
    auto set = rules::sequence_set(q, opts);
    if (!set) return set.error();
    if (!q.at_end()) return s.error_at(start + q.pos(), errc::invalid_syntax, "tagged-ext-simple");
    return {};
}

/// tagged-ext-comp = astring / tagged-ext-comp *(SP tagged-ext-comp) /
///                   "(" tagged-ext-comp ")"                (RFC 9051 §9; RFC 4466 §3)
/// Read as: item *(SP item), item = astring / "(" tagged-ext-comp ")". Nested groups are
/// read by this one loop, not by recursion (see max_depth_ceiling).
MAILWIRE_LAZY constexpr result<void> tagged_ext_comp(scanner& s, std::size_t& depth, const parse_options& opts = {}, session_syntax syn = {}) noexcept {
    // Items read so far in each group open here (level 0: the caller's).
    std::size_t counts[max_depth_ceiling + 1];
    std::size_t level = 0;
    counts[0] = 0;
    imap::detail::nesting_guard g{depth, level}; // the levels still open on return
    for (;;) {
        if (++counts[level] > opts.max_list) return s.error(errc::limit_exceeded, "tagged-ext-comp within max_list");
        if (s.peek_is('(')) {
            if (!imap::detail::enter_nesting(depth, opts)) return s.error(errc::limit_exceeded, "nesting within max_depth");
            s.advance();
            counts[++level] = 0;
            continue;
        }
        auto a = astring(s, opts, syn);
        if (!a) return a.error();
        // An item ended: SP and the next item of its group, or the group's ")".
        while (!s.consume(' ')) {
            if (level == 0) return {};
            if (!s.consume(')')) return s.error(errc::invalid_syntax, "SP or \")\"");
            --level;
            --depth;
        }
    }
}

/// tagged-ext-val = tagged-ext-simple / "(" [tagged-ext-comp] ")"
///                                                         (RFC 9051 §9; RFC 4466 §3)
MAILWIRE_LAZY constexpr result<imap::tagged_ext_val> tagged_ext_val(scanner& s, std::size_t& depth, const parse_options& opts = {},
                                                   session_syntax syn = {}) noexcept {
    const std::size_t start = s.pos();
    if (s.peek_is('(')) {
        if (!imap::detail::enter_nesting(depth, opts)) return s.error(errc::limit_exceeded, "nesting within max_depth");
        imap::detail::nesting_guard g{depth, imap::detail::one_level};
        s.advance();
        if (!s.peek_is(')'))
            if (auto r = tagged_ext_comp(s, depth, opts, syn); !r) return r.error();
        if (!s.consume(')')) return s.error(errc::invalid_syntax, "SP or \")\"");
        return imap::tagged_ext_val{s.since(start)};
    }
    if (auto r = tagged_ext_simple(s, opts); !r) return r.error();
    return imap::tagged_ext_val{s.since(start)};
}

/// mod-sequence-value = 1*DIGIT
///                      ;; Positive unsigned 63-bit integer (mod-sequence)
///                      ;; (1 <= n <= 9,223,372,036,854,775,807)          (RFC 7162 §7)
/// Zero is number_out_of_range.
MAILWIRE_LAZY constexpr result<std::uint64_t> mod_sequence_value(scanner& s) noexcept {
    const std::size_t start = s.pos();
    auto v = mailwire::detail::digits(s, INT64_MAX, "mod-sequence-value");
    if (!v) return v.error();
    if (*v == 0) return s.error_at(start, errc::number_out_of_range, "mod-sequence-value (1 or more)");
    return v;
}

/// mod-sequence-valzer = "0" / mod-sequence-value                       (RFC 7162 §7)
MAILWIRE_LAZY constexpr result<std::uint64_t> mod_sequence_valzer(scanner& s) noexcept {
    return mailwire::detail::digits(s, INT64_MAX, "mod-sequence-valzer");
}

/// entry-name      = entry-flag-name
/// entry-flag-name = DQUOTE "/flags/" attr-flag DQUOTE
/// attr-flag       = "\\Answered" / "\\Flagged" / "\\Deleted" / "\\Seen" / "\\Draft" /
///                   attr-flag-keyword / attr-flag-extension
/// attr-flag-extension = "\\" atom
/// attr-flag-keyword   = atom                                          (RFC 7162 §7)
/// A quoted string (its "\\" is an escaped backslash) whose content is "/flags/" and a
/// flag; otherwise invalid_syntax at the opening DQUOTE.
MAILWIRE_LAZY constexpr result<string_value> entry_name(scanner& s, const parse_options& opts = {}) noexcept {
    const std::size_t start = s.pos();
    auto q = quoted(s, opts);
    if (!q) return q.error();
    // Content check on the decoded characters: "/flags/" then "\"? atom.
    auto it = q->chars().begin();
    const auto end = q->chars().end();
    for (char c : std::string_view("/flags/")) {
        if (it == end || chars::to_lower(*it) != c) return s.error_at(start, errc::invalid_syntax, "entry-flag-name \"/flags/...\"");
        ++it;
    }
    if (it != end && *it == '\\') ++it;
    if (it == end) return s.error_at(start, errc::invalid_syntax, "entry-flag-name \"/flags/\" attr-flag");
    for (; it != end; ++it)
        if (!chars::atom_char(*it)) return s.error_at(start, errc::invalid_syntax, "entry-flag-name \"/flags/\" attr-flag");
    return string_value::from(*q);
}

/// entry-type-resp = "priv" / "shared"
/// entry-type-req  = entry-type-resp / "all"                           (RFC 7162 §7)
MAILWIRE_LAZY constexpr result<modseq_entry_type> entry_type_req(scanner& s) noexcept {
    const std::size_t start = s.pos();
    const auto w = s.take_while(chars::alpha);
    if (chars::iequals(w, "priv")) return modseq_entry_type::priv;
    if (chars::iequals(w, "shared")) return modseq_entry_type::shared;
    if (chars::iequals(w, "all")) return modseq_entry_type::all;
    return s.error_at(start, errc::invalid_syntax, "entry-type-req (priv / shared / all)");
}

/// objectid = 1*255(ALPHA / DIGIT / "_" / "-")                          (RFC 8474 §7)
/// More than 255 characters is invalid_syntax at the 256th.
MAILWIRE_LAZY constexpr result<std::string_view> objectid(scanner& s) noexcept {
    const std::size_t start = s.pos();
    const auto id = s.take_while(imap::detail::objectid_char);
    if (id.empty()) return s.error(errc::invalid_syntax, "objectid");
    if (id.size() > 255) return s.error_at(start + 255, errc::invalid_syntax, "objectid of at most 255 characters");
    return id;
}

/// charset = atom / quoted                                  (RFC 9051 §9; RFC 4466 §3)
/// RFC 3501 §9 has `"CHARSET" SP astring`, a superset (adds literals and "]"); that is
/// what is accepted.
MAILWIRE_LAZY constexpr result<string_value> charset(scanner& s, const parse_options& opts = {}, session_syntax syn = {}) noexcept {
    if (s.at_end() || s.peek() == ' ' || s.peek() == ')') return s.error(errc::invalid_syntax, "charset");
    return astring(s, opts, syn);
}

/// search-ret-opt-ext = search-modifier-name [SP search-mod-params]
/// search-modifier-name = tagged-ext-label
/// search-mod-params = tagged-ext-val                        (RFC 9051 §9; RFC 4466 §3)
/// Params are taken only when what follows the SP can start a tagged-ext-val ("(",
/// a digit, "*", "$", "-" and a digit); otherwise the SP separates the next option.
MAILWIRE_LAZY constexpr result<imap::search_return_opt> search_ret_opt_ext(scanner& s, std::size_t& depth, const parse_options& opts = {},
                                                    session_syntax syn = {}) noexcept {
    auto name = tagged_ext_label(s);
    if (!name) return name.error();
    imap::search_return_opt o;
    o.kind = search_return_kind::extension;
    o.name = *name;
    const char c = s.peek(1);
    if (s.peek_is(' ') && (c == '(' || chars::digit(c) || c == '*' || c == '$' || (c == '-' && chars::digit(s.peek(2))))) {
        s.advance();
        auto v = tagged_ext_val(s, depth, opts, syn);
        if (!v) return v.error();
        o.has_params = true;
        o.params = *v;
    }
    return o;
}

/// search-return-opt = "MIN" / "MAX" / "ALL" / "COUNT" /
///                     "SAVE" / search-ret-opt-ext              (RFC 9051 §9; RFC 4731 §4;
///                                                               RFC 5182 §3)
/// search-return-opt =/ modifier-partial                               (RFC 9394 §4)
/// search-return-opt =/ "RELEVANCY"                                    (RFC 6203 §7)
/// Names are case-insensitive and matched as whole labels ("MINIMUM" is an extension).
/// The known options take no parameters except PARTIAL's range, so "MIN 5" fails at "5".
MAILWIRE_LAZY constexpr result<imap::search_return_opt> search_return_opt(scanner& s, std::size_t& depth, const parse_options& opts = {},
                                                   session_syntax syn = {}) noexcept {
    return imap::detail::return_opt(s, depth, opts, syn);
}

/// search-return-opts = SP "RETURN" SP "(" [search-return-opt *(SP search-return-opt)] ")"
///                                                (RFC 9051 §9; RFC 4466 §3; note the SP
///                                                 before "RETURN" belongs to the rule)
MAILWIRE_LAZY constexpr result<imap::search_return_opts> search_return_opts(scanner& s, std::size_t& depth, const parse_options& opts = {},
                                                           session_syntax syn = {}) noexcept {
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    if (!s.consume_ci("RETURN")) return s.error(errc::invalid_syntax, "\"RETURN\"");
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    if (!s.consume('(')) return s.error(errc::invalid_syntax, "\"(\"");
    const std::size_t start = s.pos();
    if (!s.peek_is(')')) {
        std::size_t count = 0;
        for (;;) {
            if (++count > opts.max_list) return s.error(errc::limit_exceeded, "search-return-opts within max_list");
            auto o = search_return_opt(s, depth, opts, syn);
            if (!o) return o.error();
            if (!s.consume(' ')) break;
        }
    }
    const auto text = s.since(start);
    if (!s.consume(')')) return s.error(errc::invalid_syntax, "SP or \")\"");
    return imap::detail::search_access::return_opts(text, true);
}

/// search-modsequence = "MODSEQ" [search-modseq-ext] SP mod-sequence-valzer
/// search-modseq-ext  = SP entry-name SP entry-type-req                (RFC 7162 §7)
/// Fills the operands of a MODSEQ node after its name.
MAILWIRE_LAZY constexpr result<void> search_modsequence(scanner& s, imap::search_node& node, const parse_options& opts = {}) noexcept {
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    if (s.peek_is('"')) {
        auto n = entry_name(s, opts);
        if (!n) return n.error();
        if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
        auto t = entry_type_req(s);
        if (!t) return t.error();
        if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
        node.field = *n;
        node.entry_type = *t;
    }
    auto v = mod_sequence_valzer(s);
    if (!v) return v.error();
    node.number = *v;
    return {};
}

/// The operands of a key that has no child keys (all but NOT, OR, FUZZY and "(" ... ")"),
/// after its name, into `n`.
MAILWIRE_LAZY inline result<void> search_key_operands(scanner& s, imap::search_node& n, search_operand op, const parse_options& opts,
                                        session_syntax syn) noexcept {
    if (op == search_operand::modseq) return search_modsequence(s, n, opts);
    if (op != search_operand::none && !s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    switch (op) {
    case search_operand::none: break;
    case search_operand::astring: {
        auto v = astring(s, opts, syn);
        if (!v) return v.error();
        n.value = *v;
        break;
    }
    case search_operand::date: {
        auto d = rules::date(s, opts);
        if (!d) return d.error();
        n.date = *d;
        break;
    }
    case search_operand::flag_keyword: {
        auto a = atom(s);
        if (!a) return s.error(errc::invalid_syntax, "flag-keyword");
        n.keyword = imap::flag::named(a->text);
        break;
    }
    case search_operand::header: {
        auto f = header_fld_name(s, opts, syn);
        if (!f) return f.error();
        if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
        auto v = astring(s, opts, syn);
        if (!v) return v.error();
        n.field = *f;
        n.value = *v;
        break;
    }
    case search_operand::number64: {
        auto v = number64(s);
        if (!v) return v.error();
        n.number = *v;
        break;
    }
    case search_operand::nz_number: {
        auto v = nz_number(s);
        if (!v) return v.error();
        n.number = *v;
        break;
    }
    case search_operand::sequence_set: {
        auto v = rules::sequence_set(s, opts);
        if (!v) return v.error();
        n.set = *v;
        break;
    }
    case search_operand::objectid: {
        auto v = objectid(s);
        if (!v) return v.error();
        n.objectid = *v;
        break;
    }
    case search_operand::key:
    case search_operand::two_keys:
    case search_operand::keys:
    case search_operand::modseq: break; // handled above
    }
    return {};
}

/// search-key = "ALL" / "ANSWERED" / "BCC" SP astring /
///              "BEFORE" SP date / "BODY" SP astring /
///              "CC" SP astring / "DELETED" / "FLAGGED" /
///              "FROM" SP astring / "KEYWORD" SP flag-keyword /
///              "ON" SP date / "SEEN" /
///              "SINCE" SP date / "SUBJECT" SP astring /
///              "TEXT" SP astring / "TO" SP astring /
///              "UNANSWERED" / "UNDELETED" / "UNFLAGGED" /
///              "UNKEYWORD" SP flag-keyword / "UNSEEN" /
///              "DRAFT" / "HEADER" SP header-fld-name SP astring /
///              "LARGER" SP number64 / "NOT" SP search-key /
///              "OR" SP search-key SP search-key /
///              "SENTBEFORE" SP date / "SENTON" SP date /
///              "SENTSINCE" SP date / "SMALLER" SP number64 /
///              "UID" SP sequence-set / "UNDRAFT" / sequence-set /
///              "(" search-key *(SP search-key) ")"                  (RFC 9051 §9)
/// search-key =/ "NEW" / "OLD" / "RECENT"                              (RFC 3501 §9)
/// search-key =/ search-modsequence                                     (RFC 7162 §7)
/// search-key =/ ( "OLDER" / "YOUNGER" ) SP nz-number                   (RFC 5032 §3)
/// search-key =/ "SAVEDBEFORE" SP date / "SAVEDON" SP date /
///               "SAVEDSINCE" SP date / "SAVEDATESUPPORTED"             (RFC 8514 §5)
/// search-key =/ "EMAILID" SP objectid / "THREADID" SP objectid         (RFC 8474 §7)
/// search-key =/ "FUZZY" SP search-key                                  (RFC 6203 §7)
/// search-key =/ "X-GM-RAW" SP astring / "X-GM-MSGID" SP number64 /
///               "X-GM-THRID" SP number64 / "X-GM-LABELS" SP astring
///               (Gmail's extensions, documented by Google with no ABNF or RFC)
/// flag-keyword = "$MDNSent" / "$Forwarded" / "$Junk" / "$NotJunk" / "$Phishing" / atom
///
/// Appends the key and its subtree to out.nodes. Names are case-insensitive. An unknown
/// name is invalid_syntax at its first byte; a NOT, OR, FUZZY or "(" that would exceed
/// opts.max_depth is limit_exceeded at its first byte (see "Limits" above). Child keys
/// are read by this one loop, not by recursion: the compound keys still open are kept
/// in a fixed array (at most max_depth_ceiling of them), so the stack it uses does not
/// grow with the nesting.
MAILWIRE_LAZY inline result<void> search_key(scanner& s, imap::search_program& out, std::size_t& depth, const parse_options& opts = {},
                               session_syntax syn = {}) noexcept {
    struct open_key {
        std::uint32_t index; ///< the compound node
        std::uint32_t count; ///< list: keys read so far; NOT / OR / FUZZY: keys still due
        bool list;
    };
    open_key open[max_depth_ceiling];
    std::size_t top = 0;
    imap::detail::nesting_guard g{depth, top}; // each open key holds one level
    for (;;) {
        // One key starts here.
        const std::size_t start = s.pos();
        if (out.nodes.size() >= UINT32_MAX - 1) return s.error(errc::limit_exceeded, "search program of fewer than 2^32 keys");
        const auto index = static_cast<std::uint32_t>(out.nodes.size());
        if (s.peek_is('(')) {
            if (!imap::detail::enter_nesting(depth, opts)) return s.error(errc::limit_exceeded, "search-key nesting within max_depth");
            open[top++] = open_key{index, 1, true};
            s.advance();
            out.nodes.push_back(imap::search_node{search_key_kind::list});
            if (1 > opts.max_list) return s.error(errc::limit_exceeded, "search-key list within max_list");
            continue;
        }
        if (!s.at_end() && (chars::digit(s.peek()) || s.peek() == '*' || s.peek() == '$')) {
            auto set = rules::sequence_set(s, opts);
            if (!set) return set.error();
            imap::search_node n{search_key_kind::sequence_set};
            n.set = *set;
            out.nodes.push_back(n);
        } else {
            const auto word = s.take_while(chars::atom_char);
            const imap::detail::search_key_info* info = nullptr;
            if (!word.empty())
                for (const auto& k : imap::detail::search_keys)
                    if (!k.name.empty() && chars::iequals(word, k.name)) { info = &k; break; }
            if (info == nullptr) return s.error_at(start, errc::invalid_syntax, "search-key");
            imap::search_node n{info->kind};
            const auto op = info->operand;
            if (op == search_operand::key || op == search_operand::two_keys) {
                if (!imap::detail::enter_nesting(depth, opts))
                    return s.error_at(start, errc::limit_exceeded, "search-key nesting within max_depth");
                n.children = op == search_operand::key ? 1 : 2;
                open[top++] = open_key{index, n.children, false};
                out.nodes.push_back(n);
                if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
                continue;
            }
            if (auto r = search_key_operands(s, n, op, opts, syn); !r) return r;
            out.nodes.push_back(n);
        }
        out.nodes[index].end = static_cast<std::uint32_t>(out.nodes.size());
        // A key ended: the next key of the compound key around it, or that key's end.
        for (;;) {
            if (top == 0) return {};
            open_key& k = open[top - 1];
            if (k.list) {
                if (s.consume(' ')) {
                    if (++k.count > opts.max_list) return s.error(errc::limit_exceeded, "search-key list within max_list");
                    break;
                }
                if (!s.consume(')')) return s.error(errc::invalid_syntax, "SP or \")\"");
                out.nodes[k.index].children = k.count;
            } else if (--k.count > 0) {
                if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
                break;
            }
            out.nodes[k.index].end = static_cast<std::uint32_t>(out.nodes.size());
            --top;
            --depth;
        }
    }
}

/// search-program = ["CHARSET" SP charset SP] search-key *(SP search-key)
///                                                  (RFC 9051 §9; RFC 4466 §3)
/// RFC 3501: ["CHARSET" SP astring] 1*(SP search-key), the same bytes after SEARCH.
/// Clears `out`, then fills it; on failure its contents are unspecified. More than
/// opts.max_list top-level keys is limit_exceeded.
MAILWIRE_LAZY inline result<void> search_program(scanner& s, imap::search_program& out, std::size_t& depth, const parse_options& opts = {},
                                   session_syntax syn = {}) noexcept {
    out.clear();
    const std::size_t start = s.pos();
    if (s.consume_ci("CHARSET") && s.peek_is(' ')) {
        s.advance();
        auto c = charset(s, opts, syn);
        if (!c) return c.error();
        if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
        out.has_charset = true;
        out.charset = *c;
    } else {
        s.reset(start);
    }
    std::size_t count = 0;
    for (;;) {
        if (++count > opts.max_list) return s.error(errc::limit_exceeded, "search-program within max_list");
        if (auto r = search_key(s, out, depth, opts, syn); !r) return r;
        if (!s.consume(' ')) return {};
    }
}

} // namespace rules

namespace detail {
MAILWIRE_LAZY_DEFINITION constexpr result<search_return_opt> return_opt(scanner& s, std::size_t& depth, const parse_options& opts, session_syntax syn) noexcept {
    const std::size_t start = s.pos();
    auto name = rules::tagged_ext_label(s);
    if (!name) return s.error(errc::invalid_syntax, "search-return-opt");
    const bool ends = s.at_end() || s.peek() == ' ' || s.peek() == ')';
    search_return_opt o;
    if (ends) {
        for (auto k : {search_return_kind::min, search_return_kind::max, search_return_kind::all, search_return_kind::count,
                       search_return_kind::save, search_return_kind::relevancy, search_return_kind::partial}) {
            if (!chars::iequals(*name, to_string(k))) continue;
            o.kind = k;
            if (k == search_return_kind::partial) {
                if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
                auto r = rules::partial_range(s);
                if (!r) return r.error();
                o.range = *r;
            }
            return o;
        }
    }
    s.reset(start);
    return rules::search_ret_opt_ext(s, depth, opts, syn);
}
} // namespace detail

constexpr result<search_return_opts> search_return_opts::parse(std::string_view inside, const parse_options& opts) noexcept {
    scanner s(inside);
    std::size_t depth = 0;
    std::size_t count = 0;
    while (!s.at_end()) {
        if (++count > opts.max_list) return s.error(errc::limit_exceeded, "search-return-opts within max_list");
        auto o = detail::return_opt(s, depth, opts, session_syntax{});
        if (!o) return o.error();
        if (s.at_end()) break;
        if (!s.consume(' ') || s.at_end()) return s.error(errc::invalid_syntax, "search-return-opt");
    }
    return detail::search_access::return_opts(inside, true);
}

// ---- SEARCH's arguments ----------------------------------------------------------------

/// The arguments of SEARCH (and UID SEARCH) after the command name, as the grammar has
/// them: `[search-return-opts] SP search-program`, so their text starts with SP
/// (" RETURN (MIN) FLAGGED", " FLAGGED"). Caller-owned and reusable like search_program.
struct search_arguments {
    search_return_opts ret{};
    search_program program{};

    void clear() noexcept {
        ret = {};
        program.clear();
    }
    friend bool operator==(const search_arguments&, const search_arguments&) = default;
};

/// search = "SEARCH" [search-return-opts] SP search-program   (RFC 9051 §9): the part
/// after "SEARCH", from its SP. The depth budget continues from `depth`.
MAILWIRE_LAZY inline result<void> parse_search_arguments(scanner& s, search_arguments& out, std::size_t& depth, const parse_options& opts = {},
                                           session_syntax syn = {}) noexcept {
    out.ret = search_return_opts{};
    if (s.peek_is(' ') && chars::istarts_with(s.rest().substr(1), "RETURN ")) {
        auto r = rules::search_return_opts(s, depth, opts, syn);
        if (!r) return r.error();
        out.ret = *r;
    }
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    return rules::search_program(s, out.program, depth, opts, syn);
}

/// The whole of `text` as SEARCH's arguments (leading SP included, see above).
MAILWIRE_LAZY inline result<void> parse_search_arguments(std::string_view text, search_arguments& out, const parse_options& opts = {},
                                           session_syntax syn = {}) noexcept {
    scanner s(text);
    std::size_t depth = 0;
    if (auto r = parse_search_arguments(s, out, depth, opts, syn); !r) return r;
    if (!s.at_end()) return s.error(errc::invalid_syntax, "SP or end of search-program");
    return {};
}

/// The whole of `text` as a search-program (no leading SP).
MAILWIRE_LAZY inline result<void> parse_search_program(std::string_view text, search_program& prog, const parse_options& opts = {},
                                         session_syntax syn = {}) noexcept {
    scanner s(text);
    std::size_t depth = 0;
    if (auto r = rules::search_program(s, prog, depth, opts, syn); !r) return r;
    if (!s.at_end()) return s.error(errc::invalid_syntax, "SP or end of search-program");
    return {};
}

// ---- check_writable --------------------------------------------------------------------

MAILWIRE_LAZY constexpr result<void> check_writable(const tagged_ext_val& v) noexcept {
    if (v.text.empty()) return unsafe("tagged-ext-val: empty");
    scanner s(v.text);
    std::size_t depth = 0;
    auto r = rules::tagged_ext_val(s, depth, detail::rules_reread_options(), session_syntax{true});
    if (!r || !s.at_end()) return unsafe("tagged-ext-val: does not re-parse", r ? s.pos() : r.error().offset);
    return {};
}

MAILWIRE_LAZY constexpr result<void> check_writable(const search_return_opt& o) noexcept {
    switch (o.kind) {
    case search_return_kind::partial: return check_writable(o.range);
    case search_return_kind::extension: {
        if (o.name.empty() || !detail::tagged_label_fchar(o.name.front()) || !detail::tagged_label_char.all_of(o.name))
            return unsafe("search-modifier-name: tagged-ext-label");
        // A known name would re-parse as the known option.
        for (auto k : {search_return_kind::min, search_return_kind::max, search_return_kind::all, search_return_kind::count,
                       search_return_kind::save, search_return_kind::relevancy, search_return_kind::partial})
            if (chars::iequals(o.name, to_string(k))) return unsafe("search-ret-opt-ext: a known option's name");
        if (o.has_params) return check_writable(o.params);
        return {};
    }
    default: return {};
    }
}

MAILWIRE_LAZY constexpr result<void> check_writable(const search_return_opts&) noexcept { return {}; } // validated when built

namespace detail {
MAILWIRE_LAZY constexpr bool valid_entry_flag_name(const string_value& v) noexcept {
    if (v.form != string_form::quoted) return false;
    auto it = v.chars().begin();
    const auto end = v.chars().end();
    for (char c : std::string_view("/flags/")) {
        if (it == end || chars::to_lower(*it) != c) return false;
        ++it;
    }
    if (it != end && *it == '\\') ++it;
    if (it == end) return false;
    for (; it != end; ++it)
        if (!chars::atom_char(*it)) return false;
    return true;
}
MAILWIRE_LAZY constexpr bool search_writable_astring(const string_value& v) noexcept {
    return v.form != string_form::nil && v.form != string_form::literal8 && check_writable(v).has_value();
}
/// Checks one node's operands (not its children).
MAILWIRE_LAZY constexpr result<void> check_search_leaf(const search_node& n) noexcept {
    switch (operand_of(n.kind)) {
    case search_operand::none:
    case search_operand::key:
    case search_operand::two_keys:
    case search_operand::keys: return {};
    case search_operand::astring:
        if (!search_writable_astring(n.value)) return unsafe("search-key: astring operand");
        return {};
    case search_operand::date: return check_writable(n.date);
    case search_operand::flag_keyword: {
        const auto name = n.keyword.name();
        if (name.empty() || !chars::atom_char.all_of(name)) return unsafe("search-key: flag-keyword is an atom");
        return check_writable(n.keyword);
    }
    case search_operand::header:
        if (!search_writable_astring(n.field)) return unsafe("HEADER: header-fld-name");
        if (!search_writable_astring(n.value)) return unsafe("HEADER: astring value");
        return {};
    case search_operand::number64:
        if (n.number > static_cast<std::uint64_t>(INT64_MAX)) return unsafe("search-key: number64");
        return {};
    case search_operand::nz_number:
        if (n.number == 0 || n.number > UINT32_MAX) return unsafe("search-key: nz-number");
        return {};
    case search_operand::sequence_set: return check_writable(n.set);
    case search_operand::objectid:
        if (n.objectid.empty() || n.objectid.size() > 255 || !objectid_char.all_of(n.objectid))
            return unsafe("search-key: objectid of 1-255 ALPHA / DIGIT / \"_\" / \"-\"");
        return {};
    case search_operand::modseq:
        if (n.number > static_cast<std::uint64_t>(INT64_MAX)) return unsafe("MODSEQ: mod-sequence-valzer");
        if (n.entry_type == modseq_entry_type::none) {
            if (!n.field.text.empty()) return unsafe("MODSEQ: an entry-name needs an entry-type-req");
            return {};
        }
        if (static_cast<unsigned>(n.entry_type) > static_cast<unsigned>(modseq_entry_type::all)) return unsafe("MODSEQ: entry type");
        if (!valid_entry_flag_name(n.field) || !check_writable(n.field)) return unsafe("MODSEQ: entry-name \"/flags/\" attr-flag");
        return {};
    }
    return unsafe("search-key: kind");
}
/// Checks the subtree at `i`; returns the index after it. The tree is walked without
/// recursion (detail::walk_tree); deeper than search_max_write_depth compound keys (more
/// than the parser reads) is refused.
MAILWIRE_LAZY constexpr result<std::uint32_t> check_search_key(std::span<const search_node> nodes, std::uint32_t i) noexcept {
    struct checker {
        std::span<const search_node> nodes;
        parse_error err{};
        constexpr bool fail(parse_error e) noexcept {
            err = e;
            return false;
        }
        constexpr bool enter(std::uint32_t k, std::size_t) noexcept {
            if (k >= nodes.size()) return fail(unsafe("search program: a key is missing"));
            const search_node& n = nodes[k];
            if (static_cast<std::size_t>(n.kind) >= search_key_count) return fail(unsafe("search-key: kind"));
            if (auto ok = check_search_leaf(n); !ok) return fail(ok.error());
            std::uint32_t want = 0;
            switch (operand_of(n.kind)) {
            case search_operand::key: want = 1; break;
            case search_operand::two_keys: want = 2; break;
            case search_operand::keys:
                if (n.children == 0) return fail(unsafe("search-key list: at least one key"));
                want = n.children;
                break;
            default: break;
            }
            if (n.children != want) return fail(unsafe("search program: wrong number of child keys"));
            return true;
        }
        // Child keys follow their parent; each starts where the one before it ends (its
        // end already checked when it was left).
        constexpr mailwire::detail::walk_step child(std::uint32_t k, std::uint32_t c, std::uint32_t& next) const noexcept {
            if (c >= nodes[k].children) return mailwire::detail::walk_step::done;
            next = c == 0 ? k + 1 : nodes[next].end;
            return mailwire::detail::walk_step::child;
        }
        constexpr bool leave(std::uint32_t k, std::uint32_t count, std::uint32_t last, std::size_t) noexcept {
            const std::uint32_t next = count == 0 ? k + 1 : nodes[last].end;
            if (nodes[k].end != next) return fail(unsafe("search program: subtree end index"));
            return true;
        }
        constexpr bool too_deep(std::uint32_t) noexcept {
            return fail(unsafe("search program: nesting beyond search_max_write_depth"));
        }
    };
    checker v{nodes};
    if (!mailwire::detail::walk_tree<search_max_write_depth + 1>(i, v)) return v.err;
    return nodes[i].end;
}
} // namespace detail

/// A node on its own is writable when it is a leaf key (compound keys are written
/// through search_key_view or search_program, which know their children).
MAILWIRE_LAZY constexpr result<void> check_writable(const search_node& n) noexcept {
    if (static_cast<std::size_t>(n.kind) >= detail::search_key_count) return unsafe("search-key: kind");
    if (is_compound(n.kind) || n.children != 0) return unsafe("search-key: a compound key needs its children (use search_key_view)");
    return detail::check_search_leaf(n);
}

MAILWIRE_LAZY constexpr result<void> check_writable(const search_key_view& v) noexcept {
    auto r = detail::check_search_key(v.nodes(), v.index());
    if (!r) return r.error();
    return {};
}

MAILWIRE_LAZY inline result<void> check_writable(const search_program& p) noexcept {
    if (p.has_charset && !detail::search_writable_astring(p.charset)) return unsafe("CHARSET: astring");
    if (p.nodes.empty()) return unsafe("search-program: at least one search-key");
    if (p.nodes.size() >= UINT32_MAX) return unsafe("search-program: too many keys");
    std::uint32_t i = 0;
    while (i < p.nodes.size()) {
        auto r = detail::check_search_key(p.nodes, i);
        if (!r) return r.error();
        i = *r;
    }
    return {};
}

MAILWIRE_LAZY inline result<void> check_writable(const search_arguments& a) noexcept {
    if (auto ok = check_writable(a.ret); !ok) return ok;
    return check_writable(a.program);
}

// ---- writers ---------------------------------------------------------------------------

namespace detail::search_fmt {
// Writers for the formatters below (a namespace of their own: other headers have writers).
using section_fmt::write_chars;

template <class OutIt>
OutIt write_string(OutIt out, const string_value& v, bool verbose) {
    if (!verbose) return imap::detail::write_string_value(out, v);
    out = write_chars(out, to_string(v.form));
    *out++ = ' ';
    return imap::detail::write_display(out, v.chars());
}

template <class OutIt>
OutIt write_partial_range(OutIt out, const partial_range& r) {
    if (r.from_last) return fmt::format_to(out, "-{}:-{}", r.from, r.to);
    return fmt::format_to(out, "{}:{}", r.from, r.to);
}

template <class OutIt>
OutIt write_return_opt(OutIt out, const search_return_opt& o) {
    if (o.kind == search_return_kind::extension) {
        out = write_chars(out, o.name);
        if (o.has_params) {
            *out++ = ' ';
            out = write_chars(out, o.params.text);
        }
        return out;
    }
    out = write_chars(out, to_string(o.kind));
    if (o.kind == search_return_kind::partial) {
        *out++ = ' ';
        out = write_partial_range(out, o.range);
    }
    return out;
}

/// Writes the key `n` up to its children (for NOT / OR / FUZZY, its name; for a list,
/// "("), or all of it when it has none.
template <class OutIt>
OutIt write_key_head(OutIt out, const search_node& n, bool verbose) {
    if (n.kind == search_key_kind::list) {
        *out++ = '(';
        return out;
    }
    if (n.kind == search_key_kind::sequence_set) {
        if (verbose) out = write_chars(out, "set ");
        return write_chars(out, n.set.text());
    }
    if (verbose && is_compound(n.kind)) *out++ = '[';
    out = write_chars(out, to_string(n.kind));
    switch (operand_of(n.kind)) {
    case search_operand::none:
    case search_operand::keys: break;
    case search_operand::key:
    case search_operand::two_keys: break; // the children follow
    case search_operand::astring:
        *out++ = ' ';
        out = write_string(out, n.value, verbose);
        break;
    case search_operand::date:
        out = verbose ? fmt::format_to(out, " {:v}", n.date) : fmt::format_to(out, " {}", n.date);
        break;
    case search_operand::flag_keyword:
        *out++ = ' ';
        out = write_chars(out, n.keyword.name());
        break;
    case search_operand::header:
        *out++ = ' ';
        out = write_string(out, n.field, verbose);
        *out++ = ' ';
        out = write_string(out, n.value, verbose);
        break;
    case search_operand::number64:
    case search_operand::nz_number: out = fmt::format_to(out, " {}", n.number); break;
    case search_operand::sequence_set:
        *out++ = ' ';
        out = write_chars(out, n.set.text());
        break;
    case search_operand::objectid:
        *out++ = ' ';
        out = write_chars(out, n.objectid);
        break;
    case search_operand::modseq:
        if (n.entry_type != modseq_entry_type::none) {
            *out++ = ' ';
            out = write_string(out, n.field, verbose);
            *out++ = ' ';
            out = write_chars(out, to_string(n.entry_type));
        }
        out = fmt::format_to(out, " {}", n.number);
        break;
    }
    if (verbose && is_compound(n.kind) && n.children == 0) *out++ = ']';
    return out;
}

/// Writes the key at `i` and its subtree (wire bytes, or readable when `verbose`), walked
/// without recursion (detail::walk_tree). A tree check_writable() accepts is written whole.
template <class OutIt>
OutIt write_key(OutIt out, std::span<const search_node> nodes, std::uint32_t i, bool verbose) {
    struct writer {
        OutIt out;
        std::span<const search_node> nodes;
        bool verbose;
        bool enter(std::uint32_t k, std::size_t) {
            out = write_key_head(out, nodes[k], verbose);
            return true;
        }
        mailwire::detail::walk_step child(std::uint32_t k, std::uint32_t c, std::uint32_t& next) {
            const search_node& n = nodes[k];
            if (c >= n.children) return mailwire::detail::walk_step::done;
            next = c == 0 ? k + 1 : nodes[next].end;
            if (next >= nodes.size()) return mailwire::detail::walk_step::done;
            if (c != 0 || n.kind != search_key_kind::list) *out++ = ' ';
            return mailwire::detail::walk_step::child;
        }
        bool leave(std::uint32_t k, std::uint32_t, std::uint32_t, std::size_t) {
            const search_node& n = nodes[k];
            if (n.kind == search_key_kind::list) *out++ = ')';
            else if (verbose && is_compound(n.kind) && n.children != 0) *out++ = ']';
            return true;
        }
        bool too_deep(std::uint32_t) { return false; }
    };
    if (i >= nodes.size()) return out;
    writer w{out, nodes, verbose};
    mailwire::detail::walk_tree<search_max_write_depth + 1>(i, w);
    return w.out;
}

template <class OutIt>
OutIt write_program(OutIt out, const search_program& p, bool verbose) {
    if (verbose) out = write_chars(out, "search-program ");
    if (p.has_charset) {
        out = write_chars(out, "CHARSET ");
        out = write_string(out, p.charset, verbose);
        *out++ = ' ';
    }
    bool first = true;
    for (auto k : p.keys()) {
        if (!first) *out++ = ' ';
        first = false;
        out = write_key(out, p.nodes, k.index(), verbose);
    }
    return out;
}
} // namespace detail::search_fmt

} // namespace mailwire::imap

// ---- formatters: "{}" wire bytes, "{:v}" readable -------------------------------------

template <>
struct fmt::formatter<mailwire::imap::tagged_ext_val> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::tagged_ext_val& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        auto out = ctx.out();
        if (pres == mailwire::presentation::verbose) out = fmt::format_to(out, "tagged-ext-val ");
        else if (!check_writable(v)) mailwire::refuse_unsafe_write("tagged-ext-val that does not re-parse");
        return mailwire::imap::detail::search_fmt::write_chars(out, v.text);
    }
};

template <>
struct fmt::formatter<mailwire::imap::partial_range> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::partial_range& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        auto out = ctx.out();
        if (pres == mailwire::presentation::verbose) out = fmt::format_to(out, "partial-range ");
        else if (!check_writable(v)) mailwire::refuse_unsafe_write("partial-range with a zero");
        return mailwire::imap::detail::search_fmt::write_partial_range(out, v);
    }
};

template <>
struct fmt::formatter<mailwire::imap::search_return_opt> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::search_return_opt& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        auto out = ctx.out();
        if (pres == mailwire::presentation::verbose) out = fmt::format_to(out, "search-return-opt ");
        else if (!check_writable(v)) mailwire::refuse_unsafe_write("search-return-opt that does not re-parse");
        return mailwire::imap::detail::search_fmt::write_return_opt(out, v);
    }
};

/// Writes " RETURN (...)" with the SP that starts the rule, or nothing when absent.
template <>
struct fmt::formatter<mailwire::imap::search_return_opts> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::search_return_opts& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        auto out = ctx.out();
        if (!v.present()) return pres == mailwire::presentation::verbose ? fmt::format_to(out, "no RETURN") : out;
        out = mailwire::imap::detail::search_fmt::write_chars(out, pres == mailwire::presentation::verbose ? "RETURN (" : " RETURN (");
        bool first = true;
        for (auto o : v) {
            if (!first) *out++ = ' ';
            first = false;
            out = mailwire::imap::detail::search_fmt::write_return_opt(out, o);
        }
        *out++ = ')';
        return out;
    }
};

template <>
struct fmt::formatter<mailwire::imap::search_node> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::search_node& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        const bool verbose = pres == mailwire::presentation::verbose;
        if (!check_writable(v)) mailwire::refuse_unsafe_write("search key node: not a writable leaf");
        mailwire::imap::search_node leaf = v;
        leaf.end = 1;
        return mailwire::imap::detail::search_fmt::write_key(ctx.out(), std::span<const mailwire::imap::search_node>(&leaf, 1), 0,
                                                             verbose);
    }
};

template <>
struct fmt::formatter<mailwire::imap::search_key_view> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::search_key_view& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (!check_writable(v)) mailwire::refuse_unsafe_write("search key that does not re-parse");
        return mailwire::imap::detail::search_fmt::write_key(ctx.out(), v.nodes(), v.index(),
                                                             pres == mailwire::presentation::verbose);
    }
};

template <>
struct fmt::formatter<mailwire::imap::search_program> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::search_program& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (!check_writable(v)) mailwire::refuse_unsafe_write("search program that does not re-parse");
        return mailwire::imap::detail::search_fmt::write_program(ctx.out(), v, pres == mailwire::presentation::verbose);
    }
};

/// Writes " RETURN (...) " and the program: the bytes after "SEARCH".
template <>
struct fmt::formatter<mailwire::imap::search_arguments> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::search_arguments& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose) return fmt::format_to(ctx.out(), "{:v} {:v}", v.ret, v.program);
        return fmt::format_to(ctx.out(), "{} {}", v.ret, v.program);
    }
};
