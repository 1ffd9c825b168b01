// The IMAP commands (client -> server) as plain structs: one per command, held in
// imap::command{tag, body}. See imap/command.hpp for the overview.
//
// Views and lifetimes. Every std::string_view in these structs (and in the string_value,
// mailbox, flag, sequence_set ... they hold) points into the message given to
// parse_command() and lives as long as those bytes. Every std::span points into the
// command_storage given to parse_command() and lives until that storage is next used by
// parse_command() (or cleared, or destroyed). A caller who builds a command to write it
// points the views and spans at its own data instead; nothing here owns anything.
//
// Equality (==) compares meaning, as parse -> format -> parse must preserve it: strings by
// their decoded content whatever their form (atom, quoted, literal), keywords
// case-insensitively, numbers by value, lists element by element.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>

#include <mailwire/core/config.hpp>
#include <mailwire/core/chars.hpp>
#include <mailwire/imap/rules/datetime.hpp>
#include <mailwire/imap/rules/fetch_att.hpp>
#include <mailwire/imap/rules/flag.hpp>
#include <mailwire/imap/rules/mailbox.hpp>
#include <mailwire/imap/rules/search_key.hpp>
#include <mailwire/imap/rules/sequence_set.hpp>
#include <mailwire/imap/rules/string.hpp>

namespace mailwire::imap {

namespace detail {
/// Element-by-element equality of two spans.
template <class T>
constexpr bool span_equal(std::span<const T> a, std::span<const T> b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!(a[i] == b[i])) return false;
    return true;
}
/// A keyword's spelling: its text as sent, or (built in code, text empty) the canonical one.
MAILWIRE_LAZY constexpr std::string_view keyword_name(std::string_view text, std::string_view canonical) noexcept {
    return text.empty() ? canonical : text;
}
} // namespace detail

// ---- generic tokens ----------------------------------------------------------------------

/// What a token of a generic argument list is.
enum class token_kind : std::uint8_t {
    atom,     ///< a word: any run of non-special characters (atoms, numbers, NIL, \Flags, 1:*)
    quoted,   ///< a quoted string
    literal,  ///< a literal "{n}" CRLF data (or "{n+}")
    literal8, ///< a literal8 "~{n}" CRLF data
    open,     ///< "("
    close,    ///< ")"
};

MAILWIRE_LAZY constexpr std::string_view to_string(token_kind k) noexcept {
    switch (k) {
    case token_kind::atom: return "atom";
    case token_kind::quoted: return "quoted";
    case token_kind::literal: return "literal";
    case token_kind::literal8: return "literal8";
    case token_kind::open: return "open";
    case token_kind::close: return "close";
    }
    return "?";
}

/// One token of a generic argument list (an unknown command's arguments, an extension
/// parameter's value). Lists are flat: nesting is given by open/close tokens, so a value
/// such as `(a (b "c"))` is open, atom a, open, atom b, quoted c, close, close.
struct token {
    token_kind kind = token_kind::atom;
    /// atom: the word; quoted: between the DQUOTEs (see `escaped`); literal, literal8: the
    /// payload; open, close: empty.
    std::string_view text;
    bool escaped = false;      ///< quoted: `text` holds "\" escapes as sent
    bool non_sync = false;     ///< literal, literal8: written "{n+}"
    bool space_before = false; ///< an SP precedes this token (generic commands keep spacing)

    static constexpr token word(std::string_view w, bool sp = true) noexcept { return {token_kind::atom, w, false, false, sp}; }
    static constexpr token open_paren(bool sp = true) noexcept { return {token_kind::open, {}, false, false, sp}; }
    static constexpr token close_paren() noexcept { return {token_kind::close, {}, false, false, false}; }

    /// The token as a string_value (for atom, quoted, literal, literal8).
    constexpr string_value value() const noexcept {
        switch (kind) {
        case token_kind::atom: return {string_form::atom, text, false, false};
        case token_kind::quoted: return {string_form::quoted, text, escaped, false};
        case token_kind::literal: return {string_form::literal, text, false, non_sync};
        case token_kind::literal8: return {string_form::literal8, text, false, non_sync};
        case token_kind::open:
        case token_kind::close: break;
        }
        return string_value::nil();
    }
    /// Same kind, same spacing, same content (quoted strings decoded; atoms exactly).
    friend constexpr bool operator==(const token& a, const token& b) noexcept {
        if (a.kind != b.kind || a.space_before != b.space_before) return false;
        if (a.kind == token_kind::open || a.kind == token_kind::close) return true;
        return a.value() == b.value();
    }
};

