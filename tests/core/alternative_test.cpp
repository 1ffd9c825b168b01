#include <mailwire/core/alternative.hpp>

#include <string>
#include <variant>

#include "support/catch.hpp"

TEST_CASE("alternative: the variant holds the value as the alternative of its own type", "[alternative]") {
    using v = std::variant<int, long, std::string>;
    // V{x} would pick by conversion; alternative<V> names the type exactly.
    const v a = mailwire::detail::alternative<v>(7L);
    REQUIRE(std::holds_alternative<long>(a));
    CHECK(std::get<long>(a) == 7L);

    std::string s = "moved";
    const v b = mailwire::detail::alternative<v>(std::move(s));
    REQUIRE(std::holds_alternative<std::string>(b));
    CHECK(std::get<std::string>(b) == "moved");

    const int i = 3;
    const v c = mailwire::detail::alternative<v>(i); // a const lvalue: copied as int
    REQUIRE(std::holds_alternative<int>(c));
    CHECK(std::get<int>(c) == 3);
}
