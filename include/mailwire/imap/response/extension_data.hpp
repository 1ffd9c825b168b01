// Typed views of the extension responses that response.hpp reads as generic values:
// NAMESPACE (RFC 2342, RFC 9051 §7.3.3), ID (RFC 2971), QUOTA and QUOTAROOT (RFC 9208),
// ACL, LISTRIGHTS and MYRIGHTS (RFC 4314), METADATA (RFC 5464).
//
// Two halves:
//   - validators, rules::validate_<abnf-rule>(thing, at, input, opts): check generic values
//     (imap::value / imap::value_list, already tokenized and limit-checked) against the
//     exact grammar of the response. The response parser calls them right after reading
//     the generic values.
//   - views: namespace_view, id_params, quota_resources, string_list (QUOTAROOT roots,
//     METADATA entry-list), acl_entries, listrights_view, acl_rights (MYRIGHTS),
//     metadata_view. Each is a few string_views; iterating re-reads the validated text
//     lazily, so nothing is allocated and nothing is copied. A view of values that did not
//     validate yields what it can read and never reads out of bounds.
//
// Offsets. Generic values keep views into the message, so the absolute offset of a bad
// item is its data pointer minus the message's (offset_in()). Every validator takes
// `input` (the whole message the values were parsed from) and `at` (the offset of the
// thing validated, used when a part does not lie inside `input`, e.g. for values built by
// hand: pass input = {} and at = 0 to get 0 for every error).
//
// Modes. The generic layer already applied the documented lenient quirks (doubled SP,
// 8-bit bytes in tokens). Here lenient mode adds only "()" for NIL in NAMESPACE (listed
// by the project brief); everything else is the grammar in both modes.
//
// Lifetime: views borrow the message (through the values); they live as long as it does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <optional>
#include <span>
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
#include <mailwire/imap/response/value.hpp>
#include <mailwire/imap/rules/mailbox.hpp>
#include <mailwire/imap/rules/mutf7.hpp>
#include <mailwire/imap/rules/string.hpp>

namespace mailwire::imap {

/// The offset of `part` in `input` when `part` points inside it (its end included), else
/// `fallback`. std::less gives a total order even for pointers into different buffers.
MAILWIRE_LAZY constexpr std::size_t offset_in(std::string_view input, const char* part, std::size_t fallback) noexcept {
    if (part == nullptr || input.data() == nullptr) return fallback;
    const std::less<const char*> lt;
    const char* b = input.data();
    const char* e = b + input.size();
    if (lt(part, b) || lt(e, part)) return fallback;
    return static_cast<std::size_t>(part - b);
}

namespace detail::ext {

/// One item of a list: its value and the bytes it was read from (a NIL keeps its spelling,
/// a list its parentheses), so that offsets and astrings spelled "NIL" survive.
struct item {
    value v{};
    std::string_view raw;
};

/// Walks the items of validated list text (value_list::text()).
class cursor {
public:
    constexpr cursor() noexcept = default;
    constexpr explicit cursor(std::string_view text) noexcept : rest_(text) {}
    constexpr bool next(item& out) noexcept {
        while (!rest_.empty() && rest_.front() == ' ') rest_.remove_prefix(1);
        if (rest_.empty()) return false;
        std::size_t len = 0;
        out.v = resp::read_value(rest_, len);
        if (len == 0 || len > rest_.size()) len = rest_.size(); // unvalidated text: stop
        out.raw = rest_.substr(0, len);
        rest_.remove_prefix(len);
        return true;
    }
    /// What is left after the items read so far.
    constexpr std::string_view rest() const noexcept { return rest_; }

private:
    std::string_view rest_;
};

/// Where errors point: inside `input` by pointer, else at `fallback`.
struct where {
    std::string_view input;
    std::size_t fallback = 0;
    constexpr std::size_t at(const char* p) const noexcept { return offset_in(input, p, fallback); }
    constexpr std::size_t at(const item& i) const noexcept { return at(i.raw.data()); }
    /// The end of a list's text: its ")" (or the line end for top-level arguments).
    constexpr std::size_t end_of(std::string_view text) const noexcept { return at(text.data() + text.size()); }
};

/// An astring as a string_value: atoms (a NIL included, which as an astring is the atom
/// "NIL") keep their bytes; strings are as read.
MAILWIRE_LAZY constexpr string_value as_astring(const item& i) noexcept {
    switch (i.v.kind) {
    case value_kind::atom:
    case value_kind::number:
    case value_kind::nil: return string_value{string_form::atom, i.raw, false, false};
    case value_kind::string: return i.v.str;
    case value_kind::list: break;
    }
    return string_value::nil();
}

/// A forward iterator over a list text; `Reader::read(cursor&, value_type&)` reads one element.
template <class Reader>
class iterator {
public:
    using value_type = typename Reader::value_type;
    using difference_type = std::ptrdiff_t;
    using reference = value_type;
    using pointer = void;
    using iterator_category = std::forward_iterator_tag;

