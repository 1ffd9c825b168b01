#include <mailwire/imap/rules/string.hpp>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "support/catch.hpp"

using mailwire::errc;
using mailwire::parse_options;
using mailwire::scanner;
using mailwire::imap::parse_all;
using mailwire::imap::session_syntax;
using mailwire::imap::string_context;
using mailwire::imap::string_form;
using mailwire::imap::string_rule;
using mailwire::imap::string_value;
namespace rules = mailwire::imap::rules;
using namespace std::string_literals;

namespace {

const parse_options strict{};
const parse_options lenient = parse_options::make_lenient();
const session_syntax utf8_on{true};

auto tag_rule = [](scanner& s) { return rules::tag(s); };
auto atom_rule = [](scanner& s) { return rules::atom(s); };
auto quoted_rule(const parse_options& o = strict, session_syntax syn = {}) {
    return [o, syn](scanner& s) { return rules::quoted(s, o, syn); };
}
auto literal_rule(const parse_options& o = strict) { return [o](scanner& s) { return rules::literal(s, o); }; }
auto literal8_rule(const parse_options& o = strict) { return [o](scanner& s) { return rules::literal8(s, o); }; }
auto string_rule_(const parse_options& o = strict, session_syntax syn = {}) {
    return [o, syn](scanner& s) { return rules::string(s, o, syn); };
}
auto astring_rule(const parse_options& o = strict, session_syntax syn = {}) {
    return [o, syn](scanner& s) { return rules::astring(s, o, syn); };
}
auto nstring_rule(const parse_options& o = strict, session_syntax syn = {}) {
    return [o, syn](scanner& s) { return rules::nstring(s, o, syn); };
}

/// The rejection is `code` at `offset`.
template <class R>
void check_error(const R& r, errc code, std::size_t offset) {
    REQUIRE_FALSE(r.has_value());
    CHECK(mailwire::to_string(r.error().code) == mailwire::to_string(code));
    CHECK(r.error().offset == offset);
    CHECK_FALSE(r.error().expected.empty());
}

/// parse -> format -> parse gives an equal value; with `same_bytes`, the wire bytes are
/// the input's.
template <class Rule>
void round_trip(std::string_view in, Rule rule, bool same_bytes = true) {
    INFO("input: " << std::string(in));
    auto first = parse_all(in, rule);
    REQUIRE(first.has_value());
    auto wire = mailwire::to_wire(*first);
    REQUIRE(wire.has_value());
    if (same_bytes) CHECK(*wire == std::string(in));
    auto second = parse_all(*wire, rule);
    REQUIRE(second.has_value());
    CHECK(*second == *first);
}

// The ABNF character classes, spelled out here from RFC 9051 §9 rather than taken from
// core/chars.hpp, so that the rules are checked against the grammar itself.
bool abnf_char(unsigned b) { return b >= 0x01 && b <= 0x7F; }
bool abnf_ctl(unsigned b) { return b <= 0x1F || b == 0x7F; }
bool abnf_atom_special(unsigned b) {
    return b == '(' || b == ')' || b == '{' || b == ' ' || abnf_ctl(b) || b == '%' || b == '*' || b == '"' ||
           b == '\\' || b == ']';
}
bool abnf_atom_char(unsigned b) { return abnf_char(b) && !abnf_atom_special(b); }
bool abnf_astring_char(unsigned b) { return abnf_atom_char(b) || b == ']'; }
bool abnf_tag_char(unsigned b) { return abnf_astring_char(b) && b != '+'; }
bool abnf_text_char(unsigned b) { return abnf_char(b) && b != '\r' && b != '\n'; }
bool abnf_quoted_char_plain(unsigned b) { return abnf_text_char(b) && b != '"' && b != '\\'; }

std::string byte(unsigned b) { return std::string(1, static_cast<char>(b)); }

} // namespace

// ---- tag -----------------------------------------------------------------------------------

