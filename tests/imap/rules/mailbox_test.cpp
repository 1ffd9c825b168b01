#include <mailwire/imap/rules/mailbox.hpp>

#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "support/catch.hpp"

using mailwire::errc;
using mailwire::parse_options;
using mailwire::scanner;
using mailwire::imap::mailbox;
using mailwire::imap::parse_all;
using mailwire::imap::session_syntax;
using mailwire::imap::string_context;
using mailwire::imap::string_form;
namespace rules = mailwire::imap::rules;
using namespace std::string_literals;

namespace {

const parse_options strict{};
const parse_options lenient = parse_options::make_lenient();
const session_syntax utf8_on{true};

auto mailbox_rule(const parse_options& o = strict, session_syntax syn = {}) {
    return [o, syn](scanner& s) { return rules::mailbox(s, o, syn); };
}

template <class R>
void check_error(const R& r, errc code, std::size_t offset) {
    REQUIRE_FALSE(r.has_value());
    CHECK(mailwire::to_string(r.error().code) == mailwire::to_string(code));
    CHECK(r.error().offset == offset);
    CHECK_FALSE(r.error().expected.empty());
}

template <class Rule>
void round_trip(std::string_view in, Rule rule) {
    INFO("input: " << std::string(in));
    auto a = parse_all(in, rule);
    REQUIRE(a);
    auto wire = mailwire::to_wire(*a);
    REQUIRE(wire);
    CHECK(*wire == std::string(in));
    auto b = parse_all(*wire, rule);
    REQUIRE(b);
    CHECK(*b == *a);
    CHECK(b->inbox == a->inbox);
}

} // namespace

TEST_CASE("mailbox: RFC 9051 and RFC 3501 names", "[imap][mailbox][rfc]") {
    // From LIST/SELECT/CREATE examples of RFC 9051 sections 6.3 and 6.3.9, and RFC 3501
    // section 5.1.3.
    const char* vectors[] = {
        "INBOX", "blurdybloop", "foo/bar", "~/Mail/foo", "#news.comp.mail.misc", "\"Fruit/Peach\"",
        "\"inbox\"", "\"INBOX.DeletedMailbox\"", "\"\"", "/", "#news.", "~peter/mail/&U,BTFw-/&ZeVnLIqe-",
        "\"Other Messages\"", "{6}\r\nfoo\r\nx", "owatagusiam/", "Sent]Items",
    };
    for (auto v : vectors) round_trip(v, mailbox_rule());
    check_error(parse_all("", mailbox_rule()), errc::invalid_syntax, 0);
    check_error(parse_all("(foo)", mailbox_rule()), errc::invalid_syntax, 0);
    check_error(parse_all("foo bar", mailbox_rule()), errc::invalid_syntax, 3);
    check_error(parse_all("foo*", mailbox_rule()), errc::invalid_syntax, 3); // wildcards are list-mailbox only
    check_error(parse_all("NIL ", mailbox_rule()), errc::invalid_syntax, 3);
}

TEST_CASE("mailbox: INBOX in any case and any form is INBOX", "[imap][mailbox]") {
    for (auto v : {"INBOX", "inbox", "iNbOx", "\"InBoX\"", "{5}\r\ninbox", "\"INBO\\X\""}) {
        INFO(v);
        auto r = parse_all(v, mailbox_rule());
        if (std::string_view(v) == "\"INBO\\X\"") { // "\X" is not an escape
            check_error(r, errc::invalid_syntax, 6);
            continue;
        }
        REQUIRE(r);
        CHECK(r->inbox);
        CHECK(r->decoded().value() == "INBOX");
        CHECK(*r == *parse_all("INBOX", mailbox_rule()));
        round_trip(v, mailbox_rule());
    }
    for (auto v : {"INBOX.bar", "INBOXES", "\"INBOX \"", "Inbo"}) {
        auto r = parse_all(v, mailbox_rule());
        REQUIRE(r);
        CHECK_FALSE(r->inbox);
    }
    CHECK_FALSE(*parse_all("INBOX.bar", mailbox_rule()) == *parse_all("INBOX", mailbox_rule()));
}

TEST_CASE("mailbox: modified UTF-7 names decode to UTF-8 (RFC 3501 section 5.1.3)", "[imap][mailbox][mutf7]") {
    auto r = parse_all("~peter/mail/&U,BTFw-/&ZeVnLIqe-", mailbox_rule());
    REQUIRE(r);
    CHECK(r->decoded().value() == "~peter/mail/\xE5\x8F\xB0\xE5\x8C\x97/\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E");
    // Quoted with escapes: decoded on the fly, no copy of the name.
    auto q = parse_all(R"("a\\b&AOk-")", mailbox_rule());
    REQUIRE(q);
    CHECK(q->decoded().value() == "a\\b\xC3\xA9");
    // Invalid modified UTF-7 is a valid astring, refused when decoded.
    auto bad = parse_all("&Jjo!", mailbox_rule());
    REQUIRE(bad);
    check_error(bad->decoded(), errc::invalid_syntax, 4);
    auto shift = parse_all("\"&U,BTFw-&ZeVnLIqe-\"", mailbox_rule());
    REQUIRE(shift);
    check_error(shift->decoded(), errc::invalid_syntax, 8);
    // 8-bit bytes are not modified UTF-7.
    auto raw = parse_all("{5}\r\ncaf\xC3\xA9", mailbox_rule());
    REQUIRE(raw);
    check_error(raw->decoded(), errc::invalid_syntax, 3);
}

