// Tests for include/mailwire/pop3/command.hpp: every client line of the RFC examples
// (RFC 1939, 2449, 2595, 5034, 6856) as vectors, rejections with code and offset for each
// rule, limits at/below/above, the lenient quirks in both modes, writing and refusing.
#include <mailwire/pop3/command.hpp>

#include <cstddef>
#include <cstdlib>
#include <new>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include <mailwire/core/diagnostic.hpp>

#include "support/allocations.hpp" // parse_command must not allocate
#include "support/catch.hpp"

namespace Catch {
template <>
struct StringMaker<mailwire::pop3::command> {
    static std::string convert(const mailwire::pop3::command& c) { return fmt::format("{:v}", c); }
};
template <>
struct StringMaker<mailwire::pop3::auth_continuation> {
    static std::string convert(const mailwire::pop3::auth_continuation& c) { return fmt::format("{:v}", c); }
};
} // namespace Catch

namespace {

namespace p3 = mailwire::pop3;
using mailwire::errc;
using mailwire::parse_options;

const parse_options strict_opts{};
const parse_options lenient_opts = parse_options::make_lenient();

// Printable rendering of a line for INFO().
std::string show(std::string_view s) {
    std::string o;
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\r') o += "\\r";
        else if (c == '\n') o += "\\n";
        else if (u < 0x20 || u >= 0x7F) o += fmt::format("\\x{:02X}", static_cast<unsigned>(u));
        else o += c;
    }
    return o;
}

std::string describe(const mailwire::result<p3::command>& r) {
    return r ? fmt::format("parsed as {:v}", *r) : fmt::format("{}", r.error());
}

// Parses `line`, requires success, and checks the round trip parse -> format -> parse.
p3::command ok(std::string_view line, const parse_options& o = strict_opts) {
    auto r = p3::parse_command(line, o);
    INFO("line: " << show(line) << " -> " << describe(r));
    REQUIRE(r);
    auto wire = mailwire::to_wire(*r);
    REQUIRE(wire);
    auto again = p3::parse_command(*wire, o);
    INFO("written: " << show(*wire) << " -> " << describe(again));
    REQUIRE(again);
    CHECK(*again == *r);
    return *r;
}

// ok(), and the line is canonical: it writes back byte for byte.
p3::command canonical(std::string_view line, const parse_options& o = strict_opts) {
    auto c = ok(line, o);
    INFO("line: " << show(line));
    CHECK(fmt::format("{}", c) == line);
    return c;
}

void bad(std::string_view line, errc code, std::size_t offset, const parse_options& o = strict_opts) {
    auto r = p3::parse_command(line, o);
    INFO("line: " << show(line) << " (" << (o.strict() ? "strict" : "lenient") << ") -> " << describe(r));
    REQUIRE_FALSE(r);
    CHECK(mailwire::to_string(r.error().code) == mailwire::to_string(code));
    CHECK(r.error().offset == offset);
}

void bad_both(std::string_view line, errc code, std::size_t offset) {
    bad(line, code, offset, strict_opts);
    bad(line, code, offset, lenient_opts);
}

template <class T>
T as(const p3::command& c) {
    INFO("command: " << fmt::format("{:v}", c));
    REQUIRE(std::holds_alternative<T>(c));
    return std::get<T>(c);
}

// An extension line ("XTND" and params of at most 40 octets) of exactly `total` octets,
// CRLF included (total >= 8).
std::string ext_line(std::size_t total) {
    std::string line = "XTND";
    while (line.size() < total - 2) {
        const std::size_t room = total - 2 - line.size();
        std::size_t take = room <= 41 ? room - 1 : (room - 41 == 1 ? 39 : 40);
        line += ' ';
        line.append(take, 'a');
    }
    return line + "\r\n";
}

constexpr std::string_view digest = "c4c9334bac560ecc979e58001b3e22fb";

// Every client line of the RFC examples, as sent (all canonical).
constexpr std::string_view rfc_vectors[] = {
    // RFC 1939 §4-§7
    "QUIT\r\n", "STAT\r\n", "LIST\r\n", "LIST 2\r\n", "LIST 3\r\n", "RETR 1\r\n", "DELE 1\r\n", "DELE 2\r\n",
    "NOOP\r\n", "RSET\r\n", "TOP 1 10\r\n", "TOP 100 3\r\n", "UIDL\r\n", "UIDL 2\r\n", "UIDL 3\r\n",
    "USER frated\r\n", "USER mrose\r\n", "PASS secret\r\n", "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n",
    // RFC 1939 §10 (beyond the above: RETR 2)
    "RETR 2\r\n",
    // RFC 2449 §5, RFC 2595 §4
    "CAPA\r\n", "STLS\r\n",
    // RFC 5034 §6
    "AUTH PLAIN dGVzdAB0ZXN0AHRlc3Q=\r\n", "AUTH PLAIN\r\n", "AUTH DIGEST-MD5\r\n",
    // RFC 6856 §2.1, §3.3
    "UTF8\r\n", "USER karen\r\n", "PASS password\r\n", "LANG MUL\r\n", "LANG\r\n", "LANG es\r\n", "LANG uga\r\n",
    "LANG sv\r\n", "LANG *\r\n",
};

} // namespace

// ---- RFC example vectors ---------------------------------------------------------------

TEST_CASE("RFC 1939 §4-§7 example client lines", "[pop3][command][rfc1939]") {
    as<p3::quit>(canonical("QUIT\r\n")); // §4 and §6
    as<p3::stat>(canonical("STAT\r\n")); // §5
    CHECK_FALSE(as<p3::list>(canonical("LIST\r\n")).msg.has_value());
    CHECK(as<p3::list>(canonical("LIST 2\r\n")).msg == 2u);
    CHECK(as<p3::list>(canonical("LIST 3\r\n")).msg == 3u);
    CHECK(as<p3::retr>(canonical("RETR 1\r\n")).msg == 1u);
    CHECK(as<p3::dele>(canonical("DELE 1\r\n")).msg == 1u);
    CHECK(as<p3::dele>(canonical("DELE 2\r\n")).msg == 2u);
    as<p3::noop>(canonical("NOOP\r\n"));
    as<p3::rset>(canonical("RSET\r\n"));
    // §7
    auto t = as<p3::top>(canonical("TOP 1 10\r\n"));
    CHECK(t.msg == 1u);
    CHECK(t.lines == 10u);
    t = as<p3::top>(canonical("TOP 100 3\r\n"));
    CHECK(t.msg == 100u);
    CHECK(t.lines == 3u);
    CHECK_FALSE(as<p3::uidl>(canonical("UIDL\r\n")).msg.has_value());
    CHECK(as<p3::uidl>(canonical("UIDL 2\r\n")).msg == 2u);
    CHECK(as<p3::uidl>(canonical("UIDL 3\r\n")).msg == 3u);
    CHECK(as<p3::user>(canonical("USER frated\r\n")).name == "frated");
    CHECK(as<p3::user>(canonical("USER mrose\r\n")).name == "mrose");
    CHECK(as<p3::pass>(canonical("PASS secret\r\n")).password == "secret");
    auto a = as<p3::apop>(canonical("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"));
    CHECK(a.name == "mrose");
    CHECK(a.digest == digest);
}

