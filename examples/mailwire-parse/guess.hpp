// Guessing the protocol of a transcript or stream when neither --pop3 nor --imap is given:
// from the server's greeting if there is one, else from the client's first command.
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include <mailwire/core/chars.hpp>

namespace mwparse {

enum class protocol { pop3, imap };

constexpr std::string_view to_string(protocol p) noexcept { return p == protocol::pop3 ? "POP3" : "IMAP"; }

namespace detail {

/// `line` begins with `word`, followed by SP or the end of the line.
constexpr bool starts_with_word(std::string_view line, std::string_view word, bool ignore_case) noexcept {
    if (line.size() < word.size()) return false;
    const std::string_view head = line.substr(0, word.size());
    if (ignore_case ? !mailwire::chars::iequals(head, word) : head != word) return false;
    return line.size() == word.size() || line[word.size()] == ' ' || line[word.size()] == '\r' ||
           line[word.size()] == '\n';
}

/// The first word of a line: up to SP, CR, LF or the end.
constexpr std::string_view first_word(std::string_view line) noexcept {
    return line.substr(0, line.find_first_of(" \r\n"));
}

} // namespace detail

/// POP3 greets with "+OK" or "-ERR" (RFC 1939 §4); IMAP with "* OK", "* PREAUTH" or "* BYE"
/// (RFC 9051 §7.1).
constexpr std::optional<protocol> guess_from_greeting(std::string_view line) noexcept {
    using detail::starts_with_word;
    if (starts_with_word(line, "+OK", false) || starts_with_word(line, "-ERR", false)) return protocol::pop3;
    if (line.starts_with("* ")) {
        const std::string_view rest = line.substr(2);
        for (std::string_view w : {"OK", "PREAUTH", "BYE"})
            if (starts_with_word(rest, w, true)) return protocol::imap;
    }
    return std::nullopt;
}

/// A client line whose first word is a POP3 keyword (RFC 1939, 2449, 2595, 5034, 6856) is
/// POP3; otherwise "tag SP command" is IMAP. A POP3 extension this list does not know
/// (e.g. "XTND") looks like IMAP: give --pop3 then.
constexpr std::optional<protocol> guess_from_command(std::string_view line) noexcept {
    constexpr std::array<std::string_view, 17> pop3_keywords = {
        "USER", "PASS", "APOP", "STAT", "LIST", "RETR", "DELE", "NOOP", "RSET",
        "QUIT", "TOP",  "UIDL", "CAPA", "STLS", "AUTH", "UTF8", "LANG"};
    const std::string_view word = detail::first_word(line);
    for (std::string_view k : pop3_keywords)
        if (mailwire::chars::iequals(word, k)) return protocol::pop3;
    const std::string_view after = line.substr(word.size());
    const bool tag_ok = !word.empty() && mailwire::chars::tag_char.all_of(word);
    if (tag_ok && after.size() > 1 && after[0] == ' ' && mailwire::chars::alpha(after[1])) return protocol::imap;
    return std::nullopt;
}

} // namespace mwparse
