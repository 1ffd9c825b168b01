// A tiny writer for the flat, one-line JSON objects that `mailwire-parse --json` prints.
// Only what the tool needs: string, unsigned and boolean members, written in the order
// they are added (the --json contract fixes the order of the keys).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mwparse::json {

/// Appends `bytes` as the inside of a JSON string. A byte 0x20-0x7E stands for itself
/// (`"` and `\` get their backslash); every other byte is written \u00XX with upper-case
/// hex digits. Mapping each code point of the decoded string to one byte therefore gives
/// back exactly `bytes`, whatever they are (CR, LF, NUL, 8-bit).
inline void append_escaped(std::string& out, std::string_view bytes) {
    constexpr std::string_view hex = "0123456789ABCDEF";
    for (char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        if (b == '"' || b == '\\') {
            out += '\\';
            out += c;
        } else if (b >= 0x20 && b <= 0x7E) {
            out += c;
        } else {
            out += "\\u00";
            out += hex[b >> 4];
            out += hex[b & 0x0F];
        }
    }
}

/// One JSON object, built member by member: `object{}.add("a", 1).add("b", "x").str()`
/// gives `{"a":1,"b":"x"}`.
class object {
public:
    object& add(std::string_view key, std::string_view value) {
        begin_member(key);
        text_ += '"';
        append_escaped(text_, value);
        text_ += '"';
        return *this;
    }
    object& add(std::string_view key, const char* value) { return add(key, std::string_view(value)); }
    object& add(std::string_view key, std::uint64_t value) {
        begin_member(key);
        text_ += std::to_string(value);
        return *this;
    }
    object& add(std::string_view key, bool value) {
        begin_member(key);
        text_ += value ? "true" : "false";
        return *this;
    }

    /// The object's text, without a line end.
    std::string str() const { return text_ + '}'; }

private:
    void begin_member(std::string_view key) {
        text_ += text_.size() > 1 ? ",\"" : "\"";
        append_escaped(text_, key);
        text_ += "\":";
    }

    std::string text_ = "{";
};

} // namespace mwparse::json
