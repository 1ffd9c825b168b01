// Tests for include/mailwire/imap/command/parse.hpp: rejections per rule (errc and offset),
// the depth and list budgets at, below and above their limits, modes, generic commands,
// and the rules' corner cases. The RFC vectors are in tests/imap/command_test.cpp.
#include <mailwire/imap/command/parse.hpp>
#include <mailwire/imap/framer.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "support/catch.hpp"

using mailwire::errc;
using mailwire::parse_options;
using namespace mailwire::imap;

namespace {

const parse_options strict{};
const parse_options lenient = parse_options::make_lenient();

/// `msg` is rejected with `code` at `offset` (in `o`'s mode).
void bad(std::string_view msg, errc code, std::size_t offset, const parse_options& o = strict) {
    INFO("message: " << std::string(msg));
    command_storage st;
    auto r = parse_command(msg, st, o);
    REQUIRE_FALSE(r.has_value());
    CHECK(std::string(mailwire::to_string(r.error().code)) == std::string(mailwire::to_string(code)));
    CHECK(r.error().offset == offset);
    CHECK_FALSE(r.error().expected.empty());
}

/// `msg` parses; returns its body's index in the variant.
std::size_t good(std::string_view msg, const parse_options& o = strict) {
    INFO("message: " << std::string(msg));
    command_storage st;
    auto r = parse_command(msg, st, o);
    if (!r) INFO("error " << mailwire::to_string(r.error().code) << " at " << r.error().offset << ": " << r.error().expected);
    REQUIRE(r.has_value());
    return r->body.index();
}

template <class T>
constexpr std::size_t index_of() {
    command_body b{T{}};
    return b.index();
}

std::string nest(std::size_t n, std::string_view inner) {
    return std::string(n, '(') + std::string(inner) + std::string(n, ')');
}

} // namespace

TEST_CASE("tag", "[imap][command][parse]") {
    bad("", errc::invalid_syntax, 0);
    bad("* NOOP\r\n", errc::invalid_syntax, 0);           // "*" is not a tag character
    bad("+ NOOP\r\n", errc::invalid_syntax, 0);           // nor "+"
    bad("a+1 NOOP\r\n", errc::invalid_syntax, 1);         // "+" ends the tag; SP expected
    bad("a{1 NOOP\r\n", errc::invalid_syntax, 1);
    bad("a\"1 NOOP\r\n", errc::invalid_syntax, 1);
    bad(" NOOP\r\n", errc::invalid_syntax, 0);
    CHECK(good("a]1 NOOP\r\n") == index_of<cmd::noop>()); // "]" is an ASTRING-CHAR
}

TEST_CASE("SP, CRLF and the end of the message", "[imap][command][parse]") {
    bad("a1NOOP\r\n", errc::invalid_syntax, 6);           // the tag runs to the CR
    bad("a1  NOOP\r\n", errc::invalid_syntax, 3);         // one SP only (RFC 9051 §9 note 2)
    bad("a1 NOOP \r\n", errc::invalid_syntax, 7);         // arguments where none are due
    bad("a1 NOOP\r\nx", errc::invalid_syntax, 9);         // bytes after the CRLF
    bad("a1 NOOP\r", errc::invalid_syntax, 8);            // CR without LF
    bad("a1 NOOP\rx\n", errc::invalid_syntax, 8);
    bad("a1 NOOP", errc::invalid_syntax, 7);                   // the message stops early
    bad("a1 LOGIN fred\r\n", errc::invalid_syntax, 13);   // SP password
    bad("a1 COPY 1:2meeting\r\n", errc::invalid_syntax, 11);
    bad("a1 LOGIN\tfred x\r\n", errc::invalid_syntax, 8); // TAB is not SP
    // Command names are case-insensitive.
    CHECK(good("a1 nOoP\r\n") == index_of<cmd::noop>());
    CHECK(good("a1 uid FeTcH 1 flags\r\n") == index_of<cmd::fetch>());
}

