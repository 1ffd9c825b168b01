// IMAP framing: finds where each message ends in a byte stream, across literals, before any
// parsing. One framer serves both directions: a server frames the client's commands, a
// client frames the server's responses (and, to know where to pause, its own commands).
//
// ---- What is a literal announcement ---------------------------------------------------
//
//   literal  = "{" number64 ["+"] "}" CRLF *CHAR8                       (RFC 9051 §9)
//   literal8 = "~{" number64 ["+"] "}" CRLF *OCTET        (RFC 3516 §4.2, RFC 4466 §2.4)
//
// A line announces a literal when it ends in "{" 1*DIGIT ["+"] "}" (or "~{...}")
// immediately before its CRLF. That is the receiver rule of RFC 7888 §3 ("MUST check the
// end of every received line ... immediately preceding the CRLF"); "{" anywhere else, or a
// malformed count ("{abc}", "{5", "{ 5}", "{}", "{+5}", "{5}x") is plain text. Leading zeros
// are allowed (number64 = 1*DIGIT), so "{05}" announces 5 octets. A count above number64's
// 2^63-1 is number_out_of_range.
//
// Except where the grammar puts free text: in resp-text and in continuation requests no
// literal can occur, so `* OK [ALERT] size is {5}` CRLF is one complete message:
//   server -> client, on the first line of a message:
//     "+" ...                                  continue-req: resp-text / base64 (§7.5)
//     "*" SP ("OK"/"NO"/"BAD"/"BYE"/"PREAUTH") (SP / CRLF)   resp-cond-state/bye/auth
//     tag SP ("OK"/"NO"/"BAD") (SP / CRLF)     response-tagged
//   (keywords case-insensitive; a resp-text-code such as `[BADCHARSET (x)]` or
//   `[ALERT]` never holds a literal either, so `* OK [CODE args] text{5}` is text too.)
//   client -> server: a line the framer was told to expect with expect_line(): an
//   AUTHENTICATE response (base64 or "*", RFC 9051 §6.2.2) or IDLE's "DONE" (RFC 2177).
// Every other line may announce a literal: in commands, a string can stand wherever an
// astring is allowed, so no position is free text; in untagged data responses
// (`* 1 FETCH (BODY[] {5}`, `* LIST () "/" {5}`) likewise. A literal's data is never
// scanned; after it the same line goes on, and its end is checked again.
//
// ---- Synchronizing, non-synchronizing, LITERAL- ----------------------------------------
//
// From client to server, "{n}" (and "~{n}") is synchronizing: the client MUST wait for a
// "+" continuation request before sending the data (RFC 9051 §4.3, even for n = 0). The
// framer stops there with frame_status::literal_announced; the server answers "+" and
// calls accept_literal(), or answers a tagged NO/BAD and calls reject_literal(): the client
// then never sends the data, so the framer drops the command announced so far and the
// next line is a new command (RFC 9051 §7.5: `A044 BLURDYBLOOP {102856}` / `A044 BAD`).
// "{n+}" is non-synchronizing (RFC 7888): the data follows at once, no announcement.
//
// A client composes a whole command, then frames it itself with announce_sync_literals =
// false: the message's synchronizing literal_spans say where it must pause. It sends up to
// each such span's offset and waits; its response framer then reports either a
// continuation_request ("+ ...": send on) or a status message with the command's tag (the
// server refused: the rest of the command is never sent, and the server's framer, told
// reject_literal(), expects the client's next command).
//
// LITERAL- (RFC 7888 §5) does not change the wire form: it is still "{n+}", and the server
// that advertised LITERAL- (or speaks IMAP4rev2, RFC 9051 §4.3) holds it to 4096 octets.
// framer_config::literal_minus turns that rule on; a larger "{n+}" is then strict_violation
// in strict mode (accepted in lenient). "{n-}" appears in no RFC; a client that misreads
// RFC 7888 may send it: lenient mode takes it as a non-synchronizing literal
// (literal_kind::minus), strict mode rejects it (strict_violation at the "-").
// A server never sends "{n+}" (RFC 9051 §4.3, RFC 7888 §3): in responses it is
// invalid_syntax in both modes (the message is skipped, its data included).
//
// ---- Buffering and lifetimes: framing over the caller's buffer --------------------------
//
// framer does not copy: the caller keeps the bytes of the current message at the front of
// its own buffer and passes all unconsumed bytes to next() each time (more bytes appended
// at the end are fine; moving the buffer is fine; changing bytes already passed is not).
// After handling each event, the caller drops `event.consume` bytes from the front:
//
//     for (;;) {
//         auto ev = f.next(buf);
//         switch (ev.status) {
//         case frame_status::message: handle(ev.bytes(buf), ev.literals); break;
//         case frame_status::literal_announced: send("+ Ready\r\n"); f.accept_literal(); break;
//         case frame_status::error: report(ev.error); break;       // then skip events follow
//         case frame_status::skip: break;
//         case frame_status::need_more: read_more(buf); break;
//         }
//         buf.drop_front(ev.consume);
//     }
//
// A 50 MB BODY[] literal is thus read once into the caller's buffer and never copied. The
// framer keeps only offsets: where the next unscanned byte is and how much literal data is
// still due, so feeding a message one byte at a time costs the same work as feeding it
// whole (examined() counts the bytes looked at). `event.literals` points into the framer's
// storage and stays valid until the next call on the framer. buffered_framer below owns a
// buffer instead, for callers who would rather copy.
//
// ---- Limits and recovery ----------------------------------------------------------------
//
// parse_options.max_line (each line, CRLF included, outside literals), max_literal (one
// literal's size), max_literals_per_message and max_message (lines and literals together)
// are limit_exceeded with `expected` naming the limit; the offset is the first byte past
// the limit, or the "{" (or "~") of an announcement that breaks one. An error is reported
// once, as soon as it is known; the message is then discarded (skip events) up to where
// the peer will end it, and framing resumes with the next message:
//   - an error inside a line (too long, message too long): discarding runs to that line's
//     end, where the next rule applies;
//   - at a line end: the message ends there, unless the line announces a literal the peer
//     will send anyway, which is skipped whole, after which the rest of the message is
//     discarded by the same rules. The peer sends every literal except a client's
//     synchronizing one: that one waits for a "+", and a server that saw the error
//     answers NO/BAD instead (for "{n+}" this is RFC 7888 §4 choice 1: read the octets,
//     then reject). Literal data is thus never misread as commands or responses, the
//     hazard imap-codec's Fragmentizer guards against in the same way.
//   - a count too large for number64 cannot be skipped: the message ends at that line.
// Nothing is buffered while discarding, so a peer that announces a huge non-synchronizing
// literal costs time, not memory; a server should answer BAD (or BYE) at the error.
//
// ---- Line ends ----------------------------------------------------------------------------
//
// Lines end at LF. A LF not preceded by CR is accepted in lenient mode and is
// strict_violation at the LF in strict mode (quirk: hand-typed sessions through netcat
// without -C; proxies that rewrite line ends). After a literal the line resumes with a
// clean slate: a CR that is the literal's last octet does not pair with a following LF.
#pragma once

