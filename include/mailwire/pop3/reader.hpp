// POP3 framing without I/O: where each message in a byte stream ends, nothing more.
//
//   response_reader  client side: server bytes in, complete responses out, each paired with
//                    the command it answers (a queue, so PIPELINING works, RFC 2449 §6.6).
//   command_reader   server side: client bytes in, complete command lines out, with the
//                    line limit enforced and resynchronisation after a bad line.
//
// Framing needs only the status's first octets ("+OK", "-ERR", "+") and the line ends; the
// typed parse of a framed message is pop3/command.hpp's and pop3/response.hpp's job.
//
// Both readers copy what they are fed into one internal buffer (appended, reused and
// compacted, so a stream costs O(n) however it is chunked) and remember where scanning
// stopped, so feeding byte by byte never rescans. Every view of the stream they hand out
// (frame::bytes, client_line::bytes, and a command parsed by next_command()) points into that
// buffer and stays valid until the next call to feed() or reset()/clear() on the same
// reader; next(), next_line(), expect_reply() and resume() leave the buffer alone, so all
// complete messages of one feed can be taken out and then used together. Errors and frames
// are the same however the stream is chunked: the scan stops at every limit, so the first
// rule broken is the one reported.
//
// Offsets in errors, and frame::offset / client_line::offset, count octets from the first octet
// ever fed to the reader (since construction or reset()), so they stay meaningful across
// chunks; subtract a message's own offset to point into it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <mailwire/core/config.hpp>
#include <mailwire/core/ring_queue.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <mailwire/core/error.hpp>
#include <mailwire/core/options.hpp>
#include <mailwire/core/result.hpp>
#include <mailwire/pop3/command.hpp>
#include <mailwire/pop3/expect.hpp>

namespace mailwire::pop3 {

// ---- what a reply looks like ----------------------------------------------------------

/// How the reply to a command is framed. This is the one place that decides whether a reply
/// is multi-line; pop3::session asks the same functions.
enum class frame_kind : std::uint8_t {
    greeting,         ///< the server's first line: one line, whatever its status (RFC 1939 §4)
    single_line,      ///< status [SP text] CRLF (RFC 2449 §3)
    multi_line_if_ok, ///< +OK opens a dot-terminated block; -ERR is one line (RFC 1939 §3)
    stls,             ///< one line; after +OK the TLS handshake follows at once (RFC 2595 §4)
    auth,             ///< "+ " challenges until a final +OK / -ERR (RFC 5034 §4)
};

/// The status a framed reply starts with.
enum class frame_status : std::uint8_t {
    ok,           ///< "+OK"
    err,          ///< "-ERR"
    continuation, ///< continue-req = "+" SP [base64] CRLF, only inside AUTH (RFC 5034 §5)
};

/// Whether the reader expects a greeting before any reply: yes for a new connection; no
/// after STLS (the server sends no second greeting, RFC 2595 §4) or mid-stream.
enum class expect_greeting : std::uint8_t { yes, no };

MAILWIRE_LAZY constexpr std::string_view to_string(frame_kind k) noexcept {
    switch (k) {
    case frame_kind::greeting: return "greeting";
    case frame_kind::single_line: return "single_line";
    case frame_kind::multi_line_if_ok: return "multi_line_if_ok";
    case frame_kind::stls: return "stls";
    case frame_kind::auth: return "auth";
    }
    return "unknown";
}

MAILWIRE_LAZY constexpr std::string_view to_string(frame_status s) noexcept {
    switch (s) {
    case frame_status::ok: return "+OK";
    case frame_status::err: return "-ERR";
    case frame_status::continuation: return "+";
    }
    return "unknown";
}

/// The framing of the reply to `c`, derived from expectation_for() (pop3/expect.hpp) so the
/// framer and the typed parser can never disagree: multi-line (if +OK) for CAPA (RFC 2449
/// §5), RETR and TOP (RFC 1939 §5, §7), LIST / UIDL without an argument (RFC 1939 §5, §7)
/// and LANG without an argument (RFC 6856 §3.2). STLS halts the reader after its +OK. An
/// extension's reply is taken as single-line; a caller that knows better (XTND XMIT, ...)
/// passes frame_kind::multi_line_if_ok itself.
MAILWIRE_LAZY constexpr frame_kind frame_kind_for(const command& c) noexcept {
    if (std::holds_alternative<stls>(c)) return frame_kind::stls;
    const expect e = expectation_for(c);
    if (e == expect::continuation) return frame_kind::auth;
    return multiline_on_ok(e) ? frame_kind::multi_line_if_ok : frame_kind::single_line;
}

/// multi-line = single-line *dot-stuffed "." CRLF   (RFC 2449 §3): only a +OK to a command
/// whose kind is multi_line_if_ok. A -ERR is always one line (RFC 1939 §3).
MAILWIRE_LAZY constexpr bool is_multi_line(frame_kind k, frame_status s) noexcept {
    return k == frame_kind::multi_line_if_ok && s == frame_status::ok;
}

// ---- response_reader -------------------------------------------------------------------

/// One complete reply, as response_reader hands it out.
struct frame {
    /// The whole reply: its status line, and for a multi-line reply the dot-stuffed lines
    /// and the "." terminator line, every line end included. Points into the reader's
    /// buffer: valid until the next feed() or reset() on that reader.
    std::string_view bytes;
    /// Stream offset of bytes[0] (octets fed to the reader before it).
    std::uint64_t offset = 0;
    frame_kind kind = frame_kind::single_line; ///< what the reply was framed as
    frame_status status = frame_status::ok;
    bool multi_line = false;
    /// The command this replies to, when expect_reply(const command&) was used; empty for
    /// the greeting and for expect_reply(frame_kind). Its views point where the caller's
    /// command pointed.
    std::optional<command> answers;

