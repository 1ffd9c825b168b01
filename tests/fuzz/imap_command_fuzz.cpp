// Fuzz target for include/mailwire/imap/command.hpp: parse_command() on arbitrary bytes, in
// strict and lenient mode, whole and after framing.
//
// Input: byte 0 selects options (bit 0: UTF-8 session syntax, bit 1: small limits, bit 2:
// frame the rest first); the rest is the message (or, framed, a stream of messages).
//
// Invariants (trap on violation): no crash, no read past the input; an error carries a
// code other than ok, an offset within the message and what was expected; whatever strict
// mode accepts, lenient mode accepts as an equal command (lenient is a superset); a parsed
// command has a name and a dump without line breaks; framed by buffered_framer, a message
// parses from the event as from its bytes.
#include <mailwire/imap/command.hpp>
#include <mailwire/imap/framer.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace {

void check(bool ok) {
    if (!ok) __builtin_trap();
}

void one(std::string_view msg, mailwire::parse_options opts, mailwire::imap::session_syntax syn) {
    using namespace mailwire::imap;
    command_storage st_strict, st_lenient;
    opts.mode = mailwire::parse_mode::strict;
    const auto s = parse_command(msg, st_strict, opts, syn);
    opts.mode = mailwire::parse_mode::lenient;
    const auto l = parse_command(msg, st_lenient, opts, syn);
    for (const auto* r : {&s, &l}) {
        if (r->has_value()) {
            check(!command_name(**r).empty());
            check(!mailwire::breaks_line(fmt::format("{:v}", **r)));
        } else {
            check(r->error().code != mailwire::errc::ok);
            check(r->error().offset <= msg.size());
            check(!r->error().expected.empty());
        }
    }
    if (s.has_value()) check(l.has_value() && *l == *s);
}

// The stream through buffered_framer: each message's nul_free is exact, and parsing the
// event (which skips the literal NUL scan when nul_free) gives the outcome of parsing the
// bytes.
void through_buffered_framer(std::string_view input, mailwire::parse_options opts, mailwire::imap::session_syntax syn) {
    using namespace mailwire::imap;
    buffered_framer f(framer_config{direction::client_to_server, false, false}, mailwire::parse_options::make_lenient());
    f.feed(input);
    command_storage st_bytes, st_event;
    opts.mode = mailwire::parse_mode::strict;
    for (int guard = 0; guard < 1000; ++guard) {
        const auto ev = f.next();
        if (ev.status == frame_status::need_more) break;
        if (ev.status != frame_status::message) continue;
        check(ev.nul_free == (ev.bytes.find('\0') == std::string_view::npos));
        const auto from_bytes = parse_command(ev.bytes, st_bytes, opts, syn);
        const auto from_event = parse_command(ev, st_event, opts, syn);
        check(from_event.has_value() == from_bytes.has_value());
        if (from_bytes) check(*from_event == *from_bytes);
        else check(from_event.error().code == from_bytes.error().code && from_event.error().offset == from_bytes.error().offset);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const auto flags = data[0];
    const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
    mailwire::parse_options opts;
    if ((flags & 2) != 0) {
        opts.max_depth = 3;
        opts.max_list = 4;
        opts.max_literal = 16;
        opts.max_message = 64;
    }
    const mailwire::imap::session_syntax syn{(flags & 1) != 0};
    if ((flags & 4) == 0) {
        one(input, opts, syn);
        return 0;
    }
    through_buffered_framer(input, opts, syn);
    // A stream: frame it as a server would (literals accepted) and parse each message.
    mailwire::imap::framer f(mailwire::imap::framer_config{mailwire::imap::direction::client_to_server, false, false},
                             mailwire::parse_options::make_lenient());
    std::string_view rest = input;
    for (int guard = 0; guard < 1000; ++guard) {
        const auto ev = f.next(rest);
        if (ev.status == mailwire::imap::frame_status::need_more) break;
        if (ev.status == mailwire::imap::frame_status::message) one(ev.bytes(rest), opts, syn);
        check(ev.consume <= rest.size());
        rest.remove_prefix(ev.consume);
        if (ev.status == mailwire::imap::frame_status::error && ev.consume == 0) {
            // the skip events that follow consume the bad message
            continue;
        }
    }
    return 0;
}
