// The input as the protocol drivers see it: what each side sent, in the order it was sent,
// and for each direction the whole byte stream (so a message's bytes and its transcript
// line can be found from its offset in that stream).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "transcript.hpp"

namespace mwparse {

/// Bytes one side sent, in transcript order: one wire line of a transcript, or a whole
/// raw stream.
struct chunk {
    direction dir = direction::client;
    std::string bytes;
    std::size_t line_no = 0; ///< 0 for a raw stream
};

/// One direction's byte stream, and where each part of it came from.
class stream_record {
public:
    /// Append a chunk; returns its offset in the stream.
    std::size_t append(const chunk& c) {
        const std::size_t at = bytes_.size();
        starts_.emplace_back(at, c.line_no);
        bytes_ += c.bytes;
        return at;
    }
    /// The bytes [offset, offset + size) of the stream (clamped to what was appended).
    std::string_view slice(std::size_t offset, std::size_t size) const {
        return std::string_view(bytes_).substr(std::min(offset, bytes_.size()), size);
    }
    std::size_t size() const noexcept { return bytes_.size(); }
    /// Where the wire line holding the byte at `offset` starts, and where it ends (after its
    /// LF, or at the end of the stream). Only to show an error in context: the messages
    /// themselves are framed by the library.
    std::size_t line_start(std::size_t offset) const {
        const std::size_t at = std::min(offset, bytes_.size());
        const std::size_t lf = at == 0 ? std::string::npos : bytes_.rfind('\n', at - 1);
        return lf == std::string::npos ? 0 : lf + 1;
    }
    std::size_t line_end(std::size_t offset) const {
        const std::size_t lf = bytes_.find('\n', std::min(offset, bytes_.size()));
        return lf == std::string::npos ? bytes_.size() : lf + 1;
    }
    /// The transcript line holding the byte at `offset` (0 for a raw stream).
    std::size_t line_of(std::size_t offset) const {
        auto it = std::upper_bound(starts_.begin(), starts_.end(), offset,
                                   [](std::size_t off, const auto& s) { return off < s.first; });
        return it == starts_.begin() ? 0 : std::prev(it)->second;
    }

private:
    std::string bytes_;
    std::vector<std::pair<std::size_t, std::size_t>> starts_; // (offset, line_no)
};

struct session_input {
    std::vector<chunk> chunks;
    bool raw = false;
};

inline session_input from_transcript(const transcript& t) {
    session_input in;
    for (const transcript_line& l : t.lines) in.chunks.push_back({l.dir, l.wire(), l.line_no});
    return in;
}

inline session_input from_raw(direction dir, std::string bytes) {
    session_input in;
    in.raw = true;
    in.chunks.push_back({dir, std::move(bytes), 0});
    return in;
}

/// The first wire line `dir` sent, if any.
inline std::optional<std::string_view> first_line(const session_input& in, direction dir) {
    for (const chunk& c : in.chunks)
        if (c.dir == dir) return std::string_view(c.bytes).substr(0, c.bytes.find('\n'));
    return std::nullopt;
}

/// Read a whole file, or standard input for "" and "-"; nullopt if it cannot be read.
inline std::optional<std::string> read_all(const std::string& path) {
    const bool use_stdin = path.empty() || path == "-";
    std::FILE* f = use_stdin ? stdin : std::fopen(path.c_str(), "rb");
    if (!f) return std::nullopt;
    std::string data;
    char buf[65536];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.append(buf, n);
    const bool bad = std::ferror(f) != 0;
    if (!use_stdin) std::fclose(f);
    if (bad) return std::nullopt;
    return data;
}

} // namespace mwparse