    /// The status line (the greeting, a continuation, or a reply's first line) with its
    /// line end.
    constexpr std::string_view first_line() const noexcept {
        const std::size_t lf = bytes.find('\n');
        return lf == std::string_view::npos ? bytes : bytes.substr(0, lf + 1);
    }
    /// For a multi-line reply, the dot-stuffed lines between the status line and the
    /// terminator, line ends included (still stuffed: a leading ".." stands for "."); empty
    /// for a single-line reply.
    constexpr std::string_view body() const noexcept {
        if (!multi_line) return {};
        std::string_view rest = bytes.substr(first_line().size());
        const std::size_t term = rest.size() >= 3 && rest.substr(rest.size() - 3) == ".\r\n" ? 3 : 2;
        return rest.size() >= term ? rest.substr(0, rest.size() - term) : std::string_view{};
    }
};

/// Client-side framer: fed the server's bytes in any chunking, hands out complete replies in
/// order, each paired with the command it answers.
///
/// Tell it what was sent, in order, before feeding the reply bytes: expect_reply(command) (or
/// a frame_kind) once per command. The greeting is expected first unless the constructor is
/// given expect_greeting::no. Replies are then matched to commands in order (RFC 2449 §6.6),
/// and each is framed as frame_kind_for(command) says: multi-line iff its status is +OK and
/// the command is CAPA, RETR, TOP, or LIST / UIDL / LANG without an argument. During AUTH a
/// "+ ..." continuation is handed out as a one-line frame and the AUTH stays at the head of
/// the queue until its +OK / -ERR.
///
/// STLS: once the +OK to STLS is complete the reader halts. feed() consumes no octet past
/// that reply's LF and returns how many it consumed; the rest of the chunk is the start of
/// the TLS handshake and stays the caller's. After the handshake, call resume() and feed the
/// decrypted stream (no second greeting is expected, RFC 2595 §4).
///
/// Limits (parse_options): each line at most max_line octets, line end included; in strict
/// mode a reply's first line (greeting included) and each CAPA line at most
/// pop3_max_response_line (RFC 2449 §3, §4). AUTH challenges are bounded by max_line only:
/// RFC 5034 §4 lets them be "of arbitrary length". A whole multi-line reply is at most
/// max_message octets. Going over is errc::limit_exceeded, `expected` naming the option, at
/// the first octet past the limit; the reader then discards the rest of that reply (without
/// buffering it) and frames the next reply normally. A +OK to STLS still halts the reader
/// when it was over a limit: the handshake follows it all the same.
///
/// Modes: strict frames on CRLF only: a bare LF is errc::strict_violation at the LF (the
/// reply is then skipped as if lenient, so the reader resynchronises). Lenient also frames on
/// a bare LF and accepts ".\n" as terminator (servers writing Unix line ends, docs/QUIRKS.md).
///
/// Other errors: a reply not starting with "+OK" or "-ERR" (or "+" inside AUTH) is
/// errc::invalid_syntax at its first octet and is skipped to its line end; it counts as the
/// reply to the command at the head of the queue. Octets arriving when no reply is expected
/// make next() return errc::unexpected_response at their offset; they stay buffered
/// (unscanned()) until a command is queued for them or reset() drops them. At most max_line
/// of them are kept: past that the stream has lost octets, everything fed after is dropped
/// (and counted consumed), and next() returns unexpected_response until reset().
class response_reader {
public:
    explicit response_reader(parse_options opts = {}, expect_greeting g = expect_greeting::yes)
        : opts_(opts) {
        if (g == expect_greeting::yes) pending_.push_back(pending{frame_kind::greeting, std::nullopt});
    }