TEST_CASE("numbers: zero where nz-number is due, leading zeros, overflow", "[imap][command][parse]") {
    bad("a1 FETCH 0 FLAGS\r\n", errc::number_out_of_range, 9);
    bad("a1 FETCH 01 FLAGS\r\n", errc::invalid_syntax, 9);
    bad("a1 COPY 1:0 x\r\n", errc::number_out_of_range, 10);
    bad("a1 FETCH 4294967296 FLAGS\r\n", errc::number_out_of_range, 9);
    CHECK(good("a1 FETCH 4294967295 FLAGS\r\n") == index_of<cmd::fetch>());
    bad("a1 UID EXPUNGE 0\r\n", errc::number_out_of_range, 15);
    bad("a1 REPLACE 0 x {1}\r\na\r\n", errc::number_out_of_range, 11);
    bad("a1 SELECT x (QRESYNC (0 1))\r\n", errc::number_out_of_range, 22);
    bad("a1 SELECT x (QRESYNC (1 0))\r\n", errc::number_out_of_range, 24);    // mod-sequence-value >= 1
    bad("a1 SELECT x (QRESYNC (1 9223372036854775808))\r\n", errc::number_out_of_range, 24);
    CHECK(good("a1 SELECT x (QRESYNC (1 9223372036854775807))\r\n") == index_of<cmd::select>());
    bad("a1 STORE 1 (UNCHANGEDSINCE 9223372036854775808) FLAGS ()\r\n", errc::number_out_of_range, 27);
    CHECK(good("a1 STORE 1 (UNCHANGEDSINCE 0) FLAGS ()\r\n") == index_of<cmd::store>()); // valzer
    bad("a1 SETQUOTA r (STORAGE 9223372036854775808)\r\n", errc::number_out_of_range, 23);
    bad("a1 GETMETADATA (MAXSIZE 4294967296) INBOX /a\r\n", errc::number_out_of_range, 24);
    bad("a1 SETQUOTA r (STORAGE x)\r\n", errc::invalid_syntax, 23);
}

TEST_CASE("star where it is not allowed", "[imap][command][parse]") {
    bad("* LOGIN a b\r\n", errc::invalid_syntax, 0);                          // as a tag
    bad("a1 SELECT x (QRESYNC (* 1))\r\n", errc::invalid_syntax, 22);         // uidvalidity
    bad("a1 SETQUOTA r (STORAGE *)\r\n", errc::invalid_syntax, 23);           // resource-limit
    bad("a1 STORE 1 FLAGS (\\*)\r\n", errc::strict_violation, 18);            // flag (lenient: Zoho/GreenMail flag rule)
    CHECK(good("a1 STORE 1 FLAGS (\\*)\r\n", lenient) == index_of<cmd::store>());
    bad("a1 ENABLE *\r\n", errc::invalid_syntax, 10);                          // capability = atom
    CHECK(good("a1 UID EXPUNGE 1:*\r\n") == index_of<cmd::uid_expunge>());     // where it is allowed
    CHECK(good("a1 REPLACE * x {1}\r\na\r\n") == index_of<cmd::replace>());
}

TEST_CASE("parentheses must balance", "[imap][command][parse]") {
    bad("a1 XFOO (a\r\n", errc::invalid_syntax, 10);
    bad("a1 XFOO a)\r\n", errc::invalid_syntax, 9);
    bad("a1 STATUS INBOX (MESSAGES\r\n", errc::invalid_syntax, 25);
    bad("a1 STATUS INBOX MESSAGES\r\n", errc::invalid_syntax, 16);
    bad("a1 LIST \"\" (a b\r\n", errc::invalid_syntax, 15);
    bad("a1 SELECT x (CONDSTORE\r\n", errc::invalid_syntax, 22);
    bad("a1 ID (\"a\" \"b\"\r\n", errc::invalid_syntax, 14);
    bad("a1 SEARCH (ALL\r\n", errc::invalid_syntax, 14);
    bad("a1 FETCH 1 (FLAGS\r\n", errc::invalid_syntax, 17);
    bad("a1 STATUS INBOX ()\r\n", errc::invalid_syntax, 17); // status-att required
}

