// Message flags (RFC 9051 §2.3.2, §9) and mailbox name attributes (RFC 9051 §7.3.1,
// RFC 5258 §3, RFC 6154 §2/§6 SPECIAL-USE).
//
// A flag is a typed kind plus the raw text it was sent as; unknown keywords and
// extensions keep their text. Flag names compare ASCII case-insensitively (RFC 9051 §9
// note 1 for the named ones; servers treat keywords the same way). Parsed lists are views
// of their text and are iterated by re-reading it, without allocation.
//
// Lenient quirks (strict_violation in strict mode, at the offending flag):
//   - "\*" in a FLAGS flag-list, where only PERMANENTFLAGS allows it: Zoho Mail
//     (djc/imap-proto#91) and GreenMail (greenmail-mail-test/greenmail#633) send it;
//   - "*" without the backslash in PERMANENTFLAGS: reported from an unnamed server in
//     mscdex/node-imap#19.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <span>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include <mailwire/core/config.hpp>
#include <mailwire/core/chars.hpp>
#include <mailwire/core/error.hpp>
#include <mailwire/core/format.hpp>
#include <mailwire/core/lazy_list.hpp>
#include <mailwire/core/options.hpp>
#include <mailwire/core/result.hpp>
#include <mailwire/core/scanner.hpp>
#include <mailwire/imap/rules/string.hpp>

namespace mailwire::imap {

// ---- flags -----------------------------------------------------------------------------

enum class flag_kind : std::uint8_t {
    answered,  ///< \Answered
    flagged,   ///< \Flagged
    deleted,   ///< \Deleted
    seen,      ///< \Seen
    draft,     ///< \Draft
    recent,    ///< \Recent (RFC 3501 flag-fetch; obsolete-flag-recent in RFC 9051)
    wildcard,  ///< \* (flag-perm: new keywords may be created)
    mdn_sent,  ///< $MDNSent   (RFC 9051 flag-keyword)
    forwarded, ///< $Forwarded
    junk,      ///< $Junk
    not_junk,  ///< $NotJunk
    phishing,  ///< $Phishing
    keyword,   ///< any other atom
    extension, ///< any other "\" atom (flag-extension)
};

/// The canonical spelling of a named kind; "" for keyword and extension.
MAILWIRE_LAZY constexpr std::string_view canonical_name(flag_kind k) noexcept {
    switch (k) {
    case flag_kind::answered: return "\\Answered";
    case flag_kind::flagged: return "\\Flagged";
    case flag_kind::deleted: return "\\Deleted";
    case flag_kind::seen: return "\\Seen";
    case flag_kind::draft: return "\\Draft";
    case flag_kind::recent: return "\\Recent";
    case flag_kind::wildcard: return "\\*";
    case flag_kind::mdn_sent: return "$MDNSent";
    case flag_kind::forwarded: return "$Forwarded";
    case flag_kind::junk: return "$Junk";
    case flag_kind::not_junk: return "$NotJunk";
    case flag_kind::phishing: return "$Phishing";
    case flag_kind::keyword:
    case flag_kind::extension: return {};
    }
    return {};
}

/// A system flag: one of the five of RFC 9051 §2.3.2, or \Recent.
MAILWIRE_LAZY constexpr bool is_system(flag_kind k) noexcept { return k <= flag_kind::recent; }

/// The kind a flag's text names ("\seen" -> seen, "$junk" -> junk, "\Foo" -> extension,
/// "foo" -> keyword, "\*" and "*" -> wildcard).
MAILWIRE_LAZY constexpr flag_kind classify_flag(std::string_view text) noexcept {
    if (text == "\\*" || text == "*") return flag_kind::wildcard;
    for (auto k : {flag_kind::answered, flag_kind::flagged, flag_kind::deleted, flag_kind::seen, flag_kind::draft,
                   flag_kind::recent, flag_kind::mdn_sent, flag_kind::forwarded, flag_kind::junk, flag_kind::not_junk,
                   flag_kind::phishing})
        if (chars::iequals(text, canonical_name(k))) return k;
    return !text.empty() && text.front() == '\\' ? flag_kind::extension : flag_kind::keyword;
}

/// One flag: its kind and its text as sent (case preserved). A flag built in code may
/// leave `text` empty for a named kind; it is then written canonically.
struct flag {
    flag_kind kind = flag_kind::keyword;
    std::string_view text;

