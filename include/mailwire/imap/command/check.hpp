// check_writable(const command&): whether a command's wire bytes parse back (with
// parse_command, in the mode its values came from) to an equal command. See
// command/write.hpp for how values are written.
//
// It refuses CR, LF or NUL in a quoted string (such a string must be a literal), NUL
// outside literal8, atoms and tags with characters their rule does not allow (a tag is
// never "*" and never holds "+"), lists that must not be empty, and values whose bytes
// would read back as something else: a generic command named like a typed one, two words
// with no SP between them, an "other" option spelled like a known one, and so on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <variant>

#include <mailwire/core/config.hpp>
#include <mailwire/core/base64.hpp>
#include <mailwire/core/chars.hpp>
#include <mailwire/core/format.hpp>
#include <mailwire/core/number.hpp>
#include <mailwire/core/options.hpp>
#include <mailwire/core/result.hpp>
#include <mailwire/core/scanner.hpp>
#include <mailwire/imap/command/parse.hpp>
#include <mailwire/imap/command/types.hpp>
#include <mailwire/imap/rules/datetime.hpp>
#include <mailwire/imap/rules/fetch_att.hpp>
#include <mailwire/imap/rules/flag.hpp>
#include <mailwire/imap/rules/mailbox.hpp>
#include <mailwire/imap/rules/search_key.hpp>
#include <mailwire/imap/rules/sequence_set.hpp>
#include <mailwire/imap/rules/string.hpp>