TEST_CASE("dates", "[imap][command][parse]") {
    bad("a1 APPEND x \"31-Feb-2020 00:00:00 +0000\" {1}\r\na\r\n", errc::number_out_of_range, 13);
    // An unpadded day is the lenient Apple Mail quirk of datetime.hpp.
    bad("a1 APPEND x \"1-Feb-2020 00:00:00 +0000\" {1}\r\na\r\n", errc::strict_violation, 13);
    bad("a1 APPEND x \"01-Foo-2020 00:00:00 +0000\" {1}\r\na\r\n", errc::invalid_syntax, 16);
    bad("a1 APPEND x \"01-Feb-2020 24:00:00 +0000\" {1}\r\na\r\n", errc::number_out_of_range, 25);
    bad("a1 SEARCH SINCE 32-Jan-2000\r\n", errc::number_out_of_range, 16);
    CHECK(good("a1 APPEND x \" 1-Feb-2020 00:00:00 +0000\" {1}\r\na\r\n") == index_of<cmd::append>());
}

TEST_CASE("AUTHENTICATE", "[imap][command][parse]") {
    bad("a AUTHENTICATE\r\n", errc::invalid_syntax, 14);
    bad("a AUTHENTICATE PLAIN \r\n", errc::invalid_syntax, 21);     // "=" for an empty response (RFC 4959 §3)
    bad("a AUTHENTICATE PLAIN abc\r\n", errc::invalid_syntax, 24);  // base64 stops inside a quantum
    bad("a AUTHENTICATE PLAIN a=bc\r\n", errc::invalid_syntax, 22);
    bad("a AUTHENTICATE PLAIN =x\r\n", errc::invalid_syntax, 21);
    CHECK(good("a AUTHENTICATE PLAIN =\r\n") == index_of<cmd::authenticate>());
    CHECK(good("a authenticate x-oauth2 AAAA\r\n") == index_of<cmd::authenticate>());
}

TEST_CASE("LIST options and patterns", "[imap][command][parse]") {
    // RECURSIVEMATCH needs a base option (RFC 5258 §6 list-select-opts).
    bad("a LIST (RECURSIVEMATCH) \"\" *\r\n", errc::invalid_syntax, 8);
    bad("a LIST (REMOTE RECURSIVEMATCH) \"\" *\r\n", errc::invalid_syntax, 15);
    CHECK(good("a LIST (RECURSIVEMATCH SUBSCRIBED) \"\" *\r\n") == index_of<cmd::list>());
    CHECK(good("a LIST (RECURSIVEMATCH X-FOO) \"\" *\r\n") == index_of<cmd::list>());
    CHECK(good("a LIST () \"\" %\r\n") == index_of<cmd::list>());
    bad("a LIST \"\" ()\r\n", errc::invalid_syntax, 11);        // patterns: one or more
    bad("a LIST \"\" * RETURN\r\n", errc::invalid_syntax, 18);
    bad("a LIST \"\" * RETURNS ()\r\n", errc::invalid_syntax, 12);
    bad("a LIST \"\" * RETURN (STATUS ())\r\n", errc::invalid_syntax, 28);
    CHECK(good("a LIST \"\" * RETURN ()\r\n") == index_of<cmd::list>());
    CHECK(good("a LIST (vendor.x-opt (a (b c))) \"\" * RETURN (X-Y (1 \"2\"))\r\n") == index_of<cmd::list>());
    bad("a LIST (X-OPT ()) \"\" *\r\n", errc::invalid_syntax, 15); // option-value is not empty
    bad("a LIST \"\" %a\"b\r\n", errc::invalid_syntax, 12);
}

