// Fuzz target for the IMAP grammar building blocks (include/mailwire/imap/rules/*.hpp).
//
// The first byte selects a rule; the rest is parsed in strict and lenient mode, with and
// without UTF8=ACCEPT where it matters. Invariants, each a __builtin_trap() when broken:
//   - an error carries a code and an offset within the input;
//   - strict success implies lenient success with an equal value (lenient only adds);
//     for strings, success without UTF8=ACCEPT implies success with it (not for
//     mailbox names, which must then be UTF-8 in every form);
//   - a parsed value that check_writable() accepts formats to bytes that parse back to an
//     equal value (and, for the rules with one spelling, to the input bytes themselves);
//   - modified UTF-7: decode -> encode gives the input back, and decode again is stable;
//     UTF-8 -> encode -> decode gives the input back;
//   - choose_form / from_content: the written form parses back to the same content.
#include <mailwire/imap/rules/datetime.hpp>
#include <mailwire/imap/rules/flag.hpp>
#include <mailwire/imap/rules/mailbox.hpp>
#include <mailwire/imap/rules/mutf7.hpp>
#include <mailwire/imap/rules/sequence_set.hpp>
#include <mailwire/imap/rules/string.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using mailwire::parse_options;
using mailwire::scanner;
using mailwire::imap::parse_all;
using mailwire::imap::session_syntax;
namespace imap = mailwire::imap;
namespace rules = mailwire::imap::rules;

void require(bool ok) {
    if (!ok) __builtin_trap();
}

/// Runs `make(opts, syn)` (which returns a rule) over `text` and checks the invariants.
template <class Make>
void check_rule(std::string_view text, Make make, bool exact_bytes, bool uses_utf8, bool utf8_adds_only = true) {
    const parse_options modes[] = {parse_options{}, parse_options::make_lenient()};
    for (const auto& opts : modes) {
        for (bool utf8 : {false, true}) {
            if (utf8 && !uses_utf8) continue;
            const session_syntax syn{utf8};
            auto rule = make(opts, syn);
            auto r = parse_all(text, rule);
            if (!r) {
                require(r.error().code != mailwire::errc::ok);
                require(r.error().offset <= text.size());
                continue;
            }
            // Lenient mode and UTF8=ACCEPT only ever accept more.
            if (opts.strict()) {
                auto l = parse_all(text, make(parse_options::make_lenient(), syn));
                require(l.has_value() && *l == *r);
            }
            if (uses_utf8 && utf8_adds_only && !utf8) {
                auto u = parse_all(text, make(opts, session_syntax{true}));
                require(u.has_value());
            }
            if (!check_writable(*r)) continue;
            auto wire = mailwire::to_wire(*r);
            require(wire.has_value());
            // Canonical bytes come back unchanged; a lenient-only input (a quirk) is written
            // back in its canonical form instead.
            if (exact_bytes && (opts.strict() || parse_all(text, make(parse_options{}, syn)).has_value()))
                require(*wire == text);
            auto again = parse_all(*wire, rule);
            require(again.has_value() && *again == *r);
        }
    }
}

void check_mutf7(std::string_view text) {
    std::string decoded;
    if (imap::mutf7_decode_to(text, decoded)) {
        std::string encoded;
        require(imap::mutf7_encode_to(decoded, encoded).has_value());
        require(encoded == text); // one encoding per name
        std::string again;
        require(imap::mutf7_decode_to(encoded, again).has_value() && again == decoded);
        require(imap::utf8::valid(decoded));
    }
    std::string encoded;
    if (imap::mutf7_encode_to(text, encoded)) {
        std::string back;
        require(imap::mutf7_decode_to(encoded, back).has_value());
        require(back == text);
        require(imap::mutf7_valid(encoded));
    } else {
        // Only invalid UTF-8 or NUL are refused.
        require(!imap::utf8::valid(text) || text.find('\0') != std::string_view::npos);
    }
}