namespace mailwire::imap {

// ---- check_writable ------------------------------------------------------------------------

namespace detail::cmdw {

/// Out of the constexpr function below: a local array there is rebuilt at every call.
inline constexpr std::string_view known_command_names[] = {
    "CAPABILITY", "NOOP", "LOGOUT", "STARTTLS", "NAMESPACE", "IDLE", "CHECK", "CLOSE", "UNSELECT", "EXPUNGE",
    "UNAUTHENTICATE", "AUTHENTICATE", "LOGIN", "ENABLE", "SELECT", "EXAMINE", "CREATE", "DELETE", "SUBSCRIBE",
    "UNSUBSCRIBE", "GETQUOTAROOT", "GETACL", "MYRIGHTS", "RENAME", "LIST", "LSUB", "STATUS", "APPEND", "UID",
    "COPY", "MOVE", "FETCH", "SEARCH", "STORE", "SORT", "THREAD", "ID", "GETQUOTA", "SETQUOTA", "SETACL",
    "DELETEACL", "LISTRIGHTS", "GETMETADATA", "SETMETADATA", "COMPRESS", "REPLACE"};

/// The names parse_command() reads as typed commands (a generic command must not take one).
MAILWIRE_LAZY constexpr bool known_command_name(std::string_view n) noexcept {
    for (auto k : known_command_names)
        if (chars::iequals(n, k)) return true;
    return false;
}
/// Out of the constexpr function below: a local array there is rebuilt at every call.
inline constexpr std::string_view known_uid_command_names[] = {"COPY", "MOVE", "FETCH", "SEARCH", "STORE", "EXPUNGE", "REPLACE", "SORT", "THREAD"};

/// The names parse_command() reads as typed after "UID".
MAILWIRE_LAZY constexpr bool known_uid_command_name(std::string_view n) noexcept {
    for (auto k : known_uid_command_names)
        if (chars::iequals(n, k)) return true;
    return false;
}

MAILWIRE_LAZY constexpr result<void> check_atom_text(std::string_view t, std::string_view what) noexcept {
    if (t.empty()) return unsafe(what);
    const std::size_t bad = chars::atom_char.span(t);
    if (bad != t.size()) return unsafe(what, bad);
    return {};
}

MAILWIRE_LAZY constexpr result<void> check_label(std::string_view t, std::string_view what) noexcept {
    if (t.empty() || !chars_cmd::tagged_label_fchar(t.front())) return unsafe(what);
    if (t.front() == '-' && t.size() > 1 && chars::digit(t[1])) return unsafe(what, 1); // reads as a value
    const std::size_t bad = chars_cmd::tagged_label_char.span(t.substr(1));
    if (bad != t.size() - 1) return unsafe(what, bad + 1);
    return {};
}

/// astring: atom (ASTRING-CHARs), quoted or literal (not NIL, not literal8).
MAILWIRE_LAZY constexpr result<void> check_astring(const string_value& v) noexcept {
    if (v.form == string_form::nil || v.form == string_form::literal8) return unsafe("astring: atom, quoted or literal");
    return check_writable(v);
}
/// string: quoted or literal.
MAILWIRE_LAZY constexpr result<void> check_string(const string_value& v) noexcept {
    if (v.form != string_form::quoted && v.form != string_form::literal) return unsafe("string: quoted or literal");
    return check_writable(v);
}
/// nstring: quoted, literal or NIL.
MAILWIRE_LAZY constexpr result<void> check_nstring(const string_value& v) noexcept {
    if (v.form == string_form::atom || v.form == string_form::literal8) return unsafe("nstring: quoted, literal or NIL");
    return check_writable(v);
}
/// list-mailbox: 1*list-char, quoted or literal.
MAILWIRE_LAZY constexpr result<void> check_list_mailbox(const string_value& v) noexcept {
    if (v.form == string_form::atom) {
        if (v.text.empty()) return unsafe("list-mailbox: at least one character");
        const std::size_t bad = chars::list_char.span(v.text);
        if (bad != v.text.size()) return unsafe("list-mailbox: list-char", bad);
        return {};
    }
    return check_string(v);
}
MAILWIRE_LAZY constexpr result<void> check_mailbox(const mailbox& m) noexcept {
    if (m.name.form == string_form::literal8) return unsafe("mailbox: astring (not literal8)");
    return check_writable(m);
}
/// A Gmail label: "\" atom, or an astring.
MAILWIRE_LAZY constexpr result<void> check_gm_label(const string_value& v) noexcept {
    if (v.form == string_form::atom && !v.text.empty() && v.text.front() == '\\')
        return check_atom_text(v.text.substr(1), "X-GM-LABELS: atom after \"\\\"");
    return check_astring(v);
}

/// The literal forms check_writable(string_value) allows, for token values.
MAILWIRE_LAZY constexpr result<void> check_token_value(const token& t) noexcept {
    switch (t.kind) {
    case token_kind::quoted: return detail::check_quoted(t.text, t.escaped);
    case token_kind::literal: return check_writable(literal{t.text, t.non_sync, false});
    case token_kind::literal8: return {};
    case token_kind::atom:
    case token_kind::open:
    case token_kind::close: break;
    }
    return {};
}

/// A generic command's arguments after its name (an atom ending in `name_last`): balanced
/// parentheses; words of word characters (8-bit allowed: lenient input writes back as it
/// came); no SP-less join that would read back differently: two words (a word is the
/// longest run of word characters), the name and a word starting with an ATOM-CHAR (the
/// name is the longest run of ATOM-CHARs), a word or the name and a literal8 ("~" is a
/// word character), a word "~" and a literal ("~{n}" at the start of a token reads as
/// literal8).
MAILWIRE_LAZY constexpr result<void> check_generic_tokens(std::span<const token> ts, char name_last) noexcept {
    std::size_t depth = 0;
    bool prev_name = true, prev_word = false;
    char prev_last = name_last;
    for (std::size_t i = 0; i < ts.size(); ++i) {
        const token& t = ts[i];
        const bool glued_word = !t.space_before && prev_word;
        const bool glued_name = !t.space_before && prev_name;
        switch (t.kind) {
        case token_kind::open: ++depth; break;
        case token_kind::close:
            if (depth == 0) return unsafe("arguments: \")\" without \"(\"", i);
            --depth;
            break;
        case token_kind::atom: {
            if (t.text.empty()) return unsafe("arguments: empty word", i);
            if (chars_cmd::word_char_lenient.span(t.text) != t.text.size()) return unsafe("arguments: word characters", i);
            if (glued_word) return unsafe("arguments: SP between two words", i);
            if (glued_name && chars::atom_char(t.text.front())) return unsafe("arguments: SP after the name", i);
            if (t.text.front() == '~' && t.text.size() > 1 && t.text[1] == '{') return unsafe("arguments: word", i);
            break;
        }
        case token_kind::literal8:
            if (glued_word || glued_name) return unsafe("arguments: SP before a literal8", i);
            break;
        case token_kind::literal:
            if (glued_word && prev_last == '~' && i > 0 && ts[i - 1].text.size() == 1)
                return unsafe("arguments: literal after the word \"~\"", i);
            break;
        case token_kind::quoted: break;
        }
        if (auto ok = check_token_value(t); !ok) return ok;
        prev_name = false;
        prev_word = t.kind == token_kind::atom;
        prev_last = prev_word ? t.text.back() : '\0';
    }
    if (depth != 0) return unsafe("arguments: \"(\" without \")\"");
    return {};
}

// tagged-ext-comp / option-val-comp, as parse.hpp reads them. Nested groups are checked
// by this one loop, not by recursion; more than max_depth_ceiling of them cannot parse.
MAILWIRE_LAZY constexpr result<void> check_comp(std::span<const token> ts, std::size_t& i, bool first_space) noexcept {
    bool expect_space = first_space;
    bool any = false;
    std::size_t open = 0; // groups opened here and not yet closed
    for (;;) {
        if (i < ts.size() && ts[i].kind != token_kind::close) {
            const token& t = ts[i];
            if (t.space_before != expect_space) return unsafe("tagged-ext-comp: one SP between items", i);
            ++i;
            if (t.kind == token_kind::open) {
                if (i < ts.size() && ts[i].kind == token_kind::close) return unsafe("tagged-ext-comp: \"()\" inside", i);
                if (++open >= max_depth_ceiling) return unsafe("tagged-ext-comp: nesting within max_depth_ceiling", i - 1);
                expect_space = false;
                any = false;
                continue;
            }
            if (t.kind == token_kind::atom) {
                if (t.text.empty() || chars_cmd::comp_word_char.span(t.text) != t.text.size())
                    return unsafe("tagged-ext-comp: astring", i - 1);
            } else if (auto ok = check_token_value(t); !ok) {
                return ok;
            }
            expect_space = true;
            any = true;
            continue;
        }
        if (!any) return unsafe("tagged-ext-comp: an item", i);
        if (open == 0) return {};
        if (i >= ts.size() || ts[i].space_before) return unsafe("tagged-ext-comp: \")\"", i);
        ++i;
        --open;
        expect_space = true;
        any = true;
    }
}

/// tagged-ext-val tokens (`option` = option-value: always "(" non-empty ")").
MAILWIRE_LAZY constexpr result<void> check_ext_value(std::span<const token> ts, bool option = false) noexcept {
    if (ts.empty()) return unsafe("tagged-ext-val: a value");
    if (!ts[0].space_before) return unsafe("tagged-ext-val: SP before it");
    if (ts[0].kind == token_kind::atom && !option) {
        if (ts.size() != 1) return unsafe("tagged-ext-val: one word", 1);
        const std::string_view w = ts[0].text;
        if (w.empty() || chars_cmd::ext_simple_char.span(w) != w.size()) return unsafe("tagged-ext-simple");
        scanner s(w);
        parse_options o;
        o.max_list = SIZE_MAX;
        bool ok = false;
        if (w.front() == '-') {
            ok = s.consume('-') && nz_number(s).has_value() && s.consume(':') && s.consume('-') && nz_number(s).has_value() &&
                 s.at_end();
        } else if (rules::sequence_set(s, o).has_value() && s.at_end()) {
            ok = true;
        } else {
            scanner n(w);
            ok = number64(n).has_value() && n.at_end();
        }
        if (!ok) return unsafe("tagged-ext-simple: sequence-set or number64");
        return {};
    }
    if (ts[0].kind != token_kind::open) return unsafe("tagged-ext-val: \"(\" or a number");
    std::size_t i = 1;
    if (i < ts.size() && ts[i].kind == token_kind::close) {
        if (option) return unsafe("option-value: not empty", i);
    } else if (auto ok = check_comp(ts, i, false); !ok) {
        return ok;
    }
    if (i >= ts.size() || ts[i].kind != token_kind::close || ts[i].space_before) return unsafe("tagged-ext-val: \")\"", i);
    if (i + 1 != ts.size()) return unsafe("tagged-ext-val: one value", i + 1);
    return {};
}

MAILWIRE_LAZY constexpr result<void> check_extension_item(const extension_item& it, bool value_required) noexcept {
    if (auto ok = check_label(it.name, "tagged-ext-label"); !ok) return ok;
    if (it.value.empty()) {
        if (value_required) return unsafe("tagged-ext: a value");
        return {};
    }
    return check_ext_value(it.value);
}

MAILWIRE_LAZY constexpr result<void> check_flags(std::span<const flag> fs) noexcept {
    for (const auto& f : fs)
        if (auto ok = check_writable(f); !ok) return ok;
    return {};
}

MAILWIRE_LAZY inline result<void> check_append_message(const append_message& m, bool last) noexcept {
    if (!m.has_flags && !m.flags.empty()) return unsafe("append: flags given without has_flags");
    if (auto ok = check_flags(m.flags); !ok) return ok;
    if (m.date)
        if (auto ok = check_writable(*m.date); !ok) return ok;
    for (const auto& e : m.extensions) {
        if (auto ok = check_extension_item(e, true); !ok) return ok;
        if (chars::iequals(e.name, "UTF8") || chars::iequals(e.name, "CATENATE"))
            return unsafe("append-ext: UTF8 and CATENATE are append-data");
    }
    switch (m.kind) {
    case append_data_kind::literal:
        return check_writable(literal{m.data.data, m.data.non_sync, false});
    case append_data_kind::literal8:
    case append_data_kind::utf8: return {};
    case append_data_kind::other:
        if (auto ok = check_extension_item(m.data_ext, true); !ok) return ok;
        if (chars::iequals(m.data_ext.name, "UTF8")) return unsafe("append-data-ext: UTF8 (use append_data_kind::utf8)");
        if (!last && !chars::iequals(m.data_ext.name, "CATENATE"))
            return unsafe("append-data-ext other than CATENATE before another message (reads as append-ext)");
        return {};
    }
    return {};
}

MAILWIRE_LAZY constexpr result<void> check_seq(const sequence_set& s) noexcept { return check_writable(s); }

MAILWIRE_LAZY inline result<void> check(const cmd::authenticate& v) noexcept {
    if (auto ok = check_atom_text(v.mechanism.text, "auth-type: atom"); !ok) return ok;
    if (v.initial_response && !v.initial_response->empty())
        if (auto ok = validate_base64(*v.initial_response); !ok) return unsafe("initial-resp: base64", ok.error().offset);
    return {};
}
MAILWIRE_LAZY inline result<void> check(const cmd::login& v) noexcept {
    if (auto ok = check_astring(v.userid); !ok) return ok;
    return check_astring(v.password);
}
MAILWIRE_LAZY inline result<void> check(const cmd::enable& v) noexcept {
    if (v.capabilities.empty()) return unsafe("ENABLE: at least one capability");
    for (const auto& a : v.capabilities)
        if (auto ok = check_atom_text(a.text, "capability: atom"); !ok) return ok;
    return {};
}
MAILWIRE_LAZY inline result<void> check_select_params(std::span<const select_param> ps) noexcept {
    for (const auto& p : ps) {
        switch (p.kind) {
        case select_param_kind::condstore:
            if (!chars::iequals(p.name(), "CONDSTORE")) return unsafe("select-param: CONDSTORE spelled CONDSTORE");
            break;
        case select_param_kind::qresync: {
            if (!chars::iequals(p.name(), "QRESYNC")) return unsafe("select-param: QRESYNC spelled QRESYNC");
            const auto& q = p.qresync;
            if (q.uidvalidity == 0) return unsafe("QRESYNC: uidvalidity is nz-number");
            if (q.modseq == 0 || q.modseq > static_cast<std::uint64_t>(INT64_MAX))
                return unsafe("QRESYNC: mod-sequence-value 1..2^63-1");
            if (q.known_sequence_set.empty() != q.known_uid_set.empty())
                return unsafe("QRESYNC: seq-match-data needs both sets");
            break;
        }
        case select_param_kind::other:
            if (chars::iequals(p.text, "CONDSTORE") || chars::iequals(p.text, "QRESYNC"))
                return unsafe("select-param: other named CONDSTORE/QRESYNC");
            if (auto ok = check_extension_item(extension_item{p.text, p.value}, false); !ok) return ok;
            break;
        }
    }
    return {};
}
MAILWIRE_LAZY inline result<void> check(const cmd::select& v) noexcept {
    if (auto ok = check_mailbox(v.mbox); !ok) return ok;
    return check_select_params(v.params);
}
MAILWIRE_LAZY inline result<void> check(const cmd::examine& v) noexcept {
    if (auto ok = check_mailbox(v.mbox); !ok) return ok;
    return check_select_params(v.params);
}
MAILWIRE_LAZY inline result<void> check(const cmd::create& v) noexcept {
    if (auto ok = check_mailbox(v.mbox); !ok) return ok;
    for (const auto& p : v.params) {
        if (p.kind == create_param_kind::use) {
            if (!chars::iequals(p.name(), "USE")) return unsafe("create-param: USE spelled USE");
            for (const auto& a : p.use)
                if (auto ok = check_writable(a); !ok) return ok;
        } else {
            if (chars::iequals(p.text, "USE")) return unsafe("create-param: other named USE");
            if (auto ok = check_extension_item(extension_item{p.text, p.value}, false); !ok) return ok;
        }
    }
    return {};
}
MAILWIRE_LAZY inline result<void> check(const cmd::rename& v) noexcept {
    if (auto ok = check_mailbox(v.from); !ok) return ok;
    if (auto ok = check_mailbox(v.to); !ok) return ok;
    for (const auto& p : v.params)
        if (auto ok = check_extension_item(p, false); !ok) return ok;
    return {};
}
MAILWIRE_LAZY constexpr result<void> check_status_atts(std::span<const status_att> items) noexcept {
    if (items.empty()) return unsafe("STATUS: at least one status-att");
    for (const auto& a : items) {
        if (auto ok = check_atom_text(a.name(), "status-att: atom"); !ok) return ok;
        if (classify_status_att(a.name()) != a.kind) return unsafe("status-att: text naming its kind");
    }
    return {};
}
MAILWIRE_LAZY inline result<void> check(const cmd::list& v) noexcept {
    if (!v.has_select_opts && !v.select_opts.empty()) return unsafe("LIST: select options without has_select_opts");
    bool base = false, mod = false;
    for (const auto& o : v.select_opts) {
        if (auto ok = check_atom_text(o.name(), "list-select-opt: atom"); !ok) return ok;
        if (o.kind == list_select_kind::other) {
            if (o.value.empty())
                for (auto k : {list_select_kind::subscribed, list_select_kind::remote, list_select_kind::recursivematch,
                               list_select_kind::special_use})
                    if (chars::iequals(o.text, canonical_name(k))) return unsafe("list-select-opt: other named as a known option");
            if (!o.value.empty())
                if (auto ok = check_ext_value(o.value, true); !ok) return ok;
            base = true;
        } else {
            if (!o.value.empty()) return unsafe("list-select-opt: only option-extensions carry a value");
            if (!chars::iequals(o.name(), canonical_name(o.kind))) return unsafe("list-select-opt: text naming its kind");
            if (o.kind == list_select_kind::subscribed) base = true;
            if (o.kind == list_select_kind::recursivematch) mod = true;
        }
    }
    if (mod && !base) return unsafe("list-select-opts: RECURSIVEMATCH needs a base option");
    if (auto ok = check_mailbox(v.reference); !ok) return ok;
    if (v.patterns.empty()) return unsafe("LIST: a pattern");
    if (!v.patterns_parenthesized && v.patterns.size() != 1) return unsafe("LIST: several patterns need parentheses");
    for (const auto& p : v.patterns)
        if (auto ok = check_list_mailbox(p); !ok) return ok;
    if (!v.has_return_opts && !v.return_opts.empty()) return unsafe("LIST: return options without has_return_opts");
    for (const auto& o : v.return_opts) {
        if (auto ok = check_atom_text(o.name(), "return-option: atom"); !ok) return ok;
        switch (o.kind) {
        case list_return_kind::status:
            if (!chars::iequals(o.name(), "STATUS")) return unsafe("return-option: STATUS spelled STATUS");
            if (!o.value.empty()) return unsafe("return-option: STATUS carries status-atts");
            if (auto ok = check_status_atts(o.status); !ok) return ok;
            break;
        case list_return_kind::other:
            if (chars::iequals(o.text, "STATUS")) return unsafe("return-option: other named STATUS");
            if (o.value.empty()) {
                for (auto k : {list_return_kind::subscribed, list_return_kind::children, list_return_kind::special_use})
                    if (chars::iequals(o.text, canonical_name(k))) return unsafe("return-option: other named as a known option");
            } else if (auto ok = check_ext_value(o.value, true); !ok) {
                return ok;
            }
            if (!o.status.empty()) return unsafe("return-option: only STATUS carries status-atts");
            break;
        default:
            if (!o.value.empty() || !o.status.empty()) return unsafe("return-option: no value");
            if (!chars::iequals(o.name(), canonical_name(o.kind))) return unsafe("return-option: text naming its kind");
            break;
        }
    }
    return {};
}
MAILWIRE_LAZY inline result<void> check(const cmd::lsub& v) noexcept {
    if (auto ok = check_mailbox(v.reference); !ok) return ok;
    return check_list_mailbox(v.pattern);
}
MAILWIRE_LAZY inline result<void> check(const cmd::status& v) noexcept {
    if (auto ok = check_mailbox(v.mbox); !ok) return ok;
    return check_status_atts(v.items);
}
MAILWIRE_LAZY inline result<void> check(const cmd::append& v) noexcept {
    if (auto ok = check_mailbox(v.mbox); !ok) return ok;
    if (v.messages.empty()) return unsafe("APPEND: at least one message");
    for (std::size_t i = 0; i < v.messages.size(); ++i)
        if (auto ok = check_append_message(v.messages[i], i + 1 == v.messages.size()); !ok) return ok;
    return {};
}
MAILWIRE_LAZY inline result<void> check(const cmd::uid_expunge& v) noexcept { return check_seq(v.set); }
/// The keys walk as a sequence of whole subtrees, each writable (search_key.hpp).
MAILWIRE_LAZY inline result<void> check_search_criteria(const search_criteria& sc, bool charset_required) noexcept {
    if (charset_required && !sc.has_charset) return unsafe("search-criteria: a charset");
    if (sc.has_charset)
        if (auto ok = check_astring(sc.charset); !ok) return ok;
    if (sc.keys.empty()) return unsafe("search: at least one search-key");
    if (sc.keys.size() >= UINT32_MAX) return unsafe("search: too many keys");
    std::size_t i = 0;
    while (i < sc.keys.size()) {
        const auto next = sc.keys[i].end;
        if (next <= i || next > sc.keys.size()) return unsafe("search-key: subtree end", i);
        if (auto ok = check_writable(search_key_view(sc.keys, static_cast<std::uint32_t>(i))); !ok) return ok;
        i = next;
    }
    return {};
}
MAILWIRE_LAZY inline result<void> check(const cmd::search& v) noexcept {
    if (auto ok = check_writable(v.ret); !ok) return ok;
    return check_search_criteria(v.program, false);
}
MAILWIRE_LAZY inline result<void> check(const cmd::fetch& v) noexcept {
    if (auto ok = check_seq(v.set); !ok) return ok;
    if (static_cast<unsigned>(v.macro) > static_cast<unsigned>(fetch_macro::full)) return unsafe("FETCH: macro");
    if (v.macro != fetch_macro::none) {
        if (!v.atts.empty() || v.parenthesized) return unsafe("FETCH: a macro stands alone");
    } else {
        if (v.atts.empty()) return unsafe("FETCH: at least one fetch-att");
        if (v.atts.size() > 1 && !v.parenthesized) return unsafe("FETCH: several items need parentheses");
        for (const auto& a : v.atts)
            if (auto ok = check_writable(a); !ok) return ok;
        // A lone PREVIEW followed by a modifier named LAZY would read as PREVIEW (LAZY).
        if (!v.parenthesized && v.atts.size() == 1 && v.atts[0].kind == fetch_att_kind::preview &&
            v.atts[0].preview_lazy == 0 && v.modifiers.present() &&
            (*v.modifiers.begin()).kind == fetch_modifier_kind::extension &&
            chars::iequals((*v.modifiers.begin()).name, "LAZY"))
            return unsafe("FETCH: PREVIEW then a modifier named LAZY would read as PREVIEW (LAZY)");
    }
    return check_writable(v.modifiers);
}
MAILWIRE_LAZY inline result<void> check(const cmd::store& v) noexcept {
    if (auto ok = check_seq(v.set); !ok) return ok;
    for (const auto& m : v.modifiers) {
        if (m.kind == store_modifier_kind::unchangedsince) {
            if (!chars::iequals(m.name(), "UNCHANGEDSINCE")) return unsafe("store-modifier: UNCHANGEDSINCE spelled so");
            if (m.modseq > static_cast<std::uint64_t>(INT64_MAX)) return unsafe("UNCHANGEDSINCE: 0..2^63-1");
            if (!m.value.empty()) return unsafe("UNCHANGEDSINCE: a number, not tokens");
        } else {
            if (chars::iequals(m.text, "UNCHANGEDSINCE")) return unsafe("store-modifier: other named UNCHANGEDSINCE");
            if (auto ok = check_extension_item(extension_item{m.text, m.value}, false); !ok) return ok;
        }
    }
    if (v.item == store_item::flags) {
        if (!v.labels.empty()) return unsafe("STORE FLAGS: flags, not labels");
        if (!v.parenthesized && v.flags.empty()) return unsafe("STORE: at least one flag without parentheses");
        return check_flags(v.flags);
    }
    if (!v.flags.empty()) return unsafe("STORE X-GM-LABELS: labels, not flags");
    if (!v.parenthesized && v.labels.empty()) return unsafe("STORE: at least one label without parentheses");
    for (const auto& l : v.labels)
        if (auto ok = check_gm_label(l); !ok) return ok;
    return {};
}
MAILWIRE_LAZY inline result<void> check(const cmd::copy& v) noexcept {
    if (auto ok = check_seq(v.set); !ok) return ok;
    return check_mailbox(v.mbox);
}
MAILWIRE_LAZY inline result<void> check(const cmd::move& v) noexcept {
    if (auto ok = check_seq(v.set); !ok) return ok;
    return check_mailbox(v.mbox);
}
MAILWIRE_LAZY inline result<void> check(const cmd::sort& v) noexcept {
    if (auto ok = check_writable(v.ret); !ok) return ok;
    if (v.criteria.empty()) return unsafe("SORT: at least one sort-criterion");
    return check_search_criteria(v.search, true);
}
MAILWIRE_LAZY inline result<void> check(const cmd::thread& v) noexcept {
    if (auto ok = check_atom_text(v.algorithm.text, "thread-alg: atom"); !ok) return ok;
    return check_search_criteria(v.search, true);
}
MAILWIRE_LAZY inline result<void> check(const cmd::id& v) noexcept {
    if (v.nil && !v.params.empty()) return unsafe("ID NIL: no parameters");
    for (const auto& p : v.params) {
        if (auto ok = check_string(p.field); !ok) return ok;
        if (auto ok = check_nstring(p.value); !ok) return ok;
    }
    return {};
}
MAILWIRE_LAZY inline result<void> check(const cmd::getquota& v) noexcept { return check_astring(v.root); }
MAILWIRE_LAZY inline result<void> check(const cmd::getquotaroot& v) noexcept { return check_mailbox(v.mbox); }
MAILWIRE_LAZY inline result<void> check(const cmd::setquota& v) noexcept {
    if (auto ok = check_astring(v.root); !ok) return ok;
    for (const auto& r : v.resources) {
        if (auto ok = check_atom_text(r.name, "resource-name: atom"); !ok) return ok;
        if (r.limit > static_cast<std::uint64_t>(INT64_MAX)) return unsafe("resource-limit: number64");
    }
    return {};
}
MAILWIRE_LAZY inline result<void> check(const cmd::setacl& v) noexcept {
    if (auto ok = check_mailbox(v.mbox); !ok) return ok;
    if (auto ok = check_astring(v.identifier); !ok) return ok;
    return check_astring(v.rights);
}
MAILWIRE_LAZY inline result<void> check(const cmd::deleteacl& v) noexcept {
    if (auto ok = check_mailbox(v.mbox); !ok) return ok;
    return check_astring(v.identifier);
}
MAILWIRE_LAZY inline result<void> check(const cmd::getacl& v) noexcept { return check_mailbox(v.mbox); }
MAILWIRE_LAZY inline result<void> check(const cmd::listrights& v) noexcept {
    if (auto ok = check_mailbox(v.mbox); !ok) return ok;
    return check_astring(v.identifier);
}
MAILWIRE_LAZY inline result<void> check(const cmd::myrights& v) noexcept { return check_mailbox(v.mbox); }
MAILWIRE_LAZY inline result<void> check(const cmd::getmetadata& v) noexcept {
    if (v.options.empty() && v.options_after_mailbox) return unsafe("GETMETADATA: options_after_mailbox without options");
    for (const auto& o : v.options) {
        if (o.kind == metadata_option_kind::other) {
            if (chars::iequals(o.text, "MAXSIZE") || chars::iequals(o.text, "DEPTH"))
                return unsafe("getmetadata-option: other named MAXSIZE/DEPTH");
            if (auto ok = check_extension_item(extension_item{o.text, o.value}, false); !ok) return ok;
        } else if (!o.value.empty()) {
            return unsafe("getmetadata-option: MAXSIZE/DEPTH carry numbers, not tokens");
        } else if (!chars::iequals(o.name(), o.kind == metadata_option_kind::maxsize ? "MAXSIZE" : "DEPTH")) {
            return unsafe("getmetadata-option: text naming its kind");
        }
    }
    if (auto ok = check_mailbox(v.mbox); !ok) return ok;
    if (v.entries.empty()) return unsafe("GETMETADATA: at least one entry");
    if (!v.entries_parenthesized && v.entries.size() != 1) return unsafe("GETMETADATA: several entries need parentheses");
    for (const auto& e : v.entries)
        if (auto ok = check_astring(e); !ok) return ok;
    // "(" and a label character after the mailbox would read as options.
    const auto& first = v.entries.front();
    if (v.entries_parenthesized && v.options.empty() && first.form == string_form::atom && !first.text.empty() &&
        chars_cmd::tagged_label_fchar(first.text.front()))
        return unsafe("GETMETADATA: a parenthesized first entry starting with a letter reads as options");
    return {};
}
MAILWIRE_LAZY inline result<void> check(const cmd::setmetadata& v) noexcept {
    if (auto ok = check_mailbox(v.mbox); !ok) return ok;
    if (v.values.empty()) return unsafe("SETMETADATA: at least one entry-value");
    for (const auto& e : v.values) {
        if (auto ok = check_astring(e.entry); !ok) return ok;
        if (e.value.form == string_form::atom) return unsafe("SETMETADATA value: nstring or literal8");
        if (auto ok = check_writable(e.value); !ok) return ok;
    }
    return {};
}
MAILWIRE_LAZY inline result<void> check(const cmd::compress& v) noexcept { return check_atom_text(v.algorithm.text, "algorithm: atom"); }
MAILWIRE_LAZY inline result<void> check(const cmd::replace& v) noexcept {
    if (auto ok = check_mailbox(v.mbox); !ok) return ok;
    return check_append_message(v.message, true);
}
MAILWIRE_LAZY inline result<void> check(const cmd::generic& v) noexcept {
    if (auto ok = check_atom_text(v.name.text, "command name: atom"); !ok) return ok;
    if (v.uid ? known_uid_command_name(v.name.text) : known_command_name(v.name.text))
        return unsafe("generic command: a name parse_command reads as a typed command");
    return check_generic_tokens(v.args, v.name.text.back());
}
template <class T>
constexpr result<void> check(const T&) noexcept { return {}; } // commands without arguments

} // namespace detail::cmdw

/// Accepts a command exactly when its wire bytes parse back (parse_command, in the mode
/// its values came from) to an equal command; see the comment at the top of this file.
MAILWIRE_ENTRY result<void> check_writable(const command& c) noexcept {
    if (auto ok = check_writable(c.tag); !ok) return ok;
    return std::visit([](const auto& b) { return detail::cmdw::check(b); }, c.body);
}


} // namespace mailwire::imap
