// The readable dump of a command, fmt's "{:v}" presentation (the formatter is in
// command/write.hpp): the command's name, its tag, and each field as `name=value`, on one
// line (CR and LF inside values are escaped); passwords and SASL data are redacted to
// their length, literals shown by their content.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include <fmt/format.h>

#include <mailwire/imap/command/types.hpp>
#include <mailwire/imap/rules/datetime.hpp>
#include <mailwire/imap/rules/fetch_att.hpp>
#include <mailwire/imap/rules/flag.hpp>
#include <mailwire/imap/rules/mailbox.hpp>
#include <mailwire/imap/rules/search_key.hpp>
#include <mailwire/imap/rules/sequence_set.hpp>
#include <mailwire/imap/rules/string.hpp>

namespace mailwire::imap {

// ---- the readable dump ------------------------------------------------------------------------

namespace detail::cmdw {

/// Writes "{:v}": the name, the tag, and each field as `name=value`; passwords and SASL
/// data are redacted to their length, literals shown by size and content.
template <class Out>
struct verbose_writer {
    Out out;
    void put(char c) { *out++ = c; }
    void put(std::string_view s) {
        for (char c : s) *out++ = c;
    }
    void str(const string_value& v) { out = fmt::format_to(out, "{:v}", v); }
    void redacted(const string_value& v) { out = fmt::format_to(out, "<redacted, {} octets>", v.decoded_size()); }
    void mbox(const mailbox& m) { out = fmt::format_to(out, "{:v}", m); }
    void tokens(std::span<const token> ts) {
        put('[');
        bool first = true;
        for (const auto& t : ts) {
            if (!first) put(' ');
            first = false;
            switch (t.kind) {
            case token_kind::open: put('('); break;
            case token_kind::close: put(')'); break;
            default: str(t.value()); break;
            }
        }
        put(']');
    }
    template <class T>
    void item(const T& v) { out = fmt::format_to(out, "{:v}", v); }
    void field(std::string_view name) {
        put(' ');
        put(name);
        put('=');
    }
};

template <class V>
void dump_flags(V& v, std::span<const flag> fs) {
    v.put('[');
    bool first = true;
    for (const auto& f : fs) {
        if (!first) v.put(' ');
        first = false;
        v.put(f.name());
    }
    v.put(']');
}

template <class V>
void dump_append_message(V& v, const append_message& m) {
    v.put('{');
    if (m.has_flags) {
        v.put("flags=");
        dump_flags(v, m.flags);
        v.put(' ');
    }
    if (m.date) {
        v.item(*m.date);
        v.put(' ');
    }
    for (const auto& e : m.extensions) {
        v.put(e.name);
        v.put('=');
        v.tokens(e.value);
        v.put(' ');
    }
    switch (m.kind) {
    case append_data_kind::other:
        v.put(m.data_ext.name);
        v.put('=');
        v.tokens(m.data_ext.value);
        break;
    default:
        v.put(m.kind == append_data_kind::literal ? "literal " : m.kind == append_data_kind::literal8 ? "literal8 " : "UTF8 literal8 ");
        v.out = fmt::format_to(v.out, "{} octets", m.data.data.size());
        break;
    }
    v.put('}');
}

template <class V>
void dump(V&, const cmd::capability&) {}
template <class V>
void dump(V&, const cmd::noop&) {}
template <class V>
void dump(V&, const cmd::logout&) {}
template <class V>
void dump(V&, const cmd::starttls&) {}
template <class V>
void dump(V&, const cmd::namespace_&) {}
template <class V>
void dump(V&, const cmd::idle&) {}
template <class V>
void dump(V&, const cmd::check&) {}
template <class V>
void dump(V&, const cmd::close&) {}
template <class V>
void dump(V&, const cmd::unselect&) {}
template <class V>
void dump(V&, const cmd::expunge&) {}
template <class V>
void dump(V&, const cmd::unauthenticate&) {}
template <class V>
void dump(V& v, const cmd::authenticate& c) {
    v.field("mechanism");
    v.put(c.mechanism.text);
    if (c.initial_response) {
        v.field("initial-response");
        v.out = fmt::format_to(v.out, "<redacted, {} octets of base64>", c.initial_response->size());
    }
}
template <class V>
void dump(V& v, const cmd::login& c) {
    v.field("userid");
    v.str(c.userid);
    v.field("password");
    v.redacted(c.password);
}
template <class V>
void dump(V& v, const cmd::enable& c) {
    v.field("capabilities");
    v.put('[');
    bool first = true;
    for (const auto& a : c.capabilities) {
        if (!first) v.put(' ');
        first = false;
        v.put(a.text);
    }
    v.put(']');
}
template <class V>
void dump_select_params(V& v, std::span<const select_param> ps) {
    for (const auto& p : ps) {
        v.field("param");
        v.put(p.name());
        if (p.kind == select_param_kind::qresync) {
            const auto& q = p.qresync;
            v.out = fmt::format_to(v.out, "(uidvalidity={} modseq={}", q.uidvalidity, q.modseq);
            if (!q.known_uids.empty()) v.out = fmt::format_to(v.out, " known-uids={}", q.known_uids.text());
            if (!q.known_sequence_set.empty())
                v.out = fmt::format_to(v.out, " known-sequence-set={} known-uid-set={}", q.known_sequence_set.text(),
                                       q.known_uid_set.text());
            v.put(')');
        } else if (!p.value.empty()) {
            v.tokens(p.value);
        }
    }
}
template <class V>
void dump(V& v, const cmd::select& c) {
    v.field("mailbox");
    v.mbox(c.mbox);
    dump_select_params(v, c.params);
}
template <class V>
void dump(V& v, const cmd::examine& c) {
    v.field("mailbox");
    v.mbox(c.mbox);
    dump_select_params(v, c.params);
}
template <class V>
void dump(V& v, const cmd::create& c) {
    v.field("mailbox");
    v.mbox(c.mbox);
    for (const auto& p : c.params) {
        v.field("param");
        v.put(p.name());
        if (p.kind == create_param_kind::use) {
            v.put('[');
            bool first = true;
            for (const auto& a : p.use) {
                if (!first) v.put(' ');
                first = false;
                v.put(a.name());
            }
            v.put(']');
        } else if (!p.value.empty()) {
            v.tokens(p.value);
        }
    }
}
template <class V>
void dump(V& v, const cmd::delete_& c) {
    v.field("mailbox");
    v.mbox(c.mbox);
}
template <class V>
void dump(V& v, const cmd::rename& c) {
    v.field("from");
    v.mbox(c.from);
    v.field("to");
    v.mbox(c.to);
    for (const auto& p : c.params) {
        v.field("param");
        v.put(p.name);
        if (!p.value.empty()) v.tokens(p.value);
    }
}
template <class V>
void dump(V& v, const cmd::subscribe& c) {
    v.field("mailbox");
    v.mbox(c.mbox);
}
template <class V>
void dump(V& v, const cmd::unsubscribe& c) {
    v.field("mailbox");
    v.mbox(c.mbox);
}
template <class V>
void dump_status_atts(V& v, std::span<const status_att> items) {
    v.put('[');
    bool first = true;
    for (const auto& a : items) {
        if (!first) v.put(' ');
        first = false;
        v.put(a.name());
    }
    v.put(']');
}
template <class V>
void dump(V& v, const cmd::list& c) {
    if (c.has_select_opts) {
        v.field("select");
        v.put('[');
        bool first = true;
        for (const auto& o : c.select_opts) {
            if (!first) v.put(' ');
            first = false;
            v.put(o.name());
            if (!o.value.empty()) v.tokens(o.value);
        }
        v.put(']');
    }
    v.field("reference");
    v.mbox(c.reference);
    v.field("patterns");
    v.put('[');
    bool first = true;
    for (const auto& p : c.patterns) {
        if (!first) v.put(", ");
        first = false;
        v.str(p);
    }
    v.put(']');
    if (c.has_return_opts) {
        v.field("return");
        v.put('[');
        first = true;
        for (const auto& o : c.return_opts) {
            if (!first) v.put(' ');
            first = false;
            v.put(o.name());
            if (o.kind == list_return_kind::status) dump_status_atts(v, o.status);
            else if (!o.value.empty()) v.tokens(o.value);
        }
        v.put(']');
    }
}
template <class V>
void dump(V& v, const cmd::lsub& c) {
    v.field("reference");
    v.mbox(c.reference);
    v.field("pattern");
    v.str(c.pattern);
}
template <class V>
void dump(V& v, const cmd::status& c) {
    v.field("mailbox");
    v.mbox(c.mbox);
    v.field("items");
    dump_status_atts(v, c.items);
}
template <class V>
void dump(V& v, const cmd::append& c) {
    v.field("mailbox");
    v.mbox(c.mbox);
    for (const auto& m : c.messages) {
        v.field("message");
        dump_append_message(v, m);
    }
}
template <class V>
void dump(V& v, const cmd::uid_expunge& c) {
    v.field("set");
    v.put(c.set.text());
}
template <class V>
void dump_search(V& v, const search_criteria& sc) {
    if (sc.has_charset) {
        v.field("charset");
        v.str(sc.charset);
    }
    v.field("keys");
    v.put('[');
    bool first = true;
    for (auto k : sc.top()) {
        if (!first) v.put(", ");
        first = false;
        v.item(k);
    }
    v.put(']');
}
template <class V>
void dump(V& v, const cmd::search& c) {
    if (c.ret.present()) {
        v.put(' ');
        v.item(c.ret);
    }
    dump_search(v, c.program);
}
template <class V>
void dump(V& v, const cmd::fetch& c) {
    v.field("set");
    v.put(c.set.text());
    v.field("items");
    if (c.macro != fetch_macro::none) {
        v.put(to_string(c.macro));
    } else {
        v.put('[');
        bool first = true;
        for (const auto& a : c.atts) {
            if (!first) v.put(", ");
            first = false;
            v.item(a);
        }
        v.put(']');
    }
    if (c.modifiers.present()) {
        v.put(' ');
        v.item(c.modifiers);
    }
}
template <class V>
void dump(V& v, const cmd::store& c) {
    v.field("set");
    v.put(c.set.text());
    for (const auto& m : c.modifiers) {
        v.field("modifier");
        v.put(m.name());
        if (m.kind == store_modifier_kind::unchangedsince) v.out = fmt::format_to(v.out, "={}", m.modseq);
        else if (!m.value.empty()) v.tokens(m.value);
    }
    v.field("op");
    v.put(c.op == store_op::add ? "add" : c.op == store_op::remove ? "remove" : "replace");
    if (c.silent) v.put(" silent");
    if (c.item == store_item::flags) {
        v.field("flags");
        dump_flags(v, c.flags);
    } else {
        v.field("labels");
        v.put('[');
        bool first = true;
        for (const auto& l : c.labels) {
            if (!first) v.put(", ");
            first = false;
            v.str(l);
        }
        v.put(']');
    }
}
template <class V>
void dump(V& v, const cmd::copy& c) {
    v.field("set");
    v.put(c.set.text());
    v.field("mailbox");
    v.mbox(c.mbox);
}
template <class V>
void dump(V& v, const cmd::move& c) {
    v.field("set");
    v.put(c.set.text());
    v.field("mailbox");
    v.mbox(c.mbox);
}
template <class V>
void dump(V& v, const cmd::sort& c) {
    if (c.ret.present()) {
        v.put(' ');
        v.item(c.ret);
    }
    v.field("criteria");
    v.put('[');
    bool first = true;
    for (const auto& k : c.criteria) {
        if (!first) v.put(' ');
        first = false;
        if (k.reverse) v.put("REVERSE ");
        v.put(to_string(k.key));
    }
    v.put(']');
    dump_search(v, c.search);
}
template <class V>
void dump(V& v, const cmd::thread& c) {
    v.field("algorithm");
    v.put(c.algorithm.text);
    dump_search(v, c.search);
}
template <class V>
void dump(V& v, const cmd::id& c) {
    v.field("params");
    if (c.nil) {
        v.put("NIL");
        return;
    }
    v.put('[');
    bool first = true;
    for (const auto& p : c.params) {
        if (!first) v.put(", ");
        first = false;
        v.str(p.field);
        v.put(": ");
        v.str(p.value);
    }
    v.put(']');
}
template <class V>
void dump(V& v, const cmd::getquota& c) {
    v.field("root");
    v.str(c.root);
}
template <class V>
void dump(V& v, const cmd::getquotaroot& c) {
    v.field("mailbox");
    v.mbox(c.mbox);
}
template <class V>
void dump(V& v, const cmd::setquota& c) {
    v.field("root");
    v.str(c.root);
    v.field("resources");
    v.put('[');
    bool first = true;
    for (const auto& r : c.resources) {
        if (!first) v.put(' ');
        first = false;
        v.out = fmt::format_to(v.out, "{}={}", r.name, r.limit);
    }
    v.put(']');
}
template <class V>
void dump(V& v, const cmd::setacl& c) {
    v.field("mailbox");
    v.mbox(c.mbox);
    v.field("identifier");
    v.str(c.identifier);
    v.field("rights");
    v.str(c.rights);
}
template <class V>
void dump(V& v, const cmd::deleteacl& c) {
    v.field("mailbox");
    v.mbox(c.mbox);
    v.field("identifier");
    v.str(c.identifier);
}
template <class V>
void dump(V& v, const cmd::getacl& c) {
    v.field("mailbox");
    v.mbox(c.mbox);
}
template <class V>
void dump(V& v, const cmd::listrights& c) {
    v.field("mailbox");
    v.mbox(c.mbox);
    v.field("identifier");
    v.str(c.identifier);
}
template <class V>
void dump(V& v, const cmd::myrights& c) {
    v.field("mailbox");
    v.mbox(c.mbox);
}
template <class V>
void dump(V& v, const cmd::getmetadata& c) {
    for (const auto& o : c.options) {
        v.field("option");
        v.put(o.name());
        if (o.kind == metadata_option_kind::maxsize) v.out = fmt::format_to(v.out, "={}", o.maxsize);
        else if (o.kind == metadata_option_kind::depth)
            v.put(o.depth == metadata_depth::zero ? "=0" : o.depth == metadata_depth::one ? "=1" : "=infinity");
        else if (!o.value.empty()) v.tokens(o.value);
    }
    v.field("mailbox");
    v.mbox(c.mbox);
    v.field("entries");
    v.put('[');
    bool first = true;
    for (const auto& e : c.entries) {
        if (!first) v.put(", ");
        first = false;
        v.str(e);
    }
    v.put(']');
}
template <class V>
void dump(V& v, const cmd::setmetadata& c) {
    v.field("mailbox");
    v.mbox(c.mbox);
    v.field("values");
    v.put('[');
    bool first = true;
    for (const auto& e : c.values) {
        if (!first) v.put(", ");
        first = false;
        v.str(e.entry);
        v.put(": ");
        v.str(e.value);
    }
    v.put(']');
}
template <class V>
void dump(V& v, const cmd::compress& c) {
    v.field("algorithm");
    v.put(c.algorithm.text);
}
template <class V>
void dump(V& v, const cmd::replace& c) {
    v.field("number");
    v.item(c.number);
    v.field("mailbox");
    v.mbox(c.mbox);
    v.field("message");
    dump_append_message(v, c.message);
}
template <class V>
void dump(V& v, const cmd::generic& c) {
    v.field("args");
    v.tokens(c.args);
}

} // namespace detail::cmdw

} // namespace mailwire::imap