#include <cstddef>
#include <cstring>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
// AVX2 chosen at run time (GCC and Clang on x86): the copy into buffered_framer's buffer.
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#define MAILWIRE_FRAMER_AVX2_DISPATCH 1
#else
#define MAILWIRE_FRAMER_AVX2_DISPATCH 0
#endif

#include <fmt/format.h>

#include <mailwire/core/config.hpp>
#include <mailwire/core/base64.hpp>
#include <mailwire/core/chars.hpp>
#include <mailwire/core/error.hpp>
#include <mailwire/core/format.hpp>
#include <mailwire/core/options.hpp>
#include <mailwire/core/result.hpp>
#include <mailwire/core/scanner.hpp>

namespace mailwire::imap {

/// Which way the bytes go; the free-text and synchronization rules depend on it.
enum class direction : std::uint8_t {
    client_to_server, ///< commands, AUTHENTICATE responses, DONE
    server_to_client, ///< responses and continuation requests
};

/// How a literal's count was written.
enum class literal_kind : std::uint8_t {
    sync,  ///< "{n}" / "~{n}": from a client, waits for "+" (RFC 9051 §4.3)
    plus,  ///< "{n+}" / "~{n+}": non-synchronizing (RFC 7888 LITERAL+ and LITERAL-)
    minus, ///< "{n-}": no RFC has it (RFC 7888 §5 keeps "+"); lenient client quirk only
};

/// Where a literal's data lies in its message.
struct literal_span {
    std::size_t offset = 0;   ///< first octet of the data, from the start of the message
    std::size_t size = 0;     ///< octets of data (the announced count)
    literal_kind kind = literal_kind::sync;
    bool binary = false;      ///< literal8, "~{n}" (RFC 3516 BINARY): may hold NUL

    /// True when a client must wait for "+" before sending the data.
    constexpr bool synchronizing() const noexcept { return kind == literal_kind::sync; }
    friend constexpr bool operator==(const literal_span&, const literal_span&) = default;
};

/// What a framed message is, as far as the framer can tell from its first line.
enum class message_kind : std::uint8_t {
    command,               ///< client: tag SP command ... (literals allowed)
    authenticate_response, ///< client: a line expected with expect_line() (base64 / "*")
    idle_done,             ///< client: a line expected with expect_line() ("DONE")
    continuation_request,  ///< server: "+" ... (free text)
    status,                ///< server: "* OK/NO/BAD/BYE/PREAUTH" or "tag OK/NO/BAD" (free text)
    data,                  ///< server: any other response (literals allowed)
};

/// The client lines that are not commands: what expect_line() announces.
enum class client_line : std::uint8_t {
    authenticate_response, ///< after "+ challenge" during AUTHENTICATE (RFC 9051 §6.2.2)
    idle_done,             ///< after "+ idling" during IDLE (RFC 2177 §3)
};

/// What next() found.
enum class frame_status : std::uint8_t {
    need_more,         ///< the bytes so far do not complete anything: read more
    message,           ///< a complete message: the first `size` bytes
    literal_announced, ///< client_to_server: a synchronizing literal awaits accept/reject
    skip,              ///< drop `consume` bytes of a message already reported as an error
    error,             ///< the current message is bad; skip events discard it next
};

MAILWIRE_LAZY constexpr std::string_view to_string(literal_kind k) noexcept {
    switch (k) {
    case literal_kind::sync: return "sync";
    case literal_kind::plus: return "plus";
    case literal_kind::minus: return "minus";
    }
    return "unknown";
}

MAILWIRE_LAZY constexpr std::string_view to_string(message_kind k) noexcept {
    switch (k) {
    case message_kind::command: return "command";
    case message_kind::authenticate_response: return "authenticate_response";
    case message_kind::idle_done: return "idle_done";
    case message_kind::continuation_request: return "continuation_request";
    case message_kind::status: return "status";
    case message_kind::data: return "data";
    }
    return "unknown";
}

MAILWIRE_LAZY constexpr std::string_view to_string(frame_status s) noexcept {
    switch (s) {
    case frame_status::need_more: return "need_more";
    case frame_status::message: return "message";
    case frame_status::literal_announced: return "literal_announced";
    case frame_status::skip: return "skip";
    case frame_status::error: return "error";
    }
    return "unknown";
}

/// The LITERAL- ceiling on non-synchronizing literals (RFC 7888 §5, RFC 9051 §4.3).
inline constexpr std::uint64_t literal_minus_max = 4096;

/// How a framer is used. The grammar limits come from parse_options.
struct framer_config {
    direction dir = direction::client_to_server;
    /// client_to_server only: stop at each synchronizing literal (literal_announced) so a
    /// server can answer "+" or refuse it. False frames them straight through, as if
    /// accepted: for a client framing its own commands, a proxy, or a recorded session.
    bool announce_sync_literals = true;
    /// client_to_server only: the server advertised LITERAL- (or is IMAP4rev2 without
    /// LITERAL+), so a "{n+}" above 4096 octets is strict_violation in strict mode.
    bool literal_minus = false;
    /// False: literal spans are counted (for max_literals_per_message), not kept, and
    /// frame_event::literals stays empty; such a framer never allocates.
    bool record_literals = true;
};

/// One result of framer::next(). After handling it, drop `consume` bytes from the front of
/// the buffer (always; it is zero unless said otherwise below).
struct frame_event {
    frame_status status = frame_status::need_more;
    /// message, literal_announced: what the message is.
    message_kind kind = message_kind::command;
    /// message: its length, line end included (consume == size).
    /// literal_announced: the length so far, through the line end after "{n}" (consume 0).
    std::size_t size = 0;
    /// Bytes to drop from the front of the buffer after handling this event.
    std::size_t consume = 0;
    /// literal_announced: the announced count n.
    std::uint64_t literal_size = 0;
    /// message: every literal in it; literal_announced: those so far, the announced one
    /// last. Valid until the next call on the framer.
    std::span<const literal_span> literals{};
    /// error: code, offset from the start of the buffer (the message's first byte), and
    /// what was expected (a limit's name for limit_exceeded).
    parse_error error{};

