#include <mailwire/core/config.hpp>

#include <string_view>
#include <type_traits>

#include "support/catch.hpp"

namespace {

// Instantiating this fails to compile: it stands for the heavy code (std::visit over a large
// variant, fmt) that a MAILWIRE_LAZY body must not instantiate in a unit that never calls it.
template <class T>
int must_not_instantiate() {
    static_assert(sizeof(T) == 0, "instantiated a body that no one called");
    return 0;
}

// Were MAILWIRE_LAZY plain `inline`, this unit would not compile.
MAILWIRE_LAZY inline int never_called() { return must_not_instantiate<int>(); }

MAILWIRE_LAZY inline int twice(int x) { return 2 * x; }
MAILWIRE_LAZY constexpr std::size_t length(std::string_view s) noexcept { return s.size(); }

// Declared ahead, defined later (the default template argument is given once).
MAILWIRE_LAZY inline int declared_ahead(int x);
MAILWIRE_LAZY_DEFINITION inline int declared_ahead(int x) { return twice(x) + 1; }

MAILWIRE_ENTRY int entry(int x) { return declared_ahead(x); }

} // namespace

TEST_CASE("MAILWIRE_LAZY functions are called as before and instantiate only when called", "[config]") {
    CHECK(twice(21) == 42);
    CHECK(length("a001") == 4);                  // implicit conversion of the argument still works
    static_assert(length("abc") == 3);           // constexpr still works
    CHECK(declared_ahead(3) == 7);
    CHECK(entry(4) == 9);
    int (*fp)(int) = twice;                      // the address, given a target type
    CHECK(fp(5) == 10);
}
