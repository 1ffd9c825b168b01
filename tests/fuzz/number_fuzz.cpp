// Fuzz target for include/mailwire/core/number.hpp: the parsers must never
// crash, and must agree with a trivially correct reference implementation.
#include <mailwire/core/number.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

namespace {

// Reference: the whole text is 1*DIGIT and its value is <= max.
std::optional<std::uint64_t> reference(std::string_view text, std::uint64_t max)
{
    if (text.empty()) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (max - digit) / 10) {
            return std::nullopt;
        }
        value = value * 10 + digit;
    }
    return value;
}

template <class Result>
void check(const Result& got, std::optional<std::uint64_t> want)
{
    if (static_cast<bool>(got) != want.has_value()) {
        std::abort();
    }
    if (got && static_cast<std::uint64_t>(*got) != *want) {
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    check(mailwire::parse_number(text), reference(text, UINT32_MAX));
    check(mailwire::parse_number64(text), reference(text, INT64_MAX));

    // nz-number: as number, but no leading zero and not zero.
    auto nz_want = reference(text, UINT32_MAX);
    if (!text.empty() && text.front() == '0') {
        nz_want.reset();
    }
    check(mailwire::parse_nz_number(text), nz_want);
    return 0;
}