    /// Queues the reply to a command just sent; its framing is frame_kind_for(sent).
    void expect_reply(const command& sent) { pending_.push_back(pending{frame_kind_for(sent), sent}); }
    /// Queues a reply framed as `kind` (an extension whose reply is multi-line, ...).
    void expect_reply(frame_kind kind) { pending_.push_back(pending{kind, std::nullopt}); }

    /// Takes in the next octets of the stream; returns how many it consumed: all of them,
    /// except when the +OK to STLS ends inside `bytes` (then only up to and including its
    /// LF), and 0 while halted(). Invalidates the views previously handed out.
    std::size_t feed(std::string_view bytes) {
        if (halted_) return 0;
        if (dropped_ > 0) { // the stream has lost octets: nothing more is kept (see above)
            dropped_ += bytes.size();
            return bytes.size();
        }
        compact();
        const std::uint64_t old_end = end();
        if (pending_.empty()) {
            // No reply awaits these octets: copy in no more than max_line of them in all,
            // so not even a transient buffer grows with what the peer sends (see above).
            const std::uint64_t held = end() - scan_;
            const std::uint64_t room = held < opts_.max_line ? opts_.max_line - held : 0;
            const std::size_t take = bytes.size() < room ? bytes.size() : static_cast<std::size_t>(room);
            buf_.append(bytes.data(), take);
            if (take < bytes.size()) dropped_ += bytes.size() - take;
            return bytes.size();
        }
        buf_.append(bytes.data(), bytes.size());
        scan();
        if (pending_.empty() && !halted_ && end() - scan_ > opts_.max_line) {
            // The last awaited reply ended inside these octets: keep the first max_line of
            // those after it (room for a reply line that came before its command was queued)
            // and drop the rest, and all that follows, so memory stays bounded whatever the
            // peer sends; the buffer's spare capacity goes too.
            const std::uint64_t excess = end() - scan_ - opts_.max_line;
            buf_.resize(buf_.size() - static_cast<std::size_t>(excess));
            buf_.shrink_to_fit();
            dropped_ += excess;
        }
        if (halted_) {
            // Keep nothing past the STLS reply: those octets belong to TLS.
            if (scan_ < old_end) { // the halt was inside octets fed earlier (see unscanned())
                buf_.resize(static_cast<std::size_t>(old_end - base_));
                return 0;
            }
            buf_.resize(static_cast<std::size_t>(scan_ - base_));
            return static_cast<std::size_t>(scan_ - old_end);
        }
        return bytes.size();
    }

    /// The next complete reply, in stream order; or an error for a reply that broke a rule
    /// (that reply is skipped, later ones still come); or errc::need_more when no complete
    /// reply is buffered; or errc::unexpected_response when octets arrived that no queued
    /// command accounts for.
    result<frame> next() {
        scan();
        if (!done_.empty()) {
            done d = std::move(done_.front());
            done_.pop_front();
            if (d.failed) return d.error;
            const std::size_t at = static_cast<std::size_t>(d.start - base_);
            return frame{std::string_view(buf_.data() + at, d.size), d.start, d.kind, d.status, d.multi, std::move(d.answers)};
        }
        if ((pending_.empty() && scan_ < end() && !halted_) || dropped_ > 0)
            return fail(errc::unexpected_response, scan_, "no reply expected: no command awaits one");
        return fail(errc::need_more, end(), "more octets of the reply");
    }

