// Errors are values: a code, the byte offset where parsing stopped, and what the grammar
// expected there. Nothing on the parse path throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mailwire {

/// What went wrong. `need_more` is the only code that means "call again with more bytes".
enum class errc : std::uint8_t {
    ok = 0,
    need_more,           ///< input ends before the rule does; not an error in a stream
    invalid_syntax,      ///< a byte the grammar does not allow here
    number_out_of_range, ///< a number too large for its type, or zero where nz-number is due
    limit_exceeded,      ///< a parse_options limit (line, literal, depth, list, ...) was hit
    unknown_command,     ///< a keyword no parser knows (generic extensions are not this)
    invalid_argument,    ///< an argument is present but malformed (e.g. an APOP digest)
    strict_violation,    ///< a known server quirk, accepted only in lenient mode
    unsafe_value,        ///< writing the value would inject CR/LF or break framing
    bad_state,           ///< not allowed in the current protocol state
    unexpected_response, ///< a response that does not fit the command it answers
};

/// The stable name of an error code, as `mailwire-parse --json` prints it.
constexpr std::string_view to_string(errc c) noexcept {
    switch (c) {
    case errc::ok: return "ok";
    case errc::need_more: return "need_more";
    case errc::invalid_syntax: return "invalid_syntax";
    case errc::number_out_of_range: return "number_out_of_range";
    case errc::limit_exceeded: return "limit_exceeded";
    case errc::unknown_command: return "unknown_command";
    case errc::invalid_argument: return "invalid_argument";
    case errc::strict_violation: return "strict_violation";
    case errc::unsafe_value: return "unsafe_value";
    case errc::bad_state: return "bad_state";
    case errc::unexpected_response: return "unexpected_response";
    }
    return "unknown";
}

/// A parse failure. `offset` counts bytes from the start of the input given to the parser;
/// `expected` names what the grammar wanted there (a rule name or a literal, static storage).
struct parse_error {
    errc code = errc::invalid_syntax;
    std::size_t offset = 0;
    std::string_view expected{};

    friend constexpr bool operator==(const parse_error&, const parse_error&) = default;
};

} // namespace mailwire
