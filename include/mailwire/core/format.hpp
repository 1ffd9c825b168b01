// Serialization support shared by both protocols.
//
// Every mailwire struct formats with fmt: `fmt::format("{}", x)` gives its exact wire
// bytes and `fmt::format("{:v}", x)` a readable one-line dump. A formatter cannot return
// an error, so the checked entry points are `check_writable(x)` (found by ADL, defined next
// to each type) and `to_wire(x)` / `write_wire(buffer, x)`, which refuse a value that
// cannot be written safely (a CR or LF inside an argument) instead of sending it. Passing
// such a value straight to fmt reports fmt::format_error through FMT_THROW (an exception,
// or fmt's assertion handler when built with -fno-exceptions): it is never written.
#pragma once

#include <iterator>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include <mailwire/core/chars.hpp>
#include <mailwire/core/result.hpp>

namespace mailwire {

/// How a formatter presents a value: exact wire bytes ("{}") or a readable dump ("{:v}").
enum class presentation : char { wire = 'w', verbose = 'v' };

/// Base for mailwire formatters: accepts an empty spec or "v".
struct formatter_base {
    presentation pres = presentation::wire;

    constexpr auto parse(fmt::format_parse_context& ctx) -> decltype(ctx.begin()) {
        auto it = ctx.begin();
        if (it != ctx.end() && *it == 'v') {
            pres = presentation::verbose;
            ++it;
        }
        return it;
    }
};

/// True when `s` holds a CR, LF or NUL: bytes that would end or corrupt a protocol line.
constexpr bool breaks_line(std::string_view s) noexcept {
    for (char c : s)
        if (c == '\r' || c == '\n' || c == '\0') return true;
    return false;
}

/// The refusal every writer uses for an unsafe value; `offset` is within the value's text.
constexpr parse_error unsafe(std::string_view what, std::size_t offset = 0) noexcept {
    return parse_error{errc::unsafe_value, offset, what};
}

/// Checked serialization: the wire bytes of `value`, or why it cannot be written.
template <class T>
result<std::string> to_wire(const T& value) {
    if (auto ok = check_writable(value); !ok) return ok.error();
    // Through fmt's own buffer: formatters then write in bulk (fmt 9 writes a
    // std::back_insert_iterator one character at a time).
    fmt::memory_buffer buf;
    fmt::format_to(fmt::appender(buf), "{}", value);
    return std::string(buf.data(), buf.size());
}

/// Checked serialization appended to any container of char with range insert (a
/// std::string, a std::vector<char>): nothing is appended on refusal.
template <class Buffer, class T>
result<void> write_wire(Buffer& buffer, const T& value) {
    if (auto ok = check_writable(value); !ok) return ok.error();
    fmt::memory_buffer buf;
    fmt::format_to(fmt::appender(buf), "{}", value);
    buffer.insert(buffer.end(), buf.data(), buf.data() + buf.size());
    return {};
}

/// Used inside formatters when a value that check_writable() refuses reaches fmt anyway.
[[noreturn]] inline void refuse_unsafe_write(const char* why) {
    FMT_THROW(fmt::format_error(why));
#if !defined(__cpp_exceptions)
    std::abort();
#endif
}

} // namespace mailwire