    constexpr iterator() noexcept = default;
    constexpr explicit iterator(std::string_view text) noexcept : cur_(text), end_(false) { ++*this; }
    constexpr value_type operator*() const noexcept { return val_; }
    constexpr iterator& operator++() noexcept {
        if (end_ || !Reader::read(cur_, val_)) {
            end_ = true;
            cur_ = cursor();
            val_ = value_type{};
        }
        return *this;
    }
    constexpr iterator operator++(int) noexcept { iterator t = *this; ++*this; return t; }
    friend constexpr bool operator==(const iterator& a, const iterator& b) noexcept {
        return a.end_ == b.end_ && (a.end_ || a.cur_.rest().size() == b.cur_.rest().size());
    }

private:
    cursor cur_{};
    value_type val_{};
    bool end_ = true;
};

/// A lazily read list of `Reader::value_type` over list text.
template <class Reader>
class range {
public:
    using iterator = ext::iterator<Reader>;
    using value_type = typename Reader::value_type;
    constexpr range() noexcept = default;
    constexpr explicit range(std::string_view text) noexcept : text_(text) {}
    constexpr iterator begin() const noexcept { return iterator(text_); }
    constexpr iterator end() const noexcept { return iterator(); }
    constexpr bool empty() const noexcept { return begin() == end(); }
    constexpr std::size_t size() const noexcept {
        return mailwire::detail::count_elements(*this);
    }
    /// The list text this view reads (as sent, between the parentheses if any).
    constexpr std::string_view text() const noexcept { return text_; }
    friend constexpr bool operator==(const range& a, const range& b) noexcept {
        return mailwire::detail::elementwise_equal(a, b);
    }

private:
    std::string_view text_;
};

/// The text of the first item when it is a list (the inside of its parentheses).
MAILWIRE_LAZY constexpr std::string_view first_list_text(std::string_view text) noexcept {
    cursor c(text);
    item i;
    if (!c.next(i) || !i.v.is_list()) return {};
    return i.v.items.text();
}

struct astring_reader {
    using value_type = string_value;
    static constexpr bool read(cursor& c, value_type& out) noexcept {
        item i;
        if (!c.next(i)) return false;
        out = as_astring(i);
        return true;
    }
};

} // namespace detail::ext

// ---- views -------------------------------------------------------------------------------

/// A list of strings or astrings (QUOTAROOT's quota-root-names, METADATA's entry-list, a
/// namespace-response-extension's strings), iterated as string_values.
using string_list = detail::ext::range<detail::ext::astring_reader>;

/// namespace-response-extension = SP string SP "(" string *(SP string) ")"  (RFC 9051 §9)
struct namespace_extension {
    string_value name = string_value::nil();
    string_list values;
    friend constexpr bool operator==(const namespace_extension&, const namespace_extension&) = default;
};

namespace detail::ext {
struct namespace_extension_reader {
    using value_type = namespace_extension;
    static constexpr bool read(cursor& c, value_type& out) noexcept {
        item name, list;
        if (!c.next(name) || !c.next(list)) return false;
        out = {name.v.str, string_list(list.v.items.text())};
        return true;
    }
};
} // namespace detail::ext

/// The namespace-response-extensions of one namespace-descr.
class namespace_extensions : public detail::ext::range<detail::ext::namespace_extension_reader> {
public:
    using range::range;
    /// The strings of the extension named `name` (ASCII case-insensitive), or nullopt.
    constexpr std::optional<string_list> find(std::string_view name) const noexcept {
        for (auto e : *this)
            if (e.name.iequals(name)) return e.values;
        return std::nullopt;
    }
};

/// namespace-descr = "(" string SP (DQUOTE QUOTED-CHAR DQUOTE / nil)
///                   [namespace-response-extensions] ")"                 (RFC 9051 §9)
struct namespace_descr {
    string_value prefix = string_value::nil();
    /// The hierarchy delimiter: one QUOTED-CHAR, or string_value::nil() for NIL (a flat
    /// namespace).
    string_value delimiter = string_value::nil();
    bool delimiter_nil = true;
    /// Everything after the delimiter, as sent (name "(" strings ")" pairs).
    value_list extensions;