    /// The message (or announced prefix) within the buffer given to next().
    constexpr std::string_view bytes(std::string_view buffer) const noexcept { return buffer.substr(0, size); }
};

/// Frames IMAP messages over the caller's buffer; see the comment at the top of this file.
class framer {
public:
    explicit framer(framer_config cfg = {}, const parse_options& opts = {}) noexcept
        : cfg_(cfg), opts_(opts) { reset(); }

    /// As above, with caller-provided storage for literal spans: no allocation ever; a
    /// message with more literals than `storage` holds is limit_exceeded
    /// ("max_literals_per_message"), like one above opts.max_literals_per_message.
    framer(framer_config cfg, const parse_options& opts, std::span<literal_span> storage) noexcept
        : cfg_(cfg), opts_(opts), fixed_(storage), use_fixed_(true) { reset(); }

    /// Frames the next message. `buffer` holds every byte not yet consumed, starting with the
    /// current message's first byte; it must begin with the bytes given last time (minus
    /// what was consumed since). A shorter buffer is bad_state, and nothing changes.
    frame_event next(std::string_view buffer) {
        if (stale_) clear_literals();
        if (buffer.size() < pos_) {
            frame_event ev;
            ev.status = frame_status::error;
            ev.error = fail(errc::bad_state, buffer.size(), "the bytes given to the previous call");
            return ev;
        }
        if (phase_ == phase::announced) return announced_;
        if (phase_ == phase::drop) {
            frame_event ev;
            ev.status = frame_status::skip;
            ev.consume = drop_;
            start_message();
            return ev;
        }
        frame_event ev;
        for (;;) {
            if (phase_ == phase::literal) {
                const std::size_t avail = buffer.size() - pos_;
                if (literal_left_ > avail) {
                    literal_left_ -= avail;
                    pos_ = buffer.size();
                    return out_of_bytes();
                }
                pos_ += static_cast<std::size_t>(literal_left_);
                literal_left_ = 0;
                begin_segment();
            }
            switch (scan_line(buffer, ev)) {
            case scan::event: return ev;
            case scan::literal: continue;
            case scan::exhausted: return out_of_bytes();
            }
        }
    }
    frame_event next(std::span<const std::byte> buffer) { return next(as_chars(buffer)); }
    frame_event next(std::span<const unsigned char> buffer) { return next(as_chars(buffer)); }

    /// The server answered "+" to the announced synchronizing literal: its data comes next.
    /// False (and nothing changes) when no announcement is pending.
    bool accept_literal() noexcept {
        if (phase_ != phase::announced) return false;
        phase_ = phase::literal;
        literal_left_ = announced_.literal_size;
        return true;
    }

    /// The server answered NO/BAD instead of "+": the client will not send the data, so the
    /// command announced so far is dropped (the next call returns skip with its length) and
    /// the next line is a new command. False when no announcement is pending.
    bool reject_literal() noexcept {
        if (phase_ != phase::announced) return false;
        phase_ = phase::drop;
        drop_ = pos_;
        return true;
    }

    /// True while a synchronizing literal awaits accept_literal() or reject_literal(); next()
    /// keeps returning the same literal_announced event meanwhile.
    bool literal_pending() const noexcept { return phase_ == phase::announced; }

    /// client_to_server: the next client line is not a command but a continuation line (the
    /// server just sent "+" during AUTHENTICATE or IDLE). It is framed as one line, never
    /// with literals, and reported with the matching message_kind. Call it before that line's
    /// end is framed; it applies to one message.
    void expect_line(client_line what) noexcept {
        expect_ = what;
        expecting_ = true;
    }

    /// Forgets the current message and any expect_line() (e.g. when a new connection or a
    /// TLS layer starts on the same framer).
    void reset() noexcept {
        expecting_ = false;
        start_message();
        clear_literals();
    }

    /// Pre-allocates room for `n` literal spans (owned storage only).
    void reserve_literals(std::size_t n) {
        if (!use_fixed_) owned_.reserve(n);
    }

    /// Bytes examined since construction: line bytes are looked at once each, literal data
    /// never. A test hook for the resumability guarantee, and a cost measure.
    std::uint64_t examined() const noexcept { return examined_; }

    const framer_config& config() const noexcept { return cfg_; }
    const parse_options& options() const noexcept { return opts_; }

private:
    enum class phase : std::uint8_t { line, literal, announced, drop };
    enum class scan : std::uint8_t { event, literal, exhausted };
    // The end-of-line literal recognizer: "~"? "{" 1*DIGIT ["+" / "-"] "}" CR? (then LF).
    enum class rec : std::uint8_t { dead, open, digits, sign, closed, closed_cr };
    // The first-line classifier of responses: tag or "*", SP, keyword, SP/CR/LF.
    enum class cls : std::uint8_t { start, star, tag, keyword_untagged, keyword_tagged, done };

    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    static constexpr std::size_t saturating_add(std::size_t a, std::uint64_t b) noexcept {
        const std::uint64_t room = static_cast<std::uint64_t>(npos - a);
        return b >= room ? npos : a + static_cast<std::size_t>(b);
    }
    static constexpr std::size_t clamp_size(std::uint64_t v) noexcept {
        return v >= static_cast<std::uint64_t>(npos) ? npos : static_cast<std::size_t>(v);
    }

    static constexpr bool free_text(message_kind k) noexcept {
        return k == message_kind::continuation_request || k == message_kind::status ||
               k == message_kind::authenticate_response || k == message_kind::idle_done;
    }

