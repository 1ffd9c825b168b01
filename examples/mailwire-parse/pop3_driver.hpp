// POP3: each side's bytes go to the library's framers (pop3::command_reader for the
// client, pop3::response_reader for the server), every framed message to its parser
// (parse_command / parse_auth_continuation / parse_response), and, for a transcript, the
// commands and reply statuses to pop3::session. The tool frames nothing itself: it only
// tells the response reader which command each reply answers (expect_reply), as a client
// would.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include <mailwire/core/error.hpp>
#include <mailwire/core/format.hpp>
#include <mailwire/core/options.hpp>
#include <mailwire/pop3/command.hpp>
#include <mailwire/pop3/reader.hpp>
#include <mailwire/pop3/response.hpp>
#include <mailwire/pop3/session.hpp>

#include "input.hpp"
#include "report.hpp"

namespace mwparse {

namespace pop3 = mailwire::pop3;

/// What the driver is given: both sides (a transcript) or one raw stream.
enum class pop3_input { transcript, client_only, server_only };

/// The typed dump of any value the library formats: its wire bytes (checked), its {:v}.
template <class T>
mailwire::result<parsed_message> describe(const T& value, std::string_view type) {
    auto wire = mailwire::to_wire(value);
    if (!wire) return wire.error();
    return parsed_message{type, std::move(*wire), fmt::format("{:v}", value), {}};
}

class pop3_driver {
public:
    /// `greeting`: whether the server's first line is a greeting (no: a transcript that
    /// starts with the client, i.e. in the middle of a session).
    pop3_driver(pop3_input input, pop3::expect_greeting greeting, const mailwire::parse_options& opts, reporter& rep)
        : input_(input), greeting_(greeting), opts_(opts), rep_(rep), commands_(opts), replies_(opts, greeting),
          session_(greeting) {
        if (greeting == pop3::expect_greeting::yes) awaited_.push_back({awaited::greeting, {}});
    }

    /// Feed what one side sent, and report every message it completes.
    void add(const chunk& c) {
        if (c.dir == direction::client) add_client(c);
        else add_server(c);
    }

    /// The input is over: report a message left incomplete on either side.
    void finish() {
        report_incomplete(direction::client, client_, client_next_, "CRLF");
        report_incomplete(direction::server, server_, server_next_, "more octets of the reply");
        if (tracks_session() && session_.awaiting() > 0)
            rep_.note(fmt::format("# the transcript ends with {} repl{} still awaited", session_.awaiting(),
                                  session_.awaiting() == 1 ? "y" : "ies"));
    }

private:
    // Why a reply is awaited: mirrors response_reader's queue, one entry per expect_reply().
    enum class awaited {
        greeting,       ///< the server's first line
        command,        ///< a command that parsed (session knows it)
        failed_command, ///< a client line that did not parse: the server answers it -ERR
        unexpected,     ///< bytes that arrived when no reply was due (transcript: an error)
        assumed,        ///< a raw server stream: every reply after the greeting, single-line
    };
    struct awaited_reply {
        awaited why;
        mailwire::parse_error error; ///< for `unexpected`: what the reader said
    };

    /// Both sides are known: commands pair with replies.
    bool is_transcript() const noexcept { return input_ == pop3_input::transcript; }
    /// The session is tracked from its start: a transcript that begins with the greeting.
    /// (One that starts mid-session has an unknown state: no state rules are checked.)
    bool tracks_session() const noexcept { return is_transcript() && greeting_ == pop3::expect_greeting::yes; }

    // ---- client side ----------------------------------------------------------------------

    void add_client(const chunk& c) {
        client_.append(c);
        commands_.feed(c.bytes);
        while (next_client_message()) {}
    }

    /// Takes and reports one client line; false when none is complete.
    bool next_client_message() {
        const bool auth_response = tracks_session() && session_.awaiting_auth_continuation();
        auto line = commands_.next_line(auth_response ? pop3::line_mode::auth_response : pop3::line_mode::command_line);
        if (!line) {
            if (line.error().code == mailwire::errc::need_more) return false;
            client_line_failed(line.error()); // too long, or a bare LF in strict mode
            return true;
        }
        const message_origin at = origin(direction::client, client_, line->offset, line->bytes.size());
        client_next_ = line->offset + line->bytes.size();
        if (auth_response) on_auth_response(at, line->bytes);
        else on_command_line(at, keep(line->bytes));
        return true;
    }

    /// A command's views must outlive the reader's buffer: the response reader hands the
    /// command back with the reply that answers it (frame::answers), after later feeds.
    std::string_view keep(std::string_view line) {
        if (!is_transcript()) return line; // no replies to pair it with
        return kept_lines_.emplace_back(line);
    }

