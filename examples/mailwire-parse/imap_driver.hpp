// IMAP: each side's bytes go to the library's framer (imap::framer; client_to_server for
// commands, server_to_client for responses), every framed message to its parser
// (imap::parse_command, parse_authenticate_continuation, parse_idle_done for the client;
// imap::parse_response for the server). The tool frames nothing itself. For a transcript it
// only tells the client framer, as a client would know, when the next client line is not a
// command: after AUTHENTICATE or IDLE was sent and the server answered "+", the next
// client line is an AUTHENTICATE response or IDLE's "DONE" (framer::expect_line()).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include <fmt/format.h>

#include <mailwire/core/error.hpp>
#include <mailwire/core/format.hpp>
#include <mailwire/core/options.hpp>
#include <mailwire/imap/command.hpp>
#include <mailwire/imap/framer.hpp>
#include <mailwire/imap/response.hpp>

#include "input.hpp"
#include "report.hpp"

namespace mwparse {

namespace imap = mailwire::imap;

/// The typed dump of an IMAP value: its wire bytes (checked), its {:v}.
template <class T>
mailwire::result<parsed_message> describe_imap(const T& value, std::string_view type) {
    auto wire = mailwire::to_wire(value);
    if (!wire) return wire.error();
    return parsed_message{type, std::move(*wire), fmt::format("{:v}", value), {}};
}

/// One direction of an IMAP exchange: its bytes, and the library's framer over them. It
/// hands every framed message (or framing error) to its owner.
class imap_side {
public:
    imap_side(direction d, const mailwire::parse_options& opts) : dir_(d), framer_(config(d), opts) {}

    /// Appends `c`; calls on_message(origin, event) for every message it completes.
    template <class OnMessage>
    void add(const chunk& c, reporter& rep, OnMessage&& on_message) {
        stream_.append(c);
        while (next_message(rep, on_message)) {}
    }

    /// The input is over: bytes after the last complete message are a message cut short.
    void finish(reporter& rep) {
        if (start_ >= stream_.size()) return;
        const std::size_t size = stream_.size() - start_;
        rep.failed(origin(size), {mailwire::errc::need_more, size, "the rest of the message"});
    }

    /// Whether no message is partly framed (the next byte starts a new message).
    bool at_message_start() const noexcept { return start_ >= stream_.size(); }

    imap::framer& framer() noexcept { return framer_; }

private:
    static imap::framer_config config(direction d) {
        imap::framer_config cfg;
        cfg.dir = d == direction::client ? imap::direction::client_to_server : imap::direction::server_to_client;
        cfg.announce_sync_literals = false; // a recorded exchange already holds the data
        return cfg;
    }

    message_origin origin(std::size_t size) const {
        return {dir_, stream_.slice(start_, size), stream_.line_of(start_), start_};
    }

    /// Frames and reports one message; false when the bytes so far complete none.
    template <class OnMessage>
    bool next_message(reporter& rep, OnMessage& on_message) {
        const std::string_view rest = stream_.slice(start_, stream_.size() - start_);
        const imap::frame_event ev = framer_.next(rest);
        switch (ev.status) {
        case imap::frame_status::need_more:
        case imap::frame_status::literal_announced: // not with announce_sync_literals off
            return false;
        case imap::frame_status::message: {
            const message_origin at = origin(ev.size);
            start_ += ev.consume;
            on_message(at, ev.kind);
            return true;
        }
        case imap::frame_status::error:
            // ev.error.offset counts from the message's first byte; show it through that line.
            rep.failed(origin(stream_.line_end(start_ + ev.error.offset) - start_), ev.error);
            break;
        case imap::frame_status::skip:
            break;
        }
        start_ += ev.consume;
        return true;
    }

    direction dir_;
    stream_record stream_;
    imap::framer framer_;
    std::size_t start_ = 0; // first byte of the message being framed
};

class imap_driver {
public:
    imap_driver(bool transcript, const mailwire::parse_options& opts, reporter& rep)
        : transcript_(transcript), opts_(opts), rep_(rep), client_(direction::client, opts),
          server_(direction::server, opts) {}

