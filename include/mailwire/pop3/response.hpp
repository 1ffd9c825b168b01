// POP3 responses, server -> client: RFC 1939 (base), RFC 2449 (CAPA, response codes,
// the ABNF of §3), RFC 2595 (STLS), RFC 3206 (SYS and AUTH codes), RFC 5034 (SASL
// continuations), RFC 6856 (UTF8, LANG).
//
// Only the command that was sent says what a reply holds ("LIST" gets a multi-line listing,
// "LIST 1" a single line), so the entry point takes an `expect`, which
// expectation_for(command) computes:
//
//     auto r = pop3::parse_response(bytes, pop3::expectation_for(cmd));
//     if (r && r->is_ok())
//         if (auto* list = std::get_if<pop3::scan_listing_block>(&r->payload))
//             for (pop3::scan_listing e : *list) use(e.msg, e.size);
//
// Lifetime: every std::string_view in a parsed value, and every listing or message body,
// points into the bytes given to the parser and lives as long as they do. Nothing is
// allocated while parsing: a multi-line block is validated once, in one pass, and kept as
// a view of its bytes; its range re-reads the validated lines as you iterate (see
// basic_listing and message_body). The same types built from a caller's data
// (basic_listing::from_entries, message_body::from_content) view that data instead.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <variant>

#include <fmt/format.h>

#include <mailwire/core/config.hpp>
#include <mailwire/core/base64.hpp>
#include <mailwire/core/chars.hpp>
#include <mailwire/core/error.hpp>
#include <mailwire/core/format.hpp>
#include <mailwire/core/lazy_list.hpp>
#include <mailwire/core/number.hpp>
#include <mailwire/core/options.hpp>
#include <mailwire/core/result.hpp>
#include <mailwire/core/scanner.hpp>
#include <mailwire/pop3/capability.hpp>
#include <mailwire/pop3/command.hpp>
#include <mailwire/pop3/expect.hpp>

namespace mailwire::pop3 {

// =====================================================================================
// Status indicator, response codes, status line
// =====================================================================================

/// "+OK", "-ERR" (RFC 1939 §3), or the "+" of a SASL continuation (RFC 5034 §4). A status
/// line is only ever +OK or -ERR; `continuation` appears in a response holding a
/// continuation payload.
enum class status_indicator : std::uint8_t { ok, err, continuation };

MAILWIRE_LAZY constexpr std::string_view to_string(status_indicator s) noexcept {
    switch (s) {
    case status_indicator::ok: return "ok";
    case status_indicator::err: return "err";
    case status_indicator::continuation: return "continuation";
    }
    return "unknown";
}

/// What a response code means, from its first two levels (case-insensitive, RFC 2449 §8;
/// clients "MUST ignore unknown hierarchical detail", so "IN-USE/X" is still in_use).
enum class resp_code_kind : std::uint8_t {
    in_use,      ///< IN-USE: authenticated, but the maildrop is in use     (RFC 2449 §8.1.2)
    login_delay, ///< LOGIN-DELAY: logged in too recently                   (RFC 2449 §8.1.1)
    sys_temp,    ///< SYS/TEMP: temporary system error                      (RFC 3206 §4)
    sys_perm,    ///< SYS/PERM: permanent system error                      (RFC 3206 §4)
    sys,         ///< SYS with no or another sub-level                      (RFC 3206 §4)
    auth,        ///< AUTH: the failure is about the credentials            (RFC 3206 §5)
    utf8,        ///< UTF8: the message needs UTF-8 mode                    (RFC 6856 §5)
    other,       ///< any other code, kept exactly as sent
};

MAILWIRE_LAZY constexpr std::string_view to_string(resp_code_kind k) noexcept {
    switch (k) {
    case resp_code_kind::in_use: return "in_use";
    case resp_code_kind::login_delay: return "login_delay";
    case resp_code_kind::sys_temp: return "sys_temp";
    case resp_code_kind::sys_perm: return "sys_perm";
    case resp_code_kind::sys: return "sys";
    case resp_code_kind::auth: return "auth";
    case resp_code_kind::utf8: return "utf8";
    case resp_code_kind::other: return "other";
    }
    return "unknown";
}

/// An extended response code: the raw text between "[" and "]" (e.g. "SYS/TEMP"), its
/// levels split on "/" on demand, and its meaning.       (RFC 2449 §3, §8)
struct resp_code {
    std::string_view raw;

    /// A forward range over the levels ("SYS", "TEMP"), views into `raw`.
    class level_range {
    public:
        class iterator {
        public:
            using iterator_category = std::forward_iterator_tag;
            using value_type = std::string_view;
            using difference_type = std::ptrdiff_t;
            using pointer = const std::string_view*;
            using reference = std::string_view;
            constexpr iterator() noexcept = default;
            constexpr explicit iterator(std::string_view rest, bool done) noexcept : rest_(rest), done_(done) {}
            constexpr std::string_view operator*() const noexcept { return rest_.substr(0, rest_.find('/')); }
            constexpr iterator& operator++() noexcept {
                const auto slash = rest_.find('/');
                if (slash == std::string_view::npos) {
                    rest_ = rest_.substr(rest_.size());
                    done_ = true;
                } else {
                    rest_.remove_prefix(slash + 1);
                }
                return *this;
            }
            constexpr iterator operator++(int) noexcept { auto t = *this; ++*this; return t; }
            friend constexpr bool operator==(const iterator& a, const iterator& b) noexcept {
                return a.done_ == b.done_ && a.rest_.size() == b.rest_.size();
            }

        private:
            std::string_view rest_{};
            bool done_ = true;
        };
        constexpr explicit level_range(std::string_view raw) noexcept : raw_(raw) {}
        constexpr iterator begin() const noexcept { return iterator(raw_, raw_.empty()); }
        constexpr iterator end() const noexcept { return iterator(raw_.substr(raw_.size()), true); }

    private:
        std::string_view raw_;
    };

    constexpr level_range levels() const noexcept { return level_range(raw); }
    constexpr std::size_t level_count() const noexcept {
        std::size_t n = 0;
        for (auto it = levels().begin(); it != levels().end(); ++it) ++n;
        return n;
    }
    /// The n-th level (0-based), or an empty view when there are fewer levels.
    constexpr std::string_view level(std::size_t n) const noexcept {
        for (auto l : levels()) {
            if (n == 0) return l;
            --n;
        }
        return {};
    }
    constexpr resp_code_kind kind() const noexcept {
        using chars::iequals;
        const std::string_view top = level(0);
        if (iequals(top, "IN-USE")) return resp_code_kind::in_use;
        if (iequals(top, "LOGIN-DELAY")) return resp_code_kind::login_delay;
        if (iequals(top, "AUTH")) return resp_code_kind::auth;
        if (iequals(top, "UTF8")) return resp_code_kind::utf8;
        if (iequals(top, "SYS")) {
            const std::string_view sub = level(1);
            if (iequals(sub, "TEMP")) return resp_code_kind::sys_temp;
            if (iequals(sub, "PERM")) return resp_code_kind::sys_perm;
            return resp_code_kind::sys;
        }
        return resp_code_kind::other;
    }

    static constexpr resp_code in_use() noexcept { return {"IN-USE"}; }
    static constexpr resp_code login_delay() noexcept { return {"LOGIN-DELAY"}; }
    static constexpr resp_code sys_temp() noexcept { return {"SYS/TEMP"}; }
    static constexpr resp_code sys_perm() noexcept { return {"SYS/PERM"}; }
    static constexpr resp_code auth() noexcept { return {"AUTH"}; }
    static constexpr resp_code utf8() noexcept { return {"UTF8"}; }

    friend constexpr bool operator==(const resp_code&, const resp_code&) = default;
};

/// A "+OK" or "-ERR" line: the indicator, an optional response code and the text.
///
/// RFC 2449 §3: `single-line = status [SP text] CRLF`, `text = *schar / resp-code *CHAR`.
/// So "+OK\r\n" (no SP, no text) and "+OK \r\n" (SP, empty text: *schar matches nothing)
/// are both legal; `trailing_space` tells them apart so both write back byte for byte.
/// What is NOT legal is text glued to the indicator ("+OKfoo", no SP): that is the lenient
/// quirk. A text beginning with "[" must be a resp-code (text = *schar cannot begin with
/// "[", schar excluding it); one that is not is the other lenient quirk (servers without
/// RESP-CODES) and is then kept as plain text. After a code, `*CHAR` lets text follow "]"
/// directly ("[AUTH]bad"): accepted, and written back in the canonical "[AUTH] bad".
///
/// schar (%x21-5A / %x5C-7F) excludes SP too, which every RFC 1939 example contradicts, and
/// RFC 6856 §3.2 makes text UTF-8 after LANG: text is read as any bytes but NUL, CR, LF.
struct status_line {
    status_indicator indicator = status_indicator::ok;
    std::optional<resp_code> code;
    std::string_view text;       ///< the human-readable text, after the code and one SP
    bool trailing_space = false; ///< an SP was sent but no text followed it

    constexpr bool is_ok() const noexcept { return indicator == status_indicator::ok; }
    constexpr bool is_err() const noexcept { return indicator == status_indicator::err; }
    friend constexpr bool operator==(const status_line&, const status_line&) = default;
};

/// The greeting: a +OK line, with the APOP timestamp "<...>" when the server offers APOP.
///
/// `timestamp` (brackets included, as APOP's digest needs it, RFC 1939 §7) is a view into
/// status.text, empty when there is none. See find_timestamp() for the rule.
struct greeting {
    status_line status;
    std::string_view timestamp;

    constexpr bool has_timestamp() const noexcept { return !timestamp.empty(); }
    friend constexpr bool operator==(const greeting&, const greeting&) = default;
};

/// A SASL server challenge, "+ " base64 (RFC 5034 §4). `base64` is validated, not decoded.
struct continuation {
    std::string_view base64; ///< empty for the empty challenge "+ "