TEST_CASE("RFC 1939 §10 example session, client side", "[pop3][command][rfc1939]") {
    const std::string_view session[] = {
        "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n", "STAT\r\n", "LIST\r\n", "RETR 1\r\n",
        "DELE 1\r\n", "RETR 2\r\n", "DELE 2\r\n", "QUIT\r\n",
    };
    std::vector<p3::command> got;
    for (auto line : session) got.push_back(canonical(line));
    REQUIRE(got.size() == 8);
    CHECK(got[0] == p3::command{p3::apop{"mrose", digest}});
    CHECK(got[1] == p3::command{p3::stat{}});
    CHECK(got[2] == p3::command{p3::list{}});
    CHECK(got[3] == p3::command{p3::retr{1}});
    CHECK(got[4] == p3::command{p3::dele{1}});
    CHECK(got[5] == p3::command{p3::retr{2}});
    CHECK(got[6] == p3::command{p3::dele{2}});
    CHECK(got[7] == p3::command{p3::quit{}});
}

TEST_CASE("RFC 2449 §5 CAPA and §8 APOP example", "[pop3][command][rfc2449]") {
    as<p3::capa>(canonical("CAPA\r\n"));
    CHECK(as<p3::apop>(canonical("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n")).name == "mrose");
}

TEST_CASE("RFC 2595 §4 STLS examples", "[pop3][command][rfc2595]") {
    // Both STLS examples of §4 (the other client lines of RFC 2595 are IMAP).
    as<p3::stls>(canonical("STLS\r\n"));
    as<p3::stls>(canonical("STLS\r\n"));
}

TEST_CASE("RFC 5034 §6 AUTH examples, with their continuation lines", "[pop3][command][rfc5034]") {
    // First example: CAPA, STLS, CAPA, AUTH with an initial response.
    as<p3::capa>(canonical("CAPA\r\n"));
    as<p3::stls>(canonical("STLS\r\n"));
    auto a = as<p3::auth>(canonical("AUTH PLAIN dGVzdAB0ZXN0AHRlc3Q=\r\n"));
    CHECK(a.mechanism == "PLAIN");
    REQUIRE(a.initial_response.has_value());
    CHECK(*a.initial_response == "dGVzdAB0ZXN0AHRlc3Q=");
    std::string decoded;
    REQUIRE(mailwire::decode_base64_to(*a.initial_response, decoded));
    CHECK(decoded == std::string("test\0test\0test", 14));

    // Second example: AUTH without initial response, then the response on its own line.
    a = as<p3::auth>(canonical("AUTH PLAIN\r\n"));
    CHECK(a.mechanism == "PLAIN");
    CHECK_FALSE(a.initial_response.has_value());
    auto c = p3::parse_auth_continuation("dGVzdAB0ZXN0AHRlc3Q=\r\n");
    REQUIRE(c);
    CHECK_FALSE(c->cancel);
    CHECK(c->base64 == "dGVzdAB0ZXN0AHRlc3Q=");
    CHECK(fmt::format("{}", *c) == "dGVzdAB0ZXN0AHRlc3Q=\r\n");

    // Third example: DIGEST-MD5; the client's response (split over five lines in the RFC
    // "for editorial clarity only") and the final empty response.
    a = as<p3::auth>(canonical("AUTH DIGEST-MD5\r\n"));
    CHECK(a.mechanism == "DIGEST-MD5");
    const std::string_view response =
        "Y2hhcnNldD11dGYtOCx1c2VybmFtZT0iY2hyaXMiLHJlYWxtPSJlbHdvb2"
        "QuaW5ub3NvZnQuY29tIixub25jZT0iT0E2TUc5dEVRR20yaGgiLG5jPTAw"
        "MDAwMDAxLGNub25jZT0iT0E2TUhYaDZWcVRyUmsiLGRpZ2VzdC11cmk9In"
        "BvcC9lbHdvb2QuaW5ub3NvZnQuY29tIixyZXNwb25zZT1iMGQ1NmQyZjA1"
        "NGMyNGI2MjA3MjMyMjEwNjQ2OGRiOSxxb3A9YXV0aA==";
    const std::string line = std::string(response) + "\r\n";
    c = p3::parse_auth_continuation(line);
    REQUIRE(c);
    CHECK(c->base64 == response);
    CHECK(fmt::format("{}", *c) == line);
    decoded.clear();
    REQUIRE(mailwire::decode_base64_to(c->base64, decoded));
    CHECK(decoded.rfind("charset=utf-8,username=\"chris\"", 0) == 0);

    c = p3::parse_auth_continuation("\r\n");
    REQUIRE(c);
    CHECK_FALSE(c->cancel);
    CHECK(c->base64.empty());
    CHECK(fmt::format("{}", *c) == "\r\n");
}

TEST_CASE("RFC 6856 §2.1 UTF8 and §3.3 LANG examples", "[pop3][command][rfc6856]") {
    as<p3::utf8>(canonical("UTF8\r\n"));
    CHECK(as<p3::user>(canonical("USER karen\r\n")).name == "karen");
    CHECK(as<p3::pass>(canonical("PASS password\r\n")).password == "password");
    // Syntactically valid ranges even where the server refuses them (MUL, uga).
    CHECK(as<p3::lang>(canonical("LANG MUL\r\n")).tag == std::optional<std::string_view>("MUL"));
    CHECK_FALSE(as<p3::lang>(canonical("LANG\r\n")).tag.has_value());
    CHECK(as<p3::lang>(canonical("LANG es\r\n")).tag == std::optional<std::string_view>("es"));
    CHECK(as<p3::lang>(canonical("LANG uga\r\n")).tag == std::optional<std::string_view>("uga"));
    CHECK(as<p3::lang>(canonical("LANG sv\r\n")).tag == std::optional<std::string_view>("sv"));
    CHECK(as<p3::lang>(canonical("LANG *\r\n")).tag == std::optional<std::string_view>("*"));
    // Language tags from the §3.3 listing, as LANG arguments.
    CHECK(as<p3::lang>(canonical("LANG en-boont\r\n")).tag == std::optional<std::string_view>("en-boont"));
}

TEST_CASE("every RFC vector round-trips byte for byte in both modes", "[pop3][command]") {
    for (auto line : rfc_vectors) {
        auto s = canonical(line, strict_opts);
        auto l = canonical(line, lenient_opts);
        CHECK(s == l);
    }
}

TEST_CASE("seed dialogue in lower case parses, canonical form is upper case", "[pop3][command]") {
    // From a student's transcript typed at a terminal.
    struct { std::string_view line, wire; p3::command want; } const dialogue[] = {
        {"user bob\r\n", "USER bob\r\n", p3::user{"bob"}},
        {"pass hungry\r\n", "PASS hungry\r\n", p3::pass{"hungry"}},
        {"list\r\n", "LIST\r\n", p3::list{}},
        {"retr 1\r\n", "RETR 1\r\n", p3::retr{1}},
        {"dele 1\r\n", "DELE 1\r\n", p3::dele{1}},
        {"retr 2\r\n", "RETR 2\r\n", p3::retr{2}},
        {"dele 2\r\n", "DELE 2\r\n", p3::dele{2}},
        {"quit\r\n", "QUIT\r\n", p3::quit{}},
    };
    for (const auto& d : dialogue) {
        for (const auto* o : {&strict_opts, &lenient_opts}) {
            auto c = ok(d.line, *o);
            CHECK(c == d.want);
            CHECK(fmt::format("{}", c) == d.wire);
        }
    }
}