    void clear_literals() noexcept {
        lit_count_ = 0;
        if (!use_fixed_) owned_.clear();
        stale_ = false;
    }

    std::span<const literal_span> literals() const noexcept {
        if (!cfg_.record_literals) return {};
        if (use_fixed_) return {fixed_.data(), lit_count_};
        return {owned_.data(), owned_.size()};
    }

    // A new message begins at the front of the buffer. Its literal spans are cleared at the
    // next call, so the spans of the event just returned stay valid until then.
    void start_message() noexcept {
        pos_ = 0;
        phase_ = phase::line;
        literal_left_ = 0;
        drop_ = 0;
        discarding_ = false;
        first_line_ = true;
        stale_ = true;
        if (cfg_.dir == direction::server_to_client) {
            cls_ = cls::start;
            kind_ = message_kind::data;
        } else {
            cls_ = cls::done;
            kind_ = message_kind::command;
        }
        keyword_len_ = 0;
        begin_segment();
    }

    // A line segment begins: the message's first line, or the rest of a line after a literal.
    void begin_segment() noexcept {
        phase_ = phase::line;
        line_start_ = pos_;
        prev_ = '\0';
        rec_ = rec::dead;
    }

    frame_event out_of_bytes() noexcept {
        frame_event ev;
        if (discarding_ && pos_ > 0) {
            // Nothing of a bad message is kept: hand every byte scanned so far back.
            ev.status = frame_status::skip;
            ev.consume = pos_;
            pos_ = 0;
            line_start_ = 0;
        }
        return ev;
    }

    // ---- the first-line classifier (server_to_client) ----

    bool status_keyword(bool tagged) const noexcept {
        const std::string_view kw(keyword_, keyword_len_);
        if (chars::iequals(kw, "OK") || chars::iequals(kw, "NO") || chars::iequals(kw, "BAD")) return true;
        return !tagged && (chars::iequals(kw, "BYE") || chars::iequals(kw, "PREAUTH"));
    }

    void classify(char c) noexcept {
        switch (cls_) {
        case cls::start:
            if (c == '+') settle(message_kind::continuation_request);
            else if (c == '*') cls_ = cls::star;
            else if (chars::tag_char(c)) cls_ = cls::tag;
            else settle(message_kind::data);
            return;
        case cls::star:
            if (c == ' ') cls_ = cls::keyword_untagged;
            else settle(message_kind::data);
            return;
        case cls::tag:
            if (c == ' ') cls_ = cls::keyword_tagged;
            else if (!chars::tag_char(c)) settle(message_kind::data);
            return;
        case cls::keyword_untagged:
        case cls::keyword_tagged:
            // What lenient parsing reads as a status line must be free text here too, or a
            // trailing "{n}" would be taken as a literal the parser never reads: a doubled
            // SP before the keyword, and a response code with no status at all ("* [CODE]").
            // Neither can begin response data, so strict framing loses nothing.
            if (keyword_len_ == 0 && c == ' ') return;
            if (keyword_len_ == 0 && c == '[') {
                settle(message_kind::status);
                return;
            }
            if (c == ' ' || c == '\r' || c == '\n') {
                settle(status_keyword(cls_ == cls::keyword_tagged) ? message_kind::status : message_kind::data);
            } else if (chars::alpha(c) && keyword_len_ < sizeof keyword_) {
                keyword_[keyword_len_++] = c;
            } else {
                settle(message_kind::data);
            }
            return;
        case cls::done: return;
        }
    }

    void settle(message_kind k) noexcept {
        kind_ = k;
        cls_ = cls::done;
    }

    // ---- the literal recognizer ----

    void recognize(char c) noexcept {
        if (c == '{') {
            rec_ = rec::open;
            rec_binary_ = prev_ == '~';
            rec_start_ = rec_binary_ ? pos_ - 1 : pos_;
            rec_value_ = 0;
            rec_overflow_ = false;
            rec_kind_ = literal_kind::sync;
            return;
        }
        switch (rec_) {
        case rec::dead: return;
        case rec::open:
            if (chars::digit(c)) {
                rec_ = rec::digits;
                rec_digits_ = pos_;
                rec_value_ = static_cast<std::uint64_t>(c - '0');
            } else {
                rec_ = rec::dead;
            }
            return;
        case rec::digits:
            if (chars::digit(c)) {
                // number64: at most 2^63 - 1 (RFC 9051 §9).
                const auto d = static_cast<std::uint64_t>(c - '0');
                constexpr std::uint64_t max = static_cast<std::uint64_t>(INT64_MAX);
                if (rec_value_ > (max - d) / 10) rec_overflow_ = true;
                else rec_value_ = rec_value_ * 10 + d;
            } else if (c == '+' || c == '-') {
                rec_ = rec::sign;
                rec_kind_ = c == '+' ? literal_kind::plus : literal_kind::minus;
                rec_sign_ = pos_;
            } else if (c == '}') {
                rec_ = rec::closed;
            } else {
                rec_ = rec::dead;
            }
            return;
        case rec::sign: rec_ = c == '}' ? rec::closed : rec::dead; return;
        case rec::closed: rec_ = c == '\r' ? rec::closed_cr : rec::dead; return;
        case rec::closed_cr: rec_ = rec::dead; return;
        }
    }

