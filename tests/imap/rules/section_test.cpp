#include <mailwire/imap/rules/section.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "support/catch.hpp"

using mailwire::errc;
using mailwire::parse_options;
using mailwire::scanner;
using mailwire::imap::header_list;
using mailwire::imap::parse_all;
using mailwire::imap::partial;
using mailwire::imap::section;
using mailwire::imap::section_binary;
using mailwire::imap::section_part;
using mailwire::imap::section_text_kind;
using mailwire::imap::string_form;
namespace rules = mailwire::imap::rules;

namespace {

auto section_rule(const parse_options& o = {}) { return [o](scanner& s) { return rules::section(s, o); }; }
auto binary_rule(const parse_options& o = {}) { return [o](scanner& s) { return rules::section_binary(s, o); }; }
auto partial_rule() { return [](scanner& s) { return rules::partial(s); }; }

template <class R>
void check_error(const R& r, errc code, std::size_t offset) {
    REQUIRE_FALSE(r.has_value());
    CHECK(mailwire::to_string(r.error().code) == mailwire::to_string(code));
    CHECK(r.error().offset == offset);
    CHECK_FALSE(r.error().expected.empty());
}

/// parse -> format -> parse is identity; canonical input comes back byte for byte.
template <class Rule>
void round_trip(std::string_view in, Rule rule, bool canonical = true) {
    INFO("input: " << std::string(in));
    auto a = parse_all(in, rule);
    REQUIRE(a);
    auto wire = mailwire::to_wire(*a);
    REQUIRE(wire);
    if (canonical) CHECK(*wire == std::string(in));
    auto b = parse_all(*wire, rule);
    REQUIRE(b);
    CHECK(*b == *a);
    CHECK(mailwire::to_wire(*b).value() == *wire);
}

std::vector<std::uint32_t> numbers(const section_part& p) { return {p.begin(), p.end()}; }
std::vector<std::string> names(const header_list& l) {
    std::vector<std::string> v;
    for (auto n : l) v.push_back(n.str());
    return v;
}

} // namespace

TEST_CASE("section: RFC 9051 section 6.4.5.1 part specifiers", "[imap][section][rfc]") {
    // The "complex message" table of RFC 9051 §6.4.5.1 (same table in RFC 3501 §6.4.5).
    const char* vectors[] = {
        "[]",         "[HEADER]",   "[TEXT]",     "[1]",        "[2]",       "[3]",
        "[3.HEADER]", "[3.TEXT]",   "[3.1]",      "[3.2]",      "[4]",       "[4.1]",
        "[4.1.MIME]", "[4.2]",      "[4.2.HEADER]", "[4.2.TEXT]", "[4.2.1]", "[4.2.2]",
        "[4.2.2.1]",  "[4.2.2.2]",
    };
    for (auto v : vectors) round_trip(v, section_rule());

    auto s = parse_all("[4.2.2.1]", section_rule());
    REQUIRE(s);
    CHECK(numbers(s->part) == std::vector<std::uint32_t>{4, 2, 2, 1});
    CHECK(s->part.size() == 4);
    CHECK(s->text == section_text_kind::none);

    auto m = parse_all("[4.1.MIME]", section_rule());
    REQUIRE(m);
    CHECK(m->part.text() == "4.1");
    CHECK(m->text == section_text_kind::mime);

    auto whole = parse_all("[]", section_rule());
    REQUIRE(whole);
    CHECK(whole->whole_message());
    CHECK(*whole == section{});
}

TEST_CASE("section: HEADER.FIELDS and HEADER.FIELDS.NOT", "[imap][section][rfc]") {
    // RFC 9051 §6.4.5 / RFC 3501 §6.4.5: FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])
    round_trip("[HEADER.FIELDS (DATE FROM)]", section_rule());
    round_trip("[HEADER.FIELDS.NOT (DATE FROM)]", section_rule());
    round_trip("[1.HEADER.FIELDS (Subject)]", section_rule());
    round_trip("[4.2.HEADER.FIELDS.NOT (\"X-Spam\" Received)]", section_rule());
    // A field name as a literal: the framer put the payload inline.
    round_trip("[HEADER.FIELDS ({4}\r\nDATE FROM)]", section_rule());
    round_trip("[HEADER.FIELDS (x-gm]-a)]", section_rule()); // "]" is an ASTRING-CHAR

    auto s = parse_all("[HEADER.FIELDS (DATE FROM)]", section_rule());
    REQUIRE(s);
    CHECK(s->part.empty());
    CHECK(s->text == section_text_kind::header_fields);
    CHECK(s->fields.text() == "DATE FROM");
    CHECK(names(s->fields) == std::vector<std::string>{"DATE", "FROM"});
    CHECK(s->fields.size() == 2);
    CHECK(s->fields.contains("date")); // field names match case-insensitively
    CHECK_FALSE(s->fields.contains("Subject"));

    auto q = parse_all("[HEADER.FIELDS.NOT (\"DATE\" {4}\r\nFROM)]", section_rule());
    REQUIRE(q);
    CHECK(q->text == section_text_kind::header_fields_not);
    std::vector<string_form> forms;
    for (auto n : q->fields) forms.push_back(n.form);
    CHECK(forms == std::vector<string_form>{string_form::quoted, string_form::literal});
    // Equal by content: (DATE FROM) == ("DATE" {4}FROM)
    auto plain = parse_all("[HEADER.FIELDS.NOT (DATE FROM)]", section_rule());
    REQUIRE(plain);
    CHECK(*plain == *q);
    CHECK_FALSE(*plain == *s);
}