TEST_CASE("keywords are case-insensitive in every spelling", "[pop3][command]") {
    CHECK(ok("ReTr 7\r\n") == p3::command{p3::retr{7}});
    CHECK(ok("tOp 7 0\r\n") == p3::command{p3::top{7, 0}});
    CHECK(ok("Apop mrose c4c9334bac560ecc979e58001b3e22fb\r\n") == p3::command{p3::apop{"mrose", digest}});
    for (auto kw : p3::command_rules::keyword_names) {
        std::string lower(kw), mixed(kw);
        for (std::size_t i = 0; i < lower.size(); ++i) {
            lower[i] = mailwire::chars::to_lower(lower[i]);
            if (i % 2) mixed[i] = mailwire::chars::to_lower(mixed[i]);
        }
        INFO(std::string(kw));
        CHECK(p3::command_rules::identify_keyword(lower) == p3::command_rules::identify_keyword(kw));
        CHECK(p3::command_rules::identify_keyword(mixed) == p3::command_rules::identify_keyword(kw));
        CHECK(p3::command_rules::identify_keyword(kw) != p3::command_rules::keyword_id::none);
    }
    // Near misses are not known keywords.
    for (auto kw : {"USE", "USERS", "TOPS", "TO", "QUI7", "U5ER", "RETR\x01"})
        CHECK(p3::command_rules::identify_keyword(kw) == p3::command_rules::keyword_id::none);
}

// ---- rejections ---------------------------------------------------------------------

TEST_CASE("message numbers: 1..4294967295, no sign, no garbage, no leading zero", "[pop3][command][reject]") {
    CHECK(as<p3::retr>(canonical("RETR 4294967295\r\n")).msg == 4294967295u);
    bad_both("RETR 0\r\n", errc::number_out_of_range, 5);
    bad_both("RETR -1\r\n", errc::invalid_syntax, 5);
    bad_both("RETR +1\r\n", errc::invalid_syntax, 5);
    bad_both("RETR 1x\r\n", errc::invalid_syntax, 6);
    bad_both("RETR 4294967296\r\n", errc::number_out_of_range, 5);
    bad_both("RETR 99999999999999999999\r\n", errc::number_out_of_range, 5);
    bad_both("RETR 01\r\n", errc::invalid_syntax, 5);
    bad_both("RETR x\r\n", errc::invalid_syntax, 5);
    bad_both("DELE 0\r\n", errc::number_out_of_range, 5);
    bad_both("LIST 0\r\n", errc::number_out_of_range, 5);
    bad_both("UIDL 0\r\n", errc::number_out_of_range, 5);
    bad_both("LIST 1.5\r\n", errc::invalid_syntax, 6);
    bad_both("TOP 0 1\r\n", errc::number_out_of_range, 4);
    bad_both("TOP 1 -1\r\n", errc::invalid_syntax, 6);
    bad_both("TOP 1 00\r\n", errc::invalid_syntax, 6);
    bad_both("TOP 1 4294967296\r\n", errc::number_out_of_range, 6);
    bad_both("TOP 1 1e3\r\n", errc::invalid_syntax, 7);
    // TOP's line count may be 0 (headers only) or the maximum.
    CHECK(as<p3::top>(canonical("TOP 1 0\r\n")).lines == 0u);
    CHECK(as<p3::top>(canonical("TOP 1 4294967295\r\n")).lines == 4294967295u);
}

TEST_CASE("wrong argument counts are errors, not extensions", "[pop3][command][reject]") {
    bad_both("TOP 1\r\n", errc::invalid_syntax, 5);
    bad_both("TOP\r\n", errc::invalid_syntax, 3);
    bad_both("TOP 1 2 3\r\n", errc::invalid_syntax, 7);
    bad_both("LIST 1 2\r\n", errc::invalid_syntax, 6);
    bad_both("UIDL 1 2\r\n", errc::invalid_syntax, 6);
    bad_both("RETR\r\n", errc::invalid_syntax, 4);
    bad_both("RETR 1 2\r\n", errc::invalid_syntax, 6);
    bad_both("DELE\r\n", errc::invalid_syntax, 4);
    bad_both("QUIT now\r\n", errc::invalid_syntax, 4);
    bad_both("STAT 1\r\n", errc::invalid_syntax, 4);
    bad_both("NOOP x\r\n", errc::invalid_syntax, 4);
    bad_both("CAPA x\r\n", errc::invalid_syntax, 4);
    bad_both("STLS x\r\n", errc::invalid_syntax, 4);
    bad_both("UTF8 on\r\n", errc::invalid_syntax, 4);
    bad_both("USER\r\n", errc::invalid_syntax, 4);
    bad_both("USER bob smith\r\n", errc::invalid_syntax, 8);
    bad_both("PASS\r\n", errc::invalid_syntax, 4);
    bad_both("PASS \r\n", errc::invalid_syntax, 5);
    bad_both("APOP mrose\r\n", errc::invalid_syntax, 10);
    bad_both("APOP\r\n", errc::invalid_syntax, 4);
    bad_both("AUTH\r\n", errc::invalid_syntax, 4);
    bad_both("AUTH PLAIN = x\r\n", errc::invalid_syntax, 12);
    bad_both("LANG en fr\r\n", errc::invalid_syntax, 7);
    bad("RETR \r\n", errc::invalid_syntax, 5);
    bad("USER \r\n", errc::invalid_syntax, 5);
}

TEST_CASE("framing: CRLF required, one line only", "[pop3][command][reject]") {
    bad_both("QUIT", errc::need_more, 4);       // missing CRLF
    bad_both("QUIT\r", errc::need_more, 5);     // LF still to come
    bad_both("", errc::need_more, 0);
    bad_both("QU\rIT\r\n", errc::invalid_syntax, 3);     // CR not followed by LF
    bad_both("QUIT\r\r\n", errc::invalid_syntax, 5);
    bad_both("QUIT\r\nNOOP\r\n", errc::invalid_syntax, 6); // a second line
    bad_both("QUIT\r\n\r\n", errc::invalid_syntax, 6);
    bad_both("\r\n", errc::invalid_syntax, 0);           // empty line
    bad_both(" QUIT\r\n", errc::invalid_syntax, 0);      // leading SP
    bad_both("\tQUIT\r\n", errc::invalid_syntax, 0);
    bad_both("QUIT\t\r\n", errc::invalid_syntax, 4);
    bad_both("QU\r\n", errc::invalid_syntax, 2);         // keyword = 3*4VCHAR
    bad_both("Q\r\n", errc::invalid_syntax, 1);
}

TEST_CASE("NUL and other control octets are rejected where they stand", "[pop3][command][reject]") {
    using namespace std::string_view_literals;
    bad_both("USER b\0b\r\n"sv, errc::invalid_syntax, 6);
    bad_both("QU\0IT\r\n"sv, errc::invalid_syntax, 2);
    bad_both("\0\r\n"sv, errc::invalid_syntax, 0);
    bad_both("PASS se\0cret\r\n"sv, errc::invalid_syntax, 7);
    bad_both("PASS se\x7F" "cret\r\n"sv, errc::invalid_syntax, 7);
    bad_both("PASS \tsecret\r\n"sv, errc::invalid_syntax, 5);
    bad_both("RETR 1\0\r\n"sv, errc::invalid_syntax, 6);
    bad_both("XTND a\x1B" "b\r\n"sv, errc::invalid_syntax, 6);
    bad_both("APOP mr\x01ose c4c9334bac560ecc979e58001b3e22fb\r\n"sv, errc::invalid_syntax, 7);
}