    // Runs the recognizer over d[pos_, seg_end) with the same outcome as feeding it every
    // byte, but touching only the bytes that can matter. When the segment ends at a line end,
    // a literal announcement ("~"? "{" digits ["+" / "-"] "}" [CR]) can only be its tail:
    // find that tail's "{" walking backwards and feed from there; if the tail has none, the
    // recognizer ends dead. Only when the backwards walk reaches the segment's start (an
    // announcement begun in bytes fed earlier), or the line has not ended yet, is every
    // byte fed. pos_ ends at seg_end.
    void recognize_segment(const char* d, std::size_t seg_end, bool at_line_end) noexcept {
        const std::size_t from = pos_;
        std::size_t feed_from = from;
        if (at_line_end) {
            // Walk the tail backwards; reaching `from` means the announcement (if any) began
            // in earlier bytes, so every byte is fed (feed_from stays `from`).
            std::size_t j = seg_end;
            bool dead = false;
            if (j > from && d[j - 1] == '\r') --j;
            if (j > from) {
                if (d[j - 1] != '}') dead = true;
                else --j;
            }
            if (!dead && j > from && (d[j - 1] == '+' || d[j - 1] == '-')) --j;
            if (!dead && j > from) {
                const std::size_t digits_end = j;
                while (j > from && chars::digit(d[j - 1])) --j;
                if (j > from) {
                    if (j == digits_end || d[j - 1] != '{') dead = true;
                    else feed_from = j - 1; // the "{"; recognize() reads prev_ for "~"
                }
            }
            if (dead) { // no announcement ends this line
                rec_ = rec::dead;
                prev_ = seg_end > from ? d[seg_end - 1] : prev_;
                pos_ = seg_end;
                return;
            }
        }
        if (feed_from > from) prev_ = d[feed_from - 1];
        for (pos_ = feed_from; pos_ < seg_end; ++pos_) {
            recognize(d[pos_]);
            prev_ = d[pos_];
        }
    }

    // ---- scanning ----

    // Scans the current line segment from pos_. Returns event (ev filled), literal (a
    // literal's data is due: phase_ is literal) or exhausted (need more bytes).
    scan scan_line(std::string_view buffer, frame_event& ev) {
        const char* const d = buffer.data();
        const std::size_t end = buffer.size();
        std::size_t limit = npos;
        std::string_view limit_name;
        if (!discarding_) {
            limit = saturating_add(line_start_, opts_.max_line);
            limit_name = "max_line";
            const std::size_t msg_limit = clamp_size(opts_.max_message);
            if (msg_limit < limit) {
                limit = msg_limit;
                limit_name = "max_message";
            }
        }
        const std::size_t stop = limit < end ? limit : end;
        while (pos_ < stop && cls_ != cls::done) { // the first bytes: classify the message
            const char c = d[pos_];
            ++examined_;
            classify(c);
            if (c == '\n') {
                const std::size_t lf = pos_++;
                return line_end(lf, ev);
            }
            recognize(c);
            prev_ = c;
            ++pos_;
        }
        if (pos_ < stop) {
            // The rest of the line: memchr to its end, then run the literal recognizer only
            // where an announcement can be (it must sit right before the line end).
            const auto* hit = static_cast<const char*>(std::memchr(d + pos_, '\n', stop - pos_));
            const std::size_t seg_end = hit ? static_cast<std::size_t>(hit - d) : stop;
            examined_ += (hit ? seg_end + 1 : seg_end) - pos_;
            recognize_segment(d, seg_end, hit != nullptr);
            pos_ = seg_end;
            if (hit) {
                const std::size_t lf = pos_++;
                return line_end(lf, ev);
            }
        }
        if (!discarding_ && pos_ == limit && pos_ < end) {
            // A byte past the limit has arrived and the line has not ended.
            ev = error_event(fail(errc::limit_exceeded, limit, limit_name));
            discarding_ = true;
            return scan::event;
        }
        return scan::exhausted;
    }

    frame_event error_event(parse_error e) const noexcept {
        frame_event ev;
        ev.status = frame_status::error;
        ev.kind = kind_;
        ev.error = e;
        return ev;
    }

    // The LF at `lf` ends a line segment; pos_ is lf + 1.
    scan line_end(std::size_t lf, frame_event& ev) {
        const bool bare = prev_ != '\r';
        if (first_line_) {
            first_line_ = false;
            if (expecting_ && cfg_.dir == direction::client_to_server) {
                kind_ = expect_ == client_line::idle_done ? message_kind::idle_done : message_kind::authenticate_response;
            }
            expecting_ = false;
            if (free_text(kind_)) rec_ = rec::dead;
        }
        const bool strict_lf_error = bare && opts_.strict();
        if (rec_ != rec::closed && rec_ != rec::closed_cr) {
            // The message ends here.
            if (discarding_) {
                ev.status = frame_status::skip;
                ev.consume = pos_;
                start_message();
                return scan::event;
            }
            if (strict_lf_error) {
                ev = error_event(fail(errc::strict_violation, lf, "CRLF"));
                discarding_ = true;
                phase_ = phase::drop;
                drop_ = pos_;
                return scan::event;
            }
            ev.status = frame_status::message;
            ev.kind = kind_;
            ev.size = pos_;
            ev.consume = pos_;
            ev.literals = literals();
            start_message();
            return scan::event;
        }

        // The line announces a literal.
        const bool peer_sends = cfg_.dir == direction::server_to_client || rec_kind_ != literal_kind::sync ||
                                !cfg_.announce_sync_literals;
        if (discarding_) {
            if (!peer_sends || rec_overflow_) {
                ev.status = frame_status::skip;
                ev.consume = pos_;
                start_message();
                return scan::event;
            }
            phase_ = phase::literal;
            literal_left_ = rec_value_;
            return scan::literal;
        }

        const parse_error err = check_announcement(lf, strict_lf_error);
        if (err.code != errc::ok) {
            ev = error_event(err);
            discarding_ = true;
            if (!peer_sends || rec_overflow_) {
                phase_ = phase::drop;
                drop_ = pos_;
            } else {
                phase_ = phase::literal;
                literal_left_ = rec_value_;
            }
            return scan::event;
        }

        const literal_span span{pos_, static_cast<std::size_t>(rec_value_), rec_kind_, rec_binary_};
        if (!cfg_.record_literals) {}
        else if (use_fixed_) fixed_[lit_count_] = span;
        else owned_.push_back(span);
        ++lit_count_;

        if (!peer_sends) {
            phase_ = phase::announced;
            announced_ = frame_event{};
            announced_.status = frame_status::literal_announced;
            announced_.kind = kind_;
            announced_.size = pos_;
            announced_.literal_size = rec_value_;
            announced_.literals = literals();
            ev = announced_;
            return scan::event;
        }
        phase_ = phase::literal;
        literal_left_ = rec_value_;
        return scan::literal;
    }

