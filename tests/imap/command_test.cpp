// Tests for include/mailwire/imap/command.hpp: every RFC command example (the vectors in
// tests/vectors/imap/commands-*.txt, extracted by extract_commands.py) parses, writes back
// byte for byte and round-trips; typed fields of a representative set; the commands of the
// RFCs that show no example (embedded below, citing their ABNF); the Dovecot client
// session; the lenient quirk; the framer's parsers for the lines that are not commands.
// Rejections per rule are in command/parse_test.cpp, the writer in command/write_test.cpp,
// check_writable in command/check_test.cpp, the dump in command/dump_test.cpp.
#include <mailwire/imap/command.hpp>

#include <cstddef>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "support/catch.hpp"

using mailwire::errc;
using mailwire::parse_options;
using namespace mailwire::imap;

namespace {

const parse_options strict{};
const parse_options lenient = parse_options::make_lenient();

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in.good());
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct vector_entry {
    std::string where;    // "@ rfcNNNN L123"
    std::string expected; // "" or the errc name of a "!" line
    std::string message;
};

/// Reads a commands-*.txt file (format: see tests/vectors/imap/extract_commands.py).
std::vector<vector_entry> read_vectors(const std::string& name) {
    std::istringstream in(read_file(std::string(MAILWIRE_TEST_DATA_DIR) + "/vectors/imap/" + name));
    std::vector<vector_entry> out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("@ ", 0) == 0) out.push_back({line, {}, {}});
        else if (line.rfind("! ", 0) == 0 && !out.empty()) out.back().expected = line.substr(2, line.find(' ', 2) - 2);
        else if (line.rfind("> ", 0) == 0 && !out.empty()) out.back().message += line.substr(2) + "\r\n";
    }
    return out;
}

/// The message's bytes with ASCII letters in upper case, for comparing a lower-case
/// example ("a002 select inbox") with the canonical form written back.
std::string upper(std::string s) {
    for (auto& c : s) c = mailwire::chars::to_upper(c);
    return s;
}

/// Parses, checks round trips and returns the command (storage must outlive it).
command parse_ok(std::string_view msg, command_storage& st, const parse_options& o = strict) {
    INFO("message: " << std::string(msg));
    auto r = parse_command(msg, st, o);
    if (!r) INFO("error " << mailwire::to_string(r.error().code) << " at " << r.error().offset << ": " << r.error().expected);
    REQUIRE(r.has_value());
    REQUIRE(check_writable(*r).has_value());
    const std::string wire = fmt::format("{}", *r);
    command_storage st2;
    auto again = parse_command(wire, st2, o);
    REQUIRE(again.has_value());
    CHECK(*again == *r);
    return *r;
}

/// Concatenates write_command()'s parts.
std::string parts_of(const command& c, write_options wo = {}) {
    std::string out;
    auto ok = write_command(
        c, [&](const auto& part) {
            if constexpr (std::is_same_v<std::decay_t<decltype(part)>, line_part>) out += std::string(part.bytes);
            else out += std::string(part.data);
        },
        wo);
    REQUIRE(ok.has_value());
    return out;
}

const char* const vector_files[] = {
    "commands-rfc9051.txt", "commands-rfc3501.txt", "commands-rfc4315.txt", "commands-rfc4314.txt",
    "commands-rfc4959.txt", "commands-rfc4978.txt", "commands-rfc5161.txt", "commands-rfc5256.txt",
    "commands-rfc5258.txt", "commands-rfc5464.txt", "commands-rfc5819.txt", "commands-rfc5957.txt",
    "commands-rfc6154.txt", "commands-rfc6851.txt", "commands-rfc6855.txt", "commands-rfc7162.txt",
    "commands-rfc7889.txt", "commands-rfc8437.txt", "commands-rfc8438.txt", "commands-rfc8474.txt",
    "commands-rfc8508.txt", "commands-rfc8514.txt", "commands-rfc8970.txt", "commands-rfc9208.txt",
    "commands-rfc9394.txt", "commands-rfc2971.txt", "commands-rfc2342.txt", "commands-rfc2177.txt",
    "commands-rfc3502.txt", "commands-rfc3691.txt", "commands-rfc4731.txt", "commands-rfc5182.txt",
    "commands-rfc5032.txt", "commands-rfc3516.txt", "commands-rfc4466.txt",
};

} // namespace