TEST_CASE("APOP digest: exactly 32 hex digits", "[pop3][command][reject]") {
    // "APOP mrose " is 11 octets: the digest starts at offset 11.
    bad_both("APOP mrose c4c9334bac560ecc979e58001b3e22f\r\n", errc::invalid_argument, 42);    // 31 digits
    bad_both("APOP mrose c4c9334bac560ecc979e58001b3e22fbb\r\n", errc::invalid_argument, 43);  // 33 digits
    bad_both("APOP mrose c4c93g4bac560ecc979e58001b3e22fb\r\n", errc::invalid_argument, 16);   // 'g'
    bad_both("APOP mrose c4c9334b-c560ecc979e58001b3e22fb\r\n", errc::invalid_argument, 19);
    bad_both("APOP mrose x\r\n", errc::invalid_argument, 11);
    bad_both("APOP mrose c4c9334bac560ecc979e58001b3e22fb extra\r\n", errc::invalid_syntax, 43);
    // Upper-case hex is accepted and kept as sent.
    CHECK(as<p3::apop>(canonical("APOP mrose C4C9334BAC560ECC979E58001B3E22FB\r\n")).digest ==
          "C4C9334BAC560ECC979E58001B3E22FB");
}

TEST_CASE("AUTH: sasl-mech and base64 initial response", "[pop3][command][reject]") {
    // "AUTH PLAIN " is 11 octets.
    bad_both("AUTH PLAIN dGVzdAB0ZXN0AHRlc3Q\r\n", errc::invalid_argument, 30);  // 19 chars: not a quantum
    bad_both("AUTH PLAIN =AAA\r\n", errc::invalid_argument, 11);                 // RFC 5034 §4
    bad_both("AUTH PLAIN AAA=BBB\r\n", errc::invalid_argument, 15);              // RFC 5034 §4
    bad_both("AUTH PLAIN dGVz!AAA\r\n", errc::invalid_argument, 15);
    bad_both("AUTH PLAIN ==\r\n", errc::invalid_argument, 11);
    bad_both("AUTH PLAIN dGVzdA-_\r\n", errc::invalid_argument, 17);             // base64url
    // sasl-mech = 1*20mech-char
    bad_both("AUTH PL@IN\r\n", errc::invalid_argument, 7);
    bad_both("AUTH PLAIN.X\r\n", errc::invalid_argument, 10);
    bad_both("AUTH ABCDEFGHIJKLMNOPQRSTU\r\n", errc::invalid_argument, 25);       // 21 characters
    CHECK(as<p3::auth>(canonical("AUTH ABCDEFGHIJKLMNOPQRST\r\n")).mechanism == "ABCDEFGHIJKLMNOPQRST");
    CHECK(as<p3::auth>(canonical("AUTH SCRAM-SHA-256-PLUS\r\n")).mechanism == "SCRAM-SHA-256-PLUS");
    CHECK(as<p3::auth>(canonical("AUTH KERBEROS_V4\r\n")).mechanism == "KERBEROS_V4");
    // RFC 5034 §5: the AUTH grammar is case-insensitive except base64, so lower case is
    // accepted in both modes and kept as sent.
    CHECK(as<p3::auth>(canonical("AUTH plain\r\n", strict_opts)).mechanism == "plain");
    auto mixed = ok("auth Plain dGVzdAB0ZXN0AHRlc3Q=\r\n", lenient_opts);
    CHECK(as<p3::auth>(mixed).mechanism == "Plain");
    CHECK(fmt::format("{}", mixed) == "AUTH Plain dGVzdAB0ZXN0AHRlc3Q=\r\n");
    // "=" is an empty initial response (RFC 5034 §4), held as "" and written back as "=".
    auto a = as<p3::auth>(canonical("AUTH PLAIN =\r\n"));
    REQUIRE(a.initial_response.has_value());
    CHECK(a.initial_response->empty());
    CHECK(a != p3::auth{"PLAIN", std::nullopt});
    // The initial response is not held to the 40-octet argument limit (RFC 5034 §4 bounds
    // it by the 255-octet line only).
    const std::string long_ir = "AUTH PLAIN " + std::string(240, 'A') + "\r\n";   // 253 octets
    CHECK(as<p3::auth>(canonical(long_ir)).initial_response->size() == 240u);
}

TEST_CASE("LANG: a basic language range (RFC 4647 §2.1) or star", "[pop3][command][reject]") {
    // "LANG " is 5 octets.
    CHECK(as<p3::lang>(canonical("LANG zh-Hant-TW\r\n")).tag == std::optional<std::string_view>("zh-Hant-TW"));
    CHECK(as<p3::lang>(canonical("LANG de-1996\r\n")).tag == std::optional<std::string_view>("de-1996"));
    CHECK(as<p3::lang>(canonical("LANG abcdefgh-12345678\r\n")).tag.has_value());
    bad_both("LANG e_s\r\n", errc::invalid_argument, 6);
    bad_both("LANG en-\r\n", errc::invalid_argument, 8);
    bad_both("LANG -en\r\n", errc::invalid_argument, 5);
    bad_both("LANG 1en\r\n", errc::invalid_argument, 5);     // first subtag is ALPHA only
    bad_both("LANG en--US\r\n", errc::invalid_argument, 8);
    bad_both("LANG abcdefghi\r\n", errc::invalid_argument, 13); // 9 letters
    bad_both("LANG en-123456789\r\n", errc::invalid_argument, 16);
    bad_both("LANG *x\r\n", errc::invalid_argument, 6);
    bad_both("LANG en-*\r\n", errc::invalid_argument, 8);    // extended ranges are not basic ranges
}

// ---- limits -------------------------------------------------------------------------

TEST_CASE("line limit: 255 octets with CRLF in strict mode (RFC 2449 §4)", "[pop3][command][limit]") {
    for (std::size_t n : {8u, 9u, 10u, 47u, 48u, 100u, 254u, 255u, 256u, 300u}) REQUIRE(ext_line(n).size() == n);
    ok(ext_line(254));
    CHECK(fmt::format("{}", ok(ext_line(255))) == ext_line(255));
    bad(ext_line(256), errc::limit_exceeded, 255);
    bad(ext_line(300), errc::limit_exceeded, 255);
    bad(std::string(300, 'A'), errc::limit_exceeded, 255);          // no terminator in sight
    bad(std::string(254, 'A') + "\r\n", errc::limit_exceeded, 255); // CR at 254, LF past the limit
    bad("AUTH PLAIN " + std::string(244, 'A') + "\r\n", errc::limit_exceeded, 255); // 257 octets
    // Lenient mode applies max_line only.
    ok(ext_line(256), lenient_opts);
    ok(ext_line(300), lenient_opts);
    bad(std::string(300, 'A'), errc::need_more, 300, lenient_opts);
}