TEST_CASE("tag: RFC 9051 examples parse and write back", "[imap][string][tag]") {
    // Tags from the RFC 9051 section 6 and 8 examples.
    for (auto in : {"a001", "A001", "abcd", "A142", "A044", "a002", "g0001", "A00000005", "a]b", "x.y-z_1"}) {
        auto r = parse_all(in, tag_rule);
        REQUIRE(r);
        CHECK(r->text == in);
        round_trip(in, tag_rule);
    }
}

TEST_CASE("tag: rejections with code and offset", "[imap][string][tag]") {
    check_error(parse_all("", tag_rule), errc::invalid_syntax, 0);
    check_error(parse_all("+", tag_rule), errc::invalid_syntax, 0);       // "+" is excluded
    check_error(parse_all("*", tag_rule), errc::invalid_syntax, 0);       // untagged marker
    check_error(parse_all("A+1", tag_rule), errc::invalid_syntax, 1);     // tag ends before "+"
    check_error(parse_all("A{1", tag_rule), errc::invalid_syntax, 1);
    check_error(parse_all(" A1", tag_rule), errc::invalid_syntax, 0);
    check_error(parse_all("A\"1", tag_rule), errc::invalid_syntax, 1);
}

TEST_CASE("tag: accepts exactly the tag characters, over all 256 bytes", "[imap][string][tag]") {
    for (unsigned b = 0; b < 256; ++b) {
        INFO("byte " << b);
        CHECK(parse_all(byte(b), tag_rule).has_value() == abnf_tag_char(b));
        CHECK(mailwire::chars::tag_char(static_cast<unsigned char>(b)) == abnf_tag_char(b));
    }
}

TEST_CASE("tag: the writer refuses what is not a tag", "[imap][string][tag]") {
    CHECK(mailwire::to_wire(mailwire::imap::tag{"A1"}).value() == "A1");
    auto empty = mailwire::to_wire(mailwire::imap::tag{""});
    check_error(empty, errc::unsafe_value, 0);
    auto plus = mailwire::to_wire(mailwire::imap::tag{"A+"});
    check_error(plus, errc::unsafe_value, 1);
    auto crlf = mailwire::to_wire(mailwire::imap::tag{"A1\r\nA2 LOGOUT"});
    check_error(crlf, errc::unsafe_value, 2);
    CHECK(fmt::format("{:v}", mailwire::imap::tag{"A1"}) == "tag \"A1\"");
}

// ---- atom ----------------------------------------------------------------------------------

TEST_CASE("atom: vectors, rejections, all 256 bytes", "[imap][string][atom]") {
    for (auto in : {"LOGIN", "FLAGS", "BODY.PEEK", "X-GM-EXT-1", "a", "!#$&'+,-./:;<=>?@[^_`|}~"}) round_trip(in, atom_rule);
    check_error(parse_all("", atom_rule), errc::invalid_syntax, 0);
    check_error(parse_all("a]", atom_rule), errc::invalid_syntax, 1); // resp-specials is not ATOM-CHAR
    check_error(parse_all("a*", atom_rule), errc::invalid_syntax, 1); // list-wildcards
    check_error(parse_all("a%", atom_rule), errc::invalid_syntax, 1);
    check_error(parse_all("\x7f", atom_rule), errc::invalid_syntax, 0);
    for (unsigned b = 0; b < 256; ++b) {
        INFO("byte " << b);
        CHECK(parse_all(byte(b), atom_rule).has_value() == abnf_atom_char(b));
    }
    check_error(mailwire::to_wire(mailwire::imap::atom{"a b"}), errc::unsafe_value, 1);
}

// ---- quoted --------------------------------------------------------------------------------