    void add(const chunk& c) {
        if (c.dir == direction::client)
            client_.add(c, rep_, [this](const message_origin& at, imap::message_kind k) { on_client(at, k); });
        else
            server_.add(c, rep_, [this](const message_origin& at, imap::message_kind) { on_server(at); });
    }

    void finish() {
        client_.finish(rep_);
        server_.finish(rep_);
    }

private:
    /// A command whose exchange may bring "+" continuations that the client answers with a
    /// line that is not a command.
    enum class exchange { none, authenticate, idle };

    // ---- client side ----------------------------------------------------------------------

    void on_client(const message_origin& at, imap::message_kind kind) {
        switch (kind) {
        case imap::message_kind::authenticate_response: return on_authenticate_response(at);
        case imap::message_kind::idle_done: return on_idle_done(at);
        default: return on_command(at);
        }
    }

    void on_command(const message_origin& at) {
        auto cmd = imap::parse_command(at.input, commands_, opts_, imap::session_syntax{false});
        if (!cmd) return rep_.failed(at, cmd.error());
        if (std::holds_alternative<imap::cmd::authenticate>(cmd->body)) start_exchange(exchange::authenticate, cmd->tag.text);
        else if (std::holds_alternative<imap::cmd::idle>(cmd->body)) start_exchange(exchange::idle, cmd->tag.text);
        auto shown = describe_imap(*cmd, imap::command_name(*cmd));
        if (!shown) return rep_.failed(at, shown.error());
        rep_.parsed(at, *shown);
    }

    void on_authenticate_response(const message_origin& at) {
        auto r = imap::parse_authenticate_continuation(at.input, opts_);
        if (!r) return rep_.failed(at, r.error());
        auto shown = describe_imap(*r, "authenticate_response");
        if (!shown) return rep_.failed(at, shown.error());
        shown->details.push_back(fmt::format("answers: the \"+\" to AUTHENTICATE (tag {})", pending_tag_));
        rep_.parsed(at, *shown);
    }

    void on_idle_done(const message_origin& at) {
        auto r = imap::parse_idle_done(at.input, opts_);
        if (!r) return rep_.failed(at, r.error());
        if (pending_ == exchange::idle) pending_ = exchange::none; // IDLE's only client line
        auto shown = describe_imap(*r, "idle_done");
        if (!shown) return rep_.failed(at, shown.error());
        rep_.parsed(at, *shown);
    }

    void start_exchange(exchange e, std::string_view tag) {
        if (!transcript_) return; // no server replies: no "+" will say what comes next
        pending_ = e;
        pending_tag_ = std::string(tag);
    }

    // ---- server side ----------------------------------------------------------------------

    void on_server(const message_origin& at) {
        auto r = imap::parse_response(at.input, responses_, opts_, imap::session_syntax{false});
        if (!r) return rep_.failed(at, r.error());
        auto shown = describe_imap(*r, imap::response_kind_name(*r));
        if (!shown) return rep_.failed(at, shown.error());
        track(*r, *shown);
        rep_.parsed(at, *shown);
    }

    /// A "+" during AUTHENTICATE or IDLE announces the client's next line; the tagged reply
    /// ends the exchange.
    void track(const imap::response& r, parsed_message& shown) {
        if (pending_ == exchange::none) return;
        if (r.get<imap::continue_req>() && client_.at_message_start()) {
            const bool auth = pending_ == exchange::authenticate;
            client_.framer().expect_line(auth ? imap::client_line::authenticate_response : imap::client_line::idle_done);
            shown.details.push_back(auth ? "next client line: an AUTHENTICATE response"
                                         : "next client line: DONE, ending IDLE");
            return;
        }
        if (const auto* s = r.get<imap::status_response>(); s && s->tagged && s->tag.text == pending_tag_)
            pending_ = exchange::none;
    }

    bool transcript_;
    mailwire::parse_options opts_;
    reporter& rep_;
    imap_side client_, server_;
    imap::command_storage commands_;   // reused: a command is valid until the next parse
    imap::response_storage responses_; // the same for responses
    exchange pending_ = exchange::none;
    std::string pending_tag_;
};

inline void run_imap(const session_input& in, const mailwire::parse_options& opts, reporter& rep) {
    imap_driver d(!in.raw, opts, rep);
    for (const chunk& c : in.chunks) d.add(c);
    d.finish();
}

} // namespace mwparse