    void client_line_failed(const mailwire::parse_error& e) {
        const std::size_t start = client_next_ ? *client_next_ : client_.line_start(e.offset);
        client_next_.reset(); // the reader skips the rest of that line; the next one says where
        rep_.failed(origin(direction::client, client_, start, client_.line_end(e.offset) - start), relative(e, start));
        expect_reply_to_failed_line();
    }

    void on_command_line(const message_origin& at, std::string_view bytes) {
        auto cmd = pop3::parse_command(bytes, opts_);
        if (!cmd) {
            rep_.failed(at, cmd.error());
            expect_reply_to_failed_line();
            return;
        }
        const auto allowed = tracks_session() ? session_.allowed(*cmd) : mailwire::result<void>{};
        if (tracks_session()) session_.on_command(*cmd); // a refused command too: its -ERR pairs with it
        if (is_transcript()) {
            replies_.expect_reply(*cmd);
            awaited_.push_back({awaited::command, {}});
        }
        auto shown = describe(*cmd, pop3::command_name(*cmd));
        if (!shown) return rep_.failed(at, shown.error());
        if (!allowed) return rep_.failed(at, allowed.error(), &*shown);
        add_state_change(*shown);
        rep_.parsed(at, *shown);
    }

    void on_auth_response(const message_origin& at, std::string_view bytes) {
        auto c = pop3::parse_auth_continuation(bytes, opts_);
        if (!c) return rep_.failed(at, c.error());
        auto shown = describe(*c, "auth_continuation");
        if (!shown) return rep_.failed(at, shown.error());
        if (auto ok = session_.on_auth_continuation(*c); !ok) return rep_.failed(at, ok.error(), &*shown);
        rep_.parsed(at, *shown);
    }

    /// A client line that did not parse still gets a reply (a -ERR, single-line).
    void expect_reply_to_failed_line() {
        if (!is_transcript()) return;
        replies_.expect_reply(pop3::frame_kind::single_line);
        awaited_.push_back({awaited::failed_command, {}});
    }

    // ---- server side ----------------------------------------------------------------------

    void add_server(const chunk& c) {
        server_.append(c);
        std::string_view rest = c.bytes;
        while (!rest.empty()) {
            rest.remove_prefix(replies_.feed(rest));
            while (next_server_message()) {}
            if (replies_.halted()) after_stls();
        }
    }

    /// Takes and reports one reply; false when none is complete.
    bool next_server_message() {
        auto f = replies_.next();
        if (f) {
            on_frame(*f);
            return true;
        }
        const mailwire::parse_error& e = f.error();
        if (e.code == mailwire::errc::need_more) return false;
        if (e.code == mailwire::errc::unexpected_response) {
            // Bytes no command accounts for: have them framed as a single-line reply, then
            // report them (a transcript) or parse them (a raw stream, where no command is known).
            replies_.expect_reply(pop3::frame_kind::single_line);
            awaited_.push_back({input_ == pop3_input::server_only ? awaited::assumed : awaited::unexpected, e});
            return true;
        }
        reply_framing_failed(e);
        return true;
    }

    void reply_framing_failed(const mailwire::parse_error& e) {
        const std::size_t start = server_next_ ? *server_next_ : server_.line_start(e.offset);
        server_next_.reset(); // the reader skips the rest of that reply; the next one says where
        const awaited_reply why = pop_awaited(false);
        // The session needs a status for the reply it awaits; a reply that broke the framing
        // rules counts as a failure.
        if (why.why == awaited::greeting || why.why == awaited::command) record_status(pop3::frame_status::err);
        rep_.failed(origin(direction::server, server_, start, server_.line_end(e.offset) - start), relative(e, start));
    }

    void on_frame(const pop3::frame& f) {
        const message_origin at = origin(direction::server, server_, f.offset, f.bytes.size());
        server_next_ = f.offset + f.bytes.size();
        const bool challenge = f.status == pop3::frame_status::continuation;
        const awaited_reply why = pop_awaited(challenge);
        if (why.why == awaited::unexpected) return rep_.failed(at, relative(why.error, f.offset));
        if (why.why == awaited::greeting || why.why == awaited::command) record_status(f.status);
        auto r = pop3::parse_response(f.bytes, expectation_of(f), opts_);
        if (!r) return rep_.failed(at, r.error());
        auto shown = describe(*r, pop3::response_kind_name(*r));
        if (!shown) return rep_.failed(at, shown.error());
        if (f.answers) shown->details.push_back(fmt::format("answers: {:v}", *f.answers));
        if (why.why == awaited::failed_command) shown->details.emplace_back("answers: a client line that did not parse");
        if (why.why == awaited::assumed) shown->details.emplace_back("framed as single-line: a raw server stream has no commands");
        add_state_change(*shown);
        rep_.parsed(at, *shown);
    }