TEST_CASE("parameters and modifiers (RFC 4466 tagged-ext)", "[imap][command][parse]") {
    CHECK(good("a SELECT INBOX (X-A 1:*,3 X-B (a (b \"c\") {1}\r\nd) X-C)\r\n") == index_of<cmd::select>());
    bad("a SELECT INBOX ()\r\n", errc::invalid_syntax, 16);             // one parameter or more
    bad("a SELECT INBOX (1X)\r\n", errc::invalid_syntax, 16);           // tagged-ext-label starts with a letter
    bad("a SELECT INBOX (X-A (a ()))\r\n", errc::invalid_syntax, 24);   // "()" inside tagged-ext-comp
    bad("a SELECT INBOX (X-A (a ))\r\n", errc::invalid_syntax, 22);
    bad("a SELECT INBOX (X-A 1x)\r\n", errc::invalid_syntax, 21);
    bad("a SELECT INBOX (X-A 1:)\r\n", errc::invalid_syntax, 20);
    CHECK(good("a SELECT INBOX (X-A ())\r\n") == index_of<cmd::select>());  // "(" [tagged-ext-comp] ")"
    CHECK(good("a SELECT INBOX (X-A -1:-100)\r\n") == index_of<cmd::select>()); // partial-range-last (RFC 9394)
    bad("a SELECT INBOX (QRESYNC)\r\n", errc::invalid_syntax, 23);
    CHECK(good("a RENAME a b (X-A 5)\r\n") == index_of<cmd::rename>());
    CHECK(good("a CREATE a (USE () X-B (c))\r\n") == index_of<cmd::create>());
    bad("a CREATE a (USE (Drafts))\r\n", errc::invalid_syntax, 17);     // use-attr = "\" atom
    bad("a STORE 1 (UNCHANGEDSINCE) FLAGS ()\r\n", errc::invalid_syntax, 25);
    CHECK(good("a STORE 1 (X-MOD 3 UNCHANGEDSINCE 7) -FLAGS.SILENT (a b)\r\n") == index_of<cmd::store>());
}

TEST_CASE("APPEND", "[imap][command][parse]") {
    bad("a APPEND x\r\n", errc::invalid_syntax, 10);                        // a message is required
    bad("a APPEND x (\\Seen)\r\n", errc::invalid_syntax, 18);
    bad("a APPEND x {3}\r\nab", errc::invalid_syntax, 18);                       // the literal's data stops early
    bad("a APPEND x \"01-Jan-2000 00:00:00 +0000\" (\\Seen) {1}\r\na\r\n", errc::invalid_syntax, 40); // flags first
    bad("a APPEND x {1}\r\na (\\Seen)\r\n", errc::invalid_syntax, 25);     // a second message needs data
    bad("a APPEND x UTF8 ({1}\r\na)\r\n", errc::invalid_syntax, 17);       // UTF8 takes literal8
    using namespace std::string_literals;
    bad("a APPEND x {1}\r\n\0\r\n"s, errc::invalid_syntax, 16);            // NUL only in literal8
    CHECK(good("a APPEND x X-EXT (1 2) ~{1}\r\n\0\r\n"s) == index_of<cmd::append>());
    CHECK(good("a APPEND x X-DATA (a)\r\n") == index_of<cmd::append>());      // append-data-ext at the end
    bad("a APPEND x {2}\r\nab", errc::invalid_syntax, 18);
}

TEST_CASE("STORE, ID, quota, metadata, SORT, THREAD", "[imap][command][parse]") {
    bad("a STORE 1 FLAG (x)\r\n", errc::invalid_syntax, 10);
    bad("a STORE 1 FLAGS\r\n", errc::invalid_syntax, 15);
    bad("a STORE 1 FLAGS.LOUD (x)\r\n", errc::invalid_syntax, 15);
    bad("a STORE 1 FLAGS (\\)\r\n", errc::invalid_syntax, 18);
    bad("a STORE 1 X-GM-LABELS (\\)\r\n", errc::invalid_syntax, 24);
    bad("a ID\r\n", errc::invalid_syntax, 4);
    bad("a ID (\"a\")\r\n", errc::invalid_syntax, 9);
    bad("a ID (a b)\r\n", errc::invalid_syntax, 6);                      // fields are strings
    bad("a ID NILL\r\n", errc::invalid_syntax, 5);
    CHECK(good("a ID ()\r\n") == index_of<cmd::id>());
    bad("a SETQUOTA r STORAGE 1\r\n", errc::invalid_syntax, 13);
    CHECK(good("a SETQUOTA r ()\r\n") == index_of<cmd::setquota>());
    bad("a GETMETADATA (DEPTH 2) INBOX /a\r\n", errc::invalid_syntax, 21);
    bad("a GETMETADATA INBOX\r\n", errc::invalid_syntax, 19);
    bad("a SETMETADATA INBOX (/a)\r\n", errc::invalid_syntax, 23);
    bad("a SETMETADATA INBOX ()\r\n", errc::invalid_syntax, 21);
    CHECK(good(std::string("a SETMETADATA INBOX (/a ~{1}\r\n\0)\r\n", 34)) == index_of<cmd::setmetadata>());
    bad("a SORT (FOO) UTF-8 ALL\r\n", errc::invalid_syntax, 8);           // sort-key
    bad("a SORT () UTF-8 ALL\r\n", errc::invalid_syntax, 8);
    bad("a SORT (DATE) UTF-8\r\n", errc::invalid_syntax, 19);             // a search key is required
    bad("a SORT (REVERSE) UTF-8 ALL\r\n", errc::invalid_syntax, 15);
    bad("a THREAD REFERENCES ALL\r\n", errc::invalid_syntax, 23);         // charset, then keys
    bad("a SEARCH\r\n", errc::invalid_syntax, 8);
    bad("a SEARCH FOO\r\n", errc::invalid_syntax, 9);                     // an unknown key cannot be kept
    bad("a FETCH 1 FOO\r\n", errc::invalid_syntax, 10);
    bad("a COMPRESS\r\n", errc::invalid_syntax, 10);
}

