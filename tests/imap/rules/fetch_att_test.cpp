#include <mailwire/imap/rules/fetch_att.hpp>

#include <mailwire/core/diagnostic.hpp>

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "support/catch.hpp"

using mailwire::errc;
using mailwire::parse_options;
using mailwire::scanner;
using mailwire::imap::fetch_arguments;
using mailwire::imap::fetch_att;
using mailwire::imap::fetch_att_kind;
using mailwire::imap::fetch_items;
using mailwire::imap::fetch_macro;
using mailwire::imap::fetch_modifier_kind;
using mailwire::imap::fetch_modifiers;
using mailwire::imap::parse_all;
using mailwire::imap::parse_fetch_arguments;
using mailwire::imap::parse_fetch_items;
using mailwire::imap::partial_range;
using mailwire::imap::section_text_kind;
namespace rules = mailwire::imap::rules;

namespace {

const parse_options strict{};
const parse_options lenient = parse_options::make_lenient();

template <class R>
void check_error(const R& r, errc code, std::size_t offset) {
    REQUIRE_FALSE(r.has_value());
    CHECK(mailwire::to_string(r.error().code) == mailwire::to_string(code));
    CHECK(r.error().offset == offset);
    CHECK_FALSE(r.error().expected.empty());
}

/// Inputs outlive the test's views into them (a deque never moves its elements).
const std::string& keep(std::string s) {
    static std::deque<std::string> inputs;
    inputs.push_back(std::move(s));
    return inputs.back();
}

/// FETCH's arguments `args` (the text after "FETCH SP"): parse -> format -> parse is
/// identity, and canonical input comes back byte for byte.
fetch_arguments round_trip(std::string_view args, bool canonical = true, const parse_options& o = strict) {
    const std::string& in = keep(" " + std::string(args)); // the arguments start with their SP
    INFO("input: " << in);
    fetch_arguments a;
    auto r = parse_fetch_arguments(in, a, o);
    if (!r) FAIL_CHECK(fmt::format("{}", mailwire::with_input(in, r.error())));
    REQUIRE(r);
    auto wire = mailwire::to_wire(a);
    REQUIRE(wire);
    if (canonical) CHECK(*wire == in);
    fetch_arguments b;
    REQUIRE(parse_fetch_arguments(*wire, b, o));
    CHECK(b == a);
    CHECK(mailwire::to_wire(b).value() == *wire);
    if (o.strict()) {
        fetch_arguments l;
        REQUIRE(parse_fetch_arguments(in, l, lenient));
        CHECK(l == a);
    }
    return a;
}

auto fetch_error(std::string_view args, const parse_options& o = strict) {
    fetch_arguments a;
    return parse_fetch_arguments(args, a, o);
}

std::vector<fetch_att_kind> kinds(const fetch_items& items) {
    std::vector<fetch_att_kind> k;
    for (const auto& a : items.atts) k.push_back(a.kind);
    return k;
}

std::vector<fetch_modifier_kind> modifier_kinds(const fetch_modifiers& m) {
    std::vector<fetch_modifier_kind> k;
    for (auto x : m) k.push_back(x.kind);
    return k;
}

} // namespace

