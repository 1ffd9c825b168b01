#ifndef MAILWIRE_TESTS_SUPPORT_CATCH_HPP
#define MAILWIRE_TESTS_SUPPORT_CATCH_HPP

// Tests include "support/catch.hpp" instead of a Catch2 header directly so the
// same test sources build against Catch2 v2 (Debian 12's catch2 package) and
// Catch2 v3 (vcpkg, Conan, newer distributions). tests/CMakeLists.txt defines
// MAILWIRE_CATCH2_V3 or MAILWIRE_CATCH2_V2 according to what it found.
//
// Test names: no [ ] * " \ ; and no leading ~. Each CTest entry runs its binary with the
// name as a Catch2 test spec, in which those are tags, wildcards, quotes, escapes and a
// negation, and CMake reads the discovered names as a list that ; splits and an unbalanced
// [ joins: such a name runs other cases or none (tests/README.md). The ctest entries
// meta.test_names and meta.test_counts enforce it.
//
// Portable subset: TEST_CASE, SECTION, REQUIRE/CHECK(_FALSE/_THROWS/_NOTHROW),
// STATIC_REQUIRE, INFO/CAPTURE, GENERATE(values(...)), Catch::StringMaker.

#if defined(MAILWIRE_CATCH2_V3)
#include <catch2/catch_all.hpp>
#elif defined(MAILWIRE_CATCH2_V2)
#include <catch2/catch.hpp>
#elif __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif

#endif // MAILWIRE_TESTS_SUPPORT_CATCH_HPP