    constexpr std::size_t decoded_size() const noexcept { return base64_decoded_size(base64); }
    /// Appends the decoded challenge to `out` (std::string, std::vector<char>, ...).
    template <class Out>
    constexpr result<void> decode_to(Out& out) const { return decode_base64_to(base64, out); }
    friend constexpr bool operator==(const continuation&, const continuation&) = default;
};

/// The drop listing of STAT: "+OK" SP count SP octets            (RFC 1939 §5)
struct stat_reply {
    std::uint32_t count = 0;  ///< messages in the maildrop (deleted ones not counted)
    std::uint64_t octets = 0; ///< their total size
    std::string_view extra;   ///< whatever follows the size after one SP (discouraged, allowed)
    friend constexpr bool operator==(const stat_reply&, const stat_reply&) = default;
};

/// A scan listing: msg SP size, from "LIST msg" or a line of "LIST"   (RFC 1939 §5)
struct scan_listing {
    std::uint32_t msg = 0;  ///< message-number, >= 1
    std::uint64_t size = 0; ///< exact size in octets
    std::string_view extra; ///< whatever follows the size after one SP (discouraged, allowed)
    friend constexpr bool operator==(const scan_listing&, const scan_listing&) = default;
};

/// A unique-id listing: msg SP unique-id; the unique-id is 1 to 70 characters in
/// 0x21-0x7E and nothing follows it.                                   (RFC 1939 §7)
struct uid_listing {
    std::uint32_t msg = 0;
    std::string_view uid;
    friend constexpr bool operator==(const uid_listing&, const uid_listing&) = default;
};

/// A language listing: Language-Tag [SP description]                  (RFC 6856 §3.2)
struct lang_entry {
    std::string_view tag;         ///< a language tag (RFC 5646), e.g. "en-boont"
    std::string_view description; ///< in the language itself, UTF-8; empty when absent
    friend constexpr bool operator==(const lang_entry&, const lang_entry&) = default;
};

/// The longest unique-id (RFC 1939 §7).
inline constexpr std::size_t max_uid_length = 70;

// =====================================================================================
// Rules
// =====================================================================================
namespace detail {

/// Options under which already validated bytes are re-read by the ranges: lenient (a
/// superset of strict, giving the same value for strict-valid input) and without limits.
MAILWIRE_LAZY constexpr parse_options make_reread_options() noexcept {
    parse_options o = parse_options::make_lenient();
    o.max_line = std::numeric_limits<std::size_t>::max();
    o.max_list = std::numeric_limits<std::size_t>::max();
    return o;
}
inline constexpr parse_options reread_options = make_reread_options();

/// Running into the end of the input is "need more bytes", whatever the rule expected.
MAILWIRE_LAZY constexpr parse_error at_end_is_need_more(parse_error e, std::size_t input_end) noexcept {
    if (e.code == errc::invalid_syntax && e.offset >= input_end) e.code = errc::need_more;
    return e;
}

/// resp-code  = "[" resp-level *("/" resp-level) "]"
/// resp-level = 1*rchar                                               (RFC 2449 §3)
MAILWIRE_LAZY constexpr result<resp_code> resp_code_rule(scanner& s) noexcept {
    if (!s.consume('[')) return s.error(errc::invalid_syntax, "\"[\"");
    const std::size_t start = s.pos();
    for (;;) {
        if (s.take_while(rchar).empty()) return s.error(errc::invalid_syntax, "resp-level");
        if (s.consume('/')) continue;
        break;
    }
    const std::string_view raw = s.since(start);
    if (!s.consume(']')) return s.error(errc::invalid_syntax, "\"/\" or \"]\"");
    return resp_code{raw};
}

/// True when `raw` is `resp-level *("/" resp-level)`, the inside of a resp-code.
MAILWIRE_LAZY constexpr bool is_resp_code_text(std::string_view raw) noexcept {
    if (raw.empty()) return false;
    bool level_empty = true;
    for (char c : raw) {
        if (c == '/') {
            if (level_empty) return false;
            level_empty = true;
        } else if (rchar(c)) {
            level_empty = false;
        } else {
            return false;
        }
    }
    return !level_empty;
}

/// status = "+OK" / "-ERR"   ; upper case, RFC 1939 §3 "Servers MUST send ... in upper case"
MAILWIRE_LAZY constexpr result<status_indicator> status_rule(scanner& s) noexcept {
    if (s.consume("+OK")) return status_indicator::ok;
    if (s.consume("-ERR")) return status_indicator::err;
    const std::string_view rest = s.rest();
    if (rest.size() < 4 && (std::string_view("+OK").starts_with(rest) || std::string_view("-ERR").starts_with(rest)))
        return s.error(errc::need_more, "\"+OK\" or \"-ERR\"");
    return s.error(errc::invalid_syntax, "\"+OK\" or \"-ERR\"");
}

/// text = *schar / resp-code *CHAR                                     (RFC 2449 §3)
/// From the cursor (the first byte after `status SP`) through the line end. `had_sp` says
/// whether an SP preceded the text, for status_line::trailing_space.
MAILWIRE_LAZY inline result<void> text_rule(scanner& s, const parse_options& o, bool had_sp, status_line& out) noexcept {
    if (s.peek_is('[')) {
        scanner attempt = s;
        auto code = resp_code_rule(attempt);
        if (code) {
            s = attempt;
            out.code = *code;
            had_sp = s.consume(' ');
        } else if (code.error().code == errc::invalid_syntax && attempt.at_end()) {
            return attempt.error(errc::need_more, code.error().expected);
        } else if (o.strict()) {
            // Quirk: "[" opening text that is not a response code (a server without RESP-CODES).
            return parse_error{errc::strict_violation, code.error().offset, code.error().expected};
        }
    }
    auto text = text_to_line_end(s, o, "text");
    if (!text) return text.error();
    out.text = *text;
    out.trailing_space = had_sp && text->empty();
    return {};
}

/// single-line = status [SP text] CRLF   ;512 octets maximum          (RFC 2449 §3, §4)
MAILWIRE_LAZY inline result<status_line> single_line(scanner& s, const parse_options& o) noexcept {
    const std::size_t start = s.pos();
    const std::size_t limit = response_line_limit(o);
    status_line out;
    auto st = status_rule(s);
    if (!st) return st.error();
    out.indicator = *st;
    if (s.at_end()) return limit_or(s.error(errc::need_more, "SP or CRLF"), s, start, limit);
    if (s.peek() == '\r' || s.peek() == '\n') {
        if (auto e = line_end(s, o); !e) return e.error();
    } else {
        const bool sp = s.consume(' ');
        // Quirk: text glued to the indicator, "+OKfoo" (single-line wants SP before text).
        if (!sp && o.strict()) return s.error(errc::strict_violation, "SP");
        if (auto t = text_rule(s, o, sp, out); !t) return limit_or(t.error(), s, start, limit);
    }
    if (auto l = check_line_length(s, start, limit); !l) return l.error();
    return out;
}

/// The APOP timestamp inside greeting text.
///
/// greeting  = "+OK" [resp-code] *gchar [timestamp] *gchar CRLF
/// gchar     = %x21-3B / %x3D-7F   ;printable ASCII, excluding "<"
/// timestamp = "<" *VCHAR ">"      ;MUST conform to RFC-822 msg-id     (RFC 2449 §3)
///
/// Reading: since gchar excludes "<", the first "<" of the text must open the timestamp
/// and no "<" may follow it; it must be a msg-id, "<" addr-spec ">", checked here as
/// VCHARs other than "<" and ">" with an "@" that is neither first nor last (the RFC 1939
/// §7 example "<1896.697170952@dbc.mtview.ca.us>"). gchar also excludes SP, which every
/// example contradicts; we read the separators as the single SPs the examples use, so two
/// SPs before the timestamp (Qpopper: "starting.  <...>") is a lenient quirk. In strict
/// mode each departure is errc::strict_violation, at an offset within `text`; in lenient
/// mode the first well-formed "<...@...>" is the timestamp, or there is none.
/// `text` is status_line::text: an SP always precedes it when it begins with SP.
MAILWIRE_LAZY constexpr result<std::string_view> find_timestamp(std::string_view text, const parse_options& o) noexcept {
    auto well_formed = [&](std::size_t lt) -> std::size_t {  // the length, or 0
        std::size_t i = lt + 1;
        std::size_t at = std::string_view::npos;
        for (; i < text.size(); ++i) {
            const char c = text[i];
            if (c == '>') break;
            if (c == '<' || !chars::vchar(c)) return 0;
            if (c == '@' && at == std::string_view::npos) at = i;
        }
        if (i >= text.size()) return 0;
        if (at == std::string_view::npos || at == lt + 1 || at + 1 == i) return 0;
        return i - lt + 1;
    };
    std::size_t lt = text.find('<');
    if (lt == std::string_view::npos) return std::string_view{};
    if (o.strict()) {
        const std::size_t len = well_formed(lt);
        if (len == 0) return parse_error{errc::strict_violation, lt, "timestamp (msg-id)"};
        if (const auto again = text.find('<', lt + len); again != std::string_view::npos)
            return parse_error{errc::strict_violation, again, "gchar (no \"<\" after the timestamp)"};
        if ((lt >= 2 && text[lt - 1] == ' ' && text[lt - 2] == ' ') || (lt == 1 && text[0] == ' '))
            return parse_error{errc::strict_violation, lt - 1, "single SP before the timestamp"};
        return text.substr(lt, len);
    }
    for (; lt != std::string_view::npos; lt = text.find('<', lt + 1))
        if (const std::size_t len = well_formed(lt)) return text.substr(lt, len);
    return std::string_view{};
}

/// [SP text] CRLF after the numbers of a STAT reply or a scan listing: RFC 1939 §5 puts
/// "no requirement on what follows" them; the text lands in `extra`.
MAILWIRE_LAZY inline result<void> trailing_text(scanner& s, const parse_options& o, std::string_view& extra) noexcept {
    if (s.consume(' ')) {
        auto x = text_to_line_end(s, o, "text");
        if (!x) return x.error();
        extra = *x;
        return {};
    }
    return line_end(s, o);
}

/// stat-reply = "+OK" SP number SP number [SP text] CRLF   (RFC 1939 §5, "drop listing")
/// From the cursor after "+OK".
MAILWIRE_LAZY inline result<stat_reply> stat_rule(scanner& s, const parse_options& o) noexcept {
    stat_reply out;
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    auto n = number(s);
    if (!n) return n.error();
    out.count = *n;
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    auto sz = number64(s);
    if (!sz) return sz.error();
    out.octets = *sz;
    if (auto t = trailing_text(s, o, out.extra); !t) return t.error();
    return out;
}

/// scan-listing = msg SP size [SP text] CRLF              (RFC 1939 §5, "scan listing")
/// msg = nz-number; the text after the size is allowed ("no requirement on what follows").
MAILWIRE_LAZY inline result<scan_listing> scan_listing_line(scanner& s, const parse_options& o) noexcept {
    scan_listing out;
    auto m = nz_number(s);
    if (!m) return m.error();
    out.msg = *m;
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    auto sz = number64(s);
    if (!sz) return sz.error();
    out.size = *sz;
    if (auto t = trailing_text(s, o, out.extra); !t) return t.error();
    return out;
}

/// uid-listing = msg SP unique-id CRLF ; unique-id = 1*70 %x21-7E     (RFC 1939 §7)
/// "No information follows the unique-id in the unique-id listing."
MAILWIRE_LAZY inline result<uid_listing> uid_listing_line(scanner& s, const parse_options& o) noexcept {
    uid_listing out;
    auto m = nz_number(s);
    if (!m) return m.error();
    out.msg = *m;
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    const std::size_t start = s.pos();
    out.uid = s.take_while(chars::vchar);
    if (out.uid.empty()) return s.error(errc::invalid_syntax, "unique-id");
    if (out.uid.size() > max_uid_length)
        return s.error_at(start + max_uid_length, errc::invalid_syntax, "unique-id of at most 70 characters");
    if (auto e = line_end(s, o); !e) return e.error();
    return out;
}

/// Language-Tag, simplified from RFC 5646 §2.1: 1*8ALPHA *("-" 1*8alphanum). This covers
/// langtag, privateuse ("x-...") and the grandfathered tags ("i-klingon").
MAILWIRE_LAZY constexpr std::size_t language_tag_span(std::string_view s) noexcept {
    std::size_t i = 0;
    std::size_t n = 0;
    while (i < s.size() && chars::alpha(s[i]) && n < 8) { ++i; ++n; }
    if (n == 0) return 0;
    while (i + 1 < s.size() && s[i] == '-' && (chars::alpha(s[i + 1]) || chars::digit(s[i + 1]))) {
        ++i;
        n = 0;
        while (i < s.size() && (chars::alpha(s[i]) || chars::digit(s[i])) && n < 8) { ++i; ++n; }
    }
    return i;
}

/// lang-listing = Language-Tag [SP description] CRLF                 (RFC 6856 §3.2)
MAILWIRE_LAZY inline result<lang_entry> lang_entry_line(scanner& s, const parse_options& o) noexcept {
    lang_entry out;
    const std::size_t start = s.pos();
    const std::size_t n = language_tag_span(s.rest());
    if (n == 0) return s.error(errc::invalid_syntax, "Language-Tag");
    s.advance(n);
    out.tag = s.since(start);
    if (s.rest() == "-") return s.error_at(s.pos() + 1, errc::need_more, "subtag");
    if (s.consume(' ')) {
        const std::size_t at = s.offset();
        auto d = text_to_line_end(s, o, "description");
        if (!d) return d.error();
        if (d->empty()) return parse_error{errc::invalid_syntax, at, "description"};
        out.description = *d;
    } else if (auto e = line_end(s, o); !e) {
        return e.error();
    }
    return out;
}

// Fast paths for the listing lines servers send by the thousand. Each handles only the
// plain shape (msg of 1-7 digits without a leading zero, SP, for LIST a size of 1-7
// digits, CRLF or a lenient LF, at least 16 readable bytes) and returns the length
// consumed, or 0 to let the full rule decide: same values, same errors. Digits are found
// and converted 8 bytes at a time (SWAR), so the variable-length runs cost no mispredicted
// branches; on big-endian targets the full rule always runs.
using mailwire::detail::load8; // SWAR helpers of core/number.hpp
/// Byte index of the first non-digit among 8 bytes (8 when all are).
MAILWIRE_LAZY inline std::size_t digit_run(std::uint64_t bytes) noexcept { return mailwire::detail::digit_run8(bytes); }
/// The value of the first `len` (1-7) digits of 8 bytes.
MAILWIRE_LAZY inline std::uint32_t digits_value(std::uint64_t bytes, std::size_t len) noexcept {
    return static_cast<std::uint32_t>(mailwire::detail::digits_value8(bytes, static_cast<unsigned>(len)));
}
/// CRLF (or, lenient, LF) at p: its length, or 0.
MAILWIRE_LAZY inline std::size_t fast_eol(const char* p, const char* e, const parse_options& o) noexcept {
    if (p < e && *p == '\r') return (p + 1 < e && p[1] == '\n') ? 2 : 0;
    if (p < e && *p == '\n' && o.lenient()) return 1;
    return 0;
}
/// msg SP at p (at least 16 readable bytes), shape only: the length through the SP, or 0.
MAILWIRE_LAZY inline std::size_t fast_msg_sp_len(const char* p) noexcept {
    const std::size_t n = digit_run(load8(p));
    if (n == 0 || n == 8 || p[0] == '0' || p[n] != ' ') return 0;
    return n + 1;
}
/// `Decode`: also compute the values into `out`; the validating pass only needs the shape.
template <bool Decode>
inline std::size_t fast_scan_line(std::string_view in, const parse_options& o, scan_listing& out) noexcept {
    if constexpr (std::endian::native != std::endian::little) {
        return 0;
    } else {
        if (in.size() < 16) return 0;
        const char* const b = in.data();
        const std::size_t m = fast_msg_sp_len(b);
        if (m == 0) return 0;
        const std::uint64_t y = load8(b + m); // m <= 8: within the 16 bytes
        const std::size_t n = digit_run(y);
        if (n == 0 || n == 8) return 0;
        const std::size_t eol = fast_eol(b + m + n, b + in.size(), o);
        if (eol == 0) return 0;
        if constexpr (Decode) out = scan_listing{digits_value(load8(b), m - 1), digits_value(y, n), {}};
        return m + n + eol;
    }
}
template <bool Decode>
inline std::size_t fast_uid_line(std::string_view in, const parse_options& o, uid_listing& out) noexcept {
    if constexpr (std::endian::native != std::endian::little) {
        return 0;
    } else {
        if (in.size() < 16) return 0;
        const char* const b = in.data();
        const char* const e = b + in.size();
        const std::size_t m = fast_msg_sp_len(b);
        if (m == 0) return 0;
        const char* const uid = b + m;
        const char* p = uid;
        while (p < e && chars::vchar(*p)) ++p;
        const auto len = static_cast<std::size_t>(p - uid);
        if (len == 0 || len > max_uid_length) return 0;
        const std::size_t eol = fast_eol(p, e, o);
        if (eol == 0) return 0;
        if constexpr (Decode) out = uid_listing{digits_value(load8(b), m - 1), std::string_view(uid, len)};
        return m + len + eol;
    }
}
MAILWIRE_LAZY inline std::size_t fast_line(std::string_view, const parse_options&, capability&) noexcept { return 0; }
MAILWIRE_LAZY inline std::size_t fast_line(std::string_view, const parse_options&, lang_entry&) noexcept { return 0; }
MAILWIRE_LAZY inline std::size_t fast_line(std::string_view in, const parse_options& o, scan_listing& v) noexcept {
    return fast_scan_line<false>(in, o, v);
}
MAILWIRE_LAZY inline std::size_t fast_line(std::string_view in, const parse_options& o, uid_listing& v) noexcept {
    return fast_uid_line<false>(in, o, v);
}

// Line rules bundled for the listing ranges: the value type, the rule, the line limit.
struct scan_traits {
    using value_type = scan_listing;
    static constexpr std::string_view name = "scan_listings";
    static result<value_type> line(scanner& s, const parse_options& o) noexcept {
        scan_listing v;
        if (const std::size_t n = fast_scan_line<true>(s.rest(), o, v)) {
            s.advance(n);
            return v;
        }
        return scan_listing_line(s, o);
    }
    static constexpr std::size_t limit(const parse_options& o) noexcept { return o.max_line; }
};
struct uid_traits {
    using value_type = uid_listing;
    static constexpr std::string_view name = "uid_listings";
    static result<value_type> line(scanner& s, const parse_options& o) noexcept {
        uid_listing v;
        if (const std::size_t n = fast_uid_line<true>(s.rest(), o, v)) {
            s.advance(n);
            return v;
        }
        return uid_listing_line(s, o);
    }
    static constexpr std::size_t limit(const parse_options& o) noexcept { return o.max_line; }
};
struct capability_traits {
    using value_type = capability;
    static constexpr std::string_view name = "capabilities";
    static result<value_type> line(scanner& s, const parse_options& o) noexcept { return capability_line(s, o); }
    // capability = capa-tag *(SP param) CRLF ;512 octets maximum (RFC 2449 §3)
    static constexpr std::size_t limit(const parse_options& o) noexcept { return response_line_limit(o); }
};
struct lang_traits {
    using value_type = lang_entry;
    static constexpr std::string_view name = "languages";
    static result<value_type> line(scanner& s, const parse_options& o) noexcept { return lang_entry_line(s, o); }
    static constexpr std::size_t limit(const parse_options& o) noexcept { return o.max_line; }
};

struct listing_access;

} // namespace detail

// =====================================================================================
// Listings: LIST, UIDL, CAPA, LANG
// =====================================================================================

/// The lines of a multi-line listing, without the first line and the terminating ".".
///
/// Zero-allocation design: parse_response() validates every line once and keeps only a
/// view of the block and the line count; iterating re-reads each line (one pass, no
/// allocation) and yields typed entries by value, views into the caller's bytes. A server
/// builds the same type from its own entries with from_entries(), which views the
/// caller's span: writing it needs no parsing. Either way the range, equality (entry by
/// entry) and the formatter behave alike.
template <class Traits>
class basic_listing {
public:
    using value_type = typename Traits::value_type;

