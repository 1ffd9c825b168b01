#include <mailwire/imap/rules/envelope.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "support/catch.hpp"

using mailwire::errc;
using mailwire::parse_options;
using mailwire::scanner;
using mailwire::imap::address;
using mailwire::imap::address_list;
using mailwire::imap::envelope;
using mailwire::imap::list_form;
using mailwire::imap::parse_envelope;
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

/// Parses `in` as a whole envelope, checks it writes back byte for byte and re-parses equal.
envelope round_trip(std::string_view in, const parse_options& o = strict) {
    INFO("input: " << std::string(in));
    auto a = parse_envelope(in, o);
    REQUIRE(a);
    auto wire = mailwire::to_wire(*a);
    REQUIRE(wire);
    CHECK(*wire == std::string(in));
    auto b = parse_envelope(*wire, o);
    REQUIRE(b);
    CHECK(*b == *a);
    return *a;
}

std::vector<address> addresses(const address_list& l) {
    std::vector<address> v;
    for (auto a : l) v.push_back(a);
    return v;
}

std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// RFC 3501 §8 (a003 fetch 12 full). The RFC wraps the value over several lines for
// print; on the wire it is one line, with no SP between the addresses of a list.
constexpr std::string_view rfc3501_envelope =
    R"x(("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes" )x"
    R"x((("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) )x"
    R"x((("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) )x"
    R"x(((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL )x"
    R"x("<B27397-0100000@cac.washington.edu>"))x";

// RFC 9051 §8 (a003 fetch 12 full), message-id as printed there (".ed>").
constexpr std::string_view rfc9051_envelope =
    R"x(("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev2 WG mtg summary and minutes" )x"
    R"x((("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) )x"
    R"x((("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) )x"
    R"x(((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL )x"
    R"x("<B27397-0100000@cac.washington.ed>"))x";

} // namespace

TEST_CASE("envelope: RFC 3501 §8 and RFC 9051 §8 examples", "[imap][envelope]") {
    for (auto in : {rfc3501_envelope, rfc9051_envelope}) {
        const envelope e = round_trip(in);
        CHECK(e.date.equals("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)"));
        CHECK(e.subject.str().find("WG mtg summary and minutes") != std::string::npos);
        REQUIRE(e.from.size() == 1);
        const address gray = e.from.front();
        CHECK(gray.name.equals("Terry Gray"));
        CHECK(gray.adl.is_nil());
        CHECK(gray.mailbox.equals("gray"));
        CHECK(gray.host.equals("cac.washington.edu"));
        CHECK_FALSE(gray.is_group_marker());
        CHECK(e.sender == e.from);
        CHECK(e.reply_to == e.from);
        REQUIRE(e.to.size() == 1);
        CHECK(e.to.front().name.is_nil());
        CHECK(e.to.front().mailbox.equals("imap"));
        auto cc = addresses(e.cc);
        REQUIRE(cc.size() == 2);
        CHECK(cc[0].mailbox.equals("minutes"));
        CHECK(cc[0].host.equals("CNRI.Reston.VA.US"));
        CHECK(cc[1].name.equals("John Klensin"));
        CHECK(cc[1].mailbox.equals("KLENSIN"));
        CHECK(e.bcc.is_nil());
        CHECK(e.bcc.empty());
        CHECK(e.in_reply_to.is_nil());
        CHECK(e.message_id.str().starts_with("<B27397-0100000@cac.washington.ed"));
    }
}

