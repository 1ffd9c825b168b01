// Round-trip fuzz target for include/mailwire/imap/command.hpp.
//
// Input: byte 0 selects options (bit 0: lenient, bit 1: UTF-8 session syntax, bit 2: small
// limits); the rest is one command message. Whatever parses must pass check_writable()
// (parsed values are always writable), format to bytes that parse back (same mode) to an
// equal command, format again to the same bytes (canonical form is a fixed point), and
// come out of write_command() as the same bytes in parts, in every literal mode with the
// literal headers adjusted. Trap otherwise.
#include <mailwire/imap/command.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include <fmt/format.h>

namespace {

void check(bool ok) {
    if (!ok) __builtin_trap();
}

std::string in_parts(const mailwire::imap::command& c, mailwire::imap::write_options wo) {
    std::string out;
    bool expect_literal = false;
    auto ok = mailwire::imap::write_command(
        c,
        [&](const auto& part) {
            if constexpr (std::is_same_v<std::decay_t<decltype(part)>, mailwire::imap::line_part>) {
                check(!expect_literal);
                out.append(part.bytes);
                expect_literal = part.literal_follows;
                if (part.literal_follows) check(part.bytes.size() >= 4 && part.bytes.substr(part.bytes.size() - 2) == "\r\n");
            } else {
                check(expect_literal);
                out.append(part.data);
                expect_literal = false;
            }
        },
        wo);
    check(ok.has_value());
    check(!expect_literal);
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace mailwire::imap;
    if (size == 0) return 0;
    const auto flags = data[0];
    const std::string msg(reinterpret_cast<const char*>(data) + 1, size - 1);
    mailwire::parse_options opts;
    if ((flags & 1) != 0) opts.mode = mailwire::parse_mode::lenient;
    if ((flags & 4) != 0) {
        opts.max_depth = 3;
        opts.max_list = 4;
        opts.max_literal = 16;
        opts.max_message = 64;
    }
    const session_syntax syn{(flags & 2) != 0};

    command_storage st;
    const auto parsed = parse_command(msg, st, opts, syn);
    if (!parsed) return 0;
    check(check_writable(*parsed).has_value());

    const std::string wire = fmt::format("{}", *parsed);
    // The written form may be longer than a bare-LF input by its CR.
    mailwire::parse_options again_opts = opts;
    again_opts.max_message = std::max<std::uint64_t>(opts.max_message, wire.size());
    command_storage st2;
    const auto again = parse_command(wire, st2, again_opts, syn);
    check(again.has_value());
    check(*again == *parsed);
    check(fmt::format("{}", *again) == wire);
    check(in_parts(*parsed, {}) == wire);

    // Other literal modes change only the "+" of literal headers; the result parses equal.
    for (auto mode : {literal_mode::synchronizing, literal_mode::non_synchronizing, literal_mode::literal_minus}) {
        const std::string other = in_parts(*parsed, {mode});
        mailwire::parse_options other_opts = again_opts;
        other_opts.max_message = std::max<std::uint64_t>(again_opts.max_message, other.size());
        command_storage st3;
        const auto third = parse_command(other, st3, other_opts, syn);
        check(third.has_value());
        check(*third == *parsed);
    }
    return 0;
}
