// POP3 commands, client -> server: RFC 1939 (base), RFC 2449 (CAPA, §3 grammar, §4 lengths),
// RFC 2595 (STLS), RFC 5034 (AUTH), RFC 6856 (UTF8, LANG).
//
// A parsed command borrows from the caller's line: every std::string_view member points
// into the bytes given to parse_command() and lives as long as they do.
//
// Grammar as implemented (RFC 2449 §3, with the per-command arguments of the other RFCs):
//
//   command = keyword *(SP param) CRLF      ; 255 octets maximum, CRLF included (§4)
//   keyword = 3*4VCHAR                      ; case-insensitive
//   param   = 1*VCHAR                       ; at most 40 octets (RFC 1939 §3)
//
// Decisions, each tested in tests/pop3/command_test.cpp:
// - A param may also hold octets %x80-FF: RFC 6856 §2.2 lets USER, PASS and APOP carry
//   UTF-8 (UTF-8 well-formedness is the server's check, not the parser's).
// - Limits (strict mode): the line, CRLF included, at most min(pop3_max_command_line,
//   max_line) octets; each argument at most pop3_max_argument octets, except AUTH's
//   initial-response, which RFC 5034 §4 bounds only by the 255-octet command line.
//   Lenient mode applies max_line only. Errors point at the first octet past the limit.
// - Unknown keywords are kept as `extension{keyword, arguments}`. Strict mode holds them
//   to 3*4VCHAR (RFC 2449 §3); lenient mode accepts up to 40 printable characters
//   (Dovecot's proxy sends XCLIENT to its backends).
// - Numbers: message-numbers are nz-number (1..4294967295), TOP's line count is "0" or
//   nz-number; no sign, no leading zero (so every number writes back as it was read).
// - PASS keeps everything after "PASS " (RFC 1939 §7: "a POP3 server may treat spaces in
//   the argument as part of the password"), in both modes.
// - The SASL mechanism is accepted in any case in both modes: RFC 4422 §3.1 writes
//   mech-char in upper case, but RFC 5034 §5 says the AUTH grammar's "alphabetic
//   characters are case-insensitive" and "Implementations MUST accept these strings in a
//   case-insensitive fashion" (only base64 is case-sensitive). The case is kept as sent.
// - The APOP digest is 32 hex digits of either case (RFC 1939 §7 says clients send lower
//   case; servers compare the hex value).
// - Lenient quirks (each rejected in strict mode with errc::strict_violation): a bare LF
//   line end (netcat without -C, hand-typed sessions), runs of SP between arguments and
//   trailing SP (telnet sessions), keywords longer than 4 characters (Dovecot XCLIENT).
//
// Writing: fmt::format("{}", x) gives the canonical wire line (keyword upper case, single
// SPs, CRLF); "{:v}" a one-line dump with passwords and SASL data redacted to their length.
// check_writable(x) accepts a value exactly when its wire line parses back to an equal
// value (in lenient mode, without length limits: limits are the reader's business, and a
// long XOAUTH2 initial response must stay writable). Values only lenient mode produces (a
// 7-letter extension keyword, SP runs kept inside extension arguments) are written as they
// are, never "corrected": the writer does not change what it was given.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string_view>
#include <type_traits>
#include <variant>

#include <fmt/format.h>

#include <mailwire/core/config.hpp>
#include <mailwire/core/base64.hpp>
#include <mailwire/core/chars.hpp>
#include <mailwire/core/format.hpp>
#include <mailwire/core/number.hpp>
#include <mailwire/core/options.hpp>
#include <mailwire/core/result.hpp>
#include <mailwire/core/scanner.hpp>