/// A tagged extension item: `label [SP tagged-ext-val]` (RFC 4466 §3), as in select-param,
/// create-param, rename-param, store-modifier, append-ext, getmetadata-option. `value`
/// holds the value's tokens (one word, or a parenthesized group); empty when absent.
struct extension_item {
    std::string_view name;
    std::span<const token> value;
    friend constexpr bool operator==(const extension_item& a, const extension_item& b) noexcept {
        return chars::iequals(a.name, b.name) && detail::span_equal(a.value, b.value);
    }
};

// ---- STATUS items ------------------------------------------------------------------------

/// status-att (RFC 9051 §9, RFC 3501 §9 RECENT, RFC 7162 HIGHESTMODSEQ, RFC 7889
/// APPENDLIMIT, RFC 8438 SIZE, RFC 8474 MAILBOXID, RFC 9208 DELETED / DELETED-STORAGE).
enum class status_att_kind : std::uint8_t {
    messages, recent, uidnext, uidvalidity, unseen, deleted, deleted_storage, size,
    highestmodseq, appendlimit, mailboxid,
    other, ///< any other atom (an extension this library does not know)
};

MAILWIRE_LAZY constexpr std::string_view canonical_name(status_att_kind k) noexcept {
    switch (k) {
    case status_att_kind::messages: return "MESSAGES";
    case status_att_kind::recent: return "RECENT";
    case status_att_kind::uidnext: return "UIDNEXT";
    case status_att_kind::uidvalidity: return "UIDVALIDITY";
    case status_att_kind::unseen: return "UNSEEN";
    case status_att_kind::deleted: return "DELETED";
    case status_att_kind::deleted_storage: return "DELETED-STORAGE";
    case status_att_kind::size: return "SIZE";
    case status_att_kind::highestmodseq: return "HIGHESTMODSEQ";
    case status_att_kind::appendlimit: return "APPENDLIMIT";
    case status_att_kind::mailboxid: return "MAILBOXID";
    case status_att_kind::other: return {};
    }
    return {};
}

MAILWIRE_LAZY constexpr status_att_kind classify_status_att(std::string_view text) noexcept {
    for (unsigned i = 0; i < static_cast<unsigned>(status_att_kind::other); ++i) {
        const auto k = static_cast<status_att_kind>(i);
        if (chars::iequals(text, canonical_name(k))) return k;
    }
    return status_att_kind::other;
}

/// One STATUS item: its kind and its text as sent (empty: written canonically).
struct status_att {
    status_att_kind kind = status_att_kind::other;
    std::string_view text;
    static constexpr status_att of(status_att_kind k) noexcept { return {k, {}}; }
    constexpr std::string_view name() const noexcept { return detail::keyword_name(text, canonical_name(kind)); }
    friend constexpr bool operator==(const status_att& a, const status_att& b) noexcept {
        return a.kind == b.kind && chars::iequals(a.name(), b.name());
    }
};

// ---- SELECT / EXAMINE parameters (RFC 4466 §2.1, RFC 7162) ---------------------------------

enum class select_param_kind : std::uint8_t {
    condstore, ///< CONDSTORE (RFC 7162 §3.1.8)
    qresync,   ///< QRESYNC (uidvalidity modseq [known-uids] [seq-match-data]) (RFC 7162 §3.2.5)
    other,     ///< any other select-param: name and tagged-ext-val tokens
};

/// The QRESYNC parameter's value. Empty sequence sets are absent parts.
struct qresync_param {
    std::uint32_t uidvalidity = 1;
    std::uint64_t modseq = 1;          ///< mod-sequence-value, 1..2^63-1
    sequence_set known_uids;           ///< optional
    sequence_set known_sequence_set;   ///< seq-match-data, optional (with known_uid_set)
    sequence_set known_uid_set;
    friend constexpr bool operator==(const qresync_param&, const qresync_param&) = default;
};

struct select_param {
    select_param_kind kind = select_param_kind::other;
    std::string_view text;      ///< the parameter's name as sent (other: required)
    qresync_param qresync{};    ///< qresync only
    std::span<const token> value; ///< other only: the tagged-ext-val, empty if none

    constexpr std::string_view name() const noexcept {
        return detail::keyword_name(text, kind == select_param_kind::condstore ? "CONDSTORE"
                                          : kind == select_param_kind::qresync ? "QRESYNC" : "");
    }
    friend constexpr bool operator==(const select_param& a, const select_param& b) noexcept {
        if (a.kind != b.kind || !chars::iequals(a.name(), b.name())) return false;
        if (a.kind == select_param_kind::qresync) return a.qresync == b.qresync;
        return detail::span_equal(a.value, b.value);
    }
};

// ---- CREATE parameters (RFC 4466 §2.2, RFC 6154 USE) -----------------------------------------

enum class create_param_kind : std::uint8_t {
    use,   ///< USE (use-attr ...) (RFC 6154 §5)
    other, ///< any other create-param
};

