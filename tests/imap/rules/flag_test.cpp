#include <mailwire/imap/rules/flag.hpp>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "support/catch.hpp"

using mailwire::errc;
using mailwire::parse_options;
using mailwire::scanner;
using mailwire::imap::flag;
using mailwire::imap::flag_kind;
using mailwire::imap::mailbox_attr;
using mailwire::imap::mailbox_attr_kind;
using mailwire::imap::parse_all;
namespace rules = mailwire::imap::rules;

namespace {

const parse_options strict{};
const parse_options lenient = parse_options::make_lenient();

auto flag_rule(const parse_options& o = strict) { return [o](scanner& s) { return rules::flag(s, o); }; }
auto flag_fetch_rule(const parse_options& o = strict) { return [o](scanner& s) { return rules::flag_fetch(s, o); }; }
auto flag_perm_rule(const parse_options& o = strict) { return [o](scanner& s) { return rules::flag_perm(s, o); }; }
auto flag_list_rule(const parse_options& o = strict) { return [o](scanner& s) { return rules::flag_list(s, o); }; }
auto fetch_list_rule(const parse_options& o = strict) { return [o](scanner& s) { return rules::flag_fetch_list(s, o); }; }
auto perm_list_rule(const parse_options& o = strict) { return [o](scanner& s) { return rules::flag_perm_list(s, o); }; }
auto attrs_rule(const parse_options& o = strict) { return [o](scanner& s) { return rules::mbx_list_attributes(s, o); }; }

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
}

template <class L>
std::vector<flag_kind> kinds(const L& list) {
    std::vector<flag_kind> k;
    for (auto f : list) k.push_back(f.kind);
    return k;
}

bool abnf_atom_char(unsigned b) {
    const bool ctl = b <= 0x1F || b == 0x7F;
    return b >= 0x01 && b <= 0x7F && !ctl && b != '(' && b != ')' && b != '{' && b != ' ' && b != '%' && b != '*' &&
           b != '"' && b != '\\' && b != ']';
}

} // namespace

TEST_CASE("flag: system flags, keywords, extensions", "[imap][flag]") {
    const std::pair<const char*, flag_kind> vectors[] = {
        {"\\Answered", flag_kind::answered}, {"\\Flagged", flag_kind::flagged}, {"\\Deleted", flag_kind::deleted},
        {"\\Seen", flag_kind::seen},         {"\\Draft", flag_kind::draft},     {"\\SEEN", flag_kind::seen},
        {"\\seen", flag_kind::seen},         {"\\Recent", flag_kind::recent},   {"$MDNSent", flag_kind::mdn_sent},
        {"$Forwarded", flag_kind::forwarded}, {"$Junk", flag_kind::junk},       {"$junk", flag_kind::junk},
        {"$NotJunk", flag_kind::not_junk},   {"$Phishing", flag_kind::phishing}, {"NonJunk", flag_kind::keyword},
        {"$MailFlagBit0", flag_kind::keyword}, {"Seen", flag_kind::keyword},    {"\\Important", flag_kind::extension},
        {"\\Seen2", flag_kind::extension},
    };
    for (const auto& [text, kind] : vectors) {
        INFO(text);
        auto r = parse_all(text, flag_rule());
        REQUIRE(r);
        CHECK(r->kind == kind);
        CHECK(r->text == text);
        round_trip(text, flag_rule());
    }
    CHECK(*parse_all("\\SEEN", flag_rule()) == flag::of(flag_kind::seen));
    CHECK(mailwire::imap::is_system(flag_kind::draft));
    CHECK_FALSE(mailwire::imap::is_system(flag_kind::junk));
    CHECK(mailwire::to_wire(flag::of(flag_kind::answered)).value() == "\\Answered");
}

TEST_CASE("flag: rejections with code and offset", "[imap][flag]") {
    check_error(parse_all("", flag_rule()), errc::invalid_syntax, 0);
    check_error(parse_all("\\", flag_rule()), errc::invalid_syntax, 1);
    check_error(parse_all("\\ Seen", flag_rule()), errc::invalid_syntax, 1);
    check_error(parse_all("(Seen", flag_rule()), errc::invalid_syntax, 0);
    check_error(parse_all("\\Seen]", flag_rule()), errc::invalid_syntax, 5);
    check_error(parse_all("\"\\Deleted\"", flag_rule()), errc::invalid_syntax, 0); // InterMail's quoted flag is not a flag
    check_error(parse_all("*", flag_rule()), errc::invalid_syntax, 0);
    check_error(parse_all("\\*", flag_rule()), errc::strict_violation, 0);          // only flag-perm has \*
    check_error(parse_all("\\\\Seen", flag_rule()), errc::invalid_syntax, 1);
}

