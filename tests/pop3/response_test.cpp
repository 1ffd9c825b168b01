// Tests for include/mailwire/pop3/response.hpp: every server line and block of the example
// exchanges of RFC 1939, 2449, 2595, 5034 and 6856 (embedded below, each citing its
// section), the seed dialogue, rejections with code and offset, the lenient quirks in both
// modes, limits, the builders and the writers.
#include <mailwire/pop3/response.hpp>
#include <mailwire/pop3/reader.hpp>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "support/catch.hpp"

using namespace mailwire;
using namespace mailwire::pop3;
using namespace std::string_view_literals;

namespace {

const parse_options strict_opts{};
const parse_options lenient_opts = parse_options::make_lenient();

std::string show(std::string_view s) { return fmt::format("{:v}", status_line{status_indicator::ok, {}, s, false}); }

// A vector: `wire` parses strictly as a reply of kind `k`, writes back byte for byte (fmt
// and to_wire), re-parses to an equal value, parses to the same value in lenient mode, is
// accepted by check_writable, and every proper prefix of it is need_more.
response vec(std::string_view wire, expect k) {
    INFO("vector " << show(wire) << " as " << std::string(to_string(k)));
    auto r = parse_response(wire, k, strict_opts);
    if (!r) INFO("error " << std::string(to_string(r.error().code)) << " at " << r.error().offset << ", expected "
                          << std::string(r.error().expected));
    REQUIRE(r);
    const std::string out = fmt::format("{}", *r);
    CHECK(out == wire);
    auto again = parse_response(out, k, strict_opts);
    REQUIRE(again);
    CHECK(*again == *r);
    auto len = parse_response(wire, k, lenient_opts);
    REQUIRE(len);
    CHECK(*len == *r);
    CHECK(check_writable(*r));
    auto w = to_wire(*r);
    REQUIRE(w);
    CHECK(*w == wire);
    for (std::size_t n = 0; n < wire.size(); ++n) {
        auto p = parse_response(wire.substr(0, n), k, strict_opts);
        INFO("prefix of " << n << " bytes");
        REQUIRE_FALSE(p);
        CHECK(to_string(p.error().code) == "need_more");
    }
    return *r;
}

void rejects(std::string_view wire, expect k, errc code, std::size_t offset, const parse_options& o = strict_opts) {
    INFO("input " << show(wire) << " as " << std::string(to_string(k)) << (o.strict() ? " (strict)" : " (lenient)"));
    auto r = parse_response(wire, k, o);
    REQUIRE_FALSE(r);
    CHECK(to_string(r.error().code) == to_string(code));
    CHECK(r.error().offset == offset);
}

// A quirk: strict refuses it with strict_violation at `offset`; lenient accepts it, and the
// value writes to canonical bytes that re-parse (lenient) to the same value.
response quirk(std::string_view wire, expect k, std::size_t offset) {
    rejects(wire, k, errc::strict_violation, offset, strict_opts);
    INFO("quirk " << show(wire));
    auto r = parse_response(wire, k, lenient_opts);
    REQUIRE(r);
    const std::string out = fmt::format("{}", *r);
    auto again = parse_response(out, k, lenient_opts);
    REQUIRE(again);
    CHECK(*again == *r);
    return *r;
}

template <class T>
const T& payload(const response& r) {
    REQUIRE(std::holds_alternative<T>(r.payload));
    return std::get<T>(r.payload);
}

template <class Range>
auto collect(const Range& range) {
    std::vector<typename Range::value_type> v;
    for (auto it = range.begin(); it != range.end(); ++it) v.push_back(*it);
    return v;
}

std::vector<std::string_view> lines_of(const message_body& b) {
    std::vector<std::string_view> v;
    for (std::string_view l : b) v.push_back(l);
    return v;
}

void status_is(const response& r, status_indicator ind, std::string_view text) {
    CHECK(r.status.indicator == ind);
    CHECK(r.status.text == text);
    CHECK(std::holds_alternative<std::monostate>(r.payload));
}

} // namespace

// ---- expect -----------------------------------------------------------------------------

TEST_CASE("expectation_for maps each command to its reply shape", "[pop3][response][expect]") {
    CHECK(expectation_for(command{user{"mrose"}}) == expect::status);
    CHECK(expectation_for(command{pass{"secret"}}) == expect::status);
    CHECK(expectation_for(command{apop{"mrose", "c4c9334bac560ecc979e58001b3e22fb"}}) == expect::status);
    CHECK(expectation_for(command{stat{}}) == expect::stat);
    CHECK(expectation_for(command{list{}}) == expect::list_all);
    CHECK(expectation_for(command{list{2}}) == expect::list_one);
    CHECK(expectation_for(command{retr{1}}) == expect::message);
    CHECK(expectation_for(command{top{1, 10}}) == expect::message);
    CHECK(expectation_for(command{dele{1}}) == expect::status);
    CHECK(expectation_for(command{noop{}}) == expect::status);
    CHECK(expectation_for(command{rset{}}) == expect::status);
    CHECK(expectation_for(command{quit{}}) == expect::status);
    CHECK(expectation_for(command{uidl{}}) == expect::uidl_all);
    CHECK(expectation_for(command{uidl{2}}) == expect::uidl_one);
    CHECK(expectation_for(command{capa{}}) == expect::capa);
    CHECK(expectation_for(command{stls{}}) == expect::status);
    CHECK(expectation_for(command{auth{"PLAIN", std::nullopt}}) == expect::continuation);
    CHECK(expectation_for(command{utf8{}}) == expect::status);
    CHECK(expectation_for(command{lang{}}) == expect::lang_list);
    CHECK(expectation_for(command{lang{"es"}}) == expect::status);
    CHECK(expectation_for(command{extension{"XTND", "XMIT"}}) == expect::status);
    CHECK(expectation_for(auth_continuation{false, "dGVzdA=="}) == expect::continuation);
    CHECK(multiline_on_ok(expect::list_all));
    CHECK(multiline_on_ok(expect::message));
    CHECK(multiline_on_ok(expect::capa));
    CHECK(multiline_on_ok(expect::lang_list));
    CHECK(multiline_on_ok(expect::uidl_all));
    CHECK_FALSE(multiline_on_ok(expect::list_one));
    CHECK_FALSE(multiline_on_ok(expect::continuation));
    CHECK(to_string(expect::uidl_one) == "uidl_one");
}

// ---- RFC 1939 ---------------------------------------------------------------------------

// RFC 1939 §4 (greeting, QUIT in AUTHORIZATION) and §6 (QUIT).
TEST_CASE("RFC 1939 §4 and §6: greeting and QUIT replies", "[pop3][response][rfc1939]") {
    auto g = vec("+OK POP3 server ready\r\n", expect::greeting);
    CHECK(g.is_ok());
    CHECK(g.status.text == "POP3 server ready");
    CHECK_FALSE(payload<greeting>(g).has_timestamp());
    status_is(vec("+OK dewey POP3 server signing off\r\n", expect::status), status_indicator::ok,
              "dewey POP3 server signing off");
    status_is(vec("+OK dewey POP3 server signing off (maildrop empty)\r\n", expect::status), status_indicator::ok,
              "dewey POP3 server signing off (maildrop empty)");
    status_is(vec("+OK dewey POP3 server signing off (2 messages left)\r\n", expect::status), status_indicator::ok,
              "dewey POP3 server signing off (2 messages left)");
    status_is(vec("-ERR some deleted messages not removed\r\n", expect::status), status_indicator::err,
              "some deleted messages not removed");
}

// RFC 1939 §5 STAT.
TEST_CASE("RFC 1939 §5 STAT: the drop listing", "[pop3][response][rfc1939]") {
    auto r = vec("+OK 2 320\r\n", expect::stat);
    const auto& s = payload<stat_reply>(r);
    CHECK(s.count == 2);
    CHECK(s.octets == 320);
    CHECK(s.extra.empty());
    CHECK(r.status.text.empty());
    // "This memo makes no requirement on what follows the maildrop size."
    auto x = vec("+OK 2 320 octets in maildrop\r\n", expect::stat);
    CHECK(payload<stat_reply>(x).extra == "octets in maildrop");
    // An empty maildrop; a maildrop over 4 GiB.
    CHECK(payload<stat_reply>(vec("+OK 0 0\r\n", expect::stat)).count == 0);
    CHECK(payload<stat_reply>(vec("+OK 70000 5000000000\r\n", expect::stat)).octets == 5000000000ull);
    status_is(vec("-ERR not in TRANSACTION state\r\n", expect::stat), status_indicator::err, "not in TRANSACTION state");
}

// RFC 1939 §5 LIST, both forms, and its possible responses.
TEST_CASE("RFC 1939 §5 LIST: scan listings", "[pop3][response][rfc1939]") {
    auto r = vec("+OK 2 messages (320 octets)\r\n1 120\r\n2 200\r\n.\r\n", expect::list_all);
    CHECK(r.status.text == "2 messages (320 octets)");
    const auto& block = payload<scan_listing_block>(r);
    REQUIRE(block.size() == 2);
    auto entries = collect(block);
    REQUIRE(entries.size() == 2);
    CHECK(entries[0] == scan_listing{1, 120, {}});
    CHECK(entries[1] == scan_listing{2, 200, {}});
    CHECK(block.wire() == "1 120\r\n2 200\r\n");

    auto one = vec("+OK 2 200\r\n", expect::list_one);
    CHECK(payload<scan_listing>(one) == scan_listing{2, 200, {}});
    status_is(vec("-ERR no such message, only 2 messages in maildrop\r\n", expect::list_one), status_indicator::err,
              "no such message, only 2 messages in maildrop");
    status_is(vec("-ERR no such message\r\n", expect::list_all), status_indicator::err, "no such message");
    status_is(vec("+OK scan listing follows\r\n", expect::status), status_indicator::ok, "scan listing follows");

    // "If there are no messages in the maildrop ... a line containing a termination octet".
    auto empty = vec("+OK 0 messages\r\n.\r\n", expect::list_all);
    CHECK(payload<scan_listing_block>(empty).empty());
    // Gaps after DELE are legal; so is information after the size.
    auto gaps = vec("+OK\r\n1 120\r\n3 4000 From: a@b\r\n.\r\n", expect::list_all);
    auto g = collect(payload<scan_listing_block>(gaps));
    REQUIRE(g.size() == 2);
    CHECK(g[1].msg == 3);
    CHECK(g[1].extra == "From: a@b");
    auto scan = parse_scan_listing("7 1234\r\n");
    REQUIRE(scan);
    CHECK(*scan == scan_listing{7, 1234, {}});
}