struct create_param {
    create_param_kind kind = create_param_kind::other;
    std::string_view text;              ///< the name as sent
    std::span<const mailbox_attr> use;  ///< use only (possibly empty: "USE ()")
    std::span<const token> value;       ///< other only

    constexpr std::string_view name() const noexcept {
        return detail::keyword_name(text, kind == create_param_kind::use ? "USE" : "");
    }
    friend constexpr bool operator==(const create_param& a, const create_param& b) noexcept {
        if (a.kind != b.kind || !chars::iequals(a.name(), b.name())) return false;
        if (a.kind == create_param_kind::use) return detail::span_equal(a.use, b.use);
        return detail::span_equal(a.value, b.value);
    }
};

// ---- LIST options (RFC 5258, RFC 5819, RFC 6154, RFC 9051) -----------------------------------

enum class list_select_kind : std::uint8_t {
    subscribed,     ///< SUBSCRIBED (list-select-base-opt)
    remote,         ///< REMOTE (list-select-independent-opt)
    recursivematch, ///< RECURSIVEMATCH (list-select-mod-opt)
    special_use,    ///< SPECIAL-USE (RFC 6154 list-select-independent-opt)
    other,          ///< option-extension
};

MAILWIRE_LAZY constexpr std::string_view canonical_name(list_select_kind k) noexcept {
    switch (k) {
    case list_select_kind::subscribed: return "SUBSCRIBED";
    case list_select_kind::remote: return "REMOTE";
    case list_select_kind::recursivematch: return "RECURSIVEMATCH";
    case list_select_kind::special_use: return "SPECIAL-USE";
    case list_select_kind::other: return {};
    }
    return {};
}

/// One selection option; an option-extension may carry an option-value (its tokens,
/// parentheses included).
struct list_select_opt {
    list_select_kind kind = list_select_kind::other;
    std::string_view text;
    std::span<const token> value;
    static constexpr list_select_opt of(list_select_kind k) noexcept { return {k, {}, {}}; }
    constexpr std::string_view name() const noexcept { return detail::keyword_name(text, canonical_name(kind)); }
    friend constexpr bool operator==(const list_select_opt& a, const list_select_opt& b) noexcept {
        return a.kind == b.kind && chars::iequals(a.name(), b.name()) && detail::span_equal(a.value, b.value);
    }
};

enum class list_return_kind : std::uint8_t {
    subscribed,  ///< SUBSCRIBED
    children,    ///< CHILDREN
    special_use, ///< SPECIAL-USE (RFC 6154)
    status,      ///< STATUS (status-att ...) (RFC 5819)
    other,       ///< option-extension
};

MAILWIRE_LAZY constexpr std::string_view canonical_name(list_return_kind k) noexcept {
    switch (k) {
    case list_return_kind::subscribed: return "SUBSCRIBED";
    case list_return_kind::children: return "CHILDREN";
    case list_return_kind::special_use: return "SPECIAL-USE";
    case list_return_kind::status: return "STATUS";
    case list_return_kind::other: return {};
    }
    return {};
}

struct list_return_opt {
    list_return_kind kind = list_return_kind::other;
    std::string_view text;
    std::span<const status_att> status; ///< status only (one or more)
    std::span<const token> value;       ///< other only: option-value tokens, empty if none
    static constexpr list_return_opt of(list_return_kind k) noexcept { return {k, {}, {}, {}}; }
    constexpr std::string_view name() const noexcept { return detail::keyword_name(text, canonical_name(kind)); }
    friend constexpr bool operator==(const list_return_opt& a, const list_return_opt& b) noexcept {
        return a.kind == b.kind && chars::iequals(a.name(), b.name()) && detail::span_equal(a.status, b.status) &&
               detail::span_equal(a.value, b.value);
    }
};

// ---- APPEND messages (RFC 4466 §2.7, RFC 3502, RFC 3516, RFC 6855, RFC 4469) ----------------

enum class append_data_kind : std::uint8_t {
    literal,  ///< literal
    literal8, ///< literal8 (RFC 3516 BINARY)
    utf8,     ///< "UTF8" SP "(" literal8 ")" (RFC 6855 §4)
    other,    ///< append-data-ext: a tagged-ext such as CATENATE (...) (RFC 4469)
};

/// append-message = append-opts SP append-data   (RFC 4466 §3)
struct append_message {
    bool has_flags = false;              ///< a flag-list was given (it may be "()")
    std::span<const flag> flags;
    std::optional<date_time> date;
    std::span<const extension_item> extensions; ///< append-ext items (values required)
    append_data_kind kind = append_data_kind::literal;
    literal data{};                      ///< literal, literal8, utf8: the payload
    extension_item data_ext{};           ///< other: label and value
    friend constexpr bool operator==(const append_message& a, const append_message& b) noexcept {
        if (a.has_flags != b.has_flags || !detail::span_equal(a.flags, b.flags) || a.date != b.date ||
            !detail::span_equal(a.extensions, b.extensions) || a.kind != b.kind)
            return false;
        if (a.kind == append_data_kind::other) return a.data_ext == b.data_ext;
        return a.data.data == b.data.data;
    }
};