    /// The delimiter's (first) character, '\0' for NIL.
    constexpr char delimiter_char() const noexcept {
        for (char c : delimiter.chars()) return c;
        return '\0';
    }
    constexpr namespace_extensions extension_list() const noexcept { return namespace_extensions(extensions.text()); }
    /// The strings of the extension `name` (ASCII case-insensitive); empty when absent
    /// (a present one has at least one string).
    constexpr string_list extension(std::string_view name) const noexcept {
        auto r = extension_list().find(name);
        return r ? *r : string_list{};
    }
    constexpr bool has_extension(std::string_view name) const noexcept { return extension_list().find(name).has_value(); }
    friend constexpr bool operator==(const namespace_descr&, const namespace_descr&) = default;
};

namespace detail::ext {
struct namespace_descr_reader {
    using value_type = namespace_descr;
    static constexpr bool read(cursor& c, value_type& out) noexcept {
        item d;
        if (!c.next(d)) return false;
        out = {};
        cursor in(d.v.items.text());
        item prefix, delim;
        if (in.next(prefix)) out.prefix = prefix.v.str;
        if (in.next(delim)) {
            out.delimiter_nil = delim.v.is_nil();
            out.delimiter = delim.v.str;
        }
        auto rest = in.rest();
        while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        out.extensions = value_list::make(rest, parse_mode::lenient);
        return true;
    }
};
} // namespace detail::ext

/// One of NAMESPACE's three namespaces: NIL, or its namespace-descrs.
///   namespace = nil / "(" 1*namespace-descr ")"                        (RFC 9051 §9)
class namespace_view : public detail::ext::range<detail::ext::namespace_descr_reader> {
public:
    constexpr namespace_view() noexcept = default;
    constexpr explicit namespace_view(const value& ns) noexcept
        : range(ns.is_list() ? ns.items.text() : std::string_view{}), nil_(!ns.is_list()) {}
    /// NIL was sent (the class of namespace is not available). "()" (a lenient-mode quirk)
    /// is not NIL but is empty().
    constexpr bool is_nil() const noexcept { return nil_; }

private:
    bool nil_ = true;
};

/// One field/value pair of an ID response.
struct id_field {
    string_value field = string_value::nil();
    string_value value = string_value::nil(); ///< NIL: the server will not say
    friend constexpr bool operator==(const id_field&, const id_field&) = default;
};

namespace detail::ext {
struct id_field_reader {
    using value_type = id_field;
    static constexpr bool read(cursor& c, value_type& out) noexcept {
        item f, v;
        if (!c.next(f)) return false;
        const bool has_value = c.next(v);
        out = {f.v.str, has_value ? v.v.str : string_value::nil()};
        return true;
    }
};
} // namespace detail::ext

/// id-params-list = "(" *(string SP nstring) ")" / nil                    (RFC 2971 §4)
class id_params : public detail::ext::range<detail::ext::id_field_reader> {
public:
    constexpr id_params() noexcept = default;
    constexpr explicit id_params(const value& params) noexcept
        : range(params.is_list() ? params.items.text() : std::string_view{}), nil_(!params.is_list()) {}
    constexpr bool is_nil() const noexcept { return nil_; }
    /// The first pair whose field is `name`; field names are case-insensitive (RFC 2971 §3.3).
    constexpr std::optional<id_field> find(std::string_view name) const noexcept {
        for (auto p : *this)
            if (p.field.iequals(name)) return p;
        return std::nullopt;
    }

private:
    bool nil_ = true;
};

/// quota-resource = resource-name SP resource-usage SP resource-limit    (RFC 9208 §7)
/// (What SETQUOTA sends, setquota-resource, is command/types.hpp's quota_resource.)
struct quota_usage {
    std::string_view name; ///< an atom: STORAGE, MESSAGE, MAILBOX, ANNOTATION-STORAGE, ...
    std::uint64_t usage = 0;
    std::uint64_t limit = 0;
    friend constexpr bool operator==(const quota_usage& a, const quota_usage& b) noexcept {
        return chars::iequals(a.name, b.name) && a.usage == b.usage && a.limit == b.limit;
    }
};

namespace detail::ext {
struct quota_usage_reader {
    using value_type = quota_usage;
    static constexpr bool read(cursor& c, value_type& out) noexcept {
        item n, u, l;
        if (!c.next(n)) return false;
        out = {n.raw, 0, 0};
        if (c.next(u)) out.usage = parse_number64(u.raw).value_or(0);
        if (c.next(l)) out.limit = parse_number64(l.raw).value_or(0);
        return true;
    }
};
} // namespace detail::ext

/// The quota-list of a QUOTA response: its resources (empty: no limits, RFC 9208 §4.2.1).
class quota_resources : public detail::ext::range<detail::ext::quota_usage_reader> {
public:
    using range::range;
    /// From QUOTA's arguments after the quota root (mailbox_ext_data::args): the list.
    static constexpr quota_resources from_args(const value_list& args) noexcept {
        return quota_resources(detail::ext::first_list_text(args.text()));
    }
    /// The resource named `name` (resource names are case-insensitive, RFC 9208 §7).
    constexpr std::optional<quota_usage> find(std::string_view name) const noexcept {
        for (auto r : *this)
            if (chars::iequals(r.name, name)) return r;
        return std::nullopt;
    }
};

/// rights = astring ; only lowercase ASCII letters and digits are allowed. (RFC 4314 §7)
struct acl_rights {
    string_value text = string_value::nil();
    /// Whether right `r` (a letter of RFC 4314 §2.1, e.g. 'l', 'r', 'w'; or 'c'/'d', the
    /// RFC 2086 virtual rights of §2.1.1) is in the set. Rights are compared exactly: the
    /// RFC allows only lowercase letters.
    constexpr bool has_right(char r) const noexcept {
        for (char c : text.chars())
            if (c == r) return true;
        return false;
    }
    constexpr bool empty() const noexcept { return text.decoded_size() == 0; }
    /// Only lowercase ASCII letters and digits, as RFC 4314 §7 requires of rights (not
    /// checked by the validators: it is a comment in the ABNF, not grammar).
    constexpr bool well_formed() const noexcept {
        for (char c : text.chars())
            if (!((c >= 'a' && c <= 'z') || chars::digit(c))) return false;
        return true;
    }
    friend constexpr bool operator==(const acl_rights&, const acl_rights&) = default;
};

namespace detail::ext {
struct rights_reader {
    using value_type = acl_rights;
    static constexpr bool read(cursor& c, value_type& out) noexcept {
        item i;
        if (!c.next(i)) return false;
        out = {as_astring(i)};
        return true;
    }
};
} // namespace detail::ext

/// A list of rights (LISTRIGHTS' optional rights: each string is a set granted together).
using rights_list = detail::ext::range<detail::ext::rights_reader>;

/// One identifier/rights pair of an ACL response.
struct acl_entry {
    string_value identifier = string_value::nil(); ///< identifier = astring (e.g. "anyone", "-Fred")
    acl_rights rights;
    friend constexpr bool operator==(const acl_entry&, const acl_entry&) = default;
};

namespace detail::ext {
struct acl_entry_reader {
    using value_type = acl_entry;
    static constexpr bool read(cursor& c, value_type& out) noexcept {
        item id, r;
        if (!c.next(id)) return false;
        out = {as_astring(id), {}};
        if (c.next(r)) out.rights = {as_astring(r)};
        return true;
    }
};
} // namespace detail::ext

/// acl-data = "ACL" SP mailbox *(SP identifier SP rights)                  (RFC 4314 §7)
/// The pairs after the mailbox (mailbox_ext_data::args).
class acl_entries : public detail::ext::range<detail::ext::acl_entry_reader> {
public:
    using range::range;
    static constexpr acl_entries from_args(const value_list& args) noexcept { return acl_entries(args.text()); }
    /// The entry for `identifier` (compared exactly: identifiers are SASLprep'd names).
    constexpr std::optional<acl_entry> find(std::string_view identifier) const noexcept {
        for (auto e : *this)
            if (e.identifier.equals(identifier)) return e;
        return std::nullopt;
    }
};

/// listrights-data = "LISTRIGHTS" SP mailbox SP identifier SP rights *(SP rights)
///                                                                          (RFC 4314 §7)
struct listrights_view {
    string_value identifier = string_value::nil();
    acl_rights required;    ///< always granted (possibly empty)
    rights_list optional;   ///< each may be granted; rights in one string are tied together