    /// True after the +OK to STLS: the reader takes no more octets until resume().
    bool halted() const noexcept { return halted_; }
    /// After the TLS handshake that followed STLS: feed() takes octets again.
    void resume() noexcept { halted_ = false; }

    /// Replies still awaited (the greeting and the one being framed included).
    std::size_t awaiting() const noexcept { return pending_.size(); }
    /// The kind of the reply being framed next, if any is awaited.
    std::optional<frame_kind> next_kind() const noexcept {
        if (pending_.empty()) return std::nullopt;
        return pending_.front().kind;
    }
    /// Octets fed but not yet attributed to any reply (a reply that arrived before its
    /// command was queued, or octets after the STLS reply when it lay in already-fed data).
    std::string_view unscanned() const noexcept {
        const std::size_t at = static_cast<std::size_t>(scan_ - base_);
        return std::string_view(buf_.data() + at, buf_.size() - at);
    }
    /// Octets consumed since construction or reset(): the stream offset of the next octet.
    std::uint64_t consumed() const noexcept { return end() + dropped_; }
    const parse_options& options() const noexcept { return opts_; }

    /// Forgets everything: buffer, queue, replies not handed out, offsets.
    void reset(expect_greeting g = expect_greeting::yes) {
        *this = response_reader(opts_, g);
    }

private:
    struct pending {
        frame_kind kind;
        std::optional<command> cmd;
    };
    struct done {
        std::uint64_t start = 0;
        std::size_t size = 0;
        frame_kind kind = frame_kind::single_line;
        frame_status status = frame_status::ok;
        bool multi = false;
        std::optional<command> answers;
        bool failed = false;
        parse_error error{};
    };

    std::uint64_t end() const noexcept { return base_ + buf_.size(); }

    // Drops the octets nobody needs any more: those of replies handed out and of replies
    // being skipped. Moves at most as many octets as it drops, so the cost stays O(n).
    void compact() {
        std::uint64_t keep = skipping_ ? scan_ : frame_start_;
        for (const done& d : done_) {
            if (!d.failed) {
                if (d.start < keep) keep = d.start;
                break;
            }
        }
        const std::size_t drop = static_cast<std::size_t>(keep - base_);
        if (drop == 0) return;
        if (drop == buf_.size()) {
            buf_.clear();
        } else if (drop >= buf_.size() - drop) {
            buf_.erase(0, drop);
        } else {
            return;
        }
        base_ = keep;
    }

    // The limit on the line being scanned, and the option that sets it.
    std::size_t line_limit(std::string_view& name) const noexcept {
        const frame_kind k = pending_.front().kind;
        const bool challenge = status_known_ && status_ == frame_status::continuation;
        if (opts_.strict() && !challenge && (first_line_ || (k == frame_kind::multi_line_if_ok && is_capa()))) {
            name = "pop3_max_response_line";
            return opts_.pop3_max_response_line;
        }
        name = "max_line";
        return opts_.max_line;
    }
    bool is_capa() const noexcept {
        const auto& c = pending_.front().cmd;
        return c && std::holds_alternative<capa>(*c);
    }

    // status = "+OK" / "-ERR"; continue-req = "+" SP [base64] CRLF inside AUTH.
    // Returns 1 when classified (status_ set), 0 when more octets are needed, -1 when the
    // line starts with neither.
    int classify(bool line_done) noexcept {
        const std::size_t have = line_len_ < 4 ? static_cast<std::size_t>(line_len_) : 4;
        auto starts = [&](std::string_view lit) -> int {
            for (std::size_t i = 0; i < lit.size(); ++i) {
                if (i >= have) return line_done ? -1 : 0;
                if (head_[i] != lit[i]) return -1;
            }
            return 1;
        };
        const int ok = starts("+OK");
        if (ok == 1) { status_ = frame_status::ok; status_known_ = true; return 1; }
        const int er = starts("-ERR");
        if (er == 1) { status_ = frame_status::err; status_known_ = true; return 1; }
        if (pending_.front().kind == frame_kind::auth && have >= 1 && head_[0] == '+' && ok == -1) {
            status_ = frame_status::continuation;
            status_known_ = true;
            return 1;
        }
        if (ok == 0 || er == 0) return 0;
        return -1;
    }