void check_from_content(std::string_view text, std::uint8_t flags) {
    imap::string_context ctx;
    ctx.rule = static_cast<imap::string_rule>(flags % 3);
    ctx.utf8 = (flags & 0x04) != 0;
    ctx.literal_plus = (flags & 0x08) != 0;
    ctx.literal8 = (flags & 0x10) != 0;
    auto v = imap::string_value::from_content(text, ctx);
    if (!v) {
        require(text.find('\0') != std::string_view::npos && !ctx.literal8);
        return;
    }
    require(check_writable(*v).has_value());
    auto wire = mailwire::to_wire(*v);
    require(wire.has_value());
    const session_syntax syn{ctx.utf8};
    auto back = parse_all(*wire, [&](scanner& s) -> mailwire::result<imap::string_value> {
        if (v->form == imap::string_form::literal8) {
            auto l = rules::literal8(s);
            if (!l) return l.error();
            return imap::string_value::from(*l);
        }
        switch (ctx.rule) {
        case imap::string_rule::astring: return rules::astring(s, {}, syn);
        case imap::string_rule::string: return rules::string(s, {}, syn);
        case imap::string_rule::nstring: return rules::nstring(s, {}, syn);
        }
        return rules::astring(s, {}, syn);
    });
    require(back.has_value() && back->equals(text) && *back == *v);
}

void check_mailbox(std::string_view text) {
    check_rule(text, [](const parse_options& o, session_syntax syn) { return [o, syn](scanner& s) { return rules::mailbox(s, o, syn); }; },
               false, true, /*utf8_adds_only=*/false); // UTF-8 names must be UTF-8 even as literals
    for (bool utf8 : {false, true}) {
        auto m = parse_all(text, [&](scanner& s) { return rules::mailbox(s, parse_options::make_lenient(), session_syntax{utf8}); });
        if (!m) continue;
        auto d = m->decoded();
        if (!d || m->inbox) continue;
        // A decoded name encodes back to the same wire name.
        std::string storage;
        imap::string_context ctx;
        ctx.utf8 = utf8;
        auto again = imap::encode_mailbox(*d, storage, ctx);
        require(again.has_value() && again->name == m->name);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t sel = data[0];
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    auto plain = [](auto fn) { return [fn](const parse_options& o, session_syntax) { return [fn, o](scanner& s) { return fn(s, o); }; }; };
    auto with_syn = [](auto fn) {
        return [fn](const parse_options& o, session_syntax syn) { return [fn, o, syn](scanner& s) { return fn(s, o, syn); }; };
    };
    switch (sel % 19) {
    case 0: check_rule(text, plain([](scanner& s, const parse_options&) { return rules::tag(s); }), true, false); break;
    case 1: check_rule(text, plain([](scanner& s, const parse_options&) { return rules::atom(s); }), true, false); break;
    case 2: check_rule(text, with_syn([](scanner& s, const parse_options& o, session_syntax y) { return rules::quoted(s, o, y); }), true, true); break;
    case 3: check_rule(text, plain([](scanner& s, const parse_options& o) { return rules::literal(s, o); }), false, false); break;
    case 4: check_rule(text, plain([](scanner& s, const parse_options& o) { return rules::literal8(s, o); }), false, false); break;
    case 5: check_rule(text, with_syn([](scanner& s, const parse_options& o, session_syntax y) { return rules::string(s, o, y); }), false, true); break;
    case 6: check_rule(text, with_syn([](scanner& s, const parse_options& o, session_syntax y) { return rules::astring(s, o, y); }), false, true); break;
    case 7: check_rule(text, with_syn([](scanner& s, const parse_options& o, session_syntax y) { return rules::nstring(s, o, y); }), false, true); break;
    case 8: check_rule(text, plain([](scanner& s, const parse_options& o) { return rules::sequence_set(s, o); }), true, false); break;
    case 9: check_rule(text, plain([](scanner& s, const parse_options& o) { return rules::date(s, o); }), false, false); break;
    case 10: check_rule(text, plain([](scanner& s, const parse_options& o) { return rules::date_time(s, o); }), false, false); break;
    case 11: check_rule(text, plain([](scanner& s, const parse_options& o) { return rules::flag(s, o); }), true, false); break;
    case 12: check_rule(text, plain([](scanner& s, const parse_options& o) { return rules::flag_perm(s, o); }), true, false); break;
    case 13: check_rule(text, plain([](scanner& s, const parse_options& o) { return rules::flag_list(s, o); }), true, false); break;
    case 14: check_rule(text, plain([](scanner& s, const parse_options& o) { return rules::flag_perm_list(s, o); }), true, false); break;
    case 15: check_rule(text, plain([](scanner& s, const parse_options& o) { return rules::mbx_list_attributes(s, o); }), true, false); break;
    case 16: check_mailbox(text); break;
    case 17: check_mutf7(text); break;
    case 18: check_from_content(text, static_cast<std::uint8_t>(sel / 19)); break;
    }
    return 0;
}