TEST_CASE("commands no parser knows are kept (generic), in both modes", "[imap][command][parse]") {
    for (const auto* o : {&strict, &lenient}) {
        command_storage st;
        auto r = parse_command("a XFOO 1:* (BODY[] \"q\" {2}\r\nab) ~{1}\r\nz\\Seen%\r\n", st, *o);
        REQUIRE(r.has_value());
        const auto& g = std::get<cmd::generic>(r->body);
        CHECK(g.name.text == "XFOO");
        REQUIRE(g.args.size() == 8);
        CHECK(g.args[0].kind == token_kind::atom);
        CHECK(g.args[0].text == "1:*");
        CHECK(g.args[1].kind == token_kind::open);
        CHECK(g.args[2].text == "BODY[]");
        CHECK(g.args[3].kind == token_kind::quoted);
        CHECK(g.args[4].kind == token_kind::literal);
        CHECK(g.args[4].text == "ab");
        CHECK(g.args[5].kind == token_kind::close);
        CHECK_FALSE(g.args[5].space_before);
        CHECK(g.args[6].kind == token_kind::literal8);
        CHECK(g.args[7].kind == token_kind::atom);
        CHECK(g.args[7].text == "\\Seen%");
        CHECK_FALSE(g.args[7].space_before);
    }
    command_storage st;
    auto u = parse_command("a UID XMOVE 1 (b)\r\n", st);
    REQUIRE(u.has_value());
    CHECK(std::get<cmd::generic>(u->body).uid);
    CHECK(std::get<cmd::generic>(u->body).name.text == "XMOVE");
    bad("a XFOO  b\r\n", errc::invalid_syntax, 7);      // one SP between tokens
    bad("a XFOO b \r\n", errc::invalid_syntax, 9);      // no SP before the line end
    bad("a XFOO \x01\r\n", errc::invalid_syntax, 7);
    bad("a XFOO caf\xc3\xa9\r\n", errc::invalid_syntax, 10); // 8-bit words: lenient only
    CHECK(good("a XFOO caf\xc3\xa9\r\n", lenient) == index_of<cmd::generic>());
    bad("a UID\r\n", errc::invalid_syntax, 5);
    bad("a (x)\r\n", errc::invalid_syntax, 2);          // a command name is an atom
}

TEST_CASE("max_depth: one budget for the whole command, at, below and above", "[imap][command][parse][limits]") {
    parse_options o;
    o.max_depth = 4;
    // Generic arguments.
    CHECK(good("a XFOO " + nest(3, "x") + "\r\n", o) == index_of<cmd::generic>());
    CHECK(good("a XFOO " + nest(4, "x") + "\r\n", o) == index_of<cmd::generic>());
    bad("a XFOO " + nest(5, "x") + "\r\n", errc::limit_exceeded, 11, o);
    // select-params: the list's "(" counts, then the value's.
    CHECK(good("a SELECT x (X-A " + nest(3, "v") + ")\r\n", o) == index_of<cmd::select>());
    bad("a SELECT x (X-A " + nest(4, "v") + ")\r\n", errc::limit_exceeded, 19, o);
    // Search keys share the budget (search_key.hpp counts NOT, OR and lists).
    CHECK(good("a SEARCH " + nest(4, "ALL") + "\r\n", o) == index_of<cmd::search>());
    bad("a SEARCH " + nest(5, "ALL") + "\r\n", errc::limit_exceeded, 13, o);
    // Default budget: 64.
    CHECK(good("a XFOO " + nest(64, "x") + "\r\n") == index_of<cmd::generic>());
    bad("a XFOO " + nest(65, "x") + "\r\n", errc::limit_exceeded, 71);
}

