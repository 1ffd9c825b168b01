// Parse options: the mode and every limit on what a peer controls. The defaults are safe
// for a server facing the internet; a client talking to a trusted server may raise them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mailwire {

/// strict: the RFC grammar to the letter. lenient: also the documented quirks of real
/// servers (each listed in docs/QUIRKS.md with the server that sends it and a test).
enum class parse_mode : std::uint8_t { strict, lenient };

/// The deepest nesting any parse reads, whatever parse_options::max_depth says (a larger
/// max_depth reads as this; depth_limit() is what takes effect). Nothing in the library
/// recurses per level: the rules for nested data (BODYSTRUCTURE bodies and body-extension
/// lists, search keys, tagged-ext values, generic values, THREAD) are loops that keep the
/// levels still open in a fixed array of this many entries, and the writers, checkers,
/// dumps and comparisons of what they produce walk it the same way (core/tree_walk.hpp,
/// imap::detail::resp::value_cursor). So the stack they use does not grow with the depth:
/// at the ceiling the deepest input of each rule, parsed, checked, written back, dumped and
/// compared, uses at most about 35 KiB (g++ -O0), 15 KiB (-O2) and 100 KiB (clang -O0
/// with ASan and UBSan), tested on a 256 KiB thread in tests/core/options_test.cpp. The
/// checks refuse (errc::unsafe_value) a value built by hand deeper than this: it would not
/// parse back.
inline constexpr std::size_t max_depth_ceiling = 128;

struct parse_options {
    parse_mode mode = parse_mode::strict;

    /// Longest line, CRLF included, outside literals (IMAP; POP3 in lenient mode).
    std::size_t max_line = 64 * 1024;
    /// Largest single literal ({n}, {n+}, {n-}, ~{n}) accepted by the IMAP framer and parsers.
    std::uint64_t max_literal = 64ull * 1024 * 1024;
    /// Most literals in one IMAP message.
    std::size_t max_literals_per_message = 1024;
    /// Largest IMAP message: all its lines and literals together.
    std::uint64_t max_message = 128ull * 1024 * 1024;
    /// Deepest nesting of parentheses (search keys, BODYSTRUCTURE, generic lists): one
    /// budget shared by a whole message. At most max_depth_ceiling (128) takes effect, so
    /// any value is safe, on a small thread stack too.
    std::size_t max_depth = 64;
    /// Longest list (FETCH items, capabilities, listing lines, addresses, ...).
    std::size_t max_list = 100000;

    /// POP3 command line, CRLF included (RFC 2449 §4: 255). Enforced in strict mode; in
    /// lenient mode `max_line` applies instead.
    std::size_t pop3_max_command_line = 255;
    /// POP3 command argument length (RFC 2449 §4: 40). Strict mode only.
    std::size_t pop3_max_argument = 40;
    /// POP3 first response line, CRLF included (RFC 2449 §4: 512). Strict mode only.
    std::size_t pop3_max_response_line = 512;

    /// The caller has already found that the message holds no NUL octet (what
    /// imap::buffered_framer reports as event::nul_free), so the IMAP parsers do not scan
    /// each literal for the NUL that CHAR8 forbids. parse_response() and parse_command()
    /// set it from the event they are given; set it by hand only for bytes so checked:
    /// a NUL in a literal would otherwise be taken.
    bool known_nul_free = false;

    /// IMAP: "{n+}" / "~{n+}" (non-synchronizing literals, RFC 7888) are read. A server
    /// never sends one (RFC 7888 §3, RFC 9051 §4.3) and imap::framer refuses them from a
    /// server, so imap::parse_response() always reads with this false: a "+" there is
    /// invalid_syntax at the "+", as the framer says. Commands keep it true.
    bool non_sync_literals = true;

    /// max_depth as it takes effect: never above max_depth_ceiling.
    constexpr std::size_t depth_limit() const noexcept { return max_depth < max_depth_ceiling ? max_depth : max_depth_ceiling; }

    constexpr bool strict() const noexcept { return mode == parse_mode::strict; }
    constexpr bool lenient() const noexcept { return mode == parse_mode::lenient; }

    static constexpr parse_options make_lenient() noexcept {
        parse_options o;
        o.mode = parse_mode::lenient;
        return o;
    }

    /// Lenient (a superset of strict) with every limit at its most (nesting at
    /// max_depth_ceiling): for re-reading and re-checking what a parse already accepted
    /// under whatever limits it was given, so a value parsed with raised limits can be
    /// iterated and written.
    static constexpr parse_options make_unlimited() noexcept {
        parse_options o = make_lenient();
        o.max_line = SIZE_MAX;
        o.max_literal = UINT64_MAX;
        o.max_literals_per_message = SIZE_MAX;
        o.max_message = UINT64_MAX;
        o.max_depth = max_depth_ceiling;
        o.max_list = SIZE_MAX;
        return o;
    }
};

} // namespace mailwire
