// Parsing IMAP commands: parse_command() and one function per ABNF rule, in
// namespace imap::command_rules. See imap/command.hpp for the overview.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include <mailwire/core/config.hpp>
#include <mailwire/core/alternative.hpp>
#include <mailwire/core/base64.hpp>
#include <mailwire/core/chars.hpp>
#include <mailwire/core/error.hpp>
#include <mailwire/core/number.hpp>
#include <mailwire/core/options.hpp>
#include <mailwire/core/result.hpp>
#include <mailwire/core/scanner.hpp>
#include <mailwire/imap/framer.hpp>
#include <mailwire/imap/command/storage.hpp>
#include <mailwire/imap/command/types.hpp>
#include <mailwire/imap/rules/datetime.hpp>
#include <mailwire/imap/rules/fetch_att.hpp>
#include <mailwire/imap/rules/flag.hpp>
#include <mailwire/imap/rules/mailbox.hpp>
#include <mailwire/imap/rules/search_key.hpp>
#include <mailwire/imap/rules/sequence_set.hpp>
#include <mailwire/imap/rules/string.hpp>

namespace mailwire::imap {

namespace chars_cmd {
/// tagged-label-fchar = ALPHA / "-" / "_" / "."                     (RFC 4466 §3)
inline constexpr chars::char_set tagged_label_fchar = chars::alpha | chars::char_set("-_.");
/// tagged-label-char = tagged-label-fchar / DIGIT / ":"              (RFC 4466 §3)
inline constexpr chars::char_set tagged_label_char = tagged_label_fchar | chars::digit | chars::char_set(":");
/// A word of a generic argument list: ASTRING-CHAR, list-wildcards and "\" (flags,
/// sequence sets, FETCH items such as BODY[]<0.10> are all words).
inline constexpr chars::char_set word_char = chars::astring_char | chars::list_wildcards | chars::char_set("\\");
/// The same in lenient mode: also 8-bit bytes.
inline constexpr chars::char_set word_char_lenient = word_char | chars::high;
/// Characters of a tagged-ext-simple: sequence-set, number, number64, partial-range-last.
inline constexpr chars::char_set ext_simple_char = chars::digit | chars::char_set(":,*$-");
/// Words inside a tagged-ext-comp / option-val-comp: astring atoms, and sequence sets
/// with "*" ("a message set ... can always be represented as an atom", RFC 4466 §3).
inline constexpr chars::char_set comp_word_char = chars::astring_char | chars::char_set("*");
} // namespace chars_cmd

namespace command_rules {

/// Parsing state shared by the rules of one command: the cursor, the options, the
/// session's grammar switches, the storage lists go into, and the nesting depth (one
/// budget for the whole message, parse_options::max_depth).
struct context {
    scanner& s;
    const parse_options& opts;
    session_syntax syn;
    command_storage& st;
    std::size_t depth = 0;
};

// ---- small pieces -------------------------------------------------------------------------

/// SP = %x20: exactly one space (RFC 9051 §9 note 2).
MAILWIRE_LAZY inline result<void> sp(context& c, std::string_view expected = "SP") {
    if (!c.s.consume(' ')) return c.s.error(errc::invalid_syntax, expected);
    return {};
}

/// "(" counted against parse_options::max_depth (limit_exceeded at the "(").
MAILWIRE_LAZY inline result<void> open_paren(context& c, std::string_view expected = "\"(\"") {
    if (!c.s.peek_is('(')) return c.s.error(errc::invalid_syntax, expected);
    if (c.depth >= c.opts.depth_limit()) return c.s.error(errc::limit_exceeded, "nesting within max_depth");
    c.s.advance();
    ++c.depth;
    return {};
}

MAILWIRE_LAZY inline result<void> close_paren(context& c, std::string_view expected = "\")\"") {
    if (!c.s.consume(')')) return c.s.error(errc::invalid_syntax, expected);
    --c.depth;
    return {};
}

/// Consumes `kw` (case-insensitive) when it is followed by something that cannot continue
/// an atom; true when consumed.
MAILWIRE_LAZY inline bool keyword(context& c, std::string_view kw) {
    const std::size_t at = c.s.pos();
    if (!c.s.consume_ci(kw)) return false;
    if (chars::atom_char(c.s.peek()) && !c.s.at_end()) {
        c.s.reset(at);
        return false;
    }
    return true;
}

/// CRLF ending the command, and then the end of the message. A bare LF is the lenient
/// quirk of hand-typed sessions (netcat without -C), strict_violation at the LF in strict
/// mode, as the framer has it. Input ending here is invalid_syntax (a parser is given a
/// complete message; need_more is the framers').
MAILWIRE_LAZY inline result<void> end_of_command(context& c, std::string_view expected = "CRLF") {
    if (c.s.at_end()) return c.s.error(errc::invalid_syntax, expected);
    if (c.s.peek_is('\r')) {
        c.s.advance();
        if (!c.s.peek_is('\n')) return c.s.error(errc::invalid_syntax, "LF");
        c.s.advance();
    } else if (c.s.peek_is('\n')) {
        if (c.opts.strict()) return c.s.error(errc::strict_violation, "CRLF (bare LF: lenient only)");
        c.s.advance();
    } else {
        return c.s.error(errc::invalid_syntax, expected);
    }
    if (!c.s.at_end()) return c.s.error(errc::invalid_syntax, "end of message after CRLF");
    return {};
}

/// True at CRLF (or a bare LF), where the command ends.
MAILWIRE_LAZY inline bool at_line_end(const context& c) noexcept {
    return c.s.peek_is('\r') || c.s.peek_is('\n') || c.s.at_end();
}

/// atom = 1*ATOM-CHAR                                                   (RFC 9051 §9)
MAILWIRE_LAZY inline result<atom> atom(context& c, std::string_view expected = "atom") {
    const auto t = c.s.take_while(chars::atom_char);
    if (t.empty()) return c.s.error(errc::invalid_syntax, expected);
    return imap::atom{t};
}

/// astring = 1*ASTRING-CHAR / string                                    (RFC 9051 §9)
MAILWIRE_LAZY inline result<string_value> astring(context& c) { return rules::astring(c.s, c.opts, c.syn); }

/// string = quoted / literal                                            (RFC 9051 §9)
MAILWIRE_LAZY inline result<string_value> string(context& c) { return rules::string(c.s, c.opts, c.syn); }

/// nstring = string / nil                                               (RFC 9051 §9)
MAILWIRE_LAZY inline result<string_value> nstring(context& c) { return rules::nstring(c.s, c.opts, c.syn); }

/// mailbox = "INBOX" / astring                                          (RFC 9051 §9)
MAILWIRE_LAZY inline result<imap::mailbox> mailbox(context& c) { return rules::mailbox(c.s, c.opts, c.syn); }

/// sequence-set = (seq-number / seq-range) ["," sequence-set] / "$"    (RFC 9051 §9)
MAILWIRE_LAZY inline result<imap::sequence_set> sequence_set(context& c) { return rules::sequence_set(c.s, c.opts); }

/// mod-sequence-value = 1*DIGIT  ; 1 <= n <= 9,223,372,036,854,775,807  (RFC 7162 §7)
MAILWIRE_LAZY inline result<std::uint64_t> mod_sequence_value(context& c) {
    const std::size_t at = c.s.pos();
    auto n = number64(c.s);
    if (!n) return parse_error{n.error().code, n.error().offset, "mod-sequence-value"};
    if (*n == 0) return c.s.error_at(at, errc::number_out_of_range, "mod-sequence-value (not 0)");
    return *n;
}

/// mod-sequence-valzer = "0" / mod-sequence-value                       (RFC 7162 §7)
MAILWIRE_LAZY inline result<std::uint64_t> mod_sequence_valzer(context& c) {
    auto n = number64(c.s);
    if (!n) return parse_error{n.error().code, n.error().offset, "mod-sequence-valzer"};
    return *n;
}

/// tagged-ext-label = tagged-label-fchar *tagged-label-char             (RFC 4466 §3)
MAILWIRE_LAZY inline result<std::string_view> tagged_ext_label(context& c, std::string_view expected = "tagged-ext-label") {
    const std::size_t at = c.s.pos();
    if (!chars_cmd::tagged_label_fchar(c.s.peek()) || c.s.at_end()) return c.s.error(errc::invalid_syntax, expected);
    c.s.advance();
    c.s.take_while(chars_cmd::tagged_label_char);
    if (chars::atom_char(c.s.peek()) && !c.s.at_end()) return c.s.error(errc::invalid_syntax, expected);
    return c.s.since(at);
}

// ---- generic tokens -----------------------------------------------------------------------

/// One token of a generic list: a word, quoted, literal, literal8 (not "(" / ")").
MAILWIRE_LAZY inline result<token> generic_value_token(context& c, const chars::char_set& words, bool space_before) {
    token t;
    t.space_before = space_before;
    if (c.s.peek_is('"')) {
        auto q = rules::quoted(c.s, c.opts, c.syn);
        if (!q) return q.error();
        t.kind = token_kind::quoted;
        t.text = q->raw;
        t.escaped = q->escaped;
        return t;
    }
    if (c.s.peek_is('{') || (c.s.peek_is('~') && c.s.peek(1) == '{')) {
        const bool binary = c.s.peek_is('~');
        auto l = binary ? rules::literal8(c.s, c.opts) : rules::literal(c.s, c.opts);
        if (!l) return l.error();
        t.kind = binary ? token_kind::literal8 : token_kind::literal;
        t.text = l->data;
        t.non_sync = l->non_sync;
        return t;
    }
    const auto w = c.s.take_while(words);
    if (w.empty()) return c.s.error(errc::invalid_syntax, "atom, string or \"(\"");
    t.kind = token_kind::atom;
    t.text = w;
    return t;
}

/// The arguments of a command this library does not know, up to the line end:
///   generic-args  = *([SP] generic-token)   ; at most one SP between tokens, none at the end
///   generic-token = word / quoted / literal / literal8 / "(" / ")"
///   word          = 1*(ASTRING-CHAR / list-wildcards / "\")   ; lenient: also %x80-FF
/// Parentheses must balance and nest within max_depth. Whether an SP came before each
/// token is kept, so the arguments write back byte for byte.
MAILWIRE_LAZY inline result<std::span<const token>> generic_args(context& c) {
    detail::list_builder<token> out(c.st, c.opts);
    const auto& words = c.opts.lenient() ? chars_cmd::word_char_lenient : chars_cmd::word_char;
    const std::size_t base_depth = c.depth;
    for (;;) {
        const bool space = c.s.consume(' ');
        if (at_line_end(c)) {
            if (space) return c.s.error(errc::invalid_syntax, "token after SP");
            break;
        }
        if (c.s.peek_is(' ')) return c.s.error(errc::invalid_syntax, "token (one SP between tokens)");
        if (auto ok = out.room(c.s); !ok) return ok.error();
        if (c.s.peek_is('(')) {
            if (auto ok = open_paren(c); !ok) return ok.error();
            if (auto ok = out.push(token::open_paren(space), c.s); !ok) return ok.error();
            continue;
        }
        if (c.s.peek_is(')')) {
            if (c.depth == base_depth) return c.s.error(errc::invalid_syntax, "token (\")\" without \"(\")");
            if (auto ok = close_paren(c); !ok) return ok.error();
            token t = token::close_paren();
            t.space_before = space;
            if (auto ok = out.push(t, c.s); !ok) return ok.error();
            continue;
        }
        auto t = generic_value_token(c, words, space);
        if (!t) return t.error();
        if (auto ok = out.push(*t, c.s); !ok) return ok.error();
    }
    if (c.depth != base_depth) return c.s.error(errc::invalid_syntax, "\")\"");
    return out.commit();
}

namespace detail_rules {
// tagged-ext-comp / option-val-comp: comp *(SP comp) where comp = astring / "(" comp ")"
// (never empty; only the outermost "(" [tagged-ext-comp] ")" of tagged-ext-val may be).
// Nested groups are read by this one loop, not by recursion (see max_depth_ceiling).
MAILWIRE_LAZY inline result<void> ext_comp(context& c, imap::detail::list_builder<token>& out, bool first_space) {
    bool space = first_space;
    std::size_t open = 0; // groups opened here and not yet closed
    for (;;) {
        if (auto ok = out.room(c.s); !ok) return ok.error();
        if (c.s.peek_is('(')) {
            if (auto ok = open_paren(c); !ok) return ok.error();
            if (auto ok = out.push(token::open_paren(space), c.s); !ok) return ok.error();
            ++open;
            space = false;
            continue;
        }
        auto t = generic_value_token(c, chars_cmd::comp_word_char, space);
        if (!t) return parse_error{t.error().code, t.error().offset,
                                   t.error().code == errc::invalid_syntax ? std::string_view("tagged-ext-comp")
                                                                          : t.error().expected};
        if (auto ok = out.push(*t, c.s); !ok) return ok.error();
        // An item ended: SP and the next item of its group, or the group's ")".
        while (!c.s.peek_is(' ') || c.s.peek(1) == ')') {
            if (open == 0) return {};
            if (auto ok = close_paren(c, "SP or \")\""); !ok) return ok.error();
            if (auto ok = out.push(token::close_paren(), c.s); !ok) return ok.error();
            --open;
        }
        c.s.advance();
        space = true;
    }
}
} // namespace detail_rules

/// tagged-ext-simple = sequence-set / number / number64             (RFC 9051 §9, RFC 4466 §3)
/// tagged-ext-simple =/ partial-range-last                           (RFC 9394 §4)
/// partial-range-last = MINUS nz-number ":" MINUS nz-number
MAILWIRE_LAZY inline result<token> tagged_ext_simple(context& c) {
    const std::size_t at = c.s.pos();
    const auto w = c.s.take_while(chars_cmd::ext_simple_char);
    if (w.empty()) return c.s.error(errc::invalid_syntax, "tagged-ext-val");
    if (chars::atom_char(c.s.peek()) && !c.s.at_end()) return c.s.error(errc::invalid_syntax, "tagged-ext-simple");
    scanner sub(w, c.s.offset() - w.size());
    bool ok = false;
    if (w.front() == '-') {
        // partial-range-last
        ok = sub.consume('-') && nz_number(sub).has_value() && sub.consume(':') && sub.consume('-') &&
             nz_number(sub).has_value() && sub.at_end();
    } else {
        if (rules::sequence_set(sub, c.opts).has_value() && sub.at_end()) ok = true;
        else {
            scanner n(w, c.s.offset() - w.size());
            ok = number64(n).has_value() && n.at_end();
        }
    }
    if (!ok) return c.s.error_at(at, errc::invalid_syntax, "tagged-ext-simple (sequence-set / number64)");
    return token::word(w);
}

/// tagged-ext-val = tagged-ext-simple / "(" [tagged-ext-comp] ")"     (RFC 9051 §9, RFC 4466 §3)
/// tagged-ext-comp = astring / tagged-ext-comp *(SP tagged-ext-comp) / "(" tagged-ext-comp ")"
/// Returned as tokens: one word, or the group with its parentheses.
MAILWIRE_LAZY inline result<std::span<const token>> tagged_ext_val(context& c) {
    detail::list_builder<token> out(c.st, c.opts);
    if (c.s.peek_is('(')) {
        if (auto ok = open_paren(c); !ok) return ok.error();
        if (auto ok = out.push(token::open_paren(true), c.s); !ok) return ok.error();
        if (!c.s.peek_is(')'))
            if (auto ok = detail_rules::ext_comp(c, out, false); !ok) return ok.error();
        if (auto ok = close_paren(c, "SP or \")\""); !ok) return ok.error();
        if (auto ok = out.push(token::close_paren(), c.s); !ok) return ok.error();
        return out.commit();
    }
    if (auto ok = out.room(c.s); !ok) return ok.error();
    auto t = tagged_ext_simple(c);
    if (!t) return t.error();
    if (auto ok = out.push(*t, c.s); !ok) return ok.error();
    return out.commit();
}

/// Whether an SP and a tagged-ext-val follow (the value of `label [SP tagged-ext-val]`):
/// "(" or a character that starts a sequence set, number or partial-range-last.
MAILWIRE_LAZY inline bool tagged_ext_val_follows(const context& c) noexcept {
    if (!c.s.peek_is(' ')) return false;
    const char n = c.s.peek(1);
    return n == '(' || chars::digit(n) || n == '*' || n == '$' || (n == '-' && chars::digit(c.s.peek(2)));
}

/// option-value = "(" option-val-comp ")"                              (RFC 5258 §6)
/// option-val-comp = astring / option-val-comp *(SP option-val-comp) / "(" option-val-comp ")"
MAILWIRE_LAZY inline result<std::span<const token>> option_value(context& c) {
    detail::list_builder<token> out(c.st, c.opts);
    if (auto ok = open_paren(c, "option-value"); !ok) return ok.error();
    if (auto ok = out.push(token::open_paren(true), c.s); !ok) return ok.error();
    if (auto ok = detail_rules::ext_comp(c, out, false); !ok) return ok.error();
    if (auto ok = close_paren(c, "SP or \")\""); !ok) return ok.error();
    if (auto ok = out.push(token::close_paren(), c.s); !ok) return ok.error();
    return out.commit();
}

/// A tagged extension item: tagged-ext-label [SP tagged-ext-val]      (RFC 4466 §3)
/// (create-param, rename-param, select-param, store-modifier, fetch-modifier, ...)
MAILWIRE_LAZY inline result<extension_item> extension_item_rule(context& c, bool value_required = false) {
    auto name = tagged_ext_label(c);
    if (!name) return name.error();
    extension_item it{*name, {}};
    if (value_required || tagged_ext_val_follows(c)) {
        if (auto ok = sp(c); !ok) return ok.error();
        auto v = tagged_ext_val(c);
        if (!v) return v.error();
        it.value = *v;
    }
    return it;
}

// ---- parameters of SELECT, CREATE, RENAME -----------------------------------------------------

/// select-param = select-param-name [SP select-param-value]           (RFC 4466 §3)
/// condstore-param = "CONDSTORE"                                        (RFC 7162 §7)
/// select-param =/ "QRESYNC" SP "(" uidvalidity SP mod-sequence-value [SP known-uids]
///                 [SP seq-match-data] ")"                              (RFC 7162 §7)
/// seq-match-data = "(" known-sequence-set SP known-uid-set ")"
MAILWIRE_LAZY inline result<select_param> select_param_rule(context& c) {
    const std::size_t at = c.s.pos();
    auto name = tagged_ext_label(c, "select-param");
    if (!name) return name.error();
    select_param p;
    p.text = *name;
    if (chars::iequals(*name, "CONDSTORE")) {
        p.kind = select_param_kind::condstore;
        return p;
    }
    if (chars::iequals(*name, "QRESYNC")) {
        p.kind = select_param_kind::qresync;
        if (auto ok = sp(c); !ok) return ok.error();
        if (auto ok = open_paren(c, "\"(\" uidvalidity"); !ok) return ok.error();
        auto uv = nz_number(c.s);
        if (!uv) return parse_error{uv.error().code, uv.error().offset, "uidvalidity"};
        p.qresync.uidvalidity = *uv;
        if (auto ok = sp(c); !ok) return ok.error();
        auto ms = mod_sequence_value(c);
        if (!ms) return ms.error();
        p.qresync.modseq = *ms;
        if (c.s.peek_is(' ') && c.s.peek(1) != '(') {
            c.s.advance();
            auto ku = sequence_set(c);
            if (!ku) return ku.error();
            p.qresync.known_uids = *ku;
        }
        if (c.s.peek_is(' ')) {
            c.s.advance();
            if (auto ok = open_paren(c, "seq-match-data"); !ok) return ok.error();
            auto ks = sequence_set(c);
            if (!ks) return ks.error();
            if (auto ok = sp(c); !ok) return ok.error();
            auto ku = sequence_set(c);
            if (!ku) return ku.error();
            if (auto ok = close_paren(c); !ok) return ok.error();
            p.qresync.known_sequence_set = *ks;
            p.qresync.known_uid_set = *ku;
        }
        if (auto ok = close_paren(c); !ok) return ok.error();
        return p;
    }
    c.s.reset(at);
    auto it = extension_item_rule(c);
    if (!it) return it.error();
    p.kind = select_param_kind::other;
    p.value = it->value;
    return p;
}

/// select-params = SP "(" select-param *(SP select-param) ")"         (RFC 4466 §3)
/// (called at the SP; absent when no SP follows)
MAILWIRE_LAZY inline result<std::span<const select_param>> select_params(context& c) {
    if (!c.s.peek_is(' ')) return std::span<const select_param>{};
    c.s.advance();
    detail::list_builder<select_param> out(c.st, c.opts);
    if (auto ok = open_paren(c, "select-params"); !ok) return ok.error();
    for (;;) {
        if (auto ok = out.room(c.s); !ok) return ok.error();
        auto p = select_param_rule(c);
        if (!p) return p.error();
        if (auto ok = out.push(*p, c.s); !ok) return ok.error();
        if (!c.s.consume(' ')) break;
    }
    if (auto ok = close_paren(c, "SP or \")\""); !ok) return ok.error();
    return out.commit();
}

/// use-attr = "\All" / "\Archive" / "\Drafts" / "\Flagged" / "\Junk" / "\Sent" /
///            "\Trash" / use-attr-ext;  use-attr-ext = "\" atom       (RFC 6154 §6)
MAILWIRE_LAZY inline result<mailbox_attr> use_attr(context& c) { return rules::mailbox_attribute(c.s); }

/// create-param = create-param-name [SP create-param-value]           (RFC 4466 §3)
/// create-param =/ "USE" SP "(" [use-attr *(SP use-attr)] ")"          (RFC 6154 §6)
MAILWIRE_LAZY inline result<create_param> create_param_rule(context& c) {
    const std::size_t at = c.s.pos();
    auto name = tagged_ext_label(c, "create-param");
    if (!name) return name.error();
    create_param p;
    p.text = *name;
    if (chars::iequals(*name, "USE")) {
        p.kind = create_param_kind::use;
        if (auto ok = sp(c); !ok) return ok.error();
        if (auto ok = open_paren(c, "\"(\" [use-attr *(SP use-attr)] \")\""); !ok) return ok.error();
        detail::list_builder<mailbox_attr> attrs(c.st, c.opts);
        if (!c.s.peek_is(')')) {
            for (;;) {
                if (auto ok = attrs.room(c.s); !ok) return ok.error();
                auto a = use_attr(c);
                if (!a) return a.error();
                if (auto ok = attrs.push(*a, c.s); !ok) return ok.error();
                if (!c.s.consume(' ')) break;
            }
        }
        if (auto ok = close_paren(c, "SP or \")\""); !ok) return ok.error();
        p.use = attrs.commit();
        return p;
    }
    c.s.reset(at);
    auto it = extension_item_rule(c);
    if (!it) return it.error();
    p.kind = create_param_kind::other;
    p.value = it->value;
    return p;
}

/// create-params = SP "(" create-param *(SP create-param) ")"         (RFC 4466 §3)
MAILWIRE_LAZY inline result<std::span<const create_param>> create_params(context& c) {
    if (!c.s.peek_is(' ')) return std::span<const create_param>{};
    c.s.advance();
    detail::list_builder<create_param> out(c.st, c.opts);
    if (auto ok = open_paren(c, "create-params"); !ok) return ok.error();
    for (;;) {
        if (auto ok = out.room(c.s); !ok) return ok.error();
        auto p = create_param_rule(c);
        if (!p) return p.error();
        if (auto ok = out.push(*p, c.s); !ok) return ok.error();
        if (!c.s.consume(' ')) break;
    }
    if (auto ok = close_paren(c, "SP or \")\""); !ok) return ok.error();
    return out.commit();
}

/// rename-params = SP "(" rename-param *(SP rename-param) ")"         (RFC 4466 §3)
/// rename-param  = rename-param-name [SP rename-param-value]
/// (also store-modifiers' generic items and the like: a list of extension items)
MAILWIRE_LAZY inline result<std::span<const extension_item>> rename_params(context& c) {
    if (!c.s.peek_is(' ')) return std::span<const extension_item>{};
    c.s.advance();
    detail::list_builder<extension_item> out(c.st, c.opts);
    if (auto ok = open_paren(c, "rename-params"); !ok) return ok.error();
    for (;;) {
        if (auto ok = out.room(c.s); !ok) return ok.error();
        auto p = extension_item_rule(c);
        if (!p) return p.error();
        if (auto ok = out.push(*p, c.s); !ok) return ok.error();
        if (!c.s.consume(' ')) break;
    }
    if (auto ok = close_paren(c, "SP or \")\""); !ok) return ok.error();
    return out.commit();
}

// ---- LIST ---------------------------------------------------------------------------------------

/// list-mailbox = 1*list-char / string
/// list-char    = ATOM-CHAR / list-wildcards / resp-specials          (RFC 9051 §9)
MAILWIRE_LAZY inline result<string_value> list_mailbox(context& c) {
    if (c.s.peek_is('"') || c.s.peek_is('{')) return string(c);
    const auto t = c.s.take_while(chars::list_char);
    if (t.empty()) return c.s.error(errc::invalid_syntax, "list-mailbox");
    return string_value{string_form::atom, t, false, false};
}

/// option-extension = (option-standard-tag / option-vendor-tag) [SP option-value]
/// option-standard-tag = atom; option-vendor-tag = vendor-token "-" atom   (RFC 5258 §6)
/// Returns the option's name; the value (if any) goes to `value`.
MAILWIRE_LAZY inline result<std::string_view> option_extension(context& c, std::span<const token>& value) {
    auto name = atom(c, "option-extension");
    if (!name) return name.error();
    if (c.s.peek_is(' ') && c.s.peek(1) == '(') {
        c.s.advance();
        auto v = option_value(c);
        if (!v) return v.error();
        value = *v;
    }
    return name->text;
}

/// list-select-opt = list-select-base-opt / list-select-independent-opt /
///                   list-select-mod-opt                                (RFC 5258 §6)
/// list-select-base-opt = "SUBSCRIBED" / option-extension
/// list-select-independent-opt = "REMOTE" / option-extension
/// list-select-independent-opt =/ "SPECIAL-USE"                         (RFC 6154 §6)
/// list-select-mod-opt = "RECURSIVEMATCH" / option-extension
MAILWIRE_LAZY inline result<list_select_opt> list_select_opt_rule(context& c) {
    list_select_opt o;
    auto name = option_extension(c, o.value);
    if (!name) return name.error();
    o.text = *name;
    o.kind = list_select_kind::other;
    if (o.value.empty()) {
        for (auto k : {list_select_kind::subscribed, list_select_kind::remote, list_select_kind::recursivematch,
                       list_select_kind::special_use})
            if (chars::iequals(*name, canonical_name(k))) o.kind = k;
    }
    return o;
}

/// list-select-opts = "(" [ (*(list-select-opt SP) list-select-base-opt *(SP list-select-opt))
///                          / (list-select-independent-opt *(SP list-select-independent-opt)) ] ")"
///                                                                      (RFC 5258 §6, RFC 9051 §9)
/// That is: any options, but RECURSIVEMATCH only with a base option (SUBSCRIBED or an
/// option-extension) beside it: "(RECURSIVEMATCH)" and "(REMOTE RECURSIVEMATCH)" are
/// invalid_syntax at RECURSIVEMATCH.
MAILWIRE_LAZY inline result<std::span<const list_select_opt>> list_select_opts(context& c) {
    detail::list_builder<list_select_opt> out(c.st, c.opts);
    if (auto ok = open_paren(c, "list-select-opts"); !ok) return ok.error();
    bool base = false;
    std::optional<std::size_t> mod_at;
    if (!c.s.peek_is(')')) {
        for (;;) {
            const std::size_t at = c.s.pos();
            if (auto ok = out.room(c.s); !ok) return ok.error();
            auto o = list_select_opt_rule(c);
            if (!o) return o.error();
            if (o->kind == list_select_kind::recursivematch && !mod_at) mod_at = at;
            if (o->kind == list_select_kind::subscribed || o->kind == list_select_kind::other) base = true;
            if (auto ok = out.push(*o, c.s); !ok) return ok.error();
            if (!c.s.consume(' ')) break;
        }
    }
    if (auto ok = close_paren(c, "SP or \")\""); !ok) return ok.error();
    if (mod_at && !base)
        return c.s.error_at(*mod_at, errc::invalid_syntax, "list-select-base-opt beside RECURSIVEMATCH");
    return out.commit();
}

/// status-att = "MESSAGES" / "UIDNEXT" / "UIDVALIDITY" / "UNSEEN" / "DELETED" / "SIZE"
///                                                                      (RFC 9051 §9)
/// status-att =/ "RECENT" (RFC 3501) / "HIGHESTMODSEQ" (RFC 7162) / "APPENDLIMIT"
///               (RFC 7889) / "MAILBOXID" (RFC 8474) / "DELETED-STORAGE" (RFC 9208)
/// Any other atom is kept as status_att_kind::other: extensions add items this way.
MAILWIRE_LAZY inline result<status_att> status_att_rule(context& c) {
    auto a = atom(c, "status-att");
    if (!a) return a.error();
    return status_att{classify_status_att(a->text), a->text};
}

/// "(" status-att *(SP status-att) ")"                                 (RFC 9051 §9)
MAILWIRE_LAZY inline result<std::span<const status_att>> status_att_list(context& c) {
    detail::list_builder<status_att> out(c.st, c.opts);
    if (auto ok = open_paren(c, "\"(\" status-att"); !ok) return ok.error();
    for (;;) {
        if (auto ok = out.room(c.s); !ok) return ok.error();
        auto a = status_att_rule(c);
        if (!a) return a.error();
        if (auto ok = out.push(*a, c.s); !ok) return ok.error();
        if (!c.s.consume(' ')) break;
    }
    if (auto ok = close_paren(c, "SP or \")\""); !ok) return ok.error();
    return out.commit();
}

/// return-option = "SUBSCRIBED" / "CHILDREN" / status-option / option-extension
///                                                       (RFC 5258 §6, RFC 9051 §9)
/// return-option =/ "SPECIAL-USE"                        (RFC 6154 §6)
/// status-option = "STATUS" SP "(" status-att *(SP status-att) ")"   (RFC 5819 §4)
MAILWIRE_LAZY inline result<list_return_opt> return_option(context& c) {
    list_return_opt o;
    const std::size_t at = c.s.pos();
    if (keyword(c, "STATUS")) {
        o.kind = list_return_kind::status;
        o.text = c.s.since(at);
        if (auto ok = sp(c); !ok) return ok.error();
        auto l = status_att_list(c);
        if (!l) return l.error();
        o.status = *l;
        return o;
    }
    auto name = option_extension(c, o.value);
    if (!name) return name.error();
    o.text = *name;
    o.kind = list_return_kind::other;
    if (o.value.empty()) {
        for (auto k : {list_return_kind::subscribed, list_return_kind::children, list_return_kind::special_use})
            if (chars::iequals(*name, canonical_name(k))) o.kind = k;
    }
    return o;
}

/// list-return-opts = "RETURN" SP "(" [return-option *(SP return-option)] ")"
///                                                       (RFC 5258 §6, RFC 9051 §9)
MAILWIRE_LAZY inline result<std::span<const list_return_opt>> list_return_opts(context& c) {
    if (!keyword(c, "RETURN")) return c.s.error(errc::invalid_syntax, "list-return-opts (\"RETURN\")");
    if (auto ok = sp(c); !ok) return ok.error();
    detail::list_builder<list_return_opt> out(c.st, c.opts);
    if (auto ok = open_paren(c); !ok) return ok.error();
    if (!c.s.peek_is(')')) {
        for (;;) {
            if (auto ok = out.room(c.s); !ok) return ok.error();
            auto o = return_option(c);
            if (!o) return o.error();
            if (auto ok = out.push(*o, c.s); !ok) return ok.error();
            if (!c.s.consume(' ')) break;
        }
    }
    if (auto ok = close_paren(c, "SP or \")\""); !ok) return ok.error();
    return out.commit();
}

/// list = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]
/// mbox-or-pat = list-mailbox / patterns
/// patterns = "(" list-mailbox *(SP list-mailbox) ")"      (RFC 9051 §9, RFC 5258 §6)
/// (called after "LIST")
MAILWIRE_LAZY inline result<cmd::list> list(context& c) {
    cmd::list l;
    if (auto ok = sp(c); !ok) return ok.error();
    if (c.s.peek_is('(')) {
        auto o = list_select_opts(c);
        if (!o) return o.error();
        l.has_select_opts = true;
        l.select_opts = *o;
        if (auto ok = sp(c); !ok) return ok.error();
    }
    auto ref = mailbox(c);
    if (!ref) return ref.error();
    l.reference = *ref;
    if (auto ok = sp(c); !ok) return ok.error();
    detail::list_builder<string_value> pats(c.st, c.opts);
    if (c.s.peek_is('(')) {
        l.patterns_parenthesized = true;
        if (auto ok = open_paren(c); !ok) return ok.error();
        for (;;) {
            if (auto ok = pats.room(c.s); !ok) return ok.error();
            auto p = list_mailbox(c);
            if (!p) return p.error();
            if (auto ok = pats.push(*p, c.s); !ok) return ok.error();
            if (!c.s.consume(' ')) break;
        }
        if (auto ok = close_paren(c, "SP or \")\""); !ok) return ok.error();
    } else {
        if (auto ok = pats.room(c.s); !ok) return ok.error();
        auto p = list_mailbox(c);
        if (!p) return p.error();
        if (auto ok = pats.push(*p, c.s); !ok) return ok.error();
    }
    l.patterns = pats.commit();
    if (c.s.peek_is(' ')) {
        c.s.advance();
        auto r = list_return_opts(c);
        if (!r) return r.error();
        l.has_return_opts = true;
        l.return_opts = *r;
    }
    return l;
}

// ---- APPEND ---------------------------------------------------------------------------------------

/// flag-list = "(" [flag *(SP flag)] ")"                               (RFC 9051 §9)
/// (into storage, as a span of flags)
MAILWIRE_LAZY inline result<std::span<const flag>> flag_list(context& c) {
    detail::list_builder<flag> out(c.st, c.opts);
    if (auto ok = open_paren(c, "flag-list"); !ok) return ok.error();
    if (!c.s.peek_is(')')) {
        for (;;) {
            if (auto ok = out.room(c.s); !ok) return ok.error();
            auto f = rules::flag(c.s, c.opts);
            if (!f) return f.error();
            if (auto ok = out.push(*f, c.s); !ok) return ok.error();
            if (!c.s.consume(' ')) break;
        }
    }
    if (auto ok = close_paren(c, "SP or \")\""); !ok) return ok.error();
    return out.commit();
}

/// literal / literal8 at the cursor.
MAILWIRE_LAZY inline result<literal> literal_or_literal8(context& c, std::string_view expected) {
    if (c.s.peek_is('{')) return rules::literal(c.s, c.opts);
    if (c.s.peek_is('~')) return rules::literal8(c.s, c.opts);
    return c.s.error(errc::invalid_syntax, expected);
}

/// append-message = append-opts SP append-data                         (RFC 4466 §3)
/// append-opts    = [SP flag-list] [SP date-time] *(SP append-ext)
/// append-ext     = append-ext-name SP append-ext-value   ; tagged-ext-label SP tagged-ext-val
/// append-data    = literal / literal8 / append-data-ext   ; append-data-ext = tagged-ext
/// append-data    =/ "UTF8" SP "(" literal8 ")"                         (RFC 6855 §4)
/// (called at the SP that starts it.) A tagged-ext is taken as append-data when it is
/// UTF8 or CATENATE (RFC 4469) or ends the command; otherwise as an append-ext.
MAILWIRE_LAZY inline result<append_message> append_message_rule(context& c) {
    append_message m;
    detail::list_builder<extension_item> exts(c.st, c.opts);
    for (;;) {
        if (auto ok = sp(c); !ok) return ok.error();
        if (c.s.peek_is('(') && !m.has_flags && !m.date && exts.size() == 0) {
            auto f = flag_list(c);
            if (!f) return f.error();
            m.has_flags = true;
            m.flags = *f;
            continue;
        }
        if (c.s.peek_is('"') && !m.date && exts.size() == 0) {
            auto d = rules::date_time(c.s, c.opts);
            if (!d) return d.error();
            m.date = *d;
            continue;
        }
        if (c.s.peek_is('{') || c.s.peek_is('~')) {
            auto l = literal_or_literal8(c, "append-data");
            if (!l) return l.error();
            m.kind = l->binary ? append_data_kind::literal8 : append_data_kind::literal;
            m.data = *l;
            break;
        }
        const std::size_t at = c.s.pos();
        if (keyword(c, "UTF8")) {
            if (auto ok = sp(c); !ok) return ok.error();
            if (auto ok = open_paren(c, "\"(\" literal8"); !ok) return ok.error();
            if (!c.s.peek_is('~')) return c.s.error(errc::invalid_syntax, "literal8");
            auto l = rules::literal8(c.s, c.opts);
            if (!l) return l.error();
            if (auto ok = close_paren(c); !ok) return ok.error();
            m.kind = append_data_kind::utf8;
            m.data = *l;
            break;
        }
        c.s.reset(at);
        if (!chars_cmd::tagged_label_fchar(c.s.peek()) || c.s.at_end())
            return c.s.error(errc::invalid_syntax, "append-data (literal, literal8 or tagged-ext)");
        if (auto ok = exts.room(c.s); !ok) return ok.error();
        auto it = extension_item_rule(c, true);
        if (!it) return it.error();
        if (chars::iequals(it->name, "CATENATE") || !c.s.peek_is(' ')) {
            m.kind = append_data_kind::other;
            m.data_ext = *it;
            break;
        }
        if (auto ok = exts.push(*it, c.s); !ok) return ok.error();
    }
    m.extensions = exts.commit();
    return m;
}

/// append = "APPEND" SP mailbox 1*append-message                       (RFC 4466 §3, RFC 3502)
MAILWIRE_LAZY inline result<cmd::append> append(context& c) {
    cmd::append a;
    if (auto ok = sp(c); !ok) return ok.error();
    auto mb = mailbox(c);
    if (!mb) return mb.error();
    a.mbox = *mb;
    detail::list_builder<append_message> msgs(c.st, c.opts);
    do {
        if (auto ok = msgs.room(c.s); !ok) return ok.error();
        auto m = append_message_rule(c);
        if (!m) return m.error();
        if (auto ok = msgs.push(*m, c.s); !ok) return ok.error();
    } while (c.s.peek_is(' '));
    a.messages = msgs.commit();
    return a;
}

// ---- STORE ---------------------------------------------------------------------------------------

/// store-modifier = store-modifier-name [SP store-modif-params]        (RFC 4466 §3)
/// store-modifier =/ "UNCHANGEDSINCE" SP mod-sequence-valzer           (RFC 7162 §7)
MAILWIRE_LAZY inline result<store_modifier> store_modifier_rule(context& c) {
    const std::size_t at = c.s.pos();
    auto name = tagged_ext_label(c, "store-modifier");
    if (!name) return name.error();
    store_modifier m;
    m.text = *name;
    if (chars::iequals(*name, "UNCHANGEDSINCE")) {
        m.kind = store_modifier_kind::unchangedsince;
        if (auto ok = sp(c); !ok) return ok.error();
        auto v = mod_sequence_valzer(c);
        if (!v) return v.error();
        m.modseq = *v;
        return m;
    }
    c.s.reset(at);
    auto it = extension_item_rule(c);
    if (!it) return it.error();
    m.kind = store_modifier_kind::other;
    m.value = it->value;
    return m;
}

/// A Gmail label: "\" atom (system labels such as \Inbox) or astring. (X-GM-EXT-1.)
MAILWIRE_LAZY inline result<string_value> gm_label(context& c) {
    if (c.s.peek_is('\\')) {
        const std::size_t at = c.s.pos();
        c.s.advance();
        if (c.s.take_while(chars::atom_char).empty()) return c.s.error(errc::invalid_syntax, "atom after \"\\\"");
        return string_value{string_form::atom, c.s.since(at), false, false};
    }
    return astring(c);
}

/// store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))
///                                                                      (RFC 9051 §9)
/// and the same with "X-GM-LABELS" and labels (Gmail).
MAILWIRE_LAZY inline result<void> store_att_flags(context& c, cmd::store& st) {
    if (c.s.consume('+')) st.op = store_op::add;
    else if (c.s.consume('-')) st.op = store_op::remove;
    if (c.s.consume_ci("FLAGS")) st.item = store_item::flags;
    else if (c.s.consume_ci("X-GM-LABELS")) st.item = store_item::gmail_labels;
    else return c.s.error(errc::invalid_syntax, "store-att-flags (\"FLAGS\")");
    if (c.s.consume_ci(".SILENT")) st.silent = true;
    if (auto ok = sp(c); !ok) return ok.error();
    st.parenthesized = c.s.peek_is('(');
    if (st.item == store_item::flags) {
        if (st.parenthesized) {
            auto f = flag_list(c);
            if (!f) return f.error();
            st.flags = *f;
            return {};
        }
        detail::list_builder<flag> out(c.st, c.opts);
        for (;;) {
            if (auto ok = out.room(c.s); !ok) return ok.error();
            auto f = rules::flag(c.s, c.opts);
            if (!f) return f.error();
            if (auto ok = out.push(*f, c.s); !ok) return ok.error();
            if (!c.s.consume(' ')) break;
        }
        st.flags = out.commit();
        return {};
    }
    detail::list_builder<string_value> out(c.st, c.opts);
    if (st.parenthesized) {
        if (auto ok = open_paren(c); !ok) return ok.error();
        if (!c.s.peek_is(')')) {
            for (;;) {
                if (auto ok = out.room(c.s); !ok) return ok.error();
                auto l = gm_label(c);
                if (!l) return l.error();
                if (auto ok = out.push(*l, c.s); !ok) return ok.error();
                if (!c.s.consume(' ')) break;
            }
        }
        if (auto ok = close_paren(c, "SP or \")\""); !ok) return ok.error();
    } else {
        for (;;) {
            if (auto ok = out.room(c.s); !ok) return ok.error();
            auto l = gm_label(c);
            if (!l) return l.error();
            if (auto ok = out.push(*l, c.s); !ok) return ok.error();
            if (!c.s.consume(' ')) break;
        }
    }
    st.labels = out.commit();
    return {};
}

/// store = "STORE" SP sequence-set [store-modifiers] SP store-att-flags   (RFC 4466 §3)
/// store-modifiers = SP "(" store-modifier *(SP store-modifier) ")"
MAILWIRE_LAZY inline result<cmd::store> store(context& c, bool uid) {
    cmd::store st;
    st.uid = uid;
    if (auto ok = sp(c); !ok) return ok.error();
    auto set = sequence_set(c);
    if (!set) return set.error();
    st.set = *set;
    if (auto ok = sp(c); !ok) return ok.error();
    if (c.s.peek_is('(')) {
        detail::list_builder<store_modifier> mods(c.st, c.opts);
        if (auto ok = open_paren(c); !ok) return ok.error();
        for (;;) {
            if (auto ok = mods.room(c.s); !ok) return ok.error();
            auto m = store_modifier_rule(c);
            if (!m) return m.error();
            if (auto ok = mods.push(*m, c.s); !ok) return ok.error();
            if (!c.s.consume(' ')) break;
        }
        if (auto ok = close_paren(c, "SP or \")\""); !ok) return ok.error();
        st.modifiers = mods.commit();
        if (auto ok = sp(c); !ok) return ok.error();
    }
    if (auto ok = store_att_flags(c, st); !ok) return ok.error();
    return st;
}

// ---- SORT, THREAD --------------------------------------------------------------------------------

/// sort-criterion = ["REVERSE" SP] sort-key
/// sort-key = "ARRIVAL" / "CC" / "DATE" / "FROM" / "SIZE" / "SUBJECT" / "TO"   (RFC 5256 §5)
/// sort-key =/ "DISPLAYFROM" / "DISPLAYTO"                              (RFC 5957 §5)
MAILWIRE_LAZY inline result<sort_criterion> sort_criterion_rule(context& c) {
    sort_criterion sc;
    if (keyword(c, "REVERSE")) {
        sc.reverse = true;
        if (auto ok = sp(c); !ok) return ok.error();
    }
    for (auto k : {sort_key::arrival, sort_key::cc, sort_key::date, sort_key::from, sort_key::size,
                   sort_key::subject, sort_key::to, sort_key::displayfrom, sort_key::displayto}) {
        if (keyword(c, to_string(k))) {
            sc.key = k;
            return sc;
        }
    }
    return c.s.error(errc::invalid_syntax, "sort-key");
}

/// sort-criteria = "(" sort-criterion *(SP sort-criterion) ")"          (RFC 5256 §5)
MAILWIRE_LAZY inline result<std::span<const sort_criterion>> sort_criteria(context& c) {
    detail::list_builder<sort_criterion> out(c.st, c.opts);
    if (auto ok = open_paren(c, "sort-criteria"); !ok) return ok.error();
    for (;;) {
        if (auto ok = out.room(c.s); !ok) return ok.error();
        auto sc = sort_criterion_rule(c);
        if (!sc) return sc.error();
        if (auto ok = out.push(*sc, c.s); !ok) return ok.error();
        if (!c.s.consume(' ')) break;
    }
    if (auto ok = close_paren(c, "SP or \")\""); !ok) return ok.error();
    return out.commit();
}

/// search-criteria = charset 1*(SP search-key)                        (RFC 5256 §5)
/// (called at the SP before the charset; the keys go to the storage's search_program)
MAILWIRE_LAZY inline result<search_criteria> search_criteria_rule(context& c) {
    if (auto ok = sp(c); !ok) return ok.error();
    auto cs = rules::charset(c.s, c.opts, c.syn);
    if (!cs) return cs.error();
    auto& prog = c.st.search_args().program;
    prog.clear();
    std::size_t count = 0;
    do {
        if (auto ok = sp(c); !ok) return ok.error();
        if (++count > c.opts.max_list) return c.s.error(errc::limit_exceeded, "search-criteria within max_list");
        if (auto ok = rules::search_key(c.s, prog, c.depth, c.opts, c.syn); !ok) return ok.error();
    } while (c.s.peek_is(' '));
    return search_criteria{true, *cs, std::span<const search_node>(prog.nodes)};
}

/// search = "SEARCH" [search-return-opts] SP search-program           (RFC 9051 §9, RFC 4466 §3)
/// (after "SEARCH"; search_key.hpp's rules, the keys in the storage's search_program)
MAILWIRE_LAZY inline result<cmd::search> search(context& c, bool uid) {
    auto& args = c.st.search_args();
    if (auto ok = parse_search_arguments(c.s, args, c.depth, c.opts, c.syn); !ok) return ok.error();
    cmd::search r;
    r.uid = uid;
    r.ret = args.ret;
    r.program = search_criteria{args.program.has_charset, args.program.charset,
                                std::span<const search_node>(args.program.nodes)};
    return r;
}

/// fetch = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att /
///         "(" fetch-att *(SP fetch-att) ")") [fetch-modifiers]      (RFC 9051 §9, RFC 4466 §3)
/// (after "FETCH"; fetch_att.hpp's rules, the items in the storage's fetch_arguments)
MAILWIRE_LAZY inline result<cmd::fetch> fetch(context& c, bool uid) {
    auto& args = c.st.fetch_args();
    if (auto ok = parse_fetch_arguments(c.s, args, c.depth, c.opts, c.syn); !ok) return ok.error();
    cmd::fetch r;
    r.uid = uid;
    r.set = args.set;
    r.macro = args.items.macro;
    r.parenthesized = args.items.parenthesized;
    r.atts = std::span<const fetch_att>(args.items.atts);
    r.modifiers = args.modifiers;
    return r;
}

/// sort = ["UID" SP] "SORT" [search-return-opts] SP sort-criteria SP search-criteria
///                                                        (RFC 5256 §5, RFC 5267 §3.2)
/// search-return-opts = SP "RETURN" SP "(" [search-return-opt *(SP search-return-opt)] ")"
MAILWIRE_LAZY inline result<cmd::sort> sort(context& c, bool uid) {
    cmd::sort so;
    so.uid = uid;
    if (c.s.peek_is(' ') && chars::istarts_with(c.s.rest().substr(1), "RETURN ")) {
        auto r = rules::search_return_opts(c.s, c.depth, c.opts, c.syn);
        if (!r) return r.error();
        so.ret = *r;
    }
    if (auto ok = sp(c); !ok) return ok.error();
    auto cr = sort_criteria(c);
    if (!cr) return cr.error();
    so.criteria = *cr;
    auto sc = search_criteria_rule(c);
    if (!sc) return sc.error();
    so.search = *sc;
    return so;
}

/// thread = ["UID" SP] "THREAD" SP thread-alg SP search-criteria      (RFC 5256 §5)
/// thread-alg = "ORDEREDSUBJECT" / "REFERENCES" / thread-alg-ext; thread-alg-ext = atom
MAILWIRE_LAZY inline result<cmd::thread> thread(context& c, bool uid) {
    cmd::thread th;
    th.uid = uid;
    if (auto ok = sp(c); !ok) return ok.error();
    auto alg = atom(c, "thread-alg");
    if (!alg) return alg.error();
    th.algorithm = *alg;
    auto sc = search_criteria_rule(c);
    if (!sc) return sc.error();
    th.search = *sc;
    return th;
}

// ---- the rest --------------------------------------------------------------------------------------

/// authenticate = "AUTHENTICATE" SP auth-type [SP initial-resp]     (RFC 9051 §9, RFC 4959 §7)
/// initial-resp = (base64 / "=")
/// An empty base64 after the SP is invalid_syntax: RFC 4959 §3 says an empty initial
/// response MUST be sent as "=".
MAILWIRE_LAZY inline result<cmd::authenticate> authenticate(context& c) {
    cmd::authenticate a;
    if (auto ok = sp(c); !ok) return ok.error();
    auto mech = atom(c, "auth-type");
    if (!mech) return mech.error();
    a.mechanism = *mech;
    if (c.s.consume(' ')) {
        const std::size_t at = c.s.pos();
        if (c.s.consume('=') && at_line_end(c)) {
            a.initial_response = std::string_view{};
            return a;
        }
        c.s.reset(at);
        const auto b = c.s.take_while(chars::base64_char | chars::char_set("="));
        if (b.empty()) return c.s.error(errc::invalid_syntax, "initial-resp (base64 or \"=\")");
        if (auto ok = validate_base64(b); !ok) return c.s.error_at(at + ok.error().offset, errc::invalid_syntax, "base64");
        a.initial_response = b;
    }
    return a;
}

/// id = "ID" SP id_params_list
/// id_params_list = "(" #(string SP nstring) ")" / nil                 (RFC 2971 §4)
/// The pairs are separated by SP, as the RFC's examples send them; "()" is accepted.
MAILWIRE_LAZY inline result<cmd::id> id(context& c) {
    cmd::id r;
    if (auto ok = sp(c); !ok) return ok.error();
    if (keyword(c, "NIL")) {
        r.nil = true;
        return r;
    }
    if (auto ok = open_paren(c, "\"(\" or NIL"); !ok) return ok.error();
    detail::list_builder<id_param> out(c.st, c.opts);
    if (!c.s.peek_is(')')) {
        for (;;) {
            if (auto ok = out.room(c.s); !ok) return ok.error();
            auto f = string(c);
            if (!f) return f.error();
            if (auto ok = sp(c); !ok) return ok.error();
            auto v = nstring(c);
            if (!v) return v.error();
            if (auto ok = out.push(id_param{*f, *v}, c.s); !ok) return ok.error();
            if (!c.s.consume(' ')) break;
        }
    }
    if (auto ok = close_paren(c, "SP or \")\""); !ok) return ok.error();
    r.params = out.commit();
    return r;
}

/// setquota = "SETQUOTA" SP quota-root-name SP setquota-list          (RFC 9208 §7)
/// setquota-list = "(" [setquota-resource *(SP setquota-resource)] ")"
/// setquota-resource = resource-name SP resource-limit
/// resource-name = "STORAGE" / "MESSAGE" / "MAILBOX" / "ANNOTATION-STORAGE" / atom
MAILWIRE_LAZY inline result<cmd::setquota> setquota(context& c) {
    cmd::setquota q;
    if (auto ok = sp(c); !ok) return ok.error();
    auto root = astring(c);
    if (!root) return root.error();
    q.root = *root;
    if (auto ok = sp(c); !ok) return ok.error();
    if (auto ok = open_paren(c, "setquota-list"); !ok) return ok.error();
    detail::list_builder<quota_resource> out(c.st, c.opts);
    if (!c.s.peek_is(')')) {
        for (;;) {
            if (auto ok = out.room(c.s); !ok) return ok.error();
            auto name = atom(c, "resource-name");
            if (!name) return name.error();
            if (auto ok = sp(c); !ok) return ok.error();
            auto lim = number64(c.s);
            if (!lim) return parse_error{lim.error().code, lim.error().offset, "resource-limit"};
            if (auto ok = out.push(quota_resource{name->text, *lim}, c.s); !ok) return ok.error();
            if (!c.s.consume(' ')) break;
        }
    }
    if (auto ok = close_paren(c, "SP or \")\""); !ok) return ok.error();
    q.resources = out.commit();
    return q;
}

/// getmetadata-option = tagged-ext-label [SP tagged-ext-val]          (RFC 5464 §5)
/// maxsize-opt = "MAXSIZE" SP number;  scope-opt = "DEPTH" SP ("0" / "1" / "infinity")
MAILWIRE_LAZY inline result<metadata_option> getmetadata_option(context& c) {
    const std::size_t at = c.s.pos();
    auto name = tagged_ext_label(c, "getmetadata-option");
    if (!name) return name.error();
    metadata_option o;
    o.text = *name;
    if (chars::iequals(*name, "MAXSIZE")) {
        o.kind = metadata_option_kind::maxsize;
        if (auto ok = sp(c); !ok) return ok.error();
        auto n = number(c.s);
        if (!n) return parse_error{n.error().code, n.error().offset, "maxsize-opt number"};
        o.maxsize = *n;
        return o;
    }
    if (chars::iequals(*name, "DEPTH")) {
        o.kind = metadata_option_kind::depth;
        if (auto ok = sp(c); !ok) return ok.error();
        if (keyword(c, "0")) o.depth = metadata_depth::zero;
        else if (keyword(c, "1")) o.depth = metadata_depth::one;
        else if (keyword(c, "infinity")) o.depth = metadata_depth::infinity;
        else return c.s.error(errc::invalid_syntax, "scope-opt (\"0\" / \"1\" / \"infinity\")");
        return o;
    }
    c.s.reset(at);
    auto it = extension_item_rule(c);
    if (!it) return it.error();
    o.kind = metadata_option_kind::other;
    o.value = it->value;
    return o;
}

/// getmetadata-options = "(" getmetadata-option *(SP getmetadata-option) ")"   (RFC 5464 §5)
MAILWIRE_LAZY inline result<std::span<const metadata_option>> getmetadata_options(context& c) {
    detail::list_builder<metadata_option> out(c.st, c.opts);
    if (auto ok = open_paren(c, "getmetadata-options"); !ok) return ok.error();
    for (;;) {
        if (auto ok = out.room(c.s); !ok) return ok.error();
        auto o = getmetadata_option(c);
        if (!o) return o.error();
        if (auto ok = out.push(*o, c.s); !ok) return ok.error();
        if (!c.s.consume(' ')) break;
    }
    if (auto ok = close_paren(c, "SP or \")\""); !ok) return ok.error();
    return out.commit();
}

/// getmetadata = "GETMETADATA" [SP getmetadata-options] SP mailbox SP entries  (RFC 5464 §5)
/// entries = entry / "(" entry *(SP entry) ")";  entry = astring
/// The options are also accepted after the mailbox, where RFC 5464's own examples
/// (§4.2.1, §4.2.2) put them: a "(" after the mailbox followed by a tagged-label-fchar
/// (entries begin with "/") starts the options.
MAILWIRE_LAZY inline result<cmd::getmetadata> getmetadata(context& c) {
    cmd::getmetadata g;
    if (auto ok = sp(c); !ok) return ok.error();
    if (c.s.peek_is('(')) {
        auto o = getmetadata_options(c);
        if (!o) return o.error();
        g.options = *o;
        if (auto ok = sp(c); !ok) return ok.error();
    }
    auto mb = mailbox(c);
    if (!mb) return mb.error();
    g.mbox = *mb;
    if (auto ok = sp(c); !ok) return ok.error();
    if (g.options.empty() && c.s.peek_is('(') && chars_cmd::tagged_label_fchar(c.s.peek(1))) {
        auto o = getmetadata_options(c);
        if (!o) return o.error();
        g.options = *o;
        g.options_after_mailbox = true;
        if (auto ok = sp(c); !ok) return ok.error();
    }
    detail::list_builder<string_value> out(c.st, c.opts);
    if (c.s.peek_is('(')) {
        g.entries_parenthesized = true;
        if (auto ok = open_paren(c); !ok) return ok.error();
        for (;;) {
            if (auto ok = out.room(c.s); !ok) return ok.error();
            auto e = astring(c);
            if (!e) return e.error();
            if (auto ok = out.push(*e, c.s); !ok) return ok.error();
            if (!c.s.consume(' ')) break;
        }
        if (auto ok = close_paren(c, "SP or \")\""); !ok) return ok.error();
    } else {
        if (auto ok = out.room(c.s); !ok) return ok.error();
        auto e = astring(c);
        if (!e) return e.error();
        if (auto ok = out.push(*e, c.s); !ok) return ok.error();
    }
    g.entries = out.commit();
    return g;
}

/// setmetadata = "SETMETADATA" SP mailbox SP entry-values              (RFC 5464 §5)
/// entry-values = "(" entry-value *(SP entry-value) ")"; entry-value = entry SP value
/// value = nstring / literal8
MAILWIRE_LAZY inline result<cmd::setmetadata> setmetadata(context& c) {
    cmd::setmetadata sm;
    if (auto ok = sp(c); !ok) return ok.error();
    auto mb = mailbox(c);
    if (!mb) return mb.error();
    sm.mbox = *mb;
    if (auto ok = sp(c); !ok) return ok.error();
    if (auto ok = open_paren(c, "entry-values"); !ok) return ok.error();
    detail::list_builder<metadata_entry_value> out(c.st, c.opts);
    for (;;) {
        if (auto ok = out.room(c.s); !ok) return ok.error();
        auto e = astring(c);
        if (!e) return e.error();
        if (auto ok = sp(c); !ok) return ok.error();
        string_value v;
        if (c.s.peek_is('~')) {
            auto l = rules::literal8(c.s, c.opts);
            if (!l) return l.error();
            v = string_value::from(*l);
        } else {
            auto n = nstring(c);
            if (!n) return n.error();
            v = *n;
        }
        if (auto ok = out.push(metadata_entry_value{*e, v}, c.s); !ok) return ok.error();
        if (!c.s.consume(' ')) break;
    }
    if (auto ok = close_paren(c, "SP or \")\""); !ok) return ok.error();
    sm.values = out.commit();
    return sm;
}

/// sequence-set SP mailbox, as COPY and MOVE have it.
MAILWIRE_LAZY inline result<void> set_and_mailbox(context& c, imap::sequence_set& set, imap::mailbox& mbox) {
    if (auto ok = sp(c); !ok) return ok.error();
    auto s = sequence_set(c);
    if (!s) return s.error();
    set = *s;
    if (auto ok = sp(c); !ok) return ok.error();
    auto m = mailbox(c);
    if (!m) return m.error();
    mbox = *m;
    return {};
}

/// SP mailbox, as most mailbox commands have it.
MAILWIRE_LAZY inline result<imap::mailbox> sp_mailbox(context& c) {
    if (auto ok = sp(c); !ok) return ok.error();
    return mailbox(c);
}

/// replace = "REPLACE" SP seq-number SP mailbox append-message         (RFC 8508 §5)
MAILWIRE_LAZY inline result<cmd::replace> replace(context& c, bool uid) {
    cmd::replace r;
    r.uid = uid;
    if (auto ok = sp(c); !ok) return ok.error();
    auto n = rules::seq_number(c.s);
    if (!n) return n.error();
    r.number = *n;
    auto mb = sp_mailbox(c);
    if (!mb) return mb.error();
    r.mbox = *mb;
    auto m = append_message_rule(c);
    if (!m) return m.error();
    r.message = *m;
    return r;
}

/// The commands "UID" may precede: copy / move / fetch / search / store / uid-expunge
/// (RFC 9051 §9, RFC 4315), replace (RFC 8508), sort / thread (RFC 5256). Another name
/// after "UID" is a generic command with uid set.
MAILWIRE_LAZY inline result<command_body> uid_command(context& c) {
    if (auto ok = sp(c); !ok) return ok.error();
    auto name = atom(c, "command after UID");
    if (!name) return name.error();
    const std::string_view n = name->text;
    if (chars::iequals(n, "COPY")) {
        cmd::copy r;
        r.uid = true;
        if (auto ok = set_and_mailbox(c, r.set, r.mbox); !ok) return ok.error();
        return mailwire::detail::alternative<command_body>(r);
    }
    if (chars::iequals(n, "MOVE")) {
        cmd::move r;
        r.uid = true;
        if (auto ok = set_and_mailbox(c, r.set, r.mbox); !ok) return ok.error();
        return mailwire::detail::alternative<command_body>(r);
    }
    if (chars::iequals(n, "FETCH")) {
        auto r = fetch(c, true);
        if (!r) return r.error();
        return mailwire::detail::alternative<command_body>(*r);
    }
    if (chars::iequals(n, "SEARCH")) {
        auto r = search(c, true);
        if (!r) return r.error();
        return mailwire::detail::alternative<command_body>(*r);
    }
    if (chars::iequals(n, "STORE")) {
        auto r = store(c, true);
        if (!r) return r.error();
        return mailwire::detail::alternative<command_body>(*r);
    }
    if (chars::iequals(n, "EXPUNGE")) {
        if (auto ok = sp(c); !ok) return ok.error();
        auto set = sequence_set(c);
        if (!set) return set.error();
        return mailwire::detail::alternative<command_body>(cmd::uid_expunge{*set});
    }
    if (chars::iequals(n, "REPLACE")) {
        auto r = replace(c, true);
        if (!r) return r.error();
        return mailwire::detail::alternative<command_body>(*r);
    }
    if (chars::iequals(n, "SORT")) {
        auto r = sort(c, true);
        if (!r) return r.error();
        return mailwire::detail::alternative<command_body>(*r);
    }
    if (chars::iequals(n, "THREAD")) {
        auto r = thread(c, true);
        if (!r) return r.error();
        return mailwire::detail::alternative<command_body>(*r);
    }
    auto args = generic_args(c);
    if (!args) return args.error();
    return mailwire::detail::alternative<command_body>(cmd::generic{true, *name, *args});
}

/// command-any / command-auth / command-nonauth / command-select, after "tag SP":
/// the command's name (an atom, case-insensitive) and its arguments, without the CRLF.
MAILWIRE_LAZY inline result<command_body> command_body_rule(context& c) {
    auto name = atom(c, "command");
    if (!name) return name.error();
    const std::string_view n = name->text;
    const auto is = [&](std::string_view kw) { return chars::iequals(n, kw); };
    // Commands without arguments.
    if (is("CAPABILITY")) return mailwire::detail::alternative<command_body>(cmd::capability{});
    if (is("NOOP")) return mailwire::detail::alternative<command_body>(cmd::noop{});
    if (is("LOGOUT")) return mailwire::detail::alternative<command_body>(cmd::logout{});
    if (is("STARTTLS")) return mailwire::detail::alternative<command_body>(cmd::starttls{});
    if (is("NAMESPACE")) return mailwire::detail::alternative<command_body>(cmd::namespace_{});
    if (is("IDLE")) return mailwire::detail::alternative<command_body>(cmd::idle{});
    if (is("CHECK")) return mailwire::detail::alternative<command_body>(cmd::check{});
    if (is("CLOSE")) return mailwire::detail::alternative<command_body>(cmd::close{});
    if (is("UNSELECT")) return mailwire::detail::alternative<command_body>(cmd::unselect{});
    if (is("EXPUNGE")) return mailwire::detail::alternative<command_body>(cmd::expunge{});
    if (is("UNAUTHENTICATE")) return mailwire::detail::alternative<command_body>(cmd::unauthenticate{});
    // Commands with arguments.
    if (is("AUTHENTICATE")) {
        auto r = authenticate(c);
        if (!r) return r.error();
        return mailwire::detail::alternative<command_body>(*r);
    }
    if (is("LOGIN")) {
        cmd::login r;
        if (auto ok = sp(c); !ok) return ok.error();
        auto u = astring(c);
        if (!u) return u.error();
        if (auto ok = sp(c); !ok) return ok.error();
        auto p = astring(c);
        if (!p) return p.error();
        r.userid = *u;
        r.password = *p;
        return mailwire::detail::alternative<command_body>(r);
    }
    if (is("ENABLE")) {
        detail::list_builder<imap::atom> caps(c.st, c.opts);
        do {
            if (auto ok = sp(c); !ok) return ok.error();
            if (auto ok = caps.room(c.s); !ok) return ok.error();
            auto a = atom(c, "capability");
            if (!a) return a.error();
            if (auto ok = caps.push(*a, c.s); !ok) return ok.error();
        } while (c.s.peek_is(' '));
        return mailwire::detail::alternative<command_body>(cmd::enable{caps.commit()});
    }
    if (is("SELECT") || is("EXAMINE")) {
        auto mb = sp_mailbox(c);
        if (!mb) return mb.error();
        auto p = select_params(c);
        if (!p) return p.error();
        if (is("SELECT")) return mailwire::detail::alternative<command_body>(cmd::select{*mb, *p});
        return mailwire::detail::alternative<command_body>(cmd::examine{*mb, *p});
    }
    if (is("CREATE")) {
        auto mb = sp_mailbox(c);
        if (!mb) return mb.error();
        auto p = create_params(c);
        if (!p) return p.error();
        return mailwire::detail::alternative<command_body>(cmd::create{*mb, *p});
    }
    if (is("DELETE") || is("SUBSCRIBE") || is("UNSUBSCRIBE") || is("GETQUOTAROOT") || is("GETACL") ||
        is("MYRIGHTS")) {
        auto mb = sp_mailbox(c);
        if (!mb) return mb.error();
        if (is("DELETE")) return mailwire::detail::alternative<command_body>(cmd::delete_{*mb});
        if (is("SUBSCRIBE")) return mailwire::detail::alternative<command_body>(cmd::subscribe{*mb});
        if (is("UNSUBSCRIBE")) return mailwire::detail::alternative<command_body>(cmd::unsubscribe{*mb});
        if (is("GETQUOTAROOT")) return mailwire::detail::alternative<command_body>(cmd::getquotaroot{*mb});
        if (is("GETACL")) return mailwire::detail::alternative<command_body>(cmd::getacl{*mb});
        return mailwire::detail::alternative<command_body>(cmd::myrights{*mb});
    }
    if (is("RENAME")) {
        auto from = sp_mailbox(c);
        if (!from) return from.error();
        auto to = sp_mailbox(c);
        if (!to) return to.error();
        auto p = rename_params(c);
        if (!p) return p.error();
        return mailwire::detail::alternative<command_body>(cmd::rename{*from, *to, *p});
    }
    if (is("LIST")) {
        auto r = list(c);
        if (!r) return r.error();
        return mailwire::detail::alternative<command_body>(*r);
    }
    if (is("LSUB")) {
        auto ref = sp_mailbox(c);
        if (!ref) return ref.error();
        if (auto ok = sp(c); !ok) return ok.error();
        auto p = list_mailbox(c);
        if (!p) return p.error();
        return mailwire::detail::alternative<command_body>(cmd::lsub{*ref, *p});
    }
    if (is("STATUS")) {
        auto mb = sp_mailbox(c);
        if (!mb) return mb.error();
        if (auto ok = sp(c); !ok) return ok.error();
        auto items = status_att_list(c);
        if (!items) return items.error();
        return mailwire::detail::alternative<command_body>(cmd::status{*mb, *items});
    }
    if (is("APPEND")) {
        auto r = append(c);
        if (!r) return r.error();
        return mailwire::detail::alternative<command_body>(*r);
    }
    if (is("UID")) return uid_command(c);
    if (is("COPY") || is("MOVE")) {
        imap::sequence_set set;
        imap::mailbox mb;
        if (auto ok = set_and_mailbox(c, set, mb); !ok) return ok.error();
        if (is("COPY")) return mailwire::detail::alternative<command_body>(cmd::copy{false, set, mb});
        return mailwire::detail::alternative<command_body>(cmd::move{false, set, mb});
    }
    if (is("FETCH")) {
        auto r = fetch(c, false);
        if (!r) return r.error();
        return mailwire::detail::alternative<command_body>(*r);
    }
    if (is("SEARCH")) {
        auto r = search(c, false);
        if (!r) return r.error();
        return mailwire::detail::alternative<command_body>(*r);
    }
    if (is("STORE")) {
        auto r = store(c, false);
        if (!r) return r.error();
        return mailwire::detail::alternative<command_body>(*r);
    }
    if (is("SORT")) {
        auto r = sort(c, false);
        if (!r) return r.error();
        return mailwire::detail::alternative<command_body>(*r);
    }
    if (is("THREAD")) {
        auto r = thread(c, false);
        if (!r) return r.error();
        return mailwire::detail::alternative<command_body>(*r);
    }
    if (is("ID")) {
        auto r = id(c);
        if (!r) return r.error();
        return mailwire::detail::alternative<command_body>(*r);
    }
    if (is("GETQUOTA")) {
        if (auto ok = sp(c); !ok) return ok.error();
        auto root = astring(c);
        if (!root) return root.error();
        return mailwire::detail::alternative<command_body>(cmd::getquota{*root});
    }
    if (is("SETQUOTA")) {
        auto r = setquota(c);
        if (!r) return r.error();
        return mailwire::detail::alternative<command_body>(*r);
    }
    if (is("SETACL") || is("DELETEACL") || is("LISTRIGHTS")) {
        auto mb = sp_mailbox(c);
        if (!mb) return mb.error();
        if (auto ok = sp(c); !ok) return ok.error();
        auto ident = astring(c);
        if (!ident) return ident.error();
        if (is("DELETEACL")) return mailwire::detail::alternative<command_body>(cmd::deleteacl{*mb, *ident});
        if (is("LISTRIGHTS")) return mailwire::detail::alternative<command_body>(cmd::listrights{*mb, *ident});
        if (auto ok = sp(c); !ok) return ok.error();
        auto rights = astring(c);
        if (!rights) return rights.error();
        return mailwire::detail::alternative<command_body>(cmd::setacl{*mb, *ident, *rights});
    }
    if (is("GETMETADATA")) {
        auto r = getmetadata(c);
        if (!r) return r.error();
        return mailwire::detail::alternative<command_body>(*r);
    }
    if (is("SETMETADATA")) {
        auto r = setmetadata(c);
        if (!r) return r.error();
        return mailwire::detail::alternative<command_body>(*r);
    }
    if (is("COMPRESS")) {
        if (auto ok = sp(c); !ok) return ok.error();
        auto alg = atom(c, "algorithm");
        if (!alg) return alg.error();
        return mailwire::detail::alternative<command_body>(cmd::compress{*alg});
    }
    if (is("REPLACE")) {
        auto r = replace(c, false);
        if (!r) return r.error();
        return mailwire::detail::alternative<command_body>(*r);
    }
    auto args = generic_args(c);
    if (!args) return args.error();
    return mailwire::detail::alternative<command_body>(cmd::generic{false, *name, *args});
}

/// command = tag SP (command-any / command-auth / command-nonauth / command-select) CRLF
///                                                                      (RFC 9051 §9)
MAILWIRE_LAZY inline result<command> command_rule(context& c) {
    auto t = rules::tag(c.s);
    if (!t) return t.error();
    if (auto ok = sp(c); !ok) return ok.error();
    auto body = command_body_rule(c);
    if (!body) return body.error();
    if (auto ok = end_of_command(c); !ok) return ok.error();
    return command{*t, std::move(*body)};
}

} // namespace command_rules

/// Parses one complete framed command message (all its lines and literal payloads, the
/// final CRLF included), as the framer delivers it. Lists go into `storage`, which is
/// cleared first; see types.hpp for the lifetime of the views. Errors carry an offset into
/// `message`. `syn` says whether the session has enabled UTF-8 quoted strings (RFC 6855 /
/// IMAP4rev2).
MAILWIRE_ENTRY result<command> parse_command(std::string_view message, command_storage& storage,
                                     const parse_options& opts = {}, session_syntax syn = {}) {
    storage.clear();
    // The framer's limits hold here too, whoever framed the bytes.
    if (auto lim = check_message_limits(message, direction::client_to_server, opts); !lim) return lim.error();
    scanner s(message);
    command_rules::context c{s, opts, syn, storage, 0};
    return command_rules::command_rule(c);
}

/// One message as buffered_framer::next() returned it, parsed as above. The framer looked
/// for NUL while copying the bytes in: when it found none (event::nul_free), no literal is
/// scanned for NUL a second time. An event other than a message is bad_state.
MAILWIRE_ENTRY result<command> parse_command(const buffered_framer::event& ev, command_storage& storage,
                                     const parse_options& opts = {}, session_syntax syn = {}) {
    if (ev.status != frame_status::message) return fail(errc::bad_state, 0, "a framed message");
    parse_options checked = opts;
    checked.known_nul_free = ev.nul_free;
    return parse_command(ev.bytes, storage, checked, syn);
}

} // namespace mailwire::imap