TEST_CASE("fetch: RFC 9051 and RFC 3501 examples", "[imap][fetch][rfc]") {
    using K = fetch_att_kind;
    // RFC 9051 §6.4.5 / RFC 3501 §6.4.5: C: A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])
    auto a = round_trip("2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])");
    CHECK(a.set.text() == "2:4");
    CHECK(a.items.macro == fetch_macro::none);
    CHECK(a.items.parenthesized);
    CHECK(kinds(a.items) == std::vector<K>{K::flags, K::body_section});
    const auto& body = a.items.atts[1];
    CHECK(body.section.text == section_text_kind::header_fields);
    CHECK(body.section.fields.text() == "DATE FROM");
    CHECK(body.section.fields.contains("from"));
    CHECK_FALSE(body.has_partial);
    CHECK_FALSE(body.peek());
    CHECK_FALSE(a.modifiers.present());

    // RFC 9051 §6.3.13 (IDLE example): C: A003 FETCH 4 ALL; C: A005 FETCH 3 ALL
    auto all = round_trip("4 ALL");
    CHECK(all.items.macro == fetch_macro::all);
    CHECK(all.items.atts.empty());
    CHECK(all.items.contains(K::envelope));
    CHECK_FALSE(all.items.contains(K::body));
    round_trip("3 ALL");

    // RFC 9051 §6.4.4.1 example 1: C: A283 FETCH $ (UID INTERNALDATE FLAGS BODY.PEEK[HEADER])
    auto peek = round_trip("$ (UID INTERNALDATE FLAGS BODY.PEEK[HEADER])");
    CHECK(peek.set.is_last_result());
    CHECK(kinds(peek.items) == std::vector<K>{K::uid, K::internaldate, K::flags, K::body_peek});
    CHECK(peek.items.atts[3].peek());
    CHECK(peek.items.atts[3].section.text == section_text_kind::header);

    // RFC 9051 §6.4.9 / RFC 3501 §6.4.8: C: A999 UID FETCH 4827313:4828442 FLAGS
    auto uid = round_trip("4827313:4828442 FLAGS");
    CHECK_FALSE(uid.items.parenthesized);
    CHECK(kinds(uid.items) == std::vector<K>{K::flags});

    // RFC 9051 §8 / RFC 3501 §8: C: a003 fetch 12 full; C: a004 fetch 12 body[header]
    auto full = round_trip("12 full", false);
    CHECK(full.items.macro == fetch_macro::full);
    CHECK(full.items.contains(K::body));
    CHECK(mailwire::to_wire(full).value() == " 12 FULL");
    auto hdr = round_trip("12 body[header]", false);
    CHECK(hdr.items.atts[0].kind == K::body_section);
    CHECK(mailwire::to_wire(hdr).value() == " 12 BODY[HEADER]");

    // RFC 5182 §2.2: C: A283 FETCH $ (UID INTERNALDATE FLAGS RFC822.HEADER)
    CHECK(kinds(round_trip("$ (UID INTERNALDATE FLAGS RFC822.HEADER)").items) ==
          std::vector<K>{K::uid, K::internaldate, K::flags, K::rfc822_header});
    // RFC 2683 §3.2.1.2 (FETCH 1:* ALL, 9921:* ALL), §3.4.3 (1:* UID), §3.4.4 (2 BODY[1]),
    // §3.2.1.3 (BODY[1]<offset.length>).
    round_trip("1:* ALL");
    round_trip("9921:* ALL");
    round_trip("1:* UID");
    round_trip("2 BODY[1]");
    auto p = round_trip("3 BODY[1]<20001.20000>");
    CHECK(p.items.atts[0].has_partial);
    CHECK(p.items.atts[0].partial.offset == 20001);
    CHECK(p.items.atts[0].partial.length == 20000);
    round_trip("3 BODY[1]<0.20000>");
}

TEST_CASE("fetch: partial and BINARY (RFC 3516)", "[imap][fetch][rfc]") {
    using K = fetch_att_kind;
    auto t = round_trip("1 BODY[TEXT]<0.2048>");
    CHECK(t.items.atts[0].section.text == section_text_kind::text);
    CHECK(t.items.atts[0].partial.length == 2048);
    auto b = round_trip("1 BINARY.PEEK[1.2]<0.100>");
    CHECK(b.items.atts[0].kind == K::binary_peek);
    CHECK(b.items.atts[0].binary.part.text() == "1.2");
    CHECK(b.items.atts[0].has_partial);
    CHECK(b.items.atts[0].partial.length == 100);
    round_trip("1 BINARY[]");
    round_trip("1 BINARY[3]<5.5>");
    auto size = round_trip("1 (BINARY.SIZE[1] BINARY.SIZE[])");
    CHECK(kinds(size.items) == std::vector<K>{K::binary_size, K::binary_size});
    CHECK(size.items.atts[1].binary.part.empty());
    round_trip("1 BODY.PEEK[4.2.HEADER.FIELDS.NOT (Received \"X-Spam\")]<0.9223372036854775807>");
}