TEST_CASE("flag-keyword accepts exactly ATOM-CHAR, over all 256 bytes", "[imap][flag]") {
    for (unsigned b = 0; b < 256; ++b) {
        INFO("byte " << b);
        const std::string one(1, static_cast<char>(b));
        if (b != '\\') CHECK(parse_all(one, flag_rule()).has_value() == abnf_atom_char(b));
        CHECK(parse_all("\\" + one, flag_rule()).has_value() == abnf_atom_char(b)); // flag-extension
    }
}

TEST_CASE("flag-perm: backslash-star besides the flags", "[imap][flag]") {
    auto w = parse_all("\\*", flag_perm_rule());
    REQUIRE(w);
    CHECK(w->kind == flag_kind::wildcard);
    round_trip("\\*", flag_perm_rule());
    CHECK(parse_all("\\Deleted", flag_perm_rule())->kind == flag_kind::deleted);
    check_error(parse_all("\\**", flag_perm_rule()), errc::invalid_syntax, 2);
    CHECK(parse_all("\\Recent", flag_fetch_rule())->kind == flag_kind::recent);
}

TEST_CASE("flag lists: RFC 9051 vectors", "[imap][flag][rfc]") {
    // RFC 9051 section 6.3.2: S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
    auto flags = parse_all("(\\Answered \\Flagged \\Deleted \\Seen \\Draft)", flag_list_rule());
    REQUIRE(flags);
    CHECK(kinds(*flags) == std::vector<flag_kind>{flag_kind::answered, flag_kind::flagged, flag_kind::deleted,
                                                 flag_kind::seen, flag_kind::draft});
    CHECK(flags->size() == 5);
    CHECK(flags->contains(flag_kind::seen));
    CHECK_FALSE(flags->contains(flag_kind::recent));
    // S: * OK [PERMANENTFLAGS (\Deleted \Seen \*)] Limited
    auto perm = parse_all("(\\Deleted \\Seen \\*)", perm_list_rule());
    REQUIRE(perm);
    CHECK(kinds(*perm) == std::vector<flag_kind>{flag_kind::deleted, flag_kind::seen, flag_kind::wildcard});
    // S: * 14 FETCH (UID 1305 FLAGS (\Seen \Deleted)), RFC 3501: FLAGS (\Seen \Recent)
    auto fetch = parse_all("(\\Seen \\Recent)", fetch_list_rule());
    REQUIRE(fetch);
    CHECK(fetch->contains(flag_kind::recent));

    for (auto v : {"(\\Answered \\Flagged \\Deleted \\Seen \\Draft)", "()", "(\\Deleted)", "(\\Seen \\Deleted)",
                   "(\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $Junk $MailFlagBit0 NotJunk)"})
        round_trip(v, flag_list_rule());
    for (auto v : {"(\\Deleted \\Seen \\*)", "()", "(\\*)"}) round_trip(v, perm_list_rule());
    round_trip("(\\Seen \\Recent)", fetch_list_rule());
    // Lists compare flag by flag, case-insensitively.
    CHECK(*parse_all("(\\SEEN $junk)", flag_list_rule()) == *parse_all("(\\Seen $Junk)", flag_list_rule()));
    CHECK_FALSE(*parse_all("(\\Seen)", flag_list_rule()) == *parse_all("(\\Seen \\Draft)", flag_list_rule()));
}

TEST_CASE("flag lists: rejections with code and offset", "[imap][flag]") {
    check_error(parse_all("\\Seen", flag_list_rule()), errc::invalid_syntax, 0);
    check_error(parse_all("(", flag_list_rule()), errc::invalid_syntax, 1);
    check_error(parse_all("(\\Seen", flag_list_rule()), errc::invalid_syntax, 6);
    check_error(parse_all("(\\Seen \\Draft", flag_list_rule()), errc::invalid_syntax, 13);
    check_error(parse_all("(\\Seen\\Draft)", flag_list_rule()), errc::invalid_syntax, 6);
    check_error(parse_all("(\\Deleted \\Seen \\*)", flag_list_rule()), errc::strict_violation, 16);
    check_error(parse_all("(\\Seen) ", flag_list_rule()), errc::invalid_syntax, 7);
}

TEST_CASE("flag lists: max_list at, below and above", "[imap][flag][limits]") {
    parse_options o;
    o.max_list = 2;
    CHECK(parse_all("(a)", flag_list_rule(o)).has_value());
    CHECK(parse_all("(a b)", flag_list_rule(o)).has_value());
    check_error(parse_all("(a b c)", flag_list_rule(o)), errc::limit_exceeded, 5);
}

