// Tests for include/mailwire/pop3/capability.hpp: one CAPA listing line at a time.
// The CAPA listings of the RFC examples, whole, are in tests/pop3/response_test.cpp.
#include <mailwire/pop3/capability.hpp>

#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "support/catch.hpp"

using namespace mailwire;
using namespace mailwire::pop3;

namespace {

const parse_options strict_opts{};
const parse_options lenient_opts = parse_options::make_lenient();

// Parses `line` (CRLF included) strictly, checks it writes back byte for byte, that the
// lenient parse agrees, and that check_writable accepts it.
capability cap_ok(std::string_view line) {
    INFO("line: " << std::string(line));
    auto c = parse_capability(line, strict_opts);
    if (!c) INFO("error " << std::string(to_string(c.error().code)) << " at " << c.error().offset);
    REQUIRE(c);
    CHECK(fmt::format("{}", *c) == line);
    auto l = parse_capability(line, lenient_opts);
    REQUIRE(l);
    CHECK(*l == *c);
    CHECK(check_writable(*c));
    return *c;
}

void cap_bad(std::string_view line, errc code, std::size_t offset, const parse_options& o = strict_opts) {
    INFO("line: " << std::string(line));
    auto c = parse_capability(line, o);
    REQUIRE_FALSE(c);
    CHECK(to_string(c.error().code) == to_string(code));
    CHECK(c.error().offset == offset);
}

} // namespace

// RFC 2449 §5 CAPA example, line by line.
TEST_CASE("RFC 2449 §5 example capabilities parse typed and write back", "[pop3][capability]") {
    CHECK(std::holds_alternative<cap::top>(cap_ok("TOP\r\n")));
    CHECK(std::holds_alternative<cap::user>(cap_ok("USER\r\n")));
    {
        auto c = cap_ok("SASL CRAM-MD5 KERBEROS_V4\r\n");
        const auto& s = std::get<cap::sasl>(c);
        CHECK(s.mechanisms == "CRAM-MD5 KERBEROS_V4");
        std::vector<std::string_view> names(s.names().begin(), s.names().end());
        REQUIRE(names.size() == 2);
        CHECK(names[0] == "CRAM-MD5");
        CHECK(names[1] == "KERBEROS_V4");
        CHECK(s.supports("cram-md5"));
        CHECK_FALSE(s.supports("PLAIN"));
        CHECK(s.names().size() == 2);
    }
    CHECK(std::holds_alternative<cap::resp_codes>(cap_ok("RESP-CODES\r\n")));
    {
        auto c = cap_ok("LOGIN-DELAY 900\r\n");
        CHECK(std::get<cap::login_delay>(c) == cap::login_delay{900, false});
    }
    CHECK(std::holds_alternative<cap::pipelining>(cap_ok("PIPELINING\r\n")));
    CHECK(std::get<cap::expire>(cap_ok("EXPIRE 60\r\n")) == cap::expire{60, false});
    CHECK(std::holds_alternative<cap::uidl>(cap_ok("UIDL\r\n")));
    CHECK(std::get<cap::implementation>(cap_ok("IMPLEMENTATION Shlemazle-Plotz-v302\r\n")).text == "Shlemazle-Plotz-v302");
}

// RFC 2449 §6.7 EXPIRE examples and §6.5 LOGIN-DELAY with USER.
TEST_CASE("EXPIRE and LOGIN-DELAY forms of RFC 2449 §6.5 and §6.7", "[pop3][capability]") {
    auto e1 = std::get<cap::expire>(cap_ok("EXPIRE 5 USER\r\n"));
    CHECK(e1.days == 5u);
    CHECK(e1.per_user);
    auto e2 = std::get<cap::expire>(cap_ok("EXPIRE 30\r\n"));
    CHECK(e2.days == 30u);
    CHECK_FALSE(e2.per_user);
    auto e3 = std::get<cap::expire>(cap_ok("EXPIRE NEVER\r\n"));
    CHECK(e3.never());
    CHECK_FALSE(e3.per_user);
    auto e4 = std::get<cap::expire>(cap_ok("EXPIRE 0\r\n"));
    CHECK(e4.days == 0u);
    auto e5 = std::get<cap::expire>(cap_ok("EXPIRE NEVER USER\r\n"));
    CHECK(e5.never());
    CHECK(e5.per_user);
    auto l = std::get<cap::login_delay>(cap_ok("LOGIN-DELAY 900 USER\r\n"));
    CHECK(l.seconds == 900u);
    CHECK(l.per_user);
}