// RFC 1939 §5 RETR, with §10's "+OK 120 octets" and a message whose lines need stuffing.
TEST_CASE("RFC 1939 §5 RETR: message content, dot-unstuffed", "[pop3][response][rfc1939]") {
    constexpr std::string_view wire =
        "+OK 120 octets\r\n"
        "From: mrose@dbc.mtview.ca.us\r\n"
        "Subject: dots\r\n"
        "\r\n"
        "..leading dot\r\n"
        "..\r\n"
        "\r\n"
        "last line\r\n"
        ".\r\n";
    auto r = vec(wire, expect::message);
    CHECK(r.status.text == "120 octets");
    const auto& body = payload<message_body>(r);
    auto lines = lines_of(body);
    REQUIRE(lines.size() == 7);
    CHECK(lines[0] == "From: mrose@dbc.mtview.ca.us");
    CHECK(lines[2].empty());
    CHECK(lines[3] == ".leading dot"); // the stuffed "." skipped
    CHECK(lines[4] == ".");            // "." alone inside the content
    CHECK(lines[5].empty());
    CHECK(lines[6] == "last line");
    CHECK(body.line_count() == 7);
    CHECK(body.stuffed());
    CHECK(body.canonical());

    const std::string unstuffed =
        "From: mrose@dbc.mtview.ca.us\r\nSubject: dots\r\n\r\n.leading dot\r\n.\r\n\r\nlast line\r\n";
    std::string s;
    unstuff_to(body, s);
    CHECK(s == unstuffed);
    CHECK(body.body_size() == unstuffed.size());
    std::vector<char> v{'>'};
    unstuff_to(body, v);
    CHECK(std::string(v.begin(), v.end()) == ">" + unstuffed);
    fmt::memory_buffer mb;
    unstuff_to(body, mb);
    CHECK(fmt::to_string(mb) == unstuffed);

    status_is(vec("-ERR no such message\r\n", expect::message), status_indicator::err, "no such message");
    status_is(vec("+OK message follows\r\n", expect::status), status_indicator::ok, "message follows");
}

TEST_CASE("message bodies: empty body, empty lines, a body of only stuffed lines", "[pop3][response][message]") {
    auto empty = vec("+OK\r\n.\r\n", expect::message);
    const auto& e = payload<message_body>(empty);
    CHECK(e.empty());
    CHECK(e.body_size() == 0);
    CHECK(e.begin() == e.end());
    std::string s;
    unstuff_to(e, s);
    CHECK(s.empty());

    auto blank = vec("+OK\r\n\r\n\r\n.\r\n", expect::message);
    auto bl = lines_of(payload<message_body>(blank));
    REQUIRE(bl.size() == 2);
    CHECK(bl[0].empty());
    CHECK(bl[1].empty());
    CHECK(payload<message_body>(blank).body_size() == 4);

    auto dots = vec("+OK\r\n..\r\n...\r\n..x\r\n.\r\n", expect::message);
    auto dl = lines_of(payload<message_body>(dots));
    REQUIRE(dl.size() == 3);
    CHECK(dl[0] == ".");
    CHECK(dl[1] == "..");
    CHECK(dl[2] == ".x");
    std::string u;
    unstuff_to(payload<message_body>(dots), u);
    CHECK(u == ".\r\n..\r\n.x\r\n");
    CHECK(payload<message_body>(dots).body_size() == u.size());

    // 8-bit content and a lone CR are content (RFC 6856 UTF-8 mode, stored bytes).
    auto eight = vec("+OK\r\nSubject: caf\xc3\xa9\r\na\rb\r\n.\r\n", expect::message);
    auto el = lines_of(payload<message_body>(eight));
    REQUIRE(el.size() == 2);
    CHECK(el[0] == "Subject: caf\xc3\xa9");
    CHECK(el[1] == "a\rb");
}

// RFC 1939 §5 DELE, NOOP, RSET.
TEST_CASE("RFC 1939 §5 DELE, NOOP and RSET replies", "[pop3][response][rfc1939]") {
    status_is(vec("+OK message 1 deleted\r\n", expect::status), status_indicator::ok, "message 1 deleted");
    status_is(vec("-ERR message 2 already deleted\r\n", expect::status), status_indicator::err, "message 2 already deleted");
    status_is(vec("+OK message deleted\r\n", expect::status), status_indicator::ok, "message deleted");
    auto noop = vec("+OK\r\n", expect::status);
    status_is(noop, status_indicator::ok, "");
    CHECK_FALSE(noop.status.trailing_space);
    status_is(vec("+OK maildrop has 2 messages (320 octets)\r\n", expect::status), status_indicator::ok,
              "maildrop has 2 messages (320 octets)");
}

// RFC 1939 §7 TOP.
TEST_CASE("RFC 1939 §7 TOP: headers, blank line, first lines of the body", "[pop3][response][rfc1939]") {
    auto r = vec("+OK\r\nFrom: a@example.org\r\nTo: b@example.org\r\n\r\nline 1\r\n.\r\n", expect::message);
    auto l = lines_of(payload<message_body>(r));
    REQUIRE(l.size() == 4);
    CHECK(l[2].empty());
    CHECK(l[3] == "line 1");
    status_is(vec("-ERR no such message\r\n", expect::message), status_indicator::err, "no such message");
    status_is(vec("+OK top of message follows\r\n", expect::status), status_indicator::ok, "top of message follows");
}

// RFC 1939 §7 UIDL.
TEST_CASE("RFC 1939 §7 UIDL: unique-id listings", "[pop3][response][rfc1939]") {
    auto r = vec("+OK\r\n1 whqtswO00WBw418f9t5JxYwZ\r\n2 QhdPYR:00WBw1Ph7x7\r\n.\r\n", expect::uidl_all);
    auto u = collect(payload<uid_listing_block>(r));
    REQUIRE(u.size() == 2);
    CHECK(u[0] == uid_listing{1, "whqtswO00WBw418f9t5JxYwZ"});
    CHECK(u[1] == uid_listing{2, "QhdPYR:00WBw1Ph7x7"});
    auto one = vec("+OK 2 QhdPYR:00WBw1Ph7x7\r\n", expect::uidl_one);
    CHECK(payload<uid_listing>(one) == uid_listing{2, "QhdPYR:00WBw1Ph7x7"});
    status_is(vec("-ERR no such message, only 2 messages in maildrop\r\n", expect::uidl_one), status_indicator::err,
              "no such message, only 2 messages in maildrop");
    status_is(vec("+OK unique-id listing follows\r\n", expect::status), status_indicator::ok, "unique-id listing follows");
    // 70 characters, all of 0x21-0x7E allowed.
    const std::string uid70(70, '~');
    const std::string wire = "+OK 9 " + uid70 + "\r\n";
    CHECK(payload<uid_listing>(vec(wire, expect::uidl_one)).uid == uid70);
    CHECK(parse_uid_listing("3 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\r\n"));
}

// RFC 1939 §7 USER, PASS, APOP and their possible responses.
TEST_CASE("RFC 1939 §7 USER, PASS and APOP replies", "[pop3][response][rfc1939]") {
    status_is(vec("-ERR sorry, no mailbox for frated here\r\n", expect::status), status_indicator::err,
              "sorry, no mailbox for frated here");
    status_is(vec("+OK mrose is a real hoopy frood\r\n", expect::status), status_indicator::ok, "mrose is a real hoopy frood");
    status_is(vec("-ERR maildrop already locked\r\n", expect::status), status_indicator::err, "maildrop already locked");
    status_is(vec("+OK mrose's maildrop has 2 messages (320 octets)\r\n", expect::status), status_indicator::ok,
              "mrose's maildrop has 2 messages (320 octets)");
    for (auto line : {"+OK name is a valid mailbox\r\n"sv, "-ERR never heard of mailbox name\r\n"sv,
                      "+OK maildrop locked and ready\r\n"sv, "-ERR invalid password\r\n"sv,
                      "-ERR unable to lock maildrop\r\n"sv, "-ERR permission denied\r\n"sv,
                      "+OK maildrop has 1 message (369 octets)\r\n"sv})
        vec(line, expect::status);

    auto g = vec("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n", expect::greeting);
    const auto& gr = payload<greeting>(g);
    CHECK(gr.timestamp == "<1896.697170952@dbc.mtview.ca.us>");
    CHECK(gr.status == g.status);
    auto direct = parse_greeting("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n");
    REQUIRE(direct);
    CHECK(direct->timestamp == "<1896.697170952@dbc.mtview.ca.us>");
    CHECK(direct->status.text == "POP3 server ready <1896.697170952@dbc.mtview.ca.us>");
}

// RFC 1939 §10, every server line of the example session.
TEST_CASE("RFC 1939 §10 example session, server side", "[pop3][response][rfc1939]") {
    CHECK(payload<greeting>(vec("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n", expect::greeting))
              .has_timestamp());
    vec("+OK mrose's maildrop has 2 messages (320 octets)\r\n", expect::status);
    CHECK(payload<stat_reply>(vec("+OK 2 320\r\n", expect::stat)).count == 2);
    CHECK(payload<scan_listing_block>(vec("+OK 2 messages (320 octets)\r\n1 120\r\n2 200\r\n.\r\n", expect::list_all))
              .size() == 2);
    auto m1 = vec("+OK 120 octets\r\nSubject: message 1\r\n\r\nHello.\r\n.\r\n", expect::message);
    CHECK(payload<message_body>(m1).line_count() == 3);
    vec("+OK message 1 deleted\r\n", expect::status);
    vec("+OK 200 octets\r\nSubject: message 2\r\n\r\n...\r\n.\r\n", expect::message);
    vec("+OK message 2 deleted\r\n", expect::status);
    vec("+OK dewey POP3 server signing off (maildrop empty)\r\n", expect::status);
}

// ---- RFC 2449 ---------------------------------------------------------------------------