    static constexpr flag of(flag_kind k) noexcept { return {k, {}}; }
    /// A flag for `text`, classified.
    static constexpr flag named(std::string_view text) noexcept { return {classify_flag(text), text}; }

    constexpr std::string_view name() const noexcept { return text.empty() ? canonical_name(kind) : text; }
    friend constexpr bool operator==(const flag& a, const flag& b) noexcept {
        return a.kind == b.kind && chars::iequals(a.name(), b.name());
    }
};

/// Writable when the text is a flag of the stated kind: "\" atom, an atom, or "\*" (a
/// bare "*" only for the lenient quirk it came from).
MAILWIRE_LAZY constexpr result<void> check_writable(const flag& f) noexcept {
    const std::string_view n = f.name();
    if (n.empty()) return unsafe("flag: a name (keyword and extension flags need text)");
    if (f.kind == flag_kind::wildcard) {
        if (n == "\\*" || n == "*") return {};
        return unsafe("flag: \\* spelled \"\\*\"");
    }
    const std::string_view a = n.front() == '\\' ? n.substr(1) : n;
    if (a.empty()) return unsafe("flag: atom after \"\\\"");
    const std::size_t bad = chars::atom_char.span(a);
    if (bad != a.size()) return unsafe("flag: ATOM-CHAR", bad + (n.size() - a.size()));
    if (classify_flag(n) != f.kind) return unsafe("flag: text naming its kind");
    return {};
}

/// Which element rule a flag list was parsed with.
enum class flag_rule : std::uint8_t { flag, flag_fetch, flag_perm };

class flag_list;
namespace detail { struct flag_list_access; }

namespace rules {

/// flag           = "\Answered" / "\Flagged" / "\Deleted" / "\Seen" / "\Draft" /
///                  flag-keyword / flag-extension   ; Does not include "\Recent"
/// flag-keyword   = "$MDNSent" / "$Forwarded" / "$Junk" / "$NotJunk" / "$Phishing" / atom
/// flag-extension = "\" atom                                         (RFC 9051 §9)
/// RFC 3501: flag-keyword = atom. "\Recent" is still a flag-extension by syntax and is
/// returned as flag_kind::recent. "\*" is the lenient Zoho Mail / GreenMail quirk.
MAILWIRE_LAZY constexpr result<imap::flag> flag(scanner& s, const parse_options& opts = {}) noexcept {
    const std::size_t start = s.pos();
    if (s.consume('\\')) {
        if (s.peek_is('*')) {
            if (!opts.lenient())
                return s.error_at(start, errc::strict_violation, "flag (\\* only in PERMANENTFLAGS; Zoho/GreenMail quirk)");
            s.advance();
            return imap::flag{flag_kind::wildcard, s.since(start)};
        }
        if (s.take_while(chars::atom_char).empty()) return s.error(errc::invalid_syntax, "atom after \"\\\"");
        return imap::flag::named(s.since(start));
    }
    if (s.take_while(chars::atom_char).empty()) return s.error(errc::invalid_syntax, "flag");
    return imap::flag::named(s.since(start));
}

/// flag-fetch = flag / obsolete-flag-recent
/// obsolete-flag-recent = "\Recent"                       (RFC 9051 §9; RFC 3501 flag / "\Recent")
MAILWIRE_LAZY constexpr result<imap::flag> flag_fetch(scanner& s, const parse_options& opts = {}) noexcept { return flag(s, opts); }

/// flag-perm = flag / "\*"                                  (RFC 9051 §9; same in RFC 3501)
/// A bare "*" is the lenient node-imap#19 quirk.
MAILWIRE_LAZY constexpr result<imap::flag> flag_perm(scanner& s, const parse_options& opts = {}) noexcept {
    const std::size_t start = s.pos();
    if (s.consume("\\*")) return imap::flag{flag_kind::wildcard, s.since(start)};
    if (s.peek_is('*')) {
        if (!opts.lenient()) return s.error(errc::strict_violation, "flag-perm (bare \"*\" is a server quirk)");
        s.advance();
        return imap::flag{flag_kind::wildcard, s.since(start)};
    }
    return flag(s, opts);
}

} // namespace rules

namespace detail {
MAILWIRE_LAZY constexpr result<flag> flag_element(scanner& s, flag_rule r, const parse_options& opts) noexcept {
    switch (r) {
    case flag_rule::flag: return rules::flag(s, opts);
    case flag_rule::flag_fetch: return rules::flag_fetch(s, opts);
    case flag_rule::flag_perm: return rules::flag_perm(s, opts);
    }
    return rules::flag(s, opts);
}
} // namespace detail

/// A parenthesized list of flags, kept as the text between the parentheses.
class flag_list {
public:
    class iterator {
    public:
        using value_type = flag;
        using difference_type = std::ptrdiff_t;
        using reference = flag;
        using pointer = void;
        using iterator_category = std::forward_iterator_tag;

