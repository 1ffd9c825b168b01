// The POP3 session state machine, without I/O: RFC 1939 §3-§6 (AUTHORIZATION, TRANSACTION,
// UPDATE), with STLS (RFC 2595 §4), AUTH (RFC 5034 §4), CAPA (RFC 2449 §5) and UTF8 / LANG
// (RFC 6856 §2-§3).
//
// Fed the commands and the status of each reply, in order, it tells
//   - a server whether a command is allowed now (allowed(), errc::bad_state with the rule in
//     `expected`), whether the next client line is an AUTH response rather than a command
//     (awaiting_auth_continuation()), and when it is in UPDATE (state());
//   - a client how the next reply is framed (next_reply_kind(), the same frame_kind_for /
//     is_multi_line that pop3::response_reader uses), and whether a command it wants to
//     pipeline would be allowed once the commands before it succeed.
//
// Both sides call it the same way: on_command() when a command is sent / received,
// on_response() when its reply (or an AUTH challenge) is sent / received, the greeting
// first. State changes happen on replies, because only the reply says whether a command
// worked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mailwire/core/config.hpp>
#include <mailwire/core/ring_queue.hpp>
#include <optional>
#include <string_view>
#include <variant>

#include <mailwire/core/error.hpp>
#include <mailwire/core/result.hpp>
#include <mailwire/pop3/command.hpp>
#include <mailwire/pop3/reader.hpp>

namespace mailwire::pop3 {

/// Where a POP3 session is (RFC 1939 §3).
enum class session_state : std::uint8_t {
    authorization,   ///< after the greeting, until USER/PASS, APOP or AUTH succeeds (§4)
    tls_negotiation, ///< STLS got +OK: the TLS handshake runs, no command (RFC 2595 §4)
    transaction,     ///< the maildrop is open (§5)
    update,          ///< QUIT was issued in TRANSACTION and is being answered (§6)
    closed,          ///< QUIT answered, or the greeting was -ERR: nothing more is said
};

MAILWIRE_LAZY constexpr std::string_view to_string(session_state s) noexcept {
    switch (s) {
    case session_state::authorization: return "AUTHORIZATION";
    case session_state::tls_negotiation: return "TLS negotiation";
    case session_state::transaction: return "TRANSACTION";
    case session_state::update: return "UPDATE";
    case session_state::closed: return "closed";
    }
    return "unknown";
}

/// The session state machine. See the top of this header for the calling pattern.
///
/// Rules enforced by allowed():
///   - AUTHORIZATION only: USER and APOP (not right after a successful USER: "after the
///     POP3 greeting or after an unsuccessful USER or PASS command", RFC 1939 §7), PASS (only
///     right after a successful USER), AUTH (RFC 5034 §4), STLS (not once TLS is active, not
///     after UTF8: RFC 2595 §4, RFC 6856 §2.1), UTF8 (RFC 6856 §2).
///   - TRANSACTION only: STAT, LIST, RETR, DELE, NOOP, RSET, TOP, UIDL (RFC 1939 §5, §7).
///   - Both: CAPA (RFC 2449 §5), LANG (RFC 6856 §3.1), QUIT (RFC 1939 §4, §6), and any
///     extension (its rules are the server's).
///   - Nothing while an AUTH or STLS awaits its final reply (the next client line is a SASL
///     response, or the TLS handshake, RFC 5034 §4 / RFC 2595 §4), during the TLS handshake,
///     or once closed.
/// Commands still awaiting a reply are assumed to succeed (a pipelining client asks about
/// PASS after an unanswered USER); a server, which answers each command before taking the
/// next, has none.
///
/// Transitions (on_response): USER +OK arms PASS, any other reply disarms it (so a USER
/// after a failed PASS starts again); PASS, APOP or AUTH +OK -> TRANSACTION; STLS +OK ->
/// tls_negotiation until tls_established(), which returns to AUTHORIZATION with TLS active
/// and the capabilities forgotten; UTF8 +OK turns UTF-8 mode on; CAPA +OK makes the
/// capabilities known; QUIT: in AUTHORIZATION, closed without UPDATE; in TRANSACTION the
/// session is in UPDATE while QUIT is being answered (the server deletes then), and closed
/// after the reply, whatever its status (RFC 1939 §6).
class session {
public:
    explicit session(expect_greeting g = expect_greeting::yes) {
        if (g == expect_greeting::yes) pending_.push_back(pending{verb::greeting, frame_kind::greeting});
    }

    /// The state now: replies recorded so far, and UPDATE while a QUIT sent in TRANSACTION
    /// is the command being answered.
    session_state state() const noexcept {
        if (!pending_.empty() && pending_.front().v == verb::quit && now_.st == session_state::transaction)
            return session_state::update;
        return now_.st;
    }