// RFC 2449 §5 CAPA example.
TEST_CASE("RFC 2449 §5 CAPA example listing", "[pop3][response][rfc2449]") {
    auto r = vec("+OK Capability list follows\r\nTOP\r\nUSER\r\nSASL CRAM-MD5 KERBEROS_V4\r\nRESP-CODES\r\n"
                 "LOGIN-DELAY 900\r\nPIPELINING\r\nEXPIRE 60\r\nUIDL\r\nIMPLEMENTATION Shlemazle-Plotz-v302\r\n.\r\n",
                 expect::capa);
    CHECK(r.status.text == "Capability list follows");
    const auto& caps = payload<capability_listing>(r);
    REQUIRE(caps.size() == 9);
    auto c = collect(caps);
    CHECK(std::holds_alternative<cap::top>(c[0]));
    CHECK(std::holds_alternative<cap::user>(c[1]));
    CHECK(std::get<cap::sasl>(c[2]).supports("KERBEROS_V4"));
    CHECK(std::holds_alternative<cap::resp_codes>(c[3]));
    CHECK(std::get<cap::login_delay>(c[4]).seconds == 900);
    CHECK(std::holds_alternative<cap::pipelining>(c[5]));
    CHECK(std::get<cap::expire>(c[6]).days == 60u);
    CHECK(std::holds_alternative<cap::uidl>(c[7]));
    CHECK(std::get<cap::implementation>(c[8]).text == "Shlemazle-Plotz-v302");
    auto sasl = find<cap::sasl>(caps);
    REQUIRE(sasl);
    CHECK(sasl->supports("CRAM-MD5"));
    CHECK_FALSE(find<cap::stls>(caps));
    CHECK(has_capability(caps, "pipelining"));
    CHECK_FALSE(has_capability(caps, "STLS"));
    status_is(vec("-ERR unknown command\r\n", expect::capa), status_indicator::err, "unknown command");
}

// RFC 2449 §8 example, §8.1.1 LOGIN-DELAY, §8.1.2 IN-USE; RFC 3206 SYS and AUTH; RFC 6856 §5 UTF8.
TEST_CASE("RFC 2449 §8 response codes, typed and hierarchical", "[pop3][response][rfc2449][resp-code]") {
    auto r = vec("-ERR [IN-USE] Do you have another POP session running?\r\n", expect::status);
    REQUIRE(r.status.code);
    CHECK(r.status.code->raw == "IN-USE");
    CHECK(r.status.code->kind() == resp_code_kind::in_use);
    CHECK(r.status.text == "Do you have another POP session running?");

    auto kind_of = [](std::string_view wire) {
        auto p = parse_status_line(wire);
        REQUIRE(p);
        REQUIRE(p->code);
        return p->code->kind();
    };
    CHECK(kind_of("-ERR [LOGIN-DELAY] wait 15 minutes\r\n") == resp_code_kind::login_delay);
    CHECK(kind_of("-ERR [SYS/TEMP] mail store unavailable, try later\r\n") == resp_code_kind::sys_temp);
    CHECK(kind_of("-ERR [SYS/PERM] your account is locked\r\n") == resp_code_kind::sys_perm);
    CHECK(kind_of("-ERR [SYS] system error\r\n") == resp_code_kind::sys);
    CHECK(kind_of("-ERR [SYS/QUOTA] other sub-level\r\n") == resp_code_kind::sys);
    CHECK(kind_of("-ERR [AUTH] invalid user name or password\r\n") == resp_code_kind::auth);
    CHECK(kind_of("-ERR [UTF8] message requires UTF-8 mode\r\n") == resp_code_kind::utf8);
    CHECK(kind_of("-ERR [in-use] lower case\r\n") == resp_code_kind::in_use); // case-insensitive
    CHECK(kind_of("-ERR [IN-USE/EXTRA] unknown detail ignored\r\n") == resp_code_kind::in_use);
    CHECK(kind_of("-ERR [X-VENDOR/A/B] kept as is\r\n") == resp_code_kind::other);
    for (auto w : {"-ERR [SYS/TEMP] mail store unavailable, try later\r\n"sv, "-ERR [AUTH] bad\r\n"sv,
                   "+OK [UTF8] fine\r\n"sv, "-ERR [A/B/C]\r\n"sv})
        vec(w, expect::status);

    auto p = parse_status_line("-ERR [X-VENDOR/A/B] kept\r\n");
    REQUIRE(p);
    const resp_code& code = *p->code;
    CHECK(code.raw == "X-VENDOR/A/B");
    CHECK(code.level_count() == 3);
    CHECK(code.level(0) == "X-VENDOR");
    CHECK(code.level(1) == "A");
    CHECK(code.level(2) == "B");
    CHECK(code.level(3).empty());
    std::vector<std::string_view> lv;
    for (auto l : code.levels()) lv.push_back(l);
    REQUIRE(lv.size() == 3);
    CHECK(lv[2] == "B");
    CHECK(resp_code{"SYS/TEMP"}.kind() == resp_code_kind::sys_temp);
    CHECK(resp_code::sys_perm().kind() == resp_code_kind::sys_perm);
    CHECK(resp_code{""}.level_count() == 0);
    CHECK(to_string(resp_code_kind::login_delay) == "login_delay");

    // rchar includes "[" (%x30-5C) and DEL (%x7F), excludes "/" and "]".
    auto odd = parse_status_line("-ERR [[x\x7f] odd\r\n");
    REQUIRE(odd);
    CHECK(odd->code->raw == "[x\x7f");
    auto rc = parse_resp_code("SYS/TEMP");
    REQUIRE(rc);
    CHECK(rc->raw == "SYS/TEMP");
    auto bad = parse_resp_code("SYS//TEMP");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().offset == 4);
}

TEST_CASE("status line forms: empty text, code without text, text after the code", "[pop3][response][status]") {
    // single-line = status [SP text] CRLF: "+OK" and "+OK " are both legal (RFC 2449 §3).
    auto bare = vec("+OK\r\n", expect::status);
    CHECK_FALSE(bare.status.trailing_space);
    auto sp = vec("+OK \r\n", expect::status);
    CHECK(sp.status.trailing_space);
    CHECK(sp.status.text.empty());
    CHECK_FALSE(sp == bare);
    vec("-ERR\r\n", expect::status);
    vec("-ERR \r\n", expect::status);
    auto code_only = vec("-ERR [IN-USE]\r\n", expect::status);
    CHECK(code_only.status.code->raw == "IN-USE");
    CHECK(code_only.status.text.empty());
    CHECK(vec("-ERR [IN-USE] \r\n", expect::status).status.trailing_space);
    CHECK(vec("+OK  two spaces\r\n", expect::status).status.text == " two spaces");
    CHECK(vec("+OK a [b] <c>\r\n", expect::status).status.text == "a [b] <c>");
    CHECK(vec("+OK caf\xc3\xa9 \t tab\r\n", expect::status).status.text == "caf\xc3\xa9 \t tab");
    // resp-code *CHAR: text right after "]" is legal; it writes back with the usual SP.
    auto glued = parse_status_line("-ERR [AUTH]bad\r\n");
    REQUIRE(glued);
    CHECK(glued->text == "bad");
    CHECK(fmt::format("{}", *glued) == "-ERR [AUTH] bad\r\n");
}

// ---- RFC 2595 ---------------------------------------------------------------------------

// RFC 2595 §4 STLS examples.
TEST_CASE("RFC 2595 §4 STLS replies", "[pop3][response][rfc2595]") {
    status_is(vec("+OK Begin TLS negotiation\r\n", expect::status), status_indicator::ok, "Begin TLS negotiation");
    status_is(vec("-ERR Command not permitted when TLS active\r\n", expect::status), status_indicator::err,
              "Command not permitted when TLS active");
}

// ---- RFC 5034 ---------------------------------------------------------------------------

// RFC 5034 §3 and §6 examples: CAPA listings, STLS, AUTH with and without initial response,
// a challenge-first mechanism (DIGEST-MD5; the RFC breaks its long lines for the page only).
TEST_CASE("RFC 5034 §3 and §6 examples, server side", "[pop3][response][rfc5034]") {
    vec("+OK pop.example.com BlurdyBlurp POP3 server ready\r\n", expect::greeting);
    auto c1 = vec("+OK List of capabilities follows\r\nSASL PLAIN DIGEST-MD5 GSSAPI ANONYMOUS\r\nSTLS\r\n"
                  "IMPLEMENTATION BlurdyBlurp POP3 server\r\n.\r\n",
                  expect::capa);
    auto caps = collect(payload<capability_listing>(c1));
    REQUIRE(caps.size() == 3);
    CHECK(std::get<cap::sasl>(caps[0]).names().size() == 4);
    CHECK(std::holds_alternative<cap::stls>(caps[1]));
    CHECK(std::get<cap::implementation>(caps[2]).text == "BlurdyBlurp POP3 server");
    vec("+OK List of capabilities follows\r\nSASL DIGEST-MD5 GSSAPI ANONYMOUS\r\nSTLS\r\n"
        "IMPLEMENTATION BlurdyBlurp POP3 server\r\n.\r\n",
        expect::capa);
    vec("+OK List of capabilities follows\r\nSASL PLAIN DIGEST-MD5 GSSAPI ANONYMOUS\r\n"
        "IMPLEMENTATION BlurdyBlurp POP3 server\r\n.\r\n",
        expect::capa);
    vec("+OK Begin TLS negotiation now\r\n", expect::status);
    status_is(vec("+OK Maildrop locked and ready\r\n", expect::continuation), status_indicator::ok,
              "Maildrop locked and ready");

    // "(note that there is a space following the '+' on the following line)"
    auto empty = vec("+ \r\n", expect::continuation);
    CHECK(empty.is_continuation());
    CHECK(payload<continuation>(empty).base64.empty());

    auto ch = vec("+ cmVhbG09ImVsd29vZC5pbm5vc29mdC5jb20iLG5vbmNlPSJPQTZNRzl0RVFHbTJoaCIscW9wPSJhdXRoIixhbGdvcml0aG09"
                  "bWQ1LXNlc3MsY2hhcnNldD11dGYtOA==\r\n",
                  expect::continuation);
    const auto& c = payload<continuation>(ch);
    std::string decoded;
    REQUIRE(c.decode_to(decoded));
    CHECK(decoded ==
          "realm=\"elwood.innosoft.com\",nonce=\"OA6MG9tEQGm2hh\",qop=\"auth\",algorithm=md5-sess,charset=utf-8");
    CHECK(c.decoded_size() == decoded.size());
    auto ch2 = vec("+ cnNwYXV0aD0wYjk3MTQ2MmNlZjVlOGY5MzBkYjlhMzNiMDJmYzlhMA==\r\n", expect::continuation);
    CHECK(payload<continuation>(ch2).base64 == "cnNwYXV0aD0wYjk3MTQ2MmNlZjVlOGY5MzBkYjlhMzNiMDJmYzlhMA==");
    vec("-ERR authentication failed\r\n", expect::continuation);

    auto direct = parse_continuation("+ dGVzdA==\r\n");
    REQUIRE(direct);
    CHECK(direct->base64 == "dGVzdA==");
}