    void report(errc code, std::uint64_t offset, std::string_view expected) {
        done d;
        d.failed = true;
        d.error = parse_error{code, static_cast<std::size_t>(offset), expected};
        done_.push_back(std::move(d));
        skipping_ = true;
    }

    void finish_frame() {
        pending& p = pending_.front();
        if (!skipping_) {
            done d;
            d.start = frame_start_;
            d.size = static_cast<std::size_t>(scan_ - frame_start_);
            d.kind = p.kind;
            d.status = status_;
            d.multi = multi_;
            d.answers = p.cmd;
            done_.push_back(std::move(d));
        }
        const bool challenge = p.kind == frame_kind::auth && status_known_ && status_ == frame_status::continuation;
        const bool tls_next = p.kind == frame_kind::stls && status_known_ && status_ == frame_status::ok;
        if (!challenge) pending_.pop_front();
        frame_start_ = scan_;
        first_line_ = true;
        status_known_ = false;
        multi_ = false;
        skipping_ = false;
        if (tls_next) halted_ = true;
    }

    // Shortens the segment [p, p + n) to at most `room` octets; the LF that ended it is then
    // beyond the segment.
    static void clamp(std::size_t& n, const void*& lf, std::uint64_t room) noexcept {
        if (room < n) {
            n = static_cast<std::size_t>(room);
            lf = nullptr;
        }
    }

    // Frames as far as the buffered octets and the queue allow: memchr for the LF, constant
    // work per line. A segment cut short at a limit ends in an error, so no octet is looked
    // at more than twice.
    void scan() {
        while (!halted_ && scan_ < end() && !pending_.empty()) {
            const std::size_t at = static_cast<std::size_t>(scan_ - base_);
            const char* p = buf_.data() + at;
            const std::size_t avail = buf_.size() - at;
            const void* lf = std::memchr(p, '\n', avail);
            std::size_t n = lf ? static_cast<std::size_t>(static_cast<const char*>(lf) - p) + 1 : avail;
            if (!skipping_) {
                // Stop where a limit would be crossed, so the first error is the same one
                // however the stream is chunked (byte by byte, it would be met right there).
                std::string_view name;
                const std::size_t limit = line_limit(name);
                clamp(n, lf, line_len_ < limit ? limit - line_len_ : 1);
                const std::uint64_t size = scan_ - frame_start_;
                if (multi_ && size < opts_.max_message) clamp(n, lf, opts_.max_message - size);
            }
            for (std::size_t i = 0; line_len_ + i < 4 && i < n; ++i) head_[line_len_ + i] = p[i];
            const char before_lf = n >= 2 ? p[n - 2] : prev_;
            prev_ = p[n - 1];
            line_len_ += n;
            scan_ += n;

            if (first_line_ && !status_known_ && !skipping_) {
                const int c = classify(lf != nullptr);
                if (c < 0) report(errc::invalid_syntax, frame_start_, "\"+OK\" or \"-ERR\"");
            }
            if (!skipping_) {
                std::string_view name;
                const std::size_t limit = line_limit(name);
                if (line_len_ > limit || (!lf && line_len_ >= limit))
                    report(errc::limit_exceeded, line_start_ + limit, name);
            }
            if (lf && !skipping_ && opts_.strict() && before_lf != '\r')
                report(errc::strict_violation, scan_ - 1, "CRLF");

            bool complete = false;
            if (lf) {
                if (first_line_) {
                    first_line_ = false;
                    multi_ = status_known_ && is_multi_line(pending_.front().kind, status_);
                    complete = !multi_;
                } else {
                    // "." CRLF ends the block; after a strict violation, or in lenient mode,
                    // "." LF too.
                    const bool dot = line_len_ >= 2 && head_[0] == '.';
                    complete = dot && ((line_len_ == 3 && head_[1] == '\r') ||
                                       (line_len_ == 2 && (opts_.lenient() || skipping_)));
                }
                line_len_ = 0;
                line_start_ = scan_;
            }
            // max_message bounds a multi-line reply (single lines have their line limit); one
            // still open at max_message octets can only end past it.
            const std::uint64_t size = scan_ - frame_start_;
            if (multi_ && !skipping_ && (complete ? size > opts_.max_message : size >= opts_.max_message))
                report(errc::limit_exceeded, frame_start_ + opts_.max_message, "max_message");
            if (complete) finish_frame();
        }
    }