TEST_CASE("line limit options: pop3_max_command_line and max_line", "[pop3][command][limit]") {
    parse_options o;
    o.pop3_max_command_line = 10;
    ok("RETR 123\r\n", o);                           // 10 octets: at the limit
    ok("RETR 12\r\n", o);                            // below
    bad("RETR 1234\r\n", errc::limit_exceeded, 10, o);  // above
    // Strict mode never exceeds max_line either.
    parse_options small;
    small.max_line = 9;
    ok("RETR 12\r\n", small);
    bad("RETR 123\r\n", errc::limit_exceeded, 9, small);
    // Lenient: max_line at, below, above.
    parse_options len = parse_options::make_lenient();
    len.max_line = 300;
    ok(ext_line(300), len);
    ok(ext_line(299), len);
    bad(ext_line(301), errc::limit_exceeded, 300, len);
    len.max_line = 6;
    ok("QUIT\r\n", len);
    ok("QUIT\n", len);
    bad("RETR 1\r\n", errc::limit_exceeded, 6, len);
}

TEST_CASE("argument limit: 40 octets in strict mode (RFC 1939 §3)", "[pop3][command][limit]") {
    const std::string a40(40, 'a'), a41(41, 'a'), a39(39, 'a');
    // "USER " is 5 octets: the 41st octet of the argument is at offset 45.
    CHECK(as<p3::user>(canonical("USER " + a40 + "\r\n")).name.size() == 40u);
    canonical("USER " + a39 + "\r\n");
    bad("USER " + a41 + "\r\n", errc::limit_exceeded, 45);
    CHECK(as<p3::user>(canonical("USER " + a41 + "\r\n", lenient_opts)).name.size() == 41u);
    // PASS counts its spaces.
    canonical("PASS " + std::string(20, 'p') + std::string(20, ' ') + "\r\n");
    bad("PASS " + std::string(20, 'p') + std::string(21, ' ') + "\r\n", errc::limit_exceeded, 45);
    canonical("PASS " + a41 + "\r\n", lenient_opts);
    bad("APOP " + a41 + " " + std::string(digest) + "\r\n", errc::limit_exceeded, 45);
    canonical("APOP " + a40 + " " + std::string(digest) + "\r\n");
    bad("APOP mrose " + std::string(41, 'c') + "\r\n", errc::limit_exceeded, 51);
    bad("APOP mrose " + std::string(41, 'c') + "\r\n", errc::invalid_argument, 43, lenient_opts);
    bad("RETR " + std::string(41, '1') + "\r\n", errc::limit_exceeded, 45);
    bad("RETR " + std::string(41, '1') + "\r\n", errc::number_out_of_range, 5, lenient_opts);
    bad("RETR " + std::string(40, '0') + "1\r\n", errc::limit_exceeded, 45);
    bad("AUTH " + std::string(41, 'M') + "\r\n", errc::limit_exceeded, 45);
    bad("AUTH " + std::string(41, 'M') + "\r\n", errc::invalid_argument, 25, lenient_opts);
    bad("LANG " + std::string(41, 'a') + "\r\n", errc::limit_exceeded, 45);
    bad("XTND " + a41 + "\r\n", errc::limit_exceeded, 45);
    bad("XTND a " + a41 + "\r\n", errc::limit_exceeded, 47);
    canonical("XTND " + a40 + " " + a40 + "\r\n");
    canonical("XTND " + a41 + "\r\n", lenient_opts);
    // A custom limit.
    parse_options o;
    o.pop3_max_argument = 8;
    ok("USER abcdefgh\r\n", o);
    bad("USER abcdefghi\r\n", errc::limit_exceeded, 13, o);
}

// ---- extensions -----------------------------------------------------------------------

TEST_CASE("unknown keywords are kept as extensions, never dropped or mangled", "[pop3][command][extension]") {
    auto e = as<p3::extension>(canonical("XTND XMIT\r\n")); // RFC 1725's XTND
    CHECK(e.keyword == "XTND");
    CHECK(e.arguments == "XMIT");
    e = as<p3::extension>(canonical("LAST\r\n"));            // RFC 1460's LAST
    CHECK(e.keyword == "LAST");
    CHECK(e.arguments.empty());
    e = as<p3::extension>(canonical("xtnd xmit\r\n"));       // case kept
    CHECK(e.keyword == "xtnd");
    CHECK(e.arguments == "xmit");
    e = as<p3::extension>(canonical("X-AB 1 two 3\r\n"));
    CHECK(e.keyword == "X-AB");
    CHECK(e.arguments == "1 two 3");
    e = as<p3::extension>(canonical("RET 1\r\n"));           // a near miss of RETR
    CHECK(e.keyword == "RET");
    CHECK(p3::command_name(p3::command{e}) == "RET");
    e = as<p3::extension>(canonical("XUTF \xC3\xA9t\xC3\xA9\r\n"));
    CHECK(e.arguments == "\xC3\xA9t\xC3\xA9");
    // Strict mode holds extension params to the RFC 2449 §3 shape.
    bad("XTND \r\n", errc::strict_violation, 4);
    bad("XTND a  b\r\n", errc::strict_violation, 7);
    bad("XTND a \r\n", errc::strict_violation, 6);
    bad("XTND  a\r\n", errc::strict_violation, 5);
    bad_both("XT\r\n", errc::invalid_syntax, 2);
}

// ---- lenient quirks, each in both modes --------------------------------------------------

TEST_CASE("quirk: bare LF line end (netcat without -C, hand-typed sessions)", "[pop3][command][quirk]") {
    bad("QUIT\n", errc::strict_violation, 4);
    bad("user bob\n", errc::strict_violation, 8);
    bad("\n", errc::strict_violation, 0);
    CHECK(ok("QUIT\n", lenient_opts) == p3::command{p3::quit{}});
    CHECK(ok("user bob\n", lenient_opts) == p3::command{p3::user{"bob"}});
    CHECK(fmt::format("{}", ok("retr 1\n", lenient_opts)) == "RETR 1\r\n");
    CHECK(ok("PASS two words\n", lenient_opts) == p3::command{p3::pass{"two words"}});
    bad("\n", errc::invalid_syntax, 0, lenient_opts);
    bad("QUIT\n\n", errc::invalid_syntax, 5, lenient_opts);
    bad("QUIT\r\r\n", errc::invalid_syntax, 5, lenient_opts); // a lone CR is never a line end
}

TEST_CASE("quirk: runs of SP between arguments (hand-typed telnet sessions)", "[pop3][command][quirk]") {
    bad("RETR  1\r\n", errc::strict_violation, 5);
    bad("TOP 1  10\r\n", errc::strict_violation, 6);
    bad("APOP  mrose c4c9334bac560ecc979e58001b3e22fb\r\n", errc::strict_violation, 5);
    bad("AUTH PLAIN  =\r\n", errc::strict_violation, 11);
    CHECK(ok("RETR  1\r\n", lenient_opts) == p3::command{p3::retr{1}});
    auto t = ok("TOP   1   10\r\n", lenient_opts);
    CHECK(t == p3::command{p3::top{1, 10}});
    CHECK(fmt::format("{}", t) == "TOP 1 10\r\n");
    CHECK(ok("APOP  mrose  c4c9334bac560ecc979e58001b3e22fb\r\n", lenient_opts) ==
          p3::command{p3::apop{"mrose", digest}});
    CHECK(ok("AUTH  PLAIN  =\r\n", lenient_opts) == p3::command{p3::auth{"PLAIN", std::string_view{}}});
    CHECK(ok("LANG   es\r\n", lenient_opts) == p3::command{p3::lang{"es"}});
    auto e = as<p3::extension>(ok("XTND a  b\r\n", lenient_opts)); // kept as sent
    CHECK(e.arguments == "a  b");
    CHECK(fmt::format("{}", p3::command{e}) == "XTND a  b\r\n");
    // PASS is not affected: its spaces belong to the password in both modes.
    CHECK(as<p3::pass>(canonical("PASS  two  words \r\n")).password == " two  words ");
    CHECK(as<p3::pass>(canonical("PASS  two  words \r\n", lenient_opts)).password == " two  words ");
}

