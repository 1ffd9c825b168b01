#include <mailwire/imap/rules/sequence_set.hpp>

#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "support/catch.hpp"

using mailwire::errc;
using mailwire::parse_options;
using mailwire::scanner;
using mailwire::imap::parse_all;
using mailwire::imap::seq_item;
using mailwire::imap::seq_kind;
using mailwire::imap::seq_number;
using mailwire::imap::sequence_set;
namespace rules = mailwire::imap::rules;

namespace {

template <class R>
void check_error(const R& r, errc code, std::size_t offset) {
    REQUIRE_FALSE(r.has_value());
    CHECK(mailwire::to_string(r.error().code) == mailwire::to_string(code));
    CHECK(r.error().offset == offset);
    CHECK_FALSE(r.error().expected.empty());
}

/// parse -> format -> parse is identity and gives back the same bytes.
void round_trip(std::string_view in, const parse_options& o = {}) {
    INFO("input: " << std::string(in));
    auto a = sequence_set::parse(in, o);
    REQUIRE(a);
    auto wire = mailwire::to_wire(*a);
    REQUIRE(wire);
    CHECK(*wire == std::string(in));
    auto b = sequence_set::parse(*wire, o);
    REQUIRE(b);
    CHECK(*b == *a);
}

std::vector<seq_item> items(const sequence_set& s) { return {s.begin(), s.end()}; }

constexpr seq_item num(std::uint32_t n) { return {seq_kind::number, seq_number{n}, seq_number{n}}; }
constexpr seq_item range(std::uint32_t a, std::uint32_t b) { return {seq_kind::range, seq_number{a}, seq_number{b}}; }

} // namespace

// Compile time: parsing and iteration are constexpr.
static_assert(sequence_set::parse("2,4:7").value().size() == 2);
static_assert(sequence_set::parse("1:*").value().contains(9, 9));

TEST_CASE("sequence-set: RFC 9051 vectors", "[imap][sequence_set][rfc]") {
    // RFC 9051 section 9 comments and section 6.4 examples.
    const char* vectors[] = {
        "2:4",           // FETCH 2:4, STORE 2:4 +FLAGS (\Deleted), COPY 2:4 MEETING
        "4:2",           // "2:4 and 4:2 are equivalent"
        "1:*",
        "2,4:7,9,12:*",  // "for a mailbox with 15 messages is equivalent to 2,4,5,6,7,9,12,13,14,15"
        "*:4,5:7",
        "3291:*",
        "4827313:4828442", // UID FETCH 4827313:4828442 FLAGS
        "12",
        "*",
        "$",             // RFC 5182: FETCH $ (UID INTERNALDATE FLAGS RFC822.HEADER)
        "1,3000:3021",   // RFC 5182 example 4
        "4294967295",
        "1,$",           // "$" as the last element (RFC 9051 recursion)
    };
    for (auto v : vectors) round_trip(v);

    auto s = sequence_set::parse("2,4:7,9,12:*");
    REQUIRE(s);
    CHECK(items(*s) == std::vector<seq_item>{num(2), range(4, 7), num(9), {seq_kind::range, seq_number{12}, seq_number::star()}});
    std::vector<std::uint32_t> members;
    for (std::uint32_t n = 1; n <= 15; ++n)
        if (s->contains(n, 15)) members.push_back(n);
    CHECK(members == std::vector<std::uint32_t>{2, 4, 5, 6, 7, 9, 12, 13, 14, 15});

    auto reversed = sequence_set::parse("*:4,5:7");
    REQUIRE(reversed);
    members.clear();
    for (std::uint32_t n = 1; n <= 10; ++n)
        if (reversed->contains(n, 10)) members.push_back(n);
    CHECK(members == std::vector<std::uint32_t>{4, 5, 6, 7, 8, 9, 10});

    // "3291:* includes the UID of the last message in the mailbox, even if that value is
    // less than 3291."
    auto uid = sequence_set::parse("3291:*");
    REQUIRE(uid);
    CHECK(uid->contains(100, 100));
    CHECK_FALSE(uid->contains(99, 100));
}

TEST_CASE("sequence-set: $ is the saved SEARCH result (RFC 5182)", "[imap][sequence_set]") {
    auto d = sequence_set::parse("$");
    REQUIRE(d);
    CHECK(d->is_last_result());
    CHECK(d->has_last_result());
    CHECK(items(*d) == std::vector<seq_item>{{seq_kind::last_result, {}, {}}});
    CHECK_FALSE(d->contains(1, 10)); // the session knows, not the parser
    auto mixed = sequence_set::parse("1,$");
    REQUIRE(mixed);
    CHECK_FALSE(mixed->is_last_result());
    CHECK(mixed->has_last_result());
    CHECK(mixed->size() == 2);
    check_error(sequence_set::parse("$,1"), errc::invalid_syntax, 1);  // nothing follows "$"
    check_error(sequence_set::parse("$:3"), errc::invalid_syntax, 1);
    check_error(sequence_set::parse("1:$"), errc::invalid_syntax, 2);
}

