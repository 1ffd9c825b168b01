// Tests for include/mailwire/imap/command/write.hpp: write_command()'s parts and literal
// modes, commands built in code (cheapest string forms, round trips, refusals through fmt
// and write_command), command_name(). check_writable()'s rules: command/check_test.cpp.
#include <mailwire/imap/command/write.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include "support/catch.hpp"

using mailwire::errc;
using mailwire::parse_options;
using namespace mailwire::imap;
using namespace std::string_literals;
using namespace std::string_view_literals;

namespace {

struct part {
    bool literal = false;
    std::string bytes;
    bool literal_follows = false;
    bool synchronizing = false;
    std::uint64_t size = 0;
    const char* data = nullptr; // literal parts: where the bytes came from
};

std::vector<part> parts(const command& c, write_options wo = {}) {
    std::vector<part> out;
    auto ok = write_command(
        c, [&](const auto& p) {
            if constexpr (std::is_same_v<std::decay_t<decltype(p)>, line_part>)
                out.push_back({false, std::string(p.bytes), p.literal_follows, p.synchronizing, p.literal_size, nullptr});
            else out.push_back({true, std::string(p.data), false, false, 0, p.data.data()});
        },
        wo);
    REQUIRE(ok.has_value());
    return out;
}

std::string joined(const std::vector<part>& ps) {
    std::string s;
    for (const auto& p : ps) s += p.bytes;
    return s;
}

command parse(std::string_view msg, command_storage& st) {
    auto r = parse_command(msg, st);
    INFO(std::string(msg));
    REQUIRE(r.has_value());
    return *r;
}

/// The command parses back equal from its wire bytes.
void round_trips(const command& c) {
    REQUIRE(check_writable(c).has_value());
    const std::string wire = fmt::format("{}", c);
    INFO(wire);
    command_storage st;
    auto r = parse_command(wire, st);
    REQUIRE(r.has_value());
    CHECK(*r == c);
}

void refused(const command& c) {
    auto ok = check_writable(c);
    REQUIRE_FALSE(ok.has_value());
    CHECK(ok.error().code == errc::unsafe_value);
    bool called = false;
    auto w = write_command(c, [&](const auto&) { called = true; });
    CHECK_FALSE(w.has_value());
    CHECK_FALSE(called);
    CHECK_THROWS_AS(fmt::format("{}", c), fmt::format_error);
    CHECK_FALSE(fmt::format("{:v}", c).empty()); // the dump shows any value
}

} // namespace

TEST_CASE("write_command pauses before each synchronizing literal", "[imap][command][write]") {
    command_storage st;
    const std::string msg = "a APPEND x (\\Seen) {5}\r\nhello\r\n";
    auto c = parse(msg, st);
    auto ps = parts(c);
    REQUIRE(ps.size() == 3);
    CHECK(ps[0].bytes == "a APPEND x (\\Seen) {5}\r\n");
    CHECK(ps[0].literal_follows);
    CHECK(ps[0].synchronizing);
    CHECK(ps[0].size == 5);
    CHECK(ps[1].literal);
    CHECK(ps[1].bytes == "hello");
    CHECK(ps[1].data == msg.data() + 24); // the literal's own bytes, not a copy
    CHECK(ps[2].bytes == "\r\n");
    CHECK_FALSE(ps[2].literal_follows);
    CHECK(joined(ps) == msg);
}

TEST_CASE("write_options choose the literal form", "[imap][command][write]") {
    command_storage st;
    const std::string big(5000, 'x');
    const std::string msg = "a LOGIN {3+}\r\nabc {" + std::to_string(big.size()) + "}\r\n" + big + "\r\n";
    auto c = parse(msg, st);
    SECTION("as_is keeps each literal's form") {
        auto ps = parts(c);
        REQUIRE(ps.size() == 5);
        CHECK(ps[0].bytes == "a LOGIN {3+}\r\n");
        CHECK_FALSE(ps[0].synchronizing);
        CHECK(ps[2].bytes == " {5000}\r\n");
        CHECK(ps[2].synchronizing);
        CHECK(joined(ps) == msg);
    }
    SECTION("synchronizing") {
        auto ps = parts(c, {literal_mode::synchronizing});
        CHECK(ps[0].bytes == "a LOGIN {3}\r\n");
        CHECK(ps[0].synchronizing);
        CHECK(ps[2].synchronizing);
    }
    SECTION("non-synchronizing (LITERAL+)") {
        auto ps = parts(c, {literal_mode::non_synchronizing});
        CHECK(ps[0].bytes == "a LOGIN {3+}\r\n");
        CHECK(ps[2].bytes == " {5000+}\r\n");
        CHECK_FALSE(ps[2].synchronizing);
    }
    SECTION("LITERAL-: {n+} up to 4096 octets (RFC 7888 §5)") {
        auto ps = parts(c, {literal_mode::literal_minus});
        CHECK(ps[0].bytes == "a LOGIN {3+}\r\n");
        CHECK_FALSE(ps[0].synchronizing);
        CHECK(ps[2].bytes == " {5000}\r\n");
        CHECK(ps[2].synchronizing);
    }
    // The formatter writes each literal as it is held.
    CHECK(fmt::format("{}", c) == msg);
}

