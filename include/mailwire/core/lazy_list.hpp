// The two walks every lazily re-read list shares (flag lists, address lists, header lists,
// generic values, ...): such a list keeps only its validated text, and its iterator reads
// one element at a time, so counting and comparing mean walking it.
#pragma once

#include <cstddef>

namespace mailwire::detail {

/// The number of elements, by walking the range once.
template <class Range>
constexpr std::size_t count_elements(const Range& r) noexcept {
    std::size_t n = 0;
    for (auto it = r.begin(); it != r.end(); ++it) ++n;
    return n;
}

/// Equal element by element, and of the same length.
template <class Range>
constexpr bool elementwise_equal(const Range& a, const Range& b) noexcept {
    auto i = a.begin();
    auto j = b.begin();
    for (; i != a.end() && j != b.end(); ++i, ++j)
        if (!(*i == *j)) return false;
    return i == a.end() && j == b.end();
}

} // namespace mailwire::detail