    // Why the literal announced by the line ending at `lf` cannot be taken, or errc::ok.
    parse_error check_announcement(std::size_t lf, bool strict_lf_error) const noexcept {
        if (strict_lf_error) return fail(errc::strict_violation, lf, "CRLF");
        if (cfg_.dir == direction::server_to_client && rec_kind_ != literal_kind::sync)
            return fail(errc::invalid_syntax, rec_sign_, "\"}\" (a server never sends a non-synchronizing literal)");
        if (rec_kind_ == literal_kind::minus && opts_.strict())
            return fail(errc::strict_violation, rec_sign_, "\"+\" or \"}\" (LITERAL- still writes {n+}, RFC 7888 section 5)");
        if (rec_overflow_) return fail(errc::number_out_of_range, rec_digits_, "number64");
        const std::uint64_t n = rec_value_;
        if (n > opts_.max_literal) return fail(errc::limit_exceeded, rec_start_, "max_literal");
        if (rec_kind_ == literal_kind::plus && cfg_.literal_minus && n > literal_minus_max && opts_.strict())
            return fail(errc::strict_violation, rec_start_, "a synchronizing literal above 4096 octets (LITERAL-)");
        if (lit_count_ >= opts_.max_literals_per_message || (use_fixed_ && cfg_.record_literals && lit_count_ >= fixed_.size()))
            return fail(errc::limit_exceeded, rec_start_, "max_literals_per_message");
        // The data must fit, and leave room for at least the LF that ends the message.
        const auto data_start = static_cast<std::uint64_t>(pos_);
        if (n >= opts_.max_message || data_start >= opts_.max_message - n ||
            n >= static_cast<std::uint64_t>(npos) - data_start)
            return fail(errc::limit_exceeded, rec_start_, "max_message");
        return parse_error{errc::ok, 0, {}};
    }

    framer_config cfg_;
    parse_options opts_;

    // Literal spans of the current message.
    std::vector<literal_span> owned_;
    std::span<literal_span> fixed_{};
    bool use_fixed_ = false;
    std::size_t lit_count_ = 0;
    bool stale_ = false; // the spans belong to an event already returned

    // Scan state, offsets from the start of the current message.
    phase phase_ = phase::line;
    std::size_t pos_ = 0;           // next byte to examine (or first literal byte due)
    std::size_t line_start_ = 0;    // start of the current line segment
    std::uint64_t literal_left_ = 0; // literal data still due
    std::size_t drop_ = 0;          // phase::drop: bytes to hand back in one skip
    bool discarding_ = false;       // an error was reported; bytes go to skip events
    bool first_line_ = true;
    char prev_ = '\0';              // the byte before pos_ in this segment, '\0' at its start
    frame_event announced_{};

    message_kind kind_ = message_kind::command;
    cls cls_ = cls::done;
    char keyword_[7] = {};          // longest status keyword: PREAUTH
    std::size_t keyword_len_ = 0;

    rec rec_ = rec::dead;
    literal_kind rec_kind_ = literal_kind::sync;
    bool rec_binary_ = false;
    bool rec_overflow_ = false;
    std::uint64_t rec_value_ = 0;
    std::size_t rec_start_ = 0;  // the "{" or "~"
    std::size_t rec_digits_ = 0; // the first digit
    std::size_t rec_sign_ = 0;   // the "+" or "-"

    client_line expect_ = client_line::authenticate_response;
    bool expecting_ = false;

    std::uint64_t examined_ = 0;
};

namespace detail {
// Copy and NUL search in one pass, so that a buffering framer learns whether a message may
// hold a NUL (CHAR8 forbids it outside literal8, RFC 9051 §9) at almost the cost of the
// copy it makes anyway. Each variant copies `n` bytes from `src` to `dst` and returns the
// index of the first NUL among them, or `n` when there is none.

/// Two passes (memcpy, then memchr): where no vector variant applies, and for the tails.
MAILWIRE_LAZY inline std::size_t copy_find_nul_portable(char* dst, const char* src, std::size_t n) noexcept {
    if (n == 0) return 0;
    std::memcpy(dst, src, n);
    const void* nul = std::memchr(src, 0, n);
    return nul ? static_cast<std::size_t>(static_cast<const char*>(nul) - src) : n;
}

/// The rest of a copy from the block at `i` (of `block` bytes) that holds a NUL.
MAILWIRE_LAZY inline std::size_t copy_rest_at_nul(char* dst, const char* src, std::size_t n, std::size_t i,
                                    std::size_t block) noexcept {
    std::memcpy(dst + i + block, src + i + block, n - i - block);
    return i + static_cast<std::size_t>(static_cast<const char*>(std::memchr(src + i, 0, block)) - (src + i));
}

#if defined(__SSE2__)
MAILWIRE_LAZY inline std::size_t copy_find_nul_sse2(char* dst, const char* src, std::size_t n) noexcept {
    const __m128i zero = _mm_setzero_si128();
    std::size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + 16));
        const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + 32));
        const __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + 48));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), a);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + 16), b);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + 32), c);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + 48), d);
        // The unsigned minimum of the block's bytes is 0 exactly when one of them is NUL.
        const __m128i least = _mm_min_epu8(_mm_min_epu8(a, b), _mm_min_epu8(c, d));
        if (_mm_movemask_epi8(_mm_cmpeq_epi8(least, zero)) != 0) return copy_rest_at_nul(dst, src, n, i, 64);
    }
    return i + copy_find_nul_portable(dst + i, src + i, n - i);
}
#endif

#if MAILWIRE_FRAMER_AVX2_DISPATCH
/// 32-byte vectors: as fast as memcpy here (16-byte vectors cost about 10 % more than it).
__attribute__((target("avx2"))) inline std::size_t copy_find_nul_avx2(char* dst, const char* src,
                                                                       std::size_t n) noexcept {
    const __m256i zero = _mm256_setzero_si256();
    std::size_t i = 0;
    for (; i + 128 <= n; i += 128) {
        const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i));
        const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i + 32));
        const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i + 64));
        const __m256i d = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i + 96));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), a);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i + 32), b);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i + 64), c);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i + 96), d);
        const __m256i least = _mm256_min_epu8(_mm256_min_epu8(a, b), _mm256_min_epu8(c, d));
        if (_mm256_movemask_epi8(_mm256_cmpeq_epi8(least, zero)) != 0) return copy_rest_at_nul(dst, src, n, i, 128);
    }
    return i + copy_find_nul_portable(dst + i, src + i, n - i);
}

