// Writing IMAP commands: the fmt formatter ("{}" wire bytes; "{:v}" the readable dump of
// command/dump.hpp), write_command() (the wire bytes in parts, pausing before each
// synchronizing literal) and command_name(). See imap/command.hpp for the overview.
//
// The writer never changes what it is given: each string is written in the form it holds
// (a parsed value keeps the form it came in, so canonical input writes back byte for byte;
// a value built with string_value::from_content() or make_mailbox() holds the cheapest
// form: atom, then quoted, then literal). Nothing is written that check_writable()
// (command/check.hpp) refuses: a command is written only when its bytes parse back to an
// equal command.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>
#include <string_view>
#include <type_traits>
#include <variant>

#include <fmt/format.h>

#include <mailwire/core/config.hpp>
#include <mailwire/core/chars.hpp>
#include <mailwire/core/format.hpp>
#include <mailwire/core/result.hpp>
#include <mailwire/imap/command/check.hpp>
#include <mailwire/imap/command/dump.hpp>
#include <mailwire/imap/command/types.hpp>
#include <mailwire/imap/framer.hpp>
#include <mailwire/imap/rules/datetime.hpp>
#include <mailwire/imap/rules/fetch_att.hpp>
#include <mailwire/imap/rules/flag.hpp>
#include <mailwire/imap/rules/mailbox.hpp>
#include <mailwire/imap/rules/search_key.hpp>
#include <mailwire/imap/rules/sequence_set.hpp>
#include <mailwire/imap/rules/string.hpp>

