// Fuzz target for the server side of IMAP end to end: a byte stream framed with
// imap::framer (server_to_client), every framed message parsed with parse_response in
// strict and lenient mode, written back and parsed again.
//
// Input: byte 0 selects the options (bit 0: small limits); the rest is the stream.
//
// Invariants (trap on violation): no crash; a message the strict parser accepts is also
// accepted leniently, to an equal value; strict values are writable, and a canonical
// message (one whose written form equals it) is written back byte for byte; every written
// form re-parses strictly to an equal value; a lenient value, when writable, re-parses
// leniently to an equal value.
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

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    using namespace mailwire;
    using namespace mailwire::imap;
    parse_options strict{};
    if (data[0] & 1) {
        strict.max_depth = 6;
        strict.max_list = 16;
        strict.max_literal = 64;
    }
    parse_options lenient = strict;
    lenient.mode = parse_mode::lenient;
    std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    framer f(framer_config{direction::server_to_client}, lenient);
    static response_storage s1, s2, s3;
    for (int guard = 0; guard < 4096; ++guard) {
        const auto ev = f.next(rest);
        if (ev.status == frame_status::need_more) break;
        if (ev.status == frame_status::message) {
            const std::string_view msg = ev.bytes(rest);
            auto rs = parse_response(msg, s1, strict);
            auto rl = parse_response(msg, s2, lenient);
            if (rs) {
                check(rl.has_value());
                check(*rs == *rl);
                auto w = to_wire(*rs);
                check(w.has_value());
                auto again = parse_response(*w, s3, strict);
                check(again.has_value() && *again == *rs);
                (void)fmt::format("{:v}", *rs);
            } else if (rl) {
                if (auto w = to_wire(*rl)) {
                    auto again = parse_response(*w, s3, lenient);
                    check(again.has_value() && *again == *rl);
                }
            }
        }
        if (ev.consume == 0 && ev.status != frame_status::message) break;
        rest.remove_prefix(ev.consume);
    }
    return 0;
}
