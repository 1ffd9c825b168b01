// Message sequence number and UID sets (RFC 9051 §9), with the SEARCHRES "$" marker
// (RFC 5182 §3, RFC 9051 §6.4.4.1).
//
// A parsed sequence_set is its validated text and nothing else: iterating it re-reads
// the text, so neither parsing nor iteration allocates. The text is canonical (nz-number
// has no leading zeros), so equal sets of items have equal text.
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

/// seq-number: an nz-number, or "*" (the largest number in use), held as 0.
struct seq_number {
    std::uint32_t value = 0; ///< 0 means "*"

    static constexpr seq_number star() noexcept { return {}; }
    constexpr bool is_star() const noexcept { return value == 0; }
    /// The number, with "*" standing for `largest` (messages in the mailbox, or the
    /// highest UID; RFC 9051 §9 seq-number).
    constexpr std::uint32_t resolve(std::uint32_t largest) const noexcept { return is_star() ? largest : value; }
    friend constexpr bool operator==(const seq_number&, const seq_number&) = default;
};

/// seq-range: two seq-numbers and everything between them, in either order.
struct seq_range {
    seq_number first;
    seq_number last;

    constexpr bool contains(std::uint32_t n, std::uint32_t largest) const noexcept {
        std::uint32_t a = first.resolve(largest), b = last.resolve(largest);
        if (a > b) { const auto t = a; a = b; b = t; }
        return n != 0 && a <= n && n <= b;
    }
    friend constexpr bool operator==(const seq_range&, const seq_range&) = default;
};

/// What one comma-separated element of a sequence-set is.
enum class seq_kind : std::uint8_t {
    number,      ///< seq-number
    range,       ///< seq-range
    last_result, ///< "$" (RFC 5182): the saved SEARCH result, unknown to the parser
};

/// One element of a sequence set; for `number`, first == last.
struct seq_item {
    seq_kind kind = seq_kind::number;
    seq_number first;
    seq_number last;

    /// False for "$": its members are known only to the session.
    constexpr bool contains(std::uint32_t n, std::uint32_t largest) const noexcept {
        return kind != seq_kind::last_result && seq_range{first, last}.contains(n, largest);
    }
    friend constexpr bool operator==(const seq_item&, const seq_item&) = default;
};

class sequence_set;
namespace detail { struct sequence_set_access; }

/// A validated sequence-set, kept as text. Build one by parsing (rules::sequence_set or
/// sequence_set::parse); a default-constructed set is empty and not writable.
class sequence_set {
public:
    class iterator {
    public:
        using value_type = seq_item;
        using difference_type = std::ptrdiff_t;
        using reference = seq_item;
        using pointer = void;
        using iterator_category = std::forward_iterator_tag;

        constexpr iterator() noexcept = default;
        constexpr explicit iterator(std::string_view rest) noexcept : rest_(rest) { read(); }
        constexpr seq_item operator*() const noexcept { return item_; }
        constexpr iterator& operator++() noexcept {
            rest_ = rest_.substr(len_);
            if (!rest_.empty() && rest_.front() == ',') rest_.remove_prefix(1);
            read();
            return *this;
        }
        constexpr iterator operator++(int) noexcept { iterator t = *this; ++*this; return t; }
        friend constexpr bool operator==(const iterator& a, const iterator& b) noexcept {
            return a.rest_.data() + a.rest_.size() == b.rest_.data() + b.rest_.size() && a.rest_.size() == b.rest_.size();
        }

    private:
        // The text is validated; the bounds checks only keep a hostile default safe.
        constexpr std::size_t number_at(std::size_t i, seq_number& out) const noexcept {
            if (i < rest_.size() && rest_[i] == '*') { out = seq_number::star(); return i + 1; }
            std::uint32_t v = 0;
            while (i < rest_.size() && chars::digit(rest_[i])) {
                v = v * 10 + static_cast<std::uint32_t>(rest_[i] - '0');
                ++i;
            }
            out = seq_number{v};
            return i;
        }
        constexpr void read() noexcept {
            item_ = {};
            len_ = 0;
            if (rest_.empty()) return;
            if (rest_.front() == '$') { item_.kind = seq_kind::last_result; len_ = 1; return; }
            std::size_t i = number_at(0, item_.first);
            item_.last = item_.first;
            if (i < rest_.size() && rest_[i] == ':') {
                item_.kind = seq_kind::range;
                i = number_at(i + 1, item_.last);
            }
            len_ = i == 0 ? rest_.size() : i; // never loop on unexpected bytes
        }
        std::string_view rest_;
        seq_item item_{};
        std::size_t len_ = 0;
    };

    constexpr sequence_set() noexcept = default;

    /// The whole of `text` as a sequence-set.
    static constexpr result<sequence_set> parse(std::string_view text, const parse_options& opts = {}) noexcept;

    constexpr std::string_view text() const noexcept { return text_; }
    constexpr bool empty() const noexcept { return text_.empty(); }
    constexpr iterator begin() const noexcept { return iterator(text_); }
    constexpr iterator end() const noexcept { return iterator(text_.substr(text_.size())); }
    /// Number of comma-separated elements.
    constexpr std::size_t size() const noexcept {
        return mailwire::detail::count_elements(*this);
    }
    /// Exactly "$".
    constexpr bool is_last_result() const noexcept { return text_ == "$"; }
    /// Some element is "$".
    constexpr bool has_last_result() const noexcept {
        for (auto item : *this)
            if (item.kind == seq_kind::last_result) return true;
        return false;
    }
    /// Whether `n` is in the set, "*" standing for `largest`. "$" elements match nothing
    /// here: the caller substitutes the saved result.
    constexpr bool contains(std::uint32_t n, std::uint32_t largest) const noexcept {
        for (auto item : *this)
            if (item.contains(n, largest)) return true;
        return false;
    }
    friend constexpr bool operator==(const sequence_set&, const sequence_set&) = default;

private:
    friend struct detail::sequence_set_access;
    constexpr explicit sequence_set(std::string_view t) noexcept : text_(t) {}
    std::string_view text_;
};