    parse_options opts_;
    ring_queue<pending> pending_;
    ring_queue<done> done_;
    std::string buf_;
    std::uint64_t base_ = 0; // stream offset of buf_[0]
    std::uint64_t scan_ = 0; // stream offset of the next octet to scan
    std::uint64_t dropped_ = 0; // octets past max_line that arrived with no reply awaited

    // The reply being framed (pending_.front()).
    std::uint64_t frame_start_ = 0;
    std::uint64_t line_start_ = 0;
    std::uint64_t line_len_ = 0;
    char head_[4] = {};  // the line's first octets, kept even when the line is discarded
    char prev_ = '\n';   // the octet before scan_
    bool first_line_ = true;
    bool status_known_ = false;
    frame_status status_ = frame_status::ok;
    bool multi_ = false;
    bool skipping_ = false; // an error was reported: discard through the end of this reply
    bool halted_ = false;
};

// ---- command_reader --------------------------------------------------------------------

/// One complete client line, as command_reader hands it out.
struct client_line {
    /// The line with its line end (CRLF; a bare LF in lenient mode). Points into the reader's
    /// buffer: valid until the next feed() or clear() on that reader.
    std::string_view bytes;
    /// Stream offset of bytes[0].
    std::uint64_t offset = 0;

    /// The line without its line end.
    constexpr std::string_view text() const noexcept {
        std::string_view t = bytes;
        if (!t.empty() && t.back() == '\n') t.remove_suffix(1);
        if (!t.empty() && t.back() == '\r') t.remove_suffix(1);
        return t;
    }
};

/// Which limit a client line is held to.
enum class line_mode : std::uint8_t {
    /// A command: at most pop3_max_command_line octets (RFC 2449 §4: 255, CRLF included;
    /// never above max_line) in strict mode, max_line in lenient mode — the same limit
    /// parse_command() applies.
    command_line,
    /// A client response inside an AUTH exchange (after a "+ " challenge): RFC 5034 §4 lets
    /// it be "of arbitrary length", so only max_line applies, in both modes.
    auth_response,
};

/// Server-side framer: fed the client's bytes in any chunking, hands out one complete line
/// at a time. Scanning is lazy (it happens in next_line()), so the limit each line is held to
/// is the one asked for when that line is taken: during an AUTH exchange ask with
/// line_mode::auth_response (or call next_auth_continuation()) for as long as
/// pop3::session::awaiting_auth_continuation() says so.
///
/// Errors, all at stream offsets: errc::limit_exceeded (`expected` names the option) as soon
/// as a line is known to be too long, without buffering the rest of it; errc::strict_violation
/// at a bare LF in strict mode. Either way the reader drops that line and resynchronises at
/// its line end: the next call returns the next line. A line the caller rejects (parse error,
/// wrong state) needs nothing: it was already taken whole, the next line follows.
///
/// Line ends: strict frames on CRLF only; lenient also on a bare LF (clients that write Unix
/// line ends, e.g. `nc` without -C). A CR not followed by LF is left inside the line for the
/// parser to reject.
///
/// STLS: a client MUST NOT send anything after STLS before the handshake (RFC 2595 §4). When
/// the line handed out is STLS and buffered() is not empty, those octets were sent in the
/// clear and must not be taken as commands after TLS starts (the STARTTLS command injection
/// of CVE-2011-0411): call clear() and reject them.
class command_reader {
public:
    explicit command_reader(parse_options opts = {}) : opts_(opts) {}

    /// Takes in the next octets; consumes them all and returns bytes.size(). Memory stays
    /// bounded by the line limit plus what is fed between two calls of next_line().
    /// Invalidates the views previously handed out.
    std::size_t feed(std::string_view bytes) {
        compact();
        last_ = client_line{};
        buf_.append(bytes.data(), bytes.size());
        return bytes.size();
    }