        constexpr iterator() noexcept = default;
        constexpr iterator(std::string_view rest, const flag_list* owner) noexcept : rest_(rest), owner_(owner) { read(); }
        constexpr flag operator*() const noexcept { return cur_; }
        constexpr iterator& operator++() noexcept {
            rest_ = rest_.substr(len_);
            while (!rest_.empty() && rest_.front() == ' ') rest_.remove_prefix(1); // lenient: SP runs
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
            if (rest_.empty() || owner_ == nullptr) { rest_ = {}; return; }
            scanner s(rest_);
            auto f = detail::flag_element(s, owner_->rule_, owner_->options());
            if (!f) { rest_ = {}; return; } // only for text not made by the parser
            cur_ = *f;
            len_ = s.pos();
        }
        std::string_view rest_;
        const flag_list* owner_ = nullptr;
        flag cur_{};
        std::size_t len_ = 0;
    };

    constexpr flag_list() noexcept = default;

    /// The text between the parentheses.
    constexpr std::string_view text() const noexcept { return text_; }
    constexpr flag_rule rule() const noexcept { return rule_; }
    constexpr bool empty() const noexcept { return text_.empty(); }
    constexpr iterator begin() const noexcept { return {text_, this}; }
    constexpr iterator end() const noexcept { return {}; }
    constexpr std::size_t size() const noexcept {
        return mailwire::detail::count_elements(*this);
    }
    constexpr bool contains(flag_kind k) const noexcept {
        for (auto f : *this)
            if (f.kind == k) return true;
        return false;
    }
    constexpr bool contains(const flag& x) const noexcept {
        for (auto f : *this)
            if (f == x) return true;
        return false;
    }
    /// Element by element (so "(\SEEN)" equals "(\Seen)").
    friend constexpr bool operator==(const flag_list& a, const flag_list& b) noexcept {
        return mailwire::detail::elementwise_equal(a, b);
    }

private:
    friend struct detail::flag_list_access;
    constexpr parse_options options() const noexcept {
        parse_options o;
        o.mode = mode_;
        return o;
    }
    std::string_view text_;
    flag_rule rule_ = flag_rule::flag;
    parse_mode mode_ = parse_mode::strict;
};

namespace detail {
struct flag_list_access {
    static constexpr flag_list make(std::string_view text, flag_rule r, parse_mode m) noexcept {
        flag_list l;
        l.text_ = text;
        l.rule_ = r;
        l.mode_ = m;
        return l;
    }
};

/// "(" [element *(SP element)] ")", at most opts.max_list elements.
MAILWIRE_LAZY constexpr result<flag_list> paren_flags(scanner& s, flag_rule r, const parse_options& opts, std::string_view what) noexcept {
    if (!s.consume('(')) return s.error(errc::invalid_syntax, what);
    // Lenient: SP after "(", doubled SP and SP before ")" (SurgeMail sends "(\\Seen )",
    // chatmail/async-imap#123). The kept text has no SP at either end, and the iterator
    // steps over runs of SP, so the flags read back the same.
    if (auto sp = skip_sp_after_open(s, opts, "flag (SP after \"(\" is a server quirk)"); !sp) return sp.error();
    const std::size_t start = s.pos();
    std::size_t end = start;
    if (!s.peek_is(')')) {
        std::size_t count = 0;
        for (;;) {
            if (++count > opts.max_list) return s.error(errc::limit_exceeded, "flag list within max_list");
            auto f = flag_element(s, r, opts);
            if (!f) return f.error();
            end = s.pos();
            auto more = more_items(s, opts, ')');
            if (!more) return more.error();
            if (!*more) break;
        }
    }
    const auto text = s.input().substr(start, end - start);
    if (!s.consume(')')) return s.error(errc::invalid_syntax, "SP or \")\"");
    return flag_list_access::make(text, r, opts.mode);
}
} // namespace detail

namespace rules {

/// flag-list = "(" [flag *(SP flag)] ")"                     (RFC 9051 §9; same in RFC 3501)
MAILWIRE_LAZY constexpr result<imap::flag_list> flag_list(scanner& s, const parse_options& opts = {}) noexcept {
    return imap::detail::paren_flags(s, flag_rule::flag, opts, "flag-list");
}
/// "(" [flag-fetch *(SP flag-fetch)] ")"   ; in msg-att-dynamic FLAGS   (RFC 9051 §9)
MAILWIRE_LAZY constexpr result<imap::flag_list> flag_fetch_list(scanner& s, const parse_options& opts = {}) noexcept {
    return imap::detail::paren_flags(s, flag_rule::flag_fetch, opts, "\"(\" [flag-fetch *(SP flag-fetch)] \")\"");
}
/// "(" [flag-perm *(SP flag-perm)] ")"     ; in resp-text-code PERMANENTFLAGS (RFC 9051 §9)
MAILWIRE_LAZY constexpr result<imap::flag_list> flag_perm_list(scanner& s, const parse_options& opts = {}) noexcept {
    return imap::detail::paren_flags(s, flag_rule::flag_perm, opts, "\"(\" [flag-perm *(SP flag-perm)] \")\"");
}

} // namespace rules

/// Flags given by the caller, written "(" flag *(SP flag) ")" (for STORE, APPEND, ...).
struct flag_list_of {
    std::span<const flag> flags;
};

MAILWIRE_LAZY constexpr result<void> check_writable(const flag_list& l) noexcept {
    for (auto f : l)
        if (auto ok = check_writable(f); !ok) return ok;
    return {};
}
MAILWIRE_LAZY constexpr result<void> check_writable(const flag_list_of& l) noexcept {
    for (const auto& f : l.flags)
        if (auto ok = check_writable(f); !ok) return ok;
    return {};
}

// ---- mailbox name attributes -------------------------------------------------------------

enum class mailbox_attr_kind : std::uint8_t {
    // mbx-list-sflag: at most one per LIST response
    noselect,        ///< \Noselect
    marked,          ///< \Marked
    unmarked,        ///< \Unmarked
    nonexistent,     ///< \NonExistent (RFC 5258, RFC 9051)
    // mbx-list-oflag
    noinferiors,     ///< \Noinferiors
    has_children,    ///< \HasChildren (RFC 9051 child-mbox-flag)
    has_no_children, ///< \HasNoChildren
    subscribed,      ///< \Subscribed (RFC 5258, RFC 9051)
    remote,          ///< \Remote (RFC 5258, RFC 9051)
    // use-attr, RFC 6154 §2 (listed in RFC 9051 §7.3.1)
    all,             ///< \All
    archive,         ///< \Archive
    drafts,          ///< \Drafts
    flagged,         ///< \Flagged
    junk,            ///< \Junk
    sent,            ///< \Sent
    trash,           ///< \Trash
    extension,       ///< any other "\" atom (flag-extension, use-attr-ext)
};

MAILWIRE_LAZY constexpr std::string_view canonical_name(mailbox_attr_kind k) noexcept {
    switch (k) {
    case mailbox_attr_kind::noselect: return "\\Noselect";
    case mailbox_attr_kind::marked: return "\\Marked";
    case mailbox_attr_kind::unmarked: return "\\Unmarked";
    case mailbox_attr_kind::nonexistent: return "\\NonExistent";
    case mailbox_attr_kind::noinferiors: return "\\Noinferiors";
    case mailbox_attr_kind::has_children: return "\\HasChildren";
    case mailbox_attr_kind::has_no_children: return "\\HasNoChildren";
    case mailbox_attr_kind::subscribed: return "\\Subscribed";
    case mailbox_attr_kind::remote: return "\\Remote";
    case mailbox_attr_kind::all: return "\\All";
    case mailbox_attr_kind::archive: return "\\Archive";
    case mailbox_attr_kind::drafts: return "\\Drafts";
    case mailbox_attr_kind::flagged: return "\\Flagged";
    case mailbox_attr_kind::junk: return "\\Junk";
    case mailbox_attr_kind::sent: return "\\Sent";
    case mailbox_attr_kind::trash: return "\\Trash";
    case mailbox_attr_kind::extension: return {};
    }
    return {};
}

/// mbx-list-sflag: selectability, at most one per list.
MAILWIRE_LAZY constexpr bool is_selectability(mailbox_attr_kind k) noexcept { return k <= mailbox_attr_kind::nonexistent; }
/// RFC 6154 use-attr.
MAILWIRE_LAZY constexpr bool is_special_use(mailbox_attr_kind k) noexcept {
    return k >= mailbox_attr_kind::all && k <= mailbox_attr_kind::trash;
}

MAILWIRE_LAZY constexpr mailbox_attr_kind classify_mailbox_attr(std::string_view text) noexcept {
    for (unsigned i = 0; i < static_cast<unsigned>(mailbox_attr_kind::extension); ++i) {
        const auto k = static_cast<mailbox_attr_kind>(i);
        if (chars::iequals(text, canonical_name(k))) return k;
    }
    return mailbox_attr_kind::extension;
}

/// One mailbox name attribute: kind plus text as sent.
struct mailbox_attr {
    mailbox_attr_kind kind = mailbox_attr_kind::extension;
    std::string_view text;