TEST_CASE("literals inside items formatted by other headers are parts too", "[imap][command][write]") {
    command_storage st;
    SECTION("a header-list astring in FETCH") {
        const std::string msg = "a FETCH 1 BODY[HEADER.FIELDS ({4}\r\nDATE FROM)]\r\n";
        auto c = parse(msg, st);
        auto ps = parts(c);
        REQUIRE(ps.size() == 3);
        CHECK(ps[0].bytes == "a FETCH 1 BODY[HEADER.FIELDS ({4}\r\n");
        CHECK(ps[0].synchronizing);
        CHECK(ps[1].bytes == "DATE");
        CHECK(ps[2].bytes == " FROM)]\r\n");
        CHECK(joined(ps) == msg);
        auto plus = parts(c, {literal_mode::non_synchronizing});
        CHECK(plus[0].bytes == "a FETCH 1 BODY[HEADER.FIELDS ({4+}\r\n");
    }
    SECTION("a search key's astring and a literal8") {
        const std::string msg = "a SEARCH CHARSET UTF-8 TEXT {2}\r\nhi SUBJECT {1+}\r\nx\r\n";
        auto c = parse(msg, st);
        auto ps = parts(c);
        REQUIRE(ps.size() == 5);
        CHECK(ps[0].bytes == "a SEARCH CHARSET UTF-8 TEXT {2}\r\n");
        CHECK(ps[1].bytes == "hi");
        CHECK(ps[2].bytes == " SUBJECT {1+}\r\n");
        CHECK_FALSE(ps[2].synchronizing);
        CHECK(ps[3].bytes == "x");
        CHECK(joined(ps) == msg);
        const std::string bin = "a APPEND x ~{3}\r\na\0b\r\n"s;
        auto b = parse(bin, st);
        auto bp = parts(b);
        REQUIRE(bp.size() == 3);
        CHECK(bp[0].bytes == "a APPEND x ~{3}\r\n");
        CHECK(bp[1].bytes == "a\0b"s);
    }
}

TEST_CASE("commands built in code use the cheapest form for each string", "[imap][command][write]") {
    string_context ctx;
    cmd::login l;
    l.userid = *string_value::from_content("fred", ctx);
    l.password = *string_value::from_content("sec ret", ctx);
    command c{tag{"A1"}, l};
    CHECK(fmt::format("{}", c) == "A1 LOGIN fred \"sec ret\"\r\n");
    round_trips(c);
    // CR/LF cannot be quoted: the cheapest safe form is a literal.
    std::get<cmd::login>(c.body).password = *string_value::from_content("two\r\nlines", ctx);
    CHECK(fmt::format("{}", c) == "A1 LOGIN fred {10}\r\ntwo\r\nlines\r\n");
    round_trips(c);
    auto ps = parts(c, {literal_mode::non_synchronizing});
    CHECK(ps[0].bytes == "A1 LOGIN fred {10+}\r\n");
    // NUL needs literal8, which is not an astring: refused when building.
    CHECK_FALSE(string_value::from_content("a\0b"sv, ctx).has_value());
    // Mailboxes: modified UTF-7 by default, INBOX recognised.
    std::string storage;
    auto mb = encode_mailbox("Entw\xc3\xbc""rfe", storage);
    REQUIRE(mb.has_value());
    command sel{tag{"A2"}, cmd::select{*mb, {}}};
    CHECK(fmt::format("{}", sel) == "A2 SELECT Entw&APw-rfe\r\n");
    round_trips(sel);
    command inbox{tag{"A3"}, cmd::select{*make_mailbox("inbox"), {}}};
    CHECK(std::get<cmd::select>(inbox.body).mbox.inbox);
    round_trips(inbox);
}

