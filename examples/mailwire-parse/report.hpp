// Printing what was parsed: a readable typed dump (default) or one JSON object per message
// (--json, a contract other tools read: see README.md). The protocol drivers only say what
// they found; this file decides how it looks.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include <mailwire/core/diagnostic.hpp>
#include <mailwire/core/error.hpp>

#include "json.hpp"
#include "transcript.hpp"

namespace mwparse {

/// Where a message came from.
struct message_origin {
    direction dir = direction::client;
    std::string_view input;      ///< the message's bytes as received
    std::size_t line_no = 0;     ///< transcript line of its first byte; 0 for a raw stream
    std::size_t offset = 0;      ///< offset of its first byte in its direction's stream
};

/// A message the library parsed.
struct parsed_message {
    std::string_view type;              ///< command name or response kind
    std::string wire;                   ///< what the library writes back for it
    std::string verbose;                ///< the library's {:v} dump
    std::vector<std::string> details;   ///< more "name: value" lines for the readable dump
};

namespace detail {

/// One wire line shown readably: printable ASCII as is, other bytes as \r \n \t or \xNN.
inline std::string show_bytes(std::string_view bytes) {
    std::string out;
    for (char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        if (b >= 0x20 && b <= 0x7E) out += c;
        else if (c == '\r') out += "\\r";
        else if (c == '\n') out += "\\n";
        else if (c == '\t') out += "\\t";
        else out += fmt::format("\\x{:02X}", static_cast<unsigned>(b));
    }
    return out;
}

/// The bytes as lines, each prefixed with `mark`; a CRLF line end is implied, any other
/// line end (bare LF, none) is shown.
inline std::string show_lines(std::string_view bytes, std::string_view mark) {
    std::string out;
    while (!bytes.empty()) {
        const std::size_t lf = bytes.find('\n');
        std::string_view line = bytes.substr(0, lf == std::string_view::npos ? bytes.size() : lf + 1);
        bytes.remove_prefix(line.size());
        if (line.ends_with("\r\n")) line.remove_suffix(2);
        const std::string shown = show_bytes(line);
        out += shown.empty() ? fmt::format("   {}\n", mark) : fmt::format("   {} {}\n", mark, shown);
    }
    return out;
}

/// Indent every line of a multi-line text by three spaces (no trailing white space).
inline std::string indent(std::string_view text) {
    std::string out;
    while (!text.empty()) {
        const std::size_t lf = text.find('\n');
        std::string_view line = text.substr(0, lf);
        while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
        if (!line.empty()) out += "   ";
        out += line;
        out += '\n';
        text = lf == std::string_view::npos ? std::string_view{} : text.substr(lf + 1);
    }
    return out;
}

inline std::string where(const message_origin& m) {
    return m.line_no ? fmt::format("line {}", m.line_no) : fmt::format("offset {}", m.offset);
}

inline std::string heading(const message_origin& m, std::string_view type) {
    return fmt::format("{}  {}  {}  {} bytes\n", to_string(m.dir), where(m), type, m.input.size());
}

} // namespace detail

class reporter {
public:
    reporter(bool json, std::FILE* out) : json_(json), out_(out) {}

    void parsed(const message_origin& m, const parsed_message& p) {
        if (json_) return emit(json::object{}
                                   .add("dir", to_string(m.dir))
                                   .add("ok", true)
                                   .add("type", p.type)
                                   .add("bytes", std::uint64_t{m.input.size()})
                                   .add("wire", p.wire)
                                   .str() + '\n');
        std::string text = detail::heading(m, p.type) + detail::show_lines(m.input, "|");
        if (p.wire != m.input) text += "   (written back differently:)\n" + detail::show_lines(p.wire, ">");
        text += detail::indent("= " + p.verbose);
        for (const std::string& d : p.details) text += detail::indent(d);
        emit(text);
    }

    /// A message that failed; `parsed`, when given, is what the library did parse of it (a
    /// command refused by the session state) and is shown in the readable dump.
    void failed(const message_origin& m, const mailwire::parse_error& e, const parsed_message* parsed = nullptr) {
        ++failures_;
        if (json_) return emit(error_json(m, e));
        std::string text = detail::heading(m, "error") + detail::show_lines(m.input, "|");
        if (parsed) text += detail::indent(fmt::format("= {}", parsed->verbose));
        text += detail::indent(fmt::format("{}", mailwire::with_input(m.input, e)));
        emit(text);
    }

    /// A line for the readable dump only (protocol, state changes).
    void note(std::string_view text) {
        if (!json_) emit(fmt::format("{}\n", text));
    }

    std::size_t failures() const noexcept { return failures_; }

private:
    static std::string error_json(const message_origin& m, const mailwire::parse_error& e) {
        return json::object{}
                   .add("dir", to_string(m.dir))
                   .add("ok", false)
                   .add("offset", std::uint64_t{e.offset})
                   .add("code", mailwire::to_string(e.code))
                   .add("expected", e.expected)
                   .str() +
               '\n';
    }

    void emit(const std::string& text) { std::fwrite(text.data(), 1, text.size(), out_); }

    bool json_;
    std::FILE* out_;
    std::size_t failures_ = 0;
};

} // namespace mwparse