TEST_CASE("quirk Zoho Mail / GreenMail: backslash-star in a FLAGS flag-list, lenient only", "[imap][flag][quirk]") {
    // djc/imap-proto#91 (imap.zoho.com), greenmail-mail-test/greenmail#633:
    // S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)
    const std::string in = "(\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)";
    check_error(parse_all(in, flag_list_rule(strict)), errc::strict_violation, 42);
    auto r = parse_all(in, flag_list_rule(lenient));
    REQUIRE(r);
    CHECK(r->contains(flag_kind::wildcard));
    CHECK(r->size() == 6);
    round_trip(in, flag_list_rule(lenient));
}

TEST_CASE("quirk SurgeMail: SP at either end of a flag list or doubled, lenient only", "[imap][flag][quirk]") {
    // chatmail/async-imap#123: SurgeMail answers FETCH with "FLAGS (\Seen )". The same
    // class of quirk (stray SP) is the project brief's Exchange / Yahoo / iCloud one.
    check_error(parse_all("(\\Seen )", fetch_list_rule(strict)), errc::strict_violation, 6);
    check_error(parse_all("( \\Seen)", flag_list_rule(strict)), errc::strict_violation, 1);
    check_error(parse_all("(\\Seen  \\Draft)", flag_list_rule(strict)), errc::strict_violation, 7);
    check_error(parse_all("( )", flag_list_rule(strict)), errc::strict_violation, 1);
    for (std::string_view in : {"(\\Seen )", "( \\Seen)", "(\\Seen  \\Draft  )", "(  \\Seen   \\Draft)"}) {
        INFO(std::string(in));
        auto r = parse_all(in, fetch_list_rule(lenient));
        REQUIRE(r);
        CHECK(r->contains(flag_kind::seen));
        CHECK(r->size() == (in.find("Draft") == std::string_view::npos ? 1u : 2u));
        // Written back canonical: single SP, none at the ends.
        auto wire = mailwire::to_wire(*r);
        REQUIRE(wire);
        CHECK(wire->find("  ") == std::string::npos);
        CHECK(wire->find("( ") == std::string::npos);
        CHECK(wire->find(" )") == std::string::npos);
        auto again = parse_all(*wire, fetch_list_rule(strict));
        REQUIRE(again);
        CHECK(*again == *r);
    }
    auto blank = parse_all("( )", flag_list_rule(lenient));
    REQUIRE(blank);
    CHECK(blank->empty());
    CHECK(blank->size() == 0);
}

TEST_CASE("quirk unnamed server (node-imap#19): bare star in PERMANENTFLAGS, lenient only", "[imap][flag][quirk]") {
    // mscdex/node-imap#19: [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft *)]
    const std::string in = "(\\Answered \\Flagged \\Deleted \\Seen \\Draft *)";
    check_error(parse_all(in, perm_list_rule(strict)), errc::strict_violation, 42);
    auto r = parse_all(in, perm_list_rule(lenient));
    REQUIRE(r);
    CHECK(kinds(*r).back() == flag_kind::wildcard);
    round_trip(in, perm_list_rule(lenient));
    // Not in a plain flag-list, even lenient: "*" is not an atom.
    check_error(parse_all(in, flag_list_rule(lenient)), errc::invalid_syntax, 42);
}

TEST_CASE("flags: writing built values, refusing invalid ones", "[imap][flag][format]") {
    const std::array<flag, 3> fs{flag::of(flag_kind::seen), flag::named("$Forwarded"), flag::named("\\Deleted")};
    CHECK(mailwire::to_wire(mailwire::imap::flag_list_of{fs}).value() == "(\\Seen $Forwarded \\Deleted)");
    CHECK(mailwire::to_wire(mailwire::imap::flag_list_of{}).value() == "()");
    check_error(mailwire::to_wire(flag{flag_kind::keyword, "two words"}), errc::unsafe_value, 3);
    check_error(mailwire::to_wire(flag{flag_kind::keyword, "a\r\nb"}), errc::unsafe_value, 1);
    check_error(mailwire::to_wire(flag{flag_kind::extension, "\\"}), errc::unsafe_value, 0);
    check_error(mailwire::to_wire(flag{flag_kind::seen, "\\Draft"}), errc::unsafe_value, 0); // kind and text disagree
    check_error(mailwire::to_wire(flag::of(flag_kind::keyword)), errc::unsafe_value, 0);
    const std::array<flag, 1> bad{flag{flag_kind::keyword, "x)"}};
    check_error(mailwire::to_wire(mailwire::imap::flag_list_of{bad}), errc::unsafe_value, 1);
    CHECK(fmt::format("{:v}", *parse_all("(\\Seen foo)", flag_list_rule())) == "flags (\\Seen foo)");
}