MAILWIRE_LAZY inline bool cpu_has_avx2() noexcept {
    static const bool has = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") != 0;
    }();
    return has;
}
#endif

/// The widest variant this build and this CPU can run.
MAILWIRE_LAZY inline std::size_t copy_find_nul(char* dst, const char* src, std::size_t n) noexcept {
#if MAILWIRE_FRAMER_AVX2_DISPATCH
    if (cpu_has_avx2()) return copy_find_nul_avx2(dst, src, n);
#endif
#if defined(__SSE2__)
    return copy_find_nul_sse2(dst, src, n);
#else
    return copy_find_nul_portable(dst, src, n);
#endif
}
} // namespace detail

/// The limits of `opts` that a framer enforces (max_line, max_literal,
/// max_literals_per_message, max_message), checked over one complete message in direction
/// `dir` exactly as imap::framer counts them: the error of the first one crossed (code
/// limit_exceeded, the framer's offset and limit name), else success. parse_response and
/// parse_command call it, so their limits hold for bytes framed by other means too. Other
/// faults are left to the parser. A message too short to cross a limit is not scanned
/// (a literal takes at least "{0}" LF, four bytes); a longer one is framed without keeping
/// its literal spans: nothing is allocated.
MAILWIRE_LAZY inline result<void> check_message_limits(std::string_view message, direction dir, const parse_options& opts) noexcept {
    const std::size_t n = message.size();
    if (n <= opts.max_line && n <= opts.max_message && n / 4 <= opts.max_literals_per_message) return {};
    framer_config cfg{dir};
    cfg.announce_sync_literals = false;
    cfg.record_literals = false;
    framer f(cfg, opts);
    const frame_event ev = f.next(message);
    if (ev.status == frame_status::error && ev.error.code == errc::limit_exceeded) return ev.error;
    return {};
}

/// A framer that owns its buffer: feed() copies bytes in, next() frames them. Views in the
/// returned event (`bytes`, `literals`) stay valid until the next feed() or next(). Bytes
/// are moved to the front only when at least as many have been consumed as remain, so
/// each byte is moved O(1) times and a steady stream stops allocating once the buffer has
/// grown to its working size. Skip events are handled inside: next() returns need_more,
/// message, literal_announced or error.
///
/// While copying, feed() also looks for NUL octets (one pass does both), and each message
/// event says whether its bytes hold any (`nul_free`). parse_response() and
/// parse_command() take the event itself and then skip the NUL scan of every literal,
/// which for a large BODY[] or APPEND is most of what parsing would read.
class buffered_framer {
public:
    struct event : frame_event {
        /// message / literal_announced: the message (or prefix); error: the buffered bytes of
        /// the bad message, which error.offset indexes.
        std::string_view bytes;
        /// message: `bytes` holds no NUL octet (found out while feed() copied them in).
        bool nul_free = false;
    };

    explicit buffered_framer(framer_config cfg = {}, const parse_options& opts = {}) : framer_(cfg, opts) {}

    void feed(std::string_view data) {
        settle();
        if (head_ > 0 && head_ >= size_ - head_) {
            std::memmove(buf_.get(), buf_.get() + head_, size_ - head_);
            size_ -= head_;
            if (nul_ != no_nul) nul_ -= head_;
            head_ = 0;
        }
        if (data.empty()) return;
        reserve(size_ + data.size());
        char* to = buf_.get() + size_;
        if (nul_ == no_nul) {
            // Only the first NUL from head_ on is kept: settle() looks for the next one
            // when the head passes it, so bytes fed after a known NUL are just copied.
            const std::size_t at = detail::copy_find_nul(to, data.data(), data.size());
            if (at != data.size()) nul_ = size_ + at;
        } else {
            std::memcpy(to, data.data(), data.size());
        }
        size_ += data.size();
    }
    void feed(std::span<const std::byte> data) { feed(as_chars(data)); }
    void feed(std::span<const unsigned char> data) { feed(as_chars(data)); }

    event next() {
        settle();
        for (;;) {
            const std::string_view view = size_ == head_ ? std::string_view{}
                                                         : std::string_view(buf_.get() + head_, size_ - head_);
            const frame_event ev = framer_.next(view);
            if (ev.status == frame_status::skip) {
                advance_head(ev.consume);
                continue;
            }
            pending_ = ev.consume;
            const bool message = ev.status == frame_status::message;
            return event{ev, ev.status == frame_status::error ? view : view.substr(0, ev.size),
                         message && (nul_ == no_nul || nul_ >= head_ + ev.size)};
        }
    }

    bool accept_literal() noexcept { return framer_.accept_literal(); }
    bool reject_literal() noexcept { return framer_.reject_literal(); }
    bool literal_pending() const noexcept { return framer_.literal_pending(); }
    void expect_line(client_line what) noexcept { framer_.expect_line(what); }
    /// Bytes held and not yet consumed.
    std::size_t buffered() const noexcept { return size_ - head_ - pending_; }
    /// Size of the owned buffer; it stops changing once it fits the largest message plus
    /// one feed(), which is when feeding stops allocating.
    std::size_t capacity() const noexcept { return capacity_; }
    const framer& base() const noexcept { return framer_; }

private:
    static constexpr std::size_t no_nul = static_cast<std::size_t>(-1);

    void settle() noexcept {
        advance_head(pending_);
        pending_ = 0;
    }

    void advance_head(std::size_t n) noexcept {
        head_ += n;
        if (head_ == size_) {
            head_ = size_ = 0;
            nul_ = no_nul;
        } else if (nul_ != no_nul && nul_ < head_) {
            // Every byte is searched at most once here: the search starts past the NUL
            // found last time and stops at the next one.
            const void* next = std::memchr(buf_.get() + head_, 0, size_ - head_);
            nul_ = next ? static_cast<std::size_t>(static_cast<const char*>(next) - buf_.get()) : no_nul;
        }
    }