namespace mailwire::pop3 {

/// USER name                                     (RFC 1939 §7)
struct user { std::string_view name; friend bool operator==(const user&, const user&) = default; };
/// PASS string  ; the rest of the line, spaces included   (RFC 1939 §7)
struct pass { std::string_view password; friend bool operator==(const pass&, const pass&) = default; };
/// APOP name digest  ; digest = 32 lower- or upper-case hex digits   (RFC 1939 §7)
struct apop { std::string_view name; std::string_view digest; friend bool operator==(const apop&, const apop&) = default; };
/// STAT                                          (RFC 1939 §5)
struct stat { friend bool operator==(const stat&, const stat&) = default; };
/// LIST [msg]                                    (RFC 1939 §5)
struct list { std::optional<std::uint32_t> msg; friend bool operator==(const list&, const list&) = default; };
/// RETR msg                                      (RFC 1939 §5)
struct retr { std::uint32_t msg = 0; friend bool operator==(const retr&, const retr&) = default; };
/// DELE msg                                      (RFC 1939 §5)
struct dele { std::uint32_t msg = 0; friend bool operator==(const dele&, const dele&) = default; };
/// NOOP                                          (RFC 1939 §5)
struct noop { friend bool operator==(const noop&, const noop&) = default; };
/// RSET                                          (RFC 1939 §5)
struct rset { friend bool operator==(const rset&, const rset&) = default; };
/// QUIT                                          (RFC 1939 §4, §6)
struct quit { friend bool operator==(const quit&, const quit&) = default; };
/// TOP msg n  ; n may be 0                       (RFC 1939 §7)
struct top { std::uint32_t msg = 0; std::uint32_t lines = 0; friend bool operator==(const top&, const top&) = default; };
/// UIDL [msg]                                    (RFC 1939 §7)
struct uidl { std::optional<std::uint32_t> msg; friend bool operator==(const uidl&, const uidl&) = default; };
/// CAPA                                          (RFC 2449 §5)
struct capa { friend bool operator==(const capa&, const capa&) = default; };
/// STLS                                          (RFC 2595 §4)
struct stls { friend bool operator==(const stls&, const stls&) = default; };
/// AUTH mechanism [initial-response]             (RFC 5034 §4)
/// initial-response = base64 / "="  ; "=" is an empty initial response, held as "".
struct auth {
    std::string_view mechanism;
    std::optional<std::string_view> initial_response;
    friend bool operator==(const auth&, const auth&) = default;
};
/// UTF8                                          (RFC 6856 §2)
struct utf8 { friend bool operator==(const utf8&, const utf8&) = default; };
/// LANG [lang-or-wild]  ; a language tag or "*"  (RFC 6856 §3)
struct lang { std::optional<std::string_view> tag; friend bool operator==(const lang&, const lang&) = default; };
/// Any other keyword (XTND, LAST, XCLIENT, ...), kept with its arguments as sent.
struct extension {
    std::string_view keyword;   ///< as sent (case preserved)
    std::string_view arguments; ///< everything after the first SP, without the line end; may be empty
    friend bool operator==(const extension&, const extension&) = default;
};

using command = std::variant<user, pass, apop, stat, list, retr, dele, noop, rset, quit, top, uidl,
                             capa, stls, auth, utf8, lang, extension>;

/// A client line inside an AUTH exchange (RFC 5034 §4): base64 data, or "*" to cancel.
struct auth_continuation {
    bool cancel = false;
    std::string_view base64; ///< empty for an empty response or for a cancel
    friend bool operator==(const auth_continuation&, const auth_continuation&) = default;
};


// ---- grammar rules ---------------------------------------------------------------------

/// The rules parse_command() is made of, one per ABNF rule; exposed for reuse and tests.
/// Every rule reads from a scanner over the line without its terminator and reports
/// offsets into the whole line.
namespace command_rules {

/// param-char = VCHAR / %x80-FF   ; RFC 2449 §3 param, widened to UTF-8 by RFC 6856 §2.2
inline constexpr chars::char_set param_char = chars::vchar | chars::high;
/// pass-char = SP / param-char    ; PASS takes the rest of the line (RFC 1939 §7)
inline constexpr chars::char_set pass_char = param_char | chars::sp;
/// mech-char = UPPER-ALPHA / DIGIT / HYPHEN / UNDERSCORE (RFC 4422 §3.1), any case (RFC 5034 §5)
inline constexpr chars::char_set mech_char = chars::alpha | chars::digit | chars::char_set("-_");
/// alphanum = ALPHA / DIGIT       (RFC 4647 §2.1)
inline constexpr chars::char_set alphanum = chars::alpha | chars::digit;
/// Everything but SP: the extent of one param before its characters are checked.
inline constexpr chars::char_set non_sp = ~chars::sp;

/// Longest extension keyword accepted in lenient mode (strict: 4, RFC 2449 §3).
inline constexpr std::size_t max_extension_keyword = 40;
/// sasl-mech = 1*20mech-char      (RFC 4422 §3.1)
inline constexpr std::size_t max_sasl_mech = 20;

/// The keywords this header knows, in the order of the `command` alternatives.
enum class keyword_id : std::uint8_t {
    user, pass, apop, stat, list, retr, dele, noop, rset, quit, top, uidl, capa, stls, auth, utf8, lang,
    none
};

/// The keyword spellings, indexed by keyword_id (and by command::index()).
inline constexpr std::string_view keyword_names[] = {
    "USER", "PASS", "APOP", "STAT", "LIST", "RETR", "DELE", "NOOP", "RSET",
    "QUIT", "TOP",  "UIDL", "CAPA", "STLS", "AUTH", "UTF8", "LANG",
};
static_assert(std::size(keyword_names) + 1 == std::variant_size_v<command>);
static_assert(std::is_same_v<std::variant_alternative_t<static_cast<std::size_t>(keyword_id::top), command>, top>);
static_assert(std::is_same_v<std::variant_alternative_t<static_cast<std::size_t>(keyword_id::lang), command>, lang>);
static_assert(std::is_same_v<std::variant_alternative_t<static_cast<std::size_t>(keyword_id::none), command>, extension>);

/// A keyword of 3 or 4 characters folded to upper case and packed into one integer, so
/// dispatch is one switch rather than a chain of string compares. 3-character keywords
/// have a zero top byte, 4-character ones cannot (VCHAR >= 0x21): no collisions.
MAILWIRE_LAZY constexpr std::uint32_t keyword_code(std::string_view kw) noexcept {
    std::uint32_t code = 0;
    for (char c : kw) code = (code << 8) | static_cast<unsigned char>(chars::to_upper(c));
    return code;
}

/// Which known command `kw` names, ASCII case-insensitively (RFC 1939 §3: "Keywords and
/// arguments ... are case-insensitive" for keywords), or keyword_id::none.
MAILWIRE_LAZY constexpr keyword_id identify_keyword(std::string_view kw) noexcept {
    if (kw.size() != 3 && kw.size() != 4) return keyword_id::none;
    switch (keyword_code(kw)) {
    case keyword_code("USER"): return keyword_id::user;
    case keyword_code("PASS"): return keyword_id::pass;
    case keyword_code("APOP"): return keyword_id::apop;
    case keyword_code("STAT"): return keyword_id::stat;
    case keyword_code("LIST"): return keyword_id::list;
    case keyword_code("RETR"): return keyword_id::retr;
    case keyword_code("DELE"): return keyword_id::dele;
    case keyword_code("NOOP"): return keyword_id::noop;
    case keyword_code("RSET"): return keyword_id::rset;
    case keyword_code("QUIT"): return keyword_id::quit;
    case keyword_code("TOP"): return keyword_id::top;
    case keyword_code("UIDL"): return keyword_id::uidl;
    case keyword_code("CAPA"): return keyword_id::capa;
    case keyword_code("STLS"): return keyword_id::stls;
    case keyword_code("AUTH"): return keyword_id::auth;
    case keyword_code("UTF8"): return keyword_id::utf8;
    case keyword_code("LANG"): return keyword_id::lang;
    default: return keyword_id::none;
    }
}

/// CRLF = CR LF  ; every command line ends so (RFC 1939 §3, RFC 2449 §3)
///
/// Frames `line`, which must be exactly one line with its terminator: returns the offset
/// where the line's content ends (its terminator's first octet). `limit` bounds the whole
/// line, terminator included. Errors: limit_exceeded at `limit`; need_more at line.size()
/// when the terminator is missing; strict_violation at a bare LF in strict mode;
/// invalid_syntax at a CR not followed by LF, or at the first octet after the terminator.
MAILWIRE_LAZY constexpr result<std::size_t> line_content(std::string_view line, std::size_t limit, const parse_options& o) noexcept {
    // Only the first `limit` octets can hold a terminator that keeps the line in bounds.
    const std::size_t scan = line.size() < limit ? line.size() : limit;
    std::size_t p = 0;
    while (p < scan && line[p] != '\r' && line[p] != '\n') ++p;
    if (p == scan) {
        if (line.size() > limit) return fail(errc::limit_exceeded, limit, "line within the length limit");
        return fail(errc::need_more, line.size(), "CRLF");
    }
    std::size_t end = 0;
    if (line[p] == '\n') {
        if (o.strict()) return fail(errc::strict_violation, p, "CRLF");
        end = p + 1;
    } else {
        if (p + 1 < line.size() && line[p + 1] != '\n') return fail(errc::invalid_syntax, p + 1, "LF");
        end = p + 2;
    }
    if (end > limit) return fail(errc::limit_exceeded, limit, "line within the length limit");
    if (end > line.size()) return fail(errc::need_more, line.size(), "LF");
    if (end < line.size()) return fail(errc::invalid_syntax, end, "end of input after CRLF");
    return p;
}

/// The line limit parse_command() applies: RFC 2449 §4's 255 octets in strict mode (never
/// above max_line), max_line alone in lenient mode.
MAILWIRE_LAZY constexpr std::size_t command_line_limit(const parse_options& o) noexcept {
    if (o.lenient()) return o.max_line;
    return o.pop3_max_command_line < o.max_line ? o.pop3_max_command_line : o.max_line;
}

/// keyword = 3*4VCHAR   (RFC 2449 §3)
/// Lenient mode accepts up to max_extension_keyword characters (Dovecot's XCLIENT).
MAILWIRE_LAZY constexpr result<std::string_view> keyword(scanner& s, const parse_options& o) noexcept {
    const std::string_view kw = s.take_while(chars::vchar);
    if (!s.at_end() && !s.peek_is(' ')) return s.error(errc::invalid_syntax, kw.empty() ? "keyword" : "SP or CRLF");
    if (kw.size() < 3) return s.error(errc::invalid_syntax, "keyword of 3 or 4 characters");
    if (kw.size() > 4) {
        if (o.strict()) return s.error_at(4, errc::strict_violation, "keyword of 3 or 4 characters");
        if (kw.size() > max_extension_keyword) return s.error_at(max_extension_keyword, errc::limit_exceeded, "keyword of at most 40 characters");
    }
    return kw;
}

/// SP = %x20   ; one between the keyword and each param (RFC 2449 §3)
/// Lenient mode accepts a run of SP (hand-typed telnet sessions).
MAILWIRE_LAZY constexpr result<void> sp(scanner& s, const parse_options& o) noexcept {
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    if (s.peek_is(' ')) {
        if (o.strict()) return s.error(errc::strict_violation, "single SP");
        s.take_while(chars::sp);
    }
    return {};
}

/// True when another param follows: something other than (lenient: trailing) SP remains.
MAILWIRE_LAZY constexpr bool more_params(const scanner& s) noexcept { return !chars::sp.all_of(s.rest()); }

/// The end of the arguments, where CRLF stood (the framing has split it off already).
/// Lenient mode accepts trailing SP (telnet sessions); strict mode reports it at the
/// first such SP as strict_violation.
MAILWIRE_LAZY constexpr result<void> end_of_command(scanner& s, const parse_options& o) noexcept {
    if (s.at_end()) return {};
    if (s.peek_is(' ') && chars::sp.all_of(s.rest())) {
        if (o.strict()) return s.error(errc::strict_violation, "CRLF");
        s.take_rest();
        return {};
    }
    return s.error(errc::invalid_syntax, "CRLF");
}

/// param = 1*VCHAR   (RFC 2449 §3), and %x80-FF (RFC 6856 §2.2)
/// At most pop3_max_argument octets in strict mode (RFC 1939 §3, RFC 2449 §4) unless
/// `limited` is false.
MAILWIRE_LAZY constexpr result<std::string_view> param(scanner& s, const parse_options& o, std::string_view expected, bool limited = true) noexcept {
    const std::size_t start = s.pos();
    const std::string_view tok = s.take_while(non_sp);
    if (limited && o.strict() && tok.size() > o.pop3_max_argument)
        return s.error_at(start + o.pop3_max_argument, errc::limit_exceeded, "argument within the length limit");
    if (tok.empty()) return s.error_at(start, errc::invalid_syntax, expected);
    if (const std::size_t bad = param_char.span(tok); bad != tok.size())
        return s.error_at(start + bad, errc::invalid_syntax, expected);
    return tok;
}

/// msg = nz-number   ; a message-number: decimal, 1-based, 32-bit (RFC 1939 §5, §7)
/// nz-number = digit-nz *DIGIT (as RFC 9051 §9): 0 is number_out_of_range, and so is a
/// value above 4294967295; a sign, a leading zero or trailing garbage is invalid_syntax.
MAILWIRE_LAZY constexpr result<std::uint32_t> msg(scanner& s, const parse_options& o) noexcept {
    const std::size_t at = s.offset();
    auto tok = param(s, o, "message-number");
    if (!tok) return tok.error();
    scanner n(*tok, at);
    auto v = nz_number(n);
    if (!v) return v.error();
    if (!n.at_end()) return n.error(errc::invalid_syntax, "DIGIT");
    return *v;
}

/// n = "0" / nz-number   ; TOP's count of body lines, 0 allowed (RFC 1939 §7)
MAILWIRE_LAZY constexpr result<std::uint32_t> line_count(scanner& s, const parse_options& o) noexcept {
    const std::size_t at = s.offset();
    auto tok = param(s, o, "number of lines");
    if (!tok) return tok.error();
    if (*tok == "0") return 0u;
    scanner n(*tok, at);
    auto v = nz_number(n);
    if (!v) return n.peek_is('0') ? n.error(errc::invalid_syntax, "number without leading zero") : v.error();
    if (!n.at_end()) return n.error(errc::invalid_syntax, "DIGIT");
    return *v;
}

/// digest = 32HEXDIG   ; MD5 of timestamp and secret, in hex (RFC 1939 §7)
/// Errors (invalid_argument) at the first non-hex octet, or where the 32 digits should
/// end: at the end of a short digest, at the 33rd octet of a long one.
MAILWIRE_LAZY constexpr result<void> validate_digest(std::string_view d) noexcept {
    if (const std::size_t bad = chars::hexdig.span(d); bad != d.size())
        return fail(errc::invalid_argument, bad < 32 ? bad : 32, "digest of 32 hex digits");
    if (d.size() != 32) return fail(errc::invalid_argument, d.size() < 32 ? d.size() : 32, "digest of 32 hex digits");
    return {};
}

/// sasl-mech = 1*20mech-char   (RFC 4422 §3.1; any case, RFC 5034 §5)
/// Errors (invalid_argument) at the first octet that is not a mech-char, or at the 21st.
MAILWIRE_LAZY constexpr result<void> validate_sasl_mech(std::string_view m) noexcept {
    if (m.empty()) return fail(errc::invalid_argument, 0, "sasl-mech");
    const std::size_t bad = mech_char.span(m);
    if (bad > max_sasl_mech)
        return fail(errc::invalid_argument, max_sasl_mech, "sasl-mech of at most 20 characters");
    if (bad != m.size()) return fail(errc::invalid_argument, bad, "mech-char");
    return {};
}

/// language-range = (1*8ALPHA *("-" 1*8alphanum)) / "*"   (RFC 4647 §2.1)
/// alphanum       = ALPHA / DIGIT
/// LANG's argument is a basic language range (RFC 6856 §3.2). Errors (invalid_argument)
/// at the first octet that does not fit.
MAILWIRE_LAZY constexpr result<void> validate_language_range(std::string_view r) noexcept {
    // "*" is an alternative of its own: nothing may follow it.
    if (!r.empty() && r[0] == '*') return r.size() == 1 ? result<void>{} : fail(errc::invalid_argument, 1, "end of language range after \"*\"");
    std::size_t i = 0;
    bool first = true;
    for (;;) {
        const std::size_t sub = i;
        const chars::char_set& set = first ? chars::alpha : alphanum;
        while (i < r.size() && set(r[i]) && i - sub < 8) ++i;
        if (i == sub) return fail(errc::invalid_argument, i, first ? "ALPHA" : "alphanum");
        if (i == r.size()) return {};
        if (r[i] != '-') return fail(errc::invalid_argument, i, i - sub == 8 ? "\"-\" after at most 8 characters" : "\"-\" or end of language range");
        ++i;
        first = false;
    }
}

/// initial-response = base64 / "="   ; "=" is an empty response (RFC 5034 §4, §5)
/// Not held to the 40-octet argument limit: RFC 5034 §4 bounds it by the 255-octet line.
/// Returns the base64 text, empty for "=".
MAILWIRE_LAZY constexpr result<std::string_view> initial_response(scanner& s, const parse_options& o) noexcept {
    const std::size_t at = s.offset();
    auto tok = param(s, o, "initial-response", false);
    if (!tok) return tok.error();
    if (*tok == "=") return tok->substr(1);
    if (auto ok = validate_base64(*tok); !ok)
        return fail(errc::invalid_argument, at + ok.error().offset, ok.error().expected);
    return *tok;
}

// ---- one rule per command ------------------------------------------------------------

/// Commands without arguments: STAT, NOOP, RSET, QUIT (RFC 1939 §5, §6), CAPA (RFC 2449 §5),
/// STLS (RFC 2595 §4), UTF8 (RFC 6856 §2.1).
template <class T>
constexpr result<command> no_argument_command(scanner& s, const parse_options& o) noexcept {
    if (auto e = end_of_command(s, o); !e) return e.error();
    return command{T{}};
}

/// user-command = "USER" SP name CRLF   (RFC 1939 §7)
MAILWIRE_LAZY constexpr result<command> user_command(scanner& s, const parse_options& o) noexcept {
    if (auto e = sp(s, o); !e) return e.error();
    auto name = param(s, o, "name");
    if (!name) return name.error();
    if (auto e = end_of_command(s, o); !e) return e.error();
    return command{user{*name}};
}

/// pass-command = "PASS" SP string CRLF   ; string: the rest of the line (RFC 1939 §7)
/// Exactly one SP is the separator; any further SP belongs to the password.
MAILWIRE_LAZY constexpr result<command> pass_command(scanner& s, const parse_options& o) noexcept {
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    const std::size_t start = s.pos();
    const std::string_view pw = s.take_rest();
    if (o.strict() && pw.size() > o.pop3_max_argument)
        return s.error_at(start + o.pop3_max_argument, errc::limit_exceeded, "argument within the length limit");
    if (pw.empty()) return s.error_at(start, errc::invalid_syntax, "password");
    if (const std::size_t bad = pass_char.span(pw); bad != pw.size())
        return s.error_at(start + bad, errc::invalid_syntax, "password");
    return command{pass{pw}};
}

/// apop-command = "APOP" SP name SP digest CRLF   (RFC 1939 §7)
MAILWIRE_LAZY constexpr result<command> apop_command(scanner& s, const parse_options& o) noexcept {
    if (auto e = sp(s, o); !e) return e.error();
    auto name = param(s, o, "name");
    if (!name) return name.error();
    if (auto e = sp(s, o); !e) return e.error();
    const std::size_t at = s.offset();
    auto digest = param(s, o, "digest");
    if (!digest) return digest.error();
    if (auto ok = validate_digest(*digest); !ok)
        return fail(errc::invalid_argument, at + ok.error().offset, ok.error().expected);
    if (auto e = end_of_command(s, o); !e) return e.error();
    return command{apop{*name, *digest}};
}

/// list-command = "LIST" [SP msg] CRLF ; uidl-command = "UIDL" [SP msg] CRLF  (RFC 1939 §5, §7)
template <class T>
constexpr result<command> optional_msg_command(scanner& s, const parse_options& o) noexcept {
    T cmd{};
    if (more_params(s)) {
        if (auto e = sp(s, o); !e) return e.error();
        auto n = msg(s, o);
        if (!n) return n.error();
        cmd.msg = *n;
    }
    if (auto e = end_of_command(s, o); !e) return e.error();
    return command{cmd};
}

/// retr-command = "RETR" SP msg CRLF ; dele-command = "DELE" SP msg CRLF  (RFC 1939 §5)
template <class T>
constexpr result<command> msg_command(scanner& s, const parse_options& o) noexcept {
    if (auto e = sp(s, o); !e) return e.error();
    auto n = msg(s, o);
    if (!n) return n.error();
    if (auto e = end_of_command(s, o); !e) return e.error();
    return command{T{*n}};
}

/// top-command = "TOP" SP msg SP n CRLF   (RFC 1939 §7)
MAILWIRE_LAZY constexpr result<command> top_command(scanner& s, const parse_options& o) noexcept {
    if (auto e = sp(s, o); !e) return e.error();
    auto n = msg(s, o);
    if (!n) return n.error();
    if (auto e = sp(s, o); !e) return e.error();
    auto lines = line_count(s, o);
    if (!lines) return lines.error();
    if (auto e = end_of_command(s, o); !e) return e.error();
    return command{top{*n, *lines}};
}

/// auth-command = "AUTH" SP sasl-mech [SP initial-response] CRLF   (RFC 5034 §5; the
/// continuation lines that may follow are parse_auth_continuation()'s)
MAILWIRE_LAZY constexpr result<command> auth_command(scanner& s, const parse_options& o) noexcept {
    if (auto e = sp(s, o); !e) return e.error();
    const std::size_t at = s.offset();
    auto mech = param(s, o, "sasl-mech");
    if (!mech) return mech.error();
    if (auto ok = validate_sasl_mech(*mech); !ok)
        return fail(errc::invalid_argument, at + ok.error().offset, ok.error().expected);
    auth cmd{*mech, std::nullopt};
    if (more_params(s)) {
        if (auto e = sp(s, o); !e) return e.error();
        auto ir = initial_response(s, o);
        if (!ir) return ir.error();
        cmd.initial_response = *ir;
    }
    if (auto e = end_of_command(s, o); !e) return e.error();
    return command{cmd};
}

/// lang-command = "LANG" [SP (language-range / "*")] CRLF   (RFC 6856 §3.2)
MAILWIRE_LAZY constexpr result<command> lang_command(scanner& s, const parse_options& o) noexcept {
    lang cmd{};
    if (more_params(s)) {
        if (auto e = sp(s, o); !e) return e.error();
        const std::size_t at = s.offset();
        auto tag = param(s, o, "language-range");
        if (!tag) return tag.error();
        if (auto ok = validate_language_range(*tag); !ok)
            return fail(errc::invalid_argument, at + ok.error().offset, ok.error().expected);
        cmd.tag = *tag;
    }
    if (auto e = end_of_command(s, o); !e) return e.error();
    return command{cmd};
}

/// extension = keyword *(SP param) CRLF   (RFC 2449 §3) for a keyword this header does not
/// know. Strict mode checks the params; lenient mode keeps any printable or 8-bit text,
/// SP runs included. `arguments` is everything after the first SP, exactly as sent.
MAILWIRE_LAZY constexpr result<command> extension_command(std::string_view kw, scanner& s, const parse_options& o) noexcept {
    if (s.at_end()) return command{extension{kw, {}}};
    s.advance(); // the SP keyword() left the cursor on
    const std::size_t args_start = s.pos();
    if (o.lenient()) {
        const std::string_view args = s.take_rest();
        if (const std::size_t bad = pass_char.span(args); bad != args.size())
            return s.error_at(args_start + bad, errc::invalid_syntax, "param");
        return command{extension{kw, args}};
    }
    if (s.at_end()) return s.error_at(args_start - 1, errc::strict_violation, "CRLF");
    for (;;) {
        if (s.peek_is(' ')) return s.error(errc::strict_violation, "single SP");
        auto p = param(s, o, "param");
        if (!p) return p.error();
        if (s.at_end()) break;
        s.advance(); // SP
        if (s.at_end()) return s.error_at(s.pos() - 1, errc::strict_violation, "CRLF");
    }
    return command{extension{kw, s.since(args_start)}};
}

} // namespace command_rules

// ---- entry points --------------------------------------------------------------------

/// command = keyword *(SP param) CRLF   (RFC 2449 §3)
///
/// Parses one client line; `line` is exactly one line including its CRLF (a bare LF only
/// in lenient mode). Keywords are case-insensitive; known ones give their typed struct,
/// others an `extension`. Never allocates; the result borrows from `line`.
MAILWIRE_LAZY constexpr result<command> parse_command(std::string_view line, const parse_options& opts = {}) noexcept {
    namespace r = command_rules;
    auto end = r::line_content(line, r::command_line_limit(opts), opts);
    if (!end) return end.error();
    scanner s(line.substr(0, *end));
    auto kw = r::keyword(s, opts);
    if (!kw) return kw.error();
    switch (r::identify_keyword(*kw)) {
    case r::keyword_id::user: return r::user_command(s, opts);
    case r::keyword_id::pass: return r::pass_command(s, opts);
    case r::keyword_id::apop: return r::apop_command(s, opts);
    case r::keyword_id::stat: return r::no_argument_command<stat>(s, opts);
    case r::keyword_id::list: return r::optional_msg_command<list>(s, opts);
    case r::keyword_id::retr: return r::msg_command<retr>(s, opts);
    case r::keyword_id::dele: return r::msg_command<dele>(s, opts);
    case r::keyword_id::noop: return r::no_argument_command<noop>(s, opts);
    case r::keyword_id::rset: return r::no_argument_command<rset>(s, opts);
    case r::keyword_id::quit: return r::no_argument_command<quit>(s, opts);
    case r::keyword_id::top: return r::top_command(s, opts);
    case r::keyword_id::uidl: return r::optional_msg_command<uidl>(s, opts);
    case r::keyword_id::capa: return r::no_argument_command<capa>(s, opts);
    case r::keyword_id::stls: return r::no_argument_command<stls>(s, opts);
    case r::keyword_id::auth: return r::auth_command(s, opts);
    case r::keyword_id::utf8: return r::no_argument_command<utf8>(s, opts);
    case r::keyword_id::lang: return r::lang_command(s, opts);
    case r::keyword_id::none: break;
    }
    return r::extension_command(*kw, s, opts);
}

/// client-response = ([base64] / cancel-response) CRLF ; cancel-response = "*"
///                                                               (RFC 5034 §4, §5)
/// A client line inside an AUTH exchange: "*" cancels, an empty line is an empty
/// response, anything else must be strict base64 (errc::invalid_syntax at the first bad
/// octet). RFC 5034 §4 lets these lines be "of arbitrary length", so only max_line
/// applies, in both modes.
MAILWIRE_LAZY constexpr result<auth_continuation> parse_auth_continuation(std::string_view line, const parse_options& opts = {}) noexcept {
    auto end = command_rules::line_content(line, opts.max_line, opts);
    if (!end) return end.error();
    const std::string_view text = line.substr(0, *end);
    if (text == "*") return auth_continuation{true, {}};
    if (auto ok = validate_base64(text); !ok) return ok.error();
    return auth_continuation{false, text};
}

/// The name of a command for dumps and JSON: "RETR", "TOP", ..., or an extension's keyword
/// as sent.
MAILWIRE_LAZY constexpr std::string_view command_name(const command& c) noexcept {
    if (const auto* ext = std::get_if<extension>(&c)) return ext->keyword;
    return c.index() < std::size(command_rules::keyword_names) ? command_rules::keyword_names[c.index()] : std::string_view{};
}

// ---- APOP ----------------------------------------------------------------------------

/// True when `d` is an APOP digest: 32 hex digits (RFC 1939 §7).
MAILWIRE_LAZY constexpr bool is_apop_digest(std::string_view d) noexcept { return command_rules::validate_digest(d).has_value(); }

/// Appends to `out` (any container of char with push_back) the exact octets whose MD5 is
/// the APOP digest: the greeting's timestamp, angle brackets included, then the shared
/// secret (RFC 1939 §7). mailwire computes no MD5; hash these and hex-encode in lower case.
template <class Buffer>
constexpr void apop_digest_input(std::string_view timestamp, std::string_view secret, Buffer& out) {
    for (char c : timestamp) out.push_back(c);
    for (char c : secret) out.push_back(c);
}

// ---- check_writable ------------------------------------------------------------------

namespace command_detail {
MAILWIRE_LAZY constexpr result<void> writable_param(std::string_view v, std::string_view what) noexcept {
    if (v.empty()) return unsafe(what, 0);
    if (const std::size_t bad = command_rules::param_char.span(v); bad != v.size()) return unsafe(what, bad);
    return {};
}
MAILWIRE_LAZY constexpr result<void> writable_msg(std::uint32_t n) noexcept {
    if (n == 0) return unsafe("message-number of at least 1");
    return {};
}
} // namespace command_detail

/// USER name: non-empty, printable or 8-bit, no SP (it would split into two arguments).
MAILWIRE_LAZY constexpr result<void> check_writable(const user& v) noexcept {
    return command_detail::writable_param(v.name, "USER name: non-empty, without SP, CR, LF, NUL or other control octets");
}
/// PASS: non-empty; SP allowed (the password is the rest of the line); no control octets.
MAILWIRE_LAZY constexpr result<void> check_writable(const pass& v) noexcept {
    if (v.password.empty()) return unsafe("PASS password: non-empty");
    if (const std::size_t bad = command_rules::pass_char.span(v.password); bad != v.password.size())
        return unsafe("PASS password without CR, LF, NUL or other control octets", bad);
    return {};
}
MAILWIRE_LAZY constexpr result<void> check_writable(const apop& v) noexcept {
    if (auto ok = command_detail::writable_param(v.name, "APOP name: non-empty, without SP, CR, LF, NUL or other control octets"); !ok) return ok;
    if (auto ok = command_rules::validate_digest(v.digest); !ok) return unsafe("APOP digest of 32 hex digits", ok.error().offset);
    return {};
}
MAILWIRE_LAZY constexpr result<void> check_writable(const stat&) noexcept { return {}; }
MAILWIRE_LAZY constexpr result<void> check_writable(const list& v) noexcept { return v.msg ? command_detail::writable_msg(*v.msg) : result<void>{}; }
MAILWIRE_LAZY constexpr result<void> check_writable(const retr& v) noexcept { return command_detail::writable_msg(v.msg); }
MAILWIRE_LAZY constexpr result<void> check_writable(const dele& v) noexcept { return command_detail::writable_msg(v.msg); }
MAILWIRE_LAZY constexpr result<void> check_writable(const noop&) noexcept { return {}; }
MAILWIRE_LAZY constexpr result<void> check_writable(const rset&) noexcept { return {}; }
MAILWIRE_LAZY constexpr result<void> check_writable(const quit&) noexcept { return {}; }
/// TOP: msg >= 1; any line count, 0 included.
MAILWIRE_LAZY constexpr result<void> check_writable(const top& v) noexcept { return command_detail::writable_msg(v.msg); }
MAILWIRE_LAZY constexpr result<void> check_writable(const uidl& v) noexcept { return v.msg ? command_detail::writable_msg(*v.msg) : result<void>{}; }
MAILWIRE_LAZY constexpr result<void> check_writable(const capa&) noexcept { return {}; }
MAILWIRE_LAZY constexpr result<void> check_writable(const stls&) noexcept { return {}; }
/// AUTH: a valid sasl-mech; the initial response absent, empty (written "="), or base64.
MAILWIRE_LAZY constexpr result<void> check_writable(const auth& v) noexcept {
    if (auto ok = command_rules::validate_sasl_mech(v.mechanism); !ok) return unsafe("AUTH mechanism: 1 to 20 of A-Z, 0-9, - and _", ok.error().offset);
    if (v.initial_response)
        if (auto ok = validate_base64(*v.initial_response); !ok) return unsafe("AUTH initial response: base64, or empty", ok.error().offset);
    return {};
}
MAILWIRE_LAZY constexpr result<void> check_writable(const utf8&) noexcept { return {}; }
/// LANG: no tag, or a language range / "*".
MAILWIRE_LAZY constexpr result<void> check_writable(const lang& v) noexcept {
    if (v.tag)
        if (auto ok = command_rules::validate_language_range(*v.tag); !ok) return unsafe("LANG tag: a language range or \"*\"", ok.error().offset);
    return {};
}
/// extension: a keyword of 3 to 40 printable characters that is not a known command (it
/// would parse back as that command), arguments without control octets.
MAILWIRE_LAZY constexpr result<void> check_writable(const extension& v) noexcept {
    const std::string_view k = v.keyword;
    if (k.size() < 3 || k.size() > command_rules::max_extension_keyword)
        return unsafe("extension keyword of 3 to 40 printable characters", k.size() < 3 ? k.size() : command_rules::max_extension_keyword);
    if (const std::size_t bad = chars::vchar.span(k); bad != k.size()) return unsafe("extension keyword of printable characters", bad);
    if (command_rules::identify_keyword(k) != command_rules::keyword_id::none)
        return unsafe("extension keyword that is not a known command");
    if (const std::size_t bad = command_rules::pass_char.span(v.arguments); bad != v.arguments.size())
        return unsafe("extension arguments without CR, LF, NUL or other control octets", bad);
    return {};
}
MAILWIRE_LAZY constexpr result<void> check_writable(const command& c) noexcept {
    return std::visit([](const auto& v) { return check_writable(v); }, c);
}
/// auth_continuation: "*" carries no data; otherwise base64 (possibly empty).
MAILWIRE_LAZY constexpr result<void> check_writable(const auth_continuation& v) noexcept {
    if (v.cancel) {
        if (!v.base64.empty()) return unsafe("AUTH cancel carries no data");
        return {};
    }
    if (auto ok = validate_base64(v.base64); !ok) return unsafe("AUTH response: base64", ok.error().offset);
    return {};
}

// ---- formatting helpers --------------------------------------------------------------

namespace command_detail {

/// A string value in a dump: quoted, with '"', '\\' and control octets escaped so the dump
/// stays one line.
template <class Out>
Out write_quoted(Out out, std::string_view v) {
    *out++ = '"';
    for (char c : v) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            *out++ = '\\';
            *out++ = c;
        } else if (u < 0x20 || u == 0x7F) {
            out = fmt::format_to(out, "\\x{:02X}", static_cast<unsigned>(u));
        } else {
            *out++ = c;
        }
    }
    *out++ = '"';
    return out;
}

