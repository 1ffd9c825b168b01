// Tests for include/mailwire/imap/command/check.hpp: check_writable() refuses what cannot
// be written safely or would not read back equal (tags, CR/LF/NUL, atoms and keywords,
// lists, ambiguous joins), and accepts the boundary cases that do read back.
#include <mailwire/imap/command/check.hpp>
#include <mailwire/imap/command/write.hpp>

#include <array>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "support/catch.hpp"

using mailwire::errc;
using namespace mailwire::imap;
using namespace std::string_literals;
using namespace std::string_view_literals;

namespace {

command parse(std::string_view msg, command_storage& st) {
    auto r = parse_command(msg, st);
    INFO(std::string(msg));
    REQUIRE(r.has_value());
    return *r;
}

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
    CHECK_FALSE(ok.error().expected.empty());
    bool called = false;
    auto w = write_command(c, [&](const auto&) { called = true; });
    CHECK_FALSE(w.has_value());
    CHECK_FALSE(called);
    CHECK_THROWS_AS(fmt::format("{}", c), fmt::format_error);
    CHECK_FALSE(mailwire::to_wire(c).has_value());
    CHECK_FALSE(fmt::format("{:v}", c).empty()); // the dump shows any value
}

} // namespace

TEST_CASE("check_writable refuses what cannot be written safely", "[imap][command][check]") {
    command_storage st;
    SECTION("tags: \"*\", \"+\", empty") {
        auto c = parse("a NOOP\r\n", st);
        c.tag.text = "*";
        refused(c);
        c.tag.text = "a+b";
        refused(c);
        c.tag.text = "";
        refused(c);
        c.tag.text = "a b";
        refused(c);
    }
    SECTION("CR, LF and NUL in quoted strings and literals") {
        cmd::login l;
        l.userid = string_value{string_form::quoted, "fred\r\nA2 DELETE INBOX", false, false};
        l.password = string_value{string_form::atom, "x", false, false};
        refused(command{tag{"a"}, l});
        l.userid = string_value{string_form::quoted, "a\0b"sv, false, false};
        refused(command{tag{"a"}, l});
        l.userid = string_value{string_form::literal, "a\0b"sv, false, false};
        refused(command{tag{"a"}, l});
        l.userid = string_value{string_form::literal8, "a\0b"sv, false, false}; // not an astring
        refused(command{tag{"a"}, l});
        l.userid = string_value{string_form::atom, "fr ed", false, false};
        refused(command{tag{"a"}, l});
        l.userid = string_value::nil();
        refused(command{tag{"a"}, l});
    }
    SECTION("atoms and keywords") {
        const std::array<atom, 1> caps{atom{"A B"}};
        refused(command{tag{"a"}, cmd::enable{caps}});
        refused(command{tag{"a"}, cmd::enable{}});
        refused(command{tag{"a"}, cmd::compress{atom{"DEF{LATE"}}});
        const std::array<status_att, 1> items{status_att{status_att_kind::messages, "UNSEEN"}};
        refused(command{tag{"a"}, cmd::status{*make_mailbox("x"), items}});
        refused(command{tag{"a"}, cmd::status{*make_mailbox("x"), {}}});
    }
    SECTION("values that would read back as something else") {
        const std::array<token, 2> glued{token::word("a"), token::word("b", false)};
        refused(command{tag{"a"}, cmd::generic{false, atom{"XFOO"}, glued}});
        refused(command{tag{"a"}, cmd::generic{false, atom{"LOGIN"}, {}}});   // a typed command's name
        refused(command{tag{"a"}, cmd::generic{true, atom{"FETCH"}, {}}});
        CHECK(check_writable(command{tag{"a"}, cmd::generic{true, atom{"XFOO"}, {}}}).has_value());
        const std::array<token, 1> unbalanced{token::open_paren()};
        refused(command{tag{"a"}, cmd::generic{false, atom{"XFOO"}, unbalanced}});
        const std::array<token, 2> tilde{token::word("~"), token{token_kind::literal, "abc", false, false, false}};
        refused(command{tag{"a"}, cmd::generic{false, atom{"XFOO"}, tilde}}); // " ~{3}" reads as literal8
        const std::array<token, 2> x_tilde{token::word("x~"), token{token_kind::literal, "abc", false, false, false}};
        CHECK(check_writable(command{tag{"a"}, cmd::generic{false, atom{"XFOO"}, x_tilde}}).has_value()); // "x~" "{3}"
        round_trips(command{tag{"a"}, cmd::generic{false, atom{"XFOO"}, x_tilde}});
        const std::array<token, 1> star{token::word("*", false)};
        round_trips(command{tag{"a"}, cmd::generic{false, atom{"X1:"}, star}}); // "X1:*": the name stops at "*"
        cmd::copy cp;
        cp.mbox = *make_mailbox("x");
        refused(command{tag{"a"}, cp}); // empty sequence set
        cmd::list l;
        l.reference = *make_mailbox("");
        refused(command{tag{"a"}, l}); // no pattern
        const std::array<list_select_opt, 1> rm{list_select_opt::of(list_select_kind::recursivematch)};
        const std::array<string_value, 1> pat{string_value{string_form::atom, "*", false, false}};
        l.patterns = pat;
        CHECK(check_writable(command{tag{"a"}, l}).has_value());
        l.has_select_opts = true;
        l.select_opts = rm;
        refused(command{tag{"a"}, l}); // RECURSIVEMATCH alone
    }
    SECTION("a parsed unsafe value is refused after the fact") {
        auto c = parse("a LOGIN \"fred\" x\r\n", st);
        std::get<cmd::login>(c.body).userid.text = "fr\red";
        refused(c);
    }
}


