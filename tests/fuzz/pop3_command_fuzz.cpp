// Fuzz target for include/mailwire/pop3/command.hpp: parse_command and
// parse_auth_continuation on arbitrary bytes, in strict and lenient mode. They must never
// crash; and whatever parses and passes check_writable must format to a line that parses
// back to an equal value, in the same mode (the round trip of the design brief).
#include <mailwire/pop3/command.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace {

template <class T, class Parse>
void round_trip(const mailwire::result<T>& parsed, const mailwire::parse_options& opts, Parse parse)
{
    if (!parsed || !check_writable(*parsed)) {
        return;
    }
    const std::string wire = fmt::format("{}", *parsed);
    // The written line may be one octet longer than a lenient bare-LF input (CRLF), so
    // re-read without the line limit; every other rule applies unchanged.
    mailwire::parse_options again_opts = opts;
    again_opts.max_line = std::max(opts.max_line, wire.size());
    const auto again = parse(wire, again_opts);
    if (!again || !(*again == *parsed)) {
        __builtin_trap();
    }
    // A canonical line is a fixed point of format.
    if (fmt::format("{}", *again) != wire) {
        __builtin_trap();
    }
    // The dump never breaks the line.
    if (mailwire::breaks_line(fmt::format("{:v}", *parsed))) {
        __builtin_trap();
    }
}

// An error points into the input or just past its end.
void check_offset(const mailwire::parse_error& e, std::size_t size)
{
    if (e.offset > size) {
        __builtin_trap();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    const mailwire::parse_options modes[] = {mailwire::parse_options{}, mailwire::parse_options::make_lenient()};
    for (const auto& opts : modes) {
        const auto cmd = mailwire::pop3::parse_command(line, opts);
        if (!cmd) {
            check_offset(cmd.error(), size);
        } else if (mailwire::pop3::command_name(*cmd).empty()) {
            __builtin_trap();
        }
        round_trip(cmd, opts, [](std::string_view l, const mailwire::parse_options& o) {
            return mailwire::pop3::parse_command(l, o);
        });

        const auto cont = mailwire::pop3::parse_auth_continuation(line, opts);
        if (!cont) {
            check_offset(cont.error(), size);
        }
        round_trip(cont, opts, [](std::string_view l, const mailwire::parse_options& o) {
            return mailwire::pop3::parse_auth_continuation(l, o);
        });
    }
    return 0;
}