    /// How to parse a reply: as its command calls for; the greeting as a greeting; a reply
    /// to a line that did not parse, or with no command known, as a plain status line.
    static pop3::expect expectation_of(const pop3::frame& f) {
        if (f.answers) return pop3::expectation_for(*f.answers);
        return f.kind == pop3::frame_kind::greeting ? pop3::expect::greeting : pop3::expect::status;
    }

    /// The reason the reply just framed was awaited; an AUTH challenge keeps it queued.
    awaited_reply pop_awaited(bool challenge) {
        if (awaited_.empty()) return {awaited::unexpected, {mailwire::errc::unexpected_response, 0, "no reply expected"}};
        awaited_reply r = awaited_.front();
        if (!challenge) awaited_.pop_front();
        return r;
    }

    void record_status(pop3::frame_status s) {
        if (!tracks_session()) return;
        (void)session_.on_response(s); // cannot fail: the queue mirrors the session's
    }

    /// STLS got +OK: the transcript goes on as the client and server talk after the TLS
    /// handshake, which it does not show.
    void after_stls() {
        replies_.resume();
        rep_.note("# TLS handshake after STLS: not in the input; what follows is taken as sent under TLS");
        if (!tracks_session()) return;
        (void)session_.tls_established(); // cannot fail: the session saw the +OK to STLS
        parsed_message change;
        add_state_change(change);
        for (const std::string& d : change.details) rep_.note("# " + d);
    }

    // ---- shared ---------------------------------------------------------------------------

    std::optional<pop3::session_state> state() const {
        if (!tracks_session()) return std::nullopt;
        return session_.state();
    }

    /// The session state after this message, when it changed (and on the first message).
    void add_state_change(parsed_message& p) {
        const auto now = state();
        if (!now) return;
        if (!shown_state_) p.details.push_back(fmt::format("state: {}", pop3::to_string(*now)));
        else if (*shown_state_ != *now)
            p.details.push_back(fmt::format("state: {} -> {}", pop3::to_string(*shown_state_), pop3::to_string(*now)));
        shown_state_ = now;
    }

    static message_origin origin(direction d, const stream_record& s, std::uint64_t offset, std::size_t size) {
        const auto off = static_cast<std::size_t>(offset);
        return {d, s.slice(off, size), s.line_of(off), off};
    }

    /// The reader's errors count from the start of the stream; the tool reports them from
    /// the start of the message.
    static mailwire::parse_error relative(mailwire::parse_error e, std::uint64_t start) {
        const auto s = static_cast<std::size_t>(start);
        e.offset = e.offset >= s ? e.offset - s : 0;
        return e;
    }

    /// Bytes after the last complete message, when the input ends: a message cut short.
    void report_incomplete(direction d, const stream_record& s, std::optional<std::size_t> next, std::string_view what) {
        if (!next || *next >= s.size()) return;
        const std::size_t size = s.size() - *next;
        rep_.failed(origin(d, s, *next, size), {mailwire::errc::need_more, size, what});
    }

    pop3_input input_;
    pop3::expect_greeting greeting_;
    mailwire::parse_options opts_;
    reporter& rep_;
    pop3::command_reader commands_;
    pop3::response_reader replies_;
    pop3::session session_;
    std::deque<awaited_reply> awaited_;
    std::deque<std::string> kept_lines_; // commands of a transcript, alive for frame::answers
    stream_record client_, server_;
    // Where the next message of each side starts: known after each message the reader hands
    // out; unknown after a framing error until the next one.
    std::optional<std::size_t> client_next_ = 0, server_next_ = 0;
    std::optional<pop3::session_state> shown_state_;
};

inline void run_pop3(const session_input& in, const mailwire::parse_options& opts, reporter& rep) {
    const bool client_first = in.chunks.empty() || in.chunks.front().dir == direction::client;
    pop3_input kind = pop3_input::transcript;
    if (in.raw) kind = client_first ? pop3_input::client_only : pop3_input::server_only;
    // The server's first line is its greeting, unless the client speaks first: then the
    // transcript starts in the middle of a session.
    const auto greeting = client_first ? pop3::expect_greeting::no : pop3::expect_greeting::yes;
    if (kind == pop3_input::transcript && client_first && !in.chunks.empty())
        rep.note("# the transcript starts with the client, in the middle of a session: no greeting "
                 "expected, session state not checked");
    pop3_driver driver(kind, greeting, opts, rep);
    for (const chunk& c : in.chunks) driver.add(c);
    driver.finish();
}

} // namespace mwparse