    class iterator {
    public:
        using iterator_category = std::input_iterator_tag; // yields values, not references
        using iterator_concept = std::forward_iterator_tag;
        using value_type = typename Traits::value_type;
        using difference_type = std::ptrdiff_t;
        using pointer = const value_type*;
        using reference = value_type;

        iterator() noexcept = default;
        value_type operator*() const noexcept { return items_ ? items_[0] : cur_; }
        const value_type* operator->() const noexcept { return items_ ? items_ : &cur_; }
        iterator& operator++() noexcept {
            if (items_) {
                ++items_;
                --left_;
                if (left_ == 0) items_ = nullptr;
            } else {
                rest_.remove_prefix(step_);
                load();
            }
            return *this;
        }
        iterator operator++(int) noexcept { auto t = *this; ++*this; return t; }
        friend bool operator==(const iterator& a, const iterator& b) noexcept {
            return a.rest_.size() == b.rest_.size() && a.left_ == b.left_;
        }

    private:
        friend class basic_listing;
        void load() noexcept {
            if (rest_.empty()) return;
            scanner s(rest_);
            auto r = Traits::line(s, detail::reread_options);
            if (r) {
                cur_ = *r;
                step_ = s.pos();
            } else { // unreachable for validated bytes; stop rather than loop
                cur_ = value_type{};
                step_ = rest_.size();
            }
        }
        std::string_view rest_{};
        const value_type* items_ = nullptr;
        std::size_t left_ = 0;
        std::size_t step_ = 0;
        value_type cur_{};
    };