TEST_CASE("sequence-set: rejections with code and offset", "[imap][sequence_set]") {
    check_error(sequence_set::parse(""), errc::invalid_syntax, 0);
    check_error(sequence_set::parse("0"), errc::number_out_of_range, 0);             // nz-number
    check_error(sequence_set::parse("1:0"), errc::number_out_of_range, 2);
    check_error(sequence_set::parse("5,0:3"), errc::number_out_of_range, 2);
    check_error(sequence_set::parse("01"), errc::invalid_syntax, 0);                 // leading zero
    check_error(sequence_set::parse("1,,2"), errc::invalid_syntax, 2);               // empty element
    check_error(sequence_set::parse(",1"), errc::invalid_syntax, 0);
    check_error(sequence_set::parse("1,"), errc::invalid_syntax, 2);                 // trailing comma
    check_error(sequence_set::parse("1:"), errc::invalid_syntax, 2);
    check_error(sequence_set::parse(":5"), errc::invalid_syntax, 0);
    check_error(sequence_set::parse("1:2:3"), errc::invalid_syntax, 3);
    check_error(sequence_set::parse("4294967296"), errc::number_out_of_range, 0);    // overflow
    check_error(sequence_set::parse("1,99999999999999999999"), errc::number_out_of_range, 2);
    check_error(sequence_set::parse("-1"), errc::invalid_syntax, 0);
    check_error(sequence_set::parse("1 2"), errc::invalid_syntax, 1);
    check_error(sequence_set::parse("**"), errc::invalid_syntax, 1);
    check_error(sequence_set::parse("1.5"), errc::invalid_syntax, 1);
}

TEST_CASE("sequence-set: the rule stops where the set ends, inside a command", "[imap][sequence_set]") {
    // RFC 9051 section 6.4.5: C: A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])
    const std::string cmd = "A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])";
    scanner s(cmd);
    s.advance(11);
    auto set = rules::sequence_set(s);
    REQUIRE(set);
    CHECK(set->text() == "2:4");
    CHECK(s.offset() == 14);
    // An error points into the whole command.
    scanner bad("A1 FETCH 2,,4 FLAGS");
    bad.advance(9);
    check_error(rules::sequence_set(bad), errc::invalid_syntax, 11);
}

TEST_CASE("sequence-set: max_list at, below and above", "[imap][sequence_set][limits]") {
    parse_options o;
    o.max_list = 3;
    CHECK(sequence_set::parse("1,2", o).has_value());
    CHECK(sequence_set::parse("1,2,3", o).has_value());
    check_error(sequence_set::parse("1,2,3,4", o), errc::limit_exceeded, 6);
    CHECK(sequence_set::parse("1:100000", o).has_value()); // a range is one element
}

TEST_CASE("seq-number and seq-range rules", "[imap][sequence_set]") {
    auto n = parse_all("*", [](scanner& s) { return rules::seq_number(s); });
    REQUIRE(n);
    CHECK(n->is_star());
    CHECK(n->resolve(42) == 42u);
    auto r = parse_all("7:*", [](scanner& s) { return rules::seq_range(s); });
    REQUIRE(r);
    CHECK(r->contains(7, 9));
    CHECK(r->contains(9, 9));
    CHECK_FALSE(r->contains(6, 9));
    CHECK_FALSE(r->contains(0, 9));
    check_error(parse_all("7", [](scanner& s) { return rules::seq_range(s); }), errc::invalid_syntax, 1);
    check_error(parse_all("0", [](scanner& s) { return rules::seq_number(s); }), errc::number_out_of_range, 0);
    CHECK(fmt::format("{}", *r) == "7:*");
    CHECK(fmt::format("{:v}", *r) == "seq-range 7:*");
    CHECK(fmt::format("{}", seq_number{12}) == "12");
    CHECK(fmt::format("{:v}", seq_number::star()) == "seq-number *");
}

TEST_CASE("seq-number accepts exactly digits and star, over all 256 bytes", "[imap][sequence_set]") {
    for (unsigned b = 0; b < 256; ++b) {
        INFO("byte " << b);
        const std::string one(1, static_cast<char>(b));
        const bool ok = (b >= '1' && b <= '9') || b == '*' || b == '$';
        CHECK(sequence_set::parse(one).has_value() == ok);
    }
}

TEST_CASE("sequence-set: formatting and check_writable", "[imap][sequence_set][format]") {
    auto s = sequence_set::parse("2,4:7,$");
    REQUIRE(s);
    CHECK(fmt::format("{}", *s) == "2,4:7,$");
    CHECK(fmt::format("{:v}", *s) == "sequence-set [2, 4:7, $]");
    check_error(mailwire::to_wire(sequence_set{}), errc::unsafe_value, 0); // empty is not a set
    CHECK(sequence_set{}.size() == 0);
}