TEST_CASE("quirk: trailing SP before CRLF (hand-typed telnet sessions)", "[pop3][command][quirk]") {
    bad("QUIT \r\n", errc::strict_violation, 4);
    bad("LIST \r\n", errc::strict_violation, 4);
    bad("RETR 1 \r\n", errc::strict_violation, 6);
    bad("USER bob  \r\n", errc::strict_violation, 8);
    bad("LANG \r\n", errc::strict_violation, 4);
    bad("AUTH PLAIN \r\n", errc::strict_violation, 10);
    CHECK(ok("QUIT \r\n", lenient_opts) == p3::command{p3::quit{}});
    CHECK(ok("LIST  \r\n", lenient_opts) == p3::command{p3::list{}});
    CHECK(ok("RETR 1 \r\n", lenient_opts) == p3::command{p3::retr{1}});
    CHECK(ok("USER bob  \r\n", lenient_opts) == p3::command{p3::user{"bob"}});
    CHECK(ok("AUTH PLAIN \r\n", lenient_opts) == p3::command{p3::auth{"PLAIN", std::nullopt}});
    CHECK(ok("user bob \n", lenient_opts) == p3::command{p3::user{"bob"}});
    auto e = as<p3::extension>(ok("XTND \r\n", lenient_opts));
    CHECK(e.arguments.empty());
    CHECK(fmt::format("{}", p3::command{e}) == "XTND\r\n");
}

TEST_CASE("quirk: keyword longer than 4 characters (Dovecot proxy XCLIENT)", "[pop3][command][quirk]") {
    const std::string_view line = "XCLIENT ADDR=192.0.2.1 PORT=53211 SESSION=abc TTL=4\r\n";
    bad(line, errc::strict_violation, 4);
    auto e = as<p3::extension>(canonical(line, lenient_opts));
    CHECK(e.keyword == "XCLIENT");
    CHECK(e.arguments == "ADDR=192.0.2.1 PORT=53211 SESSION=abc TTL=4");
    CHECK(p3::command_name(p3::command{e}) == "XCLIENT");
    // Up to 40 characters in lenient mode.
    canonical(std::string(40, 'X') + "\r\n", lenient_opts);
    bad(std::string(41, 'X') + "\r\n", errc::limit_exceeded, 40, lenient_opts);
    bad(std::string(41, 'X') + "\r\n", errc::strict_violation, 4);
}

TEST_CASE("quirk: AUTH line over 255 octets (mpop's one-line AUTH XOAUTH2, marlam/mpop#11)", "[pop3][command][quirk][limit]") {
    // OAuth 2 bearer tokens run to kilobytes; mpop sent them as the initial response.
    std::string token;
    mailwire::encode_base64_to(std::string("user=someuser@example.com\x01" "auth=Bearer ") + std::string(900, 'y') + "\x01\x01", token);
    const std::string line = "AUTH XOAUTH2 " + token + "\r\n";
    REQUIRE(line.size() > 255);
    bad(line, errc::limit_exceeded, 255);
    auto a = as<p3::auth>(canonical(line, lenient_opts));
    CHECK(a.mechanism == "XOAUTH2");
    CHECK(a.initial_response == std::optional<std::string_view>(token));
}

// ---- AUTH continuation lines --------------------------------------------------------------

TEST_CASE("AUTH continuation: star cancels, empty is an empty response, else base64", "[pop3][command][auth]") {
    auto c = p3::parse_auth_continuation("*\r\n");
    REQUIRE(c);
    CHECK(c->cancel);
    CHECK(fmt::format("{}", *c) == "*\r\n");
    for (std::string_view line : {"dGVzdAB0ZXN0AHRlc3Q=\r\n", "\r\n", "AAAA\r\n"}) {
        auto r = p3::parse_auth_continuation(line);
        REQUIRE(r);
        CHECK_FALSE(r->cancel);
        CHECK(fmt::format("{}", *r) == line);
        const std::string wire = fmt::format("{}", *r);
        auto again = p3::parse_auth_continuation(wire);
        REQUIRE(again);
        CHECK(*again == *r);
    }
    auto rej = [](std::string_view line, errc code, std::size_t off, const parse_options& o = strict_opts) {
        auto r = p3::parse_auth_continuation(line, o);
        INFO(show(line));
        REQUIRE_FALSE(r);
        CHECK(mailwire::to_string(r.error().code) == mailwire::to_string(code));
        CHECK(r.error().offset == off);
    };
    rej("**\r\n", errc::invalid_syntax, 0);
    rej("* \r\n", errc::invalid_syntax, 0);
    rej("=\r\n", errc::invalid_syntax, 0);         // "=" is only for AUTH's initial response
    rej("=AAA\r\n", errc::invalid_syntax, 0);
    rej("AAA=BBB\r\n", errc::invalid_syntax, 4);
    rej("AA=A\r\n", errc::invalid_syntax, 3);
    rej("dGVzdAB0ZXN0AHRlc3Q\r\n", errc::invalid_syntax, 19);
    rej("dGVz dAB0\r\n", errc::invalid_syntax, 4);
    rej(" dGVz\r\n", errc::invalid_syntax, 0);
    rej("AAAA", errc::need_more, 4);
    rej("AAAA\n", errc::strict_violation, 4);
    rej("AAAA\r\nAAAA\r\n", errc::invalid_syntax, 6);
    // Bare LF: the same quirk as command lines (netcat without -C).
    auto lf = p3::parse_auth_continuation("*\n", lenient_opts);
    REQUIRE(lf);
    CHECK(lf->cancel);
    // RFC 5034 §4: responses "may be of arbitrary length": only max_line applies.
    const std::string long_line = std::string(1000, 'A') + "\r\n";
    auto big = p3::parse_auth_continuation(long_line);
    REQUIRE(big);
    CHECK(big->base64.size() == 1000u);
    parse_options o;
    o.max_line = 1002;
    CHECK(p3::parse_auth_continuation(long_line, o));
    o.max_line = 1001;
    rej(long_line, errc::limit_exceeded, 1001, o);
}

// ---- APOP helper ------------------------------------------------------------------------

TEST_CASE("APOP: the exact octets to hash, RFC 1939 §7 example", "[pop3][command][apop]") {
    std::string in;
    p3::apop_digest_input("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf", in);
    CHECK(in == "<1896.697170952@dbc.mtview.ca.us>tanstaaf");
    std::vector<char> v{'x'};
    p3::apop_digest_input("<a@b>", "s", v);
    CHECK(std::string(v.begin(), v.end()) == "x<a@b>s");
    // The digest the RFC says MD5 gives for those octets is a valid APOP digest.
    CHECK(p3::is_apop_digest("c4c9334bac560ecc979e58001b3e22fb"));
    CHECK(p3::is_apop_digest("C4C9334BAC560ECC979E58001B3E22FB"));
    CHECK_FALSE(p3::is_apop_digest("c4c9334bac560ecc979e58001b3e22f"));
    CHECK_FALSE(p3::is_apop_digest("c4c9334bac560ecc979e58001b3e22fbb"));
    CHECK_FALSE(p3::is_apop_digest("c4c9334bac560ecc979e58001b3e22fg"));
    CHECK_FALSE(p3::is_apop_digest(""));
    STATIC_REQUIRE(p3::is_apop_digest("00000000000000000000000000000000"));
}