TEST_CASE("section: keywords are case-insensitive and written upper-case", "[imap][section]") {
    // RFC 9051 §8: "a004 fetch 12 body[header]"
    auto h = parse_all("[header]", section_rule());
    REQUIRE(h);
    CHECK(mailwire::to_wire(*h).value() == "[HEADER]");
    round_trip("[header]", section_rule(), false);
    round_trip("[1.mime]", section_rule(), false);
    round_trip("[Header.Fields.Not (date)]", section_rule(), false);
    CHECK(mailwire::to_wire(parse_all("[Header.Fields.Not (date)]", section_rule()).value()).value() ==
          "[HEADER.FIELDS.NOT (date)]");
}

TEST_CASE("section: rejections carry code and offset", "[imap][section]") {
    check_error(parse_all("[MIME]", section_rule()), errc::invalid_syntax, 1);          // MIME needs a part
    check_error(parse_all("[FOO]", section_rule()), errc::invalid_syntax, 1);
    check_error(parse_all("[1.FOO]", section_rule()), errc::invalid_syntax, 3);
    check_error(parse_all("[1.]", section_rule()), errc::invalid_syntax, 3);
    check_error(parse_all("[0]", section_rule()), errc::number_out_of_range, 1);        // zero nz-number
    check_error(parse_all("[1.0]", section_rule()), errc::number_out_of_range, 3);
    check_error(parse_all("[01]", section_rule()), errc::invalid_syntax, 1);            // leading zero
    check_error(parse_all("[4294967296]", section_rule()), errc::number_out_of_range, 1);
    check_error(parse_all("[1", section_rule()), errc::invalid_syntax, 2);
    check_error(parse_all("[TEXT", section_rule()), errc::invalid_syntax, 5);
    check_error(parse_all("[1.2.MIME.TEXT]", section_rule()), errc::invalid_syntax, 9);
    check_error(parse_all("[HEADERS]", section_rule()), errc::invalid_syntax, 7);
    check_error(parse_all("[HEADER.FIELDS]", section_rule()), errc::invalid_syntax, 14);     // SP header-list
    check_error(parse_all("[HEADER.FIELDS DATE]", section_rule()), errc::invalid_syntax, 15); // "("
    check_error(parse_all("[HEADER.FIELDS ()]", section_rule()), errc::invalid_syntax, 16);   // empty list
    // "]" is an ASTRING-CHAR, so "FROM]" is one name and the list is unclosed at the end.
    check_error(parse_all("[HEADER.FIELDS (DATE FROM]", section_rule()), errc::invalid_syntax, 26);
    check_error(parse_all("[HEADER.FIELDS (DATE  FROM)]", section_rule()), errc::invalid_syntax, 21);
    check_error(parse_all("HEADER", section_rule()), errc::invalid_syntax, 0);
    check_error(parse_all("[HEADER.FIELDS (DATE {9}\r\nFROM)]", section_rule()), errc::invalid_syntax, 32);
}

TEST_CASE("section: header-list length within max_list", "[imap][section][limits]") {
    parse_options o;
    o.max_list = 2;
    CHECK(parse_all("[HEADER.FIELDS (A)]", section_rule(o)));
    CHECK(parse_all("[HEADER.FIELDS (A B)]", section_rule(o)));
    check_error(parse_all("[HEADER.FIELDS (A B C)]", section_rule(o)), errc::limit_exceeded, 20);
    // And for the part path.
    CHECK(parse_all("[1.2]", section_rule(o)));
    check_error(parse_all("[1.2.3]", section_rule(o)), errc::limit_exceeded, 5);
}

TEST_CASE("section-binary: RFC 3516 / RFC 9051", "[imap][section][rfc]") {
    round_trip("[]", binary_rule());
    round_trip("[1]", binary_rule());
    round_trip("[1.2]", binary_rule()); // BINARY.PEEK[1.2]<0.100>
    round_trip("[4.2.2.1]", binary_rule());
    auto b = parse_all("[1.2]", binary_rule());
    REQUIRE(b);
    CHECK(numbers(b->part) == std::vector<std::uint32_t>{1, 2});

    check_error(parse_all("[HEADER]", binary_rule()), errc::invalid_syntax, 1);
    check_error(parse_all("[1.TEXT]", binary_rule()), errc::invalid_syntax, 2);
    check_error(parse_all("[0]", binary_rule()), errc::number_out_of_range, 1);
    check_error(parse_all("1]", binary_rule()), errc::invalid_syntax, 0);
}