    basic_listing() noexcept = default;

    /// A listing of the caller's entries, for writing (the span must outlive it).
    static basic_listing from_entries(std::span<const value_type> entries) noexcept {
        basic_listing l;
        l.items_ = entries;
        l.count_ = entries.size();
        l.from_items_ = true;
        return l;
    }

    iterator begin() const noexcept {
        iterator it;
        if (from_items_) {
            if (!items_.empty()) {
                it.items_ = items_.data();
                it.left_ = items_.size();
            }
        } else {
            it.rest_ = wire_;
            it.load();
        }
        return it;
    }
    iterator end() const noexcept {
        iterator it;
        it.rest_ = wire_.substr(wire_.size());
        return it;
    }
    std::size_t size() const noexcept { return count_; }
    bool empty() const noexcept { return count_ == 0; }
    /// The validated lines as received (each with its line end), or empty when built
    /// from entries.
    std::string_view wire() const noexcept { return wire_; }

    friend bool operator==(const basic_listing& a, const basic_listing& b) noexcept {
        if (a.size() != b.size()) return false;
        return mailwire::detail::elementwise_equal(a, b);
    }

private:
    friend struct detail::listing_access;
    std::string_view wire_{};
    std::span<const value_type> items_{};
    std::size_t count_ = 0;
    bool from_items_ = false;
};

/// The scan listings of "LIST" (RFC 1939 §5). Message numbers may have gaps (deleted
/// messages are not listed); RFC 1939 states no order, so none is enforced.
using scan_listing_block = basic_listing<detail::scan_traits>;
/// The unique-id listings of "UIDL" (RFC 1939 §7).
using uid_listing_block = basic_listing<detail::uid_traits>;
/// The capability listing of "CAPA" (RFC 2449 §5).
using capability_listing = basic_listing<detail::capability_traits>;
/// The language listing of "LANG" (RFC 6856 §3).
using lang_listing = basic_listing<detail::lang_traits>;

/// The first capability of type T in a listing, if any (e.g. find<cap::sasl>(caps)).
template <class T>
std::optional<T> find(const capability_listing& caps) noexcept {
    for (const capability& c : caps)
        if (const T* v = std::get_if<T>(&c)) return *v;
    return std::nullopt;
}
/// Whether a listing announces the capability named `tag` (case-insensitive).
MAILWIRE_LAZY inline bool has_capability(const capability_listing& caps, std::string_view tag) noexcept {
    for (const capability& c : caps)
        if (chars::iequals(capability_name(c), tag)) return true;
    return false;
}

// =====================================================================================
// Message content: RETR and TOP
// =====================================================================================

/// The content of a RETR or TOP reply: a forward range of its lines, dot-unstuffed
/// (RFC 1939 §3), each a view into the caller's bytes without its line end.
///
/// Parsed, it views the stuffed block between the first line and the terminating ".";
/// the leading "." of a stuffed line is skipped as you iterate. Built with
/// from_content(), it views unstuffed content (the message as stored): lines end at LF
/// (a CR before it belongs to the line end); the writer stuffs them and ends each with
/// CRLF. Equality compares lines.
///
/// Line content is opaque: 8-bit bytes (RFC 6856 UTF-8 mode, 8BITMIME) and lone CRs are
/// kept; only the line structure is checked, since a mail client must not drop mail.
class message_body {
public:
    class iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = std::string_view;
        using difference_type = std::ptrdiff_t;
        using pointer = const std::string_view*;
        using reference = std::string_view;

        iterator() noexcept = default;
        std::string_view operator*() const noexcept { return line_; }
        const std::string_view* operator->() const noexcept { return &line_; }
        iterator& operator++() noexcept {
            rest_.remove_prefix(step_);
            load();
            return *this;
        }
        iterator operator++(int) noexcept { auto t = *this; ++*this; return t; }
        friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.rest_.size() == b.rest_.size(); }

    private:
        friend class message_body;
        void load() noexcept {
            if (rest_.empty()) return;
            const void* hit = std::memchr(rest_.data(), '\n', rest_.size());
            if (!hit) { // only content built from_content() may end without a line end
                line_ = rest_;
                step_ = rest_.size();
                return;
            }
            const auto lf = static_cast<std::size_t>(static_cast<const char*>(hit) - rest_.data());
            step_ = lf + 1;
            line_ = rest_.substr(0, lf > 0 && rest_[lf - 1] == '\r' ? lf - 1 : lf);
            if (stuffed_ && !line_.empty() && line_.front() == '.') line_.remove_prefix(1);
        }
        std::string_view rest_{};
        std::string_view line_{};
        std::size_t step_ = 0;
        bool stuffed_ = false;
    };

    message_body() noexcept = default;

    /// A body for writing, from the unstuffed message (lines ending in CRLF or LF; a last
    /// line without a line end gets one). The content must outlive the body.
    static message_body from_content(std::string_view content) noexcept {
        message_body b;
        b.bytes_ = content;
        b.stuffed_ = false;
        std::size_t pos = 0;
        bool canonical = true;
        std::size_t octets = 0;
        while (pos < content.size()) {
            const void* hit = std::memchr(content.data() + pos, '\n', content.size() - pos);
            if (!hit) { // last line without a line end
                octets += content.size() - pos + 2;
                canonical = false;
                ++b.lines_;
                break;
            }
            const auto lf = static_cast<std::size_t>(static_cast<const char*>(hit) - content.data());
            const bool cr = lf > pos && content[lf - 1] == '\r';
            if (!cr) canonical = false;
            octets += (cr ? lf - 1 : lf) - pos + 2;
            ++b.lines_;
            pos = lf + 1;
        }
        b.octets_ = octets;
        b.canonical_ = canonical;
        return b;
    }

    iterator begin() const noexcept {
        iterator it;
        it.rest_ = bytes_;
        it.stuffed_ = stuffed_;
        it.load();
        return it;
    }
    iterator end() const noexcept {
        iterator it;
        it.rest_ = bytes_.substr(bytes_.size());
        return it;
    }
    bool empty() const noexcept { return lines_ == 0; }
    std::size_t line_count() const noexcept { return lines_; }
    /// Octets of the unstuffed message with CRLF line ends, as LIST counts them (RFC 1939
    /// §11: stuffing not counted): what unstuff_to() appends.
    std::size_t body_size() const noexcept { return octets_; }
    /// The bytes viewed: the stuffed block as received, or the content given to
    /// from_content().
    std::string_view bytes() const noexcept { return bytes_; }
    /// Whether bytes() is a dot-stuffed block (parsed) rather than unstuffed content.
    bool stuffed() const noexcept { return stuffed_; }
    /// Whether bytes() is already in canonical form: CRLF line ends and, if stuffed, "."
    /// only before "." (so bytes() + ".\r\n" is exactly what the writer sends).
    bool canonical() const noexcept { return canonical_; }

    friend bool operator==(const message_body& a, const message_body& b) noexcept {
        if (a.lines_ != b.lines_ || a.octets_ != b.octets_) return false;
        return mailwire::detail::elementwise_equal(a, b);
    }

private:
    friend struct detail::listing_access;
    std::string_view bytes_{};
    std::size_t lines_ = 0;
    std::size_t octets_ = 0;
    bool stuffed_ = false;
    bool canonical_ = true;
};

namespace detail {
template <class Buffer>
void append_bytes(Buffer& out, std::string_view s) {
    if constexpr (requires { out.append(s.data(), s.data() + s.size()); }) {
        out.append(s.data(), s.data() + s.size());
    } else if constexpr (requires { out.insert(out.end(), s.begin(), s.end()); }) {
        out.insert(out.end(), s.begin(), s.end());
    } else {
        for (char c : s) out.push_back(c);
    }
}

/// Emits maximal runs of `bytes` (a canonical body: CRLF line ends, last line ended) and,
/// at each line beginning with ".", either drops that "." (`unstuff`) or calls `dot()`
/// before the line (stuffing). One memchr per line; the copies are large runs.
template <class Emit, class Dot>
void dot_runs(std::string_view bytes, bool unstuff, Emit emit, Dot dot) {
    std::size_t run = 0;
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        if (bytes[pos] == '.') {
            if (pos > run) emit(bytes.substr(run, pos - run));
            if (unstuff) {
                run = pos + 1;
            } else {
                dot();
                run = pos;
            }
        }
        const void* hit = std::memchr(bytes.data() + pos, '\n', bytes.size() - pos);
        if (!hit) break;
        pos = static_cast<std::size_t>(static_cast<const char*>(hit) - bytes.data()) + 1;
    }
    if (run < bytes.size()) emit(bytes.substr(run));
}
} // namespace detail

