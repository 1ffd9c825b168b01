// IMAP responses, server -> client (RFC 9051 §7 and §9; RFC 3501 §7 and §9; extensions as
// noted per rule): greeting, tagged and untagged status, continuation requests, every
// untagged data response, FETCH. Any untagged response this library does not type is kept
// generically (name + tokenized values), never a parse failure.
//
// Entry point:
//     imap::response_storage st;                       // reuse it: cleared, never freed
//     auto r = imap::parse_response(message, st, opts); // one framed message (imap::framer)
//     if (!r) ... r.error().code / .offset / .expected
//     std::visit(..., r->data) or imap::response_kind_name(*r)
//     fmt::format("{}", *r)   -> canonical wire bytes (canonical input comes back byte for byte)
//     fmt::format("{:v}", *r) -> readable dump;  to_wire(*r) -> checked bytes
//
// `message` is one complete message as the framer delivers it: the first line, literals
// inline ("{n}\r\n" + n octets), the final CRLF included.
//
// Lifetime: a parsed response views `message` (strings, literals, lists as text) and
// `storage` (FETCH items, BODYSTRUCTURE trees, STATUS and ESEARCH items); both must outlive it. Parsing
// the next message into the same storage invalidates the previous response. Steady state
// allocates nothing: the storage vectors keep their capacity.
//
// Strict mode is the RFC grammar (RFC 9051, which also accepts the RFC 3501 forms kept as
// obsolete); lenient mode adds the real-server quirks listed at each helper and in
// docs/QUIRKS.md. Every quirk rejected in strict mode is errc::strict_violation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <variant>
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
#include <mailwire/imap/framer.hpp>
#include <mailwire/imap/response/extension_data.hpp>
#include <mailwire/imap/response/fetch.hpp>
#include <mailwire/imap/response/resp_text_code.hpp>
#include <mailwire/imap/response/value.hpp>
#include <mailwire/imap/rules/flag.hpp>
#include <mailwire/imap/rules/mailbox.hpp>
#include <mailwire/imap/rules/sequence_set.hpp>
#include <mailwire/imap/rules/string.hpp>

namespace mailwire::imap {

// ---- lists from caller-reusable storage --------------------------------------------------

/// A list of T: elements [first, first+size) of a vector in response_storage (read through
/// the vector, so it stays valid while the vector grows during the parse), or a span given
/// by the caller when building a response to write.
template <class T>
class list_view {
public:
    constexpr list_view() noexcept = default;
    constexpr list_view(std::span<const T> s) noexcept : ptr_(s.data()), size_(s.size()) {}
    list_view(const std::vector<T>& v, std::size_t first, std::size_t n) noexcept : vec_(&v), first_(first), size_(n) {}
    const T* begin() const noexcept { return vec_ ? vec_->data() + first_ : ptr_; }
    const T* end() const noexcept { return begin() + size_; }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    const T& operator[](std::size_t i) const noexcept { return begin()[i]; }
    friend bool operator==(const list_view& a, const list_view& b) noexcept {
        if (a.size_ != b.size_) return false;
        for (std::size_t i = 0; i < a.size_; ++i)
            if (!(a[i] == b[i])) return false;
        return true;
    }

private:
    const std::vector<T>* vec_ = nullptr;
    const T* ptr_ = nullptr;
    std::size_t first_ = 0;
    std::size_t size_ = 0;
};

/// *(SP nz-number) as in SEARCH and SORT, kept as text and read when iterated.
class number_list {
public:
    class iterator {
    public:
        using value_type = std::uint32_t;
        using difference_type = std::ptrdiff_t;
        using reference = std::uint32_t;
        using pointer = void;
        using iterator_category = std::forward_iterator_tag;
        constexpr iterator() noexcept = default;
        constexpr explicit iterator(std::string_view rest) noexcept : rest_(rest) { read(); }
        constexpr std::uint32_t operator*() const noexcept { return cur_; }
        constexpr iterator& operator++() noexcept { rest_ = rest_.substr(len_); read(); return *this; }
        constexpr iterator operator++(int) noexcept { iterator t = *this; ++*this; return t; }
        friend constexpr bool operator==(const iterator& a, const iterator& b) noexcept { return a.rest_.size() == b.rest_.size(); }

    private:
        constexpr void read() noexcept {
            while (!rest_.empty() && rest_.front() == ' ') rest_.remove_prefix(1);
            len_ = 0;
            cur_ = 0;
            while (len_ < rest_.size() && chars::digit(rest_[len_])) {
                cur_ = cur_ * 10 + static_cast<std::uint32_t>(rest_[len_] - '0');
                ++len_;
            }
            if (len_ == 0) rest_ = {};
        }
        std::string_view rest_;
        std::uint32_t cur_ = 0;
        std::size_t len_ = 0;
    };
    constexpr number_list() noexcept = default;
    /// `text` must be nz-numbers separated by SP (as parsed, or as a server writes them).
    constexpr explicit number_list(std::string_view text) noexcept : text_(text) {}
    constexpr std::string_view text() const noexcept { return text_; }
    constexpr bool empty() const noexcept { return begin() == end(); }
    constexpr iterator begin() const noexcept { return iterator(text_); }
    constexpr iterator end() const noexcept { return {}; }
    constexpr std::size_t size() const noexcept {
        return mailwire::detail::count_elements(*this);
    }
    friend constexpr bool operator==(const number_list& a, const number_list& b) noexcept {
        return mailwire::detail::elementwise_equal(a, b);
    }

private:
    std::string_view text_;
};

// ---- the responses -----------------------------------------------------------------------

/// The condition of a status response.
enum class status_kind : std::uint8_t {
    ok, no, bad, preauth, bye,
    none, ///< lenient only: "* [CODE] text" with no condition (Office365)
};

MAILWIRE_LAZY constexpr std::string_view keyword(status_kind k) noexcept {
    switch (k) {
    case status_kind::ok: return "OK";
    case status_kind::no: return "NO";
    case status_kind::bad: return "BAD";
    case status_kind::preauth: return "PREAUTH";
    case status_kind::bye: return "BYE";
    case status_kind::none: return "";
    }
    return "";
}

/// response-tagged = tag SP resp-cond-state CRLF
/// resp-cond-state / resp-cond-bye / resp-cond-auth (untagged; a greeting is an untagged
/// OK, PREAUTH or BYE: see is_greeting())                            (RFC 9051 §7.1, §9)
struct status_response {
    bool tagged = false;
    imap::tag tag{}; ///< tagged only
    status_kind status = status_kind::ok;
    resp_text text{};
    friend constexpr bool operator==(const status_response& a, const status_response& b) noexcept {
        return a.tagged == b.tagged && (!a.tagged || a.tag == b.tag) && a.status == b.status && a.text == b.text;
    }
};

/// continue-req = "+" SP (resp-text / base64) CRLF                 (RFC 9051 §7.5, §9)
/// Both alternatives are kept as resp-text; is_base64() tells whether the text is base64.
struct continue_req {
    resp_text text{};
    /// base64 = *(4base64-char) [base64-terminal]   (RFC 9051 §9): an AUTHENTICATE challenge.
    constexpr bool is_base64() const noexcept {
        if (text.has_code) return false;
        const auto t = text.text;
        if (t.size() % 4 != 0) return false;
        std::size_t pad = 0;
        for (std::size_t i = 0; i < t.size(); ++i) {
            if (t[i] == '=') { ++pad; continue; }
            if (pad || !chars::base64_char(t[i])) return false;
        }
        return pad <= 2;
    }
    friend constexpr bool operator==(const continue_req&, const continue_req&) = default;
};

/// capability-data = "CAPABILITY" *(SP capability) SP "IMAP4rev2" *(SP capability)
///                                            (RFC 9051 §7.2.2; RFC 3501: IMAP4rev1)
struct capability_data {
    capability_list caps;
    friend constexpr bool operator==(const capability_data&, const capability_data&) = default;
};

/// enable-data = "ENABLED" *(SP capability)                      (RFC 5161 §4, RFC 9051 §9)
struct enabled_data {
    capability_list caps;
    friend constexpr bool operator==(const enabled_data&, const enabled_data&) = default;
};

/// "FLAGS" SP flag-list                                          (RFC 9051 §7.3.5)
struct flags_data {
    flag_list flags;
    friend constexpr bool operator==(const flags_data&, const flags_data&) = default;
};

/// "LIST" SP mailbox-list / "LSUB" SP mailbox-list               (RFC 9051 §7.3.1; RFC 3501 §7.2.3)
/// mailbox-list = "(" [mbx-list-flags] ")" SP (DQUOTE QUOTED-CHAR DQUOTE / nil) SP mailbox
///                [SP mbox-list-extended]                         (RFC 9051 §9, RFC 5258 §6)
struct list_data {
    bool lsub = false;
    mailbox_attr_list attributes;
    /// The hierarchy delimiter, or NIL (`delimiter_nil`).
    bool delimiter_nil = false;
    quoted delimiter{};
    imap::mailbox mailbox{};
    /// mbox-list-extended: "(" tag SP value ... ")" (CHILDINFO RFC 5258, OLDNAME RFC 9051).
    bool has_extended = false;
    value extended{};

