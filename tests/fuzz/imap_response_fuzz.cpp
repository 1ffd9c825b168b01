// Fuzz target for include/mailwire/imap/response.hpp: parse_response on one message.
//
// Input: byte 0 selects the options (bit 0: lenient, bit 1: small limits, bit 2: UTF-8
// session); the rest is the message.
//
// Invariants (trap on violation): no crash, no read past the input (ASan); an error's
// offset lies within the message; a strictly parsed response is always writable; whatever
// is writable re-parses (same mode) to an equal value, and writing that again gives the
// same bytes; the {:v} dump never fails; parsed from buffered_framer's event (NUL found
// while copying) it gives the same outcome as from the bytes.
#include <mailwire/imap/framer.hpp>
#include <mailwire/imap/response.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace {

void check(bool ok) {
    if (!ok) __builtin_trap();
}

// The message fed to buffered_framer and parsed from its event, which skips the literal
// NUL scan when the framer saw no NUL: when the framer takes the input as one message, the
// outcome equals the direct parse's (value, or error code and offset).
void same_through_buffered_framer(std::string_view msg, const mailwire::result<mailwire::imap::response>& direct,
                                  const mailwire::parse_options& opts, mailwire::imap::session_syntax syn) {
    using namespace mailwire;
    imap::buffered_framer framer({imap::direction::server_to_client}, opts);
    framer.feed(msg);
    const auto ev = framer.next();
    if (ev.status != imap::frame_status::message || ev.bytes.size() != msg.size()) return;
    check(ev.nul_free == (msg.find('\0') == std::string_view::npos));
    static imap::response_storage st;
    const auto via_event = imap::parse_response(ev, st, opts, syn);
    check(via_event.has_value() == direct.has_value());
    if (direct) check(*via_event == *direct);
    else check(via_event.error().code == direct.error().code && via_event.error().offset == direct.error().offset);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    using namespace mailwire;
    const auto flags = data[0];
    const std::string_view msg(reinterpret_cast<const char*>(data) + 1, size - 1);
    parse_options opts = (flags & 1) ? parse_options::make_lenient() : parse_options{};
    if (flags & 2) {
        opts.max_depth = 4;
        opts.max_list = 8;
        opts.max_literal = 16;
    }
    const imap::session_syntax syn{(flags & 4) != 0};
    static imap::response_storage st, st2; // reused: the steady-state path
    auto r = imap::parse_response(msg, st, opts, syn);
    same_through_buffered_framer(msg, r, opts, syn);
    if (!r) {
        check(r.error().offset <= msg.size());
        return 0;
    }
    (void)fmt::format("{:v}", *r);
    (void)imap::response_kind_name(*r);
    auto w = to_wire(*r);
    if (opts.strict()) check(w.has_value());
    if (!w) return 0;
    auto again = imap::parse_response(*w, st2, opts, syn);
    check(again.has_value());
    check(*again == *r);
    auto w2 = to_wire(*again);
    check(w2.has_value() && *w2 == *w);
    return 0;
}