TEST_CASE("max_list, at, below and above", "[imap][command][parse][limits]") {
    parse_options o;
    o.max_list = 3;
    CHECK(good("a ENABLE A B\r\n", o) == index_of<cmd::enable>());
    CHECK(good("a ENABLE A B C\r\n", o) == index_of<cmd::enable>());
    bad("a ENABLE A B C D\r\n", errc::limit_exceeded, 15, o);   // at the fourth
    CHECK(good("a STATUS x (MESSAGES UIDNEXT UNSEEN)\r\n", o) == index_of<cmd::status>());
    bad("a STATUS x (MESSAGES UIDNEXT UNSEEN SIZE)\r\n", errc::limit_exceeded, 36, o);
    CHECK(good("a XFOO a b c\r\n", o) == index_of<cmd::generic>());
    bad("a XFOO a b c d\r\n", errc::limit_exceeded, 13, o);
    bad("a XFOO (a b)\r\n", errc::limit_exceeded, 11, o);          // tokens count: ( a b )
    bad("a LIST \"\" (a b c d)\r\n", errc::limit_exceeded, 17, o);
    bad("a ID (\"1\" NIL \"2\" NIL \"3\" NIL \"4\" NIL)\r\n", errc::limit_exceeded, 30, o);
}

TEST_CASE("max_message and max_literal", "[imap][command][parse][limits]") {
    parse_options o;
    o.max_message = 10;
    CHECK(good("a NOOP\r\n", o) == index_of<cmd::noop>());
    bad("a1234 NOOP\r\n", errc::limit_exceeded, 10, o);
    parse_options l;
    l.max_literal = 3;
    CHECK(good("a LOGIN {3}\r\nabc x\r\n", l) == index_of<cmd::login>());
    bad("a LOGIN {4}\r\nabcd x\r\n", errc::limit_exceeded, 8, l); // the "{", as the framer says
}

TEST_CASE("UTF-8 quoted strings follow session_syntax (RFC 6855, RFC 9051 §4.3.1)", "[imap][command][parse]") {
    const std::string_view msg = "a SELECT \"Gr\xc3\xbc\xc3\x9f""e\"\r\n";
    command_storage st;
    auto no = parse_command(msg, st, strict);
    REQUIRE_FALSE(no.has_value());
    CHECK(no.error().code == errc::strict_violation);
    CHECK(no.error().offset == 12);
    auto yes = parse_command(msg, st, strict, session_syntax{true});
    REQUIRE(yes.has_value());
    CHECK(std::get<cmd::select>(yes->body).mbox.utf8);
}

TEST_CASE("RFC 5464 GETMETADATA options before and after the mailbox", "[imap][command][parse]") {
    command_storage st;
    auto before = parse_command("a GETMETADATA (MAXSIZE 5 DEPTH 1) INBOX (/a /b)\r\n", st);
    REQUIRE(before.has_value());
    CHECK_FALSE(std::get<cmd::getmetadata>(before->body).options_after_mailbox);
    CHECK(std::get<cmd::getmetadata>(before->body).options.size() == 2);
    command_storage st2;
    auto after = parse_command("a GETMETADATA INBOX (DEPTH 1) /a\r\n", st2);
    REQUIRE(after.has_value());
    CHECK(std::get<cmd::getmetadata>(after->body).options_after_mailbox);
    // An entry list starting with "/" is entries, not options.
    command_storage st3;
    auto entries = parse_command("a GETMETADATA INBOX (/a /b)\r\n", st3);
    REQUIRE(entries.has_value());
    CHECK(std::get<cmd::getmetadata>(entries->body).options.empty());
    CHECK(std::get<cmd::getmetadata>(entries->body).entries.size() == 2);
}