    /// The value of an extended item by tag (case-insensitive), NIL when absent.
    constexpr value extended_item(std::string_view item_tag) const noexcept {
        if (!has_extended) return {};
        bool is_tag = true, match = false;
        for (auto v : extended.items) {
            if (is_tag) match = v.kind != value_kind::list && v.str.iequals(item_tag);
            else if (match) return v;
            is_tag = !is_tag;
        }
        return {};
    }
    /// CHILDINFO ("SUBSCRIBED" ...) (RFC 5258 §4).
    constexpr value childinfo() const noexcept { return extended_item("CHILDINFO"); }
    /// OLDNAME (mailbox) (RFC 9051 §6.3.9.7, RFC 5465).
    constexpr value oldname() const noexcept { return extended_item("OLDNAME"); }

    friend constexpr bool operator==(const list_data& a, const list_data& b) noexcept {
        return a.lsub == b.lsub && a.attributes == b.attributes && a.delimiter_nil == b.delimiter_nil &&
               (a.delimiter_nil || a.delimiter == b.delimiter) && a.mailbox == b.mailbox && a.has_extended == b.has_extended &&
               (!a.has_extended || a.extended == b.extended);
    }
};

/// The STATUS items this library types.
enum class status_item_kind : std::uint8_t {
    messages, uidnext, uidvalidity, unseen, deleted, size, recent, highestmodseq, appendlimit, mailboxid,
    deleted_storage, other,
};

namespace detail {
/// Out of the constexpr function below: a local array there is rebuilt at every call.
inline constexpr std::string_view status_item_names[] = {"MESSAGES", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "DELETED", "SIZE",
                                                        "RECENT", "HIGHESTMODSEQ", "APPENDLIMIT", "MAILBOXID", "DELETED-STORAGE"};
} // namespace detail
MAILWIRE_LAZY constexpr std::string_view keyword(status_item_kind k) noexcept {
    const auto i = static_cast<std::size_t>(k);
    return i < sizeof(detail::status_item_names) / sizeof(detail::status_item_names[0]) ? detail::status_item_names[i] : std::string_view{};
}

/// status-att-val (RFC 9051 §9; RECENT RFC 3501; HIGHESTMODSEQ RFC 7162 §7; APPENDLIMIT
/// RFC 7889 §5; MAILBOXID RFC 8474 §7; DELETED-STORAGE RFC 9208 §7); other: name SP value.
struct status_item {
    status_item_kind kind = status_item_kind::messages;
    std::string_view name; ///< other: the item's name
    std::uint64_t number = 0;
    bool nil = false;             ///< appendlimit: NIL
    std::string_view objectid;    ///< mailboxid
    value data{};                 ///< other
    friend constexpr bool operator==(const status_item& a, const status_item& b) noexcept {
        if (a.kind != b.kind) return false;
        if (a.kind == status_item_kind::other) return chars::iequals(a.name, b.name) && a.data == b.data;
        if (a.kind == status_item_kind::mailboxid) return a.objectid == b.objectid;
        return a.nil == b.nil && a.number == b.number;
    }
};

/// "STATUS" SP mailbox SP "(" [status-att-list] ")"              (RFC 9051 §7.3.4)
struct status_data {
    imap::mailbox mailbox{};
    list_view<status_item> items;
    friend bool operator==(const status_data&, const status_data&) = default;
};

/// "SEARCH" *(SP nz-number) [SP "(" "MODSEQ" SP mod-sequence-value ")"]
///                                     (RFC 3501 §7.2.5, RFC 9051 obsolete; RFC 7162 §3.1.5)
/// "SORT" *(SP nz-number) [...]                                  (RFC 5256 §4, RFC 7162)
struct search_data {
    bool sort = false;
    number_list numbers;
    bool has_modseq = false;
    std::uint64_t modseq = 0;
    friend constexpr bool operator==(const search_data&, const search_data&) = default;
};

/// search-return-data item kinds (RFC 4731 §3.1, RFC 9051 §9; MODSEQ RFC 7162 §3.1.5;
/// PARTIAL RFC 9394 §3).
enum class esearch_item_kind : std::uint8_t { min, max, all, count, modseq, partial, other };

namespace detail {
/// Out of the constexpr function below: a local array there is rebuilt at every call.
inline constexpr std::string_view esearch_item_names[] = {"MIN", "MAX", "ALL", "COUNT", "MODSEQ", "PARTIAL"};
} // namespace detail
MAILWIRE_LAZY constexpr std::string_view keyword(esearch_item_kind k) noexcept {
    const auto i = static_cast<std::size_t>(k);
    return i < sizeof(detail::esearch_item_names) / sizeof(detail::esearch_item_names[0]) ? detail::esearch_item_names[i] : std::string_view{};
}

struct esearch_item {
    esearch_item_kind kind = esearch_item_kind::min;
    std::string_view name; ///< other: search-modifier-name
    std::uint64_t number = 0; ///< min, max, count, modseq
    sequence_set set;         ///< all
    value data{};             ///< partial ("(" range SP (sequence-set / NIL) ")"), other
    friend constexpr bool operator==(const esearch_item& a, const esearch_item& b) noexcept {
        if (a.kind != b.kind) return false;
        switch (a.kind) {
        case esearch_item_kind::all: return a.set == b.set;
        case esearch_item_kind::partial: return a.data == b.data;
        case esearch_item_kind::other: return chars::iequals(a.name, b.name) && a.data == b.data;
        default: return a.number == b.number;
        }
    }
};

/// esearch-response = "ESEARCH" [search-correlator] [SP "UID"] *(SP search-return-data)
/// search-correlator = SP "(" "TAG" SP tag-string ")"             (RFC 9051 §9, RFC 4731 §4)
/// search-correlator = SP "(" one-correlator *(SP one-correlator) ")"
/// one-correlator = ("TAG" SP tag-string) / ("MAILBOX" SP astring) /
///                  ("UIDVALIDITY" SP nz-number)                   (RFC 7377 §6)
struct esearch_data {
    bool has_tag = false;
    string_value tag = string_value::nil(); ///< tag-string = string
    bool has_mailbox = false;               ///< RFC 7377 MULTISEARCH
    string_value mailbox = string_value::nil();
    std::uint32_t uidvalidity = 0;          ///< RFC 7377; 0 when absent
    bool uid = false;
    list_view<esearch_item> items;
    friend bool operator==(const esearch_data& a, const esearch_data& b) noexcept {
        return a.has_tag == b.has_tag && (!a.has_tag || a.tag == b.tag) && a.has_mailbox == b.has_mailbox &&
               (!a.has_mailbox || a.mailbox == b.mailbox) && a.uidvalidity == b.uidvalidity && a.uid == b.uid &&
               a.items == b.items;
    }
};

/// thread-data = "THREAD" [SP 1*thread-list]                      (RFC 5256 §5)
/// The thread lists, validated as nested lists of numbers (depth within max_depth).
struct thread_data {
    value_list threads;
    friend constexpr bool operator==(const thread_data&, const thread_data&) = default;
};

/// number SP "EXISTS" / number SP "RECENT" / nz-number SP "EXPUNGE"   (RFC 9051 §7.3.1, §7.5.1)
enum class message_count_kind : std::uint8_t { exists, recent, expunge };
struct message_count {
    message_count_kind kind = message_count_kind::exists;
    std::uint32_t number = 0;
    friend constexpr bool operator==(const message_count&, const message_count&) = default;
};

/// "VANISHED" [SP "(EARLIER)"] SP known-uids                      (RFC 7162 §3.2.10, §7)
struct vanished_data {
    bool earlier = false;
    sequence_set uids;
    friend constexpr bool operator==(const vanished_data&, const vanished_data&) = default;
};

/// namespace-response = "NAMESPACE" SP namespace SP namespace SP namespace
/// namespace = nil / "(" 1*namespace-descr ")"          (RFC 9051 §7.3.3, RFC 2342 §5)
/// Each is NIL or a list of ("prefix" "delim" [extensions]) descriptors.
struct namespace_data {
    value personal{}, other_users{}, shared{};
    /// Typed views (response/extension_data.hpp): NIL, or the namespace-descrs.
    constexpr namespace_view personal_namespaces() const noexcept { return namespace_view(personal); }
    constexpr namespace_view other_users_namespaces() const noexcept { return namespace_view(other_users); }
    constexpr namespace_view shared_namespaces() const noexcept { return namespace_view(shared); }
    friend constexpr bool operator==(const namespace_data&, const namespace_data&) = default;
};

/// id-response = "ID" SP id-params-list
/// id-params-list = "(" *(string SP nstring) ")" / nil                (RFC 2971 §4)
struct id_data {
    value params{};
    /// The field/value pairs; find() is case-insensitive (RFC 2971 §3.3).
    constexpr id_params fields() const noexcept { return id_params(params); }
    friend constexpr bool operator==(const id_data&, const id_data&) = default;
};

/// Responses that are a mailbox (or quota root) followed by extension data:
///   "QUOTA" SP quota-root-name SP quota-list                         (RFC 9208 §5)
///   "QUOTAROOT" SP mailbox *(SP quota-root-name)                     (RFC 9208 §5)
///   "ACL" SP mailbox *(SP identifier SP rights)                      (RFC 4314 §3.6)
///   "LISTRIGHTS" SP mailbox SP identifier SP rights *(SP rights)     (RFC 4314 §3.7)
///   "MYRIGHTS" SP mailbox SP rights                                  (RFC 4314 §3.8)
///   "METADATA" SP mailbox SP (entry-values / entry-list)             (RFC 5464 §4.4)
enum class mailbox_ext_kind : std::uint8_t { quota, quotaroot, acl, listrights, myrights, metadata };

namespace detail {
/// Out of the constexpr function below: a local array there is rebuilt at every call.
inline constexpr std::string_view mailbox_ext_names[] = {"QUOTA", "QUOTAROOT", "ACL", "LISTRIGHTS", "MYRIGHTS", "METADATA"};
} // namespace detail
MAILWIRE_LAZY constexpr std::string_view keyword(mailbox_ext_kind k) noexcept {
    const auto i = static_cast<std::size_t>(k);
    return i < sizeof(detail::mailbox_ext_names) / sizeof(detail::mailbox_ext_names[0]) ? detail::mailbox_ext_names[i] : std::string_view{};
}

struct mailbox_ext_data {
    mailbox_ext_kind kind = mailbox_ext_kind::quota;
    imap::mailbox mailbox{}; ///< quota: the quota root name
    value_list args;         ///< the rest, as values (validated per kind: response/extension_data.hpp)