// ---- RFC 6856 ---------------------------------------------------------------------------

// RFC 6856 §3.3 examples.
TEST_CASE("RFC 6856 §3.3 LANG examples", "[pop3][response][rfc6856]") {
    vec("+OK Hello, karen\r\n", expect::status);
    vec("+OK karen's maildrop contains 2 messages (320 octets)\r\n", expect::status);
    status_is(vec("-ERR invalid language MUL\r\n", expect::status), status_indicator::err, "invalid language MUL");
    auto r = vec("+OK Language listing follows:\r\nen English\r\nen-boont English Boontling dialect\r\nde Deutsch\r\n"
                 "it Italiano\r\nes Espanol\r\nsv Svenska\r\n.\r\n",
                 expect::lang_list);
    CHECK(r.status.text == "Language listing follows:");
    auto langs = collect(payload<lang_listing>(r));
    REQUIRE(langs.size() == 6);
    CHECK(langs[0] == lang_entry{"en", "English"});
    CHECK(langs[1] == lang_entry{"en-boont", "English Boontling dialect"});
    CHECK(langs[5] == lang_entry{"sv", "Svenska"});
    status_is(vec("-ERR Server is unable to list languages\r\n", expect::lang_list), status_indicator::err,
              "Server is unable to list languages");
    status_is(vec("+OK es Idioma cambiado\r\n", expect::status), status_indicator::ok, "es Idioma cambiado");
    status_is(vec("-ERR es Idioma <<UGA>> no es conocido\r\n", expect::status), status_indicator::err,
              "es Idioma <<UGA>> no es conocido");
    status_is(vec("+OK sv Kommandot \"LANG\" lyckades\r\n", expect::status), status_indicator::ok,
              "sv Kommandot \"LANG\" lyckades");

    // The description is optional (RFC 6856 §3.2); UTF-8 in it; other tag shapes.
    auto bare = vec("+OK\r\nen\r\nx-klingon tlhIngan Hol\r\ni-default\r\nde-DE-1996 Deutsch\r\nfr Fran\xc3\xa7" "ais\r\n.\r\n",
                    expect::lang_list);
    auto b = collect(payload<lang_listing>(bare));
    REQUIRE(b.size() == 5);
    CHECK(b[0] == lang_entry{"en", ""});
    CHECK(b[4].description == "Fran\xc3\xa7" "ais");
    auto one = parse_lang_entry("en-boont English Boontling dialect\r\n");
    REQUIRE(one);
    CHECK(one->tag == "en-boont");
}

// RFC 6856 §2 UTF8 and §3 LANG capabilities, §5 UTF8 response code.
TEST_CASE("RFC 6856 UTF8 and LANG in CAPA, UTF8 response code", "[pop3][response][rfc6856]") {
    auto r = vec("+OK\r\nUTF8 USER\r\nLANG\r\nTOP\r\n.\r\n", expect::capa);
    auto u = find<cap::utf8>(payload<capability_listing>(r));
    REQUIRE(u);
    CHECK(u->user);
    CHECK(find<cap::lang>(payload<capability_listing>(r)));
    auto e = vec("-ERR [UTF8] message requires UTF-8 mode\r\n", expect::message);
    CHECK(e.status.code->kind() == resp_code_kind::utf8);
    vec("+OK\r\n", expect::status); // reply to UTF8
}

// ---- seed dialogue (course slides: server side) ----------------------------------------

TEST_CASE("seed dialogue, server side", "[pop3][response][seed]") {
    vec("+OK POP3 server ready\r\n", expect::greeting);
    vec("+OK\r\n", expect::status);                          // user bob
    vec("+OK user successfully logged on\r\n", expect::status); // pass hungry
    auto list = vec("+OK\r\n1 498\r\n2 912\r\n.\r\n", expect::list_all);
    auto e = collect(payload<scan_listing_block>(list));
    REQUIRE(e.size() == 2);
    CHECK(e[0] == scan_listing{1, 498, {}});
    CHECK(e[1] == scan_listing{2, 912, {}});
    auto retr = vec("+OK\r\n<message 1 contents>\r\n.\r\n", expect::message);
    auto l = lines_of(payload<message_body>(retr));
    REQUIRE(l.size() == 1);
    CHECK(l[0] == "<message 1 contents>");
    vec("+OK\r\n", expect::status); // dele 1
    status_is(vec("+OK POP3 server signing off\r\n", expect::status), status_indicator::ok, "POP3 server signing off");
}

// ---- rejections ------------------------------------------------------------------------

TEST_CASE("status line rejections, with code and offset", "[pop3][response][reject]") {
    rejects("OK\r\n", expect::status, errc::invalid_syntax, 0);
    rejects("+ok\r\n", expect::status, errc::invalid_syntax, 0);      // MUST be upper case
    rejects("-Err x\r\n", expect::status, errc::invalid_syntax, 0);
    rejects("* OK\r\n", expect::status, errc::invalid_syntax, 0);
    rejects("", expect::status, errc::need_more, 0);
    rejects("+OK", expect::status, errc::need_more, 3);
    rejects("+OK hi", expect::status, errc::need_more, 6);
    rejects("+OK hi\r", expect::status, errc::need_more, 7);
    rejects("+OK hi\rX", expect::status, errc::invalid_syntax, 6);
    rejects("+OK a\rb\r\n", expect::status, errc::invalid_syntax, 5); // CR inside text
    rejects("+OK a\0b\r\n"sv, expect::status, errc::invalid_syntax, 5); // NUL inside text
    rejects("+OK hi\r\n+OK\r\n", expect::status, errc::invalid_syntax, 8); // one reply only
    rejects("-ERR x\r\n1 2\r\n.\r\n", expect::list_all, errc::invalid_syntax, 8); // -ERR is one line
    auto sl = parse_status_line("+OK\r\nx");
    REQUIRE_FALSE(sl);
    CHECK(sl.error().offset == 5);
    // Response codes (text beginning with "[" must be one, strict).
    rejects("-ERR [] x\r\n", expect::status, errc::strict_violation, 6);
    rejects("-ERR [A/] x\r\n", expect::status, errc::strict_violation, 8);
    rejects("-ERR [A B] x\r\n", expect::status, errc::strict_violation, 7);
    rejects("-ERR [A", expect::status, errc::need_more, 7);
}

TEST_CASE("first line length: 512 octets in strict mode, max_line in lenient (RFC 2449 §4)", "[pop3][response][limits]") {
    auto line_of = [](std::size_t total) { return "+OK " + std::string(total - 6, 'x') + "\r\n"; };
    const std::string at = line_of(512), below = line_of(511), above = line_of(513);
    CHECK(parse_response(at, expect::status));
    CHECK(parse_response(below, expect::status));
    rejects(above, expect::status, errc::limit_exceeded, 512);
    CHECK(parse_response(above, expect::status, lenient_opts));
    // Without its CRLF yet, a line already over the limit is limit_exceeded, not need_more.
    const std::string big = line_of(600);
    rejects(std::string_view(big).substr(0, 520), expect::status, errc::limit_exceeded, 512);
    // 512 octets and no LF yet: the line can only end past the limit (as the reader says).
    rejects(std::string_view(big).substr(0, 512), expect::status, errc::limit_exceeded, 512);
    rejects(std::string_view(big).substr(0, 511), expect::status, errc::need_more, 511);
    parse_options small = strict_opts;
    small.pop3_max_response_line = 20;
    CHECK(parse_response("+OK 2 320 0123456\r\n", expect::stat, small));   // 19
    CHECK(parse_response("+OK 2 320 01234567\r\n", expect::stat, small));  // 20
    rejects("+OK 2 320 012345678\r\n", expect::stat, errc::limit_exceeded, 20, small);
    rejects("+OK 01234567890123456\r\n", expect::status, errc::limit_exceeded, 20, small);
    parse_options lsmall = lenient_opts;
    lsmall.max_line = 20;
    rejects("+OK 012345678901234\r\n", expect::status, errc::limit_exceeded, 20, lsmall); // 21
    CHECK(parse_response("+OK 01234567890123\r\n", expect::status, lsmall));             // 20
    // The 512 limit is on the first line only (RFC 2449 §4): a long message line is fine.
    const std::string long_body = "+OK\r\n" + std::string(5000, 'b') + "\r\n.\r\n";
    CHECK(parse_response(long_body, expect::message));
}

TEST_CASE("STAT, LIST msg and UIDL msg rejections", "[pop3][response][reject]") {
    rejects("+OK\r\n", expect::stat, errc::invalid_syntax, 3);
    rejects("+OK 2\r\n", expect::stat, errc::invalid_syntax, 5);
    rejects("+OK two 320\r\n", expect::stat, errc::invalid_syntax, 4);
    rejects("+OK 2  320\r\n", expect::stat, errc::invalid_syntax, 6);   // a single space
    rejects("+OK 2 320x\r\n", expect::stat, errc::invalid_syntax, 9);
    rejects("+OK 99999999999 1\r\n", expect::stat, errc::number_out_of_range, 4);
    rejects("+OK 1 99999999999999999999\r\n", expect::stat, errc::number_out_of_range, 6);
    rejects("+OK 2 320\r\n.\r\n", expect::stat, errc::invalid_syntax, 11);
    rejects("+OK 2 320", expect::stat, errc::need_more, 9);
    rejects("+OK 0 10\r\n", expect::list_one, errc::number_out_of_range, 4); // message-numbers start at 1
    rejects("+OK 01 10\r\n", expect::list_one, errc::invalid_syntax, 4);
    rejects("+OK 1\r\n", expect::list_one, errc::invalid_syntax, 5);
    rejects("+OK1 10\r\n", expect::list_one, errc::invalid_syntax, 3);
    rejects("+OK 2 Qhd extra\r\n", expect::uidl_one, errc::invalid_syntax, 9); // nothing after the uid
    rejects("+OK 2 \r\n", expect::uidl_one, errc::invalid_syntax, 6);
    const std::string uid71 = "+OK 2 " + std::string(71, 'u') + "\r\n";
    rejects(uid71, expect::uidl_one, errc::invalid_syntax, 76);
    rejects("+OK 2 caf\xc3\xa9\r\n", expect::uidl_one, errc::invalid_syntax, 9); // uid is 0x21-0x7E
}

