// mailwire-parse: parse a POP3 or IMAP transcript (or a raw byte stream) with mailwire
// and print every message as a typed dump, or as JSON lines (--json). The tool does no
// parsing or framing of its own: it turns the input into each side's byte stream and
// hands that to the library. Usage and formats: README.md next to this file.
#include <cstdio>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "cli.hpp"
#include "guess.hpp"
#include "imap_driver.hpp"
#include "input.hpp"
#include "pop3_driver.hpp"
#include "report.hpp"
#include "transcript.hpp"

namespace {

using namespace mwparse;

constexpr int exit_ok = 0;
constexpr int exit_failed = 1; // some message did not parse
constexpr int exit_usage = 2;  // usage error, unreadable input
constexpr int exit_bug = 3;    // an internal error

void print_err(std::string_view text) { std::fwrite(text.data(), 1, text.size(), stderr); }

/// Turn the file's bytes into what each side sent; nullopt after printing why not.
std::optional<session_input> make_input(const cli_options& o, std::string data) {
    if (o.kind == input_kind::client) return from_raw(direction::client, std::move(data));
    if (o.kind == input_kind::server) return from_raw(direction::server, std::move(data));
    transcript_result t = read_transcript(data);
    if (t.error) {
        print_err(fmt::format("mailwire-parse: {}:{}: {}\n", o.path.empty() ? "-" : o.path,
                              t.error->line_no, t.error->message));
        return std::nullopt;
    }
    return from_transcript(t.value);
}

/// The protocol to use and how it was chosen; nullopt after printing why it cannot be guessed.
std::optional<std::pair<protocol, std::string_view>> choose_protocol(const cli_options& o,
                                                                     const session_input& in) {
    if (o.proto) return std::pair{*o.proto, std::string_view("given")};
    if (auto s = first_line(in, direction::server))
        if (auto p = guess_from_greeting(*s)) return std::pair{*p, std::string_view("guessed from the server's first line")};
    if (auto c = first_line(in, direction::client))
        if (auto p = guess_from_command(*c)) return std::pair{*p, std::string_view("guessed from the client's first line")};
    print_err("mailwire-parse: cannot tell POP3 from IMAP (neither a greeting nor a known first "
              "command); give --pop3 or --imap\n");
    return std::nullopt;
}

int run(const cli_options& o) {
    std::optional<std::string> data = read_all(o.path);
    if (!data) {
        print_err(fmt::format("mailwire-parse: cannot read {}\n", o.path.empty() || o.path == "-" ? "standard input" : o.path));
        return exit_usage;
    }
    std::optional<session_input> in = make_input(o, std::move(*data));
    if (!in) return exit_usage;
    auto proto = choose_protocol(o, *in);
    if (!proto) return exit_usage;

    reporter rep(o.json, stdout);
    rep.note(fmt::format("# {} ({}), {} mode", to_string(proto->first), proto->second,
                         o.mode == mailwire::parse_mode::strict ? "strict" : "lenient"));
    mailwire::parse_options opts;
    opts.mode = o.mode;
    if (proto->first == protocol::pop3) run_pop3(*in, opts, rep);
    else run_imap(*in, opts, rep);
    return rep.failures() ? exit_failed : exit_ok;
}

} // namespace

int main(int argc, char** argv) {
    const cli_result cli = parse_args(std::span<const char* const>(argv + 1, static_cast<std::size_t>(argc > 0 ? argc - 1 : 0)));
    if (!cli.error.empty()) {
        print_err(fmt::format("mailwire-parse: {}\n\n{}", cli.error, usage_text));
        return exit_usage;
    }
    if (cli.options.help) {
        std::fwrite(usage_text.data(), 1, usage_text.size(), stdout);
        return exit_ok;
    }
    try {
        return run(cli.options);
    } catch (const std::exception& e) {
        // Only fmt can throw here (a value the library refuses to write, reported through
        // fmt::format_error); the tool checks with to_wire() first, so this is a bug.
        print_err(fmt::format("mailwire-parse: internal error: {}\n", e.what()));
        return exit_bug;
    }
}
