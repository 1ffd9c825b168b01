// alternative<V>(x): a std::variant V holding x, named by x's own type.
#pragma once

#include <type_traits>
#include <utility>
#include <variant>

namespace mailwire::detail {

/// V holding x as its alternative of x's own type. `V{x}` makes the compiler rank every
/// converting constructor of V where the expression is read, even in a template body that is
/// never instantiated; with dozens of alternatives (imap::command_body) clang spends most of
/// the cost of reading the headers there. This is one call, checked when instantiated.
template <class V, class T>
constexpr V alternative(T&& x) {
    return V(std::in_place_type<std::remove_cvref_t<T>>, std::forward<T>(x));
}

} // namespace mailwire::detail