template <class Out>
Out write_redacted(Out out, std::string_view v) {
    return fmt::format_to(out, "<redacted, {} octets>", v.size());
}

// Wire bytes of each command: keyword upper case, single SPs, CRLF.
template <class Out> Out put_wire(Out out, const user& v) { return fmt::format_to(out, "USER {}\r\n", v.name); }
template <class Out> Out put_wire(Out out, const pass& v) { return fmt::format_to(out, "PASS {}\r\n", v.password); }
template <class Out> Out put_wire(Out out, const apop& v) { return fmt::format_to(out, "APOP {} {}\r\n", v.name, v.digest); }
template <class Out> Out put_wire(Out out, const stat&) { return fmt::format_to(out, "STAT\r\n"); }
template <class Out> Out put_wire(Out out, const list& v) {
    return v.msg ? fmt::format_to(out, "LIST {}\r\n", *v.msg) : fmt::format_to(out, "LIST\r\n");
}
template <class Out> Out put_wire(Out out, const retr& v) { return fmt::format_to(out, "RETR {}\r\n", v.msg); }
template <class Out> Out put_wire(Out out, const dele& v) { return fmt::format_to(out, "DELE {}\r\n", v.msg); }
template <class Out> Out put_wire(Out out, const noop&) { return fmt::format_to(out, "NOOP\r\n"); }
template <class Out> Out put_wire(Out out, const rset&) { return fmt::format_to(out, "RSET\r\n"); }
template <class Out> Out put_wire(Out out, const quit&) { return fmt::format_to(out, "QUIT\r\n"); }
template <class Out> Out put_wire(Out out, const top& v) { return fmt::format_to(out, "TOP {} {}\r\n", v.msg, v.lines); }
template <class Out> Out put_wire(Out out, const uidl& v) {
    return v.msg ? fmt::format_to(out, "UIDL {}\r\n", *v.msg) : fmt::format_to(out, "UIDL\r\n");
}
template <class Out> Out put_wire(Out out, const capa&) { return fmt::format_to(out, "CAPA\r\n"); }
template <class Out> Out put_wire(Out out, const stls&) { return fmt::format_to(out, "STLS\r\n"); }
template <class Out> Out put_wire(Out out, const auth& v) {
    if (!v.initial_response) return fmt::format_to(out, "AUTH {}\r\n", v.mechanism);
    // RFC 5034 §4: an empty initial response is sent as "=".
    return fmt::format_to(out, "AUTH {} {}\r\n", v.mechanism, v.initial_response->empty() ? std::string_view("=") : *v.initial_response);
}
template <class Out> Out put_wire(Out out, const utf8&) { return fmt::format_to(out, "UTF8\r\n"); }
template <class Out> Out put_wire(Out out, const lang& v) {
    return v.tag ? fmt::format_to(out, "LANG {}\r\n", *v.tag) : fmt::format_to(out, "LANG\r\n");
}
template <class Out> Out put_wire(Out out, const extension& v) {
    return v.arguments.empty() ? fmt::format_to(out, "{}\r\n", v.keyword) : fmt::format_to(out, "{} {}\r\n", v.keyword, v.arguments);
}
template <class Out> Out put_wire(Out out, const auth_continuation& v) {
    return v.cancel ? fmt::format_to(out, "*\r\n") : fmt::format_to(out, "{}\r\n", v.base64);
}