// ---- STORE (RFC 9051 §6.4.6, RFC 4466 §2.5, RFC 7162, Gmail X-GM-LABELS) ---------------------

enum class store_modifier_kind : std::uint8_t {
    unchangedsince, ///< UNCHANGEDSINCE mod-sequence-valzer (RFC 7162 §3.1.3)
    other,          ///< any other store-modifier
};

struct store_modifier {
    store_modifier_kind kind = store_modifier_kind::other;
    std::string_view text;
    std::uint64_t modseq = 0;     ///< unchangedsince: 0..2^63-1
    std::span<const token> value; ///< other only
    constexpr std::string_view name() const noexcept {
        return detail::keyword_name(text, kind == store_modifier_kind::unchangedsince ? "UNCHANGEDSINCE" : "");
    }
    friend constexpr bool operator==(const store_modifier& a, const store_modifier& b) noexcept {
        return a.kind == b.kind && chars::iequals(a.name(), b.name()) && a.modseq == b.modseq &&
               detail::span_equal(a.value, b.value);
    }
};

/// ["+" / "-"] in store-att-flags
enum class store_op : std::uint8_t { replace, add, remove };

/// What a STORE changes.
enum class store_item : std::uint8_t {
    flags,        ///< FLAGS (RFC 9051)
    gmail_labels, ///< X-GM-LABELS (Gmail's X-GM-EXT-1; no RFC)
};

// ---- ID, quota, metadata, sort ------------------------------------------------------------

/// One field/value pair of ID (RFC 2971 §4): field is a string, value an nstring.
struct id_param {
    string_value field;
    string_value value;
    friend constexpr bool operator==(const id_param&, const id_param&) = default;
};

/// setquota-resource = resource-name SP resource-limit   (RFC 9208 §7)
struct quota_resource {
    std::string_view name; ///< STORAGE, MESSAGE, MAILBOX, ANNOTATION-STORAGE or another atom
    std::uint64_t limit = 0;
    friend constexpr bool operator==(const quota_resource& a, const quota_resource& b) noexcept {
        return chars::iequals(a.name, b.name) && a.limit == b.limit;
    }
};

enum class metadata_option_kind : std::uint8_t {
    maxsize, ///< MAXSIZE number (RFC 5464 §4.2.1)
    depth,   ///< DEPTH ("0" / "1" / "infinity") (RFC 5464 §4.2.2)
    other,   ///< any other getmetadata-option
};

enum class metadata_depth : std::uint8_t { zero, one, infinity };

struct metadata_option {
    metadata_option_kind kind = metadata_option_kind::other;
    std::string_view text;
    std::uint32_t maxsize = 0;                     ///< maxsize only
    metadata_depth depth = metadata_depth::zero;   ///< depth only
    std::span<const token> value;                  ///< other only
    constexpr std::string_view name() const noexcept {
        return detail::keyword_name(text, kind == metadata_option_kind::maxsize ? "MAXSIZE"
                                          : kind == metadata_option_kind::depth ? "DEPTH" : "");
    }
    friend constexpr bool operator==(const metadata_option& a, const metadata_option& b) noexcept {
        return a.kind == b.kind && chars::iequals(a.name(), b.name()) && a.maxsize == b.maxsize && a.depth == b.depth &&
               detail::span_equal(a.value, b.value);
    }
};

/// entry-value = entry SP value; value = nstring / literal8   (RFC 5464 §5)
struct metadata_entry_value {
    string_value entry;
    string_value value;
    friend constexpr bool operator==(const metadata_entry_value&, const metadata_entry_value&) = default;
};

/// The search keys of SEARCH (search-program: ["CHARSET" SP charset SP] 1*search-key),
/// SORT and THREAD (search-criteria: charset 1*(SP search-key), RFC 5256 §5). The keys
/// are search_key.hpp's pre-order nodes: a compound key (NOT, OR, FUZZY, a list) is
/// followed by its subtree, and each node's `end` is an index into `keys`.
struct search_criteria {
    /// SEARCH: whether "CHARSET" was given. SORT, THREAD: always true (charset is required).
    bool has_charset = false;
    string_value charset{};
    std::span<const search_node> keys;

    /// The top-level search keys.
    constexpr search_key_range top() const noexcept { return {keys, 0, static_cast<std::uint32_t>(keys.size())}; }
    friend constexpr bool operator==(const search_criteria& a, const search_criteria& b) noexcept {
        return a.has_charset == b.has_charset && (!a.has_charset || a.charset == b.charset) &&
               detail::span_equal(a.keys, b.keys);
    }
};