TEST_CASE("every RFC command example parses, writes back and round-trips", "[imap][command][vectors]") {
    std::size_t total = 0, valid = 0, rejected = 0, recased = 0;
    for (const char* file : vector_files) {
        const auto entries = read_vectors(file);
        for (const auto& e : entries) {
            ++total;
            INFO(e.where << "\n" << e.message);
            for (const auto* o : {&strict, &lenient}) {
                command_storage st;
                auto r = parse_command(e.message, st, *o);
                if (!e.expected.empty()) {
                    // A deliberately (or mistakenly) invalid example: rejected with the errc named.
                    REQUIRE_FALSE(r.has_value());
                    CHECK(std::string(mailwire::to_string(r.error().code)) == e.expected);
                    CHECK(r.error().offset <= e.message.size());
                    continue;
                }
                if (!r) INFO("error " << mailwire::to_string(r.error().code) << " at " << r.error().offset << ": "
                                      << r.error().expected);
                REQUIRE(r.has_value());
                REQUIRE(check_writable(*r).has_value());
                const std::string wire = fmt::format("{}", *r);
                if (wire != e.message) {
                    // Only examples that spell keywords in lower case ("a002 select inbox")
                    // differ: the writer's keywords are upper case.
                    CHECK(upper(wire) == upper(e.message));
                    if (o == &strict) ++recased;
                }
                CHECK(parts_of(*r) == wire);
                command_storage st2;
                auto again = parse_command(wire, st2, *o);
                REQUIRE(again.has_value());
                CHECK(*again == *r);
                CHECK(fmt::format("{}", *again) == wire);
                CHECK_FALSE(fmt::format("{:v}", *r).empty());
            }
            if (e.expected.empty()) ++valid;
            else ++rejected;
        }
    }
    // The files are all there: the extraction found this many examples.
    CHECK(total == 561);
    CHECK(rejected == 12);
    CHECK(valid == total - rejected);
    CHECK(recased == 61); // the lower-case examples of RFC 9051 §6.2-§8, RFC 3501 §8, ...
}