    /// From LISTRIGHTS' arguments after the mailbox (mailbox_ext_data::args).
    static constexpr listrights_view from_args(const value_list& args) noexcept {
        listrights_view v;
        detail::ext::cursor c(args.text());
        detail::ext::item id, req;
        if (c.next(id)) v.identifier = detail::ext::as_astring(id);
        if (c.next(req)) v.required = {detail::ext::as_astring(req)};
        auto rest = c.rest();
        while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        v.optional = rights_list(rest);
        return v;
    }
    friend constexpr bool operator==(const listrights_view&, const listrights_view&) = default;
};

/// myrights-data = "MYRIGHTS" SP mailbox SP rights                          (RFC 4314 §7)
/// The rights, from MYRIGHTS' arguments after the mailbox.
MAILWIRE_LAZY constexpr acl_rights myrights_of(const value_list& args) noexcept {
    detail::ext::cursor c(args.text());
    detail::ext::item r;
    if (!c.next(r)) return {};
    return {detail::ext::as_astring(r)};
}

/// entry-value = entry SP value; value = nstring / literal8              (RFC 5464 §5)
struct metadata_entry {
    string_value entry = string_value::nil(); ///< e.g. "/shared/comment"
    string_value value = string_value::nil(); ///< NIL: the entry has no value; literal8 allowed
    friend constexpr bool operator==(const metadata_entry&, const metadata_entry&) = default;
};

namespace detail::ext {
struct metadata_entry_reader {
    using value_type = metadata_entry;
    static constexpr bool read(cursor& c, value_type& out) noexcept {
        item e, v;
        if (!c.next(e)) return false;
        out = {as_astring(e), c.next(v) ? v.v.str : string_value::nil()};
        return true;
    }
};
} // namespace detail::ext

using metadata_entries = detail::ext::range<detail::ext::metadata_entry_reader>;

/// Which form a METADATA response has.
enum class metadata_form : std::uint8_t {
    entry_values, ///< "(" entry SP value ... ")": the answer to GETMETADATA
    entry_list,   ///< entry *(SP entry): unsolicited, the entries changed (RFC 5464 §4.4.2)
};

/// metadata-resp = "METADATA" SP mailbox SP (entry-values / entry-list)   (RFC 5464 §5)
class metadata_view {
public:
    constexpr metadata_view() noexcept = default;
    /// From METADATA's arguments after the mailbox (mailbox_ext_data::args).
    static constexpr metadata_view from_args(const value_list& args) noexcept {
        metadata_view m;
        detail::ext::cursor c(args.text());
        detail::ext::item first;
        if (c.next(first) && first.v.is_list()) {
            m.form_ = metadata_form::entry_values;
            m.text_ = first.v.items.text();
        } else {
            m.form_ = metadata_form::entry_list;
            m.text_ = args.text();
        }
        return m;
    }
    constexpr metadata_form form() const noexcept { return form_; }
    constexpr bool has_values() const noexcept { return form_ == metadata_form::entry_values; }
    /// entry-values: the entries and their values (empty for entry-list).
    constexpr metadata_entries values() const noexcept { return has_values() ? metadata_entries(text_) : metadata_entries(); }
    /// entry-list: the entry names (empty for entry-values: iterate values()).
    constexpr string_list entries() const noexcept { return has_values() ? string_list() : string_list(text_); }
    /// The value of `entry` (entry names are case-insensitive, RFC 5464 §3.2), or nullopt;
    /// entry-values only.
    constexpr std::optional<string_value> find(std::string_view entry) const noexcept {
        for (auto e : values())
            if (e.entry.iequals(entry)) return e.value;
        return std::nullopt;
    }
    friend constexpr bool operator==(const metadata_view& a, const metadata_view& b) noexcept {
        if (a.form_ != b.form_) return false;
        if (a.has_values()) return a.values() == b.values();
        return string_list(a.text_) == string_list(b.text_);
    }

private:
    metadata_form form_ = metadata_form::entry_list;
    std::string_view text_;
};

// ---- validators --------------------------------------------------------------------------

namespace detail::ext {

/// Bytes a token may hold beyond `set`: 8-bit ones, which the generic reader accepted only
/// in lenient mode (a documented quirk); strict_violation in strict mode, as there.
MAILWIRE_LAZY constexpr result<void> token_chars(const item& i, chars::char_set set, const where& w, const parse_options& opts,
                                   std::string_view expected) noexcept {
    for (std::size_t k = 0; k < i.raw.size(); ++k) {
        const char c = i.raw[k];
        if (static_cast<unsigned char>(c) >= 0x80) {
            if (opts.strict())
                return fail(errc::strict_violation, w.at(i.raw.data() + k), "7-bit token (8-bit bytes are a server quirk)");
            continue;
        }
        if (!set(c)) return fail(errc::invalid_syntax, w.at(i.raw.data() + k), expected);
    }
    return {};
}

/// string = quoted / literal                                               (RFC 9051 §9)
MAILWIRE_LAZY constexpr result<void> string(const item& i, const where& w, std::string_view expected = "string") noexcept {
    if (i.v.kind != value_kind::string || i.v.str.form == string_form::literal8) return fail(errc::invalid_syntax, w.at(i), expected);
    return {};
}

/// nstring = string / nil                                                  (RFC 9051 §9)
MAILWIRE_LAZY constexpr result<void> nstring(const item& i, const where& w, std::string_view expected = "nstring") noexcept {
    if (i.v.is_nil()) return {};
    return string(i, w, expected);
}

/// astring = 1*ASTRING-CHAR / string                                      (RFC 9051 §9)
/// (a NIL is the atom "NIL" here)
MAILWIRE_LAZY constexpr result<void> astring(const item& i, const where& w, const parse_options& opts,
                               std::string_view expected = "astring") noexcept {
    switch (i.v.kind) {
    case value_kind::string: return string(i, w, expected);
    case value_kind::list: return fail(errc::invalid_syntax, w.at(i), expected);
    default: return token_chars(i, chars::astring_char, w, opts, expected);
    }
}

/// atom = 1*ATOM-CHAR                                                      (RFC 9051 §9)
MAILWIRE_LAZY constexpr result<void> atom(const item& i, const where& w, const parse_options& opts, std::string_view expected = "atom") noexcept {
    if (i.v.kind == value_kind::string || i.v.kind == value_kind::list) return fail(errc::invalid_syntax, w.at(i), expected);
    return token_chars(i, chars::atom_char, w, opts, expected);
}

/// number64 = 1*DIGIT ; unsigned 63-bit integer                           (RFC 9051 §9)
MAILWIRE_LAZY constexpr result<void> number64(const item& i, const where& w, std::string_view expected = "number64") noexcept {
    if (i.v.kind == value_kind::string || i.v.kind == value_kind::list || i.raw.empty())
        return fail(errc::invalid_syntax, w.at(i), expected);
    for (std::size_t k = 0; k < i.raw.size(); ++k)
        if (!chars::digit(i.raw[k])) return fail(errc::invalid_syntax, w.at(i.raw.data() + k), expected);
    if (!parse_number64(i.raw)) return fail(errc::number_out_of_range, w.at(i), expected);
    return {};
}

/// After the last item of a rule: nothing more in the list.
MAILWIRE_LAZY constexpr result<void> no_more(cursor& c, const where& w, std::string_view expected) noexcept {
    item extra;
    if (c.next(extra)) return fail(errc::invalid_syntax, w.at(extra), expected);
    return {};
}

/// namespace-response-extension = SP string SP "(" string *(SP string) ")"  (RFC 9051 §9)
MAILWIRE_LAZY constexpr result<void> namespace_response_extension(const item& name, cursor& c, std::string_view list_text,
                                                    const where& w) noexcept {
    if (auto r = string(name, w, "namespace-response-extension name (string)"); !r) return r;
    item list;
    if (!c.next(list)) return fail(errc::invalid_syntax, w.end_of(list_text), "SP \"(\" string *(SP string) \")\"");
    if (!list.v.is_list()) return fail(errc::invalid_syntax, w.at(list), "\"(\" string *(SP string) \")\"");
    cursor in(list.v.items.text());
    item s;
    if (!in.next(s)) return fail(errc::invalid_syntax, w.end_of(list.v.items.text()), "string");
    do {
        if (auto r = string(s, w); !r) return r;
    } while (in.next(s));
    return {};
}

} // namespace detail::ext

namespace rules {

/// namespace-response-extensions = *namespace-response-extension          (RFC 9051 §9)
/// namespace-response-extension = SP string SP "(" string *(SP string) ")"
/// `exts`: the items of a namespace-descr after its delimiter.
MAILWIRE_LAZY constexpr result<void> validate_namespace_response_extensions(const value_list& exts, std::size_t at, std::string_view input,
                                                              const parse_options& = {}) noexcept {
    const detail::ext::where w{input, at};
    detail::ext::cursor c(exts.text());
    detail::ext::item name;
    while (c.next(name))
        if (auto r = detail::ext::namespace_response_extension(name, c, exts.text(), w); !r) return r;
    return {};
}

/// namespace-descr = "(" string SP (DQUOTE QUOTED-CHAR DQUOTE / nil)
///                   [namespace-response-extensions] ")"      (RFC 9051 §9; RFC 2342 §6)
/// The delimiter is one QUOTED-CHAR in a quoted string (a UTF-8 character counts as one);
/// a literal or a longer string is invalid_syntax in both modes. `at`: the "(".
MAILWIRE_LAZY constexpr result<void> validate_namespace_descr(const value& descr, std::size_t at, std::string_view input,
                                                const parse_options& opts = {}) noexcept {
    const detail::ext::where w{input, at};
    if (!descr.is_list()) return fail(errc::invalid_syntax, at, "namespace-descr (\"(\" string SP delimiter \")\")");
    const auto text = descr.items.text();
    detail::ext::cursor c(text);
    detail::ext::item prefix, delim;
    if (!c.next(prefix)) return fail(errc::invalid_syntax, w.end_of(text), "namespace-descr prefix (string)");
    if (auto r = detail::ext::string(prefix, w, "namespace-descr prefix (string)"); !r) return r;
    if (!c.next(delim)) return fail(errc::invalid_syntax, w.end_of(text), "SP hierarchy delimiter (DQUOTE QUOTED-CHAR DQUOTE / nil)");
    if (!delim.v.is_nil()) {
        constexpr std::string_view want = "hierarchy delimiter (DQUOTE QUOTED-CHAR DQUOTE / nil)";
        if (delim.v.kind != value_kind::string || delim.v.str.form != string_form::quoted) return fail(errc::invalid_syntax, w.at(delim), want);
        const auto& d = delim.v.str;
        const std::size_t n = d.decoded_size();
        const bool one_char = n == 1 || (!d.escaped && n > 1 && utf8::next(d.text, 0).len == d.text.size());
        if (!one_char) return fail(errc::invalid_syntax, w.at(delim), want);
    }
    auto rest = c.rest();
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    return validate_namespace_response_extensions(value_list::make(rest, opts.mode), w.at(rest.data()), input, opts);
}

/// namespace = nil / "(" 1*namespace-descr ")"               (RFC 9051 §9; RFC 2342 §6)
/// Lenient mode also accepts "()" for NIL (a quirk the project brief lists) and SP between
/// namespace-descrs (the stray-SP family; RFC 9051 §7.3.3 / RFC 2342 §5 Example 4 fold
/// their line there). Strict: strict_violation. `at`: the offset of the value.
MAILWIRE_LAZY constexpr result<void> validate_namespace(const value& ns, std::size_t at, std::string_view input,
                                          const parse_options& opts = {}) noexcept {
    if (ns.is_nil()) return {};
    if (!ns.is_list()) return fail(errc::invalid_syntax, at, "namespace (NIL or a list)");
    if (ns.items.empty()) {
        if (opts.strict()) return fail(errc::strict_violation, at, "namespace (\"()\" for NIL is a server quirk)");
        return {};
    }
    const detail::ext::where w{input, at};
    detail::ext::cursor c(ns.items.text());
    detail::ext::item d;
    for (bool first = true; c.next(d); first = false) {
        if (!first && opts.strict() && d.raw.data()[-1] == ' ')
            return fail(errc::strict_violation, w.at(d.raw.data() - 1), "namespace-descr (SP between namespace-descrs is a server quirk)");
        if (auto r = validate_namespace_descr(d.v, w.at(d), input, opts); !r) return r;
    }
    return {};
}

/// id-params-list ::= "(" #(string SPACE nstring) ")" / nil                  (RFC 2971 §4)
/// RFC 2971 writes "#" (an RFC 822 list) but separates the pairs with SP, as in its §3
/// examples and in every server; read as "(" [string SP nstring *(SP string SP nstring)] ")".
/// An odd count is invalid_syntax at the ")". The §3.3 limits (30 octets per field, 1024 per
/// value, 30 pairs) bind the sender and are not checked. `at`: the offset of the value.
MAILWIRE_LAZY constexpr result<void> validate_id_params_list(const value& params, std::size_t at, std::string_view input,
                                               const parse_options& = {}) noexcept {
    if (params.is_nil()) return {};
    if (!params.is_list()) return fail(errc::invalid_syntax, at, "id-params-list (\"(\" *(string SP nstring) \")\" / nil)");
    const detail::ext::where w{input, at};
    const auto text = params.items.text();
    detail::ext::cursor c(text);
    detail::ext::item field, val;
    while (c.next(field)) {
        if (auto r = detail::ext::string(field, w, "ID field (string)"); !r) return r;
        if (!c.next(val)) return fail(errc::invalid_syntax, w.end_of(text), "SP ID value (nstring)");
        if (auto r = detail::ext::nstring(val, w, "ID value (nstring)"); !r) return r;
    }
    return {};
}

/// quota-resource = resource-name SP resource-usage SP resource-limit    (RFC 9208 §7)
/// resource-name = "STORAGE" / "MESSAGE" / "MAILBOX" / "ANNOTATION-STORAGE" / atom
/// resource-usage = number64;  resource-limit = number64
/// `triplets`: the text inside a quota-list; validates every triplet in it. `at`: where
/// that text starts.
MAILWIRE_LAZY constexpr result<void> validate_quota_resource(std::string_view triplets, std::size_t at, std::string_view input,
                                               const parse_options& opts = {}) noexcept {
    const detail::ext::where w{input, at};
    detail::ext::cursor c(triplets);
    detail::ext::item name, usage, limit;
    while (c.next(name)) {
        if (auto r = detail::ext::atom(name, w, opts, "resource-name (atom)"); !r) return r;
        if (!c.next(usage)) return fail(errc::invalid_syntax, w.end_of(triplets), "SP resource-usage (number64)");
        if (auto r = detail::ext::number64(usage, w, "resource-usage (number64)"); !r) return r;
        if (!c.next(limit)) return fail(errc::invalid_syntax, w.end_of(triplets), "SP resource-limit (number64)");
        if (auto r = detail::ext::number64(limit, w, "resource-limit (number64)"); !r) return r;
    }
    return {};
}

/// quota-list = "(" quota-resource *(SP quota-resource) ")"                 (RFC 9208 §7)
/// "()" is accepted in both modes: RFC 9208 §4.2.1 says the list holds "zero or more
/// triplets" and "an empty list means there are no administrative resource limits", and
/// RFC 2087 §5.1 has "(" #quota_usage ")"; the 1* of the §7 ABNF contradicts its prose.
MAILWIRE_LAZY constexpr result<void> validate_quota_list(const value& list, std::size_t at, std::string_view input,
                                           const parse_options& opts = {}) noexcept {
    if (!list.is_list()) return fail(errc::invalid_syntax, at, "quota-list (\"(\" quota-resource *(SP quota-resource) \")\")");
    return validate_quota_resource(list.items.text(), at + 1, input, opts);
}

/// quota-response = "QUOTA" SP quota-root-name SP quota-list               (RFC 9208 §7)
/// `args`: what follows the quota-root-name (mailbox_ext_data::args); `at`: its offset.
MAILWIRE_LAZY constexpr result<void> validate_quota_response(const value_list& args, std::size_t at, std::string_view input,
                                               const parse_options& opts = {}) noexcept {
    const detail::ext::where w{input, at};
    detail::ext::cursor c(args.text());
    detail::ext::item list;
    if (!c.next(list)) return fail(errc::invalid_syntax, w.end_of(args.text()), "SP quota-list");
    if (auto r = validate_quota_list(list.v, w.at(list), input, opts); !r) return r;
    return detail::ext::no_more(c, w, "end of QUOTA response (one quota-list)");
}

/// quotaroot-response = "QUOTAROOT" SP mailbox *(SP quota-root-name)       (RFC 9208 §7)
/// quota-root-name = astring.  `args`: what follows the mailbox.
MAILWIRE_LAZY constexpr result<void> validate_quotaroot_response(const value_list& args, std::size_t at, std::string_view input,
                                                   const parse_options& opts = {}) noexcept {
    const detail::ext::where w{input, at};
    detail::ext::cursor c(args.text());
    detail::ext::item root;
    while (c.next(root))
        if (auto r = detail::ext::astring(root, w, opts, "quota-root-name (astring)"); !r) return r;
    return {};
}

/// acl-data = "ACL" SP mailbox *(SP identifier SP rights)                   (RFC 4314 §7)
/// identifier = astring; rights = astring.  `args`: what follows the mailbox. An identifier
/// without rights is invalid_syntax at the line end.
MAILWIRE_LAZY constexpr result<void> validate_acl_data(const value_list& args, std::size_t at, std::string_view input,
                                         const parse_options& opts = {}) noexcept {
    const detail::ext::where w{input, at};
    detail::ext::cursor c(args.text());
    detail::ext::item id, rights;
    while (c.next(id)) {
        if (auto r = detail::ext::astring(id, w, opts, "identifier (astring)"); !r) return r;
        if (!c.next(rights)) return fail(errc::invalid_syntax, w.end_of(args.text()), "SP rights");
        if (auto r = detail::ext::astring(rights, w, opts, "rights (astring)"); !r) return r;
    }
    return {};
}

/// listrights-data = "LISTRIGHTS" SP mailbox SP identifier SP rights *(SP rights)
///                                                                          (RFC 4314 §7)
/// `args`: what follows the mailbox.
MAILWIRE_LAZY constexpr result<void> validate_listrights_data(const value_list& args, std::size_t at, std::string_view input,
                                                const parse_options& opts = {}) noexcept {
    const detail::ext::where w{input, at};
    detail::ext::cursor c(args.text());
    detail::ext::item i;
    if (!c.next(i)) return fail(errc::invalid_syntax, w.end_of(args.text()), "SP identifier");
    if (auto r = detail::ext::astring(i, w, opts, "identifier (astring)"); !r) return r;
    if (!c.next(i)) return fail(errc::invalid_syntax, w.end_of(args.text()), "SP rights (the required rights)");
    do {
        if (auto r = detail::ext::astring(i, w, opts, "rights (astring)"); !r) return r;
    } while (c.next(i));
    return {};
}

/// myrights-data = "MYRIGHTS" SP mailbox SP rights                          (RFC 4314 §7)
/// `args`: what follows the mailbox.
MAILWIRE_LAZY constexpr result<void> validate_myrights_data(const value_list& args, std::size_t at, std::string_view input,
                                              const parse_options& opts = {}) noexcept {
    const detail::ext::where w{input, at};
    detail::ext::cursor c(args.text());
    detail::ext::item i;
    if (!c.next(i)) return fail(errc::invalid_syntax, w.end_of(args.text()), "SP rights");
    if (auto r = detail::ext::astring(i, w, opts, "rights (astring)"); !r) return r;
    return detail::ext::no_more(c, w, "end of MYRIGHTS response (one rights)");
}

/// entry-values = "(" entry-value *(SP entry-value) ")"                     (RFC 5464 §5)
/// entry-value = entry SP value;  entry = astring;  value = nstring / literal8
/// (entry's "MUST NOT contain "*" or "%"" is a comment, not grammar: not checked.)
MAILWIRE_LAZY constexpr result<void> validate_entry_values(const value& list, std::size_t at, std::string_view input,
                                             const parse_options& opts = {}) noexcept {
    if (!list.is_list()) return fail(errc::invalid_syntax, at, "entry-values (\"(\" entry SP value ... \")\")");
    const detail::ext::where w{input, at};
    const auto text = list.items.text();
    detail::ext::cursor c(text);
    detail::ext::item entry, val;
    if (!c.next(entry)) return fail(errc::invalid_syntax, w.end_of(text), "entry-value (entry SP value)");
    do {
        if (auto r = detail::ext::astring(entry, w, opts, "entry (astring)"); !r) return r;
        if (!c.next(val)) return fail(errc::invalid_syntax, w.end_of(text), "SP value (nstring / literal8)");
        const bool ok = val.v.is_nil() || val.v.kind == value_kind::string; // string or literal8
        if (!ok) return fail(errc::invalid_syntax, w.at(val), "value (nstring / literal8)");
    } while (c.next(entry));
    return {};
}

/// entry-list = entry *(SP entry);  entry = astring                         (RFC 5464 §5)
MAILWIRE_LAZY constexpr result<void> validate_entry_list(const value_list& entries, std::size_t at, std::string_view input,
                                           const parse_options& opts = {}) noexcept {
    const detail::ext::where w{input, at};
    detail::ext::cursor c(entries.text());
    detail::ext::item e;
    if (!c.next(e)) return fail(errc::invalid_syntax, w.end_of(entries.text()), "entry");
    do {
        if (auto r = detail::ext::astring(e, w, opts, "entry (astring)"); !r) return r;
    } while (c.next(e));
    return {};
}

/// metadata-resp = "METADATA" SP mailbox SP (entry-values / entry-list)    (RFC 5464 §5)
/// `args`: what follows the mailbox. A list first means entry-values, which must then be
/// all; anything else is an entry-list, where a list is invalid_syntax (mixed forms).
MAILWIRE_LAZY constexpr result<void> validate_metadata_resp(const value_list& args, std::size_t at, std::string_view input,
                                              const parse_options& opts = {}) noexcept {
    const detail::ext::where w{input, at};
    detail::ext::cursor c(args.text());
    detail::ext::item first;
    if (!c.next(first)) return fail(errc::invalid_syntax, w.end_of(args.text()), "SP entry-values / entry-list");
    if (first.v.is_list()) {
        if (auto r = validate_entry_values(first.v, w.at(first), input, opts); !r) return r;
        return detail::ext::no_more(c, w, "end of METADATA response (entry-values is the last item)");
    }
    return validate_entry_list(args, at, input, opts);
}

} // namespace rules

// ---- builders ----------------------------------------------------------------------------
// For a server building these responses: append the generic value text of the arguments
// to a container of char with push_back (e.g. a std::string), then value_list::parse() it into
// mailbox_ext_data::args. Each refuses (unsafe_value) what would not re-parse as itself.

namespace detail::ext {

/// An astring to write: any writable form but NIL (as an astring NIL would be the atom).
MAILWIRE_LAZY constexpr result<void> check_astring(const string_value& v) noexcept {
    if (v.is_nil() || v.form == string_form::literal8) return unsafe("astring (atom, quoted or literal)");
    return check_writable(v);
}
} // namespace detail::ext

/// quota-list = "(" quota-resource *(SP quota-resource) ")"                 (RFC 9208 §7)
/// Appends "(NAME usage limit ...)"; names must be atoms, numbers at most 2^63-1.
template <class Out>
result<void> append_quota_list(Out& out, std::span<const quota_usage> resources) {
    for (const auto& r : resources) {
        if (r.name.empty() || !chars::atom_char.all_of(r.name) || chars::iequals(r.name, "NIL"))
            return unsafe("resource-name (atom)");
        if (r.usage > static_cast<std::uint64_t>(INT64_MAX) || r.limit > static_cast<std::uint64_t>(INT64_MAX))
            return unsafe("number64 (at most 9223372036854775807)");
    }
    auto it = std::back_inserter(out);
    *it++ = '(';
    bool first = true;
    for (const auto& r : resources) {
        if (!first) *it++ = ' ';
        first = false;
        it = fmt::format_to(it, "{} {} {}", r.name, r.usage, r.limit);
    }
    *it++ = ')';
    return {};
}

/// *(SP identifier SP rights) of acl-data, without the leading SP      (RFC 4314 §7)
template <class Out>
result<void> append_acl_entries(Out& out, std::span<const acl_entry> entries) {
    for (const auto& e : entries) {
        if (auto ok = detail::ext::check_astring(e.identifier); !ok) return ok;
        if (auto ok = detail::ext::check_astring(e.rights.text); !ok) return ok;
    }
    auto it = std::back_inserter(out);
    bool first = true;
    for (const auto& e : entries) {
        if (!first) *it++ = ' ';
        first = false;
        it = detail::write_response_string(it, e.identifier);
        *it++ = ' ';
        it = detail::write_response_string(it, e.rights.text);
    }
    return {};
}

/// entry-values = "(" entry-value *(SP entry-value) ")"                     (RFC 5464 §5)
/// Values are nstring / literal8: quoted, literal, literal8 or NIL (never an atom).
template <class Out>
result<void> append_entry_values(Out& out, std::span<const metadata_entry> entries) {
    if (entries.empty()) return unsafe("entry-values: at least one entry-value");
    for (const auto& e : entries) {
        if (auto ok = detail::ext::check_astring(e.entry); !ok) return ok;
        if (e.value.form == string_form::atom) return unsafe("metadata value (nstring / literal8, not an atom)");
        if (auto ok = check_writable(e.value); !ok) return ok;
    }
    auto it = std::back_inserter(out);
    *it++ = '(';
    bool first = true;
    for (const auto& e : entries) {
        if (!first) *it++ = ' ';
        first = false;
        it = detail::write_response_string(it, e.entry);
        *it++ = ' ';
        it = detail::write_response_string(it, e.value);
    }
    *it++ = ')';
    return {};
}

} // namespace mailwire::imap
