// Fuzz target for SEARCH criteria and FETCH items (include/mailwire/imap/rules/
// search_key.hpp, fetch_att.hpp, section.hpp).
//
// The first byte selects what the rest is parsed as and how:
//   bits 0-1: 0 SEARCH arguments (" [RETURN (...)] program"), 1 a search-program,
//             2 FETCH arguments (" set items [modifiers]"), 3 fetch items alone;
//   bit 2:    UTF8=ACCEPT (8-bit quoted strings);
//   bit 3:    tight limits (max_depth 4, max_list 4) to reach the limit paths.
// Each input is parsed in strict and in lenient mode. Invariants, each a __builtin_trap()
// when broken:
//   - an error carries a code and an offset within the input;
//   - strict success implies lenient success with an equal value (lenient only adds);
//   - a parsed value is writable (check_writable), its wire bytes parse back to an equal
//     value under the same options, and writing that again gives the same bytes;
//   - iterating the lazily re-read parts (return options, modifiers, header lists,
//     section parts) and the {:v} dump never fail.
// Storage is static and reused across inputs, as a server would reuse it.
#include <mailwire/imap/rules/fetch_att.hpp>
#include <mailwire/imap/rules/search_key.hpp>
#include <mailwire/imap/rules/section.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace {

using mailwire::parse_options;
namespace imap = mailwire::imap;

void require(bool ok) {
    if (!ok) __builtin_trap();
}

void check_error(const mailwire::parse_error& e, std::size_t size) {
    require(e.code != mailwire::errc::ok);
    require(e.offset <= size);
}

/// Touches everything that is re-read lazily, so the sanitizers see those paths too.
std::size_t walk(const imap::search_arguments& a) {
    std::size_t n = 0;
    for (auto o : a.ret) n += o.name.size() + (o.has_params ? o.params.text.size() : 0) + 1;
    for (auto k : a.program.keys()) n += k.children().size() + 1;
    return n;
}
std::size_t walk(const imap::search_program& p) {
    std::size_t n = 0;
    for (auto k : p.keys()) n += k.children().size() + 1;
    return n;
}
std::size_t walk(const imap::fetch_items& items) {
    std::size_t n = 0;
    for (const auto& a : items.atts) {
        n += a.section.part.size() + a.binary.part.size();
        for (auto f : a.section.fields) n += f.decoded_size();
    }
    return n;
}
std::size_t walk(const imap::fetch_arguments& a) {
    std::size_t n = walk(a.items);
    for (auto m : a.modifiers) n += m.name.size() + 1;
    for (auto item : a.set) n += item.first.value;
    return n;
}

/// The invariants for one kind of value. `parse(text, out, opts, syn)` fills `out`.
template <class T, class Parse>
void check(std::string_view text, Parse parse, bool utf8, bool tight) {
    static T strict_value, lenient_value, again;
    parse_options strict;
    if (tight) {
        strict.max_depth = 4;
        strict.max_list = 4;
    }
    parse_options lenient = strict;
    lenient.mode = mailwire::parse_mode::lenient;
    const imap::session_syntax syn{utf8};

    auto l = parse(text, lenient_value, lenient, syn);
    auto s = parse(text, strict_value, strict, syn);
    if (!s) check_error(s.error(), text.size());
    if (!l) {
        check_error(l.error(), text.size());
        require(!s); // lenient accepts everything strict does
        return;
    }
    if (s) require(strict_value == lenient_value);

    for (const T* v : {&strict_value, &lenient_value}) {
        if (v == &strict_value && !s) continue;
        const parse_options& o = v == &strict_value ? strict : lenient;
        (void)walk(*v);
        (void)fmt::format("{:v}", *v);
        require(check_writable(*v).has_value());
        auto wire = mailwire::to_wire(*v);
        require(wire.has_value());
        auto r = parse(std::string_view(*wire), again, o, syn);
        require(r.has_value());
        require(again == *v);
        auto wire2 = mailwire::to_wire(again);
        require(wire2.has_value() && *wire2 == *wire);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t sel = data[0];
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    const bool utf8 = (sel & 0x04) != 0;
    const bool tight = (sel & 0x08) != 0;
    switch (sel & 0x03) {
    case 0:
        check<imap::search_arguments>(
            text,
            [](std::string_view t, imap::search_arguments& out, const parse_options& o, imap::session_syntax y) {
                return imap::parse_search_arguments(t, out, o, y);
            },
            utf8, tight);
        break;
    case 1:
        check<imap::search_program>(
            text,
            [](std::string_view t, imap::search_program& out, const parse_options& o, imap::session_syntax y) {
                return imap::parse_search_program(t, out, o, y);
            },
            utf8, tight);
        break;
    case 2:
        check<imap::fetch_arguments>(
            text,
            [](std::string_view t, imap::fetch_arguments& out, const parse_options& o, imap::session_syntax y) {
                return imap::parse_fetch_arguments(t, out, o, y);
            },
            utf8, tight);
        break;
    default:
        check<imap::fetch_items>(
            text,
            [](std::string_view t, imap::fetch_items& out, const parse_options& o, imap::session_syntax y) {
                return imap::parse_fetch_items(t, out, o, y);
            },
            utf8, tight);
        break;
    }
    return 0;
}