// RFC 5034 §3 example, RFC 2595 §4 STLS, RFC 6856 §2/§3, RFC 3206 AUTH-RESP-CODE.
TEST_CASE("SASL, STLS, UTF8, LANG, AUTH-RESP-CODE and IMPLEMENTATION with spaces", "[pop3][capability]") {
    auto s = std::get<cap::sasl>(cap_ok("SASL PLAIN DIGEST-MD5 GSSAPI ANONYMOUS\r\n"));
    CHECK(s.names().size() == 4);
    CHECK(s.supports("GSSAPI"));
    CHECK(std::holds_alternative<cap::stls>(cap_ok("STLS\r\n")));
    CHECK(std::get<cap::implementation>(cap_ok("IMPLEMENTATION BlurdyBlurp POP3 server\r\n")).text ==
          "BlurdyBlurp POP3 server");
    CHECK(std::get<cap::utf8>(cap_ok("UTF8\r\n")).user == false);
    CHECK(std::get<cap::utf8>(cap_ok("UTF8 USER\r\n")).user == true);
    CHECK(std::holds_alternative<cap::lang>(cap_ok("LANG\r\n")));
    CHECK(std::holds_alternative<cap::auth_resp_code>(cap_ok("AUTH-RESP-CODE\r\n")));
    // An empty SASL list is `capa-tag *(SP param)` with no params: legal.
    CHECK(std::get<cap::sasl>(cap_ok("SASL\r\n")).names().empty());
}

TEST_CASE("unknown capabilities are kept with their arguments", "[pop3][capability]") {
    auto u = std::get<cap::unknown>(cap_ok("X-MAILBOX-SIZE 1000 2000\r\n"));
    CHECK(u.tag == "X-MAILBOX-SIZE");
    CHECK(u.arguments == "1000 2000");
    auto v = std::get<cap::unknown>(cap_ok("XTND\r\n"));
    CHECK(v.tag == "XTND");
    CHECK(v.arguments.empty());
    CHECK(capability_name(capability{v}) == "XTND");
    CHECK(capability_name(capability{cap::stls{}}) == "STLS");
}

TEST_CASE("CAPA tags are case-insensitive and write back in canonical case", "[pop3][capability]") {
    auto c = parse_capability("top\r\n");
    REQUIRE(c);
    CHECK(std::holds_alternative<cap::top>(*c));
    CHECK(fmt::format("{}", *c) == "TOP\r\n");
    auto e = parse_capability("Expire never user\r\n");
    REQUIRE(e);
    CHECK(fmt::format("{}", *e) == "EXPIRE NEVER USER\r\n");
    const std::string written = fmt::format("{}", *e); // the parse views it: keep it alive
    auto again = parse_capability(written);
    REQUIRE(again);
    CHECK(*again == *e);
}

TEST_CASE("capability lines that break the grammar are rejected at the right byte", "[pop3][capability]") {
    cap_bad("\r\n", errc::invalid_syntax, 0);                  // capa-tag = 1*cchar
    cap_bad("TO.P\r\n", errc::invalid_syntax, 2);              // cchar excludes "."
    cap_bad("SASL  PLAIN\r\n", errc::invalid_syntax, 5);       // param = 1*VCHAR: no empty param
    cap_bad("SASL PLAIN \r\n", errc::invalid_syntax, 11);      // no trailing SP
    cap_bad("IMPLEMENTATION caf\xc3\xa9\r\n", errc::invalid_syntax, 18); // param is VCHAR
    cap_bad("TOP", errc::need_more, 3);
    cap_bad("TOP\r", errc::need_more, 4);
    cap_bad("TOP\rX", errc::invalid_syntax, 3);
    cap_bad("TOP\r\nUSER\r\n", errc::invalid_syntax, 5);       // one line only
    cap_bad("TOP 1\r\n", errc::invalid_argument, 4);           // TOP takes no arguments
    cap_bad("LOGIN-DELAY\r\n", errc::invalid_argument, 11);
    cap_bad("LOGIN-DELAY soon\r\n", errc::invalid_argument, 12);
    cap_bad("LOGIN-DELAY 99999999999\r\n", errc::number_out_of_range, 12);
    cap_bad("LOGIN-DELAY 900 ADMIN\r\n", errc::invalid_argument, 16);
    cap_bad("EXPIRE 5 USER X\r\n", errc::invalid_argument, 13);
    cap_bad("EXPIRE SOON\r\n", errc::invalid_argument, 7);
    cap_bad("UTF8 ALL\r\n", errc::invalid_argument, 5);
    cap_bad("IMPLEMENTATION\r\n", errc::invalid_argument, 14);
}

TEST_CASE("a capability line is limited to 512 octets in strict mode (RFC 2449 §3)", "[pop3][capability][limits]") {
    auto line_of = [](std::size_t total) {
        std::string l = "X-PAD ";
        l.append(total - l.size() - 2, 'a');
        return l + "\r\n";
    };
    const std::string at = line_of(512), below = line_of(511), above = line_of(513);
    CHECK(parse_capability(at));
    CHECK(parse_capability(below));
    auto r = parse_capability(above);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::limit_exceeded);
    CHECK(r.error().offset == 512);
    CHECK(parse_capability(above, lenient_opts)); // lenient: max_line applies
    parse_options small = lenient_opts;
    small.max_line = 100;
    auto s = parse_capability(line_of(101), small);
    REQUIRE_FALSE(s);
    CHECK(s.error().code == errc::limit_exceeded);
    CHECK(s.error().offset == 100);
    CHECK(parse_capability(line_of(100), small));
}