TEST_CASE("fetch: modifiers (RFC 4466, RFC 7162, RFC 9394)", "[imap][fetch][rfc]") {
    using M = fetch_modifier_kind;
    // RFC 7162 §3.1.4.1: C: s100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)
    auto a = round_trip("1:* (FLAGS) (CHANGEDSINCE 12345)");
    CHECK(a.items.parenthesized);
    CHECK(a.modifiers.present());
    CHECK(a.modifiers.changedsince() == std::optional<std::uint64_t>{12345});
    CHECK_FALSE(a.modifiers.vanished());
    // RFC 7162 §3.1.4.2: C: a FETCH 1:3 (MODSEQ)
    CHECK(round_trip("1:3 (MODSEQ)").items.atts[0].kind == fetch_att_kind::modseq);
    // RFC 7162 §3.2.6: C: s100 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)
    round_trip("300:500 (FLAGS) (CHANGEDSINCE 12345)");
    auto v = round_trip("300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)");
    CHECK(modifier_kinds(v.modifiers) == std::vector<M>{M::changedsince, M::vanished});
    CHECK(v.modifiers.vanished());
    // The brief's vector: (FLAGS) (CHANGEDSINCE 12345 VANISHED)
    CHECK(fmt::format("{}", v.modifiers) == " (CHANGEDSINCE 12345 VANISHED)");

    // RFC 9394 §3.3: C: 10 UID FETCH 25900:26600 (UID FLAGS) (PARTIAL -1:-3)
    auto p = round_trip("25900:26600 (UID FLAGS) (PARTIAL -1:-3)");
    CHECK(p.modifiers.partial() == partial_range{true, 1, 3});
    // C: 11 UID FETCH 25900:26600 (UID FLAGS) (PARTIAL 1:5)
    CHECK(round_trip("25900:26600 (UID FLAGS) (PARTIAL 1:5)").modifiers.partial() == partial_range{false, 1, 5});
    // RFC 9394 §3.4: C: 101 UID FETCH 25900:26600 (UID FLAGS) (PARTIAL -1:-30 CHANGEDSINCE 98305)
    auto both = round_trip("25900:26600 (UID FLAGS) (PARTIAL -1:-30 CHANGEDSINCE 98305)");
    CHECK(modifier_kinds(both.modifiers) == std::vector<M>{M::partial, M::changedsince});
    CHECK(both.modifiers.changedsince() == std::optional<std::uint64_t>{98305});

    // Generic RFC 4466 modifiers with tagged-ext-val parameters.
    auto ext = round_trip("1 FLAGS (X-FOO (a (b) \"c\") X-BAR X-N 7 X-S 1:*,$)");
    std::vector<std::string> names;
    for (auto m : ext.modifiers) {
        CHECK(m.kind == M::extension);
        names.push_back(std::string(m.name) + (m.has_params ? "=" + std::string(m.params.text) : ""));
    }
    CHECK(names == std::vector<std::string>{"X-FOO=(a (b) \"c\")", "X-BAR", "X-N=7", "X-S=1:*,$"});
    // Names are case-insensitive and written upper-case.
    auto low = round_trip("1 (flags) (changedsince 5 vanished)", false);
    CHECK(mailwire::to_wire(low).value() == " 1 (FLAGS) (CHANGEDSINCE 5 VANISHED)");

    auto m = fetch_modifiers::parse("CHANGEDSINCE 12345 VANISHED");
    REQUIRE(m);
    CHECK(m->size() == 2);
    CHECK(*m == v.modifiers);
    CHECK(fetch_modifiers::parse("").value() == fetch_modifiers{});
    check_error(fetch_modifiers::parse("VANISHED "), errc::invalid_syntax, 9);
    check_error(fetch_modifiers::parse("CHANGEDSINCE x"), errc::invalid_syntax, 13);
}

