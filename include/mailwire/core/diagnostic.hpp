// Rendering a parse_error under the input line it points into, with a caret, like a
// compiler:
//
//   error: invalid_syntax at offset 5: expected nz-number
//     RETR 0x
//          ^
#pragma once

#include <cstddef>
#include <iterator>
#include <string_view>

#include <fmt/format.h>

#include <mailwire/core/error.hpp>

namespace mailwire {

/// An error together with the input it refers to; format it with fmt.
struct error_in_context {
    std::string_view input;
    parse_error error;
};

constexpr error_in_context with_input(std::string_view input, const parse_error& e) noexcept {
    return {input, e};
}

} // namespace mailwire

template <>
struct fmt::formatter<mailwire::parse_error> {
    constexpr auto parse(fmt::format_parse_context& ctx) -> decltype(ctx.begin()) { return ctx.begin(); }
    template <class FormatContext>
    auto format(const mailwire::parse_error& e, FormatContext& ctx) const -> decltype(ctx.out()) {
        auto out = fmt::format_to(ctx.out(), "{} at offset {}", mailwire::to_string(e.code), e.offset);
        if (!e.expected.empty()) out = fmt::format_to(out, ": expected {}", e.expected);
        return out;
    }
};

template <>
struct fmt::formatter<mailwire::error_in_context> {
    constexpr auto parse(fmt::format_parse_context& ctx) -> decltype(ctx.begin()) { return ctx.begin(); }

    template <class FormatContext>
    auto format(const mailwire::error_in_context& c, FormatContext& ctx) const -> decltype(ctx.out()) {
        constexpr std::size_t window = 72; // columns of context shown around the offset
        const std::string_view in = c.input;
        const std::size_t off = c.error.offset < in.size() ? c.error.offset : in.size();
        // The line holding the offset: from after the previous LF to before the next CR/LF.
        std::size_t begin = off;
        while (begin > 0 && in[begin - 1] != '\n') --begin;
        std::size_t end = off;
        while (end < in.size() && in[end] != '\r' && in[end] != '\n') ++end;
        // Keep long lines readable: show a window that contains the offset.
        bool cut_left = false, cut_right = false;
        if (off - begin > window / 2 && end - begin > window) { begin = off - window / 2; cut_left = true; }
        if (end - begin > window) { end = begin + window; cut_right = true; }

        auto out = fmt::format_to(ctx.out(), "error: {}\n  ", c.error);
        if (cut_left) out = fmt::format_to(out, "...");
        for (std::size_t i = begin; i < end; ++i) {
            const auto b = static_cast<unsigned char>(in[i]);
            // One column per byte keeps the caret aligned; unprintables become '?'.
            *out++ = (b >= 0x20 && b < 0x7F) ? static_cast<char>(b) : '?';
        }
        if (cut_right) out = fmt::format_to(out, "...");
        out = fmt::format_to(out, "\n  {:>{}}", "^", (cut_left ? 3 : 0) + (off - begin) + 1);
        return out;
    }
};