    // Typed views of `args` (response/extension_data.hpp); empty for another kind.
    /// QUOTA: the resources of the quota-list (`mailbox` is the quota root).
    constexpr quota_resources quota() const noexcept {
        return kind == mailbox_ext_kind::quota ? quota_resources::from_args(args) : quota_resources{};
    }
    /// QUOTAROOT: the quota-root-names.
    constexpr string_list quota_roots() const noexcept {
        return kind == mailbox_ext_kind::quotaroot ? string_list(args.text()) : string_list{};
    }
    /// ACL: the identifier/rights pairs.
    constexpr acl_entries acl() const noexcept {
        return kind == mailbox_ext_kind::acl ? acl_entries::from_args(args) : acl_entries{};
    }
    /// LISTRIGHTS: identifier, required rights, optional rights.
    constexpr listrights_view listrights() const noexcept {
        return kind == mailbox_ext_kind::listrights ? listrights_view::from_args(args) : listrights_view{};
    }
    /// MYRIGHTS: the rights.
    constexpr acl_rights myrights() const noexcept {
        return kind == mailbox_ext_kind::myrights ? myrights_of(args) : acl_rights{};
    }
    /// METADATA: entry-values or entry-list.
    constexpr metadata_view metadata() const noexcept {
        return kind == mailbox_ext_kind::metadata ? metadata_view::from_args(args) : metadata_view{};
    }
    friend constexpr bool operator==(const mailbox_ext_data&, const mailbox_ext_data&) = default;
};

/// message-data = nz-number SP "FETCH" SP msg-att                    (RFC 9051 §7.5.2)
struct fetch_data {
    std::uint32_t number = 0;
    list_view<msg_att> items;
    /// The first item of `kind`, or nullptr.
    const msg_att* find(fetch_item_kind kind) const noexcept {
        for (const auto& a : items)
            if (a.kind == kind) return &a;
        return nullptr;
    }
    friend bool operator==(const fetch_data&, const fetch_data&) = default;
};

/// Any other untagged response: "*" SP [number SP] name [SP values].
struct generic_data {
    bool has_number = false;
    std::uint32_t number = 0;
    std::string_view name;
    value_list args;
    friend constexpr bool operator==(const generic_data& a, const generic_data& b) noexcept {
        return a.has_number == b.has_number && a.number == b.number && chars::iequals(a.name, b.name) && a.args == b.args;
    }
};

/// Lenient only: a message that is only a line end (blank lines between responses).
struct blank_line {
    friend constexpr bool operator==(const blank_line&, const blank_line&) = default;
};

/// One server message.
struct response {
    std::variant<status_response, continue_req, capability_data, enabled_data, flags_data, list_data, status_data,
                 search_data, esearch_data, thread_data, message_count, vanished_data, namespace_data, id_data,
                 mailbox_ext_data, fetch_data, generic_data, blank_line>
        data;

