#include <mailwire/core/result.hpp>

#include <memory>
#include <string>
#include <utility>

#include "support/catch.hpp"

using mailwire::errc;
using mailwire::parse_error;
using mailwire::result;

static_assert(result<int>(5).has_value());
static_assert(*result<int>(5) == 5);
static_assert(!result<int>(parse_error{errc::invalid_syntax, 3, "x"}).has_value());

TEST_CASE("result holds a value or an error", "[result]") {
    result<std::string> ok = std::string("hello");
    REQUIRE(ok);
    CHECK(ok.has_value());
    CHECK(*ok == "hello");
    CHECK(ok->size() == 5);
    CHECK(ok.value_or("x") == "hello");

    result<std::string> bad = mailwire::fail(errc::limit_exceeded, 42, "max_line");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == errc::limit_exceeded);
    CHECK(bad.error().offset == 42);
    CHECK(bad.error().expected == "max_line");
    CHECK(bad.value_or("fallback") == "fallback");
}

TEST_CASE("result copies, moves and assigns across alternatives", "[result]") {
    result<std::string> a = std::string(100, 'a'); // long enough to heap-allocate
    result<std::string> b = a;
    CHECK(*b == std::string(100, 'a'));
    result<std::string> c = std::move(a);
    CHECK(*c == std::string(100, 'a'));

    result<std::string> e = parse_error{errc::invalid_syntax, 1, "SP"};
    b = e; // value -> error
    REQUIRE_FALSE(b);
    CHECK(b.error().expected == "SP");
    b = c; // error -> value
    REQUIRE(b);
    CHECK(b->size() == 100);

    result<std::unique_ptr<int>> owner = std::make_unique<int>(7);
    result<std::unique_ptr<int>> moved = std::move(owner);
    REQUIRE(moved);
    CHECK(**moved == 7);
}

TEST_CASE("result<void>", "[result]") {
    result<void> ok;
    CHECK(ok.has_value());
    result<void> bad = parse_error{errc::unsafe_value, 0, "no CR or LF"};
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == errc::unsafe_value);
}
