// Reading a transcript: the "C: " / "S: " lines of an RFC example, one wire line each.
// The format (examples/mailwire-parse/README.md):
//   "C: text" / "S: text"   one line the client / server sends: `text` then CRLF
//   "C:" / "S:"             an empty line (just CRLF)
//   "# ..."                 a comment; blank lines are skipped too
//   SP or HTAB first        continues the line above (an RFC's editorial line break): the
//                           leading white space is replaced by one SP
// Anything else is an error with its line number. The file's own line ends may be LF or
// CRLF; they are not part of the text. The tool never frames messages itself: it only
// turns these lines into each direction's byte stream and hands that to the library.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mwparse {

/// Who sent a line or a message.
enum class direction : char { client = 'C', server = 'S' };

constexpr std::string_view to_string(direction d) noexcept {
    return d == direction::client ? "C" : "S";
}

/// One wire line of a transcript.
struct transcript_line {
    direction dir = direction::client;
    std::string text;         ///< the bytes before the CRLF
    std::size_t line_no = 0;  ///< 1-based line of the transcript where it starts
    /// The bytes sent: the text and CRLF.
    std::string wire() const { return text + "\r\n"; }
};

struct transcript {
    std::vector<transcript_line> lines;
};

/// Why a transcript could not be read.
struct transcript_error {
    std::size_t line_no = 0;
    std::string message;
};

namespace detail {

/// The file's lines, without their LF or CRLF.
inline std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> out;
    while (!text.empty()) {
        const std::size_t lf = text.find('\n');
        std::string_view line = text.substr(0, lf);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        out.push_back(line);
        text = lf == std::string_view::npos ? std::string_view{} : text.substr(lf + 1);
    }
    return out;
}

constexpr bool is_blank(std::string_view s) noexcept {
    return s.find_first_not_of(" \t") == std::string_view::npos;
}

/// "C: text", "C:", "S: text", "S:" -> the direction; nullopt for other lines.
constexpr std::optional<direction> prefix_of(std::string_view s) noexcept {
    if (s.size() < 2 || s[1] != ':') return std::nullopt;
    if (s[0] == 'C') return direction::client;
    if (s[0] == 'S') return direction::server;
    return std::nullopt;
}

} // namespace detail

/// What one line of the file means, or an error.
class transcript_reader {
public:
    /// Consume one line of the file (without its line end).
    std::optional<transcript_error> add(std::string_view line, std::size_t line_no) {
        if (line.starts_with('#') || detail::is_blank(line)) {
            continuable_ = false;
            return std::nullopt;
        }
        if (line.front() == ' ' || line.front() == '\t') return add_continuation(line, line_no);
        if (auto dir = detail::prefix_of(line)) return add_wire_line(*dir, line, line_no);
        return transcript_error{line_no, "expected \"C: \", \"S: \", \"#\", a blank line or an "
                                         "indented continuation line"};
    }

    transcript take() { return std::move(result_); }

private:
    std::optional<transcript_error> add_wire_line(direction dir, std::string_view line, std::size_t line_no) {
        std::string_view text = line.substr(2);
        if (!text.empty() && text.front() != ' ')
            return transcript_error{line_no, "expected a space after \"C:\" or \"S:\""};
        if (!text.empty()) text.remove_prefix(1);
        result_.lines.push_back({dir, std::string(text), line_no});
        continuable_ = true;
        return std::nullopt;
    }

    std::optional<transcript_error> add_continuation(std::string_view line, std::size_t line_no) {
        if (!continuable_ || result_.lines.empty())
            return transcript_error{line_no, "an indented line continues a \"C:\" or \"S:\" line, "
                                             "but none comes right before it"};
        line.remove_prefix(line.find_first_not_of(" \t"));
        std::string& text = result_.lines.back().text;
        text += ' ';
        text += line;
        return std::nullopt;
    }

    transcript result_;
    bool continuable_ = false; // a continuation may follow only a wire line or a continuation
};

/// Read a whole transcript; on error, which line is wrong and why.
struct transcript_result {
    transcript value;
    std::optional<transcript_error> error;
};

inline transcript_result read_transcript(std::string_view file_text) {
    transcript_reader reader;
    std::size_t line_no = 0;
    for (std::string_view line : detail::split_lines(file_text)) {
        ++line_no;
        if (auto err = reader.add(line, line_no)) return {{}, std::move(err)};
    }
    return {reader.take(), std::nullopt};
}

} // namespace mwparse