    template <class T>
    const T* get() const noexcept { return std::get_if<T>(&data); }
    friend bool operator==(const response&, const response&) = default;
};

/// True for the forms a greeting may take: "* OK", "* PREAUTH", "* BYE".
/// greeting = "*" SP (resp-cond-auth / resp-cond-bye) CRLF        (RFC 9051 §7.1, §9)
MAILWIRE_LAZY inline bool is_greeting(const response& r) noexcept {
    const auto* s = r.get<status_response>();
    return s && !s->tagged &&
           (s->status == status_kind::ok || s->status == status_kind::preauth || s->status == status_kind::bye);
}

/// A stable name for dumps and JSON: "tagged_ok", "tagged_no", "tagged_bad", "ok", "no",
/// "bad", "preauth", "bye", "status_code_only", "continue", "capability", "enabled",
/// "flags", "list", "lsub", "status", "search", "sort", "esearch", "thread", "exists",
/// "recent", "expunge", "vanished", "namespace", "id", "quota", "quotaroot", "acl",
/// "listrights", "myrights", "metadata", "fetch", "generic", "blank_line".
MAILWIRE_LAZY inline std::string_view response_kind_name(const response& r) noexcept {
    struct visitor {
        std::string_view operator()(const status_response& s) const noexcept {
            switch (s.status) {
            case status_kind::ok: return s.tagged ? "tagged_ok" : "ok";
            case status_kind::no: return s.tagged ? "tagged_no" : "no";
            case status_kind::bad: return s.tagged ? "tagged_bad" : "bad";
            case status_kind::preauth: return "preauth";
            case status_kind::bye: return "bye";
            case status_kind::none: return "status_code_only";
            }
            return "status";
        }
        std::string_view operator()(const continue_req&) const noexcept { return "continue"; }
        std::string_view operator()(const capability_data&) const noexcept { return "capability"; }
        std::string_view operator()(const enabled_data&) const noexcept { return "enabled"; }
        std::string_view operator()(const flags_data&) const noexcept { return "flags"; }
        std::string_view operator()(const list_data& l) const noexcept { return l.lsub ? "lsub" : "list"; }
        std::string_view operator()(const status_data&) const noexcept { return "status"; }
        std::string_view operator()(const search_data& s) const noexcept { return s.sort ? "sort" : "search"; }
        std::string_view operator()(const esearch_data&) const noexcept { return "esearch"; }
        std::string_view operator()(const thread_data&) const noexcept { return "thread"; }
        std::string_view operator()(const message_count& m) const noexcept {
            switch (m.kind) {
            case message_count_kind::exists: return "exists";
            case message_count_kind::recent: return "recent";
            case message_count_kind::expunge: return "expunge";
            }
            return "message_count";
        }
        std::string_view operator()(const vanished_data&) const noexcept { return "vanished"; }
        std::string_view operator()(const namespace_data&) const noexcept { return "namespace"; }
        std::string_view operator()(const id_data&) const noexcept { return "id"; }
        std::string_view operator()(const mailbox_ext_data& m) const noexcept {
            switch (m.kind) {
            case mailbox_ext_kind::quota: return "quota";
            case mailbox_ext_kind::quotaroot: return "quotaroot";
            case mailbox_ext_kind::acl: return "acl";
            case mailbox_ext_kind::listrights: return "listrights";
            case mailbox_ext_kind::myrights: return "myrights";
            case mailbox_ext_kind::metadata: return "metadata";
            }
            return "mailbox_ext";
        }
        std::string_view operator()(const fetch_data&) const noexcept { return "fetch"; }
        std::string_view operator()(const generic_data&) const noexcept { return "generic"; }
        std::string_view operator()(const blank_line&) const noexcept { return "blank_line"; }
    };
    return std::visit(visitor{}, r.data);
}

/// Caller-reusable storage for the lists of one response. clear() keeps the capacity, so a
/// long-running client parses with no heap allocation once the vectors have grown.
struct response_storage {
    std::vector<msg_att> fetch_items;
    std::vector<status_item> status_items;
    std::vector<esearch_item> esearch_items;
    body_storage bodies; ///< BODY / BODYSTRUCTURE trees (rules/body_structure.hpp)
    void clear() noexcept {
        fetch_items.clear();
        status_items.clear();
        esearch_items.clear();
        bodies.clear();
    }
    /// Bytes reserved, to check that steady-state parsing stops growing.
    std::size_t capacity_bytes() const noexcept {
        return fetch_items.capacity() * sizeof(msg_att) + status_items.capacity() * sizeof(status_item) +
               esearch_items.capacity() * sizeof(esearch_item) + bodies.capacity_bytes();
    }
};

// ---- the rules ---------------------------------------------------------------------------

namespace detail::resp {

/// capability *(SP capability) up to the line end.
MAILWIRE_LAZY constexpr result<capability_list> capabilities(scanner& s, const parse_options& opts, bool at_least_one) noexcept {
    if (at_eol(s)) {
        if (at_least_one) return s.error(errc::invalid_syntax, "SP capability");
        return capability_list{};
    }
    if (auto r = more_items(s, opts, 0); !r) return r.error();
    else if (!*r) return capability_list{};
    const std::size_t start = s.pos();
    std::size_t count = 0;
    std::size_t end = start;
    for (;;) {
        if (++count > opts.max_list) return s.error(errc::limit_exceeded, "capabilities within max_list");
        if (auto a = rules::atom(s); !a) return a.error();
        end = s.pos();
        auto more = more_items(s, opts, 0);
        if (!more) return more.error();
        if (!*more) break;
    }
    return capability_list(s.input().substr(start, end - start));
}

} // namespace detail::resp

namespace rules {

/// mailbox-list = "(" [mbx-list-flags] ")" SP (DQUOTE QUOTED-CHAR DQUOTE / nil) SP mailbox
///                [SP mbox-list-extended]                     (RFC 9051 §9, RFC 5258 §6)
/// mbox-list-extended = "(" [mbox-list-extended-item *(SP mbox-list-extended-item)] ")"
MAILWIRE_LAZY inline result<list_data> mailbox_list(scanner& s, const parse_options& opts, session_syntax syn) noexcept {
    namespace d = imap::detail::resp;
    list_data l;
    auto attrs = mbx_list_attributes(s, opts);
    if (!attrs) return attrs.error();
    l.attributes = *attrs;
    if (auto r = d::sp(s, opts); !r) return r.error();
    if (s.peek_is('"')) {
        const std::size_t at = s.pos();
        auto q = quoted(s, opts, syn);
        if (!q) return q.error();
        if (q->decoded_size() != 1) return s.error_at(at, errc::invalid_syntax, "DQUOTE QUOTED-CHAR DQUOTE (one delimiter)");
        l.delimiter = *q;
    } else {
        if (auto n = nil(s); !n) return s.error(errc::invalid_syntax, "delimiter (quoted char or NIL)");
        l.delimiter_nil = true;
    }
    if (auto r = d::sp(s, opts); !r) return r.error();
    auto m = mailbox(s, opts, syn);
    if (!m) return m.error();
    l.mailbox = *m;
    auto more = imap::detail::more_items(s, opts, 0);
    if (!more) return more.error();
    if (*more) {
        if (!s.peek_is('(')) return s.error(errc::invalid_syntax, "mbox-list-extended");
        auto v = generic_value(s, opts, 0);
        if (!v) return v.error();
        l.has_extended = true;
        l.extended = *v;
    }
    return l;
}

/// status-att-val (one item): name SP value                        (RFC 9051 §9)
MAILWIRE_LAZY constexpr result<status_item> status_att_val(scanner& s, const parse_options& opts) noexcept {
    status_item it;
    const auto name = s.take_while(chars::atom_char);
    if (name.empty()) return s.error(errc::invalid_syntax, "status-att");
    constexpr std::size_t known = static_cast<std::size_t>(status_item_kind::other);
    static_assert(sizeof(detail::status_item_names) / sizeof(detail::status_item_names[0]) == known);
    it.kind = static_cast<status_item_kind>(chars::find_keyword(detail::status_item_names, known, name));
    if (auto r = imap::detail::resp::sp(s, opts); !r) return r.error();
    switch (it.kind) {
    case status_item_kind::uidnext: case status_item_kind::uidvalidity: {
        auto n = nz_number(s);
        if (!n) return n.error();
        it.number = *n;
        return it;
    }
    case status_item_kind::messages: case status_item_kind::unseen: case status_item_kind::deleted:
    case status_item_kind::recent: {
        auto n = number(s);
        if (!n) return n.error();
        it.number = *n;
        return it;
    }
    case status_item_kind::appendlimit:
        if (nil(s)) { it.nil = true; return it; }
        [[fallthrough]];
    case status_item_kind::size: case status_item_kind::highestmodseq: case status_item_kind::deleted_storage: {
        auto n = number64(s);
        if (!n) return n.error();
        it.number = *n;
        return it;
    }
    case status_item_kind::mailboxid: {
        if (!s.consume('(')) return s.error(errc::invalid_syntax, "\"(\" objectid");
        auto o = imap::detail::resp::objectid(s);
        if (!o) return o.error();
        it.objectid = *o;
        if (!s.consume(')')) return s.error(errc::invalid_syntax, "\")\"");
        return it;
    }
    case status_item_kind::other: {
        it.name = name;
        auto v = generic_value(s, opts, 1);
        if (!v) return v.error();
        it.data = *v;
        return it;
    }
    }
    return it;
}

/// search-return-data = "MIN" SP nz-number / "MAX" SP nz-number / "ALL" SP sequence-set /
///                      "COUNT" SP number / search-ret-data-ext   (RFC 9051 §9, RFC 4731 §4)
/// plus "MODSEQ" SP mod-sequence-value (RFC 7162 §7) and "PARTIAL" SP "(" partial-range SP
/// partial-results ")" (RFC 9394 §3), and search-ret-data-ext = name SP tagged-ext-val.
MAILWIRE_LAZY constexpr result<esearch_item> search_return_data(scanner& s, const parse_options& opts) noexcept {
    esearch_item it;
    const auto name = s.take_while(chars::atom_char);
    if (name.empty()) return s.error(errc::invalid_syntax, "search-return-data");
    constexpr std::size_t known = static_cast<std::size_t>(esearch_item_kind::other);
    static_assert(sizeof(detail::esearch_item_names) / sizeof(detail::esearch_item_names[0]) == known);
    it.kind = static_cast<esearch_item_kind>(chars::find_keyword(detail::esearch_item_names, known, name));
    if (auto r = imap::detail::resp::sp(s, opts); !r) return r.error();
    switch (it.kind) {
    case esearch_item_kind::min: case esearch_item_kind::max: {
        auto n = nz_number(s);
        if (!n) return n.error();
        it.number = *n;
        return it;
    }
    case esearch_item_kind::count: {
        auto n = number(s);
        if (!n) return n.error();
        it.number = *n;
        return it;
    }
    case esearch_item_kind::modseq: {
        auto n = number64(s);
        if (!n) return n.error();
        it.number = *n;
        return it;
    }
    case esearch_item_kind::all: {
        const std::size_t at = s.pos();
        auto q = sequence_set(s, opts);
        if (!q) return q.error();
        if (q->has_last_result()) return s.error_at(at, errc::invalid_syntax, "sequence-set (no \"$\" after ALL)");
        it.set = *q;
        return it;
    }
    case esearch_item_kind::partial:
        if (!s.peek_is('(')) return s.error(errc::invalid_syntax, "\"(\" partial-range");
        [[fallthrough]];
    case esearch_item_kind::other: {
        if (it.kind == esearch_item_kind::other) it.name = name;
        auto v = generic_value(s, opts, 0);
        if (!v) return v.error();
        it.data = *v;
        return it;
    }
    }
    return it;
}

} // namespace rules

namespace detail::resp {

struct parse_ctx {
    const parse_options& opts;
    session_syntax syn;
    response_storage& st;
};

/// resp-cond-* after the keyword: SP resp-text (lenient: nothing at all, "* BYE\r\n").
MAILWIRE_LAZY constexpr result<resp_text> cond_text(scanner& s, const parse_options& opts) noexcept {
    if (!s.consume(' ')) {
        if (!at_eol(s)) return s.error(errc::invalid_syntax, "SP");
        if (opts.strict()) return s.error(errc::strict_violation, "SP resp-text (a bare status is a server quirk)");
        return resp_text{};
    }
    return rules::resp_text(s, opts);
}

MAILWIRE_LAZY constexpr bool status_keyword(std::string_view k, status_kind& out) noexcept {
    for (auto c : {status_kind::ok, status_kind::no, status_kind::bad, status_kind::preauth, status_kind::bye})
        if (chars::iequals(k, keyword(c))) { out = c; return true; }
    return false;
}

MAILWIRE_LAZY inline result<response> fetch_response(scanner& s, std::uint32_t n, parse_ctx& c) noexcept {
    if (auto r = sp(s, c.opts); !r) return r.error();
    if (c.opts.depth_limit() < 1) return s.error(errc::limit_exceeded, "nesting within max_depth");
    if (!s.consume('(')) return s.error(errc::invalid_syntax, "\"(\" msg-att");
    const std::size_t first = c.st.fetch_items.size();
    std::size_t count = 0;
    if (auto r = skip_sp_after_open(s, c.opts, "msg-att (SP after \"(\" is a server quirk)"); !r) return r.error();
    for (;;) {
        if (++count > c.opts.max_list) return s.error(errc::limit_exceeded, "FETCH items within max_list");
        // In place: a msg_att is large, and copies of it were a fifth of the FETCH time.
        if (auto a = msg_att_into(s, c.st.fetch_items.emplace_back(), c.st.bodies, c.opts, 1, c.syn); !a) return a.error();
        auto more = more_items(s, c.opts, ')');
        if (!more) return more.error();
        if (!*more) break;
    }
    if (!s.consume(')')) return s.error(errc::invalid_syntax, "\")\"");
    return response{fetch_data{n, list_view<msg_att>(c.st.fetch_items, first, count)}};
}

/// thread-list    = "(" (thread-members / thread-nested) ")"
/// thread-members = nz-number *(SP nz-number) [SP thread-nested]
/// thread-nested  = 2*thread-list                                   (RFC 5256 §5)
/// Validated, not stored: the caller keeps the bytes as a value_list. `depth` is the
/// nesting already open; each thread-list counts against max_depth. Nested lists are
/// read by one loop, not by recursion (see max_depth_ceiling).
MAILWIRE_LAZY constexpr result<void> thread_list(scanner& s, const parse_options& opts, std::size_t depth) noexcept {
    // The thread-lists read so far in the thread-nested of each open list (1-based).
    std::size_t lists[max_depth_ceiling + 1];
    std::size_t level = 0;
    enum class at : std::uint8_t { list, nested, close } next = at::list;
    for (;;) {
        switch (next) {
        case at::list: // a thread-list starts here
            if (depth + level + 1 > opts.depth_limit()) return s.error(errc::limit_exceeded, "thread nesting within max_depth");
            if (!s.consume('(')) return s.error(errc::invalid_syntax, "\"(\" thread-list");
            lists[++level] = 0;
            next = at::nested;
            if (s.peek_is('(')) break;
            for (std::size_t members = 1;; ++members) { // thread-members
                if (members > opts.max_list) return s.error(errc::limit_exceeded, "thread members within max_list");
                if (auto n = nz_number(s); !n) return n.error();
                if (!s.consume(' ')) {
                    next = at::close;
                    break;
                }
                if (s.peek_is('(')) break;
            }
            break;
        case at::nested: // thread-nested of the list at `level`
            if (s.peek_is('(')) {
                if (++lists[level] > opts.max_list) return s.error(errc::limit_exceeded, "thread-lists within max_list");
                next = at::list;
                break;
            }
            if (lists[level] < 2) return s.error(errc::invalid_syntax, "thread-list (thread-nested holds two or more)");
            next = at::close;
            break;
        case at::close:
            if (!s.consume(')')) return s.error(errc::invalid_syntax, "\")\" ending thread-list");
            if (--level == 0) return {};
            next = at::nested;
            break;
        }
    }
}

/// *(SP nz-number) [SP "(" "MODSEQ" SP mod-sequence-value ")"] up to the line end.
MAILWIRE_LAZY constexpr result<search_data> search_numbers(scanner& s, const parse_options& opts, bool sort) noexcept {
    search_data d;
    d.sort = sort;
    std::size_t start = s.pos(), end = s.pos();
    bool first = true;
    std::size_t count = 0;
    for (;;) {
        auto more = more_items(s, opts, 0);
        if (!more) {
            // "* SEARCH " (trailing SP) is common enough to name: the error stands in strict.
            return more.error();
        }
        if (!*more) break;
        if (s.peek_is('(')) {
            s.advance();
            if (!s.consume_ci("MODSEQ")) return s.error(errc::invalid_syntax, "\"MODSEQ\"");
            if (auto r = sp(s, opts); !r) return r.error();
            bool neg = false;
            auto n = number64_or_minus_one(s, opts, neg);
            if (!n) return n.error();
            if (!s.consume(')')) return s.error(errc::invalid_syntax, "\")\"");
            d.has_modseq = true;
            d.modseq = *n;
            if (first) start = end = s.pos();
            break;
        }
        if (++count > opts.max_list) return s.error(errc::limit_exceeded, "numbers within max_list");
        if (first) start = s.pos();
        first = false;
        auto n = nz_number(s);
        if (!n) return n.error();
        end = s.pos();
    }
    d.numbers = number_list(s.input().substr(start, end - start));
    return d;
}

/// namespace = nil / "(" 1*namespace-descr ")"; lenient also "()" for NIL (a quirk the
/// project brief lists; no public report of the sending server was found).
MAILWIRE_LAZY constexpr result<value> namespace_value(scanner& s, const parse_options& opts) noexcept {
    const std::size_t at = s.pos();
    auto v = rules::generic_value(s, opts, 0);
    if (!v) return v.error();
    if (auto ok = rules::validate_namespace(*v, at, s.input(), opts); !ok) return ok.error();
    return v;
}

/// The arguments of QUOTA, QUOTAROOT, ACL, LISTRIGHTS, MYRIGHTS, METADATA after the
/// mailbox, against their grammar (response/extension_data.hpp). `at`: where they start.
MAILWIRE_LAZY constexpr result<void> mailbox_ext_args(mailbox_ext_kind k, const value_list& args, std::size_t at, std::string_view input,
                                        const parse_options& opts) noexcept {
    switch (k) {
    case mailbox_ext_kind::quota: return rules::validate_quota_response(args, at, input, opts);
    case mailbox_ext_kind::quotaroot: return rules::validate_quotaroot_response(args, at, input, opts);
    case mailbox_ext_kind::acl: return rules::validate_acl_data(args, at, input, opts);
    case mailbox_ext_kind::listrights: return rules::validate_listrights_data(args, at, input, opts);
    case mailbox_ext_kind::myrights: return rules::validate_myrights_data(args, at, input, opts);
    case mailbox_ext_kind::metadata: return rules::validate_metadata_resp(args, at, input, opts);
    }
    return fail(errc::invalid_syntax, at, "mailbox response kind");
}

MAILWIRE_LAZY inline result<response> untagged(scanner& s, parse_ctx& c) noexcept {
    const auto& opts = c.opts;
    if (s.peek_is('[')) {
        // Office365 sends "* [COPYUID ...] text" with no condition.
        if (opts.strict()) return s.error(errc::strict_violation, "OK/NO/BAD before resp-text-code (a bare code is an Office365 quirk)");
        auto t = rules::resp_text(s, opts);
        if (!t) return t.error();
        return response{status_response{false, {}, status_kind::none, *t}};
    }
    if (chars::digit(s.peek())) {
        const std::size_t nat = s.pos();
        auto n = number(s);
        if (!n) return n.error();
        if (auto r = sp(s, opts); !r) return r.error();
        const auto k = s.take_while(chars::atom_char);
        if (k.empty()) return s.error(errc::invalid_syntax, "EXISTS, RECENT, EXPUNGE or FETCH");
        if (chars::iequals(k, "FETCH")) {
            if (*n == 0) return s.error_at(nat, errc::number_out_of_range, "nz-number before FETCH");
            return fetch_response(s, *n, c);
        }
        if (chars::iequals(k, "EXISTS")) return response{message_count{message_count_kind::exists, *n}};
        if (chars::iequals(k, "RECENT")) return response{message_count{message_count_kind::recent, *n}};
        if (chars::iequals(k, "EXPUNGE")) {
            if (*n == 0) return s.error_at(nat, errc::number_out_of_range, "nz-number before EXPUNGE");
            return response{message_count{message_count_kind::expunge, *n}};
        }
        generic_data g{true, *n, k, {}};
        auto more = more_items(s, opts, 0);
        if (!more) return more.error();
        if (*more) {
            auto v = rules::generic_values(s, opts, 0);
            if (!v) return v.error();
            g.args = *v;
        }
        return response{g};
    }
    const auto k = s.take_while(chars::atom_char);
    if (k.empty()) return s.error(errc::invalid_syntax, "response-data");
    auto is = [&](std::string_view w) { return chars::iequals(k, w); };
    status_kind sk{};
    if (status_keyword(k, sk)) {
        auto t = cond_text(s, opts);
        if (!t) return t.error();
        return response{status_response{false, {}, sk, *t}};
    }
    if (is("CAPABILITY") || is("ENABLED")) {
        auto l = capabilities(s, opts, is("CAPABILITY"));
        if (!l) return l.error();
        if (is("CAPABILITY")) return response{capability_data{*l}};
        return response{enabled_data{*l}};
    }
    if (is("FLAGS")) {
        if (auto r = sp(s, opts); !r) return r.error();
        auto f = rules::flag_list(s, opts);
        if (!f) return f.error();
        return response{flags_data{*f}};
    }
    if (is("LIST") || is("LSUB")) {
        if (auto r = sp(s, opts); !r) return r.error();
        auto l = rules::mailbox_list(s, opts, c.syn);
        if (!l) return l.error();
        l->lsub = is("LSUB");
        return response{*l};
    }
    if (is("STATUS")) {
        if (auto r = sp(s, opts); !r) return r.error();
        status_data d;
        auto m = rules::mailbox(s, opts, c.syn);
        if (!m) return m.error();
        d.mailbox = *m;
        if (auto r = sp(s, opts); !r) return r.error();
        if (!s.consume('(')) return s.error(errc::invalid_syntax, "\"(\" status-att-list");
        const std::size_t first = c.st.status_items.size();
        std::size_t count = 0;
        if (!s.peek_is(')')) {
            for (;;) {
                if (++count > opts.max_list) return s.error(errc::limit_exceeded, "STATUS items within max_list");
                auto it = rules::status_att_val(s, opts);
                if (!it) return it.error();
                c.st.status_items.push_back(*it);
                auto more = more_items(s, opts, ')');
                if (!more) return more.error();
                if (!*more) break;
            }
        }
        if (!s.consume(')')) return s.error(errc::invalid_syntax, "\")\"");
        d.items = list_view<status_item>(c.st.status_items, first, count);
        return response{d};
    }
    if (is("SEARCH") || is("SORT")) {
        auto d = search_numbers(s, opts, is("SORT"));
        if (!d) return d.error();
        return response{*d};
    }
    if (is("ESEARCH")) {
        esearch_data d;
        const std::size_t first = c.st.esearch_items.size();
        std::size_t count = 0;
        bool first_item = true;
        for (;;) {
            auto more = more_items(s, opts, 0);
            if (!more) return more.error();
            if (!*more) break;
            if (first_item && s.peek_is('(')) {
                s.advance();
                for (;;) {
                    if (s.consume_ci("TAG ")) {
                        auto t = rules::string(s, opts, c.syn);
                        if (!t) return t.error();
                        d.has_tag = true;
                        d.tag = *t;
                    } else if (s.consume_ci("MAILBOX ")) {
                        auto m = rules::astring(s, opts, c.syn);
                        if (!m) return m.error();
                        d.has_mailbox = true;
                        d.mailbox = *m;
                    } else if (s.consume_ci("UIDVALIDITY ")) {
                        auto n = nz_number(s);
                        if (!n) return n.error();
                        d.uidvalidity = *n;
                    } else {
                        return s.error(errc::invalid_syntax, "\"TAG\", \"MAILBOX\" or \"UIDVALIDITY\"");
                    }
                    if (!s.consume(' ')) break;
                }
                if (!s.consume(')')) return s.error(errc::invalid_syntax, "\")\"");
                first_item = false;
                continue;
            }
            first_item = false;
            if (count == 0 && !d.uid && s.consume_ci("UID")) {
                if (at_eol(s) || s.peek_is(' ')) { d.uid = true; continue; }
                s.reset(s.pos() - 3);
            }
            if (++count > opts.max_list) return s.error(errc::limit_exceeded, "ESEARCH items within max_list");
            auto it = rules::search_return_data(s, opts);
            if (!it) return it.error();
            c.st.esearch_items.push_back(*it);
        }
        d.items = list_view<esearch_item>(c.st.esearch_items, first, count);
        return response{d};
    }
    if (is("THREAD")) {
        thread_data d;
        if (s.peek_is(' ')) {
            auto more = more_items(s, opts, 0);
            if (!more) return more.error();
            if (*more) {
                // thread-data = "THREAD" [SP 1*thread-list]: the lists touch, no SP between.
                const std::size_t at = s.pos();
                std::size_t lists = 0;
                do {
                    if (++lists > opts.max_list) return s.error(errc::limit_exceeded, "thread-lists within max_list");
                    if (auto r = thread_list(s, opts, 0); !r) return r.error();
                } while (s.peek_is('('));
                d.threads = value_list::make(s.input().substr(at, s.pos() - at), opts.mode);
            }
        }
        return response{d};
    }
    if (is("VANISHED")) {
        vanished_data d;
        if (auto r = sp(s, opts); !r) return r.error();
        if (s.consume_ci("(EARLIER)")) {
            d.earlier = true;
            if (auto r = sp(s, opts); !r) return r.error();
        }
        auto q = imap::detail::resp::uid_set(s, opts);
        if (!q) return q.error();
        d.uids = *q;
        return response{d};
    }
    if (is("NAMESPACE")) {
        namespace_data d;
        value* parts[] = {&d.personal, &d.other_users, &d.shared};
        for (auto* p : parts) {
            if (auto r = sp(s, opts); !r) return r.error();
            auto v = namespace_value(s, opts);
            if (!v) return v.error();
            *p = *v;
        }
        return response{d};
    }
    if (is("ID")) {
        if (auto r = sp(s, opts); !r) return r.error();
        const std::size_t at = s.pos();
        auto v = rules::generic_value(s, opts, 0);
        if (!v) return v.error();
        if (auto ok = rules::validate_id_params_list(*v, at, s.input(), opts); !ok) return ok.error();
        return response{id_data{*v}};
    }
    for (std::size_t i = 0; i <= static_cast<std::size_t>(mailbox_ext_kind::metadata); ++i) {
        const auto mk = static_cast<mailbox_ext_kind>(i);
        if (!is(keyword(mk))) continue;
        mailbox_ext_data d;
        d.kind = mk;
        if (auto r = sp(s, opts); !r) return r.error();
        auto m = rules::mailbox(s, opts, c.syn);
        if (!m) return m.error();
        d.mailbox = *m;
        const std::size_t args_at = s.pos();
        auto more = more_items(s, opts, 0);
        if (!more) return more.error();
        if (*more) {
            auto v = rules::generic_values(s, opts, 0);
            if (!v) return v.error();
            d.args = *v;
        }
        if (auto ok = mailbox_ext_args(mk, d.args, args_at, s.input(), opts); !ok) return ok.error();
        return response{d};
    }
    generic_data g{false, 0, k, {}};
    auto more = more_items(s, opts, 0);
    if (!more) return more.error();
    if (*more) {
        auto v = rules::generic_values(s, opts, 0);
        if (!v) return v.error();
        g.args = *v;
    }
    return response{g};
}

} // namespace detail::resp

/// response = continue-req / response-data / response-tagged / response-fatal, one framed
/// message (RFC 9051 §7, §9; RFC 3501 §7, §9). See the top of this header.
/// `syn.utf8`: the session is IMAP4rev2 or has ENABLEd UTF8=ACCEPT (quoted strings may
/// hold UTF-8 in strict mode). Never throws; the only allocation is `storage` growing
/// (std::vector; out of memory ends the program, as with -fno-exceptions).
MAILWIRE_ENTRY result<response> parse_response(std::string_view message, response_storage& storage,
                                       const parse_options& given = {}, session_syntax syn = {}) noexcept {
    namespace d = detail::resp;
    // A server never sends "{n+}" (RFC 7888 §3): read as the server-to-client framer does.
    parse_options opts = given;
    opts.non_sync_literals = false;
    storage.clear();
    // The framer's limits hold here too, whoever framed the bytes.
    if (auto lim = check_message_limits(message, direction::server_to_client, opts); !lim) return lim.error();
    scanner s(message);
    if (s.peek_is('\r') || s.peek_is('\n')) {
        if (opts.strict()) return s.error(errc::strict_violation, "response (a blank line is a server quirk)");
        // One line end is the whole message: the framer frames each blank line alone, and
        // what follows a blank line is the next message, never part of this one.
        if (!s.consume("\r\n") && !s.consume('\n')) return s.error(errc::invalid_syntax, "LF");
        if (!s.at_end()) return s.error(errc::invalid_syntax, "end of message (a blank line is a message of its own)");
        return response{blank_line{}};
    }
    d::parse_ctx c{opts, syn, storage};
    result<response> r = parse_error{};
    if (s.consume('+')) {
        auto t = d::cond_text(s, opts);
        if (!t) return t.error();
        r = response{continue_req{*t}};
    } else if (s.consume('*')) {
        if (auto sp = d::sp(s, opts); !sp) return sp.error();
        r = d::untagged(s, c);
    } else {
        auto t = rules::tag(s);
        if (!t) return t.error();
        if (auto sp = d::sp(s, opts); !sp) return sp.error();
        const std::size_t kat = s.pos();
        const auto k = s.take_while(chars::atom_char);
        status_kind sk{};
        if (!d::status_keyword(k, sk) || sk == status_kind::preauth || sk == status_kind::bye)
            return s.error_at(kat, errc::invalid_syntax, "OK, NO or BAD");
        auto txt = d::cond_text(s, opts);
        if (!txt) return txt.error();
        r = response{status_response{true, *t, sk, *txt}};
    }
    if (!r) return r;
    if (auto e = d::eol(s, opts); !e) return e.error();
    if (!s.at_end()) return s.error(errc::invalid_syntax, "end of message");
    return r;
}

/// One message as buffered_framer::next() returned it, parsed as above. The framer looked
/// for NUL while copying the bytes in: when it found none (event::nul_free), no literal is
/// scanned for NUL a second time. An event other than a message is bad_state.
MAILWIRE_ENTRY result<response> parse_response(const buffered_framer::event& ev, response_storage& storage,
                                       const parse_options& opts = {}, session_syntax syn = {}) noexcept {
    if (ev.status != frame_status::message) return fail(errc::bad_state, 0, "a framed message");
    parse_options checked = opts;
    checked.known_nul_free = ev.nul_free;
    return parse_response(ev.bytes, storage, checked, syn);
}

// ---- writing -----------------------------------------------------------------------------

namespace detail::resp {

template <class OutIt>
OutIt write_mailbox(OutIt out, const imap::mailbox& m) {
    return write_response_string(out, m.name);
}

template <class OutIt>
struct response_writer {
    OutIt out;
    OutIt operator()(const status_response& r) {
        if (r.tagged) out = write_chars(out, r.tag.text);
        else *out++ = '*';
        *out++ = ' ';
        if (r.status != status_kind::none) {
            out = write_chars(out, keyword(r.status));
            *out++ = ' ';
        }
        return write_resp_text(out, r.text);
    }
    OutIt operator()(const continue_req& r) {
        out = write_chars(out, "+ ");
        return write_resp_text(out, r.text);
    }
    OutIt write_caps(std::string_view name, const capability_list& l) {
        out = write_chars(out, name);
        for (auto cap : l) { *out++ = ' '; out = write_chars(out, cap); }
        return out;
    }
    OutIt operator()(const capability_data& r) { return write_caps("* CAPABILITY", r.caps); }
    OutIt operator()(const enabled_data& r) { return write_caps("* ENABLED", r.caps); }
    OutIt operator()(const flags_data& r) { return fmt::format_to(out, "* FLAGS {}", r.flags); }
    OutIt operator()(const list_data& r) {
        out = write_chars(out, r.lsub ? "* LSUB (" : "* LIST (");
        bool first = true;
        for (auto a : r.attributes) {
            if (!first) *out++ = ' ';
            first = false;
            out = write_chars(out, a.name());
        }
        out = write_chars(out, ") ");
        if (r.delimiter_nil) out = write_chars(out, "NIL");
        else out = write_quoted(out, r.delimiter.raw, r.delimiter.escaped);
        *out++ = ' ';
        out = write_mailbox(out, r.mailbox);
        if (r.has_extended) { *out++ = ' '; out = write_value(out, r.extended); }
        return out;
    }
    OutIt operator()(const status_data& r) {
        out = write_chars(out, "* STATUS ");
        out = write_mailbox(out, r.mailbox);
        out = write_chars(out, " (");
        bool first = true;
        for (const auto& it : r.items) {
            if (!first) *out++ = ' ';
            first = false;
            switch (it.kind) {
            case status_item_kind::other:
                out = write_chars(out, it.name);
                *out++ = ' ';
                out = write_value(out, it.data);
                break;
            case status_item_kind::mailboxid: out = fmt::format_to(out, "MAILBOXID ({})", it.objectid); break;
            default:
                out = write_chars(out, keyword(it.kind));
                if (it.nil) out = write_chars(out, " NIL");
                else out = fmt::format_to(out, " {}", it.number);
            }
        }
        *out++ = ')';
        return out;
    }
    OutIt operator()(const search_data& r) {
        out = write_chars(out, r.sort ? "* SORT" : "* SEARCH");
        for (auto n : r.numbers) out = fmt::format_to(out, " {}", n);
        if (r.has_modseq) out = fmt::format_to(out, " (MODSEQ {})", r.modseq);
        return out;
    }
    OutIt operator()(const esearch_data& r) {
        out = write_chars(out, "* ESEARCH");
        if (r.has_tag || r.has_mailbox || r.uidvalidity) {
            out = write_chars(out, " (");
            bool first = true;
            if (r.has_tag) {
                out = write_chars(out, "TAG ");
                out = write_response_string(out, r.tag);
                first = false;
            }
            if (r.has_mailbox) {
                out = write_chars(out, first ? "MAILBOX " : " MAILBOX ");
                out = write_response_string(out, r.mailbox);
                first = false;
            }
            if (r.uidvalidity) out = fmt::format_to(out, "{}UIDVALIDITY {}", first ? "" : " ", r.uidvalidity);
            *out++ = ')';
        }
        if (r.uid) out = write_chars(out, " UID");
        for (const auto& it : r.items) {
            *out++ = ' ';
            switch (it.kind) {
            case esearch_item_kind::all: out = fmt::format_to(out, "ALL {}", it.set); break;
            case esearch_item_kind::partial: out = write_chars(out, "PARTIAL "); out = write_value(out, it.data); break;
            case esearch_item_kind::other:
                out = write_chars(out, it.name);
                *out++ = ' ';
                out = write_value(out, it.data);
                break;
            default: out = fmt::format_to(out, "{} {}", keyword(it.kind), it.number);
            }
        }
        return out;
    }
    OutIt operator()(const thread_data& r) {
        out = write_chars(out, "* THREAD");
        if (!r.threads.empty()) { *out++ = ' '; out = write_value_list(out, r.threads); }
        return out;
    }
    OutIt operator()(const message_count& r) {
        static constexpr std::string_view names[] = {"EXISTS", "RECENT", "EXPUNGE"};
        return fmt::format_to(out, "* {} {}", r.number, names[static_cast<std::size_t>(r.kind) % 3]);
    }
    OutIt operator()(const vanished_data& r) {
        return fmt::format_to(out, "* VANISHED {}{}", r.earlier ? "(EARLIER) " : "", r.uids);
    }
    OutIt operator()(const namespace_data& r) {
        out = write_chars(out, "* NAMESPACE ");
        out = write_value(out, r.personal);
        *out++ = ' ';
        out = write_value(out, r.other_users);
        *out++ = ' ';
        return write_value(out, r.shared);
    }
    OutIt operator()(const id_data& r) {
        out = write_chars(out, "* ID ");
        return write_value(out, r.params);
    }
    OutIt operator()(const mailbox_ext_data& r) {
        out = write_chars(out, "* ");
        out = write_chars(out, keyword(r.kind));
        *out++ = ' ';
        out = write_mailbox(out, r.mailbox);
        if (!r.args.empty()) { *out++ = ' '; out = write_value_list(out, r.args); }
        return out;
    }
    OutIt operator()(const fetch_data& r) {
        out = fmt::format_to(out, "* {} FETCH (", r.number);
        bool first = true;
        for (const auto& a : r.items) {
            if (!first) *out++ = ' ';
            first = false;
            out = write_msg_att(out, a);
        }
        *out++ = ')';
        return out;
    }
    OutIt operator()(const generic_data& r) {
        out = write_chars(out, "* ");
        if (r.has_number) out = fmt::format_to(out, "{} ", r.number);
        out = write_chars(out, r.name);
        if (!r.args.empty()) { *out++ = ' '; out = write_value_list(out, r.args); }
        return out;
    }
    OutIt operator()(const blank_line&) { return out; }
};

template <class OutIt>
OutIt write_response(OutIt out, const response& r) {
    out = std::visit(response_writer<OutIt>{out}, r.data);
    return write_chars(out, "\r\n");
}

MAILWIRE_LAZY constexpr result<void> check_mailbox(const imap::mailbox& m) noexcept {
    if (m.name.is_nil()) return unsafe("mailbox: a name, not NIL");
    return check_writable(m.name);
}

struct response_checker {
    result<void> operator()(const status_response& r) const noexcept {
        if (r.tagged)
            if (auto ok = check_writable(r.tag); !ok) return ok;
        if (r.status == status_kind::none) return unsafe("status response without a condition (a quirk, never written)");
        if (r.status > status_kind::none) return unsafe("status kind");
        if (r.tagged && (r.status == status_kind::preauth || r.status == status_kind::bye))
            return unsafe("tagged response: OK, NO or BAD");
        return check_writable(r.text);
    }
    result<void> operator()(const continue_req& r) const noexcept { return check_writable(r.text); }
    static result<void> caps(const capability_list& l, bool at_least_one) noexcept {
        if (at_least_one && l.empty()) return unsafe("CAPABILITY: at least one capability");
        for (auto c : l)
            if (!chars::atom_char.all_of(c)) return unsafe("capability: atom");
        return {};
    }
    result<void> operator()(const capability_data& r) const noexcept { return caps(r.caps, true); }
    result<void> operator()(const enabled_data& r) const noexcept { return caps(r.caps, false); }
    result<void> operator()(const flags_data& r) const noexcept { return check_writable(r.flags); }
    result<void> operator()(const list_data& r) const noexcept {
        if (auto ok = check_writable(r.attributes); !ok) return ok;
        if (!r.delimiter_nil) {
            if (auto ok = check_writable(r.delimiter); !ok) return ok;
            if (r.delimiter.decoded_size() != 1) return unsafe("LIST: one delimiter character");
        }
        if (auto ok = check_mailbox(r.mailbox); !ok) return ok;
        if (r.has_extended) {
            if (!r.extended.is_list()) return unsafe("LIST: mbox-list-extended is a list");
            return check_writable(r.extended);
        }
        return {};
    }
    result<void> operator()(const status_data& r) const noexcept {
        if (auto ok = check_mailbox(r.mailbox); !ok) return ok;
        for (const auto& it : r.items) {
            switch (it.kind) {
            case status_item_kind::other:
                if (it.name.empty() || !chars::atom_char.all_of(it.name)) return unsafe("STATUS item name: atom");
                if (classify_known(it.name)) return unsafe("STATUS item: other with a known name");
                if (auto ok = check_writable(it.data); !ok) return ok;
                break;
            case status_item_kind::mailboxid:
                if (it.objectid.empty() || !objectid_char.all_of(it.objectid)) return unsafe("STATUS MAILBOXID: objectid");
                break;
            case status_item_kind::uidnext: case status_item_kind::uidvalidity:
                if (it.number == 0 || it.number > UINT32_MAX) return unsafe("STATUS: nz-number");
                break;
            case status_item_kind::messages: case status_item_kind::unseen: case status_item_kind::deleted:
            case status_item_kind::recent:
                if (it.number > UINT32_MAX) return unsafe("STATUS: number");
                break;
            default:
                if (it.nil && it.kind != status_item_kind::appendlimit) return unsafe("STATUS: NIL only for APPENDLIMIT");
                if (it.number > static_cast<std::uint64_t>(INT64_MAX)) return unsafe("STATUS: number64");
            }
        }
        return {};
    }
    static bool classify_known(std::string_view n) noexcept {
        for (std::size_t i = 0; i < static_cast<std::size_t>(status_item_kind::other); ++i)
            if (chars::iequals(n, keyword(static_cast<status_item_kind>(i)))) return true;
        return false;
    }
    result<void> operator()(const search_data& r) const noexcept {
        scanner s(r.numbers.text());
        while (!s.at_end()) {
            auto n = nz_number(s);
            if (!n) return unsafe("SEARCH: nz-numbers separated by SP", s.pos());
            if (!s.at_end() && (!s.consume(' ') || s.at_end())) return unsafe("SEARCH: nz-numbers separated by SP", s.pos());
        }
        if (r.has_modseq && (r.modseq > static_cast<std::uint64_t>(INT64_MAX))) return unsafe("SEARCH: MODSEQ number64");
        return {};
    }
    result<void> operator()(const esearch_data& r) const noexcept {
        if (r.has_tag) {
            if (r.tag.form != string_form::quoted && r.tag.form != string_form::literal) return unsafe("ESEARCH: TAG string");
            if (auto ok = check_writable(r.tag); !ok) return ok;
        }
        if (r.has_mailbox) {
            if (r.mailbox.is_nil()) return unsafe("ESEARCH: MAILBOX astring");
            if (auto ok = check_writable(r.mailbox); !ok) return ok;
        }
        bool first = true;
        for (const auto& it : r.items) {
            // An item named UID first, with no UID flag, would read back as the flag.
            if (first && !r.uid && it.kind == esearch_item_kind::other && chars::iequals(it.name, "UID"))
                return unsafe("ESEARCH: first item named UID");
            first = false;
            switch (it.kind) {
            case esearch_item_kind::all:
                if (it.set.empty() || it.set.has_last_result()) return unsafe("ESEARCH ALL: sequence-set");
                break;
            case esearch_item_kind::partial:
                if (!it.data.is_list()) return unsafe("ESEARCH PARTIAL: a list");
                if (auto ok = check_writable(it.data); !ok) return ok;
                break;
            case esearch_item_kind::other:
                if (it.name.empty() || !chars::atom_char.all_of(it.name))
                    return unsafe("ESEARCH item name: atom");
                if (auto ok = check_writable(it.data); !ok) return ok;
                break;
            case esearch_item_kind::min: case esearch_item_kind::max:
                if (it.number == 0 || it.number > UINT32_MAX) return unsafe("ESEARCH MIN/MAX: nz-number");
                break;
            case esearch_item_kind::count:
                if (it.number > UINT32_MAX) return unsafe("ESEARCH COUNT: number");
                break;
            case esearch_item_kind::modseq:
                if (it.number > static_cast<std::uint64_t>(INT64_MAX)) return unsafe("ESEARCH MODSEQ: number64");
                break;
            }
        }
        return {};
    }
    result<void> operator()(const thread_data& r) const noexcept {
        for (auto t : r.threads)
            if (!t.is_list()) return unsafe("THREAD: lists");
        return check_writable(r.threads);
    }
    result<void> operator()(const message_count& r) const noexcept {
        if (r.kind == message_count_kind::expunge && r.number == 0) return unsafe("EXPUNGE: nz-number");
        if (r.kind > message_count_kind::expunge) return unsafe("message count kind");
        return {};
    }
    result<void> operator()(const vanished_data& r) const noexcept {
        if (r.uids.empty()) return unsafe("VANISHED: known-uids");
        for (char ch : r.uids.text())
            if (ch == '*' || ch == '$') return unsafe("VANISHED: uid-set");
        return {};
    }
    static result<void> ns(const value& v) noexcept {
        if (!v.is_nil() && !(v.is_list() && !v.items.empty())) return unsafe("NAMESPACE: NIL or a non-empty list");
        if (auto ok = rules::validate_namespace(v, 0, {}, parse_options::make_unlimited()); !ok) return unsafe("NAMESPACE: namespace-descr");
        return check_writable(v);
    }
    result<void> operator()(const namespace_data& r) const noexcept {
        if (auto ok = ns(r.personal); !ok) return ok;
        if (auto ok = ns(r.other_users); !ok) return ok;
        return ns(r.shared);
    }
    result<void> operator()(const id_data& r) const noexcept {
        if (auto ok = rules::validate_id_params_list(r.params, 0, {}, parse_options::make_unlimited()); !ok)
            return unsafe("ID: NIL or a list of string SP nstring pairs");
        return check_writable(r.params);
    }
    result<void> operator()(const mailbox_ext_data& r) const noexcept {
        if (r.kind > mailbox_ext_kind::metadata) return unsafe("mailbox response kind");
        if (auto ok = check_mailbox(r.mailbox); !ok) return ok;
        if (auto ok = mailbox_ext_args(r.kind, r.args, 0, {}, parse_options::make_unlimited()); !ok)
            return unsafe("arguments that do not fit the response's grammar");
        return check_writable(r.args);
    }
    result<void> operator()(const fetch_data& r) const noexcept {
        if (r.number == 0) return unsafe("FETCH: nz-number");
        if (r.items.empty()) return unsafe("FETCH: at least one item");
        for (const auto& a : r.items)
            if (auto ok = check_writable(a); !ok) return ok;
        return {};
    }
    result<void> operator()(const generic_data& r) const noexcept {
        if (r.name.empty() || !chars::atom_char.all_of(r.name)) return unsafe("untagged response name: atom");
        if (!r.has_number) {
            status_kind sk{};
            if (status_keyword(r.name, sk)) return unsafe("generic response named like a status");
        }
        if (!r.has_number && chars::digit(r.name.front())) return unsafe("generic response name starting with a digit");
        return check_writable(r.args);
    }
    result<void> operator()(const blank_line&) const noexcept { return unsafe("a blank line is a quirk, never written"); }
};

} // namespace detail::resp

/// Refuses a response that would not re-parse as itself (CR/LF in text, bad tags, NIL
/// mailboxes, quirk-only forms, ...). Note: a generic or typed response whose keyword this
/// parser types differently (e.g. a generic_data named "FLAGS") is refused only where noted.
MAILWIRE_ENTRY result<void> check_writable(const response& r) noexcept {
    return std::visit(detail::resp::response_checker{}, r.data);
}

} // namespace mailwire::imap