TEST_CASE("partial: RFC 9051 number64 / nz-number64", "[imap][section][rfc]") {
    round_trip("<0.2048>", partial_rule());      // BODY[TEXT]<0.2048>, RFC 9051 §6.4.5 note
    round_trip("<0.100>", partial_rule());       // BINARY.PEEK[1.2]<0.100>
    round_trip("<20001.20000>", partial_rule()); // RFC 2683 §3.2.1.3 BODY[1]<20001.20000>
    round_trip("<9223372036854775807.9223372036854775807>", partial_rule()); // above RFC 3501's 32 bits
    auto p = parse_all("<20001.20000>", partial_rule());
    REQUIRE(p);
    CHECK(p->offset == 20001);
    CHECK(p->length == 20000);

    check_error(parse_all("<0.0>", partial_rule()), errc::number_out_of_range, 3);  // nz-number64
    check_error(parse_all("<0.01>", partial_rule()), errc::invalid_syntax, 3);
    check_error(parse_all("<1>", partial_rule()), errc::invalid_syntax, 2);
    check_error(parse_all("<.5>", partial_rule()), errc::invalid_syntax, 1);
    check_error(parse_all("<1.5", partial_rule()), errc::invalid_syntax, 4);
    check_error(parse_all("<9223372036854775808.1>", partial_rule()), errc::number_out_of_range, 1);
    check_error(parse_all("<0.9223372036854775808>", partial_rule()), errc::number_out_of_range, 3);
    check_error(parse_all("<-1.5>", partial_rule()), errc::invalid_syntax, 1);
}

TEST_CASE("section: standalone parse of parts and header lists", "[imap][section]") {
    auto p = section_part::parse("1.22.333");
    REQUIRE(p);
    CHECK(numbers(*p) == std::vector<std::uint32_t>{1, 22, 333});
    CHECK(section_part::parse("").value().empty());
    check_error(section_part::parse("1..2"), errc::invalid_syntax, 1);
    check_error(section_part::parse("1.x"), errc::invalid_syntax, 1);

    auto h = header_list::parse("Date \"Message-ID\"");
    REQUIRE(h);
    CHECK(names(*h) == std::vector<std::string>{"Date", "Message-ID"});
    check_error(header_list::parse("Date "), errc::invalid_syntax, 5);
    check_error(header_list::parse("Date)"), errc::invalid_syntax, 4);

    // Built from parts, then written.
    section s;
    s.part = *p;
    s.text = section_text_kind::header_fields;
    s.fields = *h;
    CHECK(mailwire::to_wire(s).value() == "[1.22.333.HEADER.FIELDS (Date \"Message-ID\")]");
    CHECK(fmt::format("{}", s.fields) == "(Date \"Message-ID\")");
    CHECK(fmt::format("{}", s.part) == "1.22.333");
}

TEST_CASE("section: check_writable refuses what would not re-parse", "[imap][section][format]") {
    section mime_alone;
    mime_alone.text = section_text_kind::mime;
    CHECK(mailwire::to_wire(mime_alone).error().code == errc::unsafe_value);

    section fields_without_names;
    fields_without_names.text = section_text_kind::header_fields;
    CHECK(mailwire::to_wire(fields_without_names).error().code == errc::unsafe_value);

    section names_without_fields;
    names_without_fields.text = section_text_kind::header;
    names_without_fields.fields = header_list::parse("DATE").value();
    CHECK(mailwire::to_wire(names_without_fields).error().code == errc::unsafe_value);

    CHECK(mailwire::to_wire(partial{0, 0}).error().code == errc::unsafe_value);
    CHECK(mailwire::to_wire(partial{UINT64_MAX, 1}).error().code == errc::unsafe_value);
    CHECK(mailwire::to_wire(partial{5, 10}).value() == "<5.10>");
}

TEST_CASE("section: readable {:v} presentation", "[imap][section][format]") {
    auto s = parse_all("[4.2.HEADER.FIELDS (DATE \"From\")]", section_rule()).value();
    CHECK(fmt::format("{:v}", s) == "section part 4.2 HEADER.FIELDS (atom \"DATE\", quoted \"From\")");
    CHECK(fmt::format("{:v}", section{}) == "section (whole message)");
    CHECK(fmt::format("{:v}", partial{0, 2048}) == "partial offset 0 length 2048");
    CHECK(fmt::format("{:v}", parse_all("[1.2]", binary_rule()).value()) == "section-binary [1.2]");
    CHECK(fmt::format("{:v}", s.fields) == "header-list (atom \"DATE\", quoted \"From\")");
}