// ---- writing ---------------------------------------------------------------------------

TEST_CASE("canonical wire bytes of constructed commands", "[pop3][command][format]") {
    CHECK(fmt::format("{}", p3::user{"bob"}) == "USER bob\r\n");
    CHECK(fmt::format("{}", p3::pass{"two words"}) == "PASS two words\r\n");
    CHECK(fmt::format("{}", p3::apop{"mrose", digest}) == "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n");
    CHECK(fmt::format("{}", p3::stat{}) == "STAT\r\n");
    CHECK(fmt::format("{}", p3::list{}) == "LIST\r\n");
    CHECK(fmt::format("{}", p3::list{4294967295u}) == "LIST 4294967295\r\n");
    CHECK(fmt::format("{}", p3::retr{1}) == "RETR 1\r\n");
    CHECK(fmt::format("{}", p3::dele{2}) == "DELE 2\r\n");
    CHECK(fmt::format("{}", p3::noop{}) == "NOOP\r\n");
    CHECK(fmt::format("{}", p3::rset{}) == "RSET\r\n");
    CHECK(fmt::format("{}", p3::quit{}) == "QUIT\r\n");
    CHECK(fmt::format("{}", p3::top{1, 0}) == "TOP 1 0\r\n");
    CHECK(fmt::format("{}", p3::uidl{}) == "UIDL\r\n");
    CHECK(fmt::format("{}", p3::uidl{3}) == "UIDL 3\r\n");
    CHECK(fmt::format("{}", p3::capa{}) == "CAPA\r\n");
    CHECK(fmt::format("{}", p3::stls{}) == "STLS\r\n");
    CHECK(fmt::format("{}", p3::auth{"PLAIN", std::nullopt}) == "AUTH PLAIN\r\n");
    CHECK(fmt::format("{}", p3::auth{"PLAIN", std::string_view{}}) == "AUTH PLAIN =\r\n");
    CHECK(fmt::format("{}", p3::auth{"PLAIN", std::string_view{"AGJvYgBodW5ncnk="}}) == "AUTH PLAIN AGJvYgBodW5ncnk=\r\n");
    CHECK(fmt::format("{}", p3::utf8{}) == "UTF8\r\n");
    CHECK(fmt::format("{}", p3::lang{}) == "LANG\r\n");
    CHECK(fmt::format("{}", p3::lang{"*"}) == "LANG *\r\n");
    CHECK(fmt::format("{}", p3::extension{"XTND", "XMIT"}) == "XTND XMIT\r\n");
    CHECK(fmt::format("{}", p3::extension{"LAST", ""}) == "LAST\r\n");
    CHECK(fmt::format("{}", p3::auth_continuation{true, {}}) == "*\r\n");
    CHECK(fmt::format("{}", p3::auth_continuation{false, {}}) == "\r\n");
    // The variant writes the alternative it holds.
    CHECK(fmt::format("{}", p3::command{p3::top{100, 3}}) == "TOP 100 3\r\n");
    // Through the checked entry points.
    auto w = mailwire::to_wire(p3::command{p3::retr{5}});
    REQUIRE(w);
    CHECK(*w == "RETR 5\r\n");
    std::string buf = "x";
    CHECK(mailwire::write_wire(buf, p3::command{p3::quit{}}));
    CHECK(buf == "xQUIT\r\n");
}

TEST_CASE("{:v} gives a readable one-line dump, secrets redacted", "[pop3][command][format]") {
    CHECK(fmt::format("{:v}", p3::retr{1}) == "RETR msg=1");
    CHECK(fmt::format("{:v}", p3::user{"bob"}) == "USER name=\"bob\"");
    CHECK(fmt::format("{:v}", p3::user{"a\"b\\c\r\n"}) == "USER name=\"a\\\"b\\\\c\\x0D\\x0A\"");
    CHECK(fmt::format("{:v}", p3::pass{"hungry"}) == "PASS password=<redacted, 6 octets>");
    CHECK(fmt::format("{:v}", p3::apop{"mrose", digest}) == "APOP name=\"mrose\" digest=\"c4c9334bac560ecc979e58001b3e22fb\"");
    CHECK(fmt::format("{:v}", p3::list{}) == "LIST");
    CHECK(fmt::format("{:v}", p3::list{2}) == "LIST msg=2");
    CHECK(fmt::format("{:v}", p3::uidl{2}) == "UIDL msg=2");
    CHECK(fmt::format("{:v}", p3::top{1, 10}) == "TOP msg=1 lines=10");
    CHECK(fmt::format("{:v}", p3::dele{3}) == "DELE msg=3");
    CHECK(fmt::format("{:v}", p3::auth{"PLAIN", std::nullopt}) == "AUTH mechanism=\"PLAIN\"");
    CHECK(fmt::format("{:v}", p3::auth{"PLAIN", std::string_view{}}) == "AUTH mechanism=\"PLAIN\" initial-response=empty");
    CHECK(fmt::format("{:v}", p3::auth{"PLAIN", std::string_view{"dGVzdAB0ZXN0AHRlc3Q="}}) ==
          "AUTH mechanism=\"PLAIN\" initial-response=<redacted, 20 octets>");
    CHECK(fmt::format("{:v}", p3::lang{"es"}) == "LANG tag=\"es\"");
    CHECK(fmt::format("{:v}", p3::lang{}) == "LANG");
    CHECK(fmt::format("{:v}", p3::extension{"XTND", "XMIT"}) == "extension keyword=\"XTND\" arguments=\"XMIT\"");
    CHECK(fmt::format("{:v}", p3::auth_continuation{true, {}}) == "AUTH-response cancel");
    CHECK(fmt::format("{:v}", p3::auth_continuation{false, {}}) == "AUTH-response empty");
    CHECK(fmt::format("{:v}", p3::auth_continuation{false, "AAAA"}) == "AUTH-response base64=<redacted, 4 octets>");
    CHECK(fmt::format("{:v}", p3::command{p3::stls{}}) == "STLS");
    CHECK(fmt::format("{:v}", p3::command{p3::noop{}}) == "NOOP");
    // Unsafe values still dump (escaped) rather than being refused.
    CHECK(fmt::format("{:v}", p3::retr{0}) == "RETR msg=0");
}

TEST_CASE("command_name names every command", "[pop3][command]") {
    CHECK(p3::command_name(p3::user{}) == "USER");
    CHECK(p3::command_name(p3::pass{}) == "PASS");
    CHECK(p3::command_name(p3::apop{}) == "APOP");
    CHECK(p3::command_name(p3::stat{}) == "STAT");
    CHECK(p3::command_name(p3::list{}) == "LIST");
    CHECK(p3::command_name(p3::retr{}) == "RETR");
    CHECK(p3::command_name(p3::dele{}) == "DELE");
    CHECK(p3::command_name(p3::noop{}) == "NOOP");
    CHECK(p3::command_name(p3::rset{}) == "RSET");
    CHECK(p3::command_name(p3::quit{}) == "QUIT");
    CHECK(p3::command_name(p3::top{}) == "TOP");
    CHECK(p3::command_name(p3::uidl{}) == "UIDL");
    CHECK(p3::command_name(p3::capa{}) == "CAPA");
    CHECK(p3::command_name(p3::stls{}) == "STLS");
    CHECK(p3::command_name(p3::auth{}) == "AUTH");
    CHECK(p3::command_name(p3::utf8{}) == "UTF8");
    CHECK(p3::command_name(p3::lang{}) == "LANG");
    CHECK(p3::command_name(p3::extension{"XTND", ""}) == "XTND");
    // The dump of every vector starts with its name (extensions excepted).
    for (auto line : rfc_vectors) {
        auto c = ok(line);
        CHECK(fmt::format("{:v}", c).rfind(p3::command_name(c), 0) == 0);
    }
}