TEST_CASE("listing rejections: lines, terminator, trailing bytes", "[pop3][response][reject]") {
    rejects("+OK\r\n1 120\r\n", expect::list_all, errc::need_more, 12);
    rejects("+OK\r\n1 120\r\n.", expect::list_all, errc::need_more, 13);
    rejects("+OK\r\n1 120\r\n.\r\nX", expect::list_all, errc::invalid_syntax, 15);
    rejects("+OK\r\n1 120\r\n.x\r\n", expect::list_all, errc::invalid_syntax, 13);
    rejects("+OK\r\n1\r\n.\r\n", expect::list_all, errc::invalid_syntax, 6);
    rejects("+OK\r\n0 1\r\n.\r\n", expect::list_all, errc::number_out_of_range, 5);
    rejects("+OK\r\n1 1\r\nx\r\n.\r\n", expect::list_all, errc::invalid_syntax, 10);
    rejects("+OK\r\n1 a b\r\n.\r\n", expect::uidl_all, errc::invalid_syntax, 8);
    rejects("+OK\r\n1 \r\n.\r\n", expect::uidl_all, errc::invalid_syntax, 7);
    rejects("+OK\r\nSASL  X\r\n.\r\n", expect::capa, errc::invalid_syntax, 10);
    rejects("+OK\r\nTOP 1\r\n.\r\n", expect::capa, errc::invalid_argument, 9);
    rejects("+OK\r\n\r\n.\r\n", expect::capa, errc::invalid_syntax, 5);
    rejects("+OK\r\n1en English\r\n.\r\n", expect::lang_list, errc::invalid_syntax, 5);
    rejects("+OK\r\nen \r\n.\r\n", expect::lang_list, errc::invalid_syntax, 8);  // SP then no description
    rejects("+OK\r\nen-\r\n.\r\n", expect::lang_list, errc::invalid_syntax, 7);
    rejects("+OK\r\nabcdefghi\r\n.\r\n", expect::lang_list, errc::invalid_syntax, 13); // subtag of 1-8
    rejects("+OK\r\nen\r\nde", expect::lang_list, errc::need_more, 11);
    rejects("+OK\r\nen-", expect::lang_list, errc::need_more, 8);
    auto ul = parse_uid_listing("1 abc");
    REQUIRE_FALSE(ul);
    CHECK(ul.error().code == errc::need_more);
    auto sc = parse_scan_listing("1 12 x\r\n2 3\r\n");
    REQUIRE_FALSE(sc);
    CHECK(sc.error().offset == 8);
    auto le = parse_lang_entry("en English\r\n");
    REQUIRE(le);
    CHECK(le->description == "English");
}

TEST_CASE("message rejections: missing terminator, trailing bytes", "[pop3][response][reject]") {
    rejects("+OK\r\nabc\r\n", expect::message, errc::need_more, 10);
    rejects("+OK\r\nabc", expect::message, errc::need_more, 8);
    rejects("+OK\r\n.\r\n.\r\n", expect::message, errc::invalid_syntax, 8);
    rejects("+OK\r\nabc\r\n.\r\nnext", expect::message, errc::invalid_syntax, 13);
    rejects("+OK\r\n.\r", expect::message, errc::need_more, 7);
}

TEST_CASE("greeting rejections and timestamp rules", "[pop3][response][greeting]") {
    auto e = parse_greeting("-ERR too many connections\r\n");
    REQUIRE_FALSE(e);
    CHECK(e.error().code == errc::unexpected_response);
    CHECK(e.error().offset == 0);
    // ... but as a reply it is an ordinary -ERR.
    status_is(vec("-ERR too many connections\r\n", expect::greeting), status_indicator::err, "too many connections");
    // The timestamp may open the text, or sit in the middle.
    CHECK(payload<greeting>(vec("+OK <a@b>\r\n", expect::greeting)).timestamp == "<a@b>");
    auto mid = vec("+OK [SYS/TEMP] hello <pid.clock@host> welcome\r\n", expect::greeting);
    CHECK(payload<greeting>(mid).timestamp == "<pid.clock@host>");
    CHECK(mid.status.code->kind() == resp_code_kind::sys_temp);
    // Strict: "<" only opens the one msg-id timestamp (gchar excludes "<").
    rejects("+OK hello <world>\r\n", expect::greeting, errc::strict_violation, 10);
    rejects("+OK <a@b> <c@d>\r\n", expect::greeting, errc::strict_violation, 10);
    rejects("+OK <@b>\r\n", expect::greeting, errc::strict_violation, 4);
    rejects("+OK <a@>\r\n", expect::greeting, errc::strict_violation, 4);
    rejects("+OK <a @b>\r\n", expect::greeting, errc::strict_violation, 4);
    rejects("+OK <a@b\r\n", expect::greeting, errc::strict_violation, 4);
    auto pg = parse_greeting("+OK x <world>\r\n");
    REQUIRE_FALSE(pg);
    CHECK(pg.error().offset == 6);
    // Status text elsewhere may hold "<" freely (RFC 6856 §3.3 "<<UGA>>").
    CHECK(parse_response("-ERR es Idioma <<UGA>> no es conocido\r\n", expect::greeting));
}

TEST_CASE("continuation rejections", "[pop3][response][continuation]") {
    rejects("+x\r\n", expect::continuation, errc::invalid_syntax, 1);
    rejects("+ abc\r\n", expect::continuation, errc::invalid_syntax, 5);   // not a quantum of 4
    rejects("+ a=bc\r\n", expect::continuation, errc::invalid_syntax, 3);
    rejects("+ abc!\r\n", expect::continuation, errc::invalid_syntax, 5);
    rejects("+ dGVzdA== \r\n", expect::continuation, errc::invalid_syntax, 10);
    rejects("+ dGVzdA==\r\n+ \r\n", expect::continuation, errc::invalid_syntax, 12);
    rejects("+ dGVz", expect::continuation, errc::need_more, 6);
    rejects("+ \r\n", expect::status, errc::invalid_syntax, 0); // only AUTH gets a continuation
    auto pc = parse_continuation("+OK\r\n");
    REQUIRE_FALSE(pc);
    CHECK(pc.error().offset == 1);
}

TEST_CASE("listing and list limits: max_list at, below and above", "[pop3][response][limits]") {
    parse_options o = strict_opts;
    o.max_list = 2;
    CHECK(parse_response("+OK\r\n1 1\r\n.\r\n", expect::list_all, o));
    CHECK(parse_response("+OK\r\n1 1\r\n2 2\r\n.\r\n", expect::list_all, o));
    rejects("+OK\r\n1 1\r\n2 2\r\n3 3\r\n.\r\n", expect::list_all, errc::limit_exceeded, 15, o);
    rejects("+OK\r\n1 a\r\n2 b\r\n3 c\r\n.\r\n", expect::uidl_all, errc::limit_exceeded, 15, o);
    rejects("+OK\r\nA\r\nB\r\nC\r\n.\r\n", expect::capa, errc::limit_exceeded, 11, o);
    rejects("+OK\r\nen\r\nde\r\nfr\r\n.\r\n", expect::lang_list, errc::limit_exceeded, 13, o);
    // A capability line is limited like the first line (RFC 2449 §3); other lines by max_line.
    const std::string capa_long = "+OK\r\nX-PAD " + std::string(505, 'a') + "\r\n.\r\n"; // line of 513
    rejects(capa_long, expect::capa, errc::limit_exceeded, 5 + 512);
    CHECK(parse_response(capa_long, expect::capa, lenient_opts));
    o = strict_opts;
    o.max_line = 12;
    CHECK(parse_response("+OK\r\n1 12345678\r\n.\r\n", expect::list_all, o));            // 12
    rejects("+OK\r\n1 123456789\r\n.\r\n", expect::list_all, errc::limit_exceeded, 17, o); // 13
}

// ---- quirks: lenient accepts, strict refuses with strict_violation ----------------------

TEST_CASE("bare LF line ends (seen in the wild: servers writing Unix line ends)", "[pop3][response][quirk]") {
    auto st = quirk("+OK done\n", expect::status, 8);
    CHECK(st.status.text == "done");
    CHECK(fmt::format("{}", st) == "+OK done\r\n");
    auto list = quirk("+OK\r\n1 120\n2 200\r\n.\r\n", expect::list_all, 10);
    auto e = collect(payload<scan_listing_block>(list));
    REQUIRE(e.size() == 2);
    CHECK(e[1] == scan_listing{2, 200, {}});
    auto msg = quirk("+OK\r\nline one\nline two\r\n.\r\n", expect::message, 13);
    const auto& body = payload<message_body>(msg);
    auto l = lines_of(body);
    REQUIRE(l.size() == 2);
    CHECK(l[0] == "line one");
    CHECK_FALSE(body.canonical());
    std::string u;
    unstuff_to(body, u);
    CHECK(u == "line one\r\nline two\r\n");
    CHECK(body.body_size() == u.size());
    CHECK(fmt::format("{}", msg) == "+OK\r\nline one\r\nline two\r\n.\r\n");
    quirk("+OK\n1 abc\n.\n", expect::uidl_all, 3);
    quirk("+OK\r\nTOP\n.\r\n", expect::capa, 8);
    quirk("+OK\r\nen English\n.\r\n", expect::lang_list, 15);
    quirk("+OK 2 320\n", expect::stat, 9);
    quirk("+OK 1 5\n", expect::list_one, 7);
    quirk("+OK 1 u\n", expect::uidl_one, 7);
    quirk("+ dGVzdA==\n", expect::continuation, 10);
}