// One-line dumps: the keyword, then named fields; secrets reduced to their length.
template <class Out> Out put_dump(Out out, const user& v) { return write_quoted(fmt::format_to(out, "USER name="), v.name); }
template <class Out> Out put_dump(Out out, const pass& v) { return write_redacted(fmt::format_to(out, "PASS password="), v.password); }
template <class Out> Out put_dump(Out out, const apop& v) {
    out = write_quoted(fmt::format_to(out, "APOP name="), v.name);
    return write_quoted(fmt::format_to(out, " digest="), v.digest);
}
template <class Out> Out put_dump(Out out, const stat&) { return fmt::format_to(out, "STAT"); }
template <class Out> Out put_dump(Out out, const list& v) {
    return v.msg ? fmt::format_to(out, "LIST msg={}", *v.msg) : fmt::format_to(out, "LIST");
}
template <class Out> Out put_dump(Out out, const retr& v) { return fmt::format_to(out, "RETR msg={}", v.msg); }
template <class Out> Out put_dump(Out out, const dele& v) { return fmt::format_to(out, "DELE msg={}", v.msg); }
template <class Out> Out put_dump(Out out, const noop&) { return fmt::format_to(out, "NOOP"); }
template <class Out> Out put_dump(Out out, const rset&) { return fmt::format_to(out, "RSET"); }
template <class Out> Out put_dump(Out out, const quit&) { return fmt::format_to(out, "QUIT"); }
template <class Out> Out put_dump(Out out, const top& v) { return fmt::format_to(out, "TOP msg={} lines={}", v.msg, v.lines); }
template <class Out> Out put_dump(Out out, const uidl& v) {
    return v.msg ? fmt::format_to(out, "UIDL msg={}", *v.msg) : fmt::format_to(out, "UIDL");
}
template <class Out> Out put_dump(Out out, const capa&) { return fmt::format_to(out, "CAPA"); }
template <class Out> Out put_dump(Out out, const stls&) { return fmt::format_to(out, "STLS"); }
template <class Out> Out put_dump(Out out, const auth& v) {
    out = write_quoted(fmt::format_to(out, "AUTH mechanism="), v.mechanism);
    if (!v.initial_response) return out;
    if (v.initial_response->empty()) return fmt::format_to(out, " initial-response=empty");
    return write_redacted(fmt::format_to(out, " initial-response="), *v.initial_response);
}
template <class Out> Out put_dump(Out out, const utf8&) { return fmt::format_to(out, "UTF8"); }
template <class Out> Out put_dump(Out out, const lang& v) {
    return v.tag ? write_quoted(fmt::format_to(out, "LANG tag="), *v.tag) : fmt::format_to(out, "LANG");
}
template <class Out> Out put_dump(Out out, const extension& v) {
    out = write_quoted(fmt::format_to(out, "extension keyword="), v.keyword);
    return write_quoted(fmt::format_to(out, " arguments="), v.arguments);
}
template <class Out> Out put_dump(Out out, const auth_continuation& v) {
    if (v.cancel) return fmt::format_to(out, "AUTH-response cancel");
    if (v.base64.empty()) return fmt::format_to(out, "AUTH-response empty");
    return write_redacted(fmt::format_to(out, "AUTH-response base64="), v.base64);
}