namespace {
void refused(const mailwire::result<void>& r, std::size_t offset = 0) {
    REQUIRE_FALSE(r);
    CHECK(mailwire::to_string(r.error().code) == mailwire::to_string(errc::unsafe_value));
    CHECK(r.error().offset == offset);
}
} // namespace

TEST_CASE("check_writable refuses what would inject or not parse back", "[pop3][command][format]") {
    using namespace std::string_view_literals;
    refused(check_writable(p3::pass{"secret\r\nDELE 1"}), 6);
    refused(check_writable(p3::pass{"secret\nDELE 1"}), 6);
    refused(check_writable(p3::pass{"sec\0ret"sv}), 3);
    refused(check_writable(p3::pass{""}));
    refused(check_writable(p3::user{""}));
    refused(check_writable(p3::user{"bob smith"}), 3);   // would parse back as two arguments
    refused(check_writable(p3::user{"bob\r\nQUIT"}), 3);
    refused(check_writable(p3::user{"b\0b"sv}), 1);
    refused(check_writable(p3::apop{"", digest}));
    refused(check_writable(p3::apop{"m rose", digest}), 1);
    refused(check_writable(p3::apop{"mrose", "c4c9"}), 4);
    refused(check_writable(p3::apop{"mrose", "c4c9334bac560ecc979e58001b3e22fx"}), 31);
    refused(check_writable(p3::retr{0}));
    refused(check_writable(p3::dele{0}));
    refused(check_writable(p3::list{0}));
    refused(check_writable(p3::uidl{0}));
    refused(check_writable(p3::top{0, 5}));
    refused(check_writable(p3::auth{"", std::nullopt}));
    refused(check_writable(p3::auth{"PLAIN\r\n", std::nullopt}), 5);
    refused(check_writable(p3::auth{"ABCDEFGHIJKLMNOPQRSTU", std::nullopt}), 20);
    refused(check_writable(p3::auth{"PLAIN", std::string_view{"="}}));       // "=" is how "" is written
    refused(check_writable(p3::auth{"PLAIN", std::string_view{"AA\r\nQUIT"}}), 2);
    refused(check_writable(p3::lang{""}));
    refused(check_writable(p3::lang{"en us"}), 2);
    refused(check_writable(p3::extension{"RETR", "1"}));      // would parse back as RETR
    refused(check_writable(p3::extension{"retr", "1"}));
    refused(check_writable(p3::extension{"XT", ""}), 2);
    refused(check_writable(p3::extension{"X TND", ""}), 1);
    refused(check_writable(p3::extension{std::string_view(std::string(41, 'X')), ""}), 40);
    refused(check_writable(p3::extension{"XTND", "a\r\nDELE 1"}), 1);
    refused(check_writable(p3::auth_continuation{true, "AAAA"}));
    refused(check_writable(p3::auth_continuation{false, "*"}));
    refused(check_writable(p3::auth_continuation{false, "AAAA\r\n"}), 4);
    // The variant refuses what its alternative refuses; to_wire and write_wire write nothing.
    refused(check_writable(p3::command{p3::pass{"x\r\nDELE 1"}}), 1);
    CHECK_FALSE(mailwire::to_wire(p3::command{p3::retr{0}}));
    std::string buf = "x";
    CHECK_FALSE(mailwire::write_wire(buf, p3::command{p3::user{"a b"}}));
    CHECK(buf == "x");
    // And accepts the safe ones, including lenient-only shapes that still parse back.
    CHECK(check_writable(p3::auth{"PLAIN", std::string_view{}}));
    CHECK(check_writable(p3::pass{" spaced out "}));
    CHECK(check_writable(p3::user{"j\xC3\xB6rg"}));
    CHECK(check_writable(p3::top{1, 0}));
    CHECK(check_writable(p3::extension{"XCLIENT", "ADDR=192.0.2.1"}));
    CHECK(check_writable(p3::extension{"XTND", "a  b"}));
    CHECK(check_writable(p3::auth_continuation{false, ""}));
}

TEST_CASE("UTF-8 in USER, PASS and APOP names (RFC 6856 §2.2)", "[pop3][command]") {
    CHECK(as<p3::user>(canonical("USER j\xC3\xB6rg\r\n")).name == "j\xC3\xB6rg");
    CHECK(as<p3::pass>(canonical("PASS p\xC3\xA4ss w\xC3\xB6rd\r\n")).password == "p\xC3\xA4ss w\xC3\xB6rd");
    CHECK(as<p3::apop>(canonical("APOP j\xC3\xB6rg c4c9334bac560ecc979e58001b3e22fb\r\n")).name == "j\xC3\xB6rg");
}

// ---- properties -----------------------------------------------------------------------

TEST_CASE("parse_command does not allocate", "[pop3][command][perf]") {
    const std::string long_auth = "AUTH XOAUTH2 " + std::string(2000, 'A') + "\r\n";
    std::size_t parsed = 0;
    const std::size_t before = mailwire_test::allocations;
    for (auto line : rfc_vectors) parsed += p3::parse_command(line).has_value() ? 1u : 0u;
    parsed += p3::parse_command("XCLIENT ADDR=1 PORT=2\r\n", lenient_opts).has_value() ? 1u : 0u;
    parsed += p3::parse_command(long_auth, lenient_opts).has_value() ? 1u : 0u;
    parsed += p3::parse_command("RETR 0\r\n").has_value() ? 1u : 0u;
    parsed += p3::parse_auth_continuation("dGVzdAB0ZXN0AHRlc3Q=\r\n").has_value() ? 1u : 0u;
    const std::size_t after = mailwire_test::allocations;
    CHECK(after == before);
    // The counter does count (the replacement operator new is in effect).
    auto* probe = new std::string(100, 'x');
    CHECK(mailwire_test::allocations > after);
    delete probe;
    CHECK(parsed == std::size(rfc_vectors) + 3);
}

TEST_CASE("parse_command is usable in constant expressions", "[pop3][command]") {
    STATIC_REQUIRE(p3::parse_command("RETR 1\r\n").has_value());
    STATIC_REQUIRE(p3::parse_command("TOP 1 10\r\n").value() == p3::command{p3::top{1, 10}});
    STATIC_REQUIRE(!p3::parse_command("RETR 0\r\n").has_value());
    STATIC_REQUIRE(p3::command_rules::identify_keyword("uidl") == p3::command_rules::keyword_id::uidl);
}

TEST_CASE("errors render with a caret under the offset", "[pop3][command]") {
    auto r = p3::parse_command("RETR 0\r\n");
    REQUIRE_FALSE(r);
    CHECK(fmt::format("{}", r.error()) == "number_out_of_range at offset 5: expected nz-number");
}