TEST_CASE("the storage is cleared by each parse and reused", "[imap][command][parse]") {
    command_storage st;
    auto a = parse_command("a ENABLE A B C\r\n", st);
    REQUIRE(a.has_value());
    CHECK(std::get<cmd::enable>(a->body).capabilities.size() == 3);
    auto b = parse_command("b ENABLE D\r\n", st);
    REQUIRE(b.has_value());
    REQUIRE(std::get<cmd::enable>(b->body).capabilities.size() == 1);
    CHECK(std::get<cmd::enable>(b->body).capabilities[0].text == "D");
    // A failed parse leaves the storage usable.
    auto c = parse_command("c ENABLE E (\r\n", st);
    CHECK_FALSE(c.has_value());
    auto d = parse_command("d STATUS x (MESSAGES)\r\n", st);
    REQUIRE(d.has_value());
    CHECK(std::get<cmd::status>(d->body).items.size() == 1);
}

TEST_CASE("missing arguments, command by command", "[imap][command][parse]") {
    bad("a LOGIN\r\n", errc::invalid_syntax, 7);
    bad("a ENABLE\r\n", errc::invalid_syntax, 8);
    bad("a SELECT x y\r\n", errc::invalid_syntax, 11);      // select-params are parenthesized
    bad("a EXAMINE\r\n", errc::invalid_syntax, 9);
    bad("a CREATE x (USE)\r\n", errc::invalid_syntax, 15);
    bad("a DELETE\r\n", errc::invalid_syntax, 8);
    bad("a RENAME a\r\n", errc::invalid_syntax, 10);
    bad("a SUBSCRIBE \r\n", errc::invalid_syntax, 12);
    bad("a UNSUBSCRIBE (x)\r\n", errc::invalid_syntax, 14);
    bad("a LSUB x\r\n", errc::invalid_syntax, 8);
    bad("a STATUS\r\n", errc::invalid_syntax, 8);
    bad("a COPY 1\r\n", errc::invalid_syntax, 8);
    bad("a UID COPY\r\n", errc::invalid_syntax, 10);
    bad("a UID MOVE 1:*\r\n", errc::invalid_syntax, 14);
    bad("a GETQUOTA\r\n", errc::invalid_syntax, 10);
    bad("a GETQUOTAROOT\r\n", errc::invalid_syntax, 14);
    bad("a SETACL x y\r\n", errc::invalid_syntax, 12);
    bad("a DELETEACL x\r\n", errc::invalid_syntax, 13);
    bad("a GETACL x y\r\n", errc::invalid_syntax, 10);     // one argument only
    bad("a LISTRIGHTS x\r\n", errc::invalid_syntax, 14);
    bad("a MYRIGHTS\r\n", errc::invalid_syntax, 10);
    bad("a THREAD\r\n", errc::invalid_syntax, 8);
    bad("a UID SORT (DATE)\r\n", errc::invalid_syntax, 17);
    bad("a REPLACE 1 x\r\n", errc::invalid_syntax, 13);
    bad("a UID REPLACE 1 x (\\Seen)\r\n", errc::invalid_syntax, 25);
}

TEST_CASE("parse_command(buffered_framer::event): APPEND data checked for NUL once", "[imap][command][parse]") {
    // The server side: accept each announced literal, then parse the framed command.
    const std::string with_nul("a1 APPEND INBOX {3}\r\na\0b\r\n", 26);
    const std::string binary("a2 APPEND INBOX ~{3}\r\na\0b\r\n", 27);
    const std::string clean = "a3 APPEND INBOX {3}\r\nabc\r\n";
    buffered_framer f({direction::client_to_server});
    f.feed(with_nul + binary + clean);
    command_storage st;
    auto next_message = [&] {
        for (;;) {
            auto ev = f.next();
            if (ev.status != frame_status::literal_announced) return ev;
            REQUIRE(f.accept_literal());
        }
    };
    auto e1 = next_message();
    REQUIRE(e1.status == frame_status::message);
    CHECK_FALSE(e1.nul_free);
    auto r1 = parse_command(e1, st);
    REQUIRE_FALSE(r1.has_value());
    CHECK(r1.error().code == errc::invalid_syntax);
    CHECK(r1.error().offset == 22);

    auto e2 = next_message();
    CHECK_FALSE(e2.nul_free);
    auto r2 = parse_command(e2, st);
    REQUIRE(r2.has_value());
    CHECK(std::get<cmd::append>(r2->body).messages[0].data.data == std::string_view("a\0b", 3));

    auto e3 = next_message();
    CHECK(e3.nul_free);
    auto r3 = parse_command(e3, st);
    REQUIRE(r3.has_value());
    const auto data = std::get<cmd::append>(r3->body).messages[0].data.data;
    CHECK(data == "abc");
    CHECK(data.data() == e3.bytes.data() + 21);

    auto r4 = parse_command(next_message(), st);
    REQUIRE_FALSE(r4.has_value());
    CHECK(r4.error().code == errc::bad_state);
}

