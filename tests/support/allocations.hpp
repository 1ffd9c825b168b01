// Counts the heap allocations of a test binary, to show that a parse allocates nothing
// or that a reader holds little. Replaces the global operator new and delete: every
// non-aligned form, so that new and delete always pair (AddressSanitizer checks that, and
// sees malloc and free underneath). Include it in one translation unit of a binary only.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>

namespace mailwire_test {

/// Allocations so far, and the largest one; reset either to watch a stretch of code.
inline std::size_t allocations = 0;
inline std::size_t largest_allocation = 0;

inline void* counted_malloc(std::size_t n) noexcept {
    ++allocations;
    if (n > largest_allocation) largest_allocation = n;
    return std::malloc(n ? n : 1);
}

} // namespace mailwire_test

// noinline: once inlined, GCC's -Wmismatched-new-delete sees free() on new'd memory.
[[gnu::noinline]] void* operator new(std::size_t n) {
    if (void* p = mailwire_test::counted_malloc(n)) return p;
    std::abort();
}
[[gnu::noinline]] void* operator new[](std::size_t n) { return operator new(n); }
[[gnu::noinline]] void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return mailwire_test::counted_malloc(n); }
[[gnu::noinline]] void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return mailwire_test::counted_malloc(n); }
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