// ---- mailbox attributes --------------------------------------------------------------------

TEST_CASE("mailbox attributes: RFC 9051, RFC 5258, RFC 6154 LIST vectors", "[imap][flag][mailbox_attr][rfc]") {
    const char* vectors[] = {
        "()",                                // S: * LIST () "/" blurdybloop
        "(\\Noselect)",                      // S: * LIST (\Noselect) "/" foo
        "(\\Marked \\NoInferiors)",          // RFC 9051 6.3.9: * LIST (\Marked \NoInferiors) "/" "inbox"
        "(\\Marked \\NoInferiors \\Subscribed)",
        "(\\Subscribed \\NonExistent)",      // * LIST (\Subscribed \NonExistent) "/" "Fruit/Peach"
        "(\\HasChildren)",
        "(\\HasNoChildren)",
        "(\\Remote \\HasNoChildren)",
        "(\\HasChildren \\Remote)",
        "(\\NonExistent \\HasChildren)",     // RFC 5258: * LIST (\NonExistent \HasChildren) "/" music
        "(\\Sent \\HasNoChildren)",          // RFC 6154 5.1: * LIST (\Sent \HasNoChildren) "/" SentMail
        "(\\Marked \\Drafts \\HasNoChildren)",
        "(\\Trash \\HasNoChildren)",
        "(\\All \\Archive \\Flagged \\Junk)",
        "(\\Important \\X-Vendor)",          // extensions
    };
    for (auto v : vectors) round_trip(v, attrs_rule());

    auto r = parse_all("(\\Marked \\Drafts \\HasNoChildren)", attrs_rule());
    REQUIRE(r);
    std::vector<mailbox_attr_kind> k;
    for (auto a : *r) k.push_back(a.kind);
    CHECK(k == std::vector<mailbox_attr_kind>{mailbox_attr_kind::marked, mailbox_attr_kind::drafts,
                                              mailbox_attr_kind::has_no_children});
    CHECK(r->special_use() == mailbox_attr_kind::drafts);
    CHECK(r->selectable());
    CHECK(parse_all("(\\NoInferiors)", attrs_rule())->contains(mailbox_attr_kind::noinferiors));
    CHECK_FALSE(parse_all("(\\Noselect)", attrs_rule())->selectable());
    CHECK_FALSE(parse_all("(\\Subscribed \\NonExistent)", attrs_rule())->selectable());
    CHECK(parse_all("()", attrs_rule())->empty());
    CHECK(parse_all("(\\Foo)", attrs_rule())->special_use() == mailbox_attr_kind::extension);
    CHECK(*parse_all("(\\NOSELECT)", attrs_rule()) == *parse_all("(\\Noselect)", attrs_rule()));
}

TEST_CASE("mbx-list-flags: at most one selectability flag", "[imap][flag][mailbox_attr]") {
    check_error(parse_all("(\\Noselect \\Marked)", attrs_rule()), errc::invalid_syntax, 11);
    check_error(parse_all("(\\Marked \\HasChildren \\Unmarked)", attrs_rule()), errc::invalid_syntax, 22);
    check_error(parse_all("(\\NonExistent \\Noselect)", attrs_rule()), errc::invalid_syntax, 14);
    check_error(parse_all("(Noselect)", attrs_rule()), errc::invalid_syntax, 1);   // "\" required
    check_error(parse_all("(\\Noselect )", attrs_rule()), errc::invalid_syntax, 11);
    check_error(parse_all("(\\)", attrs_rule()), errc::invalid_syntax, 2);
    check_error(parse_all("\\Noselect", attrs_rule()), errc::invalid_syntax, 0);
    auto sflag = [](std::string_view in) { return parse_all(in, [](scanner& s) { return rules::mbx_list_sflag(s); }); };
    auto oflag = [](std::string_view in) { return parse_all(in, [](scanner& s) { return rules::mbx_list_oflag(s); }); };
    CHECK(sflag("\\Unmarked").has_value());
    check_error(sflag("\\HasChildren"), errc::invalid_syntax, 0);
    CHECK(oflag("\\Trash").has_value());
    check_error(oflag("\\Marked"), errc::invalid_syntax, 0); // RFC 9051 section 9 priority rule
    parse_options o;
    o.max_list = 2;
    CHECK(parse_all("(\\A \\B)", attrs_rule(o)).has_value());
    check_error(parse_all("(\\A \\B \\C)", attrs_rule(o)), errc::limit_exceeded, 7);
}