TEST_CASE("mailbox: UTF8=ACCEPT names are UTF-8 (RFC 6855 section 3)", "[imap][mailbox][utf8]") {
    const std::string name = "\"Entw\xC3\xBC" "rfe/&Co\"";
    // Without UTF8=ACCEPT a strict parser refuses the 8-bit bytes.
    check_error(parse_all(name, mailbox_rule()), errc::strict_violation, 5);
    auto r = parse_all(name, mailbox_rule(strict, utf8_on));
    REQUIRE(r);
    CHECK(r->utf8);
    CHECK(r->decoded().value() == "Entw\xC3\xBC" "rfe/&Co"); // "&" is just "&" in UTF-8 names
    round_trip(name, mailbox_rule(strict, utf8_on));
    // Controls, DEL, C1 and the line/paragraph separators are refused when decoded.
    for (auto [text, offset] : {std::pair{"{3}\r\na\x01z"s, std::size_t{1}}, std::pair{"{2}\r\n\xC2\x85"s, std::size_t{0}},
                                std::pair{"\"x\xE2\x80\xA8\""s, std::size_t{1}}, std::pair{"\"\xE2\x80\xA9\""s, std::size_t{0}},
                                std::pair{"{3}\r\nab\x7f"s, std::size_t{2}}}) {
        INFO(text);
        auto m = parse_all(text, mailbox_rule(strict, utf8_on));
        REQUIRE(m);
        check_error(m->decoded(), errc::invalid_syntax, offset);
    }
    // Malformed UTF-8 is a strict violation at the byte, quoted or literal; lenient
    // parsing keeps the name and decoding refuses it.
    check_error(parse_all("{2}\r\na\xC3"s, mailbox_rule(strict, utf8_on)), errc::strict_violation, 6);
    const std::string bad_literal = "{2}\r\na\xC3";
    auto kept = parse_all(bad_literal, mailbox_rule(lenient, utf8_on));
    REQUIRE(kept);
    check_error(kept->decoded(), errc::invalid_syntax, 1);
    CHECK(parse_all("{2}\r\na\xC3"s, mailbox_rule(strict)).has_value()); // mUTF-7 names: checked on decode
    check_error(parse_all("\"a\xC3(\"", mailbox_rule(strict, utf8_on)), errc::strict_violation, 2);
    CHECK(parse_all("\"a\xC3(\"", mailbox_rule(lenient, utf8_on)).has_value());
    auto inbox = parse_all("inbox", mailbox_rule(strict, utf8_on));
    REQUIRE(inbox);
    CHECK(inbox->inbox);
}

TEST_CASE("mailbox: building names to write", "[imap][mailbox][writer]") {
    std::string storage;
    auto m = mailwire::imap::encode_mailbox("~peter/mail/\xE5\x8F\xB0\xE5\x8C\x97/\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", storage);
    REQUIRE(m);
    CHECK(mailwire::to_wire(*m).value() == "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
    CHECK(m->name.form == string_form::atom);

    std::string storage2; // each result borrows its storage
    auto spaced = mailwire::imap::encode_mailbox("Gel\xC3\xB6schte Elemente", storage2);
    REQUIRE(spaced);
    CHECK(mailwire::to_wire(*spaced).value() == "\"Gel&APY-schte Elemente\"");
    round_trip(mailwire::to_wire(*spaced).value(), mailbox_rule());

    string_context u;
    u.utf8 = true;
    std::string storage3;
    auto utf = mailwire::imap::encode_mailbox("Gel\xC3\xB6schte Elemente", storage3, u);
    REQUIRE(utf);
    CHECK(mailwire::to_wire(*utf).value() == "\"Gel\xC3\xB6schte Elemente\"");
    CHECK(*parse_all(mailwire::to_wire(*utf).value(), mailbox_rule(strict, utf8_on)) == *utf);
    check_error(mailwire::imap::encode_mailbox("a\tb", storage, u), errc::invalid_syntax, 1);
    check_error(mailwire::imap::encode_mailbox("bad\xFF", storage), errc::invalid_syntax, 3);

    auto inbox = mailwire::imap::make_mailbox("Inbox");
    REQUIRE(inbox);
    CHECK(inbox->inbox);
    auto lf = mailwire::imap::make_mailbox("a\nb"); // a literal, never a quoted string
    REQUIRE(lf);
    CHECK(mailwire::to_wire(*lf).value() == "{3}\r\na\nb");

    // Refusals.
    check_error(mailwire::to_wire(mailbox{mailwire::imap::string_value::nil(), false, false}), errc::unsafe_value, 0);
    check_error(mailwire::to_wire(mailbox{mailwire::imap::string_value{string_form::atom, "foo"}, true, false}),
                errc::unsafe_value, 0);
    check_error(mailwire::to_wire(mailbox{mailwire::imap::string_value{string_form::quoted, "a\rb"}, false, false}),
                errc::unsafe_value, 1);
    CHECK(fmt::format("{:v}", *inbox) == "mailbox INBOX");
    CHECK(fmt::format("{:v}", *spaced) == "mailbox quoted \"Gel&APY-schte Elemente\"");
}