TEST_CASE("fetch: extension items (RFC 8514, 8474, 8970, Gmail)", "[imap][fetch][rfc]") {
    using K = fetch_att_kind;
    // RFC 8514 §4.2: C: A101 FETCH 998 (SAVEDATE)
    CHECK(round_trip("998 (SAVEDATE)").items.atts[0].kind == K::savedate);
    // RFC 8474 §5.3: C: 22 fetch 1:* (emailid threadid)
    auto ids = round_trip("1:* (emailid threadid)", false);
    CHECK(kinds(ids.items) == std::vector<K>{K::emailid, K::threadid});
    CHECK(mailwire::to_wire(ids).value() == " 1:* (EMAILID THREADID)");
    // RFC 8970 §3.2, §5: C: A1 FETCH 1 (PREVIEW); A2 FETCH 1 (RFC822.SIZE PREVIEW);
    // B1 FETCH 1:4 (ENVELOPE PREVIEW (LAZY)); C3 FETCH $ (UID PREVIEW (LAZY)); C4 UID FETCH 23 (PREVIEW)
    CHECK(round_trip("1 (PREVIEW)").items.atts[0].preview_lazy == 0);
    round_trip("1 (RFC822.SIZE PREVIEW)");
    auto lazy = round_trip("1:4 (ENVELOPE PREVIEW (LAZY))");
    CHECK(kinds(lazy.items) == std::vector<K>{K::envelope, K::preview});
    CHECK(lazy.items.atts[1].preview_lazy == 1);
    round_trip("3:4 (PREVIEW)");
    round_trip("$ (UID PREVIEW (LAZY))");
    round_trip("23 (PREVIEW)");
    // A lone PREVIEW: "(LAZY ...)" after it is its preview-mods, anything else modifiers.
    auto lone = round_trip("1 PREVIEW (LAZY)");
    CHECK(lone.items.atts[0].preview_lazy == 1);
    CHECK_FALSE(lone.modifiers.present());
    auto lone_mod = round_trip("1 PREVIEW (CHANGEDSINCE 5)");
    CHECK(lone_mod.items.atts[0].preview_lazy == 0);
    CHECK(lone_mod.modifiers.changedsince() == std::optional<std::uint64_t>{5});
    CHECK(round_trip("1 PREVIEW (LAZY LAZY) (LAZY)").items.atts[0].preview_lazy == 2);
    // Gmail, developers.google.com/gmail/imap/imap-extensions: FETCH 1:4 (X-GM-MSGID) etc.
    CHECK(kinds(round_trip("1:4 (X-GM-MSGID X-GM-THRID X-GM-LABELS)").items) ==
          std::vector<K>{K::x_gm_msgid, K::x_gm_thrid, K::x_gm_labels});
    round_trip("1:4 X-GM-LABELS");
}

TEST_CASE("fetch: every item kind round-trips", "[imap][fetch]") {
    using K = fetch_att_kind;
    auto a = round_trip(
        "1 (ENVELOPE FLAGS INTERNALDATE RFC822 RFC822.HEADER RFC822.TEXT RFC822.SIZE BODY BODYSTRUCTURE UID BODY[] "
        "BODY.PEEK[1.MIME] BINARY[1] BINARY.PEEK[] BINARY.SIZE[2] MODSEQ EMAILID THREADID SAVEDATE PREVIEW X-GM-MSGID "
        "X-GM-THRID X-GM-LABELS)");
    REQUIRE(a.items.atts.size() == static_cast<std::size_t>(K::x_gm_labels) + 1);
    for (std::size_t i = 0; i < a.items.atts.size(); ++i) CHECK(static_cast<std::size_t>(a.items.atts[i].kind) == i);
    for (auto m : {"ALL", "FAST", "FULL"}) round_trip(std::string("1 ") + m);
    // fetch-att on its own.
    auto att = parse_all("BODY.PEEK[HEADER.FIELDS (DATE)]<0.10>", [](scanner& s) { return rules::fetch_att(s); });
    REQUIRE(att);
    CHECK(mailwire::to_wire(*att).value() == "BODY.PEEK[HEADER.FIELDS (DATE)]<0.10>");
    fetch_items items;
    REQUIRE(parse_fetch_items("(FLAGS UID)", items));
    CHECK(fmt::format("{}", items) == "(FLAGS UID)");
    REQUIRE(parse_fetch_items("fast", items));
    CHECK(fmt::format("{}", items) == "FAST");
}