    static constexpr mailbox_attr of(mailbox_attr_kind k) noexcept { return {k, {}}; }
    static constexpr mailbox_attr named(std::string_view text) noexcept { return {classify_mailbox_attr(text), text}; }
    constexpr std::string_view name() const noexcept { return text.empty() ? canonical_name(kind) : text; }
    friend constexpr bool operator==(const mailbox_attr& a, const mailbox_attr& b) noexcept {
        return a.kind == b.kind && chars::iequals(a.name(), b.name());
    }
};

MAILWIRE_LAZY constexpr result<void> check_writable(const mailbox_attr& a) noexcept {
    const std::string_view n = a.name();
    if (n.size() < 2 || n.front() != '\\') return unsafe("mailbox attribute: \"\\\" atom");
    const std::size_t bad = chars::atom_char.span(n.substr(1));
    if (bad != n.size() - 1) return unsafe("mailbox attribute: ATOM-CHAR", bad + 1);
    if (classify_mailbox_attr(n) != a.kind) return unsafe("mailbox attribute: text naming its kind");
    return {};
}

class mailbox_attr_list;
namespace detail { struct mailbox_attr_list_access; }

namespace rules {

/// One "\" atom of a LIST response, classified (mbx-list-sflag, mbx-list-oflag,
/// child-mbox-flag, use-attr, or an extension).
MAILWIRE_LAZY constexpr result<imap::mailbox_attr> mailbox_attribute(scanner& s) noexcept {
    const std::size_t start = s.pos();
    if (!s.consume('\\')) return s.error(errc::invalid_syntax, "mailbox attribute (\"\\\" atom)");
    if (s.take_while(chars::atom_char).empty()) return s.error(errc::invalid_syntax, "atom after \"\\\"");
    return imap::mailbox_attr::named(s.since(start));
}

/// mbx-list-sflag = "\NonExistent" / "\Noselect" / "\Marked" / "\Unmarked"  (RFC 9051 §9)
/// RFC 3501 lacks \NonExistent (added by RFC 5258).
MAILWIRE_LAZY constexpr result<imap::mailbox_attr> mbx_list_sflag(scanner& s) noexcept {
    const std::size_t start = s.pos();
    auto a = mailbox_attribute(s);
    if (!a) return a.error();
    if (!is_selectability(a->kind)) return s.error_at(start, errc::invalid_syntax, "mbx-list-sflag");
    return a;
}

/// mbx-list-oflag  = "\Noinferiors" / child-mbox-flag / "\Subscribed" / "\Remote" /
///                   flag-extension                                     (RFC 9051 §9)
/// mbx-list-oflag  =/ use-attr                                          (RFC 6154 §6)
/// child-mbox-flag = "\HasChildren" / "\HasNoChildren"
/// By the RFC 9051 §9 priority rule, an sflag is not an oflag even though it parses as
/// a flag-extension.
MAILWIRE_LAZY constexpr result<imap::mailbox_attr> mbx_list_oflag(scanner& s) noexcept {
    const std::size_t start = s.pos();
    auto a = mailbox_attribute(s);
    if (!a) return a.error();
    if (is_selectability(a->kind)) return s.error_at(start, errc::invalid_syntax, "mbx-list-oflag");
    return a;
}

} // namespace rules

/// The attributes of a LIST response: the text between its parentheses.
class mailbox_attr_list {
public:
    class iterator {
    public:
        using value_type = mailbox_attr;
        using difference_type = std::ptrdiff_t;
        using reference = mailbox_attr;
        using pointer = void;
        using iterator_category = std::forward_iterator_tag;

