// Catch2 v2 only: provides main() for every test executable. With Catch2 v3
// this file is not compiled (Catch2::Catch2WithMain provides main()).
#ifndef MAILWIRE_CATCH2_V3
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#endif