TEST_CASE("bare LF after a capability: lenient accepts, strict refuses (seen in the wild)", "[pop3][capability][quirk]") {
    cap_bad("TOP\n", errc::strict_violation, 3);
    auto c = parse_capability("TOP\n", lenient_opts);
    REQUIRE(c);
    CHECK(std::holds_alternative<cap::top>(*c));
}

TEST_CASE("known tag with malformed arguments is kept as unknown in lenient mode (seen in the wild)",
          "[pop3][capability][quirk]") {
    cap_bad("LOGIN-DELAY none\r\n", errc::invalid_argument, 12);
    auto c = parse_capability("LOGIN-DELAY none\r\n", lenient_opts);
    REQUIRE(c);
    const auto& u = std::get<cap::unknown>(*c);
    CHECK(u.tag == "LOGIN-DELAY");
    CHECK(u.arguments == "none");
    CHECK(fmt::format("{}", *c) == "LOGIN-DELAY none\r\n");
    const std::string written = fmt::format("{}", *c);
    auto again = parse_capability(written, lenient_opts);
    REQUIRE(again);
    CHECK(*again == *c);
    // It would not parse back as itself in strict mode, so check_writable refuses it.
    auto w = check_writable(*c);
    REQUIRE_FALSE(w);
    CHECK(w.error().code == errc::unsafe_value);
}

TEST_CASE("check_writable and the formatter refuse capabilities that would break the listing", "[pop3][capability][write]") {
    auto refuses = [](const capability& c) {
        auto w = check_writable(c);
        REQUIRE_FALSE(w);
        CHECK(w.error().code == errc::unsafe_value);
    };
    refuses(cap::sasl{"PLAIN\r\nX"});
    refuses(cap::sasl{"PLAIN  LOGIN"});
    refuses(cap::sasl{" PLAIN"});
    refuses(cap::implementation{""});
    refuses(cap::implementation{"a\nb"});
    refuses(cap::unknown{".", ""});        // would read as the terminator
    refuses(cap::unknown{"", "x"});
    refuses(cap::unknown{"X FOO", ""});
    refuses(cap::unknown{"TOP", ""});      // would parse as cap::top
    refuses(cap::unknown{"X-A", "b\r\n.\r\n"});
    CHECK(check_writable(cap::unknown{"X-A", "b c"}));
    CHECK(check_writable(cap::sasl{""}));
    CHECK(check_writable(cap::sasl{"PLAIN LOGIN"}));
    CHECK(check_writable(cap::expire{std::nullopt, true}));

    auto w = to_wire(capability{cap::login_delay{300, true}});
    REQUIRE(w);
    CHECK(*w == "LOGIN-DELAY 300 USER\r\n");
    CHECK(fmt::format("{}", cap::expire{std::nullopt, false}) == "EXPIRE NEVER\r\n");
    CHECK(fmt::format("{}", cap::utf8{true}) == "UTF8 USER\r\n");
    CHECK(fmt::format("{}", cap::stls{}) == "STLS\r\n");
    CHECK_FALSE(to_wire(capability{cap::unknown{".", ""}}));
}

TEST_CASE("verbose dumps of capabilities", "[pop3][capability][format]") {
    CHECK(fmt::format("{:v}", capability{cap::sasl{"PLAIN LOGIN"}}) == "SASL[PLAIN LOGIN]");
    CHECK(fmt::format("{:v}", capability{cap::login_delay{900, true}}) == "LOGIN-DELAY{seconds=900, per-user}");
    CHECK(fmt::format("{:v}", capability{cap::expire{std::nullopt, false}}) == "EXPIRE{never}");
    CHECK(fmt::format("{:v}", capability{cap::expire{5, false}}) == "EXPIRE{days=5}");
    CHECK(fmt::format("{:v}", capability{cap::implementation{"a\"b"}}) == "IMPLEMENTATION \"a\\\"b\"");
    CHECK(fmt::format("{:v}", capability{cap::unknown{"X-Y", "1"}}) == "unknown \"X-Y\" \"1\"");
    CHECK(fmt::format("{:v}", cap::top{}) == "TOP");
}

TEST_CASE("word_range splits SASL mechanism lists without allocating", "[pop3][capability]") {
    word_range w("  A  BB C ");
    std::vector<std::string_view> got(w.begin(), w.end());
    REQUIRE(got.size() == 3);
    CHECK(got[0] == "A");
    CHECK(got[1] == "BB");
    CHECK(got[2] == "C");
    CHECK(word_range("").empty());
    CHECK(word_range("   ").empty());
}