    /// Whether `c` may be sent now, after the commands still awaiting a reply (assumed to
    /// succeed). errc::bad_state with the rule in `expected` (offset 0) if not.
    result<void> allowed(const command& c) const noexcept {
        facts f = now_;
        for (const pending& p : pending_) {
            if (p.v == verb::auth)
                return fail(errc::bad_state, 0, "no command during an AUTH exchange: the client's next line answers the challenge (RFC 5034 §4)");
            if (p.v == verb::stls)
                return fail(errc::bad_state, 0, "no command after STLS until its reply and the TLS handshake (RFC 2595 §4)");
            apply(f, p.v, frame_status::ok);
        }
        if (f.st == session_state::closed)
            return fail(errc::bad_state, 0, "no command after QUIT is answered or after a -ERR greeting");
        if (f.st == session_state::tls_negotiation)
            return fail(errc::bad_state, 0, "no command during the TLS handshake; call tls_established() after it (RFC 2595 §4)");
        const bool authz = f.st == session_state::authorization;
        const bool trans = f.st == session_state::transaction;
        switch (verb_of(c)) {
        case verb::user:
            if (!authz) return fail(errc::bad_state, 0, "USER only in the AUTHORIZATION state (RFC 1939 §7)");
            if (f.user_ok) return fail(errc::bad_state, 0, "USER was accepted: PASS is due, not another USER (RFC 1939 §7)");
            return {};
        case verb::apop:
            if (!authz) return fail(errc::bad_state, 0, "APOP only in the AUTHORIZATION state (RFC 1939 §7)");
            if (f.user_ok) return fail(errc::bad_state, 0, "USER was accepted: PASS is due, not APOP (RFC 1939 §7)");
            return {};
        case verb::pass:
            if (!authz) return fail(errc::bad_state, 0, "PASS only in the AUTHORIZATION state (RFC 1939 §7)");
            if (!f.user_ok) return fail(errc::bad_state, 0, "PASS only right after a successful USER (RFC 1939 §7)");
            return {};
        case verb::auth:
            if (!authz) return fail(errc::bad_state, 0, "AUTH only in the AUTHORIZATION state (RFC 5034 §4)");
            return {};
        case verb::stls:
            if (!authz) return fail(errc::bad_state, 0, "STLS only in the AUTHORIZATION state (RFC 2595 §4)");
            if (f.tls) return fail(errc::bad_state, 0, "STLS while TLS is already active (RFC 2595 §4)");
            if (f.utf8) return fail(errc::bad_state, 0, "STLS after UTF8 (RFC 6856 §2.1)");
            return {};
        case verb::utf8:
            if (!authz) return fail(errc::bad_state, 0, "UTF8 only in the AUTHORIZATION state (RFC 6856 §2)");
            return {};
        case verb::transaction_only:
            if (!trans) return fail(errc::bad_state, 0, "this command only in the TRANSACTION state (RFC 1939 §5, §7)");
            return {};
        case verb::greeting: // not a command
        case verb::capa:
        case verb::lang:
        case verb::quit:
        case verb::extension:
            break;
        }
        return {};
    }

    /// Records a command sent (client) or received (server); its reply comes later through
    /// on_response(). Call it for a command refused by allowed() too: the server answers it
    /// -ERR, and that reply must be paired with it.
    void on_command(const command& c) { pending_.push_back(pending{verb_of(c), frame_kind_for(c)}); }

    /// Records the status of the next reply: the greeting, then one per command in order;
    /// during AUTH, frame_status::continuation for each "+ " challenge.
    /// errc::unexpected_response (offset 0) when no command awaits a reply, for a challenge
    /// to anything but AUTH, or for a second challenge before the client answered the first.
    result<void> on_response(frame_status s) {
        if (pending_.empty()) return fail(errc::unexpected_response, 0, "no command awaits a reply");
        const pending& head = pending_.front();
        if (s == frame_status::continuation) {
            if (head.v != verb::auth) return fail(errc::unexpected_response, 0, "a \"+\" challenge only during AUTH (RFC 5034 §4)");
            if (challenge_open_) return fail(errc::unexpected_response, 0, "the client's response to the previous challenge");
            challenge_open_ = true;
            return {};
        }
        apply(now_, head.v, s);
        pending_.pop_front();
        challenge_open_ = false;
        return {};
    }

    /// Records the client's line answering an AUTH challenge ("*" cancels; the server then
    /// answers -ERR). errc::bad_state when no challenge awaits an answer.
    result<void> on_auth_continuation(const auth_continuation&) {
        if (!challenge_open_) return fail(errc::bad_state, 0, "an AUTH response only after a \"+\" challenge (RFC 5034 §4)");
        challenge_open_ = false;
        return {};
    }