TEST_CASE("fetch: rejections carry code and offset", "[imap][fetch]") {
    check_error(fetch_error(" 1 ()"), errc::invalid_syntax, 4);
    check_error(fetch_error(" 1 (FLAGS"), errc::invalid_syntax, 9);
    check_error(fetch_error(" 1 (FLAGS ALL)"), errc::invalid_syntax, 10); // macros stand alone
    check_error(fetch_error(" 1 (ALL)"), errc::invalid_syntax, 4);
    check_error(fetch_error(" 1 FOO"), errc::invalid_syntax, 3);            // unknown item, both modes
    check_error(fetch_error(" 1 FOO", lenient), errc::invalid_syntax, 3);
    check_error(fetch_error(" 1 BODYX"), errc::invalid_syntax, 3);
    check_error(fetch_error(" 1 BODY.PEEK"), errc::invalid_syntax, 12);     // section due
    check_error(fetch_error(" 1 BINARY"), errc::invalid_syntax, 9);         // section-binary due
    check_error(fetch_error(" 1 BINARY[HEADER]"), errc::invalid_syntax, 10);
    check_error(fetch_error(" 1 BINARY.SIZE[1]<0.5>"), errc::invalid_syntax, 17); // no partial
    check_error(fetch_error(" 1 BODY[]<0.0>"), errc::number_out_of_range, 12);
    check_error(fetch_error(" 1 BODY[0]"), errc::number_out_of_range, 8);
    check_error(fetch_error(" 1 BODY[MIME]"), errc::invalid_syntax, 8);
    check_error(fetch_error(" 1 BODY[1]<0>"), errc::invalid_syntax, 12);
    check_error(fetch_error(" 0 FLAGS"), errc::number_out_of_range, 1);
    check_error(fetch_error(" 1 FLAGS (CHANGEDSINCE 0)"), errc::number_out_of_range, 23);
    check_error(fetch_error(" 1 FLAGS (CHANGEDSINCE)"), errc::invalid_syntax, 22);
    check_error(fetch_error(" 1 FLAGS (CHANGEDSINCE 9223372036854775808)"), errc::number_out_of_range, 23);
    check_error(fetch_error(" 1 FLAGS ()"), errc::invalid_syntax, 10);
    check_error(fetch_error(" 1 FLAGS (VANISHED"), errc::invalid_syntax, 18);
    check_error(fetch_error(" 1 FLAGS (PARTIAL 1:*)"), errc::invalid_syntax, 20);
    check_error(fetch_error(" 1 FLAGS (PARTIAL 0:5)"), errc::number_out_of_range, 18);
    check_error(fetch_error(" 1 FLAGS (X-A (b)"), errc::invalid_syntax, 17);
    check_error(fetch_error(" 1 PREVIEW (LAZY X)"), errc::invalid_syntax, 17);
    check_error(fetch_error(" 1 (PREVIEW ())"), errc::invalid_syntax, 12);
    // RFC 2683 §3.4.4 writes "FETCH 1 UID FLAGS INTERNALDATE": several items need
    // parentheses (RFC 9051 §9 fetch), so that is not FETCH syntax, in either mode.
    check_error(fetch_error(" 1 UID FLAGS INTERNALDATE"), errc::invalid_syntax, 6);
    check_error(fetch_error(" 1 UID FLAGS INTERNALDATE", lenient), errc::invalid_syntax, 6);
    // Exactly one SP.
    check_error(fetch_error(" 1  FLAGS"), errc::invalid_syntax, 3);
    check_error(fetch_error(" 1 (FLAGS  UID)"), errc::invalid_syntax, 10);
    check_error(fetch_error(" 1 FLAGS "), errc::invalid_syntax, 8);
    check_error(fetch_error("1 FLAGS"), errc::invalid_syntax, 0);
    check_error(fetch_error(" 1"), errc::invalid_syntax, 2);
    // A header-list literal that is not all there.
    check_error(fetch_error(" 1 BODY[HEADER.FIELDS ({9}\r\nDATE)]"), errc::invalid_syntax, 34);
}

TEST_CASE("fetch: list budgets and the depth budget of modifiers", "[imap][fetch][limits]") {
    parse_options o;
    o.max_list = 2;
    CHECK(fetch_error(" 1 (FLAGS)", o));
    CHECK(fetch_error(" 1 (FLAGS UID)", o));
    check_error(fetch_error(" 1 (FLAGS UID ENVELOPE)", o), errc::limit_exceeded, 14);
    CHECK(fetch_error(" 1 FLAGS (CHANGEDSINCE 1 VANISHED)", o));
    check_error(fetch_error(" 1 FLAGS (CHANGEDSINCE 1 VANISHED X-A)", o), errc::limit_exceeded, 34);
    CHECK(fetch_error(" 1 PREVIEW (LAZY LAZY)", o));
    check_error(fetch_error(" 1 PREVIEW (LAZY LAZY LAZY)", o), errc::limit_exceeded, 22);
    o = parse_options{};
    o.max_depth = 2;
    CHECK(fetch_error(" 1 FLAGS (X-A ((b)))", o));
    check_error(fetch_error(" 1 FLAGS (X-A (((b))))", o), errc::limit_exceeded, 16);
    // The budget continues from the caller's level.
    fetch_arguments a;
    std::size_t depth = o.max_depth - 1;
    scanner s(" 1 FLAGS (X-A ((b)))");
    check_error(parse_fetch_arguments(s, a, depth, o), errc::limit_exceeded, 15);
    CHECK(depth == o.max_depth - 1);
}