/// Appends the unstuffed message to `out` (std::string, std::vector<char>,
/// fmt::memory_buffer, ...): every line followed by CRLF, i.e. the message as the server
/// stores it; body_size() bytes. Nothing for an empty body.
template <class Buffer>
void unstuff_to(const message_body& body, Buffer& out) {
    if (body.canonical()) {
        if (!body.stuffed()) {
            detail::append_bytes(out, body.bytes()); // already exactly the message
        } else {
            detail::dot_runs(
                body.bytes(), true, [&](std::string_view run) { detail::append_bytes(out, run); }, [] {});
        }
        return;
    }
    for (std::string_view line : body) {
        detail::append_bytes(out, line);
        detail::append_bytes(out, std::string_view("\r\n", 2));
    }
}

// =====================================================================================
// The whole response
// =====================================================================================

/// What a reply carries besides its status line. Only the command says which applies
/// (see expect); a "-ERR" always carries std::monostate.
using response_payload = std::variant<std::monostate, greeting, continuation, stat_reply, scan_listing,
                                      scan_listing_block, uid_listing, uid_listing_block, capability_listing,
                                      lang_listing, message_body>;

/// A complete reply: the status line and the typed payload.
///
/// For STAT, "LIST msg" and "UIDL msg" the typed payload is the first line's text
/// (stat_reply, scan_listing, uid_listing) and status.text is empty; for a continuation,
/// status.indicator is `continuation` and the payload a `continuation`; for a greeting
/// the payload repeats the status line with its timestamp.
struct response {
    status_line status;
    response_payload payload;

    constexpr bool is_ok() const noexcept { return status.indicator == status_indicator::ok; }
    constexpr bool is_err() const noexcept { return status.indicator == status_indicator::err; }
    constexpr bool is_continuation() const noexcept { return status.indicator == status_indicator::continuation; }

    // ---- building replies (server side); every view must outlive the response ----

    /// "+OK [code] text"
    static response ok(std::string_view text = {}, std::optional<resp_code> code = std::nullopt) noexcept {
        return response{status_line{status_indicator::ok, code, text, false}, std::monostate{}};
    }
    /// "-ERR [code] text"
    static response err(std::string_view text = {}, std::optional<resp_code> code = std::nullopt) noexcept {
        return response{status_line{status_indicator::err, code, text, false}, std::monostate{}};
    }
    /// The greeting "+OK text", `text` holding the APOP timestamp if any (found here).
    static response make_greeting(std::string_view text, std::optional<resp_code> code = std::nullopt) noexcept {
        status_line st{status_indicator::ok, code, text, false};
        auto ts = detail::find_timestamp(text, parse_options::make_lenient());
        return response{st, greeting{st, ts ? *ts : std::string_view{}}};
    }
    /// "+OK count octets"
    static response make_stat(std::uint32_t count, std::uint64_t octets) noexcept {
        return response{status_line{}, stat_reply{count, octets, {}}};
    }
    /// "+OK msg size" (LIST msg)
    static response make_scan(scan_listing entry) noexcept { return response{status_line{}, entry}; }
    /// "+OK text" and a scan listing per entry (LIST)
    static response make_scan_list(std::span<const scan_listing> entries, std::string_view text = {}) noexcept {
        return response{status_line{status_indicator::ok, std::nullopt, text, false}, scan_listing_block::from_entries(entries)};
    }
    /// "+OK msg unique-id" (UIDL msg)
    static response make_uid(uid_listing entry) noexcept { return response{status_line{}, entry}; }
    /// "+OK text" and a unique-id listing per entry (UIDL)
    static response make_uid_list(std::span<const uid_listing> entries, std::string_view text = {}) noexcept {
        return response{status_line{status_indicator::ok, std::nullopt, text, false}, uid_listing_block::from_entries(entries)};
    }
    /// "+OK text" and a capability per line (CAPA)
    static response make_capa(std::span<const capability> caps, std::string_view text = {}) noexcept {
        return response{status_line{status_indicator::ok, std::nullopt, text, false}, capability_listing::from_entries(caps)};
    }
    /// "+OK text" and a language listing per entry (LANG)
    static response make_lang_list(std::span<const lang_entry> langs, std::string_view text = {}) noexcept {
        return response{status_line{status_indicator::ok, std::nullopt, text, false}, lang_listing::from_entries(langs)};
    }
    /// "+OK text" and the message, stuffed on output (RETR, TOP)
    static response make_message(std::string_view content, std::string_view text = {}) noexcept {
        return response{status_line{status_indicator::ok, std::nullopt, text, false}, message_body::from_content(content)};
    }
    /// "+ base64" (AUTH challenge; empty for the empty challenge "+ ")
    static response make_continuation(std::string_view base64 = {}) noexcept {
        return response{status_line{status_indicator::continuation, std::nullopt, {}, false}, continuation{base64}};
    }

    friend bool operator==(const response&, const response&) = default;
};

/// A stable name for the reply's kind, for dumps and JSON: "ok", "err", "continuation",
/// "greeting", "stat", "scan_listing", "scan_listings", "uid_listing", "uid_listings",
/// "capa", "lang_list", "message".
MAILWIRE_LAZY inline std::string_view response_kind_name(const response& r) noexcept {
    if (r.is_err()) return "err";
    if (r.is_continuation()) return "continuation";
    return std::visit(
        [](const auto& p) -> std::string_view {
            using T = std::decay_t<decltype(p)>;
            if constexpr (std::is_same_v<T, std::monostate>) return "ok";
            else if constexpr (std::is_same_v<T, greeting>) return "greeting";
            else if constexpr (std::is_same_v<T, continuation>) return "continuation";
            else if constexpr (std::is_same_v<T, stat_reply>) return "stat";
            else if constexpr (std::is_same_v<T, scan_listing>) return "scan_listing";
            else if constexpr (std::is_same_v<T, scan_listing_block>) return "scan_listings";
            else if constexpr (std::is_same_v<T, uid_listing>) return "uid_listing";
            else if constexpr (std::is_same_v<T, uid_listing_block>) return "uid_listings";
            else if constexpr (std::is_same_v<T, capability_listing>) return "capa";
            else if constexpr (std::is_same_v<T, lang_listing>) return "lang_list";
            else return "message";
        },
        r.payload);
}