    /// The next complete line; errc::need_more when none is buffered yet.
    result<client_line> next_line(line_mode mode = line_mode::command_line) {
        std::string_view name;
        const std::size_t limit = line_limit(mode, name);
        while (scan_ < end()) {
            const std::size_t at = static_cast<std::size_t>(scan_ - base_);
            const char* p = buf_.data() + at;
            const std::size_t avail = buf_.size() - at;
            const void* lf = std::memchr(p, '\n', avail);
            const std::size_t n = lf ? static_cast<std::size_t>(static_cast<const char*>(lf) - p) + 1 : avail;
            const char before_lf = n >= 2 ? p[n - 2] : prev_;
            prev_ = p[n - 1];
            scan_ += n;
            const std::uint64_t start = line_start_;
            const std::uint64_t len = scan_ - start;
            if (!lf) {
                if (!skipping_ && len >= limit) {
                    skipping_ = true;
                    return fail(errc::limit_exceeded, static_cast<std::size_t>(start + limit), name);
                }
                break;
            }
            line_start_ = scan_;
            if (skipping_) { // the end of a line already reported
                skipping_ = false;
                continue;
            }
            if (len > limit) return fail(errc::limit_exceeded, static_cast<std::size_t>(start + limit), name);
            if (opts_.strict() && before_lf != '\r')
                return fail(errc::strict_violation, static_cast<std::size_t>(scan_ - 1), "CRLF");
            last_ = client_line{std::string_view(buf_.data() + (start - base_), static_cast<std::size_t>(len)), start};
            return last_;
        }
        return fail(errc::need_more, static_cast<std::size_t>(end()), "CRLF");
    }

    /// next_line() then parse_command(). A parse error's offset is turned into a stream
    /// offset (add nothing more); last_line() is the line it points into.
    result<command> next_command() {
        auto l = next_line(line_mode::command_line);
        if (!l) return l.error();
        auto c = parse_command(l->bytes, opts_);
        if (!c) return shifted(c.error(), l->offset);
        return c;
    }

    /// next_line(line_mode::auth_response) then parse_auth_continuation(); offsets as
    /// for next_command().
    result<auth_continuation> next_auth_continuation() {
        auto l = next_line(line_mode::auth_response);
        if (!l) return l.error();
        auto c = parse_auth_continuation(l->bytes, opts_);
        if (!c) return shifted(c.error(), l->offset);
        return c;
    }

    /// The last line handed out (also by next_command()), for diagnostics; same lifetime.
    const client_line& last_line() const noexcept { return last_; }
    /// Octets fed but not handed out yet (a partial line, or lines not yet taken).
    std::string_view buffered() const noexcept {
        const std::size_t at = static_cast<std::size_t>((skipping_ ? scan_ : line_start_) - base_);
        return std::string_view(buf_.data() + at, buf_.size() - at);
    }
    /// Drops every buffered octet (after STLS, see above); stream offsets keep counting.
    void clear() noexcept {
        base_ = end();
        buf_.clear();
        scan_ = line_start_ = base_;
        skipping_ = false;
        prev_ = '\n';
        last_ = client_line{};
    }
    /// Octets consumed since construction: the stream offset of the next octet.
    std::uint64_t consumed() const noexcept { return end(); }
    const parse_options& options() const noexcept { return opts_; }

private:
    std::uint64_t end() const noexcept { return base_ + buf_.size(); }

    std::size_t line_limit(line_mode mode, std::string_view& name) const noexcept {
        if (mode == line_mode::command_line && opts_.strict() && opts_.pop3_max_command_line < opts_.max_line) {
            name = "pop3_max_command_line";
            return opts_.pop3_max_command_line;
        }
        name = "max_line";
        return opts_.max_line;
    }

    static parse_error shifted(parse_error e, std::uint64_t by) noexcept {
        e.offset += static_cast<std::size_t>(by);
        return e;
    }

    void compact() {
        const std::uint64_t keep = skipping_ ? scan_ : line_start_;
        const std::size_t drop = static_cast<std::size_t>(keep - base_);
        if (drop == 0) return;
        if (drop == buf_.size()) {
            buf_.clear();
        } else if (drop >= buf_.size() - drop) {
            buf_.erase(0, drop);
        } else {
            return;
        }
        base_ = keep;
    }

    parse_options opts_;
    std::string buf_;
    std::uint64_t base_ = 0;       // stream offset of buf_[0]
    std::uint64_t scan_ = 0;       // next octet to scan
    std::uint64_t line_start_ = 0; // first octet of the line being scanned
    char prev_ = '\n';             // the octet before scan_
    bool skipping_ = false;        // an over-long line was reported: drop through its LF
    client_line last_{};
};

} // namespace mailwire::pop3