TEST_CASE("quoted: plain and escaped contents, decoded lazily", "[imap][string][quoted]") {
    auto plain = parse_all("\"hello world\"", quoted_rule());
    REQUIRE(plain);
    CHECK(plain->raw == "hello world");
    CHECK_FALSE(plain->escaped);
    std::array<char, 4> small{};
    CHECK(plain->decoded(small).value() == "hello world"); // no escapes: no copy, any buffer

    auto esc = parse_all(R"("a\"b\\c")", quoted_rule());
    REQUIRE(esc);
    CHECK(esc->raw == R"(a\"b\\c)");
    CHECK(esc->escaped);
    CHECK(esc->decoded_size() == 5);
    CHECK(esc->str() == R"(a"b\c)");
    std::array<char, 5> buf{};
    CHECK(esc->decoded(buf).value() == R"(a"b\c)");
    std::array<char, 4> too_small{};
    check_error(esc->decoded(too_small), errc::limit_exceeded, 4);
    std::vector<char> v;
    esc->decode_to(v);
    CHECK(std::string(v.begin(), v.end()) == R"(a"b\c)");

    auto empty = parse_all("\"\"", quoted_rule());
    REQUIRE(empty);
    CHECK(empty->raw.empty());

    for (auto in : {"\"hello world\"", R"("a\"b\\c")", "\"\"", "\"Smith\"", "\"/\"", "\"Fruit/Peach\"", "\"\t~\x7f\""})
        round_trip(in, quoted_rule());
}

TEST_CASE("quoted: rejections with code and offset", "[imap][string][quoted]") {
    check_error(parse_all("abc", quoted_rule()), errc::invalid_syntax, 0);
    check_error(parse_all("\"abc", quoted_rule()), errc::invalid_syntax, 4);           // no closing DQUOTE
    check_error(parse_all("\"a\r\nb\"", quoted_rule()), errc::invalid_syntax, 2);     // CR
    check_error(parse_all("\"a\nb\"", quoted_rule()), errc::invalid_syntax, 2);       // LF
    check_error(parse_all("\"a\0b\""s, quoted_rule()), errc::invalid_syntax, 2);      // NUL
    check_error(parse_all(R"("a\b")", quoted_rule()), errc::invalid_syntax, 3);        // "\" + non-special
    check_error(parse_all("\"a\\", quoted_rule()), errc::invalid_syntax, 3);          // "\" at the end
    check_error(parse_all("\"a\"b", quoted_rule()), errc::invalid_syntax, 3);         // trailing bytes
}

TEST_CASE("quoted: accepts exactly QUOTED-CHAR, over all 256 bytes", "[imap][string][quoted]") {
    for (unsigned b = 0; b < 256; ++b) {
        INFO("byte " << b);
        const std::string in = "\"" + byte(b) + "\"";
        auto r = parse_all(in, quoted_rule());
        if (b == '"') { // "" then a stray DQUOTE
            check_error(r, errc::invalid_syntax, 2);
            continue;
        }
        CHECK(r.has_value() == abnf_quoted_char_plain(b));
        if (b >= 0x80) check_error(r, errc::strict_violation, 1);
        // Escaped: only the quoted-specials.
        const std::string esc = "\"\\" + byte(b) + "\"";
        CHECK(parse_all(esc, quoted_rule()).has_value() == (b == '"' || b == '\\'));
    }
}

TEST_CASE("quoted: 8-bit bytes need UTF8=ACCEPT / IMAP4rev2 (RFC 6855 section 3, RFC 9051 section 4.3.1)",
          "[imap][string][quoted][utf8]") {
    const std::string utf8_text = "\"Caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x93\xA7\""; // e-acute, euro, U+1F4E7
    check_error(parse_all(utf8_text, quoted_rule()), errc::strict_violation, 4);
    auto ok = parse_all(utf8_text, quoted_rule(strict, utf8_on));
    REQUIRE(ok);
    CHECK(ok->raw == utf8_text.substr(1, utf8_text.size() - 2));
    round_trip(utf8_text, quoted_rule(strict, utf8_on));

    // Under UTF8=ACCEPT, malformed UTF-8 is still refused in strict mode.
    check_error(parse_all("\"a\xC3(\"", quoted_rule(strict, utf8_on)), errc::strict_violation, 2);     // bad tail
    check_error(parse_all("\"\xC0\xAF\"", quoted_rule(strict, utf8_on)), errc::strict_violation, 1);    // overlong
    check_error(parse_all("\"\xED\xA0\x80\"", quoted_rule(strict, utf8_on)), errc::strict_violation, 1); // surrogate
    check_error(parse_all("\"\xF4\x90\x80\x80\"", quoted_rule(strict, utf8_on)), errc::strict_violation, 1); // > U+10FFFF
    check_error(parse_all("\"\xE2\x82\"", quoted_rule(strict, utf8_on)), errc::strict_violation, 1);     // truncated
}