// =====================================================================================
// Parsing
// =====================================================================================
namespace detail {

struct listing_access {
    template <class Traits>
    static basic_listing<Traits> make(std::string_view wire, std::size_t count) noexcept {
        basic_listing<Traits> l;
        l.wire_ = wire;
        l.count_ = count;
        return l;
    }
    static message_body make_body(std::string_view wire, std::size_t lines, std::size_t octets, bool canonical) noexcept {
        message_body b;
        b.bytes_ = wire;
        b.lines_ = lines;
        b.octets_ = octets;
        b.stuffed_ = true;
        b.canonical_ = canonical;
        return b;
    }
};

/// The limits on one line of a multi-line reply whose first octet is offset 0, checked as
/// pop3::response_reader checks them, so a reply parsed without a reader in front is held
/// to the same limits: the line [start, end), line end included, at most `limit` octets;
/// the whole reply, first line and terminator included, at most o.max_message. `open`: the
/// input stops at `end`, inside the line, so a line or reply already at its limit can only
/// end past it; `last`: the line is the terminator, after which the reply is complete. The
/// first limit crossed is limit_exceeded at the first octet past it: "shorter line" at
/// start + limit, or "max_message" at max_message (the line's when both fall on one octet).
MAILWIRE_LAZY constexpr result<void> block_limits(std::size_t start, std::size_t end, std::size_t limit, const parse_options& o,
                                    bool open, bool last = false) noexcept {
    const std::size_t len = end - start;
    const bool line_over = open ? len >= limit : len > limit;
    const bool reply_over = last && !open ? end > o.max_message : end >= o.max_message;
    if (!line_over && !reply_over) return {};
    if (line_over && (!reply_over || start + limit <= o.max_message))
        return parse_error{errc::limit_exceeded, start + limit, "shorter line"};
    return parse_error{errc::limit_exceeded, static_cast<std::size_t>(o.max_message), "max_message"};
}

/// A need_more met inside a line of a multi-line reply (the input ends at `input_end`) is
/// limit_exceeded when that line or the reply is already at its limit (see block_limits).
MAILWIRE_LAZY constexpr parse_error block_cut(parse_error e, std::size_t start, std::size_t input_end, std::size_t limit,
                                const parse_options& o) noexcept {
    if (e.code != errc::need_more) return e;
    if (auto l = block_limits(start, input_end, limit, o, true); !l) return l.error();
    return e;
}

/// The lines of a listing through its terminator; the block's bytes and line count.
///   multi-line = single-line *dot-stuffed "." CRLF                   (RFC 2449 §3)
/// The "." CRLF (in lenient mode ".\n" too) must be the last bytes given. Each line is
/// held to Traits::limit and the reply to max_message (block_limits).
template <class Traits>
result<basic_listing<Traits>> listing_block(scanner& s, const parse_options& o) noexcept {
    const std::size_t begin = s.pos();
    const std::size_t limit = Traits::limit(o);
    const std::size_t input_end = s.offset() + s.remaining();
    std::size_t count = 0;
    for (;;) {
        const std::size_t line_start = s.pos();
        if (s.at_end()) return block_cut(s.error(errc::need_more, "\".\" CRLF"), line_start, input_end, limit, o);
        if (s.peek() == '.') {
            const std::size_t wire_end = s.pos();
            s.advance(); // the "."
            if (auto e = line_end(s, o); !e) return block_cut(at_end_is_need_more(e.error(), input_end), line_start, input_end, limit, o);
            if (auto l = block_limits(line_start, s.pos(), limit, o, false, true); !l) return l.error();
            if (!s.at_end()) return s.error(errc::invalid_syntax, "end of response");
            return listing_access::make<Traits>(s.input().substr(begin, wire_end - begin), count);
        }
        if (count == o.max_list) return s.error(errc::limit_exceeded, "at most max_list lines");
        typename Traits::value_type fast;
        if (const std::size_t n = fast_line(s.rest(), o, fast); n != 0 && n <= limit) {
            s.advance(n);
            if (auto l = block_limits(line_start, s.pos(), limit, o, false); !l) return l.error();
            ++count;
            continue;
        }
        auto line = Traits::line(s, o);
        if (!line) return block_cut(at_end_is_need_more(line.error(), input_end), line_start, input_end, limit, o);
        if (auto l = block_limits(line_start, s.pos(), limit, o, false); !l) return l.error();
        ++count;
    }
}

/// The dot-stuffed lines of a message through the terminator.
///   multi-line  = single-line *dot-stuffed "." CRLF
///   dot-stuffed = *CHAR CRLF   ;must be dot-stuffed                 (RFC 2449 §3)
/// One memchr per line; strict: every LF after a CR (else strict_violation), and a line
/// beginning with "." must begin with ".." (RFC 1939 §3 byte-stuffing; else
/// strict_violation: lenient strips the "." as RFC 1939 §3's client rule says). Each line is
/// held to max_line and the reply (from offset 0 of `in`) to max_message, as the reader
/// holds them (block_limits).
MAILWIRE_LAZY inline result<message_body> message_block(std::string_view in, std::size_t pos, const parse_options& o) noexcept {
    const char* const b = in.data();
    const std::size_t n = in.size();
    const std::size_t begin = pos;
    const std::size_t limit = o.max_line;
    std::size_t lines = 0;
    std::size_t dots = 0;
    std::size_t bare_lf = 0;
    bool canonical = true;
    for (;;) {
        if (pos >= n) return block_cut(parse_error{errc::need_more, n, "\".\" CRLF"}, pos, n, limit, o);
        const void* hit = std::memchr(b + pos, '\n', n - pos);
        if (!hit) return block_cut(parse_error{errc::need_more, n, "CRLF"}, pos, n, limit, o);
        const auto lf = static_cast<std::size_t>(static_cast<const char*>(hit) - b);
        const bool cr = lf > pos && b[lf - 1] == '\r';
        const bool last = b[pos] == '.' && lf - pos - (cr ? 1 : 0) == 1; // "." CRLF
        // A limit crossed before the LF comes first, a bare LF next, one crossed only past
        // the LF (the reply is at max_message) last: the reader's order.
        const auto lim = block_limits(pos, lf + 1, limit, o, false, last);
        if (!lim && lim.error().offset <= lf) return lim.error();
        if (!cr && o.strict()) return parse_error{errc::strict_violation, lf, "CRLF"};
        if (!lim) return lim.error();
        if (b[pos] == '.') {
            if (last) { // "." CRLF: the end
                if (lf + 1 != n) return parse_error{errc::invalid_syntax, lf + 1, "end of response"};
                const std::size_t wire_len = pos - begin;
                return listing_access::make_body(in.substr(begin, wire_len), lines, wire_len - dots + bare_lf, canonical);
            }
            if (b[pos + 1] != '.') {
                // Quirk: an unstuffed line beginning with "." (a server that does not stuff).
                if (o.strict()) return parse_error{errc::strict_violation, pos + 1, "\".\" (dot-stuffing)"};
                canonical = false;
            }
            ++dots;
        }
        if (!cr) { // lenient: a bare LF, written back as CRLF
            ++bare_lf;
            canonical = false;
        }
        ++lines;
        pos = lf + 1;
    }
}

/// The end of a single-line reply: nothing may follow its CRLF.
MAILWIRE_LAZY constexpr result<void> end_of_response(const scanner& s) noexcept {
    if (!s.at_end()) return s.error(errc::invalid_syntax, "end of response");
    return {};
}

/// continue-req = "+" SP [base64] CRLF                               (RFC 5034 §5)
/// Lenient: "+" CRLF, the empty challenge without its SP. RFC 5034 §4 lets a challenge be
/// "of arbitrary length": max_line bounds it, in both modes, as the reader has it.
MAILWIRE_LAZY inline result<continuation> continue_req(scanner& s, const parse_options& o) noexcept {
    const std::size_t start = s.pos();
    if (s.at_end()) return s.error(errc::need_more, "\"+\"");
    if (!s.consume('+')) return s.error(errc::invalid_syntax, "\"+\"");
    if (s.at_end()) return limit_or(s.error(errc::need_more, "SP"), s, start, o.max_line);
    if (s.peek() == '\r' || s.peek() == '\n') {
        // Quirk: "+" CRLF for the empty challenge (RFC 5034 §4 wants "+" SP).
        if (o.strict()) return s.error(errc::strict_violation, "SP");
        if (auto e = line_end(s, o); !e) return limit_or(e.error(), s, start, o.max_line);
        if (auto l = check_line_length(s, start, o.max_line); !l) return l.error();
        return continuation{};
    }
    if (!s.consume(' ')) return s.error(errc::invalid_syntax, "SP");
    const std::size_t at = s.offset();
    static constexpr chars::char_set b64 = chars::base64_char | chars::char_set("=");
    const std::string_view data = s.take_while(b64);
    if (auto e = line_end(s, o); !e) return limit_or(e.error(), s, start, o.max_line);
    if (auto l = check_line_length(s, start, o.max_line); !l) return l.error();
    if (auto v = validate_base64(data); !v) return parse_error{errc::invalid_syntax, at + v.error().offset, v.error().expected};
    return continuation{data};
}

} // namespace detail

/// Parses one status line, terminator included: "+OK text\r\n", "-ERR [IN-USE] text\r\n".
/// Strict: CRLF and at most opts.pop3_max_response_line octets (RFC 2449 §4).
MAILWIRE_LAZY inline result<status_line> parse_status_line(std::string_view line, const parse_options& o = {}) noexcept {
    scanner s(line);
    auto st = detail::single_line(s, o);
    if (!st) return st;
    if (auto e = detail::end_of_response(s); !e) return e.error();
    return st;
}

/// Parses the inside of a response code, "SYS/TEMP" (no brackets).
MAILWIRE_LAZY constexpr result<resp_code> parse_resp_code(std::string_view raw) noexcept {
    scanner s(raw);
    const std::size_t start = s.pos();
    for (;;) {
        if (s.take_while(detail::rchar).empty()) return s.error(errc::invalid_syntax, "resp-level");
        if (!s.consume('/')) break;
    }
    if (!s.at_end()) return s.error(errc::invalid_syntax, "rchar or \"/\"");
    return resp_code{s.since(start)};
}

/// Parses the greeting line: "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n".
/// A "-ERR" greeting (a server refusing the connection) is errc::unexpected_response here;
/// parse_response(..., expect::greeting) returns it as an ordinary -ERR.
MAILWIRE_LAZY inline result<greeting> parse_greeting(std::string_view line, const parse_options& o = {}) noexcept {
    scanner s(line);
    auto st = detail::single_line(s, o);
    if (!st) return st.error();
    if (auto e = detail::end_of_response(s); !e) return e.error();
    if (!st->is_ok()) return fail(errc::unexpected_response, 0, "\"+OK\"");
    auto ts = detail::find_timestamp(st->text, o);
    if (!ts) {
        const auto base = static_cast<std::size_t>(st->text.data() - line.data());
        return parse_error{ts.error().code, base + ts.error().offset, ts.error().expected};
    }
    return greeting{*st, *ts};
}

/// Parses a SASL continuation line: "+ base64\r\n", "+ \r\n" (strict), "+\r\n" (lenient).
/// At most max_line octets, line end included, in both modes (as the reader bounds a challenge).
MAILWIRE_LAZY inline result<continuation> parse_continuation(std::string_view line, const parse_options& o = {}) noexcept {
    scanner s(line);
    auto c = detail::continue_req(s, o);
    if (!c) return c;
    if (auto e = detail::end_of_response(s); !e) return e.error();
    return c;
}

/// Parses one scan listing line, terminator included: "1 120\r\n". At most max_line octets,
/// as a line of the listing (the same for the two below).
MAILWIRE_LAZY inline result<scan_listing> parse_scan_listing(std::string_view line, const parse_options& o = {}) noexcept {
    scanner s(line);
    auto r = detail::scan_listing_line(s, o);
    if (!r) return detail::limit_or(detail::at_end_is_need_more(r.error(), line.size()), s, 0, o.max_line);
    if (auto l = detail::check_line_length(s, 0, o.max_line); !l) return l.error();
    if (auto e = detail::end_of_response(s); !e) return e.error();
    return r;
}

/// Parses one unique-id listing line, terminator included: "1 whqtswO00WBw418f9t5JxYwZ\r\n".
MAILWIRE_LAZY inline result<uid_listing> parse_uid_listing(std::string_view line, const parse_options& o = {}) noexcept {
    scanner s(line);
    auto r = detail::uid_listing_line(s, o);
    if (!r) return detail::limit_or(detail::at_end_is_need_more(r.error(), line.size()), s, 0, o.max_line);
    if (auto l = detail::check_line_length(s, 0, o.max_line); !l) return l.error();
    if (auto e = detail::end_of_response(s); !e) return e.error();
    return r;
}

/// Parses one language listing line, terminator included: "en-boont English Boontling dialect\r\n".
MAILWIRE_LAZY inline result<lang_entry> parse_lang_entry(std::string_view line, const parse_options& o = {}) noexcept {
    scanner s(line);
    auto r = detail::lang_entry_line(s, o);
    if (!r) return detail::limit_or(detail::at_end_is_need_more(r.error(), line.size()), s, 0, o.max_line);
    if (auto l = detail::check_line_length(s, 0, o.max_line); !l) return l.error();
    if (auto e = detail::end_of_response(s); !e) return e.error();
    return r;
}