TEST_CASE("commands built in code round-trip", "[imap][command][write]") {
    SECTION("SELECT with QRESYNC") {
        select_param q;
        q.kind = select_param_kind::qresync;
        q.qresync.uidvalidity = 67890007;
        q.qresync.modseq = 20050715194045000ull;
        q.qresync.known_uids = *sequence_set::parse("41,43:211");
        q.qresync.known_sequence_set = *sequence_set::parse("1:2");
        q.qresync.known_uid_set = *sequence_set::parse("41,43");
        const std::array<select_param, 2> ps{select_param{select_param_kind::condstore, {}, {}, {}}, q};
        command c{tag{"A02"}, cmd::select{*make_mailbox("INBOX"), ps}};
        CHECK(fmt::format("{}", c) == "A02 SELECT INBOX (CONDSTORE QRESYNC (67890007 20050715194045000 41,43:211 (1:2 41,43)))\r\n");
        round_trips(c);
        q.qresync.known_uid_set = {};
        const std::array<select_param, 1> bad{q};
        refused(command{tag{"A02"}, cmd::select{*make_mailbox("INBOX"), bad}});
    }
    SECTION("STORE with flags and Gmail labels") {
        const std::array<flag, 2> fs{flag::of(flag_kind::seen), flag::named("$Forwarded")};
        cmd::store s;
        s.set = *sequence_set::parse("1:*");
        s.op = store_op::add;
        s.silent = true;
        s.flags = fs;
        command c{tag{"t"}, s};
        CHECK(fmt::format("{}", c) == "t STORE 1:* +FLAGS.SILENT (\\Seen $Forwarded)\r\n");
        round_trips(c);
        const std::array<string_value, 2> labels{string_value{string_form::atom, "\\Inbox", false, false},
                                                 *string_value::from_content("My Label")};
        s.flags = {};
        s.item = store_item::gmail_labels;
        s.labels = labels;
        s.uid = true;
        command g{tag{"t"}, s};
        CHECK(fmt::format("{}", g) == "t UID STORE 1:* +X-GM-LABELS.SILENT (\\Inbox \"My Label\")\r\n");
        round_trips(g);
    }
    SECTION("APPEND with two messages (MULTIAPPEND)") {
        append_message m1;
        m1.data = literal{"Subject: a\r\n\r\nx", false, false};
        append_message m2;
        m2.kind = append_data_kind::utf8;
        m2.data = literal{"Subject: \xc3\xa9\r\n\r\ny", true, true};
        const std::array<append_message, 2> ms{m1, m2};
        command c{tag{"A"}, cmd::append{*make_mailbox("Sent"), ms}};
        CHECK(fmt::format("{}", c) == "A APPEND Sent {15}\r\nSubject: a\r\n\r\nx UTF8 (~{16+}\r\nSubject: \xc3\xa9\r\n\r\ny)\r\n");
        round_trips(c);
    }
    SECTION("ID and SETMETADATA need strings, not atoms") {
        const std::array<id_param, 1> ps{id_param{*string_value::from_content("name", {string_rule::string}),
                                                  string_value::nil()}};
        command c{tag{"i"}, cmd::id{false, ps}};
        CHECK(fmt::format("{}", c) == "i ID (\"name\" NIL)\r\n");
        round_trips(c);
        const std::array<id_param, 1> atom_field{id_param{string_value{string_form::atom, "name", false, false}, string_value::nil()}};
        refused(command{tag{"i"}, cmd::id{false, atom_field}});
    }
}

TEST_CASE("command_name", "[imap][command][write]") {
    CHECK(command_name(command_body{cmd::capability{}}) == "CAPABILITY");
    CHECK(command_name(command_body{cmd::uid_expunge{}}) == "UID EXPUNGE");
    CHECK(command_name(command_body{cmd::fetch{true, {}, {}, false, {}, {}}}) == "UID FETCH");
    CHECK(command_name(command_body{cmd::fetch{}}) == "FETCH");
    CHECK(command_name(command_body{cmd::replace{true, {}, {}, {}}}) == "UID REPLACE");
    CHECK(command_name(command_body{cmd::delete_{}}) == "DELETE");
    CHECK(command_name(command_body{cmd::namespace_{}}) == "NAMESPACE");
    CHECK(command_name(command_body{cmd::generic{false, atom{"XPIG-LATIN"}, {}}}) == "XPIG-LATIN");
    // Every alternative has a name.
    std::size_t named = 0;
    auto each = [&](auto... bodies) { ((named += command_name(command_body{bodies}).empty() ? 0u : 1u), ...); };
    each(cmd::capability{}, cmd::noop{}, cmd::logout{}, cmd::starttls{}, cmd::authenticate{}, cmd::login{}, cmd::enable{},
         cmd::select{}, cmd::examine{}, cmd::create{}, cmd::delete_{}, cmd::rename{}, cmd::subscribe{},
         cmd::unsubscribe{}, cmd::list{}, cmd::lsub{}, cmd::namespace_{}, cmd::status{}, cmd::append{}, cmd::idle{},
         cmd::check{}, cmd::close{}, cmd::unselect{}, cmd::expunge{}, cmd::uid_expunge{}, cmd::search{}, cmd::fetch{},
         cmd::store{}, cmd::copy{}, cmd::move{}, cmd::sort{}, cmd::thread{}, cmd::id{}, cmd::getquota{},
         cmd::getquotaroot{}, cmd::setquota{}, cmd::setacl{}, cmd::deleteacl{}, cmd::getacl{}, cmd::listrights{},
         cmd::myrights{}, cmd::getmetadata{}, cmd::setmetadata{}, cmd::compress{}, cmd::unauthenticate{},
         cmd::replace{}, cmd::generic{false, atom{"X"}, {}});
    CHECK(named == std::variant_size_v<command_body>);
}
