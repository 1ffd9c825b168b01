// Build configuration shared by every header.
#pragma once

/// MAILWIRE_LAZY, before a function definition: the function is a template with one unused
/// defaulted parameter, so its body is checked when the header is read but instantiates what
/// it calls (result<T>, std::visit over the large variants, list builders, fmt) only in a
/// unit that calls it. Calls look the same (`parse_response(bytes, storage)`); taking the
/// address needs the target type or `<>`. This is what keeps a unit that includes mailwire
/// cheap to compile (docs/ARCHITECTURE.md, "Header cost"); MAILWIRE_SEPARATE_COMPILATION
/// additionally declares the entry points' instantiations extern (core/compiled.hpp).
#define MAILWIRE_LAZY template <class = void>
/// The definition of a function declared MAILWIRE_LAZY earlier (the default is given once).
#define MAILWIRE_LAZY_DEFINITION template <class>