namespace mailwire::imap::detail::resp {

/// The formatter's body: "{}" the wire bytes (check_writable() first), "{:v}" a dump.
template <class Out>
MAILWIRE_ENTRY_INLINE Out format_response(const response& v, presentation pres, Out out) {
    if (pres == presentation::verbose) {
        std::string tmp;
        write_response(std::back_inserter(tmp), v);
        if (tmp.size() >= 2) tmp.resize(tmp.size() - 2);
        out = fmt::format_to(out, "{} ", response_kind_name(v));
        return write_display(out, std::string_view(tmp));
    }
    if (!check_writable(v)) refuse_unsafe_write("response that cannot be written");
    return write_response(out, v);
}

} // namespace mailwire::imap::detail::resp

template <>
struct fmt::formatter<mailwire::imap::response> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::response& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        return mailwire::imap::detail::resp::format_response(v, pres, ctx.out());
    }
};

/// The entry points mailwire::compiled instantiates once (core/config.hpp).
#define MAILWIRE_IMAP_RESPONSE_INSTANTIATIONS(EXTERN)                                                              \
    namespace mailwire::imap {                                                                                     \
    EXTERN template result<response> parse_response<>(std::string_view, response_storage&, const parse_options&, \
                                                      session_syntax) noexcept;                                    \
    EXTERN template result<response> parse_response<>(const buffered_framer::event&, response_storage&,          \
                                                      const parse_options&, session_syntax) noexcept;              \
    EXTERN template result<void> check_writable<>(const response&) noexcept;                                      \
    EXTERN template fmt::format_context::iterator detail::resp::format_response(const response&, presentation,    \
                                                                                fmt::format_context::iterator);    \
    }
#if defined(MAILWIRE_SEPARATE_COMPILATION)
MAILWIRE_IMAP_RESPONSE_INSTANTIATIONS(extern)
#endif