TEST_CASE("envelope: the 9 Dovecot 2.3.19 responses, strict, byte for byte", "[imap][envelope][vectors]") {
    const std::string raw = read_file(std::string(MAILWIRE_TEST_DATA_DIR) + "/vectors/imap/dovecot-2.3.19-server.raw");
    REQUIRE_FALSE(raw.empty());
    std::size_t found = 0;
    for (std::size_t at = raw.find("ENVELOPE ("); at != std::string::npos; at = raw.find("ENVELOPE (", at + 1)) {
        const std::size_t start = at + 9;
        scanner s(raw, 0);
        s.reset(start);
        auto e = rules::envelope(s, strict);
        REQUIRE(e);
        CHECK(std::string_view(raw).substr(s.pos(), 15) == " BODYSTRUCTURE ");
        const std::string_view value = std::string_view(raw).substr(start, s.pos() - start);
        round_trip(value);
        ++found;
        const std::string mid = fmt::format("<msg{}.mailwire@example.org>", found);
        CHECK(e->message_id.equals(mid));
        CHECK(e->from.front().name.equals("Sender Example"));
        CHECK(e->sender == e->from);
        auto to = addresses(e->to);
        REQUIRE(to.size() == 2);
        CHECK(to[0].name.equals("Alice"));
        CHECK(to[1].name.is_nil());
        CHECK(to[1].mailbox.equals("bob"));
        // Cc: Team: carol@example.com, dave@example.com;  (RFC 5322 group syntax)
        auto cc = addresses(e->cc);
        REQUIRE(cc.size() == 4);
        CHECK(cc[0].is_group_start());
        CHECK(cc[0].mailbox.equals("Team"));
        CHECK_FALSE(cc[1].is_group_marker());
        CHECK(cc[2].host.equals("example.com"));
        CHECK(cc[3].is_group_end());
        CHECK_FALSE(cc[3].is_group_start());
        CHECK(e->bcc.is_nil());
        CHECK(e->in_reply_to.is_nil());
        if (found == 2) CHECK(e->subject.equals("=?UTF-8?B?w4l0w6kgw6AgUGFyaXM=?= and =?ISO-8859-1?Q?caf=E9?="));
    }
    CHECK(found == 9);
}

