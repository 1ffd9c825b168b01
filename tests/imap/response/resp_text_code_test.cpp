#include <mailwire/imap/response/resp_text_code.hpp>

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "support/catch.hpp"

using mailwire::errc;
using mailwire::parse_options;
using mailwire::scanner;
using namespace mailwire::imap;

namespace {

const parse_options strict{};
const parse_options lenient = parse_options::make_lenient();

resp_text_code code_of(std::string_view text, const parse_options& o = strict) {
    INFO(std::string(text));
    auto r = parse_all(text, [&](scanner& s) { return rules::resp_text_code(s, o); });
    REQUIRE(r.has_value());
    CHECK(fmt::format("{}", *r) == text); // canonical: written back byte for byte
    return *r;
}

} // namespace

TEST_CASE("resp_text_code: classification is case-insensitive and keyword() is canonical") {
    CHECK(classify_code("uidnext") == code_kind::uidnext);
    CHECK(classify_code("Read-Only") == code_kind::read_only);
    CHECK(classify_code("X-FOO") == code_kind::other);
    for (std::size_t i = 0; i < static_cast<std::size_t>(code_kind::other); ++i) {
        const auto k = static_cast<code_kind>(i);
        CHECK(classify_code(keyword(k)) == k);
    }
}

TEST_CASE("resp_text_code: typed arguments") {
    CHECK(code_of("UIDVALIDITY 3857529045").number == 3857529045u);
    CHECK(code_of("HIGHESTMODSEQ 9223372036854775807").number == 9223372036854775807ull);
    auto c = code_of("COPYUID 1 1:3,5 10:13");
    CHECK(c.set1.size() == 2);
    CHECK(c.set2.text() == "10:13");
    CHECK(code_of("CAPABILITY IMAP4rev2 AUTH=PLAIN").caps.contains("auth=plain"));
    CHECK(code_of("PERMANENTFLAGS ()").flags.empty());
    CHECK(code_of("MAILBOXID (abc_-1)").text == "abc_-1");
    CHECK(code_of("X-UNKNOWN-CODE arbitrary text, with (parens)").text == "arbitrary text, with (parens)");
}

TEST_CASE("resp_text_code: known names with other arguments fall back to the generic alternative") {
    auto c = code_of("UIDNEXT soon");
    CHECK(c.kind == code_kind::other);
    CHECK(c.name == "UIDNEXT");
    CHECK(c.text == "soon");
    CHECK(code_of("APPENDUID 1 *").kind == code_kind::other); // no "*" in uid-set
    // ... but a quirk in strict mode is reported, not hidden.
    auto q = parse_all("PERMANENTFLAGS (\\Seen *)", [&](scanner& s) { return rules::resp_text_code(s, strict); });
    REQUIRE_FALSE(q.has_value());
    CHECK(q.error().code == errc::strict_violation);
    CHECK(q.error().offset == 22);
}

TEST_CASE("resp_text: code, SP, text") {
    auto r = parse_all("[ALERT] System shutdown in 10 minutes", [](scanner& s) { return rules::resp_text(s); });
    REQUIRE(r.has_value());
    CHECK(r->has_code);
    CHECK(r->code.kind == code_kind::alert);
    CHECK(r->text == "System shutdown in 10 minutes");
    CHECK(fmt::format("{}", *r) == "[ALERT] System shutdown in 10 minutes");
    CHECK(fmt::format("{:v}", *r) == "[ALERT] \"System shutdown in 10 minutes\"");
    auto e = parse_all("[ALERT]", [](scanner& s) { return rules::resp_text(s); });
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error().code == errc::strict_violation);
    CHECK(e.error().offset == 7);
    CHECK(parse_all("[ALERT]", [](scanner& s) { return rules::resp_text(s, lenient); }).has_value());
}

TEST_CASE("resp_text / resp_text_code: check_writable") {
    resp_text_code c;
    c.kind = code_kind::capability;
    CHECK_FALSE(check_writable(c).has_value());
    c.caps = capability_list("IMAP4rev2");
    CHECK(check_writable(c).has_value());
    c.kind = code_kind::referral;
    c.text = "imap://x/]";
    CHECK(check_writable(c).error().offset == 9);
    c.kind = code_kind::mailboxid;
    c.text = "has space";
    CHECK_FALSE(check_writable(c).has_value());
    resp_text t;
    t.text = "line\nbreak";
    CHECK(check_writable(t).error().offset == 4);
}

TEST_CASE("resp_text_code: a BADCHARSET charset named NIL is an atom, parsed and written back") {
    // charset = atom / quoted (RFC 9051 §9), and NIL is an atom; the generic value list
    // reads it as nil, which check_writable refused (found by fuzz_imap_frame_agreement).
    for (std::string_view text : {"BADCHARSET (NIL)", "BADCHARSET (NIL N \"US-II\")", "BADCHARSET (UTF-8 NIL)"}) {
        const resp_text_code c = code_of(text);
        CHECK(c.kind == code_kind::badcharset);
        CHECK(check_writable(c).has_value());
    }
    // The lower-case form is the same charset name, written in capitals.
    auto r = parse_all("BADCHARSET (nil)", [&](scanner& s) { return rules::resp_text_code(s, strict); });
    REQUIRE(r.has_value());
    CHECK(check_writable(*r).has_value());
    CHECK(fmt::format("{}", *r) == "BADCHARSET (NIL)");
}