TEST_CASE("quirk Proton Mail Bridge: raw 8-bit header bytes in quoted strings, lenient only",
          "[imap][string][quoted][quirk]") {
    // modern-email/defects#38: Proton Bridge 3.6.1 sends ENVELOPE names as in the message,
    // Latin-1 bytes included, without UTF8=ACCEPT.
    const std::string latin1 = "\"B\xE0" "d\"";
    check_error(parse_all(latin1, quoted_rule(strict)), errc::strict_violation, 2);
    check_error(parse_all(latin1, quoted_rule(strict, utf8_on)), errc::strict_violation, 2);
    auto r = parse_all(latin1, quoted_rule(lenient));
    REQUIRE(r);
    CHECK(r->str() == "B\xE0" "d");
    round_trip(latin1, quoted_rule(lenient));
}

// ---- literal -------------------------------------------------------------------------------

TEST_CASE("literal: the payload is a view of the framed bytes", "[imap][string][literal]") {
    const std::string in = "{5}\r\nhello";
    auto r = parse_all(in, literal_rule());
    REQUIRE(r);
    CHECK(r->data == "hello");
    CHECK(r->data.data() == in.data() + 5); // zero-copy
    CHECK_FALSE(r->non_sync);
    CHECK_FALSE(r->binary);

    auto plus = parse_all("{5+}\r\nhello", literal_rule());
    REQUIRE(plus);
    CHECK(plus->non_sync);

    auto empty = parse_all("{0}\r\n", literal_rule());
    REQUIRE(empty);
    CHECK(empty->data.empty());

    auto crlf = parse_all("{6}\r\na\r\nb\r\n", literal_rule()); // literals carry CR and LF
    REQUIRE(crlf);
    CHECK(crlf->data == "a\r\nb\r\n");

    const std::string eight_in = "~{3}\r\na\0b"s; // the value borrows it: keep it alive
    auto eight = parse_all(eight_in, literal8_rule());
    REQUIRE(eight);
    CHECK(eight->binary);
    CHECK(eight->data == "a\0b"s);
    auto eight_plus = parse_all("~{1+}\r\nx", literal8_rule()); // RFC 4466 section 2.4
    REQUIRE(eight_plus);
    CHECK(eight_plus->non_sync);

    for (auto v : {"{5}\r\nhello"s, "{5+}\r\nhello"s, "{0}\r\n"s, "{6}\r\na\r\nb\r\n"s, "{2}\r\n\xFF\x80"s})
        round_trip(v, literal_rule());
    for (auto v : {"~{3}\r\na\0b"s, "~{0}\r\n"s, "~{1+}\r\nx"s}) round_trip(v, literal8_rule());
    round_trip("{005}\r\nhello", literal_rule(), false); // leading zeros are not kept
    CHECK(mailwire::to_wire(*parse_all("{005}\r\nhello", literal_rule())).value() == "{5}\r\nhello");
}

