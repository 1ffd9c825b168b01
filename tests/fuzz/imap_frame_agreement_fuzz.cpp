// Differential fuzz target: the parsers and the framers must agree on where a message ends.
//
// Input: byte 0 selects the case; the rest is one candidate message.
//   bit 0: direction (0: a server's response, 1: a client's command)
//   bit 1: lenient mode      bit 2: small limits      bit 3: session_syntax::utf8
//
// Invariants (trap on violation):
//   1. bytes that parse_response / parse_command accept as one message are framed by the
//      same-direction framer, in the same mode and with the same limits, as exactly one
//      message of the same length;
//   2. whatever to_wire (responses) or write_command (commands, in every literal mode)
//      writes from an accepted value frames as exactly one message of its full length.
// A disagreement is an injection hole: a peer's framer would split what the writer meant
// as one message (a forged tagged response after a literal in a response code, say).
#include <mailwire/imap/command.hpp>
#include <mailwire/imap/framer.hpp>
#include <mailwire/imap/response.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include <fmt/format.h>

namespace {

using namespace mailwire;
using namespace mailwire::imap;

void check(bool ok) {
    if (!ok) __builtin_trap();
}

// Frames `bytes` as a whole: the first event must be one message spanning all of them.
void frames_as_one(std::string_view bytes, direction dir, const parse_options& opts) {
    framer_config cfg{dir};
    cfg.announce_sync_literals = false; // a recorded stream: every literal's data is there
    framer f(cfg, opts);
    const frame_event ev = f.next(bytes);
    check(ev.status == frame_status::message);
    check(ev.size == bytes.size());
}

// Limits that fit a written form, which may be longer than its input (a bare LF read
// leniently is written CRLF; an atom may be written quoted).
parse_options fitting(parse_options o, std::size_t size) {
    o.max_message = std::max<std::uint64_t>(o.max_message, size);
    o.max_line = std::max(o.max_line, size);
    return o;
}

std::string in_parts(const command& c, write_options wo) {
    std::string out;
    auto ok = write_command(
        c,
        [&](const auto& part) {
            if constexpr (std::is_same_v<std::decay_t<decltype(part)>, line_part>) out.append(part.bytes);
            else out.append(part.data);
        },
        wo);
    check(ok.has_value());
    return out;
}

void response_case(std::string_view msg, const parse_options& opts, session_syntax syn) {
    static response_storage st;
    const auto r = parse_response(msg, st, opts, syn);
    if (!r) return;
    frames_as_one(msg, direction::server_to_client, opts);
    const auto w = to_wire(*r);
    if (opts.strict()) check(w.has_value());
    if (!w) return;
    frames_as_one(*w, direction::server_to_client, fitting(opts, w->size()));
}

void command_case(std::string_view msg, const parse_options& opts, session_syntax syn) {
    static command_storage st;
    const auto c = parse_command(msg, st, opts, syn);
    if (!c) return;
    frames_as_one(msg, direction::client_to_server, opts);
    if (!check_writable(*c)) {
        check(!opts.strict());
        return;
    }
    const std::string wire = fmt::format("{}", *c);
    frames_as_one(wire, direction::client_to_server, fitting(opts, wire.size()));
    for (auto mode : {literal_mode::synchronizing, literal_mode::non_synchronizing, literal_mode::literal_minus}) {
        const std::string other = in_parts(*c, {mode});
        frames_as_one(other, direction::client_to_server, fitting(opts, other.size()));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const auto flags = data[0];
    const std::string msg(reinterpret_cast<const char*>(data) + 1, size - 1);
    parse_options opts;
    if ((flags & 2) != 0) opts.mode = parse_mode::lenient;
    if ((flags & 4) != 0) {
        opts.max_depth = 4;
        opts.max_list = 8;
        opts.max_line = 48;
        opts.max_literal = 16;
        opts.max_literals_per_message = 3;
        opts.max_message = 96;
    }
    const session_syntax syn{(flags & 8) != 0};
    if ((flags & 1) == 0) response_case(msg, opts, syn);
    else command_case(msg, opts, syn);
    return 0;
}