/// sort-key (RFC 5256 §5, RFC 5957 DISPLAYFROM / DISPLAYTO)
enum class sort_key : std::uint8_t { arrival, cc, date, from, size, subject, to, displayfrom, displayto };

MAILWIRE_LAZY constexpr std::string_view to_string(sort_key k) noexcept {
    switch (k) {
    case sort_key::arrival: return "ARRIVAL";
    case sort_key::cc: return "CC";
    case sort_key::date: return "DATE";
    case sort_key::from: return "FROM";
    case sort_key::size: return "SIZE";
    case sort_key::subject: return "SUBJECT";
    case sort_key::to: return "TO";
    case sort_key::displayfrom: return "DISPLAYFROM";
    case sort_key::displayto: return "DISPLAYTO";
    }
    return {};
}

/// sort-criterion = ["REVERSE" SP] sort-key   (RFC 5256 §5)
struct sort_criterion {
    bool reverse = false;
    sort_key key = sort_key::arrival;
    friend constexpr bool operator==(const sort_criterion&, const sort_criterion&) = default;
};

// ---- the commands ------------------------------------------------------------------------------

namespace cmd {

/// CAPABILITY                                   (RFC 9051 §6.1.1)
struct capability { friend constexpr bool operator==(const capability&, const capability&) = default; };
/// NOOP                                         (RFC 9051 §6.1.2)
struct noop { friend constexpr bool operator==(const noop&, const noop&) = default; };
/// LOGOUT                                       (RFC 9051 §6.1.3)
struct logout { friend constexpr bool operator==(const logout&, const logout&) = default; };
/// STARTTLS                                     (RFC 9051 §6.2.1)
struct starttls { friend constexpr bool operator==(const starttls&, const starttls&) = default; };

/// AUTHENTICATE auth-type [SP initial-resp]     (RFC 9051 §6.2.2, RFC 4959 SASL-IR)
/// initial-resp = base64 / "=": "=" (an empty initial response) is held as "".
struct authenticate {
    atom mechanism;
    std::optional<std::string_view> initial_response; ///< base64 text; "" for "="
    friend constexpr bool operator==(const authenticate& a, const authenticate& b) noexcept {
        return chars::iequals(a.mechanism.text, b.mechanism.text) && a.initial_response == b.initial_response;
    }
};

/// LOGIN userid password                        (RFC 9051 §6.2.3)
struct login {
    string_value userid;
    string_value password;
    friend constexpr bool operator==(const login&, const login&) = default;
};

/// ENABLE 1*(SP capability)                     (RFC 5161 §3.1, RFC 9051 §6.3.1)
struct enable {
    std::span<const atom> capabilities;
    friend constexpr bool operator==(const enable& a, const enable& b) noexcept {
        if (a.capabilities.size() != b.capabilities.size()) return false;
        for (std::size_t i = 0; i < a.capabilities.size(); ++i)
            if (!chars::iequals(a.capabilities[i].text, b.capabilities[i].text)) return false;
        return true;
    }
};

/// SELECT mailbox [select-params]               (RFC 9051 §6.3.2, RFC 4466 §2.1, RFC 7162)
struct select {
    mailbox mbox;
    std::span<const select_param> params; ///< empty: no parameters
    friend constexpr bool operator==(const select& a, const select& b) noexcept {
        return a.mbox == b.mbox && detail::span_equal(a.params, b.params);
    }
};
/// EXAMINE mailbox [select-params]              (RFC 9051 §6.3.3)
struct examine {
    mailbox mbox;
    std::span<const select_param> params;
    friend constexpr bool operator==(const examine& a, const examine& b) noexcept {
        return a.mbox == b.mbox && detail::span_equal(a.params, b.params);
    }
};

/// CREATE mailbox [create-params]               (RFC 9051 §6.3.4, RFC 4466 §2.2, RFC 6154)
struct create {
    mailbox mbox;
    std::span<const create_param> params;
    friend constexpr bool operator==(const create& a, const create& b) noexcept {
        return a.mbox == b.mbox && detail::span_equal(a.params, b.params);
    }
};

/// DELETE mailbox                               (RFC 9051 §6.3.5)
struct delete_ {
    mailbox mbox;
    friend constexpr bool operator==(const delete_&, const delete_&) = default;
};

/// RENAME mailbox mailbox [rename-params]       (RFC 9051 §6.3.6, RFC 4466 §2.3)
struct rename {
    mailbox from;
    mailbox to;
    std::span<const extension_item> params;
    friend constexpr bool operator==(const rename& a, const rename& b) noexcept {
        return a.from == b.from && a.to == b.to && detail::span_equal(a.params, b.params);
    }
};

/// SUBSCRIBE mailbox                            (RFC 9051 §6.3.7)
struct subscribe {
    mailbox mbox;
    friend constexpr bool operator==(const subscribe&, const subscribe&) = default;
};
/// UNSUBSCRIBE mailbox                          (RFC 9051 §6.3.8)
struct unsubscribe {
    mailbox mbox;
    friend constexpr bool operator==(const unsubscribe&, const unsubscribe&) = default;
};

/// LIST [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]
///                                              (RFC 9051 §6.3.9, RFC 5258, RFC 5819, RFC 6154)
struct list {
    bool has_select_opts = false;          ///< "(...)" after LIST, possibly "()"
    std::span<const list_select_opt> select_opts;
    mailbox reference;
    bool patterns_parenthesized = false;   ///< patterns = "(" list-mailbox *(SP list-mailbox) ")"
    std::span<const string_value> patterns; ///< list-mailbox: atoms may hold "%" and "*"
    bool has_return_opts = false;          ///< "RETURN (...)", possibly "RETURN ()"
    std::span<const list_return_opt> return_opts;
    friend constexpr bool operator==(const list& a, const list& b) noexcept {
        return a.has_select_opts == b.has_select_opts && detail::span_equal(a.select_opts, b.select_opts) &&
               a.reference == b.reference && a.patterns_parenthesized == b.patterns_parenthesized &&
               detail::span_equal(a.patterns, b.patterns) && a.has_return_opts == b.has_return_opts &&
               detail::span_equal(a.return_opts, b.return_opts);
    }
};

/// LSUB mailbox list-mailbox                    (RFC 3501 §6.3.9; not in IMAP4rev2)
struct lsub {
    mailbox reference;
    string_value pattern;
    friend constexpr bool operator==(const lsub&, const lsub&) = default;
};

/// NAMESPACE                                    (RFC 2342 §5, RFC 9051 §6.3.10)
struct namespace_ { friend constexpr bool operator==(const namespace_&, const namespace_&) = default; };

/// STATUS mailbox "(" status-att *(SP status-att) ")"   (RFC 9051 §6.3.11)
struct status {
    mailbox mbox;
    std::span<const status_att> items;
    friend constexpr bool operator==(const status& a, const status& b) noexcept {
        return a.mbox == b.mbox && detail::span_equal(a.items, b.items);
    }
};

/// APPEND mailbox 1*append-message               (RFC 9051 §6.3.12, RFC 4466, RFC 3502)
struct append {
    mailbox mbox;
    std::span<const append_message> messages; ///< more than one: MULTIAPPEND
    friend constexpr bool operator==(const append& a, const append& b) noexcept {
        return a.mbox == b.mbox && detail::span_equal(a.messages, b.messages);
    }
};

/// IDLE ("DONE" is a line of its own: framer.hpp parse_idle_done)   (RFC 2177, RFC 9051 §6.3.13)
struct idle { friend constexpr bool operator==(const idle&, const idle&) = default; };
/// CHECK                                        (RFC 3501 §6.4.1; not in IMAP4rev2)
struct check { friend constexpr bool operator==(const check&, const check&) = default; };
/// CLOSE                                        (RFC 9051 §6.4.1)
struct close { friend constexpr bool operator==(const close&, const close&) = default; };
/// UNSELECT                                     (RFC 3691, RFC 9051 §6.4.2)
struct unselect { friend constexpr bool operator==(const unselect&, const unselect&) = default; };
/// EXPUNGE                                      (RFC 9051 §6.4.3)
struct expunge { friend constexpr bool operator==(const expunge&, const expunge&) = default; };

/// UID EXPUNGE sequence-set                     (RFC 4315 §2.1, RFC 9051 §6.4.9)
struct uid_expunge {
    sequence_set set;
    friend constexpr bool operator==(const uid_expunge&, const uid_expunge&) = default;
};

/// [UID] SEARCH [search-return-opts] SP search-program   (RFC 9051 §6.4.4, RFC 4466,
///                                              RFC 4731, RFC 5182, RFC 9394; keys: search_key.hpp)
struct search {
    bool uid = false;
    search_return_opts ret;   ///< RETURN (...) when ret.present()
    search_criteria program;
    friend constexpr bool operator==(const search& a, const search& b) noexcept {
        return a.uid == b.uid && a.ret == b.ret && a.program == b.program;
    }
};

/// [UID] FETCH sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att /
///       "(" fetch-att *(SP fetch-att) ")") [fetch-modifiers]
///                                              (RFC 9051 §6.4.5, RFC 4466 §2.4; fetch_att.hpp)
struct fetch {
    bool uid = false;
    sequence_set set;
    fetch_macro macro = fetch_macro::none;   ///< ALL / FAST / FULL, or none
    bool parenthesized = false;              ///< "(" ... ")" ("(FLAGS)" and "FLAGS" differ)
    std::span<const fetch_att> atts;         ///< when macro == none
    fetch_modifiers modifiers;               ///< " (CHANGEDSINCE 1 VANISHED)" when present()
    friend constexpr bool operator==(const fetch& a, const fetch& b) noexcept {
        return a.uid == b.uid && a.set == b.set && a.macro == b.macro && a.parenthesized == b.parenthesized &&
               detail::span_equal(a.atts, b.atts) && a.modifiers == b.modifiers;
    }
};

/// [UID] STORE sequence-set [store-modifiers] SP store-att-flags
///                                              (RFC 9051 §6.4.6, RFC 4466 §2.5, RFC 7162)
/// store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))
/// or, for Gmail, (["+" / "-"] "X-GM-LABELS" [".SILENT"]) SP the labels in the same forms.
struct store {
    bool uid = false;
    sequence_set set;
    std::span<const store_modifier> modifiers; ///< empty: none
    store_op op = store_op::replace;
    bool silent = false;
    store_item item = store_item::flags;
    bool parenthesized = true;             ///< "(" ... ")" rather than flags separated by SP
    std::span<const flag> flags;           ///< item == flags
    std::span<const string_value> labels;  ///< item == gmail_labels: "\" atom as an atom, or astring
    friend constexpr bool operator==(const store& a, const store& b) noexcept {
        return a.uid == b.uid && a.set == b.set && detail::span_equal(a.modifiers, b.modifiers) && a.op == b.op &&
               a.silent == b.silent && a.item == b.item && a.parenthesized == b.parenthesized &&
               detail::span_equal(a.flags, b.flags) && detail::span_equal(a.labels, b.labels);
    }
};

/// [UID] COPY sequence-set SP mailbox           (RFC 9051 §6.4.7)
struct copy {
    bool uid = false;
    sequence_set set;
    mailbox mbox;
    friend constexpr bool operator==(const copy&, const copy&) = default;
};

/// [UID] MOVE sequence-set SP mailbox           (RFC 6851 §3, RFC 9051 §6.4.8)
struct move {
    bool uid = false;
    sequence_set set;
    mailbox mbox;
    friend constexpr bool operator==(const move&, const move&) = default;
};

/// [UID] SORT [search-return-opts] SP sort-criteria SP search-criteria
///                                              (RFC 5256 §3, RFC 5267 §3.2 ESORT, RFC 5957)
struct sort {
    bool uid = false;
    search_return_opts ret;                    ///< RETURN (...) (ESORT) when ret.present()
    std::span<const sort_criterion> criteria;  ///< one or more
    search_criteria search;                    ///< charset (required) and keys
    friend constexpr bool operator==(const sort& a, const sort& b) noexcept {
        return a.uid == b.uid && a.ret == b.ret && detail::span_equal(a.criteria, b.criteria) && a.search == b.search;
    }
};

/// [UID] THREAD thread-alg SP search-criteria   (RFC 5256 §3)
struct thread {
    bool uid = false;
    atom algorithm; ///< ORDEREDSUBJECT, REFERENCES or another atom
    search_criteria search;
    friend constexpr bool operator==(const thread& a, const thread& b) noexcept {
        return a.uid == b.uid && chars::iequals(a.algorithm.text, b.algorithm.text) && a.search == b.search;
    }
};

/// ID ("(" *(string SP nstring) ")" / nil)      (RFC 2971 §3.1)
struct id {
    bool nil = false;                 ///< "ID NIL"
    std::span<const id_param> params; ///< when !nil; may be empty ("ID ()")
    friend constexpr bool operator==(const id& a, const id& b) noexcept {
        return a.nil == b.nil && detail::span_equal(a.params, b.params);
    }
};

/// GETQUOTA quota-root-name                     (RFC 9208 §4.2)
struct getquota {
    string_value root; ///< astring
    friend constexpr bool operator==(const getquota&, const getquota&) = default;
};
/// GETQUOTAROOT mailbox                         (RFC 9208 §4.3)
struct getquotaroot {
    mailbox mbox;
    friend constexpr bool operator==(const getquotaroot&, const getquotaroot&) = default;
};
/// SETQUOTA quota-root-name SP setquota-list    (RFC 9208 §4.4)
struct setquota {
    string_value root;
    std::span<const quota_resource> resources; ///< may be empty: "()"
    friend constexpr bool operator==(const setquota& a, const setquota& b) noexcept {
        return a.root == b.root && detail::span_equal(a.resources, b.resources);
    }
};

/// SETACL mailbox SP identifier SP mod-rights   (RFC 4314 §3.1)
struct setacl {
    mailbox mbox;
    string_value identifier; ///< astring
    string_value rights;     ///< mod-rights = astring: "+rights", "-rights" or "rights"
    friend constexpr bool operator==(const setacl&, const setacl&) = default;
};
/// DELETEACL mailbox SP identifier              (RFC 4314 §3.2)
struct deleteacl {
    mailbox mbox;
    string_value identifier;
    friend constexpr bool operator==(const deleteacl&, const deleteacl&) = default;
};
/// GETACL mailbox                               (RFC 4314 §3.3)
struct getacl {
    mailbox mbox;
    friend constexpr bool operator==(const getacl&, const getacl&) = default;
};
/// LISTRIGHTS mailbox SP identifier             (RFC 4314 §3.4)
struct listrights {
    mailbox mbox;
    string_value identifier;
    friend constexpr bool operator==(const listrights&, const listrights&) = default;
};
/// MYRIGHTS mailbox                             (RFC 4314 §3.5)
struct myrights {
    mailbox mbox;
    friend constexpr bool operator==(const myrights&, const myrights&) = default;
};

/// GETMETADATA [SP getmetadata-options] SP mailbox SP entries   (RFC 5464 §4.2)
struct getmetadata {
    std::span<const metadata_option> options; ///< empty: none
    /// RFC 5464's ABNF puts the options before the mailbox, its examples (§4.2.1, §4.2.2)
    /// after it; both are accepted, and written back where they were.
    bool options_after_mailbox = false;
    mailbox mbox;
    bool entries_parenthesized = false;       ///< "(" entry *(SP entry) ")"
    std::span<const string_value> entries;    ///< astrings
    friend constexpr bool operator==(const getmetadata& a, const getmetadata& b) noexcept {
        return detail::span_equal(a.options, b.options) && a.options_after_mailbox == b.options_after_mailbox &&
               a.mbox == b.mbox && a.entries_parenthesized == b.entries_parenthesized &&
               detail::span_equal(a.entries, b.entries);
    }
};
/// SETMETADATA mailbox SP entry-values          (RFC 5464 §4.3)
struct setmetadata {
    mailbox mbox;
    std::span<const metadata_entry_value> values; ///< one or more
    friend constexpr bool operator==(const setmetadata& a, const setmetadata& b) noexcept {
        return a.mbox == b.mbox && detail::span_equal(a.values, b.values);
    }
};

/// COMPRESS algorithm                           (RFC 4978 §3)
struct compress {
    atom algorithm; ///< DEFLATE, or another atom
    friend constexpr bool operator==(const compress& a, const compress& b) noexcept {
        return chars::iequals(a.algorithm.text, b.algorithm.text);
    }
};

/// UNAUTHENTICATE                               (RFC 8437 §3)
struct unauthenticate { friend constexpr bool operator==(const unauthenticate&, const unauthenticate&) = default; };

/// [UID] REPLACE seq-number SP mailbox append-message   (RFC 8508 §3)
struct replace {
    bool uid = false;
    seq_number number;
    mailbox mbox;
    append_message message;
    friend constexpr bool operator==(const replace&, const replace&) = default;
};

/// Any other command, never dropped: its name (an atom, case kept) and its arguments as
/// generic tokens. `uid` when it followed "UID" (e.g. "UID XFOO").
struct generic {
    bool uid = false;
    atom name;
    std::span<const token> args; ///< the first has space_before (SP after the name)
    friend constexpr bool operator==(const generic& a, const generic& b) noexcept {
        return a.uid == b.uid && chars::iequals(a.name.text, b.name.text) && detail::span_equal(a.args, b.args);
    }
};

} // namespace cmd

