#include <mailwire/core/lazy_list.hpp>

#include <array>
#include <string_view>

#include "support/catch.hpp"

using mailwire::detail::count_elements;
using mailwire::detail::elementwise_equal;

namespace {
// A range whose iterator reads the text one space-separated word at a time, as the
// library's lazily re-read lists do.
struct words {
    std::string_view text;
    struct iterator {
        std::string_view rest;
        constexpr std::string_view operator*() const noexcept { return rest.substr(0, rest.find(' ')); }
        constexpr iterator& operator++() noexcept {
            const auto sp = rest.find(' ');
            rest = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp + 1);
            return *this;
        }
        friend constexpr bool operator==(const iterator& a, const iterator& b) noexcept { return a.rest.size() == b.rest.size(); }
    };
    constexpr iterator begin() const noexcept { return {text}; }
    constexpr iterator end() const noexcept { return {}; }
};
} // namespace

TEST_CASE("count_elements walks the range", "[core][lazy_list]") {
    CHECK(count_elements(words{""}) == 0);
    CHECK(count_elements(words{"a"}) == 1);
    CHECK(count_elements(words{"a bb ccc"}) == 3);
    static_assert(count_elements(words{"x y"}) == 2);
    CHECK(count_elements(std::array<int, 4>{1, 2, 3, 4}) == 4);
}

TEST_CASE("elementwise_equal compares elements and length", "[core][lazy_list]") {
    CHECK(elementwise_equal(words{"a bb"}, words{"a bb"}));
    CHECK(elementwise_equal(words{""}, words{""}));
    CHECK_FALSE(elementwise_equal(words{"a bb"}, words{"a bc"}));
    CHECK_FALSE(elementwise_equal(words{"a bb"}, words{"a bb c"})); // a prefix is not equal
    CHECK_FALSE(elementwise_equal(words{"a bb c"}, words{"a bb"}));
    static_assert(elementwise_equal(words{"p q"}, words{"p q"}));
}
