#include <mailwire/imap/rules/search_key.hpp>

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
using mailwire::imap::flag_kind;
using mailwire::imap::modseq_entry_type;
using mailwire::imap::parse_search_arguments;
using mailwire::imap::parse_search_program;
using mailwire::imap::partial_range;
using mailwire::imap::search_arguments;
using mailwire::imap::search_key_kind;
using mailwire::imap::search_key_view;
using mailwire::imap::search_node;
using mailwire::imap::search_program;
using mailwire::imap::search_return_kind;
using mailwire::imap::search_return_opts;
using mailwire::imap::session_syntax;
using mailwire::imap::string_form;
using mailwire::imap::string_value;
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

/// SEARCH's arguments `args` (the text after "SEARCH SP"): parse -> format -> parse is
/// identity, and canonical input comes back byte for byte. Returns the parsed value,
/// whose views point into storage that lives until the end of the test run.
search_arguments round_trip(std::string_view args, bool canonical = true, const parse_options& o = strict,
                            session_syntax syn = {}) {
    const std::string& in = keep(" " + std::string(args)); // the rule starts with its SP
    INFO("input: " << in);
    search_arguments a;
    auto r = parse_search_arguments(in, a, o, syn);
    if (!r) FAIL_CHECK(fmt::format("{}", mailwire::with_input(in, r.error())));
    REQUIRE(r);
    auto wire = mailwire::to_wire(a);
    REQUIRE(wire);
    if (canonical) CHECK(*wire == in);
    search_arguments b;
    REQUIRE(parse_search_arguments(*wire, b, o, syn));
    CHECK(b == a);
    CHECK(mailwire::to_wire(b).value() == *wire);
    // Lenient mode only ever accepts more, and the same.
    if (o.strict()) {
        search_arguments l;
        REQUIRE(parse_search_arguments(in, l, lenient, syn));
        CHECK(l == a);
    }
    return a;
}

auto program_error(std::string_view text, const parse_options& o = strict, session_syntax syn = {}) {
    search_program p;
    return parse_search_program(text, p, o, syn);
}

std::vector<search_key_kind> kinds(const search_program& p) {
    std::vector<search_key_kind> k;
    for (const auto& n : p.nodes) k.push_back(n.kind);
    return k;
}

std::vector<search_return_kind> return_kinds(const search_return_opts& r) {
    std::vector<search_return_kind> k;
    for (auto o : r) k.push_back(o.kind);
    return k;
}

std::string repeat(std::string_view s, std::size_t n) {
    std::string r;
    for (std::size_t i = 0; i < n; ++i) r += s;
    return r;
}

} // namespace

