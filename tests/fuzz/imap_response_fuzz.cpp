// Fuzz target for include/mailwire/imap/response.hpp: parse_response on one message.
//
// Input: byte 0 selects the options (bit 0: lenient, bit 1: small limits, bit 2: UTF-8
// session); the rest is the message.
//
// Invariants (trap on violation): no crash, no read past the input (ASan); an error's
// offset lies within the message; a strictly parsed response is always writable; whatever
// is writable re-parses (same mode) to an equal value, and writing that again gives the
// same bytes; the {:v} dump never fails.
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