    /// Server side: the next client line answers an AUTH challenge; read it with
    /// command_reader::next_auth_continuation(), not as a command.
    bool awaiting_auth_continuation() const noexcept { return challenge_open_; }

    /// After STLS got +OK and the TLS handshake completed: back to AUTHORIZATION with TLS
    /// active; cached capabilities must be read again (RFC 2595 §4). errc::bad_state when
    /// no STLS was accepted.
    result<void> tls_established() {
        if (now_.st != session_state::tls_negotiation)
            return fail(errc::bad_state, 0, "a TLS handshake only after STLS got +OK (RFC 2595 §4)");
        now_.st = session_state::authorization;
        now_.tls = true;
        now_.capa_known = false;
        now_.user_ok = false;
        return {};
    }

    /// After an AUTH that negotiated a SASL security layer: cached capabilities must be read
    /// again (RFC 5034 §4).
    void security_layer_established() noexcept { now_.capa_known = false; }

    /// How the next reply is framed (the greeting first), if any reply is awaited.
    std::optional<frame_kind> next_reply_kind() const noexcept {
        if (pending_.empty()) return std::nullopt;
        return pending_.front().kind;
    }
    /// Whether the next reply, starting with status `s`, is multi-line (false if none is
    /// awaited). The reader's decision: is_multi_line(next_reply_kind(), s).
    bool next_reply_multi_line(frame_status s) const noexcept {
        const auto k = next_reply_kind();
        return k && is_multi_line(*k, s);
    }

    /// Replies awaited, the greeting included.
    std::size_t awaiting() const noexcept { return pending_.size(); }
    bool tls_active() const noexcept { return now_.tls; }
    bool utf8_active() const noexcept { return now_.utf8; }
    /// True after a +OK to CAPA, until TLS or a SASL security layer starts.
    bool capabilities_known() const noexcept { return now_.capa_known; }
    /// True right after a +OK to USER: PASS is the command due.
    bool pass_due() const noexcept { return now_.user_ok; }

private:
    enum class verb : std::uint8_t { greeting, user, pass, apop, auth, stls, utf8, capa, lang, quit, transaction_only, extension };

    struct pending {
        verb v;
        frame_kind kind;
    };
    struct facts {
        session_state st = session_state::authorization;
        bool user_ok = false;
        bool tls = false;
        bool utf8 = false;
        bool capa_known = false;
    };

    static constexpr verb verb_of(const command& c) noexcept {
        using std::holds_alternative;
        if (holds_alternative<user>(c)) return verb::user;
        if (holds_alternative<pass>(c)) return verb::pass;
        if (holds_alternative<apop>(c)) return verb::apop;
        if (holds_alternative<auth>(c)) return verb::auth;
        if (holds_alternative<stls>(c)) return verb::stls;
        if (holds_alternative<utf8>(c)) return verb::utf8;
        if (holds_alternative<capa>(c)) return verb::capa;
        if (holds_alternative<lang>(c)) return verb::lang;
        if (holds_alternative<quit>(c)) return verb::quit;
        if (holds_alternative<extension>(c)) return verb::extension;
        return verb::transaction_only; // STAT LIST RETR DELE NOOP RSET TOP UIDL
    }

    // One reply's effect on the facts (RFC 1939 §4-§6, RFC 2595 §4, RFC 5034 §4, RFC 6856).
    static constexpr void apply(facts& f, verb v, frame_status s) noexcept {
        const bool ok = s == frame_status::ok;
        if (v == verb::greeting) {
            if (!ok) f.st = session_state::closed;
            return;
        }
        f.user_ok = false;
        switch (v) {
        case verb::user:
            f.user_ok = ok && f.st == session_state::authorization;
            break;
        case verb::pass:
        case verb::apop:
        case verb::auth:
            if (ok && f.st == session_state::authorization) f.st = session_state::transaction;
            break;
        case verb::stls:
            if (ok && f.st == session_state::authorization) f.st = session_state::tls_negotiation;
            break;
        case verb::utf8:
            if (ok) f.utf8 = true;
            break;
        case verb::capa:
            if (ok) f.capa_known = true;
            break;
        case verb::quit:
            f.st = session_state::closed;
            break;
        case verb::greeting:
        case verb::lang:
        case verb::transaction_only:
        case verb::extension:
            break;
        }
    }

    ring_queue<pending> pending_;
    facts now_{};
    bool challenge_open_ = false; // a "+" challenge was sent, the client has not answered
};

} // namespace mailwire::pop3