TEST_CASE("parse_command enforces the framer's limits without a framer: at, below and above each", "[imap][command][parse]") {
    SECTION("max_line: a line, CRLF included, outside literals") {
        parse_options o;
        o.max_line = 64;
        const std::string head = "a1 LOGIN bob ";
        const std::string at = head + std::string(64 - head.size() - 2, 'p') + "\r\n"; // 64 octets
        CHECK(at.size() == 64);
        good(at, o);
        good(at.substr(0, 20) + "\r\n", o);
        bad(head + std::string(64 - head.size() - 1, 'p') + "\r\n", errc::limit_exceeded, 64, o);
        // The default limit holds too: a 200 KB line is refused, at max_line.
        bad(head + std::string(200 * 1024, 'p') + "\r\n", errc::limit_exceeded, parse_options{}.max_line);
        // Literal data does not count toward a line; the line after it starts anew.
        good("a1 LOGIN {70}\r\n" + std::string(70, 'u') + " " + std::string(40, 'p') + "\r\n", o);
    }
    SECTION("max_literals_per_message") {
        parse_options o;
        o.max_literals_per_message = 2;
        good("a1 LOGIN {1}\r\nb {1}\r\np\r\n", o);
        bad("a1 APPEND x {1}\r\nb {1}\r\nc {1}\r\nd\r\n", errc::limit_exceeded, 26, o); // the third "{"
        std::string many = "a1 APPEND x";
        for (int i = 0; i < 2000; ++i) many += " {1}\r\nm";
        many += "\r\n";
        auto r = [&] { command_storage st; return parse_command(many, st); }();
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == errc::limit_exceeded);
        CHECK(r.error().expected == "max_literals_per_message");
    }
    SECTION("max_message") {
        parse_options o;
        o.max_message = 24;
        good("a1 LOGIN {1}\r\nb pass\r\n", o); // 22 octets
        good("a1 LOGIN {1}\r\nb passwd\r\n", o); // 24
        bad("a1 LOGIN {1}\r\nb passwd1\r\n", errc::limit_exceeded, 24, o);
    }
}

TEST_CASE("parse_command refuses a literal above max_literal with the framer's code, offset and name", "[imap][command][parse][limits]") {
    // Without a framer in front, and with the message too short for check_message_limits to
    // frame it: the literal rule alone sees the size, and says what the framer says.
    parse_options o;
    o.max_literal = 4;
    struct form { std::string open, close, after; };
    for (const form& f : {form{"a LOGIN {", "}", " p"}, form{"a LOGIN {", "+}", " p"}, form{"a APPEND x ~{", "}", ""},
                          form{"a APPEND x ~{", "+}", ""}}) {
        for (const std::uint64_t n : {std::uint64_t{3}, std::uint64_t{4}, std::uint64_t{5}, std::uint64_t{4000000000}}) {
            const std::string msg = f.open + std::to_string(n) + f.close + "\r\n" + (n < 10 ? std::string(n, 'd') : "") + f.after + "\r\n";
            INFO("message: " << msg);
            command_storage st;
            auto r = parse_command(msg, st, o);
            if (n <= o.max_literal) {
                CHECK(r.has_value());
                continue;
            }
            REQUIRE_FALSE(r.has_value());
            framer fr(framer_config{direction::client_to_server, false}, o);
            const frame_event ev = fr.next(msg);
            REQUIRE(ev.status == frame_status::error);
            CHECK(r.error().code == errc::limit_exceeded);
            CHECK(r.error().offset == std::min(f.open.find('~'), f.open.find('{'))); // the "~" of "~{"
            CHECK(r.error().expected == "max_literal");
            CHECK(r.error() == ev.error);
        }
    }
}