        constexpr iterator() noexcept = default;
        constexpr explicit iterator(std::string_view rest) noexcept : rest_(rest) { read(); }
        constexpr mailbox_attr operator*() const noexcept { return cur_; }
        constexpr iterator& operator++() noexcept {
            rest_ = rest_.substr(len_);
            while (!rest_.empty() && rest_.front() == ' ') rest_.remove_prefix(1); // lenient: SP runs
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
            auto a = rules::mailbox_attribute(s);
            if (!a) { rest_ = {}; return; }
            cur_ = *a;
            len_ = s.pos();
        }
        std::string_view rest_;
        mailbox_attr cur_{};
        std::size_t len_ = 0;
    };

    constexpr mailbox_attr_list() noexcept = default;
    constexpr std::string_view text() const noexcept { return text_; }
    constexpr bool empty() const noexcept { return text_.empty(); }
    constexpr iterator begin() const noexcept { return iterator(text_); }
    constexpr iterator end() const noexcept { return {}; }
    constexpr std::size_t size() const noexcept {
        return mailwire::detail::count_elements(*this);
    }
    constexpr bool contains(mailbox_attr_kind k) const noexcept {
        for (auto a : *this)
            if (a.kind == k) return true;
        return false;
    }
    /// Neither \Noselect nor \NonExistent (which implies \Noselect, RFC 5258 §3).
    constexpr bool selectable() const noexcept {
        return !contains(mailbox_attr_kind::noselect) && !contains(mailbox_attr_kind::nonexistent);
    }
    /// The first RFC 6154 special-use attribute, or extension when there is none.
    constexpr mailbox_attr_kind special_use() const noexcept {
        for (auto a : *this)
            if (is_special_use(a.kind)) return a.kind;
        return mailbox_attr_kind::extension;
    }
    friend constexpr bool operator==(const mailbox_attr_list& a, const mailbox_attr_list& b) noexcept {
        return mailwire::detail::elementwise_equal(a, b);
    }

private:
    friend struct detail::mailbox_attr_list_access;
    std::string_view text_;
};

namespace detail {
struct mailbox_attr_list_access {
    static constexpr mailbox_attr_list make(std::string_view t) noexcept {
        mailbox_attr_list l;
        l.text_ = t;
        return l;
    }
};
} // namespace detail

namespace rules {

/// mbx-list-flags = *(mbx-list-oflag SP) mbx-list-sflag *(SP mbx-list-oflag) /
///                  mbx-list-oflag *(SP mbx-list-oflag)                 (RFC 9051 §9)
/// That is: one or more attributes, at most one of them a selectability flag (a second
/// is invalid_syntax at its offset). Duplicates are not checked (a comment, not syntax).
MAILWIRE_LAZY constexpr result<imap::mailbox_attr_list> mbx_list_flags(scanner& s, const parse_options& opts = {}) noexcept {
    const std::size_t start = s.pos();
    bool have_sflag = false;
    std::size_t count = 0;
    for (;;) {
        if (++count > opts.max_list) return s.error(errc::limit_exceeded, "mbx-list-flags within max_list");
        const std::size_t at = s.pos();
        auto a = mailbox_attribute(s);
        if (!a) return a.error();
        if (is_selectability(a->kind)) {
            if (have_sflag) return s.error_at(at, errc::invalid_syntax, "mbx-list-oflag (one mbx-list-sflag only)");
            have_sflag = true;
        }
        if (!s.consume(' ')) break;
    }
    return imap::detail::mailbox_attr_list_access::make(s.since(start));
}

/// "(" [mbx-list-flags] ")", as it opens mailbox-list                   (RFC 9051 §9)
MAILWIRE_LAZY constexpr result<imap::mailbox_attr_list> mbx_list_attributes(scanner& s, const parse_options& opts = {}) noexcept {
    if (!s.consume('(')) return s.error(errc::invalid_syntax, "\"(\" [mbx-list-flags] \")\"");
    if (s.consume(')')) return imap::mailbox_attr_list{};
    auto l = mbx_list_flags(s, opts);
    if (!l) return l.error();
    if (!s.consume(')')) return s.error(errc::invalid_syntax, "SP or \")\"");
    return l;
}

} // namespace rules

MAILWIRE_LAZY constexpr result<void> check_writable(const mailbox_attr_list& l) noexcept {
    bool sflag = false;
    for (auto a : l) {
        if (auto ok = check_writable(a); !ok) return ok;
        if (is_selectability(a.kind)) {
            if (sflag) return unsafe("mailbox attributes: one mbx-list-sflag only");
            sflag = true;
        }
    }
    return {};
}

// ---- building lists to write ------------------------------------------------------------
//
// flag_list and mailbox_attr_list are views of text. A server that writes FLAGS,
// PERMANENTFLAGS, FETCH FLAGS or LIST attributes builds them here, one element at a time:
// add() checks the element with the rule the parser uses and refuses (leaving the list as
// it was) what would not parse back. list() views the builder's own text: valid while the
// builder lives and is not changed. These allocate; they build responses, not parse them.

/// A flag list (flag-list, or its flag-fetch / flag-perm forms) built flag by flag.
class flag_list_builder {
public:
    explicit flag_list_builder(flag_rule rule = flag_rule::flag_fetch) : rule_(rule) {}