namespace mailwire::imap {

// ---- command_name --------------------------------------------------------------------------

namespace detail {
template <class... F>
struct overloaded : F... {
    using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;
} // namespace detail

/// The command's name in upper case ("UID FETCH", "LOGIN"); for a generic command, its
/// name as sent (without a preceding "UID").
MAILWIRE_LAZY constexpr std::string_view command_name(const command_body& b) noexcept {
    return std::visit(
        detail::overloaded{
            [](const cmd::capability&) -> std::string_view { return "CAPABILITY"; },
            [](const cmd::noop&) -> std::string_view { return "NOOP"; },
            [](const cmd::logout&) -> std::string_view { return "LOGOUT"; },
            [](const cmd::starttls&) -> std::string_view { return "STARTTLS"; },
            [](const cmd::authenticate&) -> std::string_view { return "AUTHENTICATE"; },
            [](const cmd::login&) -> std::string_view { return "LOGIN"; },
            [](const cmd::enable&) -> std::string_view { return "ENABLE"; },
            [](const cmd::select&) -> std::string_view { return "SELECT"; },
            [](const cmd::examine&) -> std::string_view { return "EXAMINE"; },
            [](const cmd::create&) -> std::string_view { return "CREATE"; },
            [](const cmd::delete_&) -> std::string_view { return "DELETE"; },
            [](const cmd::rename&) -> std::string_view { return "RENAME"; },
            [](const cmd::subscribe&) -> std::string_view { return "SUBSCRIBE"; },
            [](const cmd::unsubscribe&) -> std::string_view { return "UNSUBSCRIBE"; },
            [](const cmd::list&) -> std::string_view { return "LIST"; },
            [](const cmd::lsub&) -> std::string_view { return "LSUB"; },
            [](const cmd::namespace_&) -> std::string_view { return "NAMESPACE"; },
            [](const cmd::status&) -> std::string_view { return "STATUS"; },
            [](const cmd::append&) -> std::string_view { return "APPEND"; },
            [](const cmd::idle&) -> std::string_view { return "IDLE"; },
            [](const cmd::check&) -> std::string_view { return "CHECK"; },
            [](const cmd::close&) -> std::string_view { return "CLOSE"; },
            [](const cmd::unselect&) -> std::string_view { return "UNSELECT"; },
            [](const cmd::expunge&) -> std::string_view { return "EXPUNGE"; },
            [](const cmd::uid_expunge&) -> std::string_view { return "UID EXPUNGE"; },
            [](const cmd::search& v) -> std::string_view { return v.uid ? "UID SEARCH" : "SEARCH"; },
            [](const cmd::fetch& v) -> std::string_view { return v.uid ? "UID FETCH" : "FETCH"; },
            [](const cmd::store& v) -> std::string_view { return v.uid ? "UID STORE" : "STORE"; },
            [](const cmd::copy& v) -> std::string_view { return v.uid ? "UID COPY" : "COPY"; },
            [](const cmd::move& v) -> std::string_view { return v.uid ? "UID MOVE" : "MOVE"; },
            [](const cmd::sort& v) -> std::string_view { return v.uid ? "UID SORT" : "SORT"; },
            [](const cmd::thread& v) -> std::string_view { return v.uid ? "UID THREAD" : "THREAD"; },
            [](const cmd::id&) -> std::string_view { return "ID"; },
            [](const cmd::getquota&) -> std::string_view { return "GETQUOTA"; },
            [](const cmd::getquotaroot&) -> std::string_view { return "GETQUOTAROOT"; },
            [](const cmd::setquota&) -> std::string_view { return "SETQUOTA"; },
            [](const cmd::setacl&) -> std::string_view { return "SETACL"; },
            [](const cmd::deleteacl&) -> std::string_view { return "DELETEACL"; },
            [](const cmd::getacl&) -> std::string_view { return "GETACL"; },
            [](const cmd::listrights&) -> std::string_view { return "LISTRIGHTS"; },
            [](const cmd::myrights&) -> std::string_view { return "MYRIGHTS"; },
            [](const cmd::getmetadata&) -> std::string_view { return "GETMETADATA"; },
            [](const cmd::setmetadata&) -> std::string_view { return "SETMETADATA"; },
            [](const cmd::compress&) -> std::string_view { return "COMPRESS"; },
            [](const cmd::unauthenticate&) -> std::string_view { return "UNAUTHENTICATE"; },
            [](const cmd::replace& v) -> std::string_view { return v.uid ? "UID REPLACE" : "REPLACE"; },
            [](const cmd::generic& v) -> std::string_view { return v.name.text; },
        },
        b);
}
MAILWIRE_LAZY constexpr std::string_view command_name(const command& c) noexcept { return command_name(c.body); }

// ---- the writer ------------------------------------------------------------------------------

/// How write_command() writes literals.
enum class literal_mode : std::uint8_t {
    as_is,             ///< as each value holds it ("{n}" or "{n+}")
    synchronizing,     ///< every literal "{n}": the client waits for "+" before each
    non_synchronizing, ///< every literal "{n+}" (the server advertised LITERAL+, RFC 7888)
    literal_minus,     ///< "{n+}" up to 4096 octets, "{n}" above (LITERAL-, RFC 7888 §5)
};

struct write_options {
    literal_mode literals = literal_mode::as_is;
};

/// Bytes of a command up to a literal's data (its "{n}" CRLF included) or to its end.
struct line_part {
    std::string_view bytes;
    /// A literal's data follows (the next part is a literal_part).
    bool literal_follows = false;
    /// That literal is synchronizing: send no more before the server's "+" (RFC 9051 §4.3).
    bool synchronizing = false;
    std::uint64_t literal_size = 0;
};

/// A literal's data: a view of the value's own bytes (never copied).
struct literal_part {
    std::string_view data;
    bool binary = false; ///< literal8
};

namespace detail::cmdw {

/// Writes to an fmt output iterator, literals inline (the "{}" presentation).
template <class Out>
struct inline_writer {
    Out out;
    void put(char c) { *out++ = c; }
    void put(std::string_view s) {
        for (char c : s) *out++ = c;
    }
    void num(std::uint64_t n) { out = fmt::format_to(out, "{}", n); }
    void literal(std::string_view data, bool non_sync, bool binary) {
        out = imap::detail::write_literal(out, data, non_sync, binary);
    }
    template <class T>
    void item(const T& v) {
        out = fmt::format_to(out, "{}", v);
    }
};

/// Writes to write_command()'s sink in parts.
template <class Sink>
struct part_writer {
    Sink& sink;
    write_options opts;
    fmt::memory_buffer line{};