namespace detail {
struct sequence_set_access {
    static constexpr sequence_set make(std::string_view t) noexcept { return sequence_set(t); }
};
} // namespace detail

namespace rules {

/// seq-number = nz-number / "*"                              (RFC 9051 §9; same in RFC 3501)
/// Zero is number_out_of_range, a leading zero invalid_syntax (core nz_number).
MAILWIRE_LAZY constexpr result<imap::seq_number> seq_number(scanner& s) noexcept {
    if (s.consume('*')) return imap::seq_number::star();
    if (!chars::digit(s.peek()) || s.at_end()) return s.error(errc::invalid_syntax, "seq-number");
    auto n = nz_number(s);
    if (!n) return n.error();
    return imap::seq_number{*n};
}

/// seq-range = seq-number ":" seq-number                     (RFC 9051 §9; same in RFC 3501)
MAILWIRE_LAZY constexpr result<imap::seq_range> seq_range(scanner& s) noexcept {
    auto a = seq_number(s);
    if (!a) return a.error();
    if (!s.consume(':')) return s.error(errc::invalid_syntax, "\":\"");
    auto b = seq_number(s);
    if (!b) return b.error();
    return imap::seq_range{*a, *b};
}

/// sequence-set     = (seq-number / seq-range) ["," sequence-set]     (RFC 9051 §9)
/// sequence-set     =/ seq-last-command
/// seq-last-command = "$"                                   (RFC 5182 §3, RFC 9051 §9)
/// Following the RFC 9051 recursion, "$" may be the last element ("1,$") but nothing
/// follows it; RFC 3501's `*("," sequence-set)` would also allow "$,1", which no
/// example uses. Empty elements and a trailing comma are invalid_syntax where the
/// element is missing; more than opts.max_list elements is limit_exceeded.
MAILWIRE_LAZY constexpr result<imap::sequence_set> sequence_set(scanner& s, const parse_options& opts = {}) noexcept {
    const std::size_t start = s.pos();
    std::size_t count = 0;
    for (;;) {
        if (++count > opts.max_list) return s.error(errc::limit_exceeded, "sequence-set within max_list");
        if (s.consume('$')) break;
        auto a = seq_number(s);
        if (!a) return a.error();
        if (s.consume(':')) {
            auto b = seq_number(s);
            if (!b) return b.error();
        }
        if (!s.consume(',')) break;
    }
    return imap::detail::sequence_set_access::make(s.since(start));
}

} // namespace rules

constexpr result<sequence_set> sequence_set::parse(std::string_view text, const parse_options& opts) noexcept {
    return parse_all(text, [&](scanner& s) { return rules::sequence_set(s, opts); });
}

MAILWIRE_LAZY constexpr result<void> check_writable(const seq_number&) noexcept { return {}; }
MAILWIRE_LAZY constexpr result<void> check_writable(const seq_range&) noexcept { return {}; }
MAILWIRE_LAZY constexpr result<void> check_writable(const seq_item&) noexcept { return {}; }
MAILWIRE_LAZY constexpr result<void> check_writable(const sequence_set& s) noexcept {
    if (s.empty()) return unsafe("sequence-set: at least one element");
    return {};
}

} // namespace mailwire::imap

template <>
struct fmt::formatter<mailwire::imap::seq_number> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::seq_number& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose)
            return v.is_star() ? fmt::format_to(ctx.out(), "seq-number *") : fmt::format_to(ctx.out(), "seq-number {}", v.value);
        return v.is_star() ? fmt::format_to(ctx.out(), "*") : fmt::format_to(ctx.out(), "{}", v.value);
    }
};

template <>
struct fmt::formatter<mailwire::imap::seq_range> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::seq_range& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        auto out = ctx.out();
        if (pres == mailwire::presentation::verbose) out = fmt::format_to(out, "seq-range ");
        return fmt::format_to(out, "{}:{}", v.first, v.last);
    }
};

template <>
struct fmt::formatter<mailwire::imap::seq_item> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::seq_item& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        using mailwire::imap::seq_kind;
        switch (v.kind) {
        case seq_kind::last_result: return fmt::format_to(ctx.out(), "$");
        case seq_kind::range: return fmt::format_to(ctx.out(), "{}:{}", v.first, v.last);
        case seq_kind::number: break;
        }
        return fmt::format_to(ctx.out(), "{}", v.first);
    }
};

template <>
struct fmt::formatter<mailwire::imap::sequence_set> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::sequence_set& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose) {
            auto out = fmt::format_to(ctx.out(), "sequence-set [");
            bool first = true;
            for (auto item : v) {
                if (!first) out = fmt::format_to(out, ", ");
                first = false;
                out = fmt::format_to(out, "{}", item);
            }
            return fmt::format_to(out, "]");
        }
        if (v.empty()) mailwire::refuse_unsafe_write("empty sequence-set");
        return fmt::format_to(ctx.out(), "{}", v.text());
    }
};