    /// Room for `needed` bytes, growing geometrically. Not std::vector: resize() would
    /// zero-fill what the copy overwrites at once.
    void reserve(std::size_t needed) {
        if (needed <= capacity_) return;
        std::size_t grown = capacity_ == 0 ? needed : capacity_;
        while (grown < needed) grown = grown > static_cast<std::size_t>(-1) / 2 ? needed : grown * 2;
        auto bigger = std::make_unique_for_overwrite<char[]>(grown);
        if (size_ > 0) std::memcpy(bigger.get(), buf_.get(), size_);
        buf_ = std::move(bigger);
        capacity_ = grown;
    }

    framer framer_;
    std::unique_ptr<char[]> buf_;
    std::size_t capacity_ = 0;
    std::size_t size_ = 0;     // bytes held
    std::size_t head_ = 0;     // first unconsumed byte
    std::size_t pending_ = 0;  // consumed by the last event, dropped at the next call
    std::size_t nul_ = no_nul; // the first NUL at or after head_, if any
};

// ---- the client lines that are not commands -------------------------------------------

/// A client's answer to an AUTHENTICATE challenge: base64 (possibly empty), or "*" to
/// cancel the exchange (RFC 9051 §6.2.2). `base64` is a view into the line.
struct authenticate_response {
    bool cancel = false;
    std::string_view base64;
    friend constexpr bool operator==(const authenticate_response&, const authenticate_response&) = default;
};

/// "DONE", ending IDLE (RFC 2177 §3, RFC 9051 §6.3.13).
struct idle_done {
    friend constexpr bool operator==(const idle_done&, const idle_done&) = default;
};

namespace detail {
/// The length of a framed client line without its line end: CRLF, or in lenient mode a bare
/// LF (strict_violation at the LF in strict mode). Any other CR or LF is invalid_syntax.
MAILWIRE_LAZY constexpr result<std::size_t> client_line_content(std::string_view line, const parse_options& opts) noexcept {
    if (line.size() > opts.max_line) return fail(errc::limit_exceeded, opts.max_line, "max_line");
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '\r') {
            if (i + 1 == line.size() || line[i + 1] != '\n') return fail(errc::invalid_syntax, i + 1, "LF");
            if (i + 2 != line.size()) return fail(errc::invalid_syntax, i + 2, "end of line");
            return i;
        }
        if (line[i] == '\n') {
            if (i + 1 != line.size()) return fail(errc::invalid_syntax, i + 1, "end of line");
            if (opts.strict()) return fail(errc::strict_violation, i, "CRLF");
            return i;
        }
    }
    return fail(errc::invalid_syntax, line.size(), "CRLF");
}
} // namespace detail

/// authenticate-response = (base64 / "*") CRLF
///   base64 = *(4base64-char) [base64-terminal]                         (RFC 9051 §9)
/// The client's line after a "+" challenge (RFC 9051 §6.2.2: "a single line consisting of
/// a base64-encoded string", or "a single '*'" to cancel). Invalid base64 is
/// invalid_syntax at the offending octet, as validate_base64() finds it.
MAILWIRE_LAZY constexpr result<authenticate_response> parse_authenticate_continuation(std::string_view line,
                                                                        const parse_options& opts = {}) noexcept {
    auto n = detail::client_line_content(line, opts);
    if (!n) return n.error();
    const std::string_view text = line.substr(0, *n);
    if (text == "*") return authenticate_response{true, {}};
    if (auto ok = validate_base64(text); !ok) return ok.error();
    return authenticate_response{false, text};
}

/// idle-done = "DONE" CRLF     (RFC 9051 §9 idle = "IDLE" CRLF "DONE"; RFC 2177 §3)
/// Case-insensitive, as every ABNF string is.
MAILWIRE_LAZY constexpr result<idle_done> parse_idle_done(std::string_view line, const parse_options& opts = {}) noexcept {
    auto n = detail::client_line_content(line, opts);
    if (!n) return n.error();
    constexpr std::string_view done = "DONE";
    const std::string_view text = line.substr(0, *n);
    for (std::size_t i = 0; i < done.size(); ++i)
        if (i >= text.size() || chars::to_upper(text[i]) != done[i]) return fail(errc::invalid_syntax, i, "\"DONE\"");
    if (text.size() != done.size()) return fail(errc::invalid_syntax, done.size(), "CRLF");
    return idle_done{};
}

/// An AUTHENTICATE response writes back exactly when it parses back: "*" alone, or valid
/// base64 (CRLF is never inside base64).
MAILWIRE_LAZY constexpr result<void> check_writable(const authenticate_response& v) noexcept {
    if (v.cancel) {
        if (!v.base64.empty()) return unsafe("AUTHENTICATE cancel carries no data");
        return {};
    }
    if (auto ok = validate_base64(v.base64); !ok) return unsafe("AUTHENTICATE response: base64", ok.error().offset);
    return {};
}
MAILWIRE_LAZY constexpr result<void> check_writable(const idle_done&) noexcept { return {}; }

} // namespace mailwire::imap

/// "{}": "*" CRLF or the base64 CRLF; "{:v}": a dump with the data redacted to its length.
template <>
struct fmt::formatter<mailwire::imap::authenticate_response> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::authenticate_response& v, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose) {
            if (v.cancel) return fmt::format_to(ctx.out(), "AUTHENTICATE-response cancel");
            if (v.base64.empty()) return fmt::format_to(ctx.out(), "AUTHENTICATE-response empty");
            return fmt::format_to(ctx.out(), "AUTHENTICATE-response base64=<redacted, {} octets>", v.base64.size());
        }
        if (!check_writable(v)) mailwire::refuse_unsafe_write("mailwire: unsafe AUTHENTICATE response (see check_writable)");
        if (v.cancel) return fmt::format_to(ctx.out(), "*\r\n");
        return fmt::format_to(ctx.out(), "{}\r\n", v.base64);
    }
};

/// "{}": "DONE" CRLF; "{:v}": "DONE".
template <>
struct fmt::formatter<mailwire::imap::idle_done> : mailwire::formatter_base {
    template <class FormatContext>
    auto format(const mailwire::imap::idle_done&, FormatContext& ctx) const -> decltype(ctx.out()) {
        if (pres == mailwire::presentation::verbose) return fmt::format_to(ctx.out(), "DONE");
        return fmt::format_to(ctx.out(), "DONE\r\n");
    }
};