TEST_CASE("envelope: addresses, groups, literals, escapes", "[imap][envelope]") {
    SECTION("group markers") {
        auto a = mailwire::imap::parse_all("(NIL NIL \"undisclosed-recipients\" NIL)", [](scanner& s) { return rules::address(s); });
        REQUIRE(a);
        CHECK(a->is_group_start());
        CHECK_FALSE(a->is_group_end());
        auto b = mailwire::imap::parse_all("(NIL NIL NIL NIL)", [](scanner& s) { return rules::address(s); });
        REQUIRE(b);
        CHECK(b->is_group_end());
        CHECK(fmt::format("{:v}", *b) == "(group end)");
        CHECK(fmt::format("{:v}", *a) == "group \"undisclosed-recipients\"");
    }
    SECTION("source route, escapes and a literal") {
        const std::string in = "(\"d\" \"\\\"Q\\\" Name\" (({6}\r\nA (x)\" \"@relay.example\" \"u\" \"h.example\")) NIL NIL NIL NIL NIL NIL \"<id>\")";
        const envelope e = round_trip(in);
        CHECK(e.subject.equals("\"Q\" Name"));
        const address a = e.from.front();
        CHECK(a.name.form == string_form::literal);
        CHECK(a.name.equals("A (x)\""));
        CHECK(a.adl.equals("@relay.example"));
        CHECK(fmt::format("{:v}", a) == "\"A (x)\\\"\" <@relay.example:u@h.example>");
    }
    SECTION("lower-case nil is accepted and written NIL") {
        auto e = parse_envelope("(nil nil nil nil nil nil nil nil nil nil)");
        REQUIRE(e);
        CHECK(e->date.is_nil());
        CHECK(fmt::format("{}", *e) == "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
    }
    SECTION("empty strings differ from NIL") {
        const envelope e = round_trip(R"x(("" "" NIL NIL NIL NIL NIL NIL "" ""))x");
        CHECK_FALSE(e.date.is_nil());
        CHECK(e.date.equals(""));
        CHECK_FALSE(e.date == string_value::nil());
    }
    SECTION("readable dump") {
        auto e = parse_envelope(rfc3501_envelope);
        REQUIRE(e);
        const std::string v = fmt::format("{:v}", *e);
        CHECK(v.find("from=[\"Terry Gray\" <gray@cac.washington.edu>]") != std::string::npos);
        CHECK(v.find("bcc=NIL") != std::string::npos);
    }
}

TEST_CASE("envelope: 8-bit header bytes, Proton Mail Bridge (modern-email/defects#38)", "[imap][envelope][quirk]") {
    // Proton Mail Bridge 3.6.1 sends raw 8-bit bytes in ENVELOPE quoted strings.
    const std::string in = "(NIL \"caf\xE9\" NIL NIL NIL NIL NIL NIL NIL NIL)";
    check_error(parse_envelope(in, strict), errc::strict_violation, 9);
    const envelope e = round_trip(in, lenient);
    CHECK(e.subject.equals("caf\xE9"));
    // Well-formed UTF-8 is strict IMAP4rev2 / UTF8=ACCEPT.
    auto u = parse_envelope("(NIL \"caf\xC3\xA9\" NIL NIL NIL NIL NIL NIL NIL NIL)", strict, mailwire::imap::session_syntax{true});
    REQUIRE(u);
    CHECK(u->subject.equals("caf\xC3\xA9"));
}

TEST_CASE("envelope: rejections carry code and offset", "[imap][envelope]") {
    // offsets:                  0123456789...
    check_error(parse_envelope(""), errc::invalid_syntax, 0);
    check_error(parse_envelope("NIL"), errc::invalid_syntax, 0);
    check_error(parse_envelope("(NIL NIL NIL NIL NIL NIL NIL NIL NIL)"), errc::invalid_syntax, 36);
    check_error(parse_envelope("(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)"), errc::invalid_syntax, 40);
    check_error(parse_envelope("(NIL  NIL NIL NIL NIL NIL NIL NIL NIL NIL)"), errc::invalid_syntax, 5);
    check_error(parse_envelope("(NIL NIL () NIL NIL NIL NIL NIL NIL NIL)"), errc::invalid_syntax, 10);
    check_error(parse_envelope("(NIL NIL () NIL NIL NIL NIL NIL NIL NIL)", lenient), errc::invalid_syntax, 10);
    check_error(parse_envelope("(NIL NIL ((NIL NIL \"a\")) NIL NIL NIL NIL NIL NIL NIL)"), errc::invalid_syntax, 22);
    check_error(parse_envelope("(NIL NIL ((NIL NIL \"a\" \"b\") NIL NIL NIL NIL NIL NIL NIL)"), errc::invalid_syntax, 27);
    check_error(parse_envelope("(NIL NIL ((NIL NIL \"a\" \"b\") (NIL NIL \"c\" \"d\")) NIL NIL NIL NIL NIL NIL NIL)"), errc::invalid_syntax, 27);
    check_error(parse_envelope("(NIL atom NIL NIL NIL NIL NIL NIL NIL NIL)"), errc::invalid_syntax, 5);
    check_error(parse_envelope("(NIL \"a\nb\" NIL NIL NIL NIL NIL NIL NIL NIL)"), errc::invalid_syntax, 7);
    check_error(parse_envelope("(NIL {100}\r\nab)"), errc::invalid_syntax, 15);
    check_error(parse_envelope("(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL"), errc::invalid_syntax, 40);
    check_error(parse_envelope("(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) "), errc::invalid_syntax, 41);
}

TEST_CASE("envelope: max_list bounds each address list (at, below, above)", "[imap][envelope][limits]") {
    const std::string one = "(NIL NIL \"u\" \"h\")";
    auto env_with = [&](std::size_t n) {
        std::string list = "(";
        for (std::size_t i = 0; i < n; ++i) list += one;
        return "(NIL NIL " + list + ") NIL NIL NIL NIL NIL NIL NIL)";
    };
    parse_options o;
    o.max_list = 3;
    const std::string two = env_with(2), three = env_with(3), four = env_with(4);
    auto below = parse_envelope(two, o);
    REQUIRE(below);
    CHECK(below->from.size() == 2);
    auto at = parse_envelope(three, o);
    REQUIRE(at);
    CHECK(at->from.size() == 3);
    check_error(parse_envelope(four, o), errc::limit_exceeded, 10 + 3 * one.size());
}

TEST_CASE("envelope: check_writable refuses what would not re-parse", "[imap][envelope][write]") {
    envelope e;
    CHECK(check_writable(e));
    CHECK(fmt::format("{}", e) == "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
    e.subject = string_value{string_form::quoted, "a\r\nb", false, false};
    auto r = mailwire::to_wire(e);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::unsafe_value);
    e.subject = string_value{string_form::atom, "atom", false, false};
    CHECK_FALSE(mailwire::to_wire(e));
    e.subject = string_value{string_form::quoted, "say \"hi\"", false, false};
    auto w = mailwire::to_wire(e);
    REQUIRE(w);
    CHECK(*w == R"x((NIL "say \"hi\"" NIL NIL NIL NIL NIL NIL NIL NIL))x");
    auto back = parse_envelope(*w);
    REQUIRE(back);
    CHECK(*back == e);
    address a;
    a.host = string_value{string_form::atom, "x", false, false};
    CHECK_FALSE(check_writable(a));
}