/// Parses a complete reply: the first line and, for a multi-line "+OK", the block through
/// ".\r\n" (exactly the bytes pop3::reader hands over). `kind` is expectation_for(command).
/// A "-ERR" is always one line with a std::monostate payload. Trailing bytes after the
/// reply are errc::invalid_syntax; a reply cut short is errc::need_more, unless what is
/// there already breaks a limit. The reader's limits hold here with no reader in front, with
/// its codes and offsets: the first line (response_line_limit), each line of a block
/// (max_line; CAPA lines response_line_limit), a challenge (max_line), and a multi-line
/// reply as a whole (max_message).
MAILWIRE_ENTRY result<response> parse_response(std::string_view message, expect kind, const parse_options& o = {}) noexcept {
    scanner s(message);
    const std::size_t limit = detail::response_line_limit(o);

    if (kind == expect::continuation && !message.empty() && message[0] == '+' &&
        (message.size() == 1 || message[1] != 'O')) {
        auto c = detail::continue_req(s, o);
        if (!c) return c.error();
        if (auto e = detail::end_of_response(s); !e) return e.error();
        return response{status_line{status_indicator::continuation, std::nullopt, {}, false}, *c};
    }

    // Replies whose first line is typed data after "+OK ".
    if ((kind == expect::stat || kind == expect::list_one || kind == expect::uidl_one) && message.starts_with("+OK")) {
        s.advance(3);
        response r{status_line{}, std::monostate{}};
        if (kind == expect::stat) {
            auto v = detail::stat_rule(s, o);
            if (!v) return detail::limit_or(detail::at_end_is_need_more(v.error(), message.size()), s, 0, limit);
            r.payload = *v;
        } else {
            if (!s.consume(' ')) {
                if (s.at_end()) return s.error(errc::need_more, "SP");
                return s.error(errc::invalid_syntax, "SP");
            }
            if (kind == expect::list_one) {
                auto v = detail::scan_listing_line(s, o);
                if (!v) return detail::limit_or(detail::at_end_is_need_more(v.error(), message.size()), s, 0, limit);
                r.payload = *v;
            } else {
                auto v = detail::uid_listing_line(s, o);
                if (!v) return detail::limit_or(detail::at_end_is_need_more(v.error(), message.size()), s, 0, limit);
                r.payload = *v;
            }
        }
        if (auto l = detail::check_line_length(s, 0, limit); !l) return l.error();
        if (auto e = detail::end_of_response(s); !e) return e.error();
        return r;
    }

    auto st = detail::single_line(s, o);
    if (!st) return st.error();
    response r{*st, std::monostate{}};
    if (st->is_err() || !multiline_on_ok(kind)) {
        if (auto e = detail::end_of_response(s); !e) return e.error();
        if (st->is_ok() && kind == expect::greeting) {
            auto ts = detail::find_timestamp(st->text, o);
            if (!ts) {
                const auto base = static_cast<std::size_t>(st->text.data() - message.data());
                return parse_error{ts.error().code, base + ts.error().offset, ts.error().expected};
            }
            r.payload = greeting{*st, *ts};
        }
        return r;
    }
    switch (kind) {
    case expect::list_all: {
        auto b = detail::listing_block<detail::scan_traits>(s, o);
        if (!b) return b.error();
        r.payload = *b;
        break;
    }
    case expect::uidl_all: {
        auto b = detail::listing_block<detail::uid_traits>(s, o);
        if (!b) return b.error();
        r.payload = *b;
        break;
    }
    case expect::capa: {
        auto b = detail::listing_block<detail::capability_traits>(s, o);
        if (!b) return b.error();
        r.payload = *b;
        break;
    }
    case expect::lang_list: {
        auto b = detail::listing_block<detail::lang_traits>(s, o);
        if (!b) return b.error();
        r.payload = *b;
        break;
    }
    default: { // expect::message
        auto b = detail::message_block(message, s.pos(), o);
        if (!b) return b.error();
        r.payload = *b;
        break;
    }
    }
    return r;
}

// =====================================================================================
// Writing
// =====================================================================================

/// Refuses a code that is not resp-level *("/" resp-level).
MAILWIRE_LAZY constexpr result<void> check_writable(const resp_code& c) noexcept {
    if (breaks_line(c.raw)) return unsafe("response code with CR, LF or NUL");
    if (!detail::is_resp_code_text(c.raw)) return unsafe("resp-code: levels of rchar separated by \"/\"");
    return {};
}

/// Refuses a status line that would not parse back to itself in strict mode.
MAILWIRE_LAZY constexpr result<void> check_writable(const status_line& st) noexcept {
    if (st.indicator == status_indicator::continuation) return unsafe("a status line is +OK or -ERR");
    if (breaks_line(st.text)) return unsafe("text with CR, LF or NUL");
    if (st.code) {
        if (auto c = check_writable(*st.code); !c) return c;
    } else if (!st.text.empty() && st.text.front() == '[') {
        return unsafe("text beginning with \"[\" reads as a response code");
    }
    if (st.trailing_space && !st.text.empty()) return unsafe("trailing_space with non-empty text");
    return {};
}

/// Refuses a greeting whose text does not hold exactly `timestamp` under the strict rule.
MAILWIRE_LAZY constexpr result<void> check_writable(const greeting& g) noexcept {
    if (auto c = check_writable(g.status); !c) return c;
    if (!g.status.is_ok()) return unsafe("a greeting is +OK");
    auto ts = detail::find_timestamp(g.status.text, parse_options{});
    if (!ts) return unsafe("greeting text: one timestamp \"<...@...>\" after a single SP", ts.error().offset);
    if (*ts != g.timestamp) return unsafe("timestamp is not the one the greeting text holds");
    return {};
}

/// Refuses a challenge that is not base64.
MAILWIRE_LAZY constexpr result<void> check_writable(const continuation& c) noexcept {
    if (auto v = validate_base64(c.base64); !v) return unsafe("base64", v.error().offset);
    return {};
}

MAILWIRE_LAZY constexpr result<void> check_writable(const stat_reply& v) noexcept {
    if (breaks_line(v.extra)) return unsafe("text with CR, LF or NUL");
    return {};
}

MAILWIRE_LAZY constexpr result<void> check_writable(const scan_listing& v) noexcept {
    if (v.msg == 0) return unsafe("message-number 0");
    if (breaks_line(v.extra)) return unsafe("text with CR, LF or NUL");
    return {};
}

MAILWIRE_LAZY constexpr result<void> check_writable(const uid_listing& v) noexcept {
    if (v.msg == 0) return unsafe("message-number 0");
    if (v.uid.empty() || v.uid.size() > max_uid_length) return unsafe("unique-id of 1 to 70 characters");
    if (!chars::vchar.all_of(v.uid)) return unsafe("unique-id characters in 0x21-0x7E");
    return {};
}

MAILWIRE_LAZY constexpr result<void> check_writable(const lang_entry& v) noexcept {
    if (v.tag.empty() || detail::language_tag_span(v.tag) != v.tag.size()) return unsafe("Language-Tag");
    if (breaks_line(v.description)) return unsafe("description with CR, LF or NUL");
    return {};
}

template <class Traits>
result<void> check_writable(const basic_listing<Traits>& l) noexcept {
    for (const auto& e : l)
        if (auto c = check_writable(e); !c) return c;
    return {};
}

/// Always writable: the writer stuffs the lines and ends each with CRLF.
MAILWIRE_LAZY constexpr result<void> check_writable(const message_body&) noexcept { return {}; }

/// Refuses a response whose parts do not fit together or would not parse back.
MAILWIRE_LAZY inline result<void> check_writable(const response& r) noexcept {
    const bool single_typed = std::holds_alternative<stat_reply>(r.payload) ||
                              std::holds_alternative<scan_listing>(r.payload) ||
                              std::holds_alternative<uid_listing>(r.payload);
    const bool is_cont = std::holds_alternative<continuation>(r.payload);
    if (r.is_continuation() != is_cont) return unsafe("continuation indicator and payload go together");
    if (is_cont) {
        if (r.status.code || !r.status.text.empty() || r.status.trailing_space) return unsafe("a continuation has no text");
        return check_writable(std::get<continuation>(r.payload));
    }
    if (auto c = check_writable(r.status); !c) return c;
    if (r.is_err() && !std::holds_alternative<std::monostate>(r.payload)) return unsafe("-ERR carries no payload");
    if (single_typed && (r.status.code || !r.status.text.empty() || r.status.trailing_space))
        return unsafe("STAT, LIST msg and UIDL msg replies carry their data, not text");
    if (const auto* g = std::get_if<greeting>(&r.payload)) {
        if (!(g->status == r.status)) return unsafe("greeting payload repeats the status line");
        return check_writable(*g);
    }
    return std::visit(
        [](const auto& p) -> result<void> {
            using T = std::decay_t<decltype(p)>;
            if constexpr (std::is_same_v<T, std::monostate>) return {};
            else return check_writable(p);
        },
        r.payload);
}