TEST_CASE("dot LF ends a multi-line reply (seen in the wild)", "[pop3][response][quirk]") {
    auto msg = quirk("+OK\r\nabc\r\n.\n", expect::message, 11);
    CHECK(lines_of(payload<message_body>(msg)).size() == 1);
    CHECK(fmt::format("{}", msg) == "+OK\r\nabc\r\n.\r\n");
    auto list = quirk("+OK\r\n1 120\r\n.\n", expect::list_all, 13);
    CHECK(payload<scan_listing_block>(list).size() == 1);
}

TEST_CASE("text glued to +OK / -ERR without SP (seen in the wild)", "[pop3][response][quirk]") {
    // "+OK\r\n" and "+OK \r\n" are legal (single-line = status [SP text] CRLF); "+OKfoo" is not.
    auto ok = quirk("+OKfoo\r\n", expect::status, 3);
    CHECK(ok.status.text == "foo");
    CHECK(fmt::format("{}", ok) == "+OK foo\r\n");
    auto err = quirk("-ERR[IN-USE] busy\r\n", expect::status, 4);
    CHECK(err.status.code->kind() == resp_code_kind::in_use);
    CHECK(err.status.text == "busy");
    auto p = parse_status_line("-ERRnope\r\n", lenient_opts);
    REQUIRE(p);
    CHECK(p->text == "nope");
}

TEST_CASE("text beginning with an opening bracket that is no response code (servers without RESP-CODES, seen in the wild)",
          "[pop3][response][quirk]") {
    auto r = quirk("-ERR [mailbox locked\r\n", expect::status, 13);
    CHECK_FALSE(r.status.code);
    CHECK(r.status.text == "[mailbox locked");
    auto s = quirk("+OK [user name] ok\r\n", expect::status, 9);
    CHECK(s.status.text == "[user name] ok");
    // Such a value is not strictly writable: check_writable says so.
    auto w = check_writable(r);
    REQUIRE_FALSE(w);
    CHECK(w.error().code == errc::unsafe_value);
}

TEST_CASE("two SPs before the greeting timestamp (Qpopper)", "[pop3][response][quirk]") {
    auto g = quirk("+OK Qpopper (version 4.1.0) at mail.example.com starting.  <2541.1212690000@mail.example.com>\r\n",
                   expect::greeting, 58);
    CHECK(payload<greeting>(g).timestamp == "<2541.1212690000@mail.example.com>");
    auto pg = parse_greeting("+OK ready.  <1.2@h>\r\n", lenient_opts);
    REQUIRE(pg);
    CHECK(pg->timestamp == "<1.2@h>");
    auto ps = parse_greeting("+OK ready.  <1.2@h>\r\n");
    REQUIRE_FALSE(ps);
    CHECK(ps.error().code == errc::strict_violation);
    CHECK(ps.error().offset == 11);
    quirk("+OK  <1.2@h>\r\n", expect::greeting, 4);
}

TEST_CASE("less-than in a greeting that is no APOP timestamp (seen in the wild)", "[pop3][response][quirk]") {
    auto g = quirk("+OK <mail.example.com> POP3 ready\r\n", expect::greeting, 4);
    CHECK_FALSE(payload<greeting>(g).has_timestamp());
    // Lenient takes the first well-formed timestamp.
    auto two = quirk("+OK <host> ready <1.2@host>\r\n", expect::greeting, 4);
    CHECK(payload<greeting>(two).timestamp == "<1.2@host>");
}

TEST_CASE("plus CRLF for the empty SASL challenge (seen in the wild)", "[pop3][response][quirk]") {
    // continue-req = "+" SP [base64] CRLF (RFC 5034 §5): "+ " is the empty challenge.
    auto r = quirk("+\r\n", expect::continuation, 1);
    CHECK(payload<continuation>(r).base64.empty());
    CHECK(fmt::format("{}", r) == "+ \r\n");
    auto p = parse_continuation("+\n", lenient_opts);
    REQUIRE(p);
    auto s = parse_continuation("+\r\n");
    REQUIRE_FALSE(s);
    CHECK(s.error().code == errc::strict_violation);
}

TEST_CASE("unstuffed line beginning with dot in a message (seen in the wild)", "[pop3][response][quirk]") {
    auto r = quirk("+OK\r\n.hidden\r\nok\r\n.\r\n", expect::message, 6);
    auto l = lines_of(payload<message_body>(r));
    REQUIRE(l.size() == 2);
    CHECK(l[0] == "hidden"); // RFC 1939 §3's client rule strips the first "."
    CHECK(fmt::format("{}", r) == "+OK\r\nhidden\r\nok\r\n.\r\n");
}

// ---- writing ---------------------------------------------------------------------------

TEST_CASE("builders write valid replies without any parsing", "[pop3][response][write]") {
    CHECK(fmt::format("{}", response::ok("POP3 server ready")) == "+OK POP3 server ready\r\n");
    CHECK(fmt::format("{}", response::ok()) == "+OK\r\n");
    CHECK(fmt::format("{}", response::err("Do you have another POP session running?", resp_code::in_use())) ==
          "-ERR [IN-USE] Do you have another POP session running?\r\n");
    CHECK(fmt::format("{}", response::err({}, resp_code::sys_temp())) == "-ERR [SYS/TEMP]\r\n");
    CHECK(fmt::format("{}", response::make_stat(2, 320)) == "+OK 2 320\r\n");
    CHECK(fmt::format("{}", response::make_scan({2, 200, {}})) == "+OK 2 200\r\n");
    CHECK(fmt::format("{}", response::make_uid({2, "QhdPYR:00WBw1Ph7x7"})) == "+OK 2 QhdPYR:00WBw1Ph7x7\r\n");
    CHECK(fmt::format("{}", response::make_continuation()) == "+ \r\n");
    CHECK(fmt::format("{}", response::make_continuation("dGVzdA==")) == "+ dGVzdA==\r\n");

    const std::array<scan_listing, 2> scans{{{1, 120, {}}, {2, 200, {}}}};
    auto list = response::make_scan_list(scans, "2 messages (320 octets)");
    const std::string list_wire = fmt::format("{}", list);
    CHECK(list_wire == "+OK 2 messages (320 octets)\r\n1 120\r\n2 200\r\n.\r\n");
    auto parsed = parse_response(list_wire, expect::list_all);
    REQUIRE(parsed);
    CHECK(*parsed == list); // a built listing equals the parsed one, entry by entry
    CHECK(payload<scan_listing_block>(list).size() == 2);
    CHECK(collect(payload<scan_listing_block>(list))[1] == scans[1]);

    const std::array<uid_listing, 2> uids{{{1, "whqtswO00WBw418f9t5JxYwZ"}, {2, "QhdPYR:00WBw1Ph7x7"}}};
    CHECK(fmt::format("{}", response::make_uid_list(uids)) ==
          "+OK\r\n1 whqtswO00WBw418f9t5JxYwZ\r\n2 QhdPYR:00WBw1Ph7x7\r\n.\r\n");
    const std::array<capability, 3> caps{{cap::top{}, cap::sasl{"PLAIN"}, cap::expire{std::nullopt, false}}};
    CHECK(fmt::format("{}", response::make_capa(caps, "Capability list follows")) ==
          "+OK Capability list follows\r\nTOP\r\nSASL PLAIN\r\nEXPIRE NEVER\r\n.\r\n");
    const std::array<lang_entry, 2> langs{{{"en", "English"}, {"de", {}}}};
    CHECK(fmt::format("{}", response::make_lang_list(langs)) == "+OK\r\nen English\r\nde\r\n.\r\n");
    CHECK(fmt::format("{}", response::make_lang_list({})) == "+OK\r\n.\r\n");

    auto g = response::make_greeting("POP3 server ready <1896.697170952@dbc.mtview.ca.us>");
    CHECK(payload<greeting>(g).timestamp == "<1896.697170952@dbc.mtview.ca.us>");
    CHECK(check_writable(g));
    CHECK(fmt::format("{}", g) == "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n");
    for (const response& r : {response::ok("x"), response::make_stat(0, 0), list, response::make_continuation()})
        CHECK(check_writable(r));
}

TEST_CASE("message writer stuffs dots, normalizes line ends and ends the block", "[pop3][response][write]") {
    auto check = [](std::string_view content, std::string_view wire_body, std::size_t lines) {
        INFO("content " << show(content));
        auto r = response::make_message(content, "message follows");
        const std::string wire = fmt::format("{}", r);
        CHECK(wire == "+OK message follows\r\n" + std::string(wire_body));
        const auto& b = payload<message_body>(r);
        CHECK(b.line_count() == lines);
        std::string u;
        unstuff_to(b, u);
        CHECK(b.body_size() == u.size());
        auto parsed = parse_response(wire, expect::message);
        REQUIRE(parsed);
        CHECK(*parsed == r);
        std::string u2;
        unstuff_to(payload<message_body>(*parsed), u2);
        CHECK(u2 == u);
    };
    check("", ".\r\n", 0);
    check("a\r\nb\r\n", "a\r\nb\r\n.\r\n", 2);
    check(".\r\n", "..\r\n.\r\n", 1);
    check(".x\r\n..y\r\nz\r\n", "..x\r\n...y\r\nz\r\n.\r\n", 3);
    check("a\nb\n", "a\r\nb\r\n.\r\n", 2);       // LF line ends become CRLF
    check("a\r\nb", "a\r\nb\r\n.\r\n", 2);       // a last line gets its CRLF
    check("\r\n", "\r\n.\r\n", 1);
    check("\n.\n", "\r\n..\r\n.\r\n", 2);
    check("x\r\n.\r\nINJECT\r\n", "x\r\n..\r\nINJECT\r\n.\r\n", 3); // no early terminator
    check("a\n.\r\nb", "a\r\n..\r\nb\r\n.\r\n", 3);                // nor after a bare LF
    std::string u;
    unstuff_to(message_body::from_content("a\r\nb\r\n"), u);
    CHECK(u == "a\r\nb\r\n");
    CHECK(message_body::from_content("a\r\nb\r\n").canonical());
    CHECK_FALSE(message_body::from_content("a\nb").canonical());
}