TEST_CASE("typed fields of RFC examples", "[imap][command][vectors]") {
    command_storage st;

    SECTION("LOGIN (RFC 9051 §6.2.3)") {
        auto c = parse_ok("a001 LOGIN SMITH SESAME\r\n", st);
        CHECK(c.tag.text == "a001");
        const auto& l = std::get<cmd::login>(c.body);
        CHECK(l.userid.form == string_form::atom);
        CHECK(l.userid.equals("SMITH"));
        CHECK(l.password.equals("SESAME"));
        CHECK(command_name(c) == "LOGIN");
    }
    SECTION("AUTHENTICATE with an initial response (RFC 9051 §6.2.2, RFC 4959)") {
        auto c = parse_ok("a004 AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=\r\n", st);
        const auto& a = std::get<cmd::authenticate>(c.body);
        CHECK(a.mechanism.text == "PLAIN");
        REQUIRE(a.initial_response.has_value());
        CHECK(*a.initial_response == "dGVzdAB0ZXN0AHRlc3Q=");
        auto e = parse_ok("A01 AUTHENTICATE EXTERNAL =\r\n", st);
        const auto& x = std::get<cmd::authenticate>(e.body);
        REQUIRE(x.initial_response.has_value());
        CHECK(x.initial_response->empty());
        auto g = parse_ok("A001 AUTHENTICATE GSSAPI\r\n", st);
        CHECK_FALSE(std::get<cmd::authenticate>(g.body).initial_response.has_value());
    }
    SECTION("ENABLE (RFC 5161 §3.1)") {
        auto c = parse_ok("t2 ENABLE CONDSTORE X-GOOD-IDEA\r\n", st);
        const auto& e = std::get<cmd::enable>(c.body);
        REQUIRE(e.capabilities.size() == 2);
        CHECK(e.capabilities[0].text == "CONDSTORE");
        CHECK(e.capabilities[1].text == "X-GOOD-IDEA");
    }
    SECTION("SELECT with QRESYNC (RFC 7162 §3.2.5.2)") {
        auto c = parse_ok("A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))\r\n", st);
        const auto& s = std::get<cmd::select>(c.body);
        CHECK(s.mbox.inbox);
        REQUIRE(s.params.size() == 1);
        CHECK(s.params[0].kind == select_param_kind::qresync);
        CHECK(s.params[0].qresync.uidvalidity == 67890007u);
        CHECK(s.params[0].qresync.modseq == 20050715194045000ull);
        CHECK(s.params[0].qresync.known_uids.text() == "41,43:211,214:541");
        CHECK(s.params[0].qresync.known_sequence_set.empty());
        auto b = parse_ok("B04 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500,9000,9990:9999 "
                          "15000,22500,27000,29970,29973,29976,29979,29982,29985,29988,29991,29994,29997)))\r\n",
                          st);
        const auto& q = std::get<cmd::select>(b.body).params[0].qresync;
        CHECK(q.known_sequence_set.text() == "5000,7500,9000,9990:9999");
        CHECK(q.known_uid_set.size() == 13);
        auto cs = parse_ok("A142 SELECT INBOX (CONDSTORE)\r\n", st);
        CHECK(std::get<cmd::select>(cs.body).params[0].kind == select_param_kind::condstore);
    }
    SECTION("EXAMINE with extension parameters (RFC 4466 §2.1)") {
        auto c = parse_ok("a EXAMINE INBOX (ANNOTATE RESPONSES (\"UID Responses\") CONDSTORE)\r\n", st);
        const auto& x = std::get<cmd::examine>(c.body);
        REQUIRE(x.params.size() == 3);
        CHECK(x.params[0].kind == select_param_kind::other);
        CHECK(x.params[0].name() == "ANNOTATE");
        CHECK(x.params[0].value.empty());
        CHECK(x.params[1].name() == "RESPONSES");
        REQUIRE(x.params[1].value.size() == 3);
        CHECK(x.params[1].value[1].kind == token_kind::quoted);
        CHECK(x.params[1].value[1].value().equals("UID Responses"));
        CHECK(x.params[2].kind == select_param_kind::condstore);
    }
    SECTION("CREATE with USE (RFC 6154 §5.2)") {
        auto c = parse_ok("t2 CREATE MySpecial (USE (\\Drafts \\Sent))\r\n", st);
        const auto& cr = std::get<cmd::create>(c.body);
        CHECK(cr.mbox.name.equals("MySpecial"));
        REQUIRE(cr.params.size() == 1);
        CHECK(cr.params[0].kind == create_param_kind::use);
        REQUIRE(cr.params[0].use.size() == 2);
        CHECK(cr.params[0].use[0].kind == mailbox_attr_kind::drafts);
        CHECK(cr.params[0].use[1].kind == mailbox_attr_kind::sent);
    }
    SECTION("RENAME INBOX (RFC 9051 §6.3.6)") {
        auto c = parse_ok("Z433 RENAME INBOX old-mail\r\n", st);
        const auto& r = std::get<cmd::rename>(c.body);
        CHECK(r.from.inbox);
        CHECK(r.to.name.equals("old-mail"));
    }
    SECTION("LIST-EXTENDED with RETURN (STATUS ...) (RFC 5819 §5)") {
        auto c = parse_ok("A02 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" % RETURN (STATUS (MESSAGES))\r\n", st);
        const auto& l = std::get<cmd::list>(c.body);
        CHECK(l.has_select_opts);
        REQUIRE(l.select_opts.size() == 2);
        CHECK(l.select_opts[0].kind == list_select_kind::subscribed);
        CHECK(l.select_opts[1].kind == list_select_kind::recursivematch);
        CHECK(l.reference.name.equals(""));
        REQUIRE(l.patterns.size() == 1);
        CHECK(l.patterns[0].form == string_form::atom);
        CHECK(l.patterns[0].equals("%"));
        REQUIRE(l.return_opts.size() == 1);
        CHECK(l.return_opts[0].kind == list_return_kind::status);
        REQUIRE(l.return_opts[0].status.size() == 1);
        CHECK(l.return_opts[0].status[0].kind == status_att_kind::messages);
    }
    SECTION("LIST with several patterns (RFC 5258 §5)") {
        auto c = parse_ok("BBB LIST \"\" (\"INBOX\" \"Drafts\" \"Sent/%\")\r\n", st);
        const auto& l = std::get<cmd::list>(c.body);
        CHECK_FALSE(l.has_select_opts);
        CHECK(l.patterns_parenthesized);
        REQUIRE(l.patterns.size() == 3);
        CHECK(l.patterns[2].equals("Sent/%"));
        CHECK_FALSE(l.has_return_opts);
        auto s = parse_ok("A002 LIST (SPECIAL-USE) \"\" \"*\"\r\n", st);
        CHECK(std::get<cmd::list>(s.body).select_opts[0].kind == list_select_kind::special_use);
    }
    SECTION("LSUB (RFC 3501 §6.3.9)") {
        auto c = parse_ok("A002 LSUB \"#news.\" \"comp.mail.*\"\r\n", st);
        CHECK(std::get<cmd::lsub>(c.body).pattern.equals("comp.mail.*"));
    }
    SECTION("STATUS items of the extensions (RFC 9051, 7162, 7889, 8438, 8474, 9208)") {
        auto c = parse_ok("S0003 STATUS INBOX (MESSAGES DELETED DELETED-STORAGE SIZE HIGHESTMODSEQ APPENDLIMIT "
                          "MAILBOXID RECENT UIDNEXT UIDVALIDITY UNSEEN X-FOO)\r\n",
                          st);
        const auto& s = std::get<cmd::status>(c.body);
        REQUIRE(s.items.size() == 12);
        const status_att_kind want[] = {status_att_kind::messages,     status_att_kind::deleted,
                                        status_att_kind::deleted_storage, status_att_kind::size,
                                        status_att_kind::highestmodseq, status_att_kind::appendlimit,
                                        status_att_kind::mailboxid,    status_att_kind::recent,
                                        status_att_kind::uidnext,      status_att_kind::uidvalidity,
                                        status_att_kind::unseen,       status_att_kind::other};
        for (std::size_t i = 0; i < 12; ++i) CHECK(s.items[i].kind == want[i]);
        auto lower = parse_ok("k2 status \"/archive/projects/experiment-iv\" (messages)\r\n", st);
        CHECK(std::get<cmd::status>(lower.body).items[0].kind == status_att_kind::messages);
    }
    SECTION("APPEND (RFC 9051 §6.3.12)") {
        const std::string body = "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n\r\nHello\r\n";
        const std::string msg = "A003 APPEND saved-messages (\\Seen) {" + std::to_string(body.size()) + "}\r\n" + body + "\r\n";
        auto c = parse_ok(msg, st);
        const auto& a = std::get<cmd::append>(c.body);
        REQUIRE(a.messages.size() == 1);
        CHECK(a.messages[0].has_flags);
        REQUIRE(a.messages[0].flags.size() == 1);
        CHECK(a.messages[0].flags[0].kind == flag_kind::seen);
        CHECK(a.messages[0].kind == append_data_kind::literal);
        CHECK(a.messages[0].data.data == body);
        CHECK_FALSE(a.messages[0].date.has_value());
    }
    SECTION("MULTIAPPEND with a date-time (RFC 3502 §6)") {
        auto c = parse_ok("A003 APPEND saved (\\Seen) {3}\r\nabc (\\Seen) \" 7-Feb-1994 22:43:04 -0800\" {2}\r\nde\r\n", st);
        const auto& a = std::get<cmd::append>(c.body);
        REQUIRE(a.messages.size() == 2);
        CHECK(a.messages[0].data.data == "abc");
        REQUIRE(a.messages[1].date.has_value());
        CHECK(a.messages[1].date->day == 7);
        CHECK(a.messages[1].date->padding == day_padding::space);
        CHECK(a.messages[1].date->tz.negative);
        CHECK(a.messages[1].data.data == "de");
    }
    SECTION("STORE with UNCHANGEDSINCE (RFC 7162 §3.1.3)") {
        auto c = parse_ok("a103 UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT (\\Deleted)\r\n", st);
        const auto& s = std::get<cmd::store>(c.body);
        CHECK(s.uid);
        CHECK(s.set.text() == "6,4,8");
        REQUIRE(s.modifiers.size() == 1);
        CHECK(s.modifiers[0].kind == store_modifier_kind::unchangedsince);
        CHECK(s.modifiers[0].modseq == 12121230045ull);
        CHECK(s.op == store_op::add);
        CHECK(s.silent);
        CHECK(s.item == store_item::flags);
        REQUIRE(s.flags.size() == 1);
        CHECK(s.flags[0].kind == flag_kind::deleted);
        CHECK(command_name(c) == "UID STORE");
        auto bare = parse_ok("A151 STORE 3 +FLAGS.SILENT \\Seen\r\n", st);
        CHECK_FALSE(std::get<cmd::store>(bare.body).parenthesized);
    }
    SECTION("COPY, MOVE, UID EXPUNGE, $ (RFC 9051, RFC 6851, RFC 4315, RFC 5182)") {
        auto c = parse_ok("A005 UID COPY 305:310 meeting\r\n", st);
        CHECK(std::get<cmd::copy>(c.body).uid);
        auto m = parse_ok("a UID MOVE 42:69 foo\r\n", st);
        CHECK(std::get<cmd::move>(m.body).set.text() == "42:69");
        CHECK(command_name(m) == "UID MOVE");
        auto x = parse_ok("A003 UID EXPUNGE 3000:3002\r\n", st);
        CHECK(std::get<cmd::uid_expunge>(x.body).set.text() == "3000:3002");
        auto d = parse_ok("E283 COPY $ \"Other Messages\"\r\n", st);
        CHECK(std::get<cmd::copy>(d.body).set.is_last_result());
    }
    SECTION("SORT and THREAD (RFC 5256 §3)") {
        auto c = parse_ok("A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL\r\n", st);
        const auto& s = std::get<cmd::sort>(c.body);
        REQUIRE(s.criteria.size() == 2);
        CHECK(s.criteria[0].key == sort_key::subject);
        CHECK_FALSE(s.criteria[0].reverse);
        CHECK(s.criteria[1].key == sort_key::date);
        CHECK(s.criteria[1].reverse);
        CHECK(s.search.has_charset);
        CHECK(s.search.charset.equals("UTF-8"));
        REQUIRE(s.search.keys.size() == 1);
        CHECK(s.search.keys[0].kind == search_key_kind::all);
        auto t = parse_ok("A285 THREAD REFERENCES UTF-8 SINCE 5-MAR-2000\r\n", st);
        const auto& th = std::get<cmd::thread>(t.body);
        CHECK(th.algorithm.text == "REFERENCES");
        REQUIRE(th.search.keys.size() == 1);
        CHECK(th.search.keys[0].kind == search_key_kind::since);
        CHECK(th.search.keys[0].date.month == 3);
        auto r = parse_ok("a SORT RETURN (ALL) (DATE) UTF-8 MODSEQ 1234\r\n", st);
        const auto& so = std::get<cmd::sort>(r.body);
        CHECK(so.ret.present());
        CHECK(so.ret.has(search_return_kind::all));
        CHECK(so.search.keys[0].kind == search_key_kind::modseq);
        CHECK(so.search.keys[0].number == 1234u);
    }
    SECTION("SEARCH (RFC 9051 §6.4.4, RFC 4731, RFC 5182)") {
        auto c = parse_ok("A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"\r\n", st);
        const auto& s = std::get<cmd::search>(c.body);
        CHECK_FALSE(s.uid);
        CHECK(s.ret.present());
        CHECK(s.ret.has(search_return_kind::min));
        CHECK(s.ret.has(search_return_kind::count));
        CHECK_FALSE(s.program.has_charset);
        CHECK(s.program.top().size() == 3);
        CHECK(s.program.keys[0].kind == search_key_kind::flagged);
        CHECK(s.program.keys[2].kind == search_key_kind::not_);
        CHECK(s.program.keys[3].kind == search_key_kind::from);
        CHECK(s.program.keys[3].value.equals("Smith"));
        auto u = parse_ok("A285 SEARCH CHARSET UTF-8 TEXT {12}\r\n\xd0\xbe\xd1\x82\xd0\xbf\xd1\x83\xd1\x81\xd0\xba\r\n", st);
        const auto& us = std::get<cmd::search>(u.body);
        CHECK(us.program.has_charset);
        CHECK(us.program.keys[0].value.form == string_form::literal);
        auto d = parse_ok("A301 UID SEARCH UID $ SMALLER 4096\r\n", st);
        const auto& ds = std::get<cmd::search>(d.body);
        CHECK(ds.uid);
        CHECK(ds.program.keys[0].set.is_last_result());
        CHECK(command_name(d) == "UID SEARCH");
    }
    SECTION("FETCH (RFC 9051 §6.4.5, RFC 7162, RFC 9394)") {
        auto c = parse_ok("A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n", st);
        const auto& f = std::get<cmd::fetch>(c.body);
        CHECK(f.set.text() == "2:4");
        CHECK(f.parenthesized);
        REQUIRE(f.atts.size() == 2);
        CHECK(f.atts[0].kind == fetch_att_kind::flags);
        CHECK(f.atts[1].kind == fetch_att_kind::body_section);
        CHECK(f.atts[1].section.text == section_text_kind::header_fields);
        CHECK_FALSE(f.modifiers.present());
        auto m = parse_ok("s100 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n", st);
        const auto& mf = std::get<cmd::fetch>(m.body);
        CHECK(mf.uid);
        CHECK(mf.modifiers.present());
        CHECK(mf.modifiers.vanished());
        auto a = parse_ok("A003 FETCH 4 ALL\r\n", st);
        CHECK(std::get<cmd::fetch>(a.body).macro == fetch_macro::all);
        CHECK(std::get<cmd::fetch>(a.body).atts.empty());
    }
    SECTION("ID (RFC 2971 §3.1)") {
        auto c = parse_ok("a023 ID (\"name\" \"sodr\" \"version\" \"19.34\" \"vendor\" \"Pink Floyd Music Limited\")\r\n", st);
        const auto& i = std::get<cmd::id>(c.body);
        CHECK_FALSE(i.nil);
        REQUIRE(i.params.size() == 3);
        CHECK(i.params[2].value.equals("Pink Floyd Music Limited"));
        auto n = parse_ok("a042 ID NIL\r\n", st);
        CHECK(std::get<cmd::id>(n.body).nil);
    }
    SECTION("QUOTA (RFC 9208 §4)") {
        auto c = parse_ok("S0001 SETQUOTA \"#user/alice\" (STORAGE 510)\r\n", st);
        const auto& q = std::get<cmd::setquota>(c.body);
        CHECK(q.root.equals("#user/alice"));
        REQUIRE(q.resources.size() == 1);
        CHECK(q.resources[0].name == "STORAGE");
        CHECK(q.resources[0].limit == 510u);
        auto g = parse_ok("G0002 GETQUOTAROOT INBOX\r\n", st);
        CHECK(std::get<cmd::getquotaroot>(g.body).mbox.inbox);
    }
    SECTION("ACL (RFC 4314 §3)") {
        auto c = parse_ok("A002 SETACL INBOX/Drafts Chris +cda\r\n", st);
        const auto& a = std::get<cmd::setacl>(c.body);
        CHECK(a.identifier.equals("Chris"));
        CHECK(a.rights.equals("+cda"));
        auto d = parse_ok("B002 DeleteAcl INBOX Fred\r\n", st);
        CHECK(std::get<cmd::deleteacl>(d.body).identifier.equals("Fred"));
        auto l = parse_ok("a001 LISTRIGHTS ~/Mail/saved smith\r\n", st);
        CHECK(std::get<cmd::listrights>(l.body).mbox.name.equals("~/Mail/saved"));
    }
    SECTION("METADATA (RFC 5464 §4)") {
        auto c = parse_ok("a GETMETADATA \"INBOX\" (MAXSIZE 1024) (/shared/comment /private/comment)\r\n", st);
        const auto& g = std::get<cmd::getmetadata>(c.body);
        REQUIRE(g.options.size() == 1);
        CHECK(g.options[0].kind == metadata_option_kind::maxsize);
        CHECK(g.options[0].maxsize == 1024u);
        CHECK(g.options_after_mailbox);
        CHECK(g.entries.size() == 2);
        auto d = parse_ok("a GETMETADATA (DEPTH infinity) \"\" /shared\r\n", st);
        CHECK(std::get<cmd::getmetadata>(d.body).options[0].depth == metadata_depth::infinity);
        CHECK_FALSE(std::get<cmd::getmetadata>(d.body).options_after_mailbox);
        auto s = parse_ok("a SETMETADATA INBOX (/private/comment NIL)\r\n", st);
        CHECK(std::get<cmd::setmetadata>(s.body).values[0].value.is_nil());
        auto l = parse_ok("a SETMETADATA INBOX (/private/comment {33}\r\nMy new comment across\r\ntwo lines.)\r\n", st);
        CHECK(std::get<cmd::setmetadata>(l.body).values[0].value.form == string_form::literal);
    }
    SECTION("REPLACE (RFC 8508 §3.2)") {
        auto c = parse_ok("A003 REPLACE 4 Drafts (\\Seen \\Draft) {5}\r\nhello\r\n", st);
        const auto& r = std::get<cmd::replace>(c.body);
        CHECK(r.number.value == 4u);
        CHECK(r.message.flags.size() == 2);
        CHECK(r.message.data.data == "hello");
        auto u = parse_ok("A011 UID REPLACE 3002 Drafts CATENATE (TEXT {2}\r\nab URL \"/Drafts/;UID=3002\")\r\n", st);
        const auto& ur = std::get<cmd::replace>(u.body);
        CHECK(ur.uid);
        CHECK(ur.message.kind == append_data_kind::other);
        CHECK(ur.message.data_ext.name == "CATENATE");
        CHECK(ur.message.data_ext.value.size() == 6);
    }
    SECTION("a command no parser knows is kept (RFC 9051 §6.5 XPIG-LATIN, §7.5 BLURDYBLOOP)") {
        auto c = parse_ok("A442 XPIG-LATIN\r\n", st);
        const auto& g = std::get<cmd::generic>(c.body);
        CHECK(g.name.text == "XPIG-LATIN");
        CHECK(g.args.empty());
        CHECK(command_name(c) == "XPIG-LATIN");
    }
}

TEST_CASE("commands of RFCs that show no example", "[imap][command]") {
    command_storage st;
    SECTION("SORT=DISPLAY keys (RFC 5957 §5: sort-key =/ \"DISPLAYFROM\" / \"DISPLAYTO\")") {
        auto c = parse_ok("a SORT (DISPLAYFROM REVERSE DISPLAYTO) UTF-8 ALL\r\n", st);
        const auto& s = std::get<cmd::sort>(c.body);
        CHECK(s.criteria[0].key == sort_key::displayfrom);
        CHECK(s.criteria[1].key == sort_key::displayto);
        CHECK(s.criteria[1].reverse);
        CHECK(fmt::format("{}", c) == "a SORT (DISPLAYFROM REVERSE DISPLAYTO) UTF-8 ALL\r\n");
    }
    SECTION("APPEND UTF8 (RFC 6855 §4: utf8-literal = \"UTF8\" SP \"(\" literal8 \")\")") {
        const std::string msg = "a APPEND INBOX UTF8 (~{6}\r\nS\xc3\xa9\r\nx)\r\n";
        auto c = parse_ok(msg, st);
        const auto& a = std::get<cmd::append>(c.body);
        CHECK(a.messages[0].kind == append_data_kind::utf8);
        CHECK(a.messages[0].data.data == "S\xc3\xa9\r\nx");
        CHECK(fmt::format("{}", c) == msg);
    }
    SECTION("UNAUTHENTICATE (RFC 8437 §6: command-auth =/ \"UNAUTHENTICATE\")") {
        auto c = parse_ok("u1 UNAUTHENTICATE\r\n", st);
        CHECK(std::holds_alternative<cmd::unauthenticate>(c.body));
    }
    SECTION("UNSELECT (RFC 3691 §2 example)") {
        auto c = parse_ok("A341 UNSELECT\r\n", st);
        CHECK(std::holds_alternative<cmd::unselect>(c.body));
    }
    SECTION("APPEND literal8 (RFC 3516 §4.4: append =/ ... SP literal8)") {
        static constexpr char raw[] = "b APPEND INBOX (\\Seen) ~{3}\r\na\0b\r\n";
        const std::string msg(raw, sizeof raw - 1);
        auto c = parse_ok(msg, st);
        const auto& a = std::get<cmd::append>(c.body);
        CHECK(a.messages[0].kind == append_data_kind::literal8);
        CHECK(a.messages[0].data.data == std::string_view("a\0b", 3));
        CHECK(fmt::format("{}", c) == msg);
    }
    SECTION("COMPRESS (RFC 4978 §3)") {
        auto c = parse_ok("c COMPRESS DEFLATE\r\n", st);
        CHECK(std::get<cmd::compress>(c.body).algorithm.text == "DEFLATE");
    }
    SECTION("Gmail X-GM-LABELS in STORE (Gmail IMAP extensions, X-GM-EXT-1)") {
        auto c = parse_ok("a UID STORE 1:* +X-GM-LABELS (\\Inbox \"Processed Contracts\" Work)\r\n", st);
        const auto& s = std::get<cmd::store>(c.body);
        CHECK(s.item == store_item::gmail_labels);
        REQUIRE(s.labels.size() == 3);
        CHECK(s.labels[0].text == "\\Inbox");
        CHECK(s.labels[1].equals("Processed Contracts"));
        auto e = parse_ok("a STORE 1 -X-GM-LABELS ()\r\n", st);
        CHECK(std::get<cmd::store>(e.body).labels.empty());
    }
}

TEST_CASE("every command of the Dovecot 2.3.19 client session parses and writes back", "[imap][command]") {
    const std::string raw = read_file(std::string(MAILWIRE_TEST_DATA_DIR) + "/vectors/imap/dovecot-2.3.19-client.raw");
    framer f(framer_config{direction::client_to_server, false, false});
    std::string_view rest = raw;
    std::size_t n = 0;
    for (;;) {
        auto ev = f.next(rest);
        if (ev.status == frame_status::need_more) break;
        REQUIRE(ev.status == frame_status::message);
        const auto msg = ev.bytes(rest);
        command_storage st;
        auto c = parse_command(msg, st);
        INFO(std::string(msg));
        REQUIRE(c.has_value());
        CHECK(fmt::format("{}", *c) == msg);
        ++n;
        rest.remove_prefix(ev.consume);
    }
    CHECK(n == 10);
}

TEST_CASE("lenient quirk: a bare LF ends the command (netcat without -C)", "[imap][command][quirk]") {
    command_storage st;
    auto s = parse_command("a1 NOOP\n", st, strict);
    REQUIRE_FALSE(s.has_value());
    CHECK(s.error().code == errc::strict_violation);
    CHECK(s.error().offset == 7);
    auto l = parse_command("a1 LOGIN fred secret\n", st, lenient);
    REQUIRE(l.has_value());
    CHECK(std::get<cmd::login>(l->body).password.equals("secret"));
    // Written back canonically, with CRLF.
    CHECK(fmt::format("{}", *l) == "a1 LOGIN fred secret\r\n");
}

TEST_CASE("the client lines that are not commands use the framer's parsers", "[imap][command]") {
    command_storage st;
    // RFC 9051 §6.2.2: AUTHENTICATE without an initial response, then the client's line.
    auto a = parse_command("A01 AUTHENTICATE PLAIN\r\n", st);
    REQUIRE(a.has_value());
    CHECK_FALSE(std::get<cmd::authenticate>(a->body).initial_response.has_value());
    auto resp = parse_authenticate_continuation("dGVzdAB0ZXN0AHRlc3Q=\r\n");
    REQUIRE(resp.has_value());
    CHECK(resp->base64 == "dGVzdAB0ZXN0AHRlc3Q=");
    auto empty = parse_authenticate_continuation("\r\n"); // the GSSAPI example's empty "C:" line
    REQUIRE(empty.has_value());
    CHECK(empty->base64.empty());
    // The "DONE" line is not a command (it has no tag).
    auto done_as_command = parse_command("DONE\r\n", st);
    REQUIRE_FALSE(done_as_command.has_value());
    CHECK(done_as_command.error().code == errc::invalid_syntax);
    CHECK(done_as_command.error().offset == 4);
    // RFC 2177 §3: IDLE, then DONE.
    auto idle = parse_command("A002 IDLE\r\n", st);
    REQUIRE(idle.has_value());
    CHECK(std::holds_alternative<cmd::idle>(idle->body));
    CHECK(parse_idle_done("DONE\r\n").has_value());
}