// The fast path finds a plain quoted string's end 16 bytes at a time (SSE2) when 16 bytes
// are left, byte by byte otherwise. Whatever the position of the byte that ends the plain
// run (DQUOTE, "\", CR, LF, NUL, an 8-bit byte) and whatever follows, it must agree with
// rules::quoted.
TEST_CASE("fast nstring reading agrees with rules::quoted at every position of every stop byte", "[envelope]") {
    const std::string_view stops[] = {"\"", "\\\"\"", "\\\\\"", "\r\"", "\n\"", std::string_view("\0\"", 2), "\x80\"", "\xff\""};
    std::size_t checked = 0;
    for (const auto* mode : {&strict, &lenient})
        for (std::size_t before = 0; before < 40; ++before)
            for (const auto stop : stops)
                for (std::size_t after = 0; after < 20; after += 3) {
                    const std::string text = "\"" + std::string(before, 'a') + std::string(stop) + std::string(after, ')');
                    INFO(text);
                    scanner fast(text);
                    string_value v = string_value::nil();
                    auto r = mailwire::imap::detail::read_nstring(fast, v, *mode, {});
                    scanner rule(text);
                    auto q = rules::quoted(rule, *mode);
                    REQUIRE(r.has_value() == q.has_value());
                    if (q) {
                        CHECK(v.form == string_form::quoted);
                        CHECK(v.text == q->raw);
                        CHECK(v.escaped == q->escaped);
                        CHECK(fast.pos() == rule.pos());
                    } else {
                        CHECK(r.error() == q.error());
                    }
                    ++checked;
                }
    CHECK(checked == 2 * 40 * 8 * 7);
}

// Servers set sender and reply-to to the From list when those headers are absent (RFC
// 9051 §7.5.2), so the envelope parser takes a list whose bytes repeat the list it just
// validated without reading it again. Each list must still be a view of its own bytes,
// and a list that only begins like the previous one must be read in full.
TEST_CASE("envelope: a repeated address list is recognised, and only an exact repeat", "[envelope]") {
    const std::string from = "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\"))";
    const std::string two = "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")(\"Ann\" NIL \"ann\" \"example.org\"))";
    const std::string text = "(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"Subject\" " + from + " " + from + " " + from +
                             " " + two + " " + from + " NIL NIL \"<B27397-0100000@cac.washington.edu>\")";
    auto e = parse_envelope(text, strict);
    REQUIRE(e);
    for (const address_list* l : {&e->from, &e->sender, &e->reply_to, &e->cc})
        CHECK(l->text() == std::string_view(from).substr(1, from.size() - 2));
    // Views of their own bytes, in order: sender after from, reply-to after sender.
    CHECK(e->from.text().data() < e->sender.text().data());
    CHECK(e->sender.text().data() < e->reply_to.text().data());
    CHECK(e->reply_to.text().data() < e->to.text().data());
    CHECK(e->to.size() == 2u); // begins like from, then a second address: read in full
    CHECK(e->cc.size() == 1u);
    CHECK(e->bcc.is_nil());
    auto wire = mailwire::to_wire(*e);
    REQUIRE(wire);
    CHECK(*wire == text);

    // An invalid list is refused even right after a valid one it resembles.
    const std::string bad = "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\" ))";
    const std::string with_bad = "(NIL NIL " + from + " " + bad + " NIL NIL NIL NIL NIL NIL)";
    auto b = parse_envelope(with_bad, strict);
    REQUIRE_FALSE(b);
    CHECK(b.error().code == errc::invalid_syntax);
    CHECK(b.error().offset == with_bad.find(bad) + bad.size() - 3);
}