TEST_CASE("literal: rejections with code and offset", "[imap][string][literal]") {
    check_error(parse_all("{5}\r\nhel", literal_rule()), errc::invalid_syntax, 8);          // payload not all there
    check_error(parse_all("{5}hello", literal_rule()), errc::invalid_syntax, 3);       // no CRLF
    check_error(parse_all("{5}\nhello", literal_rule()), errc::strict_violation, 3);  // bare LF: lenient only
    check_error(parse_all("{5\r\nhello", literal_rule()), errc::invalid_syntax, 2);    // no "}"
    check_error(parse_all("{}\r\n", literal_rule()), errc::invalid_syntax, 1);         // no number
    check_error(parse_all("{-1}\r\n", literal_rule()), errc::invalid_syntax, 1);
    check_error(parse_all("{5-}\r\nhello", literal_rule()), errc::invalid_syntax, 2);  // no {n-} in any RFC
    check_error(parse_all("{9223372036854775808}\r\n", literal_rule()), errc::number_out_of_range, 1);
    check_error(parse_all("{3}\r\na\0b"s, literal_rule()), errc::invalid_syntax, 6);   // NUL needs literal8
    check_error(parse_all("~{3}\r\nabc", literal_rule()), errc::invalid_syntax, 0);    // literal8 is not literal
    check_error(parse_all("{3}\r\nabc", literal8_rule()), errc::invalid_syntax, 0);
    check_error(parse_all("~3}\r\nabc", literal8_rule()), errc::invalid_syntax, 1);
    check_error(parse_all("{3}\r\nabcd", literal_rule()), errc::invalid_syntax, 8);    // trailing bytes
}

TEST_CASE("quirk line-rewriting proxies: bare LF after a literal header, lenient only", "[imap][string][literal][quirk]") {
    // The framer accepts "{n}" LF in lenient mode (docs/QUIRKS.md, bare LF line ends); the
    // string rules read the same bytes the same way, so a framed message always parses.
    check_error(parse_all("{5}\nhello", literal_rule(strict)), errc::strict_violation, 3);
    auto r = parse_all("{5}\nhello", literal_rule(lenient));
    REQUIRE(r);
    CHECK(r->data == "hello");
    auto eight = parse_all("~{2}\nhi", literal8_rule(lenient));
    REQUIRE(eight);
    CHECK(eight->data == "hi");
    // Written back with CRLF, which strict mode reads as the same literal.
    auto wire = mailwire::to_wire(*r);
    REQUIRE(wire);
    CHECK(*wire == "{5}\r\nhello");
    check_error(parse_all("{5}\rhello", literal_rule(lenient)), errc::invalid_syntax, 3);
}

TEST_CASE("literal: max_literal at, below and above", "[imap][string][literal][limits]") {
    parse_options o;
    o.max_literal = 4;
    CHECK(parse_all("{3}\r\nabc", literal_rule(o)).has_value());
    CHECK(parse_all("{4}\r\nabcd", literal_rule(o)).has_value());
    check_error(parse_all("{5}\r\nabcde", literal_rule(o)), errc::limit_exceeded, 0);    // at the "{", as the framer
    check_error(parse_all("~{5}\r\nabcde", literal8_rule(o)), errc::limit_exceeded, 0);  // at the "~"
    // Checked before the payload is looked at: a huge size fails at once, not at the end of the input.
    check_error(parse_all("{4000000000}\r\n", literal_rule(o)), errc::limit_exceeded, 0);
}

TEST_CASE("literal_header: {n}, {n+}, ~{n}", "[imap][string][literal]") {
    auto header = [](std::string_view in) { return parse_all(in, [](scanner& s) { return rules::literal_header(s); }); };
    CHECK(*header("{11}") == mailwire::imap::literal_header{11, false, false});
    CHECK(*header("{7+}") == mailwire::imap::literal_header{7, true, false});
    CHECK(*header("~{42}") == mailwire::imap::literal_header{42, false, true});
    check_error(header("{7++}"), errc::invalid_syntax, 3);
    CHECK(fmt::format("{}", *header("~{42+}")) == "~{42+}");
    CHECK(fmt::format("{:v}", *header("{007}")) == "literal header {7}");
}

// ---- string, astring, nstring --------------------------------------------------------------