TEST_CASE("search: RFC 9051 section 6.4.4 examples", "[imap][search][rfc]") {
    using K = search_key_kind;
    // C: A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"
    auto a = round_trip("RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"");
    CHECK(a.ret.present());
    CHECK(return_kinds(a.ret) == std::vector<search_return_kind>{search_return_kind::min, search_return_kind::count});
    CHECK(a.ret.has(search_return_kind::count));
    CHECK_FALSE(a.ret.has(search_return_kind::max));
    CHECK_FALSE(a.program.has_charset);
    CHECK(kinds(a.program) == std::vector<K>{K::flagged, K::since, K::not_, K::from});
    CHECK(a.program.keys().size() == 3);
    const auto& since = a.program.nodes[1];
    CHECK(since.date.year == 1994);
    CHECK(since.date.month == 2);
    CHECK(since.date.day == 1);
    auto not_key = a.program.key(2);
    CHECK(not_key.node().children == 1);
    CHECK(not_key.child(0).kind() == K::from);
    CHECK(not_key.child(0).node().value.form == string_form::quoted);
    CHECK(not_key.child(0).node().value.equals("Smith"));

    // C: A283 SEARCH RETURN () FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"
    auto b = round_trip("RETURN () FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"");
    CHECK(b.ret.present());
    CHECK(b.ret.empty());
    CHECK_FALSE(b.ret == a.ret);
    CHECK(b.program == a.program);

    // C: A284 SEARCH TEXT "string not in mailbox"
    auto c = round_trip("TEXT \"string not in mailbox\"");
    CHECK_FALSE(c.ret.present());
    REQUIRE(c.program.nodes.size() == 1);
    CHECK(c.program.nodes[0].kind == K::text);
    CHECK(c.program.nodes[0].value.equals("string not in mailbox"));

    // C: A285 SEARCH CHARSET UTF-8 TEXT {12}
    // C: отпуск
    auto d = round_trip("CHARSET UTF-8 TEXT {12}\r\n\xD0\xBE\xD1\x82\xD0\xBF\xD1\x83\xD1\x81\xD0\xBA");
    CHECK(d.program.has_charset);
    CHECK(d.program.charset.form == string_form::atom);
    CHECK(d.program.charset.equals("UTF-8"));
    REQUIRE(d.program.nodes.size() == 1);
    CHECK(d.program.nodes[0].value.form == string_form::literal);
    CHECK(d.program.nodes[0].value.text == "\xD0\xBE\xD1\x82\xD0\xBF\xD1\x83\xD1\x81\xD0\xBA");

    // C: A284 SEARCH RETURN (MIN) UNSEEN
    CHECK(kinds(round_trip("RETURN (MIN) UNSEEN").program) == std::vector<K>{K::unseen});
    // C: A285 UID SEARCH RETURN (MIN MAX) 1:5000
    auto e = round_trip("RETURN (MIN MAX) 1:5000");
    REQUIRE(e.program.nodes.size() == 1);
    CHECK(e.program.nodes[0].kind == K::sequence_set);
    CHECK(e.program.nodes[0].set.text() == "1:5000");
    // C: A286 SEARCH RETURN (COUNT) DELETED
    CHECK(return_kinds(round_trip("RETURN (COUNT) DELETED").ret) == std::vector<search_return_kind>{search_return_kind::count});

    // RFC 9051 §7.1 EXPUNGEISSUED: C: h search from maria@example.com
    auto f = round_trip("from maria@example.com", false);
    CHECK(mailwire::to_wire(f).value() == " FROM maria@example.com");
}

TEST_CASE("search: RFC 9051 section 6.4.4.1 SAVE and $ (RFC 5182)", "[imap][search][rfc]") {
    using K = search_key_kind;
    const char* vectors[] = {
        "RETURN (SAVE) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"",   // Example 1, 2
        "RETURN (SAVE) SINCE 1-Jan-2004 NOT FROM \"Smith\"",           // Example 3
        "UID $ SMALLER 4096",                                          // UID SEARCH UID $ SMALLER 4096
        "$ SMALLER 4096",                                              // UID SEARCH $ SMALLER 4096
        "RETURN (SAVE) SINCE 1-Feb-1994 NOT FROM \"Smith\"",           // Example 4
        "CHARSET UTF-8 (OR $ 1,3000:3021) TEXT {8+}\r\n\xD0\xBC\xD0\xB0\xD1\x82\xD1\x8C",
        "RETURN (SAVE) CHARSET KOI8-R (OR $ 1,3000:3021) TEXT {4}\r\nXXXX", // Example 5
        "RETURN (SAVE) SINCE 28-Oct-2006 NOT FROM \"Eric\"",           // Example 6
        "RETURN (SAVE) KEYWORD $Junk",                                 // Example 7, 8, 9
        "RETURN (ALL) SINCE 28-Oct-2006 FROM \"Eric\"",
        "RETURN (SAVE) SINCE 28-Oct-2006 FROM \"Eric\"",
        "RETURN (ALL) SINCE 12-Feb-2006 NOT FROM \"Smith\"",           // Example 10
        "RETURN (ALL SAVE) SINCE 12-Feb-2006 NOT FROM \"Smith\"",
        "RETURN (SAVE MIN) SINCE 12-Feb-2006 NOT FROM \"Smith\"",
        "RETURN (MAX SAVE MIN) SINCE 12-Feb-2006 NOT FROM \"Smith\"",
        "RETURN (MAX SAVE MIN COUNT) SINCE 12-Feb-2006 NOT FROM \"Smith\"",
        "RETURN (ALL SAVE MIN) SINCE 12-Feb-2006 NOT FROM \"Smith\"",
    };
    for (auto v : vectors) round_trip(v);

    auto uid = round_trip("UID $ SMALLER 4096");
    REQUIRE(uid.program.nodes.size() == 2);
    CHECK(uid.program.nodes[0].kind == K::uid);
    CHECK(uid.program.nodes[0].set.is_last_result());
    CHECK(uid.program.nodes[1].kind == K::smaller);
    CHECK(uid.program.nodes[1].number == 4096);

    // (OR $ 1,3000:3021) TEXT {8+}
    auto p = round_trip("CHARSET UTF-8 (OR $ 1,3000:3021) TEXT {8+}\r\n\xD0\xBC\xD0\xB0\xD1\x82\xD1\x8C");
    CHECK(kinds(p.program) == std::vector<K>{K::list, K::or_, K::sequence_set, K::sequence_set, K::text});
    auto list = p.program.key(0);
    CHECK(list.node().children == 1);
    CHECK(list.node().end == 4);
    auto orr = list.child(0);
    CHECK(orr.child(0).node().set.is_last_result());
    CHECK(orr.child(1).node().set.text() == "1,3000:3021");
    CHECK(p.program.nodes[4].value.non_sync);

    auto order = round_trip("RETURN (MAX SAVE MIN) SINCE 12-Feb-2006 NOT FROM \"Smith\"");
    CHECK(return_kinds(order.ret) ==
          std::vector<search_return_kind>{search_return_kind::max, search_return_kind::save, search_return_kind::min});
}

TEST_CASE("search: RFC 3501 section 6.4.4 examples", "[imap][search][rfc]") {
    using K = search_key_kind;
    // C: A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"
    CHECK(kinds(round_trip("FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"").program) ==
          std::vector<K>{K::flagged, K::since, K::not_, K::from});
    // C: A283 SEARCH TEXT "string not in mailbox"
    round_trip("TEXT \"string not in mailbox\"");
    // C: A284 SEARCH CHARSET UTF-8 TEXT {6}
    // C: XXXXXX
    auto c = round_trip("CHARSET UTF-8 TEXT {6}\r\nXXXXXX");
    CHECK(c.program.nodes[0].value.text == "XXXXXX");
    // RFC 3501 keys RFC 9051 dropped.
    CHECK(kinds(round_trip("NEW OLD RECENT").program) == std::vector<K>{K::new_, K::old, K::recent});
}

TEST_CASE("search: extension examples", "[imap][search][rfc]") {
    using K = search_key_kind;
    // RFC 4731 §3.2 with RFC 7162 example 15:
    //   C: a1 SEARCH RETURN (MIN) MODSEQ "/flags/\\draft" all 620162338
    for (auto v : {"RETURN (MIN) MODSEQ \"/flags/\\\\draft\" all 620162338", "RETURN (MAX) MODSEQ \"/flags/\\\\draft\" all 620162338",
                   "RETURN (MIN MAX) MODSEQ \"/flags/\\\\draft\" all 620162338",
                   "RETURN (MIN COUNT) MODSEQ \"/flags/\\\\draft\" all 620162338"})
        round_trip(v);
    // RFC 7162 §3.1.5 example 15: C: a SEARCH MODSEQ "/flags/\\draft" all 620162338
    auto m = round_trip("MODSEQ \"/flags/\\\\draft\" all 620162338");
    REQUIRE(m.program.nodes.size() == 1);
    const auto& ms = m.program.nodes[0];
    CHECK(ms.kind == K::modseq);
    CHECK(ms.entry_type == modseq_entry_type::all);
    CHECK(ms.number == 620162338);
    CHECK(ms.field.form == string_form::quoted);
    CHECK(ms.field.equals("/flags/\\draft"));
    // Example 16: C: t SEARCH OR NOT MODSEQ 720162338 LARGER 50000
    auto t = round_trip("OR NOT MODSEQ 720162338 LARGER 50000");
    CHECK(kinds(t.program) == std::vector<K>{K::or_, K::not_, K::modseq, K::larger});
    CHECK(t.program.nodes[2].entry_type == modseq_entry_type::none);
    CHECK(t.program.nodes[2].number == 720162338);
    CHECK(t.program.nodes[3].number == 50000);
    // RFC 7162 §3.1.10: C: a SEARCH RETURN (ALL) MODSEQ 1234; §3.2.6: C: s101 UID SEARCH 300:500
    round_trip("RETURN (ALL) MODSEQ 1234");
    round_trip("300:500");
    round_trip("MODSEQ 0"); // mod-sequence-valzer
    round_trip("MODSEQ \"/flags/$mdnsent\" priv 5");
    round_trip("MODSEQ \"/flags/\\\\seen\" shared 5");

    // RFC 9394 §3.1: C: A01 UID SEARCH RETURN (PARTIAL -1:-100) UNDELETED UNKEYWORD $Junk
    auto p = round_trip("RETURN (PARTIAL -1:-100) UNDELETED UNKEYWORD $Junk");
    CHECK(p.ret.partial() == partial_range{true, 1, 100});
    CHECK(p.program.nodes[1].keyword.kind == flag_kind::junk);
    CHECK(round_trip("RETURN (PARTIAL 23500:24000) UNDELETED UNKEYWORD $Junk").ret.partial() == partial_range{false, 23500, 24000});
    round_trip("RETURN (PARTIAL 1:500) UNDELETED UNKEYWORD $Junk");
    round_trip("RETURN (PARTIAL 24000:24500) UNDELETED UNKEYWORD $Junk");

    // RFC 5032 §4: C: a1 SEARCH UNSEEN YOUNGER 259200
    auto y = round_trip("UNSEEN YOUNGER 259200");
    CHECK(y.program.nodes[1].kind == K::younger);
    CHECK(y.program.nodes[1].number == 259200);
    round_trip("OLDER 3600");

    // RFC 8514 §4.3: C: A102 SEARCH SAVEDON 28-Dec-2014; C: A103 SEARCH SAVEDSINCE 28-Dec-2014
    round_trip("SAVEDON 28-Dec-2014");
    round_trip("SAVEDSINCE 28-Dec-2014");
    round_trip("SAVEDBEFORE 28-Dec-2014");
    round_trip("SAVEDATESUPPORTED");

    // RFC 8474 §6: C: 27 search emailid M6d99ac3275bb4e; C: 28 search threadid T64b478a75b7ea9
    auto eid = round_trip("emailid M6d99ac3275bb4e", false);
    CHECK(eid.program.nodes[0].kind == K::emailid);
    CHECK(eid.program.nodes[0].objectid == "M6d99ac3275bb4e");
    CHECK(mailwire::to_wire(eid).value() == " EMAILID M6d99ac3275bb4e");
    CHECK(round_trip("threadid T64b478a75b7ea9", false).program.nodes[0].objectid == "T64b478a75b7ea9");

    // RFC 6203 §3: C: A1 SEARCH FUZZY (SUBJECT "IMAP break")
    CHECK(kinds(round_trip("FUZZY (SUBJECT \"IMAP break\")").program) == std::vector<K>{K::fuzzy, K::list, K::subject});
    // C: A2 SEARCH FUZZY SUBJECT work FROM user@example.com
    CHECK(kinds(round_trip("FUZZY SUBJECT work FROM user@example.com").program) == std::vector<K>{K::fuzzy, K::subject, K::from});
    // RFC 6203 §4: C: B1 SEARCH RETURN (RELEVANCY ALL) FUZZY TEXT "Helo"
    CHECK(return_kinds(round_trip("RETURN (RELEVANCY ALL) FUZZY TEXT \"Helo\"").ret) ==
          std::vector<search_return_kind>{search_return_kind::relevancy, search_return_kind::all});

    // RFC 5267 §4.2: RETURN (CONTEXT COUNT), RETURN (UPDATE COUNT): generic search-ret-opt-ext.
    auto ctx = round_trip("RETURN (CONTEXT COUNT) UNDELETED UNKEYWORD $Junk");
    auto first = *ctx.ret.begin();
    CHECK(first.kind == search_return_kind::extension);
    CHECK(first.name == "CONTEXT");
    CHECK_FALSE(first.has_params);
    round_trip("RETURN (UPDATE COUNT) DELETED");
    // An extension option with tagged-ext-val parameters (RFC 4466 §2.6.1 generic syntax).
    auto ext = round_trip("RETURN (X-OPT (a (b \"c\") {1}\r\nd) X-N 5 X-S 1:3,$ X-L -1:-2 MIN) ALL");
    std::vector<std::string> params;
    for (auto o : ext.ret)
        if (o.has_params) params.push_back(std::string(o.params.text));
    CHECK(params == std::vector<std::string>{"(a (b \"c\") {1}\r\nd)", "5", "1:3,$", "-1:-2"});
}

TEST_CASE("search: Gmail extensions (no RFC)", "[imap][search][gmail]") {
    using K = search_key_kind;
    // Forms from developers.google.com/gmail/imap/imap-extensions.
    auto raw = round_trip("X-GM-RAW \"has:attachment in:unread\"");
    CHECK(raw.program.nodes[0].kind == K::x_gm_raw);
    CHECK(raw.program.nodes[0].value.equals("has:attachment in:unread"));
    auto msgid = round_trip("X-GM-MSGID 1278455344230334865");
    CHECK(msgid.program.nodes[0].number == 1278455344230334865ull);
    CHECK(round_trip("X-GM-THRID 1266894439832287888").program.nodes[0].number == 1266894439832287888ull);
    auto labels = round_trip("X-GM-LABELS \"\\\\Important\" X-GM-LABELS foo");
    CHECK(labels.program.nodes[0].value.equals("\\Important"));
    CHECK(labels.program.nodes[1].value.equals("foo"));
    round_trip("x-gm-raw \"from:a\"", false);
}

TEST_CASE("search: every key kind, pre-order, round trip", "[imap][search]") {
    using K = search_key_kind;
    const std::string all =
        "ALL ANSWERED BCC a BEFORE 1-Feb-1994 BODY b CC c DELETED FLAGGED FROM d KEYWORD $Junk NEW OLD ON 01-Feb-1994 "
        "RECENT SEEN SINCE \"1-Feb-1994\" SUBJECT e TEXT f TO g UNANSWERED UNDELETED UNFLAGGED UNKEYWORD foo UNSEEN DRAFT "
        "HEADER Subject h LARGER 1 NOT ALL OR ALL SEEN SENTBEFORE 1-Feb-1994 SENTON 1-Feb-1994 SENTSINCE 1-Feb-1994 "
        "SMALLER 2 UID 1:* UNDRAFT 2,4:7,9,12:* (ALL) MODSEQ 0 OLDER 5 YOUNGER 6 SAVEDATESUPPORTED "
        "SAVEDBEFORE 1-Feb-1994 SAVEDON 1-Feb-1994 SAVEDSINCE 1-Feb-1994 EMAILID M1 THREADID T-_1 FUZZY ALL "
        "X-GM-RAW \"has:attachment\" X-GM-MSGID 9223372036854775807 X-GM-THRID 0 X-GM-LABELS \"\\\\Important\"";
    auto a = round_trip(all);
    const std::vector<K> want = {
        K::all, K::answered, K::bcc, K::before, K::body, K::cc, K::deleted, K::flagged, K::from, K::keyword, K::new_, K::old,
        K::on, K::recent, K::seen, K::since, K::subject, K::text, K::to, K::unanswered, K::undeleted, K::unflagged,
        K::unkeyword, K::unseen, K::draft, K::header, K::larger, K::not_, K::all, K::or_, K::all, K::seen, K::sentbefore,
        K::senton, K::sentsince, K::smaller, K::uid, K::undraft, K::sequence_set, K::list, K::all, K::modseq, K::older,
        K::younger, K::savedatesupported, K::savedbefore, K::savedon, K::savedsince, K::emailid, K::threadid, K::fuzzy,
        K::all, K::x_gm_raw, K::x_gm_msgid, K::x_gm_thrid, K::x_gm_labels};
    CHECK(kinds(a.program) == want);
    // Every kind of the enum appears.
    for (std::size_t k = 0; k <= static_cast<std::size_t>(K::x_gm_labels); ++k) {
        bool seen = false;
        for (auto w : want) seen = seen || static_cast<std::size_t>(w) == k;
        CHECK(seen);
    }
    // Dates keep their spelling: "01-Feb-1994" and "\"1-Feb-1994\"".
    CHECK(a.program.nodes[12].date.two_digit_day);
    CHECK(a.program.nodes[15].date.quoted);
    // HEADER header-fld-name astring
    CHECK(a.program.nodes[25].field.equals("Subject"));
    CHECK(a.program.nodes[25].value.equals("h"));
    // Lower-case keys are the same keys, written upper-case.
    auto l = round_trip("all answered x-gm-msgid 5 not (or seen unseen) modseq \"/FLAGS/\\\\Seen\" PRIV 7", false);
    CHECK(mailwire::to_wire(l).value() == " ALL ANSWERED X-GM-MSGID 5 NOT (OR SEEN UNSEEN) MODSEQ \"/FLAGS/\\\\Seen\" priv 7");
}

TEST_CASE("search: OR and parenthesized nesting", "[imap][search]") {
    using K = search_key_kind;
    auto a = round_trip("OR (FROM x) (TO y)");
    CHECK(kinds(a.program) == std::vector<K>{K::or_, K::list, K::from, K::list, K::to});
    auto orr = a.program.key(0);
    CHECK(orr.node().end == 5);
    CHECK(orr.children().size() == 2);
    std::vector<search_key_kind> inner;
    for (auto child : orr.children())
        for (auto grand : child.children()) inner.push_back(grand.kind());
    CHECK(inner == std::vector<K>{K::from, K::to});
    CHECK(fmt::format("{}", orr.child(1)) == "(TO y)");

    // search_key_view compares whole subtrees, wherever they sit.
    auto plain = round_trip("NOT FROM x");
    auto wrapped = round_trip("(SEEN NOT FROM x)");
    CHECK(plain.program.key(0) == wrapped.program.key(0).child(1));
    CHECK_FALSE(plain.program.key(0) == wrapped.program.key(0).child(0));
    CHECK_FALSE(plain.program.key(0) == wrapped.program.key(0));

    auto b = round_trip("(OR (NOT FROM x) (OR SEEN (FLAGGED DRAFT)) UID 1:*) SUBJECT z");
    CHECK(b.program.keys().size() == 2);
    CHECK(b.program.key(0).node().children == 2);
    CHECK(b.program.nodes[0].end == static_cast<std::uint32_t>(b.program.nodes.size() - 1));
}

TEST_CASE("search: depth budget at, below and above opts.max_depth", "[imap][search][limits]") {
    const std::size_t max = strict.max_depth; // 64
    // NOT NOT ... ALL
    CHECK(program_error(repeat("NOT ", max - 1) + "ALL"));
    CHECK(program_error(repeat("NOT ", max) + "ALL"));
    check_error(program_error(repeat("NOT ", max + 1) + "ALL"), errc::limit_exceeded, 4 * max);
    // ((( ALL )))
    CHECK(program_error(repeat("(", max - 1) + "ALL" + repeat(")", max - 1)));
    CHECK(program_error(repeat("(", max) + "ALL" + repeat(")", max)));
    check_error(program_error(repeat("(", max + 1) + "ALL" + repeat(")", max + 1)), errc::limit_exceeded, max);
    // FUZZY and OR count too, and one budget is shared by the whole nesting.
    parse_options o;
    o.max_depth = 3;
    CHECK(program_error("OR (NOT ALL) SEEN", o));
    check_error(program_error("OR (NOT (ALL)) SEEN", o), errc::limit_exceeded, 8);
    check_error(program_error("FUZZY FUZZY FUZZY FUZZY ALL", o), errc::limit_exceeded, 18);
    CHECK(program_error("(ALL) (ALL) (NOT NOT ALL)", o)); // siblings do not add up
    // The budget continues from the caller's level and is given back.
    search_arguments args;
    std::size_t depth = 62;
    {
        scanner s(" NOT NOT ALL");
        CHECK(parse_search_arguments(s, args, depth));
        CHECK(depth == 62);
    }
    {
        scanner s(" NOT NOT NOT ALL");
        check_error(parse_search_arguments(s, args, depth), errc::limit_exceeded, 9);
        CHECK(depth == 62);
    }
    // tagged-ext-val parentheses in RETURN draw on the same budget.
    o.max_depth = 2;
    search_arguments x;
    CHECK(parse_search_arguments(" RETURN (X-A ((b))) ALL", x, o));
    check_error(parse_search_arguments(" RETURN (X-A (((b)))) ALL", x, o), errc::limit_exceeded, 15);
}

TEST_CASE("search: list budget at, below and above opts.max_list", "[imap][search][limits]") {
    parse_options o;
    o.max_list = 3;
    CHECK(program_error("ALL ALL", o));
    CHECK(program_error("ALL ALL ALL", o));
    check_error(program_error("ALL ALL ALL ALL", o), errc::limit_exceeded, 12);
    CHECK(program_error("(ALL ALL ALL)", o));
    check_error(program_error("(ALL ALL ALL ALL)", o), errc::limit_exceeded, 13);
    search_arguments x;
    CHECK(parse_search_arguments(" RETURN (MIN MAX COUNT) ALL", x, o));
    check_error(parse_search_arguments(" RETURN (MIN MAX COUNT SAVE) ALL", x, o), errc::limit_exceeded, 23);
    o.max_list = 2;
    check_error(program_error("UID 1,2,3", o), errc::limit_exceeded, 8); // sequence-set elements
}

TEST_CASE("search: rejections carry code and offset", "[imap][search]") {
    // Unbalanced parentheses.
    check_error(program_error("(ALL"), errc::invalid_syntax, 4);
    check_error(program_error("((ALL)"), errc::invalid_syntax, 6);
    check_error(program_error("ALL)"), errc::invalid_syntax, 3);
    check_error(program_error("()"), errc::invalid_syntax, 1);
    check_error(program_error(")"), errc::invalid_syntax, 0);
    // Unknown keys, in both modes.
    check_error(program_error("FLAGGED FOO"), errc::invalid_syntax, 8);
    check_error(program_error("FLAGGED FOO", lenient), errc::invalid_syntax, 8);
    check_error(program_error("X-GM-FOO 1"), errc::invalid_syntax, 0);
    check_error(program_error("FLAGGEDX"), errc::invalid_syntax, 0);
    check_error(program_error("CHARSET"), errc::invalid_syntax, 0);
    // Bad dates.
    check_error(program_error("SINCE 1-Foo-1994"), errc::invalid_syntax, 8);
    check_error(program_error("SINCE 30-Feb-1994"), errc::number_out_of_range, 6);
    check_error(program_error("BEFORE 1994-02-01"), errc::invalid_syntax, 9);
    check_error(program_error("ON \"1-Feb-1994"), errc::invalid_syntax, 14);
    check_error(program_error("SENTON 1-Feb-94"), errc::invalid_syntax, 15); // date-year = 4DIGIT
    // Zero where an nz-number is due.
    check_error(program_error("OLDER 0"), errc::number_out_of_range, 6);
    check_error(program_error("UID 0:5"), errc::number_out_of_range, 4);
    check_error(program_error("0"), errc::number_out_of_range, 0);
    check_error(program_error("1:0"), errc::number_out_of_range, 2);
    // Missing operands.
    check_error(program_error("FROM"), errc::invalid_syntax, 4);
    check_error(program_error("FROM "), errc::invalid_syntax, 5);
    check_error(program_error("NOT"), errc::invalid_syntax, 3);
    check_error(program_error("OR ALL"), errc::invalid_syntax, 6);
    check_error(program_error("HEADER Subject"), errc::invalid_syntax, 14);
    check_error(program_error("UID"), errc::invalid_syntax, 3);
    check_error(program_error("MODSEQ"), errc::invalid_syntax, 6);
    check_error(program_error("CHARSET UTF-8"), errc::invalid_syntax, 13);
    check_error(program_error("CHARSET  ALL"), errc::invalid_syntax, 8);
    // Malformed operands.
    check_error(program_error("KEYWORD \\Seen"), errc::invalid_syntax, 8);
    check_error(program_error("LARGER x"), errc::invalid_syntax, 7);
    check_error(program_error("LARGER 9223372036854775808"), errc::number_out_of_range, 7);
    check_error(program_error("X-GM-MSGID 18446744073709551615"), errc::number_out_of_range, 11);
    check_error(program_error("YOUNGER 4294967296"), errc::number_out_of_range, 8);
    check_error(program_error("EMAILID ?"), errc::invalid_syntax, 8);
    check_error(program_error("EMAILID " + std::string(256, 'a')), errc::invalid_syntax, 8 + 255);
    CHECK(program_error("EMAILID " + std::string(255, 'a')));
    check_error(program_error("MODSEQ \"/flag/x\" all 5"), errc::invalid_syntax, 7);
    check_error(program_error("MODSEQ \"/flags/\" all 5"), errc::invalid_syntax, 7);
    check_error(program_error("MODSEQ \"/flags/\\\\draft\" any 5"), errc::invalid_syntax, 24);
    check_error(program_error("MODSEQ \"/flags/\\\\draft\" all"), errc::invalid_syntax, 27);
    check_error(program_error("MODSEQ -1"), errc::invalid_syntax, 7);
    // Spaces are exactly one SP (RFC 9051 §9 note 2).
    check_error(program_error("ALL  SEEN"), errc::invalid_syntax, 4);
    check_error(program_error("ALL "), errc::invalid_syntax, 4);
    check_error(program_error(" ALL"), errc::invalid_syntax, 0);
    check_error(program_error("NOT  ALL"), errc::invalid_syntax, 4);
    check_error(program_error(""), errc::invalid_syntax, 0);
    // RETURN options.
    search_arguments x;
    check_error(parse_search_arguments(" RETURN (MIN", x), errc::invalid_syntax, 12);
    check_error(parse_search_arguments(" RETURN (MIN 5) ALL", x), errc::invalid_syntax, 13);
    check_error(parse_search_arguments(" RETURN (PARTIAL 0:5) ALL", x), errc::number_out_of_range, 17);
    check_error(parse_search_arguments(" RETURN (PARTIAL -1:5) ALL", x), errc::invalid_syntax, 20);
    check_error(parse_search_arguments(" RETURN (PARTIAL) ALL", x), errc::invalid_syntax, 16);
    check_error(parse_search_arguments(" RETURN (X-A (b) ALL", x), errc::invalid_syntax, 20);
    check_error(parse_search_arguments(" RETURN (1) ALL", x), errc::invalid_syntax, 9);
    check_error(parse_search_arguments(" RETURN MIN ALL", x), errc::invalid_syntax, 8); // "(" due
    check_error(parse_search_arguments("ALL", x), errc::invalid_syntax, 0);
    check_error(parse_search_arguments(" RETURN (MIN)", x), errc::invalid_syntax, 13);
    // A literal whose payload is not all there.
    check_error(program_error("TEXT {12}\r\nshort"), errc::invalid_syntax, 16);
}

TEST_CASE("search: 8-bit strings follow the session, CHARSET as astring", "[imap][search]") {
    // Without UTF8=ACCEPT (or IMAP4rev2) non-ASCII text must be a literal (RFC 9051 §4.3.1).
    const std::string quoted = "CHARSET UTF-8 TEXT \"\xD0\xBC\xD0\xB0\xD1\x82\xD1\x8C\"";
    check_error(program_error(quoted), errc::strict_violation, 20);
    CHECK(program_error(quoted, strict, session_syntax{true}));
    round_trip(quoted, true, strict, session_syntax{true});
    // RFC 9051 charset = atom / quoted; RFC 3501 astring adds literals.
    round_trip("CHARSET \"UTF-8\" ALL");
    round_trip("CHARSET {5}\r\nUTF-8 ALL");
}

TEST_CASE("search: caller-reusable storage does not reallocate", "[imap][search]") {
    search_program p;
    REQUIRE(parse_search_program("OR (FROM a SUBJECT b) (TO c NOT SEEN) LARGER 5 UID 1:*", p));
    const auto* data = p.nodes.data();
    const auto cap = p.nodes.capacity();
    REQUIRE(parse_search_program("FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"", p));
    REQUIRE(parse_search_program("ALL", p));
    REQUIRE(parse_search_program("OR (FROM a SUBJECT b) (TO c NOT SEEN) LARGER 5 UID 1:*", p));
    CHECK(p.nodes.data() == data);
    CHECK(p.nodes.capacity() == cap);
    CHECK(p.nodes.size() == 10);
    p.clear();
    CHECK(p.nodes.empty());
    CHECK(p.nodes.capacity() == cap);
}

TEST_CASE("search: search-return-opts standalone", "[imap][search]") {
    auto r = search_return_opts::parse("MIN COUNT PARTIAL -1:-3");
    REQUIRE(r);
    CHECK(r->present());
    CHECK(r->size() == 3);
    CHECK(r->partial() == partial_range{true, 1, 3});
    CHECK(fmt::format("{}", *r) == " RETURN (MIN COUNT PARTIAL -1:-3)");
    CHECK(fmt::format("{}", search_return_opts{}) == "");
    CHECK(search_return_opts::parse("").value().present());
    check_error(search_return_opts::parse("MIN "), errc::invalid_syntax, 4);
    check_error(search_return_opts::parse("MIN  MAX"), errc::invalid_syntax, 4);
    // Names are case-insensitive and written upper-case.
    auto l = search_return_opts::parse("min save");
    REQUIRE(l);
    CHECK(fmt::format("{}", *l) == " RETURN (MIN SAVE)");
    CHECK(*l == search_return_opts::parse("MIN SAVE").value());
    // A known name with more letters is an extension.
    auto ext = search_return_opts::parse("MINIMUM");
    REQUIRE(ext);
    CHECK((*ext->begin()).kind == search_return_kind::extension);

    std::size_t depth = 0;
    scanner s(" RETURN (SAVE) ALL");
    auto opts = rules::search_return_opts(s, depth);
    REQUIRE(opts);
    CHECK(opts->has(search_return_kind::save));
    CHECK(s.rest() == " ALL");
}

TEST_CASE("search: programs built in code, check_writable", "[imap][search][format]") {
    using K = search_key_kind;
    // NOT FROM "a b" built by hand: nodes in pre-order with subtree ends.
    search_program p;
    search_node n{K::not_};
    n.children = 1;
    n.end = 2;
    p.nodes.push_back(n);
    search_node from{K::from};
    from.end = 2;
    from.value = string_value::from_content("a b").value();
    p.nodes.push_back(from);
    CHECK(mailwire::to_wire(p).value() == "NOT FROM \"a b\"");
    CHECK(fmt::format("{}", from) == "FROM \"a b\"");
    // A literal when the content needs one.
    p.nodes[1].value = string_value::from_content("line\r\nbreak").value();
    CHECK(mailwire::to_wire(p).value() == "NOT FROM {11}\r\nline\r\nbreak");

    // Refused: wrong structure, bad operands, nothing at all.
    auto refused = [](const search_program& q) { return mailwire::to_wire(q).error().code == errc::unsafe_value; };
    CHECK(refused(search_program{}));
    search_program bad = p;
    bad.nodes[0].end = 1;
    CHECK(refused(bad));
    bad = p;
    bad.nodes.pop_back();
    CHECK(refused(bad));
    bad = p;
    bad.nodes[1].value = string_value::nil();
    CHECK(refused(bad));
    bad = p;
    bad.nodes[1].value = string_value{string_form::quoted, "a\nb", false, false};
    CHECK(refused(bad));
    bad = p;
    bad.nodes[1].kind = K::keyword;
    bad.nodes[1].keyword = mailwire::imap::flag::named("\\Seen");
    CHECK(refused(bad));
    bad.nodes[1].keyword = mailwire::imap::flag::named("$Junk");
    CHECK(mailwire::to_wire(bad).value() == "NOT KEYWORD $Junk");
    bad.nodes[1].kind = K::emailid;
    bad.nodes[1].objectid = "a b";
    CHECK(refused(bad));
    bad.nodes[1].kind = K::older;
    bad.nodes[1].number = 0;
    CHECK(refused(bad));
    bad.nodes[1].kind = K::larger;
    bad.nodes[1].number = UINT64_MAX;
    CHECK(refused(bad));
    bad.nodes[1].kind = K::modseq;
    bad.nodes[1].number = 5;
    bad.nodes[1].entry_type = modseq_entry_type::all;
    bad.nodes[1].field = string_value::from_content("/flags/a b").value();
    CHECK(refused(bad));
    bad.nodes[1].field = string_value::from_content("/flags/\\seen").value();
    CHECK(mailwire::to_wire(bad).value() == "NOT MODSEQ \"/flags/\\\\seen\" all 5");
    search_program charset = p;
    charset.has_charset = true;
    charset.charset = string_value::nil();
    CHECK(refused(charset));
    // A compound node alone cannot be written.
    CHECK(check_writable(p.nodes[0]).error().code == errc::unsafe_value);
    // Unknown extension names that shadow a known option are refused.
    mailwire::imap::search_return_opt o;
    o.kind = search_return_kind::extension;
    o.name = "MIN";
    CHECK(check_writable(o).error().code == errc::unsafe_value);
    o.name = "X-OK";
    CHECK(mailwire::to_wire(o).value() == "X-OK");
}

TEST_CASE("search: readable {:v} presentation", "[imap][search][format]") {
    auto a = round_trip("RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"");
    CHECK(fmt::format("{:v}", a) ==
          "RETURN (MIN COUNT) search-program FLAGGED SINCE date 1994-02-01 [NOT FROM quoted \"Smith\"]");
    auto b = round_trip("CHARSET UTF-8 (OR $ 1:2) TEXT {3}\r\nabc");
    CHECK(fmt::format("{:v}", b.program) ==
          "search-program CHARSET atom \"UTF-8\" ([OR set $ set 1:2]) TEXT literal \"abc\"");
    CHECK(fmt::format("{:v}", partial_range{true, 1, 100}) == "partial-range -1:-100");
}

// ---- nesting at and beyond max_depth_ceiling, on a small stack -----------------------------

#include "support/small_stack.hpp"

TEST_CASE("search: at max_depth_ceiling parsed, checked, written and dumped on a 256 KiB stack, and deeper programs built by hand are refused", "[imap][search][limits]") {
    constexpr std::size_t ceiling = mailwire::max_depth_ceiling;
    STATIC_REQUIRE(mailwire::imap::search_max_write_depth == ceiling);
    parse_options raised;
    raised.max_depth = SIZE_MAX;
    auto nots = [](std::size_t n) {
        std::string s;
        for (std::size_t i = 0; i < n; ++i) s += "NOT ";
        return s + "ALL";
    };
    auto parens = [](std::size_t n) { return std::string(n, '(') + "ALL" + std::string(n, ')'); };
    bool parsed = false, writable = false, equal = false, dump_threw = true;
    std::string wire, dump, wire_parens, above_error;
    bool deep_refused = false, deep_format_refused = false, deep_dump_refused = false;
    std::string deep_why;
    const auto run = mailwire_test::run_on_small_stack(256 * 1024, [&] {
        search_program p, again, q;
        parsed = parse_search_program(nots(ceiling), p, raised).has_value() &&
                 parse_search_program(parens(ceiling), q, raised).has_value();
        if (!parsed) return;
        writable = check_writable(p).has_value() && check_writable(q).has_value();
        wire = fmt::format("{}", p);
        wire_parens = fmt::format("{}", q);
        equal = parse_search_program(wire, again, raised).has_value() && again == p;
        try {
            dump = fmt::format("{:v}", p); // threw format_error at 10,000 levels before the ceiling
            dump_threw = false;
        } catch (const fmt::format_error&) {
        }
        search_program above;
        auto r = parse_search_program(nots(ceiling + 1), above, raised);
        if (!r) above_error = fmt::format("{}@{}", mailwire::to_string(r.error().code), r.error().offset);

        // 100,000 NOTs, which no parse makes: refused with an error, walked without recursion.
        search_program deep;
        const std::uint32_t n = 100000;
        for (std::uint32_t i = 0; i < n; ++i) deep.nodes.push_back(search_node{search_key_kind::not_, n + 1, 1});
        deep.nodes.push_back(search_node{search_key_kind::all, n + 1, 0});
        auto ok = check_writable(deep);
        deep_refused = !ok && ok.error().code == errc::unsafe_value;
        if (!ok) deep_why = std::string(ok.error().expected);
        try {
            (void)fmt::format("{}", deep);
        } catch (const fmt::format_error&) {
            deep_format_refused = true;
        }
        try {
            (void)fmt::format("{:v}", deep);
        } catch (const fmt::format_error&) {
            deep_dump_refused = true;
        }
    });
    REQUIRE(run.ran);
    CHECK(parsed);
    CHECK(writable);
    CHECK(wire == nots(ceiling));
    CHECK(wire_parens == parens(ceiling));
    CHECK(equal);
    CHECK_FALSE(dump_threw);
    CHECK(dump.rfind("search-program [NOT [NOT ", 0) == 0);
    CHECK(above_error == fmt::format("limit_exceeded@{}", 4 * ceiling)); // at the NOT that opens level ceiling + 1
    CHECK(deep_refused);
    CHECK(deep_why == "search program: nesting beyond search_max_write_depth");
    CHECK(deep_format_refused);
    CHECK(deep_dump_refused);
    CHECK(run.used < 128 * 1024);
}
