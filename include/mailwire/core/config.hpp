// Build configuration shared by every header.
#pragma once

/// MAILWIRE_LAZY, before a function definition: the function is a template with one unused
/// defaulted parameter, so its body is checked when the header is read but instantiates what
/// it calls (result<T>, std::visit over the large variants, list builders, fmt) only in a
/// unit that calls it. Calls look the same (`parse_response(bytes, storage)`); taking the
/// address needs the target type or `<>`. This is what keeps a unit that includes mailwire
/// cheap to compile (docs/ARCHITECTURE.md, "Header cost"); MAILWIRE_SEPARATE_COMPILATION
/// additionally declares the entry points' instantiations extern (below).
#define MAILWIRE_LAZY template <class = void>
/// The definition of a function declared MAILWIRE_LAZY earlier (the default is given once).
#define MAILWIRE_LAZY_DEFINITION template <class>

/// MAILWIRE_SEPARATE_COMPILATION (a compile definition that the CMake target
/// mailwire::compiled gives its users): the entry points below are instantiated once, in the
/// library source src/mailwire.cpp, and every other unit only declares them (`extern
/// template`), so it neither instantiates nor optimizes the parsers and writers.
/// MAILWIRE_ENTRY, before an entry point's definition: MAILWIRE_LAZY, `inline` in header-only
/// mode only (an inline or constexpr function is instantiated where it is called even when
/// declared extern). MAILWIRE_ENTRY_INLINE: that `inline` alone, for entry points that are
/// templates already. Each header that has entry points keeps their instantiations in one
/// list macro (MAILWIRE_IMAP_RESPONSE_INSTANTIATIONS(EXTERN) and its siblings), expanded with
/// `extern` there in that mode and without it in src/mailwire.cpp.
#if defined(MAILWIRE_SEPARATE_COMPILATION)
#define MAILWIRE_ENTRY_INLINE
#else
#define MAILWIRE_ENTRY_INLINE inline
#endif
#define MAILWIRE_ENTRY template <class = void> MAILWIRE_ENTRY_INLINE