TEST_CASE("mailbox attributes: writing and refusing", "[imap][flag][mailbox_attr][format]") {
    CHECK(mailwire::to_wire(mailbox_attr::of(mailbox_attr_kind::has_children)).value() == "\\HasChildren");
    check_error(mailwire::to_wire(mailbox_attr{mailbox_attr_kind::extension, "NoSlash"}), errc::unsafe_value, 0);
    check_error(mailwire::to_wire(mailbox_attr{mailbox_attr_kind::extension, "\\a b"}), errc::unsafe_value, 2);
    check_error(mailwire::to_wire(mailbox_attr{mailbox_attr_kind::extension, "\\Sent"}), errc::unsafe_value, 0);
    CHECK(fmt::format("{:v}", *parse_all("(\\Sent)", attrs_rule())) == "attributes (\\Sent)");
}

// ---- builders ------------------------------------------------------------------------------

TEST_CASE("flag_list_builder: flags added one by one write back and parse back", "[imap][flag][builder]") {
    using mailwire::imap::flag_list_builder;
    using mailwire::imap::flag_rule;
    flag_list_builder b; // flag-fetch: FETCH FLAGS
    CHECK(mailwire::to_wire(b.list()).value() == "()");
    REQUIRE(b.add("\\Seen"));
    REQUIRE(b.add(flag::named("$Forwarded")));
    REQUIRE(b.add("\\Recent")); // flag-fetch allows it
    REQUIRE(b.add(flag::of(flag_kind::deleted)));
    const auto wire = mailwire::to_wire(b.list());
    REQUIRE(wire);
    CHECK(*wire == "(\\Seen $Forwarded \\Recent \\Deleted)");
    auto back = parse_all(*wire, fetch_list_rule());
    REQUIRE(back);
    CHECK(*back == b.list());
    CHECK(b.list().size() == 4);
    CHECK(kinds(b.list()) == std::vector<flag_kind>{flag_kind::seen, flag::named("$Forwarded").kind, flag_kind::recent, flag_kind::deleted});

    // Refusals carry the parser's error, offset within the argument; the list is unchanged.
    check_error(b.add(""), errc::invalid_syntax, 0);
    check_error(b.add("\\Seen \\Draft"), errc::invalid_syntax, 5); // two flags
    check_error(b.add("a)"), errc::invalid_syntax, 1);
    check_error(b.add("x\r\n* BYE"), errc::invalid_syntax, 1);
    check_error(b.add("\\"), errc::invalid_syntax, 1);
    check_error(b.add("\\*"), errc::strict_violation, 0); // \* belongs in PERMANENTFLAGS only
    CHECK(*mailwire::to_wire(b.list()) == *wire);

    flag_list_builder perm(flag_rule::flag_perm); // PERMANENTFLAGS
    REQUIRE(perm.add("\\Seen"));
    REQUIRE(perm.add("\\*"));
    CHECK(mailwire::to_wire(perm.list()).value() == "(\\Seen \\*)");
    flag_list_builder plain(flag_rule::flag); // FLAGS
    check_error(plain.add("\\*"), errc::strict_violation, 0);
    REQUIRE(plain.add("\\Answered"));
    plain.clear();
    CHECK(plain.empty());
    CHECK(mailwire::to_wire(plain.list()).value() == "()");
}

TEST_CASE("mailbox_attr_list_builder: one selectability flag at most, written as parsed", "[imap][flag][mailbox_attr][builder]") {
    mailwire::imap::mailbox_attr_list_builder b;
    REQUIRE(b.add("\\HasNoChildren"));
    REQUIRE(b.add("\\Noselect"));
    REQUIRE(b.add(mailbox_attr::of(mailbox_attr_kind::sent)));
    const auto wire = mailwire::to_wire(b.list());
    REQUIRE(wire);
    CHECK(*wire == "(\\HasNoChildren \\Noselect \\Sent)");
    auto back = parse_all(*wire, attrs_rule());
    REQUIRE(back);
    CHECK(*back == b.list());

    check_error(b.add("\\Marked"), errc::invalid_syntax, 0); // a second mbx-list-sflag
    check_error(b.add("NoSlash"), errc::invalid_syntax, 0);
    check_error(b.add("\\a b"), errc::invalid_syntax, 2);
    check_error(b.add(""), errc::invalid_syntax, 0);
    CHECK(*mailwire::to_wire(b.list()) == *wire);

    b.clear();
    REQUIRE(b.add("\\Marked")); // the selectability slot is free again
    CHECK(mailwire::to_wire(b.list()).value() == "(\\Marked)");
}