TEST_CASE("check_writable refuses what would break the line or not parse back", "[pop3][response][write]") {
    auto refuses = [](const auto& v) {
        auto w = check_writable(v);
        REQUIRE_FALSE(w);
        CHECK(w.error().code == errc::unsafe_value);
        CHECK_FALSE(to_wire(v));
    };
    refuses(response::ok("hi\r\n+OK injected"));
    refuses(response::err("a\nb"));
    refuses(response::ok(std::string_view("a\0b", 3)));
    refuses(response::ok("[not a code"));
    refuses(response::err("x", resp_code{"A B"}));
    refuses(response::err("x", resp_code{""}));
    refuses(response::err("x", resp_code{"A//B"}));
    refuses(response{status_line{status_indicator::ok, std::nullopt, "x", true}, std::monostate{}});
    refuses(response::make_uid({1, "has space"}));
    refuses(response::make_uid({1, ""}));
    refuses(response::make_uid({1, std::string_view("\x80\x81", 2)}));
    const std::string uid71(71, 'u');
    refuses(response::make_uid({1, uid71}));
    refuses(response::make_uid({0, "abc"}));
    refuses(response::make_scan({0, 1, {}}));
    refuses(response::make_scan({1, 1, "x\r\n.\r\n"}));
    const std::array<uid_listing, 2> uids{{{1, "ok"}, {2, "not ok"}}};
    refuses(response::make_uid_list(uids));
    const std::array<lang_entry, 1> l1{{{".", {}}}};
    refuses(response::make_lang_list(l1));
    const std::array<lang_entry, 1> l2{{{"en", "a\r\nb"}}};
    refuses(response::make_lang_list(l2));
    const std::array<lang_entry, 1> l3{{{"123", {}}}};
    refuses(response::make_lang_list(l3));
    const std::array<capability, 1> c1{{cap::unknown{".", ""}}};
    refuses(response::make_capa(c1));
    refuses(response::make_continuation("abc"));
    refuses(response::make_continuation("dGVzdA==\r\n"));
    refuses(response::make_greeting("hello <world>"));
    refuses(response::make_greeting("hello  <a@b>"));
    refuses(response{status_line{status_indicator::err, std::nullopt, "x", false}, stat_reply{1, 2, {}}});
    refuses(response{status_line{status_indicator::ok, std::nullopt, "text", false}, stat_reply{1, 2, {}}});
    refuses(response{status_line{status_indicator::ok, std::nullopt, {}, false}, continuation{}});
    refuses(response{status_line{status_indicator::continuation, std::nullopt, {}, false}, std::monostate{}});
    refuses(status_line{status_indicator::continuation, std::nullopt, {}, false});
    refuses(greeting{status_line{status_indicator::ok, std::nullopt, "x <a@b>", false}, "<c@d>"});
    refuses(greeting{status_line{status_indicator::err, std::nullopt, "x", false}, ""});
    refuses(response{status_line{status_indicator::ok, std::nullopt, "a", false},
                     greeting{status_line{status_indicator::ok, std::nullopt, "b", false}, ""}});
    CHECK(check_writable(status_line{status_indicator::err, resp_code::auth(), "bad", false}));
    CHECK(check_writable(greeting{status_line{status_indicator::ok, std::nullopt, "x <a@b>", false}, "<a@b>"}));
    CHECK(check_writable(lang_entry{"en-boont", "x"}));
    CHECK(check_writable(uid_listing{1, "abc"}));
    CHECK(check_writable(scan_listing{1, 2, {}}));
    CHECK(check_writable(stat_reply{1, 2, "x"}));
    CHECK(check_writable(continuation{"dGVzdA=="}));
    CHECK(check_writable(resp_code{"SYS/TEMP"}));
}

TEST_CASE("formatters for each struct: wire bytes and verbose dumps", "[pop3][response][format]") {
    CHECK(fmt::format("{}", resp_code{"SYS/TEMP"}) == "[SYS/TEMP]");
    CHECK(fmt::format("{:v}", resp_code{"SYS/TEMP"}) == "[SYS/TEMP](sys_temp)");
    const status_line st{status_indicator::err, resp_code::in_use(), "busy", false};
    CHECK(fmt::format("{}", st) == "-ERR [IN-USE] busy\r\n");
    CHECK(fmt::format("{:v}", st) == "err [IN-USE](in_use) \"busy\"");
    CHECK(fmt::format("{}", stat_reply{2, 320, {}}) == "+OK 2 320\r\n");
    CHECK(fmt::format("{:v}", stat_reply{2, 320, {}}) == "stat count=2 octets=320");
    CHECK(fmt::format("{}", scan_listing{1, 120, {}}) == "1 120\r\n");
    CHECK(fmt::format("{:v}", scan_listing{1, 120, "x"}) == "1:120 extra=\"x\"");
    CHECK(fmt::format("{}", uid_listing{1, "abc"}) == "1 abc\r\n");
    CHECK(fmt::format("{:v}", uid_listing{1, "abc"}) == "1:\"abc\"");
    CHECK(fmt::format("{}", lang_entry{"en", "English"}) == "en English\r\n");
    CHECK(fmt::format("{:v}", lang_entry{"en", "English"}) == "\"en\" \"English\"");
    CHECK(fmt::format("{}", continuation{"dGVzdA=="}) == "+ dGVzdA==\r\n");
    CHECK(fmt::format("{:v}", continuation{"dGVzdA=="}) == "continuation \"dGVzdA==\"");
    const greeting g{status_line{status_indicator::ok, std::nullopt, "hi <a@b>", false}, "<a@b>"};
    CHECK(fmt::format("{}", g) == "+OK hi <a@b>\r\n");
    CHECK(fmt::format("{:v}", g) == "greeting ok \"hi <a@b>\" timestamp=\"<a@b>\"");
    const std::array<scan_listing, 2> scans{{{1, 120, {}}, {2, 200, {}}}};
    const auto block = scan_listing_block::from_entries(scans);
    CHECK(fmt::format("{}", block) == "1 120\r\n2 200\r\n.\r\n");
    CHECK(fmt::format("{:v}", block) == "scan_listings[2]{1:120, 2:200}");
    const auto body = message_body::from_content("a\r\n.b\r\n");
    CHECK(fmt::format("{}", body) == "a\r\n..b\r\n.\r\n");
    CHECK(fmt::format("{:v}", body) == "message[lines=2, octets=7]");

    auto r = parse_response("+OK 2 messages\r\n1 120\r\n2 200\r\n.\r\n", expect::list_all);
    REQUIRE(r);
    CHECK(fmt::format("{:v}", *r) == "scan_listings ok \"2 messages\" scan_listings[2]{1:120, 2:200}");
    CHECK(fmt::format("{:v}", response::err("no\x01", resp_code::auth())) == "err err [AUTH](auth) \"no\\x01\"");
    CHECK(fmt::format("{:v}", response::make_continuation("dGVzdA==")) == "continuation \"dGVzdA==\"");
    CHECK(fmt::format("{:v}", response::make_stat(1, 2)) == "stat stat count=1 octets=2");
}

TEST_CASE("response_kind_name names every kind", "[pop3][response]") {
    const std::array<scan_listing, 0> none{};
    CHECK(response_kind_name(response::ok()) == "ok");
    CHECK(response_kind_name(response::err()) == "err");
    CHECK(response_kind_name(response::make_continuation()) == "continuation");
    CHECK(response_kind_name(response::make_greeting("hi")) == "greeting");
    CHECK(response_kind_name(response::make_stat(1, 1)) == "stat");
    CHECK(response_kind_name(response::make_scan({1, 1, {}})) == "scan_listing");
    CHECK(response_kind_name(response::make_scan_list(none)) == "scan_listings");
    CHECK(response_kind_name(response::make_uid({1, "a"})) == "uid_listing");
    CHECK(response_kind_name(response::make_uid_list({})) == "uid_listings");
    CHECK(response_kind_name(response::make_capa({})) == "capa");
    CHECK(response_kind_name(response::make_lang_list({})) == "lang_list");
    CHECK(response_kind_name(response::make_message("")) == "message");
}

TEST_CASE("a large LIST and UIDL listing iterate in order without allocation per line", "[pop3][response][listing]") {
    std::string wire = "+OK 5000 messages\r\n";
    std::string uwire = "+OK\r\n";
    for (int i = 1; i <= 5000; ++i) {
        wire += fmt::format("{} {}\r\n", i, 1000 + i);
        uwire += fmt::format("{} uid-{:08}\r\n", i, i);
    }
    wire += ".\r\n";
    uwire += ".\r\n";
    auto r = parse_response(wire, expect::list_all);
    REQUIRE(r);
    const auto& b = payload<scan_listing_block>(*r);
    CHECK(b.size() == 5000);
    std::uint32_t expect_msg = 1;
    for (const scan_listing& e : b) {
        if (e.msg != expect_msg || e.size != 1000u + expect_msg) FAIL("entry " << expect_msg);
        ++expect_msg;
    }
    CHECK(expect_msg == 5001);
    CHECK(fmt::format("{}", *r) == wire);
    auto u = parse_response(uwire, expect::uidl_all);
    REQUIRE(u);
    CHECK(payload<uid_listing_block>(*u).size() == 5000);
    CHECK(fmt::format("{}", *u) == uwire);
}

TEST_CASE("listing fast paths agree with the full rules, values and errors", "[pop3][response][listing]") {
    // The SWAR fast path runs when 16 bytes or more remain; parse_scan_listing and
    // parse_uid_listing always run the full rule. Each line is tried in a long listing.
    const std::string_view scan_lines[] = {
        "1 120", "9999999 9999999", "12345678 1", "1 12345678", "4294967295 1", "4294967296 1", "0 1", "01 1",
        "1 01", "1 0", "1  1", "1 1 extra", "1 1x", "1", "1 ", " 1 1", "1\t1", "7 123456789012345678901",
        "1 9223372036854775807", "1 9223372036854775808", "123 4567\x7f"};
    for (auto line : scan_lines) {
        for (const parse_options& o : {strict_opts, lenient_opts}) {
            INFO("line " << show(line));
            const std::string one = std::string(line) + "\r\n";
            const std::string block = "+OK\r\n" + one + "100 100\r\n200 200\r\n300 300\r\n.\r\n";
            auto slow = parse_scan_listing(one, o);
            auto r = parse_response(block, expect::list_all, o);
            REQUIRE(static_cast<bool>(slow) == static_cast<bool>(r));
            if (slow) {
                CHECK(collect(payload<scan_listing_block>(*r))[0] == *slow);
            } else {
                CHECK(to_string(r.error().code) == to_string(slow.error().code));
                CHECK(r.error().offset == 5 + slow.error().offset);
            }
        }
    }
    const std::string_view uid_lines[] = {"1 a", "1 abcdefghijklmnop", "0 a", "01 a", "12345678 a", "1 a b",
                                          "1  a", "1 caf\xc3\xa9", "4294967296 a"};
    for (auto line : uid_lines) {
        for (const parse_options& o : {strict_opts, lenient_opts}) {
            INFO("line " << show(line));
            const std::string one = std::string(line) + "\r\n";
            const std::string block = "+OK\r\n" + one + "100 uid-100\r\n200 uid-200\r\n.\r\n";
            auto slow = parse_uid_listing(one, o);
            auto r = parse_response(block, expect::uidl_all, o);
            REQUIRE(static_cast<bool>(slow) == static_cast<bool>(r));
            if (slow) {
                CHECK(collect(payload<uid_listing_block>(*r))[0] == *slow);
            } else {
                CHECK(to_string(r.error().code) == to_string(slow.error().code));
                CHECK(r.error().offset == 5 + slow.error().offset);
            }
        }
    }
    // A bare LF inside a long listing: strict still refuses it at the LF.
    rejects("+OK\r\n1 120\n100 100\r\n200 200\r\n.\r\n", expect::list_all, errc::strict_violation, 10);
    rejects("+OK\r\n1 abc\n100 uid-100\r\n.\r\n", expect::uidl_all, errc::strict_violation, 10);
}