/// The body of a command: one struct per command.
using command_body =
    std::variant<cmd::capability, cmd::noop, cmd::logout, cmd::starttls, cmd::authenticate, cmd::login, cmd::enable,
                 cmd::select, cmd::examine, cmd::create, cmd::delete_, cmd::rename, cmd::subscribe, cmd::unsubscribe,
                 cmd::list, cmd::lsub, cmd::namespace_, cmd::status, cmd::append, cmd::idle, cmd::check, cmd::close,
                 cmd::unselect, cmd::expunge, cmd::uid_expunge, cmd::search, cmd::fetch, cmd::store, cmd::copy,
                 cmd::move, cmd::sort, cmd::thread, cmd::id, cmd::getquota, cmd::getquotaroot, cmd::setquota,
                 cmd::setacl, cmd::deleteacl, cmd::getacl, cmd::listrights, cmd::myrights, cmd::getmetadata,
                 cmd::setmetadata, cmd::compress, cmd::unauthenticate, cmd::replace, cmd::generic>;

/// command = tag SP (command-any / command-auth / command-nonauth / command-select) CRLF
///                                                                   (RFC 9051 §9)
struct command {
    imap::tag tag;
    command_body body;
    friend constexpr bool operator==(const command&, const command&) = default;
};

} // namespace mailwire::imap