TEST_CASE("RFC 9051 section 6.2.3 LOGIN with literals, parsed piece by piece", "[imap][string][rfc]") {
    // C: A001 LOGIN {11}
    // S: + Ready for additional command text
    // C: FRED FOOBAR {7}
    // S: + Ready for additional command text
    // C: fat man
    const std::string msg = "A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man";
    scanner s(msg);
    auto t = rules::tag(s);
    REQUIRE(t);
    CHECK(t->text == "A001");
    REQUIRE(s.consume(' '));
    auto cmd = rules::atom(s);
    REQUIRE(cmd);
    CHECK(cmd->text == "LOGIN");
    REQUIRE(s.consume(' '));
    auto user = rules::astring(s);
    REQUIRE(user);
    CHECK(user->form == string_form::literal);
    CHECK(user->text == "FRED FOOBAR");
    REQUIRE(s.consume(' '));
    auto pass = rules::astring(s);
    REQUIRE(pass);
    CHECK(pass->text == "fat man");
    CHECK(s.at_end());
    CHECK(fmt::format("{} {} {} {}", *t, *cmd, *user, *pass) == msg);

    // An error in a later piece points into the whole message.
    const std::string bad = "A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat";
    scanner s2(bad);
    s2.advance(bad.find("{7}"));
    check_error(rules::astring(s2), errc::invalid_syntax, bad.size());
}

TEST_CASE("string: quoted or literal only", "[imap][string]") {
    auto q = parse_all("\"x\"", string_rule_());
    REQUIRE(q);
    CHECK(q->form == string_form::quoted);
    auto l = parse_all("{1}\r\nx", string_rule_());
    REQUIRE(l);
    CHECK(l->form == string_form::literal);
    CHECK(*q == *l);
    check_error(parse_all("x", string_rule_()), errc::invalid_syntax, 0);
    check_error(parse_all("NIL", string_rule_()), errc::invalid_syntax, 0);
    check_error(parse_all("~{1}\r\nx", string_rule_()), errc::invalid_syntax, 0);
    for (auto in : {"\"x\"", "{1}\r\nx", "\"\"", "{1+}\r\n\""}) round_trip(in, string_rule_());
}

TEST_CASE("astring: atom form, quoted, literal", "[imap][string][astring]") {
    auto a = parse_all("foo]bar", astring_rule()); // resp-specials is an ASTRING-CHAR
    REQUIRE(a);
    CHECK(a->form == string_form::atom);
    CHECK(a->text == "foo]bar");
    auto nil = parse_all("NIL", astring_rule()); // NIL is an ordinary astring
    REQUIRE(nil);
    CHECK_FALSE(nil->is_nil());
    CHECK(nil->equals("NIL"));
    for (auto in : {"SMITH", "SESAME", "foo]bar", "\"fred smith\"", "{3}\r\nabc", "NIL", "\"\"", "~/Mail/foo", "#news.comp.mail.misc"})
        round_trip(in, astring_rule());
    check_error(parse_all("", astring_rule()), errc::invalid_syntax, 0);
    check_error(parse_all("(", astring_rule()), errc::invalid_syntax, 0);
    check_error(parse_all("a b", astring_rule()), errc::invalid_syntax, 1);
    check_error(parse_all("\"a", astring_rule()), errc::invalid_syntax, 2);
}

TEST_CASE("astring: the atom form accepts exactly ASTRING-CHAR, over all 256 bytes", "[imap][string][astring]") {
    for (unsigned b = 0; b < 256; ++b) {
        if (b == '"' || b == '{') continue; // these open the quoted and literal forms
        INFO("byte " << b);
        auto r = parse_all(byte(b), astring_rule(lenient));
        CHECK(r.has_value() == abnf_astring_char(b));
        if (r) CHECK(r->form == string_form::atom);
    }
}

TEST_CASE("nstring: string or NIL", "[imap][string][nstring]") {
    for (auto in : {"NIL", "nil", "Nil"}) {
        auto r = parse_all(in, nstring_rule());
        REQUIRE(r);
        CHECK(r->is_nil());
        round_trip(in, nstring_rule(), false);
        CHECK(mailwire::to_wire(*r).value() == "NIL");
    }
    auto quoted_nil = parse_all("\"NIL\"", nstring_rule()); // a string that says NIL is not nil
    REQUIRE(quoted_nil);
    CHECK_FALSE(quoted_nil->is_nil());
    CHECK_FALSE(*quoted_nil == string_value::nil());
    for (auto in : {"NIL", "\"NIL\"", "\"\"", "{0}\r\n", "\"Re: hello\""}) round_trip(in, nstring_rule());
    check_error(parse_all("NILS", nstring_rule()), errc::invalid_syntax, 0);
    check_error(parse_all("NI", nstring_rule()), errc::invalid_syntax, 0);
    check_error(parse_all("foo", nstring_rule()), errc::invalid_syntax, 0);
    // NIL before a closing parenthesis (as in ENVELOPE) leaves the parenthesis.
    scanner s("NIL)");
    auto r = rules::nstring(s);
    REQUIRE(r);
    CHECK(r->is_nil());
    CHECK(s.peek() == ')');
}

