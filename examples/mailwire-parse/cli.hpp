// The command line of mailwire-parse.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <mailwire/core/options.hpp>

#include "guess.hpp"

namespace mwparse {

/// What the input file holds.
enum class input_kind {
    transcript, ///< "C: " / "S: " lines (the default)
    client,     ///< --client: the exact bytes a client sends
    server,     ///< --server: the exact bytes a server sends
};

struct cli_options {
    std::optional<protocol> proto;  ///< --pop3 / --imap; guessed when absent
    input_kind kind = input_kind::transcript;
    mailwire::parse_mode mode = mailwire::parse_mode::strict;
    bool json = false;
    bool help = false;
    std::string path;               ///< empty or "-": standard input
};

struct cli_result {
    cli_options options;
    std::string error; ///< non-empty on a usage error
};

inline constexpr std::string_view usage_text =
    "usage: mailwire-parse [options] [FILE | -]\n"
    "\n"
    "Parse every POP3 or IMAP message of FILE (standard input if FILE is - or absent)\n"
    "with the mailwire library and print each as a typed dump.\n"
    "\n"
    "FILE is a transcript: lines \"C: <bytes>\" (client) and \"S: <bytes>\" (server), each\n"
    "sent with CRLF; \"#\" starts a comment; an indented line continues the line above.\n"
    "\n"
    "options:\n"
    "  --pop3, --imap      the protocol (default: guessed from the greeting, or from the\n"
    "                      first command when there is no server line)\n"
    "  --client, --server  FILE is a raw byte stream of commands / of responses, CRLF\n"
    "                      included, instead of a transcript\n"
    "  --strict            the RFC grammar to the letter (default)\n"
    "  --lenient           also accept the documented quirks of real servers\n"
    "  --json              one JSON object per message, one per line:\n"
    "                      {\"dir\",\"ok\":true,\"type\",\"bytes\",\"wire\"} or\n"
    "                      {\"dir\",\"ok\":false,\"offset\",\"code\",\"expected\"}\n"
    "  -h, --help          this text\n"
    "\n"
    "exit status: 0 every message parsed, 1 some message did not, 2 usage error or\n"
    "unreadable input. Format details: examples/mailwire-parse/README.md\n";

namespace detail {

/// Apply one argument; returns an error message or "".
inline std::string apply_arg(cli_options& o, std::string_view a, bool& have_path) {
    auto set_proto = [&](protocol p) -> std::string {
        if (o.proto && *o.proto != p) return "--pop3 and --imap exclude each other";
        o.proto = p;
        return {};
    };
    auto set_kind = [&](input_kind k) -> std::string {
        if (o.kind != input_kind::transcript && o.kind != k) return "--client and --server exclude each other";
        o.kind = k;
        return {};
    };
    if (a == "--pop3") return set_proto(protocol::pop3);
    if (a == "--imap") return set_proto(protocol::imap);
    if (a == "--client") return set_kind(input_kind::client);
    if (a == "--server") return set_kind(input_kind::server);
    if (a == "--strict") { o.mode = mailwire::parse_mode::strict; return {}; }
    if (a == "--lenient") { o.mode = mailwire::parse_mode::lenient; return {}; }
    if (a == "--json") { o.json = true; return {}; }
    if (a == "--help" || a == "-h") { o.help = true; return {}; }
    if (a.size() > 1 && a.front() == '-') return "unknown option " + std::string(a);
    if (have_path) return "more than one input file";
    have_path = true;
    o.path = std::string(a);
    return {};
}

} // namespace detail

/// Parse argv[1..]. Later --strict/--lenient win over earlier ones.
inline cli_result parse_args(std::span<const char* const> args) {
    cli_result r;
    bool have_path = false;
    for (const char* a : args) {
        r.error = detail::apply_arg(r.options, a, have_path);
        if (!r.error.empty()) break;
    }
    return r;
}

} // namespace mwparse