    void put(char c) { line.push_back(c); }
    void put(std::string_view s) { line.append(s.data(), s.data() + s.size()); }
    void num(std::uint64_t n) { fmt::format_to(fmt::appender(line), "{}", n); }
    void literal(std::string_view data, bool non_sync, bool binary) {
        switch (opts.literals) {
        case literal_mode::as_is: break;
        case literal_mode::synchronizing: non_sync = false; break;
        case literal_mode::non_synchronizing: non_sync = true; break;
        case literal_mode::literal_minus: non_sync = data.size() <= literal_minus_max; break;
        }
        if (binary) put('~');
        fmt::format_to(fmt::appender(line), "{{{}{}}}\r\n", data.size(), non_sync ? "+" : "");
        sink(line_part{std::string_view(line.data(), line.size()), true, !non_sync, data.size()});
        line.clear();
        sink(literal_part{data, binary});
    }
    /// A value formatted by its own formatter: literals inside it (a header-list's
    /// astrings) are found by their "{n}" CRLF and written as parts too.
    template <class T>
    void item(const T& v) {
        fmt::memory_buffer tmp;
        fmt::format_to(fmt::appender(tmp), "{}", v);
        split(std::string_view(tmp.data(), tmp.size()));
    }
    void split(std::string_view text) {
        for (;;) {
            const std::size_t crlf = text.find("\r\n");
            if (crlf == std::string_view::npos) {
                put(text);
                return;
            }
            // text[..crlf) ends in "{n}" / "{n+}" / "~{n}" (the value was checked); anything
            // else is passed through as it is.
            const std::size_t brace = crlf == 0 ? std::string_view::npos : text.rfind('{', crlf - 1);
            std::size_t i = brace == std::string_view::npos ? crlf : brace + 1;
            std::uint64_t n = 0;
            bool digits = false;
            for (; i < crlf && chars::digit(text[i]) && n < UINT64_MAX / 10 - 9; ++i, digits = true)
                n = n * 10 + static_cast<std::uint64_t>(text[i] - '0');
            const bool non_sync = i < crlf && text[i] == '+';
            if (non_sync) ++i;
            const std::size_t start = crlf + 2;
            if (!digits || i + 1 != crlf || text[i] != '}' || n > text.size() - start) {
                put(text.substr(0, start));
                text = text.substr(start);
                continue;
            }
            const bool binary = brace > 0 && text[brace - 1] == '~';
            put(text.substr(0, binary ? brace - 1 : brace));
            const auto len = static_cast<std::size_t>(n);
            literal(text.substr(start, len), non_sync, binary);
            text = text.substr(start + len);
        }
    }
    void finish() { sink(line_part{std::string_view(line.data(), line.size()), false, false, 0}); }
};

template <class W>
void write_string(W& w, const string_value& v) {
    switch (v.form) {
    case string_form::atom: w.put(v.text); return;
    case string_form::quoted:
        w.put('"');
        for (char c : v.text) {
            if (!v.escaped && chars::quoted_specials(c)) w.put('\\');
            w.put(c);
        }
        w.put('"');
        return;
    case string_form::literal: w.literal(v.text, v.non_sync, false); return;
    case string_form::literal8: w.literal(v.text, v.non_sync, true); return;
    case string_form::nil: w.put("NIL"); return;
    }
}

template <class W>
void write_mailbox(W& w, const mailbox& m) { write_string(w, m.name); }

template <class W>
void write_tokens(W& w, std::span<const token> ts) {
    for (const auto& t : ts) {
        if (t.space_before) w.put(' ');
        switch (t.kind) {
        case token_kind::open: w.put('('); break;
        case token_kind::close: w.put(')'); break;
        default: write_string(w, t.value()); break;
        }
    }
}

template <class W>
void write_extension_item(W& w, const extension_item& it) {
    w.put(it.name);
    write_tokens(w, it.value);
}

template <class W>
void write_flags(W& w, std::span<const flag> fs) {
    bool first = true;
    for (const auto& f : fs) {
        if (!first) w.put(' ');
        first = false;
        w.put(f.name());
    }
}

template <class W>
void write_seq(W& w, const sequence_set& s) { w.put(s.text()); }

template <class W>
void write_append_message(W& w, const append_message& m) {
    if (m.has_flags) {
        w.put(" (");
        write_flags(w, m.flags);
        w.put(')');
    }
    if (m.date) {
        w.put(' ');
        w.item(*m.date);
    }
    for (const auto& e : m.extensions) {
        w.put(' ');
        write_extension_item(w, e);
    }
    w.put(' ');
    switch (m.kind) {
    case append_data_kind::literal: w.literal(m.data.data, m.data.non_sync, false); return;
    case append_data_kind::literal8: w.literal(m.data.data, m.data.non_sync, true); return;
    case append_data_kind::utf8:
        w.put("UTF8 (");
        w.literal(m.data.data, m.data.non_sync, true);
        w.put(')');
        return;
    case append_data_kind::other: write_extension_item(w, m.data_ext); return;
    }
}

template <class W>
void write_status_atts(W& w, std::span<const status_att> items) {
    w.put('(');
    bool first = true;
    for (const auto& a : items) {
        if (!first) w.put(' ');
        first = false;
        w.put(a.name());
    }
    w.put(')');
}

template <class W>
void write_select_params(W& w, std::span<const select_param> ps) {
    if (ps.empty()) return;
    w.put(" (");
    bool first = true;
    for (const auto& p : ps) {
        if (!first) w.put(' ');
        first = false;
        w.put(p.name());
        if (p.kind == select_param_kind::qresync) {
            const auto& q = p.qresync;
            w.put(" (");
            w.num(q.uidvalidity);
            w.put(' ');
            w.num(q.modseq);
            if (!q.known_uids.empty()) {
                w.put(' ');
                write_seq(w, q.known_uids);
            }
            if (!q.known_sequence_set.empty()) {
                w.put(" (");
                write_seq(w, q.known_sequence_set);
                w.put(' ');
                write_seq(w, q.known_uid_set);
                w.put(')');
            }
            w.put(')');
        } else if (p.kind == select_param_kind::other) {
            write_tokens(w, p.value);
        }
    }
    w.put(')');
}

template <class W>
void write_body(W& w, const cmd::capability&) { w.put("CAPABILITY"); }
template <class W>
void write_body(W& w, const cmd::noop&) { w.put("NOOP"); }
template <class W>
void write_body(W& w, const cmd::logout&) { w.put("LOGOUT"); }
template <class W>
void write_body(W& w, const cmd::starttls&) { w.put("STARTTLS"); }
template <class W>
void write_body(W& w, const cmd::namespace_&) { w.put("NAMESPACE"); }
template <class W>
void write_body(W& w, const cmd::idle&) { w.put("IDLE"); }
template <class W>
void write_body(W& w, const cmd::check&) { w.put("CHECK"); }
template <class W>
void write_body(W& w, const cmd::close&) { w.put("CLOSE"); }
template <class W>
void write_body(W& w, const cmd::unselect&) { w.put("UNSELECT"); }
template <class W>
void write_body(W& w, const cmd::expunge&) { w.put("EXPUNGE"); }
template <class W>
void write_body(W& w, const cmd::unauthenticate&) { w.put("UNAUTHENTICATE"); }

template <class W>
void write_body(W& w, const cmd::authenticate& v) {
    w.put("AUTHENTICATE ");
    w.put(v.mechanism.text);
    if (v.initial_response) {
        w.put(' ');
        if (v.initial_response->empty()) w.put('=');
        else w.put(*v.initial_response);
    }
}
template <class W>
void write_body(W& w, const cmd::login& v) {
    w.put("LOGIN ");
    write_string(w, v.userid);
    w.put(' ');
    write_string(w, v.password);
}
template <class W>
void write_body(W& w, const cmd::enable& v) {
    w.put("ENABLE");
    for (const auto& a : v.capabilities) {
        w.put(' ');
        w.put(a.text);
    }
}
template <class W>
void write_body(W& w, const cmd::select& v) {
    w.put("SELECT ");
    write_mailbox(w, v.mbox);
    write_select_params(w, v.params);
}
template <class W>
void write_body(W& w, const cmd::examine& v) {
    w.put("EXAMINE ");
    write_mailbox(w, v.mbox);
    write_select_params(w, v.params);
}
template <class W>
void write_body(W& w, const cmd::create& v) {
    w.put("CREATE ");
    write_mailbox(w, v.mbox);
    if (v.params.empty()) return;
    w.put(" (");
    bool first = true;
    for (const auto& p : v.params) {
        if (!first) w.put(' ');
        first = false;
        w.put(p.name());
        if (p.kind == create_param_kind::use) {
            w.put(" (");
            bool f2 = true;
            for (const auto& a : p.use) {
                if (!f2) w.put(' ');
                f2 = false;
                w.put(a.name());
            }
            w.put(')');
        } else {
            write_tokens(w, p.value);
        }
    }
    w.put(')');
}
template <class W>
void write_body(W& w, const cmd::delete_& v) {
    w.put("DELETE ");
    write_mailbox(w, v.mbox);
}
template <class W>
void write_body(W& w, const cmd::rename& v) {
    w.put("RENAME ");
    write_mailbox(w, v.from);
    w.put(' ');
    write_mailbox(w, v.to);
    if (v.params.empty()) return;
    w.put(" (");
    bool first = true;
    for (const auto& p : v.params) {
        if (!first) w.put(' ');
        first = false;
        write_extension_item(w, p);
    }
    w.put(')');
}
template <class W>
void write_body(W& w, const cmd::subscribe& v) {
    w.put("SUBSCRIBE ");
    write_mailbox(w, v.mbox);
}
template <class W>
void write_body(W& w, const cmd::unsubscribe& v) {
    w.put("UNSUBSCRIBE ");
    write_mailbox(w, v.mbox);
}
template <class W>
void write_body(W& w, const cmd::list& v) {
    w.put("LIST ");
    if (v.has_select_opts) {
        w.put('(');
        bool first = true;
        for (const auto& o : v.select_opts) {
            if (!first) w.put(' ');
            first = false;
            w.put(o.name());
            write_tokens(w, o.value);
        }
        w.put(") ");
    }
    write_mailbox(w, v.reference);
    w.put(' ');
    if (v.patterns_parenthesized) w.put('(');
    bool first = true;
    for (const auto& p : v.patterns) {
        if (!first) w.put(' ');
        first = false;
        write_string(w, p);
    }
    if (v.patterns_parenthesized) w.put(')');
    if (!v.has_return_opts) return;
    w.put(" RETURN (");
    first = true;
    for (const auto& o : v.return_opts) {
        if (!first) w.put(' ');
        first = false;
        w.put(o.name());
        if (o.kind == list_return_kind::status) {
            w.put(' ');
            write_status_atts(w, o.status);
        } else {
            write_tokens(w, o.value);
        }
    }
    w.put(')');
}
template <class W>
void write_body(W& w, const cmd::lsub& v) {
    w.put("LSUB ");
    write_mailbox(w, v.reference);
    w.put(' ');
    write_string(w, v.pattern);
}
template <class W>
void write_body(W& w, const cmd::status& v) {
    w.put("STATUS ");
    write_mailbox(w, v.mbox);
    w.put(' ');
    write_status_atts(w, v.items);
}
template <class W>
void write_body(W& w, const cmd::append& v) {
    w.put("APPEND ");
    write_mailbox(w, v.mbox);
    for (const auto& m : v.messages) write_append_message(w, m);
}
template <class W>
void write_body(W& w, const cmd::uid_expunge& v) {
    w.put("UID EXPUNGE ");
    write_seq(w, v.set);
}
template <class W>
void write_search_keys(W& w, const search_criteria& sc) {
    bool first = true;
    for (auto k : sc.top()) {
        if (!first) w.put(' ');
        first = false;
        w.item(k);
    }
}
template <class W>
void write_body(W& w, const cmd::search& v) {
    w.put(v.uid ? "UID SEARCH" : "SEARCH");
    w.item(v.ret);
    w.put(' ');
    if (v.program.has_charset) {
        w.put("CHARSET ");
        write_string(w, v.program.charset);
        w.put(' ');
    }
    write_search_keys(w, v.program);
}
template <class W>
void write_body(W& w, const cmd::fetch& v) {
    w.put(v.uid ? "UID FETCH " : "FETCH ");
    write_seq(w, v.set);
    w.put(' ');
    if (v.macro != fetch_macro::none) {
        w.put(to_string(v.macro));
    } else {
        if (v.parenthesized) w.put('(');
        bool first = true;
        for (const auto& a : v.atts) {
            if (!first) w.put(' ');
            first = false;
            w.item(a);
        }
        if (v.parenthesized) w.put(')');
    }
    w.item(v.modifiers);
}
template <class W>
void write_body(W& w, const cmd::store& v) {
    w.put(v.uid ? "UID STORE " : "STORE ");
    write_seq(w, v.set);
    if (!v.modifiers.empty()) {
        w.put(" (");
        bool first = true;
        for (const auto& m : v.modifiers) {
            if (!first) w.put(' ');
            first = false;
            w.put(m.name());
            if (m.kind == store_modifier_kind::unchangedsince) {
                w.put(' ');
                w.num(m.modseq);
            } else {
                write_tokens(w, m.value);
            }
        }
        w.put(')');
    }
    w.put(' ');
    if (v.op == store_op::add) w.put('+');
    if (v.op == store_op::remove) w.put('-');
    w.put(v.item == store_item::flags ? "FLAGS" : "X-GM-LABELS");
    if (v.silent) w.put(".SILENT");
    w.put(' ');
    if (v.parenthesized) w.put('(');
    if (v.item == store_item::flags) {
        write_flags(w, v.flags);
    } else {
        bool first = true;
        for (const auto& l : v.labels) {
            if (!first) w.put(' ');
            first = false;
            write_string(w, l);
        }
    }
    if (v.parenthesized) w.put(')');
}
template <class W>
void write_body(W& w, const cmd::copy& v) {
    w.put(v.uid ? "UID COPY " : "COPY ");
    write_seq(w, v.set);
    w.put(' ');
    write_mailbox(w, v.mbox);
}
template <class W>
void write_body(W& w, const cmd::move& v) {
    w.put(v.uid ? "UID MOVE " : "MOVE ");
    write_seq(w, v.set);
    w.put(' ');
    write_mailbox(w, v.mbox);
}
template <class W>
void write_body(W& w, const cmd::sort& v) {
    w.put(v.uid ? "UID SORT" : "SORT");
    w.item(v.ret);
    w.put(" (");
    bool first = true;
    for (const auto& c : v.criteria) {
        if (!first) w.put(' ');
        first = false;
        if (c.reverse) w.put("REVERSE ");
        w.put(to_string(c.key));
    }
    w.put(") ");
    write_string(w, v.search.charset);
    w.put(' ');
    write_search_keys(w, v.search);
}
template <class W>
void write_body(W& w, const cmd::thread& v) {
    w.put(v.uid ? "UID THREAD " : "THREAD ");
    w.put(v.algorithm.text);
    w.put(' ');
    write_string(w, v.search.charset);
    w.put(' ');
    write_search_keys(w, v.search);
}
template <class W>
void write_body(W& w, const cmd::id& v) {
    w.put("ID ");
    if (v.nil) {
        w.put("NIL");
        return;
    }
    w.put('(');
    bool first = true;
    for (const auto& p : v.params) {
        if (!first) w.put(' ');
        first = false;
        write_string(w, p.field);
        w.put(' ');
        write_string(w, p.value);
    }
    w.put(')');
}
template <class W>
void write_body(W& w, const cmd::getquota& v) {
    w.put("GETQUOTA ");
    write_string(w, v.root);
}
template <class W>
void write_body(W& w, const cmd::getquotaroot& v) {
    w.put("GETQUOTAROOT ");
    write_mailbox(w, v.mbox);
}
template <class W>
void write_body(W& w, const cmd::setquota& v) {
    w.put("SETQUOTA ");
    write_string(w, v.root);
    w.put(" (");
    bool first = true;
    for (const auto& r : v.resources) {
        if (!first) w.put(' ');
        first = false;
        w.put(r.name);
        w.put(' ');
        w.num(r.limit);
    }
    w.put(')');
}
template <class W>
void write_body(W& w, const cmd::setacl& v) {
    w.put("SETACL ");
    write_mailbox(w, v.mbox);
    w.put(' ');
    write_string(w, v.identifier);
    w.put(' ');
    write_string(w, v.rights);
}
template <class W>
void write_body(W& w, const cmd::deleteacl& v) {
    w.put("DELETEACL ");
    write_mailbox(w, v.mbox);
    w.put(' ');
    write_string(w, v.identifier);
}
template <class W>
void write_body(W& w, const cmd::getacl& v) {
    w.put("GETACL ");
    write_mailbox(w, v.mbox);
}
template <class W>
void write_body(W& w, const cmd::listrights& v) {
    w.put("LISTRIGHTS ");
    write_mailbox(w, v.mbox);
    w.put(' ');
    write_string(w, v.identifier);
}
template <class W>
void write_body(W& w, const cmd::myrights& v) {
    w.put("MYRIGHTS ");
    write_mailbox(w, v.mbox);
}
template <class W>
void write_metadata_options(W& w, std::span<const metadata_option> os) {
    w.put('(');
    bool first = true;
    for (const auto& o : os) {
        if (!first) w.put(' ');
        first = false;
        w.put(o.name());
        switch (o.kind) {
        case metadata_option_kind::maxsize:
            w.put(' ');
            w.num(o.maxsize);
            break;
        case metadata_option_kind::depth:
            w.put(o.depth == metadata_depth::zero ? " 0" : o.depth == metadata_depth::one ? " 1" : " infinity");
            break;
        case metadata_option_kind::other: write_tokens(w, o.value); break;
        }
    }
    w.put(')');
}
template <class W>
void write_body(W& w, const cmd::getmetadata& v) {
    w.put("GETMETADATA ");
    if (!v.options.empty() && !v.options_after_mailbox) {
        write_metadata_options(w, v.options);
        w.put(' ');
    }
    write_mailbox(w, v.mbox);
    w.put(' ');
    if (!v.options.empty() && v.options_after_mailbox) {
        write_metadata_options(w, v.options);
        w.put(' ');
    }
    if (v.entries_parenthesized) w.put('(');
    bool first = true;
    for (const auto& e : v.entries) {
        if (!first) w.put(' ');
        first = false;
        write_string(w, e);
    }
    if (v.entries_parenthesized) w.put(')');
}
template <class W>
void write_body(W& w, const cmd::setmetadata& v) {
    w.put("SETMETADATA ");
    write_mailbox(w, v.mbox);
    w.put(" (");
    bool first = true;
    for (const auto& e : v.values) {
        if (!first) w.put(' ');
        first = false;
        write_string(w, e.entry);
        w.put(' ');
        write_string(w, e.value);
    }
    w.put(')');
}
template <class W>
void write_body(W& w, const cmd::compress& v) {
    w.put("COMPRESS ");
    w.put(v.algorithm.text);
}
template <class W>
void write_body(W& w, const cmd::replace& v) {
    w.put(v.uid ? "UID REPLACE " : "REPLACE ");
    w.item(v.number);
    w.put(' ');
    write_mailbox(w, v.mbox);
    write_append_message(w, v.message);
}
template <class W>
void write_body(W& w, const cmd::generic& v) {
    if (v.uid) w.put("UID ");
    w.put(v.name.text);
    write_tokens(w, v.args);
}

template <class W>
void write_command(W& w, const command& c) {
    w.put(c.tag.text);
    w.put(' ');
    std::visit([&](const auto& b) { write_body(w, b); }, c.body);
    w.put("\r\n");
}

} // namespace detail::cmdw

/// Writes `c` in parts: `sink(line_part)` for the bytes up to and including each literal's
/// "{n}" CRLF (and for the rest of the command after the last literal, CRLF included),
/// `sink(literal_part)` for each literal's data. A client sends each part in turn and,
/// after a line_part with `synchronizing` set, waits for the server's "+" (or a tagged
/// NO/BAD, which ends the command) before sending the literal_part. `opts` chooses the
/// literal form. Nothing reaches the sink when check_writable(c) refuses the command.
/// The views in each part are valid during the sink call (a literal_part's data is the
/// command's own bytes).
template <class Sink>
result<void> write_command(const command& c, Sink&& sink, write_options opts = {}) {
    if (auto ok = check_writable(c); !ok) return ok;
    detail::cmdw::part_writer<std::remove_reference_t<Sink>> w{sink, opts};
    detail::cmdw::write_command(w, c);
    w.finish();
    return {};
}

} // namespace mailwire::imap

/// "{}": the command's wire bytes, literals inline (check_writable() first: an unsafe
/// command is refused through fmt, never written). "{:v}": one readable line, e.g.
/// `LOGIN tag="a001" userid=atom "SMITH" password=<redacted, 6 octets>`.
namespace mailwire::imap::detail::cmdw {

/// The formatter's body: "{}" the wire bytes, literals inline (check_writable() first),
/// "{:v}" a dump.
template <class Out>
MAILWIRE_ENTRY_INLINE Out format_command(const command& c, presentation pres, Out out) {
    if (pres == presentation::verbose) {
        verbose_writer<Out> v{out};
        if (const auto* g = std::get_if<cmd::generic>(&c.body); g && g->uid) v.put("UID ");
        v.put(command_name(c));
        v.put(" tag=");
        v.out = write_display(v.out, c.tag.text);
        std::visit([&](const auto& b) { dump(v, b); }, c.body);
        return v.out;
    }
    if (!check_writable(c)) refuse_unsafe_write("mailwire: unsafe IMAP command (see check_writable)");
    inline_writer<Out> w{out};
    write_command(w, c);
    return w.out;
}

} // namespace mailwire::imap::detail::cmdw

template <>
struct fmt::formatter<mailwire::imap::command> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::command& c, FormatContext& ctx) const -> decltype(ctx.out()) {
        return mailwire::imap::detail::cmdw::format_command(c, pres, ctx.out());
    }
};

/// The entry points mailwire::compiled instantiates once (core/config.hpp).
#define MAILWIRE_IMAP_COMMAND_INSTANTIATIONS(EXTERN)                                                               \
    namespace mailwire::imap {                                                                                     \
    EXTERN template result<command> parse_command<>(std::string_view, command_storage&, const parse_options&,     \
                                                    session_syntax);                                               \
    EXTERN template result<command> parse_command<>(const buffered_framer::event&, command_storage&,              \
                                                    const parse_options&, session_syntax);                         \
    EXTERN template result<void> check_writable<>(const command&) noexcept;                                       \
    EXTERN template fmt::format_context::iterator detail::cmdw::format_command(const command&, presentation,      \
                                                                               fmt::format_context::iterator);     \
    }
#if defined(MAILWIRE_SEPARATE_COMPILATION)
MAILWIRE_IMAP_COMMAND_INSTANTIATIONS(extern)
#endif