TEST_CASE("string_value: equality by decoded content, whatever the form", "[imap][string]") {
    auto atom = *parse_all("foo", astring_rule());
    auto quoted = *parse_all("\"foo\"", astring_rule());
    auto literal = *parse_all("{3}\r\nfoo", astring_rule());
    CHECK(atom == quoted);
    CHECK(quoted == literal);
    CHECK_FALSE(atom == *parse_all("\"FOO\"", astring_rule()));
    CHECK(atom.iequals("FOO"));
    auto esc = *parse_all(R"("a\"b")", astring_rule());
    CHECK(esc == *parse_all("{3}\r\na\"b", astring_rule()));
    CHECK(esc.equals("a\"b"));
    CHECK(string_value::nil() == string_value::nil());
    CHECK_FALSE(string_value::nil() == *parse_all("\"\"", astring_rule()));
    CHECK(esc.str() == "a\"b");
}

// ---- the writer ----------------------------------------------------------------------------

TEST_CASE("choose_form: atom, then quoted, then literal", "[imap][string][writer]") {
    using mailwire::imap::choose_form;
    CHECK(*choose_form("INBOX") == string_form::atom);
    CHECK(*choose_form("foo]bar") == string_form::atom);
    CHECK(*choose_form("NIL") == string_form::atom); // astring: NIL is just text
    CHECK(*choose_form("") == string_form::quoted);
    CHECK(*choose_form("foo bar") == string_form::quoted);
    CHECK(*choose_form("a\"b\\c") == string_form::quoted);
    CHECK(*choose_form("a*b") == string_form::quoted);
    CHECK(*choose_form("a\r\nb") == string_form::literal);
    CHECK(*choose_form("caf\xC3\xA9") == string_form::literal);
    string_context u;
    u.utf8 = true;
    CHECK(*choose_form("caf\xC3\xA9", u) == string_form::quoted);
    CHECK(*choose_form("caf\xC3", u) == string_form::literal); // not UTF-8: literal
    string_context str{string_rule::string};
    CHECK(*choose_form("foo", str) == string_form::quoted);
    string_context nstr{string_rule::nstring};
    CHECK(*choose_form("NIL", nstr) == string_form::quoted);
    check_error(choose_form("a\0b"s), errc::unsafe_value, 1);
    string_context bin;
    bin.literal8 = true;
    CHECK(*choose_form("a\0b"s, bin) == string_form::literal8);
}

TEST_CASE("from_content: written in the chosen form and read back equal", "[imap][string][writer]") {
    struct vec {
        std::string content;
        string_context ctx;
        std::string wire;
    };
    string_context plus;
    plus.literal_plus = true;
    string_context bin;
    bin.literal8 = true;
    string_context nstr{string_rule::nstring};
    const vec vectors[] = {
        {"INBOX", {}, "INBOX"},
        {"fred smith", {}, "\"fred smith\""},
        {"say \"hi\"", {}, R"("say \"hi\"")"},
        {"back\\slash", {}, R"("back\\slash")"},
        {"", {}, "\"\""},
        {"line\r\nbreak", {}, "{11}\r\nline\r\nbreak"},
        {"line\nbreak", plus, "{10+}\r\nline\nbreak"},
        {"nul\0"s, bin, "~{4}\r\nnul\0"s},
        {"NIL", nstr, "\"NIL\""},
    };
    for (const auto& v : vectors) {
        INFO(v.wire);
        auto sv = string_value::from_content(v.content, v.ctx);
        REQUIRE(sv);
        auto wire = mailwire::to_wire(*sv);
        REQUIRE(wire);
        CHECK(*wire == v.wire);
        auto reparse = [&](scanner& sc) -> mailwire::result<string_value> {
            if (sc.peek_is('~')) {
                auto l = rules::literal8(sc);
                if (!l) return l.error();
                return string_value::from(*l);
            }
            if (v.ctx.rule == string_rule::nstring) return rules::nstring(sc);
            return rules::astring(sc);
        };
        auto back = parse_all(*wire, reparse);
        REQUIRE(back);
        CHECK(back->equals(v.content));
        CHECK(*back == *sv);
    }
}

