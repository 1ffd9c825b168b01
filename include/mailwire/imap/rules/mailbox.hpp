// Mailbox names (RFC 9051 §5.1, §9; RFC 3501 §5.1, §9): mailbox = "INBOX" / astring.
//
// The rule is the grammar only: the name is kept as the astring it came in. What the
// name means is decoded on demand by mailbox::decode_to():
//   - INBOX in any case is INBOX (RFC 9051 §9 comment on `mailbox`) and decodes to "INBOX";
//   - in an IMAP4rev1 session the name is modified UTF-7 (RFC 3501 §5.1.3), validated
//     and converted to UTF-8 (mutf7.hpp);
//   - with session_syntax::utf8 (IMAP4rev2, or UTF8=ACCEPT, RFC 6855 §3) the name is
//     UTF-8 and must be well formed, without U+0000-001F, U+007F-009F, U+2028 or U+2029.
//     (Net-Unicode normalization, RFC 5198, is not checked.) Well-formedness is also
//     checked by the strict parse, for every form; the code point limits only on decode.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include <mailwire/core/config.hpp>
#include <mailwire/core/chars.hpp>
#include <mailwire/core/error.hpp>
#include <mailwire/core/format.hpp>
#include <mailwire/core/options.hpp>
#include <mailwire/core/result.hpp>
#include <mailwire/core/scanner.hpp>
#include <mailwire/imap/rules/mutf7.hpp>
#include <mailwire/imap/rules/string.hpp>

namespace mailwire::imap {

/// A UTF-8 mailbox name as RFC 6855 §3 allows it: well-formed UTF-8 without control
/// characters (U+0000-001F, U+007F-009F) or U+2028/U+2029. invalid_syntax at the byte.
MAILWIRE_LAZY constexpr result<void> check_utf8_mailbox_name(std::string_view name) noexcept {
    for (std::size_t i = 0; i < name.size();) {
        const auto d = utf8::next(name, i);
        if (d.len == 0) return fail(errc::invalid_syntax, i, "UTF-8 mailbox name");
        if (d.cp < 0x20 || (d.cp >= 0x7F && d.cp <= 0x9F) || d.cp == 0x2028 || d.cp == 0x2029)
            return fail(errc::invalid_syntax, i, "mailbox name without control characters (RFC 6855 section 3)");
        i += d.len;
    }
    return {};
}

/// mailbox = "INBOX" / astring
struct mailbox {
    string_value name;
    bool inbox = false; ///< the name is INBOX, in any case
    bool utf8 = false;  ///< the name is UTF-8 (UTF8=ACCEPT / IMAP4rev2), not modified UTF-7

    /// The name in UTF-8 appended to anything with push_back(char): "INBOX" for INBOX,
    /// else the decoded modified UTF-7 or the validated UTF-8. Errors carry offsets into
    /// the name's text.
    template <class Out>
    constexpr result<void> decode_to(Out& out) const {
        if (inbox) {
            for (char c : std::string_view("INBOX")) out.push_back(c);
            return {};
        }
        if (utf8) {
            // Escapes in a quoted name are ASCII, so the raw text is checked as is.
            if (auto ok = check_utf8_mailbox_name(name.text); !ok) return ok;
            name.decode_to(out);
            return {};
        }
        const auto c = name.chars();
        return mutf7_decode_range(c.begin(), c.end(), out);
    }
    /// decode_to() into a new std::string.
    result<std::string> decoded() const {
        std::string s;
        if (auto ok = decode_to(s); !ok) return ok.error();
        return s;
    }
    /// Both INBOX, or the same name.
    friend constexpr bool operator==(const mailbox& a, const mailbox& b) noexcept {
        if (a.inbox || b.inbox) return a.inbox == b.inbox;
        return a.name == b.name;
    }
};

/// A mailbox to write, from its name as sent on the wire (modified UTF-7, or UTF-8 when
/// ctx.utf8), in the cheapest astring form. Borrows `wire_name`.
MAILWIRE_LAZY constexpr result<mailbox> make_mailbox(std::string_view wire_name, string_context ctx = {}) noexcept {
    ctx.rule = string_rule::astring;
    auto v = string_value::from_content(wire_name, ctx);
    if (!v) return v.error();
    return mailbox{*v, chars::iequals(wire_name, "INBOX"), ctx.utf8};
}

/// A mailbox to write, from a UTF-8 name: encoded into `storage` (cleared first; modified
/// UTF-7 unless ctx.utf8, then validated per RFC 6855) and borrowed from it, so `storage`
/// must outlive the result and stay unchanged. Storage: std::string or std::vector<char>.
template <class Storage>
result<mailbox> encode_mailbox(std::string_view utf8_name, Storage& storage, string_context ctx = {}) {
    storage.clear();
    if (ctx.utf8) {
        if (auto ok = check_utf8_mailbox_name(utf8_name); !ok) return ok.error();
        for (char c : utf8_name) storage.push_back(c);
    } else if (auto ok = mutf7_encode_to(utf8_name, storage); !ok) {
        return ok.error();
    }
    return make_mailbox(std::string_view(storage.data(), storage.size()), ctx);
}

namespace rules {

/// mailbox = "INBOX" / astring
///   ; INBOX is case insensitive. All case variants of INBOX (e.g., "iNbOx") MUST be
///   ; interpreted as INBOX, not as an astring.                 (RFC 9051 §9; RFC 3501 §9)
/// An astring of any form (atom, quoted, literal) whose content is INBOX sets `inbox`.
/// With syn.utf8 in strict mode a literal name must be UTF-8 too, as a quoted one must
/// (strict_violation at the first bad byte); the RFC 6855 code point limits are checked
/// by decode_to().
MAILWIRE_LAZY constexpr result<imap::mailbox> mailbox(scanner& s, const parse_options& opts = {}, session_syntax syn = {}) noexcept {
    auto v = astring(s, opts, syn);
    if (!v) return v.error();
    if (syn.utf8 && opts.strict() && v->form == string_form::literal) {
        const std::size_t good = utf8::valid_prefix(v->text);
        if (good != v->text.size())
            return s.error_at(s.pos() - v->text.size() + good, errc::strict_violation, "UTF-8 mailbox name");
    }
    return imap::mailbox{*v, v->iequals("INBOX"), syn.utf8};
}

} // namespace rules

/// Writable when the name is writable in its form, is not NIL, and `inbox` tells the
/// truth (it would be re-derived when parsed back).
MAILWIRE_LAZY constexpr result<void> check_writable(const mailbox& m) noexcept {
    if (m.name.is_nil()) return unsafe("mailbox: a name, not NIL");
    if (auto ok = check_writable(m.name); !ok) return ok;
    if (m.inbox != m.name.iequals("INBOX")) return unsafe("mailbox: inbox set exactly when the name is INBOX");
    return {};
}

} // namespace mailwire::imap

template <>
struct fmt::formatter<mailwire::imap::mailbox> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::mailbox& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose) {
            if (v.inbox) return fmt::format_to(ctx.out(), "mailbox INBOX");
            return fmt::format_to(ctx.out(), "mailbox{} {:v}", v.utf8 ? " (UTF-8)" : "", v.name);
        }
        if (!check_writable(v)) mailwire::refuse_unsafe_write("invalid mailbox name");
        return fmt::format_to(ctx.out(), "{}", v.name);
    }
};
