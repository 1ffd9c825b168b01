// ===========================================================================================
// IMAP PLACEHOLDER. mailwire has no IMAP command/response parser yet. This file is the ONE
// place of the tool that knows it: when the parsers land, replace on_message() below with
// the parse (imap::parse_command / parse_response on ev.bytes, reported like
// pop3_driver.hpp does) and delete `imap_unsupported` and the notice.
// Until then IMAP input is framed by the library (imap/framer.hpp) and every framed message
// is reported as not parsed: "imap-message" in the readable dump, and in --json an
// {"ok":false,"offset":0,"code":"unsupported","expected":"IMAP parser (not implemented
// yet)"} object, so the exit status is 1 and nobody mistakes it for a parse. Framing
// errors are reported as what they are.
// ===========================================================================================
#pragma once

#include <cstddef>
#include <cstdio>
#include <string_view>

#include <fmt/format.h>

#include <mailwire/core/error.hpp>
#include <mailwire/core/options.hpp>
#include <mailwire/imap/framer.hpp>

#include "input.hpp"
#include "report.hpp"

namespace mwparse {

inline constexpr std::string_view imap_unsupported = "IMAP parser (not implemented yet)";

inline constexpr std::string_view imap_notice =
    "mailwire-parse: IMAP message parsing is not implemented yet; framing only: every message is "
    "reported unparsed (\"imap-message\"; in --json, code \"unsupported\") and the exit status is 1\n";

/// One direction of an IMAP exchange: its bytes, and the library's framer over them.
class imap_side {
public:
    imap_side(direction d, const mailwire::parse_options& opts)
        : dir_(d), framer_(config(d), opts) {}

    void add(const chunk& c, reporter& rep) {
        stream_.append(c);
        while (next_message(rep)) {}
    }

    /// The input is over: bytes after the last complete message are a message cut short.
    void finish(reporter& rep) {
        if (start_ >= stream_.size()) return;
        const std::size_t size = stream_.size() - start_;
        rep.failed(origin(size), {mailwire::errc::need_more, size, "the rest of the message"});
    }

private:
    static mailwire::imap::framer_config config(direction d) {
        mailwire::imap::framer_config cfg;
        cfg.dir = d == direction::client ? mailwire::imap::direction::client_to_server
                                         : mailwire::imap::direction::server_to_client;
        cfg.announce_sync_literals = false; // a recorded exchange already holds the data
        return cfg;
    }

    message_origin origin(std::size_t size) const {
        return {dir_, stream_.slice(start_, size), stream_.line_of(start_), start_};
    }

    /// Frames and reports one message; false when the bytes so far complete none.
    bool next_message(reporter& rep) {
        const std::string_view rest = stream_.slice(start_, stream_.size() - start_);
        const mailwire::imap::frame_event ev = framer_.next(rest);
        switch (ev.status) {
        case mailwire::imap::frame_status::need_more:
        case mailwire::imap::frame_status::literal_announced: // not with announce_sync_literals off
            return false;
        case mailwire::imap::frame_status::message:
            on_message(origin(ev.size), ev.kind, rep);
            break;
        case mailwire::imap::frame_status::error:
            // ev.error.offset counts from the message's first byte; show it through that line.
            rep.failed(origin(stream_.line_end(start_ + ev.error.offset) - start_), ev.error);
            break;
        case mailwire::imap::frame_status::skip:
            break;
        }
        start_ += ev.consume;
        return true;
    }

    /// THE PLACEHOLDER: a framed message, not parsed.
    static void on_message(const message_origin& at, mailwire::imap::message_kind kind, reporter& rep) {
        rep.unsupported(at, "imap-message",
                        fmt::format("{}; framed as {}", imap_unsupported, mailwire::imap::to_string(kind)),
                        imap_unsupported);
    }

    direction dir_;
    stream_record stream_;
    mailwire::imap::framer framer_;
    std::size_t start_ = 0; // first byte of the message being framed
};

inline void run_imap(const session_input& in, const mailwire::parse_options& opts, reporter& rep) {
    std::fwrite(imap_notice.data(), 1, imap_notice.size(), stderr);
    imap_side client(direction::client, opts), server(direction::server, opts);
    for (const chunk& c : in.chunks) (c.dir == direction::client ? client : server).add(c, rep);
    client.finish(rep);
    server.finish(rep);
}

} // namespace mwparse