TEST_CASE("check_writable: CR, LF and NUL never reach a quoted string", "[imap][string][writer]") {
    check_error(mailwire::to_wire(string_value{string_form::quoted, "a\r\nb"}), errc::unsafe_value, 1);
    check_error(mailwire::to_wire(string_value{string_form::quoted, "a\0"s}), errc::unsafe_value, 1);
    check_error(mailwire::to_wire(mailwire::imap::quoted{"x\ny", false}), errc::unsafe_value, 1);
    // Escaped raw text must be well formed.
    check_error(mailwire::to_wire(string_value{string_form::quoted, R"(a\b)", true}), errc::unsafe_value, 1);
    check_error(mailwire::to_wire(string_value{string_form::quoted, "a\"b", true}), errc::unsafe_value, 1);
    check_error(mailwire::to_wire(string_value{string_form::quoted, "a\\", true}), errc::unsafe_value, 1);
    // Unescaped content gets its quoted-specials escaped.
    CHECK(mailwire::to_wire(string_value{string_form::quoted, "a\"b"}).value() == R"("a\"b")");
    check_error(mailwire::to_wire(string_value{string_form::atom, "a b"}), errc::unsafe_value, 1);
    check_error(mailwire::to_wire(string_value{string_form::atom, ""}), errc::unsafe_value, 0);
    check_error(mailwire::to_wire(string_value{string_form::literal, "a\0"s}), errc::unsafe_value, 1);
    CHECK(mailwire::to_wire(string_value{string_form::literal8, "a\0"s}).value() == "~{2}\r\na\0"s);
    check_error(mailwire::to_wire(mailwire::imap::literal{"\0"s, false, false}), errc::unsafe_value, 0);
    std::string buf = "keep";
    CHECK_FALSE(mailwire::write_wire(buf, string_value{string_form::quoted, "x\ry"}));
    CHECK(buf == "keep");
}

TEST_CASE("verbose presentation is readable", "[imap][string][format]") {
    CHECK(fmt::format("{:v}", *parse_all(R"("a\"b")", astring_rule())) == R"(quoted "a\"b")");
    CHECK(fmt::format("{:v}", *parse_all("{4}\r\na\r\nb", astring_rule())) == R"(literal "a\r\nb")");
    CHECK(fmt::format("{:v}", string_value::nil()) == "NIL");
    CHECK(fmt::format("{:v}", *parse_all("{2}\r\n\x01\xff", literal_rule())) == R"(literal {2} "\x01\xff")");
    CHECK(fmt::format("{:v}", mailwire::imap::atom{"FLAGS"}) == "atom \"FLAGS\"");
}

TEST_CASE("string_value::set_nil makes any value NIL in place", "[imap][string]") {
    using mailwire::imap::string_value;
    using mailwire::imap::string_form;
    string_value v{string_form::literal, "payload", false, true};
    v.set_nil();
    CHECK(v.is_nil());
    CHECK(v == string_value::nil());
    CHECK(v.text.empty());
    CHECK_FALSE(v.non_sync);
    string_value q{string_form::quoted, "a\\\"b", true, false};
    q.set_nil();
    CHECK_FALSE(q.escaped);
    CHECK(mailwire::to_wire(q).value() == "NIL");
}