TEST_CASE("check_writable: tag and list rules per command", "[imap][command][check]") {
    const auto mb = *make_mailbox("x");
    refused(command{tag{"a"}, cmd::setmetadata{mb, {}}});                  // entry-values: one or more
    refused(command{tag{"a"}, cmd::append{mb, {}}});                       // a message
    refused(command{tag{"a"}, cmd::getmetadata{{}, false, mb, false, {}}}); // an entry
    const std::array<string_value, 2> two{*string_value::from_content("/a"), *string_value::from_content("/b")};
    refused(command{tag{"a"}, cmd::getmetadata{{}, false, mb, false, two}}); // several entries need "("
    CHECK(check_writable(command{tag{"a"}, cmd::getmetadata{{}, false, mb, true, two}}).has_value());
    // "(" and a letter after the mailbox would read as options.
    const std::array<string_value, 1> letter{string_value{string_form::atom, "comment", false, false}};
    refused(command{tag{"a"}, cmd::getmetadata{{}, false, mb, true, letter}});
    refused(command{tag{"a"}, cmd::uid_expunge{}}); // an empty sequence set
    const std::array<id_param, 1> pair{id_param{*string_value::from_content("name", {string_rule::string}),
                                                string_value::nil()}};
    refused(command{tag{"a"}, cmd::id{true, pair}}); // ID NIL has no pairs
    CHECK(check_writable(command{tag{"a"}, cmd::id{false, pair}}).has_value());
    cmd::authenticate au{atom{"PLAIN"}, "not base64!"sv};
    refused(command{tag{"a"}, au});
    au.initial_response = ""sv;
    CHECK(fmt::format("{}", command{tag{"a"}, au}) == "a AUTHENTICATE PLAIN =\r\n");
    round_trips(command{tag{"a"}, au});
    const std::array<quota_resource, 1> r{quota_resource{"STOR AGE", 1}};
    refused(command{tag{"a"}, cmd::setquota{*string_value::from_content("root"), r}});
    cmd::sort so;
    so.search.has_charset = false;
    refused(command{tag{"a"}, so}); // SORT: charset and keys required
}

// ---- nesting beyond max_depth_ceiling, on a small stack ------------------------------------

#include <vector>

#include "support/small_stack.hpp"

TEST_CASE("check_writable: a parameter value nested deeper than max_depth_ceiling, built by hand, is refused on a 256 KiB stack", "[imap][command][check]") {
    // SELECT INBOX (X ((...(1)...))): the value's groups, 100,000 deep, which no parse makes.
    std::vector<token> ts{token::open_paren(true)};
    for (int i = 0; i < 100000; ++i) ts.push_back(token::open_paren(false));
    ts.push_back(token::word("1", false));
    for (int i = 0; i <= 100000; ++i) ts.push_back(token::close_paren());
    select_param p;
    p.text = "X";
    p.value = ts;
    command_storage st;
    command c = parse("a SELECT INBOX (X 1)\r\n", st);
    std::get<cmd::select>(c.body).params = std::span<const select_param>(&p, 1);
    bool refused_deep = false, dumped = false;
    std::string why;
    const auto run = mailwire_test::run_on_small_stack(256 * 1024, [&] {
        auto ok = check_writable(c);
        refused_deep = !ok && ok.error().code == errc::unsafe_value;
        if (!ok) why = std::string(ok.error().expected);
        dumped = !fmt::format("{:v}", c).empty();
    });
    REQUIRE(run.ran);
    CHECK(refused_deep);
    CHECK(why == "tagged-ext-comp: nesting within max_depth_ceiling");
    CHECK(dumped);
    CHECK(run.used < 128 * 1024);
    // Within the ceiling the same shape is writable and reads back equal.
    ts.erase(ts.begin() + 3, ts.begin() + 100001);
    ts.erase(ts.end() - 99998, ts.end());
    REQUIRE(ts.size() == 7);
    p.value = ts;
    CHECK(fmt::format("{}", c) == "a SELECT INBOX (X (((1))))\r\n");
    round_trips(c);
}