namespace detail {

template <class Out>
Out crlf(Out out) {
    *out++ = '\r';
    *out++ = '\n';
    return out;
}

template <class Out>
Out write_resp_code(Out out, const resp_code& c, bool verbose) {
    if (verbose) {
        out = put(out, "[");
        out = put(out, c.raw);
        out = put(out, "](");
        out = put(out, to_string(c.kind()));
        return put(out, ")");
    }
    if (breaks_line(c.raw)) refuse_unsafe_write("response code with CR, LF or NUL");
    *out++ = '[';
    out = put(out, c.raw);
    *out++ = ']';
    return out;
}

template <class Out>
Out write_status_line(Out out, const status_line& st, bool verbose) {
    if (verbose) {
        out = put(out, to_string(st.indicator));
        if (st.code) {
            *out++ = ' ';
            out = write_resp_code(out, *st.code, true);
        }
        if (!st.text.empty() || st.trailing_space) {
            *out++ = ' ';
            out = quoted(out, st.text);
        }
        return out;
    }
    if (breaks_line(st.text)) refuse_unsafe_write("status text with CR, LF or NUL");
    switch (st.indicator) {
    case status_indicator::ok: out = put(out, "+OK"); break;
    case status_indicator::err: out = put(out, "-ERR"); break;
    case status_indicator::continuation: refuse_unsafe_write("a status line is +OK or -ERR");
    }
    if (st.code) {
        *out++ = ' ';
        out = write_resp_code(out, *st.code, false);
    }
    if (!st.text.empty()) {
        *out++ = ' ';
        out = put(out, st.text);
    } else if (st.trailing_space) {
        *out++ = ' ';
    }
    return crlf(out);
}

template <class Out>
Out write_continuation(Out out, const continuation& c, bool verbose) {
    if (verbose) {
        out = put(out, "continuation ");
        return quoted(out, c.base64);
    }
    if (breaks_line(c.base64)) refuse_unsafe_write("challenge with CR, LF or NUL");
    out = put(out, "+ ");
    out = put(out, c.base64);
    return crlf(out);
}

template <class Out>
Out write_greeting(Out out, const greeting& g, bool verbose) {
    if (verbose) {
        out = put(out, "greeting ");
        out = write_status_line(out, g.status, true);
        if (g.has_timestamp()) {
            out = put(out, " timestamp=");
            out = quoted(out, g.timestamp);
        }
        return out;
    }
    return write_status_line(out, g.status, false);
}

template <class Out>
Out write_extra(Out out, std::string_view extra) {
    if (extra.empty()) return out;
    if (breaks_line(extra)) refuse_unsafe_write("listing text with CR, LF or NUL");
    *out++ = ' ';
    return put(out, extra);
}

template <class Out>
Out write_entry(Out out, const stat_reply& v, bool verbose) {
    if (verbose) {
        out = fmt::format_to(out, "stat count={} octets={}", v.count, v.octets);
        if (!v.extra.empty()) out = quoted(put(out, " extra="), v.extra);
        return out;
    }
    out = fmt::format_to(out, "+OK {} {}", v.count, v.octets);
    return crlf(write_extra(out, v.extra));
}

template <class Out>
Out put_number(Out out, std::uint64_t n) {
    const fmt::format_int f(n);
    return put(out, std::string_view(f.data(), f.size()));
}

template <class Out>
Out write_entry(Out out, const scan_listing& v, bool verbose) {
    if (verbose) {
        out = fmt::format_to(out, "{}:{}", v.msg, v.size);
        if (!v.extra.empty()) out = quoted(put(out, " extra="), v.extra);
        return out;
    }
    out = put_number(out, v.msg);
    *out++ = ' ';
    out = put_number(out, v.size);
    return crlf(write_extra(out, v.extra));
}

template <class Out>
Out write_entry(Out out, const uid_listing& v, bool verbose) {
    if (verbose) return quoted(fmt::format_to(out, "{}:", v.msg), v.uid);
    if (v.uid.empty() || breaks_line(v.uid)) refuse_unsafe_write("unique-id empty or with CR, LF or NUL");
    out = put_number(out, v.msg);
    *out++ = ' ';
    return crlf(put(out, v.uid));
}

template <class Out>
Out write_entry(Out out, const lang_entry& v, bool verbose) {
    if (verbose) {
        out = quoted(out, v.tag);
        if (!v.description.empty()) out = quoted(put(out, " "), v.description);
        return out;
    }
    if (v.tag.empty() || v.tag.front() == '.' || breaks_line(v.tag))
        refuse_unsafe_write("language tag empty, starting with '.' or with CR, LF or NUL");
    out = put(out, v.tag);
    if (!v.description.empty()) {
        if (breaks_line(v.description)) refuse_unsafe_write("description with CR, LF or NUL");
        *out++ = ' ';
        out = put(out, v.description);
    }
    return crlf(out);
}

template <class Out>
Out write_entry(Out out, const capability& v, bool verbose) {
    return write_capability(out, v, verbose);
}

template <class Out, class Traits>
Out write_listing(Out out, const basic_listing<Traits>& l, bool verbose) {
    if (verbose) {
        out = fmt::format_to(out, "{}[{}]{{", Traits::name, l.size());
        bool first = true;
        for (const auto& e : l) {
            if (!first) out = put(out, ", ");
            first = false;
            out = write_entry(out, e, true);
        }
        *out++ = '}';
        return out;
    }
    for (const auto& e : l) out = write_entry(out, e, false);
    return put(out, ".\r\n");
}

template <class Out>
Out write_message(Out out, const message_body& b, bool verbose) {
    if (verbose) return fmt::format_to(out, "message[lines={}, octets={}]", b.line_count(), b.body_size());
    if (b.canonical()) {
        if (b.stuffed()) {
            out = put(out, b.bytes()); // received in canonical form: the bytes are the wire form
        } else {
            dot_runs(
                b.bytes(), false, [&](std::string_view run) { out = put(out, run); }, [&] { *out++ = '.'; });
        }
        return put(out, ".\r\n");
    }
    for (std::string_view line : b) {
        if (!line.empty() && line.front() == '.') *out++ = '.';
        out = put(out, line);
        out = crlf(out);
    }
    return put(out, ".\r\n");
}

template <class Out>
Out write_response(Out out, const response& r, bool verbose) {
    if (verbose) {
        out = put(out, response_kind_name(r));
        *out++ = ' ';
        if (r.is_continuation()) {
            if (const auto* c = std::get_if<continuation>(&r.payload)) return quoted(out, c->base64);
            return out;
        }
        return std::visit(
            [&](const auto& p) -> Out {
                using T = std::decay_t<decltype(p)>;
                if constexpr (std::is_same_v<T, std::monostate>) return write_status_line(out, r.status, true);
                else if constexpr (std::is_same_v<T, greeting>) {
                    out = write_status_line(out, r.status, true);
                    if (p.has_timestamp()) out = quoted(put(out, " timestamp="), p.timestamp);
                    return out;
                } else if constexpr (std::is_same_v<T, continuation>) return quoted(out, p.base64);
                else if constexpr (std::is_same_v<T, stat_reply> || std::is_same_v<T, scan_listing> ||
                                   std::is_same_v<T, uid_listing>)
                    return write_entry(out, p, true);
                else if constexpr (std::is_same_v<T, message_body>) {
                    out = write_status_line(out, r.status, true);
                    *out++ = ' ';
                    return write_message(out, p, true);
                } else {
                    out = write_status_line(out, r.status, true);
                    *out++ = ' ';
                    return write_listing(out, p, true);
                }
            },
            r.payload);
    }
    if (r.is_continuation()) {
        if (const auto* c = std::get_if<continuation>(&r.payload)) return write_continuation(out, *c, false);
        return put(out, "+ \r\n");
    }
    if (r.is_err()) return write_status_line(out, r.status, false);
    return std::visit(
        [&](const auto& p) -> Out {
            using T = std::decay_t<decltype(p)>;
            if constexpr (std::is_same_v<T, std::monostate> || std::is_same_v<T, greeting> ||
                          std::is_same_v<T, continuation>)
                return write_status_line(out, r.status, false);
            else if constexpr (std::is_same_v<T, stat_reply>)
                return write_entry(out, p, false);
            else if constexpr (std::is_same_v<T, scan_listing> || std::is_same_v<T, uid_listing>)
                return write_entry(put(out, "+OK "), p, false);
            else if constexpr (std::is_same_v<T, message_body>)
                return write_message(write_status_line(out, r.status, false), p, false);
            else
                return write_listing(write_status_line(out, r.status, false), p, false);
        },
        r.payload);
}

} // namespace detail
} // namespace mailwire::pop3

// ---- fmt formatters: "{}" exact wire bytes, "{:v}" a readable dump --------------------

#define MAILWIRE_POP3_RESPONSE_FORMATTER_(T, FN)                                                    \
    template <>                                                                                     \
    struct fmt::formatter<mailwire::pop3::T> : mailwire::formatter_base {                           \
        template <class FormatContext>                                                              \
        auto format(const mailwire::pop3::T& v, FormatContext& ctx) const -> decltype(ctx.out()) { \
            return mailwire::pop3::detail::FN(ctx.out(), v, pres == mailwire::presentation::verbose); \
        }                                                                                           \
    };
/// "[SYS/TEMP]"
MAILWIRE_POP3_RESPONSE_FORMATTER_(resp_code, write_resp_code)
/// "+OK text\r\n"
MAILWIRE_POP3_RESPONSE_FORMATTER_(status_line, write_status_line)
/// "+OK ... <timestamp>\r\n"
MAILWIRE_POP3_RESPONSE_FORMATTER_(greeting, write_greeting)
/// "+ base64\r\n"
MAILWIRE_POP3_RESPONSE_FORMATTER_(continuation, write_continuation)
/// "+OK count octets\r\n"
MAILWIRE_POP3_RESPONSE_FORMATTER_(stat_reply, write_entry)
/// "msg size\r\n" (a line of a LIST listing)
MAILWIRE_POP3_RESPONSE_FORMATTER_(scan_listing, write_entry)
/// "msg unique-id\r\n" (a line of a UIDL listing)
MAILWIRE_POP3_RESPONSE_FORMATTER_(uid_listing, write_entry)
/// "tag description\r\n" (a line of a LANG listing)
MAILWIRE_POP3_RESPONSE_FORMATTER_(lang_entry, write_entry)
/// the stuffed lines and ".\r\n"
MAILWIRE_POP3_RESPONSE_FORMATTER_(message_body, write_message)
/// the whole reply
MAILWIRE_POP3_RESPONSE_FORMATTER_(response, write_response)
#undef MAILWIRE_POP3_RESPONSE_FORMATTER_

// The listings: their lines and ".\r\n". Full specializations (not one partial over
// basic_listing) so that they win over fmt's range formatter when fmt/ranges.h is included.
#define MAILWIRE_POP3_LISTING_FORMATTER_(T)                                                         \
    template <>                                                                                     \
    struct fmt::formatter<mailwire::pop3::T> : mailwire::formatter_base {                           \
        template <class FormatContext>                                                              \
        auto format(const mailwire::pop3::T& v, FormatContext& ctx) const -> decltype(ctx.out()) { \
            return mailwire::pop3::detail::write_listing(ctx.out(), v, pres == mailwire::presentation::verbose); \
        }                                                                                           \
    };
MAILWIRE_POP3_LISTING_FORMATTER_(scan_listing_block)
MAILWIRE_POP3_LISTING_FORMATTER_(uid_listing_block)
MAILWIRE_POP3_LISTING_FORMATTER_(capability_listing)
MAILWIRE_POP3_LISTING_FORMATTER_(lang_listing)
#undef MAILWIRE_POP3_LISTING_FORMATTER_

/// The entry points mailwire::compiled instantiates once (core/config.hpp).
#define MAILWIRE_POP3_RESPONSE_INSTANTIATIONS(EXTERN)                                                    \
    namespace mailwire::pop3 {                                                                           \
    EXTERN template result<response> parse_response<>(std::string_view, expect, const parse_options&) noexcept; \
    }
#if defined(MAILWIRE_SEPARATE_COMPILATION)
MAILWIRE_POP3_RESPONSE_INSTANTIATIONS(extern)
#endif