/// What every pop3 command formatter does: the wire line (refused when check_writable()
/// refuses the value) or the dump.
template <class T, class Out>
Out format_command(const T& v, presentation pres, Out out) {
    if (pres == presentation::verbose) return put_dump(out, v);
    if (auto ok = check_writable(v); !ok) refuse_unsafe_write("mailwire: unsafe POP3 command value (see check_writable)");
    return put_wire(out, v);
}

} // namespace command_detail
} // namespace mailwire::pop3

// ---- fmt formatters ------------------------------------------------------------------

#define MAILWIRE_POP3_COMMAND_FORMATTER(T)                                                      \
    template <>                                                                                 \
    struct fmt::formatter<T> : mailwire::formatter_base {                                       \
        template <class FormatContext>                                                          \
        auto format(const T& v, FormatContext& ctx) const -> decltype(ctx.out()) {              \
            return mailwire::pop3::command_detail::format_command(v, pres, ctx.out());         \
        }                                                                                       \
    };

MAILWIRE_POP3_COMMAND_FORMATTER(mailwire::pop3::user)
MAILWIRE_POP3_COMMAND_FORMATTER(mailwire::pop3::pass)
MAILWIRE_POP3_COMMAND_FORMATTER(mailwire::pop3::apop)
MAILWIRE_POP3_COMMAND_FORMATTER(mailwire::pop3::stat)
MAILWIRE_POP3_COMMAND_FORMATTER(mailwire::pop3::list)
MAILWIRE_POP3_COMMAND_FORMATTER(mailwire::pop3::retr)
MAILWIRE_POP3_COMMAND_FORMATTER(mailwire::pop3::dele)
MAILWIRE_POP3_COMMAND_FORMATTER(mailwire::pop3::noop)
MAILWIRE_POP3_COMMAND_FORMATTER(mailwire::pop3::rset)
MAILWIRE_POP3_COMMAND_FORMATTER(mailwire::pop3::quit)
MAILWIRE_POP3_COMMAND_FORMATTER(mailwire::pop3::top)
MAILWIRE_POP3_COMMAND_FORMATTER(mailwire::pop3::uidl)
MAILWIRE_POP3_COMMAND_FORMATTER(mailwire::pop3::capa)
MAILWIRE_POP3_COMMAND_FORMATTER(mailwire::pop3::stls)
MAILWIRE_POP3_COMMAND_FORMATTER(mailwire::pop3::auth)
MAILWIRE_POP3_COMMAND_FORMATTER(mailwire::pop3::utf8)
MAILWIRE_POP3_COMMAND_FORMATTER(mailwire::pop3::lang)
MAILWIRE_POP3_COMMAND_FORMATTER(mailwire::pop3::extension)
MAILWIRE_POP3_COMMAND_FORMATTER(mailwire::pop3::auth_continuation)

#undef MAILWIRE_POP3_COMMAND_FORMATTER

/// The command variant formats as the alternative it holds.
template <>
struct fmt::formatter<mailwire::pop3::command> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::pop3::command& c, FormatContext& ctx) const -> decltype(ctx.out()) {
        const auto p = pres;
        return std::visit([&](const auto& v) { return mailwire::pop3::command_detail::format_command(v, p, ctx.out()); }, c);
    }
};