    /// Adds one flag as it is written: \Seen, $Forwarded, \* (flag-perm only). Anything
    /// else, more than one flag included, is refused with the parser's error (offset within
    /// `name`).
    result<void> add(std::string_view name) {
        scanner s(name);
        if (auto f = detail::flag_element(s, rule_, parse_options{}); !f) return f.error();
        if (!s.at_end()) return s.error(errc::invalid_syntax, "one flag");
        if (!text_.empty()) text_ += ' ';
        text_ += name;
        return {};
    }
    result<void> add(const flag& f) { return add(f.name()); }

    imap::flag_list list() const noexcept { return detail::flag_list_access::make(text_, rule_, parse_mode::strict); }
    bool empty() const noexcept { return text_.empty(); }
    void clear() noexcept { text_.clear(); }

private:
    std::string text_; // the flags between the parentheses
    flag_rule rule_;
};

/// LIST attributes (mbx-list-flags) built attribute by attribute, with at most one
/// selectability flag (\Noselect, \Marked, \Unmarked, \NonExistent) as the grammar allows.
class mailbox_attr_list_builder {
public:
    /// Adds one attribute as it is written: \HasNoChildren, \Sent, ... Refused with the
    /// parser's error (offset within `name`) when it is not one attribute, or when it is a
    /// second selectability flag.
    result<void> add(std::string_view name) {
        scanner s(name);
        auto a = rules::mailbox_attribute(s);
        if (!a) return a.error();
        if (!s.at_end()) return s.error(errc::invalid_syntax, "one mailbox attribute");
        if (is_selectability(a->kind)) {
            if (has_sflag_) return parse_error{errc::invalid_syntax, 0, "mbx-list-oflag (one mbx-list-sflag only)"};
            has_sflag_ = true;
        }
        if (!text_.empty()) text_ += ' ';
        text_ += name;
        return {};
    }
    result<void> add(const mailbox_attr& a) { return add(a.name()); }