TEST_CASE("fetch: caller-reusable storage does not reallocate", "[imap][fetch]") {
    fetch_arguments a;
    REQUIRE(parse_fetch_arguments(" 1 (FLAGS UID ENVELOPE BODY[] BODY.PEEK[TEXT] RFC822.SIZE)", a));
    const auto* data = a.items.atts.data();
    const auto cap = a.items.atts.capacity();
    REQUIRE(parse_fetch_arguments(" 2:4 ALL", a));
    CHECK(a.items.atts.empty());
    REQUIRE(parse_fetch_arguments(" 1 (UID FLAGS)", a));
    REQUIRE(parse_fetch_arguments(" 1 (FLAGS UID ENVELOPE BODY[] BODY.PEEK[TEXT] RFC822.SIZE)", a));
    CHECK(a.items.atts.data() == data);
    CHECK(a.items.atts.capacity() == cap);
}

TEST_CASE("fetch: check_writable refuses what would not re-parse", "[imap][fetch][format]") {
    using K = fetch_att_kind;
    auto refused = [](const auto& v) { return mailwire::to_wire(v).error().code == errc::unsafe_value; };
    fetch_items items;
    CHECK(refused(items)); // nothing requested
    items.macro = fetch_macro::all;
    items.atts.push_back(fetch_att{K::flags});
    CHECK(refused(items)); // a macro stands alone
    items.macro = fetch_macro::none;
    items.atts.push_back(fetch_att{K::uid});
    CHECK(refused(items)); // two items need parentheses
    items.parenthesized = true;
    CHECK(mailwire::to_wire(items).value() == "(FLAGS UID)");

    fetch_att mime{K::body_peek};
    mime.section.text = section_text_kind::mime;
    CHECK(refused(mime));
    fetch_att part{K::binary};
    part.has_partial = true;
    part.partial = {0, 0};
    CHECK(refused(part));
    part.partial = {0, 10};
    part.binary.part = mailwire::imap::section_part::parse("1.2").value();
    CHECK(mailwire::to_wire(part).value() == "BINARY[1.2]<0.10>");
    fetch_att lazy{K::preview};
    lazy.preview_lazy = 2;
    CHECK(mailwire::to_wire(lazy).value() == "PREVIEW (LAZY LAZY)");

    mailwire::imap::fetch_modifier m;
    m.kind = fetch_modifier_kind::changedsince;
    m.modseq = 0;
    CHECK(refused(m));
    m.modseq = 7;
    CHECK(mailwire::to_wire(m).value() == "CHANGEDSINCE 7");
    m.kind = fetch_modifier_kind::extension;
    m.name = "VANISHED";
    CHECK(refused(m));
    m.name = "X-1";
    CHECK(mailwire::to_wire(m).value() == "X-1");
    m.has_params = true;
    m.params = {"(unclosed"};
    CHECK(refused(m));

    // An empty sequence-set, and PREVIEW followed by a modifier named LAZY.
    fetch_arguments args;
    args.items.atts.push_back(fetch_att{K::preview});
    CHECK(refused(args));
    args.set = mailwire::imap::sequence_set::parse("1").value();
    CHECK(mailwire::to_wire(args).value() == " 1 PREVIEW");
    args.modifiers = fetch_modifiers::parse("LAZY").value();
    CHECK(refused(args));
}

TEST_CASE("fetch: readable {:v} presentation", "[imap][fetch][format]") {
    auto a = round_trip("2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)]) (CHANGEDSINCE 5)");
    CHECK(fmt::format("{:v}", a.items) ==
          "fetch-items (FLAGS, BODY section HEADER.FIELDS (atom \"DATE\", atom \"FROM\"))");
    CHECK(fmt::format("{:v}", a.modifiers) == "fetch-modifiers (CHANGEDSINCE 5)");
    CHECK(fmt::format("{:v}", fetch_modifiers{}) == "no fetch-modifiers");
    CHECK(fmt::format("{:v}", a) ==
          "sequence-set [2:4] fetch-items (FLAGS, BODY section HEADER.FIELDS (atom \"DATE\", atom \"FROM\")) "
          "fetch-modifiers (CHANGEDSINCE 5)");
    CHECK(fmt::format("{:v}", a.items.atts[0]) == "fetch-att FLAGS");
}