// ---- limits without a reader in front ---------------------------------------------------

namespace {

// What pop3::response_reader says of `wire` as the reply to `sent`: its first error, if any.
std::optional<parse_error> reader_error(std::string_view wire, const command& sent, const parse_options& o) {
    response_reader r(o, expect_greeting::no);
    r.expect_reply(sent);
    CHECK(r.feed(wire) == wire.size());
    auto f = r.next();
    if (f) return std::nullopt;
    return f.error();
}

// `wire`, a reply to `sent` read as `k`, is refused by parse_response with limit_exceeded at
// `offset`, as the reader refuses it; or, for offset npos, both accept it.
void limit_as_reader(std::string_view wire, expect k, const command& sent, std::size_t offset, const parse_options& o) {
    INFO("input " << show(wire) << " as " << std::string(to_string(k)) << (o.strict() ? " (strict)" : " (lenient)"));
    auto r = parse_response(wire, k, o);
    const auto re = reader_error(wire, sent, o);
    if (offset == std::string_view::npos) {
        if (!r) INFO("error " << std::string(to_string(r.error().code)) << " at " << r.error().offset);
        CHECK(r.has_value());
        CHECK_FALSE(re.has_value());
        return;
    }
    REQUIRE_FALSE(r);
    CHECK(to_string(r.error().code) == "limit_exceeded");
    CHECK(r.error().offset == offset);
    REQUIRE(re.has_value());
    CHECK(to_string(re->code) == "limit_exceeded");
    CHECK(re->offset == offset);
}

constexpr std::size_t npos = std::string_view::npos;

} // namespace

TEST_CASE("message lines: max_line at, below and above, without a reader", "[pop3][response][limits]") {
    for (parse_options o : {strict_opts, lenient_opts}) {
        o.max_line = 16;
        const std::string line = "0123456789abcd\r\n"; // 16 octets
        limit_as_reader("+OK\r\n" + line + ".\r\n", expect::message, pop3::retr{1}, npos, o);
        limit_as_reader("+OK\r\n" + line.substr(1) + line + ".\r\n", expect::message, pop3::retr{1}, npos, o);
        limit_as_reader("+OK\r\nx" + line + ".\r\n", expect::message, pop3::retr{1}, 5 + 16, o);
        limit_as_reader("+OK\r\n" + line + "x" + line + ".\r\n", expect::message, pop3::top{1, 1}, 21 + 16, o);
        // A 200 KB line at the default max_line.
        parse_options d = o;
        d.max_line = parse_options{}.max_line;
        limit_as_reader("+OK\r\n" + std::string(200 * 1024, 'x') + "\r\n.\r\n", expect::message, pop3::retr{1}, 5 + d.max_line, d);
        // Cut short, a line already past the limit is limit_exceeded, not need_more: no more
        // octets could make it acceptable.
        rejects("+OK\r\nx" + line, expect::message, errc::limit_exceeded, 5 + 16, o);
        rejects("+OK\r\n" + std::string(16, 'x'), expect::message, errc::limit_exceeded, 5 + 16, o);
        rejects("+OK\r\n" + std::string(15, 'x'), expect::message, errc::need_more, 5 + 15, o);
    }
}

TEST_CASE("multi-line replies: max_message at, below and above, without a reader", "[pop3][response][limits]") {
    for (parse_options o : {strict_opts, lenient_opts}) {
        o.max_message = 40;
        const std::string line = "0123456789abcd\r\n"; // 16 octets
        // "+OK" CRLF, two lines, "." CRLF: 39, 40 and 41 octets.
        limit_as_reader("+OK\r\n" + line + line.substr(1) + ".\r\n", expect::message, pop3::retr{1}, npos, o);
        limit_as_reader("+OK\r\n" + line + line + ".\r\n", expect::message, pop3::retr{1}, npos, o);
        limit_as_reader("+OK\r\n" + line + "x" + line + ".\r\n", expect::message, pop3::retr{1}, 40, o);
        // A line that ends at max_message with more to come: the reply can only end past it.
        limit_as_reader("+OK\r\n" + line + "xyz" + line + line + ".\r\n", expect::message, pop3::retr{1}, 40, o);
        // Cut short at max_message octets: limit_exceeded, not need_more.
        rejects("+OK\r\n" + line + "xyz" + line, expect::message, errc::limit_exceeded, 40, o);
        rejects("+OK\r\n" + line + "xy" + line, expect::message, errc::need_more, 39, o);
        // Listings: 19, 20 and 21 octets with max_message 20.
        o.max_message = 20;
        limit_as_reader("+OK\r\n1 1\r\n2 22\r\n.\r\n", expect::list_all, pop3::list{}, npos, o);
        limit_as_reader("+OK\r\n1 11\r\n2 22\r\n.\r\n", expect::list_all, pop3::list{}, npos, o);
        limit_as_reader("+OK\r\n1 11\r\n2 222\r\n.\r\n", expect::list_all, pop3::list{}, 20, o);
        limit_as_reader("+OK\r\n1 aa\r\n2 bb\r\n.\r\n", expect::uidl_all, pop3::uidl{}, npos, o);
        limit_as_reader("+OK\r\n1 aa\r\n2 bbb\r\n.\r\n", expect::uidl_all, pop3::uidl{}, 20, o);
        limit_as_reader("+OK\r\nUSER\r\nSTLS\r\n.\r\n", expect::capa, pop3::capa{}, npos, o);
        limit_as_reader("+OK\r\nUSER\r\nXSTLS\r\n.\r\n", expect::capa, pop3::capa{}, 20, o);
        limit_as_reader("+OK\r\nen\r\nde x y\r\n.\r\n", expect::lang_list, pop3::lang{}, npos, o);
        limit_as_reader("+OK\r\nen\r\nde x yz\r\n.\r\n", expect::lang_list, pop3::lang{}, 20, o);
        limit_as_reader("+OK\r\n1 11\r\n2 22\r\n3 4", expect::list_all, pop3::list{}, 20, o); // cut short at 20
    }
}

TEST_CASE("SASL challenges: max_line at, below and above, without a reader", "[pop3][response][limits]") {
    for (parse_options o : {strict_opts, lenient_opts}) {
        o.max_line = 16; // RFC 5034 section 4: a challenge may be of any length; max_line still holds
        const std::string at = "+ " + std::string(12, 'A') + "\r\n";
        const std::string below = "+ " + std::string(8, 'A') + "\r\n";
        const std::string above = "+ " + std::string(16, 'A') + "\r\n";
        const pop3::auth sent{"PLAIN", std::nullopt};
        limit_as_reader(at, expect::continuation, sent, npos, o);
        limit_as_reader(below, expect::continuation, sent, npos, o);
        limit_as_reader(above, expect::continuation, sent, 16, o);
        CHECK(parse_continuation(at, o));
        CHECK(parse_continuation(below, o));
        auto r = parse_continuation(above, o);
        REQUIRE_FALSE(r);
        CHECK(to_string(r.error().code) == "limit_exceeded");
        CHECK(r.error().offset == 16);
        // Cut short past the limit: limit_exceeded, not need_more.
        auto cut = parse_continuation(std::string_view(above).substr(0, 17), o);
        REQUIRE_FALSE(cut);
        CHECK(to_string(cut.error().code) == "limit_exceeded");
        CHECK(cut.error().offset == 16);
    }
    // A 200 KB challenge at the default max_line.
    auto big = parse_continuation("+ " + std::string(200 * 1024, 'A') + "\r\n");
    REQUIRE_FALSE(big);
    CHECK(to_string(big.error().code) == "limit_exceeded");
    CHECK(big.error().offset == parse_options{}.max_line);
}

TEST_CASE("one listing line: max_line at, below and above", "[pop3][response][limits]") {
    for (parse_options o : {strict_opts, lenient_opts}) {
        o.max_line = 16;
        const auto check_one = [&](auto parse, std::string_view head) {
            const std::string at = std::string(head) + std::string(14 - head.size(), 'x') + "\r\n";
            REQUIRE(at.size() == 16);
            INFO(show(at));
            CHECK(parse(at, o));
            CHECK(parse(std::string(head) + std::string(13 - head.size(), 'x') + "\r\n", o));
            const std::string above = std::string(head) + "x" + at.substr(head.size());
            auto r = parse(above, o);
            REQUIRE_FALSE(r);
            CHECK(to_string(r.error().code) == "limit_exceeded");
            CHECK(r.error().offset == 16);
            auto cut = parse(std::string_view(above).substr(0, 16), o);
            REQUIRE_FALSE(cut);
            CHECK(to_string(cut.error().code) == "limit_exceeded");
        };
        check_one([](std::string_view l, const parse_options& p) { return parse_scan_listing(l, p); }, "1 2 ");
        check_one([](std::string_view l, const parse_options& p) { return parse_uid_listing(l, p); }, "1 ");
        check_one([](std::string_view l, const parse_options& p) { return parse_lang_entry(l, p); }, "en ");
    }
}