    imap::mailbox_attr_list list() const noexcept { return detail::mailbox_attr_list_access::make(text_); }
    bool empty() const noexcept { return text_.empty(); }
    void clear() noexcept {
        text_.clear();
        has_sflag_ = false;
    }

private:
    std::string text_;
    bool has_sflag_ = false;
};

} // namespace mailwire::imap

template <>
struct fmt::formatter<mailwire::imap::flag> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::flag& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres != mailwire::presentation::verbose && !check_writable(v)) mailwire::refuse_unsafe_write("invalid flag");
        return fmt::format_to(ctx.out(), "{}", v.name());
    }
};

template <>
struct fmt::formatter<mailwire::imap::flag_list> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::flag_list& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        auto out = ctx.out();
        if (pres == mailwire::presentation::verbose) out = fmt::format_to(out, "flags ");
        else if (!check_writable(v)) mailwire::refuse_unsafe_write("invalid flag list");
        *out++ = '(';
        bool first = true;
        for (auto f : v) {
            if (!first) *out++ = ' ';
            first = false;
            out = fmt::format_to(out, "{}", f.name());
        }
        *out++ = ')';
        return out;
    }
};

template <>
struct fmt::formatter<mailwire::imap::flag_list_of> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::flag_list_of& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        auto out = ctx.out();
        if (pres == mailwire::presentation::verbose) out = fmt::format_to(out, "flags ");
        else if (!check_writable(v)) mailwire::refuse_unsafe_write("invalid flag list");
        *out++ = '(';
        bool first = true;
        for (const auto& f : v.flags) {
            if (!first) *out++ = ' ';
            first = false;
            out = fmt::format_to(out, "{}", f.name());
        }
        *out++ = ')';
        return out;
    }
};

template <>
struct fmt::formatter<mailwire::imap::mailbox_attr> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::mailbox_attr& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres != mailwire::presentation::verbose && !check_writable(v)) mailwire::refuse_unsafe_write("invalid mailbox attribute");
        return fmt::format_to(ctx.out(), "{}", v.name());
    }
};

template <>
struct fmt::formatter<mailwire::imap::mailbox_attr_list> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::mailbox_attr_list& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        auto out = ctx.out();
        if (pres == mailwire::presentation::verbose) out = fmt::format_to(out, "attributes ");
        else if (!check_writable(v)) mailwire::refuse_unsafe_write("invalid mailbox attributes");
        *out++ = '(';
        bool first = true;
        for (auto a : v) {
            if (!first) *out++ = ' ';
            first = false;
            out = fmt::format_to(out, "{}", a.name());
        }
        *out++ = ')';
        return out;
    }
};
