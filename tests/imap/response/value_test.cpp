#include <mailwire/imap/response/value.hpp>

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "support/catch.hpp"

using mailwire::errc;
using mailwire::parse_options;
using mailwire::scanner;
using namespace mailwire::imap;
using namespace std::string_literals;

namespace {

const parse_options strict{};
const parse_options lenient = parse_options::make_lenient();

void bad(std::string_view text, errc code, std::size_t offset, const parse_options& o = strict) {
    INFO(std::string(text));
    auto r = value_list::parse(text, o);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == code);
    CHECK(r.error().offset == offset);
}

} // namespace

TEST_CASE("value_list: tokens, kinds and nesting") {
    const std::string text = "atom 42 \"q\\\"s\" {3}\r\nl\rt NIL (a (b) \"c\") BODY[HEADER.FIELDS (DATE)]<0> ~{2}\r\n\0x"s;
    auto r = value_list::parse(text);
    REQUIRE(r.has_value());
    CHECK(r->size() == 8);
    auto it = r->begin();
    CHECK((*it).kind == value_kind::atom);
    CHECK((*it).text() == "atom");
    ++it;
    CHECK((*it).kind == value_kind::number);
    CHECK((*it).number() == 42);
    ++it;
    CHECK((*it).kind == value_kind::string);
    CHECK((*it).str.equals("q\"s"));
    ++it;
    CHECK((*it).str.form == string_form::literal);
    CHECK((*it).str.text == "l\rt");
    ++it;
    CHECK((*it).is_nil());
    ++it;
    REQUIRE((*it).is_list());
    CHECK((*it).items.size() == 3);
    ++it;
    CHECK((*it).text() == "BODY[HEADER.FIELDS (DATE)]<0>");
    ++it;
    CHECK((*it).str.form == string_form::literal8);
    CHECK((*it).str.text == "\0x"s);
    CHECK(++it == r->end());
    CHECK(fmt::format("{}", *r) == text);
    CHECK(fmt::format("{:v}", *r).find("\"l\\rt\"") != std::string::npos);
}

TEST_CASE("value_list: touching lists stay touching, equality by content") {
    auto a = value_list::parse("(1)(2 (3)(4))");
    REQUIRE(a.has_value());
    CHECK(a->size() == 2);
    CHECK(fmt::format("{}", *a) == "(1)(2 (3)(4))");
    auto b = value_list::parse("(1) (2 (3)(4))");
    REQUIRE(b.has_value());
    CHECK_FALSE(*a == *b); // SP between touching lists is kept
    auto q = value_list::parse("\"x\" y");
    auto l = value_list::parse("{1}\r\nx y");
    REQUIRE(q.has_value());
    REQUIRE(l.has_value());
    CHECK(*q == *l); // a string is its content, whatever its form
    CHECK_FALSE(*value_list::parse("x") == *value_list::parse("X"));
}

TEST_CASE("value_list: rejections with code and offset") {
    bad("a  b", errc::strict_violation, 2);
    bad("a b ", errc::strict_violation, 3);
    bad("(a", errc::invalid_syntax, 2);
    bad("(a b", errc::invalid_syntax, 4);
    bad("a(b)", errc::invalid_syntax, 1);
    bad("\"abc", errc::invalid_syntax, 4);
    bad("x\x80y", errc::strict_violation, 1);
    bad("a[b", errc::invalid_syntax, 3);
    bad(")", errc::invalid_syntax, 0);
    CHECK(value_list::parse("a  b", lenient).has_value());
    CHECK(fmt::format("{}", *value_list::parse("a  b ", lenient)) == "a b");
    CHECK(value_list::parse("x\x80y", lenient).has_value());
}

TEST_CASE("value_list: depth and list limits") {
    parse_options o;
    o.max_depth = 2;
    CHECK(value_list::parse("((a))", o).has_value());
    bad("(((a)))", errc::limit_exceeded, 2, o);
    o.max_list = 3;
    CHECK(value_list::parse("a b c", o).has_value());
    bad("a b c d", errc::limit_exceeded, 6, o);
    o.max_literal = 2;
    bad("{3}\r\nabc", errc::limit_exceeded, 0, o); // at the "{", as the framer says
}

TEST_CASE("value: check_writable refuses what would not re-parse") {
    value v;
    v.kind = value_kind::atom;
    v.str = string_value{string_form::atom, "a b", false, false};
    CHECK_FALSE(check_writable(v).has_value());
    v.str = string_value{string_form::atom, "ok", false, false};
    CHECK(check_writable(v).has_value());
    v.kind = value_kind::number;
    CHECK_FALSE(check_writable(v).has_value());
    v.kind = value_kind::string;
    v.str = string_value{string_form::quoted, "a\r\nb", false, false};
    CHECK(check_writable(v).error().code == errc::unsafe_value);
    v.str = *string_value::from_content("a\r\nb");
    CHECK(fmt::format("{}", v) == "{4}\r\na\r\nb");
}

TEST_CASE("rules::generic_value reads one value and leaves the rest") {
    scanner s("(a b) rest");
    auto v = rules::generic_value(s);
    REQUIRE(v.has_value());
    CHECK(v->is_list());
    CHECK(s.rest() == " rest");
}
